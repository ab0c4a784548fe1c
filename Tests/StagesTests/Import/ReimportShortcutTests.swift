import DevKit
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// The re-import's shortcut (rows equal to their current version recognised by their content hash
/// before the screen) leaves exactly the store and report the full path leaves.
@Suite("Register re-import, unchanged rows")
struct ReimportShortcutTests {
    /// Every row of every table the register import writes, as text, in id order.
    static func dump(_ store: Store) throws -> [String] {
        try store.read { db in
            var lines: [String] = []
            for table in ["departments", "imports", "register_rows", "entities"] {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1") {
                    lines.append(table + " " + row.columnNames.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: " "))
                }
            }
            return lines
        }
    }

    /// A report's counts: read, imported, rejected, added, changed, removed, unchanged, retained, before.
    static func counts(_ report: SnapshotImportReport) -> [Int] {
        [
            report.rowsRead, report.rowsImported, report.rowsRejected, report.added, report.changed, report.removed, report.unchanged,
            report.retained, report.previousCount,
        ]
    }

    /// A first register (`v1.csv`) and the text of its next version with new rows (``nextVersion(of:newRows:)``).
    static func versions(in folder: TemporaryFolder, first: RegisterGenerator, new: RegisterGenerator) throws -> (
        first: String, next: String
    ) {
        let path = try folder.register("v1.csv", first)
        let newRows = try folder.register("new.csv", new)
        let next = Self.nextVersion(
            of: try String(contentsOfFile: path, encoding: .utf8), newRows: try String(contentsOfFile: newRows, encoding: .utf8))
        return (path, next)
    }

    /// The current register with each row's content hash.
    static func current(_ store: Store) throws -> [String] {
        try store.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT uscc || '|' || name || '|' || entity_type || '|' || category || '|' || IFNULL(registration_authority, '∅') || '|'
                        || region_code || '|' || IFNULL(address, '∅') || '|' || IFNULL(legal_rep, '∅') || '|' || IFNULL(risk_class, '∅') || '|'
                        || status || '|' || IFNULL(last_inspected, '∅') || '|' || IFNULL(established, '∅') || '|' || IFNULL(phone, '∅') || '|'
                        || row_hash
                    FROM register_rows WHERE valid_to_import IS NULL ORDER BY uscc
                    """)
        }
    }

    /// The next version of a generated register: some rows changed, some only written another way
    /// (dates with slashes, the class in words, a padded name), some gone, a date made unreadable,
    /// new rows, a repeat on the next line and one at the end.
    static func nextVersion(of text: String, newRows: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let words = ["A": "低风险", "B": "一般风险", "C": "较高风险", "D": "高风险"]
        var kept: [String] = []
        for (number, line) in lines.enumerated() {
            guard number > 0, !line.contains("\""), !line.isEmpty else {
                kept.append(line)
                continue
            }
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 13 else {
                kept.append(line)
                continue
            }
            if number % 13 == 0 { continue }
            if number % 7 == 0 { fields[12] = "0350-1234567" }
            if number % 11 == 0 {
                for index in [10, 11] { fields[index] = fields[index].replacingOccurrences(of: "-", with: "/") }
                fields[8] = words[fields[8]] ?? fields[8]
            }
            if number % 17 == 0 { fields[1] = " " + fields[1] + " " }
            if number % 19 == 0 { fields[10] = "2008/04/31" }
            if number % 23 == 0 { fields[8] = "未分类" }
            kept.append(fields.joined(separator: ","))
        }
        lines = kept
        if lines.last == "" { lines.removeLast() }
        let repeated = lines.count > 5 ? [lines[5]] : []
        // A repeat on the next line as well: a re-import hashes rows two at a time, and the two may share a key.
        if lines.count > 6 { lines.insert(lines[5], at: 6) }
        let fresh = newRows.split(separator: "\n").dropFirst().map(String.init)
        return (lines + fresh + repeated).joined(separator: "\n") + "\n"
    }

    @Test(arguments: [1, 256 * 1024])
    func theShortcutLeavesTheStoreAndReportOfTheFullPath(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let (first, next) = try Self.versions(
            in: folder, first: RegisterGenerator(seed: 31, rows: 1_500, badRowRate: 0.01),
            new: RegisterGenerator(seed: 32, rows: 60, badRowRate: 0))
        let second = try folder.write("v2.csv", next)

        var reports: [SnapshotImportReport] = []
        var dumps: [[String]] = []
        for shortcut in [true, false] {
            let store = try Store.inMemory()
            try importFile(store, first)
            var request = SnapshotImportRequest(
                kind: .register, path: second, displayName: "v2.csv", department: "原平市市场监督管理局", chunkSize: chunkSize)
            request.skipsUnchangedRows = shortcut
            var report = try SnapshotImporter(store: store, clock: testClock).run(request)
            report.elapsed = 0
            reports.append(report)
            dumps.append(try Self.dump(store))
            if shortcut {
                // A fresh store given the second file holds the same current register.
                let fresh = try Store.inMemory()
                try importFile(fresh, second)
                #expect(try Self.current(store) == Self.current(fresh))
            }
        }
        let (shortcut, full) = (reports[0], reports[1])
        #expect(shortcut.diagnostics == full.diagnostics)
        #expect(Self.counts(shortcut) == Self.counts(full))
        #expect(shortcut.sha256 == full.sha256)
        #expect(dumps[0] == dumps[1])
        // The file exercises every kind of decision.
        #expect(shortcut.unchanged == 958)
        #expect(shortcut.changed == 229)
        #expect(shortcut.removed == 88)
        #expect(shortcut.added == 60)
        #expect(shortcut.diagnostics.contains { $0.message.contains("repeats the row on line") })
        #expect(shortcut.diagnostics.contains { $0.severity == .warning })
    }

    /// XML registers are read from the bytes the reading thread leaves (no String per value): an
    /// XML re-import, with bad rows, gives the store and report of the full path, fed one byte at a
    /// time and whole, and the current register and counts of the same re-import from CSV.
    @Test(arguments: [1, 256 * 1024])
    func anXMLReimportLeavesTheStoreAndReportOfTheFullPathAndOfCSV(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let v1 = RegisterGenerator(seed: 41, rows: 400, badRowRate: 0.02), v2 = RegisterGenerator(seed: 41, rows: 460, badRowRate: 0.02)
        for (generator, name) in [(v1, "v1"), (v2, "v2")] {
            try RegisterFileWriter.write(generator, layout: .xml, to: folder.path(name + ".xml"))
            try RegisterFileWriter.write(generator, layout: .csv, to: folder.path(name + ".csv"))
        }
        func reimport(_ suffix: String, shortcut: Bool, chunkSize: Int) throws -> (SnapshotImportReport, Store) {
            let store = try Store.inMemory()
            try importFile(store, folder.path("v1" + suffix))
            var request = SnapshotImportRequest(
                kind: .register, path: folder.path("v2" + suffix), displayName: "v2" + suffix, department: "原平市市场监督管理局",
                chunkSize: chunkSize)
            request.skipsUnchangedRows = shortcut
            var report = try SnapshotImporter(store: store, clock: testClock).run(request)
            report.elapsed = 0
            return (report, store)
        }
        let (shortcut, shortcutStore) = try reimport(".xml", shortcut: true, chunkSize: chunkSize)
        let (full, fullStore) = try reimport(".xml", shortcut: false, chunkSize: chunkSize)
        let (csv, csvStore) = try reimport(".csv", shortcut: true, chunkSize: 256 * 1024)
        #expect(shortcut.diagnostics == full.diagnostics)
        #expect(shortcut.sha256 == full.sha256)
        #expect(try Self.dump(shortcutStore) == Self.dump(fullStore))
        #expect(Self.counts(shortcut) == Self.counts(full))
        #expect(Self.counts(shortcut) == Self.counts(csv))
        #expect(try Self.current(shortcutStore) == Self.current(csvStore))
        // Read, imported, rejected, added, changed, removed, unchanged, retained, before.
        #expect(Self.counts(shortcut) == [460, 325, 135, 125, 4, 20, 196, 60, 280])
    }

    /// The store's current rows reach the key table while the file is read (`CurrentRowsFeed`):
    /// however their arrival interleaves with the reading, the import decides the same. The file
    /// has bad rows, new rows, repeats, and on line 2 a current entity's row made bad whose good
    /// row comes in its place and again at the end. It comes in the stored order (the reading
    /// follows the load) and in the reverse (every key is needed before it is loaded). The rows
    /// arrive as the store loads them, one at a time with pauses, or all only after a pause. Each
    /// way leaves the same store, report and diagnostics, and those of a dry run, which loads the
    /// whole table before it reads.
    @Test(arguments: [1, 256 * 1024])
    func theDecisionsDoNotDependOnWhenTheCurrentRowsArrive(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let (first, next) = try Self.versions(
            in: folder, first: RegisterGenerator(seed: 51, rows: 600, badRowRate: 0.004),
            new: RegisterGenerator(seed: 52, rows: 60, badRowRate: 0.02))
        var lines = next.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        // A row from the middle of the file whose key no other row has, made bad (an unknown risk class).
        let keys: [String] = lines.map { String($0.prefix { $0 != "," }) }
        func usable(_ index: Int) -> Bool {
            let fields = lines[index].split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 13, !lines[index].contains("\"") else { return false }
            return keys.filter { $0 == keys[index] }.count == 1
        }
        let middle = try #require((lines.count / 2..<lines.count).first(where: usable))
        let goodRow = lines[middle]
        var badFields = goodRow.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        badFields[8] = "E"
        let uscc = badFields[0]
        // Read, imported, rejected, added, changed, removed, unchanged, retained, before, by order
        // (reversed, the two lines of a name with a line break come apart: fewer, other rows).
        let expected = [
            [619, 571, 48, 45, 103, 43, 423, 1, 570], [615, 566, 49, 40, 105, 43, 421, 1, 570],
        ]
        for (order, body) in [lines, lines.reversed()].enumerated() {
            let second = try folder.write(
                "v2-\(order).csv", ([header, badFields.joined(separator: ",")] + body + [goodRow]).joined(separator: "\n") + "\n")
            var runs: [(report: SnapshotImportReport, dump: [String])] = []
            for pace in [PacedRegisterImport.Pace.asLoaded, .oneAtATime, .allAfterAPause] {
                let store = try Store.inMemory()
                try importFile(store, first)
                let request = SnapshotImportRequest(
                    kind: .register, path: second, displayName: "v2.csv", department: "原平市市场监督管理局", chunkSize: chunkSize)
                let report = try importRegister(request, into: store) {
                    PacedRegisterImport(SQLiteRegisterImport($0, runID: nil), pace: pace)
                }
                runs.append((report, try Self.dump(store)))
            }
            let store = try Store.inMemory()
            try importFile(store, first)
            let dryRun = try SnapshotImporter(store: store, clock: testClock).run(
                SnapshotImportRequest(
                    kind: .register, path: second, displayName: "v2.csv", department: "原平市市场监督管理局", dryRun: true,
                    chunkSize: chunkSize))
            for run in runs.dropFirst() {
                #expect(run.dump == runs[0].dump, "order \(order)")
                #expect(run.report.diagnostics == runs[0].report.diagnostics, "order \(order)")
                #expect(Self.counts(run.report) == Self.counts(runs[0].report), "order \(order)")
            }
            #expect(Self.counts(runs[0].report) == Self.counts(dryRun), "order \(order)")
            #expect(runs[0].report.diagnostics == dryRun.diagnostics, "order \(order)")
            // The one row retained is the entity whose row on line 2 was rejected.
            #expect(Self.counts(runs[0].report) == expected[order], "order \(order)")
            // That row's key counts as sent: its good row in its place, and again at the end, repeat it.
            // Physical lines, as the reader numbers them (a name's line break may be CR LF, one Character).
            let written = try String(contentsOfFile: second, encoding: .utf8).utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
            let lastLine = written.count - 1
            let placeLine = try #require(written.firstIndex { $0.elementsEqual(goodRow.utf8) }) + 1
            let repeatText =
                "USCC \(uscc) repeats the row on line 2, which was itself rejected; correct that row and send the file again [uscc=\(uscc)]"
            let mentions = runs[0].report.diagnostics.map(\.description).filter { $0.contains(uscc) }
            #expect(
                mentions == [
                    "v2.csv:2:9: error: risk_class 'E' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty [uscc=\(uscc)]",
                    "v2.csv:\(placeLine):1: error: " + repeatText, "v2.csv:\(lastLine):1: error: " + repeatText,
                ], "order \(order)")
        }
    }
}

extension ReimportShortcutTests {
    /// A first import hashes new rows on the store's thread, four side by side, from the values it
    /// writes (`RegisterWriteBatch.hashPending`): every stored row's hash is the content hash of
    /// its stored values, as the full validator's path computes it (`RegisterAdapter.hash(of:)`).
    @Test(arguments: [1, 256 * 1024])
    func eachStoredRowsHashIsTheContentHashOfItsValues(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.register("v1.csv", RegisterGenerator(seed: 71, rows: 701, badRowRate: 0.003))
        let store = try Store.inMemory()
        let report = try SnapshotImporter(store: store, clock: testClock).run(
            SnapshotImportRequest(kind: .register, path: path, displayName: "v1.csv", department: "原平市市场监督管理局", chunkSize: chunkSize))
        #expect(report.added == 671)
        let rows = try store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT uscc, name, entity_type, category, registration_authority, region_code, address, legal_rep, risk_class,
                        status, last_inspected, established, phone, row_hash FROM register_rows ORDER BY id
                    """)
        }
        #expect(rows.count == 671)
        let adapter = RegisterAdapter(departmentID: 1, importID: 1)
        var differing = 0
        for row in rows {
            let record = EntityRecord(
                uscc: row["uscc"], name: row["name"], entityType: row["entity_type"], category: row["category"],
                registrationAuthority: row["registration_authority"], regionCode: row["region_code"], address: row["address"],
                legalRep: row["legal_rep"], riskClass: (row["risk_class"] as String?).flatMap(RiskClass.init(rawValue:)),
                status: row["status"],
                lastInspected: row["last_inspected"], established: row["established"], phone: row["phone"])
            if adapter.hash(of: record) != row["row_hash"] { differing += 1 }
        }
        #expect(differing == 0)
    }

    /// A load of the current rows that fails while the file is read fails the import: the error
    /// is the load's, the reading thread ends, and the store is as it was.
    @Test func aLoadThatFailsFailsTheImportAndWritesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let first = try folder.register("v1.csv", RegisterGenerator(seed: 61, rows: 300, badRowRate: 0))
        let second = try folder.register("v2.csv", RegisterGenerator(seed: 62, rows: 300, badRowRate: 0.01))
        let store = try Store.inMemory()
        try importFile(store, first)
        let before = try Self.dump(store)
        let request = SnapshotImportRequest(
            kind: .register, path: second, displayName: "v2.csv", department: "原平市市场监督管理局", rejectsPath: folder.path("rejects.csv"))
        #expect(throws: PacedRegisterImport.LoadFailed()) {
            try importRegister(request, into: store) { PacedRegisterImport(SQLiteRegisterImport($0, runID: nil), pace: .failing) }
        }
        #expect(try Self.dump(store) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.path("rejects.csv")))
    }
}

