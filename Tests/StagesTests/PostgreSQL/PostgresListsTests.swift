// Why this exists: the lists' imports (inspectors, avoidance, watchlist, matters) run behind the
// stages' seam (StageSQL.swift). These tests hold them to issue 19's promises on a real server: the
// same files give the same outcomes, the same stored rows, the same terminal output and the same
// rejects files on both stores, first import, the same file again, a changed file and a dry run; a
// county's role can neither read nor change another county's rows of these tables.

import DevKit
import Foundation
import Pipeline
import PostgresNIO
import Testing

@testable import Stages

@Suite("The lists on PostgreSQL") struct PostgresListsTests {
    static let clock = Clock.fixed(Date(timeIntervalSince1970: 1_717_200_000))
    static let department = "原平市市场监督管理局"

    /// A valid USCC of the county, numbered.
    static func code(_ n: Int) -> String {
        let body = "91140981MA0KD" + String(format: "%04d", n)
        let check = USCC.checkCharacter(for: Array(body.utf8)).map(String.init) ?? "?"
        return body + check
    }

    /// Each step's files: the first import (with rejected rows), a changed file, a dry run's file.
    static let inspectors = [
        """
        执法证号,姓名,状态,执法领域
        14098101001,王明,在岗,食品
        14098101002,李华,,
        14098101003,赵强,调离,
        14098101004,钱程,在岗,特种设备
        14098101005,孙丽,在岗,
        14098101006,周杰,在岗,广告
        14098101001,重复,在岗,
        ,无证号,在岗,

        """,
        // 1002 changed, 1006 removed, 1007 added, a bad row.
        """
        执法证号,姓名,状态,执法领域
        14098101001,王明,在岗,食品
        14098101002,李华,在岗,食品；药品
        14098101003,赵强,调离,
        14098101004,钱程,在岗,特种设备
        14098101005,孙丽,在岗,
        14098101007,吴敏,在岗,
        14098101008,,在岗,

        """,
        "执法证号,姓名\n14098101001,王明\n",
    ]

    static let avoidance = [
        "执法证号,统一社会信用代码,回避原因\n14098101001,\(code(1)),近亲属\n14098101002,91140981MA0KDLX98X,原工作单位\n14098101003,\(code(3)),\n14098101004,\(code(4)),案件\n14098101005,\(code(5)),\n",
        "执法证号,统一社会信用代码,回避原因\n14098101001,\(code(1)),近亲属（配偶）\n14098101003,\(code(3)),\n14098101004,\(code(4)),案件\n14098101005,\(code(5)),\n14098101006,\(code(6)),曾任职\n",
        "执法证号,统一社会信用代码,回避原因\n14098101001,\(code(1)),近亲属\n",
    ]

    static let watchlist = [
        "统一社会信用代码,名称,列入原因\n\(code(1)),原平市甲燃气有限公司,通过登记的住所无法联系\n,无代码企业,未按时公示年报\n\(code(2)),原平市乙燃气有限公司,\n\(code(1)),重复企业,重复\n",
        "统一社会信用代码,名称,列入原因\n\(code(1)),原平市甲燃气有限公司（更名）,通过登记的住所无法联系\n\(code(3)),原平市丙燃气有限公司,未按时公示年报\n",
        "统一社会信用代码,名称\n\(code(9)),原平市丁燃气有限公司\n",
    ]

    static let matters = [
        "序号,抽查事项\n1,1. 燃气经营许可情况检查；\n2,\n3,燃气经营许可情况检查\n4,燃气设施安全检查\n",
        "序号,抽查事项\n1,燃气设施安全检查\n2,燃气经营许可情况检查\n3,瓶装液化石油气充装检查\n",
        "序号,抽查事项\n1,燃气设施安全检查\n",
    ]

