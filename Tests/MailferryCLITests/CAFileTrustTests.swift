#if os(Linux)
    import Foundation
    import TestSupport
    import Testing

    /// `tls.ca_file` is trusted *instead of* the system store. A server whose certificate comes from
    /// a CA the system store trusts (a test CA bound over the system bundle in a private mount
    /// namespace, so the machine's store is never touched) is accepted without `ca_file`, and
    /// refused when the job names another CA.
    @Suite(.serialized) struct CAFileTrustTests {
        struct Setup {
            var directory: String
            var systemCA: String
            var privateCA: String
            var port: Int
            var server: Process
        }

        @Test func aCAFileReplacesTheSystemStore() throws {
            guard Self.shell(["unshare", "-m", "true"]) == 0 else {
                Issue.record("unshare -m is not permitted here (needs root): the ca_file rule was not tested")
                return
            }
            let setup = try Self.start()
            defer {
                kill(setup.server.processIdentifier, SIGKILL)
                _ = setup.server.waitForEnd()
                try? FileManager.default.removeItem(atPath: setup.directory)
            }
            // Control: the system store (the bound test bundle) trusts the server's CA.
            let system = try plan(setup, caFile: nil)
            #expect(!system.contains("TLS certificate verification failed"), "\(system)")
            // Past the handshake: the test server greets and hangs up.
            #expect(system.contains("the server closed the connection"), "\(system)")
            // A private CA named in the job: the server's public-CA certificate is refused.
            let other = try plan(setup, caFile: setup.privateCA)
            #expect(other.contains("TLS certificate verification failed"), "\(other)")
            // The server's own CA named in the job: accepted.
            let own = try plan(setup, caFile: setup.systemCA)
            #expect(!own.contains("TLS certificate verification failed"), "\(own)")
            #expect(own.contains("the server closed the connection"), "\(own)")
        }

        /// `plan` of a one-user job against the test server, run with the test CA as the system bundle.
        func plan(_ setup: Setup, caFile: String?) throws -> String {
            let directory = setup.directory + "/job-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let tls = caFile.map { "\n  tls: { ca_file: \($0) }" } ?? ""
            let job = """
                version: 1
                name: ca-file
                source:
                  host: 127.0.0.1
                  protocol: imap4s
                  ports: { imap4s: \(setup.port) }\(tls)
                  timeout: 5s
                destination:
                  maildir:
                    path: \(directory)/mail/{user}
                users:
                  file: users.csv
                """
            try job.write(toFile: directory + "/job.yaml", atomically: true, encoding: .utf8)
            try "alice,CAFile-pw-1\n".write(toFile: directory + "/users.csv", atomically: true, encoding: .utf8)
            chmod(directory + "/users.csv", 0o600)
            let binary = try MailferryBinary.locate()
            let script = "mount --bind \"$1\" /etc/ssl/certs/ca-certificates.crt && shift && exec \"$@\""
            let result = try Self.capture([
                "unshare", "-m", "sh", "-c", script, "sh", setup.systemCA, binary.url.path, "plan",
                directory + "/job.yaml",
            ])
            return result
        }

        static func start() throws -> Setup {
            let directory = NSTemporaryDirectory() + "mf-ca-file-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            func openssl(_ arguments: [String]) throws {
                guard shell(["openssl"] + arguments, in: directory) == 0 else {
                    throw Failure(description: "openssl \(arguments.first ?? "") failed")
                }
            }
            for name in ["system-ca", "private-ca"] {
                try openssl([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=mailferry test \(name)",
                    "-keyout", "\(name).key", "-out", "\(name).pem",
                ])
            }
            try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
                toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
            try openssl([
                "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out",
                "server.csr",
            ])
            try openssl([
                "x509", "-req", "-in", "server.csr", "-CA", "system-ca.pem", "-CAkey", "system-ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem",
            ])
            // A TLS server that greets like IMAP and closes: enough to see whether the handshake verifies.
            let program = """
                import socket, ssl, sys
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                context.load_cert_chain("server.pem", "server.key")
                listener = socket.socket()
                listener.bind(("127.0.0.1", 0))
                listener.listen(8)
                open("port.tmp", "w").write(str(listener.getsockname()[1]))
                import os; os.replace("port.tmp", "port")
                while True:
                    connection, _ = listener.accept()
                    try:
                        tls = context.wrap_socket(connection, server_side=True)
                        tls.sendall(b"* OK test server ready\\r\\n")
                        tls.close()
                    except Exception:
                        connection.close()
                """
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            server.arguments = ["python3", "-c", program]
            server.currentDirectoryURL = URL(fileURLWithPath: directory)
            server.standardInput = FileHandle.nullDevice
            server.standardOutput = FileHandle.nullDevice
            server.standardError = FileHandle.nullDevice
            try server.run()
            for _ in 0..<200 {
                if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let port = Int(text) {
                    return Setup(
                        directory: directory, systemCA: directory + "/system-ca.pem",
                        privateCA: directory + "/private-ca.pem", port: port, server: server)
                }
                usleep(25_000)
            }
            kill(server.processIdentifier, SIGKILL)
            throw Failure(description: "the test TLS server did not start")
        }

        struct Failure: Error, CustomStringConvertible {
            var description: String
        }

        @discardableResult
        static func shell(_ arguments: [String], in directory: String? = nil) -> Int32 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            do { try process.run() } catch { return -1 }
            return process.waitForEnd().code
        }

        /// Runs a command and returns stdout and stderr together.
        static func capture(_ arguments: [String]) throws -> String {
            let output = NSTemporaryDirectory() + "mf-ca-file-out-\(UUID().uuidString)"
            _ = FileManager.default.createFile(atPath: output, contents: nil)
            defer { try? FileManager.default.removeItem(atPath: output) }
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            _ = process.waitForEnd()
            try handle.close()
            return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }
    }
#endif
