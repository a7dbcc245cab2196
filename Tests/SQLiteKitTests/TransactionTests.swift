import Foundation
import Testing
import SQLiteKit

@Suite struct TransactionTests {
    struct Boom: Error {}

    private func count(_ db: Database) throws -> Int64? {
        try db.fetchAll("SELECT count(*) FROM t") { $0.int64(at: 0) }.first ?? nil
    }

    @Test func commitsWhenBodyReturns() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(v)")
        let id = try db.transaction {
            try db.execute("INSERT INTO t VALUES (1)")
            #expect(db.isInTransaction)
            return db.lastInsertRowID
        }
        #expect(id == 1)
        #expect(!db.isInTransaction)
        #expect(try count(db) == 1)
    }

    @Test func rollsBackWhenBodyThrows() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(v)")
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try count(db) == 0)
    }

    @Test func nestedTransactionRollsBackOnlyItsPart() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t(v)")
        try db.transaction {
            try db.execute("INSERT INTO t VALUES (1)")
            #expect(throws: Boom.self) {
                try db.transaction {
                    try db.execute("INSERT INTO t VALUES (2)")
                    throw Boom()
                }
            }
            try db.transaction { try db.execute("INSERT INTO t VALUES (3)") }
        }
        #expect(try db.fetchAll("SELECT v FROM t ORDER BY v") { $0.int64(at: 0) } == [1, 3])
    }

    @Test func secondWriterTimesOutWithBusy() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("shared.sqlite")
        let holder = try Database(path: path)
        try holder.execute("CREATE TABLE t(v)")
        let waiter = try Database(path: path, busyTimeout: .milliseconds(200))
        try holder.execute("BEGIN IMMEDIATE")
        let start = ContinuousClock.now
        let error = #expect(throws: SQLiteError.self) {
            try waiter.transaction { try waiter.execute("INSERT INTO t VALUES (1)") }
        }
        let waited = ContinuousClock.now - start
        #expect(error?.code == .busy)
        #expect(error?.message == "database is locked (another connection holds the lock; gave up after 200 ms)")
        #expect(waited >= .milliseconds(150))
        #expect(waited < .seconds(4))
        try holder.execute("COMMIT")
        try waiter.transaction { try waiter.execute("INSERT INTO t VALUES (1)") }
        #expect(try count(holder) == 1)
    }

    @Test func readersAreNotBlockedByAWriterInWAL() throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("wal.sqlite")
        let writer = try Database(path: path)
        try writer.execute("CREATE TABLE t(v); INSERT INTO t VALUES (1)")
        let reader = try Database(path: path, busyTimeout: .milliseconds(100))
        try writer.transaction {
            try writer.execute("INSERT INTO t VALUES (2)")
            #expect(try count(reader) == 1)
        }
        #expect(try count(reader) == 2)
    }
}
