import MailferryCore
import POP3
import Testing

@testable import MailStores

@Suite struct ThrottleSignalTests {
    @Test func exchangeHintIsReadInMilliseconds() {
        let error = ThrottleSignal.throttle(
            code: nil, text: "Request is throttled. Suggested Backoff Time: 299961 milliseconds", server: "outlook")
        #expect(
            error
                == .throttled(
                    server: "outlook", reason: "Request is throttled. Suggested Backoff Time: 299961 milliseconds",
                    retryAfter: .milliseconds(299_961)))
    }

    @Test func imapCodesAndConnectionLimitsAreThrottles() {
        #expect(
            ThrottleSignal.throttle(code: "THROTTLED", text: "slow down", server: "s")
                == .throttled(server: "s", reason: "[THROTTLED] slow down", retryAfter: nil))
        #expect(ThrottleSignal.throttle(code: "UNAVAILABLE", text: "try later", server: "s") != nil)
        #expect(ThrottleSignal.throttle(code: nil, text: "Too many simultaneous connections (15)", server: "s") != nil)
        #expect(ThrottleSignal.throttle(code: "ALERT", text: "Mailbox is full", server: "s") == nil)
        #expect(ThrottleSignal.throttle(code: nil, text: "Invalid credentials", server: "s") == nil)
    }

    @Test func pop3ResponseCodesAreThrottles() {
        #expect(
            ThrottleSignal.throttle(pop3Text: "[LOGIN-DELAY] wait 300 seconds", server: "p")
                == .throttled(server: "p", reason: "[LOGIN-DELAY] wait 300 seconds", retryAfter: nil))
        #expect(ThrottleSignal.throttle(pop3Text: "[IN-USE] mailbox locked", server: "p") != nil)
        #expect(ThrottleSignal.throttle(pop3Text: "[AUTH] bad password", server: "p") == nil)
    }

    @Test func mappingsTurnRefusalsIntoThrottles() {
        let pop3 = POP3ErrorMapping.storeError(
            POP3Error.loginFailed(serverText: "[IN-USE] Do you have another POP session running?"), server: "p")
        guard case .throttled = pop3 else {
            Issue.record("expected a throttle, got \(pop3)")
            return
        }
        let login = POP3ErrorMapping.storeError(
            POP3Error.loginFailed(serverText: "[AUTH] Authentication failed."), server: "p")
        #expect(login == .loginFailed(server: "p", reason: "[AUTH] Authentication failed."))
    }
}
