/// Finds the program in a model's reply.
enum CodeBlock {
    private static let pythonInfoStrings: Set<String> = ["", "python", "py", "python3", "py3"]

    /// The first fenced block tagged python/py (or untagged); else the whole reply if it is not blank and parses.
    static func extract(from reply: String) -> String? {
        let lines = reply.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        var index = 0
        while index < lines.count {
            let opening = trimmed(lines[index])
            index += 1
            guard opening.hasPrefix("```") else { continue }
            let info = opening.dropFirst(3).split(separator: " ").first.map { $0.lowercased() } ?? ""
            var body: [Substring] = []
            while index < lines.count {
                let line = lines[index]
                index += 1
                if trimmed(line).hasPrefix("```") { break }
                if line.hasSuffix("```") {
                    body.append(line.dropLast(3))
                    break
                }
                body.append(line)
            }
            if pythonInfoStrings.contains(info) { return body.joined(separator: "\n") }
        }
        return !trimmed(reply).isEmpty && parses(reply) ? reply : nil
    }

    private static func parses(_ source: String) -> Bool {
        let limits = ProgramLimits()
        guard source.unicodeScalars.count <= limits.maxSourceLength else { return false }
        var parsed = false
        let started = runOnInterpreterThread {
            let stack = StackGuard(budget: interpreterStackBudget)
            parsed = (try? Parser.parseProgram(source, maxNesting: limits.maxNestingDepth, stack: stack)) != nil
        }
        return started && parsed
    }
}
