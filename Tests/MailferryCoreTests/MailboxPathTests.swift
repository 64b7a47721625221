import Testing

@testable import MailferryCore

@Suite struct MailboxPathTests {
    @Test func courierNamespaceMapsToPlainPaths() {
        #expect(MailboxPath(serverName: "INBOX.Sent", delimiter: ".", prefix: "INBOX.") == MailboxPath("Sent"))
        #expect(
            MailboxPath(serverName: "INBOX.Archive.2019", delimiter: ".", prefix: "INBOX.")
                == MailboxPath("Archive/2019"))
        #expect(MailboxPath(serverName: "INBOX", delimiter: ".", prefix: "INBOX.") == .inbox)
        #expect(MailboxPath("Archive/2019").serverName(delimiter: ".", prefix: "INBOX.") == "INBOX.Archive.2019")
        #expect(MailboxPath.inbox.serverName(delimiter: ".", prefix: "INBOX.") == "INBOX")
    }

    @Test func inboxIsCaseInsensitiveAndSortsFirst() {
        #expect(MailboxPath("inbox") == .inbox)
        #expect(MailboxPath("Inbox/Sub").components == ["INBOX", "Sub"])
        let sorted = [MailboxPath("A/B"), MailboxPath("A"), MailboxPath("INBOX"), MailboxPath("0")].sorted()
        #expect(sorted.map(\.description) == ["INBOX", "0", "A", "A/B"])
    }

    @Test func ancestorsAndConflicts() {
        #expect(MailboxPath("a/b/c").ancestors.map(\.description) == ["a", "a/b"])
        #expect(MailboxPath("v1.2/x").componentsContaining(".") == ["v1.2"])
        #expect(MailboxPath("a/b").serverName(delimiter: "/", prefix: "") == "a/b")
    }
}

@Suite struct MessageIdentityTests {
    @Test func messageIDPlusSize() {
        let a = MessageIdentity(headers: Array("Message-ID: <x@y>\r\nSubject: hi\r\n\r\n".utf8), size: 10)
        let b = MessageIdentity(headers: Array("message-id:   <x@y>\r\n\r\n".utf8), size: 10)
        let c = MessageIdentity(headers: Array("Message-ID: <x@y>\r\n\r\n".utf8), size: 11)
        #expect(a == b)
        #expect(a != c)
    }

    @Test func fallbackWithoutMessageIDUsesDateFromSubject() {
        let h1 = Array("Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nFrom: a@b\r\nSubject: Hello\r\n world\r\n\r\n".utf8)
        let h2 = Array("From: a@b\r\nSubject: Hello world\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n".utf8)
        let h3 = Array("From: a@b\r\nSubject: Other\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n\r\n".utf8)
        #expect(MessageIdentity(headers: h1, size: 5) == MessageIdentity(headers: h2, size: 5))
        #expect(MessageIdentity(headers: h1, size: 5) != MessageIdentity(headers: h3, size: 5))
        #expect(MessageIdentity(headers: h1, size: 5).key.hasPrefix("hdr:"))
    }

    @Test func headerFieldsUnfoldAndStopAtBody() {
        let fields = HeaderFields(
            parsing: Array("Received: one\r\nReceived: two\r\n\tcontinued\r\n\r\nBody: no\r\n".utf8))
        #expect(fields.values(of: "received") == ["one", "two continued"])
        #expect(fields.value(of: "body") == nil)
    }
}

@Suite struct InternalDateTests {
    @Test func dayConversionRoundTrips() throws {
        for text in ["1970-01-01", "2000-02-29", "2024-12-31", "1969-12-31", "2100-03-01"] {
            let day = try #require(CalendarDay(parsing: text))
            let start = InternalDate.startOfDay(day)
            #expect(InternalDate(secondsSince1970: start).utcDay == day)
            #expect(InternalDate(secondsSince1970: start + 86_399).utcDay == day)
        }
        #expect(InternalDate.startOfDay(try #require(CalendarDay(parsing: "2024-01-01"))) == 1_704_067_200)
        #expect(CalendarDay(parsing: "2023-02-29") == nil)
    }
}

@Suite struct SourceRouteTests {
    @Test func autoTriesImplicitTLSFirstAndLeavesOutDisabledPorts() {
        var server = SourceServer(host: "mail.old.example")
        #expect(server.route.inbox.map(\.protocolName) == ["pop3s", "pop3"])
        #expect(server.route.folders.map(\.protocolName) == ["imap4s", "imap4"])
        server.ports.pop3 = 0
        server.ports.pop3s = 0
        #expect(server.route.inbox.map(\.protocolName) == ["imap4s", "imap4"])
        server.ports = .init(imap4: 0, imap4s: 0, pop3: 110, pop3s: 0)
        #expect(server.route.inbox.map(\.port) == [110])
        #expect(server.route.folders.isEmpty)
        #expect(
            SourceEndpoint(kind: .imap, host: "::1", port: 993, security: .implicitTLS).description
                == "imap4s://[::1]:993 (tls)")
    }
}
