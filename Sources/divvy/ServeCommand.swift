import ArgParse
import Dispatch
import Foundation
import HTTP
import LLM
import Serve

/// `divvy serve`: an OpenAI-compatible HTTP server for one or more models, batching all requests.
enum ServeCommand: CLICommand {
    static let path = ["serve"]
    static let model = Option<String>(
        "model", short: "m", valueName: "name|path[:adapter=file]",
        help: "Model short name or .gguf path, served under its name; with :ADAPTER=FILE, a LoRA adapter "
            + "applied to it, served as NAME:ADAPTER.", required: true, repeating: true)
    static let host = Option<String>("host", valueName: "address", help: "Address to listen on.", default: "127.0.0.1")
    static let port = Option<Int>("port", valueName: "n", help: "TCP port.", default: 8080,
                                  validate: { (0...65535).contains($0) ? nil : "must be 0…65535" })
    static let parallel = Option<Int>("parallel", valueName: "n", help: "Requests decoded together at most.", default: 4,
                                      validate: { (1...KVCache.maxSequences).contains($0) ? nil : "must be 1…\(KVCache.maxSequences)" })
    static let context = Option<Int>("context", valueName: "tokens", help: "Tokens per request, prompt and reply together.",
                                     default: 2048, validate: { $0 >= 16 ? nil : "must be at least 16" })
    static let maxQueue = Option<Int>("max-queue", valueName: "n", help: "Requests that may wait for a slot; more get 503.",
                                      default: 16, validate: { $0 >= 0 ? nil : "must not be negative" })
    static let quiet = Flag("quiet", help: "Log no line per request (by default: method, path, status, tokens and ms on stderr).")
    static let apiKey = Option<String>("api-key", valueName: "key",
                                       help: "Requests to /v1/ must send 'Authorization: Bearer KEY' (else 401).")
    static let apiKeyFile = Option<String>("api-key-file", valueName: "path",
                                           help: "As --api-key, with the key read from the file's first line.")
    static let insecure = Flag("insecure", help: "Allow listening on an address other than loopback without an API key.")
    static let command = Command(
        "serve", summary: "Serve models over an OpenAI-compatible HTTP API (chat completions).",
        discussion: """
        Each --model is served under its name (the file name without .gguf), and with :ADAPTER=FILE \
        also a LoRA adapter on it, as NAME:ADAPTER: `--model qwen2.5-coder-0.5b:planner=planner.lora \
        --model qwen2.5-coder-1.5b` backs both --planner-url and --solver-url of another machine's \
        divvy. A request's "model" picks one (none: the first); an unknown one gets 404. All models \
        share one engine: --parallel and --context hold for each.
        """,
        arguments: [model, host, port, parallel, context, maxQueue, apiKey, apiKeyFile, insecure,
                    quiet] + SpeculationOption.all)

    static func run(_ arguments: ParsedCommand) async throws {
        let key = try apiKey(arguments)
        let address = arguments[host]!
        if key == nil && !isLoopback(address) && !arguments[insecure] {
            throw UsageError("--host \(address) is reachable from other machines: give --api-key or --api-key-file "
                                 + "(or --insecure to serve without a key)", commandPath: ["divvy", "serve"])
        }
        let served = try models(arguments.values(of: model), draftPath: SpeculationOption.draftPath(arguments))
        let server = try ChatServer(models: served, configuration: .init(
            host: address, port: UInt16(arguments[port]!), parallel: arguments[parallel]!,
            contextPerRequest: arguments[context]!, maxQueue: arguments[maxQueue]!,
            speculation: SpeculationOption.policy(arguments),
            accessLog: arguments[quiet] ? nil : AccessLog { Console.error($0) }, apiKey: key))
        server.start()
        let name = served.map(\.name).joined(separator: ", ")
        Console.error("divvy serve: \(name) on http://\(address):\(server.port) "
            + "(parallel \(server.engine.configuration.maxSequences), \(server.contextPerRequest) tokens per request, "
            + "queue \(server.engine.configuration.maxQueue ?? 0)"
            + (arguments[SpeculationOption.draftModel].map { ", drafts by \($0)" } ?? "") + ")")
        let signal = await ServeSignals.waitForTermination()
        Console.error("divvy serve: stopping (signal \(signal))")
        server.stop()
    }

    /// The models of the `--model` values, each file loaded once however many adapters it carries;
    /// the model at `draftPath`, when given, drafts for each of them but itself.
    static func models(_ specs: [String], draftPath: String? = nil) throws -> [ServedModel] {
        var loaded: [String: LanguageModel] = [:]
        let draftModel = try draftPath.map { path in try LanguageModel(path: path) }
        if let draftPath, let draftModel { loaded[draftPath] = draftModel }
        var served: [ServedModel] = []
        for spec in specs {
            let (modelName, adapter) = try parseSpec(spec)
            let path = try ModelLocator.resolve(modelName)
            let model = try loaded[path] ?? LanguageModel(path: path)
            loaded[path] = model
            let base = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let name = adapter.map { base + ":" + $0.name } ?? base
            guard !served.contains(where: { $0.name == name }) else {
                throw UsageError("--model \(spec): \(name) is already served", commandPath: ["divvy", "serve"])
            }
            let draft = try draftModel.flatMap { draft in path == draftPath ? nil : try model.checkedDraft(draft) }
            served.append(ServedModel(name: name, model: model,
                                      adapter: try adapter.map { try LoRAAdapter(path: $0.file, config: model.config) }, draft: draft))
        }
        return served
    }

    /// `NAME|PATH[:ADAPTER=FILE]` split into the model and the named adapter file.
    static func parseSpec(_ spec: String) throws -> (model: String, adapter: (name: String, file: String)?) {
        guard let colon = spec.lastIndex(of: ":"), spec[colon...].contains("=") else { return (spec, nil) }
        let adapter = spec[spec.index(after: colon)...]
        let equals = adapter.firstIndex(of: "=")!
        let name = String(adapter[..<equals]), file = String(adapter[adapter.index(after: equals)...])
        guard !name.isEmpty, !file.isEmpty, colon > spec.startIndex,
              name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw UsageError("--model \(spec): expected NAME|PATH or NAME|PATH:ADAPTER=FILE (ADAPTER of letters, digits, - _ .)",
                             commandPath: ["divvy", "serve"])
        }
        return (String(spec[..<colon]), (name, file))
    }

    /// The key of `--api-key`, or the first line of `--api-key-file`; nil when neither is given.
    static func apiKey(_ arguments: ParsedCommand) throws -> String? {
        let commandPath = ["divvy", "serve"]
        if arguments[apiKey] != nil && arguments[apiKeyFile] != nil {
            throw UsageError("give --api-key or --api-key-file, not both", commandPath: commandPath)
        }
        if let key = arguments[apiKey] {
            guard !key.isEmpty else { throw UsageError("--api-key must not be empty", commandPath: commandPath) }
            return key
        }
        guard let file = arguments[apiKeyFile] else { return nil }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw UnreadableFile(path: file, what: "API key file")
        }
        let key = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !key.isEmpty else { throw UsageError("--api-key-file \(file): the first line is empty", commandPath: commandPath) }
        return key
    }

    /// Whether only this machine can reach `host`.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
