import MailferryCore
import Testing

@testable import Engine

/// `MailboxVerifier` over in-memory stores: every kind of finding, each from one change.
@Suite struct MailboxVerifierTests {
    static func message(_ id: Int, body: String = "Hello") -> String {
        "Message-ID: <m\(id)@test>\r\nSubject: \(id)\r\n\r\n\(body)\r\n"
    }

    static func stores() -> (InMemoryStore, InMemoryStore) {
        let source = InMemoryStore(folders: ["INBOX", "Junk"])
        let destination = InMemoryStore(folders: ["INBOX"])
        for id in 1...4 {
            source.add(message(id), to: "INBOX", flags: ["\\Seen"])
            destination.add(message(id), to: "INBOX", flags: ["\\Seen"])
        }
        source.add(message(9), to: "Junk")
        return (source, destination)
    }

    static let rules = FolderRules(skip: ["Junk"])

    @Test func aFaithfulCopyIsComplete() async throws {
        let (source, destination) = Self.stores()
        let result = try await MailboxVerifier(rules: Self.rules, options: MigrationOptions(), deep: true)
            .verify(source: source, destination: destination)
        #expect(result.isComplete)
        #expect(result.count(.present) == 4)
        #expect(result.messages.allSatisfy { $0.sourceDigest != nil && $0.sourceDigest == $0.destinationDigest })
        let junk = try #require(result.folders.first { $0.mapping.source.path == MailboxPath("Junk") })
        #expect(junk.mapping.isSkipped && junk.mapping.reason == "skip rule \"Junk\"")
    }

    @Test func missingDifferentExtraAndSkippedAreEachFound() async throws {
        let source = Self.stores().0
        source.add(Self.message(5), to: "INBOX")  // never copied: missing
        source.add(Self.message(6, body: String(repeating: "x", count: 500)), to: "INBOX")  // over the limit
        // The copy of 1 has another INTERNALDATE, 2 lost \Seen, 4 has other bytes of the same size;
        // 7 has no source: extra.
        let destination = InMemoryStore(folders: ["INBOX"])
        for id in 1...4 {
            destination.add(
                Self.message(id, body: id == 4 ? "Hellp" : "Hello"), to: "INBOX", flags: id == 2 ? [] : ["\\Seen"],
                seconds: id == 1 ? 1_700_000_001 : 1_700_000_000)
        }
        destination.add(Self.message(7), to: "INBOX")
        let options = MigrationOptions(maxMessageSize: 200)
        let shallow = try await MailboxVerifier(rules: Self.rules, options: options, deep: false)
            .verify(source: source, destination: destination)
        #expect(!shallow.isComplete)
        func status(_ result: MailboxVerification, _ id: Int) -> MessageCheck.Status? {
            result.messages.first { $0.identity.key.hasPrefix("mid:<m\(id)@test>") }?.status
        }
        #expect(status(shallow, 5) == .missing)
        #expect(status(shallow, 6) == .skipped)
        #expect(status(shallow, 2) == .different)
        #expect(status(shallow, 1) == .different)
        #expect(status(shallow, 4) == .present, "bytes are compared only with deep")
        #expect(
            shallow.extra.map(\.identity.key).allSatisfy { $0.hasPrefix("mid:<m7@test>") } && shallow.extra.count == 1)
        let deep = try await MailboxVerifier(rules: Self.rules, options: options, deep: true)
            .verify(source: source, destination: destination)
        #expect(status(deep, 4) == .different)
        let kinds = deep.messages.first { $0.identity.key.hasPrefix("mid:<m4@test>") }?.differences.map(\.kind)
        #expect(kinds == ["content"])
        // Without options.flags, flags are not compared.
        let noFlags = try await MailboxVerifier(rules: Self.rules, options: MigrationOptions(flags: false), deep: false)
            .verify(source: source, destination: destination)
        #expect(status(noFlags, 2) == .present)
    }

    /// `verify` with a manifest hands every check over as it is made, folder by folder, and keeps
    /// only those that are not present; its counts are the whole verification's.
    @Test func checksHandedOverAsTheyAreMadeAreTheWholeVerifications() async throws {
        let (source, destination) = Self.stores()
        source.add(Self.message(5), to: "INBOX")
        source.add(Self.message(6), to: "Archive")
        destination.add(Self.message(7), to: "INBOX")
        for deep in [false, true] {
            let verifier = MailboxVerifier(rules: FolderRules(), options: MigrationOptions(), deep: deep)
            let whole = try await verifier.verify(source: source, destination: destination)
            var folders: [[MessageCheck]] = [[]]
            let kept = try await verifier.verify(
                connector: StoreConnector(openSource: { source }, openDestination: { destination }),
                each: { folders[folders.count - 1].append($0) }, endOfFolder: { folders.append([]) })
            #expect(folders.count == whole.folders.count + 1 && folders.last == [])
            let handedOver = folders.flatMap { $0.sorted { $0.sourceUID < $1.sourceUID } }
            #expect(handedOver == whole.messages)
            #expect(handedOver.count == 7 && Set(handedOver.map(\.status)) == [.present, .missing])
            #expect(kept.messages == whole.messages.filter { $0.status != .present })
            #expect(MessageCheck.Status.allCases.allSatisfy { kept.count($0) == whole.count($0) })
            #expect(kept.extra == whole.extra && kept.extra.count == 1 && kept.isComplete == whole.isComplete)
        }
    }
}
