import Foundation

/// Writing to the terminal: results on stdout, messages and progress on stderr.
enum Console {
    /// Whether stderr is a terminal (progress is drawn only then).
    static let stderrIsTerminal = isatty(STDERR_FILENO) != 0

    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Writes `text` to stdout at once, without a newline (for streamed generation).
    static func stream(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Prints a value as pretty JSON with sorted keys.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

extension Console {
    /// `text`, or all of standard input when `text` is `-` (a trailing newline dropped).
    static func textOrStandardInput(_ text: String) -> String {
        guard text == "-" else { return text }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var read = String(decoding: data, as: UTF8.self)
        while read.hasSuffix("\n") || read.hasSuffix("\r") { read.removeLast() }
        return read
    }
}
