import DevKit
import Fixtures
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// A county workspace on disk: the seed plan, a generated SAMR register and inspectors.
struct DrawWorkspace {
    /// The salt key every workspace's store makes (fixed, so that two workspaces commit alike).
    static let saltKey = String(repeating: "5eed", count: 16)
    static let samr = "原平市市场监督管理局"
    static let police = "原平市公安局"
    let folder: TemporaryFolder
    let storePath: String
    let store: Store
    let draw: DrawStore
    let plan: AnnualPlan
    let planID: Int64

    /// `policeInspectors` active inspectors for 原平市公安局 (task 12–14's initiator), `samrInspectors` for SAMR.
    /// `register`: a register CSV of the market regulator instead of the generated one.
    init(
        rows: Int = 3000, policeInspectors: Int = 6, samrInspectors: Int = 4, avoidance: [(String, String)] = [],
        register text: String? = nil,
        configuration: Stages.Configuration = .defaults
    ) throws {
        folder = try TemporaryFolder()
        storePath = folder.path("suiji.sqlite")
        store = try Store(path: storePath)
        let clock = Clock.fixed(Date(timeIntervalSince1970: 1_714_000_000))
        _ = try PlanImportJob(store: store, clock: clock).run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, year: 2024, region: "140981"))
        let register = folder.path("samr.csv")
        if let text {
            _ = try folder.write("samr.csv", text)
        } else {
            try RegisterFileWriter.write(
                RegisterGenerator(options: RegisterGenerator.Options(seed: 5, rows: rows, badRowRate: 0)), layout: .csv, to: register)
        }
        try Self.importFile(store, .register, register, department: Self.samr)
        try Self.writeInspectors(folder, store, department: Self.police, prefix: "GA", count: policeInspectors)
        try Self.writeInspectors(folder, store, department: Self.samr, prefix: "SC", count: samrInspectors)
        if !avoidance.isEmpty {
            let text = "执法证号,统一社会信用代码,回避原因\n" + avoidance.map { "\($0.0),\($0.1),亲属" }.joined(separator: "\n") + "\n"
            try Self.importFile(store, .avoidance, try folder.write("avoid.csv", text), department: nil)
        }
        draw = try DrawStore(store: store, configuration: configuration, clock: clock, randomKey: { Self.saltKey })
        (plan, planID) = try draw.plan(year: 2024, region: "140981")
    }

    static func importFile(_ store: Store, _ kind: SnapshotKind, _ path: String, department: String?) throws {
        let report = try SnapshotImporter(store: store).run(SnapshotImportRequest(kind: kind, path: path, department: department))
        #expect(report.rowsRejected == 0)
    }

    static func writeInspectors(_ folder: TemporaryFolder, _ store: Store, department: String, prefix: String, count: Int) throws {
        let rows = (0..<count).map { "\(prefix)\(String(format: "%03d", $0 + 1)),检查员\($0),在岗" }
        let path = try folder.write("\(prefix).csv", "执法证号,姓名,状态\n" + rows.joined(separator: "\n") + "\n")
        try importFile(store, .inspectors, path, department: department)
    }

    func prepare(_ tasks: [Int]? = [12], round: Int? = nil, allowPartialTeams: Bool = false) throws -> [PreparedDraw] {
        try draw.prepare(plan: plan, planID: planID, tasks: tasks, round: round, allowPartialTeams: allowPartialTeams).prepared
    }

    func run(_ seed: String, tasks: [Int]? = [12], round: Int? = nil, reason: String? = nil, allowPartialTeams: Bool = false) throws
        -> [CompletedDraw]
    {
        let outcome = try draw.run(
            plan: plan, planID: planID, seed: seed, tasks: tasks, round: round, reason: reason, allowPartialTeams: allowPartialTeams)
        if !outcome.failed.isEmpty { throw DrawRunFailures(failed: outcome.failed) }
        return outcome.done
    }

    func counts() throws -> [Int] {
        try ["draw_ledger", "draw_selections", "inspector_assignments", "draw_seeds", "draw_commitments"].map { try store.rowCount($0) }
    }
}

/// The repository's root (for scripts/verify_draw.py).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Runs the auditor's Python verifier on a bundle file.
func pythonVerify(_ path: String) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", repositoryRoot.appendingPathComponent("scripts/verify_draw.py").path, path]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

