import Foundation
import SQLiteKit

/// What the result cache holds per model, and removing entries by model and age.
public struct CacheInventory: Sendable {
    /// The entries of one model identity (a LoRA-adapted model is its own identity).
    public struct ModelEntries: Sendable, Encodable, Equatable {
        public let modelIdentity: String
        /// A file the database knows under this identity (without the adapter part), if any.
        public let knownPath: String?
        public let entries: Int
        /// Bytes of stored prompts and outputs.
        public let bytes: Int
        public let oldest: String
        public let newest: String
    }

    let store: AgentStore

    public init(store: AgentStore) { self.store = store }

    /// Entries per model identity, most first; only `model`'s (and its adapted variants') when given.
    public func models(matching model: String? = nil) throws -> [ModelEntries] {
        let (filter, bindings) = Self.filter(model: model, olderThan: nil)
        return try store.guarded {
            try store.database.fetchAll("""
                SELECT model_identity, COUNT(*), SUM(LENGTH(CAST(prompt AS BLOB)) + LENGTH(CAST(output AS BLOB))),
                       MIN(created_at), MAX(created_at),
                       (SELECT path FROM model_identities m
                        WHERE c.model_identity = m.identity
                           OR substr(c.model_identity, 1, length(m.identity) + 1) = m.identity || '+' LIMIT 1)
                FROM cache_entries c \(filter) GROUP BY model_identity ORDER BY COUNT(*) DESC, model_identity
                """, bindings) { row in
                ModelEntries(modelIdentity: row.string(at: 0) ?? "", knownPath: row.string(at: 5),
                             entries: Int(row.int64(at: 1) ?? 0), bytes: Int(row.int64(at: 2) ?? 0),
                             oldest: row.string(at: 3) ?? "", newest: row.string(at: 4) ?? "")
            }
        }
    }

    /// Removes the entries of `model` (and its adapted variants), or of every model, stored
    /// before `olderThan` (an ISO 8601 time) when given; returns how many went.
    public func remove(model: String? = nil, olderThan: String? = nil) throws -> Int {
        let (filter, bindings) = Self.filter(model: model, olderThan: olderThan)
        return try store.guarded {
            try store.database.transaction {
                try store.database.execute("DELETE FROM cache_entries AS c \(filter)", bindings)
                return store.database.changes
            }
        }
    }

    private static func filter(model: String?, olderThan: String?) -> (String, [SQLiteValue]) {
        var clauses: [String] = [], bindings: [SQLiteValue] = []
        if let model {
            // The model itself, or the model run with an adapter (`<model>+lora-sha256:…`).
            clauses.append("(c.model_identity = ? OR substr(c.model_identity, 1, ?) = ?)")
            bindings += [.text(model), .integer(Int64(model.utf8.count + 1)), .text(model + "+")]
        }
        if let olderThan {
            clauses.append("c.created_at < ?")
            bindings.append(.text(olderThan))
        }
        return (clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "), bindings)
    }
}
