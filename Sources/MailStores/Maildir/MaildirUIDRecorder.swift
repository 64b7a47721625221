import Foundation

/// Numbers each delivered message in its folder's `dovecot-uidlist`, so that a Dovecot serving the
/// Maildir answers what the source answered and mail clients keep their caches after the switch:
///
/// - a folder that is new or still empty (no message file, no record) takes the IMAP source's
///   UIDVALIDITY, and each message its source UID;
/// - later deliveries keep the source UID while the folder has the source's UIDVALIDITY and the UID is
///   above every UID the folder handed out; otherwise they take the folder's next UID;
/// - UIDs already in the file are never changed (mail a client has seen is not renumbered);
/// - a POP3 source's UIDL goes into the record's `P` field, which Dovecot's POP3 server answers to
///   `UIDL` instead of its `pop3_uidl_format`.
///
/// The file is rewritten only when the folder is fresh; otherwise a record is appended, as Dovecot
/// does. Both happen under Dovecot's dotlock, together with the move of the file into `cur/`, so a
/// Dovecot syncing meanwhile never numbers the file itself first. A folder whose uidlist this store
/// cannot read as version 3, or that holds messages but has no uidlist yet (written by another
/// delivery agent, perhaps with Courier's `courierimapuiddb`), is left for Dovecot to number, as is any
/// delivery whose record cannot be written: the message itself is always delivered.
final class MaildirUIDRecorder: @unchecked Sendable {
    /// A folder's file as last read or written by this store, valid while inode and size are unchanged
    /// (Dovecot appends or replaces it, so a change by Dovecot changes one of them).
    private struct Known {
        var inode: UInt64
        var size: Int64
        /// Nil: not a file this store writes to.
        var list: DovecotUIDList?
    }

    private let lock = NSLock()
    private var known: [String: Known] = [:]
    /// Folders without a uidlist that held messages before this store delivered any.
    private var leftToDovecot: Set<String> = []

    /// Moves `temporary` to `target` (in `directory/cur/`) and records the message's UID.
    /// `defaultUIDValidity` is the folder's UIDVALIDITY for a fresh file without an IMAP source.
    func deliver(
        _ temporary: String, to target: String, base: String, source: MessageSourceKey, directory: String,
        defaultUIDValidity: () -> UInt32
    ) throws(FileSystemFailure) {
        lock.lock()
        defer { lock.unlock() }
        guard let dotlock = try? MaildirFileSystem.acquireDotlock("\(directory)/\(DovecotUIDList.lockFileName)")
        else {
            // Dovecot holds the file longer than the wait: the message goes unnumbered.
            try MaildirFileSystem.rename(from: temporary, to: target)
            return
        }
        defer { dotlock.discard() }
        let path = "\(directory)/\(DovecotUIDList.fileName)"
        let plan = numbering(path: path, directory: directory, source: source, defaultUIDValidity)
        try MaildirFileSystem.rename(from: temporary, to: target)
        guard let plan else { return }
        let uidl: String? = if case .pop3(let uidl) = source { uidl } else { nil }
        let record = DovecotUIDList.record(uid: plan.uid, pop3UIDL: uidl, base: base)
        do throws(FileSystemFailure) {
            if plan.rewrite {
                let guid = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
                let header = DovecotUIDList.header(
                    uidValidity: plan.list.uidValidity, nextUID: plan.uid + 1, guid: guid)
                try MaildirFileSystem.replaceFile(path, contents: Array((header + record).utf8))
            } else {
                try MaildirFileSystem.append(Array(record.utf8), to: path)
            }
        } catch {
            // Delivered all the same; Dovecot numbers the file when it next looks.
            known[directory] = nil
            return
        }
        var list = plan.list
        list.nextUID = plan.uid + 1
        list.recordCount += 1
        if let status = MaildirFileSystem.status(path) {
            known[directory] = Known(inode: status.inode, size: status.size, list: list)
        }
    }

    private struct Numbering {
        /// The file's state before this record, with the UIDVALIDITY it gets.
        var list: DovecotUIDList
        var uid: UInt32
        /// The folder is fresh: the file is written anew rather than appended to.
        var rewrite: Bool
    }

    /// The UID for the next message, or nil when the folder is left to Dovecot.
    private func numbering(
        path: String, directory: String, source: MessageSourceKey, _ defaultUIDValidity: () -> UInt32
    ) -> Numbering? {
        let existing: DovecotUIDList?
        if let status = MaildirFileSystem.status(path) {
            if let cached = known[directory], cached.inode == status.inode, cached.size == status.size {
                existing = cached.list
            } else {
                existing = (try? MaildirFileSystem.readSmallFile(path)).flatMap { DovecotUIDList(parsing: $0) }
                known[directory] = Known(inode: status.inode, size: status.size, list: existing)
            }
            guard let existing else { return nil }
            if existing.recordCount > 0 || Self.holdsMessages(directory) {
                return Self.numbering(after: existing, source: source, rewrite: false)
            }
        } else {
            if leftToDovecot.contains(directory) { return nil }
            if Self.holdsMessages(directory) {
                leftToDovecot.insert(directory)
                return nil
            }
            existing = nil
        }
        // Fresh: the IMAP source's UIDVALIDITY; under a new UIDVALIDITY, UIDs start again at 1.
        let validity: UInt32
        if case .imap(let sourceValidity, _) = source {
            validity = sourceValidity
        } else {
            validity = existing?.uidValidity ?? defaultUIDValidity()
        }
        var start = DovecotUIDList(uidValidity: validity, nextUID: 1, recordCount: 0)
        if let existing, existing.uidValidity == validity { start.nextUID = existing.nextUID }
        return Self.numbering(after: start, source: source, rewrite: true)
    }

    /// The source UID when it fits (same UIDVALIDITY, above every UID given), else the next UID.
    private static func numbering(after list: DovecotUIDList, source: MessageSourceKey, rewrite: Bool) -> Numbering? {
        if case .imap(let validity, let uid) = source, validity == list.uidValidity, uid >= list.nextUID,
            uid < UInt32.max
        {
            return Numbering(list: list, uid: uid, rewrite: rewrite)
        }
        guard list.nextUID < UInt32.max else { return nil }
        return Numbering(list: list, uid: list.nextUID, rewrite: rewrite)
    }

    /// Whether `cur/` or `new/` holds a message file (dot files are temporaries); a directory that
    /// cannot be read counts as holding some, so that it is never taken for fresh.
    private static func holdsMessages(_ directory: String) -> Bool {
        for subdirectory in ["cur", "new"] {
            guard let names = try? MaildirFileSystem.entries(of: "\(directory)/\(subdirectory)") else { return true }
            if names.contains(where: { !$0.hasPrefix(".") }) { return true }
        }
        return false
    }
}
