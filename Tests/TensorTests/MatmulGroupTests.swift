import Testing
@testable import Tensor

/// `matmul` of several matrices over one input equals one `matmul` per matrix, bit for bit
/// (same quantized activations, same kernels).
struct MatmulGroupTests {
    @Test(arguments: [1, 3, 9])
    func groupEqualsSeparateProducts(n: Int) {
        let cols = 512
        let shapes: [(GGMLType, Int)] = [(.q4_K, 96), (.q6_K, 40), (.q8_0, 64), (.q4_1, 33), (.f16, 16)]
        let weights = shapes.enumerated().map { i, shape in randomWeightBytes(shape.0, rows: shape.1, cols: cols, seed: UInt64(i + 1)) }
        let x = randomActivations(n * cols, seed: 99)
        var separate: [[Float]] = [], grouped: [[Float]] = shapes.map { [Float](repeating: .nan, count: n * $0.1) }
        x.withUnsafeBufferPointer { xp in
            let pointers = weights.map { bytes in
                let p = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 64)
                bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
                return p
            }
            defer { for p in pointers { p.deallocate() } }
            let matrices = zip(shapes, pointers).map { WeightMatrix(type: $0.0, rows: $0.1, cols: cols, data: $1) }
            for w in matrices {
                var y = [Float](repeating: .nan, count: n * w.rows)
                y.withUnsafeMutableBufferPointer { matmul(w, xp.baseAddress!, n: n, $0.baseAddress!) }
                separate.append(y)
            }
            let outputs = grouped.map { y in
                let p = UnsafeMutablePointer<Float>.allocate(capacity: y.count)
                p.initialize(repeating: .nan, count: y.count)
                return p
            }
            matmul(Array(zip(matrices, outputs)).map { (weights: $0.0, output: $0.1) }, xp.baseAddress!, n: n)
            for (i, p) in outputs.enumerated() {
                grouped[i] = Array(UnsafeBufferPointer(start: p, count: grouped[i].count))
                p.deallocate()
            }
        }
        #expect(grouped == separate)
    }
}
