import Foundation

/// Rotary position embedding applied in place to `heads` heads of `headDimension` values.
/// x: [heads, headDimension]
public struct RotaryEmbedding: Sendable {
    public let headDimension: Int
    /// Pairs (2i, 2i+1) for llama; pairs (i, i + headDimension/2) for qwen2 (NEOX).
    let pairsHalfApart: Bool
    /// inverseFrequencies[i] = base^(-2i / headDimension)
    let inverseFrequencies: [Float]

    public init(config: ModelConfig) {
        headDimension = config.headDimension
        pairsHalfApart = config.architecture == .qwen2
        let d = Double(config.headDimension)
        inverseFrequencies = (0..<config.headDimension / 2).map {
            Float(pow(Double(config.ropeBase), -2 * Double($0) / d))
        }
    }

    /// Cosines and sines of every rotation angle at `position`. table: [headDimension / 2, 2]
    public func fillTable(position: Int32, into table: UnsafeMutablePointer<Float>) {
        for i in 0..<headDimension / 2 {
            let angle = Double(position) * Double(inverseFrequencies[i])
            table[2 * i] = Float(cos(angle))
            table[2 * i + 1] = Float(sin(angle))
        }
    }

    /// Rotates x: [heads, headDimension] by the angles of `table` (from `fillTable`).
    public func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, table: UnsafePointer<Float>) {
        let half = headDimension / 2
        for h in 0..<heads {
            let head = x + h * headDimension
            for i in 0..<half {
                let cosine = table[2 * i], sine = table[2 * i + 1]
                let (a, b) = pairsHalfApart ? (i, i + half) : (2 * i, 2 * i + 1)
                let x0 = head[a], x1 = head[b]
                head[a] = x0 * cosine - x1 * sine
                head[b] = x0 * sine + x1 * cosine
            }
        }
    }
}
