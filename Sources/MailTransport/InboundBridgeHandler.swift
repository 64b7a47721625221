import NIOCore
import NIOSSL
import NIOTLS  // TLSUserEvent; a dependency of NIOSSL

/// Hands inbound bytes to one async reader at a time, with backpressure and timeouts.
///
/// Lives on the channel's event loop; `MailConnection` reaches it through `NIOLoopBound`.
/// Backpressure works like NIO's `BackPressureHandler`: while more than `highWatermark` bytes
/// wait for the reader, outbound `read()` calls are held, so the kernel buffer fills and TCP
/// flow control slows the server down.
final class InboundBridgeHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    typealias ReadContinuation = CheckedContinuation<Result<ByteBuffer?, TransportError>, Never>
    typealias VoidContinuation = CheckedContinuation<Result<Void, TransportError>, Never>

    private struct Waiter {
        var continuation: ReadContinuation
        var timer: Scheduled<Void>?
    }

    private let highWatermark: Int
    private let idleTimeout: TimeAmount
    private let errorMapping: TransportErrorMapping
    private var context: ChannelHandlerContext?
    private var buffered = CircularBuffer<ByteBuffer>()
    private var bufferedBytes = 0
    private var readHeld = false
    /// Set once: end of stream (`nil`) or the error that ended the connection.
    private var terminal: Result<ByteBuffer?, TransportError>?
    private var waiter: Waiter?
    private var handshake: (continuation: VoidContinuation, timer: Scheduled<Void>?)?
    private(set) var isSecure = false

    init(highWatermark: Int, idleTimeout: TimeAmount, errorMapping: TransportErrorMapping) {
        self.highWatermark = highWatermark
        self.idleTimeout = idleTimeout
        self.errorMapping = errorMapping
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let received = unwrapInboundIn(data)
        guard received.readableBytes > 0 else { return }
        // NIOSSL decrypts into one buffer that it reuses for the next read. Holding on to that
        // buffer would make the next read copy its whole capacity (copy-on-write) into a fresh
        // allocation; perf showed that as the largest client cost of a copy. A right-sized copy of
        // just the bytes received leaves NIOSSL's buffer free to be reused in place.
        var bytes = context.channel.allocator.buffer(capacity: received.readableBytes)
        bytes.writeImmutableBuffer(received)
        if var pending = waiter {
            waiter = nil
            pending.timer?.cancel()
            pending.timer = nil
            pending.continuation.resume(returning: .success(bytes))
        } else {
            buffered.append(bytes)
            bufferedBytes += bytes.readableBytes
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.success(nil))
        failHandshake(.disconnected)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let mapped = errorMapping.map(error)
        failHandshake(mapped)
        finish(mapped == .disconnected ? .success(nil) : .failure(mapped))
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            isSecure = true
            if let pending = handshake {
                handshake = nil
                pending.timer?.cancel()
                pending.continuation.resume(returning: .success(()))
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func read(context: ChannelHandlerContext) {
        if bufferedBytes >= highWatermark {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: Calls from MailConnection (on the event loop)

    /// Delivers the next chunk, end of stream, or the error; waits at most the idle timeout,
    /// and no later than `deadline` when one is given.
    func nextChunk(deadline: NIODeadline?, continuation: ReadContinuation) {
        if let chunk = buffered.popFirst() {
            bufferedBytes -= chunk.readableBytes
            releaseHeldRead()
            continuation.resume(returning: .success(chunk))
            return
        }
        if let terminal {
            continuation.resume(returning: terminal)
            return
        }
        guard waiter == nil, let context else {
            continuation.resume(returning: .failure(.io("concurrent reads on one connection")))
            return
        }
        let idleDeadline = NIODeadline.now() + idleTimeout
        let (fireAt, phase): (NIODeadline, TimeoutPhase) =
            if let deadline, deadline < idleDeadline { (deadline, .command) } else { (idleDeadline, .read) }
        let timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: fireAt) {
            self.timeOut(phase)
        }
        waiter = Waiter(continuation: continuation, timer: timer)
    }

    /// Writes all buffers, flushes once, and resumes when the kernel took them (write backpressure).
    func write(_ buffers: [ByteBuffer], continuation: VoidContinuation) {
        guard let context else {
            continuation.resume(returning: .failure(.disconnected))
            return
        }
        if case .failure(let error) = terminal {
            continuation.resume(returning: .failure(error))
            return
        }
        let loop = context.eventLoop.assumeIsolated()
        let timer = loop.scheduleTask(in: idleTimeout) { self.timeOut(.write) }
        let promise = context.eventLoop.makePromise(of: Void.self)
        for (index, buffer) in buffers.enumerated() {
            context.write(wrapOutboundOut(buffer), promise: index == buffers.count - 1 ? promise : nil)
        }
        if buffers.isEmpty { promise.succeed() }
        context.flush()
        promise.futureResult.assumeIsolated().whenComplete { result in
            timer.cancel()
            switch result {
            case .success:
                continuation.resume(returning: .success(()))
            case .failure(let error):
                if case .failure(let ended) = self.terminal {
                    continuation.resume(returning: .failure(ended))
                } else {
                    continuation.resume(returning: .failure(self.errorMapping.map(error)))
                }
            }
        }
    }

    /// Whether bytes are waiting that arrived in clear text; after STARTTLS/STLS was accepted
    /// they would be an injection (CVE-2011-0411 class) and must not be read as protected data.
    var hasUnreadBytes: Bool { bufferedBytes > 0 }

    /// Waits for the TLS handshake started by an `NIOSSLClientHandler` in front of this handler.
    func awaitHandshake(timeout: TimeAmount, continuation: VoidContinuation) {
        if isSecure {
            continuation.resume(returning: .success(()))
            return
        }
        if let terminal {
            if case .failure(let error) = terminal {
                continuation.resume(returning: .failure(error))
            } else {
                continuation.resume(returning: .failure(.disconnected))
            }
            return
        }
        guard let context else {
            continuation.resume(returning: .failure(.disconnected))
            return
        }
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.failHandshake(.timedOut(.tlsHandshake))
            self.context?.close(promise: nil)
        }
        handshake = (continuation, timer)
    }

    /// Ends a waiting read (task cancelled); the stream position is lost, so the link is closed.
    func cancelRead() {
        finish(.failure(.cancelled))
        context?.close(promise: nil)
    }

    // MARK: Helpers

    private func timeOut(_ phase: TimeoutPhase) {
        finish(.failure(.timedOut(phase)))
        context?.close(promise: nil)
    }

    private func finish(_ result: Result<ByteBuffer?, TransportError>) {
        if terminal == nil { terminal = result }
        if let pending = waiter, let terminal {
            waiter = nil
            pending.timer?.cancel()
            // Buffered data is always delivered before the end; a waiter implies none is left.
            pending.continuation.resume(returning: terminal)
        }
    }

    private func failHandshake(_ error: TransportError) {
        guard let pending = handshake else { return }
        handshake = nil
        pending.timer?.cancel()
        pending.continuation.resume(returning: .failure(error))
    }

    private func releaseHeldRead() {
        if readHeld, bufferedBytes < highWatermark, let context {
            readHeld = false
            context.read()
        }
    }
}
