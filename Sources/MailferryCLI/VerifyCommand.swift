import ArgumentParser
import Engine
import Foundation
import Ledger
import MailStores
import MailferryCore

/// `mailferry verify JOB.yaml`: proves that every source message within the job's filters has its
/// copy on the destination, reading both sides without changing anything.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every source message has its copy on the destination (read-only).",
        discussion: """
            For every selected user and mapped folder, pairs source and destination messages by identity \
            (Message-ID and size) as apply does, and lists missing messages, copies whose flags (when \
            options.flags is on) or INTERNALDATE differ, destination messages without a source (extra), \
            and what the job's filters skip (options.since, options.max_message_size, folders.skip), with \
            the reason. --deep also fetches both bodies and compares their SHA-256, streamed. Both sides \
            are only read: EXAMINE and BODY.PEEK over IMAP; POP3 never deletes. With the job's state \
            (read only; its shard folders too), messages the user deleted on the destination since the \
            last sync are listed as deleted, not missing, and flags the user changed there are kept.
            --out MANIFEST.json writes the manifest (schemas/verify.schema.json): per message its folder, \
            identity, size, status and, with --deep, digest; stable order, no secrets.
            Exit status: 0 complete; 2 differences found; 1 error (invalid job, or a user whose \
            mailboxes could not be read; the other users are still verified and reported).
            """
    )

    @Argument(help: ArgumentHelp("The job file.", valueName: "JOB.yaml"))
    var jobFile: String

    @OptionGroup var selection: UserSelectionOptions

    @Flag(help: "Also fetch both bodies of every message and compare their SHA-256.")
    var deep = false

    @Option(help: "Output format: text or json (the manifest).")
    var format: VerifyFormat = .text

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp("Write the manifest (JSON) to this file.", valueName: "MANIFEST.json"))
    var outputFile: String?

    @OptionGroup var state: StateDirectoryOptions
    @OptionGroup var tracing: TraceOptions

    func validate() throws {
        if jobFile.isEmpty { throw ValidationError("The job file path is empty.") }
        if outputFile?.isEmpty == true { throw ValidationError("--out needs a file path.") }
    }

    func run() async throws {
        let loaded = try LoadedJob.load(jobFile, showWarnings: false)
        let accounts = try loaded.accounts(selecting: selection.users)
        let environment = Console.environment
        try SecretPreflight.check(loaded.job, environment: environment)
        let job = loaded.job
        let factory = StoreFactory(job: job, environment: environment, trace: tracing.sink)
        let verifier = MailboxVerifier(rules: job.folders, options: job.options, deep: deep)
        // Every state folder of the job (shards included), read only: each user's sync baseline is in one.
        let ledgers = JobStateFolder.all(in: loaded.stateDirectory(override: state.stateDirectory))
            .compactMap { try? Ledger.openExisting(directory: $0.path) }
        let output = try VerifyOutput(
            format: format, outputFile: outputFile, users: accounts.count,
            colors: Console.colorsEnabled(fileDescriptor: 1, environment: environment))
        let writesManifest = output.writesManifest
        // Each user's result goes to the output as soon as it is verified, not kept for the others.
        try await BoundedConcurrency.forEach(accounts, limit: job.options.concurrency) { account in
            let outcome: Result<MailboxVerification, UserVerification.VerificationFailure>
            // The manifest's entries go to a temporary file as they are checked; the verification
            // keeps only the messages that are not present.
            var entries: ManifestEntrySpool?
            do {
                let pair = MailboxPair(sourceUser: account.sourceUser, destinationUser: account.destinationUser)
                let ledger = ledgers.first { (try? $0.hasBaseline(pair)) == true }
                let spool = writesManifest ? try ManifestEntrySpool() : nil
                entries = spool
                outcome = .success(
                    try await verifier.verify(
                        connector: factory.connector(for: account), state: ledger.map { ($0, pair) },
                        each: { check in try spool?.add(check) }, endOfFolder: { try spool?.endFolder() }))
            } catch {
                let message = (error as? any UserFacingError)?.userMessage ?? String(describing: type(of: error))
                outcome = .failure(UserVerification.VerificationFailure(message: message))
            }
            return UserVerification(
                sourceUser: account.sourceUser, destinationUser: account.destinationUser, outcome: outcome,
                entries: entries)
        } receive: { (index, user) throws(CLIError) in
            try output.store(user, at: index)
        }
        try output.emit(
            job: MigrationPlan.JobReference(name: job.name, file: job.file, digest: try loaded.digest()), deep: deep)
        if output.tally[.error] > 0 { throw ExitCode.failure }
        if output.tally[.differences] > 0 { throw ExitCode(2) }
    }
}
