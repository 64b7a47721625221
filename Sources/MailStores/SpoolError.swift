import MailferryCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A temporary file could not be written or read (disk full, permissions).
enum SpoolError: Error {
    case failed(String, Int32)

    var storeError: StoreError {
        switch self {
        case .failed(let what, let code):
            .messageRefused(reason: "\(what): \(String(cString: strerror(code)))")
        }
    }
}
