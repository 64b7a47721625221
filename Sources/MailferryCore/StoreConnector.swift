/// Opens (and logs in to) one user's stores. Each retry opens fresh connections.
public struct StoreConnector: Sendable {
    public var openSource: @Sendable () async throws -> any SourceStore
    public var openDestination: @Sendable () async throws -> any DestinationStore
    /// Where the sessions opened by this connector should run; nil: anywhere.
    public var affinity: (any ExecutionAffinity)?

    public init(
        openSource: @escaping @Sendable () async throws -> any SourceStore,
        openDestination: @escaping @Sendable () async throws -> any DestinationStore,
        affinity: (any ExecutionAffinity)? = nil
    ) {
        self.openSource = openSource
        self.openDestination = openDestination
        self.affinity = affinity
    }
}
