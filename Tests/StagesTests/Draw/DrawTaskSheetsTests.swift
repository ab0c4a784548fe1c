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
            try db.execute(sql: "INSERT OR IGNORE INTO departments (name) VALUES ('原平市应急管理局')")
            let other = try #require(try Int64.fetchOne(db, sql: "SELECT id FROM departments WHERE name = '原平市应急管理局'"))
            try db.execute(
                sql: """
                    INSERT INTO imports (kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at)
                    VALUES ('register', ?, 'register:test', 'test', 'x', 0, '2024-05-01T00:00:00Z')
                    """, arguments: [other])
            let later = db.lastInsertedRowID
            try db.execute(
                sql: """
                    INSERT INTO register_rows (department_id, uscc, name, entity_type, category, region_code, address, status, row_hash,
                        valid_from_import)
                    VALUES (?, ?, '原平市应急名录里的名称', '企业', '危险化学品', '140981', '原平市应急路9号', '存续', 0, ?)
                    """, arguments: [other, drawn.uscc, later])
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
