// Why this exists: the plan stage is the first stage behind the stages' seam (StageSQL.swift), the
// pattern the others follow. These tests hold it to issue 19's promises on a real server: the same
// plan gives the same outcomes, stored rows and `plan show` on both stores; a county's role can
// neither read nor change another county's plan; a store of the second slice is upgraded once.

import DevKit
import Fixtures
import Foundation
import Pipeline
import PostgresNIO
import Testing

@testable import Stages

@Suite("The plan on PostgreSQL") struct PostgresPlanTests {
    static let clock = Clock.fixed(Date(timeIntervalSince1970: 1_717_200_000))

    /// Every stored column of the plan stage but the rows' own ids, in one text for both stores:
    /// imports numbered by their order, so that ids drawn from another sequence compare equal.
    static let storedRows = [
        """
        SELECT kind, scope_key, file_name, content_sha256, byte_count, imported_at, rows_read, rows_imported, rows_rejected,
            added, changed, removed, unchanged FROM imports ORDER BY id
        """,
        """
        SELECT year, region, content_sha256, source_file, (SELECT count(*) FROM imports i WHERE i.id <= p.current_import)
        FROM plans p ORDER BY year, region
        """,
        """
        SELECT t.seq, t.name, t.matters_json, t.scopes_json, t.ratio_min, t.ratio_max, t.ratio_count, t.ratio_raw,
            t.frequency_per_year, t.frequency_raw, t.window_start, t.window_end, t.window_raw, t.initiator, t.cooperators_json,
            t.mode, t.task_json, t.content_sha256,
            (SELECT count(*) FROM imports i WHERE i.id <= t.valid_from_import),
            CASE WHEN t.valid_to_import IS NULL THEN NULL ELSE (SELECT count(*) FROM imports i WHERE i.id <= t.valid_to_import) END
        FROM plan_tasks t ORDER BY t.seq, t.valid_from_import
        """,
    ]

    static func stored(_ store: any StageStore) throws -> [[SQLRow]] {
        try store.reading { sql in try storedRows.map { try sql.rows($0) } }
    }

    /// A county's lane, as its own role.
    static func lane(_ address: PostgresAddress, _ region: String, writing: Bool = true) throws -> PostgresStageStore {
        var county = address
        county.user = "suiji_county_\(region)"
        return try PostgresStageStore.open(county, region: region, command: "tests", writing: writing)
    }

    @Test func theSamePlanGivesTheSameOutcomesStoredRowsAndPlanShowOnBothStores() throws {
        let address = try PostgresTestServer.get().freshDatabase(regions: [countyA])
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let sqlite = try Store.inMemory()
        let postgres = try Self.lane(address, countyA)
        defer { postgres.close() }
        let original = String(decoding: try fileBytes(FixtureFiles.yuanpingPlan.path), as: UTF8.self)
        // Task 5's ratio changed and task 42 dropped; then the original again: 42 back, 5 as it was.
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[5] = lines[5].replacingOccurrences(of: "20%；1次/年", with: "30%；1次/年")
        lines.remove(at: 42)
        let changed = lines.joined(separator: "\n")
        let expected = [
            "plan 2024 140981 imported: 42 tasks",
            "plan 2024 140981 is unchanged",
            "plan 2024 140981 updated: 41 tasks; added: none; changed: 5; removed: 42",
            "plan 2024 140981 updated: 42 tasks; added: 42; changed: 5; removed: none",
        ]
        for (step, text) in [original, original, changed, original].enumerated() {
            let path = try folder.write("plan.tsv", text)
            let source = PlanSource(path: path, displayName: "plan.tsv", year: 2024, region: countyA)
            let onSQLite = try PlanImportJob(store: sqlite, clock: Self.clock).run(source)
            let onPostgres = try PlanImportJob(store: postgres, clock: Self.clock).run(source)
            #expect(onSQLite.outcome == onPostgres.outcome, "step \(step)")
            #expect(onSQLite.status == .success)
            #expect(onPostgres.status == .success)
            #expect(onPostgres.outcome?.description.hasPrefix(expected[step]) == true, "\(String(describing: onPostgres.outcome))")
            #expect(try Self.stored(sqlite) == Self.stored(postgres), "step \(step)")
        }
        let rows = try Self.stored(postgres)
        #expect(rows.map(\.count) == [3, 1, 45])
        let sqlitePlan = try #require(try sqlite.plan(year: 2024, region: countyA))
        let postgresPlan = try #require(try postgres.plan(year: 2024, region: countyA))
        #expect(PlanPresenter.table(postgresPlan) == PlanPresenter.table(sqlitePlan))
        #expect(try PlanPresenter.json(postgresPlan) == PlanPresenter.json(sqlitePlan))
        #expect(postgresPlan == sqlitePlan)
        #expect(try postgres.storedPlans().map { "\($0.year) \($0.region)" } == ["2024 \(countyA)"])
    }

