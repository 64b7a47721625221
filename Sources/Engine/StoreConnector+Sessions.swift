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

    /// Opens both sessions, runs `body` on them, and closes both whatever happens.
    private func openAndRun<Result>(
        _ body: (any SourceStore, any DestinationStore) async throws -> Result
    ) async throws -> Result {
        let (source, destination) = try await SessionPairing.$current.withValue(SessionPairing()) {
            try await openBoth()
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

    /// Both sessions are opened at once (TLS handshakes and logins overlap) as one
    /// `SessionPairing`: capped stores take the destination's place after the source's. When either
    /// fails, the other is closed again, and the source's error is the one reported when both fail.
    private func openBoth() async throws -> (any SourceStore, any DestinationStore) {
        let pairing = SessionPairing.current
        let openDestination = openDestination
        async let opening: Swift.Result<any DestinationStore, any Error> = {
            do { return .success(try await openDestination()) } catch { return .failure(error) }
        }()
        let source: any SourceStore
        do {
            source = try await openSource()
        } catch {
            // A source that failed before or after taking its places lets the destination go on.
            await pairing?.sourceIsPlaced()
            if case .success(let destination) = await opening { await destination.close() }
            throw error
        }
        await pairing?.sourceIsPlaced()  // for stores that take no places and so never said so
        switch await opening {
        case .success(let destination):
            return (source, destination)
        case .failure(let error):
            await source.close()
            throw error
        }
    }
}
