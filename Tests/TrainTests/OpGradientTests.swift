import Foundation
import LLM
@testable import Tensor
import Testing
@testable import Train

/// Every backward op against central finite differences of Σ y·r (r random), on sizes that are
/// not multiples of the SIMD widths.
@Suite struct OpGradientTests {
    @Test func embeddingScatterAddsRows() {
        let vocab = 7, dim = 5, tokens: [Int32] = [3, 0, 3, 6]
        let table = randomFloats(vocab * dim, seed: 1), r = randomFloats(tokens.count * dim, seed: 2)
        func forward(_ t: [Float]) -> [Float] {
            t.withUnsafeBufferPointer { w in
                output(tokens.count * dim) { embeddingForward(f32Matrix(w, rows: vocab, cols: dim), tokens: tokens, into: $0) }
            }
        }
        #expect(Array(forward(table)[0..<dim]) == Array(table[15..<20]))
        let analytic = r.withUnsafeBufferPointer { dy in
            output(vocab * dim) { embeddingBackward(tokens: tokens, dOut: dy.baseAddress!, dim: dim, into: $0) }
        }
        expectGradient(analytic, numericGradient(at: table) { objective(forward($0), r) }, "embedding")
    }

    @Test func rmsNormInputAndWeight() {
        let rows = 3, dim = 13
        let x = randomFloats(rows * dim, seed: 3), weight = randomFloats(dim, seed: 4).map { $0 + 1 }
        let r = randomFloats(rows * dim, seed: 5)
        func forward(_ x: [Float], _ weight: [Float]) -> [Float] {
            output(rows * dim) { y in
                var inverse = [Float](repeating: 0, count: rows)
                rmsNormForward(x, weight: weight, rows: rows, dim: dim, eps: 1e-5, into: y, inverseRMS: &inverse)
            }
        }
        var inverse = [Float](repeating: 0, count: rows)
        _ = output(rows * dim) { rmsNormForward(x, weight: weight, rows: rows, dim: dim, eps: 1e-5, into: $0, inverseRMS: &inverse) }
        var dWeight = [Float](repeating: 0, count: dim)
        let dx = output(rows * dim) {
            rmsNormBackward(x, weight: weight, inverseRMS: inverse, dy: r, rows: rows, dim: dim, addingTo: $0, dWeight: &dWeight)
        }
        expectGradient(dx, numericGradient(at: x) { objective(forward($0, weight), r) }, "rmsNorm dx")
        expectGradient(dWeight, numericGradient(at: weight) { objective(forward(x, $0), r) }, "rmsNorm dWeight")
    }

    @Test func biasGradientSumsRows() {
        let rows = 4, dim = 11
        let x = randomFloats(rows * dim, seed: 6), bias = randomFloats(dim, seed: 7), r = randomFloats(rows * dim, seed: 8)
        func forward(_ bias: [Float]) -> [Float] {
            var y = x
            addBias(&y, bias, rows: rows, dim: dim)
            return y
        }
        let dBias = output(dim) { biasBackward(r, rows: rows, dim: dim, addingTo: $0) }
        expectGradient(dBias, numericGradient(at: bias) { objective(forward($0), r) }, "bias")
    }

    @Test(arguments: [Architecture.llama, .qwen2])
    func ropeBackwardIsTheInverseRotation(_ architecture: Architecture) {
        let config = ModelConfig(architecture: architecture, layerCount: 1, embeddingLength: 12, feedForwardLength: 8,
                                 headCount: 2, kvHeadCount: 1, headDimension: 6, ropeBase: 10_000, rmsEpsilon: 1e-5,
                                 contextLength: 32, vocabularySize: 4)
        let positions: [Int32] = [0, 3, 7], width = 12
        var tables = RotaryTables(config: config)
        tables.prepare(positions: positions)
        let x = randomFloats(positions.count * width, seed: 9), r = randomFloats(positions.count * width, seed: 10)
        func forward(_ x: [Float]) -> [Float] {
            var y = x
            tables.apply(&y, heads: 2)
            return y
        }
        // Same values as the inference engine's rotation, token by token.
        let engine = RotaryEmbedding(config: config)
        var expected = x
        for (i, position) in positions.enumerated() {
            var table = [Float](repeating: 0, count: 6)
            engine.fillTable(position: position, into: &table)
            expected.withUnsafeMutableBufferPointer { engine.apply($0.baseAddress! + i * width, heads: 2, table: table) }
        }
        #expect(forward(x) == expected)
        var dx = r
        tables.applyBackward(&dx, heads: 2)
        expectGradient(dx, numericGradient(at: x) { objective(forward($0), r) }, "rope \(architecture)")
    }

