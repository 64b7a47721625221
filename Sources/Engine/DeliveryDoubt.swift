import Foundation
import Ledger
import MailferryCore

/// Messages whose delivery is in doubt: the journal holds their intents without commits, so a
/// process died (or a connection broke) with their APPEND in flight. The server may still hold the
/// whole command in its input and store it a moment after the connection is gone, where a listing
/// made at once would not see it yet. So these folders are synced last, after the destination
/// folders they go to have stopped changing, and their intents are then closed by what the
/// destination shows: found (the pass writes its baseline, as for any message present) or not found
/// (copied again under a new intent).
struct DeliveryDoubt: Sendable {
    /// How long a destination folder's state (UIDVALIDITY, UIDNEXT, EXISTS, HIGHESTMODSEQ) must stay
    /// the same before it is trusted to show every APPEND the server received.
    static let settleInterval: Duration = .seconds(1)
    /// The earliest the destination is looked at again, counted from the newest intent: room for the
    /// server to read the rest of a batch that was still in the kernel's buffers.
    static let minimumAge: TimeInterval = 3
    /// Older intents belong to a process the server has long finished with: no waiting at all.
    static let waitWindow: TimeInterval = 600
    /// A folder that keeps changing (new mail arriving, a user at work) is trusted after this long.
    static let maximumSettleChecks = 10

    private(set) var entriesByFolder: [MailboxPath: [JournalEntry]]

    init(_ entries: [JournalEntry]) {
        entriesByFolder = Dictionary(grouping: entries, by: \.sourceFolder)
    }

    var isEmpty: Bool { entriesByFolder.isEmpty }

    func entries(in folder: MailboxPath) -> [JournalEntry] { entriesByFolder[folder] ?? [] }

    func covers(_ folder: MailboxPath) -> Bool { entriesByFolder[folder] != nil }

    /// Waits until each folder's state stopped changing, and until the newest intent is old enough.
    /// Returns at once for intents older than `waitWindow`.
    func settle(
        _ folders: [MailboxPath], on destination: any DestinationStore, now: () -> Date = Date.init,
        sleep: (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) async throws {
        guard let newest = entriesByFolder.values.joined().map(\.recordedAt).max() else { return }
        let age = now().timeIntervalSince(newest)
        guard age < Self.waitWindow else { return }
        if age < Self.minimumAge { try await sleep(.milliseconds(Int64((Self.minimumAge - age) * 1000))) }
        var before = try await states(of: folders, on: destination)
        for _ in 0..<Self.maximumSettleChecks {
            try await sleep(Self.settleInterval)
            let after = try await states(of: folders, on: destination)
            if after == before { return }
            before = after
        }
    }

    private func states(of folders: [MailboxPath], on destination: any DestinationStore) async throws -> [FolderState?]
    {
        var states: [FolderState?] = []
        for folder in folders { states.append(try await destination.state(of: folder)) }
        return states
    }

    /// Resolves one folder's intents by a diff made after settling: a message the destination now
    /// holds was delivered; any other was not (it is copied again under a new intent, or is gone
    /// from the source). Returns how many were found.
    mutating func resolve(_ folder: MailboxPath, present: Set<String>, ledger: Ledger) throws(LedgerError) -> Int {
        guard let entries = entriesByFolder.removeValue(forKey: folder) else { return 0 }
        try ledger.closeIntents(entries.map(\.id))
        return entries.filter { present.contains($0.sourceKey) }.count
    }

    /// Intents of folders this pass did not visit (no longer on the source, or skipped by the rules
    /// now): abandoned, so that the journal does not keep dead rows. Folders that failed keep theirs.
    mutating func abandon(except kept: Set<MailboxPath>, ledger: Ledger) throws(LedgerError) -> Int {
        let gone = entriesByFolder.filter { !kept.contains($0.key) }
        for folder in gone.keys { entriesByFolder.removeValue(forKey: folder) }
        let entries = gone.values.joined().map(\.id)
        try ledger.closeIntents(entries)
        return entries.count
    }
}
