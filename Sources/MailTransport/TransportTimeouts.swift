import NIOCore

/// Limits that keep a dead or silent server from hanging a migration.
public struct TransportTimeouts: Sendable, Equatable {
    /// TCP connect; also bounds each TLS handshake.
    public var connect: TimeAmount
    /// Longest silence from the server while we wait for bytes (or for it to accept ours).
    public var idle: TimeAmount

    public init(connect: TimeAmount = .seconds(30), idle: TimeAmount = .seconds(120)) {
        self.connect = connect
        self.idle = idle
    }
}
