import Foundation
import NIOCore
import Synchronization
import TestSupport
import Testing

@testable import IMAP

/// `IMAPClientConfiguration.literalBytesSent`: each chunk of an APPEND literal is written on its own
/// and reported once the kernel took it, so that an observer (the crash-test aid) knows exactly how
/// much of the message is on the wire.
@Suite(.timeLimit(.minutes(2))) struct IMAPLiteralProgressTests {
    final class Reports: Sendable {
        private let list = Mutex<[[Int]]>([])
        func add(_ sent: Int, _ total: Int) { list.withLock { $0.append([sent, total]) } }
        var all: [[Int]] { list.withLock { $0 } }
    }

    @Test func reportsTheLiteralBytesSentAfterEachChunk() async throws {
        try await DovecotSession.withServer { server in
            let reports = Reports()
            var configuration = DovecotSession.configuration(server, security: .implicitTLS)
            configuration.literalBytesSent = { sent, total in reports.add(sent, total) }
            let client = try await IMAPClient.connect(configuration)
            try await client.login(user: "alice", password: "alicepw")

            let header = "From: a@example.org\r\nSubject: progress\r\nMessage-ID: <progress@example.org>\r\n\r\n"
            let pieces = [header, String(repeating: "x", count: 70_000) + "\r\n", "end\r\n"].map {
                ByteBuffer(string: $0)
            }
            let total = pieces.reduce(0) { $0 + $1.readableBytes }
            let queue = Mutex(pieces[...])
            let source = IMAPMessageSource(byteCount: total) { queue.withLock { $0.popFirst() } }
            let appended = try await client.append(to: "INBOX", messages: [IMAPAppendMessage(source: source)])
            #expect(appended.uids.count == 1)

            let first = pieces[0].readableBytes
            let second = first + pieces[1].readableBytes
            #expect(reports.all == [[first, total], [second, total], [total, total]])
            #expect(try await client.status("INBOX").messages == 1)
            try await client.logout()
        }
    }
}
