/// The ports of one source protocol, tried in order: the next one when a connection is refused.
/// `0` alone disables the protocol. Written as one number or a list in job files.
public struct PortList: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// Never holds 0 next to other ports; empty when disabled.
    public private(set) var ports: [Int]

    /// `[0]` or `[]` disable the protocol.
    public init(_ ports: [Int]) {
        self.ports = ports == [0] ? [] : ports
    }

    public init(integerLiteral port: Int) { self.init([port]) }

    public init(arrayLiteral ports: Int...) { self.init(ports) }

    public var isDisabled: Bool { ports.isEmpty }

    /// "0", "993" or "[993, 1993]".
    public var description: String {
        switch ports.count {
        case 0: return "0"
        case 1: return String(ports[0])
        default: return "[" + ports.map(String.init).joined(separator: ", ") + "]"
        }
    }
}
