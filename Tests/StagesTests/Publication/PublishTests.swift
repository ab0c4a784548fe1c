import Fixtures
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

@Suite("Publish")
struct PublishTests {
    let pools = PublicationWorld.pools.map(\.uscc)

    /// Task 17 round 1 drawn (four pools), three results imported.
    func world() throws -> PublicationWorld {
        let world = try PublicationWorld()
        try world.draw(task: 17, round: 1, usccs: pools)
        let report = try world.importResults(
            "results.csv",
            resultsHeader + """
                17,1,\(pools[0]),2024-05-21,1,实地检查,,
                17,1,\(pools[1]),2024-07-03,F,实地检查,,
                17,1,\(pools[2]),2024-06-12,A；B,实地检查,责令限期改正,负责人张秘密拒签
                """)
        #expect(report.status == .success)
        return world
    }

    @Test func publishingTwiceGivesOnePublication() throws {
        let world = try world()
        defer { world.cleanup() }
        let first = try world.publish()
        #expect(first.status == .success)
        #expect(first.summary == PublicationDiff.Summary(added: 3, changed: 0, withdrawn: 0, unchanged: 0))
        #expect(
            first.rounds.map(\.files) == [
                [world.outbox + "/payload-1409812024P017R01.json", world.outbox + "/payload-1409812024P017R01.xml"]
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: world.outbox).sorted()
                == ["payload-1409812024P017R01.json", "payload-1409812024P017R01.xml", "public"])
        let ledger = try world.store.read { db in
            try Row.fetchAll(
                db, sql: "SELECT record_key, action, content_sha256, payload_json, file_name FROM publication_ledger ORDER BY id")
        }
        #expect(ledger.map { $0["record_key"] as String } == pools.prefix(3).map { "1409812024P017R01-\($0)" })
        #expect(ledger.allSatisfy { ($0["action"] as String) == "add" && ($0["file_name"] as String) == "payload-1409812024P017R01.json" })
        #expect(ledger.allSatisfy { SHA256.hex($0["payload_json"] as String) == ($0["content_sha256"] as String) })

