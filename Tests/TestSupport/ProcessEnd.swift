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

    /// From what `waitid` told of an ended child.
    init(_ info: siginfo_t) {
        #if canImport(Glibc)
            let status = info._sifields._sigchld.si_status
        #else
            let status = info.si_status
        #endif
        self = info.si_code == Int32(CLD_EXITED) ? .exited(status) : .signalled(status)
    }
}

extension Process {
    /// Waits for the process to end and says how, instead of `waitUntilExit()` and
    /// `terminationStatus`. Foundation learns of a child's end when a socket the child inherited
    /// closes; a process another test starts at that moment can inherit the socket too and hold it
    /// for as long as it lives, or a daemon the child starts can, so `waitUntilExit()` waited that
    /// long or for ever. Here the kernel's word is waited for (`waitid` without reaping): Foundation's
    /// status if it noticed within a second, else the kernel's, and the child is left for Foundation
    /// to reap (so that its pid is not reused under Foundation's eventual `waitpid`).
    public func waitForEnd() -> ProcessEnd {
        var info = siginfo_t()
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) != 0 {
            guard errno == EINTR else { break }  // ECHILD: Foundation has reaped it
        }
        let deadline = Date().addingTimeInterval(1)
        while isRunning, Date() < deadline { usleep(2_000) }
        if isRunning, info.si_signo != 0 { return ProcessEnd(info) }
        while isRunning { usleep(2_000) }  // reaped by Foundation, which is setting its status
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
