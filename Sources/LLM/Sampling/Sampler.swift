import Foundation

/// Picks tokens from logits: greedy, or temperature → top-k → top-p → a seeded draw.
/// One sampler per sequence, so a sequence's draws do not depend on what it is batched with.
public struct Sampler: Sendable {
    public let parameters: SamplingParameters
    private var random: SeededGenerator

    public init(_ parameters: SamplingParameters) {
        self.parameters = parameters
        random = SeededGenerator(seed: parameters.seed)
    }

    /// The index of the largest logit (the lowest index among equals).
    public static func argmax<C: Collection<Float>>(_ logits: C) -> Int where C.Index == Int {
        var best = logits.startIndex
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return best - logits.startIndex
    }

    /// Indices of the `count` largest logits, largest first, in one pass (no sort of the vocabulary).
    static func topIndices(_ logits: ArraySlice<Float>, count: Int) -> [Int] {
        var best: [Int] = []
        best.reserveCapacity(count + 1)
        for i in logits.indices where best.count < count || logits[i] > logits[best[best.count - 1]] {
            var j = best.count
            while j > 0, logits[best[j - 1]] < logits[i] { j -= 1 }
            best.insert(i, at: j)
            if best.count > count { best.removeLast() }
        }
        return best
    }

    /// Chooses the next token from one row of logits.
    public mutating func sample(_ logits: ArraySlice<Float>) -> Int32 {
        let p = parameters
        guard p.temperature > 0, p.topK != 1 else { return Int32(Self.argmax(logits)) }
        let base = logits.startIndex
        let candidates = p.topK > 0 ? Self.topIndices(logits, count: p.topK)
                                    : logits.indices.sorted { logits[$0] > logits[$1] }
        let maximum = logits[candidates[0]]
        var weights = candidates.map { Double(exp((logits[$0] - maximum) / p.temperature)) }
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        if p.topP < 1 {
            var cumulative = 0.0, keep = 0
            while keep < weights.count {
                cumulative += weights[keep]
                keep += 1
                if cumulative >= Double(p.topP) { break }
            }
            weights = Array(weights.prefix(keep))
        }
        let draw = Double(random.nextUnit()) * weights.reduce(0, +)
        var cumulative = 0.0
        for (i, weight) in weights.enumerated() {
            cumulative += weight
            if draw < cumulative { return Int32(candidates[i] - base) }
        }
        return Int32(candidates[weights.count - 1] - base)
    }
}
