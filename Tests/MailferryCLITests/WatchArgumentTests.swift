import Testing

@testable import MailferryCLI

/// `--watch [INTERVAL]`: the interval may be left out.
@Suite struct WatchArgumentTests {
    @Test func aMissingIntervalGetsTheDefault() {
        #expect(WatchArgument.normalized(["status", "job.yaml", "--watch"]) == ["status", "job.yaml", "--watch", "2"])
        #expect(WatchArgument.normalized(["status", "--watch", "job.yaml"]) == ["status", "--watch", "2", "job.yaml"])
        #expect(
            WatchArgument.normalized(["status", "--watch", "0.5", "job.yaml"]) == [
                "status", "--watch", "0.5", "job.yaml",
            ])
        #expect(
            WatchArgument.normalized(["logs", "job.yaml", "--", "--watch"]) == ["logs", "job.yaml", "--", "--watch"])
    }
}
