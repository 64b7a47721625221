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
public func withCleanSignalSpawnAttributes<Result>(_ body: (inout SpawnAttributes) throws -> Result) rethrows -> Result
{
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

/// Starts `executable` with `arguments` (argv[0] is the executable), a clean signal mask, standard
/// input from /dev/null, standard output and error into `outputPath` (mode 0600) and no other
/// descriptor of the test process. `environment`
/// replaces the test process's environment when given. Returns its pid.
public func spawnWithCleanSignals(
    _ executable: String, _ arguments: [String], outputPath: String, environment: [String: String]? = nil
) throws -> pid_t {
    #if canImport(Glibc)
        var fileActions = posix_spawn_file_actions_t()
    #else
        var fileActions: posix_spawn_file_actions_t?
    #endif
    posix_spawn_file_actions_init(&fileActions)
    defer { posix_spawn_file_actions_destroy(&fileActions) }
    posix_spawn_file_actions_addopen(&fileActions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&fileActions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_adddup2(&fileActions, 1, 2)
    #if canImport(Glibc)
        // Nothing else of the test process: a daemon holding a copy of another test's socket keeps
        // that connection open after the test closed it, so its client never sees EOF. glibc 2.34+
        // has posix_spawn_file_actions_addclosefrom_np, which Swift's Glibc module does not import.
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&fileActions, 3)
        }
    #endif
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer {
        for argument in argv { free(argument) }
    }
    var pid = pid_t()
    let environmentStrings: [UnsafeMutablePointer<CChar>?]? = environment.map { variables in
        variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    }
    defer {
        for variable in environmentStrings ?? [] { free(variable) }
    }
    let spawned = withCleanSignalSpawnAttributes { attributes in
        if var environmentStrings {
            return posix_spawn(&pid, executable, &fileActions, &attributes, argv, &environmentStrings)
        }
        return posix_spawn(&pid, executable, &fileActions, &attributes, argv, environ)
    }
    guard spawned == 0 else { throw DovecotServerError.spawnFailed(errno: spawned) }
    return pid
}
