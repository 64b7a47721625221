import IMAP
import NIOCore
import Testing

@Suite("IMAP response parser over recorded transcripts")
struct IMAPResponseParserTests {
    /// Parses a transcript in every chunking and requires that all agree; returns the responses.
    private func responses(_ transcript: String, limits: IMAPLimits = IMAPLimits()) throws -> [IMAPResponse] {
        let (outcome, disagreeing) = SplitFeeding.verify(transcript, limits: limits)
        #expect(disagreeing.isEmpty, "chunkings that disagree: \(disagreeing.prefix(5))")
        guard case .responses(let responses) = outcome else {
            Issue.record("transcript failed to parse: \(outcome)")
            return []
        }
        return responses
    }

    @Test func greetingAndLoginCapabilities() throws {
        let parsed = try responses(Transcripts.greetingAndLogin)
        #expect(parsed.count == 2)
        guard case .untagged(.condition(.ok, let greeting)) = parsed.first,
            case .capability(let greetingCapabilities) = greeting.code
        else {
            Issue.record("no greeting: \(parsed)")
            return
        }
        #expect(greetingCapabilities.contains("STARTTLS"))
        #expect(greetingCapabilities.contains("AUTH=PLAIN"))
        #expect(greeting.text == "Dovecot (Debian) ready.")
        guard case .tagged(let login) = parsed.last, case .capability(let after) = login.text.code else {
            Issue.record("no tagged login response")
            return
        }
        #expect(login.tag == "A1" && login.status == .ok)
        #expect(after.contains("MULTIAPPEND") && after.contains("SPECIAL-USE") && after.contains("LITERAL+"))
    }

    @Test func failedLoginKeepsTheServersText() throws {
        let parsed = try responses(Transcripts.failedLogin)
        guard case .tagged(let tagged) = parsed.last else {
            Issue.record("no tagged response")
            return
        }
        #expect(tagged.status == .no)
        #expect(tagged.text.code == .authenticationFailed)
        #expect(tagged.text.description == "[AUTHENTICATIONFAILED] Authentication failed.")
    }

