import LLM

extension LoRAAdapter {
    /// An adapter for `config` adapting `targets` of every layer with rank-`rank` pairs of values
    /// in ±`magnitude` (B all zero when `zeroB`), from `seed`.
    static func random(_ config: ModelConfig, rank: Int, targets: [LoRATarget] = LoRATarget.allCases, alpha: Float = 16,
                       magnitude: Float = 0.1, zeroB: Bool = false, seed: UInt64 = 1) -> LoRAAdapter {
        var random = SeededGenerator(seed: seed)
        func values(_ count: Int) -> [Float] { (0..<count).map { _ in Float.random(in: -magnitude...magnitude, using: &random) } }
        let layers = (0..<config.layerCount).map { _ in
            Dictionary(uniqueKeysWithValues: targets.map { target in
                let inputs = target.inputs(config), outputs = target.outputs(config)
                return (target, LoRAPair(rank: rank, inputs: inputs, outputs: outputs, a: values(rank * inputs),
                                         b: zeroB ? [Float](repeating: 0, count: outputs * rank) : values(outputs * rank)))
            })
        }
        return LoRAAdapter(architecture: config.architecture.rawValue, alpha: alpha, layers: layers)
    }
}