        let before = try folderSnapshot(world.outbox)
        let second = try world.publish()
        #expect(second.rounds.isEmpty)
        #expect(second.summary == PublicationDiff.Summary(added: 0, changed: 0, withdrawn: 0, unchanged: 3))
        #expect(second.text == "nothing to publish: 3 records are published as they are")
        #expect(try world.store.rowCount("publication_ledger") == 3)
        #expect(try folderSnapshot(world.outbox) == before)
    }

    /// Every payload carries the draw ledger's head when it was made: a published anchor for
    /// `verify-ledger --anchor`; it is not part of the records' content, so it alone republishes nothing.
    @Test func thePayloadCarriesTheDrawLedgersHead() throws {
        let world = try world()
        defer { world.cleanup() }
        _ = try world.publish()
        let head = try world.store.reading { sql in try DrawStore.ledgerHead(sql) }
        #expect(head.utf8.count == 64)
        let json = String(decoding: try fileBytes(world.outbox + "/payload-1409812024P017R01.json"), as: UTF8.self)
        #expect(json.contains("\"drawLedgerHead\": \"\(head)\""))
        let xml = String(decoding: try fileBytes(world.outbox + "/payload-1409812024P017R01.xml"), as: UTF8.self)
        #expect(xml.contains("<drawLedgerHead>\(head)</drawLedgerHead>"))
        #expect(try world.store.verifyLedger(anchor: head).problems.filter { $0.contains("anchor") } == [])
        try world.draw(task: 5, round: 1, usccs: [pools[3]])
        #expect(try world.publish().rounds.isEmpty)
    }

    @Test func thePublishedPayloadIsWhatTheResultsSay() throws {
        let world = try world()
        defer { world.cleanup() }
        _ = try world.publish()
        let json = try CanonicalJSON.parse(try fileBytes(world.outbox + "/payload-1409812024P017R01.json"))
        guard case let .array(records)? = json["records"], case let .object(task)? = json["task"] else {
            Issue.record("unexpected payload shape")
            return
        }
        #expect(task["raninsPlanName"] == .string("原平市2024年度部门联合双随机抽查工作计划"))
        #expect(task["raninsTaskName"] == .string("对游泳场(馆)的双随机抽查"))
        #expect(task["startDate"] == .string("2024-01-01"))
        #expect(task["endDate"] == .string("2024-11-30"))
        #expect(task["populationCount"] == .integer(12))
        #expect(task["drawnCount"] == .integer(4))
        #expect(records.count == 3)
        #expect(records[2]["name"] == .string("原平市碧波游泳健身中心"))
        guard case let .array(details)? = records[2]["details"] else { return }
        #expect(details.map { $0["raninsCheckResName"] } == Array(repeating: .string("发现问题待后续处理；未按规定公示应当公示的信息"), count: details.count))
        let xml = try fileBytes(world.outbox + "/payload-1409812024P017R01.xml")
        #expect(try XMLSchemaValidator.validate(bytes: xml, displayName: "payload.xml", against: XMLSchema.bundledPayload()) == [])
    }

    @Test func aDryRunLeavesTheStoreAndTheOutputFolderByteIdentical() throws {
        let world = try world()
        defer { world.cleanup() }
        _ = try world.publish()
        try world.importResults("fix.csv", resultsHeader + "17,1,\(pools[0]),2024-05-21,E,实地检查,,\n")
        try world.store.close()
        let storeFolder = world.folder.url.path
        let storeBefore = try fileBytes(world.storePath)
        let listingBefore = try FileManager.default.contentsOfDirectory(atPath: storeFolder).sorted()
        let outboxBefore = try folderSnapshot(world.outbox)

        let readOnly = try Store(path: world.storePath, access: .readOnly)
        let report = try world.publish(dryRun: true, store: readOnly)
        try readOnly.close()
        #expect(report.status == .changesFound)
        #expect(report.summary == PublicationDiff.Summary(added: 0, changed: 1, withdrawn: 0, unchanged: 2))

        #expect(try fileBytes(world.storePath) == storeBefore)
        // SQLite leaves an empty -wal and a -shm index beside a WAL store that a read-only connection
        // opened (Store's read-only open; reported): the store file itself is untouched.
        let listingAfter = try FileManager.default.contentsOfDirectory(atPath: storeFolder).sorted()
        #expect(Set(listingAfter).subtracting(listingBefore).isSubset(of: ["suiji.sqlite-wal", "suiji.sqlite-shm"]))
        #expect(Set(listingBefore).isSubset(of: Set(listingAfter)))
        if listingAfter.contains("suiji.sqlite-wal"), !listingBefore.contains("suiji.sqlite-wal") {
            #expect(try fileBytes(world.storePath + "-wal").isEmpty)
        }
        #expect(try folderSnapshot(world.outbox) == outboxBefore)
    }

    @Test func aDryRunOfAFreshOutboxCreatesNoFolder() throws {
        let world = try world()
        defer { world.cleanup() }
        let report = try world.publish(dryRun: true)
        #expect(report.status == .changesFound)
        #expect(!FileManager.default.fileExists(atPath: world.outbox))
        #expect(try world.store.rowCount("publication_ledger") == 0)
    }

    @Test func theDiffAfterACorrectionAWithdrawalAndANewResult() throws {
        let world = try world()
        defer { world.cleanup() }
        _ = try world.publish()
        try world.importResults(
            "changes.csv",
            """
            任务序号,轮次,统一社会信用代码,检查日期,检查结果,操作
            17,1,\(pools[0]),2024-05-28,E,
            17,1,\(pools[1]),,,撤回
            17,1,\(pools[3]),2024-08-01,1,
            """)
        let plan = try world.publish(dryRun: true)
        #expect(plan.status == .changesFound)
        #expect(
            plan.text == """
                1409812024P017R01 (task 17, round 1): 1 to add, 1 to change, 1 to withdraw, 1 unchanged
                  + 1409812024P017R01-911409815512345678
                  ~ 1409812024P017R01-911409810573184662
                      details[0].raninsCheckResName: "未发现问题" → "发现问题经责令已改正"
                      details[1].raninsCheckResName: "未发现问题" → "发现问题经责令已改正"
                      insDate: "2024-05-21" → "2024-05-28"
                  - 1409812024P017R01-911409814720138623
                dry run, nothing written: 1 to add, 1 to change, 1 to withdraw, 1 unchanged in 1 task round
                """)
        let json = try CanonicalJSON.parse(Array(try plan.json().utf8))
        #expect(
            json["summary"] == .object(["added": .integer(1), "changed": .integer(1), "withdrawn": .integer(1), "unchanged": .integer(1)]))

        let applied = try world.publish()
        #expect(applied.summary == plan.summary)
        let actions = try world.store.read { db in
            try String.fetchAll(db, sql: "SELECT action FROM publication_ledger ORDER BY id")
        }
        #expect(actions == ["add", "add", "add", "add", "change", "withdraw"])
        let after = try world.publish(dryRun: true)
        #expect(after.status == .success)
        #expect(after.summary == PublicationDiff.Summary(added: 0, changed: 0, withdrawn: 0, unchanged: 3))
    }

    @Test func noPayloadCarriesARiskClassAnInspectorOrPersonalData() throws {
        let world = try world()
        defer { world.cleanup() }
        _ = try world.publish()
        var payloads = try FileManager.default.contentsOfDirectory(atPath: world.outbox).filter { $0.hasPrefix("payload-") }.map {
            world.outbox + "/" + $0
        }
        let golden = FixtureFiles.url("golden")
        // golden/ also holds report goldens (draw-coverage.*); only the payloads are payloads.
        payloads += try FileManager.default.contentsOfDirectory(atPath: golden.path).filter { $0.hasPrefix("payload-") }.map {
            golden.path + "/" + $0
        }
        #expect(payloads.count == 4)
        let ledger = try world.store.read { db in try String.fetchAll(db, sql: "SELECT payload_json FROM publication_ledger") }
        // The public pages of the round too (PublicPagesTests scan the demo's against its registers).
        let pages = try FileManager.default.contentsOfDirectory(atPath: world.outbox + "/public").filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages == ["1409812024P017R01.html", "index.html"])
        let texts =
            try (payloads + pages.map { world.outbox + "/public/" + $0 }).map { String(decoding: try fileBytes($0), as: UTF8.self) }
            + ledger
        for text in texts {
            for forbidden in [
                "risk", "inspector", "晋执14098100123", "张秘密", "泳池路", "13800000000", "责令限期改正", "实地检查", "legal", "phone", "address",
            ] {
                #expect(!text.contains(forbidden), "a payload contains '\(forbidden)'")
            }
        }
    }

    @Test func theSchemaRejectsAPayloadWithoutARequiredField() throws {
        let schema = try XMLSchema.bundledPayload()
        let golden = String(decoding: try fileBytes(FixtureFiles.url("golden/payload-1409812024P017R01.xml").path), as: UTF8.self)
        #expect(try XMLSchemaValidator.validate(bytes: Array(golden.utf8), displayName: "golden.xml", against: schema) == [])
        for (line, element) in [
            ("    <insDate>2024-05-21</insDate>\n", "insDate"),
            ("    <raninsTaskId>1409812024P017R01</raninsTaskId>\n", "raninsTaskId"),
            ("        <raninsCheckResName>未发现问题</raninsCheckResName>\n", "raninsCheckResName"),
            ("    <drawLedgerHead>cc5889b5b1f7b3b650188c933e849978bc3f308f5b9c5b9f2c3e74fa553c253d</drawLedgerHead>\n", "drawLedgerHead"),
        ] {
            let range = try #require(golden.range(of: line))
            var broken = golden
            broken.removeSubrange(range)
            let problems = try XMLSchemaValidator.validate(bytes: Array(broken.utf8), displayName: "broken.xml", against: schema)
            #expect(problems.count == 1)
            #expect(problems.first?.severity == .error)
            #expect(problems.first?.description.hasPrefix("broken.xml:") == true)
            #expect(problems.first?.message.contains(element) == true, "\(problems)")
        }
    }

    @Test func theSchemaRequiresTheGenerator() throws {
        let golden = String(decoding: try fileBytes(FixtureFiles.url("golden/payload-1409812024P017R01.xml").path), as: UTF8.self)
        let root = "<gsxtPayload schemaVersion=\"2\" generator=\"\(SuijiVersion.generator)\">"
        #expect(golden.contains(root))
        let broken = golden.replacingOccurrences(of: root, with: "<gsxtPayload schemaVersion=\"2\">")
        let problems = try XMLSchemaValidator.validate(
            bytes: Array(broken.utf8), displayName: "broken.xml", against: try XMLSchema.bundledPayload())
        #expect(
            problems.map(\.description) == [
                "broken.xml:2:31: error: Element 'gsxtPayload': The attribute 'generator' is required but missing."
            ])
    }

    @Test func aRecordWithoutARegisteredNameStopsThePublication() throws {
        let world = try world()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: ["911409810000000001"])
        try world.importResults("stray.csv", resultsHeader + "17,1,911409810000000001,2024-05-21,1,,,\n")
        let error = #expect(throws: PublicationError.self) { try world.publish() }
        #expect(
            error?.message
                == "911409810000000001 has a result for task 17 round 1 of the 2024 plan of 140981 but is in no register; import the register that lists it, then publish"
        )
        #expect(try world.store.rowCount("publication_ledger") == 0)
        #expect(!FileManager.default.fileExists(atPath: world.outbox))
    }

    @Test func deadlinesOfUnfinishedRoundsAreReported() throws {
        let world = try world()
        defer { world.cleanup() }
        let calendar = try CalendarLoader.bundled()
        let reporter = DeadlineReporter(store: world.store, calendar: calendar)
        // Round 1 of task 17 ends Saturday 2024-11-30; working day 20 after it is Friday 2024-12-27.
        func entry(_ today: String) throws -> RoundDeadline? {
            try reporter.run(today: CivilDate(parsing: today)).rounds.first { $0.raninsTaskId == "1409812024P017R01" }
        }
        #expect(try entry("2024-12-19") == nil, "six working days left: later")
        let soon = try #require(try entry("2024-12-20"))
        #expect(soon.assessment.due == (try CivilDate(parsing: "2024-12-27")))
        #expect(soon.assessment.status == .dueSoon)
        #expect(soon.assessment.workingDaysLeft == 5)
        #expect(soon.progress == "results 3/4, 3 to publish")
        let late = try #require(try entry("2024-12-31"))
        #expect(late.assessment.status == .overdue)
        #expect(late.assessment.workingDaysOverdue == 2)
        let report = try reporter.run(today: CivilDate(parsing: "2024-12-31"))
        #expect(report.text.contains("overdue  1409812024P017R01  2024-11-30  2024-12-27  2 overdue"))
        // A round of a task never drawn is reported too.
        #expect(report.rounds.contains { $0.raninsTaskId == "1409812024P004R01" && $0.progress == "not drawn" })

        // Every drawn object has a result and everything is published: the round is done.
        try world.importResults("last.csv", resultsHeader + "17,1,\(pools[3]),2024-08-01,1,,,\n")
        _ = try world.publish()
        #expect(try entry("2024-12-31") == nil)
    }

    @Test func anOperatorCalendarExtendsTheBundledOne() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.write("next.json", #"{"years": {"2027": {"off": ["2027-01-01"], "worked": []}}}"#)
        let calendar = try CalendarLoader.load(operatorPath: path)
        #expect(calendar.coveredYears == [2024, 2025, 2026, 2027])
        #expect(
            try PublicationDeadline(roundEnd: CivilDate(parsing: "2026-12-31"), calendar: calendar).due
                == (try CivilDate(parsing: "2027-01-29")))
        #expect(throws: PublicationError.self) { try CalendarLoader.load(operatorPath: folder.path("missing.json")) }
    }
}
