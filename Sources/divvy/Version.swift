import Foundation

/// What `divvy --version` prints: the commit checked out in the repository this executable was
/// built in (read from its `.git` at run time: SwiftPM cannot stamp a build).
enum Version {
    static var text: String {
        "divvy, commit " + (checkoutCommit() ?? "unknown (not run from a git checkout)")
    }

    /// The short hash `HEAD` names, following one symbolic ref through loose or packed refs.
    static func checkoutCommit() -> String? {
        guard let git = BundledData.inCheckout(".git"),
              let head = try? String(contentsOfFile: git + "/HEAD", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        else { return nil }
        guard head.hasPrefix("ref: ") else { return short(head) }
        let ref = String(head.dropFirst(5))
        if let loose = try? String(contentsOfFile: git + "/" + ref, encoding: .utf8) {
            return short(loose.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let packed = (try? String(contentsOfFile: git + "/packed-refs", encoding: .utf8)) ?? ""
        return packed.split(separator: "\n").first { $0.hasSuffix(" " + ref) }.flatMap { short(String($0.prefix(40))) }
    }

    /// The first 7 hex digits of a 40-digit hash, or nil for anything else.
    private static func short(_ hash: String) -> String? {
        hash.count == 40 && hash.allSatisfy(\.isHexDigit) ? String(hash.prefix(7)) : nil
    }
}
