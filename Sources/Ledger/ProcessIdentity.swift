import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Names the process that owns a run, so that `status` can tell a run in progress from one whose
/// process was killed (SIGKILL, crash, reboot) and never wrote its outcome.
///
/// The choice: the pid alone is not enough, since pids are reused. We store the host name, the
/// kernel's boot id and the process's start time in clock ticks since boot (both from /proc on
/// Linux). A run is gone when it was started on this host and the boot id differs (reboot), or
/// `kill(pid, 0)` says no such process, or the process has exited and only waits for its parent to
/// reap it (a zombie: a script that killed an apply and started the next without `wait`), or a
/// process with that pid started at another time (pid reused). Where /proc is missing (macOS) only
/// the pid is checked. A run started on another host (a state folder on a shared volume) cannot be
/// checked and counts as alive until a run finishes.
struct ProcessIdentity: Sendable, Hashable {
    var pid: Int32
    var host: String
    var bootID: String?
    var startTicks: String?

    static func current() -> ProcessIdentity {
        let pid = getpid()
        return ProcessIdentity(pid: pid, host: hostName(), bootID: bootID(), startTicks: startTicks(of: pid))
    }

    /// Whether the process that wrote `self` may still run, judged from the process `observer`.
    func mayBeAlive(seenFrom observer: ProcessIdentity) -> Bool {
        guard host == observer.host else { return true }
        if let bootID, let observed = observer.bootID, bootID != observed { return false }
        if pid == observer.pid, startTicks == observer.startTicks { return true }
        if kill(pid, 0) != 0, errno == ESRCH { return false }
        guard let now = ProcessIdentity.stat(of: pid) else { return true }
        if now.state == "Z" || now.state == "X" { return false }
        if let startTicks, now.startTicks != startTicks { return false }
        return true
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func bootID() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else {
            return nil
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }

    static func startTicks(of pid: Int32) -> String? { stat(of: pid)?.startTicks }

    /// Fields 3 (state: `R`, `S`, `Z` for a zombie, …) and 22 (starttime) of /proc/PID/stat; the
    /// command name (field 2) may hold spaces and parentheses, so fields are counted after its
    /// closing parenthesis.
    static func stat(of pid: Int32) -> (state: String, startTicks: String)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state), so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return (String(fields[0]), String(fields[19]))
    }
}
