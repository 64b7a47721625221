import Foundation
import IMAP
import MailTransport
import NIOCore
import TestSupport

/// Fills a source mailbox over IMAP with the kinds of mail a migration must keep exactly:
/// nested, non-ASCII and quoted folder names, varied dates and zones, flags and keywords,
/// messages without Message-ID, genuine duplicates and a few MB-sized messages.
enum SourceSeeder {
    struct Seeded {
        var messages: Int
        var folders: [String]
    }

    static let folders = [
        "INBOX", "Sent", "Drafts", "Work", "Work/Projects", "Work/Projects/2024", "Entwürfe", "日本語",
        "Quote\"d \\ Folder", "A & B", "Junk",
    ]

    static func seed(host: String, port: Int, caFile: String, user: String, password: String, variant: Int = 0)
        async throws -> Seeded
    {
        let client = try await IMAPClient.connect(
            IMAPClientConfiguration(host: host, port: port, security: .implicitTLS, tls: TLSOptions(caFile: caFile)))
        try await client.login(user: user, password: password)
        var generator = SplitMix64(seed: UInt64(7 + variant))
        var count = 0
        for folder in folders where folder != "INBOX" {
            try await client.create(folder)
            if folder != "Junk" { try await client.subscribe(folder) }
        }
        let flagChoices: [[String]] = [
            [], ["\\Seen"], ["\\Seen", "\\Answered"], ["\\Flagged"], ["\\Seen", "$Forwarded"], ["$Label1", "NonJunk"],
            ["\\Draft"],
        ]
        for (index, folder) in folders.enumerated() {
            let perFolder = folder == "INBOX" ? 14 : 4
            for number in 0..<perFolder {
                let withID = !(number % 5 == 3)
                let big = folder == "Work/Projects" && number == 0
                let body = message(
                    user: user, folder: index, number: number, withMessageID: withID, bigKB: big ? 2048 : 0,
                    generator: &generator)
                let flags = flagChoices[Int(generator.next() % UInt64(flagChoices.count))]
                let date = IMAPDateTime(
                    year: 2014 + Int(generator.next() % 11), month: 1 + Int(generator.next() % 12),
                    day: 1 + Int(generator.next() % 28), hour: Int(generator.next() % 24),
                    minute: Int(generator.next() % 60), second: Int(generator.next() % 60),
                    zoneMinutes: [-420, 0, 60, 330][Int(generator.next() % 4)])
                let source = IMAPMessageSource.buffer(ByteBuffer(bytes: body))
                _ = try await client.append(
                    to: folder, IMAPAppendMessage(flags: flags, internalDate: date, source: source))
                count += 1
                if folder == "INBOX", number == 1 {  // a genuine duplicate: the same bytes twice
                    _ = try await client.append(
                        to: folder,
                        IMAPAppendMessage(flags: flags, internalDate: date, source: .buffer(ByteBuffer(bytes: body))))
                    count += 1
                }
            }
        }
        try await client.logout()
        return Seeded(messages: count, folders: folders)
    }

    static func message(
        user: String, folder: Int, number: Int, withMessageID: Bool, bigKB: Int, generator: inout SplitMix64
    ) -> [UInt8] {
        var text = "From: Sender \(number) <sender\(number)@old.example>\r\nTo: \(user)@old.example\r\n"
        text += "Subject: Message \(number) in folder \(folder) — Grüße\r\n"
        text += "Date: Mon, \(1 + number % 28) Jan 2024 10:\(10 + number % 50):00 +0100\r\n"
        if withMessageID { text += "Message-ID: <\(folder).\(number).\(generator.next())@old.example>\r\n" }
        text +=
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        text += "Hello \(user),\r\n.a line starting with a dot\r\nFrom the start of a line\r\nÄÖÜ 日本\r\n"
        for line in 0..<(3 + Int(generator.next() % 20)) { text += "line \(line) \(generator.next())\r\n" }
        if bigKB > 0 {
            let row = String(repeating: "x", count: 1022) + "\r\n"
            for _ in 0..<bigKB { text += row }
        }
        return Array(text.utf8)
    }
}
