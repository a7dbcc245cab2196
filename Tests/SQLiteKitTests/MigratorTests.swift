import Foundation
import Testing
import SQLiteKit

@Suite struct MigratorTests {
    /// Records the order migrations ran in, across `@Sendable` closures.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []
        func append(_ entry: String) { lock.withLock { entries.append(entry) } }
        var all: [String] { lock.withLock { entries } }
    }

    private func migrator(_ log: Log) -> Migrator {
        var migrator = Migrator()
        migrator.register("create") { db in
            log.append("create")
            try db.execute("CREATE TABLE t(a)")
        }
        migrator.register("add column") { db in
            log.append("add column")
            try db.execute("ALTER TABLE t ADD COLUMN b")
        }
        return migrator
    }

    @Test func runsPendingMigrationsOnceAndInOrder() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("m.sqlite")
        let log = Log()
        let db = try Database(path: path)
        #expect(try migrator(log).migrate(db) == ["create", "add column"])
        #expect(try db.userVersion() == 2)
        #expect(try migrator(log).migrate(db) == [])
        let reopened = try Database(path: path)
        #expect(try migrator(log).migrate(reopened) == [])
        #expect(log.all == ["create", "add column"])
        try db.execute("INSERT INTO t(a, b) VALUES (1, 2)")
    }

    @Test func appliesOnlyNewMigrations() throws {
        let db = try Database(path: ":memory:")
        let log = Log()
        var first = Migrator()
        first.register("create") { db in try db.execute("CREATE TABLE t(a)") }
        try first.migrate(db)
        #expect(try migrator(log).migrate(db) == ["add column"])
        #expect(log.all == ["add column"])
        #expect(try db.userVersion() == 2)
    }

    @Test func failedMigrationLeavesNothingBehind() throws {
        let db = try Database(path: ":memory:")
        var migrator = Migrator()
        migrator.register("create") { db in try db.execute("CREATE TABLE t(a)") }
        migrator.register("broken") { db in try db.execute("ALTER TABLE nope ADD COLUMN b") }
        let error = #expect(throws: MigrationError.self) { try migrator.migrate(db) }
        guard case .failed(let name, let version, let underlying) = error else {
            Issue.record("expected .failed, got \(String(describing: error))")
            return
        }
        #expect(name == "broken" && version == 2)
        #expect(underlying.contains("no such table"))
        #expect(try db.userVersion() == 0)
        #expect(try db.fetchAll("SELECT name FROM sqlite_master") { $0.string(at: 0) } == [])
    }

    @Test func refusesSchemaFromNewerProgram() throws {
        let db = try Database(path: ":memory:")
        try db.execute("PRAGMA user_version = 5")
        let error = #expect(throws: MigrationError.self) { try migrator(Log()).migrate(db) }
        #expect(error == .newerSchema(found: 5, known: 2))
    }
}
