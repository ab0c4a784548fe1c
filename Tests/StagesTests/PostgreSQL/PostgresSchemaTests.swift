// Why this exists: a PostgreSQL store outlives the suiji that made it. Its schema is versioned
// (`schema_version`, as SQLite's store keeps its migrations): a store made by an older suiji is
// upgraded once, its rows kept and moved into their counties' lanes; one made by a newer suiji is
// refused. A county's lane is an administrator's step, which a county's own role may not take.

import DevKit
import Foundation
import PostgresNIO
import Testing

@testable import Stages

@Suite("PostgreSQL schema and lanes") struct PostgresSchemaTests {
    static let identifiers = ["v1: register import", "v2: county partitions", "v3: plans", "v4: every stage"]

    @Test func aNewStoreHasEveryMigrationAndASecondMigrateDoesNothing() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let admin = try session(address)
        defer { admin.close() }
        #expect(try PostgresSchema.appliedMigrations(admin) == Self.identifiers)
        #expect(try PostgresSchema.pendingMigrations(admin) == [])
        #expect(try PostgresSchema.migrate(admin) == [])
        #expect(try admin.texts("SELECT identifier FROM schema_version ORDER BY identifier") == Self.identifiers)
    }

    @Test func aStoreOfTheFirstSliceIsUpgradedOnceItsRowsKeptInTheirCountiesPartitions() throws {
        let server = try PostgresTestServer.get()
        let address = try server.emptyDatabase()
        let admin = try session(address)
        defer { admin.close() }
        // The first slice's schema and county roles, as it made them, and rows of two counties
        // (A's first row closed by its second import); a third county has a role and no rows yet.
        for statement in PostgresSchema.v1 { try admin.execute(statement) }
        let countyC = "140931"
        for region in [countyA, countyB, countyC] {
            try admin.execute(
                "DO $$ BEGIN CREATE ROLE suiji_county_\(region) LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
            try admin.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON departments, imports, entities, register_rows TO suiji_county_\(region)")
        }
        try admin.execute(
            """
            INSERT INTO departments (region, id, name) VALUES ('\(countyA)', 1, '原平市市场监督管理局'), ('\(countyB)', 2, '忻府区市场监督管理局')
            """)
        try admin.execute(
            """
            INSERT INTO imports (region, id, kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at) VALUES
            ('\(countyA)', 1, 'register', 1, 'register:a', 'a1.csv', 'h1', 10, '2024-01-01T00:00:00Z'),
            ('\(countyB)', 2, 'register', 2, 'register:b', 'b1.csv', 'h2', 10, '2024-01-01T00:00:00Z'),
            ('\(countyA)', 3, 'register', 1, 'register:a', 'a2.csv', 'h3', 10, '2024-01-02T00:00:00Z')
            """)
        try admin.execute(
            """
            INSERT INTO register_rows (region, id, department_id, uscc, name, entity_type, category, region_code, status, row_hash,
                valid_from_import, valid_to_import) VALUES
            ('\(countyA)', 1, 1, '91140981MA0000001X', '甲', '企业', '餐饮', '\(countyA)', '存续', 11, 1, 3),
            ('\(countyA)', 2, 1, '91140981MA0000002X', '乙', '企业', '餐饮', '\(countyA)', '存续', 12, 1, NULL),
            ('\(countyB)', 3, 2, '91140902MA0000003X', '丙', '企业', '餐饮', '\(countyB)', '存续', 13, 2, NULL),
            ('\(countyA)', 4, 1, '91140981MA0000001X', '甲（变更）', '企业', '餐饮', '\(countyA)', '存续', 14, 3, NULL)
            """)
        try admin.execute(
            """
            INSERT INTO entities (region, uscc, first_seen_import) VALUES
            ('\(countyA)', '91140981MA0000001X', 1), ('\(countyA)', '91140981MA0000002X', 1), ('\(countyB)', '91140902MA0000003X', 2)
            """)
        let rows = "SELECT string_agg(r::text, ';' ORDER BY r.id) FROM register_rows r"
        let entities = "SELECT string_agg(e::text, ';' ORDER BY e.region, e.uscc) FROM entities e"
        let rowsBefore = try admin.texts(PostgresQuery(unsafeSQL: rows))
        let entitiesBefore = try admin.texts(PostgresQuery(unsafeSQL: entities))
        #expect(try PostgresSchema.appliedMigrations(admin) == [Self.identifiers[0]])
        #expect(try PostgresSchema.pendingMigrations(admin) == Array(Self.identifiers[1...]))

        #expect(try PostgresSchema.migrate(admin) == Array(Self.identifiers[1...]))
        #expect(try admin.texts("SELECT identifier FROM schema_version ORDER BY identifier") == Self.identifiers)
        #expect(try PostgresSchema.migrate(admin) == [])
        #expect(try PostgresSchema.appliedMigrations(admin) == Self.identifiers)
        #expect(try admin.texts(PostgresQuery(unsafeSQL: rows)) == rowsBefore)
        #expect(try admin.texts(PostgresQuery(unsafeSQL: entities)) == entitiesBefore)
        #expect(
            try admin.texts(
                "SELECT r.tableoid::regclass::text || ' ' || string_agg(r.id::text, ',' ORDER BY r.id) FROM register_rows r GROUP BY r.tableoid ORDER BY 1"
            )
                == ["register_rows_\(countyB) 3", "register_rows_\(countyA) 1,2,4"])
        // Every county of the old store has its lane, the one without rows too, whose rows are numbered from 1.
        for region in [countyA, countyB, countyC] { #expect(try PostgresSchema.hasLane(admin, region: region), "\(region)") }
        #expect(try number(admin, "SELECT count(*) FROM pg_class WHERE relname IN ('register_rows_v1', 'entities_v1')") == 0)

        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 20, badRowRate: 0), layout: .csv, to: csv)
        var c = address
        c.user = "suiji_county_\(countyC)"
        let report = try PostgresRegisterImporter.importFile(registerRequest(csv), into: c, region: countyC, clock: testClock)
        #expect((report.outcome, report.added) == (.imported, 20))
        #expect(try number(admin, "SELECT min(id) FROM register_rows_\(countyC)") == 1)
        #expect(try number(admin, "SELECT count(*) FROM entities WHERE region = '\(countyC)'") == 20)
    }

    @Test func aStoreOfANewerSuijiIsRefused() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let admin = try session(address)
        defer { admin.close() }
        try admin.execute("INSERT INTO schema_version (identifier) VALUES ('v9: from the future')")
        let expected =
            "the store was made by a newer suiji (it has migrations 'v9: from the future'); use that version or a newer one. Nothing was done"
        let pending = #expect(throws: PostgresStoreError.self) { try PostgresSchema.pendingMigrations(admin) }
        #expect(pending?.message == expected)
        let migrating = #expect(throws: PostgresStoreError.self) { try PostgresSchema.migrate(admin) }
        #expect(migrating?.message == expected)
    }

    @Test func addingACountyMakesItsLaneOnceAndACountysRoleMayNotMakeOne() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase()
        let admin = try session(address)
        defer { admin.close() }
        #expect(try PostgresSchema.hasLane(admin, region: countyA) == false)
        let added = try PostgresSchema.addCounty(admin, region: countyA)
        #expect(
            added
                == PostgresSchema.LaneReport(
                    migrations: [], added: true, role: "suiji_county_\(countyA)", partition: "register_rows_\(countyA)"))
        #expect(try PostgresSchema.addCounty(admin, region: countyA).added == false)
        #expect(try PostgresSchema.hasLane(admin, region: countyA))
        let notARegion = #expect(throws: PostgresStoreError.self) { try PostgresSchema.addCounty(admin, region: "1409") }
        #expect(notARegion?.message == "the region '1409' is not a six-digit region code")

        // County B's role (a role of the cluster) in a store where B has no lane: told to ask an administrator.
        try PostgresSchema.addCounty(admin, region: countyB)
        let other = try server.freshDatabase()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 5, badRowRate: 0), layout: .csv, to: csv)
        var b = other
        b.user = "suiji_county_\(countyB)"
        let noLane = #expect(throws: PostgresStoreError.self) {
            try PostgresRegisterImporter.importFile(registerRequest(csv), into: b, region: countyB, clock: testClock)
        }
        #expect(
            noLane?.message
                == "county \(countyB) has no lane in this database yet. An administrator runs `suiji store add-county --store postgresql://ADMIN@HOST:PORT/DB --region \(countyB)` first"
        )
        // And in a database without the schema.
        let bare = "suiji_test_\(UUID().uuidString.prefix(8).lowercased())"
        try admin.execute("CREATE DATABASE \(bare)")
        let noSchema = #expect(throws: PostgresStoreError.self) {
            try PostgresRegisterImporter.importFile(
                registerRequest(csv), into: server.address(database: bare, user: "suiji_county_\(countyB)"), region: countyB,
                clock: testClock)
        }
        #expect(
            noSchema?.message
                == "the store's schema is missing or was made by an older suiji, and a county's role may not make or upgrade it. An administrator runs `suiji store add-county --store postgresql://ADMIN@HOST:PORT/DB --region \(countyB)` first"
        )
    }
}

