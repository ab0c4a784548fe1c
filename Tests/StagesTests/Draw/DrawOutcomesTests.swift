import Fixtures
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// Per-group outcomes, empty populations, the watchlist and joint visits over a store.
@Suite("draw outcomes", .serialized)
struct DrawOutcomesTests {
    static let header = "统一社会信用代码,企业名称,主体类型,行业类别,登记机关,行政区划代码,住所,法定代表人,信用风险分类,登记状态\n"

    /// One school (中小学校, class B) in the market regulator's register: in G06 (教育 with 市场)
    /// and in G09 (市场 with 教育, 各类学校 covers 中小学校); a 旅行社 for G33.
    static let schools =
        header + """
            91140981MA0K00001T,原平市第一实验小学,事业单位,中小学校,原平市市场监督管理局,140981,原平市一街,张三,B,存续
            91140981MA0K00002X,原平市远方旅行社有限公司,企业,旅行社,原平市市场监督管理局,140981,原平市二街,李四,C,存续

            """

    /// A workspace of those two entities with inspectors of 教育 (3) and 市场 (4), 公安 (6).
    static func schoolsWorkspace(configuration: Stages.Configuration = .defaults) throws -> DrawWorkspace {
        let w = try DrawWorkspace(register: schools, configuration: configuration)
        try DrawWorkspace.writeInspectors(w.folder, w.store, department: "原平市教育科技局", prefix: "JY", count: 3)
        return w
    }

