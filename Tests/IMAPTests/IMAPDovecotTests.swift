import Foundation
import MailTransport
import NIOCore
import TestSupport
import Testing

@testable import IMAP

@Suite("IMAP client against a real Dovecot", .timeLimit(.minutes(5)))
struct IMAPDovecotTests {
    private func message(_ subject: String, body: String = "Hello.\r\n") -> ByteBuffer {
        ByteBuffer(
            string: "From: a@example.org\r\nTo: b@example.org\r\nSubject: \(subject)\r\n"
                + "Message-ID: <\(subject.filter(\.isLetter))@example.org>\r\nDate: Fri, 7 Jul 2023 02:44:25 -0700\r\n\r\n\(body)"
        )
    }

    private func collect(_ client: IMAPClient, uid: UInt32) async throws -> ByteBuffer? {
        try await client.fetchBody(uid: uid) { stream in
            var collected = ByteBuffer()
            for try await var chunk in stream { collected.writeBuffer(&chunk) }
            #expect(collected.readableBytes == stream.byteCount)
            return collected
        }
    }

    @Test func plainLoginWhenAllowed() async throws {
        try await DovecotSession.withServer { server in
            let client = try await IMAPClient.connect(
                DovecotSession.configuration(
                    server, security: .plain(starttls: .never), allowPlaintextLogin: true))
            #expect(await client.isSecure == false)
            try await client.login(user: "alice", password: "alicepw")
            #expect(await client.state == .authenticated)
            let serverID = try await client.id()
            #expect(serverID["name"] == "Dovecot")
            let mailboxes = try await client.listMailboxes()
            #expect(mailboxes.contains { $0.name == "INBOX" })
            try await client.logout()
            #expect(await client.state == .loggedOut)
        }
    }

