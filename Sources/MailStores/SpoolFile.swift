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
struct SpoolFile: Sendable {
    static let chunkSize = 64 * 1024

    private let descriptor: Int32
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
        descriptor = opened
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) throws(SpoolError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .failed("cannot write the temporary message file", errno)
            }
            offset += written
        }
        size += Int64(bytes.count)
    }

    /// The last `count` bytes (fewer when the file is shorter).
    func tail(_ count: Int) throws(SpoolError) -> [UInt8] {
        let length = Int(min(Int64(count), size))
        var bytes = [UInt8](repeating: 0, count: length)
        let read = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(size - Int64(length))) }
        guard read == length else { throw .failed("cannot read the temporary message file", errno) }
        return bytes
    }

    mutating func truncate(to newSize: Int64) throws(SpoolError) {
        guard ftruncate(descriptor, off_t(newSize)) == 0 else {
            throw .failed("cannot shorten the temporary message file", errno)
        }
        size = newSize
    }

    /// The whole file in chunks of `chunkSize`, read on demand.
    var chunks: Chunks { Chunks(descriptor: descriptor, size: size) }

    func close() {
        #if canImport(Glibc)
            _ = Glibc.close(descriptor)
        #else
            _ = Darwin.close(descriptor)
        #endif
    }

    struct Chunks: AsyncSequence, Sendable {
        typealias Element = [UInt8]
        typealias Failure = any Error

        let descriptor: Int32
        let size: Int64

        func makeAsyncIterator() -> Iterator { Iterator(descriptor: descriptor, size: size) }

        struct Iterator: AsyncIteratorProtocol {
            let descriptor: Int32
            let size: Int64
            var offset: Int64 = 0

            mutating func next() async throws -> [UInt8]? {
                guard offset < size else { return nil }
                let length = Int(Swift.min(Int64(SpoolFile.chunkSize), size - offset))
                var chunk = [UInt8](repeating: 0, count: length)
                var filled = 0
                while filled < length {
                    let read = chunk.withUnsafeMutableBytes {
                        pread(descriptor, $0.baseAddress.map { $0 + filled }, length - filled, off_t(offset) + off_t(filled))
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
