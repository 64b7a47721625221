/// What an observer of the IMAP destination's wire is told, per source user: a command fully sent
/// (`IMAPClientConfiguration.commandSent`) and the bytes of an APPEND literal handed to the kernel
/// (`IMAPClientConfiguration.literalBytesSent`). For the crash-test aid only; nil in normal runs.
public struct DestinationWireObserver: Sendable {
    public var commandSent: @Sendable (_ sourceUser: String, _ command: String) -> Void
    public var literalBytesSent: @Sendable (_ sourceUser: String, _ sent: Int, _ total: Int) -> Void

    public init(
        commandSent: @escaping @Sendable (_ sourceUser: String, _ command: String) -> Void,
        literalBytesSent: @escaping @Sendable (_ sourceUser: String, _ sent: Int, _ total: Int) -> Void
    ) {
        self.commandSent = commandSent
        self.literalBytesSent = literalBytesSent
    }
}
