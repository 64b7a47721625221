import IMAP
import MailferryCore

/// Every listed folder's STATUS, asked for at once right after LIST (the commands pipeline on the one
/// connection), so that a run over many unchanged folders pays one round trip instead of one per
/// folder. Each state is handed out once, to the first `state(of:)` for its folder, which comes
/// before the run writes to that folder; any later ask goes to the server again.
struct IMAPStatusPrefetch: Sendable {
    /// STATUS commands in flight at once.
    static let window = 32

    private var states: [String: FolderState] = [:]

    init() {}

    /// STATUS for each server name; a folder whose STATUS fails is left out (asked again, with its
    /// error, when its state is wanted).
    static func fetch(client: IMAPClient, mailboxes: [String]) async -> IMAPStatusPrefetch {
        var prefetch = IMAPStatusPrefetch()
        await withTaskGroup(of: (String, FolderState?).self) { group in
            var next = mailboxes.makeIterator()
            func addNext() -> Bool {
                guard let name = next.next() else { return false }
                group.addTask { (name, try? await IMAPSummaries.state(client: client, mailbox: name)) }
                return true
            }
            for _ in 0..<window where !addNext() { break }
            while let (name, state) = await group.next() {
                if let state { prefetch.states[name] = state }
                _ = addNext()
            }
        }
        return prefetch
    }

    /// The prefetched state of a folder, once.
    mutating func take(_ mailbox: String) -> FolderState? {
        states.removeValue(forKey: mailbox)
    }
}
