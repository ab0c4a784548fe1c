internal import GRDB

/// The versioned schema of the store. Migrations only ever add; a shipped one is never edited.
enum StoreSchema {
    static func migrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: the whole mission") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2: nightly runs") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3: draw keys, watchlist, matter lists") { db in
            try db.execute(sql: v3) // Stages/Draw/DrawSchema.swift
        }
        migrator.registerMigration("v4: night fingerprints") { db in
            try db.execute(sql: v4) // Stages/Draw/DrawSchema.swift
        }
        migrator.registerMigration("v5: register rows found by their imports' ranges") { db in
            try db.execute(sql: v5)
        }
        return migrator
    }

    /// Where each register import's rows lie, in place of the partial index `register_rows_current`.
    ///
    /// The rows one import adds get consecutive ids (`INTEGER PRIMARY KEY`: the largest id + 1, in
    /// the import's one transaction), so a department's current rows lie in the id ranges of its
    /// imports, and a re-import reads them there: a range scan of the table in id order, as the
    /// index gave them. The index cost every row an import writes an index entry, and every row it
    /// closes a removal: 8% of a first import of 1,000,000 rows (1.79–1.95 s with it, 1.71–1.74
    /// without, three alternating runs), a fifth of the row writes' instructions (callgrind). A
    /// store migrated from v4 gets the ranges of its imports from their rows (one pass).
    static let v5 = """
        CREATE TABLE register_row_ranges (
            department_id   INTEGER NOT NULL REFERENCES departments(id),
            first_row_id    INTEGER NOT NULL,
            last_row_id     INTEGER NOT NULL,
            import_id       INTEGER NOT NULL REFERENCES imports(id),
            PRIMARY KEY (department_id, first_row_id)
        ) WITHOUT ROWID;
        INSERT INTO register_row_ranges (department_id, first_row_id, last_row_id, import_id)
            SELECT department_id, MIN(id), MAX(id), valid_from_import FROM register_rows
            GROUP BY valid_from_import, department_id;
        DROP INDEX IF EXISTS register_rows_current;
        """

    /// Every kind of table the pipeline needs, designed up front so later work adds rows, not rebuilds.
    ///
    /// History follows a slowly changing dimension (type 2): a row is valid from the import that
    /// wrote it until the import that superseded it (`valid_to_import` NULL = current). Nothing
    /// is deleted; ledgers are append-only and enforced by triggers.
    static let v1 = """
        -- Every file taken in, of every kind, with its content hash (re-import of the same bytes is a no-op).
        CREATE TABLE imports (
            id              INTEGER PRIMARY KEY,
            kind            TEXT NOT NULL CHECK (kind IN ('plan', 'register', 'inspectors', 'avoidance', 'results', 'seed')),
            department_id   INTEGER REFERENCES departments(id),
            scope_key       TEXT NOT NULL,               -- e.g. 'plan:2024:140981', 'register:<department>'
            file_name       TEXT NOT NULL,
            content_sha256  TEXT NOT NULL,
            byte_count      INTEGER NOT NULL,
            imported_at     TEXT NOT NULL,               -- ISO 8601, from the injected clock
            rows_read       INTEGER NOT NULL DEFAULT 0,
            rows_imported   INTEGER NOT NULL DEFAULT 0,
            rows_rejected   INTEGER NOT NULL DEFAULT 0,
            added           INTEGER NOT NULL DEFAULT 0,
            changed         INTEGER NOT NULL DEFAULT 0,
            removed         INTEGER NOT NULL DEFAULT 0,
            unchanged       INTEGER NOT NULL DEFAULT 0,
            summary_json    TEXT
        );
        CREATE INDEX imports_by_scope_hash ON imports(scope_key, content_sha256);

        CREATE TABLE departments (
            id      INTEGER PRIMARY KEY,
            name    TEXT NOT NULL UNIQUE
        );

        -- The annual plan: one per region and year; its tasks keep their versions.
        CREATE TABLE plans (
            id              INTEGER PRIMARY KEY,
            year            INTEGER NOT NULL,
            region          TEXT NOT NULL,
            content_sha256  TEXT NOT NULL,
            source_file     TEXT NOT NULL,
            current_import  INTEGER NOT NULL REFERENCES imports(id),
            UNIQUE (year, region)
        );
        CREATE TABLE plan_tasks (
            id                  INTEGER PRIMARY KEY,
            plan_id             INTEGER NOT NULL REFERENCES plans(id),
            seq                 INTEGER NOT NULL,
            name                TEXT NOT NULL,
            matters_json        TEXT NOT NULL,
            scopes_json         TEXT NOT NULL,
            ratio_min           REAL,
            ratio_max           REAL,
            ratio_count         INTEGER,
            ratio_raw           TEXT NOT NULL,
            frequency_per_year  INTEGER,
            frequency_raw       TEXT NOT NULL,
            window_start        INTEGER,
            window_end          INTEGER,
            window_raw          TEXT NOT NULL,
            initiator           TEXT NOT NULL,
            cooperators_json    TEXT NOT NULL,
            mode                TEXT,
            task_json           TEXT NOT NULL,           -- the whole typed task with its raw cells
            content_sha256      TEXT NOT NULL,
            valid_from_import   INTEGER NOT NULL REFERENCES imports(id),
            valid_to_import     INTEGER REFERENCES imports(id)
        );
        CREATE UNIQUE INDEX plan_tasks_current ON plan_tasks(plan_id, seq) WHERE valid_to_import IS NULL;

        -- Market entities merged across departments by USCC.
        CREATE TABLE entities (
            uscc                TEXT PRIMARY KEY,
            first_seen_import   INTEGER NOT NULL REFERENCES imports(id)
        ) WITHOUT ROWID;

        -- Each department's register: membership and field values with history.
        CREATE TABLE register_rows (
            id                      INTEGER PRIMARY KEY,
            department_id           INTEGER NOT NULL REFERENCES departments(id),
            uscc                    TEXT NOT NULL,
            name                    TEXT NOT NULL,
            entity_type             TEXT NOT NULL,
            category                TEXT NOT NULL,
            registration_authority  TEXT,
            region_code             TEXT NOT NULL,
            address                 TEXT,
            legal_rep               TEXT,
            risk_class              TEXT CHECK (risk_class IN ('A', 'B', 'C', 'D')),
            status                  TEXT NOT NULL,
            last_inspected          TEXT,
            established             TEXT,
            phone                   TEXT,
            row_hash                INTEGER NOT NULL,         -- FNV-1a 64 of the canonical values: change detection only
            valid_from_import       INTEGER NOT NULL REFERENCES imports(id),
            valid_to_import         INTEGER REFERENCES imports(id)
        );
        -- The current snapshot of each department, in insertion order. (department, uscc) is unique among
        -- current rows: the importer guarantees it with its in-memory key table, so that a million-row
        -- import appends to this index instead of inserting at random into a (department, uscc) tree.
        CREATE INDEX register_rows_current ON register_rows(department_id) WHERE valid_to_import IS NULL;

        -- Operator overrides for quarantined non-conforming codes.
        CREATE TABLE uscc_overrides (
            uscc        TEXT PRIMARY KEY,
            reason      TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );

        -- Enforcement staff per department, with history.
        CREATE TABLE inspector_rows (
            id                  INTEGER PRIMARY KEY,
            department_id       INTEGER NOT NULL REFERENCES departments(id),
            inspector_id        TEXT NOT NULL,
            name                TEXT NOT NULL,
            status              TEXT,
            active              INTEGER NOT NULL CHECK (active IN (0, 1)),
            areas               TEXT,
            row_hash            INTEGER NOT NULL,
            valid_from_import   INTEGER NOT NULL REFERENCES imports(id),
            valid_to_import     INTEGER REFERENCES imports(id)
        );
        CREATE UNIQUE INDEX inspector_rows_current ON inspector_rows(department_id, inspector_id) WHERE valid_to_import IS NULL;

        -- The avoidance (回避) list: inspector and entity pairs, with history.
        CREATE TABLE avoidance_pairs (
            id                  INTEGER PRIMARY KEY,
            inspector_id        TEXT NOT NULL,
            uscc                TEXT NOT NULL,
            reason              TEXT,
            row_hash            INTEGER NOT NULL,
            valid_from_import   INTEGER NOT NULL REFERENCES imports(id),
            valid_to_import     INTEGER REFERENCES imports(id)
        );
        CREATE UNIQUE INDEX avoidance_pairs_current ON avoidance_pairs(inspector_id, uscc) WHERE valid_to_import IS NULL;

        -- Frozen inputs of a draw, committed before the seed exists.
        CREATE TABLE draw_commitments (
            id                  INTEGER PRIMARY KEY,
            plan_id             INTEGER NOT NULL REFERENCES plans(id),
            group_key           TEXT NOT NULL,
            round               INTEGER NOT NULL,
            commitment_sha256   TEXT NOT NULL UNIQUE,
            canonical_json      TEXT NOT NULL,
            algorithm_version   TEXT NOT NULL,
            prepared_at         TEXT NOT NULL,
            prepared_seq        INTEGER NOT NULL,        -- the latest prepared (highest) is the one `draw run` draws
            derived_from        TEXT                     -- set when `run --allow-partial-teams` relaxed a published commitment
        );
        CREATE INDEX draw_commitments_by_group ON draw_commitments(plan_id, group_key, round, prepared_seq);

        -- Public seeds as they arrive, after their commitment.
        CREATE TABLE draw_seeds (
            id              INTEGER PRIMARY KEY,
            group_key       TEXT NOT NULL,
            round           INTEGER NOT NULL,
            seed            TEXT NOT NULL,
            import_id       INTEGER REFERENCES imports(id),
            received_at     TEXT NOT NULL,
            UNIQUE (group_key, round, seed)
        );

        -- The draw ledger: append-only and hash-chained (entry_sha256 covers prev_sha256).
        CREATE TABLE draw_ledger (
            seq                 INTEGER PRIMARY KEY,
            kind                TEXT NOT NULL CHECK (kind IN ('draw', 'redraw')),
            plan_id             INTEGER NOT NULL REFERENCES plans(id),
            group_key           TEXT NOT NULL,
            round               INTEGER NOT NULL,
            commitment_sha256   TEXT NOT NULL REFERENCES draw_commitments(commitment_sha256),
            seed                TEXT NOT NULL,
            reason              TEXT,
            result_json         TEXT NOT NULL,
            created_at          TEXT NOT NULL,
            prev_sha256         TEXT NOT NULL,
            entry_sha256        TEXT NOT NULL UNIQUE
        );
        CREATE TRIGGER draw_ledger_no_update BEFORE UPDATE ON draw_ledger
            BEGIN SELECT RAISE(ABORT, 'the draw ledger is append-only'); END;
        CREATE TRIGGER draw_ledger_no_delete BEFORE DELETE ON draw_ledger
            BEGIN SELECT RAISE(ABORT, 'the draw ledger is append-only'); END;

        -- The objects each ledger entry drew, in sampling order, with the class used at draw time.
        CREATE TABLE draw_selections (
            ledger_seq  INTEGER NOT NULL REFERENCES draw_ledger(seq),
            position    INTEGER NOT NULL,
            uscc        TEXT NOT NULL,
            risk_class  TEXT,
            ticket      TEXT NOT NULL,
            PRIMARY KEY (ledger_seq, position)
        ) WITHOUT ROWID;
        CREATE INDEX draw_selections_by_uscc ON draw_selections(uscc);

        -- The inspectors matched to each drawn object.
        CREATE TABLE inspector_assignments (
            ledger_seq      INTEGER NOT NULL REFERENCES draw_ledger(seq),
            uscc            TEXT NOT NULL,
            department_id   INTEGER NOT NULL REFERENCES departments(id),
            inspector_id    TEXT NOT NULL,
            slot            INTEGER NOT NULL,
            ticket          TEXT NOT NULL,
            PRIMARY KEY (ledger_seq, uscc, inspector_id)
        ) WITHOUT ROWID;

        -- Inspection results; a correction supersedes the earlier version, which stays.
        CREATE TABLE results (
            id                  INTEGER PRIMARY KEY,
            plan_id             INTEGER NOT NULL REFERENCES plans(id),
            task_seq            INTEGER NOT NULL,
            round               INTEGER NOT NULL,
            uscc                TEXT NOT NULL,
            inspected_on        TEXT NOT NULL,
            codes_json          TEXT NOT NULL,
            method              TEXT,
            follow_up           TEXT,
            remarks             TEXT,
            withdrawn           INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
            row_hash            TEXT NOT NULL,
            valid_from_import   INTEGER NOT NULL REFERENCES imports(id),
            valid_to_import     INTEGER REFERENCES imports(id)
        );
        CREATE UNIQUE INDEX results_current ON results(plan_id, task_seq, round, uscc) WHERE valid_to_import IS NULL;

        -- What was published, record by record (append-only): the diff of a dry run is taken against it.
        CREATE TABLE publication_ledger (
            id              INTEGER PRIMARY KEY,
            record_key      TEXT NOT NULL,               -- stable id: region + year + task + round + USCC
            plan_id         INTEGER NOT NULL REFERENCES plans(id),
            task_seq        INTEGER NOT NULL,
            round           INTEGER NOT NULL,
            uscc            TEXT NOT NULL,
            action          TEXT NOT NULL CHECK (action IN ('add', 'change', 'withdraw')),
            content_sha256  TEXT,
            payload_json    TEXT,
            file_name       TEXT,
            published_at    TEXT NOT NULL,
            run_id          INTEGER REFERENCES runs(id)
        );
        CREATE INDEX publication_ledger_by_key ON publication_ledger(record_key, id);
        CREATE TRIGGER publication_ledger_no_update BEFORE UPDATE ON publication_ledger
            BEGIN SELECT RAISE(ABORT, 'the publication ledger is append-only'); END;
        CREATE TRIGGER publication_ledger_no_delete BEFORE DELETE ON publication_ledger
            BEGIN SELECT RAISE(ABORT, 'the publication ledger is append-only'); END;

        -- Nightly runs and their reports.
        CREATE TABLE runs (
            id              INTEGER PRIMARY KEY,
            run_date        TEXT NOT NULL,
            started_at      TEXT NOT NULL,
            finished_at     TEXT,
            exit_code       INTEGER,
            failed_stage    TEXT,
            report_json     TEXT
        );
        """

    /// The nightly run (`suiji run`): one `runs` row per night, and what each night did. Everything a
    /// run writes carries its night's `run_id` in the same transaction as the write, so the night's
    /// report is a query, and a killed run that is run again reports the same night.
    static let v2 = """
        CREATE UNIQUE INDEX runs_by_date ON runs(run_date);
        ALTER TABLE imports ADD COLUMN run_id INTEGER REFERENCES runs(id);
        ALTER TABLE draw_commitments ADD COLUMN run_id INTEGER REFERENCES runs(id);
        ALTER TABLE draw_ledger ADD COLUMN run_id INTEGER REFERENCES runs(id);
        CREATE INDEX imports_by_run ON imports(run_id) WHERE run_id IS NOT NULL;
        -- A seed taken from the inbox is bound to the commitment that was current when it arrived.
        ALTER TABLE draw_seeds ADD COLUMN commitment_sha256 TEXT;

        -- The files a night took that left no other trace in the store: duplicates skipped, files
        -- rejected whole, seeds refused. In inbox order; `archived_to` is where the file went.
        CREATE TABLE run_files (
            run_id          INTEGER NOT NULL REFERENCES runs(id),
            inbox_path      TEXT NOT NULL,               -- relative to the inbox
            content_sha256  TEXT NOT NULL,
            kind            TEXT NOT NULL,
            department      TEXT,
            outcome         TEXT NOT NULL CHECK (outcome IN ('imported', 'skipped', 'rejected')),
            import_id       INTEGER REFERENCES imports(id),
            reason          TEXT,
            archived_to     TEXT NOT NULL,
            PRIMARY KEY (run_id, inbox_path, content_sha256)
        ) WITHOUT ROWID;
        """
}
