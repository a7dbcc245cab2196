/// One way the solver answers a task: in prose (chain of thought) or as a program, with or
/// without the planner's subquestions, greedy or as a sampled copy. Written `cot`, `pot+plan`,
/// `pot@2` (sampled with seed 2), `cot+plan@1`.
public struct ReasoningPath: Hashable, Sendable, CustomStringConvertible {
    public enum Style: String, Sendable, CaseIterable {
        /// Chain of thought: reasoning in prose ending with "The answer is: …".
        case cot
        /// Program of thought: a short Python program, run by ``MiniPython``.
        case pot
    }

    /// Temperature of sampled copies: diversity that costs least accuracy on its own.
    public static let sampledTemperature: Float = 0.7

    public let style: Style
    /// Whether the planner's subquestions are given (as a hint in prose, as named variables in a program).
    public let usesPlan: Bool
    /// The seed of a sampled copy; nil for the greedy path.
    public let seed: UInt64?

    public init(_ style: Style, usesPlan: Bool = false, seed: UInt64? = nil) {
        self.style = style
        self.usesPlan = usesPlan
        self.seed = seed
    }

    /// Parses `cot`, `pot`, with an optional `+plan` and `@SEED`.
    public init?(_ text: String) {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var seed: UInt64?
        if let at = rest.firstIndex(of: "@") {
            guard let value = UInt64(rest[rest.index(after: at)...]) else { return nil }
            seed = value
            rest = rest[..<at]
        }
        var usesPlan = false
        if rest.hasSuffix("+plan") {
            usesPlan = true
            rest = rest.dropLast("+plan".count)
        }
        guard let style = Style(rawValue: String(rest)) else { return nil }
        self.init(style, usesPlan: usesPlan, seed: seed)
    }

    public var description: String {
        style.rawValue + (usesPlan ? "+plan" : "") + (seed.map { "@\($0)" } ?? "")
    }

    /// The same path without the plan (what it runs as when a task has no usable plan).
    public var withoutPlan: ReasoningPath { ReasoningPath(style, seed: seed) }
}

/// Which reasoning paths answer a task, in stages: a stage's paths run together; a later stage
/// runs only while the paths not yet run could still change the vote (``PathVote``).
/// Written with `,` between paths and `/` between stages: `pot,pot+plan/cot`.
public struct PathSchedule: Hashable, Sendable, CustomStringConvertible {
    public let stages: [[ReasoningPath]]

    /// The shipped default (docs/evaluation.md has the measurements behind it).
    /// `pot,pot+plan/cot`: two programs, and chain of thought when they disagree.
    public static let standard = PathSchedule(stages: [[ReasoningPath(.pot), ReasoningPath(.pot, usesPlan: true)],
                                                       [ReasoningPath(.cot)]])
    /// Chain of thought alone (`--no-plan` before paths existed; eval's `direct`).
    public static let chainOfThought = PathSchedule(stages: [[ReasoningPath(.cot)]])
    /// Chain of thought with the plan as a hint (eval's `decomposed`).
    public static let guidedChainOfThought = PathSchedule(stages: [[ReasoningPath(.cot, usesPlan: true)]])

    public init(stages: [[ReasoningPath]]) { self.stages = stages }

    /// Parses `a,b/c`: at least one path, each named once.
    public init(parsing text: String) throws(PathScheduleError) {
        var stages: [[ReasoningPath]] = []
        var seen = Set<ReasoningPath>()
        for stageText in text.split(separator: "/", omittingEmptySubsequences: false) {
            var stage: [ReasoningPath] = []
            for name in stageText.split(separator: ",", omittingEmptySubsequences: false) {
                guard let path = ReasoningPath(String(name)) else { throw .unknownPath(String(name)) }
                guard seen.insert(path).inserted else { throw .repeated(path.description) }
                stage.append(path)
            }
            stages.append(stage)
        }
        self.init(stages: stages)
    }

    public var description: String { stages.map { $0.map(\.description).joined(separator: ",") }.joined(separator: "/") }

    public var paths: [ReasoningPath] { stages.flatMap { $0 } }

    /// Whether some path asks for the planner's subquestions.
    public var usesPlan: Bool { paths.contains(where: \.usesPlan) }

    /// The schedule for a task without a usable plan: each path without the plan, dropping a
    /// path that then repeats an earlier one (it would decode the same prompt again and vote twice).
    public var withoutPlan: PathSchedule {
        var seen = Set<ReasoningPath>()
        let stages = stages.map { stage in stage.map(\.withoutPlan).filter { seen.insert($0).inserted } }
        return PathSchedule(stages: stages.filter { !$0.isEmpty })
    }
}

/// Why a `--paths` value was refused.
public enum PathScheduleError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownPath(String)
    case repeated(String)

    public var description: String {
        switch self {
        case .unknownPath(let name):
            "unknown reasoning path '\(name)': use cot or pot, optionally with +plan and @SEED (e.g. pot+plan, cot@1), "
                + "',' between paths and '/' between stages"
        case .repeated(let name): "reasoning path '\(name)' is named twice"
        }
    }
}
