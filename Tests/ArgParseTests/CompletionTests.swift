import ArgParse
import Foundation
import Testing

/// The completion scripts, the bash one run by a real bash.
struct CompletionTests {
    /// What bash's completion offers for `words` (the last one being completed), with `script` loaded.
    static func bashCompletes(_ script: String, _ words: [String]) throws -> [String] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("completion-\(UUID().uuidString).bash")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "source '\(file.path)'; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); "
                                 + "_divvy; printf '%s\\n' \"${COMPREPLY[@]}\""]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesCommandsThenTheirOptionsThenValues() throws {
        let script = SampleCLI.root.completionScript(for: .bash)
        #expect(try Self.bashCompletes(script, ["divvy", ""]) == ["run", "model", "help", "--help"])
        #expect(try Self.bashCompletes(script, ["divvy", "mo"]) == ["model"])
        #expect(try Self.bashCompletes(script, ["divvy", "model", "i"]) == ["info"])
        #expect(try Self.bashCompletes(script, ["divvy", "run", "tasks.jsonl", "--max"]) == ["--max-tokens"])
        #expect(try Self.bashCompletes(script, ["divvy", "run", "-v", "--ver"]) == ["--verbose"])
        // After an option that takes a value, file names (none start with this).
        #expect(try Self.bashCompletes(script, ["divvy", "run", "--model", "/nonexistent-prefix-"]) == [])
    }

    @Test func zshLoadsTheBashScriptThroughBashcompinit() {
        let script = SampleCLI.root.completionScript(for: .zsh)
        #expect(script.hasPrefix("#compdef divvy\n"))
        #expect(script.contains("bashcompinit") && script.contains("complete -o default -F _divvy divvy"))
    }

    @Test func fishDescribesCommandsAndOptionsUnderTheirCommand() {
        let lines = SampleCLI.root.completionScript(for: .fish).split(separator: "\n").map(String.init)
        #expect(lines.contains("complete -c divvy -n '__fish_use_subcommand' -a run -d 'Solve the tasks of a file.'"))
        #expect(lines.contains("complete -c divvy -n '__fish_seen_subcommand_from model; and not __fish_seen_subcommand_from info' "
                                   + "-a info -d 'Show a model file\\'s metadata.'"))
        #expect(lines.contains("complete -c divvy -n '__fish_seen_subcommand_from run' -l model -s m -r -F -d 'Solver GGUF file.'"))
        #expect(lines.contains("complete -c divvy -n '__fish_seen_subcommand_from run' -l verbose -s v -d 'Print progress.'"))
    }
}
