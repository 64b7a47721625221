// swift-tools-version:6.0
// The manifest is the map of the architecture: job spec -> planner -> executor,
// over protocol clients and mail stores. Each target imports only what it needs.
import PackageDescription

/// The release link's code layout (see the `mailferry` target below).
let symbolOrderFile = "\(Context.packageDirectory)/Sources/mailferry/symbol-order.txt"

let package = Package(
    name: "mailferry",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mailferry", targets: ["mailferry"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift.git", from: "2.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        // OAuth2 (issue 19): token endpoint client and RS256 signing, for the OAuth2 target only.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    ],
    targets: [
        // The release version and the git commit of this build (`mailferry --version`).
        .target(name: "BuildInfo", plugins: ["BuildCommitPlugin"]),
        .plugin(name: "BuildCommitPlugin", capability: .buildTool()),

        // Domain values: job, diagnostics, secrets, mailbox paths, plan. Foundation, and swift-crypto
        // for SHA-256 (digests and message fingerprints).
        .target(name: "MailferryCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),

        // YAML job file + users file -> validated Job and every diagnostic in one pass.
        .target(
            name: "JobSpec",
            dependencies: [
                "MailferryCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "CSV", package: "CSV.swift"),
            ]
        ),

        // TCP + TLS connections (implicit TLS, STARTTLS upgrade), timeouts, typed transport errors.
        .target(
            name: "MailTransport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),

        // IMAP4rev1 client: framing, response grammar, command encoder, session.
        .target(
            name: "IMAP",
            dependencies: [
                "MailTransport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // POP3 client: response framing, dot-unstuffing, session. Never DELE.
        .target(
            name: "POP3",
            dependencies: [
                "MailTransport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // OAuth2 bearer tokens: static, command, client credentials, service account (JWT RS256); in-memory cache.
        .target(
            name: "OAuth2",
            dependencies: [
                "MailferryCore", "MailTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),

        // IMAP, POP3 and Maildir stores behind the MailStore protocols of MailferryCore.
        .target(
            name: "MailStores",
            dependencies: [
                "MailferryCore", "IMAP", "POP3", "MailTransport", "OAuth2",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),

        // SQLite state: runs, per-user results, copied-message journal.
        .target(
            name: "Ledger",
            dependencies: [
                "MailferryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the per-message statements (RowStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),

        // Planner and executor, written against `any MailStore` only.
        .target(name: "Engine", dependencies: ["MailferryCore", "Ledger"]),

        // Commands and renderers; the only layer that prints or exits.
        .target(
            name: "MailferryCLI",
            dependencies: [
                "BuildInfo", "MailferryCore", "JobSpec", "MailStores", "Ledger", "Engine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Release on Linux links with lld so that the static binary's 135,000 relative relocations
        // are packed (DT_RELR, glibc 2.36+) instead of 3 MiB of RELA entries read at every start, and
        // exports no dynamic symbols (2.4 MiB of .dynsym/.dynstr that nothing looks up), and it
        // places the code a run executes first, together (symbol-order.txt, made by
        // bench/symbol-order.sh): all three were pages of every process's peak RSS (bench/RESULTS.md).
        .executableTarget(
            name: "mailferry", dependencies: ["MailferryCLI"], exclude: ["symbol-order.txt"],
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                        "-Xlinker", "--no-export-dynamic",
                        "-Xlinker", "--symbol-ordering-file=\(symbolOrderFile)",
                        "-Xlinker", "--no-warn-symbol-ordering",
                    ],
                    .when(platforms: [.linux], configuration: .release))
            ]),

        // Starts and stops real Dovecot servers for integration tests (scripts/dovecot).
        .target(name: "TestSupport", path: "Tests/TestSupport"),

        .testTarget(name: "MailferryCoreTests", dependencies: ["MailferryCore", "TestSupport"]),
        .testTarget(
            name: "JobSpecTests", dependencies: ["JobSpec", "MailferryCore", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "MailTransportTests",
            dependencies: [
                "MailTransport", "TestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "IMAPTests",
            dependencies: [
                "IMAP", "MailTransport", "TestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "POP3Tests",
            dependencies: ["POP3", "MailTransport", "TestSupport", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "MailStoresTests",
            dependencies: ["MailStores", "MailferryCore", "IMAP", "POP3", "MailTransport", "OAuth2", "TestSupport"]
        ),
        .testTarget(
            name: "LedgerTests",
            dependencies: ["Ledger", "MailferryCore", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "MailferryCore", "Ledger"]),
        .testTarget(
            name: "OAuth2Tests",
            dependencies: [
                "OAuth2", "MailferryCore", "TestSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // The engine over real stores against two real Dovecot servers (issue 4's must-show list).
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Engine", "Ledger", "MailStores", "JobSpec", "MailferryCore", "IMAP", "MailTransport", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "MailferryCLITests",
            dependencies: ["BuildInfo", "MailferryCLI", "MailferryCore", "Ledger", "Engine", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
