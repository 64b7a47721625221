import ArgumentParser
import Foundation
import Ledger
import Testing

@testable import MailferryCLI

@Suite struct UserReportTableRendererTests {
    static let rows = [
        UserReportRow(
            sourceUser: "alice", destinationUser: "alice@new.example", state: .done, run: 1,
            counts: UserCounts(
                foldersDone: 3, foldersTotal: 3, messagesCopied: 120, messagesPresent: 3, bytesCopied: 4_404_019),
            startedAt: nil, finishedAt: nil, durationSeconds: 3.1, lastError: nil,
            lastCompletedAt: Date(timeIntervalSince1970: 1_796_058_060)),
        UserReportRow(
            sourceUser: "bob", destinationUser: "bob@new.example", state: .failed, run: 1, counts: .zero,
            startedAt: nil, finishedAt: nil, durationSeconds: 0.2, lastError: "login failed\nsecond line"),
        .notStarted(sourceUser: "carol", destinationUser: "carol@new.example"),
    ]

    @Test func alignsColumnsAndKeepsEachRowOnOneLine() {
        let text = UserReportTableRenderer(colors: false).render(Self.rows)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("SOURCE USER  DESTINATION USER   STATE        FOLDERS  COPIED"))
        #expect(lines[1].hasPrefix("alice        alice@new.example  done             3/3     120"))
        #expect(lines[1].contains("3.1 s  2026-11-30 17:01Z"), "\(lines[1])")
        #expect(lines[2].hasSuffix("0.2 s  -                  login failed second line"), "\(lines[2])")
        #expect(lines[3].hasPrefix("carol        carol@new.example  not started        -       -"))
        #expect(!text.contains("\u{1B}["))
    }

    @Test func colorsWholeRowsByState() {
        let text = UserReportTableRenderer(colors: true).render(Self.rows)
        #expect(text.contains("\u{1B}[1;32malice "))
        #expect(text.contains("\u{1B}[1;31mbob "))
        #expect(text.contains("\u{1B}[90mcarol "))
    }

    @Test func summaryCountsStatesInOrder() {
        #expect(
            UserReportTableRenderer.summaryLine(Self.rows)
                == "3 users: 1 done, 1 failed, 1 not started; 120 messages (4.2 MiB) copied.")
    }

    @Test func runOutcomeFollowsTheUsers() {
        #expect(ApplyCommand.outcome(of: [Self.rows[0]]) == .completed)
        #expect(ApplyCommand.outcome(of: [Self.rows[1]]) == .failed)
        #expect(ApplyCommand.outcome(of: Array(Self.rows.prefix(2))) == .partial)
    }

    @Test func durations() {
        #expect(DurationText.format(seconds: 3.14) == "3.1 s")
        #expect(DurationText.format(seconds: 245) == "4 min 05 s")
        #expect(DurationText.format(seconds: 7620) == "2 h 07 min")
        #expect(DurationText.format(.milliseconds(1500)) == "1.5 s")
    }
}

/// A user paused by a used-up daily budget: its STATE says until when, and apply's exit status is 4
/// only when no other user failed.
@Suite struct PausedUserTests {
    static func row(_ user: String, _ state: UserState, resumeAt: Date? = nil) -> UserReportRow {
        UserReportRow(
            sourceUser: user, destinationUser: user, state: state, run: 1, counts: .zero, startedAt: nil,
            finishedAt: nil, durationSeconds: 1, lastError: nil, resumeAt: resumeAt)
    }

    @Test func theTableSaysUntilWhen() {
        let text = UserReportTableRenderer(colors: false).render([
            Self.row("alice", .paused, resumeAt: Date(timeIntervalSince1970: 1_800_086_400))
        ])
        #expect(text.contains("  paused until 2027-01-16 08:00Z  "), "\(text)")
    }

    @Test func exitStatusFourOnlyWhenEveryUserIsDoneOrPaused() {
        let resume = Date(timeIntervalSince1970: 1_800_086_400)
        #expect(throws: Never.self) { try ApplyCommand.exitStatus(of: [Self.row("a", .done)]) }
        #expect(throws: ExitCode(4)) {
            try ApplyCommand.exitStatus(of: [Self.row("a", .done), Self.row("b", .paused, resumeAt: resume)])
        }
        #expect(throws: ExitCode(3)) {
            try ApplyCommand.exitStatus(of: [Self.row("a", .failed), Self.row("b", .paused, resumeAt: resume)])
        }
    }
}
