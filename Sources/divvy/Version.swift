import Foundation

/// What `divvy --version` prints: the commit checked out in the repository this executable was
/// built in (read from its `.git` at run time: SwiftPM cannot stamp a build).
enum Version {
    static var text: String {
        "divvy, commit " + (checkoutCommit() ?? "unknown (not run from a git checkout)")
    }

    /// The short hash `HEAD` names, following one symbolic ref through loose or packed refs.
    static func checkoutCommit() -> String? {
        guard let dotGit = BundledData.inCheckout(".git"), let (git, common) = directories(dotGit),
              let head = try? String(contentsOfFile: git + "/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        else { return nil }
        guard head.hasPrefix("ref: ") else { return short(head) }
        let ref = String(head.dropFirst(5))
        if let loose = try? String(contentsOfFile: common + "/" + ref, encoding: .utf8) {
            return short(loose.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let packed = (try? String(contentsOfFile: common + "/packed-refs", encoding: .utf8)) ?? ""
        return packed.split(separator: "\n").first { $0.hasSuffix(" " + ref) }.flatMap { short(String($0.prefix(40))) }
    }

    /// The folder holding `HEAD` and the one holding the branches: both `.git` in a main checkout;
    /// in a linked worktree (`git worktree add`), `.git` is a file naming the first (`gitdir: …`),
    /// whose `commondir` names the second.
    private static func directories(_ dotGit: String) -> (git: String, common: String)? {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isFolder) else { return nil }
        if isFolder.boolValue { return (dotGit, dotGit) }
        guard let text = try? String(contentsOfFile: dotGit, encoding: .utf8), text.hasPrefix("gitdir: ") else { return nil }
        let git = absolute(text.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines),
                           from: (dotGit as NSString).deletingLastPathComponent)
        let common = (try? String(contentsOfFile: git + "/commondir", encoding: .utf8))
            .map { absolute($0.trimmingCharacters(in: .whitespacesAndNewlines), from: git) }
        return (git, common ?? git)
    }

    private static func absolute(_ path: String, from folder: String) -> String {
        path.hasPrefix("/") ? path : folder + "/" + path
    }

    /// The first 7 hex digits of a 40-digit hash, or nil for anything else.
    private static func short(_ hash: String) -> String? {
        hash.count == 40 && hash.allSatisfy(\.isHexDigit) ? String(hash.prefix(7)) : nil
    }
}
