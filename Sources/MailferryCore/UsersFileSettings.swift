/// Where the users file is and how to read it.
public struct UsersFileSettings: Sendable, Hashable {
    /// As written in the job file (relative to it).
    public var path: String
    /// Resolved against the job file's folder.
    public var resolvedPath: String
    public var delimiter: Character
    /// Appended as `@domain` to local users given without "@".
    public var destinationDomain: String?

    public init(path: String, resolvedPath: String, delimiter: Character = ",", destinationDomain: String? = nil) {
        self.path = path
        self.resolvedPath = resolvedPath
        self.delimiter = delimiter
        self.destinationDomain = destinationDomain
    }
}
