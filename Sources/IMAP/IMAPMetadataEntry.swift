/// One entry of a METADATA response (RFC 5464): its name and its value, nil where the server
/// has none (NIL) or named the entry without its value (an unsolicited response).
public struct IMAPMetadataEntry: Sendable, Hashable {
    public var name: String
    public var value: [UInt8]?

    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }
}
