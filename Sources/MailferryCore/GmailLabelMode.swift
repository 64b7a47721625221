/// `folders.labels`: how a Gmail source's labels arrive on the destination.
public enum GmailLabelMode: String, Sendable, Hashable, CaseIterable {
    /// Each label is a folder and a message is copied once into each of its labels' folders.
    case folders
    /// Each message is copied once, into the folder of its first label; its other labels become
    /// IMAP keywords on that copy (`LabelKeyword`).
    case keywords
}
