import Foundation

/// A Google service account's JSON key, as the Cloud console downloads it. Only the fields that
/// signing needs are read; the private key stays a `Secret` and is never part of a message.
public struct ServiceAccountKey: Sendable {
    public var clientEmail: String
    public var privateKeyPEM: Secret
    public var tokenURI: String?

    /// Why a file is not a usable key; never quotes the file's contents.
    public enum Problem: Error, Sendable, Equatable {
        case unreadable
        case notJSON
        case wrongType(String)
        case missingField(String)
        case notPEMPrivateKey

        public var message: String {
            switch self {
            case .unreadable: return "cannot be read"
            case .notJSON: return "is not a JSON object"
            case .wrongType(let type): return "has type '\(type)', expected 'service_account'"
            case .missingField(let name): return "has no '\(name)' field"
            case .notPEMPrivateKey: return "has a private_key that is not a PEM private key"
            }
        }
    }

    public init(clientEmail: String, privateKeyPEM: Secret, tokenURI: String?) {
        self.clientEmail = clientEmail
        self.privateKeyPEM = privateKeyPEM
        self.tokenURI = tokenURI
    }

    /// Reads and checks the key's shape: `type` service_account, `client_email`, a PEM `private_key`
    /// and `token_uri`.
    public static func load(path: String) throws(Problem) -> ServiceAccountKey {
        guard let data = FileManager.default.contents(atPath: path) else { throw .unreadable }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws(Problem) -> ServiceAccountKey {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { throw .notJSON }
        guard let type = object["type"] as? String else { throw .missingField("type") }
        guard type == "service_account" else { throw .wrongType(String(type.prefix(40))) }
        guard let email = object["client_email"] as? String, !email.isEmpty else { throw .missingField("client_email") }
        guard let key = object["private_key"] as? String else { throw .missingField("private_key") }
        guard key.contains("-----BEGIN PRIVATE KEY-----") || key.contains("-----BEGIN RSA PRIVATE KEY-----")
        else { throw .notPEMPrivateKey }
        guard let tokenURI = object["token_uri"] as? String, !tokenURI.isEmpty else { throw .missingField("token_uri") }
        return ServiceAccountKey(clientEmail: email, privateKeyPEM: Secret(key), tokenURI: tokenURI)
    }
}
