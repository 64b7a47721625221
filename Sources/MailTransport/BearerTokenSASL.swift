/// The two SASL mechanisms that carry an OAuth2 bearer token, shared by the IMAP and POP3 clients:
/// Google's and Microsoft's XOAUTH2, and OAUTHBEARER (RFC 7628).
public enum BearerTokenSASL: String, Sendable, Hashable, CaseIterable {
    case xoauth2 = "XOAUTH2"
    case oauthbearer = "OAUTHBEARER"

    /// The mechanism for `auto`: OAUTHBEARER (the standard) when offered, else XOAUTH2 (the only one
    /// Exchange Online offers); nil when the server offers neither.
    public static func preferred(offered: [String]) -> BearerTokenSASL? {
        let names = Set(offered.map { $0.uppercased() })
        return [.oauthbearer, .xoauth2].first { names.contains($0.rawValue) }
    }

    /// The initial client response, base64-encoded.
    ///
    ///     XOAUTH2:     "user=" user ^A "auth=Bearer " token ^A ^A
    ///     OAUTHBEARER: "n,a=" saslname "," ^A ["host=" host ^A] ["port=" port ^A] "auth=Bearer " token ^A ^A
    ///
    /// Refuses control characters in the user and token: they would end a field early.
    /// `host` and `port` (OAUTHBEARER only) are left out when unknown.
    public func initialResponse(user: String, token: String, host: String?, port: Int?) throws(BearerTokenError)
        -> String
    {
        guard !token.isEmpty else { throw .emptyToken }
        guard !token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }),
            !user.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw .controlCharacter }
        let message: String
        switch self {
        case .xoauth2:
            message = "user=\(user)\u{1}auth=Bearer \(token)\u{1}\u{1}"
        case .oauthbearer:
            // saslname (RFC 5801): "," and "=" are escaped as =2C and =3D.
            let name = user.replacingAll("=", with: "=3D").replacingAll(",", with: "=2C")
            let hostField = host.map { "host=\($0)\u{1}" } ?? ""
            let portField = port.map { "port=\($0)\u{1}" } ?? ""
            message = "n,a=\(name),\u{1}\(hostField)\(portField)auth=Bearer \(token)\u{1}\u{1}"
        }
        return SASLBase64.encode(Array(message.utf8))
    }

    /// What the client answers to the server's error challenge, so that the server completes the
    /// exchange with its failure: an empty response for XOAUTH2 (Google's and Microsoft's
    /// documentation) and the dummy %x01 of RFC 7628 section 3.2.3 (base64 `AQ==`) for OAUTHBEARER.
    public var errorAcknowledgement: String {
        switch self {
        case .xoauth2: ""
        case .oauthbearer: "AQ=="
        }
    }

    /// The server's error challenge (base64 JSON such as `{"status":"401","schemes":"bearer"}`), as
    /// text fit for a message: decoded, control characters replaced, at most 200 characters.
    public static func describeChallenge(_ base64: String) -> String {
        guard let bytes = SASLBase64.decode(base64) else { return "an undecodable challenge" }
        let text = String(decoding: bytes, as: UTF8.self)
        let cleaned = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : $0 }))
        return cleaned.count > 200 ? String(cleaned.prefix(200)) + "…" : cleaned
    }
}

/// A token that cannot be put in a SASL message.
public enum BearerTokenError: Error, Sendable, Equatable {
    case emptyToken
    case controlCharacter

    public var userMessage: String {
        switch self {
        case .emptyToken: "the OAuth2 token is empty"
        case .controlCharacter: "the OAuth2 token or user name contains a control character"
        }
    }
}

/// RFC 4648 base64 with padding for SASL messages, without Foundation (the protocol targets avoid it).
public enum SASLBase64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * UInt32(offset)) }
            for position in 0..<4 {
                output.append(
                    position <= chunk.count
                        ? alphabet[Int((value >> (18 - 6 * UInt32(position))) & 0x3F)] : UInt8(ascii: "="))
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Nil for anything but padded base64 (whitespace is not allowed inside SASL responses).
    public static func decode(_ text: String) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < input.count {
            var value: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = input[index + offset]
                if byte == UInt8(ascii: "=") {
                    guard index + 4 == input.count, offset >= 2 else { return nil }
                    padding += 1
                    value <<= 6
                    continue
                }
                guard padding == 0, let digit = alphabet.firstIndex(of: byte) else { return nil }
                value = value << 6 | UInt32(digit)
            }
            output.append(UInt8(value >> 16 & 0xFF))
            if padding < 2 { output.append(UInt8(value >> 8 & 0xFF)) }
            if padding < 1 { output.append(UInt8(value & 0xFF)) }
            index += 4
        }
        return output
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
