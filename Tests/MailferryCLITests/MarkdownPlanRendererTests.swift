import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

@Suite struct MarkdownPlanRendererTests {
    @Test func summaryTableComesBeforeCollapsibleUserSections() throws {
        let markdown = MarkdownPlanRenderer().render(PlanSamples.fullPlan)
        let table = try #require(markdown.range(of: "| users | unreachable |"))
        let firstSection = try #require(markdown.range(of: "<details><summary>"))
        #expect(table.lowerBound < firstSection.lowerBound)
        #expect(markdown.contains("| 2 | 1 | 1 | 1 | 1 | 1 | 5 | 1.9 MiB |"))
        #expect(
            markdown.contains(
                "<details><summary>! <code>bob</code> → <code>bob@new.example</code> (unreachable, 0 folder rows)</summary>"
            ))
        #expect(markdown.contains("| `-` | `Trash` |  | skip | skip rule |"))
        #expect(markdown.components(separatedBy: "</details>").count == 3)
    }

    @Test func escapesPipesAndHTML() {
        var plan = PlanSamples.fullPlan
        plan.users[0].sourceUser = "<al&ice>"
        plan.users[0].folders[0].source = "A|B"
        let markdown = MarkdownPlanRenderer().render(plan)
        #expect(markdown.contains("<code>&lt;al&amp;ice&gt;</code>"))
        #expect(markdown.contains("`A\\|B`"))
    }

    @Test func staysUnderTheLimitAndSaysHowManyUsersWereLeftOut() {
        let job = PlanSamples.job()
        let accounts = (0..<3000).map { index in
            Account(
                sourceUser: "user\(index)@old.example", sourcePassword: Secret("x"), localUser: "user\(index)",
                localPassword: nil, destinationUser: "user\(index)@new.example", line: index + 1)
        }
        let plan = OfflinePlanner(job: job).planned(accounts: accounts, digest: "d")
        let markdown = MarkdownPlanRenderer().render(plan)
        #expect(markdown.utf8.count <= MarkdownPlanRenderer.defaultLimit)
        let shown = markdown.components(separatedBy: "<details>").count - 1
        #expect(shown > 0)
        #expect(shown < 3000)
        #expect(markdown.contains("**\(3000 - shown) users left out**"))
        #expect(markdown.contains("mailferry plan --format json"))
    }

    @Test func tightLimitStillEndsWithTheNote() {
        let job = PlanSamples.job()
        let plan = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d")
        let full = MarkdownPlanRenderer().render(plan)
        var renderer = MarkdownPlanRenderer()
        renderer.limit = full.utf8.count - 1
        let cut = renderer.render(plan)
        #expect(cut.utf8.count <= renderer.limit)
        #expect(cut.contains("**1 user left out**"))
        #expect(!full.contains("left out"))
    }
}
