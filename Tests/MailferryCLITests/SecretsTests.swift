#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// No password from a users file and no `env:` secret may appear in any output of any command,
    /// in any format, nor in any file a command writes: run against two real Dovecot servers, with
    /// logins that succeed, logins the servers refuse (a wrong user password, a wrong admin password)
    /// and server errors (a destination account that does not exist, a source folder the server
    /// cannot open), and with a users file full of problems.
    @Suite(.serialized) struct SecretsTests {
        /// The passwords hold `"`, `\` and `/`, so that their JSON-escaped and IMAP-quoted forms differ
        /// from the plain one; carol's holds the users file's delimiter too.
        static let alicePassword = #"Qx7"al\ice-SECRET/91zz"#
        static let bobServerPassword = "Wm4-bob-real-SECRET-22yy"
        static let bobWrongPassword = #"Wm4-bob-WRONG"SECRET\22yy"#
        static let carolPassword = #"Carol-SECRET,pw\55"xx/"#
        static let davePassword = #"Dave"SECRET\dd/77-zz"#
        static let adminPassword = #"EnvAdmin"SECRET\4711/kk"#
        static let wrongAdminPassword = #"Wrong-admin"SECRET\0815/x"#
        static let adminVariable = "MAILFERRY_TEST_SECRET_ADMIN"

        static let passwords = [
            alicePassword, bobServerPassword, bobWrongPassword, carolPassword, davePassword, adminPassword,
            wrongAdminPassword,
        ]

        /// Every form in which a password could leak: plain, JSON-escaped (with and without `\/`),
        /// IMAP-quoted, base64 alone and as AUTHENTICATE PLAIN carries it (`authzid\0authcid\0password`,
        /// for the users themselves and for the master user `admin` logging in as them), and each part
        /// of a password around the users file's delimiter (a masked line keeps delimiters).
        static var forbiddenForms: [(form: String, text: String)] {
            var forms: [(String, String)] = []
            for password in passwords {
                forms.append(("plain", password))
                forms.append(("JSON-escaped", jsonEscaped(password, slash: false)))
                forms.append(("JSON-escaped with \\/", jsonEscaped(password, slash: true)))
                forms.append(("IMAP-quoted", imapQuoted(password)))
                forms.append(("base64", Data(password.utf8).base64EncodedString()))
                for part in password.split(separator: ",") where part.count >= 6 && part != Substring(password) {
                    forms.append(("part", String(part)))
                }
            }
            for (user, password) in [
                ("alice", alicePassword), ("bob", bobWrongPassword), ("carol", carolPassword), ("dave", davePassword),
            ] {
                forms.append(("AUTHENTICATE PLAIN", base64("\0\(user)\0\(password)")))
                forms.append(("AUTHENTICATE PLAIN", base64("\(user)\0\(user)\0\(password)")))
                for admin in [adminPassword, wrongAdminPassword] {
                    forms.append(("AUTHENTICATE PLAIN (master)", base64("\(user)\0admin\0\(admin)")))
                    forms.append(("AUTHENTICATE PLAIN (master)", base64("\0\(user)*admin\0\(admin)")))
                }
            }
            return forms
        }

        static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

        static func jsonEscaped(_ text: String, slash: Bool) -> String {
            var escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            if slash { escaped = escaped.replacingOccurrences(of: "/", with: "\\/") }
            return escaped
        }

        static func imapQuoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }

        /// A users-file field: quoted, inner quotes doubled.
        static func csvField(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }

        /// alice logs in and migrates; bob's password is wrong (the source refuses the login); a
        /// folder of carol's cannot be opened (a server error inside the session); dave has no
        /// destination account (the destination refuses the master login).
        static let users = """
            alice,\(csvField(alicePassword))
            bob,\(csvField(bobWrongPassword))
            carol,\(csvField(carolPassword))
            dave,\(csvField(davePassword))

            """

        /// A users file with problems, so that diagnostics point into lines holding passwords.
        static let brokenUsers = """
            alice,\(csvField(alicePassword)),alice.new,extra,fields,here
            bob,\(csvField(bobWrongPassword))
            bob,\(csvField(carolPassword))
            "carol,x",\(csvField(alicePassword)),too,many,fields
            dave,"\(alicePassword)

            """

        static func job(name: String, source: DovecotServer, destination: DovecotServer, adminVariable: String)
            -> String
        {
            """
            version: 1
            name: \(name)
            \(source.imapsSourceYAML(timeout: "10s"))
            \(destination.imapsDestinationYAML(adminVariable: adminVariable))
            users:
              file: users.csv
            options:
              retries: 0

            """
        }

        /// Every command and format on one job; each `plan` writes its own `--out` file.
        static func runs(for fixture: JobFixture) -> [[String]] {
            let job = fixture.jobPath
            var runs: [[String]] = []
            for format in ["text", "github", "json"] {
                runs.append(["validate", "--format", format, job])
                runs.append(["validate", "--strict", "--format", format, job])
            }
            for format in ["text", "markdown", "json"] {
                runs.append(["plan", "--offline", "--format", format, "--out", fixture.path("offline.\(format)"), job])
                runs.append(["plan", "--offline", "--detailed-exitcode", "--format", format, "--user", "bob", job])
                runs.append(["plan", "--format", format, "--out", fixture.path("plan.\(format)"), job])
                runs.append(["plan", "--verbose", "--format", format, job])
            }
            for format in ["text", "json"] {
                runs.append(["apply", "--dry-run", "--format", format, job])
                runs.append(["apply", "--dry-run", "--verbose", "--format", format, job])
            }
            runs.append(["apply", "--verbose", job])
            runs.append(["apply", "--format", "json", "--plan", fixture.path("plan.json"), job])
            runs.append(["apply", "--format", "json", job])
            for format in ["text", "json"] { runs.append(["status", "--format", format, job]) }
            for user in ["alice", "bob", "carol", "dave"] { runs.append(["logs", job, user]) }
            return runs
        }

        @Test func noCommandOrFormatPrintsOrStoresASecretAgainstRealServers() async throws {
            let admin = ("admin", Self.adminPassword)
            let source = try await DovecotServer.start(
                .init(
                    users: [
                        ("alice", Self.alicePassword), ("bob", Self.bobServerPassword), ("carol", Self.carolPassword),
                        ("dave", Self.davePassword),
                    ],
                    masterUser: admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(
                    users: [
                        ("alice", "alice-destination"), ("bob", "bob-destination"), ("carol", "carol-destination"),
                    ],
                    masterUser: admin, pop3: false))
            try await DovecotServer.stopping([source, destination]) {
                try await Self.check(source: source, destination: destination)
            }
        }

        static func check(source: DovecotServer, destination: DovecotServer) async throws {
            for user in ["alice", "bob", "carol", "dave"] {
                for index in 1...3 {
                    try source.deliver(Self.message(user: user, index: index), to: user)
                    try source.deliver(Self.message(user: user, index: index), to: user, folder: "Archive")
                }
            }
            // A folder the server cannot open: its Maildir directory unreadable by the mail user.
            let locked = source.mailDirectory(for: "carol") + "/.Locked"
            try source.deliver(Self.message(user: "carol", index: 9), to: "carol", folder: "Locked")
            try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: locked)

            let good = try JobFixture(
                job: job(name: "secrets-good", source: source, destination: destination, adminVariable: adminVariable),
                users: users)
            let wrongAdmin = try JobFixture(
                job: job(
                    name: "secrets-wrong-admin", source: source, destination: destination, adminVariable: adminVariable),
                users: users)
            let broken = try JobFixture(
                job: job(
                    name: "secrets-broken", source: source, destination: destination, adminVariable: adminVariable),
                users: brokenUsers)
            let fixtures = [good, wrongAdmin, broken]
            defer { for fixture in fixtures { fixture.remove() } }
            let environments = [
                good.jobPath: [adminVariable: adminPassword],
                wrongAdmin.jobPath: [adminVariable: wrongAdminPassword],
                broken.jobPath: [adminVariable: adminPassword],
            ]

            let binary = try MailferryBinary.locate()
            let forms = forbiddenForms
            var brokenReported = false
            for fixture in fixtures {
                for arguments in runs(for: fixture) {
                    let result = try await binary.run(arguments, environment: environments[fixture.jobPath] ?? [:])
                    for (form, text) in forms {
                        #expect(!result.stdout.contains(text), "\(arguments) printed a secret (\(form)) on stdout")
                        #expect(!result.stderr.contains(text), "\(arguments) printed a secret (\(form)) on stderr")
                    }
                    if fixture.jobPath == broken.jobPath, arguments.first == "validate", result.status == 1 {
                        brokenReported = true
                    }
                }
            }
            #expect(brokenReported, "the broken users file must produce diagnostics")

            // The runs did reach the servers: alice was migrated, the servers refused bob's password
            // and the wrong admin password, and carol's locked folder was a server error.
            #expect(MailTools.storedMessages(destination, user: "alice") == 6)
            let sourceLog = (try? String(contentsOfFile: source.directory + "/dovecot.log", encoding: .utf8)) ?? ""
            let destinationLog =
                (try? String(contentsOfFile: destination.directory + "/dovecot.log", encoding: .utf8)) ?? ""
            #expect(sourceLog.contains("auth failed") && sourceLog.contains("user=<bob>"), "bob's login refused")
            #expect(destinationLog.contains("auth failed"), "the wrong admin password refused")
            let goodStatus = try await binary.run(["status", "--format", "json", good.jobPath])
            let states = Self.userStates(goodStatus.stdout)
            #expect(states["alice"]?.state == "done", "\(goodStatus.stdout)")
            #expect(states["bob"]?.error?.contains("AUTHENTICATIONFAILED") == true, "\(goodStatus.stdout)")
            #expect(
                states["carol"]?.state != "done" && states["carol"]?.error?.contains("Locked") == true,
                "\(goodStatus.stdout)")
            #expect(states["dave"]?.state == "failed" && states["dave"]?.error != nil, "\(goodStatus.stdout)")

            // Every file the commands wrote: states (SQLite and WAL), logs, `--out` files, of every
            // job, the broken one's included; only the users files (the input) hold the passwords.
            for fixture in fixtures {
                let files =
                    FileManager.default.enumerator(atPath: fixture.directory.path)?.allObjects as? [String] ?? []
                let written = files.filter { $0 != "users.csv" && $0 != "job.yaml" }
                if fixture.jobPath != broken.jobPath {
                    #expect(written.contains { $0.hasSuffix("state.sqlite") }, "\(fixture.jobPath): apply wrote state")
                    #expect(written.contains { $0.contains("/logs/") }, "\(fixture.jobPath): apply wrote logs")
                    #expect(written.contains("plan.json") && written.contains("offline.markdown"))
                }
                for path in written {
                    var isDirectory: ObjCBool = false
                    let full = fixture.directory.path + "/" + path
                    guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory),
                        !isDirectory.boolValue
                    else { continue }
                    let data = try Data(contentsOf: URL(fileURLWithPath: full))
                    for (form, text) in forms {
                        #expect(data.range(of: Data(text.utf8)) == nil, "\(full) holds a secret (\(form))")
                    }
                }
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: locked)
        }

        /// source user -> (state, last error) from a `status --format json` document.
        static func userStates(_ json: String) -> [String: (state: String, error: String?)] {
            var states: [String: (state: String, error: String?)] = [:]
            func visit(_ value: Any) {
                if let object = value as? [String: Any] {
                    if let user = object["source_user"] as? String, let state = object["state"] as? String {
                        states[user] = (state, object["last_error"] as? String)
                    }
                    object.values.forEach(visit)
                } else if let array = value as? [Any] {
                    array.forEach(visit)
                }
            }
            if let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) { visit(document) }
            return states
        }

        static func message(user: String, index: Int) -> Data {
            Data(
                """
                From: sender\(index)@example.org\r
                To: \(user)@example.org\r
                Subject: secrets test \(index)\r
                Message-ID: <secrets-\(user)-\(index)@example.org>\r
                Date: Mon, 1 Jun 2026 10:0\(index):00 +0000\r
                \r
                Body \(index) of \(user).\r

                """.utf8)
        }
    }
#endif