@Suite("PostgreSQL: every stage's tables (migration v4)") struct PostgresStageTablesTests {
    @Test func everyTableOfALaneIsUnderItsCountysPolicyAndGrantedToEachCounty() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let admin = try session(address)
        defer { admin.close() }
        try PostgresSchema.addCounty(admin, region: countyA)
        let tables = PostgresSchema.laneTables + [PostgresSchema.partitioned]
        #expect(tables.count == 22)
        for table in tables {
            // The one policy (PostgresLaneTests checks that it is enabled and forced): the county's rows.
            #expect(
                try admin.texts(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT p.polname || ' ' || pg_get_expr(p.polqual, p.polrelid) || ' ' || pg_get_expr(p.polwithcheck, p.polrelid)
                            FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid WHERE c.relname = $1
                            """, binds: bindings(table)))
                    == ["county_lane (region = suiji_county()) (region = suiji_county())"], "\(table)")
            #expect(
                try admin.texts(
                    PostgresQuery(
                        unsafeSQL: "SELECT has_table_privilege($1, $2, 'SELECT, INSERT, UPDATE, DELETE')::text",
                        binds: bindings("suiji_county_\(countyA)", table))) == ["true"], "\(table)")
        }
        // Every key of every stage's table leads with the region, so two counties' rows never meet.
        let keys = try admin.texts(
            PostgresQuery(
                unsafeSQL: """
                    SELECT c.relname || ' ' || pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                    WHERE c.relname = ANY($1) AND pg_get_indexdef(i.indexrelid) NOT LIKE '%(region, %'
                    """,
                binds: {
                    var b = PostgresBindings(); b.append(PostgresSchema.stageTables); return b
                }()))
        #expect(keys == [])
    }

    @Test func aCountysRoleReadsAndWritesOnlyItsOwnRowsOfEveryStagesTables() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let admin = try session(address)
        defer { admin.close() }
        try PostgresSchema.addCounty(admin, region: countyA)
        try PostgresSchema.addCounty(admin, region: countyB)
        let a = try session(address, as: "suiji_county_\(countyA)")
        defer { a.close() }
        let b = try session(address, as: "suiji_county_\(countyB)")
        defer { b.close() }
        // The same night and the same draw key in both counties: the region is in every key.
        for county in [a, b] {
            try county.execute("INSERT INTO runs (run_date, started_at) VALUES ('2024-03-01', '2024-03-01T01:00:00Z')")
            try county.execute("INSERT INTO draw_keys (id, salt_key, created_at) VALUES (1, 'k', '2024-03-01T01:00:00Z')")
        }
        #expect(try a.texts("SELECT region || ' ' || run_date FROM runs") == ["\(countyA) 2024-03-01"])
        #expect(try b.texts("SELECT region || ' ' || salt_key FROM draw_keys") == ["\(countyB) k"])
        #expect(try number(admin, "SELECT count(*) FROM runs") == 2)
        // B can neither see A's night nor change it, nor write a row in A's name.
        #expect(try number(b, "SELECT count(*) FROM runs WHERE region = '\(countyA)'") == 0)
        #expect(
            try number(b, "WITH u AS (UPDATE runs SET exit_code = 1 WHERE region = '\(countyA)' RETURNING 1) SELECT count(*) FROM u") == 0)
        let foreign = #expect(throws: PostgresStoreError.self) {
            try b.execute("INSERT INTO uscc_overrides (region, uscc, reason, created_at) VALUES ('\(countyA)', 'X', 'r', 't')")
        }
        #expect(foreign?.sqlState == "42501")
        #expect(try number(admin, "SELECT count(*) FROM runs WHERE exit_code IS NOT NULL") == 0)
    }

    @Test func theLedgersAreAppendOnlyAsOnSQLite() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let admin = try session(address)
        defer { admin.close() }
        try PostgresSchema.addCounty(admin, region: countyA)
        let a = try session(address, as: "suiji_county_\(countyA)")
        defer { a.close() }
        try a.execute(
            """
            INSERT INTO imports (kind, scope_key, file_name, content_sha256, byte_count, imported_at)
            VALUES ('plan', 'plan:2024:\(countyA)', 'plan.tsv', 'h', 1, 't')
            """)
        try a.execute(
            "INSERT INTO plans (year, content_sha256, source_file, current_import, region) VALUES (2024, 'h', 'plan.tsv', 1, '\(countyA)')")
        try a.execute(
            """
            INSERT INTO publication_ledger (record_key, plan_id, task_seq, round, uscc, action, published_at)
            VALUES ('k', 1, 1, 1, 'u', 'add', 't')
            """)
        try a.execute(
            """
            INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at,
                prepared_seq) VALUES (1, 'g', 1, 'c', '{}', 'v', 't', 1)
            """)
        try a.execute(
            """
            INSERT INTO draw_ledger (seq, kind, plan_id, group_key, round, commitment_sha256, seed, result_json, created_at, prev_sha256,
                entry_sha256) VALUES (1, 'draw', 1, 'g', 1, 'c', 's', '{}', 't', '', 'e')
            """)
        let ledgers = [("publication_ledger", "the publication ledger is append-only"), ("draw_ledger", "the draw ledger is append-only")]
        for (table, words) in ledgers {
            for change in ["UPDATE \(table) SET plan_id = 1", "DELETE FROM \(table)"] {
                let refused = #expect(throws: PostgresStoreError.self) { try a.execute(change) }
                #expect(refused?.message == words, "\(change)")
            }
        }
        #expect(try number(a, "SELECT count(*) FROM publication_ledger WHERE uscc = 'u'") == 1)
        #expect(try number(a, "SELECT count(*) FROM draw_ledger WHERE seed = 's'") == 1)
    }
}
