import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One user's log: an append-only plain text file `<state>/logs/<safe user name>.log` that an admin
/// can send to the mailbox owner. One line per event: "2026-11-29T10:00:00Z  copied INBOX uid 42 (3.1 KiB)".
///
/// The file is opened once, with O_APPEND, on the first entry and kept open (a migration writes an
/// entry per message); each entry is one `write`, so several writers (tasks, or processes) never
/// interleave inside a line.
public final class UserLog: Sendable {
    public let sourceUser: String
    public let path: String
    private let logsDirectory: String
    private let descriptor = Mutex<Int32?>(nil)

    init(logsDirectory: String, sourceUser: String) {
        self.sourceUser = sourceUser
        self.logsDirectory = logsDirectory
        self.path = (logsDirectory as NSString).appendingPathComponent(LogFileName.fileName(for: sourceUser))
    }

    /// Appends one entry; the folder and file appear with the first entry. Never throws: a log that
    /// cannot be written must not fail a migration; returns false when the entry was not written.
    /// Line breaks inside `line` become indented continuation lines, so every entry starts with its time.
    @discardableResult
    public func write(_ line: String, at: Date) -> Bool {
        write(lines: [line], at: at)
    }

    /// Appends several entries with one time stamp in one write (a batch of copied messages).
    @discardableResult
    public func write(lines: [String], at: Date) -> Bool {
        guard !lines.isEmpty else { return true }
        let stamp = StoredDate.logText(at)
        let indent = "\n" + String(repeating: " ", count: stamp.count + 2)
        var entry: [UInt8] = []
        for line in lines {
            entry += stamp.utf8
            entry += "  ".utf8
            // Only a line with a possible line break (LF, VT, FF, CR; NEL, LS, PS start with C2/E2) needs splitting.
            if line.utf8.contains(where: { (0x0A...0x0D).contains($0) || $0 == 0xC2 || $0 == 0xE2 }) {
                entry +=
                    line.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
                    .joined(separator: indent).utf8
            } else {
                entry += line.utf8
            }
            entry.append(0x0A)
        }

        guard let descriptor = openedDescriptor() else { return false }
        return entry.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }

    /// The open file, opened (and its folder created) on first use.
    private func openedDescriptor() -> Int32? {
        descriptor.withLock { current in
            if let current { return current }
            if mkdir(logsDirectory, 0o700) != 0, errno != EEXIST { return nil }
            let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard opened >= 0 else { return nil }
            current = opened
            return opened
        }
    }

    deinit {
        descriptor.withLock { current in
            if let current { close(current) }
        }
    }

    /// The whole log of `sourceUser` in the state `directory`.
    public static func read(directory: String, sourceUser: String) throws(LedgerError) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .notFound(directory: directory)
        }
        let log = UserLog(logsDirectory: Ledger.logsDirectory(in: directory), sourceUser: sourceUser)
        guard FileManager.default.fileExists(atPath: log.path) else {
            throw .noLog(sourceUser: sourceUser, path: log.path)
        }
        guard let data = FileManager.default.contents(atPath: log.path) else {
            throw .cannotReadLog(path: log.path, reason: "permission denied or not a regular file")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Whether the state `directory` has a log of `sourceUser`.
    public static func exists(directory: String, sourceUser: String) -> Bool {
        FileManager.default.fileExists(
            atPath: UserLog(logsDirectory: Ledger.logsDirectory(in: directory), sourceUser: sourceUser).path)
    }

    /// The log file name used for `sourceUser` (without the folder).
    public static func fileName(for sourceUser: String) -> String { LogFileName.fileName(for: sourceUser) }
}

/// The C `write` (the method of the same name shadows it inside `UserLog`).
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
