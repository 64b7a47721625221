import Foundation
import Testing

@testable import Ledger

@Suite struct UserLogTests {
    @Test func writesTimestampedLinesAndReadsThemBack() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let log = ledger.log(sourceUser: "alice@example.com")
        #expect(!FileManager.default.fileExists(atPath: log.path), "the file appears with its first line")

        let at = try #require(StoredDate.date("2026-11-29T10:00:00Z"))
        #expect(log.write("copied INBOX uid 42 (3.1 KiB)", at: at))
        #expect(log.write("skipped Sent uid 7: larger than max_message_size", at: at.addingTimeInterval(1.9)))

        #expect(log.path == temporary.path + "/logs/alice@example.com.log")
        let text = try UserLog.read(directory: temporary.path, sourceUser: "alice@example.com")
        #expect(
            text == """
                2026-11-29T10:00:00Z  copied INBOX uid 42 (3.1 KiB)
                2026-11-29T10:00:01Z  skipped Sent uid 7: larger than max_message_size

                """)
        let mode = try FileManager.default.attributesOfItem(atPath: log.path)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func appendsAcrossInstancesAndReopens() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        try Ledger.open(directory: temporary.path).log(sourceUser: "bob").write("run 1 started", at: instant(0))
        try Ledger.open(directory: temporary.path).log(sourceUser: "bob").write("run 2 started", at: instant(60))

        let lines = try UserLog.read(directory: temporary.path, sourceUser: "bob").split(separator: "\n")

        #expect(lines.count == 2)
        #expect(lines[0].hasSuffix("  run 1 started"))
        #expect(lines[1].hasSuffix("  run 2 started"))
    }

    @Test func multiLineMessagesBecomeIndentedContinuations() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let log = try Ledger.open(directory: temporary.path).log(sourceUser: "carol")

        log.write("failed INBOX uid 3: server said\r\nNO [OVERQUOTA]\nquota exceeded", at: instant(0))

        let lines = try UserLog.read(directory: temporary.path, sourceUser: "carol").split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("  failed INBOX uid 3: server said"))
        #expect(lines[1] == String(repeating: " ", count: 22) + "NO [OVERQUOTA]")
        #expect(lines[2] == String(repeating: " ", count: 22) + "quota exceeded")
    }

    @Test func concurrentWritersNeverInterleaveInsideALine() async throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let log = ledger.log(sourceUser: "dave")

        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for line in 0..<50 {
                        log.write("writer \(writer) line \(line) " + String(repeating: "x", count: 200), at: instant(0))
                    }
                }
            }
        }

        let lines = try UserLog.read(directory: temporary.path, sourceUser: "dave").split(separator: "\n")
        #expect(lines.count == 400)
        #expect(
            lines.allSatisfy { $0.hasPrefix(StoredDate.logText(instant(0)) + "  writer ") && $0.hasSuffix("xxxxx") })
    }

    @Test func writeReportsFailureInsteadOfThrowing() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        // A file where the logs folder should be: the log cannot be written, the migration goes on.
        #expect(FileManager.default.createFile(atPath: temporary.child("logs"), contents: Data()))

        #expect(!ledger.log(sourceUser: "erin").write("copied INBOX uid 1", at: instant(0)))
    }

    @Test func readWithoutStateOrLog() throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let missing = temporary.child("nothing")
        #expect(throws: LedgerError.notFound(directory: missing)) {
            _ = try UserLog.read(directory: missing, sourceUser: "a")
        }

        _ = try Ledger.open(directory: temporary.path)
        #expect {
            _ = try UserLog.read(directory: temporary.path, sourceUser: "frank")
        } throws: { error in
            guard case .noLog(let user, let path) = error as? LedgerError else { return false }
            return user == "frank" && path.hasSuffix("/logs/frank.log")
        }
    }

    @Test(arguments: ["../../etc/passwd", "..", ".", "a/b", "/abs", "..%2F", ".hidden", "x\u{0}y", "ünïcode"])
    func hostileUserNamesStayInsideTheLogsFolder(user: String) throws {
        let temporary = try TemporaryDirectory()
        defer { temporary.remove() }
        let ledger = try Ledger.open(directory: temporary.path)
        let log = ledger.log(sourceUser: user)

        #expect(log.write("hello", at: instant(0)))

        #expect((log.path as NSString).deletingLastPathComponent == temporary.child("logs"))
        let files = try FileManager.default.contentsOfDirectory(atPath: temporary.child("logs"))
        #expect(files == [UserLog.fileName(for: user)])
        #expect(try UserLog.read(directory: temporary.path, sourceUser: user).hasSuffix("  hello\n"))
    }
}
