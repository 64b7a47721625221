import IMAP
import MailferryCore

/// Streams listed messages of the examined mailbox as `MessageBodies`: one pipelined
/// `UID FETCH <set> BODY.PEEK[]`, shared by the source store and the destination's read-only side.
enum IMAPBodyReader {
    static func withBodies<Result: Sendable>(
        of messages: [MessageSummary], client: IMAPClient, _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        let byUID = Dictionary(messages.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
        return try await client.fetchBodies(uids: messages.map(\.uid)) { batch in
            let reader = batch.makeReader()
            return try await consume(
                MessageBodies {
                    // A UID nobody asked for would be a server bug; it is passed over.
                    while let stream = try await reader.next() {
                        guard let summary = byUID[stream.uid] else { continue }
                        let chunks = stream.map { buffer in Array(buffer.readableBytesView) }
                        let body = MessageBody(
                            size: Int64(stream.byteCount), chunks: chunks, native: stream.messageSource)
                        return SourceMessage(summary: summary, body: body)
                    }
                    return nil
                })
        }
    }
}
