// Why this exists: the registered names publishing, the pages, `draw show` and the task sheets give
// businesses (RegisteredNames.swift): one rule, a current row in any department before the latest
// one, and the address of the row that names it.

import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

@Suite("The registered names of businesses") struct RegisteredNamesTests {
    @Test func aCurrentRowInAnyDepartmentNamesTheEntityElseItsLatestRow() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        let pools = PublicationWorld.pools
        // Rows 1-4: the pools, current in department 1.
        try world.store.write { db in
            let (other, later) = try RegisterRowsByHand.addImport(db, department: "原平市市场监督管理局", at: "2024-02-01T00:00:00Z")
            func add(_ department: Int64, _ uscc: String, _ name: String, address: String? = nil, closedBy: Int64?) throws {
                try RegisterRowsByHand.addRow(
                    db, department: department, uscc: uscc, name: name, address: address, importID: later, closedBy: closedBy)
            }
            // pools[1]: current in department 2 (row 5), and a later version in department 1 that
            // was closed again (row 6, after its row 2 was closed): the current row names it.
            try add(other, pools[1].uscc, "浪花水上乐园（市场监管名录）", address: "原平市新原大街1号", closedBy: nil)
            try db.execute(sql: "UPDATE register_rows SET valid_to_import = ? WHERE id = 2", arguments: [later])
            try add(1, pools[1].uscc, "浪花水上乐园（已移出）", address: "原平市旧址路2号", closedBy: later)
            // pools[2]: no current row; its latest row (7) names it.
            try db.execute(sql: "UPDATE register_rows SET valid_to_import = ? WHERE id = 3", arguments: [later])
            try add(1, pools[2].uscc, "碧波游泳健身中心（最后一版）", address: "原平市碧波路3号", closedBy: later)
            // pools[3]: its row 4 (with an address) closed, a current row without one in department 2 (row 8).
            try db.execute(sql: "UPDATE register_rows SET valid_to_import = ? WHERE id = 4", arguments: [later])
            try add(other, pools[3].uscc, "原平市海豚游泳俱乐部（无住所）", closedBy: nil)
            // A registered entity the plan never drew nor has a result of.
            try add(other, "911409810000000099", "未抽中的企业", closedBy: nil)
        }
        // Drawn: the pools and an entity in no register.
        try world.draw(task: 17, round: 1, usccs: pools.map(\.uscc) + ["911409810000000001"])
        let (names, entities) = try world.store.reading { sql in
            let planID = try #require(try sql.row("SELECT id FROM plans")?.integer(0))
            let seqs = try sql.rows("SELECT seq FROM draw_ledger").map { Int(try $0.requiredInteger(0)) }
            return (
                try RegisteredNames.ofPlan(planID, in: sql),
                try RegisteredNames.entities(RegisteredNames.objectsOfDraws(count: seqs.count), seqs, in: sql)
            )
        }
        #expect(
            names == [
                pools[0].uscc: pools[0].name,
                pools[1].uscc: "浪花水上乐园（市场监管名录）",
                pools[2].uscc: "碧波游泳健身中心（最后一版）",
                pools[3].uscc: "原平市海豚游泳俱乐部（无住所）",
            ])
        // The address is the named row's: a row without one gives none, not another row's.
        #expect(
            entities == [
                pools[0].uscc: RegisteredEntity(name: pools[0].name, address: "原平市泳池路8号"),
                pools[1].uscc: RegisteredEntity(name: "浪花水上乐园（市场监管名录）", address: "原平市新原大街1号"),
                pools[2].uscc: RegisteredEntity(name: "碧波游泳健身中心（最后一版）", address: "原平市碧波路3号"),
                pools[3].uscc: RegisteredEntity(name: "原平市海豚游泳俱乐部（无住所）", address: nil),
            ])
    }
}
