/// Why the response stream could not be decoded.
public enum IMAPDecodingError: Error, Sendable, Equatable {
    case framing(IMAPFramingError)
    /// The literals of one response that would have to be held in memory exceed `maxBufferedLiteralSize`.
    case bufferedLiteralTooLarge(size: Int, limit: Int)
    case parse(IMAPParseError)

    public var userMessage: String {
        switch self {
        case .framing(let error): error.userMessage
        case .bufferedLiteralTooLarge(let size, let limit):
            "the server sent \(size) bytes of literals in one response where at most \(limit) bytes are accepted"
        case .parse(let error): error.userMessage
        }
    }

    /// Whether a configured limit, rather than a grammar violation, stopped decoding.
    public var isLimit: Bool {
        switch self {
        case .framing(.lineTooLong), .framing(.literalTooLarge), .bufferedLiteralTooLarge: true
        default: false
        }
    }
}
