import Foundation
import LLM
import Testing

/// `--planner-lora` on `solve` and `--lora` on `generate` and `model info`, run as real processes.
@Suite(.serialized)
struct LoRACommandTests {
    static let model = EngineCommandTests.testModel

    /// A LoRA adapter for the test model adapting Q and V of every layer, its B all zero (so it
    /// changes no logit), at a fresh path in `folder`.
    static func zeroBAdapter(in folder: DivvyProcess.ScratchFolder) throws -> String {
        try #require(EngineCommandTests.testModelIsPresent, "run scripts/fetch-models --test-only")
        let config = try LanguageModel(path: ModelLocator.resolve(model)).config
        let rank = 4
        let layers = (0..<config.layerCount).map { l in
            Dictionary(uniqueKeysWithValues: [LoRATarget.query, .value].map { target in
                let inputs = target.inputs(config), outputs = target.outputs(config)
                return (target, LoRAPair(rank: rank, inputs: inputs, outputs: outputs,
                                         a: (0..<rank * inputs).map { Float(($0 + l) % 13) / 100 - 0.06 },
                                         b: [Float](repeating: 0, count: outputs * rank)))
            })
        }
        let path = folder.path("zero-b.gguf")
        try LoRAAdapter(architecture: config.architecture.rawValue, alpha: 8, layers: layers).write(to: path)
        return path
    }

