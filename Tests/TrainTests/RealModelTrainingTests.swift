import LLM
import Tensor
import Testing
@testable import Train

/// Training on the real models (quantized weights from their GGUF files).
@Suite(.serialized) struct RealModelTrainingTests {
    /// The training forward pass is the inference engine's model. Against the engine's fp32
    /// (sgemm) path the logits agree to float rounding; against its default int8-activation path,
    /// the top token agrees at every position and the logits within the quantization error.
    @Test(arguments: TrainTestModel.allCases)
    func trainingLogitsMatchInference(_ name: TrainTestModel) throws {
        let model = try name.load()
        let tokens = model.tokenizer.encode("The quick brown fox jumps over the lazy dog because", parseSpecial: false)
        let trainer = try LoRATrainer(model: model)
        let batch = try TrainingBatch([TrainingExample(tokens: tokens, promptCount: 1)], config: model.config)
        trainer.pass.forward(batch)
        let logits = trainer.pass.allLogits(batch), vocab = model.config.vocabularySize

        func engineLogits(sgemm: Bool) throws -> Logits {
            let saved = MatmulTuning.sgemmMinTokens
            MatmulTuning.sgemmMinTokens = sgemm ? 1 : .max
            defer { MatmulTuning.sgemmMinTokens = saved }
            var engineBatch = Batch()
            for (i, token) in tokens.enumerated() { engineBatch.add(token, position: Int32(i), sequence: 0, logits: true) }
            return try InferenceContext(model: model, capacity: 64).decode(engineBatch)
        }
        for sgemm in [true, false] {
            let engine = try engineLogits(sgemm: sgemm)
            var worst: Float = 0, total: Double = 0
            for i in tokens.indices {
                let ours = Array(logits[i * vocab..<(i + 1) * vocab]), theirs = Array(engine.row(i))
                let differences = zip(ours, theirs).map { abs($0 - $1) }
                worst = max(worst, differences.max()!)
                total += differences.reduce(0.0) { $0 + Double($1) }
                #expect(ours.indices.max { ours[$0] < ours[$1] } == theirs.indices.max { theirs[$0] < theirs[$1] }, "top-1 at \(i)")
            }
            let mean = total / Double(logits.count)
            if sgemm {
                #expect(worst < 1e-3)
            } else {
                #expect(worst < 2.5 && mean < 0.5, "max \(worst), mean \(mean)")
            }
        }
    }

    /// 25 steps on one short example overfit SmolLM2-135M to it: the loss falls clearly.
    @Test func overfitsOneExample() throws {
        let model = try TrainTestModel.smollm2.load()
        let prompt = model.tokenizer.encode("Plan: split the task into steps.\n", parseSpecial: false)
        let plan = model.tokenizer.encode("1. Read the input 2. Count the words 3. Print the total", parseSpecial: false)
        let example = TrainingExample(tokens: prompt + plan, promptCount: prompt.count)
        let trainer = try LoRATrainer(model: model, optimizer: AdamWConfiguration(learningRate: 2e-3), seed: 1)
        let first = try trainer.loss([example])
        var last = first
        for _ in 0..<25 { last = try trainer.step([example]).loss }
        #expect(try trainer.loss([example]) < 0.5 * first, "loss \(first) → \(last)")
    }
}
