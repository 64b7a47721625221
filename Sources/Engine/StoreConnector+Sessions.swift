import MailferryCore

extension StoreConnector {
    /// Opens both stores, runs `body`, and closes both whatever happens.
    func withStores<Result>(
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
