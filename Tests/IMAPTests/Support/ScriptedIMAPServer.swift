import NIOCore
import NIOPosix

/// A local fake IMAP server: sends a greeting, then answers each line the client sends with
/// what `script` returns. For client behaviour that real Dovecot will not show on demand
/// (BYE at odd times, malformed responses, silence, refused literals).
final class ScriptedIMAPServer: Sendable {
    enum Action: Sendable {
        case send(String)
        case close
    }

    private let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start(greeting: String, script: @escaping @Sendable (String) -> [Action]) async throws
        -> ScriptedIMAPServer
    {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineSplitter()))
                    try child.pipeline.syncOperations.addHandler(ScriptHandler(greeting: greeting, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedIMAPServer(channel: channel)
    }

    func stop() async {
        try? await channel.close().get()
    }
}

private struct LineSplitter: ByteToMessageDecoder {
    typealias InboundOut = String
    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")),
            let line = buffer.readBytes(length: newline - buffer.readerIndex + 1)
        else { return .needMoreData }
        // Bytes, not Characters: "\r\n" is a single Character in Swift.
        let text = line.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        context.fireChannelRead(wrapInboundOut(String(decoding: text, as: UTF8.self)))
        return .continue
    }
}

private final class ScriptHandler: ChannelInboundHandler {
    typealias InboundIn = String
    typealias OutboundOut = ByteBuffer
    let greeting: String
    let script: @Sendable (String) -> [ScriptedIMAPServer.Action]

    init(greeting: String, script: @escaping @Sendable (String) -> [ScriptedIMAPServer.Action]) {
        self.greeting = greeting
        self.script = script
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for action in script(unwrapInboundIn(data)) {
            switch action {
            case .send(let text):
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
            case .close:
                context.close(promise: nil)
            }
        }
    }
}
