import NIOCore
import Synchronization

/// Bridges created by one `connect` call, keyed by channel, so the connected channel's bridge is
/// found without a pipeline lookup (which fails once a failed handshake has closed the channel).
final class BridgeRegistry: Sendable {
    private let bridges = Mutex<[ObjectIdentifier: NIOLoopBound<InboundBridgeHandler>]>([:])

    func register(_ bridge: InboundBridgeHandler, for channel: any Channel) {
        let bound = NIOLoopBound(bridge, eventLoop: channel.eventLoop)
        bridges.withLock { $0[ObjectIdentifier(channel)] = bound }
    }

    func bridge(for channel: any Channel) -> NIOLoopBound<InboundBridgeHandler>? {
        bridges.withLock { $0[ObjectIdentifier(channel)] }
    }
}
