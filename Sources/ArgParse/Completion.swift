/// A shell that can complete a command tree's words.
public enum Shell: String, CaseIterable, Sendable, ArgumentValue {
    case bash, zsh, fish
}

extension Command {
    /// A completion script for `shell`: it completes subcommand names, then the options and flags
    /// of the command named (with `--help`), and file names for option values and positionals.
    public func completionScript(for shell: Shell) -> String {
        switch shell {
        case .bash: bashCompletion
        case .zsh: "#compdef \(name)\n# zsh runs the bash completion through its bashcompinit layer.\n"
            + "autoload -U +X bashcompinit && bashcompinit\n" + bashCompletion
        case .fish: fishCompletion
        }
    }

    /// Every command of the tree with the words that select it (the root's: none).
    private func walk(_ path: [String] = []) -> [(path: [String], command: Command)] {
        [(path, self)] + subcommands.flatMap { $0.walk(path + [$0.name]) }
    }

    /// The words that may follow this command: subcommand names for a group, else options and
    /// flags by their long (and short) names.
    private var completionWords: [String] {
        guard subcommands.isEmpty else { return subcommands.map(\.name) + ["help", "--help"] }
        let named = arguments.filter { $0.kind != .positional }
        return named.flatMap { spec in ["--\(spec.name)"] + (spec.short.map { ["-\($0)"] } ?? []) } + ["--help"]
    }

    private var bashCompletion: String {
        let function = "_" + name.map { $0.isLetter || $0.isNumber ? $0 : "_" }.reduce("") { $0 + String($1) }
        let nodes = walk()
        let groups = nodes.filter { !$0.path.isEmpty }.map { "\"\(([name] + $0.path).joined(separator: " "))\"" }
        var lines = [
            "# bash completion for \(name): source it, or put it in ~/.local/share/bash-completion/completions/\(name)",
            "\(function)() {",
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} node=\(name) i",
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            "        case \"$node ${COMP_WORDS[i]}\" in",
            "            \(groups.joined(separator: "|"))) node=\"$node ${COMP_WORDS[i]}\" ;;",
            "        esac",
            "    done",
            "    local words",
            "    case \"$node\" in",
        ]
        for (path, command) in nodes {
            lines.append("        \"\(([name] + path).joined(separator: " "))\")")
            let valued = command.arguments.filter { $0.kind == .option }
                .flatMap { spec in ["--\(spec.name)"] + (spec.short.map { ["-\($0)"] } ?? []) }
            if !valued.isEmpty {
                lines.append("            case \"$prev\" in \(valued.joined(separator: "|"))) COMPREPLY=($(compgen -f -- \"$cur\")); return ;; esac")
            }
            lines.append("            words=\"\(command.completionWords.joined(separator: " "))\" ;;")
        }
        lines += [
            "    esac",
            "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))",
            "}",
            "complete -o default -F \(function) \(name)",
            "",
        ]
        return lines.joined(separator: "\n")
    }

    private var fishCompletion: String {
        var lines = ["# fish completion for \(name): put it in ~/.config/fish/completions/\(name).fish",
                     "complete -c \(name) -f"]
        for (path, command) in walk() {
            // The condition: every word of the path given, and (for a group) no subcommand yet.
            var conditions = path.map { "__fish_seen_subcommand_from \($0)" }
            if path.isEmpty { conditions = ["__fish_use_subcommand"] }
            if !command.subcommands.isEmpty && !path.isEmpty {
                conditions.append("not __fish_seen_subcommand_from \(command.subcommands.map(\.name).joined(separator: " "))")
            }
            let condition = "-n '\(conditions.joined(separator: "; and "))'"
            for sub in command.subcommands {
                lines.append("complete -c \(name) \(condition) -a \(sub.name) -d \(fishQuoted(sub.summary))")
            }
            for spec in command.arguments where spec.kind != .positional {
                let short = spec.short.map { " -s \($0)" } ?? ""
                let value = spec.kind == .option ? " -r -F" : ""
                lines.append("complete -c \(name) \(condition) -l \(spec.name)\(short)\(value) -d \(fishQuoted(spec.help))")
            }
            if command.subcommands.isEmpty, command.arguments.contains(where: { $0.kind == .positional }) {
                lines.append("complete -c \(name) \(condition) -F")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` as one fish word in single quotes, its first sentence only.
    private func fishQuoted(_ text: String) -> String {
        let sentence = text.prefix { $0 != "\n" }.split(separator: ". ", maxSplits: 1).first.map(String.init) ?? ""
        return "'" + sentence.flatMap { $0 == "\\" || $0 == "'" ? ["\\", $0] : [$0] }.map(String.init).joined() + "'"
    }
}
