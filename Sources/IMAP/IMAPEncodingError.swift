/// A value the encoder cannot put on the wire.
public enum IMAPEncodingError: Error, Sendable, Equatable {
    /// IMAP4rev1 strings and literals cannot carry NUL bytes.
    case nulInString
    /// A protocol keyword or flag contained characters that would change the command's meaning.
    case invalidSyntax(String)

    public var userMessage: String {
        switch self {
        case .nulInString: "a value contains a NUL byte, which IMAP cannot transmit"
        case .invalidSyntax(let text): "cannot send \(text.debugDescription) as an IMAP keyword or flag"
        }
    }
}
