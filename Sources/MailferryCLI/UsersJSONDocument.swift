/// A JSON document whose last key is its `users` array (`status`, `apply` and `report`), written a
/// user at a time (`StableJSON.write`), so that the whole document is never in memory.
protocol UsersJSONDocument: Encodable {
    associatedtype UserEntries: Sequence where UserEntries.Element: Encodable
    /// Names the document in the error should its users not be its last key.
    static var documentName: String { get }
    /// False for the document's head: its `users` array is then encoded empty.
    var listsUsers: Bool { get set }
    /// The `users` array's elements.
    var userEntries: UserEntries { get }
}

extension UsersJSONDocument {
    /// The document in pieces, a user at a time: the same bytes as `StableJSON.encode(self)`.
    func write(to output: (String) throws -> Void) throws {
        var head = self
        head.listsUsers = false
        try StableJSON.write(head, endingWith: "users", elements: userEntries, document: Self.documentName, to: output)
    }
}
