import MailferryCore

extension JobFileChecker {
    static let folderKeys = ["skip", "translate", "merge", "special_use", "archive", "labels"]

    mutating func checkFolders(_ entry: YAMLEntry?, source: SourceServer?) -> FolderRules? {
        guard let entry else { return FolderRules() }
        guard
            let fields = fields(of: entry.value, path: "folders", keys: Self.folderKeys, keyPosition: entry.keyPosition)
        else { return nil }
        var rules = FolderRules()
        var valid = true
        var skipPositions: [YAMLPosition] = []
        if let node = fields["skip"] {
            if let items = list(node, path: "folders.skip") {
                for item in items {
                    if let pattern = string(item, path: "folders.skip") {
                        rules.skip.append(pattern)
                        skipPositions.append(item.position)
                    } else {
                        valid = false
                    }
                }
            } else {
                valid = false
            }
        }
        var translationPositions: [(key: YAMLPosition, value: YAMLPosition)] = []
        if let node = fields["translate"] {
            if case .mapping(let entries) = node.content {
                for translation in uniqueEntries(entries, path: "folders.translate") {
                    guard !translation.key.trimmingWhitespace.isEmpty else {
                        report.error(
                            "a folder name in 'folders.translate' must not be empty", at: translation.keyPosition)
                        valid = false
                        continue
                    }
                    if let target = string(translation.value, path: "folders.translate.\(translation.key)") {
                        rules.translate.append(.init(source: translation.key, destination: target))
                        translationPositions.append((translation.keyPosition, translation.value.position))
                    } else {
                        valid = false
                    }
                }
            } else {
                report.error(
                    "expected a mapping of source folder to destination folder for 'folders.translate', "
                        + "found \(node.kindDescription)", at: node.position)
                valid = false
            }
        }
        if let node = fields["merge"] {
            if let value = boolean(node, path: "folders.merge") { rules.merge = value } else { valid = false }
        }
        if let node = fields["special_use"] {
            if let value = boolean(node, path: "folders.special_use") {
                rules.specialUse = value
            } else {
                valid = false
            }
        }
        if let node = fields["archive"] {
            if let value = string(node, path: "folders.archive") {
                rules.archive = value.trimmingWhitespace
                if let source, source.provider != .gmail {
                    report.warning("folders.archive has no effect unless source.provider is gmail", at: node.position)
                }
            } else {
                valid = false
            }
        }
        if let node = fields["labels"] {
            if let value = enumeration(node, path: "folders.labels", as: GmailLabelMode.self) {
                rules.labels = value
                if let source, source.provider != .gmail {
                    report.warning("folders.labels has no effect unless source.provider is gmail", at: node.position)
                }
            } else {
                valid = false
            }
        }

        // A translated folder that is also skipped: one of the two rules is a mistake.
        for (index, translation) in rules.translate.enumerated() {
            for (skipIndex, pattern) in rules.skip.enumerated() where FolderGlob(pattern).matches(translation.source) {
                let at = skipPositions[skipIndex]
                report.error(
                    "folder '\(translation.source)' is translated but also skipped by '\(pattern)' "
                        + "(folders.skip at line \(at.line), column \(at.column))", at: translationPositions[index].key)
                valid = false
            }
        }
        // Two sources onto one destination merge their mail; that must be asked for.
        if !rules.merge {
            var firstSource: [String: (String, YAMLPosition)] = [:]
            for (index, translation) in rules.translate.enumerated() {
                if let (earlier, at) = firstSource[translation.destination] {
                    report.error(
                        "'\(earlier)' (line \(at.line)) and '\(translation.source)' are both translated to "
                            + "'\(translation.destination)'; set folders.merge: true to merge them",
                        at: translationPositions[index].value)
                    valid = false
                } else {
                    firstSource[translation.destination] = (translation.source, translationPositions[index].key)
                }
            }
        }
        if let source, source.protocol == .pop3 || source.protocol == .pop3s,
            !rules.skip.isEmpty || !rules.translate.isEmpty
        {
            report.warning(
                "folder rules have no effect with protocol \(source.protocol.rawValue): POP3 reaches INBOX only",
                at: entry.keyPosition)
        }
        return valid ? rules : nil
    }
}
