/// Forward-only schema migrations numbered by `PRAGMA user_version`.
///
/// Migration *n* (1-based, in registration order) brings the schema from version n-1 to n.
/// ``migrate(_:)`` applies the pending ones in one `BEGIN IMMEDIATE` transaction, so two
/// processes migrating the same file at once cannot both apply a step.
public struct Migrator: Sendable {
    /// One schema change.
    public struct Migration: Sendable {
        public let name: String
        let apply: @Sendable (Database) throws -> Void
    }

    /// The registered migrations, in order.
    public private(set) var migrations: [Migration] = []

    public init() {}

    /// Appends a migration; its version is its position (1-based).
    public mutating func register(_ name: String, _ apply: @escaping @Sendable (Database) throws -> Void) {
        migrations.append(Migration(name: name, apply: apply))
    }

    /// Applies the migrations the database has not yet seen; returns their names.
    ///
    /// - Throws: ``MigrationError/newerSchema(found:known:)`` when the file was written by
    ///   a newer program, ``MigrationError/failed(name:version:underlying:)`` when a
    ///   migration throws (nothing of the run is kept), or an `SQLiteError`.
    @discardableResult
    public func migrate(_ database: Database) throws -> [String] {
        try database.transaction {
            let current = try database.userVersion()
            guard current <= migrations.count else {
                throw MigrationError.newerSchema(found: current, known: migrations.count)
            }
            let pending = migrations.enumerated().dropFirst(current)
            for (offset, migration) in pending {
                do {
                    try migration.apply(database)
                } catch {
                    throw MigrationError.failed(name: migration.name, version: offset + 1,
                                                underlying: String(describing: error))
                }
            }
            try database.setUserVersion(migrations.count)
            return pending.map(\.element.name)
        }
    }
}

/// Why ``Migrator/migrate(_:)`` refused or failed.
public enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's schema version is newer than any migration this program knows.
    case newerSchema(found: Int, known: Int)
    /// The migration to `version` threw; `underlying` describes the error.
    case failed(name: String, version: Int, underlying: String)

    public var description: String {
        switch self {
        case let .newerSchema(found, known):
            "database schema version \(found) is newer than this program's \(known); upgrade divvy"
        case let .failed(name, version, underlying):
            "migration \(version) '\(name)' failed: \(underlying)"
        }
    }
}
