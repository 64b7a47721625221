import IMAP
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
            // Mostly the whole header block is in the first chunk: found there without a copy.
            if progress.block.isEmpty,
                let headers = chunk.withUnsafeReadableBytes({ bytes in
                    HeaderBlockEnd.index(in: bytes).map { Array(bytes[..<$0]) }
                })
            {
                finish(&progress, headers: headers)
                return
            }
            let searchFrom = max(0, progress.block.count - 2)
            progress.block += chunk.readableBytesView.prefix(Self.maximumHeaderBytes + 3 - progress.block.count)
            if let end = HeaderBlockEnd.index(in: progress.block, from: searchFrom) {
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
        progress = Progress(
            identity: MessageIdentity(headers: Self.identityFields(of: headers), size: size), finished: true)
    }

    /// The lines of the fields identities use (with their folded continuations), in order: what a
    /// listing's `BODY.PEEK[HEADER.FIELDS (…)]` returns, so that parsing is spared the rest of the
    /// header (Received, DKIM, …).
    static func identityFields(of headers: [UInt8]) -> [UInt8] {
        let (lf, colon) = (UInt8(ascii: "\n"), UInt8(ascii: ":"))
        var kept: [UInt8] = []
        var keeping = false
        var start = 0
        while start < headers.count {
            let end = headers[start...].firstIndex(of: lf).map { $0 + 1 } ?? headers.count
            let line = headers[start..<end]
            if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                if keeping { kept += line }
            } else if let separator = line.firstIndex(of: colon) {
                keeping = isIdentityField(headers[start..<separator])
                if keeping { kept += line }
            }
            start = end
        }
        return kept
    }

    /// The names in ASCII upper case: compared byte by byte, as an IMAP server matches
    /// `HEADER.FIELDS` (a String per header line, lower-cased, took twice as long: run C2).
    private static let identityFieldNames: [[UInt8]] = IMAPClient.metadataHeaderFields.map {
        Array($0.uppercased().utf8)
    }

    /// Whether a field name (blanks before the colon allowed) is one identities use, in any case.
    static func isIdentityField(_ bytes: ArraySlice<UInt8>) -> Bool {
        var name = bytes
        while let last = name.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { name.removeLast() }
        return identityFieldNames.contains { candidate in
            candidate.count == name.count
                && zip(candidate, name).allSatisfy { expected, byte in
                    expected == (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 32 : byte)
                }
        }
    }
}
