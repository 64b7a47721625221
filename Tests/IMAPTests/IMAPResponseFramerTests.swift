import IMAP
import NIOCore
import Testing

@Suite("IMAP response framer")
struct IMAPResponseFramerTests {
    /// Frames `input` fed in `chunks`, merging adjacent literal byte chunks.
    private func frames(_ chunks: [[UInt8]], limits: IMAPLimits = IMAPLimits()) throws -> [IMAPFrame] {
        var framer = IMAPResponseFramer(limits: limits)
        var result: [IMAPFrame] = []
        for chunk in chunks {
            framer.append(ByteBuffer(bytes: chunk))
            while let frame = try framer.nextFrame() {
                if case .literalBytes(var bytes) = frame, case .literalBytes(var previous) = result.last {
                    previous.writeBuffer(&bytes)
                    result[result.count - 1] = .literalBytes(previous)
                } else {
                    result.append(frame)
                }
            }
        }
        return result
    }

    @Test func linesAndLiteralsInEveryChunking() throws {
        let input = Array("* 1 FETCH (BODY[] {12}\r\nab\r\n{3}\r\n)\r\n UID 7)\r\nA1 OK {0}\r\n done\r\n".utf8)
        let expected: [IMAPFrame] = [
            .lineSegment(ByteBuffer(string: "* 1 FETCH (BODY[] ")),
            .literalBegin(byteCount: 12),
            .literalBytes(ByteBuffer(string: "ab\r\n{3}\r\n)\r\n")),
            .literalEnd,
            .lineEnd(ByteBuffer(string: " UID 7)")),
            .lineSegment(ByteBuffer(string: "A1 OK ")),
            .literalBegin(byteCount: 0),
            .literalEnd,
            .lineEnd(ByteBuffer(string: " done")),
        ]
        for (name, chunks) in SplitFeeding.chunkings(of: input) {
            #expect(try frames(chunks) == expected, "\(name)")
        }
    }

    @Test func nonSynchronizingAndLiteral8MarkersAreLiterals() throws {
        let parsed = try frames([Array("* X {2+}\r\nhi ~{1}\r\nz\r\n".utf8)])
        #expect(
            parsed == [
                .lineSegment(ByteBuffer(string: "* X ")), .literalBegin(byteCount: 2),
                .literalBytes(ByteBuffer(string: "hi")), .literalEnd,
                .lineSegment(ByteBuffer(string: " ")), .literalBegin(byteCount: 1),
                .literalBytes(ByteBuffer(string: "z")), .literalEnd, .lineEnd(ByteBuffer()),
            ])
    }

    @Test func bracesThatAreNotAMarkerStayText() throws {
        #expect(
            try frames([Array("* OK {abc}\r\n* OK {}\r\n* OK {+}\r\n".utf8)]) == [
                .lineEnd(ByteBuffer(string: "* OK {abc}")), .lineEnd(ByteBuffer(string: "* OK {}")),
                .lineEnd(ByteBuffer(string: "* OK {+}")),
            ])
    }

    @Test func incompleteInputAsksForMore() throws {
        var framer = IMAPResponseFramer()
        framer.append(ByteBuffer(string: "* 1 EXISTS\r"))
        #expect(try framer.nextFrame() == nil)
        #expect(framer.hasPartialInput)
        framer.append(ByteBuffer(string: "\n"))
        #expect(try framer.nextFrame() == .lineEnd(ByteBuffer(string: "* 1 EXISTS")))
        #expect(try framer.nextFrame() == nil)
    }
}
