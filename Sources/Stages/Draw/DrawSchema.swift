internal import Foundation

// The draw's tables beyond v1 and v2 (migration "v3: draw keys, watchlist, matter lists"):
// - `draw_keys`: the one key commitments' salting secrets are derived from (Commitment.swift),
//   made at random the first time a commitment is prepared unless `[draw] salt_key` is configured.
//   It never leaves the store: auditor bundles carry only each commitment's derived secret.
// - `list_imports`: each imported watchlist (per reason) or 抽查事项清单 (per department) file;
// - `watchlist_entries`, `matter_list_items`: their rows, with history as every snapshot here
//   (valid from the import that wrote them until the one that superseded them).

extension StoreSchema {
    /// The draw keys, the watchlist (重点关注) and the departments' matter lists (抽查事项清单).
    static let v3 = """
        CREATE TABLE draw_keys (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            salt_key    TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );

        CREATE TABLE list_imports (
            id              INTEGER PRIMARY KEY,
            kind            TEXT NOT NULL CHECK (kind IN ('watchlist', 'matters')),
            scope           TEXT NOT NULL,               -- the watchlist's reason, or the matter list's department
            file_name       TEXT NOT NULL,
            content_sha256  TEXT NOT NULL,
            imported_at     TEXT NOT NULL,
            rows_read       INTEGER NOT NULL,
            rows_imported   INTEGER NOT NULL,
            rows_rejected   INTEGER NOT NULL,
            run_id          INTEGER REFERENCES runs(id)
        );

        CREATE TABLE watchlist_entries (
            id                  INTEGER PRIMARY KEY,
            reason              TEXT NOT NULL,
            uscc                TEXT NOT NULL,
            name                TEXT,
            detail              TEXT,
            valid_from_import   INTEGER NOT NULL REFERENCES list_imports(id),
            valid_to_import     INTEGER REFERENCES list_imports(id)
        );
        CREATE UNIQUE INDEX watchlist_current ON watchlist_entries(reason, uscc) WHERE valid_to_import IS NULL;

        CREATE TABLE matter_list_items (
            id                  INTEGER PRIMARY KEY,
            department          TEXT NOT NULL,
            matter              TEXT NOT NULL,
            position            INTEGER NOT NULL,
            valid_from_import   INTEGER NOT NULL REFERENCES list_imports(id),
            valid_to_import     INTEGER REFERENCES list_imports(id)
        );
        CREATE UNIQUE INDEX matter_list_current ON matter_list_items(department, matter) WHERE valid_to_import IS NULL;
        """

    /// The night's fingerprints per plan, group and round (migration "v4: night fingerprints",
    /// NightFingerprint.swift): the SHA-256 of everything the round's commitment depends on, written
    /// in the transaction that made it current, so a night that finds them unchanged need not
    /// recompute them.
    static let v4 = """
        CREATE TABLE night_fingerprints (
            plan_id     INTEGER NOT NULL REFERENCES plans(id),
            group_key   TEXT NOT NULL,
            round       INTEGER NOT NULL,
            sha256      TEXT NOT NULL,
            PRIMARY KEY (plan_id, group_key, round)
        );
        """

    /// The store's salt key, made (with `random`) and kept on first use.
    static func saltKey(_ sql: any StageSQL, now: String, random: () -> String) throws -> String {
        if let key = try sql.row("SELECT salt_key FROM draw_keys WHERE id = 1")?.text(0) { return key }
        let key = random()
        try sql.execute("INSERT INTO draw_keys (id, salt_key, created_at) VALUES (1, ?, ?)", [key, now])
        return key
    }

    /// 32 bytes from the system's random source, as 64 hex digits: the default salt key. Not the
    /// draw's randomness (tickets come from the public seed only): it only hides classes.
    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let word = generator.next() as UInt64
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}
