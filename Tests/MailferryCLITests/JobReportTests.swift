import Testing

@testable import MailferryCLI

@Suite struct JobReportTests {
    @Test func aLongLogKeepsItsEndFromALineStart() {
        let line = String(repeating: "x", count: 99) + "\n"
        let log = String(repeating: line, count: JobReport.logLimit / 100 + 10) + "last line\n"
        let tail = JobReport.tail(of: log, job: "job.yaml", user: "alice")
        #expect(tail.hasPrefix("[the first "))
        #expect(tail.contains("`mailferry logs job.yaml alice` prints the whole log]\n" + line))
        #expect(tail.hasSuffix(line + "last line\n"))
        #expect(tail.utf8.count <= JobReport.logLimit + 200)
        #expect(JobReport.tail(of: "short\n", job: "job.yaml", user: "alice") == "short\n")
    }
}