    /// Each bad adapter gives exit 65 and one line on stderr naming the file, in every command taking one.
    @Test func badAdapterExits65() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let valid = try Data(contentsOf: URL(fileURLWithPath: Self.zeroBAdapter(in: folder)))
        let unalphaed = GGUFWriter(metadata: [("general.architecture", .string("llama")), ("general.type", .string("adapter")),
                                              ("adapter.type", .string("lora"))]).bytes()
        let qwen = GGUFWriter(metadata: [("general.architecture", .string("qwen2")), ("general.type", .string("adapter")),
                                         ("adapter.type", .string("lora")), ("adapter.lora.alpha", .float32(1))]).bytes()
        for (name, bytes) in [("truncated", valid.prefix(valid.count / 2)), ("no alpha", unalphaed), ("other architecture", qwen)] {
            let path = try folder.file("broken.gguf", bytes)
            for command in [["generate", "-m", Self.model, "-p", "Hi", "--max-tokens", "2", "--lora", path],
                            ["model", "info", Self.model, "--lora", path],
                            ["solve", "What is 2 plus 3?", "--db", folder.path("divvy.db"), "--planner", Self.model,
                             "--solver", Self.model, "--max-tokens", "4", "--planner-lora", path]] {
                let result = try DivvyProcess.run(command)
                #expect(result.status == 65, "\(name), \(command[0]): \(result.stderr)")
                #expect(result.stderr.hasPrefix("error: ") && result.stderr.contains(path), "\(name), \(command[0])")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(name), \(command[0]): \(result.stderr)")
            }
        }
    }

    @Test func missingAdapterExits66() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let result = try DivvyProcess.run(["solve", "What is 2 plus 3?", "--db", folder.path("divvy.db"), "--planner", Self.model,
                                           "--solver", Self.model, "--planner-lora", folder.path("none.gguf")])
        #expect(result.status == 66)
        #expect(result.stderr == "error: LoRA adapter file \(folder.path("none.gguf")) does not exist\n")
    }

    /// A zero-B adapter plans exactly as the bare planner shown no worked plans, yet its plans are
    /// cached under their own identity, and the run records the adapter.
    @Test func solveWithAZeroBPlannerAdapter() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let adapter = try Self.zeroBAdapter(in: folder)
        let options = ["--db", folder.path("divvy.db"), "--planner", Self.model, "--solver", Self.model, "--max-tokens", "24", "--json"]
        let task = "Tom has 3 boxes of 4 apples and eats 2 apples. How many apples are left?"
        let bare = try DivvyProcess.run(["solve", task, "--exemplars", "0"] + options)
        try #require(bare.status == 0, "\(bare.stderr)")
        let adapted = try DivvyProcess.run(["solve", task, "--planner-lora", adapter] + options)
        try #require(adapted.status == 0, "\(adapted.stderr)")

        func object(_ text: String) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        }
        let barePlan = try object(bare.stdout)["plan"] as? [String: Any]
        let adaptedPlan = try object(adapted.stdout)["plan"] as? [String: Any]
        #expect(adaptedPlan?["rawOutput"] as? String != nil)
        #expect(adaptedPlan?["rawOutput"] as? String == barePlan?["rawOutput"] as? String)

        func settings(_ run: Int) throws -> [String: Any] {
            let show = try DivvyProcess.run(["show", String(run), "--json", "--db", folder.path("divvy.db")])
            return try #require(try object(show.stdout)["settings"] as? [String: Any])
        }
        let first = try settings(1), second = try settings(2)
        let bareIdentity = try #require(first["plannerIdentity"] as? String)
        let adaptedIdentity = try #require(second["plannerIdentity"] as? String)
        #expect(adaptedIdentity.hasPrefix(bareIdentity + "+lora-sha256:"))
        #expect(second["plannerAdapter"] as? String == adapter)
        #expect(second["plannerExemplars"] as? Int == 0)
        #expect(first["plannerAdapter"] == nil)
        let cache = try object(adapted.stdout)["cache"] as? [String: Int]
        #expect((cache?["misses"] ?? 0) >= 1, "the adapted planner's plan is not the bare planner's cached one")

        let shown = try DivvyProcess.run(["show", "2", "--db", folder.path("divvy.db")])
        #expect(shown.stdout.contains("+ LoRA \(adapter)"))

        let replay = try DivvyProcess.run(["replay", "2", "--db", folder.path("divvy.db")])
        #expect(replay.status == 0)
        #expect(!replay.stderr.contains("changed since"), "the same model and adapter: \(replay.stderr)")
        let handle = try #require(FileHandle(forWritingAtPath: adapter))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data([0]))
        try handle.close()
        let changed = try DivvyProcess.run(["replay", "2", "--db", folder.path("divvy.db")])
        #expect(changed.status == 0)
        let planner = try ModelLocator.resolve(Self.model)
        #expect(changed.stderr.contains("the planner model \(planner) with the LoRA adapter \(adapter) changed since the run"),
                "\(changed.stderr)")
    }

    /// The adapter installed beside the planner model (`<name>.planner-lora.gguf`) is used by
    /// default; `--planner-lora none` turns it off.
    @Test func installedAdapterIsTheDefault() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let models = folder.path("models")
        try FileManager.default.createDirectory(atPath: models, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: models + "/\(Self.model).gguf",
                                                   withDestinationPath: ModelLocator.resolve(Self.model))
        let installed = models + "/\(Self.model).planner-lora.gguf"
        try FileManager.default.moveItem(atPath: Self.zeroBAdapter(in: folder), toPath: installed)
        let options = ["--db", folder.path("divvy.db"), "--planner", Self.model, "--solver", Self.model, "--max-tokens", "8"]
        let environment = ["DIVVY_MODELS": models]
        let task = "What is 2 + 2?"
        let byDefault = try DivvyProcess.run(["solve", task] + options, environment: environment)
        try #require(byDefault.status == 0, "\(byDefault.stderr)")
        let turnedOff = try DivvyProcess.run(["solve", task, "--planner-lora", "none"] + options, environment: environment)
        try #require(turnedOff.status == 0, "\(turnedOff.stderr)")
        func settings(_ run: Int) throws -> [String: Any] {
            let show = try DivvyProcess.run(["show", String(run), "--json", "--db", folder.path("divvy.db")])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
            return try #require(object["settings"] as? [String: Any])
        }
        #expect(try settings(1)["plannerAdapter"] as? String == installed)
        #expect(try settings(2)["plannerAdapter"] == nil)
    }

    @Test func generateAndModelInfoWithAnAdapter() throws {
        let folder = try DivvyProcess.ScratchFolder()
        let adapter = try Self.zeroBAdapter(in: folder)
        let prompt = ["generate", "-m", Self.model, "-p", "What is 17 * 23? Answer briefly.", "--max-tokens", "6", "--json"]
        let bare = try DivvyProcess.run(prompt)
        let adapted = try DivvyProcess.run(prompt + ["--lora", adapter])
        try #require(adapted.status == 0, "\(adapted.stderr)")
        func ids(_ text: String) throws -> [Int]? {
            (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])?["generatedIDs"] as? [Int]
        }
        #expect(try ids(adapted.stdout) != nil && ids(adapted.stdout) == ids(bare.stdout))

        let info = try DivvyProcess.run(["model", "info", Self.model, "--lora", adapter])
        #expect(info.status == 0)
        #expect(info.stdout.contains("LoRA alpha     8.0, rank 4, "))
        #expect(info.stdout.contains("LoRA targets   attn_q × 30, attn_v × 30"))
    }
}
