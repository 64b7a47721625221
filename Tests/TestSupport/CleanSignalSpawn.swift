import Foundation

#if canImport(Glibc)
    import Glibc
    public typealias SpawnAttributes = posix_spawnattr_t
#elseif canImport(Darwin)
    import Darwin
    public typealias SpawnAttributes = posix_spawnattr_t?
#endif

/// posix_spawn attributes with an empty signal mask and default dispositions. The test runner's
/// threads block signals, and a daemon started from them inherits that: a Dovecot master with a
/// blocked SIGCHLD never greets, one with a blocked SIGTERM stops slowly. Foundation.Process cannot
/// reset this, so servers are started through these attributes.
public func withCleanSignalSpawnAttributes<Result>(_ body: (inout SpawnAttributes) throws -> Result) rethrows -> Result {
    #if canImport(Glibc)
        var attributes = posix_spawnattr_t()
    #else
        var attributes: posix_spawnattr_t?
    #endif
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var emptySet = sigset_t()
    sigemptyset(&emptySet)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &emptySet)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    return try body(&attributes)
}
