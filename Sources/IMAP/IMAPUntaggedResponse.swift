/// `response-data` and `response-fatal`: the untagged responses the client understands.
/// Anything else is kept as `.other` so that unexpected data never breaks a session.
public enum IMAPUntaggedResponse: Sendable, Equatable {
    /// `"*" SP (resp-cond-state / resp-cond-auth / resp-cond-bye)`
    case condition(IMAPResponseStatus, IMAPResponseText)
    case capability([String])
    case list(IMAPListEntry)
    case lsub(IMAPListEntry)
    case namespace(IMAPNamespaces)
    case status(mailbox: String, IMAPMailboxStatus)
    case exists(Int)
    case recent(Int)
    case expunge(Int)
    case flags([String])
    case fetch(IMAPFetchResponse)
    case id([String: String])
    case enabled([String])
    case search([UInt32])
    /// RFC 5464: a mailbox's entries ("" for the server's own).
    case metadata(mailbox: String, [IMAPMetadataEntry])
    case other(String)
}