    @Test func swiglu() {
        let count = 37
        let gate = randomFloats(count, seed: 11, scale: 4), up = randomFloats(count, seed: 12, scale: 2)
        let r = randomFloats(count, seed: 13)
        func forward(_ gate: [Float], _ up: [Float]) -> [Float] {
            output(count) { swigluForward(gate: gate, up: up, into: $0, count: count, pool: .shared) }
        }
        let reference = (0..<count).map { gate[$0] / (1 + Foundation.exp(-gate[$0])) * up[$0] }
        #expect(zip(forward(gate, up), reference).allSatisfy { abs($0 - $1) < 1e-5 })
        var dUp = [Float](repeating: 0, count: count)
        let dGate = output(count) { swigluBackward(gate: gate, up: up, dOut: r, dGate: $0, dUp: &dUp, count: count, pool: .shared) }
        expectGradient(dGate, numericGradient(at: gate) { objective(forward($0, up), r) }, "swiglu dGate")
        expectGradient(dUp, numericGradient(at: up) { objective(forward(gate, $0), r) }, "swiglu dUp")
    }

    @Test(arguments: [GGMLType.f32, .q8_0, .q4_K])
    func frozenLinearOverDequantizedWeights(_ type: GGMLType) {
        let outputs = 9, inputs = type == .f32 ? 13 : type.blockSize * 2, n = 5
        let bytes = randomWeightBytes(type, rows: outputs, cols: inputs, seed: 14)
        let x = randomFloats(n * inputs, seed: 15), r = randomFloats(n * outputs, seed: 16)
        bytes.withUnsafeBytes { raw in
            let matrix = WeightMatrix(type: type, rows: outputs, cols: inputs, data: raw.baseAddress!)
            let dequantized = DequantizedWeight()
            let w = dequantized.load(matrix, pool: .shared)
            var row = [Float](repeating: 0, count: inputs)
            matrix.dequantizeRow(4, into: &row)
            #expect(Array(UnsafeBufferPointer(start: w + 4 * inputs, count: inputs)) == row)
            func forward(_ x: [Float]) -> [Float] {
                output(n * outputs) { linearForward(w, outputs: outputs, inputs: inputs, x, n: n, into: $0, pool: .shared) }
            }
            let dx = output(n * inputs) { linearBackward(w, outputs: outputs, inputs: inputs, r, n: n, into: $0, pool: .shared) }
            expectGradient(dx, numericGradient(at: x) { objective(forward($0), r) }, "linear \(type)")
        }
    }

    @Test func loraLinear() {
        let rank = 3, inputs = 13, outputs = 9, n = 5, scale: Float = 1.5
        let x = randomFloats(n * inputs, seed: 17), r = randomFloats(n * outputs, seed: 18)
        let a = randomFloats(rank * inputs, seed: 19), b = randomFloats(outputs * rank, seed: 20)
        func forward(_ x: [Float], _ a: [Float], _ b: [Float]) -> [Float] {
            var a = a, b = b, dA = a, dB = b, u = [Float](repeating: 0, count: n * rank)
            return output(n * outputs) { y in
                slot(&a, &b, &dA, &dB) { $0.forward(x, n: n, u: &u, addingTo: y, pool: .shared) }
            }
        }
        func slot(_ a: inout [Float], _ b: inout [Float], _ dA: inout [Float], _ dB: inout [Float], _ body: (LoRASlot) -> Void) {
            a.withUnsafeMutableBufferPointer { a in b.withUnsafeMutableBufferPointer { b in
                dA.withUnsafeMutableBufferPointer { dA in dB.withUnsafeMutableBufferPointer { dB in
                    body(LoRASlot(rank: rank, inputs: inputs, outputs: outputs, scale: scale, a: a.baseAddress!,
                                  b: b.baseAddress!, dA: dA.baseAddress!, dB: dB.baseAddress!))
                } }
            } }
        }
        var (aCopy, bCopy) = (a, b)
        var dA = [Float](repeating: 0, count: a.count), dB = [Float](repeating: 0, count: b.count)
        var u = [Float](repeating: 0, count: n * rank), du = u
        let dx = output(n * inputs) { dx in
            slot(&aCopy, &bCopy, &dA, &dB) { s in
                var y = [Float](repeating: 0, count: n * outputs)
                s.forward(x, n: n, u: &u, addingTo: &y, pool: .shared)
                s.backward(x, n: n, u: u, dy: r, addingTo: dx, du: &du, pool: .shared)
            }
        }
        expectGradient(dx, numericGradient(at: x) { objective(forward($0, a, b), r) }, "lora dx")
        expectGradient(dA, numericGradient(at: a) { objective(forward(x, $0, b), r) }, "lora dA")
        expectGradient(dB, numericGradient(at: b) { objective(forward(x, a, $0), r) }, "lora dB")
    }
}
