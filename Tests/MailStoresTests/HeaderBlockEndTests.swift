import Testing

@testable import MailStores

@Suite struct HeaderBlockEndTests {
    @Test func findsTheEmptyLineWithEitherLineEnd() {
        #expect(HeaderBlockEnd.index(in: Array("A: 1\r\nB: 2\r\n\r\nbody".utf8)) == 14)
        #expect(HeaderBlockEnd.index(in: Array("A: 1\nB: 2\n\nbody".utf8)) == 11)
        #expect(HeaderBlockEnd.index(in: Array("A: 1\n\r\nbody".utf8)) == 7)
        #expect(HeaderBlockEnd.index(in: Array("A: 1\r\nB: 2\r\n".utf8)) == nil, "no end yet")
        #expect(HeaderBlockEnd.index(in: []) == nil)
    }

    /// A message that begins with its empty line has no header fields (as `TOP n 0` sends it); the
    /// Maildir reader used to search on and take the body's first paragraph as its header.
    @Test func aMessageBeginningWithItsEmptyLineHasNoHeader() {
        #expect(HeaderBlockEnd.index(in: Array("\r\nbody\r\n\r\nmore".utf8)) == 2)
        #expect(HeaderBlockEnd.index(in: Array("\nbody\n\nmore".utf8)) == 1)
    }

    /// Read in pieces: each search starts two bytes before where the last one stopped, so an empty
    /// line split across pieces is found, and only at the start does a leading empty line count.
    @Test(arguments: 1...8)
    func piecesFindWhatTheWholeFinds(piece: Int) {
        let message = Array("Subject: x\r\nFrom: y\r\n\r\nbody\r\n".utf8)
        var read: [UInt8] = []
        var searchFrom = 0
        var found: Int?
        while found == nil, read.count < message.count {
            read += message[read.count..<min(read.count + piece, message.count)]
            found = HeaderBlockEnd.index(in: read, from: searchFrom)
            searchFrom = max(0, read.count - 2)
        }
        #expect(found == HeaderBlockEnd.index(in: message))
        #expect(found == 23)
    }
}
