import Foundation
import Testing

/// `mailferry init`, run as the built binary.
@Suite struct InitCommandTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailferry-init-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func scaffoldsJobUsersTemplateAndGitignore() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("migration")
        let result = try await MailferryBinary.locate().run(["init", target.path])
        #expect(result.status == 0, "\(result.stderr)")

        let job = try String(contentsOf: target.appendingPathComponent("jobs/example.yaml"), encoding: .utf8)
        #expect(job.hasPrefix("# yaml-language-server: $schema="))
        #expect(job.contains("version: 1"))
        let usersPath = target.appendingPathComponent("users/example.csv").path
        let users = try String(contentsOfFile: usersPath, encoding: .utf8)
        #expect(users.hasPrefix("# "))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: usersPath)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let gitignore = try String(contentsOf: target.appendingPathComponent(".gitignore"), encoding: .utf8)
        let lines = gitignore.split(separator: "\n").map(String.init)
        #expect(lines.contains("users/"))
        #expect(lines.contains(".mailferry/"))
    }

    @Test func scaffoldedJobValidates() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let binary = try MailferryBinary.locate()
        #expect(try await binary.run(["init"], in: folder).status == 0)
        let result = try await binary.run(["validate", "jobs/example.yaml"], in: folder)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func refusesToOverwriteAndWritesNothing() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let existing = folder.appendingPathComponent(".gitignore")
        try Data("keep me\n".utf8).write(to: existing)
        let result = try await MailferryBinary.locate().run(["init", folder.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("refusing to overwrite"))
        #expect(try String(contentsOf: existing, encoding: .utf8) == "keep me\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("jobs/example.yaml").path))
    }
}
