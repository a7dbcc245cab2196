import DurationUnits
import Foundation
import LLM
import SQLiteKit

/// The run database: result cache, run log and memoised model identities, in one SQLite file.
public final class AgentStore: Sendable {
    /// `$DIVVY_DB`, else `$XDG_DATA_HOME/divvy/divvy.db`, else `~/.local/share/divvy/divvy.db`.
    public static var defaultPath: String { defaultPath(environment: ProcessInfo.processInfo.environment) }

    static func defaultPath(environment: [String: String]) -> String {
        if let path = environment["DIVVY_DB"], !path.isEmpty { return path }
        // The XDG spec ignores a relative XDG_DATA_HOME.
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/divvy/divvy.db" }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/divvy/divvy.db").path
    }

    public let path: String
    let database: Database
    private let busyTimeout: Duration

    /// Opens (creating the file and its folders, unless `create` is false) and migrates the
    /// database at `path`.
    /// - Throws: ``AgentError/noDatabase(path:)`` when `create` is false and there is no file;
    ///   ``AgentError/databaseBusy(path:waitedSeconds:)`` when another process keeps it
    ///   locked longer than `busyTimeout`, ``AgentError/database(path:_:)`` otherwise.
    public init(path: String, create: Bool = true, busyTimeout: Duration = .seconds(5)) throws {
        guard create || FileManager.default.fileExists(atPath: path) else { throw AgentError.noDatabase(path: path) }
        self.path = path
        self.busyTimeout = busyTimeout
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let timeout = busyTimeout
        database = try Self.guarded(path, timeout) { try Database(path: path, busyTimeout: timeout) }
        try guarded {
            try database.execute("PRAGMA foreign_keys = ON")
            let migrator = AgentSchema.migrator
            if try database.userVersion() != migrator.migrations.count { try migrator.migrate(database) }
        }
    }

    /// Runs `body`, turning SQLite errors into ``AgentError``s that name this database.
    func guarded<T>(_ body: () throws -> T) throws -> T { try Self.guarded(path, busyTimeout, body) }

    /// Turns SQLite errors into ``AgentError``s that name this database. A busy error is retried
    /// with growing pauses until `timeout` has passed: SQLite reports some lock conflicts at once,
    /// without calling its busy handler (a read snapshot made stale by another process's commit,
    /// two processes setting up a new file), and every body here is one statement or one
    /// transaction, so running it again is safe.
    private static func guarded<T>(_ path: String, _ timeout: Duration, _ body: () throws -> T) throws -> T {
        let clock = ContinuousClock(), deadline = clock.now + timeout
        var pause = Duration.milliseconds(5)
        while true {
            do {
                return try body()
            } catch let error as SQLiteError where error.code == .busy || error.code == .locked {
                guard clock.now + pause < deadline else {
                    throw AgentError.databaseBusy(path: path, waitedSeconds: timeout.seconds)
                }
                Thread.sleep(forTimeInterval: pause.seconds * Double.random(in: 0.5...1.5))
                pause = min(pause * 2, .milliseconds(200))
            } catch let error as SQLiteError where error.code == .notADatabase || error.code == .corrupt {
                throw AgentError.databaseCorrupt(path: path, error)
            } catch let error as SQLiteError {
                throw AgentError.database(path: path, error)
            } catch let error as MigrationError {
                throw AgentError.corruptLog(error.description)
            }
        }
    }

    /// The identity of `file` (see ``ModelIdentity``), memoised by path, size and mtime.
    public func modelIdentity(of file: GGUFFile) throws -> String {
        if let known = try memoisedIdentity(path: file.path) { return known }
        let identity = ModelIdentity.compute(file)
        if let stamp = FileStamp(path: file.path) {
            try guarded {
                try database.execute("INSERT OR REPLACE INTO model_identities (path, size, mtime, identity) VALUES (?, ?, ?, ?)",
                                     [.text(file.path), .integer(stamp.size), .real(stamp.modified), .text(identity)])
            }
        }
        return identity
    }

    /// The identity of the model file at `path` now, run with the LoRA adapter at `adapterPath`
    /// if given (see ``ModelIdentity/adapted(_:adapterPath:)``), or nil when a file is missing or
    /// unreadable.
    public func currentModelIdentity(path: String, adapterPath: String? = nil) throws -> String? {
        let model: String
        if let known = try memoisedIdentity(path: path) {
            model = known
        } else {
            guard let file = try? GGUFFile(path: path) else { return nil }
            model = try modelIdentity(of: file)
        }
        guard let adapterPath else { return model }
        return try? ModelIdentity.adapted(model, adapterPath: adapterPath)
    }

    private func memoisedIdentity(path: String) throws -> String? {
        guard let stamp = FileStamp(path: path) else { return nil }
        return try guarded {
            try database.fetchAll("SELECT identity FROM model_identities WHERE path = ? AND size = ? AND mtime = ?",
                                  [.text(path), .integer(stamp.size), .real(stamp.modified)]) { $0.string(at: 0) }
                .first ?? nil
        }
    }

    static func now() -> String { Date().ISO8601Format() }
}
