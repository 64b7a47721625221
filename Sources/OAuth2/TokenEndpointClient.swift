import AsyncHTTPClient
import Foundation
import MailTransport
import MailferryCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// POSTs OAuth2 token requests (RFC 6749 section 4.4, RFC 7523) over AsyncHTTPClient, verifying TLS
/// exactly as the mail connections do (`TLSOptions.clientConfiguration`). Redirects are not followed:
/// a form holding a secret goes to the configured URL only.
struct TokenEndpointClient: Sendable {
    var tls: TLSSettings
    var timeout: Duration = .seconds(30)

    struct Grant: Sendable {
        /// Form fields; values may be secrets and are never logged.
        var fields: [(String, String)]
        /// For `invalid_grant`/`access_denied`: the mailbox this grant was for, if any.
        var mailbox: String?
    }

    /// One request, tried once more after a second when no HTTP answer came (a connection that could
    /// not be made); every failure becomes an `OAuth2Error` naming the endpoint, never the form.
    func requestToken(url: String, grant: Grant, now: @Sendable () -> ContinuousClock.Instant = { .now })
        async throws(OAuth2Error) -> BearerToken
    {
        do {
            return try await requestOnce(url: url, grant: grant, now: now)
        } catch .endpointUnreachable {
            try? await Task.sleep(for: .seconds(1))
            return try await requestOnce(url: url, grant: grant, now: now)
        }
    }

    private func requestOnce(url: String, grant: Grant, now: @Sendable () -> ContinuousClock.Instant)
        async throws(OAuth2Error) -> BearerToken
    {
        let endpoint = Self.endpointName(url)
        let tlsConfiguration: TLSConfiguration
        do {
            tlsConfiguration = try TLSOptions(verify: tls.verify, caFile: tls.caFile).clientConfiguration()
        } catch {
            throw .endpointUnreachable(endpoint: endpoint, reason: error.userMessage)
        }
        let seconds = Int64(timeout.components.seconds)
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tlsConfiguration, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(min(seconds, 30)), read: .seconds(seconds)))
        // A refused or failed connection is reported at once rather than retried until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Self.formEncoded(grant.fields)))
        let outcome: Result<(HTTPResponseStatus, ByteBuffer), any Error>
        do {
            let response = try await client.execute(request, timeout: .seconds(seconds))
            outcome = .success((response.status, try await response.body.collect(upTo: 1 << 20)))
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        switch outcome {
        case .failure(let error):
            throw .endpointUnreachable(endpoint: endpoint, reason: Self.describe(error))
        case .success(let (status, body)):
            return try Self.interpret(
                status: Int(status.code), body: body, endpoint: endpoint, mailbox: grant.mailbox,
                now: now())
        }
    }

    /// A token response (RFC 6749 section 5.1) or error response (section 5.2) as a token or an error.
    static func interpret(
        status: Int, body: ByteBuffer, endpoint: String, mailbox: String?, now: ContinuousClock.Instant
    )
        throws(OAuth2Error) -> BearerToken
    {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
        guard (200..<300).contains(status) else {
            let error = (object?["error"] as? String).map { excerpt($0, limit: 60) } ?? ""
            let description = (object?["error_description"] as? String).map { excerpt($0, limit: 200) } ?? ""
            switch error {
            case "invalid_client": throw .invalidClient(endpoint: endpoint, description: description)
            case "unauthorized_client": throw .unauthorizedClient(endpoint: endpoint, description: description)
            case "invalid_grant", "access_denied":
                guard let mailbox else {
                    throw .tokenRequestRefused(
                        endpoint: endpoint, status: status, error: error, description: description)
                }
                throw .mailboxNotPermitted(user: mailbox, description: description)
            default:
                throw .tokenRequestRefused(endpoint: endpoint, status: status, error: error, description: description)
            }
        }
        guard let object else { throw .invalidResponse(endpoint: endpoint, reason: "the answer is not a JSON object") }
        guard let token = object["access_token"] as? String, !token.isEmpty else {
            throw .invalidResponse(endpoint: endpoint, reason: "the answer has no access_token")
        }
        if let type = object["token_type"] as? String, type.lowercased() != "bearer" {
            throw .invalidResponse(
                endpoint: endpoint, reason: "token_type is '\(excerpt(type, limit: 20))', not Bearer")
        }
        let lifetime =
            (object["expires_in"] as? NSNumber)?.int64Value
            ?? (object["expires_in"] as? String).flatMap { Int64($0) } ?? 3600
        return BearerToken(value: Secret(token), lifetime: .seconds(max(1, lifetime)), now: now)
    }

    /// `application/x-www-form-urlencoded`: unreserved characters kept, everything else %XX.
    static func formEncoded(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(Character(Unicode.Scalar(byte)))
            default:
                output += String(format: "%%%02X", byte)
            }
        }
        return output
    }

    /// `https://host:port/path` without query (which could hold a secret).
    static func endpointName(_ url: String) -> String {
        guard let components = URLComponents(string: url), let host = components.host else { return "the token URL" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(components.scheme ?? "https")://\(host)\(port)\(components.path)"
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connection timed out"
            case .readTimeout, .deadlineExceeded: return "no answer in time"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: break
            }
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("certificate") || text.contains("handshake") || text.contains("SSL") {
            return "TLS failed (\(excerpt(text, limit: 120)))"
        }
        return excerpt(text, limit: 160)
    }

    static func excerpt(_ text: String, limit: Int) -> String {
        let cleaned = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        return cleaned.count > limit ? String(cleaned.prefix(limit)) + "…" : cleaned
    }
}
