import ArgParse

/// `divvy completion SHELL`: prints a script that completes divvy's commands and options.
enum CompletionCommand: CLICommand {
    static let path = ["completion"]
    static let shell = Positional<Shell>("shell", help: "bash, zsh or fish.")
    static let command = Command(
        "completion", summary: "Print a shell completion script (bash, zsh or fish).",
        discussion: """
        bash: `divvy completion bash > ~/.local/share/bash-completion/completions/divvy` (or source it \\
        from ~/.bashrc); zsh: `divvy completion zsh > ~/.zfunc/_divvy` with ~/.zfunc on $fpath, or \\
        `source <(divvy completion zsh)`; fish: `divvy completion fish > ~/.config/fish/completions/divvy.fish`.
        """,
        arguments: [shell])

    static func run(_ arguments: ParsedCommand) async throws {
        print(DivvyCLI.root.completionScript(for: arguments[shell]!), terminator: "")
    }
}
