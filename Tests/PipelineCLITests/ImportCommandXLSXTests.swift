import Foundation
import Testing

extension ImportCommandTests {
    @Test func aWorkbookIsImportedByContentWithCellsInItsDiagnosticsAndItsRejectsAsAWorkbook() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generated = try runSuiji(
            ["generate", "register", "--rows", "40", "--seed", "3", "--bad-rate", "0.03", "--layout", "xlsx", "--out", "名录.xlsx"],
            in: folder, executable: try suijiDevExecutable())
        #expect(generated.status == 0)
        #expect(generated.stdout == "wrote 40 rows to 名录.xlsx (16 bad rows listed in 名录.xlsx.bad.json)\n")
        // A workbook needs a department, as a CSV does.
        let unnamed = try runSuiji(["import", "名录.xlsx"], in: folder)
        #expect(unnamed.status == 64)
        #expect(unnamed.stderr.contains("--department is required for a CSV or XLSX register"))
        let result = try runSuiji(["import", "--department", "原平市市场监督管理局", "--sheet", "Sheet1", "名录.xlsx"], in: folder)
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("note: creating the store suiji.sqlite\n"))
        let lines = result.stderr.split(separator: "\n").map(String.init).dropFirst().map { $0 }
        let bad =
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("名录.xlsx.bad.json"))) as? [[String: Any]]
        // One error per bad row but the unreadable date (a warning), each naming its cell in Excel's terms.
        #expect(lines.count == bad?.count)
        let columns = [
            "uscc", "name", "entity_type", "category", "registration_authority", "region_code", "address", "legal_rep", "risk_class",
            "status",
            "last_inspected", "established", "phone",
        ]
        for (line, entry) in zip(lines, bad ?? []) {
            let column = (entry["column"] as? String).flatMap { columns.firstIndex(of: $0) } ?? 0
            let cell = "名录.xlsx:Sheet1!\(String(UnicodeScalar(UInt8(65 + column))))\(entry["line"] as? Int ?? 0): "
            #expect(line.hasPrefix(cell + (entry["defect"] as? String == "badDate" ? "warning: " : "error: ")), "\(line)")
        }
        #expect(result.stdout.hasSuffix("/rejects/名录.xlsx.rejects.xlsx\n"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejects/名录.xlsx.rejects.xlsx").path))
        // A sheet the workbook does not have (a named sheet is read even when the file is the latest import).
        let missing = try runSuiji(["import", "--department", "原平市市场监督管理局", "--sheet", "名录", "--dry-run", "名录.xlsx"], in: folder)
        #expect(missing.status == 65)
        #expect(
            missing.stderr == "名录.xlsx: error: the workbook has no sheet '名录'; its sheets are: 1 Sheet1 (give --sheet NAME or --sheet N)\n")
    }

    @Test func anExcel97FileIsRefusedWholeWithWhatToDo() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let ole2: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 504)
        try Data(ole2).write(to: folder.appendingPathComponent("名录.xls"))
        let result = try runSuiji(["import", "--department", "原平市市场监督管理局", "名录.xls"], in: folder)
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "note: creating the store suiji.sqlite\n名录.xls: error: the file is an Excel 97–2003 (.xls) or WPS (.et) workbook, which suiji does not read; open it in Excel or WPS and save it as .xlsx (Excel 工作簿) or as CSV, then send that file\n"
        )
        #expect(result.stdout == "名录.xls: the file was rejected; the store is unchanged\n")
    }
}
