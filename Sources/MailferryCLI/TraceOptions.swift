import ArgumentParser
import Foundation

/// `--verbose`: protocol traces on stderr. The protocol clients redact every credential (and its
/// length) before a trace line exists, so this is safe to paste into a ticket.
struct TraceOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the IMAP/POP3 conversation (credentials redacted) on stderr.")
    var verbose = false

    /// A sink for `StoreFactory`, or nil when tracing is off.
    var sink: (@Sendable (String) -> Void)? {
        guard verbose else { return nil }
        return { line in
            let text = line.hasSuffix("\n") ? line : line + "\n"
            FileHandle.standardError.write(Data(("trace: " + text).utf8))
        }
    }
}
