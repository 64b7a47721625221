/// `provider:` of a side: whose server it is, which sets folder conventions, a message size cap and
/// default `limits` that the job may still override (README, "Providers").
public enum MailProvider: String, Sendable, Hashable, CaseIterable, Codable {
    case generic
    case gmail
    case microsoft365
    case exchange

    /// For messages: "Gmail", "Microsoft 365", "Exchange".
    public var displayName: String {
        switch self {
        case .generic: return "a generic server"
        case .gmail: return "Gmail"
        case .microsoft365: return "Microsoft 365"
        case .exchange: return "Exchange"
        }
    }

    /// Exchange Online and on-premises Exchange share their folder names and their limits.
    public var isExchange: Bool { self == .microsoft365 || self == .exchange }

    /// The largest message the server accepts by default: 35 MB (MiB) for Exchange and Microsoft 365.
    public var messageSizeCap: Int64? { isExchange ? 35 * 1_048_576 : nil }
}
