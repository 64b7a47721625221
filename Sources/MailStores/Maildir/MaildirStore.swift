import Foundation
import MailferryCore
import Synchronization

/// A Maildir++ tree that Dovecot 2.3 serves as is (`mail_location = maildir:ROOT`, default layout):
/// INBOX is the root, folder `A/B` is the directory `.A.B` in modified UTF-7, every message a file
/// delivered through `tmp/` into `cur/<unique>:2,<flags>` with its mtime set to INTERNALDATE.
///
/// Bytes are stored exactly as received, with `S=` the file size and `W=` the size with bare LFs
/// counted as CRLF: Dovecot then reports `W=` as RFC822.SIZE and serves a CRLF message byte for
/// byte. Nothing is written until `create`, `subscribe` or `append` (a plan only reads).
///
/// Known limits of the format: Maildir keeps no time zone (Dovecot shows INTERNALDATE as +0000, same
/// instant), and only 26 keywords per folder have a letter; further keywords are not stored.
///
/// Each delivery is also numbered in the folder's `dovecot-uidlist` (`MaildirUIDRecorder`): the IMAP
/// source's UIDVALIDITY and UIDs where the folder is fresh, the POP3 source's UIDL with each record, so that
/// Dovecot serving the tree answers what the source answered.
///
/// Folder state for the fast path: `uidValidity` is kept in the folder's `mailferry-uidvalidity`
/// file (written by `create`; a folder made by someone else falls back to its `cur/` inode),
/// `uidNext` is the file count + 1 and `highestModSeq` a hash of every file name, so that any
/// delivery, removal or flag change changes the state. The UIDs this store reports are numbers of
/// this store instance, not Dovecot's.
public final class MaildirStore: DestinationStore {
    public static let uidValidityFileName = "mailferry-uidvalidity"
    static let folderMarkerFileName = "maildirfolder"

    /// The Maildir root (INBOX).
    public let root: String
    /// Keywords go to `dovecot-keywords` (up to 26 per folder).
    public var acceptsKeywords: Bool { true }

