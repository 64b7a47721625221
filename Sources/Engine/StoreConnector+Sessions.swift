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

    /// Both sessions are opened at once (TLS handshakes and logins overlap); when either fails, the
    /// other is closed again, and the source's error is the one reported when both fail.
    private func openAndRun<Result>(
        _ body: (any SourceStore, any DestinationStore) async throws -> Result
    ) async throws -> Result {
        let openDestination = openDestination
        async let opening: Swift.Result<any DestinationStore, any Error> = {
            do { return .success(try await openDestination()) } catch { return .failure(error) }
        }()
        let source: any SourceStore
        do {
            source = try await openSource()
        } catch {
            if case .success(let destination) = await opening { await destination.close() }
            throw error
        }
        let destination: any DestinationStore
        switch await opening {
        case .success(let opened):
            destination = opened
        case .failure(let error):
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
