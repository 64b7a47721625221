/// A `folders.skip` pattern: `*` matches any run of characters (including "/"), `?` exactly one.
/// Matched against source names written with "/" as the hierarchy separator. Shared by the validator
/// (a translation whose source is skipped) and the folder mapper, so both agree.
public struct FolderGlob: Sendable, Hashable {
    public let pattern: String
    private let characters: [Character]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.characters = Array(pattern)
    }

    public func matches(_ name: String) -> Bool {
        let text = Array(name)
        // Iterative wildcard matching with backtracking to the last `*` (linear in practice).
        var p = 0
        var t = 0
        var starP = -1
        var starT = 0
        while t < text.count {
            if p < characters.count, characters[p] == "?" || characters[p] == text[t] {
                p += 1
                t += 1
            } else if p < characters.count, characters[p] == "*" {
                starP = p
                starT = t
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < characters.count, characters[p] == "*" { p += 1 }
        return p == characters.count
    }
}
