import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a child process ended, as the kernel reports it.
public enum ProcessEnd: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signalled(Int32)

    /// The exit code, or 128 + the signal's number as a shell reports it.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signalled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with \(code)"
        case .signalled(let signal): "ended by signal \(signal)"
        }
    }

    init(waitStatus status: Int32) {
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
        self = status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
    }
}

extension Process {
    /// Waits for the process to end and says how, instead of `waitUntilExit()` and
    /// `terminationStatus`. Foundation learns of a child's end when a socket the child inherited
    /// closes; a process another test starts at that moment can inherit the socket too and hold it
    /// for as long as it lives, or a daemon the child starts can, so `waitUntilExit()` waited that
    /// long or for ever. Here the kernel's word is waited for: `waitid` without reaping, then the
    /// status from Foundation if it noticed within a second, else from reaping the child here.
    public func waitForEnd() -> ProcessEnd {
        let pid = processIdentifier
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        let deadline = Date().addingTimeInterval(1)
        while isRunning, Date() < deadline { usleep(2_000) }
        if isRunning {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return ProcessEnd(waitStatus: status) }
            // Foundation is reaping it at this moment: its status is about to be set.
            while isRunning { usleep(2_000) }
        }
        return terminationReason == .exit ? .exited(terminationStatus) : .signalled(terminationStatus)
    }

    /// The process has ended (the kernel's word, as in `waitForEnd()`; `isRunning` is Foundation's).
    public var hasEnded: Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT | WNOHANG) == 0 else {
            return errno == ECHILD  // reaped already, by Foundation
        }
        return info.si_signo != 0  // left 0 while the child runs
    }
}
