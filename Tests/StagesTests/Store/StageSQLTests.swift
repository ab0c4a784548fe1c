// Why this exists: the stages' seam (StageSQL.swift) on SQLite: values bound and read back as the
// four kinds both stores share, and a value of another kind refused with what to do, never guessed.

import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("The stages' SQL seam on SQLite") struct StageSQLTests {
    @Test func valuesGoInAndComeBackAsTheirKinds() throws {
        let store = try Store.inMemory()
        let row = try store.reading { sql in
            try sql.row("SELECT ?, ?, ?, ?", [Int64(7), 2.5, "原平市", String?.none])
        }
        #expect(row == SQLRow([.integer(7), .real(2.5), .text("原平市"), .null]))
        #expect(try row?.integer(0) == 7)
        #expect(try row?.text(2) == "原平市")
        #expect(try row?.text(3) == nil)
    }

    @Test func aValueOfAnotherKindIsRefusedSayingWhatToDo() throws {
        let store = try Store.inMemory()
        let refusal = try #require(throws: StoreError.self) {
            _ = try store.reading { sql in try sql.rows("SELECT x'00ff'") }
        }
        #expect(
            refusal.text.english == """
                a stored value is not of the kind expected (column 1 should be text, in row (bytes)); nothing was changed: \
                the store was altered outside suiji, or this is a defect to report together with the store
                """)
        let row = SQLRow([.text("seven"), .null, .integer(7)])
        let mismatch = try #require(throws: StoreError.self) { _ = try row.integer(0) }
        #expect(
            MessageCatalogue(.zh)(mismatch.text) == """
                存储的值类型不符（第 1 列应为 integer，所在行 ('seven', NULL, 7)）；未做任何更改：\
                存储库可能被 suiji 以外的程序改动过，否则属于缺陷，请连同存储库一并报告
                """)
    }

    @Test func rowsAreInsertedInOrderWithAsFewStatementsAsTheValuesAllow() throws {
        let store = try Store.inMemory()
        // 20,001 rows of two values: 15,000 rows a statement, so two statements, the second with one row.
        let rows: [[any SQLBindable]] = (0...20_000).map { [$0, $0 % 3 == 0 ? String?.none : "行\($0)"] }
        let read = try store.writing { sql in
            try sql.execute("CREATE TEMP TABLE t (k INTEGER, v TEXT)")
            try sql.insert(into: "t", columns: ["k", "v"], rows: rows)
            try sql.insert(into: "t", columns: ["k", "v"], rows: [])
            return try sql.rows("SELECT count(*), sum(k), count(v), min(rowid = k + 1), max(rowid = k + 1) FROM t")
        }
        #expect(read == [SQLRow([.integer(20_001), .integer(200_010_000), .integer(13_334), .integer(1), .integer(1)])])
    }
}
