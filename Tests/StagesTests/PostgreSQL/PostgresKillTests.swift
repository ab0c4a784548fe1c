// Why this exists: issue 19's "kill -9 at any point leaves the county's data before or after" for
// the register import into PostgreSQL. The testing build's fault injection (SUIJI_KILL_AT, as the
// nightly run's kill tests use) kills `suiji import --store postgresql://…` at each of its points:
// with the county's lock held, in the middle of the COPY, with every row written but before COMMIT,
// and just after COMMIT. The county's rows are then exactly SQLite's before or after, never between,
// and the next import (once the server has ended the killed session) ends as one uninterrupted import.

import DevKit
import Foundation
import Testing

@testable import Stages

@Suite("suiji import into PostgreSQL killed") struct PostgresKillTests {
    /// Runs `suiji` in `folder` with `SUIJI_KILL_AT` set.
    static func run(_ arguments: [String], killAt: String?, in folder: TemporaryFolder) throws -> (
        status: Int32, output: String, errors: String
    ) {
        try DebianPackages.run(
            "/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", folder.url.path, try PostgresImportCommandTests.suiji()] + arguments,
            environment: ["LANG": "C.UTF-8", "SUIJI_KILL_AT": killAt ?? ""], timeout: 300)
    }

    /// The point, and whether the county holds the second file after the kill.
    static let points: [(point: String, after: Bool)] = [
        ("pg-locked", false), ("pg-copying#1", false), ("pg-copying#12", false), ("pg-before-commit", false), ("pg-committed", true),
    ]

    @Test(arguments: points.map(\.point))
    func killedAtAPointTheCountyIsBeforeOrAfterAndTheNextImportEndsAfter(_ point: String) throws {
        let after = Self.points.first { $0.point == point }?.after ?? false
        let address = try PostgresTestServer.get().freshDatabase(regions: [countyA, countyB])
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let v1 = folder.path("v1.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 9, rows: 500, badRowRate: 0), layout: .csv, to: v1)
        let v2 = folder.path("v2.csv")
        // 30,000 rows: 15 batches of the COPY (2,048 rows each).
        try RegisterFileWriter.write(RegisterGenerator(seed: 9, rows: 30_000, badRowRate: 0), layout: .csv, to: v2)
        _ = try folder.write("a.toml", "region = \"\(countyA)\"\nyear = 2024\nstore = \"\(address)\"\n")
        _ = try folder.write("b.toml", "region = \"\(countyB)\"\nyear = 2024\nstore = \"\(address)\"\n")
        let importing = ["import", "--department", "原平市市场监督管理局", "--allow-mass-removal"]
        #expect(try Self.run(importing + ["--config", "a.toml", "v1.csv"], killAt: nil, in: folder).status == 0)
        // County B's lane holds the same file: a kill in A's lane leaves it as it was.
        #expect(try Self.run(importing + ["--config", "b.toml", "v1.csv"], killAt: nil, in: folder).status == 0)

        // What SQLite holds before and after: the current rows, field by field, and the number of versions.
        let sqlite = try Store.inMemory()
        try importFile(sqlite, v1)
        let before = try currentRegister(sqlite)
        let versionsBefore = Int64(try sqlite.rowCount("register_rows"))
        try importFile(sqlite, v2, allowMassRemoval: true)
        let afterRows = try currentRegister(sqlite)
        let versionsAfter = Int64(try sqlite.rowCount("register_rows"))
        #expect(before.count == 500)
        #expect(afterRows.count == 30_000)
        let admin = try session(address)
        defer { admin.close() }
        let versions = "SELECT count(*) FROM register_rows WHERE region = '\(countyA)'"
        let imports = "SELECT count(*) FROM imports WHERE region = '\(countyA)'"
        #expect(try currentRegister(admin, region: countyA) == before)
        #expect(try number(admin, versions) == versionsBefore)

        let killed = try Self.run(importing + ["--config", "a.toml", "v2.csv"], killAt: point, in: folder)
        #expect(killed.status == SIGKILL, "\(point): \(killed.errors)")
        #expect(try currentRegister(admin, region: countyA) == (after ? afterRows : before), "\(point)")
        #expect(try number(admin, versions) == (after ? versionsAfter : versionsBefore), "\(point)")
        #expect(try number(admin, imports) == (after ? 2 : 1), "\(point)")
        #expect(try currentRegister(admin, region: countyB) == before)

        // The next import: exit 75 until the server has ended the killed session, then the file
        // whole (or, when it was committed, nothing to do), as one uninterrupted import leaves it.
        var next = try Self.run(importing + ["--config", "a.toml", "v2.csv"], killAt: nil, in: folder)
        for _ in 0..<200 where next.status == 75 {
            usleep(50_000)
            next = try Self.run(importing + ["--config", "a.toml", "v2.csv"], killAt: nil, in: folder)
        }
        #expect(next.status == 0, "\(point): \(next.errors)")
        let said =
            after
            ? "v2.csv: the same file (sha256 "
            : "from v2.csv: 30,000 rows read, 30,000 imported, 0 rejected; entities: 29,500 added, 0 changed, 0 removed, 500 unchanged;"
        #expect(next.output.contains(said), "\(point): \(next.output)")
        #expect(!after || next.output.hasSuffix("is already the latest register of 原平市市场监督管理局; nothing to do\n"), "\(next.output)")
        #expect(try currentRegister(admin, region: countyA) == afterRows, "\(point)")
        #expect(try number(admin, versions) == versionsAfter, "\(point)")
        #expect(try number(admin, imports) == 2, "\(point)")
        #expect(try currentRegister(admin, region: countyB) == before)
    }
}
