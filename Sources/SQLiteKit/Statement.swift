import CSQLite
import Foundation

/// A prepared SQL statement of one ``Database``.
///
/// Bind parameters (1-based indexes or names), then call ``step()`` until it returns
/// `false`, reading columns (0-based) while it returns `true`. Not `Sendable`: use it in
/// the isolation domain that prepared it. Each call takes the database's lock.
public final class Statement {
    /// The database this statement belongs to.
    public let database: Database
    /// The SQL text as prepared.
    public let sql: String
    private let handle: OpaquePointer

    init(database: Database, sql: String) throws(SQLiteError) {
        self.database = database
        self.sql = sql
        handle = try database.withLock { () throws(SQLiteError) -> OpaquePointer in
            var statement: OpaquePointer?
            // The tail points into the C string, so it is read while that string is alive.
            let (rc, rest) = sql.withCString { text in
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v2(database.handle, text, -1, &statement, &tail)
                return (rc, tail.map { String(cString: $0) } ?? "")
            }
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
            guard let statement else {
                throw SQLiteError(extendedCode: SQLITE_MISUSE, message: "no SQL statement to prepare", sql: sql)
            }
            guard rest.allSatisfy({ $0.isWhitespace || $0 == ";" }) else {
                sqlite3_finalize(statement)
                throw SQLiteError(extendedCode: SQLITE_MISUSE,
                                  message: "prepare takes one statement; use execute(_:) for scripts", sql: sql)
            }
            return statement
        }
    }

    deinit { database.withLock { _ = sqlite3_finalize(handle) } }

    /// Number of parameters the statement takes.
    public var parameterCount: Int { database.withLock { Int(sqlite3_bind_parameter_count(handle)) } }

    /// Binds `value` to the parameter at 1-based `index`.
    public func bind(_ value: SQLiteValue, at index: Int) throws(SQLiteError) {
        try database.withLock { () throws(SQLiteError) in
            let i = Int32(clamping: index)
            let rc: Int32
            switch value {
            case .integer(let v): rc = sqlite3_bind_int64(handle, i, v)
            case .real(let v): rc = sqlite3_bind_double(handle, i, v)
            case .text(let v):
                rc = v.withCString { sqlite3_bind_text(handle, i, $0, Int32(clamping: v.utf8.count), transient) }
            case .blob(let v) where v.isEmpty: rc = sqlite3_bind_zeroblob(handle, i, 0)
            case .blob(let v):
                rc = v.withUnsafeBytes {
                    sqlite3_bind_blob(handle, i, $0.baseAddress, Int32(clamping: $0.count), transient)
                }
            case .null: rc = sqlite3_bind_null(handle, i)
            }
            guard rc == SQLITE_OK else { throw database.error(rc, sql: sql) }
        }
    }

    /// Binds `value` to the named parameter; `name` may omit its `:`, `@` or `$` prefix.
    public func bind(_ value: SQLiteValue, named name: String) throws(SQLiteError) {
        let index = database.withLock { () -> Int32 in
            let candidates = [":", "@", "$"].contains(where: name.hasPrefix) ? [name] : [":" + name, "@" + name, "$" + name]
            return candidates.lazy.map { sqlite3_bind_parameter_index(self.handle, $0) }.first { $0 > 0 } ?? 0
        }
        guard index > 0 else {
            throw SQLiteError(extendedCode: SQLITE_RANGE, message: "no parameter named '\(name)'", sql: sql)
        }
        try bind(value, at: Int(index))
    }

    /// Clears all bindings, then binds `values` to parameters 1, 2, …; their number must match.
    public func bind(_ values: [SQLiteValue]) throws(SQLiteError) {
        guard values.count == parameterCount else {
            throw SQLiteError(extendedCode: SQLITE_RANGE,
                              message: "\(values.count) values for \(parameterCount) parameters", sql: sql)
        }
        clearBindings()
        for (offset, value) in values.enumerated() { try bind(value, at: offset + 1) }
    }

    /// Clears all bindings, then binds each value to the parameter of that name.
    public func bind(_ values: [String: SQLiteValue]) throws(SQLiteError) {
        clearBindings()
        for (name, value) in values { try bind(value, named: name) }
    }

    /// Sets all parameters to NULL.
    public func clearBindings() { database.withLock { _ = sqlite3_clear_bindings(handle) } }

    /// Advances to the next row: `true` when a row is available, `false` when done.
    public func step() throws(SQLiteError) -> Bool {
        try database.withLock { () throws(SQLiteError) -> Bool in
            switch sqlite3_step(handle) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            case let rc:
                sqlite3_reset(handle)
                throw database.error(rc, sql: sql)
            }
        }
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    public func reset() { database.withLock { _ = sqlite3_reset(handle) } }

    /// Number of columns in a result row.
    public var columnCount: Int { database.withLock { Int(sqlite3_column_count(handle)) } }

    /// Name of the column at 0-based `index`.
    public func columnName(at index: Int) -> String {
        database.withLock { sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? "" }
    }

    /// 0-based index of the result column called `name`, if any.
    public func columnIndex(named name: String) -> Int? {
        (0..<columnCount).first { columnName(at: $0) == name }
    }

    /// The value of the column at 0-based `index` in the current row.
    public func value(at index: Int) -> SQLiteValue {
        database.withLock {
            let i = Int32(index)
            switch sqlite3_column_type(handle, i) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
            case SQLITE_TEXT:
                let count = Int(sqlite3_column_bytes(handle, i))
                guard let bytes = sqlite3_column_text(handle, i) else { return .text("") }
                return .text(String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, i))
                guard let bytes = sqlite3_column_blob(handle, i) else { return .blob(Data()) }
                return .blob(Data(bytes: bytes, count: count))
            default: return .null
            }
        }
    }

    /// Whether the column at `index` is NULL.
    public func isNull(at index: Int) -> Bool { value(at: index) == .null }

    /// The column as an integer (REAL truncated), or nil when it is NULL, text or blob.
    public func int64(at index: Int) -> Int64? {
        switch value(at: index) {
        case .integer(let v): v
        case .real(let v): Int64(exactly: v.rounded(.towardZero))
        default: nil
        }
    }

    /// The column as a double, or nil when it is NULL, text or blob.
    public func double(at index: Int) -> Double? {
        switch value(at: index) {
        case .integer(let v): Double(v)
        case .real(let v): v
        default: nil
        }
    }

    /// The column as text, or nil when it is NULL or a blob.
    public func string(at index: Int) -> String? {
        switch value(at: index) {
        case .text(let v): v
        case .integer(let v): String(v)
        case .real(let v): String(v)
        default: nil
        }
    }

    /// The column as bytes (text as its UTF-8), or nil when it is NULL or a number.
    public func data(at index: Int) -> Data? {
        switch value(at: index) {
        case .blob(let v): v
        case .text(let v): Data(v.utf8)
        default: nil
        }
    }
}

/// `SQLITE_TRANSIENT`: SQLite copies bound text and blobs before the call returns.
private var transient: sqlite3_destructor_type { unsafeBitCast(-1 as Int, to: sqlite3_destructor_type.self) }
