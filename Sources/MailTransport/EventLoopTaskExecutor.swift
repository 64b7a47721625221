import NIOCore

/// Runs Swift tasks on one NIO event loop, so that a task that prefers it (`withTaskExecutorPreference`)
/// handles the bytes its connections on that loop receive without a hop to another thread.
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    public let eventLoop: any EventLoop

    public init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
