// Why this exists: issue 19's "same answers" for the whole night. `suiji demo --store postgresql://…`
// runs the demo county's three nights in a county's lane of the private cluster, in a database that
// sorts text as Chinese does (ICU `zh`), and every file it writes (archive, rejects, reports, pages,
// payloads) is held byte for byte against the demo on SQLite. Then the nightly run's kill tests on
// PostgreSQL: `suiji run` killed at each of its points, and run again, ends as one uninterrupted run.

import DevKit
import Fixtures
import Foundation
import Logging
import Pipeline
import PostgresNIO
import Testing

@testable import Stages

@Suite("The night on PostgreSQL", .serialized) struct PostgresNightTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Every regular file under `root` by its path there, but the settings (they name the store) and SQLite's files.
    static func files(_ root: String) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for relative in FileManager.default.subpaths(atPath: root) ?? [] {
            var folder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &folder), !folder.boolValue,
                relative != "suiji.toml", !relative.hasPrefix("suiji.sqlite")
            else { continue }
            out[relative] = try fileBytes(root + "/" + relative)
        }
        return out
    }

    @Test func theDemoWritesTheSameBytesOnBothStores() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let sqlite = try DemoWorkspace(path: folder.path("sqlite"), logger: Self.quiet, language: .zh).run()
        let address = try PostgresTestServer.get().emptyDatabase(icuLocale: "zh")
        let postgres = try DemoWorkspace(path: folder.path("postgres"), logger: Self.quiet, language: .zh, store: address.description).run()

        #expect(postgres.status == sqlite.status)
        #expect(
            postgres.summary.replacingOccurrences(of: folder.path("postgres"), with: "W")
                == sqlite.summary.replacingOccurrences(of: folder.path("sqlite"), with: "W"))
        #expect(try postgres.reports.map { try $0.json() } == sqlite.reports.map { try $0.json() })
        let written = try Self.files(folder.path("postgres"))
        let expected = try Self.files(folder.path("sqlite"))
        #expect(written.keys.sorted() == expected.keys.sorted())
        for (name, bytes) in expected { #expect(written[name] == bytes, "\(name) differs") }

        // What was compared is the demo working, not two failures alike: three nights, draws, payloads, pages.
        #expect(postgres.reports.map(\.exitCode) == [65, 0, 65])
        #expect(expected.count == 44)
        for name in [
            "outbox/payload-1409812024P035R01.json", "outbox/payload-1409812024P035R01.xml", "outbox/public/index.html",
            "outbox/public/draw-140981-2024-G35-R1.json", "reports/2024-05-10/run.json", "reports/index.html",
            "rejects/2024-05-10/results/抽查结果-2024-05.csv.rejects.csv", "archive/2024-01-03/seeds/2024-G02-R1.txt",
        ] {
            #expect(expected[name]?.isEmpty == false, "\(name)")
        }
        // The nights ran in the database (the workspace's settings name it) and left no SQLite store.
        #expect(try String(contentsOfFile: folder.path("postgres/suiji.toml"), encoding: .utf8).contains("store = \"\(address)\"\n"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("postgres/suiji.sqlite")))
        let admin = try session(address)
        defer { admin.close() }
        #expect(
            try admin.texts("SELECT string_agg(run_date || ':' || exit_code, ' ' ORDER BY id) FROM runs WHERE region = '140981'") == [
                "2023-12-28:65 2024-01-03:0 2024-05-10:65"
            ])
        #expect(try number(admin, "SELECT count(*) FROM draw_ledger WHERE region = '140981'") == 4)
        #expect(try number(admin, "SELECT count(*) FROM imports WHERE region = '140981' AND run_id IS NULL") == 0)
    }

    @Test func aSecondDemoInTheSameDatabaseIsRefusedAndTouchesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let address = try PostgresTestServer.get().emptyDatabase()
        let first = try DemoWorkspace(path: folder.path("first"), logger: Self.quiet, store: address.description).run()
        #expect(first.reports.count == 3)
        let admin = try session(address)
        defer { admin.close() }
        let runs = "SELECT count(*) FROM runs"
        #expect(try number(admin, runs) == 3)
        try FileManager.default.createDirectory(atPath: folder.path("second"), withIntermediateDirectories: true)
        _ = try folder.write("second/notes.txt", "mine\n")
        #expect {
            try DemoWorkspace(path: folder.path("second"), logger: Self.quiet, store: address.description).run()
        } throws: { error in
            (error as? DemoStoreRefused)?.description
                == "error: \(address) already holds county 140981's rows: the demo starts from nothing and would mix its nights with them, so nothing was touched. Give a new database (createdb) with --store"
        }
        #expect(try number(admin, runs) == 3)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("second")) == ["notes.txt"])
    }

    @Test func theDemosStoreMustBeAPostgreSQLDatabase() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let result = try DebianPackages.run(
            try PostgresImportCommandTests.suiji(), ["demo", "--workspace", folder.path("demo"), "--store", folder.path("other.sqlite")],
            environment: ["LANG": "C.UTF-8"], timeout: 60)
        #expect(result.status == 64)
        #expect(
            result.errors.hasPrefix(
                "Error: --store takes a PostgreSQL database, postgresql://user@host:port/db; without it the demo keeps its own SQLite file in the workspace\n"
            ), "\(result.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func aSecondRunOfTheCountyExits75AndAnotherCountyRunsMeanwhile() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase(regions: [countyA, countyB])
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        try FileManager.default.createDirectory(atPath: folder.path("inbox"), withIntermediateDirectories: true)
        func configuration(_ region: String) throws -> Stages.Configuration {
            try Stages.Configuration.load(
                text: "region = \"\(region)\"\nyear = 2024\nstore = \"\(address)\"\n", displayName: "suiji.toml",
                baseDirectory: folder.url.path)
        }
        let night = try CivilDate(parsing: "2024-05-10")
        let holder = try PostgresStageStore.open(address, region: countyA, command: "run", writing: true)
        defer { holder.close() }
        #expect(throws: RunLockHeld.self) {
            try NightlyRun(configuration: try configuration(countyA), today: night, logger: Self.quiet).run()
        }
        // County B is not held: its night runs (and fails for want of a plan, in its report: not 75).
        let other = try NightlyRun(configuration: try configuration(countyB), today: night, logger: Self.quiet).run()
        #expect(other.exitCode == ExitStatus.failure.rawValue)
        #expect(other.failedStage == .prepare)
        #expect(
            other.failure
                == "error: no plan for 2024 \(countyB) is stored: put the plan file in the inbox's plan/ folder or run `suiji plan import`")
        let admin = try session(address)
        defer { admin.close() }
        #expect(try admin.texts("SELECT string_agg(region || ' ' || run_date, ', ') FROM runs") == ["\(countyB) 2024-05-10"])
    }

    // MARK: Killed and run again

    /// Runs `suiji run` for `date` in `folder`, killed at `point` when given.
    static func night(_ folder: String, _ date: String, killAt point: String? = nil) throws -> (
        status: Int32, output: String, errors: String
    ) {
        try DebianPackages.run(
            try PostgresImportCommandTests.suiji(), ["run", "--config", folder + "/suiji.toml", "--today", date],
            environment: ["LANG": "C.UTF-8", "SUIJI_NOW": "\(date)T22:00:00Z", "SUIJI_KILL_AT": point ?? ""], timeout: 300)
    }

    /// The county's lane as the night left it, without the numbers PostgreSQL's sequences gave its
    /// rows (a killed transaction uses some up): each table's count, then the ledgers, the runs and
    /// the current registers by content.
    static func lane(_ address: PostgresAddress) throws -> [String] {
        let admin = try session(address)
        defer { admin.close() }
        var out: [String] = []
        for table in PostgresSchema.laneTables {
            out.append("\(table): \(try number(admin, "SELECT count(*) FROM \(table) WHERE region = '140981'"))")
        }
        for query in [
            "SELECT string_agg(group_key || ' R' || round || ' ' || entry_sha256, E'\\n' ORDER BY seq) FROM draw_ledger",
            "SELECT string_agg(run_date || ' ' || exit_code || ' ' || md5(report_json), E'\\n' ORDER BY run_date) FROM runs",
            "SELECT md5(string_agg(uscc || name || row_hash, ',' ORDER BY uscc, row_hash)) FROM register_rows WHERE valid_to_import IS NULL",
            "SELECT md5(string_agg(record_key || action || coalesce(payload_json, ''), ',' ORDER BY record_key, action, payload_json)) FROM publication_ledger",
        ] {
            out += try admin.texts(PostgresQuery(unsafeSQL: query)).map { $0 ?? "(none)" }
        }
        return out
    }

    /// Copies every file of the fixtures' folder `source` to the same place under `target`, byte for byte.
    static func copy(fixtures source: String, into target: String) throws {
        let root = FixtureFiles.url(source).path
        for relative in FileManager.default.subpaths(atPath: root) ?? [] {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isFolder), !isFolder.boolValue else {
                continue
            }
            let destination = target + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: root + "/" + relative, toPath: destination)
        }
    }

    /// The demo county after nights 1 and 2 in the database `base` (a template: copied for each run),
    /// and night X's inbox: results, two seeds, a changed inspector register and a new department's
    /// register of 22,000 rows (12 batches of the COPY).
    static func nightX(base: String, server: PostgresTestServer) throws -> (folder: TemporaryFolder, database: String) {
        let folder = try TemporaryFolder()
        let admin = try PostgresSession.connect(server.address(database: "postgres"), applicationName: "suiji tests")
        defer { admin.close() }
        let name = "suiji_night_\(UUID().uuidString.prefix(8).lowercased())"
        try admin.execute("CREATE DATABASE \(name) TEMPLATE \(base)")
        let address = server.address(database: name, user: "suiji_county_140981")
        try FileManager.default.createDirectory(atPath: folder.path("ws"), withIntermediateDirectories: true)
        _ = try folder.write(
            "ws/suiji.toml",
            try String(contentsOf: FixtureFiles.url("demo/suiji.toml"), encoding: .utf8).replacingOccurrences(
                of: "store = \"suiji.sqlite\"", with: "store = \"\(address)\""))
        try Self.copy(fixtures: "demo/night-3/inbox", into: folder.path("ws/inbox"))
        for name in ["ws/inbox/seeds", "ws/inbox/inspectors/原平市交通运输局"] {
            try FileManager.default.createDirectory(atPath: folder.path(name), withIntermediateDirectories: true)
        }
        _ = try folder.write("ws/inbox/seeds/2024-G04-R1.txt", "20240509-4471\n")
        _ = try folder.write("ws/inbox/seeds/2024-G05-R1.txt", "20240509-0932\n")
        let earlier = String(
            decoding: try fileBytes(FixtureFiles.url("demo/night-1/inbox/inspectors/原平市交通运输局/执法人员名录.csv").path), as: UTF8.self)
        _ = try folder.write("ws/inbox/inspectors/原平市交通运输局/执法人员名录-2024-05.csv", earlier + "140981020009,郝玉,在岗,交通运输\r\n")
        try FileManager.default.createDirectory(atPath: folder.path("ws/inbox/registers/原平市文化和旅游局"), withIntermediateDirectories: true)
        try RegisterFileWriter.write(
            RegisterGenerator(seed: 77, rows: 22_000, badRowRate: 0.0001), layout: .csv,
            to: folder.path("ws/inbox/registers/原平市文化和旅游局/文化市场主体-2024-05.csv"))
        return (folder, name)
    }

    @Test func killedAtAnyPointAndRunAgainTheNightEndsAsOneUninterruptedRun() throws {
        let server = try PostgresTestServer.get()
        // The base: the demo county's first two nights, as the county's own role.
        let base = try server.freshDatabase(regions: ["140981"])
        let start = try TemporaryFolder()
        defer { start.cleanup() }
        _ = try start.write(
            "suiji.toml",
            try String(contentsOf: FixtureFiles.url("demo/suiji.toml"), encoding: .utf8).replacingOccurrences(
                of: "store = \"suiji.sqlite\"", with: "store = \"\(server.address(database: base.database, user: "suiji_county_140981"))\"")
        )
        try FileManager.default.createDirectory(atPath: start.path("inbox/plan"), withIntermediateDirectories: true)
        _ = try start.write("inbox/plan/yuanping-2024.tsv", String(decoding: try fileBytes(FixtureFiles.yuanpingPlan.path), as: UTF8.self))
        for (night, date) in [("night-1", "2023-12-28"), ("night-2", "2024-01-03")] {
            try Self.copy(fixtures: "demo/\(night)/inbox", into: start.path("inbox"))
            let ran = try Self.night(start.url.path, date)
            #expect(ran.status == 65 || ran.status == 0, "\(ran.errors)")
        }

        let reference = try Self.nightX(base: base.database, server: server)
        defer { reference.folder.cleanup() }
        let uninterrupted = try Self.night(reference.folder.path("ws"), "2024-05-10")
        #expect(uninterrupted.status == 65)
        #expect(uninterrupted.output.hasPrefix("2024-05-10 夜间运行：接收文件 5 个，导入 21,996 行，拒收 32 行，"), "\(uninterrupted.output)")
        #expect(uninterrupted.output.contains("抽取 2 次，公示 3 项"), "\(uninterrupted.output)")
        let expectedLane = try Self.lane(server.address(database: reference.database))
        let expectedFiles = try Self.files(reference.folder.path("ws"))
        #expect(expectedFiles.keys.contains("reports/2024-05-10/run.json"))
        #expect(expectedLane.contains("draw_ledger: 6"), "\(expectedLane)")

        let points = [
            "locked", "importing#1", "pg-copying#3", "pg-before-commit", "pg-committed", "file-imported#1", "file-journaled#2",
            "file-moved#3", "file-imported#5", "prepared", "drawn#1", "drawn#2", "published", "report-written",
        ]
        for point in points {
            let run = try Self.nightX(base: base.database, server: server)
            defer { run.folder.cleanup() }
            let killed = try Self.night(run.folder.path("ws"), "2024-05-10", killAt: point)
            #expect(killed.status == SIGKILL, "not killed at \(point): exit \(killed.status) \(killed.errors)")
            // The server ends the killed session (and lets its lock go) as soon as it notices the connection closed.
            var again = try Self.night(run.folder.path("ws"), "2024-05-10")
            for _ in 0..<20 where again.status == 75 {
                usleep(250_000)
                again = try Self.night(run.folder.path("ws"), "2024-05-10")
            }
            #expect(again.status == uninterrupted.status, "exit after a kill at \(point)")
            #expect(
                again.output.split(separator: "\n").first == uninterrupted.output.split(separator: "\n").first,
                "summary after a kill at \(point)")
            #expect(try Self.lane(server.address(database: run.database)) == expectedLane, "the lane after a kill at \(point)")
            let files = try Self.files(run.folder.path("ws"))
            #expect(files.keys.sorted() == expectedFiles.keys.sorted(), "files after a kill at \(point)")
            for (name, bytes) in expectedFiles where files[name] != bytes { Issue.record("\(name) differs after a kill at \(point)") }
        }
    }
}
