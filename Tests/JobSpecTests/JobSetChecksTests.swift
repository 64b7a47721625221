import Foundation
import JobSpec
import MailferryCore
import Testing

@Suite("JobSetChecks: several job files")
struct JobSetChecksTests {
    @Test func duplicateNamesAreErrorsAtTheLaterName() throws {
        let first = try JobFixture(job: Jobs.validIMAP)
        let second = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "name: test-job", with: "name: ‸test-job"))
        let third = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "name: test-job", with: "name: other-job"))
        defer { [first, second, third].forEach { $0.remove() } }
        let diagnostics = JobSetChecks.uniqueNames([first.load(), second.load(), third.load()])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .error)
        #expect(diagnostics.first?.location == second.jobMark(0))
        #expect(diagnostics.first?.message.contains("job name 'test-job' is already used by \(first.jobPath)") == true)
    }

    @Test func namesOfInvalidJobsCountToo() throws {
        let broken = try JobFixture(job: Jobs.validIMAP + "\noptions: { concurrency: 0 }\n")
        let good = try JobFixture(
            job: Jobs.validIMAP.replacingOccurrences(of: "name: test-job", with: "name: ‸test-job"))
        defer { [broken, good].forEach { $0.remove() } }
        let brokenResult = broken.load()
        #expect(brokenResult.job == nil)
        #expect(brokenResult.jobName == "test-job")
        let diagnostics = JobSetChecks.uniqueNames([brokenResult, good.load()])
        #expect(diagnostics.map(\.location) == [good.jobMark(0)])
    }

    @Test func sameFileTwiceCollidesOnItsDerivedName() throws {
        let fixture = try JobFixture(job: Jobs.validIMAP.replacingOccurrences(of: "name: test-job\n", with: ""))
        defer { fixture.remove() }
        let diagnostics = JobSetChecks.uniqueNames([fixture.load(), fixture.load()])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.location == Location(file: fixture.jobPath, line: 1, column: 1))
    }

    @Test func distinctNamesPass() throws {
        let a = try JobFixture(job: Jobs.validIMAP)
        let b = try JobFixture(job: Jobs.validIMAP.replacingOccurrences(of: "name: test-job\n", with: ""))
        defer { [a, b].forEach { $0.remove() } }
        #expect(JobSetChecks.uniqueNames([a.load(), b.load()]).isEmpty)
    }
}
