// Why this exists: `suiji results import` runs behind the stages' seam (StageSQL.swift). These tests
// hold it to issue 19's promises on a real server: the same files give the same outcomes, stored
// rows, terminal output and rejects files on both stores (first import, the same file again, a
// corrected file with a withdrawal and rejected rows, a dry run); a county's role can neither read
// nor change another county's results.

import DevKit
import Fixtures
import Foundation
import Pipeline
import PostgresNIO
import Testing

@testable import Stages

@Suite("Results on PostgreSQL") struct PostgresResultsTests {
    static let clock = Clock.fixed(Date(timeIntervalSince1970: 1_733_000_000))
    static let pools = PublicationWorld.pools.map(\.uscc)

    /// The files of each step: results, the same again, corrections with a withdrawal and bad rows, a dry run's.
    static let files = [
        resultsHeader + """
            17,1,\(pools[0]),2024-05-21,1,实地检查,,
            17,,\(pools[1]),2024/07/03,F,书面检查,,
            17,1,911409819999999999,2024-05-21,1,,,

            """,
        """
        任务序号,轮次,统一社会信用代码,检查日期,检查结果,核查方式,后续处置,备注,操作
        17,1,\(pools[0]),2024-05-22,A,实地检查,责令整改,复查,
        17,1,\(pools[1]),,,,,,撤回
        17,1,\(pools[2]),,,,,,撤回
        99,1,\(pools[2]),2024-05-21,1,,,,

        """,
        resultsHeader + "17,1,\(pools[2]),2024-06-01,E,现场检查,,\n",
    ]

    /// The plan, and a draw of task 17's group round 1 written straight into the draw's tables (its
    /// schema, not its code), through the seam: one text of each statement for both stores (the
    /// ledger numbered as the draw numbers it, the next after the county's highest).
    static func prepare(_ store: any StageStore) throws {
        let source = PlanSource(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv", year: 2024, region: countyA)
        #expect(try PlanImportJob(store: store, clock: clock).run(source).status == .success)
        try store.writing { sql in
            let planID = try #require(try sql.integer("SELECT id FROM plans"))
            let commitment = SHA256.hex("2024-G17|1")
            try sql.execute(
                """
                INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version,
                    prepared_at, prepared_seq)
                VALUES (?, '2024-G17', 1, ?, '{}', 'test', '2024-01-01T00:00:00Z', 1)
                """, [planID, commitment])
            let seq = try #require(
                try sql.integer(
                    """
                    INSERT INTO draw_ledger (seq, kind, plan_id, group_key, round, commitment_sha256, seed, result_json, created_at,
                        prev_sha256, entry_sha256)
                    VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM draw_ledger), 'draw', ?, '2024-G17', 1, ?, '12345', '{}',
                        '2024-01-02T00:00:00Z', '', ?) RETURNING seq
                    """, [planID, commitment, SHA256.hex(commitment + "entry")]))
            for (position, uscc) in pools.prefix(3).enumerated() {
                try sql.execute(
                    "INSERT INTO draw_selections (ledger_seq, position, uscc, risk_class, ticket) VALUES (?, ?, ?, 'C', 'T')",
                    [seq, position, uscc])
            }
        }
    }

    /// Every stored column of the results import but the rows' own ids: imports numbered by their order.
    static let storedRows = [
        """
        SELECT kind, scope_key, file_name, content_sha256, byte_count, imported_at, rows_read, rows_imported, rows_rejected,
            added, changed, removed, unchanged FROM imports ORDER BY id
        """,
        """
        SELECT task_seq, round, uscc, inspected_on, codes_json, method, follow_up, remarks, withdrawn, row_hash,
            (SELECT count(*) FROM imports i WHERE i.id <= r.valid_from_import),
            CASE WHEN r.valid_to_import IS NULL THEN NULL ELSE (SELECT count(*) FROM imports i WHERE i.id <= r.valid_to_import) END
        FROM results r ORDER BY r.id
        """,
    ]

    static func stored(_ store: any StageStore) throws -> [[SQLRow]] {
        try store.reading { sql in try storedRows.map { try sql.rows($0) } }
    }

