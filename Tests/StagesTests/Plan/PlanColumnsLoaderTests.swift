import DevKit
import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("plan columns loader")
struct PlanColumnsLoaderTests {
    static func load(_ json: String) throws(PlanColumnsFileError) -> ColumnAliases {
        // Without a scratch folder the file below cannot be written, and the load's error says so.
        let folder = (try? ScratchFolder.make("cols")) ?? FileManager.default.temporaryDirectory
        let path = folder.appendingPathComponent("columns.json").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        let bundled = (try? ColumnAliases.bundled("plan-columns")) ?? ColumnAliases(aliases: [:])
        do {
            return try PlanColumnsLoader.load(path: path, over: bundled)
        } catch {
            throw PlanColumnsFileError(file: "columns.json", line: error.line, column: error.column, error.text)
        }
    }

    @Test func anOperatorsHeadersAreAddedToTheBundledOnes() throws {
        let aliases = try Self.load(#"{"name": ["任务名"], "scopes": ["监管对象"]}"#)
        #expect(aliases.canonical(for: "任务名") == "name")
        #expect(aliases.canonical(for: "监管 对象") == "scopes")
        #expect(aliases.canonical(for: "抽查任务名称") == "name")
    }

    @Test func aBadFileIsAnErrorNamingItNeverAFallback() {
        #expect(
            (#expect(throws: PlanColumnsFileError.self) { try Self.load(#"{"name": ["任务名"],}"#) })?.description.hasPrefix(
                "columns.json:1:") == true)
        #expect(
            (#expect(throws: PlanColumnsFileError.self) { try Self.load(#"{"nmae": ["任务名"]}"#) })?.message
                == "'nmae' is not a plan column; the columns are area, seq, name, matters, scopes, ratioAndFrequency, ratio, frequency, count, estimatedCount, riskRequirement, window, initiator, cooperators, mode, inspectionType, division, planCode, planName, taskCode, remarks"
        )
        #expect(
            (#expect(throws: PlanColumnsFileError.self) { try Self.load(#"{"scopes": ["抽查任务名称"]}"#) })?.message
                == "the header '抽查任务名称' is given to 'scopes' but already belongs to 'name'; keep one")
        let missing = #expect(throws: PlanColumnsFileError.self) {
            try PlanColumnsLoader.load(path: "/nonexistent/columns.json", over: ColumnAliases(aliases: [:]))
        }
        #expect(
            missing?.description
                == "/nonexistent/columns.json: error: the plan columns file named by [plan] columns does not exist; fix the path (relative to the configuration file's folder) or set columns = \"\" to use the bundled headers only"
        )
        #expect(missing?.exitStatus == .usage)
    }
}
