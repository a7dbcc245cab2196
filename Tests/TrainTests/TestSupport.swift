import Foundation
import LLM
import Tensor
import Testing

/// `count` floats uniform in ±`scale` from `seed`.
func randomFloats(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var random = SplitMix64(seed: seed)
    return (0..<count).map { _ in Float.random(in: -scale...scale, using: &random) }
}

/// Runs `body` on a fresh zeroed output of `count` floats and returns it.
func output(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) -> [Float] {
    var out = [Float](repeating: 0, count: count)
    out.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    return out
}

/// Σ y·r in Double: a scalar objective whose gradient wrt y is r.
func objective(_ y: [Float], _ r: [Float]) -> Double {
    zip(y, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Central differences (f(x + h·e_i) − f(x − h·e_i)) / 2h for every i (or those in `indices`).
func numericGradient(at x: [Float], h: Float = 1e-2, indices: [Int]? = nil, _ f: ([Float]) -> Double) -> [Double] {
    (indices ?? Array(x.indices)).map { i in
        var plus = x, minus = x
        plus[i] += h
        minus[i] -= h
        return (f(plus) - f(minus)) / Double(plus[i] - minus[i])
    }
}

/// Expects every analytic derivative within `absolute` + `relative`·|numeric| of the finite difference.
func expectGradient(_ analytic: [Float], _ numeric: [Double], absolute: Double = 3e-3, relative: Double = 1e-2,
                    _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(analytic.count == numeric.count, "\(label): count", sourceLocation: sourceLocation)
    var worst = (index: -1, error: 0.0)
    for (i, (a, n)) in zip(analytic, numeric).enumerated() {
        let excess = abs(Double(a) - n) - (absolute + relative * abs(n))
        if excess > worst.error { worst = (i, excess) }
    }
    #expect(worst.index < 0, "\(label): derivative \(worst.index) is \(worst.index < 0 ? 0 : analytic[worst.index]), finite differences give \(worst.index < 0 ? 0 : numeric[worst.index])",
            sourceLocation: sourceLocation)
    // The check must not pass vacuously: some derivatives are clearly nonzero.
    #expect(numeric.contains { abs($0) > 10 * absolute }, "\(label): all derivatives near zero", sourceLocation: sourceLocation)
}

/// An F32 matrix over `values` (which must outlive its use).
func f32Matrix(_ values: UnsafeBufferPointer<Float>, rows: Int, cols: Int) -> WeightMatrix {
    WeightMatrix(type: .f32, rows: rows, cols: cols, data: UnsafeRawPointer(values.baseAddress!))
}

/// The real models the tests train, found as `TestModels` in LLMTests finds them.
enum TrainTestModel: String, CaseIterable, Sendable {
    case smollm2 = "smollm2-135m"
    case qwen05 = "qwen2.5-coder-0.5b"

    struct Missing: Error, CustomStringConvertible {
        let path: String
        var description: String {
            "model file \(path) is missing: run `scripts/fetch-models --test-only` (or set DIVVY_MODELS to the folder holding it)"
        }
    }

    /// The loaded model, or `Missing` when its file is absent.
    func load() throws -> LanguageModel {
        let path = ModelLocator.modelsDirectory + "/" + rawValue + ".gguf"
        guard FileManager.default.fileExists(atPath: path) else { throw Missing(path: path) }
        return try LanguageModel(path: path)
    }
}