    /// Imports each step's file into `store` (files in `folder`), returning each step's report as text.
    static func importEverything(into store: any StageStore, folder: TemporaryFolder) throws -> [String] {
        var out: [String] = []
        for (step, text) in [files[0], files[0], files[1], files[2]].enumerated() {
            let name = "results-\(step == 1 ? 0 : step).csv"
            let path = try folder.write(name, text)
            let report = try ResultsImporter(store: store, clock: clock).run(
                ResultsImportRequest(
                    path: path, displayName: name, year: 2024, region: countyA, dryRun: step == 3,
                    rejectsPath: folder.path(name + ".rejects.csv")))
            out.append(
                (report.summary + "\n" + report.diagnostics.map(\.description).joined(separator: "\n") + "\n\(report.status)")
                    .replacingOccurrences(of: folder.url.path, with: "FOLDER"))
        }
        return out + (try rejectsFiles(in: folder))
    }

    @Test func theSameFilesGiveTheSameReportsStoredRowsAndRejectsOnBothStores() throws {
        let address = try PostgresTestServer.get().freshDatabase(regions: [countyA])
        let sqliteFolder = try TemporaryFolder()
        let postgresFolder = try TemporaryFolder()
        defer {
            sqliteFolder.cleanup()
            postgresFolder.cleanup()
        }
        let sqlite = try Store.inMemory()
        let postgres = try PostgresPlanTests.lane(address, countyA)
        defer { postgres.close() }
        try Self.prepare(sqlite)
        try Self.prepare(postgres)
        let onSQLite = try Self.importEverything(into: sqlite, folder: sqliteFolder)
        let onPostgres = try Self.importEverything(into: postgres, folder: postgresFolder)
        #expect(onSQLite == onPostgres)
        #expect(try Self.stored(sqlite) == Self.stored(postgres))
        #expect(onPostgres.count == 6)
        #expect(
            onPostgres[0] == """
                imported results from results-0.csv: 3 rows read, 2 accepted, 1 rejected; results: 2 added, 0 corrected, 0 withdrawn, 0 unchanged
                rejected rows written to FOLDER/results-0.csv.rejects.csv
                results-0.csv:4:3: error: 911409819999999999 was not drawn for task 17 round 1 (draw group 2024-G17); a result must refer to a drawn object [uscc=911409819999999999]
                dataRejected
                """)
        #expect(onPostgres[1].hasPrefix("results-0.csv: the same file (sha256 "))
        #expect(
            onPostgres[2].hasPrefix(
                "imported results from results-2.csv: 4 rows read, 2 accepted, 2 rejected; results: 0 added, 1 corrected, 1 withdrawn, 0 unchanged"
            ))
        #expect(
            onPostgres[3].hasPrefix(
                "dry run, nothing written: importing results-3.csv would give 1 row read, 1 accepted, 0 rejected; results: 1 added, 0 corrected, 0 withdrawn, 0 unchanged"
            ))
        // imports (the plan's and two of results), results (two added, one corrected, one withdrawn).
        #expect(try Self.stored(postgres).map(\.count) == [3, 4])
    }

    @Test func resultsImportPrintsTheSameBytesOnBothStores() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA])
        let county = server.address(database: address.database, user: "suiji_county_\(countyA)")
        var outputs: [[String]] = []
        for store in ["suiji.sqlite", county.description] {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            _ = try folder.write("suiji.toml", "region = \"\(countyA)\"\nyear = 2024\n")
            let stageStore: any StageStore =
                store == "suiji.sqlite"
                ? try Store(path: folder.path(store))
                : try PostgresStageStore.open(county, region: countyA, command: "tests", writing: true)
            try Self.prepare(stageStore)
            (stageStore as? PostgresStageStore)?.close()
            var output: [String] = []
            for (step, text) in [Self.files[0], Self.files[0], Self.files[1], Self.files[2]].enumerated() {
                let name = "r\(step == 1 ? 0 : step).csv"
                _ = try folder.write(name, text)
                var command = ["results", "import", name, "--store", store, "--rejects", name + ".rejects.csv"]
                if step == 3 { command.append("--dry-run") }
                let result = try PostgresImportCommandTests.run(command, in: folder)
                output.append("\(result.status)\n\(result.output)\n\(result.errors)")
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter({ $0.hasSuffix(".rejects.csv") })
                .sorted()
            {
                output.append(name + "\n" + String(decoding: try fileBytes(folder.path(name)), as: UTF8.self))
            }
            outputs.append(output)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[1].count == 6)
        #expect(outputs[1][0].hasPrefix("65\nimported results from r0.csv: 3 rows read, 2 accepted, 1 rejected"))
        #expect(outputs[1][1].hasPrefix("0\nr0.csv: the same file (sha256 "))
        #expect(outputs[1][3].hasPrefix("2\ndry run, nothing written: importing r3.csv would give 1 row read"))
    }

    @Test func countyACannotReadOrChangeCountyBsResults() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA, countyB])
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let a = try PostgresPlanTests.lane(address, countyA)
        try Self.prepare(a)
        _ = try Self.importEverything(into: a, folder: folder)
        a.close()
        // County B's results: a plan of B's region (A's tasks), its draw and the same files, through an
        // administrator's URL (SET ROLE to B's role).
        let b = try PostgresStageStore.open(address, region: countyB, command: "tests", writing: true)
        defer { b.close() }
        let reader = try PostgresPlanTests.lane(address, countyA, writing: false)
        let planA = try #require(try reader.plan(year: 2024, region: countyA))
        reader.close()
        let digest = try FileDigest.of(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv")
        _ = try b.importPlan(
            AnnualPlan(year: 2024, region: countyB, tasks: planA.tasks), fileName: "b.tsv", digest: digest, clock: Self.clock)
        try b.writing { sql in
            let planID = try #require(try sql.integer("SELECT id FROM plans"))
            try sql.execute(
                """
                INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version,
                    prepared_at, prepared_seq)
                VALUES (?, '2024-G17', 1, 'b', '{}', 'test', '2024-01-01T00:00:00Z', 1)
                """, [planID])
            let seq = try #require(
                try sql.integer(
                    """
                    INSERT INTO draw_ledger (seq, kind, plan_id, group_key, round, commitment_sha256, seed, result_json, created_at,
                        prev_sha256, entry_sha256)
                    VALUES (1, 'draw', ?, '2024-G17', 1, 'b', '1', '{}', '2024-01-02T00:00:00Z', '', 'b') RETURNING seq
                    """, [planID]))
            try sql.execute(
                "INSERT INTO draw_selections (ledger_seq, position, uscc, risk_class, ticket) VALUES (?, 0, ?, 'C', 'T')",
                [seq, Self.pools[0]])
        }
        let path = try folder.write("b.csv", resultsHeader + "17,1,\(Self.pools[0]),2024-05-21,1,实地检查,,\n")
        let report = try ResultsImporter(store: b, clock: Self.clock).run(
            ResultsImportRequest(path: path, displayName: "b.csv", year: 2024, region: countyB))
        #expect(report.status == .success, "\(report.diagnostics)")
        // A's lane cannot name B's plan: to A's role there is none.
        let laneA = try PostgresPlanTests.lane(address, countyA)
        defer { laneA.close() }
        let refused = #expect(throws: ResultsImportError.self) {
            try ResultsImporter(store: laneA, clock: Self.clock).run(
                ResultsImportRequest(path: path, displayName: "b.csv", year: 2024, region: countyB))
        }
        #expect(
            refused?.message
                == "there is no 2024 plan of 140902 in the store; import the plan (suiji plan import) and draw before importing results")

        let admin = try session(address)
        defer { admin.close() }
        let role = try session(address, as: "suiji_county_\(countyA)")
        defer { role.close() }
        let before = try admin.texts(PostgresQuery(unsafeSQL: "SELECT string_agg(t::text, ';' ORDER BY t::text) FROM results t"))
        #expect(try number(admin, "SELECT count(*) FROM results WHERE region = '\(countyB)'") == 1)
        #expect(
            try number(role, "SELECT count(*) FROM results") == number(admin, "SELECT count(*) FROM results WHERE region = '\(countyA)'"))
        #expect(try number(role, "SELECT count(*) FROM results WHERE region = '\(countyB)'") == 0)
        #expect(
            try role.texts(PostgresQuery(unsafeSQL: "UPDATE results SET remarks = 'x' WHERE region = '\(countyB)' RETURNING region")) == [])
        #expect(try role.texts(PostgresQuery(unsafeSQL: "DELETE FROM results WHERE region = '\(countyB)' RETURNING region")) == [])
        for statement in [
            """
            INSERT INTO results (region, plan_id, task_seq, round, uscc, inspected_on, codes_json, withdrawn, row_hash, valid_from_import)
            SELECT '\(countyB)', plan_id, 17, 1, 'x', '', '[]', 0, 'x', valid_from_import FROM results LIMIT 1
            """,
            "UPDATE results SET region = '\(countyB)'",
        ] {
            let error = #expect(throws: PostgresStoreError.self) { try role.execute(statement) }
            #expect(error?.sqlState == "42501", "\(statement)")
            #expect(
                error?.message.hasPrefix("new row violates row-level security policy for table \"results\"") == true,
                "\(statement): \(String(describing: error?.message))")
        }
        #expect(try admin.texts(PostgresQuery(unsafeSQL: "SELECT string_agg(t::text, ';' ORDER BY t::text) FROM results t")) == before)
    }
}