    /// Every stored column of the lists' tables but the rows' own ids, in one text for both stores:
    /// imports numbered by their order, so that ids drawn from other sequences compare equal.
    static let storedRows = [
        """
        SELECT kind, (SELECT name FROM departments d WHERE d.id = i.department_id), scope_key, file_name, content_sha256, byte_count,
            imported_at, rows_read, rows_imported, rows_rejected, added, changed, removed, unchanged, summary_json
        FROM imports i ORDER BY id
        """,
        """
        SELECT (SELECT name FROM departments d WHERE d.id = r.department_id), inspector_id, name, status, active, areas, row_hash,
            (SELECT count(*) FROM imports i WHERE i.id <= r.valid_from_import),
            CASE WHEN r.valid_to_import IS NULL THEN NULL ELSE (SELECT count(*) FROM imports i WHERE i.id <= r.valid_to_import) END
        FROM inspector_rows r ORDER BY r.id
        """,
        """
        SELECT inspector_id, uscc, reason, row_hash, (SELECT count(*) FROM imports i WHERE i.id <= r.valid_from_import),
            CASE WHEN r.valid_to_import IS NULL THEN NULL ELSE (SELECT count(*) FROM imports i WHERE i.id <= r.valid_to_import) END
        FROM avoidance_pairs r ORDER BY r.id
        """,
        """
        SELECT kind, scope, file_name, content_sha256, imported_at, rows_read, rows_imported, rows_rejected FROM list_imports ORDER BY id
        """,
        """
        SELECT reason, uscc, name, detail, (SELECT count(*) FROM list_imports i WHERE i.id <= r.valid_from_import),
            CASE WHEN r.valid_to_import IS NULL THEN NULL ELSE (SELECT count(*) FROM list_imports i WHERE i.id <= r.valid_to_import) END
        FROM watchlist_entries r ORDER BY r.id
        """,
        """
        SELECT department, matter, position, (SELECT count(*) FROM list_imports i WHERE i.id <= r.valid_from_import),
            CASE WHEN r.valid_to_import IS NULL THEN NULL ELSE (SELECT count(*) FROM list_imports i WHERE i.id <= r.valid_to_import) END
        FROM matter_list_items r ORDER BY r.id
        """,
    ]

    static func stored(_ store: any StageStore) throws -> [[SQLRow]] {
        try store.reading { sql in try storedRows.map { try sql.rows($0) } }
    }

    /// A county's lane, as its own role.
    static func lane(_ address: PostgresAddress, _ region: String, writing: Bool = true) throws -> PostgresStageStore {
        try PostgresPlanTests.lane(address, region, writing: writing)
    }

