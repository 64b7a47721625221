import Foundation
import Testing

/// No password from a users file and no `env:` secret may appear in any output of any command,
/// in any format, nor in any file a command writes.
@Suite struct SecretsTests {
    /// Each password, and each part of one around the delimiter (a masked line keeps delimiters).
    static let secrets =
        JobFixture.userPasswords + JobFixture.userPasswords.flatMap { $0.split(separator: ",").map(String.init) }
        + [JobFixture.adminSecret]

    /// A users file with problems, so that diagnostics point into lines holding passwords.
    static let brokenUsers = """
        alice,\(JobFixture.userPasswords[0]),alice.new,extra,fields,here
        bob,\(JobFixture.userPasswords[1])
        bob,"\(JobFixture.userPasswords[2])"
        "carol,x",\(JobFixture.userPasswords[0]),too,many,fields

        """

    @Test func noCommandOrFormatPrintsASecret() throws {
        // Servers that cannot be reached, so that the online commands run through to the end.
        let fixture = try JobFixture(job: JobFixture.unreachableJob)
        defer { fixture.remove() }
        let broken = try JobFixture(users: Self.brokenUsers)
        defer { broken.remove() }
        let binary = try MailferryBinary.locate()
        let out = fixture.path("plan.json")
        var runs: [[String]] = []
        for job in [fixture.jobPath, broken.jobPath] {
            for format in ["text", "github", "json"] {
                runs.append(["validate", "--format", format, job])
                runs.append(["validate", "--strict", "--format", format, job])
            }
            for format in ["text", "markdown", "json"] {
                runs.append(["plan", "--offline", "--format", format, "--out", out, job])
                runs.append(["plan", "--offline", "--detailed-exitcode", "--format", format, "--user", "bob", job])
            }
            runs.append(["plan", job])
            runs.append(["plan", "--verbose", job])
            runs.append(["apply", "--verbose", job])
            runs.append(["plan", "--format", "json", job])
            runs.append(["apply", "--dry-run", job])
            runs.append(["apply", job])
            runs.append(["apply", "--format", "json", "--plan", out, job])
            runs.append(["status", job])
            runs.append(["status", "--format", "json", job])
            for user in ["alice", "bob", "carol@old.example"] { runs.append(["logs", job, user]) }
        }
        runs.append(["schema"])
        runs.append(["--help"])
        runs.append(["init", fixture.path("scaffold")])

        var brokenReported = false
        for arguments in runs {
            let result = try binary.run(arguments, environment: JobFixture.environment)
            for secret in Self.secrets {
                #expect(!result.stdout.contains(secret), "\(arguments) printed a secret on stdout")
                #expect(!result.stderr.contains(secret), "\(arguments) printed a secret on stderr")
            }
            if arguments.contains(broken.jobPath) && arguments.first == "validate" && result.status == 1 {
                brokenReported = true
            }
        }
        #expect(brokenReported, "the broken users file must produce diagnostics")
        let planFile = try String(contentsOfFile: out, encoding: .utf8)
        for secret in Self.secrets {
            #expect(!planFile.contains(secret))
        }
        // The state: SQLite database (and its WAL) and every log, byte for byte.
        let state = fixture.stateDirectory
        let stateFiles = FileManager.default.enumerator(atPath: state)?.allObjects as? [String] ?? []
        #expect(stateFiles.contains("state.sqlite"), "apply ran and wrote state")
        #expect(stateFiles.contains { $0.hasPrefix("logs/") }, "apply wrote logs")
        for path in stateFiles {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: state + "/" + path))) ?? Data()
            for secret in Self.secrets {
                #expect(data.range(of: Data(secret.utf8)) == nil, "\(path) holds a secret")
            }
        }
        let written = FileManager.default.enumerator(atPath: fixture.path("scaffold"))?.allObjects as? [String] ?? []
        for path in written {
            let text = (try? String(contentsOfFile: fixture.path("scaffold/\(path)"), encoding: .utf8)) ?? ""
            for secret in Self.secrets { #expect(!text.contains(secret)) }
        }
    }
}
