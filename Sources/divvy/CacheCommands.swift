import Agent
import ArgParse
import Foundation
import LLM

/// Options of `divvy cache stats` and `divvy cache clear`.
enum CacheOptions {
    static let model = Option<String>("model", valueName: "name|path",
                                      help: "Only this model's entries (short name or .gguf path; with any adapter).")

    /// The identity of `--model`, if given: memoised in the database, or hashed from the file.
    static func identity(_ arguments: ParsedCommand, store: AgentStore) throws -> String? {
        guard let name = arguments[model] else { return nil }
        let path = try ModelLocator.resolve(name)
        guard let identity = try store.currentModelIdentity(path: path) else {
            throw UsageError("cannot read model \(path)", commandPath: ["divvy", "cache"])
        }
        return identity
    }
}

/// `divvy cache stats`: what the result cache holds, per model.
enum CacheStatsCommand: CLICommand {
    static let path = ["cache", "stats"]
    static let command = Command("stats", summary: "Show the result cache's entries and size per model.",
                                 arguments: [CacheOptions.model, AgentOptions.db, AgentOptions.json])

    static func run(_ arguments: ParsedCommand) async throws {
        let store = try AgentOptions.store(arguments, create: false)
        let models = try CacheInventory(store: store).models(matching: CacheOptions.identity(arguments, store: store))
        if arguments[AgentOptions.json] { return try Console.printJSON(models) }
        guard !models.isEmpty else { return print("the cache is empty") }
        for model in models {
            let name = model.knownPath.map { URL(fileURLWithPath: $0).lastPathComponent + (model.modelIdentity.contains("+lora") ? " + adapter" : "") }
                ?? model.modelIdentity
            print("\(name): \(entries(model.entries)), \(ByteCountFormatter.string(fromByteCount: Int64(model.bytes), countStyle: .file)), "
                  + "\(model.oldest) – \(model.newest)")
        }
        print("total: \(entries(models.reduce(0) { $0 + $1.entries }))")
    }

    static func entries(_ count: Int) -> String { "\(count) entr\(count == 1 ? "y" : "ies")" }
}

/// `divvy cache clear`: removes result-cache entries, all or by model and age.
enum CacheClearCommand: CLICommand {
    static let path = ["cache", "clear"]
    static let olderThan = Option<String>("older-than", valueName: "age",
                                          help: "Only entries stored longer ago than this: a number with d, h or m (7d, 12h, 30m).",
                                          validate: { CacheClearCommand.seconds($0) == nil ? "must be a number followed by d, h or m" : nil })
    static let command = Command("clear", summary: "Remove result-cache entries: all, one model's, or those older than an age.",
                                 arguments: [CacheOptions.model, olderThan, AgentOptions.db, AgentOptions.json])

    static func run(_ arguments: ParsedCommand) async throws {
        let store = try AgentOptions.store(arguments, create: false)
        let cutoff = arguments[olderThan].flatMap(seconds).map { Date().addingTimeInterval(-$0).ISO8601Format() }
        let removed = try CacheInventory(store: store).remove(model: CacheOptions.identity(arguments, store: store), olderThan: cutoff)
        if arguments[AgentOptions.json] { return try Console.printJSON(["removed": removed]) }
        print("removed \(CacheStatsCommand.entries(removed))")
    }

    /// "7d" → 604800; nil for anything else.
    static func seconds(_ age: String) -> Double? {
        guard let unit = age.last, let count = Double(age.dropLast()), count >= 0 else { return nil }
        switch unit {
        case "d": return count * 86_400
        case "h": return count * 3_600
        case "m": return count * 60
        default: return nil
        }
    }
}
