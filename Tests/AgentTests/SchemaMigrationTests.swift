@testable import Agent
import Foundation
@testable import SQLiteKit
import Testing

struct SchemaMigrationTests {
    /// A database at `path` with only the first `version` migrations applied, holding one unfinished
    /// run of `command` on `input` (with the columns every version has).
    static func oldDatabase(at path: String, version: Int, command: String, input: String) throws {
        let old = try Database(path: path)
        var migrator = Migrator()
        for migration in AgentSchema.migrator.migrations.prefix(version) { migrator.register(migration.name, migration.apply) }
        try migrator.migrate(old)
        try old.execute("""
            INSERT INTO runs (command, input, started_at, status, solver_path, solver_identity, no_plan,
                              planner_exemplars, parallel, max_tokens, use_cache)
            VALUES (?, ?, '2025-01-01T00:00:00Z', 'running', 's.gguf', 'solver-id', 0, 3, 4, 64, 1)
            """, [.text(command), .text(input)])
        #expect(try old.userVersion() == version)
    }

    @Test("Schema v2 applies on a v1 database: old runs read as built-in exemplars, the exemplars table works")
    func v1ToV2() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("divvy.db")
        try Self.oldDatabase(at: path, version: 1, command: "batch", input: "tasks.jsonl")

        let store = try AgentStore(path: path)
        #expect(try store.database.userVersion() == AgentSchema.migrator.migrations.count)
        let run = try store.run(1)
        #expect(run.settings.exemplarSource == "builtin")
        #expect(run.command == "batch")
        #expect(try store.exemplars().isEmpty)

        var settings = run.settings
        #expect(try store.resumableRun(command: "batch", input: "tasks.jsonl", settings: settings) == 1)
        settings.exemplarSource = "db:1:abc"
        #expect(try store.resumableRun(command: "batch", input: "tasks.jsonl", settings: settings) == nil)
        let second = try store.startRun(command: "batch", input: "tasks.jsonl", settings: settings)
        #expect(try store.run(second).settings.exemplarSource == "db:1:abc")
    }

    @Test("Schema v2 to the latest: old runs read as answering steps separately with no adapter, and only resume so")
    func v2ToLatest() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("divvy.db")
        try Self.oldDatabase(at: path, version: 2, command: "eval:gold-plan", input: "dev.jsonl")

        let store = try AgentStore(path: path)
        #expect(try store.database.userVersion() == AgentSchema.migrator.migrations.count)
        var settings = try store.run(1).settings
        #expect(settings.steps == .separately)
        #expect(settings.plannerAdapter == nil)
        #expect(try store.resumableRun(command: "eval:gold-plan", input: "dev.jsonl", settings: settings) == 1)
        settings.steps = .together
        #expect(try store.resumableRun(command: "eval:gold-plan", input: "dev.jsonl", settings: settings) == nil)
        let second = try store.startRun(command: "eval:gold-plan", input: "dev.jsonl", settings: settings)
        #expect(try store.run(second).settings.steps == .together)
    }

    @Test("Schema v7 to the latest: old runs read as chain of thought with the plan (or without, with --no-plan), and only resume so")
    func v7ToLatest() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("divvy.db")
        try Self.oldDatabase(at: path, version: 7, command: "batch", input: "tasks.jsonl")
        let old = try Database(path: path)
        try old.execute("""
            INSERT INTO runs (command, input, started_at, status, solver_path, solver_identity, no_plan,
                              planner_exemplars, parallel, max_tokens, use_cache)
            VALUES ('solve', 'x', '2025-01-01T00:00:00Z', 'finished', 's.gguf', 'solver-id', 1, 3, 4, 64, 1)
            """)

        let store = try AgentStore(path: path)
        #expect(try store.database.userVersion() == AgentSchema.migrator.migrations.count)
        var settings = try store.run(1).settings
        #expect(settings.paths == "cot+plan")
        #expect(try store.run(2).settings.paths == "cot")
        #expect(try store.resumableRun(command: "batch", input: "tasks.jsonl", settings: settings) == 1)
        settings.paths = PathSchedule.standard.description
        #expect(try store.resumableRun(command: "batch", input: "tasks.jsonl", settings: settings) == nil)
    }

    @Test("Schema v9 to the latest: old model calls read with no time to first token; new ones keep theirs")
    func v9ToLatest() async throws {
        let folder = try TemporaryFolder()
        let path = folder.path("divvy.db")
        try Self.oldDatabase(at: path, version: 9, command: "solve", input: "x")
        let old = try Database(path: path)
        try old.execute("""
            INSERT INTO tasks (run_id, task_key, task, status, seconds, finished_at)
            VALUES (1, 'a', 'What is 2+2?', 'solved', 1.5, '2025-01-01T00:00:01Z');
            INSERT INTO model_calls (task_id, role, model_identity, cache_key, prompt_tokens, completion_tokens, seconds, cache_hit)
            VALUES (1, 'direct', 'solver-id', 'k', 10, 3, 1.5, 0);
            """)

        let store = try AgentStore(path: path)
        #expect(try store.database.userVersion() == AgentSchema.migrator.migrations.count)
        #expect(try store.run(1).tasks.first?.calls.first?.firstTokenSeconds == nil)
        let call = ModelCallRecord(role: .direct, step: nil, modelIdentity: "solver-id", cacheKey: "k2", promptTokens: 10,
                                   completionTokens: 3, seconds: 1.5, cacheHit: false, firstTokenSeconds: 0.25)
        try store.recordTask(TaskRecord(key: "b", line: nil, task: "What is 3+3?", gold: nil, answer: "6", correct: nil,
                                        output: "6", error: nil, plan: nil, subproblems: [], calls: [call], seconds: 1.5),
                             run: 1)
        #expect(try store.run(1).tasks.last?.calls == [call])
    }
}
