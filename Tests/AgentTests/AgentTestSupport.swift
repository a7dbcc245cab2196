import Agent
import Foundation
import LLM

/// The small model that plays planner and solver in these tests.
/// The repository's GSM8K files (`data/gsm8k`), found from this file's own path.
enum RepositoryData {
    static func gsm8k(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("data/gsm8k/\(name)").path
    }
}

enum SmolModel {
    static let path = ModelLocator.modelsDirectory + "/smollm2-135m.gguf"

    /// The model's path, or an error telling how to fetch it.
    static func requirePath() throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MissingTestModel(path: path)
        }
        return path
    }
}

struct MissingTestModel: Error, CustomStringConvertible {
    let path: String
    var description: String {
        "model file \(path) is missing: run `scripts/fetch-models --test-only` (or set DIVVY_MODELS to the folder holding it)"
    }
}

/// A fresh folder under the temporary directory, removed on deinit.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("agent-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// Forwards to another backend and counts the requests that reach it.
final class CountingBackend: ModelBackend, @unchecked Sendable {
    let base: any ModelBackend
    private let lock = NSLock()
    private var count = 0

    init(_ base: any ModelBackend) { self.base = base }

    var calls: Int { lock.withLock { count } }
    var identity: String { base.identity }
    var location: String { base.location }
    var adapterPath: String? { base.adapterPath }
    func renderedPrompt(_ messages: [ChatMessage]) -> String { base.renderedPrompt(messages) }

    func complete(_ request: CompletionRequest) async throws -> Completion {
        lock.withLock { count += 1 }
        return try await base.complete(request)
    }
}

/// Settings describing a test run with `planner` and `solver`.
func testSettings(planner: (any ModelBackend)?, solver: any ModelBackend, maxTokens: Int, parallel: Int = 4,
                  useCache: Bool = true) -> RunSettings {
    RunSettings(plannerPath: planner?.location, plannerIdentity: planner?.identity, solverPath: solver.location,
                solverIdentity: solver.identity, noPlan: planner == nil, plannerExemplars: 1, parallel: parallel, maxTokens: maxTokens,
                useCache: useCache)
}
