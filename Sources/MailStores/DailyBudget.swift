import Foundation
import MailferryCore
import Synchronization

/// One mailbox's `bytes_per_day` on one side: the bytes of the last 24 hours, kept in a small JSON
/// file of (time, bytes) entries so that a new run knows what the last one used. A message that
/// would go over the budget is not started: `spend` throws `StoreError.budgetExhausted` with the
/// time enough of the day's bytes have aged out. A message larger than the whole budget goes
/// alone once nothing else was spent that day, so it never blocks the mailbox for good.
final class DailyBudget: Sendable {
    struct Entry: Codable {
        var at: Double
        var bytes: Int64
    }

    static let day: Double = 86_400

    let limit: Int64
    let side: ServerLimits.Side
    let provider: MailProvider
    /// `limits.server.bytes_per_day`: all mailboxes of the side together.
    let serverWide: Bool
    /// Nil: kept in memory only (plans, verify, tests without state).
    let file: String?
    let now: @Sendable () -> Date
    private let entries: Mutex<[Entry]?>

    init(
        limit: Int64, side: ServerLimits.Side, provider: MailProvider, serverWide: Bool = false, file: String?,
        now: @escaping @Sendable () -> Date
    ) {
        self.limit = limit
        self.side = side
        self.provider = provider
        self.serverWide = serverWide
        self.file = file
        self.now = now
        entries = Mutex(nil)
    }

    func spend(_ bytes: Int64) throws {
        let time = now().timeIntervalSince1970
        try entries.withLock { stored in
            var current = (stored ?? load()).filter { $0.at > time - Self.day }
            let used = current.reduce(0) { $0 + $1.bytes }
            if used > 0, used + bytes > limit {
                stored = current
                throw StoreError.budgetExhausted(
                    side: serverWide ? "whole \(side.rawValue) server" : side.rawValue, limit: limit,
                    provider: provider.rawValue,
                    resumeAt: Date(timeIntervalSince1970: resumeTime(current, needed: bytes)))
            }
            current.append(Entry(at: time, bytes: bytes))
            stored = current
            save(current)
        }
    }

    /// Gives back the bytes of the latest `spend` of `bytes`: the message was not started after all.
    func refund(_ bytes: Int64) {
        entries.withLock { stored in
            guard var current = stored, let index = current.lastIndex(where: { $0.bytes == bytes }) else { return }
            current.remove(at: index)
            stored = current
            save(current)
        }
    }

    /// When enough of the oldest entries have aged out for `needed` more bytes to fit.
    private func resumeTime(_ entries: [Entry], needed: Int64) -> Double {
        var used = entries.reduce(0) { $0 + $1.bytes }
        for entry in entries.sorted(by: { $0.at < $1.at }) {
            used -= entry.bytes
            if used == 0 || used + needed <= limit { return entry.at + Self.day }
        }
        return (entries.map(\.at).max() ?? now().timeIntervalSince1970) + Self.day
    }

    private func load() -> [Entry] {
        guard let file, let data = FileManager.default.contents(atPath: file) else { return [] }
        return (try? JSONDecoder().decode([Entry].self, from: data)) ?? []
    }

    /// Best effort: a budget file that cannot be written only makes the next run start afresh.
    private func save(_ entries: [Entry]) {
        guard let file, let data = try? JSONEncoder().encode(entries) else { return }
        try? FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? data.write(to: URL(fileURLWithPath: file), options: .atomic)
    }
}
