import MailTransport
import MailferryCore
import NIOCore

/// Keeps one mailbox's connections and the tasks that drive them on one event loop thread: bytes
/// that arrive are parsed and passed on by the thread that read them, instead of waking a thread
/// of the shared pool for every read and write. Mailboxes are spread over the loops.
struct EventLoopAffinity: ExecutionAffinity {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop = MailConnection.defaultEventLoopGroup.next()) {
        self.eventLoop = eventLoop
    }

    func run<Result>(_ operation: () async throws -> Result) async throws -> Result {
        let executor = EventLoopTaskExecutor(eventLoop)
        return try await MailConnection.$preferredEventLoop.withValue(eventLoop) {
            try await withTaskExecutorPreference(executor) { try await operation() }
        }
    }
}
