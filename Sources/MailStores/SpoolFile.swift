import MailferryCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A message body parked on disk, so that its exact size is known before an APPEND literal without
/// holding it in memory. The file lives in a private directory (0700) as a 0600 file, and both are
/// unlinked as soon as the file is open: only this descriptor reaches the bytes, and nothing is left
/// behind if the process dies. Call `close()` when done.
///
/// A small message (`init(inMemory:)`) is parked in memory instead: a file costs a directory, a
/// file and, on a file system that discards freed blocks, a wait on close, which for thousands of
/// small POP3 messages was most of the time of a migration.
struct SpoolFile: Sendable {
    static let chunkSize = 64 * 1024
    /// Messages up to this size (by LIST) are held in memory rather than in a file.
    static let inMemoryLimit = 1024 * 1024

    fileprivate enum Storage: Sendable {
        case file(Int32)
        case memory([UInt8])
    }

    private var storage: Storage
    private(set) var size: Int64 = 0

    /// - Parameter directory: where the private directory is made (the system's temporary directory).
    init(in directory: String) throws(SpoolError) {
        var template = Array("\(directory)/mailferry-spool-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap(mkdtemp).map { String(cString: $0) }
        }
        guard let privateDirectory = made else {
            throw .failed("cannot create a private temporary directory in \(directory)", errno)
        }
        let path = privateDirectory + "/message"
        let opened = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        let openError = errno
        unlink(path)
        rmdir(privateDirectory)
        guard opened >= 0 else { throw .failed("cannot create a temporary file in \(directory)", openError) }
        storage = .file(opened)
    }

    /// A spool in memory for a message of about `expectedSize` bytes.
    init(inMemory expectedSize: Int) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(expectedSize + 2)
        storage = .memory(bytes)
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws(SpoolError) {
        switch storage {
        case .memory(var held):
            storage = .memory([])  // no second reference: appending does not copy
            held.append(contentsOf: bytes)
            storage = .memory(held)
        case .file(let descriptor):
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw .failed("cannot write the temporary message file", errno)
                }
                offset += written
            }
        }
        size += Int64(bytes.count)
    }

    /// The last `count` bytes (fewer when the spool is shorter).
    func tail(_ count: Int) throws(SpoolError) -> [UInt8] {
        let length = Int(min(Int64(count), size))
        return try bytes(at: size - Int64(length), count: length)
    }

    /// The header block: every byte up to and including the empty line that ends it (the whole
    /// message when there is none), as `TOP n 0` sends it. Searched in place when held in memory;
    /// from a file a chunk at a time, so that a large message is not read whole.
    func headerBlock() throws(SpoolError) -> [UInt8] {
        if case .memory(let held) = storage {
            return Array(held[..<(HeaderBlockEnd.index(in: held) ?? held.count)])
        }
        var block: [UInt8] = []
        while Int64(block.count) < size {
            let searchFrom = max(0, block.count - 2)
            block += try bytes(
                at: Int64(block.count), count: Int(min(Int64(Self.chunkSize), size - Int64(block.count))))
            if let end = HeaderBlockEnd.index(in: block, from: searchFrom) { return Array(block[..<end]) }
        }
        return block
    }

    /// `count` bytes from `offset` (fewer at the end of the spool).
    private func bytes(at offset: Int64, count: Int) throws(SpoolError) -> [UInt8] {
        let length = Int(max(0, min(Int64(count), size - offset)))
        switch storage {
        case .memory(let held):
            return Array(held[Int(offset)..<Int(offset) + length])
        case .file(let descriptor):
            var bytes = [UInt8](repeating: 0, count: length)
            let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(offset)) }
            guard read == length else { throw .failed("cannot read the temporary message file", errno) }
            return bytes
        }
    }

    mutating func truncate(to newSize: Int64) throws(SpoolError) {
        switch storage {
        case .memory(var held):
            storage = .memory([])
            held.removeLast(max(0, held.count - Int(newSize)))
            storage = .memory(held)
        case .file(let descriptor):
            guard ftruncate(descriptor, off_t(newSize)) == 0 else {
                throw .failed("cannot shorten the temporary message file", errno)
            }
        }
        size = newSize
    }

    /// The whole message in chunks of at most `chunkSize`, read on demand.
    var chunks: Chunks {
        switch storage {
        case .memory(let held): Chunks(source: .memory(held), size: size)
        case .file(let descriptor): Chunks(source: .file(descriptor), size: size)
        }
    }

    func close() {
        guard case .file(let descriptor) = storage else { return }
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
    }

    struct Chunks: AsyncSequence, Sendable {
        typealias Element = [UInt8]
        typealias Failure = any Error

        fileprivate let source: Storage
        let size: Int64

        func makeAsyncIterator() -> Iterator { Iterator(source: source, size: size) }

        struct Iterator: AsyncIteratorProtocol {
            fileprivate let source: Storage
            let size: Int64
            var offset: Int64 = 0

            mutating func next() async throws -> [UInt8]? {
                guard offset < size else { return nil }
                let length = Int(Swift.min(Int64(SpoolFile.chunkSize), size - offset))
                switch source {
                case .memory(let held):
                    let start = Int(offset)
                    offset += Int64(length)
                    return Array(held[start..<start + length])
                case .file(let descriptor):
                    var chunk = [UInt8](repeating: 0, count: length)
                    var filled = 0
                    while filled < length {
                        let read = chunk.withUnsafeMutableBytes {
                            pread(
                                descriptor, $0.baseAddress.map { $0 + filled }, length - filled,
                                off_t(offset) + off_t(filled))
                        }
                        if read < 0, errno == EINTR { continue }
                        guard read > 0 else { throw SpoolError.failed("cannot read the temporary message file", errno) }
                        filled += read
                    }
                    offset += Int64(length)
                    return chunk
                }
            }
        }
    }
}
