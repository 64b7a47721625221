/// How many users `verify` found in each state, counted as users are verified, so that the summary
/// (which the JSON puts before the users) needs no user kept.
struct VerificationTally: Sendable, Equatable {
    private(set) var users = 0
    private var counts: [UserVerification.State: Int] = [:]

    init() {}

    init(_ users: [UserVerification]) {
        for user in users { add(user.state) }
    }

    mutating func add(_ state: UserVerification.State) {
        users += 1
        counts[state, default: 0] += 1
    }

    subscript(state: UserVerification.State) -> Int { counts[state] ?? 0 }

    /// Every user complete (also when there is none).
    var isComplete: Bool { self[.complete] == users }
}
