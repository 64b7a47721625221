import Engine
import MailferryCore

/// One selected user's `verify` outcome: what was found, or why nothing could be checked.
struct UserVerification: Sendable {
    enum State: String, Sendable, CaseIterable {
        /// Every source message within the job's filters has an equal copy; nothing extra.
        case complete
        /// Missing, different or extra messages were found.
        case differences
        /// The mailboxes could not be read (login failed, unreachable, ...).
        case error
    }

    var sourceUser: String
    var destinationUser: String
    var outcome: Result<MailboxVerification, VerificationFailure>
    /// Every message's manifest entry, where the JSON manifest is written: the verification itself
    /// then holds only the checks that are not present.
    var entries: ManifestEntrySpool? = nil

    struct VerificationFailure: Error, Sendable {
        var message: String
    }

    var state: State {
        switch outcome {
        case .success(let verification): return verification.isComplete ? .complete : .differences
        case .failure: return .error
        }
    }

    var verification: MailboxVerification? { try? outcome.get() }

    var errorMessage: String? {
        if case .failure(let failure) = outcome { return failure.message }
        return nil
    }
}
