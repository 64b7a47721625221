import Testing

@testable import MailStores

@Suite struct POP3SourceStoreTests {
    @Test func stateDigestFollowsTheSetOfUIDLs() {
        let digest = POP3SourceStore.digest(of:)
        #expect(digest(["a", "b", "c"]) == digest(["c", "a", "b"]), "order of listing does not matter")
        #expect(digest(["a", "b", "c"]) != digest(["a", "b", "d"]), "a delete plus an add with the same count")
        #expect(digest(["ab", "c"]) != digest(["a", "bc"]), "UIDLs are delimited")
        #expect(digest([]) != digest([""]))
        // Stable across processes: a fixed value, not Swift's seeded Hasher.
        #expect(digest(["00000001572fa5f5"]) == 0x401c_6b8b_2843_ade5)  // FNV-1a of "00000001572fa5f5\n"
    }
}
