import Foundation

/// A worked plan shown to the planner: a problem and its numbered subquestions (`#k` references).
public struct Exemplar: Sendable, Equatable, Codable {
    public let problem: String
    public let plan: String

    public init(problem: String, plan: String) {
        self.problem = problem
        self.plan = plan
    }
}

/// Finds the stored exemplars whose problems share the most words with a task: TF-IDF
/// vectors over lowercased words, compared by cosine; ties go to the earlier exemplar.
public struct ExemplarIndex: Sendable {
    public let exemplars: [Exemplar]
    private let idf: [String: Double]
    private let vectors: [[String: Double]]

    public init(_ exemplars: [Exemplar]) {
        self.exemplars = exemplars
        let documents = exemplars.map { Self.words($0.problem) }
        var frequency: [String: Int] = [:]
        for words in documents {
            for word in Set(words) { frequency[word, default: 0] += 1 }
        }
        let count = Double(documents.count)
        let idf = frequency.mapValues { log((1 + count) / (1 + Double($0))) + 1 }
        self.idf = idf
        vectors = documents.map { Self.vector($0, idf: idf) }
    }

    /// The `count` exemplars most similar to `task`, most similar first.
    public func nearest(to task: String, count: Int) -> [Exemplar] {
        let query = Self.vector(Self.words(task), idf: idf)
        let scored = vectors.enumerated().map { index, vector in
            (index, query.reduce(0.0) { $0 + $1.value * (vector[$1.key] ?? 0) })
        }
        return scored.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(max(0, count)).map { exemplars[$0.0] }
    }

    /// Lowercased runs of letters (numbers say little about which plan fits).
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter }.map(String.init)
    }

    /// Unit-length TF-IDF vector; words unknown to the index are left out.
    private static func vector(_ words: [String], idf: [String: Double]) -> [String: Double] {
        var vector: [String: Double] = [:]
        for word in words { if let weight = idf[word] { vector[word, default: 0] += weight } }
        let norm = vector.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm == 0 ? vector : vector.mapValues { $0 / norm }
    }
}

/// Where the planner's worked plans come from.
public enum PlannerExemplars: Sendable {
    /// The three fixed plans of ``PlannerPrompt``, in order.
    case builtin
    /// The stored exemplars nearest to each task; `source` names the set (see ``sourceName``).
    case nearest(ExemplarIndex, source: String)

    /// Up to `count` worked plans for `task`, in prompt order (for retrieved ones, the most
    /// similar last, next to the task).
    public func pick(for task: String, count: Int) -> [Exemplar] {
        switch self {
        case .builtin: Array(PlannerPrompt.exemplars.prefix(max(0, count)))
        case let .nearest(index, _): index.nearest(to: task, count: count).reversed()
        }
    }

    /// `builtin`, or `db:<count>:<hash>` naming the stored set, recorded with each run so runs
    /// with other exemplars are not resumed or compared as the same.
    public var sourceName: String {
        switch self {
        case .builtin: "builtin"
        case let .nearest(_, source): source
        }
    }

    /// Retrieval over `stored`, named by their count and a hash of their text.
    public static func stored(_ stored: [Exemplar]) -> PlannerExemplars {
        let text = stored.map { "\($0.problem.utf8.count):\($0.problem)\n\($0.plan.utf8.count):\($0.plan)" }.joined(separator: "\n")
        return .nearest(ExemplarIndex(stored), source: "db:\(stored.count):\(SHA256.hex(text).prefix(12))")
    }
}
