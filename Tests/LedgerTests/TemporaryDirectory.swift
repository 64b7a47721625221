import Foundation

/// A fresh directory under /dev/shm (tmpfs, fast) or the system temporary folder, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() throws {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        path = (base as NSString).appendingPathComponent("ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path inside that does not exist yet.
    func child(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A fixed, whole-second instant so that stored times compare equal.
func instant(_ seconds: TimeInterval) -> Date { Date(timeIntervalSince1970: 1_795_000_000 + seconds) }
