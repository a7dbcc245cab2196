import Foundation
import Testing

/// `divvy completion`, run as a real process, its bash script run by a real bash.
struct CompletionCommandTests {
    @Test("divvy completion bash completes divvy's own commands and options; an unknown shell is a usage error")
    func bashScriptForTheRealTree() throws {
        let result = try DivvyProcess.run(["completion", "bash"])
        #expect(result.status == 0)
        let folder = try DivvyProcess.ScratchFolder()
        let script = folder.path("divvy.bash")
        try result.stdout.write(toFile: script, atomically: true, encoding: .utf8)
        func completes(_ words: String) throws -> String {
            let count = words.split(separator: " ", omittingEmptySubsequences: false).count
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", "source '\(script)'; COMP_WORDS=(\(words.split(separator: " ", omittingEmptySubsequences: false).map { "'\($0)'" }.joined(separator: " "))); "
                                     + "COMP_CWORD=\(count - 1); _divvy; echo \"${COMPREPLY[*]}\""]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        #expect(try completes("divvy s") == "solve show serve")
        #expect(try completes("divvy cache ") == "stats clear help --help")
        #expect(try completes("divvy solve --verb") == "--verbose")
        #expect(try completes("divvy serve --api") == "--api-key --api-key-file")
        #expect(try completes("divvy co") == "completion")

        let unknown = try DivvyProcess.run(["completion", "tcsh"])
        #expect(unknown.status == 64)
    }
}
