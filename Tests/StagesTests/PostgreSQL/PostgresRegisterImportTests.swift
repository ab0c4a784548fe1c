// Why this exists: the register import behind its seam must give the same answers on both stores.
// The same files imported into SQLite and into PostgreSQL give the same rows, the same summary and
// the same rejects file; a re-import detects the same changes; a file already imported is a no-op.

import DevKit
import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("PostgreSQL register import") struct PostgresRegisterImportTests {
    /// Both stores' reports, with the time taken (which differs) set aside.
    static func comparable(_ report: SnapshotImportReport) -> SnapshotImportReport {
        var report = report
        report.elapsed = 0
        report.rejectsFile = report.rejectsFile.map { URL(fileURLWithPath: $0).lastPathComponent }
        return report
    }

    @Test func theSameRegisterGivesTheSameRowsSummaryAndRejectsOnBothStores() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let v1 = folder.path("v1.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 7, rows: 1_600, badRowRate: 0.01), layout: .csv, to: v1)
        // v2: the first 10 rows leave, the next 10 change their name, one more has a bad class.
        var records = try readAll(DelimitedFileReader(path: v1))
        for index in 11...20 { records[index].fields[1] += "（变更）" }
        records[21].fields[8] = "中风险"
        var bytes: [UInt8] = []
        for record in [records[0]] + records[11...] { CSVRecord.append(record.fields, to: &bytes, newline: [0x0A], spreadsheetSafe: false) }
        let v2 = try folder.write("v2.csv", bytes)

        let sqlite = try Store(path: folder.path("suiji.sqlite"))
        let postgres = try session(address)
        defer { postgres.close() }
        // A dry run of v2 first: the same report on both stores, nothing written (not even its rejects file).
        var afterV1: [[String]] = []
        for (file, step) in [(v1, "v1"), (v2, "dry run"), (v2, "v2"), (v2, "again")] {
            let sqliteRejects = folder.path("sqlite/\(step).rejects.csv")
            let postgresRejects = folder.path("postgres/\(step).rejects.csv")
            let onSQLite = try importFile(sqlite, file, dryRun: step == "dry run", rejects: sqliteRejects)
            var request = registerRequest(file, rejects: postgresRejects)
            request.dryRun = step == "dry run"
            // A dry run takes no lock: it runs while a writer of the county holds it.
            let holder = request.dryRun ? try PostgresStageStore.open(address, region: countyA, command: "run", writing: true) : nil
            let onPostgres = try PostgresRegisterImporter.importFile(request, into: address, region: countyA, clock: testClock)
            holder?.close()
            #expect(Self.comparable(onPostgres) == Self.comparable(onSQLite), "\(step)")
            #expect(Self.comparable(onPostgres).summary == Self.comparable(onSQLite).summary, "\(step)")
            #expect(try currentRegister(postgres, region: countyA) == currentRegister(sqlite), "\(step)")
            let rejectsOnSQLite = try? Data(contentsOf: URL(fileURLWithPath: sqliteRejects))
            let rejectsOnPostgres = try? Data(contentsOf: URL(fileURLWithPath: postgresRejects))
            #expect(rejectsOnPostgres == rejectsOnSQLite, "\(step)")
            switch step {
            case "v1":
                #expect(onPostgres.outcome == .imported)
                #expect(onPostgres.added == onPostgres.rowsImported)
                #expect(rejectsOnSQLite != nil)
                afterV1 = try currentRegister(postgres, region: countyA)
            case "dry run":
                #expect(onPostgres.outcome == .dryRun)
                #expect((onPostgres.changed, onPostgres.removed) == (8, 9))
                #expect(rejectsOnPostgres == nil)
                #expect(try currentRegister(postgres, region: countyA) == afterV1)
                #expect(try number(postgres, "SELECT count(*) FROM imports") == 1)
            case "v2":
                #expect((onPostgres.changed, onPostgres.removed) == (8, 9)) // of the 10 and 10, the rows the generator spoiled are rejected
            default:
                #expect(onPostgres.outcome == .unchanged)
                #expect(rejectsOnSQLite == nil)
            }
        }
        // The history is the same: every version, closed or current, and the entities.
        for (table, condition) in [
            ("register_rows", "TRUE"), ("register_rows", "valid_to_import IS NULL"), ("entities", "TRUE"), ("imports", "TRUE"),
        ] {
            let inSQLite = try sqlite.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE \(condition)") ?? -1 }
            #expect(try number(postgres, "SELECT count(*) FROM \(table) WHERE \(condition)") == Int64(inSQLite), "\(table) \(condition)")
        }
        let summaries = try sqlite.read { db in try String.fetchAll(db, sql: "SELECT summary_json FROM imports ORDER BY id") }
        #expect(try postgres.texts("SELECT summary_json FROM imports ORDER BY id").compactMap { $0 } == summaries)
    }

    @Test func valuesThatCOPYMustEscapeArriveAsWritten() throws {
        let address = try PostgresTestServer.get().freshDatabase()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let v1 = folder.path("v1.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 3, rows: 30, badRowRate: 0), layout: .csv, to: v1)
        var records = try readAll(DelimitedFileReader(path: v1))
        records[1].fields[6] = #"太原路\1号"#
        records[2].fields[6] = "东街 \\N 号"
        var bytes: [UInt8] = []
        for record in records { CSVRecord.append(record.fields, to: &bytes, newline: [0x0A], spreadsheetSafe: false) }
        let file = try folder.write("escapes.csv", bytes)
        let sqlite = try Store.inMemory()
        try importFile(sqlite, file)
        _ = try PostgresRegisterImporter.importFile(registerRequest(file), into: address, region: countyA, clock: testClock)
        let postgres = try session(address)
        defer { postgres.close() }
        let rows = try currentRegister(postgres, region: countyA)
        #expect(rows == (try currentRegister(sqlite)))
        #expect(rows.contains { $0[6] == #"太原路\1号"# })
        #expect(rows.contains { $0[6] == "东街 \\N 号" })
    }

    @Test func aCOPYLineEscapesBackslashTabNewlineAndReturnAtAnyPlaceAndCopiesTheRestAsIs() throws {
        func escaped(_ value: [UInt8]) -> [UInt8] {
            var room = [UInt8](repeating: 0, count: 2 * value.count + 1)
            let count = room.withUnsafeMutableBytes { out in
                var line = CopyLine(out: out)
                value.withUnsafeBufferPointer { line.putEscaped($0) }
                return line.count
            }
            return Array(room[..<count])
        }
        let text = Array("原平市ab12345".utf8) // 17 bytes: two words and one more
        #expect(escaped(text) == text)
        #expect(CopyLine.mayNeedEscaping(UnsafeRawBufferPointer(start: nil, count: 0)) == false)
        for (special, written) in [(UInt8(ascii: "\\"), "\\\\"), (0x09, "\\t"), (0x0A, "\\n"), (0x0D, "\\r")] {
            for place in 0...text.count {
                var value = text
                value.insert(special, at: place)
                var expected = text
                expected.insert(contentsOf: Array(written.utf8), at: place)
                #expect(escaped(value) == expected, "\(special) at \(place)")
            }
        }
        // Other control bytes are no escape for COPY: copied as they are.
        #expect(escaped([0x41, 0x01, 0x1F, 0x42]) == [0x41, 0x01, 0x1F, 0x42])
    }

    @Test func aCommandNotInTheListAndAMalformedURLAreRefused() throws {
        let store = "postgresql://suiji@127.0.0.1:5432/province"
        let refused = #expect(throws: NotYetOnPostgreSQL.self) { try PostgresAddress.refuse(store, command: "draw", takingLockFile: true) }
        #expect(refused?.exitStatus == .configuration)
        #expect(
            refused?.description
                == "suiji draw: error: postgresql://suiji@127.0.0.1:5432/province: this command is not yet available on PostgreSQL; those that are, with --store postgresql://user@host:port/db: `suiji avoidance import`, `suiji demo`, `suiji draw coverage`, `suiji draw export`, `suiji draw list`, `suiji draw prepare`, `suiji draw quotas`, `suiji draw run`, `suiji draw show`, `suiji draw verify-ledger`, `suiji import`, `suiji inspectors import`, `suiji matters import`, `suiji plan import`, `suiji plan show`, `suiji publish`, `suiji report`, `suiji results import`, `suiji run`, `suiji watchlist import`. Nothing was done. Use a SQLite store (--store FILE) for this command"
        )
        // Resolved against a folder as a file path would be, it is still PostgreSQL.
        #expect(throws: NotYetOnPostgreSQL.self) { try RunLock.acquire(path: RunLock.path(forStore: store), command: "run") }
        #expect(throws: NotYetOnPostgreSQL.self) { try PostgresAddress.refuse("./" + store, command: "import", takingLockFile: true) }
        try PostgresAddress.refuse(store, command: "import")
        try PostgresAddress.refuse(store, command: "plan import")
        try PostgresAddress.refuse(store, command: "plan show")
        for command in ["inspectors import", "avoidance import", "watchlist import", "matters import", "results import"] {
            try PostgresAddress.refuse(store, command: command)
        }
        try PostgresAddress.refuse("suiji.sqlite", command: "draw", takingLockFile: true)
        // A URL without a role is none suiji can use, for any command; its text is not repeated (it may hold a password).
        for command in ["import", "run", "draw"] {
            let malformed = #expect(throws: InvalidPostgresStore.self) {
                try PostgresAddress.refuse("postgresql://:secret@127.0.0.1/province", command: command)
            }
            #expect(
                malformed?.description
                    == "suiji \(command): error: the store names PostgreSQL but is not a URL suiji can use: expected postgresql://user@host:port/database, optionally with ?sslmode=disable|prefer|require|verify-ca|verify-full and &sslrootcert=FILE. Nothing was done"
            )
        }
    }

    @Test func addressesParse() throws {
        let address = try #require(PostgresAddress.of("postgresql://county%5Fa:s3cret@db.local:6543/province"))
        #expect(address == PostgresAddress(user: "county_a", password: "s3cret", host: "db.local", port: 6543, database: "province"))
        #expect(address.description == "postgresql://county_a@db.local:6543/province")
        #expect(PostgresAddress.of("/srv/base/postgresql://u@h/db")?.database == "db")
        #expect(
            PostgresAddress.of("/srv/base/postgresql:/u@h:6000/db") == PostgresAddress(user: "u", host: "h", port: 6000, database: "db"))
        #expect(PostgresAddress.of("postgres://u@h/db")?.port == 5432)
        #expect(PostgresAddress.of("suiji.sqlite") == nil)
        #expect(PostgresAddress.of("postgresql://h/db") == nil)
        #expect(PostgresAddress.of("postgresql://u@h") == nil)
    }
}
