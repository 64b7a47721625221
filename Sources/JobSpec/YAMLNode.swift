/// A YAML node with the position of every key and value, as the validator needs it.
/// Built from Yams' representation tree; mappings keep every entry in file order, duplicates included.
struct YAMLNode: Sendable {
    enum Content: Sendable {
        case scalar(YAMLScalar)
        case mapping([YAMLEntry])
        case sequence([YAMLNode])
    }

    var content: Content
    var position: YAMLPosition

    /// Kind named the way a message to an admin would, e.g. "found a list".
    var kindDescription: String {
        switch content {
        case .scalar(let scalar): return scalar.kind.description
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// True for `key:` with nothing after it, and for `~`/`null`.
    var isNull: Bool { scalar?.kind == .null }
}

/// 1-based line and column, columns counted in Unicode scalars as libyaml counts them.
struct YAMLPosition: Sendable, Hashable, Comparable {
    var line: Int
    var column: Int

    static func < (lhs: YAMLPosition, rhs: YAMLPosition) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    var description: String { "\(line):\(column)" }
}

struct YAMLScalar: Sendable {
    /// The type the YAML 1.1 core resolver gives a plain scalar; quoted scalars are always strings.
    enum Kind: Sendable, Equatable, CustomStringConvertible {
        case string
        case integer
        case float
        case boolean
        case null
        /// A plain `2015-01-01`: kept as text, since job files mean a calendar day.
        case timestamp

        var description: String {
            switch self {
            case .string: return "a string"
            case .integer: return "an integer"
            case .float: return "a number"
            case .boolean: return "a boolean"
            case .null: return "nothing"
            case .timestamp: return "a date"
            }
        }
    }

    var text: String
    var kind: Kind
    /// Set for integers that fit in `Int`.
    var integer: Int?
    var boolean: Bool?
    /// Quoted scalars start one column after their position.
    var isQuoted: Bool
}

struct YAMLEntry: Sendable {
    var key: String
    var keyPosition: YAMLPosition
    var value: YAMLNode
}
