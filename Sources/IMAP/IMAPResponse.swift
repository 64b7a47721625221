import NIOCore

/// One parsed server response, or a piece of a streamed message body.
public enum IMAPResponse: Sendable, Equatable {
    case untagged(IMAPUntaggedResponse)
    case tagged(IMAPTaggedResponse)
    /// `continue-req = "+" SP (resp-text / base64) CRLF`: the server waits for more from us.
    case continuation(String)
    /// A FETCH's `BODY[]` literal starts; its bytes follow as `fetchBodyBytes`, then `fetchBodyEnd`.
    /// The complete FETCH (with `body: .streamed`) is reported after its closing parenthesis.
    /// `uid` is known when the server sent the `UID` item before the body (Dovecot does).
    case fetchBodyBegin(sequenceNumber: Int, uid: UInt32?, byteCount: Int)
    case fetchBodyBytes(ByteBuffer)
    case fetchBodyEnd
}

/// `response-tagged = tag SP resp-cond-state CRLF`
public struct IMAPTaggedResponse: Sendable, Equatable {
    public var tag: String
    public var status: IMAPResponseStatus
    public var text: IMAPResponseText

    public init(tag: String, status: IMAPResponseStatus, text: IMAPResponseText) {
        self.tag = tag
        self.status = status
        self.text = text
    }
}

/// The condition word of a status response.
public enum IMAPResponseStatus: String, Sendable, Equatable {
    case ok = "OK"
    case no = "NO"
    case bad = "BAD"
    case preauth = "PREAUTH"
    case bye = "BYE"
}

/// `resp-text = ["[" resp-text-code "]" SP] text`
public struct IMAPResponseText: Sendable, Equatable, CustomStringConvertible {
    public var code: IMAPResponseCode?
    /// The human-readable text after the code.
    public var text: String
    /// The code as the server wrote it, e.g. `AUTHENTICATIONFAILED`, for messages.
    public var rawCode: String?

    public init(code: IMAPResponseCode? = nil, text: String, rawCode: String? = nil) {
        self.code = code
        self.text = text
        self.rawCode = rawCode
    }

    /// As the server said it: `[AUTHENTICATIONFAILED] Authentication failed.`
    public var description: String {
        if let rawCode { "[\(rawCode)] \(text)" } else { text }
    }
}