@Suite("draw store", .serialized)
struct DrawStoreTests {
    @Test func sameInputsAndSeedGiveTheSameSampleAndTeams() throws {
        let a = try DrawWorkspace(), b = try DrawWorkspace()
        defer { a.folder.cleanup(); b.folder.cleanup() }
        let pa = try a.prepare(), pb = try b.prepare()
        #expect(pa.map(\.hash) == pb.map(\.hash))
        // Another store's key salts the classes differently: another hash, the same sample.
        let c = try DrawWorkspace()
        defer { c.folder.cleanup() }
        let other = try DrawStore(store: c.store, clock: .fixed(Date(timeIntervalSince1970: 1_714_000_000)), randomKey: { "another key" })
        let pc = try other.prepare(plan: c.plan, planID: c.planID, tasks: [12], round: nil).prepared
        #expect(pc.map(\.hash) != pa.map(\.hash))
        #expect(pc.map(\.commitment.population) == pa.map(\.commitment.population))
        let rc = try other.run(plan: c.plan, planID: c.planID, seed: "48213907561102938475", tasks: [12], round: nil, reason: nil).done
        let ra = try a.run("48213907561102938475"), rb = try b.run("48213907561102938475")
        #expect(ra.count == 1)
        #expect(ra.map(\.bundle) == rb.map(\.bundle))
        #expect(ra.first?.entry.hash == rb.first?.entry.hash)
        #expect(rc.map(\.bundle.sample) == ra.map(\.bundle.sample))
        #expect(rc.map(\.bundle.assignments) == ra.map(\.bundle.assignments))
        let drawn = ra.first?.bundle.sample.values.reduce(0) { $0 + $1.count } ?? 0
        #expect(drawn > 0)
        #expect(try a.draw.assignments(plan: a.plan, planID: a.planID) == b.draw.assignments(plan: b.plan, planID: b.planID))
        // Every object gets 2 police officers and 1 SAMR officer.
        for object in try a.draw.assignments(plan: a.plan, planID: a.planID) {
            #expect(object.inspectors.filter { $0.department == DrawWorkspace.police }.count == 2)
            #expect(object.inspectors.filter { $0.department == DrawWorkspace.samr }.count == 1)
            #expect(object.tasks == [12, 13, 14])
        }
    }

    @Test func prepareRunExportVerifyWithSwiftAndPython() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        let prepared = try w.prepare()
        let done = try w.run("2024")
        let (bundle, entry) = try w.draw.bundle(planID: w.planID, group: "2024-G12", round: 1)
        #expect(entry.seq == 1)
        #expect(bundle.commitmentHash == prepared.first?.hash)
        #expect(bundle == done.first?.bundle)
        #expect(bundle.verify().isValid)
        let path = try w.folder.write("bundle.json", bundle.prettyJSON)
        let decoded = try JSONDecoder().decode(DrawBundle.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(decoded.verify().isValid)
        let python = try pythonVerify(path)
        #expect(python.status == 0, "\(python.output)")
        #expect(python.output.hasPrefix("OK"))
        #expect(try w.store.verifyLedger().isValid)
    }

