// Why this exists: the draw is the second stage behind the stages' seam (StageSQL.swift), after the
// plan. These tests hold it to issue 19's promises on a real server: the same inputs give the same
// commitments, seeds, hash-chained ledger, selections and teams, and byte-identical `draw` command
// output, on both stores; county A's role can neither read nor change county B's draw rows; two
// counties draw the same group keys with the same seed without colliding (the draw's keys include
// the region on PostgreSQL).
//
// The inspectors and avoidance pairs reach PostgreSQL by copying the rows a SQLite import stored,
// through the seam: their imports are not on PostgreSQL yet (another slice ports them).

import DevKit
import Fixtures
import Foundation
import Pipeline
import PostgresNIO
import Testing

@testable import Stages

/// The text rows of a statement run as it is written (names and values spliced in by the test itself).
private func unsafeTexts(_ session: PostgresSession, _ sql: String) throws -> [String?] {
    try session.texts(PostgresQuery(unsafeSQL: sql))
}

@Suite("The draw on PostgreSQL") struct PostgresDrawTests {
    static let clock = Clock.fixed(Date(timeIntervalSince1970: 1_714_000_000))

    /// Every stored column of the draw's tables but the rows' own ids, in one text for both stores.
    static let storedRows = [
        """
        SELECT plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq, derived_from
        FROM draw_commitments ORDER BY prepared_seq, commitment_sha256
        """,
        "SELECT group_key, round, seed, received_at, commitment_sha256 FROM draw_seeds ORDER BY group_key, round, seed",
        "SELECT \(LedgerEntry.columns) FROM draw_ledger ORDER BY seq",
        "SELECT ledger_seq, position, uscc, risk_class, ticket FROM draw_selections ORDER BY ledger_seq, position",
        """
        SELECT a.ledger_seq, a.uscc, d.name, a.inspector_id, a.slot, a.ticket
        FROM inspector_assignments a JOIN departments d ON d.id = a.department_id ORDER BY a.ledger_seq, a.uscc, a.inspector_id
        """,
        "SELECT salt_key, created_at FROM draw_keys",
    ]

    static func stored(_ store: any StageStore) throws -> [[SQLRow]] {
        try store.reading { sql in try storedRows.map { try sql.rows($0) } }
    }

    /// A county's lane, as its own role.
    static func lane(_ address: PostgresAddress, _ region: String, writing: Bool = true) throws
        -> PostgresStageStore
    {
        try PostgresPlanTests.lane(address, region, writing: writing)
    }

    /// County `region`'s lane with the seed plan (in its region), the register at `register` (imported
    /// with COPY) and the inspectors and avoidance pairs of `lists`, copied through the seam.
    static func county(
        _ address: PostgresAddress, _ region: String, plan: AnnualPlan, register: String, lists: Store
    ) throws
        -> PostgresStageStore
    {
        var county = address
        county.user = "suiji_county_\(region)"
        let report = try PostgresRegisterImporter.importFile(
            registerRequest(register), into: county, region: region, clock: clock)
        #expect(report.rowsRejected == 0)
        let lane = try Self.lane(address, region)
        let digest = try FileDigest.of(path: FixtureFiles.yuanpingPlan.path, displayName: "plan.tsv")
        _ = try lane.importPlan(
            AnnualPlan(year: plan.year, region: region, tasks: plan.tasks), fileName: "plan.tsv",
            digest: digest, clock: clock)
        try copyLists(from: lists, to: lane)
        return lane
    }