    private let host: String
    private let runState = MaildirRunState()
    private let uidRecorder = MaildirUIDRecorder()

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        host = Self.hostName()
    }

    /// The store for one destination user, e.g. `/var/vmail/{domain}/{localpart}/Maildir` and
    /// `alice@new.example`. Refuses a user whose substitution would leave the template's directory.
    public static func open(template: String, user: String) throws(MaildirPathError) -> MaildirStore {
        MaildirStore(root: try MaildirPathTemplate(template: template).expand(user: user))
    }

    // MARK: Folders

    public func folders() async throws -> [FolderInfo] {
        guard MaildirFileSystem.isDirectory(root + "/cur") else { return [] }
        let subscriptions = try readSubscriptions()
        var selectable: Set<MailboxPath> = [.inbox]
        do throws(FileSystemFailure) {
            for entry in try MaildirFileSystem.entries(of: root) {
                guard let folder = MaildirFolderName.folder(forDirectoryName: entry), !folder.isInbox,
                    MaildirFileSystem.isDirectory("\(root)/\(entry)/cur")
                else { continue }
                selectable.insert(folder)
            }
        } catch {
            throw StoreError.folderUnavailable(folder: MailboxPath.inbox.description, reason: error.text)
        }
        // Parents that exist only as a prefix of ".A.B" are listed like Dovecot's \Noselect "A".
        let containers = Set(selectable.flatMap(\.ancestors)).subtracting(selectable)
        let infos =
            selectable.map { FolderInfo(path: $0, subscribed: subscriptions.contains($0)) }
            + containers.map { FolderInfo(path: $0, subscribed: subscriptions.contains($0), selectable: false) }
        return infos.sorted { $0.path < $1.path }
    }

    public func state(of folder: MailboxPath) async throws -> FolderState? {
        let directory = try directory(of: folder)
        guard let curStatus = MaildirFileSystem.status(directory + "/cur"), curStatus.isDirectory else { return nil }
        let files = try messageFiles(in: folder, directory: directory)
        var hash = FNV1a64()
        for file in files.map(\.fileName.name).sorted() { hash.add(file) }
        return FolderState(
            uidValidity: try uidValidity(of: directory), uidNext: UInt32(clamping: files.count + 1),
            messageCount: files.count, highestModSeq: hash.value)
    }

    public func summaries(in folder: MailboxPath) async throws -> [MessageSummary] {
        let directory = try directory(of: folder)
        let files = try messageFiles(in: folder, directory: directory).sorted { $0.fileName.base < $1.fileName.base }
        let keywords = try readKeywords(directory: directory, folder: folder)
        let uids = runState.uids(forSortedBases: files.map(\.fileName.base), folderKey: directory)
        var summaries: [MessageSummary] = []
        summaries.reserveCapacity(files.count)
        for (listed, uid) in zip(files, uids) {
            guard let (file, status, header) = try readMessage(listed, in: folder, directory: directory) else {
                continue
            }
            let size = Self.messageSize(fileSize: status.size, fileName: file.fileName, header: header)
            summaries.append(
                MessageSummary(
                    uid: uid, sourceKey: file.fileName.base, size: size,
                    internalDate: InternalDate(secondsSince1970: status.modificationSeconds),
                    flags: file.fileName.flags(keywords: keywords.byIndex),
                    identity: MessageIdentity(headers: header, size: size)))
        }
        return summaries
    }

    /// Status and header of a listed file. A Dovecot serving the folder renames a file when its flags
    /// change: the file is then looked up again by its base name, so that a message in use is never
    /// missed (which would copy it twice). Nil when it was removed meanwhile.
    func readMessage(_ listed: MessageFile, in folder: MailboxPath, directory: String) throws
        -> (MessageFile, MaildirFileSystem.Status, [UInt8])?
    {
        var file = listed
        for _ in 0..<3 {
            if let status = MaildirFileSystem.status(file.path) {
                do throws(FileSystemFailure) {
                    return (file, status, try MaildirFileSystem.readHeader(file.path))
                } catch {
                    // ENOENT: renamed between stat and open, looked up again below.
                    if error.code != ENOENT {
                        throw StoreError.folderUnavailable(folder: folder.description, reason: error.text)
                    }
                }
            }
            let base = listed.fileName.base
            let candidates = try messageFiles(in: folder, directory: directory)
            guard let moved = candidates.first(where: { $0.fileName.base == base }) else { return nil }
            file = moved
        }
        return nil
    }

    public func create(_ folder: MailboxPath) async throws {
        let directory = try directory(of: folder)
        do throws(FileSystemFailure) {
            try ensureFolder(folder, directory: directory)
        } catch {
            throw StoreError.folderRefused(folder: folder.description, reason: error.text)
        }
    }

    /// Renames the folder's directory and those of its children (Maildir++ keeps a child as
    /// `.Parent.Child` beside its parent).
    public func rename(_ folder: MailboxPath, to newName: MailboxPath) async throws {
        let from = try directory(of: folder)
        let to = try directory(of: newName)
        let fromName = String(from.dropFirst(root.count + 1))
        let toName = String(to.dropFirst(root.count + 1))
        do throws(FileSystemFailure) {
            for entry in try MaildirFileSystem.entries(of: root)
            where entry == fromName || entry.hasPrefix(fromName + ".") {
                try MaildirFileSystem.rename(
                    from: root + "/" + entry, to: root + "/" + toName + entry.dropFirst(fromName.count))
            }
        } catch {
            throw StoreError.folderRefused(
                folder: folder.description, reason: "cannot rename to \(newName): \(error.text)")
        }
    }

    public func subscribe(_ folder: MailboxPath) async throws {
        _ = try directory(of: folder)  // refuses names Maildir++ cannot hold
        do throws(FileSystemFailure) {
            try ensureFolder(.inbox, directory: root)
            try runState.withSharedFileLock { () throws(FileSystemFailure) in
                try MaildirFileSystem.update(root + "/" + MaildirSubscriptions.fileName) { current in
                    var subscriptions = current.map(MaildirSubscriptions.init(parsing:)) ?? MaildirSubscriptions()
                    return subscriptions.add(folder) ? subscriptions.serialized : nil
                }
            }
        } catch {
            throw StoreError.folderRefused(folder: folder.description, reason: "cannot subscribe: \(error.text)")
        }
    }

    // MARK: Messages

    @discardableResult
    public func append(_ message: MessageSummary, body: MessageBody, to folder: MailboxPath) async throws -> UInt32? {
        let directory = try directory(of: folder)
        let letters: String
        do throws(FileSystemFailure) {
            try ensureFolder(folder, directory: directory)
            let keywordIndex = try addKeywords(message.flags.keywords, directory: directory)
            letters = MaildirFileName.infoLetters(for: message.flags, keywordIndex: keywordIndex)
        } catch {
            throw Self.deliveryError(error)
        }

        let uniqueStem = makeUniqueStem()
        let file: WritableFile
        do throws(FileSystemFailure) {
            file = try WritableFile(creating: "\(directory)/tmp/\(uniqueStem)")
        } catch {
            throw Self.deliveryError(error)
        }
        let counts: DeliveryCounts
        do {
            counts = try await Self.stream(body, into: file)
            // fsync waits for the disk (milliseconds): not on a thread of the shared concurrency pool,
            // where it would stall the network work of every other mailbox.
            let seconds = message.internalDate.secondsSince1970
            try await Self.offload { () throws(FileSystemFailure) in try file.finish(modificationSeconds: seconds) }
        } catch {
            file.discard()
            if let failure = error as? FileSystemFailure { throw Self.deliveryError(failure) }
            throw error
        }

        let base = MaildirFileName.sizedBase(
            stem: uniqueStem, size: counts.bytes, crlfSize: counts.bytes + counts.bareLineFeeds)
        let fileName = MaildirFileName(base: base, info: letters)
        do throws(FileSystemFailure) {
            try uidRecorder.deliver(
                file.path, to: "\(directory)/cur/\(fileName.name)", base: base,
                source: MessageSourceKey(message.sourceKey), directory: directory,
                defaultUIDValidity: { (try? self.uidValidity(of: directory)) ?? 1 })
        } catch {
            file.discard()
            throw Self.deliveryError(error)
        }
        return runState.uids(forSortedBases: [base], folderKey: directory).first
    }

    public func setFlags(_ flags: MessageFlags, ofUID uid: UInt32, in folder: MailboxPath) async throws {
        let directory = try directory(of: folder)
        if runState.base(ofUID: uid, folderKey: directory) == nil { _ = try await summaries(in: folder) }
        guard let base = runState.base(ofUID: uid, folderKey: directory),
            let file = try messageFiles(in: folder, directory: directory).first(where: { $0.fileName.base == base })
        else {
            throw StoreError.messageRefused(reason: "message \(uid) no longer exists in \"\(folder)\" (\(directory))")
        }
        do throws(FileSystemFailure) {
            let keywordIndex = try addKeywords(flags.keywords, directory: directory)
            let letters = MaildirFileName.infoLetters(
                for: flags, keywordIndex: keywordIndex, preserving: file.fileName.info)
            let target = "\(directory)/cur/\(MaildirFileName(base: base, info: letters).name)"
            if target != file.path { try MaildirFileSystem.rename(from: file.path, to: target) }
        } catch {
            throw Self.deliveryError(error)
        }
    }

    /// UIDs are this session's numbers of the files (sorted by name), not Dovecot's.
    public var uidsPersist: Bool { false }

    public func delete(uids: [UInt32], in folder: MailboxPath) async throws -> Bool {
        let directory = try directory(of: folder)
        if uids.contains(where: { runState.base(ofUID: $0, folderKey: directory) == nil }) {
            _ = try await summaries(in: folder)
        }
        let bases = Set(uids.compactMap { runState.base(ofUID: $0, folderKey: directory) })
        for file in try messageFiles(in: folder, directory: directory) where bases.contains(file.fileName.base) {
            // Already gone (the user's client removed it meanwhile) is what was asked.
            guard unlink(file.path) == 0 || errno == ENOENT else {
                throw StoreError.messageRefused(
                    reason: "cannot remove \(file.path): \(String(cString: strerror(errno)))")
            }
        }
        return true
    }

    /// Reads the files of the listed messages in chunks; a file Dovecot stored with bare LFs is served
    /// with CRLF, as Dovecot serves it over IMAP (its `W=` size).
    public func withBodies<Result: Sendable>(
        of messages: [MessageSummary], in folder: MailboxPath,
        _ consume: @Sendable (MessageBodies) async throws -> Result
    ) async throws -> Result {
        let directory = try directory(of: folder)
        let files = try messageFiles(in: folder, directory: directory)
        let paths = Dictionary(files.map { ($0.fileName.base, $0.path) }, uniquingKeysWith: { first, _ in first })
        let queue = MessageQueue(
            messages.compactMap { summary in
                runState.base(ofUID: summary.uid, folderKey: directory).flatMap { paths[$0] }.map { (summary, $0) }
            })
        return try await consume(
            MessageBodies {
                while let (summary, path) = queue.next() {
                    // A file removed meanwhile is left out, as a vanished message is.
                    guard let chunks = MaildirFileSystem.chunks(of: path, crlf: true) else { continue }
                    return SourceMessage(summary: summary, body: MessageBody(size: summary.size, chunks: chunks))
                }
                return nil
            })
    }

    /// The messages `withBodies` still has to deliver, taken one at a time.
    private final class MessageQueue: Sendable {
        private let remaining: Mutex<ArraySlice<(MessageSummary, String)>>

        init(_ messages: [(MessageSummary, String)]) { remaining = Mutex(messages[...]) }

        func next() -> (MessageSummary, String)? { remaining.withLock { $0.popFirst() } }
    }

    public func close() async {}

    // MARK: Delivery

    struct DeliveryCounts {
        var bytes: Int64 = 0
        /// LFs not preceded by CR: each adds one byte to the size Dovecot reports (W=).
        var bareLineFeeds: Int64 = 0
    }

    /// Writes every chunk as it arrives (never the whole message in memory) and refuses a stream that
    /// delivers more or fewer bytes than announced.
    static func stream(_ body: MessageBody, into file: WritableFile) async throws -> DeliveryCounts {
        var counts = DeliveryCounts()
        var previous: UInt8 = 0
        for try await chunk in body.chunks {
            counts.bytes += Int64(chunk.count)
            guard counts.bytes <= body.size else {
                throw sizeMismatch(announced: body.size, delivered: counts.bytes, atLeast: true)
            }
            for byte in chunk {
                if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { counts.bareLineFeeds += 1 }
                previous = byte
            }
            try file.write(chunk[...])
        }
        guard counts.bytes == body.size else {
            throw sizeMismatch(announced: body.size, delivered: counts.bytes, atLeast: false)
        }
        return counts
    }

    private static let diskQueue = DispatchQueue(label: "mailferry.maildir.disk", attributes: .concurrent)

    private static func offload(_ work: @escaping @Sendable () throws(FileSystemFailure) -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            diskQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private static func sizeMismatch(announced: Int64, delivered: Int64, atLeast: Bool) -> StoreError {
        .interrupted(
            server: "Maildir",
            reason: "the message body delivered \(atLeast ? "more than " : "")\(delivered) bytes where \(announced) "
                + "were announced; nothing was delivered")
    }

    private static func deliveryError(_ failure: FileSystemFailure) -> StoreError {
        failure.isOutOfSpace ? .quotaExceeded(reason: failure.text) : .messageRefused(reason: failure.text)
    }

    /// `<secs>.M<usecs>P<pid>Q<counter>.<host>`; the size fields are added once the body is written.
    private func makeUniqueStem() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return MaildirFileName.uniqueStem(
            seconds: Int64(now.tv_sec), microseconds: Int(now.tv_nsec / 1000), pid: getpid(),
            counter: runState.nextDeliveryCounter(), host: host)
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name
    }

    /// The size an IMAP client sees: the file size for a message stored with CRLF (everything this
    /// store writes from a CRLF source), Dovecot's `W=` for a file Dovecot stored with bare LFs.
    static func messageSize(fileSize: Int64, fileName: MaildirFileName, header: [UInt8]) -> Int64 {
        guard let crlfSize = fileName.sizeField("W"), let firstLF = header.firstIndex(of: UInt8(ascii: "\n")) else {
            return fileSize
        }
        let storedWithCRLF = firstLF > 0 && header[firstLF - 1] == UInt8(ascii: "\r")
        return storedWithCRLF ? fileSize : crlfSize
    }

    // MARK: Folder files

    struct MessageFile {
        var path: String
        var fileName: MaildirFileName
    }

    private func directory(of folder: MailboxPath) throws(StoreError) -> String {
        let name = try MaildirFolderName.directoryName(for: folder)
        return name.isEmpty ? root : "\(root)/\(name)"
    }

    /// Files in `cur/` and `new/` (dot files are Maildir's hidden temporaries and are skipped).
    private func messageFiles(in folder: MailboxPath, directory: String) throws -> [MessageFile] {
        do throws(FileSystemFailure) {
            var files: [MessageFile] = []
            for subdirectory in ["cur", "new"] {
                for entry in try MaildirFileSystem.entries(of: "\(directory)/\(subdirectory)")
                where !entry.hasPrefix(".") {
                    files.append(
                        MessageFile(
                            path: "\(directory)/\(subdirectory)/\(entry)", fileName: MaildirFileName(parsing: entry)))
                }
            }
            return files
        } catch {
            throw StoreError.folderUnavailable(folder: folder.description, reason: error.text)
        }
    }

    /// Creates the root (INBOX) and the folder's directory with cur/ new/ tmp/, its `maildirfolder`
    /// marker and its UIDVALIDITY file; leaves existing ones as they are. Parents (".A" for ".A.B")
    /// are not created, as Dovecot does not create them either.
    private func ensureFolder(_ folder: MailboxPath, directory: String) throws(FileSystemFailure) {
        if MaildirFileSystem.isDirectory(directory + "/cur"), MaildirFileSystem.isDirectory(directory + "/new"),
            MaildirFileSystem.isDirectory(directory + "/tmp")
        {
            return
        }
        if !folder.isInbox { try ensureFolder(.inbox, directory: root) }
        for subdirectory in ["cur", "new", "tmp"] {
            try MaildirFileSystem.makeDirectories("\(directory)/\(subdirectory)")
        }
        if !folder.isInbox, MaildirFileSystem.status("\(directory)/\(Self.folderMarkerFileName)") == nil {
            try MaildirFileSystem.replaceFile("\(directory)/\(Self.folderMarkerFileName)", contents: [])
        }
        if MaildirFileSystem.status("\(directory)/\(Self.uidValidityFileName)") == nil {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let value = UInt32(truncatingIfNeeded: now.tv_sec) | 1
            try MaildirFileSystem.replaceFile(
                "\(directory)/\(Self.uidValidityFileName)", contents: Array("\(value)\n".utf8))
        }
    }

    private func uidValidity(of directory: String) throws -> UInt32 {
        if let bytes = try? MaildirFileSystem.readSmallFile("\(directory)/\(Self.uidValidityFileName)"),
            let value = UInt32(String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            value != 0
        {
            return value
        }
        var info = stat()
        guard stat(directory + "/cur", &info) == 0 else { return 1 }
        return UInt32(truncatingIfNeeded: info.st_ino) | 1
    }

    private func readSubscriptions() throws -> MaildirSubscriptions {
        do throws(FileSystemFailure) {
            return try MaildirFileSystem.readSmallFile(root + "/" + MaildirSubscriptions.fileName)
                .map(MaildirSubscriptions.init(parsing:)) ?? MaildirSubscriptions()
        } catch {
            throw StoreError.folderUnavailable(folder: MailboxPath.inbox.description, reason: error.text)
        }
    }

    private func readKeywords(directory: String, folder: MailboxPath) throws -> MaildirKeywords {
        do throws(FileSystemFailure) {
            return try MaildirFileSystem.readSmallFile("\(directory)/\(MaildirKeywords.fileName)")
                .map(MaildirKeywords.init(parsing:)) ?? MaildirKeywords()
        } catch {
            throw StoreError.folderUnavailable(folder: folder.description, reason: error.text)
        }
    }

    /// Indexes for `keywords` in the folder's `dovecot-keywords`, adding the missing ones.
    private func addKeywords(_ keywords: Set<String>, directory: String) throws(FileSystemFailure) -> [String: Int] {
        let path = "\(directory)/\(MaildirKeywords.fileName)"
        guard !keywords.isEmpty else {
            return try MaildirFileSystem.readSmallFile(path).map(MaildirKeywords.init(parsing:))?.indexByKeyword ?? [:]
        }
        return try runState.withSharedFileLock { () throws(FileSystemFailure) in
            var table = MaildirKeywords()
            try MaildirFileSystem.update(path) { current in
                table = current.map(MaildirKeywords.init(parsing:)) ?? MaildirKeywords()
                return table.add(keywords) ? table.serialized : nil
            }
            return table.indexByKeyword
        }
    }
}

/// FNV-1a, 64 bit: a stable digest of file names for `FolderState.highestModSeq` (not a security hash).
struct FNV1a64 {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0)
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }
}
