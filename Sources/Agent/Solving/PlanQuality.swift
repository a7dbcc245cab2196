/// How close a planner's plans come to gold decompositions: step counts, and the word overlap of
/// subquestions (each gold subquestion matched with its most similar planned one, and back).
public struct PlanQuality: Sendable, Codable, Equatable {
    /// Tasks with both a planner's answer (a plan, "no decomposition", or an unusable reply) and a gold plan.
    public let tasks: Int
    /// Mean subquestions per plan (0 for "no decomposition" or an unusable reply), and per gold plan.
    public let meanSteps, meanGoldSteps: Double
    /// Share of tasks whose plan has exactly as many subquestions as the gold one.
    public let sameCount: Double
    /// Mean over tasks of the subquestions' overlap F1 with the gold ones (0…1).
    public let overlap: Double

    /// The quality of the plans of `tasks` that have a gold plan in `gold` (by task key); nil when none has.
    public init?(tasks records: [TaskRecord], gold: [String: Plan]) {
        let pairs = records.compactMap { task -> ([String], [String])? in
            guard let plan = task.plan, plan.status != .skipped, plan.status != .unneeded, plan.status != .given,
                  let goldPlan = gold[task.key] else { return nil }
            return (plan.steps, goldPlan.steps.map(\.question))
        }
        guard !pairs.isEmpty else { return nil }
        let n = Double(pairs.count)
        tasks = pairs.count
        meanSteps = Double(pairs.reduce(0) { $0 + $1.0.count }) / n
        meanGoldSteps = Double(pairs.reduce(0) { $0 + $1.1.count }) / n
        sameCount = Double(pairs.filter { $0.0.count == $0.1.count }.count) / n
        overlap = pairs.reduce(0) { $0 + Self.overlap(planned: $1.0, gold: $1.1) } / n
    }

    /// F1 of two directions of best matches: each gold subquestion's best word F1 with a planned
    /// one (recall), each planned subquestion's best with a gold one (precision).
    static func overlap(planned: [String], gold: [String]) -> Double {
        guard !planned.isEmpty, !gold.isEmpty else { return 0 }
        let p = planned.map(words), g = gold.map(words)
        let recall = g.reduce(0) { sum, gw in sum + p.map { wordF1(gw, $0) }.max()! } / Double(g.count)
        let precision = p.reduce(0) { sum, pw in sum + g.map { wordF1(pw, $0) }.max()! } / Double(p.count)
        return recall + precision == 0 ? 0 : 2 * recall * precision / (recall + precision)
    }

    /// F1 of two word sets.
    static func wordF1(_ a: Set<String>, _ b: Set<String>) -> Double {
        let common = Double(a.intersection(b).count)
        guard common > 0 else { return 0 }
        let precision = common / Double(b.count), recall = common / Double(a.count)
        return 2 * precision * recall / (precision + recall)
    }

    /// Lower-cased words and numbers of a subquestion, without `#k` references and common function words.
    static func words(_ text: String) -> Set<String> {
        let tokens = text.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "#" }.map(String.init)
        return Set(tokens.filter { !$0.hasPrefix("#") && !stopWords.contains($0) })
    }

    private static let stopWords: Set<String> = [
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "is", "are", "was", "were", "be", "do", "does", "did",
        "and", "or", "if", "it", "its", "that", "this", "with", "by", "as", "from", "what", "how", "many", "much",
    ]
}