    /// Copies the inspector registers and the avoidance list SQLite's imports stored (their imports,
    /// departments and rows) into a county's lane, through the seam.
    static func copyLists(from sqlite: Store, to lane: any StageStore) throws {
        let (imports, inspectors, avoidance) = try sqlite.reading { sql in
            (
                try sql.rows(
                    """
                    SELECT i.id, i.kind, d.name, i.scope_key, i.file_name, i.content_sha256, i.byte_count, i.imported_at, i.rows_read,
                        i.rows_imported, i.rows_rejected, i.added, i.changed, i.removed, i.unchanged
                    FROM imports i LEFT JOIN departments d ON d.id = i.department_id WHERE i.kind IN ('inspectors', 'avoidance') ORDER BY i.id
                    """),
                try sql.rows(
                    """
                    SELECT d.name, i.inspector_id, i.name, i.status, i.active, i.areas, i.row_hash, i.valid_from_import, i.valid_to_import
                    FROM inspector_rows i JOIN departments d ON d.id = i.department_id ORDER BY i.id
                    """),
                try sql.rows(
                    "SELECT inspector_id, uscc, reason, row_hash, valid_from_import, valid_to_import FROM avoidance_pairs ORDER BY id"
                )
            )
        }
        try lane.writing { sql in
            var departments: [String: Int64] = [:]
            func department(_ name: String) throws -> Int64 {
                if let id = departments[name] { return id }
                let id =
                    try sql.integer("SELECT id FROM departments WHERE name = ?", [name])
                    ?? sql.integer("INSERT INTO departments (name) VALUES (?) RETURNING id", [name])
                departments[name] = id
                return try #require(id)
            }
            var importIDs: [Int64: Int64] = [:]
            for row in imports {
                let id = try sql.integer(
                    """
                    INSERT INTO imports (kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at, rows_read,
                        rows_imported, rows_rejected, added, changed, removed, unchanged)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """,
                    [
                        try row.requiredText(1), try row.text(2).map(department), try row.requiredText(3),
                        try row.requiredText(4),
                        try row.requiredText(5), try row.integer(6), try row.requiredText(7),
                        try row.integer(8), try row.integer(9),
                        try row.integer(10), try row.integer(11), try row.integer(12), try row.integer(13),
                        try row.integer(14),
                    ])
                importIDs[try row.requiredInteger(0)] = id
            }
            func imported(_ value: Int64?) -> Int64? { value.flatMap { importIDs[$0] } }
            for row in inspectors {
                try sql.execute(
                    """
                    INSERT INTO inspector_rows (department_id, inspector_id, name, status, active, areas, row_hash, valid_from_import,
                        valid_to_import)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [
                        try department(try row.requiredText(0)), try row.requiredText(1),
                        try row.requiredText(2), try row.text(3),
                        try row.integer(4), try row.text(5), try row.integer(6), imported(try row.integer(7)),
                        imported(try row.integer(8)),
                    ])
            }
            for row in avoidance {
                try sql.execute(
                    """
                    INSERT INTO avoidance_pairs (inspector_id, uscc, reason, row_hash, valid_from_import, valid_to_import)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                    [
                        try row.requiredText(0), try row.requiredText(1), try row.text(2), try row.integer(3),
                        imported(try row.integer(4)),
                        imported(try row.integer(5)),
                    ])
            }
        }
    }