    @Test func planImportAndShowGiveTheSameBytesOnBothStores() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA])
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        _ = try folder.write("suiji.toml", "region = \"\(countyA)\"\nyear = 2024\n")
        _ = try folder.write("plan.tsv", String(decoding: try fileBytes(FixtureFiles.yuanpingPlan.path), as: UTF8.self))
        let county = server.address(database: address.database, user: "suiji_county_\(countyA)").description
        var outputs: [[String]] = []
        for store in ["suiji.sqlite", county] {
            var output: [String] = []
            for arguments in [
                ["plan", "import", "plan.tsv"], ["plan", "import", "plan.tsv"], ["plan", "show"], ["plan", "show", "--json"],
            ] {
                let result = try PostgresImportCommandTests.run(arguments + ["--store", store], in: folder)
                #expect(result.status == 0, "\(arguments) \(store): \(result.errors)")
                output.append(result.output)
            }
            outputs.append(output)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[1][0] == "plan 2024 140981 imported: 42 tasks\n")
        #expect(outputs[1][1].hasPrefix("plan 2024 140981 is unchanged (sha256 "))
        #expect(outputs[1][2].hasPrefix("plan 2024 140981: 42 tasks\n"))
        #expect(outputs[1][3].contains("\"kind\": \"plan\""))
        // A second writer of the county waits for no one: exit 75 while another holds the county's lock.
        let holder = try Self.lane(address, countyA)
        let busy = try PostgresImportCommandTests.run(["plan", "import", "plan.tsv", "--store", county], in: folder)
        holder.close()
        #expect(busy.status == 75, "\(busy.errors)")
        #expect(busy.errors.contains("(county \(countyA))"), "\(busy.errors)")
    }

    @Test func countyACannotReadOrChangeCountyBsPlan() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA, countyB])
        let source = PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: countyA)
        let a = try Self.lane(address, countyA)
        defer { a.close() }
        #expect(try PlanImportJob(store: a, clock: Self.clock).run(source).status == .success)
        // County B's plan: the same tasks, B's region; stored through an administrator's URL (SET ROLE to B's role).
        let planA = try #require(try a.plan(year: 2024, region: countyA))
        let b = try PostgresStageStore.open(address, region: countyB, command: "tests", writing: true)
        defer { b.close() }
        let digest = try FileDigest.of(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv")
        _ = try b.importPlan(
            AnnualPlan(year: 2024, region: countyB, tasks: planA.tasks), fileName: "b.tsv", digest: digest, clock: Self.clock)
        #expect(try b.storedPlans().map { "\($0.year) \($0.region)" } == ["2024 \(countyB)"])
        #expect(try a.storedPlans().map { "\($0.year) \($0.region)" } == ["2024 \(countyA)"])
        #expect(try a.plan(year: 2024, region: countyB) == nil)

        // Through the seam: a plan of B's region into A's lane is refused before anything is written.
        let refused = #expect(throws: PlanLaneError.self) {
            try a.importPlan(AnnualPlan(year: 2025, region: countyB, tasks: planA.tasks), fileName: "x.tsv", digest: digest)
        }
        #expect(
            refused?.message
                == "the plan is region 140902's, and this store's lane is county 140981's: a county stores only its own plan. Nothing was stored; give the county's own plan, or the other county's store setting"
        )

        // And in the database, as A's role: B's rows are not there to read, update or delete, and none may be written.
        let role = try session(address, as: "suiji_county_\(countyA)")
        defer { role.close() }
        let admin = try session(address)
        defer { admin.close() }
        let before = try admin.texts("SELECT string_agg(t::text, ';' ORDER BY t.region, t.id) FROM plan_tasks t")
        #expect(try number(role, "SELECT count(*) FROM plans") == 1)
        #expect(try number(role, "SELECT count(*) FROM plan_tasks") == 42)
        #expect(try number(role, "SELECT count(*) FROM plan_tasks WHERE region = '\(countyB)'") == 0)
        #expect(try number(role, "SELECT count(*) FROM imports WHERE region = '\(countyB)'") == 0)
        // The region bound as a value (a quoted `'\(…)'` here would be the text '$1', and match nothing anywhere):
        // the administrator finds B's rows with the very statement A's role finds none with.
        #expect(try admin.texts("SELECT count(*)::text FROM plan_tasks WHERE region = \(countyB)") != ["0"])
        #expect(try role.texts("UPDATE plan_tasks SET name = 'x' WHERE region = \(countyB) RETURNING id::text") == [])
        #expect(try role.texts("UPDATE plans SET source_file = 'x' WHERE region = \(countyB) RETURNING id::text") == [])
        #expect(try role.texts("DELETE FROM plan_tasks WHERE region = \(countyB) RETURNING id::text") == [])
        #expect(try role.texts("DELETE FROM plans WHERE region = \(countyB) RETURNING id::text") == [])
        let writes = [
            "INSERT INTO plans (region, year, content_sha256, source_file, current_import) VALUES ('\(countyB)', 2025, 'x', 'x', 1)",
            """
            INSERT INTO plan_tasks (region, plan_id, seq, name, matters_json, scopes_json, ratio_raw, frequency_raw, window_raw,
                initiator, cooperators_json, task_json, content_sha256, valid_from_import)
            SELECT '\(countyB)', id, 99, 'x', '[]', '[]', '', '', '', '', '[]', '{}', 'x', current_import FROM plans
            """,
            // A's own rows moved into B's lane.
            "UPDATE plans SET region = '\(countyB)'",
            "UPDATE plan_tasks SET region = '\(countyB)' WHERE seq = 1",
        ]
        for statement in writes {
            let error = #expect(throws: PostgresStoreError.self) { try role.execute(statement) }
            #expect(error?.sqlState == "42501", "\(statement)")
            #expect(error?.message.hasPrefix("new row violates row-level security policy for table \"plan") == true, "\(statement)")
        }
        #expect(try admin.texts("SELECT string_agg(t::text, ';' ORDER BY t.region, t.id) FROM plan_tasks t") == before)
        #expect(
            try admin.texts("SELECT region || ' ' || count(*) FROM plan_tasks GROUP BY region ORDER BY region") == [
                "\(countyB) 42", "\(countyA) 42",
            ])
    }

    @Test func aStoreOfTheSecondSliceIsUpgradedOnceAndItsCountiesGetThePlanTables() throws {
        let server = try PostgresTestServer.get()
        let address = try server.emptyDatabase()
        let admin = try session(address)
        defer { admin.close() }
        // The second slice's schema, as its migrate made it, with county A's lane and one import of a register.
        try admin.execute(PostgresSchema.versionTable)
        for statement in PostgresSchema.v1 + PostgresSchema.v2 { try admin.execute(statement) }
        try PostgresSchema.movePartitionedRows(admin)
        try admin.execute(
            "INSERT INTO schema_version (identifier) VALUES ('\(PostgresSchema.migrations[0].identifier)'), ('\(PostgresSchema.migrations[1].identifier)')"
        )
        try admin.execute("GRANT SELECT ON schema_version TO PUBLIC")
        try PostgresSchema.addCountyInTransaction(admin, region: countyA)
        #expect(try PostgresSchema.appliedMigrations(admin) == ["v1: register import", "v2: county partitions"])
        #expect(try PostgresSchema.pendingMigrations(admin) == ["v3: plans", "v4: every stage"])

        // A county's role may not upgrade it: told to ask an administrator, nothing made.
        let early = #expect(throws: PostgresStoreError.self) { try Self.lane(address, countyA) }
        #expect(
            early?.message
                == "the store's schema is missing or was made by an older suiji, and a county's role may not make or upgrade it. An administrator runs `suiji store add-county --store postgresql://ADMIN@HOST:PORT/DB --region \(countyA)` first"
        )
        #expect(try number(admin, "SELECT count(*) FROM pg_class WHERE relname IN ('plans', 'plan_tasks')") == 0)

        #expect(try PostgresSchema.migrate(admin) == ["v3: plans", "v4: every stage"])
        #expect(try PostgresSchema.migrate(admin) == [])
        #expect(
            try PostgresSchema.appliedMigrations(admin) == ["v1: register import", "v2: county partitions", "v3: plans", "v4: every stage"])
        for table in PostgresSchema.planTables + PostgresSchema.stageTables {
            #expect(
                try admin.texts(
                    PostgresQuery(
                        unsafeSQL: "SELECT has_table_privilege($1, $2, 'INSERT')::text", binds: bindings("suiji_county_\(countyA)", table)))
                    == ["true"], "\(table)")
        }
        let a = try Self.lane(address, countyA)
        defer { a.close() }
        let source = PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: countyA)
        let report = try PlanImportJob(store: a, clock: Self.clock).run(source)
        #expect(report.outcome?.description == "plan 2024 140981 imported: 42 tasks")
        #expect(try number(admin, "SELECT count(*) FROM plan_tasks WHERE region = '\(countyA)'") == 42)
    }

    @Test func theSeamNumbersQuestionMarksOutsideQuotesOnly() {
        #expect(
            PostgresStageSQL.numbered("SELECT '?', \"a?\" FROM t WHERE a = ? AND b = ? AND c = 'x''?'")
                == "SELECT '?', \"a?\" FROM t WHERE a = $1 AND b = $2 AND c = 'x''?'")
    }
}
