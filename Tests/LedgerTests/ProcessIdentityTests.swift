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

    @Test func anotherHostCannotBeCheckedAndCountsAsAlive() {
        let me = ProcessIdentity.current()
        var remote = me
        remote.host = me.host + "-elsewhere"
        remote.pid = 2_000_000_000
        #expect(remote.mayBeAlive(seenFrom: me))
    }
}
