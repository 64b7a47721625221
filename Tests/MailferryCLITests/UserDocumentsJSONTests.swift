import Foundation
import Testing

@testable import MailferryCLI

/// `status`, `apply` and `report` write their JSON a user at a time; each must give the very bytes
/// JSONEncoder gives for the whole document, which docs/outputs.md and the schemas describe.
@Suite struct UserDocumentsJSONTests {
    @Test func aUserAtATimeGivesTheWholeEncodersBytes() throws {
        let fixture = try JobFixture()
        defer { fixture.remove() }
        try LedgerSamples.writeFinishedRun(in: fixture.stateDirectory)
        let loaded = try LoadedJob.load(fixture.jobPath, showWarnings: false)
        let report = try JobReport.load(
            loaded, stateDirectory: fixture.stateDirectory, now: Date(timeIntervalSince1970: 1_800_000_100))
        #expect(report.users.count == 3)
        var empty = report
        empty.users = []
        for report in [report, empty] {
            try Self.expectPieces(ReportDocument(report: report), users: report.users.count) { document, output in
                try document.write(to: output)
            }
            let rows = report.rows
            let status = StatusCommand.StatusDocument(
                job: loaded.job, directory: fixture.stateDirectory, folders: [fixture.stateDirectory], shard: nil,
                inProgress: nil, rows: rows)
            try Self.expectPieces(status, users: rows.count) { document, output in try document.write(to: output) }
            let apply = ApplyCommand.ApplyDocument(job: loaded.job, run: 1, outcome: .partial, rows: rows)
            try Self.expectPieces(apply, users: rows.count) { document, output in try document.write(to: output) }
        }
    }

    /// The pieces joined are the whole encoding; one piece per user and one for the end.
    static func expectPieces<Document: Encodable>(
        _ document: Document, users: Int, sourceLocation: SourceLocation = #_sourceLocation,
        write: (Document, (String) throws -> Void) throws -> Void
    ) throws {
        var pieces: [String] = []
        try write(document) { pieces.append($0) }
        #expect(pieces.joined() == (try StableJSON.encode(document)), sourceLocation: sourceLocation)
        #expect(pieces.count == users + 1, sourceLocation: sourceLocation)
    }

    /// The heading, then one piece per row, each one whole line (UserReportTableRendererTests check
    /// the lines themselves).
    @Test func theTableIsWrittenALineAtATime() throws {
        let rows = UserReportTableRendererTests.rows
        var lines: [String] = []
        UserReportTableRenderer(colors: false).render(rows) { lines.append($0) }
        #expect(lines.count == rows.count + 1)
        #expect(lines.allSatisfy { $0.hasSuffix("\n") && !$0.dropLast().contains("\n") })
        #expect(lines.dropFirst().map { $0.prefix { $0 != " " } } == rows.map { Substring($0.sourceUser) })
    }
}
