import IMAP
import MailferryCore

/// Turns FETCH metadata into the engine's message summaries.
enum IMAPSummaries {
    static func summary(_ metadata: IMAPMessageMetadata, uidValidity: UInt32) -> MessageSummary {
        let size = Int64(metadata.size ?? 0)
        let header = Array(metadata.headerFields.readableBytesView)
        return MessageSummary(
            uid: metadata.uid,
            sourceKey: "\(uidValidity):\(metadata.uid)",
            size: size,
            internalDate: metadata.internalDate.map(IMAPDateConversion.internalDate) ?? InternalDate(secondsSince1970: 0),
            flags: MessageFlags(metadata.flags),
            identity: MessageIdentity(headers: header, size: size))
    }
}
