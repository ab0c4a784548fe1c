import Fixtures
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// `suiji watchlist import` and `suiji matters import` (ListImport.swift): every bad row reported and
/// kept, good rows land, a snapshot per reason or department with history, read whole or byte by byte.
@Suite("list import", .serialized)
struct ListImportTests {
    static let watchlist = """
        统一社会信用代码,名称,列入原因
        91140981MA0K00001T,原平市甲燃气有限公司,通过登记的住所无法联系
        ,无代码企业,未按时公示年报
        91140981MA0K00001X,校验码错误企业,未按时公示年报
        140981000012345,老注册号企业,未按时公示年报
        91140981MA0K00001T,重复企业,重复
        91140981MA0K00002X,原平市乙燃气有限公司,
        91140981MA0K000031,原平市丙燃气有限公司,未按时公示年报,多一列

        """

    static func store() throws -> (TemporaryFolder, Store) {
        let folder = try TemporaryFolder()
        return (folder, try Store(path: folder.path("suiji.sqlite")))
    }

    static func request(
        _ path: String, kind: ListKind = .watchlist, scope: String = " 经营异常名录 ", dryRun: Bool = false, rejects: String? = nil
    )
        -> ListImportRequest
    {
        ListImportRequest(
            kind: kind, path: path, displayName: (path as NSString).lastPathComponent, scope: scope, dryRun: dryRun, rejectsPath: rejects)
    }

    static let legacy: String =
        "USCC is a legacy 15-digit registration number (注册号), not an 18-character code (a legacy 15-digit 注册号; ask the department for the USCC)"

    static let diagnostics: [String] = [
        "abnormal.csv:3:1: error: uscc is empty",
        "abnormal.csv:4:1: error: USCC check character is 'X', expected 'T' [uscc=91140981MA0K00001X]",
        "abnormal.csv:5:1: error: \(legacy) [uscc=140981000012345]",
        "abnormal.csv:6:1: error: uscc 91140981MA0K00001T repeats the row on line 2; the first is kept [uscc=91140981MA0K00001T]",
        "abnormal.csv:8: error: the row has 4 fields; the header has 3 [uscc=91140981MA0K000031]",
    ]

    static func entries(_ store: Store) throws -> [[String]] {
        try store.read { db in
            try Row.fetchAll(db, sql: "SELECT reason, uscc, name, detail, valid_to_import FROM watchlist_entries ORDER BY id").map {
                [
                    $0[0] as String, $0[1] as String, $0[2] as String? ?? "-", $0[3] as String? ?? "-",
                    ($0[4] as Int64?).map(String.init) ?? "current",
                ]
            }
        }
    }

