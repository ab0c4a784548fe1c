import DevKit
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// The current register of a department as sorted text rows: what "the same store content" means.
func currentRegister(_ store: Store, department: String = "原平市市场监督管理局") throws -> [[String]] {
    try store.read { db in
        try Row.fetchAll(
            db,
            sql: """
                SELECT r.* FROM register_rows r JOIN departments d ON d.id = r.department_id
                WHERE d.name = ? AND r.valid_to_import IS NULL ORDER BY r.uscc
                """, arguments: [department]
        ).map { row in
            RegisterField.allCases.map { (row[$0.rawValue] as String?) ?? "∅" }
        }
    }
}

/// A quiet clock for stable timestamps.
let testClock = Clock.fixed(Date(timeIntervalSince1970: 1_732_406_400))

/// Imports a file into the store.
@discardableResult
func importFile(
    _ store: Store, _ path: String, kind: SnapshotKind = .register, department: String? = "原平市市场监督管理局",
    dryRun: Bool = false, rejects: String? = nil, allowMassRemoval: Bool = false, chunkSize: Int = 256 * 1024,
    displayName: String? = nil
) throws -> SnapshotImportReport {
    try SnapshotImporter(store: store, clock: testClock).run(
        SnapshotImportRequest(
            kind: kind, path: path, displayName: displayName ?? URL(fileURLWithPath: path).lastPathComponent, department: department,
            dryRun: dryRun, rejectsPath: rejects, allowMassRemoval: allowMassRemoval, chunkSize: chunkSize))
}

/// Imports a register in one bulk write through the register import's seam, on the transaction
/// `make` builds on the store's connection (the SQLite side, paced or syncing as a test needs);
/// `inspect` sees it after the import. The report.
@discardableResult
func importRegister<Transaction: RegisterImportTransaction>(
    _ request: SnapshotImportRequest, into store: Store, through make: (Database) -> Transaction,
    inspect: (Transaction) -> Void = { _ in }
) throws -> SnapshotImportReport {
    let size = try #require(try FileManager.default.attributesOfItem(atPath: request.path)[.size] as? Int)
    var report = SnapshotImportReport(kind: request.kind, file: request.displayName, department: request.department, outcome: .imported)
    try store.writeBulk { db in
        let transaction = make(db)
        try SnapshotImporter.importRegister(
            request, byteCount: size, into: transaction, write: true, clock: testClock, progress: nil, report: &report)
        inspect(transaction)
    }
    return report
}

@Suite("Register import") struct SnapshotImportTests {
    static let generator = RegisterGenerator(seed: 7, rows: 1_600, badRowRate: 0.01)

    @Test func generatedRegisterRejectsExactlyTheBadRowsWithTheirLines() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv")
        let sidecar = try RegisterFileWriter.write(Self.generator, layout: .csv, to: csv)
        #expect(sidecar.count == 16 * RegisterDefect.allCases.count)
        let store = try Store.inMemory()
        let rejectsPath = folder.path("rejects/register.rejects.csv")
        let report = try importFile(store, csv, rejects: rejectsPath)

