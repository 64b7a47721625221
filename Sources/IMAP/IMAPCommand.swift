/// A command before encoding: protocol text and values whose wire form the encoder chooses.
///
/// Values are kept apart from syntax so that the encoder can pick atom, quoted string or literal,
/// and so that the trace can redact secrets without knowing the command.
public struct IMAPCommand: Sendable {
    public enum Part: Sendable, Equatable {
        /// Protocol syntax written as is (keywords, spaces, parentheses, numbers, flags).
        case syntax(String)
        /// An `astring` value; `secret` hides it in traces.
        case astring([UInt8], secret: Bool)
        /// A `string` value (quoted or literal, never an atom), as ID parameters require.
        case string([UInt8])
        /// Raw protocol text that must be hidden in traces (a SASL initial response).
        case secretSyntax(String)
        /// A literal whose bytes the caller streams after the marker (APPEND message bodies).
        case streamedLiteral(byteCount: Int)
    }

    /// The command name for messages, e.g. `UID FETCH`.
    public var name: String
    public var parts: [Part]

    public init(_ name: String, _ parts: [Part] = []) {
        self.name = name
        self.parts = parts
    }

    public mutating func syntax(_ text: String) { parts.append(.syntax(text)) }
    public mutating func space() { parts.append(.syntax(" ")) }
    public mutating func astring(_ value: String, secret: Bool = false) {
        parts.append(.astring(Array(value.utf8), secret: secret))
    }
    /// A mailbox name, encoded to modified UTF-7 first (RFC 3501 5.1.3).
    public mutating func mailbox(_ name: String) {
        parts.append(.astring(Array(ModifiedUTF7.encode(name).utf8), secret: false))
    }
}
