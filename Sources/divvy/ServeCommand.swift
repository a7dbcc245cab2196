import ArgParse
import Dispatch
import Foundation
import HTTP
import LLM
import Serve

/// `divvy serve`: an OpenAI-compatible HTTP server for one model, batching all requests.
enum ServeCommand: CLICommand {
    static let path = ["serve"]
    static let model = Option<String>("model", short: "m", valueName: "name|path", help: "Model short name or .gguf path.",
                                      required: true)
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
    static let command = Command("serve", summary: "Serve a model over an OpenAI-compatible HTTP API (chat completions).",
                                 arguments: [model, host, port, parallel, context, maxQueue, SpeculationOption.flag, quiet])

    static func run(_ arguments: ParsedCommand) async throws {
        let path = try ModelLocator.resolve(arguments[model]!)
        let loaded = try LanguageModel(path: path)
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let server = try ChatServer(model: loaded, modelName: name, configuration: .init(
            host: arguments[host]!, port: UInt16(arguments[port]!), parallel: arguments[parallel]!,
            contextPerRequest: arguments[context]!, maxQueue: arguments[maxQueue]!,
            speculation: SpeculationOption.policy(arguments),
            accessLog: arguments[quiet] ? nil : AccessLog { Console.error($0) }))
        server.start()
        Console.error("divvy serve: \(name) on http://\(arguments[host]!):\(server.port) "
            + "(parallel \(server.engine.parallel), \(server.engine.contextPerRequest) tokens per request, queue \(server.engine.maxQueue))")
        let signal = await ServeSignals.waitForTermination()
        Console.error("divvy serve: stopping (signal \(signal))")
        server.stop()
    }
}

extension SocketError: ExitStatusError {
    /// EX_UNAVAILABLE: the address could not be bound.
    var exitStatus: Int32 { 69 }
}
