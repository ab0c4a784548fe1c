// Why this exists: the command line's side of the PostgreSQL slice. `suiji import --store
// postgresql://…` (and `store = "postgresql://…"` in suiji.toml) imports a register into the
// configuration's county lane; a command not yet on PostgreSQL given such a store exits 78 and does nothing.

import DevKit
import Foundation
import Testing

@testable import Stages

@Suite("suiji import on PostgreSQL") struct PostgresImportCommandTests {
    /// The built `suiji`, beside this test bundle.
    static func suiji() throws -> String {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let binary = folder.appendingPathComponent("suiji").path
            if FileManager.default.isExecutableFile(atPath: binary) { return binary }
            folder = folder.deletingLastPathComponent()
        }
        throw PackageError("the suiji binary is not built beside \(CommandLine.arguments[0])")
    }

    /// Runs `suiji` in `folder`.
    static func run(_ arguments: [String], in folder: TemporaryFolder) throws -> (status: Int32, output: String, errors: String) {
        try DebianPackages.run(
            "/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", folder.url.path, try suiji()] + arguments, environment: ["LANG": "C.UTF-8"],
            timeout: 300)
    }

    @Test func importWritesTheConfiguredCountysLaneFromTheOptionOrTheConfiguration() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 40, badRowRate: 0), layout: .csv, to: csv)
        // County A through --store, county B through `store` in its configuration.
        _ = try folder.write("a.toml", "region = \"\(countyA)\"\nyear = 2024\n")
        _ = try folder.write("b.toml", "region = \"\(countyB)\"\nyear = 2024\nstore = \"\(address)\"\n")
        let a = try Self.run(
            ["import", "--config", "a.toml", "--store", address.description, "--department", "原平市市场监督管理局", "register.csv"], in: folder)
        #expect(a.status == 0, "\(a.errors)")
        #expect(a.output.contains("40 rows read"))
        let b = try Self.run(["import", "--config", "b.toml", "--department", "原平市市场监督管理局", "register.csv"], in: folder)
        #expect(b.status == 0, "\(b.errors)")
        let admin = try session(address)
        defer { admin.close() }
        #expect(
            try admin.texts("SELECT region || ' ' || count(*) FROM register_rows GROUP BY region ORDER BY region")
                == ["\(countyB) 40", "\(countyA) 40"])
        // Again: the same file is already the latest import of each lane.
        let again = try Self.run(
            ["import", "--config", "a.toml", "--store", address.description, "--department", "原平市市场监督管理局", "register.csv"], in: folder)
        #expect(again.status == 0)
        #expect(try number(admin, "SELECT count(*) FROM imports") == 2)
    }

    @Test func storeAddCountyMakesTheLaneInWhichTheCountysRoleImports() throws {
        let server = try PostgresTestServer.get()
        let address = try server.freshDatabase()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 40, badRowRate: 0), layout: .csv, to: csv)
        let county = server.address(database: address.database, user: "suiji_county_\(countyA)")
        let importing = ["import", "--store", county.description, "--department", "原平市市场监督管理局", "register.csv"]
        _ = try folder.write("suiji.toml", "region = \"\(countyA)\"\nyear = 2024\n")
        // Before its lane, the county's role is told what to ask for. Roles are the cluster's: the role is made
        // here through another database's lane, so that this test does not depend on which test ran first.
        _ = try PostgresSchema.addCounty(to: try server.freshDatabase(), region: countyA)
        let early = try Self.run(importing, in: folder)
        #expect(early.status == 1)
        #expect(
            early.errors
                == "\(county): error: county \(countyA) has no lane in this database yet. An administrator runs `suiji store add-county --store postgresql://ADMIN@HOST:PORT/DB --region \(countyA)` first\n"
        )
        let added = try Self.run(["store", "add-county", "--store", address.description, "--region", countyA], in: folder)
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output == "\(address): county \(countyA) added: role suiji_county_\(countyA), partition register_rows_\(countyA)\n")
        // Again (the region from the configuration): nothing changes.
        let again = try Self.run(["store", "add-county", "--store", address.description], in: folder)
        #expect(again.status == 0, "\(again.errors)")
        #expect(
            again.output
                == "\(address): county \(countyA) already has its lane (role suiji_county_\(countyA), partition register_rows_\(countyA)); nothing changed\n"
        )
        let imported = try Self.run(importing, in: folder)
        #expect(imported.status == 0, "\(imported.errors)")
        let admin = try session(address)
        defer { admin.close() }
        #expect(try number(admin, "SELECT count(*) FROM register_rows_\(countyA)") == 40)
        // A SQLite store has no lanes: a setup error, nothing made.
        let sqlite = try Self.run(["store", "add-county", "--store", "suiji.sqlite", "--region", countyA], in: folder)
        #expect(sqlite.status == 78)
        #expect(
            sqlite.errors
                == "suiji store add-county: error: suiji.sqlite: county lanes are for a PostgreSQL store (--store postgresql://user@host:port/db); a SQLite store holds one county and needs none. Nothing was done\n"
        )
        #expect(!FileManager.default.fileExists(atPath: folder.path("suiji.sqlite")))
        let badRegion = try Self.run(["store", "add-county", "--store", address.description, "--region", "14098"], in: folder)
        #expect(badRegion.status == 64)
        #expect(badRegion.errors.contains("--region must be a 6-digit region code, got '14098'"))
    }

    @Test func anImportKilledInItsCOPYLeavesTheCountyBeforeAndTheNextOneAfter() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let v1 = folder.path("v1.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 9, rows: 500, badRowRate: 0), layout: .csv, to: v1)
        let v2 = folder.path("v2.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 9, rows: 60_000, badRowRate: 0), layout: .csv, to: v2)
        _ = try folder.write("suiji.toml", "region = \"\(countyA)\"\nyear = 2024\nstore = \"\(address)\"\n")
        let arguments = ["import", "--department", "原平市市场监督管理局"]
        #expect(try Self.run(arguments + ["v1.csv"], in: folder).status == 0)
        // What SQLite holds before and after: the lane must be one or the other, never between.
        let sqlite = try Store.inMemory()
        try importFile(sqlite, v1)
        let before = try currentRegister(sqlite)
        try importFile(sqlite, v2, allowMassRemoval: true)
        let after = try currentRegister(sqlite)
        let admin = try session(address)
        defer { admin.close() }
        #expect(try currentRegister(admin, region: countyA) == before)

        // The import of v2, killed while the server runs its COPY.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.suiji())
        process.arguments = arguments + ["--allow-mass-removal", "v2.csv"]
        process.currentDirectoryURL = folder.url
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let copying = """
            SELECT count(*) FROM pg_stat_activity
            WHERE application_name = 'suiji import pid \(process.processIdentifier)' AND query LIKE 'COPY%' AND state = 'active'
            """
        var seen = false
        while process.isRunning, !seen { seen = try number(admin, copying) == 1 }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(seen, "the import ended before its COPY was seen")
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try currentRegister(admin, region: countyA) == before)
        #expect(try number(admin, "SELECT count(*) FROM imports") == 1)

        // The next import finds the county's lock free once the server has ended the killed
        // one's session (exit 75 until then), and imports the file whole.
        var next = try Self.run(arguments + ["--allow-mass-removal", "v2.csv"], in: folder)
        for _ in 0..<200 where next.status == 75 { next = try Self.run(arguments + ["--allow-mass-removal", "v2.csv"], in: folder) }
        #expect(next.status == 0, "\(next.errors)")
        #expect(try currentRegister(admin, region: countyA) == after)
        #expect(try number(admin, "SELECT count(*) FROM imports") == 2)
    }

    @Test func aStoreThatIsNotAUsableURLExits78AndDoesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        _ = try folder.write("register.csv", "统一社会信用代码,名称\n")
        let store = "postgresql://127.0.0.1/province" // no role
        for (arguments, command) in [
            (["import", "--dry-run", "--department", "X", "register.csv"], "import"),
            (["plan", "show"], "plan show"),
            (["draw", "show"], "draw show"),
            (["publish", "--dry-run"], "publish"),
        ] {
            let result = try Self.run(arguments + ["--store", store], in: folder)
            #expect(result.status == 78, "\(command): \(result.errors)")
            #expect(
                result.errors
                    == "suiji \(command): error: the store names PostgreSQL but is not a URL suiji can use: expected postgresql://user@host:port/database, optionally with ?sslmode=disable|prefer|require|verify-ca|verify-full and &sslrootcert=FILE. Nothing was done\n",
                "\(command)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["register.csv"])
    }
}
