import Testing

@testable import Ledger

@Suite struct LogFileNameTests {
    @Test func ordinaryAddressesStayReadable() {
        #expect(LogFileName.fileName(for: "alice@example.com") == "alice@example.com.log")
        #expect(LogFileName.fileName(for: "first.last+tag_x-y@example.co.uk") == "first.last+tag_x-y@example.co.uk.log")
    }

    @Test func everythingElseIsPercentEncoded() {
        #expect(LogFileName.stem(for: "a/b") == "a%2Fb")
        #expect(LogFileName.stem(for: "a b") == "a%20b")
        #expect(LogFileName.stem(for: "100%") == "100%25")
        #expect(LogFileName.stem(for: "ü") == "%C3%BC")
        #expect(LogFileName.stem(for: "a\\b:c*?") == "a%5Cb%3Ac%2A%3F")
    }

    @Test func dotsNeverMakeADotNameOrAHiddenFile() {
        #expect(LogFileName.stem(for: ".") == "%2E")
        #expect(LogFileName.stem(for: "..") == "%2E.")
        #expect(LogFileName.stem(for: "../x") == "%2E.%2Fx")
        #expect(LogFileName.stem(for: ".hidden") == "%2Ehidden")
        #expect(LogFileName.stem(for: "a..b") == "a..b")
        #expect(LogFileName.stem(for: "") == "~")
    }

    @Test func distinctUsersGetDistinctNames() {
        let users = [
            "a/b", "a%2Fb", "a_b", "", "~", ".", "%2E", "..", "A", "a", "x" + String(repeating: "y", count: 300),
        ]
        let names = users.map(LogFileName.stem(for:))
        #expect(Set(names).count == users.count)
    }

    @Test func longNamesAreShortenedWithAHash() {
        let long = String(repeating: "ü", count: 200) + "@example.com"
        let other = String(repeating: "ü", count: 200) + "@example.org"
        let stem = LogFileName.stem(for: long)

        #expect(stem.utf8.count <= LogFileName.maximumLength)
        #expect(stem != LogFileName.stem(for: other))
        #expect(stem.contains("~"))
        let beforeHash = stem.split(separator: "~")[0]
        #expect(!beforeHash.hasSuffix("%") && !beforeHash.dropLast().hasSuffix("%"), "no cut %XX sequence")
    }
}
