/// Parses the words after a leaf command's name against its argument specs.
struct LeafParser {
    let specs: [ArgumentSpec]
    let path: [String]
    private var values: [String: [any Sendable]] = [:]

    init(specs: [ArgumentSpec], path: [String]) {
        self.specs = specs
        self.path = path
    }

    mutating func parse(_ words: [String]) throws(UsageError) -> ParsedCommand {
        var positionals: [String] = []
        var index = 0
        var onlyPositionals = false
        while index < words.count {
            let word = words[index]
            index += 1
            if onlyPositionals || !looksLikeOption(word) {
                positionals.append(word)
            } else if word == "--" {
                onlyPositionals = true
            } else {
                let (name, inline) = split(word)
                let spec = try lookup(name)
                if spec.kind == .flag {
                    if inline != nil { throw error("flag \(spec.displayName) does not take a value") }
                    values[spec.key, default: []].append(true)
                    continue
                }
                let text: String
                if let inline {
                    text = inline
                } else if index < words.count, !looksLikeOption(words[index]) {
                    text = words[index]
                    index += 1
                } else {
                    throw error("option \(spec.displayName) requires a value")
                }
                if !spec.isRepeating, values[spec.key] != nil {
                    throw error("option \(spec.displayName) given more than once")
                }
                values[spec.key, default: []].append(try convert(text, for: spec))
            }
        }
        try assign(positionals)
        for spec in specs where spec.isRequired && values[spec.key] == nil {
            let noun = spec.kind == .positional ? "argument" : "option"
            throw error("missing required \(noun) \(spec.usageName)")
        }
        return ParsedCommand(path: Array(path.dropFirst()), values: values)
    }

    private mutating func assign(_ words: [String]) throws(UsageError) {
        var remaining = words[...]
        for spec in specs where spec.kind == .positional {
            let taken = spec.isRepeating ? remaining : remaining.prefix(1)
            remaining = remaining.dropFirst(taken.count)
            for word in taken { values[spec.key, default: []].append(try convert(word, for: spec)) }
        }
        if let extra = remaining.first { throw error("unexpected argument '\(extra)'") }
    }

    private func convert(_ text: String, for spec: ArgumentSpec) throws(UsageError) -> any Sendable {
        switch spec.convert(text) {
        case .success(let value): return value
        case .failure(let failure): throw error("\(spec.displayName): \(failure.reason)")
        }
    }

    private func lookup(_ name: String) throws(UsageError) -> ArgumentSpec {
        let found = name.hasPrefix("--")
            ? specs.first { $0.kind != .positional && "--" + $0.name == name }
            : specs.first { $0.short.map { "-\($0)" } == name }
        guard let found else {
            let names = specs.filter { $0.kind != .positional }.map { "--" + $0.name }
            throw error("unknown option '\(name)'" + Suggestion.aside(for: name, in: names))
        }
        return found
    }

    /// `--name=value` → ("--name", "value"); anything else → (word, nil).
    private func split(_ word: String) -> (String, String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }

    /// Words starting with `-` are options, except `-` alone and negative numbers.
    private func looksLikeOption(_ word: String) -> Bool {
        word.hasPrefix("-") && word != "-" && Double(word) == nil
    }

    private func error(_ message: String) -> UsageError { UsageError(message, commandPath: path) }
}
