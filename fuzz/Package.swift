// swift-tools-version:6.0
// libFuzzer harnesses for mailferry's parsers; NOT part of the main build or CI (see README.md).
//
// The parser sources are the project's own (Sources/<Module> are symlinks into ../Sources), built
// here with only the files the parsers need, so that no TLS or SwiftNIO networking stack is built
// with the fuzzer and address sanitizer. Build with ./build.sh.
import PackageDescription

let package = Package(
    name: "mailferry-fuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
    ],
    targets: [
        // Only the error enum (IMAPError and POP3Error wrap TransportError) and the SASL base64 both use.
        .target(
            name: "MailTransport", path: "Sources/MailTransport", sources: ["TransportError.swift", "BearerTokenSASL.swift"]),
        .target(
            name: "IMAP", dependencies: ["MailTransport", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/IMAP",
            exclude: [
                "IMAPClient.swift", "IMAPClient+Authentication.swift", "IMAPClient+Mailboxes.swift",
                "IMAPClient+Messages.swift", "IMAPClientConfiguration.swift", "IMAPBodyStream.swift", "PendingCommand.swift",
            ]),
        .target(
            name: "POP3", dependencies: ["MailTransport", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/POP3",
            exclude: ["POP3Client.swift", "POP3Transport.swift", "POP3ConnectionOptions.swift"]),
        .target(name: "MailferryCore", path: "Sources/MailferryCore"),
        .target(
            name: "JobSpec",
            dependencies: [
                "MailferryCore", .product(name: "Yams", package: "Yams"), .product(name: "CSV", package: "CSV.swift"),
            ],
            path: "Sources/JobSpec",
            // The users-file harness calls the internal UsersFileReader directly (@testable import).
            swiftSettings: [.unsafeFlags(["-enable-testing"])]),
        // Declares libFuzzer's LLVMFuzzerRunDriver; see Targets/*/LibFuzzerMain.swift.
        .target(name: "CLibFuzzer", path: "Support/CLibFuzzer"),
        .executableTarget(
            name: "fuzz-imap-response", dependencies: ["CLibFuzzer", "IMAP", .product(name: "NIOCore", package: "swift-nio")],
            path: "Targets/imap-response"),
        .executableTarget(
            name: "fuzz-pop3-response", dependencies: ["CLibFuzzer", "POP3", .product(name: "NIOCore", package: "swift-nio")],
            path: "Targets/pop3-response"),
        .executableTarget(
            name: "fuzz-utf7", dependencies: ["CLibFuzzer", "IMAP"], path: "Targets/utf7"),
        .executableTarget(
            name: "fuzz-job-file", dependencies: ["CLibFuzzer", "JobSpec", "MailferryCore"], path: "Targets/job-file"),
        .executableTarget(
            name: "fuzz-users-file", dependencies: ["CLibFuzzer", "JobSpec", "MailferryCore"], path: "Targets/users-file"),
    ],
    swiftLanguageModes: [.v6]
)
