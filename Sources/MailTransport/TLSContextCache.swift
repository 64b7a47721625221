import Foundation
import NIOSSL
import Synchronization

/// One `NIOSSLContext` per distinct TLS settings for the life of the process. A context is immutable
/// and thread-safe, and building one parses the system trust store (milliseconds of CPU, the largest
/// client cost of a no-op run when paid per connection). A CA file that changes on disk gets a new
/// context: its path, size and modification time are part of the key.
enum TLSContextCache {
    private struct Key: Hashable {
        var verify: Bool
        var caFile: String?
        var caFileSize: Int64
        var caFileModified: Double
    }

    private static let contexts = Mutex<[Key: NIOSSLContext]>([:])

    static func context(
        for options: TLSOptions, make: (TLSOptions) throws(TransportError) -> NIOSSLContext
    ) throws(TransportError) -> NIOSSLContext {
        var key = Key(verify: options.verify, caFile: options.caFile, caFileSize: -1, caFileModified: 0)
        if let caFile = options.caFile, let attributes = try? FileManager.default.attributesOfItem(atPath: caFile) {
            key.caFileSize = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            key.caFileModified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        }
        if let cached = contexts.withLock({ $0[key] }) { return cached }
        let context = try make(options)
        contexts.withLock { $0[key] = context }
        return context
    }
}
