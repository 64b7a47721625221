/// Makes one mailbox's sessions take their places at the job's connection gates in one order: the
/// destination's place only after the source's. `withStores` opens both sessions at once, and
/// two sessions each taking their place first deadlocked a job with both sides capped: one mailbox
/// held the destination's last place and waited for the source's, while others held every source
/// place and waited for the destination's. In one order no mailbox waits for a place while holding
/// one that a mailbox ahead of it needs.
actor GateOrder {
    /// Source sessions of this mailbox that have taken their places so far.
    private var sourcesPlaced = 0
    /// Destination sessions of this mailbox asked for so far.
    private var destinationsAsked = 0
    private var waiting: [(session: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// The mailbox's next source session has its places at the source's gate.
    func sourcePlaced() {
        sourcesPlaced += 1
        let ready = waiting.filter { $0.session <= sourcesPlaced }
        waiting.removeAll { $0.session <= sourcesPlaced }
        for entry in ready { entry.continuation.resume() }
    }

    /// Waits until the source session opened with this destination session (the same turn of
    /// `withStores`, which opens one of each) has its places.
    func waitForSource() async {
        destinationsAsked += 1
        let session = destinationsAsked
        guard session > sourcesPlaced else { return }
        await withCheckedContinuation { waiting.append((session, $0)) }
    }
}