    /// Each group is its own outcome: G09 (市场 with 教育) lacks 教育 inspectors and fails alone;
    /// G12 (公安 with 市场) is drawn and recorded.
    @Test func aGroupShortOfInspectorsFailsAlone() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        let prepared = try w.draw.prepare(plan: w.plan, planID: w.planID, tasks: [9, 12], round: nil)
        #expect(prepared.prepared.map(\.group.key) == ["2024-G09", "2024-G12"])
        let outcome = try w.draw.run(plan: w.plan, planID: w.planID, seed: "77", tasks: [9, 12], round: nil, reason: nil)
        #expect(outcome.done.map(\.entry.group) == ["2024-G12"])
        #expect(outcome.failed.map(\.group) == ["2024-G09"])
        #expect(outcome.failed.first?.reason.hasPrefix("原平市教育科技局 is 1 inspector(s) short for ") == true)
        #expect(try w.store.rowCount("draw_ledger") == 1)
        #expect(try w.store.verifyLedger().isValid)
        let error = DrawRunFailures(failed: outcome.failed)
        #expect(error.exitStatus == .dataRejected)
        #expect(
            error.description
                == "error: 1 group round(s) not drawn (nothing of them was recorded; the others were drawn):\n  2024-G09 round 1: \(outcome.failed[0].reason)"
        )
    }

    /// An empty population gets no commitment, so no ledger entry; `draw show` does not call it drawn.
    @Test func emptyPopulationsGetNoCommitment() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        // G21 (生态 with 住建) holds none of the market regulator's entities.
        let outcome = try w.draw.prepare(plan: w.plan, planID: w.planID, tasks: [21, 12], round: nil)
        #expect(outcome.prepared.map(\.group.key) == ["2024-G12"])
        #expect(
            outcome.empty == [RoundOutcome(group: "2024-G21", round: 1, Message(.drawEmptyNoCommitment))])
        #expect(try w.store.rowCount("draw_commitments") == 1)
        #expect(throws: DrawStoreError.self) {
            try w.draw.run(plan: w.plan, planID: w.planID, seed: "1", tasks: [21], round: nil, reason: nil)
        }
        #expect(try w.store.rowCount("draw_ledger") == 0)
        let overview = try w.draw.summaries(plan: w.plan, planID: w.planID)
        #expect(overview.rounds.first { $0.group == "2024-G21" }?.status == "not prepared")
        #expect(overview.tasksCovered == 0)
    }

    /// A commitment of an empty population left by an older store is not drawn and shows as empty.
    @Test func anOldEmptyCommitmentIsNotDrawn() throws {
        let w = try DrawWorkspace()
        defer { w.folder.cleanup() }
        let group = try #require(DrawGroups.form(w.plan).first { $0.key == "2024-G21" })
        let p = try Draw.prepare(
            group: group, round: 1, inputs: DrawInputs(entities: []), scopeMap: try w.draw.scopeMap(), saltKey: DrawWorkspace.saltKey)
        try w.store.write { db in
            try db.execute(
                sql: """
                    INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq)
                    VALUES (?, '2024-G21', 1, ?, ?, 'x', '2024-01-01T00:00:00Z', 1)
                    """, arguments: [w.planID, p.hash, p.commitment.privateValue.canonicalText])
        }
        let outcome = try w.draw.run(plan: w.plan, planID: w.planID, seed: "1", tasks: [21], round: nil, reason: nil)
        #expect(outcome.done.isEmpty && outcome.failed.isEmpty)
        #expect(outcome.empty == [RoundOutcome(group: "2024-G21", round: 1, Message(.drawEmptyPopulation))])
        #expect(outcome.empty.map(\.description) == ["2024-G21 round 1: the population is empty: nothing to draw"])
        #expect(outcome.empty.map { MessageCatalogue(.zh)($0.line) } == ["2024-G21 第 1 轮：抽查对象为空：没有可抽取的内容"])
        #expect(try w.store.rowCount("draw_ledger") == 0)
        #expect(try w.draw.summaries(plan: w.plan, planID: w.planID).rounds.first { $0.group == "2024-G21" }?.status == "empty")
    }

    /// 重点关注: a watchlisted entity is drawn as class D under the default rule, its reason is in
    /// the commitment (private form) and hidden in the public form.
    @Test func theWatchlistIsRecordedAndDrawsAsClassD() throws {
        let w = try Self.schoolsWorkspace()
        defer { w.folder.cleanup() }
        let list = try w.folder.write("abnormal.csv", "统一社会信用代码,名称,列入原因\n91140981MA0K00002X,原平市远方旅行社有限公司,通过登记的住所无法联系\n")
        _ = try ListImporter(store: w.store).run(ListImportRequest(kind: .watchlist, path: list, scope: "经营异常名录"))
        let p = try #require(try w.draw.prepare(plan: w.plan, planID: w.planID, tasks: [33], round: nil).prepared.first)
        let member = try #require(p.commitment.population.first)
        #expect(member == PopulationMember(uscc: "91140981MA0K00002X", riskClass: .C, watch: ["经营异常名录"], rule: .classD))
        #expect(member.quotaClass == .D)
        #expect(p.commitment.classCounts == [.A: 0, .B: 0, .C: 0, .D: 1])
        #expect(p.commitment.privateValue.canonicalText.contains(#""watch":["经营异常名录"]"#))
        #expect(p.commitment.privateValue.canonicalText.contains(#""watchlist":"class-d","watchlisted":1"#))
        #expect(!p.commitment.publicValue.canonicalText.contains("经营异常名录"))
        // Under `off` the list changes nothing and is not recorded.
        var off = Stages.Configuration.defaults
        off.draw.watchlist = .off
        let other = try DrawStore(store: w.store, configuration: off, randomKey: { DrawWorkspace.saltKey })
        let q = try #require(try other.prepare(plan: w.plan, planID: w.planID, tasks: [33], round: nil).prepared.first)
        #expect(q.commitment.population.first?.watch == [])
        #expect(q.commitment.classCounts[.C] == 1)
    }

    /// 一业一查: the school drawn by G06 and by G09 (departments 教育 and 市场 both, windows 1–11) is
    /// one visit: recorded in G09's ledger entry, shown with one team of each department's inspectors.
    @Test func anEntityDrawnByTwoGroupsIsVisitedOnce() throws {
        let w = try Self.schoolsWorkspace()
        defer { w.folder.cleanup() }
        _ = try w.draw.prepare(plan: w.plan, planID: w.planID, tasks: [6, 9], round: nil)
        let outcome = try w.draw.run(plan: w.plan, planID: w.planID, seed: "2024", tasks: [6, 9], round: nil, reason: nil)
        #expect(outcome.failed == [])
        #expect(outcome.done.map(\.entry.group) == ["2024-G06", "2024-G09"])
        let results = try outcome.done.map { try $0.entry.result() }
        #expect(results[0].jointVisits == [])
        #expect(results[1].jointVisits == [JointVisitRecord(uscc: "91140981MA0K00001T", with: [1])])
        #expect(try w.store.verifyLedger().isValid)
        let assignments = try w.draw.assignments(plan: w.plan, planID: w.planID)
        #expect(assignments.count == 2)
        let joint = try #require(assignments.first?.jointVisit)
        #expect(assignments.allSatisfy { $0.jointVisit == joint })
        #expect(joint.draws == ["2024-G06 round 1 (ledger #1)", "2024-G09 round 1 (ledger #2)"])
        #expect(joint.window == "2024-01-01…2024-11-30")
        // One team: G06's 教育 (initiator, 2) and 市场 (1) inspectors; G09's teams of the same departments are not added.
        #expect(joint.team == (assignments[0].inspectors))
        #expect(Set(joint.team.map(\.department)) == ["原平市教育科技局", "原平市市场监督管理局"])
        let g06 = try #require(w.plan.tasks.first { $0.seq == 6 }), g09 = try #require(w.plan.tasks.first { $0.seq == 9 })
        #expect(joint.matters == g06.matters + g09.matters.filter { !g06.matters.contains($0) })
        #expect(
            assignments[1].text.contains(
                "[joint visit: 2024-G06 round 1 (ledger #1) + 2024-G09 round 1 (ledger #2), 2024-01-01…2024-11-30; one team: "))
    }

    /// With `[draw] joint_visits = false` nothing is recorded or shown.
    @Test func jointVisitsCanBeTurnedOff() throws {
        var configuration = Stages.Configuration.defaults
        configuration.draw.jointVisits = false
        let w = try Self.schoolsWorkspace(configuration: configuration)
        defer { w.folder.cleanup() }
        _ = try w.draw.prepare(plan: w.plan, planID: w.planID, tasks: [6, 9], round: nil)
        let outcome = try w.draw.run(plan: w.plan, planID: w.planID, seed: "2024", tasks: [6, 9], round: nil, reason: nil)
        #expect(try outcome.done.map { try $0.entry.result().jointVisits } == [nil, nil])
        #expect(try w.draw.assignments(plan: w.plan, planID: w.planID).allSatisfy { $0.jointVisit == nil })
        #expect(try w.store.verifyLedger().isValid)
    }
}
