import Foundation
import MailferryCore
import Testing

@testable import MailferryCLI

@Suite struct TextPlanRendererTests {
    @Test func marksActionsAndUnreachableUsers() {
        let text = TextPlanRenderer(colors: false).render(PlanSamples.fullPlan)
        #expect(text.contains("  # alice -> alice@new.example (ready)\n"))
        #expect(text.contains("    ~ INBOX -> INBOX  (new messages; 3 to copy, 4.0 KiB; 1 flag updates; 10 present)\n"))
        #expect(text.contains("    + Sent Items -> Sent  (translate; 2 to copy, 1.9 MiB; 1 left out)\n"))
        #expect(text.contains("      Archive -> Archive  (up to date; 5 present)\n"))
        #expect(text.contains("    - Trash  (skip rule)\n"))
        #expect(text.contains("! bob -> bob@new.example (unreachable)\n    login failed: authentication rejected\n"))
        #expect(!text.contains("\u{1B}["))
    }

    @Test func summaryLineCountsEveryAction() {
        let text = TextPlanRenderer(colors: false).render(PlanSamples.fullPlan)
        #expect(
            text.hasSuffix(
                "Plan: 2 users (1 unreachable), 1 to create, 1 to update, 1 unchanged, 1 to skip; "
                    + "5 messages (1.9 MiB) to copy, 1 flag updates.\n"))
    }

    @Test func offlinePlanSaysNoServerWasContacted() {
        let job = PlanSamples.job()
        let plan = OfflinePlanner(job: job).planned(accounts: job.accounts, digest: "d")
        let text = TextPlanRenderer(colors: false).render(plan)
        #expect(text.contains("Offline: no server was contacted."))
        #expect(text.contains("      INBOX via   pop3s://mail.old.example:995 (tls)\n"))
        #expect(text.contains("      folders via imap4s://mail.old.example:993 (tls)\n"))
    }
}
