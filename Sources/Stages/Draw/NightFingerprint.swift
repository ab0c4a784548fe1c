internal import Foundation
internal import Pipeline

// The night's fingerprints (issue 20): a night with nothing to do recognises it without recomputing
// its commitments over the whole population.
//
// What a night's `prepare` makes for a group and round depends only on what every round shares:
// the suiji version and the store's schema; the plan (its tasks, groups and round dates: the
// calendar of the draw); every import (registers, inspectors, avoidance, results, seeds: each
// import's id and content hash, in order) and every list import (watchlist, matter lists); the
// configuration that matters (the draw rules, the scope map in force, the salt key); and on its own:
// the group and round (the night selects them from today, the lead time and the ledger), the ledger
// entries of its earlier rounds (its exclusions) and its current commitment (a commitment prepared
// by hand is noticed). The ledger's head is not among them: `keepCurrent` ignores it. The SHA-256 of
// their canonical JSON is the round's fingerprint, one row per plan, group and round, written in
// the transaction of the full `prepare` that made the commitments current: the shared part read
// before that `prepare` read its inputs (a change made meanwhile only makes the next night
// recompute), the current commitment as that transaction leaves it. A night whose every selected
// round's fingerprint matches skips the population and the commitments: the full path would have
// found every commitment current and written nothing. Rounds drawn later in the night leave the
// selection, so a second run of a night that drew matches too. A missing or damaged fingerprint
// cannot match: the night takes the full path and writes them anew.

/// What every round of a night's fingerprint shares (see the top of this file).
struct NightFingerprintShared: Encodable {
    /// The format of this structure.
    var format = 1
    /// The program (its version fixes the draw's algorithm and the bundled resources).
    var generator = SuijiVersion.generator
    /// The store's applied migrations.
    var migrations: [String]
    /// The plan's row id.
    var planID: Int64
    /// The plan.
    var plan: AnnualPlan
    /// The draw rules of the configuration, but their active statuses (a set: no order).
    var rules: DrawRules
    /// The active statuses, sorted.
    var activeStatuses: [String]
    /// The scope map in force.
    var scopeMap: ScopeMap
    /// The SHA-256 of the salt key (never the key itself).
    var saltKey: String
    /// Every import: id, kind, scope, content hash.
    var imports: [[String]]
    /// Every list import: id, kind, scope, content hash.
    var lists: [[String]]
}

/// One round's own part of the night's fingerprint.
struct NightFingerprintRound: Encodable {
    /// The group (with its tasks and schedule).
    var group: DrawGroup
    /// The round.
    var round: Int
    /// The ledger entries of the group's earlier rounds (its exclusions).
    var earlierDraws: [Int]
    /// The group and round's current commitment, if any.
    var commitment: String?
}

/// The night's fingerprints of the rounds it prepares.
struct NightFingerprint {
    /// The canonical JSON of the shared part.
    var shared: [UInt8]
    /// The rounds, without their current commitment.
    var rounds: [NightFingerprintRound]

    /// Each round's fingerprint with the current commitments as `sql` reads them.
    func values(_ sql: any StageSQL, planID: Int64) throws -> [(group: String, round: Int, sha256: String)] {
        try rounds.map { round in
            var round = round
            round.commitment = try DrawStore.currentCommitmentHash(sql, planID: planID, group: round.group.key, round: round.round)
            let bytes = shared + [0x0A] + (try CanonicalJSON(encoding: round).canonicalBytes)
            return (round.group.key, round.round, SHA256.hexString(SHA256.digest(bytes)))
        }
    }

    /// True when every round's stored fingerprint is its fingerprint now.
    func matches(_ store: any StageStore, planID: Int64) throws -> Bool {
        try store.reading { sql in
            for value in try values(sql, planID: planID) {
                let stored = try sql.row(
                    "SELECT sha256 FROM night_fingerprints WHERE plan_id = ? AND group_key = ? AND round = ?",
                    [planID, value.group, value.round])?.text(0)
                guard stored == value.sha256 else { return false }
            }
            return true
        }
    }

    /// Stores every round's fingerprint (inside the transaction of the commitments they describe,
    /// after them); the same values again write nothing.
    func write(_ sql: any StageSQL, planID: Int64) throws {
        for value in try values(sql, planID: planID) {
            // Update, else insert, rather than an upsert: PostgreSQL's key adds `region`, which the
            // stages' statements never name, so no conflict target fits both stores.
            try sql.execute(
                """
                UPDATE night_fingerprints SET sha256 = ? WHERE plan_id = ? AND group_key = ? AND round = ? AND sha256 != ?
                """, [value.sha256, planID, value.group, value.round, value.sha256])
            try sql.execute(
                """
                INSERT INTO night_fingerprints (plan_id, group_key, round, sha256) SELECT ?, ?, ?, ?
                WHERE NOT EXISTS (SELECT 1 FROM night_fingerprints WHERE plan_id = ? AND group_key = ? AND round = ?)
                """, [planID, value.group, value.round, value.sha256, planID, value.group, value.round])
        }
    }
}

extension DrawStore {
    /// The night's fingerprints of `rounds` (each with the ledger seqs of its group's earlier rounds).
    func nightFingerprint(
        plan: AnnualPlan, planID: Int64, rounds: [(group: DrawGroup, round: Int, earlierDraws: [Int])], rules: DrawRules,
        scopeMap: ScopeMap, saltKey: String
    ) throws -> NightFingerprint {
        var unordered = rules
        unordered.population.activeStatuses = []
        // The migrations' table: SQLite's (GRDB's), or PostgreSQL's (PostgresSchema.swift).
        let migrations = store.lane == nil ? "grdb_migrations" : "schema_version"
        let shared = try store.reading { sql in
            func rows(_ statement: String) throws -> [[String]] {
                try sql.rows(statement).map { row in row.values.map(\.fingerprintText) }
            }
            return NightFingerprintShared(
                migrations: try sql.texts("SELECT identifier FROM \(migrations) ORDER BY identifier"), planID: planID,
                plan: plan, rules: unordered,
                activeStatuses: rules.population.activeStatuses.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) },
                scopeMap: scopeMap, saltKey: SHA256.hex(saltKey),
                imports: try rows("SELECT id, kind, scope_key, content_sha256 FROM imports ORDER BY id"),
                lists: try rows("SELECT id, kind, scope, content_sha256 FROM list_imports ORDER BY id"))
        }
        return NightFingerprint(
            shared: try CanonicalJSON(encoding: shared).canonicalBytes,
            rounds: rounds.map { NightFingerprintRound(group: $0.group, round: $0.round, earlierDraws: $0.earlierDraws, commitment: nil) })
    }
}

extension SQLValue {
    /// The value as the night's fingerprint has always written it (GRDB's `DatabaseValue.description`):
    /// text in double quotes with `"` and `\\` escaped, numbers as they print, NULL.
    fileprivate var fingerprintText: String {
        switch self {
        case .null: "NULL"
        case let .integer(value): "\(value)"
        case let .real(value): "\(value)"
        case let .text(value): String(reflecting: value)
        }
    }
}
