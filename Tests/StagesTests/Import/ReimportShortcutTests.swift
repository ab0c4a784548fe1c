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
        let first = folder.path("v1.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 31, rows: 1_500, badRowRate: 0.01), layout: .csv, to: first)
        let newRows = folder.path("new.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 32, rows: 60, badRowRate: 0), layout: .csv, to: newRows)
        let second = try folder.write(
            "v2.csv",
            Self.nextVersion(
                of: try String(contentsOfFile: first, encoding: .utf8), newRows: try String(contentsOfFile: newRows, encoding: .utf8)))

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
        func counts(_ report: SnapshotImportReport) -> [Int] {
            [
                report.rowsRead, report.rowsImported, report.rowsRejected, report.added, report.changed, report.removed, report.unchanged,
                report.retained, report.previousCount,
            ]
        }
        #expect(counts(shortcut) == counts(full))
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
        func counts(_ report: SnapshotImportReport) -> [Int] {
            [
                report.rowsRead, report.rowsImported, report.rowsRejected, report.added, report.changed, report.removed, report.unchanged,
                report.retained, report.previousCount,
            ]
        }
        #expect(shortcut.diagnostics == full.diagnostics)
        #expect(shortcut.sha256 == full.sha256)
        #expect(try Self.dump(shortcutStore) == Self.dump(fullStore))
        #expect(counts(shortcut) == counts(full))
        #expect(counts(shortcut) == counts(csv))
        #expect(try Self.current(shortcutStore) == Self.current(csvStore))
        // Read, imported, rejected, added, changed, removed, unchanged, retained, before.
        #expect(counts(shortcut) == [460, 325, 135, 125, 4, 20, 196, 60, 280])
    }
}
