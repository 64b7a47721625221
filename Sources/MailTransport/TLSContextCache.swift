import Foundation
import NIOSSL
import Synchronization

/// Shares one `NIOSSLContext` among the connections that use the same TLS settings. A context is
/// immutable and thread-safe, and building one parses the system trust store: milliseconds of CPU and
/// close to a MiB of memory per connection, the largest client cost of a no-op run when paid per
/// connection. Owned by whoever opens the connections of one job (`TLSOptions.contextCache`).
/// A CA file that changes on disk gets a new context: its size and modification time are in the key.
public final class TLSContextCache: Sendable {
    private struct Key: Hashable {
        var verify: Bool
        var caFile: String?
        var caFileSize: Int64
        var caFileModified: Double
    }

    private let contexts = Mutex<[Key: NIOSSLContext]>([:])

    public init() {}

    func context(
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
