import Foundation
import Testing

@testable import Ledger

@Suite struct ProcessIdentityTests {
    @Test func thisProcessIsAlive() {
        let me = ProcessIdentity.current()
        #expect(me.pid == getpid())
        #expect(!me.host.isEmpty)
        #expect(me.mayBeAlive(seenFrom: me))
    }

    @Test func aPidThatDoesNotExistIsGone() {
        let me = ProcessIdentity.current()
        var gone = me
        gone.pid = 2_000_000_000
        #expect(!gone.mayBeAlive(seenFrom: me))
    }

    @Test func anotherBootIsGone() {
        var me = ProcessIdentity.current()
        me.bootID = "boot-b"
        var before = me
        before.bootID = "boot-a"
        #expect(!before.mayBeAlive(seenFrom: me))
    }

    @Test(.enabled(if: ProcessIdentity.startTicks(of: getpid()) != nil, "needs /proc (Linux)"))
    func aReusedPidIsGone() {
        let me = ProcessIdentity.current()
        var reused = me
        reused.startTicks = "1"
        #expect(!reused.mayBeAlive(seenFrom: me))
    }

    /// A killed apply whose parent has not reaped it yet (a script that starts the next run without
    /// `wait`) still answers `kill(pid, 0)`, but it runs no more: its run must not block the next.
    @Test(.enabled(if: ProcessIdentity.startTicks(of: getpid()) != nil, "needs /proc (Linux)"))
    func anExitedChildNotYetReapedIsGoneAndARunningOneIsNot() throws {
        let me = ProcessIdentity.current()
        func spawn(_ arguments: [String]) throws -> pid_t {
            var pid: pid_t = 0
            var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            let status = posix_spawn(&pid, arguments[0], nil, nil, &argv, environ)
            try #require(status == 0, "posix_spawn \(arguments[0]): \(status)")
            return pid
        }
        func identity(of pid: pid_t) throws -> ProcessIdentity {
            var child = me
            child.pid = pid
            child.startTicks = try #require(ProcessIdentity.startTicks(of: pid))
            return child
        }

        let sleeper = try spawn(["/bin/sleep", "30"])
        let running = try identity(of: sleeper)
        #expect(running.mayBeAlive(seenFrom: me))
        kill(sleeper, SIGKILL)
        let deadline = Date().addingTimeInterval(10)
        while ProcessIdentity.stat(of: sleeper)?.state != "Z", Date() < deadline { usleep(2_000) }
        #expect(ProcessIdentity.stat(of: sleeper)?.state == "Z")
        #expect(kill(sleeper, 0) == 0, "a zombie still answers kill(pid, 0)")
        #expect(!running.mayBeAlive(seenFrom: me))
        var status: Int32 = 0
        #expect(waitpid(sleeper, &status, 0) == sleeper)
        #expect(!running.mayBeAlive(seenFrom: me))
    }

    @Test func anotherHostCannotBeCheckedAndCountsAsAlive() {
        let me = ProcessIdentity.current()
        var remote = me
        remote.host = me.host + "-elsewhere"
        remote.pid = 2_000_000_000
        #expect(remote.mayBeAlive(seenFrom: me))
    }
}
