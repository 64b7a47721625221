import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A tiny local server for transport tests: one behaviour per accepted connection.
final class ScriptedServer: Sendable {
    enum Behaviour: Sendable {
        /// Sends `greeting`, then echoes every line; closes after the line "QUIT".
        case echo(greeting: String)
        /// Accepts and never sends anything.
        case silent
        /// Sends `count` bytes as fast as the socket allows, recording how many the kernel took.
        case flood(count: Int, progress: ByteCounter)
        /// Sends a greeting; on the line "STARTTLS" answers "OK\r\n" and starts TLS, then echoes.
        case startTLS(greeting: String, tls: NIOSSLContext)
    }

    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start(
        host: String = "127.0.0.1", behaviour: Behaviour, implicitTLS: NIOSSLContext? = nil
    ) async throws -> ScriptedServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    let sync = child.pipeline.syncOperations
                    if let implicitTLS {
                        try sync.addHandler(NIOSSLServerHandler(context: implicitTLS))
                    }
                    try sync.addHandler(ByteToMessageHandler(LineDecoder()))
                    try sync.addHandler(ScriptHandler(behaviour: behaviour))
                }
            }
            .bind(host: host, port: 0).get()
        return ScriptedServer(channel: channel)
    }

    func stop() async {
        try? await channel.close().get()
    }
}

/// Counts bytes across threads.
final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ count: Int) { lock.withLock { total += count } }
    var value: Int { lock.withLock { total } }
}

private struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = newline - buffer.readerIndex + 1
        if let line = buffer.readSlice(length: length) {
            context.fireChannelRead(wrapInboundOut(line))
        }
        return .continue
    }
}

private final class ScriptHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    let behaviour: ScriptedServer.Behaviour

    init(behaviour: ScriptedServer.Behaviour) { self.behaviour = behaviour }

    func channelActive(context: ChannelHandlerContext) {
        switch behaviour {
        case .echo(let greeting), .startTLS(let greeting, _):
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil)
        case .silent:
            break
        case .flood(let count, let progress):
            flood(context: context, remaining: count, progress: progress)
        }
        context.fireChannelActive()
    }

    private func flood(context: ChannelHandlerContext, remaining: Int, progress: ByteCounter) {
        guard remaining > 0 else { return }
        let size = min(remaining, 64 * 1024)
        let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: size)
        let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(chunk)).whenSuccess {
            progress.add(size)
            handler.value.flood(context: loopContext.value, remaining: remaining - size, progress: progress)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let text = String(buffer: line).trimmingCharacters(in: .newlines)
        if case .startTLS(_, let tls) = behaviour, text == "STARTTLS" {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "OK\r\n")), promise: nil)
            try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
            return
        }
        if text == "QUIT" {
            let loopContext = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "BYE\r\n"))).whenComplete { _ in
                loopContext.value.close(promise: nil)
            }
            return
        }
        context.writeAndFlush(wrapOutboundOut(line), promise: nil)
    }
}
