/// `resp-text-code` (RFC 3501 7.1) with the extension codes the client acts on.
public enum IMAPResponseCode: Sendable, Equatable {
    case alert
    case capability([String])
    case permanentFlags([String])
    case readOnly
    case readWrite
    case tryCreate
    case uidNext(UInt32)
    case uidValidity(UInt32)
    case unseen(UInt32)
    /// RFC 4315: `"APPENDUID" SP nz-number SP append-uid`; several UIDs after a MULTIAPPEND.
    case appendUID(uidValidity: UInt32, uids: [UInt32])
    /// RFC 7162 `"HIGHESTMODSEQ" SP mod-sequence-value`
    case highestModSeq(UInt64)
    case noModSeq
    /// RFC 5530 codes
    case authenticationFailed
    case authorizationFailed
    case unavailable
    case overQuota
    case limit
    case nonExistent
    case alreadyExists
    /// Any other code: its atom and the rest up to `]`.
    case other(String, String?)
}