/// The SQLite seam with the store's current rows handed to the import at a pace the test sets.
final class PacedRegisterImport: RegisterImportTransaction {
    /// How the current rows reach the import.
    enum Pace {
        /// As the store loads them.
        case asLoaded
        /// One row at a time, a pause after each.
        case oneAtATime
        /// All of them, after a pause long enough for the reading to wait for them.
        case allAfterAPause
        /// Ten rows, then the load fails (``LoadFailed``).
        case failing
    }

    /// The error of a load that fails.
    struct LoadFailed: Error, Equatable {}

    private let inner: SQLiteRegisterImport
    private let pace: Pace

    init(_ inner: SQLiteRegisterImport, pace: Pace) {
        self.inner = inner
        self.pace = pace
    }

    var sql: any StageSQL { inner.sql }
    var runID: Int64? { inner.runID }
    func withImportSettings(_ body: () throws -> Void) throws { try inner.withImportSettings(body) }
    func currentRowsExpected(departmentID: Int64) throws -> Int { try inner.currentRowsExpected(departmentID: departmentID) }
    func prepareWrites(departmentID: Int64, importID: Int64) throws {
        try inner.prepareWrites(departmentID: departmentID, importID: importID)
    }
    func write(_ batch: RegisterWriteBatch) throws { try inner.write(batch) }
    func finishWrites(unsent: [Int64], newKeys: [USCCKey]) throws { try inner.finishWrites(unsent: unsent, newKeys: newKeys) }
    func abandonWrites(_ error: any Error) { inner.abandonWrites(error) }

    func loadCurrentRows(departmentID: Int64, into feed: CurrentRowsFeed) throws {
        guard pace != .asLoaded else { return try inner.loadCurrentRows(departmentID: departmentID, into: feed) }
        let loaded = CurrentRowsFeed()
        try inner.loadCurrentRows(departmentID: departmentID, into: loaded)
        loaded.finish()
        let batches = try loaded.receive(waiting: true).batches
        if pace == .failing {
            var some = KeyTableBatch()
            for index in 0..<min(10, batches.first?.keys.count ?? 0) {
                some.add(batches[0].keys[index], rowID: batches[0].rowIDs[index], hash: batches[0].hashes[index], to: feed)
            }
            some.flush(to: feed)
            usleep(50_000)
            throw LoadFailed()
        }
        if pace == .allAfterAPause {
            usleep(300_000)
            for batch in batches { feed.send(batch) }
            return
        }
        for batch in batches {
            for index in batch.keys.indices {
                var one = KeyTableBatch()
                one.add(batch.keys[index], rowID: batch.rowIDs[index], hash: batch.hashes[index], to: feed)
                one.flush(to: feed)
                usleep(200)
            }
        }
    }
}
