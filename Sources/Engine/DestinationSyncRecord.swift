import Foundation
import Ledger
import MailferryCore

/// A folder's sync record (`Ledger.FolderRecord`) kept with the destination folder too, as an
/// annotation (IMAP METADATA), so that a run without its state (the state directory lost, a fresh
/// container, another machine) still skips a folder unchanged since its last complete sync,
/// instead of reading the header fields of every message on both sides.
///
/// Only the fast path trusts it, and only as far as IMAP lets it: the source as recorded exactly
/// (UIDVALIDITY, UIDNEXT, count and HIGHESTMODSEQ), the destination by UIDVALIDITY, UIDNEXT and
/// count. The destination's HIGHESTMODSEQ is left out because writing the annotation raises it
/// (Dovecot counts an annotation as a change of its mailbox); a flag the user changed there since
/// is theirs to keep either way. Anything else (no record, another version, a record the user
/// edited into nonsense) reads both sides as without a state, which never duplicates.
enum DestinationSyncRecord {
    /// The first line of every record; another version is not read.
    static let header = "mailferry-sync-record 1"

    /// The annotation's name: one per source account and folder, so that several sources merged
    /// into one destination folder keep theirs apart; hashed, so that no folder name reaches the
    /// server's entry-name syntax.
    static func name(source endpoints: UserPlan.Endpoints, sourceUser: String, sourceFolder: MailboxPath) -> String {
        var hasher = SHA256Hasher()
        for part in [endpoints.inbox ?? "", endpoints.folders ?? "", sourceUser] + sourceFolder.components {
            hasher.update(part)
            hasher.update([0])
        }
        return "sync/" + hasher.hexDigest().prefix(32)
    }

    static func encode(_ record: FolderRecord) -> [UInt8] {
        let source = record.source
        let destination = record.destination
        let lines = [
            header,
            "source \(source.uidValidity) \(source.uidNext) \(source.messageCount) "
                + (source.highestModSeq.map(String.init) ?? "-"),
            "destination \(destination.uidValidity) \(destination.uidNext) \(destination.messageCount)",
            "counts \(record.messagesPresent) \(record.messagesKeptDeleted) \(record.messagesSkipped)",
            "synced \(Int64(record.syncedAt.timeIntervalSince1970))",
        ]
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    /// The record `bytes` hold for this folder pair, or nil when they hold none this version reads.
    static func decode(
        _ bytes: [UInt8], sourceUser: String, sourceFolder: MailboxPath, destinationFolder: MailboxPath
    ) -> FolderRecord? {
        guard bytes.count < 4_096, let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var fields: [String: [Substring]] = [:]
        let lines = text.split(separator: "\n")
        guard lines.first == Substring(header) else { return nil }
        for line in lines.dropFirst() {
            let words = line.split(separator: " ")
            guard let key = words.first else { continue }
            fields[String(key)] = Array(words.dropFirst())
        }
        func numbers<Number: FixedWidthInteger>(_ key: String, _ count: Int, as: Number.Type) -> [Number]? {
            guard let words = fields[key], words.count >= count else { return nil }
            let parsed = words.prefix(count).compactMap { Number(String($0)) }
            return parsed.count == count ? parsed : nil
        }
        guard let source = numbers("source", 3, as: UInt32.self), let sourceWords = fields["source"],
            sourceWords.count == 4,
            let destination = numbers("destination", 3, as: UInt32.self),
            let counts = numbers("counts", 3, as: Int.self), counts.allSatisfy({ $0 >= 0 }),
            let synced = numbers("synced", 1, as: Int64.self)
        else { return nil }
        let modSeq: UInt64?
        if sourceWords[3] == "-" {
            modSeq = nil
        } else {
            guard let value = UInt64(String(sourceWords[3])) else { return nil }
            modSeq = value
        }
        return FolderRecord(
            sourceUser: sourceUser, sourceFolder: sourceFolder, destinationFolder: destinationFolder,
            source: FolderState(
                uidValidity: source[0], uidNext: source[1], messageCount: Int(source[2]), highestModSeq: modSeq),
            destination: FolderState(
                uidValidity: destination[0], uidNext: destination[1], messageCount: Int(destination[2])),
            messagesPresent: counts[0], messagesKeptDeleted: counts[1], messagesSkipped: counts[2],
            syncedAt: Date(timeIntervalSince1970: TimeInterval(synced[0])))
    }

    /// Whether neither folder changed since `record`, as far as the record can tell (see above).
    static func stillDescribes(_ record: FolderRecord, source: FolderState, destination: FolderState) -> Bool {
        record.source == source && record.destination.uidValidity == destination.uidValidity
            && record.destination.uidNext == destination.uidNext
            && record.destination.messageCount == destination.messageCount
    }
}
