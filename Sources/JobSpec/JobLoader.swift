import Foundation
import MailferryCore

/// Loads a job file and its users file into a validated `Job`, reporting every problem of both files
/// in one pass. Nothing here contacts a server, reads a secret, or throws.
public struct JobLoader: Sendable {
    private let environment: [String: String]
    private let gitTrackedCheck: @Sendable (String) -> Bool

    /// - Parameters:
    ///   - environment: the process environment as the CLI read it; used only to find `git`.
    ///     Secrets named by `env:` are never looked up here.
    ///   - gitTrackedCheck: whether git tracks a file (absolute path); defaults to running
    ///     `git ls-files --error-unmatch` in the file's folder.
    public init(environment: [String: String] = [:], gitTrackedCheck: (@Sendable (String) -> Bool)? = nil) {
        self.environment = environment
        self.gitTrackedCheck = gitTrackedCheck ?? GitTrackedCheck.usingGit(environment: environment)
    }

    public func load(jobFile path: String) -> JobLoadResult {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read job file" : "job file not found"
            return JobLoadResult(
                job: nil, diagnostics: [.error("\(reason): \(path)", at: nil)], jobFile: path, usersFile: nil)
        }
        switch TextFileDecoding.decode(data) {
        case .success(let text):
            return load(jobFile: path, contents: text)
        case .failure(let failure):
            let location = SourceLocation(file: path, line: failure.line, column: failure.column)
            return JobLoadResult(
                job: nil, diagnostics: [.error(failure.message(kind: "job file"), at: location)], jobFile: path,
                usersFile: nil)
        }
    }

    /// `contents` may use any line ending (LF, CR LF, CR) and start with a byte order mark.
    public func load(jobFile path: String, contents: String) -> JobLoadResult {
        var contents = TextLines.normalized(contents)
        if contents.unicodeScalars.first == "\u{FEFF}" { contents = String(contents.unicodeScalars.dropFirst()) }
        let absolute = Self.absolutePath(path)
        var checker = JobFileChecker(
            jobFile: path, jobDirectory: (path as NSString).deletingLastPathComponent,
            absoluteJobDirectory: (absolute as NSString).deletingLastPathComponent,
            fileExists: { FileManager.default.fileExists(atPath: $0) }, searchPath: environment["PATH"])
        let derivedName = DerivedJobName.name(forAbsolutePath: absolute)

        let root: YAMLNode?
        switch YAMLDocumentParser().parse(contents) {
        case .failure(let failure):
            checker.report.error(failure.message, at: failure.position)
            return JobLoadResult(job: nil, diagnostics: checker.report.diagnostics, jobFile: path, usersFile: nil)
        case .document(let document):
            root = document
        }
        let parts = checker.check(root: root)
        let name = parts.name ?? derivedName
        var diagnostics = checker.report.diagnostics

        var accounts: [Account] = []
        var mailboxCount: Int?
        if let users = parts.users, let position = parts.usersFilePosition {
            let reading = readUsersFile(
                users, at: checker.report.location(position), checker: checker,
                delimiterIsUsable: parts.delimiterIsUsable,
                sourceHasAdmin: root.map { Self.declares($0, "source", "admin") || Self.declares($0, "source", "auth") }
                    ?? false,
                localPassword: root.map(Self.localPasswordRule) ?? .unknown)
            accounts = reading.accounts ?? []
            mailboxCount = reading.accounts?.count
            diagnostics += reading.diagnostics
        }

        var job: Job?
        if !diagnostics.hasErrors, let source = parts.source, let destination = parts.destination,
            var folders = parts.folders, let users = parts.users, var options = parts.options
        {
            // The providers' conventions travel with the folder rules and options the engine gets.
            folders.sourceProvider = source.provider
            folders.destinationProvider = destination.provider
            options.destinationProvider = destination.provider
            job = Job(
                name: name, nameIsDerived: parts.name == nil, file: path, source: source, destination: destination,
                folders: folders, usersFile: users, options: options, accounts: accounts)
        }
        let nameLocation = parts.name == nil ? nil : parts.namePosition.map { checker.report.location($0) }
        return JobLoadResult(
            job: job, diagnostics: diagnostics.sortedForOutput(), jobFile: path, usersFile: parts.users?.resolvedPath,
            mailboxCount: mailboxCount, jobName: name, nameLocation: nameLocation)
    }

    private func readUsersFile(
        _ users: UsersFileSettings, at location: SourceLocation, checker: JobFileChecker, delimiterIsUsable: Bool,
        sourceHasAdmin: Bool, localPassword: UsersFileReader.LocalPasswordRule
    ) -> (accounts: [Account]?, diagnostics: [Diagnostic]) {
        let absolute = checker.absolutePath(users.path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return (nil, [.error("users file '\(users.path)' not found (looked for \(absolute))", at: location)])
        }
        guard let data = FileManager.default.contents(atPath: absolute) else {
            return (
                nil,
                [.error("cannot read users file '\(users.path)' (\(absolute)); check its permissions", at: location)]
            )
        }
        let text: String
        switch TextFileDecoding.decode(data) {
        case .success(let decoded):
            text = decoded
        case .failure(let failure):
            let position = SourceLocation(file: users.resolvedPath, line: failure.line, column: failure.column)
            return (nil, [.error(failure.message(kind: "users file '\(users.path)'"), at: position)])
        }
        var diagnostics: [Diagnostic] = []
        // Example files in the repository hold fake credentials by convention (`*.example.*`).
        let isExample = (absolute as NSString).lastPathComponent.contains(".example.")
        if !isExample {
            if let mode = (try? FileManager.default.attributesOfItem(atPath: absolute))?[.posixPermissions]
                as? NSNumber,
                mode.intValue & 0o044 != 0
            {
                let octal = String(mode.intValue & 0o777, radix: 8)
                diagnostics.append(
                    .warning(
                        "users file '\(users.path)' is readable by group or others (mode \(octal)) but holds passwords; "
                            + "run chmod 600 on it", at: location))
            }
            if gitTrackedCheck(absolute) {
                diagnostics.append(
                    .warning(
                        "users file '\(users.path)' is tracked by git but holds passwords; run git rm --cached on it "
                            + "and add it to .gitignore", at: location))
            }
        }
        guard delimiterIsUsable, let delimiter = users.delimiter.unicodeScalars.first else { return (nil, diagnostics) }

        let reader = UsersFileReader(
            displayPath: users.resolvedPath, delimiter: delimiter, sourceHasAdmin: sourceHasAdmin,
            localPassword: localPassword, destinationDomain: users.destinationDomain)
        let (accounts, rowDiagnostics) = reader.read(text)
        diagnostics += rowDiagnostics
        if accounts.isEmpty, !rowDiagnostics.hasErrors {
            diagnostics.append(.error("users file '\(users.path)' lists no users", at: location))
        } else if accounts.count > Job.recommendedMaximumAccounts {
            diagnostics.append(
                .warning(
                    "\(accounts.count) users in one job; split them into batches of at most "
                        + "\(Job.recommendedMaximumAccounts) (one job file each), or run it in shards of at most "
                        + "\(Job.recommendedMaximumAccounts) users (`apply --shard K/N`), so that a run stays short and "
                        + "a failure stays small", at: location))
        }
        return (accounts, diagnostics)
    }

    /// Read from the tree rather than the checked values, so that a wrong port elsewhere in `source`
    /// does not turn every empty password in the users file into an error.
    private static func declares(_ root: YAMLNode, _ section: String, _ key: String) -> Bool {
        guard case .mapping(let entries) = root.content,
            case .mapping(let inner)? = entries.first(where: { $0.key == section })?.value.content
        else { return false }
        return inner.contains { $0.key == key }
    }

    private static func localPasswordRule(_ root: YAMLNode) -> UsersFileReader.LocalPasswordRule {
        guard case .mapping(let entries) = root.content,
            case .mapping(let destination)? = entries.first(where: { $0.key == "destination" })?.value.content
        else { return .unknown }
        let kinds = destination.map(\.key).filter { JobFileChecker.destinationKeys.contains($0) }
        guard kinds.count == 1 else { return .unknown }
        if kinds[0] == "maildir" { return .forbidden }
        guard let imap = destination.first(where: { $0.key == "imap" }), case .mapping(let fields) = imap.value.content
        else { return .unknown }
        if fields.contains(where: { $0.key == "auth" }) { return .optional }
        return fields.contains { $0.key == "admin" } ? .forbidden : .required
    }

    /// Absolute and standardized ("." and ".." removed), without resolving symbolic links.
    static func absolutePath(_ path: String) -> String {
        let joined =
            path.hasPrefix("/")
            ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }
}
