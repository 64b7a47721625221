/// Runs `operation` over `items` with at most `limit` running at once.
public enum BoundedConcurrency {
    /// The results in the items' order.
    public static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], limit: Int, _ operation: @escaping @Sendable (Item) async -> Output
    ) async -> [Output] {
        var results = [Output?](repeating: nil, count: items.count)
        await forEach(items, limit: limit, operation) { index, output in results[index] = output }
        return results.compactMap { $0 }
    }

    /// Hands each result to `receive` with its item's index as soon as it is ready (in any order), on
    /// the calling task, so that the caller can keep what it needs of each result and let the rest go.
    /// When `receive` throws, the operations still running are cancelled and awaited, then the error is
    /// thrown.
    public static func forEach<Item: Sendable, Output: Sendable, Failure: Error>(
        _ items: [Item], limit: Int, _ operation: @escaping @Sendable (Item) async -> Output,
        receive: (Int, Output) throws(Failure) -> Void
    ) async throws(Failure) {
        guard !items.isEmpty else { return }
        var failure: Failure?
        await withTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            for _ in 0..<min(max(limit, 1), items.count) {
                let index = next
                group.addTask { (index, await operation(items[index])) }
                next += 1
            }
            for await (index, output) in group {
                do throws(Failure) {
                    try receive(index, output)
                } catch {
                    failure = error
                    group.cancelAll()
                    break
                }
                if next < items.count {
                    let index = next
                    group.addTask { (index, await operation(items[index])) }
                    next += 1
                }
            }
        }
        if let failure { throw failure }
    }
}
