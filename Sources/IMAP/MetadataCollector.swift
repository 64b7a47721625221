import NIOCore

/// Turns the untagged FETCH responses of one metadata listing into the caller's items as they
/// arrive (`IMAPClient.fetchMetadata(uids:headerFields:transform:)`). Lives inside the client actor.
final class MetadataCollector<Item: Sendable> {
    private let transform: @Sendable (IMAPMessageMetadata) -> Item
    private var items: [Item] = []
    /// Messages already handed to `transform`.
    private var delivered: Set<UInt32> = []
    /// Responses without RFC822.SIZE that came before the message's solicited one.
    private var early: [UInt32: IMAPMessageMetadata] = [:]
    private var flagUpdates: [UInt32: [String]] = [:]
    private var lastUID: UInt32 = 0
    private var inUIDOrder = true

    /// - Parameter expected: how many messages the listing will have (EXISTS), reserved up front so
    ///   that the list does not overshoot by growing.
    init(expected: Int = 0, transform: @escaping @Sendable (IMAPMessageMetadata) -> Item) {
        self.transform = transform
        items.reserveCapacity(min(max(0, expected), Self.maximumReserved))
    }

    /// A server's EXISTS is not trusted beyond this: a larger listing simply grows.
    static var maximumReserved: Int { 1_000_000 }

    /// The items once the command completed; a message that never had a response with RFC822.SIZE
    /// (a server that leaves it out) is handed over as it was merged, without a size.
    func finish() -> (items: [Item], flagUpdates: [UInt32: [String]], inUIDOrder: Bool) {
        for entry in early.values.sorted(by: { $0.uid < $1.uid }) { deliver(entry) }
        early = [:]
        return (items, flagUpdates, inUIDOrder)
    }

    func take(_ response: IMAPUntaggedResponse) {
        guard case .fetch(let fetch) = response, let uid = fetch.uid else { return }  // no UID: unsolicited
        // \Recent belongs to the server session (RFC 3501 2.3.2): no client can set it, so it is not
        // part of a message's flags for copying.
        let flags = fetch.flags?.filter { !$0.caseInsensitiveCompare("\\Recent") }
        guard fetch.rfc822Size != nil, !delivered.contains(uid) else {
            if delivered.contains(uid) {
                if let flags { flagUpdates[uid] = flags }
            } else {
                var entry = early[uid] ?? Self.empty(uid)
                Self.merge(fetch, flags: flags, into: &entry)
                early[uid] = entry
            }
            return
        }
        var entry = early.removeValue(forKey: uid) ?? Self.empty(uid)
        Self.merge(fetch, flags: flags, into: &entry)
        deliver(entry)
    }

    private func deliver(_ entry: IMAPMessageMetadata) {
        delivered.insert(entry.uid)
        if entry.uid < lastUID { inUIDOrder = false }
        lastUID = entry.uid
        items.append(transform(entry))
    }

    private static func empty(_ uid: UInt32) -> IMAPMessageMetadata {
        IMAPMessageMetadata(uid: uid, flags: [], internalDate: nil, size: nil, modSeq: nil, headerFields: ByteBuffer())
    }

    private static func merge(_ fetch: IMAPFetchResponse, flags: [String]?, into entry: inout IMAPMessageMetadata) {
        if let flags { entry.flags = flags }
        if let date = fetch.internalDate { entry.internalDate = date }
        if let size = fetch.rfc822Size { entry.size = size }
        if let modSeq = fetch.modSeq { entry.modSeq = modSeq }
        if let header = fetch.headerFields { entry.headerFields = header }
        if let id = fetch.gmailMessageID { entry.gmailMessageID = id }
        if let labels = fetch.gmailLabels { entry.gmailLabels = labels }
    }
}
