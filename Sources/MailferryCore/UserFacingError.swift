/// An error that carries the message an admin should read: what happened and what to do.
/// Every error that can reach the command line conforms; the CLI prints `userMessage` as is.
public protocol UserFacingError: Error, Sendable {
    var userMessage: String { get }
}
