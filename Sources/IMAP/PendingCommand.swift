import NIOCore

/// Book-keeping for one command in flight; lives inside the `IMAPClient` actor.
final class PendingCommand {
    let tag: String
    let name: String
    let deadline: NIODeadline?
    /// Claims untagged responses for this command; the first in-flight command that accepts one gets it.
    let accepts: (IMAPUntaggedResponse) -> Bool
    /// Whether this command asked for a streamed body (`UID FETCH … BODY.PEEK[]`).
    let streamsBody: Bool

    var untagged: [IMAPUntaggedResponse] = []
    /// When set, the untagged responses this command claims go here as they arrive instead of into
    /// `untagged`, so that a listing of a huge mailbox is never held whole.
    var consume: ((IMAPUntaggedResponse) -> Void)?
    var completion: IMAPTaggedResponse?
    var continuationText: String?
    var awaitingContinuation = false
    /// The body being streamed (or last streamed): its size, its UID when known, whether it ended.
    var bodyByteCount: Int?
    var bodyUID: UInt32?
    var bodyFinished = false
    /// Bodies begun so far; a multi-message `UID FETCH` streams several, one after another.
    var bodiesBegun = 0

    init(
        tag: String, name: String, deadline: NIODeadline?, streamsBody: Bool,
        accepts: @escaping (IMAPUntaggedResponse) -> Bool
    ) {
        self.tag = tag
        self.name = name
        self.deadline = deadline
        self.streamsBody = streamsBody
        self.accepts = accepts
    }
}
