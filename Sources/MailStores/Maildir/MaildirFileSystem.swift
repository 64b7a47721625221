import Foundation
import Synchronization

/// A failed system call with the errno it set, mapped to a `StoreError` by the store.
struct FileSystemFailure: Error, Sendable {
    var operation: String
    var path: String
    var code: Int32

    var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }
    var text: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// The few POSIX calls the Maildir store needs, with its ownership and permission rules in one place:
/// directories 0700, files 0600, and when running as root everything is chowned to the owner of the
/// directory it lands in (so a tree written by root for `vmail` stays readable by Dovecot).
enum MaildirFileSystem {
    static let directoryMode: mode_t = 0o700
    static let fileMode: mode_t = 0o600

    struct Status {
        var isDirectory: Bool
        var size: Int64
        var modificationSeconds: Int64
        var uid: uid_t
        var gid: gid_t
        var inode: UInt64
    }

    static func status(_ path: String) -> Status? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
            let modified = Int64(info.st_mtimespec.tv_sec)
        #else
            let modified = Int64(info.st_mtim.tv_sec)
        #endif
        return Status(
            isDirectory: (info.st_mode & S_IFMT) == S_IFDIR, size: Int64(info.st_size),
            modificationSeconds: modified, uid: info.st_uid, gid: info.st_gid, inode: UInt64(info.st_ino))
    }

    static func isDirectory(_ path: String) -> Bool { status(path)?.isDirectory ?? false }

    /// Creates `path` and missing parents, each owned like its own parent.
    static func makeDirectories(_ path: String) throws(FileSystemFailure) {
        if isDirectory(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, directoryMode) != 0 {
            let code = errno
            if code == EEXIST, isDirectory(path) { return }
            throw FileSystemFailure(operation: "mkdir", path: path, code: code)
        }
        try ownLikeParent(path, descriptor: nil)
    }

    /// chown to the parent directory's owner, only when running as root (others cannot give files away).
    static func ownLikeParent(_ path: String, descriptor: Int32?) throws(FileSystemFailure) {
        guard geteuid() == 0 else { return }
        let parent = (path as NSString).deletingLastPathComponent
        guard let owner = status(parent.isEmpty ? "." : parent) else {
            throw FileSystemFailure(operation: "stat", path: parent, code: errno)
        }
        let result = descriptor.map { fchown($0, owner.uid, owner.gid) } ?? chown(path, owner.uid, owner.gid)
        if result != 0 { throw FileSystemFailure(operation: "chown", path: path, code: errno) }
    }

    /// Names in a directory, without "." and ".."; empty when it does not exist.
    static func entries(of path: String) throws(FileSystemFailure) -> [String] {
        guard let directory = opendir(path) else {
            let code = errno
            if code == ENOENT { return [] }
            throw FileSystemFailure(operation: "opendir", path: path, code: code)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Writes a small file through a temporary name and rename, so readers never see it half written.
    static func replaceFile(_ path: String, contents: [UInt8]) throws(FileSystemFailure) {
        let temporary = path + ".mailferry-new"
        unlink(temporary)  // left over from a crash
        let file = try WritableFile(creating: temporary)
        do {
            try file.write(contents[...])
            try file.finish(modificationSeconds: nil)
            try rename(from: temporary, to: path)
        } catch {
            file.discard()
            throw error
        }
    }

    /// Read-modify-write of a small shared file under Dovecot's dotlock protocol: `<path>.lock` is
    /// created with O_EXCL (so Dovecot and this store never update `dovecot-keywords` or
    /// `subscriptions` at the same time), the new contents are written into it and it is renamed over
    /// `path`. `change` gets the current contents (nil when missing) and returns nil to leave it as is.
    static func update(_ path: String, _ change: ([UInt8]?) -> [UInt8]?) throws(FileSystemFailure) {
        let lock = try acquireDotlock(path + ".lock")
        do {
            guard let contents = change(try readSmallFile(path)) else {
                lock.discard()
                return
            }
            try lock.write(contents[...])
            try lock.finish(modificationSeconds: nil)
            try rename(from: lock.path, to: path)
        } catch {
            lock.discard()
            throw error
        }
    }

    /// Waits up to about 5 s for a lock held by someone else; a lock untouched for 2 minutes is stale
    /// (its holder died) and is removed, as Dovecot does. `discard()` releases it.
    static func acquireDotlock(_ lockPath: String) throws(FileSystemFailure) -> WritableFile {
        var attempts = 0
        while true {
            do {
                return try WritableFile(creating: lockPath)
            } catch  where error.code == EEXIST {
                let now = Int64(time(nil))
                if let status = status(lockPath), now - status.modificationSeconds > 120 {
                    unlink(lockPath)
                    continue
                }
                attempts += 1
                if attempts > 500 { throw error }
                usleep(10_000)
            }
        }
    }

    /// Appends `contents` to an existing file (closed again when `file` goes), so that a reader sees
    /// whole lines.
    static func append(_ contents: [UInt8], to path: String) throws(FileSystemFailure) {
        let file = try WritableFile(appendingTo: path)
        try file.write(contents[...])
    }

    static func rename(from source: String, to destination: String) throws(FileSystemFailure) {
        if Foundation.rename(source, destination) != 0 {
            throw FileSystemFailure(operation: "rename", path: destination, code: errno)
        }
    }

    /// A message file in 64 KiB chunks, never whole; with `crlf` a bare LF is read as CR LF. Nil when
    /// the file cannot be opened.
    static func chunks(of path: String, crlf: Bool) -> AsyncThrowingStream<[UInt8], any Error>? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        let previous = Mutex<UInt8>(0)
        return AsyncThrowingStream {
            guard let data = try handle.read(upToCount: 64 * 1024), !data.isEmpty else {
                try? handle.close()
                return nil
            }
            guard crlf else { return [UInt8](data) }
            return previous.withLock { last in
                var chunk: [UInt8] = []
                chunk.reserveCapacity(data.count)
                for byte in data {
                    if byte == UInt8(ascii: "\n"), last != UInt8(ascii: "\r") { chunk.append(UInt8(ascii: "\r")) }
                    chunk.append(byte)
                    last = byte
                }
                return chunk
            }
        }
    }

    /// Reads a whole small file (keywords, subscriptions); nil when it does not exist.
    static func readSmallFile(_ path: String) throws(FileSystemFailure) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw FileSystemFailure(operation: "open", path: path, code: code)
        }
        defer { close(descriptor) }
        var contents: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemFailure(operation: "read", path: path, code: errno)
            }
            if count == 0 { return contents }
            contents += buffer[0..<count]
        }
    }

    /// The header block of a message file: bytes up to and including the first empty line, read in
    /// small pieces so that a large message is never loaded (capped at `limit` bytes).
    static func readHeader(_ path: String, limit: Int = 256 * 1024) throws(FileSystemFailure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 { throw FileSystemFailure(operation: "open", path: path, code: errno) }
        defer { close(descriptor) }
        var header: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var searchFrom = 0
        while header.count < limit {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileSystemFailure(operation: "read", path: path, code: errno)
            }
            if count == 0 { break }
            header += buffer[0..<count]
            if let end = HeaderBlockEnd.index(in: header, from: searchFrom) { return Array(header[..<end]) }
            searchFrom = max(0, header.count - 2)
        }
        return header
    }
}

