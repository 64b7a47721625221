import Foundation
import Testing

#if os(Linux)
    /// Colors appear on a terminal only, and never with NO_COLOR: run through util-linux `script`,
    /// which gives the child a pseudo-terminal (BSD `script` on macOS takes other options).
    @Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script"))
    struct TerminalColorTests {
        private func runOnTerminal(_ command: String, environment: [String: String]) async throws -> String {
            try await TerminalRun.run(command, environment: environment)
        }

        private func quoted(_ text: String) -> String { TerminalRun.quoted(text) }

        @Test func diagnosticsAreColoredOnATerminalUnlessNoColorIsSet() async throws {
            let fixture = try JobFixture(job: ValidateCommandTests.brokenJob)
            defer { fixture.remove() }
            let binary = try MailferryBinary.locate()
            let command = "\(quoted(binary.url.path)) validate \(quoted(fixture.jobPath))"
            let colored = try await runOnTerminal(command, environment: [:])
            #expect(colored.contains("\u{1B}[1;31merror:\u{1B}[0m"))
            let plain = try await runOnTerminal(command, environment: ["NO_COLOR": "1"])
            #expect(plain.contains(": error: "))
            #expect(!plain.contains("\u{1B}["))
        }

        @Test func statusRowsAreColoredByStateOnATerminal() async throws {
            let fixture = try JobFixture(users: StatusCommandTests.usersWithDave)
            defer { fixture.remove() }
            try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
            let binary = try MailferryBinary.locate()
            let command = "\(quoted(binary.url.path)) status \(quoted(fixture.jobPath))"
            let colored = try await runOnTerminal(command, environment: [:])
            #expect(colored.contains("\u{1B}[1;32malice "), "done is green")
            #expect(colored.contains("\u{1B}[1;33mbob "), "partial is yellow")
            #expect(colored.contains("\u{1B}[1;31mcarol@old.example "), "failed is red")
            #expect(colored.contains("\u{1B}[90mdave "), "not started is grey")
            let plain = try await runOnTerminal(command, environment: ["NO_COLOR": "1"])
            #expect(plain.contains("dave "))
            #expect(!plain.contains("\u{1B}["))
        }

        @Test func applyRedrawsProgressOnATerminal() async throws {
            let fixture = try JobFixture(job: JobFixture.unreachableJob)
            defer { fixture.remove() }
            let binary = try MailferryBinary.locate()
            let command = "\(quoted(binary.url.path)) apply \(quoted(fixture.jobPath))"
            let output = try await runOnTerminal(command, environment: JobFixture.environment)
            #expect(output.contains("apply: "), "the status block")
            #expect(output.contains("\u{1B}[J"), "the block is cleared before it is redrawn")
            #expect(output.contains("users finished"))
        }
    }
#endif
