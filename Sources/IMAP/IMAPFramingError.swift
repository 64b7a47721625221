/// Framing failures: the byte stream cannot be split into lines and literals within the limits.
public enum IMAPFramingError: Error, Sendable, Equatable {
    case lineTooLong(limit: Int)
    case literalTooLarge(size: Int, limit: Int)

    public var userMessage: String {
        switch self {
        case .lineTooLong(let limit):
            "the server sent a response line longer than \(limit) bytes"
        case .literalTooLarge(let size, let limit):
            "the server announced a literal of \(size) bytes, more than the limit of \(limit)"
        }
    }
}
