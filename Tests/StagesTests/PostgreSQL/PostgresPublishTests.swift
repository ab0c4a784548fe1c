// Why this exists: `suiji publish` and `suiji report` run behind the stages' seam (StageSQL.swift).
// Issue 19 promises the same answers on both stores; this test takes one county through its whole
// path up to publication (a real draw, results of what it drew, a dry run, the publication, the
// deadline report, a second publication with nothing new) with the suiji binary on SQLite and on a
// county's lane of the private PostgreSQL cluster, and holds every output and payload byte to byte,
// in a database whose collation is not SQLite's byte order.

import DevKit
import Fixtures
import Foundation
import Pipeline
import Testing

@testable import Stages

extension FileManager {
    /// True when `path` is a folder.
    fileprivate func isDirectory(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}

@Suite("Publication on PostgreSQL") struct PostgresPublishTests {
    @Test func publishAndReportGiveTheSameBytesOnBothStores() throws {
        // A database that sorts text as Chinese does (ICU `zh`: CJK before Latin, `a` before `B`), not by
        // bytes as SQLite: wherever its order reached an output, the bytes would differ.
        let (w, address, county, suiji) = try PostgresDrawTests.commandWorkspace(icuLocale: "zh")
        let admin = try session(address)
        #expect(
            try admin.texts("SELECT string_agg(x, ' ' ORDER BY x) FROM (VALUES ('B'), ('a'), ('原平市公安局'), ('2024G11'), ('2024-G12')) v(x)")
                == ["2024-G12 2024G11 原平市公安局 a B"])
        admin.close()
        defer { w.folder.cleanup() }
        let folder = w.folder
        // Task 12's first round, as the seed plan schedules it: its results are dated on its first day.
        let task = try #require(w.plan.tasks.first { $0.seq == 12 })
        let round = try #require(RoundSchedule(task: task, year: 2024).round(1)?.start.civilDate)

        var outputs: [[String]] = []
        for store in ["suiji.sqlite", county] {
            var output: [String] = []
            func step(_ arguments: [String]) throws {
                let result = try suiji(arguments + ["--store", store])
                output.append("\(arguments.joined(separator: " ")) → \(result.status)\n\(result.output)\(result.errors)")
            }
            try step(["draw", "prepare"])
            try step(["draw", "run", "--seed", "20240501"])
            // Results for the first three objects the draw gave task 12 (the same on both stores, as the draw test holds).
            let drawn = try w.store.reading { sql in
                try sql.texts(
                    """
                    SELECT s.uscc FROM draw_selections s JOIN draw_ledger l ON l.seq = s.ledger_seq
                    WHERE l.group_key = '2024-G12' AND l.round = 1 ORDER BY s.position LIMIT 3
                    """)
            }
            #expect(drawn.count == 3)
            let rows = drawn.enumerated().map { k, uscc in "12,1,\(uscc),\(round),\(["1", "A", "F"][k]),实地检查,,\n" }
            _ = try folder.write("results.csv", resultsHeader + rows.joined())
            try step(["results", "import", "results.csv"])
            try step(["publish", "--dry-run", "--out", "outbox"])
            #expect(!FileManager.default.fileExists(atPath: folder.path("outbox")), "a dry run wrote the outbox")
            try step(["publish", "--out", "outbox"])
            try step(["report", "--today", "2024-12-20"])
            try step(["report", "--today", "2024-12-20", "--json"])
            try step(["publish", "--out", "outbox"])
            // The payloads, by name, then gone before the other store's turn.
            let names = (FileManager.default.subpaths(atPath: folder.path("outbox")) ?? []).sorted()
            for name in names where !FileManager.default.isDirectory(folder.path("outbox/" + name)) {
                output.append(name + "\n" + String(decoding: try fileBytes(folder.path("outbox/" + name)), as: UTF8.self))
            }
            try FileManager.default.removeItem(atPath: folder.path("outbox"))
            outputs.append(output)
        }
        #expect(outputs[0].count == outputs[1].count)
        for (sqlite, postgres) in zip(outputs[0], outputs[1]) { #expect(postgres == sqlite) }
        // What was compared is a publication, not two failures alike: the steps' outcomes, then the files.
        #expect(
            outputs[1].map { String($0.prefix { $0 != "\n" }) } == [
                "draw prepare → 0", "draw run --seed 20240501 → 65", "results import results.csv → 0",
                "publish --dry-run --out outbox → 2", "publish --out outbox → 0", "report --today 2024-12-20 → 0",
                "report --today 2024-12-20 --json → 0", "publish --out outbox → 0", "payload-1409812024P012R01.json",
                "payload-1409812024P012R01.xml", "public/1409812024P012R01.html", "public/draw-140981-2024-G12-R1.json",
                "public/index.html", "public/verify_draw.py",
            ])
        #expect(outputs[1][4].hasSuffix("published 1 task round: 3 to add, 0 to change, 0 to withdraw, 0 unchanged\n"), "\(outputs[1][4])")
        #expect(outputs[1][7] == "publish --out outbox → 0\nnothing to publish: 3 records are published as they are\n", "\(outputs[1][7])")
    }
}
