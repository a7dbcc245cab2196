import Testing
import Tensor

/// The attention kernel against its naive twin, on random data, head sizes that are and are not
/// multiples of the vector width, and scattered cells.
struct AttendTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let heads: Int, headDim: Int, cells: Int
        var testDescription: String { "\(heads) heads × \(headDim), \(cells) cells" }
    }

    /// A cache of `capacity` cells with rows of `stride` floats, and `count` distinct cells of it
    /// in a scrambled order (as a sequence's cells are after others came and went).
    func scatteredCells(count: Int, capacity: Int, rng: inout SplitMix64) -> [Int32] {
        Array((0..<capacity).map { Int32($0) }.shuffled(using: &rng).prefix(count))
    }

    func run(_ c: Case, kernel: Bool, query: [Float], cache: (keys: [Float], values: [Float]), stride: Int,
             cells: [Int32]) -> [Float] {
        var scores = [Float](repeating: 0, count: c.heads * cells.count), output = [Float](repeating: .nan, count: c.heads * c.headDim)
        let scale = 1 / Float(c.headDim).squareRoot()
        query.withUnsafeBufferPointer { q in cache.keys.withUnsafeBufferPointer { k in cache.values.withUnsafeBufferPointer { v in
            cells.withUnsafeBufferPointer { cellPointer in scores.withUnsafeMutableBufferPointer { s in output.withUnsafeMutableBufferPointer { o in
                let f = kernel ? attend : attendReference
                // keys and values start one head into the row: the kernel reads the second key/value head.
                f(q.baseAddress!, c.heads, c.headDim, k.baseAddress! + c.headDim, v.baseAddress! + c.headDim, stride,
                  cellPointer, scale, s.baseAddress!, o.baseAddress!)
            }}}
        }}}
        return output
    }

    @Test(arguments: [Case(heads: 1, headDim: 4, cells: 1), Case(heads: 3, headDim: 12, cells: 5),
                      Case(heads: 7, headDim: 64, cells: 37), Case(heads: 6, headDim: 128, cells: 300),
                      Case(heads: 2, headDim: 72, cells: 9), Case(heads: 4, headDim: 8, cells: 64)])
    func kernelMatchesReference(_ c: Case) {
        var rng = SplitMix64(seed: UInt64(c.heads * 1000 + c.headDim * 10 + c.cells))
        let stride = 2 * c.headDim + 3, capacity = c.cells + 11
        let random = { (n: Int, rng: inout SplitMix64) in (0..<n).map { _ in Float.random(in: -2...2, using: &rng) } }
        let query = random(c.heads * c.headDim, &rng)
        let cache = (keys: random(capacity * stride, &rng), values: random(capacity * stride, &rng))
        let cells = scatteredCells(count: c.cells, capacity: capacity, rng: &rng)
        let fast = run(c, kernel: true, query: query, cache: cache, stride: stride, cells: cells)
        let reference = run(c, kernel: false, query: query, cache: cache, stride: stride, cells: cells)
        for (a, b) in zip(fast, reference) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(a) vs \(b)") }
        #expect(!fast.contains { $0.isNaN })
    }

    /// The same cells' data at other places in the cache gives the same bits.
    @Test func resultDoesNotDependOnWhereCellsLie() {
        let c = Case(heads: 6, headDim: 64, cells: 50)
        var rng = SplitMix64(seed: 9)
        let stride = 2 * c.headDim, capacity = 120
        let query = (0..<c.heads * c.headDim).map { _ in Float.random(in: -1...1, using: &rng) }
        var keys = [Float](repeating: 0, count: capacity * stride), values = keys
        var moved = (keys: keys, values: values)
        let placed = scatteredCells(count: c.cells, capacity: capacity, rng: &rng)
        for (j, cell) in placed.enumerated() {
            for x in 0..<stride {
                let key = Float.random(in: -1...1, using: &rng), value = Float.random(in: -1...1, using: &rng)
                keys[Int(cell) * stride + x] = key
                values[Int(cell) * stride + x] = value
                moved.keys[j * stride + x] = key   // the same rows, contiguous from cell 0
                moved.values[j * stride + x] = value
            }
        }
        let scattered = run(c, kernel: true, query: query, cache: (keys, values), stride: stride, cells: placed)
        let contiguous = run(c, kernel: true, query: query, cache: moved, stride: stride, cells: (0..<Int32(c.cells)).map { $0 })
        #expect(scattered == contiguous)
    }
}
