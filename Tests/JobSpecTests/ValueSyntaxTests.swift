import Testing

@testable import JobSpec

@Suite("Value grammars, suggestions and folder globs")
struct ValueSyntaxTests {
    @Test func editDistance() {
        #expect(Suggestion.editDistance("", "abc") == 3)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("same", "same") == 0)
        #expect(Suggestion.editDistance("tsl", "tls") == 1)
    }

    @Test func suggestionsOnlyForCloseWords() {
        let keys = ["host", "protocol", "ports", "starttls"]
        #expect(Suggestion.closest(to: "protcol", among: keys) == "protocol")
        #expect(Suggestion.closest(to: "PORTS", among: keys) == "ports")
        #expect(Suggestion.closest(to: "zebra", among: keys) == nil)
    }

    @Test func durations() {
        #expect(ValueSyntax.duration("120s") == .seconds(120))
        #expect(ValueSyntax.duration("2m") == .seconds(120))
        #expect(ValueSyntax.duration("250ms") == .milliseconds(250))
        #expect(ValueSyntax.duration("90") == .seconds(90))
        #expect(ValueSyntax.duration("1.5m") == nil)
        #expect(ValueSyntax.duration("m") == nil)
        #expect(ValueSyntax.duration("99999999999999999999h") == nil)
    }

    @Test func sizes() {
        #expect(ValueSyntax.size("35MB") == 35_000_000)
        #expect(ValueSyntax.size("10MiB") == 10_485_760)
        #expect(ValueSyntax.size("500KB") == 500_000)
        #expect(ValueSyntax.size("1 GiB") == 1_073_741_824)
        #expect(ValueSyntax.size("35mb") == nil)
        #expect(ValueSyntax.size("") == nil)
        #expect(ValueSyntax.size("99999999999TiB") == nil)
    }

    @Test func globs() {
        #expect(FolderGlob(pattern: "Junk*").matches("Junk"))
        #expect(FolderGlob(pattern: "Junk*").matches("Junk/Spam/Old"))
        #expect(FolderGlob(pattern: "Archive/Old/*").matches("Archive/Old/2019"))
        #expect(!FolderGlob(pattern: "Archive/Old/*").matches("Archive/Old"))
        #expect(FolderGlob(pattern: "?rash").matches("Trash"))
        #expect(!FolderGlob(pattern: "Trash").matches("Trash/Sub"))
        #expect(FolderGlob(pattern: "*a*b").matches("xaxxb"))
        #expect(!FolderGlob(pattern: "*a*b").matches("xaxxbc"))
    }

    @Test func csvFieldLayout() {
        let layout = CSVFieldLayout(line: "a,\"b,\"\"c\",,d", delimiter: ",")
        #expect(layout.fieldStarts == [1, 3, 11, 12])
        #expect(layout.unterminatedQuoteColumn == nil)
        #expect(CSVFieldLayout(line: "a,\"open", delimiter: ",").unterminatedQuoteColumn == 3)
    }
}
