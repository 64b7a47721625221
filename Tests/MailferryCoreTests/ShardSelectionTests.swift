import TestSupport
import Testing

@testable import MailferryCore

@Suite struct ShardSelectionTests {
    private static func account(_ user: String, line: Int) -> Account {
        Account(
            sourceUser: user, sourcePassword: Secret("pw"), localUser: user, localPassword: nil,
            destinationUser: user + "@new.example", line: line)
    }

    /// The hash README documents, so that an admin can reproduce a user's shard with sha256sum:
    /// `printf %s abc | sha256sum` starts ba7816bf8f01cfea.
    @Test func hashIsTheStartOfSHA256OfTheLowerCasedUser() {
        #expect(ShardSelection.hash("abc") == 0xba78_16bf_8f01_cfea)
        #expect(ShardSelection.hash("ABC") == 0xba78_16bf_8f01_cfea)
        #expect(ShardSelection.hash("") == 0xe3b0_c442_98fc_1c14)
    }

    @Test func parsesKOfNAndRefusesTheRest() throws {
        let shard = try ShardSelection(parsing: "2/5")
        #expect(shard.index == 2 && shard.count == 5)
        #expect(shard.description == "2/5")
        #expect(try ShardSelection(parsing: "0/1").count == 1)
        #expect(throws: ShardSelectionError.indexOutOfRange(index: 5, count: 5)) { try ShardSelection(parsing: "5/5") }
        #expect(throws: ShardSelectionError.invalidCount(0)) { try ShardSelection(parsing: "0/0") }
        for bad in ["", "1", "1/", "/4", "-1/4", "1/-4", "+1/4", "1 /4", "a/b", "1/2/3", "١/٤"] {
            #expect(throws: ShardSelectionError.malformed(bad)) { try ShardSelection(parsing: bad) }
        }
        let message = ShardSelectionError.indexOutOfRange(index: 4, count: 4).userMessage
        #expect(message.contains("0 to 3"))
    }

    @Test func folderNamesRoundTrip() throws {
        let shard = try ShardSelection(index: 3, count: 10)
        #expect(shard.folderName == "shard-3-of-10")
        #expect(ShardSelection(folderName: "shard-3-of-10") == shard)
        for other in ["shard-03-of-10", "shard-3-of-3", "shard-3-10", "logs", "shard--1-of-2", "state.sqlite"] {
            #expect(ShardSelection(folderName: other) == nil, "\(other)")
        }
    }

    /// Every user in exactly one shard, and the same one whatever the order of the users file.
    @Test func partitionIsCompleteDisjointAndStableUnderReordering() throws {
        let users = (0..<1000).map { "user\($0)@old.example" }
        let accounts = users.enumerated().map { Self.account($1, line: $0 + 1) }
        var shuffled = accounts
        var generator = SplitMix64(seed: 42)
        shuffled.shuffle(using: &generator)
        #expect(shuffled.map(\.sourceUser) != users)
        var seen: [String: Int] = [:]
        for index in 0..<4 {
            let shard = try ShardSelection(index: index, count: 4)
            let inOrder = shard.select(accounts).map(\.sourceUser)
            let reordered = shard.select(shuffled).map(\.sourceUser)
            #expect(Set(inOrder) == Set(reordered))
            #expect(inOrder == users.filter { Set(inOrder).contains($0) }, "file order is kept")
            // SHA-256 spreads these names evenly: no shard gets less than 20% or more than 30%.
            #expect((200...300).contains(inOrder.count), "shard \(index): \(inOrder.count) users")
            for user in inOrder { seen[user, default: 0] += 1 }
        }
        #expect(seen.count == users.count)
        #expect(seen.values.allSatisfy { $0 == 1 })
        // Removing other users does not move anyone: a shard of every tenth user is the tenth of the shard.
        let fewer = accounts.enumerated().filter { $0.offset % 10 == 0 }.map(\.element)
        let shard = try ShardSelection(index: 1, count: 4)
        #expect(
            shard.select(fewer).map(\.sourceUser)
                == shard.select(accounts).map(\.sourceUser).filter { Set(fewer.map(\.sourceUser)).contains($0) })
    }

    @Test func caseOfTheSourceUserDoesNotMatter() {
        for count in 1...9 {
            #expect(
                ShardSelection.shardIndex(of: "Alice@Old.Example", count: count)
                    == ShardSelection.shardIndex(of: "alice@old.example", count: count))
        }
        #expect(ShardSelection.shardIndex(of: "alice@old.example", count: 4) == 0)
    }

    @Test func limitsAreSharedAtLeastOneEach() throws {
        #expect(try ShardSelection(index: 0, count: 4).share(of: 8) == 2)
        #expect(try ShardSelection(index: 0, count: 4).share(of: 10) == 2)
        #expect(try ShardSelection(index: 0, count: 4).share(of: 3) == 1)
        #expect(try ShardSelection(index: 0, count: 1).share(of: 8) == 8)
    }
}
