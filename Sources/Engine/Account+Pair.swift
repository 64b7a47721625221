import Ledger
import MailferryCore

extension Account {
    /// The source and destination mailboxes this account migrates between.
    var pair: MailboxPair { MailboxPair(sourceUser: sourceUser, destinationUser: destinationUser) }
}
