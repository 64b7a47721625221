#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// `report` after an apply of the e2e corpus on real Dovecot servers with users in three states
    /// (done, failed, not started): the HTML parses strictly (html5lib), a real browser (headless
    /// Chromium) shows every user with its state and takes a screenshot, the logs download from the
    /// page, the JSON matches its schema, and no format holds a password.
    @Suite(.serialized) struct ReportEndToEndTests {
        static let users = [
            ("alice", "Report-alice-SECRET-61"), ("bob", "Report-bob-SECRET-62"), ("carol", "Report-carol-SECRET-63"),
            ("dave", "Report-dave-SECRET-64"),
        ]
        static let admin = ("admin", "Report-admin-SECRET-60")
        static let wrongPassword = "Wrong-carol-SECRET-65"

        @Test func htmlMarkdownAndJSONReportsOfAnE2EJob() async throws {
            let source = try await DovecotServer.start(.init(users: Self.users, masterUser: Self.admin, pop3: false))
            let destination = try await DovecotServer.start(
                .init(users: Self.users, masterUser: Self.admin, pop3: false))
            let usersFile = Self.users.map { user in
                "\(user.0),\(user.0 == "carol" ? Self.wrongPassword : user.1)\n"
            }.joined()
            let fixture = try JobFixture(
                job: CrashResumeEndToEndTests.job(source: source, destination: destination)
                    .replacingOccurrences(of: "name: crash-resume", with: "name: e2e-report"),
                users: usersFile)
            defer { fixture.remove() }
            try MailTools.seed(source, user: "alice", seed: 51)
            try MailTools.seed(source, user: "bob", seed: 52)
            let binary = try MailferryBinary.locate()
            let environment = [JobFixture.adminVariable: Self.admin.1]
            // carol's source login fails; dave is never run.
            let applied = try await binary.run(
                ["apply", "--user", "alice", "--user", "bob", "--user", "carol", fixture.jobPath],
                environment: environment)
            #expect(applied.status == 3, "\(applied.stdout)\(applied.stderr)")
            await source.stop()
            await destination.stop()

            let expected = ["alice": "done", "bob": "done", "carol": "failed", "dave": "not_started"]
            let htmlPath = fixture.path("report.html")
            let html = try await binary.run(["report", "--format", "html", "--out", htmlPath, fixture.jobPath])
            #expect(html.status == 0, "\(html.stderr)")
            let page = try String(contentsOfFile: htmlPath, encoding: .utf8)
            #expect(!page.contains("<script"), "the report needs no JavaScript")
            #expect(!page.contains("https://") && !page.contains("src="), "the report loads nothing from the network")
            #expect(page.contains("@media print"))
            #expect(page.contains("<svg"))
            #expect(page.contains("login failed at"), "carol's last error")
            #expect(page.contains("Check the password in the users file"), "the catalogue's advice for it")

            // html5lib's strict parser raises on the first parse error.
            let parsed = try await ExternalProgram.run([
                "/opt/mailferry-venv/bin/python", "-c",
                "import sys, html5lib; html5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb').read()); print('ok')",
                htmlPath,
            ])
            #expect(parsed.status == 0 && parsed.stdout == "ok\n", "html5lib: \(parsed.stdout)\(parsed.stderr)")

            // A real browser: the DOM it builds holds every user with its state; a screenshot is taken.
            let profile = fixture.path("chromium-profile")
            let browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile)"]
            let dom = try await ExternalProgram.run(browser + ["--dump-dom", "file://\(htmlPath)"])
            #expect(dom.status == 0 && !dom.timedOut, "\(dom.stderr)")
            for (user, state) in expected {
                #expect(dom.stdout.contains("data-user=\"\(user)\" data-state=\"\(state)\""), "\(user) is not \(state)")
            }
            let logs = Self.downloads(in: dom.stdout)
            #expect(logs.keys.sorted() == ["alice.log", "bob.log", "carol.log"])
            #expect(logs["alice.log"]?.contains("copied INBOX") == true)
            #expect(logs["carol.log"]?.contains("login failed at") == true)
            let screenshot = fixture.path("report.png")
            let shot = try await ExternalProgram.run(
                browser + [
                    "--hide-scrollbars", "--screenshot=\(screenshot)", "--window-size=1280,1000", "file://\(htmlPath)",
                ])
            #expect(shot.status == 0 && !shot.timedOut, "\(shot.stderr)")
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000, "not a screenshot")
            if let keep = ProcessInfo.processInfo.environment["MAILFERRY_REPORT_SCREENSHOT"] {
                try? FileManager.default.removeItem(atPath: keep)
                try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
            }

            let markdown = try await binary.run(["report", "--format", "markdown", fixture.jobPath])
            #expect(markdown.status == 0)
            #expect(markdown.stdout.contains("| alice | alice | **done** |"), "\(markdown.stdout)")
            #expect(markdown.stdout.contains("| carol | carol | **failed** |"))
            #expect(markdown.stdout.contains("| dave | dave | **not started** |"))
            #expect(markdown.stdout.contains("- **What to do:** Check the password in the users file"))

            let json = try await binary.run(["report", "--format", "json", fixture.jobPath])
            #expect(json.status == 0)
            let schema = MailferryBinary.packageRoot.appendingPathComponent("schemas/report.schema.json").path
            #expect(try PythonJSONSchema.locate().errors(validating: json.stdout, against: schema) == nil)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let users = try #require(document["users"] as? [[String: Any]])
            #expect(
                Dictionary(
                    uniqueKeysWithValues: users.map {
                        ($0["source_user"] as? String ?? "", $0["state"] as? String ?? "")
                    }) == expected)
            let summary = try #require(document["summary"] as? [String: Any])
            #expect(summary["messages_copied"] as? Int == 298, "the e2e corpus has 149 messages per user")

            let pageLogs = logs.values.joined()
            for secret in Self.users.map(\.1) + [Self.admin.1, Self.wrongPassword] {
                for (name, text) in [
                    ("html", page), ("logs", pageLogs), ("markdown", markdown.stdout), ("json", json.stdout),
                ] {
                    #expect(!text.contains(secret), "\(name) holds a secret")
                }
            }
        }

        /// The logs a page offers for download: file name -> text, from `download` links with data: URIs.
        static func downloads(in dom: String) -> [String: String] {
            var found: [String: String] = [:]
            let pattern = #"download="([^"]+)" href="data:text/plain;charset=utf-8;base64,([A-Za-z0-9+/=]+)""#
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return [:] }
            let range = NSRange(dom.startIndex..., in: dom)
            for match in expression.matches(in: dom, range: range) {
                guard let name = Range(match.range(at: 1), in: dom), let data = Range(match.range(at: 2), in: dom),
                    let decoded = Data(base64Encoded: String(dom[data]))
                else { continue }
                found[String(dom[name])] = String(decoding: decoded, as: UTF8.self)
            }
            return found
        }
    }
#endif
