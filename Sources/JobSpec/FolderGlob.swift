/// `folders.skip` patterns: `*` matches any run of characters including "/", `?` exactly one.
struct FolderGlob: Sendable {
    let pattern: String

    func matches(_ name: String) -> Bool {
        let p = Array(pattern.unicodeScalars)
        let s = Array(name.unicodeScalars)
        var pi = 0
        var si = 0
        var starPattern = -1
        var starName = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || p[pi] == s[si], p[pi] != "*" {
                pi += 1
                si += 1
            } else if pi < p.count, p[pi] == "*" {
                starPattern = pi
                starName = si
                pi += 1
            } else if starPattern >= 0 {
                pi = starPattern + 1
                starName += 1
                si = starName
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
