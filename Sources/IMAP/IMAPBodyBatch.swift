/// The bodies of a multi-message `UID FETCH … BODY.PEEK[]`, one after another.
/// Only valid inside the closure given to `IMAPClient.fetchBodies`; each body only until the next.
public struct IMAPBodyBatch: Sendable {
    let client: IMAPClient
    /// Nil for an empty request: no command was sent.
    let token: CommandToken?
    /// The requested UIDs, ascending.
    let requested: [UInt32]

    /// A reader that hands out the bodies in order.
    public final class Reader: @unchecked Sendable {
        // Used by one task at a time (the caller of `next()`), as an iterator is.
        private let batch: IMAPBodyBatch
        private var ordinal = 0
        private var lastUID: UInt32 = 0
        private var finished = false

        init(_ batch: IMAPBodyBatch) { self.batch = batch }

        /// The next body, or nil when the server delivered all it had.
        public func next() async throws -> IMAPBodyStream? {
            guard !finished, let token = batch.token else { return nil }
            let fallbackUID = batch.requested.first { $0 > lastUID } ?? 0
            guard let body = try await batch.client.nextBody(token, after: ordinal, fallbackUID: fallbackUID) else {
                finished = true
                return nil
            }
            ordinal = body.ordinal
            lastUID = body.uid
            return body
        }
    }

    public func makeReader() -> Reader { Reader(self) }
}
