import ArgParse
import LLM

/// `divvy model info`: what a GGUF file holds.
enum ModelInfoCommand: CLICommand {
    static let path = ["model", "info"]
    static let model = Positional<String>("model", help: "Model short name (\(ModelLocator.knownModels.joined(separator: ", "))) or path to a .gguf file.")
    static let lora = Option<String>("lora", valueName: "file", help: "Also check and describe a LoRA adapter for the model.")
    static let json = Flag("json", help: "Print JSON instead of text.")
    static let command = Command("info", summary: "Print a model's architecture, hyperparameters, tensor types and chat template.",
                                 arguments: [model, lora, json])

    struct AdapterInfo: Encodable {
        let path: String
        let alpha: Float
        let ranks: [Int]
        /// Adapted weights per target (`attn_q`, …).
        let targets: [String: Int]
        let parameterCount: Int

        init(path: String, _ adapter: LoRAAdapter) {
            let pairs = adapter.layers.flatMap { $0 }
            self.path = path
            alpha = adapter.alpha
            ranks = Set(pairs.map(\.value.rank)).sorted()
            targets = Dictionary(pairs.map { ($0.key.rawValue, 1) }, uniquingKeysWith: +)
            parameterCount = pairs.reduce(0) { $0 + $1.value.a.count + $1.value.b.count }
        }
    }

    struct Info: Encodable {
        let path: String
        let ggufVersion: UInt32
        let architecture: String
        let name: String?
        let layers, embeddingLength, feedForwardLength, heads, kvHeads, headDimension, contextLength: Int
        let ropeBase, rmsEpsilon: Float
        let vocabularySize: Int
        let preTokenizer: String
        let eosID: Int32
        let tensorCount: Int
        let tensorTypes: [String: Int]
        let parameterCount: Int
        let weightBytes: Int
        let chatTemplate: String?
        let adapter: AdapterInfo?
    }

    static func run(_ arguments: ParsedCommand) async throws {
        let path = try ModelLocator.resolve(arguments[model]!)
        let loaded = try LanguageModel(path: path)
        let file = loaded.file, c = loaded.config
        var types: [String: Int] = [:]
        for tensor in file.tensors { types[tensor.type.description, default: 0] += 1 }
        let info = Info(
            path: path, ggufVersion: file.version, architecture: c.architecture.rawValue,
            name: file["general.name"]?.string, layers: c.layerCount, embeddingLength: c.embeddingLength,
            feedForwardLength: c.feedForwardLength, heads: c.headCount, kvHeads: c.kvHeadCount,
            headDimension: c.headDimension, contextLength: c.contextLength, ropeBase: c.ropeBase,
            rmsEpsilon: c.rmsEpsilon, vocabularySize: c.vocabularySize,
            preTokenizer: loaded.tokenizer.preTokenizer.rawValue, eosID: loaded.tokenizer.eosID,
            tensorCount: file.tensors.count, tensorTypes: types,
            parameterCount: file.tensors.reduce(0) { $0 + $1.elementCount },
            weightBytes: file.tensors.reduce(0) { $0 + $1.byteCount },
            chatTemplate: file["tokenizer.chat_template"]?.string,
            adapter: try arguments[lora].map { path throws(LoRAAdapterFileError) in
                AdapterInfo(path: path, try LoRAAdapter(path: path, config: c))
            })
        if arguments[json] { return try Console.printJSON(info) }
        print("""
        model          \(info.name ?? "(unnamed)")
        file           \(path) (GGUF v\(info.ggufVersion))
        architecture   \(info.architecture)
        layers         \(info.layers)
        d_model / d_ff \(info.embeddingLength) / \(info.feedForwardLength)
        heads          \(info.heads) (kv \(info.kvHeads), head dim \(info.headDimension))
        rope base      \(info.ropeBase), rms eps \(info.rmsEpsilon)
        context        \(info.contextLength)
        vocabulary     \(info.vocabularySize) (pre-tokenizer \(info.preTokenizer), eos \(info.eosID))
        parameters     \(info.parameterCount) in \(info.tensorCount) tensors, \(info.weightBytes) bytes
        tensor types   \(types.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", "))
        chat template  \(info.chatTemplate.map { "\($0.count) characters (ChatML)" } ?? "none")
        """)
        if let adapter = info.adapter {
            print("""
            LoRA adapter   \(adapter.path)
            LoRA alpha     \(adapter.alpha), rank \(adapter.ranks.map(String.init).joined(separator: ", ")), \(adapter.parameterCount) parameters
            LoRA targets   \(adapter.targets.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", "))
            """)
        }
    }
}