    @Test func editingAnyLedgerRowIsDetected() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        _ = try w.run("1")
        _ = try w.prepare([2])
        try DrawWorkspace.writeInspectors(w.folder, w.store, department: "原平市住房和城乡建设管理局", prefix: "ZJ", count: 6)
        _ = try w.prepare([2])
        _ = try w.run("1", tasks: [2])
        #expect(try w.store.verifyLedger().isValid)
        try w.store.close()
        let edits = [
            "UPDATE draw_ledger SET seed = '2' WHERE seq = 1",
            "UPDATE draw_ledger SET result_json = replace(result_json, '\"A\"', '\"A\" ') WHERE seq = 2",
            "UPDATE draw_ledger SET created_at = '2030-01-01T00:00:00Z' WHERE seq = 1",
            "DELETE FROM draw_ledger WHERE seq = 1",
            "UPDATE draw_selections SET uscc = 'X' WHERE ledger_seq = 1 AND position = 1",
            "UPDATE inspector_assignments SET inspector_id = 'GA999' WHERE ledger_seq = 1 AND slot = 1 AND inspector_id LIKE 'GA%'",
            "UPDATE draw_commitments SET canonical_json = replace(canonical_json, '\"D\"', '\"C\"')",
        ]
        for (i, edit) in edits.enumerated() {
            let copy = w.folder.path("copy\(i).sqlite")
            try FileManager.default.copyItem(atPath: w.storePath, toPath: copy)
            let queue = try DatabaseQueue(path: copy)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "DROP TRIGGER draw_ledger_no_update; DROP TRIGGER draw_ledger_no_delete")
                try db.execute(sql: edit)
                #expect(db.changesCount > 0, "\(edit)")
            }
            try queue.close()
            let result = try Store(path: copy, access: .readOnly).verifyLedger()
            #expect(!result.isValid, "not detected: \(edit)")
        }
        // The triggers refuse an edit in the store itself.
        let store = try Store(path: w.storePath)
        #expect(throws: (any Error).self) {
            try store.write { db in try db.execute(sql: "UPDATE draw_ledger SET seed = '2' WHERE seq = 1") }
        }
    }

    @Test func runRefusesWhenTheDataChangedAfterPrepare() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        try DrawWorkspace.writeInspectors(w.folder, w.store, department: DrawWorkspace.police, prefix: "GA", count: 7)
        let before = try w.counts()
        #expect {
            try w.run("7")
        } throws: { error in
            "\(error)".contains("no longer matches the commitment") && "\(error)".contains("inspector pools changed")
        }
        #expect(try w.counts() == before)
        _ = try w.prepare()
        #expect(try w.run("7").count == 1)
    }

    @Test func aRedrawNeedsAReasonAndKeepsTheFirstDraw() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        let first = try w.run("11")
        #expect(throws: DrawStoreError.self) { try w.run("12", round: 1) }
        let second = try w.run("12", round: 1, reason: "the ceremony's dice were not witnessed")
        #expect(second.first?.entry.kind == "redraw")
        #expect(second.first?.entry.reason == "the ceremony's dice were not witnessed")
        #expect(second.first?.entry.prev == first.first?.entry.hash)
        #expect(try w.store.rowCount("draw_ledger") == 2)
        let (bundle, entry) = try w.draw.bundle(planID: w.planID, group: "2024-G12", round: 1)
        #expect(entry.seq == 2)
        #expect(bundle.publicSeed == "12")
        #expect(try w.store.verifyLedger().isValid)
    }

    /// The night reads the ledger without its results: the same entries, in the same order, with only
    /// the result left empty.
    @Test func theLedgerReadWithoutResultsIsTheLedgerLessItsResults() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        _ = try w.run("11")
        _ = try w.run("12", round: 1, reason: "the ceremony's dice were not witnessed")
        try w.store.read { db in
            let sql = GRDBStageSQL(db)
            let full = try LedgerEntry.all(sql, planID: w.planID)
            #expect(full.count == 2 && full.allSatisfy { !$0.resultJSON.isEmpty })
            let bare = try LedgerEntry.all(sql, planID: w.planID, results: false)
            #expect(bare.map(\.resultJSON) == ["", ""])
            #expect(bare.map(\.hash) == full.map(\.hash))
            var emptied = full
            for index in emptied.indices { emptied[index].resultJSON = "" }
            #expect(bare == emptied)
            #expect(try w.draw.currentEntries(sql, planID: w.planID, results: false)["2024-G12"]?[1] == emptied.last)
        }
    }

    @Test func aShortfallRecordsNothingUnlessPartialTeamsAreAllowed() throws {
        let w = try DrawWorkspace(policeInspectors: 1)
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        let before = try w.counts()
        #expect {
            try w.run("5")
        } throws: { error in
            let text = "\(error)"
            return text.contains("原平市公安局 is 1 inspector(s) short for ") && text.contains("nothing of them was recorded")
        }
        #expect(try w.counts() == before)
        let done = try w.run("5", allowPartialTeams: true)
        let shortTeams = done.first?.bundle.shortTeams ?? []
        #expect(!shortTeams.isEmpty)
        #expect(shortTeams.allSatisfy { $0.department == DrawWorkspace.police && $0.shortfall >= 1 })
        #expect(done.first?.bundle.verify().isValid == true)
        #expect(try w.store.verifyLedger().isValid)
        let result = try #require(try done.first?.entry.result())
        #expect(result.publishedCommitment != nil)
    }

    @Test func avoidanceIsNeverAssignedAndLoadsStayWithinTheCap() throws {
        let w0 = try DrawWorkspace()
        let population = try #require(w0.prepare().first?.commitment.population.map(\.uscc))
        w0.folder.cleanup()
        // Every police officer but two must avoid every third entity of the population.
        var pairs: [(String, String)] = []
        for (k, uscc) in population.enumerated() where k % 3 == 0 {
            for i in 1...4 { pairs.append(("GA\(String(format: "%03d", i))", uscc)) }
        }
        let w = try DrawWorkspace(avoidance: pairs)
        defer { w.folder.cleanup() }
        var commitment = try #require(w.prepare().first?.commitment)
        commitment.inspectors?.allowPartialTeams = true
        let avoided = Set(pairs.map { AvoidancePair(inspectorId: $0.0, uscc: $0.1) })
        #expect(Set(commitment.inspectors?.avoidance ?? []) == avoided)
        for seed in 0..<60 {
            let bundle = try DrawBundle(commitment: commitment, publicSeed: "seed-\(seed)")
            var loads: [String: Int] = [:]
            for a in bundle.assignments ?? [] {
                for id in a.inspectorIds {
                    #expect(!avoided.contains(AvoidancePair(inspectorId: id, uscc: a.uscc)), "seed \(seed): \(id) assigned to \(a.uscc)")
                    loads[id, default: 0] += 1
                }
            }
            let objects = bundle.sample.values.reduce(0) { $0 + $1.count }
            let policeCap = (objects * 2 + 5) / 6 + 1, samrCap = (objects + 3) / 4 + 1
            for (id, load) in loads { #expect(load <= (id.hasPrefix("GA") ? policeCap : samrCap)) }
        }
    }

    @Test func laterRoundsWaitForTheRoundBeforeAndExcludeItsDraw() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        let group = try #require(DrawGroups.form(w.plan).first { $0.taskSeqs.contains(35) })
        #expect(group.schedule.rounds.count == 4)
        try DrawWorkspace.writeInspectors(w.folder, w.store, department: group.initiator, prefix: "RD", count: 8)
        for (i, c) in group.cooperators.enumerated() {
            try DrawWorkspace.writeInspectors(w.folder, w.store, department: c, prefix: "CO\(i)-", count: 8)
        }
        #expect(throws: DrawStoreError.self) { try w.prepare([35], round: 2) }
        #expect(try w.prepare([35]).first?.round.number == 1)
        let first = try #require(w.run("9", tasks: [35]).first)
        let second = try #require(w.prepare([35]).first)
        #expect(second.round.number == 2)
        let drawnFirst = Set(first.bundle.sample.values.joined())
        #expect(Set(second.commitment.exclusions) == drawnFirst)
        let secondDraw = try #require(w.run("9", tasks: [35]).first)
        // Per class, round 1's objects come back only when the rest of the class is too small.
        var lapsed = 0
        for c in RiskClass.allCases {
            let members = second.commitment.population.filter { $0.quotaClass == c }.map(\.uscc)
            let fresh = members.filter { !drawnFirst.contains($0) }
            let sample = Set(secondDraw.bundle.sample[c] ?? [])
            let quota = second.commitment.quotas[c] ?? 0
            if fresh.count >= quota {
                #expect(sample.isDisjoint(with: drawnFirst), "class \(c.rawValue)")
            } else {
                #expect(sample.isSuperset(of: fresh))
                lapsed += 1
            }
        }
        #expect(lapsed < RiskClass.allCases.count)
        #expect(secondDraw.bundle.verify().isValid)
    }

    @Test func everyRefusalOfPrepareAndRunSaysWhyAndRecordsNothing() throws {
        let county = try DrawWorkspace(rows: 400)
        defer { county.folder.cleanup() }
        // The refusal's status and English words.
        struct Refusal: Equatable {
            var status: Pipeline.ExitStatus
            var message: String
            init(_ status: Pipeline.ExitStatus, _ message: String) {
                self.status = status
                self.message = message
            }
        }
        func refusal(_ body: () throws -> Any) -> Refusal? {
            guard case .failure(let error) = Result<Any, any Error>(catching: body) else { return nil }
            return (error as? DrawStoreError).map { Refusal($0.status, $0.message) }
        }
        #expect(refusal { try county.prepare([99]) } == Refusal(.usage, "the plan has no task 99 (tasks are 序号 1…42)"))
        #expect(
            refusal { try county.prepare([35], round: 9) } == Refusal(.usage, "group 2024-G35 has rounds 1…4; there is no round 9"))
        #expect(
            refusal { try county.run("s1", tasks: [35], round: 1) }
                == Refusal(
                    .failure, "2024-G35 round 1 is not prepared; run `suiji draw prepare` and publish its commitment before the seed"))
        #expect(
            refusal { try county.prepare([35], round: 2) }
                == Refusal(
                    .failure, "group 2024-G35: round 1 is not drawn yet; round 2's exclusions depend on it: draw round 1 first"))
        _ = try county.prepare([35])
        for seed in ["a|b", "", " s", "s\nt"] {
            #expect(
                refusal { try county.run(seed, tasks: [35], allowPartialTeams: true) }?.status == .usage, "seed \(seed.debugDescription)")
        }
        #expect(
            refusal { try county.run("a|b", tasks: [35], allowPartialTeams: true) }
                == Refusal(.usage, "the seed 'a|b' holds '|', which separates the parts of the seed string"))
        #expect(try county.counts() == [0, 0, 0, 0, 1])
        _ = try county.run("s1", tasks: [35], allowPartialTeams: true)
        _ = try county.prepare([35])
        _ = try county.run("s2", tasks: [35], allowPartialTeams: true)
        let before = try county.counts()
        #expect(
            refusal { try county.prepare([35], round: 1) }
                == Refusal(.failure, "group 2024-G35: round 2 is already drawn; round 1 cannot be prepared again"))
        #expect(
            refusal { try county.run("s3", tasks: [35], round: 1, reason: "audit", allowPartialTeams: true) }
                == Refusal(.failure, "2024-G35: round 2 is already drawn; round 1 cannot be drawn again"))
        #expect(
            refusal { try county.run("s3", tasks: [35], round: 2, allowPartialTeams: true) }?.message.hasPrefix(
                "2024-G35 round 2 was already drawn (ledger #2, seed 's2'); a re-draw needs --reason TEXT") == true)
        #expect(try county.counts() == before)
    }

    @Test func showReportsClassesQuotasAndCoverage() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        _ = try w.run("3")
        let overview = try w.draw.summaries(plan: w.plan, planID: w.planID)
        let round = try #require(overview.rounds.first { $0.group == "2024-G12" })
        #expect(round.status == "drawn")
        #expect(round.tasks == [12, 13, 14])
        #expect(round.drawn.values.reduce(0, +) == round.quota.values.reduce(0, +))
        #expect(round.population.values.reduce(0, +) > 0)
        #expect(overview.tasksCovered == 3)
        #expect(overview.rounds.filter { $0.status == "not prepared" }.count == overview.rounds.count - 1)
    }

    /// An undrawn round's summary reads the stored commitment's counts without decoding it: the
    /// same counts as the decoded commitment gives.
    @Test func undrawnSummariesAreTheStoredCommitments() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.prepare()
        let overview = try w.draw.summaries(plan: w.plan, planID: w.planID)
        var checked = 0
        for round in overview.rounds where round.status == "prepared" {
            let stored = try #require(
                try w.store.reading { sql in try w.draw.currentCommitment(sql, planID: w.planID, group: round.group, round: round.round) })
            let c = stored.commitment
            var population: [String: Int] = [:]
            for m in c.population { population[m.quotaClass.rawValue, default: 0] += 1 }
            #expect(round.population == population)
            #expect(round.quota == Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0.rawValue, c.quotas[$0] ?? 0) }))
            #expect(round.visits == Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0.rawValue, c.visits[$0] ?? 1) }))
            #expect(round.watchlisted == c.population.filter { !$0.watch.isEmpty }.count)
            #expect(round.commitment == stored.hash)
            checked += 1
        }
        #expect(checked == overview.rounds.filter { $0.status != "not prepared" }.count && checked > 0)
    }
}
