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
