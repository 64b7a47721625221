import MailTransport

/// RFC 4648 base64 for SASL; IMAP targets avoid Foundation. Shared with POP3 (`SASLBase64`).
typealias Base64 = SASLBase64
