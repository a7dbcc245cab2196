import DurationUnits
import CSQLite
import Foundation

/// One SQLite connection, serialized by an internal recursive lock.
///
/// Every call on the database or on one of its statements takes the lock, so a `Database`
/// can be shared across tasks and threads. Calls that must not interleave with other
/// users of the same connection (a write then `lastInsertRowID`, several statements that
/// form one unit) belong inside ``transaction(_:)``, which holds the lock throughout.
/// Files are opened in WAL journal mode with a busy timeout (5 s by default).
public final class Database: @unchecked Sendable {
    /// How to open the file (`SQLITE_OPEN_*`).
    public struct OpenFlags: OptionSet, Sendable {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        public static let readOnly = OpenFlags(rawValue: SQLITE_OPEN_READONLY)
        public static let readWrite = OpenFlags(rawValue: SQLITE_OPEN_READWRITE)
        public static let create = OpenFlags(rawValue: SQLITE_OPEN_CREATE)
        public static let uri = OpenFlags(rawValue: SQLITE_OPEN_URI)
    }

    /// The path given at opening (`:memory:` for an in-memory database).
    public let path: String
    let handle: OpaquePointer
    private let busyTimeoutMilliseconds: Int64
    private let lock = NSRecursiveLock()
    private var savepointDepth = 0

    /// Opens (or creates) the database at `path`, checks it is an SQLite file and turns on WAL.
    ///
    /// - Throws: `SQLiteError` with code `.cantOpen` when the file cannot be opened,
    ///   `.notADatabase` when it is not an SQLite database, `.busy` when it stays locked
    ///   longer than `busyTimeout` while being set up.
    public init(path: String, flags: OpenFlags = [.readWrite, .create],
                busyTimeout: Duration = .seconds(5)) throws(SQLiteError) {
        self.path = path
        busyTimeoutMilliseconds = busyTimeout.milliseconds
        var connection: OpaquePointer?
        let rc = sqlite3_open_v2(path, &connection, flags.rawValue | SQLITE_OPEN_FULLMUTEX, nil)
        guard rc == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(connection)
            throw SQLiteError(extendedCode: rc, message: "cannot open '\(path)': \(message)")
        }
        handle = connection
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, Int32(clamping: busyTimeoutMilliseconds))
        do throws(SQLiteError) {
            _ = try prepare("SELECT count(*) FROM sqlite_master").step()
            if !flags.contains(.readOnly) {
                _ = try prepare("PRAGMA journal_mode=WAL").step()
            }
        } catch where error.code == .notADatabase {
            throw SQLiteError(extendedCode: error.extendedCode, message:
                "'\(path)' is not an SQLite database (the file is corrupt, encrypted or of another format)",
                sql: error.sql)
        }
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs `body` holding the connection's lock.
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// The error SQLite reports for result code `rc` on this connection; a busy error says
    /// how long it waited.
    func error(_ rc: Int32, sql: String?) -> SQLiteError {
        var message = String(cString: sqlite3_errmsg(handle))
        if rc & 0xFF == SQLITE_BUSY {
            message += " (another connection holds the lock; gave up after \(busyTimeoutMilliseconds) ms)"
        }
        return SQLiteError(extendedCode: rc, message: message, sql: sql)
    }

    /// Prepares one SQL statement.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        try Statement(database: self, sql: sql)
    }

    /// Runs a script of zero or more SQL statements without parameters.
    public func execute(_ sql: String) throws(SQLiteError) {
        try withLock { () throws(SQLiteError) in
            guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
                throw error(sqlite3_extended_errcode(handle), sql: sql)
            }
        }
    }

    /// Runs one statement with positional `bindings`, stepping it to completion.
    public func execute(_ sql: String, _ bindings: [SQLiteValue]) throws(SQLiteError) {
        try withLock { () throws(SQLiteError) in
            let statement = try prepare(sql)
            try statement.bind(bindings)
            while try statement.step() {}
        }
    }

    /// Runs one query with positional `bindings` and maps each row with `row`.
    public func fetchAll<T>(_ sql: String, _ bindings: [SQLiteValue] = [],
                            row: (Statement) throws -> T) throws -> [T] {
        try withLock {
            let statement = try prepare(sql)
            try statement.bind(bindings)
            var rows: [T] = []
            while try statement.step() { rows.append(try row(statement)) }
            return rows
        }
    }

    /// Runs `body` in a transaction: `BEGIN IMMEDIATE` (or a savepoint when already inside one),
    /// committed when `body` returns, rolled back when it throws. Holds the lock throughout.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try withLock {
            let nested = sqlite3_get_autocommit(handle) == 0
            let savepoint = "divvy_sp\(savepointDepth)"
            if nested {
                try execute("SAVEPOINT \(savepoint)")
                savepointDepth += 1
            } else {
                try execute("BEGIN IMMEDIATE")
            }
            defer { if nested { savepointDepth -= 1 } }
            do {
                let result = try body()
                try execute(nested ? "RELEASE \(savepoint)" : "COMMIT")
                return result
            } catch {
                if nested {
                    try? execute("ROLLBACK TO \(savepoint); RELEASE \(savepoint)")
                } else if sqlite3_get_autocommit(handle) == 0 {
                    try? execute("ROLLBACK")
                }
                throw error
            }
        }
    }

    /// Whether a transaction is open on this connection.
    public var isInTransaction: Bool { withLock { sqlite3_get_autocommit(handle) == 0 } }

    /// Row id of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 { withLock { sqlite3_last_insert_rowid(handle) } }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE on this connection.
    public var changes: Int { withLock { Int(sqlite3_changes(handle)) } }

    /// The schema version kept in `PRAGMA user_version`.
    public func userVersion() throws(SQLiteError) -> Int {
        let statement = try prepare("PRAGMA user_version")
        _ = try statement.step()
        return Int(statement.int64(at: 0) ?? 0)
    }

    func setUserVersion(_ version: Int) throws(SQLiteError) {
        try execute("PRAGMA user_version = \(version)")
    }
}
