@testable import Agent
import Foundation
import LLM
import SQLiteKit
import Testing

struct AgentStoreTests {
    @Test("A database locked by another connection fails with a clear error after the busy timeout")
    func lockedDatabase() throws {
        let folder = try TemporaryFolder()
        let path = folder.path("divvy.db")
        _ = try AgentStore(path: path)
        let other = try Database(path: path)
        try other.execute("BEGIN IMMEDIATE; CREATE TABLE holding (x)")
        defer { try? other.execute("ROLLBACK") }
        let start = ContinuousClock.now
        do {
            let store = try AgentStore(path: path, busyTimeout: .milliseconds(300))
            _ = try store.startRun(command: "solve", input: "x", settings: RunSettings(
                plannerPath: nil, plannerIdentity: nil, solverPath: "s", solverIdentity: "i", noPlan: true,
                plannerExemplars: 0, parallel: 1, maxTokens: 8, useCache: true))
            Issue.record("writing to a locked database succeeded")
        } catch let error as AgentError {
            #expect(error == .databaseBusy(path: path, waitedSeconds: 0.3))
            #expect(error.description == "database \(path) is locked by another process (waited 0.3 s); try again when it is done")
        }
        #expect(ContinuousClock.now - start >= .milliseconds(300))
    }

    @Test("The schema is versioned and documented tables exist")
    func schema() throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("nested/dirs/divvy.db"))
        #expect(try store.database.userVersion() == 3)
        let tables = try store.database.fetchAll("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
            $0.string(at: 0) ?? ""
        }
        #expect(tables == ["cache_entries", "exemplars", "model_calls", "model_identities", "plans", "runs", "subproblems",
                           "tasks"])
    }

    @Test("A model's identity is memoised and follows its content")
    func modelIdentity() throws {
        let folder = try TemporaryFolder()
        let store = try AgentStore(path: folder.path("divvy.db"))
        let file = try GGUFFile(path: try SmolModel.requirePath())
        let identity = try store.modelIdentity(of: file)
        #expect(identity.hasPrefix("gguf-sha256:") && identity.hasSuffix(":\(file.mapping.count)"))
        #expect(try store.currentModelIdentity(path: file.path) == identity)
        let memoised = try store.database.fetchAll("SELECT identity FROM model_identities WHERE path = ?",
                                                   [.text(file.path)]) { $0.string(at: 0) }
        #expect(memoised == [identity])

        // A copy with one changed byte in the tensor data has another identity.
        let copy = folder.path("copy.gguf")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file.path))
        bytes[file.dataOffset] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: copy))
        #expect(try store.currentModelIdentity(path: copy) != identity)
        #expect(try store.currentModelIdentity(path: folder.path("missing.gguf")) == nil)
    }
}