/// A new file opened with O_EXCL, written in pieces, synced and closed with its mtime set.
/// Removed again by `discard()` when delivery fails.
/// Used by one delivery at a time (its `finish` may run on the disk queue), hence `@unchecked Sendable`.
final class WritableFile: @unchecked Sendable {
    let path: String
    private var descriptor: Int32

    init(creating path: String) throws(FileSystemFailure) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, MaildirFileSystem.fileMode)
        if descriptor < 0 { throw FileSystemFailure(operation: "create", path: path, code: errno) }
        do {
            try MaildirFileSystem.ownLikeParent(path, descriptor: descriptor)
        } catch {
            discard()
            throw error
        }
    }

    /// An existing file opened for appending, closed when released: never `discard()` it, which would
    /// remove the file.
    init(appendingTo path: String) throws(FileSystemFailure) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        if descriptor < 0 { throw FileSystemFailure(operation: "open", path: path, code: errno) }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    func write(_ bytes: ArraySlice<UInt8>) throws(FileSystemFailure) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw FileSystemFailure(operation: "write", path: path, code: errno)
            }
            offset += written
        }
    }

    /// Sets the mtime (Dovecot's INTERNALDATE for Maildir) after the last write, fsyncs and closes.
    func finish(modificationSeconds: Int64?) throws(FileSystemFailure) {
        if let seconds = modificationSeconds {
            var times = [
                timespec(tv_sec: Int(seconds), tv_nsec: 0), timespec(tv_sec: Int(seconds), tv_nsec: 0),
            ]
            if futimens(descriptor, &times) != 0 {
                throw FileSystemFailure(operation: "futimens", path: path, code: errno)
            }
        }
        if fsync(descriptor) != 0 { throw FileSystemFailure(operation: "fsync", path: path, code: errno) }
        let result = close(descriptor)
        descriptor = -1
        if result != 0 { throw FileSystemFailure(operation: "close", path: path, code: errno) }
    }

    func discard() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        unlink(path)
    }
}
