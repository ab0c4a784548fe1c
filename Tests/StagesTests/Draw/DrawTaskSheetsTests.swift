import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// The departments' task sheets (`suiji draw list`) name a business and an inspector as every other
/// output does: `RegisteredNames`' rule, and `draw show`'s for inspectors.
@Suite("The task sheets of a draw")
struct DrawTaskSheetsTests {
    @Test func aBusinessAndAnInspectorAreNamedAsDrawShowNamesThem() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        _ = try w.run("2024")
        let drawn = try #require(try w.draw.assignments(plan: w.plan, planID: w.planID).first { !$0.inspectors.isEmpty })
        let member = try #require(drawn.inspectors.first)
        let inspectorName = try #require(member.name)
        try w.store.write { db in
            // A department whose name sorts after SAMR's registers the business later, under another
            // name and address: the later current row names it (the sheets took the first
            // department's by name).
            let (other, later) = try RegisterRowsByHand.addImport(db, department: "原平市应急管理局", at: "2024-05-01T00:00:00Z")
            try RegisterRowsByHand.addRow(
                db, department: other, uscc: drawn.uscc, name: "原平市应急名录里的名称", address: "原平市应急路9号", importID: later,
                closedBy: nil)
            // The inspector leaves the department's register: the latest row still names them (the
            // sheets left the name blank).
            try db.execute(
                sql: "UPDATE inspector_rows SET valid_to_import = ? WHERE inspector_id = ? AND valid_to_import IS NULL",
                arguments: [later, member.id])
        }
        let sheets = try DrawTaskSheets.build(
            draw: w.draw, plan: w.plan, planID: w.planID, calendar: try CalendarLoader.load(operatorPath: nil))
        let rows = sheets.flatMap(\.rows).filter { $0.uscc == drawn.uscc }
        #expect(rows.count == Set(drawn.inspectors.map(\.department)).count)
        for row in rows {
            #expect(row.name == "原平市应急名录里的名称")
            #expect(row.address == "原平市应急路9号")
        }
        let samrRow = try #require(rows.first { $0.inspectorIDs.split(separator: "、").contains(Substring(member.id)) })
        #expect(samrRow.inspectors.split(separator: "、").contains(Substring(inspectorName)))
        // `draw show` names them alike.
        let shown = try #require(try w.draw.assignments(plan: w.plan, planID: w.planID).first { $0.uscc == drawn.uscc })
        #expect(shown.name == "原平市应急名录里的名称")
        #expect(shown.inspectors.first { $0.id == member.id }?.name == inspectorName)
    }
}
