import Foundation

/// What the fault proxy does to one connection. Drawn from (seed, connection number) alone, so the
/// same seed gives the same schedules in the same order.
public enum FaultSchedule: Sendable, Equatable, CustomStringConvertible {
    public enum Direction: String, Sendable {
        case clientToServer = "client->server"
        case serverToClient = "server->client"
    }

    case clean
    /// Forward `after` bytes in `direction`, then close both sides.
    case cut(direction: Direction, after: Int)
    /// Forward `after` bytes in `direction`, then forward nothing more until the client closes.
    case stall(direction: Direction, after: Int)
    /// Forward `after` bytes in `direction`, then pause everything for `milliseconds`, then go on.
    case delay(direction: Direction, after: Int, milliseconds: Int)

    public static func draw(seed: UInt64, connection: Int, _ configuration: FaultProxy.Configuration) -> FaultSchedule {
        var random = SplitMix64(seed: seed ^ (UInt64(connection) &* 0xD1B5_4A32_D192_ED03))
        guard Int(random.next() % 100) < configuration.faultPercent else { return .clean }
        let direction: Direction = random.next() % 2 == 0 ? .clientToServer : .serverToClient
        // Log-uniform: every factor of ten in the offset is as likely, so cuts land in the greeting and
        // login as often as deep inside a megabyte literal.
        let unit = Double(random.next() >> 11) / Double(1 << 53)
        let low = Double(max(1, configuration.minFaultOffset))
        let high = Double(max(configuration.minFaultOffset + 1, configuration.maxFaultOffset))
        let after = max(1, Int(low * exp(unit * log(high / low))))
        switch random.next() % 100 {
        case 0..<70: return .cut(direction: direction, after: after)
        case 70..<85: return .stall(direction: direction, after: after)
        default:
            let limit = max(1, Int(configuration.maxDelay / .milliseconds(1)))
            return .delay(direction: direction, after: after, milliseconds: 1 + Int(random.next() % UInt64(limit)))
        }
    }

    public var description: String {
        switch self {
        case .clean: "clean"
        case .cut(let direction, let after): "cut \(direction.rawValue) after \(after) bytes"
        case .stall(let direction, let after): "stall \(direction.rawValue) after \(after) bytes"
        case .delay(let direction, let after, let milliseconds):
            "delay \(milliseconds) ms \(direction.rawValue) after \(after) bytes"
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast, and the same on every platform.
public struct SplitMix64: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
