import MailTransport
import NIOCore

/// The commands this client sends. There is deliberately no DELE: mailferry never deletes mail
/// on the source, and a command it cannot express it cannot send by mistake.
public enum POP3Command: Sendable, Equatable {
    case capa
    case stls
    case user(String)
    case pass(String)
    /// `AUTH PLAIN <initial-response>` (RFC 5034 with the RFC 4616 message): log in as `authcid`
    /// with `password`, acting as `authzid` when it is given (admin impersonation).
    case authPlain(authzid: String?, authcid: String, password: String)
    /// `AUTH XOAUTH2|OAUTHBEARER [<initial-response>]` (RFC 5034, RFC 7628); the response is base64.
    case authBearer(mechanism: String, initialResponse: String?)
    /// A client response line in a SASL exchange (base64, or empty).
    case saslResponse(String)
    case stat
    case uidl(Int?)
    case list(Int?)
    case top(Int, lines: Int)
    case retr(Int)
    case noop
    case quit

    /// How the server answers this command.
    public var responseShape: POP3ResponseShape {
        switch self {
        case .capa, .uidl(nil), .list(nil): .listing
        case .top, .retr: .stream
        default: .singleLine
        }
    }

    /// The command line, CRLF included, ready for one write.
    /// Refuses CR, LF and NUL in arguments: they would end the line and inject another command.
    public func encode(into buffer: inout ByteBuffer) throws(POP3Error) {
        let line = try wireLine()
        buffer.writeString(line)
        buffer.writeString("\r\n")
    }

    /// The command line for traces and errors: passwords and SASL responses are replaced by `****`.
    public var redactedDescription: String {
        switch self {
        case .pass: "PASS ****"
        case .authPlain: "AUTH PLAIN ****"
        case .authBearer(let mechanism, let response): "AUTH \(mechanism)" + (response == nil ? "" : " ****")
        case .saslResponse(let response): response.isEmpty || response == "AQ==" ? response : "****"
        case .user(let name): "USER \(name.filter { !$0.isNewline && $0 != "\0" })"
        default: (try? wireLine()) ?? "?"
        }
    }

    private func wireLine() throws(POP3Error) -> String {
        switch self {
        case .capa: return "CAPA"
        case .stls: return "STLS"
        case .user(let name):
            return "USER " + (try Self.checked(name, what: "user name"))
        case .pass(let password):
            return "PASS " + (try Self.checked(password, what: "password"))
        case .authPlain(let authzid, let authcid, let password):
            let message = try Self.plainMessage(authzid: authzid, authcid: authcid, password: password)
            return "AUTH PLAIN " + Self.base64(message)
        case .authBearer(let mechanism, let response):
            var line = "AUTH " + (try Self.checked(mechanism, what: "SASL mechanism"))
            if let response { line += " " + (try Self.checked(response, what: "SASL response")) }
            return line
        case .saslResponse(let response):
            guard !response.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw .invalidArgument("the SASL response contains a line break or NUL")
            }
            return response
        case .stat: return "STAT"
        case .uidl(let number): return "UIDL" + (try Self.optionalNumber(number))
        case .list(let number): return "LIST" + (try Self.optionalNumber(number))
        case .top(let number, let lines):
            guard lines >= 0 else { throw .invalidArgument("TOP line count must not be negative") }
            return "TOP " + (try Self.messageNumber(number)) + " \(lines)"
        case .retr(let number): return "RETR " + (try Self.messageNumber(number))
        case .noop: return "NOOP"
        case .quit: return "QUIT"
        }
    }

    private static func checked(_ argument: String, what: String) throws(POP3Error) -> String {
        guard !argument.isEmpty else { throw .invalidArgument("empty \(what)") }
        guard !argument.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
            throw .invalidArgument("the \(what) contains a line break or NUL")
        }
        return argument
    }

    private static func messageNumber(_ number: Int) throws(POP3Error) -> String {
        guard number > 0 else { throw .invalidArgument("message numbers start at 1, got \(number)") }
        return String(number)
    }

    private static func optionalNumber(_ number: Int?) throws(POP3Error) -> String {
        guard let number else { return "" }
        return " " + (try messageNumber(number))
    }

    /// `message = [authzid] UTF8NUL authcid UTF8NUL passwd` (RFC 4616 section 2); none may hold NUL.
    static func plainMessage(authzid: String?, authcid: String, password: String) throws(POP3Error) -> [UInt8] {
        for (value, what) in [
            (authzid ?? "", "authorization identity"), (authcid, "user name"), (password, "password"),
        ]
        where value.utf8.contains(0) {
            throw .invalidArgument("the \(what) contains NUL")
        }
        guard !authcid.isEmpty else { throw .invalidArgument("empty user name") }
        guard !password.isEmpty else { throw .invalidArgument("empty password") }
        return Array((authzid ?? "").utf8) + [0] + Array(authcid.utf8) + [0] + Array(password.utf8)
    }

    /// Standard base64 with padding (RFC 4648 section 4).
    static func base64(_ bytes: [UInt8]) -> String { SASLBase64.encode(bytes) }
}
