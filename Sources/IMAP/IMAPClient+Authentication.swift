import MailTransport
import NIOCore

extension IMAPClient {
    /// `login = "LOGIN" SP userid SP password`. For a Dovecot master user pass `user*admin`
    /// (see `login(user:masterUser:separator:password:)`).
    public func login(user: String, password: String) async throws(IMAPError) {
        try checkCredentialsMayBeSent()
        guard !hasCapability("LOGINDISABLED") else {
            throw .loginUnavailable("the server advertises LOGINDISABLED on this connection")
        }
        var command = IMAPCommand("LOGIN")
        command.syntax("LOGIN ")
        command.astring(user)
        command.space()
        command.astring(password, secret: true)
        try await authenticate(with: command)
    }

    /// Master-user login by separator (Dovecot `auth_master_user_separator`): logs in as `user`
    /// with the master user's password.
    public func login(user: String, masterUser: String, separator: String = "*", password: String)
        async throws(IMAPError)
    {
        try await login(user: user + separator + masterUser, password: password)
    }

    /// `AUTHENTICATE PLAIN` (RFC 4616): `message = [authzid] UTF8NUL authcid UTF8NUL passwd`.
    /// With an authorization identity an admin (`authenticationIdentity`) acts as that user.
    /// Uses SASL-IR (RFC 4959) when offered, else waits for the server's continuation.
    public func authenticatePlain(
        authorizationIdentity: String? = nil, authenticationIdentity: String, password: String
    ) async throws(IMAPError) {
        try checkCredentialsMayBeSent()
        guard hasCapability("AUTH=PLAIN") else {
            throw .loginUnavailable("the server does not offer AUTH=PLAIN")
        }
        let fields = [authorizationIdentity ?? "", authenticationIdentity, password]
        guard !fields.contains(where: { $0.utf8.contains(0) }) else { throw .encoding(.nulInString) }
        let message = Base64.encode(Array(fields.joined(separator: "\u{0}").utf8))
        if hasCapability("SASL-IR") {
            try await authenticate(
                with: IMAPCommand("AUTHENTICATE", [.syntax("AUTHENTICATE PLAIN "), .secretSyntax(message)]))
            return
        }
        let command = try await send(IMAPCommand("AUTHENTICATE", [.syntax("AUTHENTICATE PLAIN")]))
        if try await awaitChallenge(command) != nil {
            trace("C: <redacted>")
            try await write([ByteBuffer(string: message + "\r\n")])
        }
        try await finishAuthentication(command)
    }

    /// `AUTHENTICATE XOAUTH2` or `OAUTHBEARER` (RFC 7628) with an OAuth2 bearer token; `mechanism`
    /// nil chooses from the capabilities (`BearerTokenSASL.preferred`). Uses SASL-IR when offered.
    /// A refused token comes back as a base64 JSON challenge: it is acknowledged so that the server
    /// completes the command, and is decoded into `.tokenRefused`.
    public func authenticate(bearerToken token: String, user: String, mechanism: BearerTokenSASL? = nil)
        async throws(IMAPError)
    {
        try checkCredentialsMayBeSent()
        let offered = capabilities.compactMap { $0.uppercased().hasPrefix("AUTH=") ? String($0.dropFirst(5)) : nil }
        guard let chosen = mechanism ?? BearerTokenSASL.preferred(offered: offered) else {
            throw .loginUnavailable("the server offers neither AUTH=OAUTHBEARER nor AUTH=XOAUTH2")
        }
        guard hasCapability("AUTH=\(chosen.rawValue)") else {
            throw .loginUnavailable("the server does not offer AUTH=\(chosen.rawValue)")
        }
        let response: String
        do {
            response = try chosen.initialResponse(
                user: user, token: token, host: configuration.host, port: configuration.port)
        } catch {
            throw .loginUnavailable(error.userMessage)
        }
        let name = "AUTHENTICATE \(chosen.rawValue)"
        let command: PendingCommand
        if hasCapability("SASL-IR") {
            command = try await send(IMAPCommand("AUTHENTICATE", [.syntax(name + " "), .secretSyntax(response)]))
        } else {
            command = try await send(IMAPCommand("AUTHENTICATE", [.syntax(name)]))
            if try await awaitChallenge(command) != nil {
                trace("C: <redacted>")
                try await write([ByteBuffer(string: response + "\r\n")])
            }
        }
        // A challenge after the client's response is the error report (RFC 7628 section 3.2.2).
        if let challenge = try await awaitChallenge(command) {
            trace("C: \(chosen.errorAcknowledgement)")
            try await write([ByteBuffer(string: chosen.errorAcknowledgement + "\r\n")])
            try await pump(for: command) { $0.completion != nil }
            guard let tagged = command.completion else { throw .sessionClosed }
            guard tagged.status != .ok else {
                throw .protocolError("the server accepted \(name) after an error challenge")
            }
            throw .tokenRefused(challenge: BearerTokenSASL.describeChallenge(challenge), text: tagged.text)
        }
        try await finishAuthentication(command)
    }

    /// Waits for a continuation or the command's completion; returns the continuation's text.
    private func awaitChallenge(_ command: PendingCommand) async throws(IMAPError) -> String? {
        command.awaitingContinuation = true
        try await pump(for: command) { $0.continuationText != nil || $0.completion != nil }
        command.awaitingContinuation = false
        defer { command.continuationText = nil }
        return command.completion == nil ? command.continuationText : nil
    }

    private func authenticate(with command: IMAPCommand) async throws(IMAPError) {
        try await finishAuthentication(try await send(command))
    }

    private func finishAuthentication(_ command: PendingCommand) async throws(IMAPError) {
        do {
            let result = try await complete(command)
            state = .authenticated
            // RFC 3501 6.2.3: capabilities may change after login; use the code or ask again.
            if case .capability = result.tagged.text.code { return }
            try await refreshCapabilities()
        } catch .commandFailed(_, _, let text) {
            throw .loginFailed(text)
        }
    }

    private func checkCredentialsMayBeSent() throws(IMAPError) {
        guard isSecure || configuration.allowPlaintextLogin else { throw .plaintextLoginRefused }
    }

    /// RFC 2971 `id = "ID" SP id-params-list`; returns the server's fields (empty without ID support).
    @discardableResult
    public func id(_ fields: [(String, String)] = [("name", "mailferry")]) async throws(IMAPError) -> [String: String] {
        guard hasCapability("ID") else { return [:] }
        var command = IMAPCommand("ID")
        command.syntax("ID (")
        for (index, field) in fields.enumerated() {
            if index > 0 { command.space() }
            command.parts.append(.string(Array(field.0.utf8)))
            command.space()
            command.parts.append(.string(Array(field.1.utf8)))
        }
        command.syntax(")")
        if fields.isEmpty { command.parts = [.syntax("ID NIL")] }
        let result = try await run(command) { if case .id = $0 { true } else { false } }
        for case .id(let values) in result.untagged { return values }
        return [:]
    }

    /// `logout = "LOGOUT"`: expects BYE and OK, then closes the connection.
    public func logout() async throws(IMAPError) {
        defer { markLoggedOut() }
        do {
            try await run(IMAPCommand("LOGOUT", [.syntax("LOGOUT")])) {
                if case .condition(.bye, _) = $0 { true } else { false }
            }
        } catch .serverBye {
            // The server closed right after BYE, before or without the tagged OK: that is a logout.
        } catch .transport(.disconnected) {
        }
        await connection.close()
    }
}
