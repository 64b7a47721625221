import MailferryCore

@testable import Ledger

extension Ledger {
    /// Every baseline entry of one destination folder, in an array of its size: the tests' view of
    /// what `forEachBaselineEntry` hands over (the engine keeps the entries in a `BaselineStore`).
    func baseline(_ pair: MailboxPair, destinationFolder: MailboxPath) throws -> [BaselineEntry] {
        var entries: [BaselineEntry] = []
        try forEachBaselineEntry(pair, destinationFolder: destinationFolder) { count, _ in
            entries.reserveCapacity(count)
        } body: {
            entries.append($0)
        }
        return entries
    }
}
