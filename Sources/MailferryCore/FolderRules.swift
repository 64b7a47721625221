/// Which source folders move and under which names. Names are written with "/" as the hierarchy
/// separator whatever the servers use; stores translate to and from their own delimiter and prefix.
public struct FolderRules: Sendable, Hashable {
    public struct Translation: Sendable, Hashable {
        public var source: String
        public var destination: String

        public init(source: String, destination: String) {
            self.source = source
            self.destination = destination
        }
    }

    /// Globs (`*` any run of characters including "/", `?` one character) over source folder names.
    public var skip: [String]
    /// In file order; the longest matching source prefix wins, and it applies to subfolders too.
    public var translate: [Translation]
    /// Allows several sources onto one destination folder.
    public var merge: Bool
    /// Map `\Sent \Drafts \Trash \Junk \Archive` folders by their SPECIAL-USE attribute.
    public var specialUse: Bool
    /// `folders.archive`: where a Gmail source's archived mail (in All Mail only) goes; nil: the
    /// destination's `\Archive` folder, else `Archive`.
    public var archive: String?
    /// `folders.labels`: a Gmail source's labels as folders (each message once per label) or as
    /// keywords (each message once, in its first label's folder).
    public var labels: GmailLabelMode
    /// The sides' `provider`, whose folder conventions apply (set from `source` and `destination.imap`).
    public var sourceProvider: MailProvider
    public var destinationProvider: MailProvider

    public init(
        skip: [String] = [], translate: [Translation] = [], merge: Bool = false, specialUse: Bool = true,
        archive: String? = nil, labels: GmailLabelMode = .folders, sourceProvider: MailProvider = .generic,
        destinationProvider: MailProvider = .generic
    ) {
        self.skip = skip
        self.translate = translate
        self.merge = merge
        self.specialUse = specialUse
        self.archive = archive
        self.labels = labels
        self.sourceProvider = sourceProvider
        self.destinationProvider = destinationProvider
    }
}
