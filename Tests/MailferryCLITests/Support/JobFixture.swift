import Foundation

/// A job file and its users file in a fresh temporary folder (users file mode 0600, as required).
struct JobFixture {
    let directory: URL

    /// Distinctive secrets: no output of any command may contain them. Carol's holds the delimiter,
    /// so the users file quotes it.
    static let userPasswords = ["Qx7-alice-SECRET-91zz", "Wm4-bob-SECRET-22yy", "Carol-SECRET,pw-55xx"]
    static let adminSecret = "EnvAdmin-SECRET-4711-kk"
    static let adminVariable = "MAILFERRY_TEST_DEST_ADMIN"
    static var environment: [String: String] { [adminVariable: adminSecret] }

    static let validJob = """
        # yaml-language-server: $schema=../schemas/job.schema.json
        version: 1
        name: fixture-job
        source:
          host: mail.old.example
          protocol: auto
        destination:
          imap:
            host: mail.new.example
            port: 993
            security: tls
            admin:
              user: migrator
              password: env:\(adminVariable)
              style: separator
              separator: "*"
        folders:
          skip: [Trash, "Junk*"]
          translate:
            "Sent Items": Sent
        users:
          file: users.csv
          destination_domain: new.example

        """

    /// Both servers on 127.0.0.1 port 1, where nothing listens: every user is unreachable, at once.
    static let unreachableJob = """
        version: 1
        name: fixture-job
        source:
          host: 127.0.0.1
          protocol: imap4s
          ports: { imap4s: 1 }
        destination:
          imap:
            host: 127.0.0.1
            port: 1
            security: tls
            admin:
              user: migrator
              password: env:\(adminVariable)
              style: separator
              separator: "*"
        users:
          file: users.csv
          destination_domain: new.example

        """

    /// Where the commands keep this fixture's state by default.
    var stateDirectory: String { path(".mailferry/fixture-job") }

    static let validUsers = """
        # source_user,source_password,local_user
        alice,\(userPasswords[0]),alice.new
        bob,\(userPasswords[1])
        carol@old.example,"\(userPasswords[2])",carol@elsewhere.example

        """

    init(job: String = JobFixture.validJob, users: String = JobFixture.validUsers, jobName: String = "job.yaml")
        throws
    {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailferry-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try write(job, to: jobName)
        try write(users, to: "users.csv", permissions: 0o600)
    }

    var jobPath: String { directory.appendingPathComponent("job.yaml").path }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ text: String, to name: String, permissions: Int = 0o644) throws {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: url.path)
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// 1-based line and column of the first occurrence of `needle` in `text`, counted in Unicode
    /// scalars: tests name the offending value instead of counting columns by hand.
    static func position(of needle: String, in text: String) -> (line: Int, column: Int)? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let range = line.range(of: needle) {
                return (
                    index + 1,
                    line.unicodeScalars.distance(from: line.unicodeScalars.startIndex, to: range.lowerBound) + 1
                )
            }
        }
        return nil
    }
}
