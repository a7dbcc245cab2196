import Foundation
import Testing
@testable import LLM

struct SamplerTests {
    static let logits: ArraySlice<Float> = [1.0, 3.0, 2.5, -1.0, 2.9, 0.0][...]

    @Test func greedyTakesTheArgmax() {
        var sampler = Sampler(.greedy())
        #expect(sampler.sample(Self.logits) == 1)
        var topOne = Sampler(SamplingParameters(temperature: 1, topK: 1))
        #expect(topOne.sample(Self.logits) == 1)
    }

    @Test func sameSeedSameDraws() {
        let parameters = SamplingParameters(temperature: 1.0, topK: 0, topP: 1, seed: 42)
        var a = Sampler(parameters), b = Sampler(parameters)
        let drawsA = (0..<200).map { _ in a.sample(Self.logits) }
        let drawsB = (0..<200).map { _ in b.sample(Self.logits) }
        #expect(drawsA == drawsB)
        var c = Sampler(SamplingParameters(temperature: 1.0, topK: 0, topP: 1, seed: 43))
        #expect((0..<200).map { _ in c.sample(Self.logits) } != drawsA)
    }

    /// With temperature 1 and no truncation the draw frequencies follow the softmax.
    @Test func drawsFollowTheSoftmax() {
        var sampler = Sampler(SamplingParameters(temperature: 1.0, topK: 0, topP: 1, seed: 1))
        var counts = [Int](repeating: 0, count: Self.logits.count)
        let n = 20_000
        for _ in 0..<n { counts[Int(sampler.sample(Self.logits))] += 1 }
        let exps = Self.logits.map { Double(Foundation.exp($0)) }
        let total = exps.reduce(0, +)
        for (i, e) in exps.enumerated() {
            let expected = e / total, observed = Double(counts[i]) / Double(n)
            #expect(abs(observed - expected) < 0.015, "token \(i): \(observed) vs \(expected)")
        }
    }

    @Test func topIndicesEqualsSortingTheVocabulary() {
        var random = SeededGenerator(seed: 9)
        let logits = (0..<5000).map { _ in Float(Int.random(in: -300...300, using: &random)) / 10 }[...]
        let sorted = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        for k in [1, 5, 40] {
            #expect(Sampler.topIndices(logits, count: k) == Array(sorted.prefix(k)))
        }
    }

    @Test func topKAndTopPTruncate() {
        var topTwo = Sampler(SamplingParameters(temperature: 5, topK: 2, topP: 1, seed: 3))
        #expect(Set((0..<500).map { _ in topTwo.sample(Self.logits) }) == [1, 4])
        // Token 1 alone holds more than 10% of the mass, so top-p 0.1 keeps only it.
        var nucleus = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 0.1, seed: 3))
        #expect(Set((0..<200).map { _ in nucleus.sample(Self.logits) }) == [1])
    }
}

struct StopStringFilterTests {
    @Test func cutsAtTheStopStringAcrossPieces() {
        var filter = StopStringFilter(stops: ["\n\nQ:"])
        #expect(filter.append("The answer") == ("The answer", false))
        #expect(filter.append(" is 4.\n") == (" is 4.", false))   // "\n" could begin the stop
        #expect(filter.append("\nQ: next") == ("", true))
        #expect(filter.text == "The answer is 4.")
    }

    @Test func releasesHeldTextWhenItIsNotAStop() {
        var filter = StopStringFilter(stops: ["END"])
        #expect(filter.append("the EN") == ("the ", false))
        #expect(filter.append("D") == ("", true))
        var other = StopStringFilter(stops: ["END"])
        #expect(other.append("EN") == ("", false))
        #expect(other.append("ough") == ("ENough", false))
        #expect(other.finish() == "")
    }
}

struct LineRepeatGuardTests {
    @Test("Trips when a line is complete for the limit-th time, without its list number, across pieces")
    func tripsOnTheThirdCopy() {
        var lines = LineRepeatGuard(limit: 3)
        let pieces = ["1. How many?\n2. How", " many? \n\n3) Other?\n", "4.  How many?", "\n"]
        // The third copy trips only once its line is complete.
        #expect(pieces.map { lines.append($0) } == [false, false, false, true])
    }

    @Test func keyDropsOnlyALeadingListNumber() {
        #expect(LineRepeatGuard.key("  12. Cost of 3.5 kg? ") == "Cost of 3.5 kg?")
        #expect(LineRepeatGuard.key("7) x") == "x")
        #expect(LineRepeatGuard.key("3 apples") == "3 apples")
        #expect(LineRepeatGuard.key("   ") == "")
    }

    @Test func limitZeroNeverTrips() {
        var lines = LineRepeatGuard(limit: 0)
        let tripped = lines.append(String(repeating: "same\n", count: 10))
        #expect(!tripped)
    }
}
