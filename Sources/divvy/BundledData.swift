import Foundation

/// The GSM8K files that ship in the repository (`data/gsm8k`), the defaults of `eval` and
/// `distill`. A relative path is read from the current folder; when it is not there, from the
/// checkout that holds this executable (found by walking up from it), so the defaults work
/// from any folder.
enum BundledData {
    static let devProblems = "data/gsm8k/gsm8k_dev.jsonl"
    static let trainDecompositions = "data/gsm8k/gsm8k_train_decomp.jsonl"

    /// `path` as given when it exists or is absolute; else the same relative path in the
    /// executable's checkout, if there; else `path` as given (its error then names it).
    static func resolve(_ path: String) -> String {
        guard !path.hasPrefix("/"), !FileManager.default.fileExists(atPath: path) else { return path }
        return inCheckout(path) ?? path
    }

    /// `relative` in the nearest folder above this executable that has it (the checkout it was built in).
    static func inCheckout(_ relative: String) -> String? {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while folder.path != "/" {
            let candidate = folder.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return nil
    }
}
