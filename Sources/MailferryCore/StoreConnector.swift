

/// Opens (and logs in to) one user's stores. Each retry opens fresh connections.
public struct StoreConnector: Sendable {
    public var openSource: @Sendable () async throws -> any SourceStore
    public var openDestination: @Sendable () async throws -> any DestinationStore

    public init(
        openSource: @escaping @Sendable () async throws -> any SourceStore,
        openDestination: @escaping @Sendable () async throws -> any DestinationStore
    ) {
        self.openSource = openSource
        self.openDestination = openDestination
    }
}
