import IMAP
import MailferryCore
import NIOCore
import Synchronization

/// A message body as the source of an APPEND literal. A body fetched over IMAP goes as it came
/// (its native stream of ByteBuffers); any other is pulled chunk by chunk through a `ChunkPump`.
/// Either way the body's own error is kept (e.g. the source connection was cut mid-FETCH), so that
/// the APPEND it broke can report the source's failure rather than a protocol error of the destination.
struct AppendBody {
    let source: IMAPMessageSource
    let failure = Failure()
    /// Sees the bytes go by, when the message's identity is to be learnt from them.
    let tap: HeaderBlockTap?

    /// The APPEND message for `summary` with this body: its flags and INTERNALDATE as the wire wants
    /// them. Both the single APPEND and the MULTIAPPEND build their messages here.
    func appendMessage(for summary: MessageSummary) -> IMAPAppendMessage {
        IMAPAppendMessage(
            flags: summary.flags.sorted, internalDate: IMAPDateConversion.wire(summary.internalDate), source: source)
    }

    init(_ body: MessageBody, tap: HeaderBlockTap? = nil) {
        let failure = failure
        self.tap = tap
        let next: @Sendable () async throws -> ByteBuffer?
        let byteCount: Int
        if let native = body.native as? IMAPMessageSource, Int64(native.byteCount) == body.size {
            byteCount = native.byteCount
            next = {
                do {
                    return try await native.next()
                } catch {
                    failure.record(error)
                    throw error
                }
            }
        } else {
            let pump = ChunkPump(body, failure: failure)
            byteCount = Int(body.size)
            next = { try await pump.next() }
        }
        guard let tap else {
            source = IMAPMessageSource(byteCount: byteCount, next: next)
            return
        }
        source = IMAPMessageSource(byteCount: byteCount) {
            guard let chunk = try await next() else {
                tap.end()
                return nil
            }
            tap.observe(chunk)
            return chunk
        }
    }

    /// The first error the body raised, if any.
    final class Failure: Sendable {
        private let error = Mutex<(any Error)?>(nil)

        func record(_ error: any Error) { self.error.withLock { if $0 == nil { $0 = error } } }

        var recorded: (any Error)? { error.withLock { $0 } }
    }
}
