/// The source and destination sessions that `withStores` opens together, so that stores whose
/// sessions take places at connection caps take them in one order: the destination's place only
/// after the source's. Both sessions open at once, and each taking its place first deadlocked a job
/// with both sides capped: one mailbox held the destination's last place and waited for the
/// source's, while others held every source place and waited for the destination's. In one order no
/// mailbox waits for a place while holding one that a mailbox ahead of it needs. A session opened
/// on its own (no pairing in the task) takes its place at once.
public actor SessionPairing {
    /// The pairing of the sessions being opened in this task, if any.
    @TaskLocal public static var current: SessionPairing?

    private var sourcePlaced = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// The pair's source session has its places, or gave up before taking them.
    public func sourceIsPlaced() {
        sourcePlaced = true
        let waiting = waiting
        self.waiting.removeAll()
        for continuation in waiting { continuation.resume() }
    }

    /// Waits until the pair's source session has its places.
    public func waitForSource() async {
        guard !sourcePlaced else { return }
        await withCheckedContinuation { waiting.append($0) }
    }
}
