import Foundation
import Pipeline
import Testing

@testable import Stages

/// The rejected rows by reason: patterns, and the reasons read back from the rejects files the imports write.
struct RejectReasonsTests {
    @Test(arguments: [
        ("USCC check character is 'Q', expected 'F'", "USCC check character is '…', expected '…'"),
        ("USCC has 19 characters, expected 18", "USCC has … characters, expected …"),
        ("USCC has invalid character '５' at position 9", "USCC has invalid character '…' at position …"),
        ("USCC 91140981097809753D repeats the row on line 4370; the first is kept", "USCC … repeats the row on line …; the first is kept"),
        (
            "risk_class 'AB' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty",
            "risk_class '…' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty"
        ),
        ("entity_type is empty", "entity_type is empty"),
        ("unknown task 99: the 2024 plan of 140981 has no task with 序号 99", "unknown task …: the … plan of … has no task with 序号 …"),
        ("the department's name isn't set", "the department's name isn't set"),
        ("name 'it's' is odd", "name '…' is odd"),
        ("an open quote 'never closed", "an open quote 'never closed"),
        // The Chinese reasons of the catalogue: values in “…”, numbers, and a full-width colon kept.
        ("统一社会信用代码校验位是“Q”，应为“F”", "统一社会信用代码校验位是“…”，应为“…”"),
        ("未知任务 99：140981 2024 年的计划中没有序号为 99 的任务", "未知任务 …：… … 年的计划中没有序号为 … 的任务"),
        ("风险等级“较高风险X”不是 A、B、C、D、低风险、一般风险、较高风险、高风险或空白", "风险等级“…”不是 A、B、C、D、低风险、一般风险、较高风险、高风险或空白"),
        ("全角：１２３", "全角：…"),
    ])
    func aReasonsValuesAreTakenOut(_ reason: String, _ pattern: String) {
        #expect(RejectReasons.pattern(of: reason) == pattern)
    }

    /// Writes a rejects file as the imports do (RejectsWriter: CSV with a BOM and CRLF, or a workbook).
    func rejectsFile(_ folder: TemporaryFolder, _ name: String, rows: [[String]], language: UILanguage = .en) throws -> String {
        var writer = try RejectsWriter(path: folder.path(name), header: ["uscc", "name"] + RejectsWriter.columns(language))
        for row in rows { writer.append(row) }
        try writer.commit()
        return folder.path(name)
    }

    @Test func reasonsAreReadFromCSVAndWorkbookRejectsFilesAlike() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let rows = [
            ["911409810573184662", "甲, \"乙\"", "12", "USCC check character is '2', expected '7'"],
            ["=HYPERLINK(\"x\")", "丙\n丁", "13", "name contains a line break"],
            ["9114098179f138571Y", "", "14", "USCC check character is 'Q', expected 'F'"],
        ]
        for name in ["a.csv.rejects.csv", "b.xlsx.rejects.xlsx"] {
            let path = try rejectsFile(folder, name, rows: rows)
            #expect(
                try RejectReasons.read(path: path, displayName: name) == [
                    "USCC check character is '2', expected '7'", "name contains a line break", "USCC check character is 'Q', expected 'F'",
                ], "\(name)")
        }
        let (reasons, unreadable) = RejectReasons.tally(files: [
            ("rejects/a.csv.rejects.csv", folder.path("a.csv.rejects.csv")),
            ("rejects/b.xlsx.rejects.xlsx", folder.path("b.xlsx.rejects.xlsx")),
            ("rejects/gone.csv", folder.path("gone.csv")),
        ])
        #expect(
            reasons == [
                RejectReason(
                    pattern: "USCC check character is '…', expected '…'", rows: 4,
                    files: ["rejects/a.csv.rejects.csv", "rejects/b.xlsx.rejects.xlsx"]),
                RejectReason(
                    pattern: "name contains a line break", rows: 2, files: ["rejects/a.csv.rejects.csv", "rejects/b.xlsx.rejects.xlsx"]),
            ])
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.hasPrefix("rejects/gone.csv: ") == true)
    }

    @Test func aChineseRejectsFileIsReadByItsChineseHeader() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        #expect(RejectsWriter.columns(.zh) == ["行号", "原因"])
        #expect(RejectsWriter.columns(.en) == ["line", "reason"])
        let path = try rejectsFile(folder, "c.csv.rejects.csv", rows: [["9114", "甲", "2", "名称含有换行"]], language: .zh)
        #expect(try RejectReasons.read(path: path, displayName: "c") == ["名称含有换行"])
        let other = folder.path("d.csv")
        try Data("uscc,name,line,note\r\n".utf8).write(to: URL(fileURLWithPath: other))
        #expect(throws: MalformedFileError(location: SourceLocation(file: "d"), Message(.inputNotRejectsFile))) {
            try RejectReasons.read(path: other, displayName: "d")
        }
    }

    @Test func aFileWhoseHeaderDoesNotEndWithReasonIsNotReadAsRejects() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.write("x.csv", "uscc,name\n1,2\n")
        #expect(throws: MalformedFileError.self) { try RejectReasons.read(path: path, displayName: "x.csv") }
        do {
            _ = try RejectReasons.read(path: path, displayName: "x.csv")
        } catch {
            #expect("\(error)" == "x.csv: error: its header does not end with the column 'reason'")
        }
    }
}