    /// Imports every step of every list into `store` (files in `folder`), returning each step's report as text.
    static func importEverything(into store: any StageStore, folder: TemporaryFolder) throws -> [String] {
        var out: [String] = []
        func snapshot(_ kind: SnapshotKind, _ texts: [String], department: String?) throws {
            for (step, text) in [texts[0], texts[0], texts[1], texts[2]].enumerated() {
                let name = "\(kind.rawValue)-\(step).csv"
                let path = try folder.write(name, text)
                var report = try store.importSnapshot(
                    SnapshotImportRequest(
                        kind: kind, path: path, displayName: name, department: department, dryRun: step == 3,
                        rejectsPath: folder.path(name + ".rejects.csv")),
                    clock: clock)
                report.elapsed = 0
                out.append(
                    (report.summary + "\n" + report.diagnostics.map(\.description).joined(separator: "\n") + "\n\(report.status)")
                        .replacingOccurrences(of: folder.url.path, with: "FOLDER"))
            }
        }
        func list(_ kind: ListKind, _ texts: [String], scope: String) throws {
            for (step, text) in [texts[0], texts[0], texts[1], texts[2]].enumerated() {
                let name = "\(kind.rawValue)-\(step).csv"
                let path = try folder.write(name, text)
                let report = try ListImporter(store: store, clock: clock).run(
                    ListImportRequest(
                        kind: kind, path: path, displayName: name, scope: scope, dryRun: step == 3,
                        rejectsPath: folder.path(name + ".rejects.csv")))
                out.append(
                    (report.summary + "\n" + report.diagnostics.map(\.description).joined(separator: "\n") + "\n\(report.status)")
                        .replacingOccurrences(of: folder.url.path, with: "FOLDER"))
            }
        }
        try snapshot(.inspectors, inspectors, department: department)
        try snapshot(.avoidance, avoidance, department: nil)
        try list(.watchlist, watchlist, scope: "经营异常名录")
        try list(.matters, matters, scope: "原平市住房和城乡建设管理局")
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
        let postgres = try Self.lane(address, countyA)
        defer { postgres.close() }
        let onSQLite = try Self.importEverything(into: sqlite, folder: sqliteFolder)
        let onPostgres = try Self.importEverything(into: postgres, folder: postgresFolder)
        #expect(onSQLite == onPostgres)
        #expect(try Self.stored(sqlite) == Self.stored(postgres))
        // What the steps said, so that "the same" is not the same nothing.
        #expect(onPostgres.count == 16 + 5)
        #expect(
            onPostgres[0]
                == """
                imported the inspectors of 原平市市场监督管理局 from inspectors-0.csv: 8 rows read, 6 imported, 2 rejected; inspectors: 6 added, 0 changed, 0 removed, 0 unchanged; 0.00 s, 8 rows/s
                rejected rows written to FOLDER/inspectors-0.csv.rejects.csv
                inspectors-0.csv:8:1: error: inspector_id 14098101001 repeats the row on line 2; the first is kept [inspector_id=14098101001]
                inspectors-0.csv:9:1: error: inspector_id is empty
                dataRejected
                """)
        #expect(onPostgres[1].hasPrefix("inspectors-1.csv: the same file (sha256 "))
        #expect(
            onPostgres[2].hasPrefix(
                "imported the inspectors of 原平市市场监督管理局 from inspectors-2.csv: 7 rows read, 6 imported, 1 rejected; inspectors: 1 added, 1 changed, 1 removed, 4 unchanged"
            ))
        #expect(
            onPostgres[3].hasPrefix(
                "refused inspectors-3.csv as the inspectors of 原平市市场监督管理局; the store is unchanged. It would give: 1 row read, 1 imported, 0 rejected; inspectors: 0 added, 1 changed, 5 removed, 0 unchanged"
            ))
        #expect(onPostgres[9] == "watchlist-1.csv is already the latest watchlist '经营异常名录'; nothing to do\n\nsuccess")
        #expect(
            onPostgres[11].hasPrefix(
                "dry run, nothing written: watchlist-3.csv as the watchlist '经营异常名录': 1 row read, 1 imported, 0 rejected; 1 added, 0 changed, 2 removed, 0 unchanged"
            ))
        // imports, inspector_rows, avoidance_pairs, list_imports, watchlist_entries, matter_list_items.
        #expect(try Self.stored(postgres).map(\.count) == [4, 8, 6, 4, 4, 5])
    }

    @Test func theListCommandsPrintTheSameBytesOnBothStores() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA])
        let county = server.address(database: address.database, user: "suiji_county_\(countyA)").description
        var outputs: [[String]] = []
        for store in ["suiji.sqlite", county] {
            let folder = try TemporaryFolder()
            defer { folder.cleanup() }
            _ = try folder.write("suiji.toml", "region = \"\(countyA)\"\nyear = 2024\n")
            // These commands import into a store that is there (on SQLite, made by `import`, `plan import`, `run` or `demo`).
            if store == "suiji.sqlite" { _ = try Store(path: folder.path(store)) }
            var output: [String] = []
            func run(_ arguments: [String], _ files: [String], _ names: [String]) throws {
                for (step, text) in [files[0], files[0], files[1], files[2]].enumerated() {
                    let name = names[step]
                    _ = try folder.write(name, text)
                    var command = arguments + [name, "--store", store, "--rejects", name + ".rejects.csv"]
                    if step == 3 { command.append("--dry-run") }
                    let result = try PostgresImportCommandTests.run(command, in: folder)
                    // The one part that may differ: how long it took.
                    let timed = try Regex(#"; [0-9.]+ s, [0-9,]+ rows/s"#)
                    output.append(
                        "\(result.status)\n" + result.output.replacing(timed, with: "; … s, … rows/s") + "\n" + result.errors)
                }
            }
            try run(["inspectors", "import", "--department", Self.department], Self.inspectors, ["i1.csv", "i1.csv", "i2.csv", "i3.csv"])
            try run(["avoidance", "import"], Self.avoidance, ["a1.csv", "a1.csv", "a2.csv", "a3.csv"])
            try run(["watchlist", "import", "--reason", "经营异常名录"], Self.watchlist, ["w1.csv", "w1.csv", "w2.csv", "w3.csv"])
            try run(["matters", "import", "--department", "原平市住房和城乡建设管理局"], Self.matters, ["m1.csv", "m1.csv", "m2.csv", "m3.csv"])
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter({ $0.hasSuffix(".rejects.csv") })
                .sorted()
            {
                output.append(name + "\n" + String(decoding: try fileBytes(folder.path(name)), as: UTF8.self))
            }
            outputs.append(output)
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[1].count == 16 + 5)
        #expect(outputs[1][0].hasPrefix("65\nimported the inspectors of 原平市市场监督管理局 from i1.csv: 8 rows read, 6 imported, 2 rejected"))
        #expect(outputs[1][1].hasPrefix("0\ni1.csv: the same file (sha256 "))
        #expect(outputs[1][3].hasPrefix("65\nrefused i3.csv as the inspectors of 原平市市场监督管理局; the store is unchanged."))
        #expect(outputs[1][11].hasPrefix("2\ndry run, nothing written: w3.csv as the watchlist '经营异常名录': 1 row read"))
        // A second writer of the county waits for no one: exit 75 while another holds the county's lock.
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        _ = try folder.write("suiji.toml", "region = \"\(countyA)\"\nyear = 2024\n")
        _ = try folder.write("w.csv", Self.watchlist[1])
        let holder = try Self.lane(address, countyA)
        let busy = try PostgresImportCommandTests.run(
            ["watchlist", "import", "--reason", "经营异常名录", "w.csv", "--store", county], in: folder)
        holder.close()
        #expect(busy.status == 75, "\(busy.errors)")
        #expect(busy.errors.contains("(county \(countyA))"), "\(busy.errors)")
    }

    /// The lists' tables, and a statement that writes a row of county B's into each as A's role.
    static let foreignWrites = [
        (
            "inspector_rows",
            "INSERT INTO inspector_rows (region, department_id, inspector_id, name, active, row_hash, valid_from_import) SELECT '\(countyB)', department_id, 'x', 'x', 1, 0, valid_from_import FROM inspector_rows LIMIT 1"
        ),
        (
            "avoidance_pairs",
            "INSERT INTO avoidance_pairs (region, inspector_id, uscc, row_hash, valid_from_import) SELECT '\(countyB)', 'x', 'x', 0, valid_from_import FROM avoidance_pairs LIMIT 1"
        ),
        (
            "list_imports",
            "INSERT INTO list_imports (region, kind, scope, file_name, content_sha256, imported_at, rows_read, rows_imported, rows_rejected) VALUES ('\(countyB)', 'watchlist', 'x', 'x', 'x', 'x', 0, 0, 0)"
        ),
        (
            "watchlist_entries",
            "INSERT INTO watchlist_entries (region, reason, uscc, valid_from_import) SELECT '\(countyB)', 'x', 'x', valid_from_import FROM watchlist_entries LIMIT 1"
        ),
        (
            "matter_list_items",
            "INSERT INTO matter_list_items (region, department, matter, position, valid_from_import) SELECT '\(countyB)', 'x', 'x', 1, valid_from_import FROM matter_list_items LIMIT 1"
        ),
        ("uscc_overrides", "INSERT INTO uscc_overrides (region, uscc, reason, created_at) VALUES ('\(countyB)', 'x', 'x', 'x')"),
    ]

    @Test func countyACannotReadOrChangeCountyBsLists() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA, countyB])
        let folderA = try TemporaryFolder()
        let folderB = try TemporaryFolder()
        defer {
            folderA.cleanup()
            folderB.cleanup()
        }
        let a = try Self.lane(address, countyA)
        _ = try Self.importEverything(into: a, folder: folderA)
        a.close()
        // County B's lists, through an administrator's URL (SET ROLE to B's role).
        let b = try PostgresStageStore.open(address, region: countyB, command: "tests", writing: true)
        _ = try Self.importEverything(into: b, folder: folderB)
        b.close()
        let admin = try session(address)
        defer { admin.close() }
        try admin.execute(
            "INSERT INTO uscc_overrides (region, uscc, reason, created_at) VALUES ('\(countyA)', 'a', 'a', 'a'), ('\(countyB)', 'b', 'b', 'b')"
        )
        let role = try session(address, as: "suiji_county_\(countyA)")
        defer { role.close() }
        let tables = Self.foreignWrites.map(\.0)
        func everything() throws -> [String?] {
            try tables.flatMap { table in
                try admin.texts(PostgresQuery(unsafeSQL: "SELECT string_agg(t::text, ';' ORDER BY t::text) FROM \(table) t"))
            }
        }
        let before = try everything()
        for table in tables {
            #expect(try number(admin, "SELECT count(*) FROM \(table) WHERE region = '\(countyB)'") > 0, "\(table)")
            #expect(
                try number(role, "SELECT count(*) FROM \(table)")
                    == number(admin, "SELECT count(*) FROM \(table) WHERE region = '\(countyA)'"),
                "\(table)")
            #expect(try number(role, "SELECT count(*) FROM \(table) WHERE region = '\(countyB)'") == 0, "\(table)")
            #expect(
                try role.texts(PostgresQuery(unsafeSQL: "UPDATE \(table) SET region = region WHERE region = '\(countyB)' RETURNING region"))
                    == [], "\(table)")
            #expect(
                try role.texts(PostgresQuery(unsafeSQL: "DELETE FROM \(table) WHERE region = '\(countyB)' RETURNING region")) == [],
                "\(table)")
        }
        for (table, statement) in Self.foreignWrites + tables.map({ ($0, "UPDATE \($0) SET region = '\(countyB)'") }) {
            let error = #expect(throws: PostgresStoreError.self) { try role.execute(statement) }
            #expect(error?.sqlState == "42501", "\(statement)")
            #expect(
                error?.message.hasPrefix("new row violates row-level security policy for table \"\(table)\"") == true,
                "\(statement): \(String(describing: error?.message))")
        }
        #expect(try everything() == before)
    }
}
