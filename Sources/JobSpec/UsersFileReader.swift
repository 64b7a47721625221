import CSV
import MailferryCore

/// Reads a users file (SPEC section 3) into accounts, reporting every problem at the users file's own
/// path, line and the column where the offending field starts. Passwords never reach a message.
struct UsersFileReader {
    /// Whether `local_password` (fourth field) must, may not, or cannot yet be judged to be present.
    enum LocalPasswordRule {
        case required
        case forbidden
        /// The destination signs in with OAuth2: a password there is not used.
        case optional
        case unknown
    }

    let displayPath: String
    let delimiter: Unicode.Scalar
    let sourceHasAdmin: Bool
    let localPassword: LocalPasswordRule
    let destinationDomain: String?

    private static let layout = "source_user,source_password[,local_user[,local_password]]"

    func read(_ text: String) -> (accounts: [Account], diagnostics: [Diagnostic]) {
        var report = DiagnosticCollector(file: displayPath)
        var accounts: [Account] = []
        var firstLineOfSource: [String: Int] = [:]
        var firstSourceOfDestination: [String: (user: String, line: Int)] = [:]
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = body.dropFirst() }

        for (index, rawLine) in TextLines.split(body).enumerated() {
            let lineNumber = index + 1
            let line = String(rawLine)
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let layout = CSVFieldLayout(line: line, delimiter: delimiter)
            func at(_ column: Int) -> YAMLPosition { YAMLPosition(line: lineNumber, column: column) }
            if let quote = layout.unterminatedQuoteColumn {
                report.error("quoted field is not closed on this line", at: at(quote))
                continue
            }
            guard let fields = Self.fields(of: line, delimiter: delimiter) else {
                report.error("cannot split this line into fields", at: at(1))
                continue
            }
            let endColumn = line.unicodeScalars.count + 1
            func column(_ field: Int) -> Int {
                layout.fieldStarts.indices.contains(field) ? layout.fieldStarts[field] : 1
            }
            let separator = String(delimiter)
            let expected = Self.layout.replacingOccurrences(of: ",", with: separator)

            guard fields.count >= 2 else {
                report.error("missing source_password: expected \(expected)", at: at(endColumn))
                continue
            }
            guard fields.count <= 4 else {
                report.error(
                    "too many fields (\(fields.count)): expected \(expected); quote a field that contains '\(separator)'",
                    at: at(column(4)))
                continue
            }

            let sourceUser = fields[0].trimmingWhitespace
            var rowIsValid = true
            if sourceUser.isEmpty {
                report.error("empty source user", at: at(column(0)))
                rowIsValid = false
            }
            let sourcePassword = fields[1]
            if sourcePassword.isEmpty, !sourceHasAdmin {
                report.error(
                    "empty source password; it may be left empty only when source.admin or source.auth is set",
                    at: at(column(1)))
                rowIsValid = false
            }
            let localField = fields.count >= 3 ? fields[2].trimmingWhitespace : ""
            let localUser = localField.isEmpty ? sourceUser : localField
            let localPasswordText = fields.count >= 4 ? fields[3] : nil
            switch localPassword {
            case .required where localPasswordText?.isEmpty ?? true:
                report.error(
                    "missing local_password: an IMAP destination without admin logs in to each mailbox "
                        + "with its own password", at: at(fields.count >= 4 ? column(3) : endColumn))
                rowIsValid = false
            case .forbidden where !(localPasswordText?.isEmpty ?? true):
                report.error(
                    "local_password is used only by an IMAP destination without admin; remove it",
                    at: at(column(3)))
                rowIsValid = false
            default:
                break
            }

            if !sourceUser.isEmpty {
                let key = sourceUser.lowercased()
                if let first = firstLineOfSource[key] {
                    report.error(
                        "source user '\(sourceUser)' is listed twice (first at line \(first))", at: at(column(0)))
                    continue
                }
                firstLineOfSource[key] = lineNumber
            }
            let destinationUser =
                localUser.contains("@") || localUser.isEmpty
                ? localUser : destinationDomain.map { "\(localUser)@\($0)" } ?? localUser
            if !destinationUser.isEmpty {
                let key = destinationUser.lowercased()
                if let first = firstSourceOfDestination[key] {
                    report.warning(
                        "'\(first.user)' (line \(first.line)) and '\(sourceUser)' both migrate into "
                            + "'\(destinationUser)'; their mail is merged there",
                        at: at(localField.isEmpty ? column(0) : column(2)))
                } else {
                    firstSourceOfDestination[key] = (sourceUser, lineNumber)
                }
            }
            guard rowIsValid else { continue }
            accounts.append(
                Account(
                    sourceUser: sourceUser, sourcePassword: Secret(sourcePassword), localUser: localUser,
                    localPassword: localPasswordText.flatMap { $0.isEmpty ? nil : Secret($0) },
                    destinationUser: destinationUser, line: lineNumber))
        }
        return (accounts, report.diagnostics)
    }

    /// One line split by CSV.swift (RFC 4180 quoting, the job's delimiter, no trimming).
    private static func fields(of line: String, delimiter: Unicode.Scalar) -> [String]? {
        guard let reader = try? CSVReader(string: line, hasHeaderRow: false, trimFields: false, delimiter: delimiter)
        else { return nil }
        return reader.next()
    }
}

/// Where each field of one CSV line starts (1-based columns in Unicode scalars), following RFC 4180
/// quoting, so that diagnostics can point at a field. CSV.swift itself does not report positions.
struct CSVFieldLayout {
    private(set) var fieldStarts: [Int] = [1]
    private(set) var unterminatedQuoteColumn: Int?

    init(line: String, delimiter: Unicode.Scalar) {
        let scalars = Array(line.unicodeScalars)
        var index = 0
        var atFieldStart = true
        var quoteColumn: Int?
        while index < scalars.count {
            let scalar = scalars[index]
            if atFieldStart, scalar == "\"" {
                quoteColumn = index + 1
                atFieldStart = false
                index += 1
                continue
            }
            atFieldStart = false
            if quoteColumn != nil {
                if scalar == "\"" {
                    if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                        index += 2
                        continue
                    }
                    quoteColumn = nil
                }
            } else if scalar == delimiter {
                fieldStarts.append(index + 2)
                atFieldStart = true
            }
            index += 1
        }
        unterminatedQuoteColumn = quoteColumn
    }
}
