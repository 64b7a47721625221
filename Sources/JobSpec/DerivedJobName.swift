import Foundation
import MailferryCore

/// The name of a job whose file gives none: decimal digits of a SHA-256 of the job file's absolute,
/// standardized path, so that every run of the same file finds the same state directory.
enum DerivedJobName {
    static func name(forAbsolutePath path: String) -> String {
        let digest = SHA256Hasher.hexDigest(of: Array(path.utf8))
        // 60 bits keep the name short (at most 19 digits) and collisions practically impossible.
        let value = UInt64(digest.prefix(15), radix: 16) ?? 0
        return String(value)
    }
}