    @Test func listEntriesWithAttributesDelimitersAndNameForms() throws {
        let parsed = try responses(Transcripts.listAndNamespace)
        let entries = parsed.compactMap { response -> IMAPListEntry? in
            if case .untagged(.list(let entry)) = response { entry } else { nil }
        }
        #expect(
            entries.map(\.name) == [
                "INBOX", "Sent Items", "Archive", "Archive/Gone", "quote\" and back\\slash", "Entwürfe & Pläne",
                "literal\r\nname", "flat", "INBOX.Sub",
            ])
        #expect(entries[0].hasAttribute("\\subscribed"))
        #expect(entries[1].specialUse == "\\Sent")
        #expect(entries[2].isSelectable == false)
        #expect(entries[3].isSelectable == false)
        #expect(entries[5].wireName == "Entw&APw-rfe &- Pl&AOQ-ne")
        #expect(entries[7].delimiter == nil)
        #expect(entries[8].delimiter == ".")
        guard case .untagged(.namespace(let namespaces)) = parsed.first else {
            Issue.record("no NAMESPACE")
            return
        }
        #expect(namespaces.personal == [IMAPNamespaces.Entry(prefix: "", delimiter: "/")])
        #expect(namespaces.otherUsers.isEmpty && namespaces.shared.isEmpty)
    }

    @Test func metadataEntriesWithLiteralsNilAndUnsolicitedNames() throws {
        let parsed = try responses(
            "* METADATA \"Sent Items\" (/private/vendor/vendor.mailferry/sync/ab {12}\r\nline1\nline2\n"
                + " /private/comment NIL /shared/x ~{3}\r\nb\u{0}c)\r\n"
                + "* METADATA \"\" /shared/admin /private/comment\r\n"
                + "A1 OK Getmetadata completed\r\n")
        #expect(
            parsed.first
                == .untagged(
                    .metadata(
                        mailbox: "Sent Items",
                        [
                            IMAPMetadataEntry(
                                name: "/private/vendor/vendor.mailferry/sync/ab", value: Array("line1\nline2\n".utf8)),
                            IMAPMetadataEntry(name: "/private/comment", value: nil),
                            IMAPMetadataEntry(name: "/shared/x", value: [0x62, 0x00, 0x63]),
                        ])))
        #expect(
            parsed.dropFirst().first
                == .untagged(
                    .metadata(
                        mailbox: "",
                        [
                            IMAPMetadataEntry(name: "/shared/admin", value: nil),
                            IMAPMetadataEntry(name: "/private/comment", value: nil),
                        ])))
    }

    @Test func statusAndExamine() throws {
        let parsed = try responses(Transcripts.statusAndSelect)
        #expect(
            parsed.first
                == .untagged(
                    .status(
                        mailbox: "Sent Items",
                        IMAPMailboxStatus(messages: 12, uidNext: 40, uidValidity: 1_700_000_000, highestModSeq: 77))))
        #expect(parsed.contains(.untagged(.exists(3))))
        #expect(parsed.contains(.untagged(.recent(0))))
        let codes = parsed.compactMap { response -> IMAPResponseCode? in
            switch response {
            case .untagged(.condition(_, let text)): text.code
            case .tagged(let tagged): tagged.text.code
            default: nil
            }
        }
        #expect(codes.contains(.uidValidity(1_700_000_000)))
        #expect(codes.contains(.uidNext(4)))
        #expect(codes.contains(.highestModSeq(9)))
        #expect(codes.contains(.readOnly))
        #expect(
            codes.contains(
                .permanentFlags([
                    "\\Answered", "\\Flagged", "\\Deleted", "\\Seen", "\\Draft", "$Forwarded", "\\*",
                ])))
    }

    @Test func fetchMetadataWithHeaderLiteral() throws {
        let parsed = try responses(Transcripts.fetchMetadata)
        let fetches = parsed.compactMap { response -> IMAPFetchResponse? in
            if case .untagged(.fetch(let fetch)) = response { fetch } else { nil }
        }
        #expect(fetches.count == 2)
        let first = try #require(fetches.first)
        #expect(first.uid == 1)
        #expect(first.flags == ["\\Seen", "$Forwarded"])
        #expect(
            first.internalDate
                == IMAPDateTime(
                    year: 2023, month: 7, day: 7, hour: 2, minute: 44, second: 25, zoneMinutes: -420))
        #expect(first.rfc822Size == 321)
        #expect(first.modSeq == 5)
        #expect(
            first.headerFields.map { String(buffer: $0) }
                == "Message-ID: <a@example>\r\nSubject: hello\r\nFrom: a@example.org\r\n\r\n")
        #expect(fetches[1].flags == [])
        #expect(fetches[1].internalDate?.zoneMinutes == 90)
        #expect(fetches[1].headerFields.map { $0.readableBytes } == 0)
    }

    /// Literals stand between other attributes, and the text around them holds what looks like a
    /// literal's announcement: only the offsets where literals were read are literals.
    @Test func literalsAmidAttributesAreFoundWhereTheyStand() throws {
        let transcript =
            "* 3 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {12}\r\nSubject: a\r\n UID 7 BODY[TEXT] {5}\r\n{1}\r\n"
            + " INTERNALDATE \"07-jul-2023 02:44:25 -0700\" FLAGS (\\Seen))\r\nA1 OK done\r\n"
        let fetch = try #require(
            try responses(transcript).compactMap { response -> IMAPFetchResponse? in
                if case .untagged(.fetch(let fetch)) = response { fetch } else { nil }
            }.first)
        #expect(fetch.uid == 7)
        #expect(fetch.flags == ["\\Seen"])
        #expect(fetch.internalDate?.month == 7)
        #expect(fetch.bodySections["HEADER.FIELDS (SUBJECT)"] == .bytes(ByteBuffer(string: "Subject: a\r\n")))
        #expect(fetch.bodySections["TEXT"] == .bytes(ByteBuffer(string: "{1}\r\n")))
    }

    @Test func fetchBodyIsStreamedWithItsSizeFirst() throws {
        let parsed = try responses(Transcripts.fetchBody)
        let body = "Subject: x\r\n\r\nline one\r\n{5}\r\n)\r\n.\r\n\r\n"
        #expect(parsed.count == 8)
        #expect(parsed[0] == .fetchBodyBegin(sequenceNumber: 1, uid: 1, byteCount: 37))
        #expect(parsed[1] == .fetchBodyBytes(ByteBuffer(string: body)))
        #expect(parsed[2] == .fetchBodyEnd)
        #expect(
            parsed[3]
                == .untagged(
                    .fetch(
                        IMAPFetchResponse(
                            sequenceNumber: 1, uid: 1, bodySections: ["": .streamed(byteCount: 37)]))))
        // An empty body still has begin and end, and attributes after the body are kept.
        #expect(parsed[4] == .fetchBodyBegin(sequenceNumber: 2, uid: nil, byteCount: 0))
        #expect(parsed[5] == .fetchBodyEnd)
        #expect(
            parsed[6]
                == .untagged(
                    .fetch(
                        IMAPFetchResponse(
                            sequenceNumber: 2, uid: 2, bodySections: ["": .streamed(byteCount: 0)]))))
        #expect(
            parsed[7]
                == .tagged(
                    IMAPTaggedResponse(
                        tag: "A7", status: .ok, text: IMAPResponseText(text: "Fetch completed."))))
    }

    @Test func appendContinuationAndResponseCodes() throws {
        let parsed = try responses(Transcripts.appendWithContinuation)
        #expect(parsed.first == .continuation("OK"))
        let codes = parsed.compactMap { response -> IMAPResponseCode? in
            if case .tagged(let tagged) = response { tagged.text.code } else { nil }
        }
        #expect(
            codes == [
                .appendUID(uidValidity: 1_700_000_000, uids: [41]),
                .appendUID(uidValidity: 1_700_000_000, uids: [42, 43, 44]),
                .tryCreate, .overQuota,
            ])
    }

    @Test func unexpectedUntaggedResponsesAndBye() throws {
        let parsed = try responses(Transcripts.miscellaneous)
        #expect(parsed[0] == .untagged(.id(["name": "Dovecot"])))
        #expect(parsed[1] == .untagged(.enabled(["CONDSTORE"])))
        #expect(parsed[2] == .untagged(.expunge(4)))
        #expect(parsed[3] == .untagged(.search([1, 2, 5])))
        #expect(parsed[4] == .untagged(.other("XUNKNOWN something [odd] (here)")))
        #expect(
            parsed[5]
                == .untagged(
                    .condition(
                        .ok,
                        IMAPResponseText(
                            code: .alert, text: "Server shutting down soon", rawCode: "ALERT"))))
        #expect(
            parsed[6]
                == .untagged(
                    .condition(
                        .ok,
                        IMAPResponseText(
                            code: .other("XFOO", "bar baz"), text: "extension code", rawCode: "XFOO bar baz"))))
        #expect(parsed[8] == .untagged(.capability(["IMAP4rev1", "IDLE"])))
        #expect(parsed[9] == .untagged(.condition(.bye, IMAPResponseText(text: "Server shutting down."))))
    }

    @Test func bareLineFeedsAreTolerated() throws {
        let parsed = try responses("* 2 EXISTS\nA1 OK done\n")
        #expect(
            parsed == [
                .untagged(.exists(2)),
                .tagged(
                    IMAPTaggedResponse(
                        tag: "A1", status: .ok, text: IMAPResponseText(text: "done"))),
            ])
    }
}
