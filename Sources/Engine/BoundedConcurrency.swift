/// Runs `operation` over `items` with at most `limit` running at once; results keep the items' order.
public enum BoundedConcurrency {
    public static func map<Item: Sendable, Output: Sendable>(
        _ items: [Item], limit: Int, _ operation: @escaping @Sendable (Item) async -> Output
    ) async -> [Output] {
        guard !items.isEmpty else { return [] }
        var results = [Output?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Output).self) { group in
            var next = 0
            for _ in 0..<min(max(limit, 1), items.count) {
                let index = next
                group.addTask { (index, await operation(items[index])) }
                next += 1
            }
            for await (index, output) in group {
                results[index] = output
                if next < items.count {
                    let index = next
                    group.addTask { (index, await operation(items[index])) }
                    next += 1
                }
            }
        }
        return results.compactMap { $0 }
    }
}
