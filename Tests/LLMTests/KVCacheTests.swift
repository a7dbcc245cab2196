import Foundation
import LLM
import Testing

/// KV cache bookkeeping (sharing and freeing cells) and the attention over it, on SmolLM2.
///
/// Computations that differ only in fp32 summation order (block vs token-by-token attention)
/// still move logits by up to ~1.3: a 1e-7 change can flip the rounding of an int8-quantized
/// activation, and SmolLM2's outlier activations make one quantization step large. So paths are
/// compared by their distributions: same argmax where the top two logits are 0.5 apart, and a
/// total variation distance below 0.15 (measured: at most 0.08 over a 40-token prompt).
@Suite(.serialized)
struct KVCacheTests {
    static let capacity = 64

    /// `count` token ids of ordinary text.
    func tokens(_ model: LanguageModel, _ count: Int) -> [Int32] {
        let text = String(repeating: "The quick brown fox jumps over the lazy dog, then naps in the sun. ", count: 8)
        return Array(model.tokenizer.encode(text).prefix(count))
    }

    func prefill(_ context: InferenceContext, _ tokens: [Int32], from start: Int32 = 0, sequence: Int32,
                 allLogits: Bool = false) throws -> Logits {
        var batch = Batch()
        for (i, token) in tokens.enumerated() {
            batch.add(token, position: start + Int32(i), sequence: sequence, logits: allLogits || i == tokens.count - 1)
        }
        return try context.decode(batch)
    }

    /// Whether two logit rows agree as the suite's comment says; `reference` decides near-ties.
    func agree(_ row: ArraySlice<Float>, _ reference: ArraySlice<Float>) -> Bool {
        let best = Sampler.argmax(reference)
        let second = reference.indices.filter { $0 - reference.startIndex != best }.max { reference[$0] < reference[$1] }!
        let clear = reference[reference.startIndex + best] - reference[second] >= 0.5
        return (!clear || Sampler.argmax(row) == best) && probabilityDistance(row, reference) < 0.15
    }

    /// Total variation distance between the softmax distributions of two logit rows.
    func probabilityDistance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        func softmax(_ x: ArraySlice<Float>) -> [Double] {
            let m = Double(x.max()!)
            let e = x.map { Foundation.exp(Double($0) - m) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        return zip(softmax(a), softmax(b)).reduce(0) { $0 + abs($1.0 - $1.1) } / 2
    }

    @Test func copySharesCellsAndRemoveFreesOnlyUnsharedOnes() throws {
        let model = try TestModels.model(.smollm2)
        let context = InferenceContext(model: model, capacity: Self.capacity)
        let cache = context.cache
        _ = try prefill(context, tokens(model, 6), sequence: 0)
        #expect(cache.freeCellCount == Self.capacity - 6)
        cache.copySequence(0, to: 1, positions: 0..<4)
        #expect(cache.tokenCount(of: 1) == 4)
        #expect(cache.nextPosition(of: 1) == 4)
        #expect(cache.freeCellCount == Self.capacity - 6)
        cache.removeSequence(0)
        #expect(cache.tokenCount(of: 0) == 0)
        #expect(cache.freeCellCount == Self.capacity - 4)
        cache.removeSequence(1)
        #expect(cache.freeCellCount == Self.capacity)
    }

    @Test func removeRangeAndClear() throws {
        let model = try TestModels.model(.smollm2)
        let context = InferenceContext(model: model, capacity: Self.capacity)
        let cache = context.cache
        _ = try prefill(context, tokens(model, 6), sequence: 3)
        cache.removeSequence(3, positions: 3..<6)
        #expect(cache.tokenCount(of: 3) == 3)
        #expect(cache.nextPosition(of: 3) == 3)
        #expect(cache.freeCellCount == Self.capacity - 3)
        _ = try prefill(context, tokens(model, 5), sequence: 4)
        cache.clear()
        #expect(cache.freeCellCount == Self.capacity)
        #expect(cache.tokenCount(of: 4) == 0)
    }

    @Test func continuingFromACopiedPrefixMatchesComputingItAll() throws {
        let model = try TestModels.model(.smollm2)
        let ids = tokens(model, 12)
        let whole = try prefill(InferenceContext(model: model, capacity: Self.capacity), ids, sequence: 0)
        let context = InferenceContext(model: model, capacity: Self.capacity)
        _ = try prefill(context, Array(ids.prefix(8)), sequence: 0)
        context.cache.copySequence(0, to: 5, positions: 0..<8)
        let continued = try prefill(context, Array(ids[8...]), from: 8, sequence: 5)
        #expect(agree(continued.row(0), whole.row(0)))
    }

    /// A prompt in one batch (per-head blocks of queries) and token by token (all query heads of a
    /// key/value head together) give the same logits at every position.
    @Test func blockAndTokenByTokenAttentionAgree() throws {
        let model = try TestModels.model(.smollm2)
        let ids = tokens(model, 40)
        let block = try prefill(InferenceContext(model: model, capacity: Self.capacity), ids, sequence: 0, allLogits: true)
        let context = InferenceContext(model: model, capacity: Self.capacity)
        for (i, token) in ids.enumerated() {
            let step = try prefill(context, [token], from: Int32(i), sequence: 0)
            #expect(agree(block.row(i), step.row(0)), "position \(i)")
        }
    }

    /// Interleaved sequences leave a sequence's cells scattered; block attention then gathers them.
    @Test func scatteredCellsGiveTheSameLogits() throws {
        let model = try TestModels.model(.smollm2)
        let ids = tokens(model, 18), other = Array(tokens(model, 30).suffix(10))
        let context = InferenceContext(model: model, capacity: Self.capacity)
        var interleaved = Batch()
        for i in 0..<10 {
            interleaved.add(ids[i], position: Int32(i), sequence: 0, logits: false)
            interleaved.add(other[i], position: Int32(i), sequence: 1, logits: false)
        }
        _ = try context.decode(interleaved)
        let scattered = try prefill(context, Array(ids[10...]), from: 10, sequence: 0, allLogits: true)
        let contiguous = try prefill(InferenceContext(model: model, capacity: Self.capacity), ids, sequence: 0, allLogits: true)
        for r in 0..<8 {
            #expect(agree(scattered.row(r), contiguous.row(10 + r)), "position \(10 + r)")
        }
    }
}
