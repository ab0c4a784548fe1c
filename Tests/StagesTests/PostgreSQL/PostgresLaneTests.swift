// Why this exists: issue 19's lanes. Many counties share one PostgreSQL database; the database
// itself (row-level security, forced, a role per county) must keep each county out of the others'
// rows. These tests connect as county A's role and try every way into county B's rows.

import DevKit
import Foundation
import PostgresNIO
import Testing

@testable import Stages

@Suite("PostgreSQL lanes") struct PostgresLaneTests {
    @Test func everyTableHasRowLevelSecurityEnabledAndForcedAndIsKeyedByRegion() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let admin = try session(address)
        defer { admin.close() }
        let secured = try admin.texts(
            """
            SELECT relname::text FROM pg_class
            WHERE relkind IN ('r', 'p') AND relrowsecurity AND relforcerowsecurity AND relnamespace = 'public'::regnamespace ORDER BY relname
            """)
        #expect(
            secured == [
                "avoidance_pairs", "departments", "draw_commitments", "draw_keys", "draw_ledger", "draw_seeds",
                "draw_selections", "imports", "inspector_assignments", "inspector_rows", "list_imports", "matter_list_items",
                "night_fingerprints", "plan_tasks", "plans", "publication_ledger", "register_rows", "results", "run_files",
                "runs", "uscc_overrides", "watchlist_entries",
            ])
        // With the view derived from register_rows (read with the reader's lane) and the migrations' table.
        let relations = try admin.texts(
            "SELECT table_name || ' ' || table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
        #expect(
            relations == [
                "avoidance_pairs BASE TABLE", "departments BASE TABLE", "draw_commitments BASE TABLE", "draw_keys BASE TABLE",
                "draw_ledger BASE TABLE", "draw_seeds BASE TABLE", "draw_selections BASE TABLE", "entities VIEW",
                "imports BASE TABLE", "inspector_assignments BASE TABLE", "inspector_rows BASE TABLE", "list_imports BASE TABLE",
                "matter_list_items BASE TABLE", "night_fingerprints BASE TABLE", "plan_tasks BASE TABLE", "plans BASE TABLE",
                "publication_ledger BASE TABLE", "register_rows BASE TABLE", "results BASE TABLE", "run_files BASE TABLE",
                "runs BASE TABLE", "schema_version BASE TABLE", "uscc_overrides BASE TABLE", "watchlist_entries BASE TABLE",
            ])
        #expect(
            try admin.texts("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE relname = 'entities'") == ["security_invoker=true"]
        )
        // region is the first column of the small tables' primary keys, and register_rows's partition key.
        let keys = try admin.texts(
            """
            SELECT c.relname::text FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_attribute a
                ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
            WHERE i.indisprimary AND a.attname = 'region' AND c.relnamespace = 'public'::regnamespace ORDER BY c.relname
            """)
        #expect(
            keys == [
                "avoidance_pairs", "departments", "draw_commitments", "draw_keys", "draw_ledger", "draw_seeds",
                "draw_selections", "imports", "inspector_assignments", "inspector_rows", "list_imports", "matter_list_items",
                "night_fingerprints", "plan_tasks", "plans", "publication_ledger", "results", "run_files", "runs",
                "uscc_overrides", "watchlist_entries",
            ])
        #expect(try admin.texts("SELECT pg_get_partkeydef('register_rows'::regclass)") == ["LIST (region)"])
    }

    @Test func aCountysPartitionIsItsRolesAloneWithoutRowLevelSecurity() throws {
        let address = try PostgresTestServer.get().freshDatabase(regions: [countyA, countyB])
        let admin = try session(address)
        defer { admin.close() }
        #expect(
            try admin.texts(
                """
                SELECT c.relname || ' ' || pg_get_expr(c.relpartbound, c.oid) || ' ' || c.relrowsecurity FROM pg_inherits i
                JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'register_rows'::regclass ORDER BY 1
                """)
                == [
                    "register_rows_\(countyB) FOR VALUES IN ('\(countyB)') false",
                    "register_rows_\(countyA) FOR VALUES IN ('\(countyA)') false",
                ])
        let privileges = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"]
        for (role, partition) in [(countyA, countyA), (countyA, countyB), (countyB, countyA), (countyB, countyB)] {
            let granted = try privileges.filter { privilege in
                try admin.texts(
                    PostgresQuery(
                        unsafeSQL: "SELECT has_table_privilege($1, $2, $3)::text",
                        binds: bindings("suiji_county_\(role)", "register_rows_\(partition)", privilege))) == ["true"]
            }
            #expect(granted == (role == partition ? ["SELECT", "INSERT", "UPDATE", "DELETE"] : []), "\(role) on \(partition)")
        }
        // No other role (PUBLIC) has any.
        #expect(
            try admin.texts(
                "SELECT count(*)::text FROM pg_class c, aclexplode(c.relacl) a WHERE c.relname LIKE 'register\\_rows\\_%' AND a.grantee = 0"
            )
                == ["0"])
    }

    @Test func countyACannotReadUpdateDeleteOrInsertCountyBRows() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA, countyB])
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 200, badRowRate: 0), layout: .csv, to: csv)
        // Each county imports its register as its own role: the import itself runs inside the lane.
        for region in [countyA, countyB] {
            var county = address
            county.user = "suiji_county_\(region)"
            let report = try PostgresRegisterImporter.importFile(registerRequest(csv), into: county, region: region, clock: testClock)
            #expect((report.outcome, report.added) == (.imported, 200))
        }
        let admin = try session(address)
        defer { admin.close() }
        let fingerprint = """
            SELECT md5(string_agg(r::text, ',' ORDER BY r.id)) FROM register_rows r WHERE region = '\(countyB)'
            """
        let before = try admin.texts(PostgresQuery(unsafeSQL: fingerprint))
        #expect(try number(admin, "SELECT count(*) FROM register_rows WHERE region = '\(countyB)'") == 200)

        let a = try session(address, as: "suiji_county_\(countyA)")
        defer { a.close() }
        // Read: B's rows do not exist for A, in any table; A sees its own.
        for table in PostgresSchema.tables {
            #expect(try number(admin, "SELECT count(*) FROM \(table) WHERE region = '\(countyB)'") > 0, "\(table)")
            #expect(try number(a, "SELECT count(*) FROM \(table) WHERE region = '\(countyB)'") == 0, "\(table)")
            #expect(try number(a, "SELECT count(*) FROM \(table) WHERE region <> '\(countyA)'") == 0, "\(table)")
        }
        #expect(try number(a, "SELECT count(*) FROM register_rows") == 200)
        #expect(try number(a, "SELECT count(*) FROM register_rows WHERE region = '\(countyA)'") == 200)
        // Update and delete: no row of B is reached.
        #expect(try a.count(PostgresQuery(unsafeSQL: "UPDATE register_rows SET name = 'x' WHERE region = '\(countyB)' RETURNING id")) == 0)
        #expect(
            try a.count(PostgresQuery(unsafeSQL: "UPDATE register_rows SET region = '\(countyA)' WHERE region = '\(countyB)' RETURNING id"))
                == 0)
        #expect(try a.count(PostgresQuery(unsafeSQL: "DELETE FROM register_rows WHERE region = '\(countyB)' RETURNING id")) == 0)
        // Moving one of A's own rows into B's lane is refused too.
        let moved = #expect(throws: PostgresStoreError.self) {
            try a.execute("UPDATE register_rows SET region = '\(countyB)' WHERE id = (SELECT min(id) FROM register_rows)")
        }
        #expect(moved?.sqlState == "42501")
        #expect(moved?.message == #"new row violates row-level security policy for table "register_rows""#)
        // Insert: a row in B's lane is refused, in every table.
        let inserts = [
            ("departments", "INSERT INTO departments (region, name) VALUES ('\(countyB)', '外来部门')"),
            (
                "imports",
                "INSERT INTO imports (region, kind, scope_key, file_name, content_sha256, byte_count, imported_at) VALUES ('\(countyB)', 'register', 's', 'f', '', 0, 't')"
            ),
            (
                "register_rows",
                """
                INSERT INTO register_rows (region, id, department_id, uscc, name, entity_type, category, region_code, status, row_hash, valid_from_import)
                VALUES ('\(countyB)', 1, 1, '91140981MA0000000X', 'n', 't', 'c', '\(countyB)', 's', 0, 1)
                """
            ),
        ]
        for (table, sql) in inserts {
            let refused = #expect(throws: PostgresStoreError.self) { try a.execute(sql) }
            #expect(refused?.sqlState == "42501", "\(table)")
            #expect(refused?.message == "new row violates row-level security policy for table \"\(table)\"")
        }
        // entities is a view over the rows: no one writes it.
        for (sql, verb) in [
            ("INSERT INTO entities (region, uscc, first_seen_import) SELECT '\(countyB)', '91140981MA0000000X', 1", "insert into"),
            ("DELETE FROM entities WHERE region = '\(countyB)'", "delete from"),
            ("UPDATE entities SET first_seen_import = 0", "update"),
        ] {
            let refused = #expect(throws: PostgresStoreError.self) { try a.execute(sql) }
            #expect(refused?.sqlState == "55000", "\(verb)")
            #expect(refused?.message == "cannot \(verb) view \"entities\"")
        }

        // B's partition, the import's way in: A may not read it, write it, or COPY into it.
        let partitionB = "register_rows_\(countyB)"
        for sql in [
            "SELECT count(*) FROM \(partitionB)",
            "UPDATE \(partitionB) SET name = 'x'",
            "DELETE FROM \(partitionB)",
            "TRUNCATE \(partitionB)",
            """
            INSERT INTO \(partitionB) (region, id, department_id, uscc, name, entity_type, category, region_code, status, row_hash, valid_from_import)
            VALUES ('\(countyB)', 1, 1, '91140981MA0000000X', 'n', 't', 'c', '\(countyB)', 's', 0, 1)
            """,
        ] {
            let refused = #expect(throws: PostgresStoreError.self) { try a.execute(sql) }
            #expect(refused?.sqlState == "42501", "\(sql)")
            #expect(refused?.message == "permission denied for table \(partitionB)", "\(sql)")
        }
        let line = "\(countyB)\t1\t91140981MA0000000X\tn\tt\tc\t\\N\t\(countyB)\t\\N\t\\N\t\\N\ts\t\\N\t\\N\t\\N\t0\t1\t1\n"
        let copied = #expect(throws: PostgresStoreError.self) { try copy(line, into: partitionB, as: a) }
        #expect(copied?.sqlState == "42501")
        #expect(copied?.message == "permission denied for table \(partitionB)")
        // A's own partition takes no row of B's region, by COPY, insert or update.
        let partitionA = "register_rows_\(countyA)"
        let constraint = "new row for relation \"\(partitionA)\" violates partition constraint"
        let intoOwn = #expect(throws: PostgresStoreError.self) { try copy(line, into: partitionA, as: a) }
        #expect(intoOwn?.sqlState == "23514")
        #expect(intoOwn?.message == constraint)
        for sql in [
            """
            INSERT INTO \(partitionA) (region, id, department_id, uscc, name, entity_type, category, region_code, status, row_hash, valid_from_import)
            VALUES ('\(countyB)', 1, 1, '91140981MA0000000X', 'n', 't', 'c', '\(countyB)', 's', 0, 1)
            """,
            "UPDATE \(partitionA) SET region = '\(countyB)' WHERE id = (SELECT min(id) FROM \(partitionA))",
        ] {
            let refused = #expect(throws: PostgresStoreError.self) { try a.execute(sql) }
            #expect(refused?.sqlState == "23514", "\(sql)")
            #expect(refused?.message == constraint, "\(sql)")
        }
        #expect(try number(a, "SELECT count(*) FROM \(partitionA)") == 200)

        // B's lane is as it was.
        #expect(try admin.texts(PostgresQuery(unsafeSQL: fingerprint)) == before)
        #expect(try number(admin, "SELECT count(*) FROM register_rows WHERE region = '\(countyB)'") == 200)
    }

    @Test func aCountyRoleCannotImportIntoAnotherCountysLane() throws {
        let address = try PostgresTestServer.get().freshDatabase(regions: [countyA, countyB])
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 20, badRowRate: 0), layout: .csv, to: csv)
        var a = address
        a.user = "suiji_county_\(countyA)"
        let refused = #expect(throws: PostgresStoreError.self) {
            try PostgresRegisterImporter.importFile(registerRequest(csv), into: a, region: countyB, clock: testClock)
        }
        #expect(refused?.sqlState == "42501")
        // Refused as the lane is opened, before anything is read or written: A's role may not act as B's.
        #expect(refused?.message == #"permission denied to set role "suiji_county_\#(countyB)""#)
        let admin = try session(address)
        defer { admin.close() }
        #expect(try number(admin, "SELECT count(*) FROM register_rows") == 0)
        #expect(try number(admin, "SELECT count(*) FROM imports") == 0)
    }
}

/// COPY of `lines` (COPY's text format, the import's columns) into `table`, as `session`'s role.
func copy(_ lines: String, into table: String, as session: PostgresSession) throws {
    try session.copy(lines, into: table, columns: PostgresRegisterImport.columns)
}

/// A register import request for `path` (the department of the demo county).
func registerRequest(_ path: String, rejects: String? = nil, department: String = "原平市市场监督管理局") -> SnapshotImportRequest {
    SnapshotImportRequest(
        kind: .register, path: path, displayName: URL(fileURLWithPath: path).lastPathComponent, department: department,
        rejectsPath: rejects)
}
