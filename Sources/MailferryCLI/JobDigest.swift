import Foundation
import MailferryCore

/// What a plan records about the files it was made from, so that `apply --plan` can refuse a
/// stale plan: sha256 over the job file's bytes, one 0 byte, and the users file's bytes (hex).
enum JobDigest {
    static func digest(jobFile: [UInt8], usersFile: [UInt8]) -> String {
        var hasher = SHA256Hasher()
        hasher.update(jobFile)
        hasher.update([0])
        hasher.update(usersFile)
        return hasher.hexDigest()
    }

    static func digest(jobFilePath: String, usersFilePath: String) throws(CLIError) -> String {
        guard let job = FileManager.default.contents(atPath: jobFilePath) else { throw .cannotRead(jobFilePath) }
        guard let users = FileManager.default.contents(atPath: usersFilePath) else {
            throw .cannotRead(usersFilePath)
        }
        return digest(jobFile: Array(job), usersFile: Array(users))
    }
}
