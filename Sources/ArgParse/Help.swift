extension Command {
    /// Help text for this command reached through `path` (root name first).
    func help(path: [String]) -> String {
        var sections = ["OVERVIEW: \(summary)"]
        if let discussion { sections.append(discussion) }
        sections.append("USAGE: " + usageLine(path: path))
        let positionals = arguments.filter { $0.kind == .positional }
        if !positionals.isEmpty {
            sections.append("ARGUMENTS:\n" + positionals.map { row($0.displayName, describe($0)) }.joined())
        }
        let options = arguments.filter { $0.kind != .positional }
        let helpRow = row("-h, --help", "Show help information.")
        sections.append("OPTIONS:\n" + options.map { option in
            let names = (option.short.map { "-\($0), " } ?? "") + option.usageName
            return row(names, describe(option))
        }.joined() + helpRow)
        if !subcommands.isEmpty {
            sections.append("SUBCOMMANDS:\n" + subcommands.map { row($0.name, $0.summary) }.joined())
            sections.append("See '\(path.joined(separator: " ")) <subcommand> --help' for a subcommand's help.")
        }
        return sections.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 }.joined(separator: "\n\n") + "\n"
    }

    /// `divvy run <tasks> --model <path> [--max-tokens <n>] [--verbose]`
    private func usageLine(path: [String]) -> String {
        let command = path.joined(separator: " ")
        if !subcommands.isEmpty { return command + " <subcommand>" }
        let words = arguments.map { spec -> String in
            let base = spec.isRepeating && spec.kind != .flag ? spec.usageName + " ..." : spec.usageName
            return spec.isRequired ? base : "[\(base)]"
        }
        return ([command] + words).joined(separator: " ")
    }

    private func describe(_ spec: ArgumentSpec) -> String {
        var notes: [String] = []
        if let value = spec.defaultDescription { notes.append("default: \(value)") }
        if spec.isRequired && spec.kind == .option { notes.append("required") }
        if spec.isRepeating && spec.kind == .option { notes.append("repeatable") }
        return notes.isEmpty ? spec.help : "\(spec.help) (\(notes.joined(separator: ", ")))"
    }

    /// One aligned `  name   description` line; long names put the description on the next line.
    private func row(_ name: String, _ text: String) -> String {
        let column = 26
        let lead = "  " + name
        if lead.count < column - 1 {
            return lead + String(repeating: " ", count: column - lead.count) + text + "\n"
        }
        return lead + "\n" + String(repeating: " ", count: column) + text + "\n"
    }
}
