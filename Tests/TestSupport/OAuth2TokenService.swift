// A real OAuth2 token endpoint on 127.0.0.1 for integration tests (scripts/oauth2-token-service).
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The token service over TLS with the Dovecot test certificate: the client-credentials grant and the
/// JWT-bearer grant (RS256 verified), short-lived tokens written to `tokensFile`, which a Dovecot
/// started with `DovecotServer.Options(oauth2TokensFile:)` accepts. Always `stop()` it.
public final class OAuth2TokenService: Sendable {
    public struct Options: Sendable {
        /// Seconds a token lives.
        public var lifetime: Int
        /// (client_id, client_secret) pairs accepted by the client-credentials grant.
        public var clients: [(String, String)]
        /// (client_email, public key PEM path) of service accounts for the JWT-bearer grant.
        public var serviceAccounts: [(String, String)]
        /// Mailboxes tokens may be issued for.
        public var mailboxes: [String]
        /// Service accounts answered `unauthorized_client` (delegation not granted).
        public var unauthorizedClients: [String]

        public init(
            lifetime: Int = 3, clients: [(String, String)] = [], serviceAccounts: [(String, String)] = [],
            mailboxes: [String], unauthorizedClients: [String] = []
        ) {
            self.lifetime = lifetime
            self.clients = clients
            self.serviceAccounts = serviceAccounts
            self.mailboxes = mailboxes
            self.unauthorizedClients = unauthorizedClients
        }
    }

    /// A world-readable folder holding the tokens file (Dovecot's checkpassword reads it unprivileged).
    public let directory: String
    public let tokensFile: String
    public let port: Int
    public let pid: pid_t
    public var tokenURL: String { "https://127.0.0.1:\(port)/token" }

    private init(directory: String, tokensFile: String, port: Int, pid: pid_t) {
        self.directory = directory
        self.tokensFile = tokensFile
        self.port = port
        self.pid = pid
    }

    public static let python = "/opt/mailferry-venv/bin/python"

    /// Makes the Dovecot test certificate if no server made it yet; returns its folder.
    public static func ensureTestCertificate() async throws -> String {
        let result = try await DovecotServer.runScriptAsync(["certificate"])
        guard result.status == 0 else {
            throw DovecotServerError.startFailed(status: result.status, output: result.output, logTail: "")
        }
        return result.output
    }

    /// Starts the service; the Dovecot test certificate and key (/tmp/mailferry-test-cert) serve TLS.
    /// Waits on a thread of its own, not on one of the concurrency pool's few threads.
    public static func start(_ options: Options, certificateDirectory: String = "/tmp/mailferry-test-cert")
        async throws -> OAuth2TokenService
    {
        try await PortAnnouncingProcess.onOwnThread {
            try startBlocking(options, certificateDirectory: certificateDirectory)
        }
    }

    private static func startBlocking(_ options: Options, certificateDirectory: String) throws -> OAuth2TokenService {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let directory = "\(base)/mailferry-oauth2-\(UUID().uuidString.prefix(12).lowercased())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o755)
        let tokensFile = "\(directory)/tokens"
        let outputFile = "\(directory)/service.out"
        var arguments = [
            "\(DovecotServer.repositoryRoot)/scripts/oauth2-token-service", "--tokens", tokensFile,
            "--cert", "\(certificateDirectory)/cert.pem", "--key", "\(certificateDirectory)/key.pem",
            "--lifetime", String(options.lifetime),
        ]
        for (id, secret) in options.clients { arguments += ["--client", "\(id):\(secret)"] }
        for (email, key) in options.serviceAccounts { arguments += ["--service-account", "\(email):\(key)"] }
        for mailbox in options.mailboxes { arguments += ["--mailbox", mailbox] }
        for email in options.unauthorizedClients { arguments += ["--unauthorized-client", email] }

        let (pid, port) = try PortAnnouncingProcess.start(
            python, arguments, outputFile: outputFile, name: "the token service")
        return OAuth2TokenService(directory: directory, tokensFile: tokensFile, port: port, pid: pid)
    }

    /// Token requests served so far, by grant: `client_credentials`, `jwt_bearer`, `refused`.
    public func requestCounts() -> [String: Int] {
        guard let data = FileManager.default.contents(atPath: tokensFile + ".stats"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Int]
        else { return [:] }
        return object
    }

    public func stop() {
        PortAnnouncingProcess.stop(pid)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A service account key like the ones Google's console downloads (type, client_email, a PKCS#8
    /// PEM private_key, token_uri) in `directory`, and the public key PEM the service verifies with.
    public static func makeServiceAccountKey(in directory: String, email: String, tokenURI: String) async throws
        -> (keyFile: String, publicKeyFile: String)
    {
        try await PortAnnouncingProcess.onOwnThread {
            try makeServiceAccountKeyBlocking(in: directory, email: email, tokenURI: tokenURI)
        }
    }

    private static func makeServiceAccountKeyBlocking(in directory: String, email: String, tokenURI: String) throws
        -> (keyFile: String, publicKeyFile: String)
    {
        let privatePEM = "\(directory)/sa-private.pem"
        let publicPEM = "\(directory)/sa-public.pem"
        try runOpenSSL(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privatePEM])
        try runOpenSSL(["pkey", "-in", privatePEM, "-pubout", "-out", publicPEM])
        let key = try String(contentsOfFile: privatePEM, encoding: .utf8)
        let object: [String: String] = [
            "type": "service_account", "project_id": "mailferry-test", "private_key_id": "0123456789abcdef",
            "private_key": key, "client_email": email, "client_id": "100000000000000000001",
            "token_uri": tokenURI,
        ]
        let keyFile = "\(directory)/service-account.json"
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: keyFile))
        chmod(keyFile, 0o600)
        try FileManager.default.removeItem(atPath: privatePEM)
        return (keyFile, publicPEM)
    }

    private static func runOpenSSL(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let end = process.waitForEnd()
        guard end == .exited(0) else {
            throw DovecotServerError.startFailed(
                status: end.code, output: "openssl \(arguments[0])", logTail: "")
        }
    }
}
