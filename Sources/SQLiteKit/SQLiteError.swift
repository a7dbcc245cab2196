import CSQLite

/// An error reported by SQLite, with the codes, SQLite's message and the SQL that failed.
public struct SQLiteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Primary result code (low byte of the extended code), e.g. `SQLITE_BUSY`.
    public let code: ResultCode
    /// Extended result code, e.g. `SQLITE_BUSY_SNAPSHOT`; equal to `code` when SQLite gives none.
    public let extendedCode: Int32
    /// Human-readable explanation (SQLite's own message, sometimes with context added).
    public let message: String
    /// The SQL being prepared or run, when there was one.
    public let sql: String?

    /// Creates an error from an extended result code.
    public init(extendedCode: Int32, message: String, sql: String? = nil) {
        self.code = ResultCode(rawValue: extendedCode & 0xFF)
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var text = "SQLite error \(code.rawValue)"
        if extendedCode != code.rawValue { text += " (extended \(extendedCode))" }
        text += ": \(message)"
        if let sql { text += " [SQL: \(sql)]" }
        return text
    }
}

/// A primary SQLite result code.
public struct ResultCode: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let error = ResultCode(rawValue: SQLITE_ERROR)
    public static let busy = ResultCode(rawValue: SQLITE_BUSY)
    public static let locked = ResultCode(rawValue: SQLITE_LOCKED)
    public static let readOnly = ResultCode(rawValue: SQLITE_READONLY)
    public static let corrupt = ResultCode(rawValue: SQLITE_CORRUPT)
    public static let cantOpen = ResultCode(rawValue: SQLITE_CANTOPEN)
    public static let constraint = ResultCode(rawValue: SQLITE_CONSTRAINT)
    public static let mismatch = ResultCode(rawValue: SQLITE_MISMATCH)
    public static let misuse = ResultCode(rawValue: SQLITE_MISUSE)
    public static let range = ResultCode(rawValue: SQLITE_RANGE)
    public static let notADatabase = ResultCode(rawValue: SQLITE_NOTADB)
}
