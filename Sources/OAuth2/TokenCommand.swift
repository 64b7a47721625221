import Foundation
import MailferryCore

/// `token_command`: runs the program with `{user}` replaced in its arguments; its standard output,
/// trimmed, is the token. Standard error is discarded (it may hold secrets) and never echoed; a
/// program still running after `timeout` is terminated.
struct TokenCommand: Sendable {
    var argv: [String]
    var lookup: ProgramLookup
    var environment: [String: String]
    var timeout: Duration = .seconds(60)

    static let maximumOutput = 64 * 1024

    func token(for user: String) async throws(OAuth2Error) -> BearerToken {
        let name = argv.first ?? ""
        guard let program = lookup.executable(name) else {
            throw .commandFailed(program: name, reason: "program not found or not executable")
        }
        let arguments = argv.dropFirst().map { $0.replacingOccurrences(of: "{user}", with: user) }
        let result: Result<String, OAuth2Error> = await withCheckedContinuation { continuation in
            // Blocking reads and waits belong on a thread of their own, not on the cooperative pool.
            Thread.detachNewThread {
                continuation.resume(returning: run(program: program, arguments: Array(arguments), name: name))
            }
        }
        let token = try result.get()
        return BearerToken(value: Secret(token), expiresAt: nil)
    }

    private func run(program: String, arguments: [String], name: String) -> Result<String, OAuth2Error> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: lookup.directory)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return .failure(.commandFailed(program: name, reason: "cannot start it"))
        }
        let seconds = Double(timeout.components.seconds)
        // SIGKILL: a helper cannot ignore or block it (SIGTERM may be blocked in the mask it inherited).
        let timer = DispatchWorkItem { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: timer)
        var data = Data()
        while true {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            if data.count < Self.maximumOutput { data.append(chunk) }
        }
        process.waitUntilExit()
        timer.cancel()
        if process.terminationReason == .uncaughtSignal {
            return .failure(
                .commandFailed(program: name, reason: "it was stopped after \(Int(seconds)) s or by a signal"))
        }
        guard process.terminationStatus == 0 else {
            return .failure(.commandFailed(program: name, reason: "it exited with status \(process.terminationStatus)"))
        }
        guard data.count < Self.maximumOutput, let text = String(data: data, encoding: .utf8) else {
            return .failure(.commandFailed(program: name, reason: "its output is not a token (too long or not UTF-8)"))
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains("\n") else {
            return .failure(
                .commandFailed(program: name, reason: "it printed \(token.isEmpty ? "nothing" : "more than one line")"))
        }
        return .success(token)
    }
}
