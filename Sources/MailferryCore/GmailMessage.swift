/// What a Gmail server (X-GM-EXT-1) says about a message beyond IMAP: `X-GM-MSGID`, the same in
/// every folder that shows the message, and `X-GM-LABELS`, in the server's order.
public struct GmailMessage: Sendable, Hashable {
    public var messageID: UInt64
    /// Label names as Unicode text (decoded from modified UTF-7), nested labels with `/`; system
    /// labels keep their backslash (`\Inbox`, `\Sent`, `\Starred`, `\Important`). Gmail leaves out
    /// the label of the folder being listed, so only a listing of All Mail has every label.
    public var labels: [String]

    public init(messageID: UInt64, labels: [String] = []) {
        self.messageID = messageID
        self.labels = labels
    }

    /// The key that names this message across the folders of its account.
    public var key: String { "gm:\(messageID)" }
}
