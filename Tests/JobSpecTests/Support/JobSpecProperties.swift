import Foundation
import MailferryCore

@testable import JobSpec

/// Properties of the job-file loader and the users-file reader on hostile input; shared by the
/// fixed-seed property tests and the libFuzzer harnesses (fuzz/Targets/job-file, users-file).
enum JobSpecProperties {
    static let yamlMutator = ByteMutator(
        tokens: [
            ":", ": ", "- ", "  ", "\t", "{", "}", "[", "]", "&a ", "*a", "!!int ", "!!binary ", "|", ">", "#", "'",
            "\"",
            "---\n", "...\n", "? ", "%YAML 1.2\n", "<<: *a\n", "~", "null", "env:", "file:", "0x1F", "1e999", "-1",
            "99999999999999999999", "users:\n  file: users/", "\u{FEFF}", "\u{85}", "\u{2028}", "\r", "\0", "host: x\n",
            "name: a\nname: b\n", "folders:\n  skip: [", "port: 99999\n", "delimiter: \"\"\n", "delimiter: \"ab\"\n",
        ], maxLength: 8 * 1024)

    /// Lines as YAML counts them: CRLF, CR, LF, NEL, LS and PS all break a line.
    static func lineCount(_ text: String) -> Int {
        var count = 1
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previous == "\r": break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": count += 1
            default: break
            }
            previous = scalar
        }
        return count
    }

    /// Every diagnostic points inside the file it names (or nowhere), and no secret is in a message.
    static func checkDiagnostics(
        _ diagnostics: [Diagnostic], files: [String: String], secrets: [String]
    ) -> Violation? {
        for diagnostic in diagnostics {
            guard !diagnostic.message.isEmpty else { return Violation("empty message") }
            for secret in secrets where diagnostic.message.contains(secret) {
                return Violation("password \(secret.debugDescription) in message: \(diagnostic.message)")
            }
            guard let location = diagnostic.location else { continue }
            guard let text = files[location.file] else {
                return Violation("location in an unknown file: \(location) (\(diagnostic.message))")
            }
            let lines = lineCount(text)
            guard (1...lines + 1).contains(location.line), location.column >= 1 else {
                return Violation("location \(location) outside \(lines) lines: \(diagnostic.message)")
            }
        }
        return nil
    }

    /// The example jobs in a scratch copy of jobs/ (with their users files), so that mutated paths
    /// resolve the same way as in the repository.
    struct Workspace {
        let directory: URL
        let jobs: [String]
        var files: [String: String] = [:]
        var secrets: [String] = []

        init(repository: URL) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "jobspec-fuzz-\(UUID().uuidString)")
            self.directory = directory
            let source = repository.appendingPathComponent("jobs")
            try FileManager.default.copyItem(at: source, to: directory)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
                $0.hasSuffix(".yaml")
            }
            jobs = try names.sorted().map {
                try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8)
            }
            let users = directory.appendingPathComponent("users")
            for name in try FileManager.default.contentsOfDirectory(atPath: users.path) {
                let path = users.appendingPathComponent(name).path
                let text = try String(contentsOfFile: path, encoding: .utf8)
                files["users/" + name] = text
                // Second field of every data row: the example passwords.
                for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                    for separator in [",", ";"] {
                        let fields = line.split(separator: Character(separator), omittingEmptySubsequences: false)
                        if fields.count >= 2, fields[1].count >= 6 { secrets.append(String(fields[1])) }
                    }
                }
            }
        }

        var jobPath: String { directory.appendingPathComponent("job.yaml").path }

        /// Files a diagnostic may name: the job (as given) and the users files, by their display paths.
        func knownFiles(job: String) -> [String: String] {
            var known = [jobPath: job]
            for (name, text) in files { known[directory.appendingPathComponent(name).path] = text }
            return known
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    // MARK: users files

    /// A users file with known passwords: clean rows quoted correctly (their passwords are the
    /// secrets to look for), and dirty rows (mutated bytes, comments, blanks, very long lines).
    struct UsersFile {
        /// The lines without terminators (none holds CR or LF), and whether a BOM starts the file.
        var lines: [String]
        var byteOrderMark: Bool
        /// The lines joined with a random mix of LF, CR LF and CR, as files edited on several
        /// systems end up.
        var text: String
        var delimiter: Unicode.Scalar
        var secrets: [String]

        init(
            lines: [String], byteOrderMark: Bool, delimiter: Unicode.Scalar, secrets: [String],
            _ random: inout SplitMix64
        ) {
            self.lines = lines
            self.byteOrderMark = byteOrderMark
            self.delimiter = delimiter
            self.secrets = secrets
            text = byteOrderMark ? "\u{FEFF}" : ""
            var previous = ""
            for (index, line) in lines.enumerated() {
                text += line
                guard index < lines.count - 1 || random.chance(80) else { break }
                var terminator = random.pick(["\n", "\r\n", "\r"])
                // CR, an empty line, LF would read as one CR LF: a file cannot say that, so avoid it.
                if line.isEmpty, previous == "\r", terminator == "\n" { terminator = "\r" }
                text += terminator
                previous = terminator
            }
        }

        /// The same lines with one line-ending convention throughout.
        func text(joinedBy terminator: String, byteOrderMark: Bool) -> String {
            (byteOrderMark ? "\u{FEFF}" : "") + lines.joined(separator: terminator) + terminator
        }
    }

    /// Mutated lines may hold line breaks; the generator's lines must not.
    static func withoutLineBreaks(_ line: String) -> String {
        String(String.UnicodeScalarView(line.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }

    static func randomUsersFile(_ random: inout SplitMix64) -> UsersFile {
        let delimiter = random.pick([",", ";", "\t", "|", ":", " "] as [Unicode.Scalar])
        let separator = String(delimiter)
        var secrets: [String] = []
        var lines: [String] = []
        let byteOrderMark = random.chance(10)
        func hex(_ random: inout SplitMix64) -> String { String(random.next() & 0xFFFF_FFFF, radix: 16) }
        func field(_ value: String, _ random: inout SplitMix64) -> String {
            let needsQuotes =
                value.contains(separator) || value.contains("\"") || value.contains("\r")
                || value.hasPrefix(" ") || value.hasSuffix(" ")
            guard needsQuotes || random.chance(20) else { return value }
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        func secret(_ prefix: String, _ random: inout SplitMix64) -> String {
            let alphabet: [String] = [
                "a", "Z", "9", ",", ";", "\t", "|", ":", " ", "\"", "#", "\0", "'", "\\", "é", "😀", "=",
            ]
            let length = random.chance(2) ? 2000 + random.below(4000) : random.below(12)
            return prefix + hex(&random) + (0..<length).map { _ in random.pick(alphabet) }.joined()
        }
        func user(_ random: inout SplitMix64) -> String {
            let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789._-@")
            return String((0..<(1 + random.below(12))).map { _ in random.pick(alphabet) })
        }
        for _ in 0..<(1 + random.below(30)) {
            var line: String
            switch random.below(10) {
            case 0: line = random.pick(["", "   ", "# comment \(separator) x", "\t# indented"])
            case 1, 2:
                let template = [user(&random), "pw" + hex(&random), user(&random)].joined(separator: separator)
                line = String(decoding: yamlMutator.mutate(Array(template.utf8), &random), as: UTF8.self)
            default:
                let password = secret("Pw", &random)
                // Whole-field matches only: a fragment may also occur in ordinary text.
                if password.count >= 12 { secrets.append(password) }
                let sourceUser = user(&random)
                var fields = [field(sourceUser, &random), field(password, &random)]
                if random.chance(70) {
                    let localUser = random.chance(20) ? "" : user(&random)
                    fields.append(field(localUser, &random))
                }
                if fields.count == 3, random.chance(60) {
                    let local = secret("Lp", &random)
                    if local.count >= 12 { secrets.append(local) }
                    fields.append(field(local, &random))
                }
                line = fields.joined(separator: separator)
            }
            lines.append(withoutLineBreaks(line))
        }
        return UsersFile(lines: lines, byteOrderMark: byteOrderMark, delimiter: delimiter, secrets: secrets, &random)
    }

    static func checkUsersFile(_ file: UsersFile, _ random: inout SplitMix64) -> Violation? {
        let path = "/fuzz/users.csv"
        let reader = UsersFileReader(
            displayPath: path, delimiter: file.delimiter, sourceHasAdmin: random.chance(50),
            localPassword: random.pick([.required, .forbidden, .unknown]),
            destinationDomain: random.chance(50) ? "new.example" : nil)
        let (accounts, diagnostics) = reader.read(file.text)
        if let violation = checkDiagnostics(diagnostics, files: [path: file.text], secrets: file.secrets) {
            return violation
        }
        for account in accounts {
            guard !account.sourceUser.isEmpty, (1...lineCount(file.text)).contains(account.line) else {
                return Violation("account \(account.sourceUser.debugDescription) at line \(account.line)")
            }
        }
        // Line endings and a BOM change nothing: the same accounts (passwords included) and the same
        // diagnostics at the same positions as the file with LF alone.
        let reference = parsedRows(reader.read(file.text(joinedBy: "\n", byteOrderMark: false)))
        for (terminator, bom) in [("\r\n", false), ("\r", false), ("\r\n", true), ("\n", true)] {
            let variant = file.text(joinedBy: terminator, byteOrderMark: bom)
            if parsedRows(reader.read(variant)) != reference {
                return Violation("line endings \(terminator.debugDescription) (BOM: \(bom)) change the result")
            }
        }
        if parsedRows((accounts, diagnostics)) != reference {
            return Violation("mixed line endings change the result")
        }
        return nil
    }

    /// Accounts and diagnostics as comparable text (passwords included: they must survive exactly).
    static func parsedRows(_ result: (accounts: [Account], diagnostics: [Diagnostic])) -> [String] {
        result.accounts.map { account in
            [
                String(account.line), account.sourceUser, account.sourcePassword.revealed(), account.localUser,
                account.destinationUser, account.localPassword?.revealed() ?? "-",
            ].joined(separator: "\u{1F}")
        } + result.diagnostics.map { "\($0.location?.description ?? "-") \($0.severity.rawValue) \($0.message)" }
    }

    /// A job file gives the same diagnostics, at the same positions, with LF, CR LF or CR line
    /// endings and with or without a BOM.
    static func checkJobLineEndings(_ text: String, loader: JobLoader, path: String) -> Violation? {
        let lines = TextLines.split(text)
        func diagnostics(_ terminator: String, _ bom: Bool) -> [String] {
            let variant = (bom ? "\u{FEFF}" : "") + lines.joined(separator: terminator) + terminator
            return loader.load(jobFile: path, contents: variant).diagnostics.map {
                "\($0.location?.description ?? "-") \($0.severity.rawValue) \($0.message)"
            }
        }
        let reference = diagnostics("\n", false)
        for (terminator, bom) in [("\r\n", false), ("\r", false), ("\r\n", true)]
        where diagnostics(terminator, bom) != reference {
            return Violation("line endings \(terminator.debugDescription) (BOM: \(bom)) change the diagnostics")
        }
        return nil
    }
}
