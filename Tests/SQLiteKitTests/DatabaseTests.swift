import Foundation
import Testing
import SQLiteKit

@Suite struct DatabaseTests {
    @Test func opensFileInWALMode() throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("a.sqlite"))
        let mode = try db.fetchAll("PRAGMA journal_mode") { $0.string(at: 0) }
        #expect(mode == ["wal"])
    }

    @Test func defaultBusyTimeoutIsFiveSeconds() throws {
        let db = try Database(path: ":memory:")
        let timeout = try db.fetchAll("PRAGMA busy_timeout") { $0.int64(at: 0) }
        #expect(timeout == [5000])
    }

    @Test func roundTripsEveryValueType() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n)")
        let blob = Data([0, 1, 2, 255])
        try db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                       [.integer(Int64.min), .real(-2.5), .text("héllo\u{0}x"), .blob(blob), .null])
        let statement = try db.prepare("SELECT i, r, s, b, n FROM t")
        #expect(try statement.step())
        #expect(statement.int64(at: 0) == Int64.min)
        #expect(statement.double(at: 1) == -2.5)
        #expect(statement.string(at: 2) == "héllo\u{0}x")
        #expect(statement.data(at: 3) == blob)
        #expect(statement.isNull(at: 4))
        #expect(statement.int64(at: 4) == nil)
        #expect(statement.columnName(at: 2) == "s")
        #expect(statement.columnIndex(named: "b") == 3)
        #expect(try !statement.step())
    }

    @Test func emptyBlobIsNotNull() throws {
        let db = try Database(path: ":memory:")
        let rows = try db.fetchAll("SELECT ?, typeof(?1)", [.blob(Data())]) { [$0.value(at: 0), $0.value(at: 1)] }
        #expect(rows == [[.blob(Data()), .text("blob")]])
    }

    @Test func bindsByNameWithOrWithoutPrefix() throws {
        let db = try Database(path: ":memory:")
        let statement = try db.prepare("SELECT :a + @b, $c")
        try statement.bind(["a": 2, ":a": 2, "b": 40, "$c": "x"])
        #expect(try statement.step())
        #expect(statement.int64(at: 0) == 42)
        #expect(statement.string(at: 1) == "x")
        #expect(throws: SQLiteError.self) { try statement.bind(1, named: "missing") }
    }

    @Test func positionalBindingCountMustMatch() throws {
        let db = try Database(path: ":memory:")
        let statement = try db.prepare("SELECT ?, ?")
        let error = #expect(throws: SQLiteError.self) { try statement.bind([1]) }
        #expect(error?.code == .range)
    }

    @Test func statementIsReusableAfterReset() throws {
        let db = try Database(path: ":memory:")
        let statement = try db.prepare("SELECT ? * 2")
        var results: [Int64?] = []
        for n in [1, 5] as [Int64] {
            statement.reset()
            try statement.bind([.integer(n)])
            #expect(try statement.step())
            results.append(statement.int64(at: 0))
        }
        #expect(results == [2, 10])
    }

    @Test func reportsLastInsertRowIDAndChanges() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER)")
        try db.execute("INSERT INTO t(v) VALUES (?), (?), (?)", [1, 2, 3])
        #expect(db.lastInsertRowID == 3)
        #expect(db.changes == 3)
        try db.execute("UPDATE t SET v = v + 1 WHERE v >= ?", [2])
        #expect(db.changes == 2)
    }

    @Test func errorsCarryCodesMessageAndSQL() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY)")
        try db.execute("INSERT INTO t VALUES (1)")
        let sql = "INSERT INTO t VALUES (?)"
        let error = #expect(throws: SQLiteError.self) { try db.execute(sql, [1]) }
        #expect(error?.code == .constraint)
        #expect(error?.extendedCode == 1555) // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error?.sql == sql)
        #expect(error?.message.contains("UNIQUE constraint failed") == true)
        let syntax = #expect(throws: SQLiteError.self) { try db.prepare("SELEC 1") }
        #expect(syntax?.code == .error)
        #expect(syntax?.description.contains("SELEC 1") == true)
    }

    @Test func prepareRejectsScripts() throws {
        let db = try Database(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { try db.prepare("SELECT 1; SELECT 2") }
        #expect(error?.code == .misuse)
        _ = try db.prepare("SELECT 1;  ")
    }

    @Test func randomBytesFileIsNotADatabase() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("garbage.sqlite")
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: SQLiteError.self) { try Database(path: path) }
        #expect(error?.code == .notADatabase)
        #expect(error?.message.contains("is not an SQLite database") == true)
        #expect(error?.message.contains(path) == true)
    }

    @Test func missingDirectoryCannotOpen() throws {
        let dir = try TemporaryDirectory()
        let error = #expect(throws: SQLiteError.self) {
            try Database(path: dir.path("no/such/dir/x.sqlite"))
        }
        #expect(error?.code == .cantOpen)
    }

    @Test func usableFromConcurrentTasks() async throws {
        let dir = try TemporaryDirectory()
        let db = try Database(path: dir.path("c.sqlite"))
        try db.execute("CREATE TABLE t(v INTEGER)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<4 {
                group.addTask {
                    for i in 0..<50 { try db.execute("INSERT INTO t VALUES (?)", [.integer(Int64(task * 100 + i))]) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try db.fetchAll("SELECT count(DISTINCT v) FROM t") { $0.int64(at: 0) } == [200])
    }
}
