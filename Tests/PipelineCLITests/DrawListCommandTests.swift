import Fixtures
import Foundation
import Testing

/// Python with openpyxl (PyPI), installing it with pip if it is missing; nil, with the reason
/// recorded as a failure, if that is impossible. The workbook is checked by a reader that is not ours.
func pythonWithOpenpyxl() throws -> URL? {
    let python = URL(fileURLWithPath: "/usr/bin/env")
    func run(_ arguments: [String]) throws -> CommandResult {
        try runSuiji([], in: FileManager.default.temporaryDirectory, executable: python, arguments: arguments)
    }
    if try run(["python3", "-c", "import openpyxl"]).status == 0 { return python }
    let install = try run(["python3", "-m", "pip", "install", "--quiet", "openpyxl"])
    if try run(["python3", "-c", "import openpyxl"]).status == 0 { return python }
    Issue.record(
        "this test reads the workbook with openpyxl (PyPI), which is not installed and `python3 -m pip install openpyxl` failed (exit \(install.status)): \(install.stderr)"
    )
    return nil
}

/// `suiji draw list --xlsx`: the departments' task sheets, read back with openpyxl.
@Suite("suiji draw list")
struct DrawListCommandTests {
    static let dump = """
        import sys, openpyxl
        book = openpyxl.load_workbook(sys.argv[1])
        for sheet in book.worksheets:
            print("## " + sheet.title)
            for row in sheet.iter_rows(values_only=True):
                print("\\t".join("" if value is None else str(value) for value in row))
        """

    @Test func eachDepartmentGetsItsSheetWithTheDrawsObjectsAndItsInspectors() throws {
        guard let python = try pythonWithOpenpyxl() else { return }
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["demo", "--workspace", "county"], in: folder).status == 0)
        let county = folder.appendingPathComponent("county")
        let listed = try runSuiji(
            ["draw", "list", "--config", "suiji.toml", "--group", "2024-G35", "--round", "1", "--xlsx", "g35.xlsx"], in: county)
        #expect(listed.status == 0)
        #expect(listed.stdout == "wrote g35.xlsx: 2 departments, 22 rows (原平市交通运输局 11, 原平市市场监督管理局 11)\n")
        let script = folder.appendingPathComponent("dump.py")
        try Data(Self.dump.utf8).write(to: script)
        let read = try runSuiji(
            [], in: county, executable: python, arguments: ["python3", script.path, county.appendingPathComponent("g35.xlsx").path])
        #expect(read.status == 0, "\(read.stderr)")
        let golden = try String(contentsOf: FixtureFiles.url("golden/draw-list-2024-G35-R1.tsv"), encoding: .utf8)
        #expect(read.stdout == golden)

        // Every object and every inspector of the draw, and no other, on the sheet of its department,
        // named as `draw show` names them (one rule for a business's name, one for an inspector's).
        let shown = try runSuiji(["draw", "show", "--assignments", "--json", "--config", "suiji.toml"], in: county)
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        var expected: [String: [String]] = [:]
        for case let assignment as [String: Any] in json?["assignments"] as? [Any] ?? []
        where assignment["group"] as? String == "2024-G35" && assignment["round"] as? Int == 1 {
            let team = (assignment["inspectors"] as? [[String: String]]) ?? []
            for department in ["原平市交通运输局", "原平市市场监督管理局"] {
                let members = team.filter { $0["department"] == department }
                let ids = members.compactMap { $0["id"] }.joined(separator: "、")
                let names = members.compactMap { $0["name"] }.joined(separator: "、")
                let name = assignment["name"] as? String ?? ""
                expected[department, default: []].append("\(name)\t\(assignment["uscc"] as? String ?? "")\t\(names)\t\(ids)")
            }
        }
        var found: [String: [String]] = [:]
        var sheet = ""
        for line in read.stdout.split(separator: "\n") {
            if line.hasPrefix("## ") {
                sheet = String(line.dropFirst(3))
                continue
            }
            let cells = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cells.count == 9, cells[0] != "任务" else { continue }
            found[sheet, default: []].append("\(cells[2])\t\(cells[3])\t\(cells[5])\t\(cells[6])")
        }
        #expect(found == expected)
    }

    @Test func nothingDrawnIsAClearError() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["demo", "--workspace", "county"], in: folder).status == 0)
        let county = folder.appendingPathComponent("county")
        let result = try runSuiji(
            ["draw", "list", "--config", "suiji.toml", "--group", "2024-G01", "--round", "1", "--xlsx", "none.xlsx"], in: county)
        #expect(result.status == 65)
        // The demo's configuration sets Chinese.
        #expect(result.stderr == "错误：组 2024-G01 第 1 轮尚未抽取任何内容；请先运行 `suiji draw run`\n")
        #expect(!FileManager.default.fileExists(atPath: county.appendingPathComponent("none.xlsx").path))
    }
}
