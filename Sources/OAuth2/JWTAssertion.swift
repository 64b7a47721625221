import Crypto
import Foundation
import MailferryCore
import _CryptoExtras

/// The JWT a service account signs to ask for a token on behalf of a mailbox (RFC 7523 section 2.1,
/// Google's domain-wide delegation): RS256 (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7518 section 3.3).
struct JWTAssertion {
    var issuer: String
    var subject: String
    var scope: String
    var audience: String
    var issuedAt: Date
    var lifetime: TimeInterval = 3600

    /// `header.claims.signature`, each base64url without padding.
    func signed(with privateKeyPEM: Secret) throws(JWTSigningError) -> String {
        let header = #"{"alg":"RS256","typ":"JWT"}"#
        let issued = Int(issuedAt.timeIntervalSince1970)
        let claims: [String: Any] = [
            "iss": issuer, "sub": subject, "scope": scope, "aud": audience, "iat": issued,
            "exp": issued + Int(lifetime),
        ]
        guard let claimsData = try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]) else {
            throw .unusableKey("the claims cannot be encoded")
        }
        let signingInput = Self.base64URL(Data(header.utf8)) + "." + Self.base64URL(claimsData)
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM.revealed())
        } catch {
            throw .unusableKey("its private_key is not an RSA private key of at least 2048 bits")
        }
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: SHA256.hash(data: Data(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        } catch {
            throw .unusableKey("signing failed")
        }
        return signingInput + "." + Self.base64URL(signature.rawRepresentation)
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

enum JWTSigningError: Error, Equatable {
    case unusableKey(String)

    var reason: String {
        switch self {
        case .unusableKey(let reason): reason
        }
    }
}
