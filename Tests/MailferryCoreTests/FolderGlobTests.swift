import Testing

@testable import MailferryCore

@Suite struct FolderGlobTests {
    @Test func skipGlobsMatchAcrossHierarchy() {
        #expect(FolderGlob("Junk*").matches("Junk"))
        #expect(FolderGlob("Junk*").matches("Junk E-mail"))
        #expect(FolderGlob("Archive/Old/*").matches("Archive/Old/2019/Q1"))
        #expect(!FolderGlob("Archive/Old/*").matches("Archive/Old"))
        #expect(FolderGlob("?rash").matches("Trash"))
        #expect(!FolderGlob("Trash").matches("Trash/Sub"))
        #expect(FolderGlob("*a*b*c*").matches("xxaxxbxxc"))
        #expect(!FolderGlob("*a*b*c*").matches("xxaxxcxxb"))
        #expect(FolderGlob("Junk*").matches("Junk/Spam/Old"))
        #expect(!FolderGlob("*a*b").matches("xaxxbc"))
    }
}
