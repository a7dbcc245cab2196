import Foundation

/// Runs the built `divvy` executable (next to the test bundle in the build folder) and collects
/// its exit status and output.
struct DivvyProcess {
    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static var executable: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("divvy")
    }

    /// Starts `divvy arguments…` in the background, its output discarded.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `divvy arguments…` to completion (in `folder`, when given; with `input` on its standard input).
    static func run(_ arguments: [String], environment: [String: String] = [:], in folder: URL? = nil,
                    input: String? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        if let folder { process.currentDirectoryURL = folder }
        let stdin = Pipe()
        if input != nil { process.standardInput = stdin }
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A fresh folder for a test's database and files, removed when released.
    final class ScratchFolder {
        let url: URL

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("divvy-cli-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        func path(_ name: String) -> String { url.appendingPathComponent(name).path }

        /// Writes `bytes` to a file of this folder and returns its path.
        func file(_ name: String, _ bytes: Data) throws -> String {
            try bytes.write(to: url.appendingPathComponent(name))
            return path(name)
        }

        deinit { try? FileManager.default.removeItem(at: url) }
    }
}