    @Test func aWatchlistWithEveryKindOfBadRow() throws {
        let (folder, store) = try Self.store()
        defer { folder.cleanup() }
        let path = try folder.write("abnormal.csv", Self.watchlist)
        let report = try ListImporter(store: store).run(Self.request(path, rejects: folder.path("abnormal.csv.rejects.csv")))
        #expect(report.diagnostics.map { $0.description } == Self.diagnostics)
        #expect([report.rowsRead, report.rowsImported, report.rowsRejected] as [Int] == [7, 2, 5])
        #expect(report.status == .dataRejected)
        #expect(
            report.summary
                == "abnormal.csv as the watchlist '经营异常名录': 7 rows read, 2 imported, 5 rejected; 2 added, 0 changed, 0 removed, 0 unchanged"
        )
        #expect(
            try Self.entries(store) == [
                ["经营异常名录", "91140981MA0K00001T", "原平市甲燃气有限公司", "通过登记的住所无法联系", "current"],
                ["经营异常名录", "91140981MA0K00002X", "原平市乙燃气有限公司", "-", "current"],
            ])
        #expect(
            String(decoding: try fileBytes(folder.path("abnormal.csv.rejects.csv")), as: UTF8.self)
                == "\u{FEFF}统一社会信用代码,名称,列入原因,line,reason\r\n" + ",无代码企业,未按时公示年报,3,uscc is empty\r\n"
                + "91140981MA0K00001X,校验码错误企业,未按时公示年报,4,\"USCC check character is 'X', expected 'T'\"\r\n"
                + "140981000012345,老注册号企业,未按时公示年报,5,\"\(Self.legacy)\"\r\n"
                + "91140981MA0K00001T,重复企业,重复,6,uscc 91140981MA0K00001T repeats the row on line 2; the first is kept\r\n"
                + "91140981MA0K000031,原平市丙燃气有限公司,未按时公示年报,多一列,8,the row has 4 fields; the header has 3\r\n")
        // The same file again does nothing and says so.
        let again = try ListImporter(store: store).run(Self.request(path))
        #expect(again.summary == "abnormal.csv is already the latest watchlist '经营异常名录'; nothing to do")
        #expect(try store.rowCount("list_imports") == 1)
    }

    /// Fed one byte at a time, in GB18030, or as XML, the same rows give the same report.
    @Test func byteByByteGB18030AndXML() throws {
        let (folder, store) = try Self.store()
        defer { folder.cleanup() }
        let shape = try ListKind.watchlist.shape()
        let request = Self.request(folder.path("abnormal.csv"), dryRun: true)
        for bytes in [Array(Self.watchlist.utf8), try gb18030(Self.watchlist)] {
            for size in [1, 7, 1 << 20] {
                let reader = DelimitedFileReader(chunks: chunks(bytes, size: size), displayName: "abnormal.csv")
                let stream = try DelimitedTabularStream(reader: reader, shape: shape, displayName: "abnormal.csv")
                let report = try ListImporter(store: store).run(request, stream: stream, sha256: "x")
                #expect(report.diagnostics.map { $0.description } == Self.diagnostics, "size \(size)")
                #expect([report.rowsImported, report.rowsRejected, report.added] as [Int] == [2, 5, 2])
            }
        }
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <watchlist>
              <entity><uscc>91140981MA0K00001T</uscc><name>原平市甲燃气有限公司</name><detail>通过登记的住所无法联系</detail></entity>
              <entity><uscc>91140981MA0K00001X</uscc></entity>
            </watchlist>

            """
        let path = try folder.write("abnormal.xml", xml)
        let report = try ListImporter(store: store).run(Self.request(path))
        #expect(
            report.diagnostics.map { $0.description } == [
                "abnormal.xml:4:1: error: USCC check character is 'X', expected 'T' [uscc=91140981MA0K00001X]"
            ])
        #expect([report.rowsImported, report.rowsRejected] as [Int] == [1, 1])
    }

    /// A file without the USCC column is refused whole: nothing is written.
    @Test func aMissingColumnRejectsTheFile() throws {
        let (folder, store) = try Self.store()
        defer { folder.cleanup() }
        let path = try folder.write("names.csv", "名称,列入原因\n原平市甲燃气有限公司,未按时公示年报\n")
        #expect {
            try ListImporter(store: store).run(Self.request(path))
        } throws: { error in
            "\(error)"
                == "names.csv:1: error: required column 'uscc (统一社会信用代码)' is missing (accepted headers: 统一社会信用代码, 社会信用代码, 信用代码, code, uscc)"
        }
        #expect(try store.rowCount("list_imports") == 0)
    }

    /// A dry run writes nothing (the store file is byte-identical); a later snapshot closes what it
    /// no longer lists and versions what changed, keeping the history.
    @Test func dryRunAndSnapshotHistory() throws {
        let (folder, store) = try Self.store()
        defer { folder.cleanup() }
        let first = try folder.write("v1.csv", "统一社会信用代码,名称\n91140981MA0K00001T,甲\n91140981MA0K00002X,乙\n")
        _ = try ListImporter(store: store).run(Self.request(first))
        try store.close()
        let before = try fileBytes(folder.path("suiji.sqlite"))
        let readOnly = try Store(path: folder.path("suiji.sqlite"), access: .readOnly)
        let second = try folder.write("v2.csv", "统一社会信用代码,名称\n91140981MA0K00001T,甲（更名）\n91140981MA0K000031,丙\n")
        let dry = try ListImporter(store: readOnly).run(Self.request(second, dryRun: true, rejects: folder.path("never.csv")))
        #expect(
            dry.summary
                == "dry run, nothing written: v2.csv as the watchlist '经营异常名录': 2 rows read, 2 imported, 0 rejected; 1 added, 1 changed, 1 removed, 0 unchanged"
        )
        #expect(try fileBytes(folder.path("suiji.sqlite")) == before)
        try readOnly.close() // a read-only store holds its snapshot, which the write's commit would wait for
        let writable = try Store(path: folder.path("suiji.sqlite"))
        let report = try ListImporter(store: writable).run(Self.request(second))
        #expect([report.added, report.changed, report.removed, report.unchanged] as [Int] == [1, 1, 1, 0])
        #expect(
            try Self.entries(writable) == [
                ["经营异常名录", "91140981MA0K00001T", "甲", "-", "2"], ["经营异常名录", "91140981MA0K00002X", "乙", "-", "2"],
                ["经营异常名录", "91140981MA0K00001T", "甲(更名)", "-", "current"], ["经营异常名录", "91140981MA0K000031", "丙", "-", "current"],
            ])
        #expect(try writable.drawInputs().watchlist == ["91140981MA0K00001T": ["经营异常名录"], "91140981MA0K000031": ["经营异常名录"]])
    }

    /// A department's 抽查事项清单: matters unique after normalising (numbering, punctuation).
    @Test func aMatterList() throws {
        let (folder, store) = try Self.store()
        defer { folder.cleanup() }
        let path = try folder.write(
            "matters.csv", "序号,抽查事项\n1,1. 燃气经营许可情况检查；\n2,\n3,燃气经营许可情况检查\n4,燃气设施安全检查\n")
        let report = try ListImporter(store: store).run(Self.request(path, kind: .matters, scope: "原平市住房和城乡建设管理局"))
        #expect(
            report.diagnostics.map { $0.description } == [
                "matters.csv:3:2: error: matter is empty",
                "matters.csv:4:2: error: matter '燃气经营许可情况检查' repeats the row on line 2; the first is kept",
            ])
        #expect(report.summary.hasPrefix("matters.csv as the 抽查事项清单 of 原平市住房和城乡建设管理局: 4 rows read, 2 imported, 2 rejected"))
        let items = try store.read { db in
            try String.fetchAll(db, sql: "SELECT matter FROM matter_list_items WHERE valid_to_import IS NULL ORDER BY position")
        }
        #expect(items == ["1. 燃气经营许可情况检查;", "燃气设施安全检查"]) // as PlanCellParser.clean writes it
    }
}