        // Every bad row is rejected but those with an unreadable date, an optional field: they are
        // imported with the date unset and a warning at the cell.
        let rejected = sidecar.filter(\.defect.rejectsRow)
        let warned = sidecar.filter { !$0.defect.rejectsRow }
        #expect(warned.count == 16)
        #expect(report.status == .dataRejected)
        #expect(report.rowsRead == 1_600)
        #expect(report.rowsRejected == rejected.count)
        #expect(report.rowsImported == 1_600 - rejected.count)
        #expect(report.added == report.rowsImported)
        let errors = report.diagnostics.filter { $0.severity == .error }
        #expect(errors.map { $0.location?.line ?? 0 } == rejected.map(\.line))
        let warnings = report.diagnostics.filter { $0.severity == .warning }
        #expect(warnings.map { $0.location?.line ?? 0 } == warned.map(\.line))
        for (warning, entry) in zip(warnings, warned) {
            let column = entry.column.flatMap { name in RegisterField.allCases.firstIndex { $0.rawValue == name } }.map { $0 + 1 }
            #expect(warning.location?.column == column)
            #expect(warning.message.hasSuffix("is not a date (\(DateText.acceptedForms)); it is left unset"))
        }
        // Each diagnostic points at the column of the defect.
        for (error, entry) in zip(errors, rejected) {
            let column = entry.column.flatMap { name in RegisterField.allCases.firstIndex { $0.rawValue == name } }.map { $0 + 1 }
            #expect(error.location?.column == column, "\(entry.defect) on line \(entry.line)")
            if entry.defect == .duplicateUSCC, let first = entry.firstLine {
                #expect(error.message.hasSuffix("repeats the row on line \(first); the first is kept"))
            }
        }
        // Every good row is stored with its values exactly as written (dates and classes normalised).
        let stored = Dictionary(uniqueKeysWithValues: try currentRegister(store).map { ($0[0], $0) })
        var good = 0
        for row in Self.generator.rows() where row.defect == nil || row.defect == .badDate {
            good += 1
            let expected = row.fields.enumerated().map { index, value -> String in
                let field = RegisterField.allCases[index]
                if value.isEmpty { return "∅" }
                switch field {
                case .lastInspected, .established: return RegisterRowValidator.normalizedDate(value) ?? "∅"
                case .riskClass: return value == "未分类" ? "∅" : RegisterRowValidator.riskClassNames[value]?.rawValue ?? "?"
                default: return value
                }
            }
            #expect(stored[row[.uscc]] == expected)
        }
        #expect(stored.count == good)
        // The rejects file: the original header, then each bad row with its line and reason.
        let rejects = try Data(contentsOf: URL(fileURLWithPath: rejectsPath))
        let lines = try readAll(DelimitedFileReader(path: rejectsPath))
        #expect(lines.first?.fields == RegisterGenerator.header + ["line", "reason"])
        #expect(lines.count == rejected.count + 1)
        #expect(lines.dropFirst().map { Int($0.fields[13]) ?? 0 } == rejected.map(\.line))
        #expect(Array(rejects.prefix(12)) == Array("\u{FEFF}uscc,name".utf8))
    }

    @Test func diagnosticsHaveTheDocumentedShape() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.write(
            "dept.csv",
            """
            统一社会信用代码,企业名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类
            91140981MA0KDLX98K,原平市甲公司,企业,燃气经营企业,140981,存续,E
            91140981MA0KDLX98X,原平市乙公司,企业,燃气经营企业,140981,存续,A
            91140981MA0KDLX98K,"原平市丙公司, 分店",企业,燃气经营企业,140981,在业,低风险
            合计,3,,,,,

            """)
        let store = try Store.inMemory()
        let report = try importFile(store, path)
        #expect(
            report.diagnostics.map(\.description) == [
                "dept.csv:2:7: error: risk_class 'E' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty [uscc=91140981MA0KDLX98K]",
                "dept.csv:3:1: error: USCC check character is 'X', expected 'K' [uscc=91140981MA0KDLX98X]",
                "dept.csv:4:1: error: USCC 91140981MA0KDLX98K repeats the row on line 2, which was itself rejected; correct that row and send the file again [uscc=91140981MA0KDLX98K]",
                "dept.csv:5: note: skipped a total row ('合计')",
            ])
        #expect(report.rowsRead == 3)
        #expect(report.rowsRejected == 3)
    }

    @Test func theSameRegisterInEveryEncodingGivesTheSameStore() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var contents: [[[String]]] = []
        for layout in [RegisterFileLayout.csv, .csvBOMCRLF, .csvGB18030] {
            let path = folder.path("register-\(layout.rawValue).csv")
            try RegisterFileWriter.write(Self.generator, layout: layout, to: path)
            let store = try Store.inMemory()
            let report = try importFile(store, path)
            #expect(report.rowsRejected == 16 * RegisterDefect.rowRejecting.count, "\(layout)")
            contents.append(try currentRegister(store))
        }
        #expect(contents[0].count == 1_600 - 16 * RegisterDefect.rowRejecting.count)
        #expect(contents[1] == contents[0])
        #expect(contents[2] == contents[0])
    }

    @Test func oneByteAtATimeGivesTheSameResultAsWhole() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let small = RegisterGenerator(seed: 11, rows: 120, badRowRate: 0.01)
        for layout in [RegisterFileLayout.csvBOMCRLF, .csvGB18030] {
            let path = folder.path("small-\(layout.rawValue).csv")
            try RegisterFileWriter.write(small, layout: layout, to: path)
            let whole = try Store.inMemory(), bytewise = try Store.inMemory()
            let a = try importFile(whole, path)
            let b = try importFile(bytewise, path, chunkSize: 1)
            #expect(a.diagnostics == b.diagnostics)
            #expect(try currentRegister(whole) == currentRegister(bytewise))
            #expect(a.rowsRejected == RegisterDefect.rowRejecting.count)
        }
    }

    @Test func reimportIsANoOpAndChangesKeepHistory() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let header = "uscc,name,entity_type,category,region_code,status,risk_class\n"
        let a = "91140981MA0KDLX98K,原平市甲公司,企业,燃气经营企业,140981,存续,A\n"
        let b = "91140981MA0KDLXA0U,原平市乙公司,企业,燃气经营企业,140981,存续,B\n"
        let c = "91140981MA0KDLXB9Q,原平市丙公司,企业,燃气经营企业,140981,存续,\n"
        let d = "91140981MA0KDLXC7K,原平市丁公司,企业,燃气经营企业,140981,存续,C\n"
        let e = "91140981MA0KDLXD5E,原平市戊公司,企业,燃气经营企业,140981,存续,D\n"
        let first = try folder.write("v1.csv", header + a + b + c + d + e)
        let store = try Store.inMemory()
        let one = try importFile(store, first)
        #expect(one.diagnostics == [])
        #expect((one.outcome, one.added) == (.imported, 5))
        let again = try importFile(store, first)
        #expect(again.outcome == .unchanged)
        #expect(again.summary.hasSuffix("is already the latest register of 原平市市场监督管理局; nothing to do"))
        #expect(try store.rowCount("imports") == 1)

        // b changes class, e leaves: one new version, two closed, nothing deleted.
        let changed = b.replacingOccurrences(of: ",B\n", with: ",D\n")
        let second = try folder.write("v2.csv", header + a + changed + c + d)
        let two = try importFile(store, second)
        #expect((two.added, two.changed, two.removed, two.unchanged) == (0, 1, 1, 3))
        #expect(try store.rowCount("register_rows") == 6)
        #expect(try store.rowCount("entities") == 5)
        let history = try store.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT uscc, risk_class, valid_from_import, valid_to_import FROM register_rows WHERE uscc IN ('91140981MA0KDLXA0U', '91140981MA0KDLXD5E') ORDER BY id"
            )
            .map {
                "\($0["uscc"] as String) \(($0["risk_class"] as String?) ?? "-") \($0["valid_from_import"] as Int64)→\(($0["valid_to_import"] as Int64?).map(String.init) ?? "now")"
            }
        }
        #expect(
            history == [
                "91140981MA0KDLXA0U B 1→2", "91140981MA0KDLXD5E D 1→2", "91140981MA0KDLXA0U D 2→now",
            ])
    }

    /// The store's thread inserts 32 rows a statement and entities 128 a statement: rows still get
    /// their ids in file order, changes close the right versions, and the tails of each batch land.
    @Test func batchedInsertsKeepFileOrderAndHistory() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let header = "uscc,name,entity_type,category,region_code,status,risk_class\n"
        func row(_ n: Int, _ risk: String) -> String { "\(Self.code(n)),原平市公司\(n),企业,燃气经营企业,140981,存续,\(risk)\n" }
        // 5,003 rows: more than two write batches of 2,048, and not a multiple of 32 or 128.
        let first = (0..<5_003).map { row($0, "A") }
        let store = try Store.inMemory()
        let one = try importFile(store, try folder.write("v1.csv", header + first.joined()))
        #expect((one.added, one.rowsRejected) == (5_003, 0))
        // Every third row changes, every 50th leaves (2%), 77 arrive, and the order is shuffled by a fixed rule.
        var second: [String] = []
        var expectedNew: [String] = []
        for n in stride(from: 5_002, through: 0, by: -1) where n % 50 != 7 {
            if n % 3 == 0 {
                second.append(row(n, "B"))
                expectedNew.append(Self.code(n))
            } else {
                second.append(row(n, "A"))
            }
            if n % 65 == 0, n / 65 < 77 {
                second.append(row(6_000 + n / 65, "C"))
                expectedNew.append(Self.code(6_000 + n / 65))
            }
        }
        let two = try importFile(store, try folder.write("v2.csv", header + second.joined()))
        let removed = (0..<5_003).filter { $0 % 50 == 7 }
        let changed = (0..<5_003).filter { $0 % 3 == 0 && $0 % 50 != 7 }
        #expect((two.added, two.changed, two.removed) == (77, changed.count, removed.count))
        let rows = try store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, uscc, risk_class, valid_from_import, valid_to_import FROM register_rows ORDER BY id")
        }
        // The first import: ids 1…5,003 in file order.
        #expect(rows.prefix(5_003).map { $0["uscc"] as String } == (0..<5_003).map(Self.code))
        #expect(rows.prefix(5_003).map { $0["id"] as Int64 } == Array(1...5_003))
        // The second: new versions and new entities after them, in the order of the file.
        #expect(rows.dropFirst(5_003).map { $0["uscc"] as String } == expectedNew)
        #expect(rows.dropFirst(5_003).allSatisfy { ($0["valid_from_import"] as Int64) == 2 && ($0["valid_to_import"] as Int64?) == nil })
        // Closed: exactly the changed and the removed first versions.
        let closed = rows.prefix(5_003).filter { ($0["valid_to_import"] as Int64?) == 2 }.map { $0["uscc"] as String }
        #expect(closed == (changed + removed).sorted().map(Self.code))
        #expect(try store.rowCount("entities") == 5_003 + 77)
        let firstSeen = try store.read { db in
            try Int.fetchAll(db, sql: "SELECT first_seen_import FROM entities ORDER BY uscc")
        }
        #expect(firstSeen.filter { $0 == 2 }.count == 77)
    }

    @Test func newKeysAreSortedInTheOrderOfTheirText() throws {
        var generator = SplitMix64(seed: 20_241_124)
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
        var texts: [String] = []
        for _ in 0..<20_000 {
            let bytes = (0..<18).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            texts.append(String(decoding: bytes, as: UTF8.self))
        }
        texts += ["000000000000000000", "YYYYYYYYYYYYYYYYYY", texts[7]] // the extremes, and a repeat
        var keys = texts.compactMap { USCCKey($0) }
        #expect(keys.count == texts.count)
        // Keys that do not pack set the top bit of `high`: they sort after every code.
        keys += [USCCKey(fallback: "not a code"), USCCKey(fallback: "另一个")]
        var expected = keys
        expected.sort { ($0.high, $0.low) < ($1.high, $1.low) }
        USCCKey.sort(&keys)
        #expect(keys == expected)
        #expect(
            keys.prefix(texts.count).map { key in
                var bytes = [UInt8](repeating: 0, count: 18)
                bytes.withUnsafeMutableBufferPointer { key.write(to: $0) }
                return String(decoding: bytes, as: UTF8.self)
            } == texts.sorted())
        var empty: [USCCKey] = []
        USCCKey.sort(&empty)
        #expect(empty.isEmpty)
    }

    @Test func aRejectedRowKeepsTheCurrentVersionInsteadOfRemovingIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let header = "uscc,name,entity_type,category,region_code,status,risk_class\n"
        let rows = (0..<5).map { "\(Self.code($0)),原平市公司\($0),企业,燃气经营企业,140981,存续,A\n" }
        let store = try Store.inMemory()
        try importFile(store, try folder.write("v1.csv", header + rows.joined()))
        let broken = rows[0].replacingOccurrences(of: ",A\n", with: ",Z\n")
        let report = try importFile(store, try folder.write("v2.csv", header + broken + rows.dropFirst().joined()))
        #expect((report.rowsRejected, report.removed, report.retained, report.unchanged) == (1, 0, 1, 4))
        #expect(try currentRegister(store).count == 5)
    }

    @Test func aDryRunLeavesTheDatabaseFileByteIdentical() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let storePath = folder.path("suiji.sqlite")
        let v1 = folder.path("v1.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 3, rows: 300, badRowRate: 0), layout: .csv, to: v1)
        // v2: the first 10 rows leave, the next 10 change their name, the next has a bad class.
        var records = try readAll(DelimitedFileReader(path: v1))
        for index in 11...20 { records[index].fields[1] += "（变更）" }
        records[21].fields[8] = "中风险"
        var bytes: [UInt8] = []
        for record in [records[0]] + records[11...] { CSVRecord.append(record.fields, to: &bytes, newline: [0x0A], spreadsheetSafe: false) }
        let v2 = try folder.write("v2.csv", bytes)
        do {
            let store = try Store(path: storePath)
            try importFile(store, v1)
            try store.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: storePath))
        let wal = try? Data(contentsOf: URL(fileURLWithPath: storePath + "-wal"))
        let readOnly = try Store(path: storePath, access: .readOnly)
        let report = try importFile(readOnly, v2, dryRun: true)
        try readOnly.close()
        #expect(report.outcome == .dryRun)
        #expect((report.rowsRead, report.added, report.changed, report.removed, report.unchanged) == (290, 0, 10, 10, 279))
        #expect((report.rowsRejected, report.retained) == (1, 1))
        #expect(try Data(contentsOf: URL(fileURLWithPath: storePath)) == before)
        // No frame was written to the WAL either: it is absent or empty, as it was.
        #expect(wal == nil || wal?.isEmpty == true)
        #expect((try? Data(contentsOf: URL(fileURLWithPath: storePath + "-wal")))?.isEmpty ?? true)
        #expect(
            report.summary.hasPrefix("dry run, nothing written: importing v2.csv as the register of 原平市市场监督管理局 would give: 290 rows read"))
    }

    @Test func aTruncatedExportIsRefusedUnlessAllowed() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let full = folder.path("full.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 200, badRowRate: 0), layout: .csv, to: full)
        let store = try Store.inMemory()
        try importFile(store, full)
        let before = try currentRegister(store)
        // Cut at a line boundary after 150 rows: 50 of 200 (25%) would leave.
        let lines = try String(contentsOfFile: full, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let cut = try folder.write("cut.csv", lines.prefix(151).joined(separator: "\n") + "\n")
        let refused = try importFile(store, cut)
        #expect(refused.outcome == .refused)
        #expect(refused.status == .dataRejected)
        #expect(
            refused.diagnostics.map(\.description) == [
                "cut.csv: error: the file would remove 50 of the 200 entities in 原平市市场监督管理局's register (25%, more than 20%); a truncated export must not empty a register. Nothing was changed. If the removal is real, import again with --allow-mass-removal"
            ])
        #expect(try currentRegister(store) == before)
        #expect(try store.rowCount("imports") == 1)
        let allowed = try importFile(store, cut, allowMassRemoval: true)
        #expect((allowed.outcome, allowed.removed) == (.imported, 50))
    }

    @Test func aCSVCutInsideAQuotedFieldChangesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        let header = "uscc,name,entity_type,category,region_code,status\n"
        try importFile(store, try folder.write("v1.csv", header + "\(Self.code(1)),甲,企业,燃气经营企业,140981,存续\n"))
        let before = try currentRegister(store)
        let report = try importFile(
            store, try folder.write("cut.csv", header + "\(Self.code(2)),乙,企业,燃气经营企业,140981,存续\n\(Self.code(3)),\"丙公司,"))
        #expect(report.outcome == .fileRejected)
        #expect(report.status == .dataRejected)
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics.first?.description.hasPrefix("cut.csv:3:") == true)
        #expect(try currentRegister(store) == before)
        #expect(try store.rowCount("imports") == 1)
    }

    @Test func undecodableBytesRejectTheFileNamingOffsetAndLine() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        var bytes = Array("uscc,name,entity_type,category,region_code,status\n\(Self.code(1)),甲,企业,燃气经营企业,140981,存续\n".utf8)
        bytes += [0x39, 0x31, 0xFF, 0xFE, 0x0A]
        let report = try importFile(store, try folder.write("bad.csv", bytes), department: "原平市市场监督管理局")
        #expect(report.outcome == .fileRejected)
        let message = report.diagnostics.first?.description ?? ""
        #expect(message == "bad.csv:3: error: byte 0xFF at offset 115 is not valid UTF-8; if the file is GB18030, pass --encoding gb18030")
        #expect(try store.rowCount("register_rows") == 0)
    }

    @Test func aMissingRequiredColumnIsAFileErrorNamingIt() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        let report = try importFile(store, try folder.write("nocat.csv", "统一社会信用代码,名称,主体类型,行政区划代码,登记状态\n\(Self.code(1)),甲,企业,140981,存续\n"))
        #expect(report.outcome == .fileRejected)
        #expect(
            report.diagnostics.map(\.description) == [
                "nocat.csv:1: error: required column 'category (行业类别)' is missing (accepted headers: 行业类别, 行业, 类别, 监管类别, 行业门类, industry, category)"
            ])
        #expect(try store.rowCount("imports") == 0)
    }

    @Test(arguments: [1, 256 * 1024])
    func inspectorsAndAvoidanceUseTheSameDiscipline(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        let inspectors = try folder.write(
            "inspectors.csv",
            """
            执法证号,姓名,状态,执法领域
            14098101001,王明,在岗,食品
            14098101002,李华,,
            14098101003,赵强,调离,
            14098101001,重复,在岗,

            """)
        let report = try importFile(store, inspectors, kind: .inspectors, chunkSize: chunkSize)
        #expect((report.added, report.rowsRejected) == (3, 1))
        #expect(
            report.diagnostics.map(\.description) == [
                "inspectors.csv:5:1: error: inspector_id 14098101001 repeats the row on line 2; the first is kept [inspector_id=14098101001]"
            ])
        let active = try store.read { db in
            try String.fetchAll(db, sql: "SELECT inspector_id || ':' || active FROM inspector_rows ORDER BY inspector_id")
        }
        #expect(active == ["14098101001:1", "14098101002:1", "14098101003:0"])

        let avoidance = try folder.write(
            "avoid.csv",
            """
            执法证号,统一社会信用代码,回避原因
            14098101001,\(Self.code(1)),近亲属
            14098101002,91140981MA0KDLX98X,原工作单位

            """)
        let pairs = try importFile(store, avoidance, kind: .avoidance, department: nil, chunkSize: chunkSize)
        #expect((pairs.added, pairs.rowsRejected) == (1, 1))
        #expect(
            pairs.diagnostics.first?.description
                == "avoid.csv:3:2: error: USCC check character is 'X', expected 'K' [uscc=91140981MA0KDLX98X]")
    }

    @Test(arguments: [1, 256 * 1024])
    func inspectorsAndAvoidanceAsXMLGiveTheSameStoreAsCSV(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let fromCSV = try Store.inMemory(), fromXML = try Store.inMemory()
        try importFile(
            fromCSV, try folder.write("i.csv", "执法证号,姓名,状态\n14098101001,王明,在岗\n14098101002,李华,调离\n14098101001,重复,在岗\n"),
            kind: .inspectors)
        let xml = try folder.write(
            "i.xml",
            """
            <inspectors department="原平市市场监督管理局">
            <inspector><执法证号>14098101001</执法证号><姓名>王明</姓名><状态>在岗</状态></inspector>
            <inspector><inspector_id>14098101002</inspector_id><name>李华</name><status>调离</status></inspector>
            <inspector><inspector_id>14098101001</inspector_id><name>重复</name><status>在岗</status></inspector>
            </inspectors>

            """)
        let report = try importFile(fromXML, xml, kind: .inspectors, department: nil, chunkSize: chunkSize)
        #expect((report.added, report.rowsRejected) == (2, 1))
        #expect(
            report.diagnostics.map(\.description) == [
                "i.xml:4:1: error: inspector_id 14098101001 repeats the row on line 2; the first is kept [inspector_id=14098101001]"
            ])
        let rows =
            "SELECT inspector_id || ':' || name || ':' || active FROM inspector_rows WHERE valid_to_import IS NULL ORDER BY inspector_id"
        #expect(try fromXML.read { db in try String.fetchAll(db, sql: rows) } == fromCSV.read { db in try String.fetchAll(db, sql: rows) })

        let pairs = try importFile(
            fromXML,
            try folder.write(
                "a.xml",
                """
                <avoidance><pair><执法证号>14098101001</执法证号><统一社会信用代码>\(Self.code(1))</统一社会信用代码><回避原因>近亲属</回避原因></pair></avoidance>

                """), kind: .avoidance, department: nil, chunkSize: chunkSize)
        #expect((pairs.added, pairs.rowsRejected) == (1, 0))
    }

    @Test(arguments: [1, 256 * 1024])
    func anXMLFieldInNoRecordIsAFileErrorNamingIt(chunkSize: Int) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        let xml = try folder.write(
            "nocat.xml",
            """
            <registry department="原平市市场监督管理局">
            <entity><uscc>\(Self.code(1))</uscc><name>甲</name><entity_type>企业</entity_type><region_code>140981</region_code><status>存续</status></entity>
            </registry>

            """)
        let report = try importFile(store, xml, department: nil, chunkSize: chunkSize)
        #expect(report.outcome == .fileRejected)
        #expect(
            report.diagnostics.map(\.description) == [
                "nocat.xml: error: required field 'category (行业类别)' is in no <entity> (accepted names: 行业类别, 行业, 类别, 监管类别, 行业门类, industry, category)"
            ])
        #expect(try store.rowCount("imports") == 0)
    }

    @Test func validateRejectsAnXMLRegisterTheSchemaRefusesAndTheSameFileImportsWithout() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let xml = try folder.write(
            "extra.xml",
            """
            <registry department="原平市市场监督管理局">
            <entity><uscc>\(Self.code(1))</uscc><name>甲</name><entity_type>企业</entity_type><category>燃气经营企业</category><region_code>140981</region_code><status>存续</status><colour>红</colour></entity>
            </registry>

            """)
        let validated = try Store.inMemory()
        let refused = try SnapshotImporter(store: validated, clock: testClock).run(
            SnapshotImportRequest(kind: .register, path: xml, displayName: "extra.xml", validateXML: true))
        #expect(refused.outcome == .fileRejected)
        #expect(refused.diagnostics.count == 1)
        #expect(refused.diagnostics.first?.location?.line == 2)
        #expect(refused.diagnostics.first?.description.contains("colour") == true)
        #expect(try validated.rowCount("imports") == 0)
        #expect(try validated.rowCount("register_rows") == 0)

        let plain = try Store.inMemory()
        #expect(try importFile(plain, xml, department: nil).outcome == .imported)
    }

    @Test(arguments: [1, 256 * 1024])
    func undecodableBytesAfterTheSniffedStartAreFoundAtTheirOffsetAndLine(chunkSize: Int) throws {
        // The first 64 KiB decide the encoding; a bad byte beyond them is found while streaming.
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var text = "uscc,name,entity_type,category,region_code,status\n"
        var rows = 0
        while text.utf8.count < 70_000 {
            rows += 1
            text += "\(Self.code(rows)),原平市甲乙丙丁有限公司\(rows),企业,燃气经营企业,140981,存续\n"
        }
        let line = rows + 2
        let utf8 = Array(text.utf8)
        let utf8Report = try importFile(
            try Store.inMemory(), try folder.write("late.csv", utf8 + [0x31, 0xFF, 0x0A]), chunkSize: chunkSize)
        #expect(utf8Report.outcome == .fileRejected)
        #expect(
            utf8Report.diagnostics.map(\.description) == [
                "late.csv:\(line): error: byte 0xFF at offset \(utf8.count + 1) is not valid UTF-8; if the file is GB18030, pass --encoding gb18030"
            ])
        let gb = try gb18030(text)
        let store = try Store.inMemory()
        let gbReport = try importFile(store, try folder.write("late-gb.csv", gb + [0x31, 0xFF, 0x0A]), chunkSize: chunkSize)
        #expect(gbReport.outcome == .fileRejected)
        #expect(
            gbReport.diagnostics.map(\.description) == [
                "late-gb.csv:\(line): error: byte 0xFF at offset \(gb.count + 1) cannot be decoded as GB18030; check the file's encoding (--encoding)"
            ])
        #expect(try store.rowCount("register_rows") == 0)
    }

    @Test func theXMLRegisterGivesTheSameStoreAsTheCSV() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let csv = folder.path("register.csv"), xml = folder.path("register.xml")
        let sidecar = try RegisterFileWriter.write(Self.generator, layout: .csv, to: csv)
        let xmlSidecar = try RegisterFileWriter.write(Self.generator, layout: .xml, to: xml)
        let fromCSV = try Store.inMemory(), fromXML = try Store.inMemory()
        try importFile(fromCSV, csv)
        // The department comes from <registry department="…">.
        let report = try importFile(fromXML, xml, department: nil)
        #expect(report.department == "原平市市场监督管理局")
        #expect(report.rowsRejected == sidecar.filter(\.defect.rejectsRow).count)
        #expect(
            report.diagnostics.filter { $0.severity == .error }.map { $0.location?.line ?? 0 }
                == xmlSidecar.filter(\.defect.rejectsRow).map(\.line))
        #expect(try currentRegister(fromXML) == currentRegister(fromCSV))
    }

    @Test func theXMLImportFedOneByteAtATimeMatchesWhole() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let xml = folder.path("small.xml")
        try RegisterFileWriter.write(RegisterGenerator(seed: 11, rows: 120, badRowRate: 0.01), layout: .xml, to: xml)
        let whole = try Store.inMemory(), bytewise = try Store.inMemory()
        let a = try importFile(whole, xml, department: nil)
        let b = try importFile(bytewise, xml, department: nil, chunkSize: 1)
        #expect(a.diagnostics == b.diagnostics)
        #expect(a.rowsRejected == RegisterDefect.rowRejecting.count)
        #expect(try currentRegister(whole) == currentRegister(bytewise))
    }

    @Test func anXMLFileCutShortChangesNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let xml = folder.path("full.xml")
        try RegisterFileWriter.write(RegisterGenerator(seed: 5, rows: 50, badRowRate: 0), layout: .xml, to: xml)
        let store = try Store.inMemory()
        let v1 = folder.path("v1.csv")
        try RegisterFileWriter.write(RegisterGenerator(seed: 9, rows: 20, badRowRate: 0), layout: .csv, to: v1)
        try importFile(store, v1)
        let before = try currentRegister(store)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: xml))
        let cut = try folder.write("cut.xml", Array(bytes.prefix(bytes.count * 2 / 3)))
        let report = try importFile(store, cut)
        #expect(report.outcome == .fileRejected)
        #expect(report.status == .dataRejected)
        #expect(report.diagnostics.count == 1)
        #expect(report.diagnostics.first?.message.contains("cut short") == true)
        #expect(try currentRegister(store) == before)
        #expect(try store.rowCount("imports") == 1)
    }

    @Test func hostileXMLFailsCleanlyAndLeaksNothing() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let secret = try folder.write("secret.txt", "TOP-SECRET-LINE")
        let xxe = try folder.write(
            "xxe.xml",
            """
            <?xml version="1.0"?>
            <!DOCTYPE registry [<!ENTITY leak SYSTEM "file://\(secret)">]>
            <registry department="原平市市场监督管理局"><entity><uscc>\(Self.code(1))</uscc><name>&leak;</name>
            <entity_type>企业</entity_type><category>燃气经营企业</category><region_code>140981</region_code><status>存续</status></entity></registry>

            """)
        var laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE registry [\n<!ENTITY lol \"lol\">\n"
        for level in 1...9 {
            laughs += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">\n"
        }
        laughs += "]>\n<registry><entity><uscc>\(Self.code(2))</uscc><name>&lol9;</name></entity></registry>\n"
        let bomb = try folder.write("laughs.xml", laughs)
        let store = try Store.inMemory()
        for (path, name) in [(xxe, "xxe.xml"), (bomb, "laughs.xml")] {
            let report = try importFile(store, path)
            #expect(report.outcome == .fileRejected, "\(name)")
            #expect(report.diagnostics.count == 1)
            let message = report.diagnostics.first?.description ?? ""
            #expect(message.hasPrefix("\(name):2:1: error: "), "\(message)")
            #expect(message.contains("DOCTYPE"))
            #expect(!message.contains("TOP-SECRET"))
        }
        #expect(try store.rowCount("register_rows") == 0)
        #expect(try store.rowCount("imports") == 0)
    }

    /// A valid USCC for a small number.
    static func code(_ n: Int) -> String {
        let body = "91140981MA0KD" + String(format: "%04d", n)
        let check = USCC.checkCharacter(for: Array(body.utf8)).map(String.init) ?? "?"
        return body + check
    }
}
