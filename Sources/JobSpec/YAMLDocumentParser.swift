import MailferryCore
import Yams

/// Parses YAML text into a `YAMLNode` tree with Yams (libyaml), keeping positions.
///
/// Yams rejects a mapping with duplicate keys and stops there, but a validator must report every
/// problem at once. So on that error the first occurrence of the duplicated key is renamed in place
/// to a unique private-use character of the same width (every other position stays exact), the
/// text is parsed again, and the original name is put back while building the tree. The validator
/// then reports the duplicate itself, at the later key.
struct YAMLDocumentParser {
    struct Failure: Sendable {
        var message: String
        var position: YAMLPosition
    }

    enum Outcome: Sendable {
        case document(YAMLNode?)
        case failure(Failure)
    }

    /// Enough for any real job file; past it the duplicate is reported as Yams found it.
    private static let maximumRenames = 1_000

    func parse(_ text: String) -> Outcome {
        var lines = TextLines.split(text).map { Array($0.unicodeScalars) }
        var renamedKeys: [YAMLPosition: String] = [:]
        for attempt in 0...Self.maximumRenames {
            let current = lines.map { String(String.UnicodeScalarView($0)) }.joined(separator: "\n")
            do {
                let root = try Yams.compose(yaml: current)
                return .document(root.map { convert($0, renamedKeys: renamedKeys) })
            } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
                let position = YAMLPosition(line: context.mark.line, column: context.mark.column)
                let name = duplicates.first ?? ""
                guard attempt < Self.maximumRenames,
                    let replacement = Unicode.Scalar(0xE000 + attempt),
                    rename(at: position, in: &lines, to: replacement)
                else {
                    return .failure(Failure(message: "duplicate key '\(name)'", position: position))
                }
                renamedKeys[position] = name
            } catch let error as YamlError {
                return .failure(Self.failure(from: error))
            } catch {
                return .failure(Failure(message: "cannot parse YAML", position: YAMLPosition(line: 1, column: 1)))
            }
        }
        return .failure(Failure(message: "cannot parse YAML", position: YAMLPosition(line: 1, column: 1)))
    }

    /// Replaces the first character of the key starting at `position` (after its quote, if quoted).
    private func rename(at position: YAMLPosition, in lines: inout [[Unicode.Scalar]], to replacement: Unicode.Scalar)
        -> Bool
    {
        guard lines.indices.contains(position.line - 1) else { return false }
        var index = position.column - 1
        let line = lines[position.line - 1]
        guard line.indices.contains(index) else { return false }
        if line[index] == "\"" || line[index] == "'" { index += 1 }
        guard line.indices.contains(index) else { return false }
        let first = line[index]
        // Indicators and escapes would change the meaning of the text; give up on such keys.
        let unsafe: Set<Unicode.Scalar> = [
            "\"", "'", "\\", "?", "&", "*", "!", "|", ">", "%", "@", "`", " ", "\t",
            ":", "{", "}", "[", "]", ",", "#",
        ]
        guard !unsafe.contains(first) else { return false }
        lines[position.line - 1][index] = replacement
        return true
    }

    private func convert(_ node: Node, renamedKeys: [YAMLPosition: String]) -> YAMLNode {
        let position =
            node.mark.map { YAMLPosition(line: $0.line, column: $0.column) }
            ?? YAMLPosition(line: 1, column: 1)
        switch node {
        case .scalar(let scalar):
            return YAMLNode(content: .scalar(convert(scalar, node: node)), position: position)
        case .mapping(let mapping):
            let entries = mapping.map { pair -> YAMLEntry in
                let keyPosition = pair.key.mark.map { YAMLPosition(line: $0.line, column: $0.column) } ?? position
                let key = renamedKeys[keyPosition] ?? keyText(pair.key)
                return YAMLEntry(
                    key: key, keyPosition: keyPosition, value: convert(pair.value, renamedKeys: renamedKeys))
            }
            return YAMLNode(content: .mapping(entries), position: position)
        case .sequence(let sequence):
            return YAMLNode(
                content: .sequence(sequence.map { convert($0, renamedKeys: renamedKeys) }), position: position)
        case .alias(let alias):
            // Yams dereferences aliases while composing; an unresolved one only shows its name.
            return YAMLNode(
                content: .scalar(YAMLScalar(text: alias.anchor.rawValue, kind: .string, isQuoted: false)),
                position: position)
        }
    }

    private func keyText(_ key: Node) -> String {
        switch key {
        case .scalar(let scalar): return scalar.string
        default: return "\(key.any)"
        }
    }

    private func convert(_ scalar: Node.Scalar, node: Node) -> YAMLScalar {
        let isQuoted = scalar.style == .singleQuoted || scalar.style == .doubleQuoted
        // Yams gives quoted scalars the str tag; plain ones are resolved by the YAML 1.1 rules.
        let tag = Tag.Name(rawValue: node.tag.description)
        let kind: YAMLScalar.Kind
        switch tag {
        case .int: kind = .integer
        case .float: kind = .float
        case .bool: kind = .boolean
        case .null: kind = .null
        case .timestamp: kind = .timestamp
        default: kind = .string
        }
        return YAMLScalar(
            text: scalar.string, kind: kind, integer: kind == .integer ? node.int : nil,
            boolean: kind == .boolean ? node.bool : nil, isQuoted: isQuoted)
    }

    private static func failure(from error: YamlError) -> Failure {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return Failure(
                message: "invalid YAML: \(detail)", position: YAMLPosition(line: mark.line, column: mark.column))
        case .reader(let problem, _, _, _):
            return Failure(message: "invalid YAML: \(problem)", position: YAMLPosition(line: 1, column: 1))
        default:
            return Failure(message: "invalid YAML: \(error)", position: YAMLPosition(line: 1, column: 1))
        }
    }
}