    /// The first current USCC of a store's register.
    static func firstUSCC(_ store: Store) throws -> String {
        try #require(
            try store.reading { sql in
                try sql.texts("SELECT min(uscc) FROM register_rows WHERE valid_to_import IS NULL").first
            })
    }

    /// What a draw store shows, in every form the commands print, for comparing two stores.
    static func shown(_ draw: DrawStore, plan: AnnualPlan, planID: Int64) throws -> [String] {
        let overview = try draw.summaries(plan: plan, planID: planID)
        let assignments = try draw.assignments(plan: plan, planID: planID)
        var out = [
            overview.text, try JSONOutput.text(overview, kind: "draw-overview"),
            assignments.map(\.text).joined(separator: "\n"),
            try JSONOutput.text(["assignments": assignments], kind: "draw-assignments"),
            try JSONOutput.text(try draw.quotaAudit(plan: plan), kind: "draw-quotas"),
            try draw.coverage(plan: plan, scopeMapSource: "bundled").json(),
        ]
        let sheets = try DrawTaskSheets.build(
            draw: draw, plan: plan, planID: planID, calendar: try CalendarLoader.load(operatorPath: nil))
        out.append(
            sheets.map {
                "\($0.department): "
                    + $0.rows.map { $0.cells.joined(separator: "|") }.joined(separator: "\n")
            }.joined(separator: "\n"))
        let verification = try draw.store.verifyLedger()
        out.append(verification.description)
        return out
    }

    @Test func theSameInputsGiveTheSameCommitmentsSeedsLedgerAndSelectionsOnBothStores() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        let avoided = try Self.firstUSCC(w.store)
        let text = "执法证号,统一社会信用代码,回避原因\nGA001,\(avoided),亲属\n"
        try DrawWorkspace.importFile(
            w.store, .avoidance, try w.folder.write("avoid.csv", text), department: nil)
        let address = try PostgresTestServer.get().freshDatabase(regions: [countyA])
        let lane = try Self.county(
            address, countyA, plan: w.plan, register: w.folder.path("samr.csv"), lists: w.store)
        defer { lane.close() }
        let postgres = try DrawStore(
            store: lane, clock: Self.clock, randomKey: { DrawWorkspace.saltKey })
        let (plan, planID) = try postgres.plan(year: 2024, region: countyA)
        #expect(plan == w.plan)
        #expect(planID == w.planID)
        #expect(try lane.drawInputs().inspectors == w.store.drawInputs().inspectors)
        #expect(try lane.drawInputs().avoidance.sorted() == w.store.drawInputs().avoidance.sorted())

        // Prepare every group; draw them with one seed; prepare again and draw with partial teams allowed
        // (the groups short of inspectors: derived commitments); re-draw one.
        for step in 0..<2 {
            let onSQLite = try w.draw.prepare(plan: w.plan, planID: w.planID, tasks: nil, round: nil)
            let onPostgres = try postgres.prepare(plan: plan, planID: planID, tasks: nil, round: nil)
            #expect(onPostgres.prepared.map(\.hash) == onSQLite.prepared.map(\.hash), "step \(step)")
            #expect(
                onPostgres.prepared.map(\.summary) == onSQLite.prepared.map(\.summary), "step \(step)")
            #expect(onPostgres.empty == onSQLite.empty, "step \(step)")
            #expect(!onSQLite.prepared.isEmpty)
            let seed = "2024050\(step + 1)"
            let drawnOnSQLite = try w.draw.run(
                plan: w.plan, planID: w.planID, seed: seed, tasks: nil, round: nil, reason: nil, allowPartialTeams: step == 1)
            let drawnOnPostgres = try postgres.run(
                plan: plan, planID: planID, seed: seed, tasks: nil, round: nil, reason: nil, allowPartialTeams: step == 1)
            #expect(
                drawnOnPostgres.done.map(\.summary) == drawnOnSQLite.done.map(\.summary), "step \(step)")
            #expect(
                drawnOnPostgres.done.map(\.bundle) == drawnOnSQLite.done.map(\.bundle), "step \(step)")
            #expect(drawnOnPostgres.failed == drawnOnSQLite.failed, "step \(step)")
            #expect(!drawnOnSQLite.done.isEmpty, "step \(step)")
            #expect(try Self.stored(lane) == Self.stored(w.store), "step \(step)")
        }
        let redraw = { (draw: DrawStore) in
            try draw.run(
                plan: plan, planID: planID, seed: "20240601", tasks: [12], round: 1,
                reason: "the first seed was read wrongly")
        }
        #expect(try redraw(postgres).done.map(\.summary) == redraw(w.draw).done.map(\.summary))
        #expect(try Self.stored(lane) == Self.stored(w.store))
        let verification = try lane.verifyLedger()
        #expect(verification.isValid, "\(verification.problems)")
        #expect(verification == (try w.store.verifyLedger()))
        #expect(
            try Self.shown(postgres, plan: plan, planID: planID)
                == Self.shown(w.draw, plan: w.plan, planID: w.planID))
        let group = try #require(try Self.stored(lane)[2].first?.text(3))
        #expect(
            try postgres.bundle(planID: planID, group: group, round: 1).bundle
                == w.draw.bundle(planID: w.planID, group: group, round: 1).bundle)
        // `draw show`'s counts of a stored commitment, by each database's JSON functions: read, and the same.
        for row in try Self.stored(w.store)[0] {
            let hash = try row.requiredText(3)
            let onSQLite = try #require(try w.store.reading { sql in try DrawStore.storedCounts(sql, hash: hash, postgres: false) })
            let onPostgres = try #require(try lane.reading { sql in try DrawStore.storedCounts(sql, hash: hash, postgres: true) })
            #expect(onPostgres.members == onSQLite.members && onPostgres.watchlisted == onSQLite.watchlisted, "\(hash)")
            #expect(onPostgres.classCounts == onSQLite.classCounts && onPostgres.quotas == onSQLite.quotas, "\(hash)")
            #expect(onPostgres.visits == onSQLite.visits && onSQLite.members > 0, "\(hash)")
        }
    }

    /// The suiji binary run in a folder, at the draw tests' fixed time: exit status, standard output and standard error.
    typealias Runner = ([String]) throws -> (status: Int32, output: String, errors: String)

    /// A workspace whose SQLite store and county A's lane of a fresh database hold the same plan,
    /// register, inspectors and avoidance pairs, with its `suiji.toml` (the fixed salt key), county
    /// A's URL, and a runner of the suiji binary in its folder. `icuLocale`: the database's collation
    /// (``PostgresTestServer/emptyDatabase(icuLocale:)``).
    static func commandWorkspace(icuLocale: String? = nil) throws -> (
        workspace: DrawWorkspace, address: PostgresAddress, county: String, suiji: Runner
    ) {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA], icuLocale: icuLocale)
        let w = try DrawWorkspace()
        let folder = w.folder
        _ = try folder.write(
            "suiji.toml", "region = \"\(countyA)\"\nyear = 2024\n\n[draw]\nsalt_key = \"\(DrawWorkspace.saltKey)\"\n")
        let lane = try Self.county(address, countyA, plan: w.plan, register: folder.path("samr.csv"), lists: w.store)
        lane.close()
        let county = server.address(database: address.database, user: "suiji_county_\(countyA)").description
        let suiji: Runner = { arguments in
            try DebianPackages.run(
                "/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", folder.url.path, try PostgresImportCommandTests.suiji()] + arguments,
                environment: ["LANG": "C.UTF-8", "SUIJI_NOW": "2024-04-25T02:00:00Z"], timeout: 300)
        }
        return (w, address, county, suiji)
    }

    @Test func drawCommandsPrintTheSameBytesOnBothStores() throws {
        // In a database that sorts text as Chinese does (ICU `zh`), not by bytes: no order of the database's reaches an output.
        let (w, address, county, suiji) = try Self.commandWorkspace(icuLocale: "zh")
        defer { w.folder.cleanup() }
        let folder = w.folder
        let commands = [
            ["draw", "prepare"], ["draw", "run", "--seed", "20240501"], ["draw", "show"],
            ["draw", "show", "--json"],
            ["draw", "show", "--assignments"], ["draw", "show", "--assignments", "--json"],
            ["draw", "quotas"], ["draw", "coverage", "--json"],
            ["draw", "verify-ledger"],
            ["draw", "export", "--group", "2024-G12", "--round", "1", "--out", "bundle.json"],
            [
                "draw", "export", "--group", "2024-G12", "--round", "1", "--out", "public.json", "--public",
            ],
            ["draw", "list", "--xlsx", "sheets.xlsx"],
            ["draw", "run", "--seed", "20240502", "--task", "12", "--round", "1"],
            ["draw", "run", "--seed", "20240502", "--task", "12", "--round", "1", "--reason", "misread"],
            ["draw", "verify-ledger"],
        ]
        var outputs: [[String]] = []
        for store in ["suiji.sqlite", county] {
            var output: [String] = []
            for arguments in commands {
                let result = try suiji(arguments + ["--store", store])
                output.append(
                    "\(arguments.joined(separator: " ")) → \(result.status)\n\(result.output)\(result.errors)"
                )
            }
            for file in ["bundle.json", "public.json"] {
                output.append(String(decoding: try fileBytes(folder.path(file)), as: UTF8.self))
            }
            outputs.append(output)
        }
        for (sqlite, postgres) in zip(outputs[0], outputs[1]) { #expect(postgres == sqlite) }
        #expect(outputs[1][0].hasPrefix("draw prepare → 0\n2024-G"), "\(outputs[1][0])")
        #expect(outputs[1][1].hasPrefix("draw run --seed 20240501 → "), "\(outputs[1][1])")
        #expect(outputs[1][8].hasPrefix("draw verify-ledger → 0\nledger OK: "), "\(outputs[1][8])")
        #expect(outputs[1][12].contains("--reason"), "\(outputs[1][12])")
        #expect(
            outputs[1][13].hasPrefix(
                "draw run --seed 20240502 --task 12 --round 1 --reason misread → 0\n2024-G12 round 1: re-drew"
            ), "\(outputs[1][13])")
        // A second writer of the county waits for no one: exit 75 while another holds the county's lock.
        let holder = try Self.lane(address, countyA)
        let busy = try suiji(["draw", "prepare", "--store", county])
        holder.close()
        #expect(busy.status == 75, "\(busy.errors)")
        #expect(busy.errors.contains("(county \(countyA))"), "\(busy.errors)")
    }

    /// Two counties' lanes, each with its plan, register and inspectors, and every group drawn with the same seed.
    static func twoCounties() throws -> (
        address: PostgresAddress, a: PostgresStageStore, b: PostgresStageStore, w: DrawWorkspace
    ) {
        let address = try PostgresTestServer.get().freshDatabase(regions: [countyA, countyB])
        let w = try DrawWorkspace()
        let registerB = w.folder.path("b.csv")
        try RegisterFileWriter.write(
            RegisterGenerator(
                options: RegisterGenerator.Options(
                    seed: 7, rows: 2000, regionCodes: [countyB], badRowRate: 0)), layout: .csv,
            to: registerB)
        let a = try Self.county(
            address, countyA, plan: w.plan, register: w.folder.path("samr.csv"), lists: w.store)
        let b = try Self.county(address, countyB, plan: w.plan, register: registerB, lists: w.store)
        for lane in [a, b] {
            let draw = try DrawStore(store: lane, clock: Self.clock, randomKey: { DrawWorkspace.saltKey })
            let (plan, planID) = try draw.plan(year: 2024, region: lane.lane)
            #expect(
                !(try draw.prepare(plan: plan, planID: planID, tasks: nil, round: nil).prepared.isEmpty))
            let outcome = try draw.run(
                plan: plan, planID: planID, seed: "20240501", tasks: nil, round: nil, reason: nil)
            #expect(!outcome.done.isEmpty)
        }
        return (address, a, b, w)
    }

    @Test func twoCountiesDrawTheSameGroupKeysWithTheSameSeedWithoutColliding() throws {
        let (address, a, b, w) = try Self.twoCounties()
        defer {
            a.close()
            b.close()
            w.folder.cleanup()
        }
        let admin = try session(address)
        defer { admin.close() }
        // The same groups and rounds, the same seed, in both lanes; each ledger its own chain from #1.
        let keys =
            "SELECT string_agg(group_key || ' ' || round || ' ' || seed, ';' ORDER BY group_key, round) FROM draw_seeds WHERE region = "
        let seedsA = try unsafeTexts(admin, keys + "'\(countyA)'")
        #expect(seedsA == (try unsafeTexts(admin, keys + "'\(countyB)'")))
        #expect(seedsA.first??.contains("2024-G12 1 20240501") == true)
        for lane in [a, b] {
            let verification = try lane.verifyLedger()
            #expect(verification.isValid, "\(verification.problems)")
            #expect(try lane.reading { sql in try LedgerEntry.all(sql) }.first?.seq == 1)
        }
        #expect(try a.verifyLedger().head != b.verifyLedger().head)
    }

    @Test func countyACannotReadOrChangeCountyBsDrawRows() throws {
        let (address, a, b, w) = try Self.twoCounties()
        defer {
            a.close()
            b.close()
            w.folder.cleanup()
        }
        let role = try session(address, as: "suiji_county_\(countyA)")
        defer { role.close() }
        let admin = try session(address)
        defer { admin.close() }
        let tables = [
            "draw_keys", "draw_commitments", "draw_seeds", "draw_ledger", "draw_selections",
            "inspector_assignments",
        ]
        var before: [String: [String?]] = [:]
        for table in tables {
            before[table] = try unsafeTexts(
                admin, "SELECT string_agg(t::text, ';' ORDER BY t::text) FROM \(table) t")
            #expect(
                try number(admin, "SELECT count(*) FROM \(table) WHERE region = '\(countyB)'") > 0,
                "\(table)")
            #expect(
                try number(role, "SELECT count(*) FROM \(table) WHERE region = '\(countyB)'") == 0,
                "\(table)")
            #expect(
                try number(role, "SELECT count(*) FROM \(table)")
                    == number(admin, "SELECT count(*) FROM \(table) WHERE region = '\(countyA)'"))
            #expect(
                try unsafeTexts(
                    role, "UPDATE \(table) SET region = region WHERE region = '\(countyB)' RETURNING region")
                    == [], "\(table)")
            #expect(
                try unsafeTexts(role, "DELETE FROM \(table) WHERE region = '\(countyB)' RETURNING region")
                    == [], "\(table)")
        }
        let writes = [
            "INSERT INTO draw_keys (region, id, salt_key, created_at) VALUES ('\(countyB)', 2, 'x', 'x')",
            """
            INSERT INTO draw_commitments (region, plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version,
                prepared_at, prepared_seq)
            SELECT '\(countyB)', plan_id, group_key, round, 'x', '{}', algorithm_version, prepared_at, 99 FROM draw_commitments LIMIT 1
            """,
            "INSERT INTO draw_seeds (region, group_key, round, seed, received_at) VALUES ('\(countyB)', '2024-G99', 1, '1', 'x')",
            "INSERT INTO draw_selections (region, ledger_seq, position, uscc, ticket) VALUES ('\(countyB)', 1, 999, 'x', 'x')",
            "UPDATE draw_commitments SET region = '\(countyB)'",
            "UPDATE draw_seeds SET region = '\(countyB)'",
            "UPDATE draw_selections SET region = '\(countyB)' WHERE position = 1",
            "UPDATE inspector_assignments SET region = '\(countyB)' WHERE slot = 1",
        ]
        for statement in writes {
            let error = #expect(throws: PostgresStoreError.self) { try role.execute(statement) }
            #expect(error?.sqlState == "42501", "\(statement): \(String(describing: error))")
        }
        for table in tables {
            #expect(
                try unsafeTexts(admin, "SELECT string_agg(t::text, ';' ORDER BY t::text) FROM \(table) t")
                    == before[table], "\(table)")
        }
        // Through the seam: A's lane reads only A's draws.
        #expect(
            try Int64(a.verifyLedger().entries)
                == number(admin, "SELECT count(*) FROM draw_ledger WHERE region = '\(countyA)'"))
    }
}
