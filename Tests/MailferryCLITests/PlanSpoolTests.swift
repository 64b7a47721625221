import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

/// `plan` renders each user as soon as it is planned and keeps the pieces in an unnamed temporary
/// file (`PieceSpool`), then prints them in the plan's order (`PlanOutput`).
@Suite struct PlanSpoolTests {
    @Test func piecesStoredInAnyOrderComeBackInTheItemsOrder() throws {
        let directory = try Self.emptyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try PieceSpool(count: 4, slots: 2, directory: directory)
        let pieces = ["zero", "", "two: Zoë\n  ]", "three"]
        // Item 1's piece is empty, item 3 has none in slot 1; slot 0 is stored last to first.
        for index in [3, 2, 1, 0] { try spool.store(pieces[index], at: index, slot: 0) }
        for index in [0, 1, 2] { try spool.store("slot 1 of \(index)", at: index, slot: 1) }
        // Unnamed: nothing in the folder, even while the spool is open.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [])
        #expect(try spool.pieces(slot: 0) == pieces)
        #expect(try spool.pieces(slot: 1) == ["slot 1 of 0", "slot 1 of 1", "slot 1 of 2"])
        #expect(try spool.pieces(slot: 0, prefix: 2) == ["zero", ""])
        #expect(spool.lengths(slot: 0) == [4, 0, 13, 5])
        #expect(spool.lengths(slot: 1) == [11, 11, 11, nil])
    }

    /// A piece larger than a part (a mailbox's manifest) comes back in parts that end at a line's end,
    /// or, in a piece without one, at a character's end: none holds a character cut in two.
    @Test func aLargePieceComesBackInPartsOfWholeCharacters() throws {
        let directory = try Self.emptyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let spool = try PieceSpool(count: 2, slots: 1, directory: directory)
        // Lines of 2-, 3- and 4-byte characters, so that a part's size limit falls inside one; the
        // second piece has no line break at all.
        let line = "Zoë 日本 🎉 " + String(repeating: "é", count: 997) + "\n"
        let lines = String(repeating: line, count: 2 * PieceSpool.partSize / line.utf8.count + 7)
        let unbroken = String(repeating: "日🎉é", count: PieceSpool.partSize / 9 + 5)
        try spool.store("{", at: 0, slot: 0)
        try spool.appendToLastPiece(lines)
        try spool.appendToLastPiece("}")
        try spool.store(unbroken, at: 1, slot: 0)
        var parts: [(part: String, startsPiece: Bool)] = []
        try spool.forEachPart(slot: 0) { parts.append(($0, $1)) }
        #expect(parts.count > 4)
        #expect(parts.allSatisfy { !$0.part.contains("\u{FFFD}") && $0.part.utf8.count <= PieceSpool.partSize })
        let second = try #require(parts.firstIndex { $0.startsPiece && $0.part.hasPrefix("日") })
        #expect(parts[0].startsPiece && parts.filter(\.startsPiece).count == 2)
        #expect(parts[..<second].map(\.part).joined() == "{" + lines + "}")
        #expect(parts[..<(second - 1)].allSatisfy { $0.part.hasSuffix("\n") })
        #expect(parts[second...].map(\.part).joined() == unbroken)
        #expect(spool.lengths(slot: 0) == [lines.utf8.count + 2, unbroken.utf8.count])
    }

    @Test func aFolderThatCannotHoldTheSpoolIsNamedInTheError() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("mailferry-no-such-\(UUID())")
        #expect {
            _ = try PieceSpool(count: 1, slots: 1, directory: missing)
        } throws: { error in
            let message = (error as? CLIError)?.userMessage ?? ""
            return message.hasPrefix("cannot keep each user's output in a temporary file in \(missing.path):")
                && message.hasSuffix("set TMPDIR to a writable folder with free space")
        }
    }

    /// Every format prints what the renderers give for the whole plan, with users planned in any
    /// order, a piece at a time.
    @Test func everyFormatPrintsTheWholePlanAUserAtATime() throws {
        var plan = PlanSamples.fullPlan
        plan.users = PlanJSONTests.awkwardUsers()
        plan.summary = PlanSummary(users: plan.users)
        var head = plan
        head.users = []
        let expected: [PlanFormat: String] = [
            .text: TextPlanRenderer(colors: false).render(plan),
            .markdown: MarkdownPlanRenderer().render(plan),
            .json: try StableJSON.encode(plan),
        ]
        for format in [PlanFormat.text, .markdown, .json] {
            var text = ""
            var pieces = 0
            let output = try PlanOutput(format: format, outputFile: nil, users: plan.users.count, colors: false) {
                text += $0
                pieces += 1
            }
            for (index, user) in plan.users.enumerated().reversed() { try output.store(user, at: index) }
            try output.emit(head)
            #expect(text == expected[format], "\(format)")
            // Markdown has no end piece (its summary table is in the header); JSON's opening goes out
            // with the first user.
            #expect(pieces == plan.users.count + (format == .text ? 2 : 1), "\(format)")
        }
    }

    /// A comment too long for GitHub leaves out the users after the first that does not fit.
    @Test func markdownLeavesOutTheUsersThatDoNotFit() throws {
        let plan = PlanSamples.fullPlan
        var head = plan
        head.users = []
        var renderer = MarkdownPlanRenderer()
        renderer.limit =
            renderer.header(plan).utf8.count + renderer.section(plan.users[0]).utf8.count
            + renderer.truncationNote(plan.users.count - 1).utf8.count
        let lengths = plan.users.map { renderer.section($0).utf8.count }
        #expect(renderer.sectionsThatFit(headerLength: renderer.header(plan).utf8.count, sectionLengths: lengths) == 1)
        #expect(renderer.render(plan).hasSuffix(renderer.truncationNote(plan.users.count - 1)))
        // `PlanOutput` prints the same, from its spool.
        var text = ""
        let output = try PlanOutput(format: .markdown, outputFile: nil, users: plan.users.count, colors: false) {
            text += $0
        }
        output.markdown = renderer
        for (index, user) in plan.users.enumerated().reversed() { try output.store(user, at: index) }
        try output.emit(head)
        #expect(text == renderer.render(plan))
    }

    /// An error while `--out` is written leaves the file as it was and no temporary file.
    @Test func aFailedPlanFileKeepsTheOldOne() throws {
        struct Interrupted: Error {}
        let directory = try Self.emptyDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("plan.json").path
        try AtomicFileWriter.write("old\n", to: path)
        #expect(throws: Interrupted.self) {
            try AtomicFileWriter.write(to: path) { output in
                try output("{\n")
                throw Interrupted()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["plan.json"])
        try AtomicFileWriter.write(to: path) { output in
            try output("new")
            try output("\n")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
    }

    static func emptyDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailferry-spool-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        return directory
    }
}

extension PieceSpool {
    /// The pieces whole, from their parts.
    func pieces(slot: Int, prefix: Int = .max) throws -> [String] {
        var pieces: [String] = []
        try forEachPart(slot: slot, prefix: prefix) { part, startsPiece in
            if startsPiece { pieces.append(part) } else { pieces[pieces.count - 1] += part }
        }
        return pieces
    }
}
