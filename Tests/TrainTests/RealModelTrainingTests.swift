import LLM
import Tensor
import Testing
@testable import Train

/// Training on the real models (quantized weights from their GGUF files).
@Suite(.serialized) struct RealModelTrainingTests {
    /// The training forward pass is the inference engine's model. Against the engine's fp32
    /// (sgemm) path the logits agree to float rounding; against its default int8-activation path,
    /// the logits agree within the quantization error, and the engine's top token at every position
    /// is the training pass's top token or a near tie with it (SmolLM2 on an AVX2-only machine: two
    /// tokens 0.023 apart swap places).
    @Test(arguments: TrainTestModel.allCases)
    func trainingLogitsMatchInference(_ name: TrainTestModel) throws {
        let model = try name.load()
        let tokens = model.tokenizer.encode("The quick brown fox jumps over the lazy dog because", parseSpecial: false)
        let trainer = try LoRATrainer(model: model)
        let exact = try compare(trainer, model, tokens, sgemm: true)
        #expect(exact.worst < 1e-3 && exact.topTokensAgree)
        let int8 = try compare(trainer, model, tokens, sgemm: false)
        #expect(int8.worst < 2.5 && int8.mean < 0.5 && int8.topGap < 0.25,
                "max \(int8.worst), mean \(int8.mean), top-token gap \(int8.topGap)")
    }

    /// 25 steps on one short example overfit SmolLM2-135M to it: the loss falls clearly, and the
    /// inference engine running the trained adapter computes the same logits as training.
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
        let adapted = try compare(trainer, model, example.tokens, sgemm: true, adapter: trainer.adapter)
        #expect(adapted.worst < 1e-3 && adapted.topTokensAgree)
    }

    /// How the training pass's logits at every position differ from the inference engine's;
    /// topGap: the most, over positions, by which the engine's top token trails the training
    /// pass's top token in the training pass's logits (0 where they agree).
    private func compare(_ trainer: LoRATrainer, _ model: LanguageModel, _ tokens: [Int32], sgemm: Bool,
                         adapter: LoRAAdapter? = nil) throws -> (worst: Float, mean: Double, topTokensAgree: Bool, topGap: Float) {
        let batch = try TrainingBatch([TrainingExample(tokens: tokens, promptCount: 1)], config: model.config)
        trainer.pass.forward(batch)
        let logits = trainer.pass.allLogits(batch), vocab = model.config.vocabularySize

        var engineBatch = Batch()
        for (i, token) in tokens.enumerated() { engineBatch.add(token, position: Int32(i), sequence: 0, logits: true) }
        // The path is chosen for this task only: a process-wide switch would change the results of
        // other suites running at the same time (BatchInvarianceTests saw it).
        let engine = try MatmulTuning.$sgemmMinTokensInTask.withValue(sgemm ? 1 : .max) {
            try InferenceContext(model: model, capacity: 64, adapter: adapter).decode(engineBatch)
        }

        var worst: Float = 0, total: Double = 0, agree = true, topGap: Float = 0
        for i in tokens.indices {
            let ours = Array(logits[i * vocab..<(i + 1) * vocab]), theirs = Array(engine.row(i))
            let differences = zip(ours, theirs).map { abs($0 - $1) }
            worst = max(worst, differences.max()!)
            total += differences.reduce(0.0) { $0 + Double($1) }
            let ourTop = ours.indices.max { ours[$0] < ours[$1] }!, theirTop = theirs.indices.max { theirs[$0] < theirs[$1] }!
            agree = agree && ourTop == theirTop
            topGap = max(topGap, ours[ourTop] - ours[theirTop])
        }
        return (worst, total / Double(logits.count), agree, topGap)
    }
}
