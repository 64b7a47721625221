/// Certificate verification for one server. Verification is on unless a job says `verify: false`.
public struct TLSSettings: Sendable, Hashable {
    public var verify: Bool
    /// PEM file with the CA certificate(s) to trust instead of the system store; resolved to an absolute path.
    public var caFile: String?

    public init(verify: Bool = true, caFile: String? = nil) {
        self.verify = verify
        self.caFile = caFile
    }
}
