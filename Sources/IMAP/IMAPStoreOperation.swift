/// How UID STORE changes flags.
public enum IMAPStoreOperation: String, Sendable {
    case add = "+FLAGS.SILENT"
    case remove = "-FLAGS.SILENT"
    case replace = "FLAGS.SILENT"
}