    @Test func credentialsAreNotSentInTheClearByDefault() async throws {
        try await DovecotSession.withServer { server in
            let client = try await IMAPClient.connect(
                DovecotSession.configuration(
                    server, security: .plain(starttls: .never)))
            await #expect(throws: IMAPError.plaintextLoginRefused) {
                try await client.login(user: "alice", password: "alicepw")
            }
            await #expect(throws: IMAPError.plaintextLoginRefused) {
                try await client.authenticatePlain(authenticationIdentity: "alice", password: "alicepw")
            }
        }
    }

    @Test func startTLSUpgradesAndReReadsCapabilities() async throws {
        try await DovecotSession.withServer { server in
            let client = try await IMAPClient.connect(
                DovecotSession.configuration(
                    server, security: .plain(starttls: .required)))
            #expect(await client.isSecure)
            #expect(await client.hasCapability("STARTTLS") == false)
            try await client.login(user: "alice", password: "alicepw")
            #expect(await client.hasCapability("UIDPLUS"))
            try await client.logout()
        }
    }

    @Test func implicitTLSLogin() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            #expect(await client.isSecure)
            let status = try await client.status("INBOX")
            #expect(status.messages == 0)
            #expect(status.uidValidity != nil)
            #expect(status.highestModSeq != nil)
            try await client.logout()
        }
    }

    @Test func selfSignedCertificateIsRejectedByDefaultAndAcceptedWithItsCAFile() async throws {
        try await DovecotSession.withServer { server in
            for security in [IMAPConnectionSecurity.implicitTLS, .plain(starttls: .required)] {
                let error = await #expect(throws: IMAPError.self) {
                    _ = try await IMAPClient.connect(
                        DovecotSession.configuration(server, security: security, caFile: false))
                }
                guard case .transport(.tlsVerificationFailed) = error else {
                    Issue.record("expected TLS verification failure, got \(String(describing: error))")
                    continue
                }
                #expect(error?.userMessage.contains("ca_file") == true)
                let client = try await IMAPClient.connect(DovecotSession.configuration(server, security: security))
                try await client.logout()
            }
        }
    }

    @Test func wrongPasswordReportsTheServersText() async throws {
        try await DovecotSession.withServer { server in
            let client = try await IMAPClient.connect(DovecotSession.configuration(server, security: .implicitTLS))
            let error = await #expect(throws: IMAPError.self) {
                try await client.login(user: "alice", password: "wrong")
            }
            guard case .loginFailed(let text) = error else {
                Issue.record("expected login failure, got \(String(describing: error))")
                return
            }
            #expect(text.code == .authenticationFailed)
            #expect(error?.userMessage == "login failed: [AUTHENTICATIONFAILED] Authentication failed.")
            #expect(error?.userMessage.contains("wrong") == false)
            // The session stays usable after a failed login.
            try await client.authenticatePlain(authenticationIdentity: "alice", password: "alicepw")
            try await client.logout()
        }
    }

    @Test func masterUserBySeparatorAndByAuthzid() async throws {
        try await DovecotSession.withServer { server in
            let bySeparator = try await IMAPClient.connect(DovecotSession.configuration(server, security: .implicitTLS))
            try await bySeparator.login(user: "alice", masterUser: "admin", password: "adminpw")
            _ = try await bySeparator.append(to: "INBOX", IMAPAppendMessage(source: .buffer(message("one"))))
            try await bySeparator.logout()

            let byAuthzid = try await IMAPClient.connect(DovecotSession.configuration(server, security: .implicitTLS))
            try await byAuthzid.authenticatePlain(
                authorizationIdentity: "alice", authenticationIdentity: "admin", password: "adminpw")
            _ = try await byAuthzid.append(to: "INBOX", IMAPAppendMessage(source: .buffer(message("two"))))
            try await byAuthzid.logout()

            // Both landed in alice's INBOX, none in bob's.
            let alice = try await DovecotSession.login(server)
            #expect(try await alice.status("INBOX").messages == 2)
            let bob = try await DovecotSession.login(server, user: "bob", password: "bobpw")
            #expect(try await bob.status("INBOX").messages == 0)
        }
    }

    @Test func appendFetchRoundTripPreservesBytesFlagsAndInternalDate() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            let original = message("Round trip", body: "Line 1\r\n\r\nünïcode 8-bit line\r\n.\r\nlast")
            let date = IMAPDateTime(year: 2019, month: 3, day: 4, hour: 5, minute: 6, second: 7, zoneMinutes: -150)
            // \Recent cannot be set by a client; it is dropped rather than failing the APPEND.
            let appended = try await client.append(
                to: "INBOX",
                IMAPAppendMessage(
                    flags: ["\\Seen", "\\Flagged", "$Forwarded", "\\Recent"], internalDate: date,
                    source: .buffer(original)))
            let uid = try #require(appended.uids.first)
            #expect(appended.uidValidity != nil)

            let status = try await client.status("INBOX")
            #expect(status.messages == 1)
            #expect(status.uidNext == uid + 1)
            let examined = try await client.examine("INBOX")
            #expect(examined.exists == 1 && examined.isReadOnly)
            #expect(examined.uidValidity == appended.uidValidity)

            let metadata = try await client.fetchMetadata(uids: 1...UInt32.max)
            let entry = try #require(metadata.first)
            #expect(metadata.count == 1)
            #expect(entry.uid == uid)
            // \Recent is the server's session flag and is not reported as a message flag.
            #expect(Set(entry.flags) == ["\\Seen", "\\Flagged", "$Forwarded"])
            // Dovecot keeps the instant but may report it in its own zone.
            #expect(entry.internalDate?.secondsSince1970 == date.secondsSince1970)
            #expect(entry.size == original.readableBytes)
            #expect(String(buffer: entry.headerFields).contains("Subject: Round trip\r\n"))
            #expect(String(buffer: entry.headerFields).contains("Message-ID: <Roundtrip@example.org>"))

            #expect(try await collect(client, uid: uid) == original)
            #expect(try await collect(client, uid: uid + 100) == nil)

            let selected = try await client.select("INBOX")
            #expect(!selected.isReadOnly)
            #expect(selected.highestModSeq != nil)
            #expect(selected.uidNext == uid + 1)
            #expect(selected.permanentFlags?.contains("\\*") == true)
            #expect(selected.flags.contains("\\Seen"))
            try await client.storeFlags(uids: [uid], .add, flags: ["\\Answered", "Keyword1"])
            try await client.storeFlags(uids: [uid], .remove, flags: ["\\Flagged"])
            let updated = try await client.fetchMetadata(uids: uid...uid)
            #expect(Set(updated.first?.flags ?? []) == ["\\Seen", "\\Answered", "$Forwarded", "Keyword1"])
            try await client.logout()
        }
    }

    @Test func fetchedBodyFlowsIntoAnAppendOnAnotherSession() async throws {
        try await DovecotSession.withServer { server in
            let alice = try await DovecotSession.login(server)
            let bob = try await DovecotSession.login(server, user: "bob", password: "bobpw")
            let original = message("Piped", body: String(repeating: "0123456789abcdef\r\n", count: 20_000))
            let uid = try #require(
                try await alice.append(to: "INBOX", IMAPAppendMessage(source: .buffer(original))).uids.first)
            _ = try await alice.examine("INBOX")
            let copied = try await alice.fetchBody(uid: uid) { stream in
                try await bob.append(to: "INBOX", IMAPAppendMessage(flags: ["\\Seen"], source: stream.messageSource))
            }
            let bobUID = try #require(copied?.uids.first)
            _ = try await bob.examine("INBOX")
            #expect(try await collect(bob, uid: bobUID) == original)
            try await alice.logout()
            try await bob.logout()
        }
    }

    @Test func awkwardFolderNamesRoundTrip() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            let names = [
                "With Space", "Quote\"d", "Back\\slash", "Tom & Jerry", "Entwürfe", "日本語 Ordner", "Parent/Child ä",
            ]
            for name in names {
                try await client.create(name)
                try await client.subscribe(name)
                _ = try await client.append(to: name, IMAPAppendMessage(source: .buffer(message("in \(name)"))))
            }
            let listed = try await client.listMailboxes()
            for name in names {
                let entry = listed.first { $0.name == name }
                #expect(entry != nil, "\(name) not listed: \(listed.map(\.name))")
                #expect(entry?.hasAttribute("\\Subscribed") == true)
                #expect(try await client.status(name).messages == 1)
            }
            #expect(listed.first { $0.name == "Parent" }?.delimiter == "/")
            // Creating an existing mailbox fails with the server's reason, and the session goes on.
            let error = await #expect(throws: IMAPError.self) { try await client.create("With Space") }
            guard case .commandFailed(let command, .no, _) = error else {
                Issue.record("expected NO, got \(String(describing: error))")
                return
            }
            #expect(command == "CREATE")
            let missing = await #expect(throws: IMAPError.self) {
                _ = try await client.append(to: "Nope", IMAPAppendMessage(source: .buffer(message("x"))))
            }
            #expect(missing?.responseCode == .tryCreate)
            try await client.logout()
        }
    }

    @Test func specialUseAndSubscriptionsWithoutListExtended() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            try await client.create("Kept")
            try await client.subscribe("Kept")
            try await client.create("Unsubscribed")
            let extended = try await client.listMailboxes()
            // Pretend the server lacks LIST-EXTENDED: LIST + LSUB must give the same answer.
            await client.setCapabilities(Array(await client.capabilities.subtracting(["LIST-EXTENDED"])))
            let fallback = try await client.listMailboxes()
            for entries in [extended, fallback] {
                #expect(entries.first { $0.name == "Kept" }?.hasAttribute("\\Subscribed") == true)
                #expect(entries.first { $0.name == "Unsubscribed" }?.hasAttribute("\\Subscribed") == false)
            }
            let namespaces = try #require(try await client.namespaces())
            #expect(namespaces.personal.first?.delimiter == "/")
            try await client.logout()
        }
    }

    @Test func multiappendAndSynchronizingLiterals() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            let messages = (1...3).map { IMAPAppendMessage(flags: ["\\Seen"], source: .buffer(message("multi \($0)"))) }
            let multi = try await client.append(to: "INBOX", messages: messages)
            #expect(multi.uids.count == 3)

            // Without LITERAL+ and MULTIAPPEND: synchronizing literals, one APPEND per message.
            let reduced = await client.capabilities.subtracting(["LITERAL+", "MULTIAPPEND"])
            await client.setCapabilities(Array(reduced))
            let more = (4...5).map { IMAPAppendMessage(source: .buffer(message("sync \($0)"))) }
            let single = try await client.append(to: "INBOX", messages: more)
            #expect(single.uids.count == 2)
            // A password with 8-bit characters goes as a synchronizing literal, and is refused properly.
            let other = try await IMAPClient.connect(DovecotSession.configuration(server, security: .implicitTLS))
            await other.setCapabilities(Array(await other.capabilities.subtracting(["LITERAL+"])))
            await #expect(throws: IMAPError.self) { try await other.login(user: "alice", password: "pässwörd") }

            #expect(try await client.status("INBOX").messages == 5)
            _ = try await client.examine("INBOX")
            let bodies = try await client.fetchMetadata(uids: 1...UInt32.max)
            #expect(bodies.map(\.uid) == multi.uids + single.uids)
            try await client.logout()
        }
    }

    @Test func batchOfBodiesFlowsIntoOneStreamingMultiappend() async throws {
        try await DovecotSession.withServer { server in
            let alice = try await DovecotSession.login(server)
            let bob = try await DovecotSession.login(server, user: "bob", password: "bobpw")
            try await alice.create("Batch")
            // Sizes from empty-bodied to larger than one output write, so bodies cross write boundaries.
            let originals = (1...40).map { number in
                message("batch \(number)", body: String(repeating: "line \(number)\r\n", count: number * number * 30))
            }
            let appended = try await alice.append(
                to: "Batch", messages: originals.map { IMAPAppendMessage(source: .buffer($0)) })
            #expect(appended.uids.count == 40)
            _ = try await alice.examine("Batch")

            // Ask for all but two, plus a UID that does not exist: it is simply not delivered.
            let wanted = appended.uids.filter { $0 != appended.uids[5] && $0 != appended.uids[30] } + [9_999]
            let copied = try await alice.fetchBodies(uids: wanted) { batch in
                let reader = batch.makeReader()
                let order = UIDLog()
                let result = try await bob.appendStreaming(to: "INBOX") {
                    guard let body = try await reader.next() else { return nil }
                    order.append(body.uid)
                    return IMAPAppendMessage(
                        flags: ["\\Flagged", "Batch\(body.uid)"],
                        internalDate: IMAPDateTime("01-Feb-2020 10:11:12 +0100"),
                        source: body.messageSource)
                }
                return (result, order.values)
            }
            #expect(copied.0.count == 38)
            #expect(copied.1 == wanted.dropLast().sorted())
            #expect(copied.0.result.uids.count == 38)

            _ = try await bob.examine("INBOX")
            let metadata = try await bob.fetchMetadata(uids: 1...UInt32.max)
            #expect(metadata.count == 38)
            for (index, entry) in metadata.enumerated() {
                let sourceUID = copied.1[index]
                let original = try #require(appended.uids.firstIndex(of: sourceUID).map { originals[$0] })
                #expect(try await collect(bob, uid: entry.uid) == original)
                #expect(Set(entry.flags) == ["\\Flagged", "Batch\(sourceUID)"])
                #expect(
                    entry.internalDate?.secondsSince1970 == IMAPDateTime("01-Feb-2020 10:11:12 +0100")?.secondsSince1970
                )
            }

            // A reader that stops early: the rest of the FETCH is drained and the session goes on.
            let firstOnly = try await alice.fetchBodies(uids: appended.uids) { batch in
                try await batch.makeReader().next()?.uid
            }
            #expect(firstOnly == appended.uids.first)
            #expect(try await alice.status("Batch").messages == 40)

            // A refused MULTIAPPEND (no such mailbox) stores nothing and leaves the session usable.
            let refused = await #expect(throws: IMAPError.self) {
                _ = try await alice.fetchBodies(uids: Array(appended.uids.prefix(3))) { batch in
                    let reader = batch.makeReader()
                    return try await bob.appendStreaming(to: "Missing") {
                        try await reader.next().map { IMAPAppendMessage(source: $0.messageSource) }
                    }
                }
            }
            if case .commandFailed(let command, let status, let text) = refused {
                #expect(command == "APPEND")
                #expect(status == .no)
                #expect(text.code == .tryCreate)
            } else {
                Issue.record("expected the server's NO, got \(String(describing: refused))")
            }
            #expect(try await bob.status("INBOX").messages == 38)
            try await alice.logout()
            try await bob.logout()
        }
    }

    @Test func pipelinedCommandsAreRoutedByTag() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            let names = (1...8).map { "Box \($0)" }
            for (index, name) in names.enumerated() {
                try await client.create(name)
                for count in 0..<index {
                    _ = try await client.append(to: name, IMAPAppendMessage(source: .buffer(message("m\(count)"))))
                }
            }
            let counts = try await withThrowingTaskGroup(of: (String, Int?).self) { group in
                for name in names {
                    group.addTask { (name, try await client.status(name).messages) }
                }
                group.addTask { ("list", try await client.listMailboxes().count) }
                var result: [String: Int?] = [:]
                for try await (name, count) in group { result[name] = count }
                return result
            }
            for (index, name) in names.enumerated() {
                #expect(counts[name] == index, "\(name)")
            }
            #expect((counts["list"] ?? 0) ?? 0 >= 9)
            try await client.logout()
        }
    }

    @Test func fetchDeadlineIsDistinctFromSilence() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            let generated = GeneratedMessage(byteCount: 8 << 20, subject: "deadline")
            let uid = try #require(
                try await client.append(to: "INBOX", IMAPAppendMessage(source: generated.source)).uids.first)
            _ = try await client.examine("INBOX")
            let error = await #expect(throws: IMAPError.self) {
                _ = try await client.fetchBody(uid: uid, timeout: .milliseconds(1)) { stream in
                    for try await _ in stream {}
                }
            }
            #expect(error == .timedOut(command: "UID FETCH"))
            #expect(error?.userMessage.contains("timed out on UID FETCH") == true)
        }
    }

    @Test func fiftyMegabyteMessageIsStreamedBothWays() async throws {
        try await DovecotSession.withServer { server in
            let client = try await DovecotSession.login(server)
            let size = 50 * 1024 * 1024
            let generated = GeneratedMessage(byteCount: size, subject: "big")
            let sentHash = try StreamingSHA256()
            let source = IMAPMessageSource(byteCount: size) {
                guard let chunk = await generated.next() else { return nil }
                try sentHash.update(chunk)
                return chunk
            }
            let before = PeakMemory.vmHWM
            let appended = try await client.append(to: "INBOX", IMAPAppendMessage(flags: ["\\Seen"], source: source))
            let afterAppend = PeakMemory.vmHWM
            let uid = try #require(appended.uids.first)
            _ = try await client.examine("INBOX")
            let receivedHash = try StreamingSHA256()
            let received = try await client.fetchBody(uid: uid) { stream in
                #expect(stream.byteCount == size)
                var total = 0
                for try await chunk in stream {
                    total += chunk.readableBytes
                    try receivedHash.update(chunk)
                }
                return total
            }
            let afterFetch = PeakMemory.vmHWM
            #expect(received == size)
            #expect(try receivedHash.finish() == sentHash.finish())
            print(
                "50 MB IMAP message: peak memory before \(before), after APPEND \(afterAppend), after FETCH \(afterFetch)"
            )
            try await client.logout()
        }
    }
}

/// UIDs in the order a batch delivered them.
private final class UIDLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [UInt32] = []
    func append(_ uid: UInt32) { lock.withLock { list.append(uid) } }
    var values: [UInt32] { lock.withLock { list } }
}
