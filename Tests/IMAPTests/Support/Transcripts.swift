/// Server output recorded from Dovecot 2.3 sessions (with `\r\n` line ends), used by parser tests.
enum Transcripts {
    static let greetingAndLogin =
        "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN] Dovecot (Debian) ready.\r\n"
        + "A1 OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES "
        + "THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS "
        + "LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS "
        + "BINARY MOVE SNIPPET=FUZZY PREVIEW=FUZZY PREVIEW STATUS=SIZE SAVEDATE LITERAL+ NOTIFY SPECIAL-USE] Logged in\r\n"

    static let failedLogin =
        "* OK [CAPABILITY IMAP4rev1 LITERAL+ SASL-IR AUTH=PLAIN] Dovecot (Debian) ready.\r\n"
        + "A1 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"

    static let listAndNamespace =
        "* NAMESPACE ((\"\" \"/\")) NIL NIL\r\n"
        + "A2 OK Namespace completed (0.001 + 0.000 secs).\r\n"
        + "* LIST (\\HasNoChildren \\Subscribed) \"/\" INBOX\r\n"
        + "* LIST (\\HasNoChildren \\Sent) \"/\" \"Sent Items\"\r\n"
        + "* LIST (\\HasChildren \\Noselect) \"/\" Archive\r\n"
        + "* LIST (\\HasNoChildren \\NonExistent \\Subscribed) \"/\" Archive/Gone\r\n"
        + "* LIST (\\HasNoChildren) \"/\" \"quote\\\" and back\\\\slash\"\r\n"
        + "* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe &- Pl&AOQ-ne\"\r\n"
        + "* LIST (\\HasNoChildren) \"/\" {13}\r\nliteral\r\nname\r\n"
        + "* LIST () NIL flat\r\n"
        + "* LIST (\\Marked) \".\" INBOX.Sub (\"CHILDINFO\" (\"SUBSCRIBED\"))\r\n"
        + "A3 OK List completed (0.001 + 0.000 secs).\r\n"

    static let statusAndSelect =
        "* STATUS \"Sent Items\" (MESSAGES 12 UIDNEXT 40 UIDVALIDITY 1700000000 HIGHESTMODSEQ 77)\r\n"
        + "A4 OK Status completed.\r\n"
        + "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded)\r\n"
        + "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft $Forwarded \\*)] Flags permitted.\r\n"
        + "* 3 EXISTS\r\n"
        + "* 0 RECENT\r\n"
        + "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
        + "* OK [UIDNEXT 4] Predicted next UID\r\n"
        + "* OK [HIGHESTMODSEQ 9] Highest\r\n"
        + "A5 OK [READ-ONLY] Examine completed (0.001 + 0.000 secs).\r\n"

    static let fetchMetadata =
        "* 1 FETCH (UID 1 FLAGS (\\Seen $Forwarded) INTERNALDATE \" 7-Jul-2023 02:44:25 -0700\" RFC822.SIZE 321 "
        + "MODSEQ (5) BODY[HEADER.FIELDS (MESSAGE-ID DATE FROM SUBJECT)] {64}\r\n"
        + "Message-ID: <a@example>\r\nSubject: hello\r\nFrom: a@example.org\r\n\r\n)\r\n"
        + "* 2 FETCH (UID 2 FLAGS () INTERNALDATE \"17-Dec-2024 23:59:59 +0130\" RFC822.SIZE 10 MODSEQ (6) "
        + "BODY[HEADER.FIELDS (MESSAGE-ID DATE FROM SUBJECT)] \"\")\r\n"
        + "* 3 EXISTS\r\n"
        + "A6 OK Fetch completed (0.001 + 0.000 secs).\r\n"

    static let fetchBody =
        "* 1 FETCH (UID 1 BODY[] {37}\r\n"
        + "Subject: x\r\n\r\nline one\r\n{5}\r\n)\r\n.\r\n\r\n)\r\n"
        + "* 2 FETCH (BODY[]<0> {0}\r\n UID 2)\r\n"
        + "A7 OK Fetch completed.\r\n"

    static let appendWithContinuation =
        "+ OK\r\n"
        + "A8 OK [APPENDUID 1700000000 41] Append completed.\r\n"
        + "A9 OK [APPENDUID 1700000000 42:44] Append completed.\r\n"
        + "A10 NO [TRYCREATE] Mailbox doesn't exist: Nope\r\n"
        + "A11 NO [OVERQUOTA] Quota exceeded (mailbox for user is full)\r\n"

    static let miscellaneous =
        "* ID (\"name\" \"Dovecot\" \"version\" NIL)\r\n"
        + "* ENABLED CONDSTORE\r\n"
        + "* 4 EXPUNGE\r\n"
        + "* SEARCH 1 2 5\r\n"
        + "* XUNKNOWN something [odd] (here)\r\n"
        + "* OK [ALERT] Server shutting down soon\r\n"
        + "* OK [XFOO bar baz] extension code\r\n"
        + "* OK Still here\r\n"
        + "* CAPABILITY IMAP4rev1 IDLE\r\n"
        + "* BYE Server shutting down.\r\n"
}
