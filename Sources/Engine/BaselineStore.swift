import Ledger
import MailferryCore

/// One destination folder's baseline entries, held as columns: a re-run that finds a folder of
/// 200,000 messages changed holds one entry per message. As an array of `BaselineEntry` each took
/// about 180 bytes (a 96-byte value and the identity's own heap block); here about 110: the
/// identities' bytes one after another, the folders and the keyword lists as indices into tables of
/// the few distinct ones, the destination UID without an optional, and the system flags as bits.
struct BaselineStore: Sendable {
    private var keys: [CompactSourceKey] = []
    /// Per entry its source and destination folder, as indices into `folders`.
    private var sourceFolders: [UInt32] = []
    private var destinationFolders: [UInt32] = []
    private var folders: [MailboxPath] = []
    private var folderIndices: [MailboxPath: UInt32] = [:]
    /// 0 where the destination's UID is not known (no message has UID 0).
    private var destinationUIDs: [UInt32] = []
    /// Per entry the source's system flag bits, then the destination's (`MessageFlags.parts`).
    private var systemBits: [UInt16] = []
    /// Per entry its source's and its destination's keywords, as indices into `keywordLists`
    /// (index 0: none).
    private var sourceKeywords: [UInt32] = []
    private var destinationKeywords: [UInt32] = []
    private var keywordLists: [[String]] = [[]]
    private var keywordListIndices: [[String]: UInt32] = [[]: 0]
    /// The identities' keys' bytes, one after another, and where each ends.
    private var identityBytes: [UInt8] = []
    private var identityEnds: [Int] = []

    var count: Int { keys.count }

    /// Room for `count` entries whose identities take `identityBytes` bytes, so that no column is
    /// grown by doubling (which may hold up to twice its entries, and both sizes while it grows).
    mutating func reserveCapacity(_ count: Int, identityBytes: Int = 0) {
        self.identityBytes.reserveCapacity(identityBytes)
        keys.reserveCapacity(count)
        sourceFolders.reserveCapacity(count)
        destinationFolders.reserveCapacity(count)
        destinationUIDs.reserveCapacity(count)
        systemBits.reserveCapacity(count)
        sourceKeywords.reserveCapacity(count)
        destinationKeywords.reserveCapacity(count)
        identityEnds.reserveCapacity(count)
    }

    mutating func append(_ entry: BaselineEntry) {
        keys.append(entry.key)
        sourceFolders.append(folderIndex(entry.sourceFolder))
        destinationFolders.append(folderIndex(entry.destinationFolder))
        destinationUIDs.append(entry.destinationUID ?? 0)
        let source = entry.sourceFlags.parts
        let destination = entry.destinationFlags.parts
        systemBits.append(UInt16(source.systemBits) | UInt16(destination.systemBits) << 8)
        sourceKeywords.append(keywordListIndex(source.keywords))
        destinationKeywords.append(keywordListIndex(destination.keywords))
        identityBytes.append(contentsOf: entry.identity.key.utf8)
        identityEnds.append(identityBytes.count)
    }

    private mutating func folderIndex(_ folder: MailboxPath) -> UInt32 {
        if let index = folderIndices[folder] { return index }
        let index = UInt32(folders.count)
        folders.append(folder)
        folderIndices[folder] = index
        return index
    }

    private mutating func keywordListIndex(_ keywords: [String]) -> UInt32 {
        if keywords.isEmpty { return 0 }
        if let index = keywordListIndices[keywords] { return index }
        let index = UInt32(keywordLists.count)
        keywordLists.append(keywords)
        keywordListIndices[keywords] = index
        return index
    }

    /// Entry `index` as a value.
    subscript(index: Int) -> BaselineEntry {
        let bits = systemBits[index]
        return BaselineEntry(
            sourceFolder: sourceFolder(at: index), key: keys[index], identity: identity(at: index),
            destinationFolder: folders[Int(destinationFolders[index])], destinationUID: destinationUID(at: index),
            sourceFlags: MessageFlags(
                parts: (UInt8(truncatingIfNeeded: bits), keywordLists[Int(sourceKeywords[index])])),
            destinationFlags: MessageFlags(
                parts: (UInt8(truncatingIfNeeded: bits >> 8), keywordLists[Int(destinationKeywords[index])])))
    }

    func key(at index: Int) -> CompactSourceKey { keys[index] }

    func sourceFolder(at index: Int) -> MailboxPath { folders[Int(sourceFolders[index])] }

    func destinationUID(at index: Int) -> UInt32? {
        destinationUIDs[index] == 0 ? nil : destinationUIDs[index]
    }

    private func identityRange(at index: Int) -> Range<Int> {
        (index == 0 ? 0 : identityEnds[index - 1])..<identityEnds[index]
    }

    func identity(at index: Int) -> MessageIdentity {
        MessageIdentity(key: String(decoding: identityBytes[identityRange(at: index)], as: UTF8.self))
    }

    /// Whether entry `index`'s identity is `identity`: compared as bytes, without making a string,
    /// unless either is other than 7-bit text, which compares as strings do (canonically equivalent
    /// spellings are equal).
    func hasIdentity(at index: Int, _ identity: MessageIdentity) -> Bool {
        let bytes = identityBytes[identityRange(at: index)]
        if identity.key.utf8.elementsEqual(bytes) { return true }
        guard bytes.contains(where: { $0 >= 0x80 }) || identity.key.utf8.contains(where: { $0 >= 0x80 }) else {
            return false
        }
        return self.identity(at: index) == identity
    }

    /// Whether entry `index` was copied without its header fields (`MessageIdentity.isUnread`).
    func identityIsUnread(at index: Int) -> Bool {
        identityBytes[identityRange(at: index)].starts(with: MessageIdentity.unreadPrefix.utf8)
    }
}
