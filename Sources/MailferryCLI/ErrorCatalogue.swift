/// The error catalogue of docs/errors.md in code, so that reports can explain a user's last error:
/// its message prefix, what it means and what to do. A test keeps both identical (backticks mark
/// code, as in the Markdown).
enum ErrorCatalogue {
    struct Entry: Sendable, Equatable {
        var name: String
        /// The start of the message mailferry prints.
        var message: String
        var meaning: String
        var action: String
    }

    /// The entry whose message starts `text` (the longest such one), nil for an uncatalogued text.
    static func explain(_ text: String) -> Entry? {
        entries.filter { text.hasPrefix($0.message) }.max { $0.message.count < $1.message.count }
    }

    static let entries: [Entry] = [
        Entry(
            name: "mass-delete guard", message: "mass-delete guard",
            meaning:
                "With `options.deletions: mirror`, a run would remove more than half of a destination folder's messages (and more than 10), or anything from a folder the source now shows empty. It removed nothing there; the user ends partial. A source that shows an empty folder for a moment must not empty the destination.",
            action: "Check the folder on the source. If the deletions are real, run `apply --allow-mass-delete` once."),
        Entry(
            name: "login failed", message: "login failed at",
            meaning:
                "The server refused the user's (or admin's) credentials; the server's text follows, e.g. `[AUTHENTICATIONFAILED] Authentication failed.` or POP3's `[AUTH]`. Never retried, so accounts are not locked out.",
            action: "Check the password in the users file, or the `admin` login and its `env:`/`file:` secret."),
        Entry(
            name: "timed out during read", message: "timed out during read",
            meaning:
                "The server sent nothing for `source.timeout` while an answer was awaited (a hung server or a dead link).",
            action: "If it persists, raise `source.timeout` or check the server's load."),
        Entry(
            name: "timed out on fetch", message: "timed out on UID FETCH",
            meaning:
                "A message download did not finish before its deadline.",
            action: "Usually a slow link with a very large message; raise `source.timeout`."),
        Entry(
            name: "socket disconnected", message: "the server closed the connection (socket disconnected)",
            meaning:
                "The TCP connection was cut (server restart, idle limit, network); over POP3 also a server that hangs up in the middle of a response.",
            action: "Nothing if the retry succeeds; otherwise check the server's connection limits."),
        Entry(
            name: "server said BYE", message: "the server closed the session (BYE)",
            meaning:
                "The server ended the session on its own (shutdown, idle limit). A BYE about too many connections is a throttle (next row).",
            action: "Nothing if the retry succeeds."),
        Entry(
            name: "daily budget used up", message: "daily budget used up",
            meaning:
                "The mailbox moved as many bytes in the last 24 hours as a side's `limits.bytes_per_day` allows (Gmail's defaults: 2500 MB a day downloaded, 500 MB a day uploaded). The next message is not started; the message says when enough of the day's bytes have aged out (`run again after 2026-12-07 09:14 UTC`). The bytes are kept per mailbox in the job's state (`budgets/`), so a new run does not start afresh. With `limits.server.bytes_per_day` the budget is the whole side's (all mailboxes together, kept in `budgets/server/`): the message then says `for the whole destination server` (or source), and every mailbox that reaches it pauses.",
            action:
                "Run `apply` again after that time; it resumes where the run stopped. Raise `bytes_per_day` only if the provider allows more."
        ),
        Entry(
            name: "throttled by the server", message: "throttled by",
            meaning:
                "The server throttles: IMAP `[THROTTLED]` or `[UNAVAILABLE]` (RFC 5530), Exchange Online's `Request is throttled. Suggested Backoff Time: N milliseconds`, a BYE or refusal for too many connections (`Too many simultaneous connections`, `connection limit`), a TCP connection refused or reset before the greeting while the job holds other connections to that server (the message then reads `refused a connection while the job held others (…); now at most N at once`: the job keeps to N connections to that server for the rest of the run, and the user pauses 1 s, then waits for a free place), POP3 `[LOGIN-DELAY]`, `[IN-USE]` or `[SYS/TEMP]`. The user pauses for the hinted time, else 30 s doubling up to 15 min, then reconnects and resumes by diffing (nothing lost or copied twice); the user's log says `pausing …` and `status` shows it `paused until …` (JSON `resume_at`) until it runs again. After 10 pauses in one run the user stops as **partial** with this message.",
            action:
                "Nothing, usually. If it recurs, lower the side's `limits` (`connections`, `messages_per_second`) or `options.concurrency`, or set the `provider` so that its defaults apply; run `apply` again later."
        ),
        Entry(
            name: "TLS verification failed", message: "TLS certificate verification failed for",
            meaning:
                "The certificate is not signed by a trusted CA or does not name the host.",
            action:
                "Pass the CA with `tls: { ca_file: PATH }`; `verify: false` only for a server you trust on a trusted network."
        ),
        Entry(
            name: "TLS handshake failed", message: "TLS handshake with",
            meaning:
                "No common TLS version or cipher (mailferry needs TLS 1.2 or later).",
            action: "Upgrade the server's TLS configuration."),
        Entry(
            name: "STARTTLS not offered", message: "the server does not offer STARTTLS",
            meaning:
                "`starttls: required` but the server (or something in between) does not offer it (POP3: STLS).",
            action: "Use the implicit-TLS port (`imap4s`/`pop3s`), or `starttls: optional` if plaintext is acceptable."),
        Entry(
            name: "plaintext login refused", message: "refusing to send credentials over an unencrypted connection",
            meaning:
                "Credentials would travel unencrypted.",
            action: "Enable TLS, or set `allow_plaintext_login: true` for a trusted network."),
        Entry(
            name: "connection refused", message: "connection refused by",
            meaning:
                "Nothing listens on that host and port. With `auto` and several enabled ports, the next port is tried first.",
            action: "Check `host`, `ports` and that the server runs."),
        Entry(
            name: "unknown host", message: "host name not found",
            meaning:
                "DNS has no address for the host.",
            action: "Check the spelling of `host` and the resolver."),
        Entry(
            name: "folder creation refused", message: "folder creation refused for",
            meaning:
                "The destination refused CREATE (invalid name, or a component contains its hierarchy separator).",
            action: "Add a `folders.translate` rule to a name the destination accepts, or `folders.skip` it."),
        Entry(
            name: "message too large for the destination",
            message: "message refused by the destination: message too large for the destination",
            meaning:
                "The destination's size limit (`[LIMIT]`, `[TOOBIG]`) is below the message's size.",
            action: "Raise the limit, or set `options.max_message_size` to skip and list such messages."),
        Entry(
            name: "message refused", message: "message refused by the destination",
            meaning:
                "APPEND was refused for another reason; the server's text follows.",
            action: "Read the server's text; the message is listed in the user's log."),
        Entry(
            name: "message vanished", message: "message vanished from the source",
            meaning:
                "The message was expunged on the source after `apply` listed the folder.",
            action: "Nothing to do: the next run no longer lists it."),
        Entry(
            name: "quota exceeded", message: "quota exceeded on the destination",
            meaning:
                "The destination mailbox is full (`[OVERQUOTA]`).",
            action: "Raise the quota and run `apply` again; it resumes."),
        Entry(
            name: "folder unavailable", message: "cannot open folder",
            meaning:
                "A source or destination folder vanished or cannot be opened.",
            action: "Run again; if it persists, check the folder on the server."),
        Entry(
            name: "protocol error", message: "protocol error from",
            meaning:
                "The server sent something mailferry cannot parse, or broke a limit (line length, literal size).",
            action: "Report it with the user's log; the server may be non-compliant."),
        Entry(
            name: "stale plan", message: "plan is stale",
            meaning:
                "`apply --plan` was given a plan made from another job or users file.",
            action: "Make a new plan and review it."),
        Entry(
            name: "another apply running", message: "another apply of this job is running",
            meaning:
                "A second `apply` of the same job would race the first.",
            action: "Wait, or stop that process; the next run resumes."),
    ]
}
