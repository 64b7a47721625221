import MailferryCore
import NIOCore
import Synchronization

/// Watches a message's bytes as they stream to the destination and keeps its identity, made from
/// its header block exactly as a listing with header fields makes it, so that a first copy (which
/// lists the source without header fields) still records every message's identity and the next
/// run need not read the headers of either side.
final class HeaderBlockTap: Sendable {
    /// A header block longer than this is not kept: the message stays without an identity, and the
    /// next run reads its header fields as before.
    static let maximumHeaderBytes = 256 * 1024

    private struct Progress {
        var block: [UInt8] = []
        var identity: MessageIdentity?
        var finished = false
    }

    private let size: Int64
    private let progress = Mutex(Progress())

    /// - Parameter size: the message's size as listed (RFC822.SIZE), which identities include.
    init(size: Int64) {
        self.size = size
    }

    /// The next bytes of the message.
    func observe(_ chunk: ByteBuffer) {
        progress.withLock { progress in
            guard !progress.finished else { return }
            let searchFrom = max(0, progress.block.count - 2)
            progress.block += chunk.readableBytesView.prefix(Self.maximumHeaderBytes + 3 - progress.block.count)
            if let end = SpoolFile.endOfHeader(in: progress.block, from: searchFrom) {
                finish(&progress, headers: Array(progress.block[..<end]))
            } else if progress.block.count > Self.maximumHeaderBytes {
                progress = Progress(finished: true)
            }
        }
    }

    /// The message ended: one without an empty line is all header.
    func end() {
        progress.withLock { progress in
            guard !progress.finished else { return }
            finish(&progress, headers: progress.block)
        }
    }

    /// The identity, once the header block has gone by whole.
    var identity: MessageIdentity? { progress.withLock { $0.identity } }

    private func finish(_ progress: inout Progress, headers: [UInt8]) {
        progress = Progress(identity: MessageIdentity(headers: headers, size: size), finished: true)
    }
}
