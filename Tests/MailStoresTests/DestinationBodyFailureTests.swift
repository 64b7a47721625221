import Foundation
import IMAP
import MailTransport
import MailferryCore
import TestSupport
import Testing

@testable import MailStores

/// When the source connection is cut while its body streams into an APPEND, the APPEND is
/// abandoned without storing a partial message, and the error is the source's (a disconnect, so
/// retried and blamed on the source), not a protocol error of the destination.
@Suite struct DestinationBodyFailureTests {
    @Test func bodyFailureMidAppendIsTheBodysErrorAndStoresNothing() async throws {
        let server = try await DovecotServer.start(.init(users: [("alice", "alicepw")], pop3: false))
        try await DovecotServer.stopping([server]) {
            let configuration = IMAPClientConfiguration(
                host: server.host, port: server.imapsPort, security: .implicitTLS,
                tls: TLSOptions(caFile: server.caFile))
            let client = try await IMAPClient.connect(configuration)
            try await client.login(user: "alice", password: "alicepw")
            let store = IMAPDestinationStore(client: client, serverName: "new:993")

            let chunks = AsyncThrowingStream<[UInt8], any Error> { continuation in
                continuation.yield(Array("Subject: cut\r\n\r\n".utf8) + [UInt8](repeating: 0x61, count: 50_000))
                continuation.finish(throwing: IMAPError.transport(.disconnected))
            }
            let message = MessageSummary(
                uid: 1, sourceKey: "1:1", size: 200_000, internalDate: InternalDate(secondsSince1970: 1_700_000_000),
                flags: MessageFlags(["\\Seen"]), identity: MessageIdentity(key: "cut"))
            await #expect(throws: IMAPError.transport(.disconnected)) {
                _ = try await store.append(
                    message, body: MessageBody(size: 200_000, chunks: chunks), to: MailboxPath("INBOX"))
            }
            await store.close()

            let reading = try await IMAPClient.connect(configuration)
            try await reading.login(user: "alice", password: "alicepw")
            #expect(try await reading.status("INBOX").messages == 0)
            try await reading.logout()
        }
    }
}
