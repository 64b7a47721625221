import MailferryCore

extension StoreConnector {
    /// Opens both stores, runs `body`, and closes both whatever happens; all of it inside the
    /// connector's affinity when it has one.
    func withStores<Result>(
        _ body: (any SourceStore, any DestinationStore) async throws -> Result
    ) async throws -> Result {
        guard let affinity else { return try await openAndRun(body) }
        return try await affinity.run { try await openAndRun(body) }
    }

    private func openAndRun<Result>(
        _ body: (any SourceStore, any DestinationStore) async throws -> Result
    ) async throws -> Result {
        let source = try await openSource()
        let destination: any DestinationStore
        do {
            destination = try await openDestination()
        } catch {
            await source.close()
            throw error
        }
        do {
            let result = try await body(source, destination)
            await source.close()
            await destination.close()
            return result
        } catch {
            await source.close()
            await destination.close()
            throw error
        }
    }
}
