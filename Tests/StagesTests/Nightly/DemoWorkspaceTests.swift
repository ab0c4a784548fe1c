import Fixtures
import Foundation
import GRDB
import Logging
import Pipeline
import Testing

@testable import Stages

/// The demo county, run in process once (`suiji demo`'s three nights): its quotas, a public bundle
/// of one of its draws, and a ledger whose last entry is deleted (issue 15's must-show).
@Suite(.serialized) struct DemoWorkspaceTests {
    /// The demo workspace after its three nights.
    static let demo: Result<(folder: TemporaryFolder, configuration: Stages.Configuration), any Error> = Result {
        let folder = try TemporaryFolder()
        let result = try DemoWorkspace(
            path: folder.path("county"), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        ).run()
        guard result.status == .success else { throw StoreError(path: folder.path("county"), Message(verbatim: result.summary)) }
        return (folder, try Stages.Configuration.load(path: folder.path("county/suiji.toml")))
    }

    static func draws() throws -> (DrawStore, AnnualPlan, Int64) {
        let (_, configuration) = try demo.get()
        let store = try Store(path: configuration.resolvedPath(\.store), access: .readOnly)
        let draws = try DrawStore(store: store, configuration: configuration)
        let (plan, id) = try draws.plan(year: 2024, region: "140981", configuration: configuration)
        return (draws, plan, id)
    }

    /// The demo county's registers (after night 1): 46 group rounds, 51 task rounds. The quota
    /// property and the total hold wherever the plan's ratio does not bind; it binds in four task
    /// rounds (100% of G21, 30% of G22, G33's two 5% tasks over 42 entities whose exact shares sum to
    /// exactly 2). Class A is drawn at a higher rate than B in two group rounds, by the integers:
    /// - G01 (10%): Σ e = 6.35 needs 7, the floors give 5; the two extra objects go to the largest
    ///   remainders, A 0.45 and D 0.4 (tied with C, D is the higher class); B's 0.1 is the smallest.
    /// - G23 (10%): Σ e = 5.05 needs 6, the floors give 4; only A (0.45) and D (0.6) have remainders:
    ///   B's share 2 and C's 1 are whole, so the quota property leaves no other class to take one.
    @Test func quotasOfTheDemoCounty() throws {
        let (draws, plan, _) = try Self.draws()
        let audit = try draws.quotaAudit(plan: plan)
        #expect(audit.rounds == 46)
        #expect(audit.rows.count == 51)
        #expect(
            audit.rows.filter(\.planBinds).map { "\($0.group) task \($0.task)" } == [
                "2024-G21 task 21", "2024-G22 task 22", "2024-G33 task 33", "2024-G33 task 34",
            ])
        #expect(audit.violations == [])
        #expect(
            audit.aAboveB.map(\.line) == [
                "2024-G01 round 1 task 1: n A 9, B 21, C 7, D 3; e A 0.45, B 2.1, C 1.4, D 2.4 (Σ 6.35 → 7); q A 1, B 2, C 1, D 3; A 1/9 above B 2/21",
                "2024-G23 round 1 task 23: n A 9, B 20, C 5, D 2; e A 0.45, B 2, C 1, D 1.6 (Σ 5.05 → 6); q A 1, B 2, C 1, D 2; A 1/9 above B 2/20",
            ])
    }

    /// The public bundle of a demo draw holds no risk class, watchlist reason, avoidance pair,
    /// inspector id or secret, and verifies in Swift and in Python; the auditor bundle of the same
    /// draw yields exactly that public bundle.
    @Test func aPublicBundleOfTheDemo() throws {
        let (folder, configuration) = try Self.demo.get()
        let (draws, _, id) = try Self.draws()
        let (auditor, _) = try draws.bundle(planID: id, group: "2024-G35", round: 1)
        let published = auditor.publicBundle
        #expect(published.verify().isValid)
        #expect(auditor.verify().isValid)
        let text = published.prettyJSON
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        var keys: Set<String> = []
        func walk(_ v: Any) {
            if let o = v as? [String: Any] {
                keys.formUnion(o.keys)
                o.values.forEach(walk)
            } else if let a = v as? [Any] {
                a.forEach(walk)
            }
        }
        walk(value)
        for hidden in ["class", "watch", "secret", "inspectorPools", "avoidance", "matching", "assignments", "shortTeams"] {
            #expect(!keys.contains(hidden), "\(hidden)")
        }
        let inspectorIds = try DatabaseQueue(path: configuration.resolvedPath(\.store)).read { db in
            try String.fetchAll(db, sql: "SELECT inspector_id FROM inspector_rows")
        }
        #expect(inspectorIds.count > 40)
        for inspector in inspectorIds { #expect(!text.contains(inspector), "\(inspector)") }
        #expect(published.sample.count == auditor.sample.values.reduce(0) { $0 + $1.count })
        // Both verify in Python (standard library only).
        for (name, json) in [("public.json", text), ("auditor.json", auditor.prettyJSON)] {
            let path = try folder.write(name, json)
            let (status, output) = try pythonVerify(path)
            #expect(output == "OK\n", "\(name)")
            #expect(status == 0)
        }
        // A changed sample is caught by the public checks too.
        var tampered = published
        tampered.sample[0] = "91140981MA0KXXXXXX"
        #expect(tampered.verify().differences.first == "91140981MA0KXXXXXX is drawn but not in the committed population")
        let path = try folder.write("tampered.json", tampered.prettyJSON)
        #expect(try pythonVerify(path).output.hasPrefix("91140981MA0KXXXXXX is drawn but not in the committed population\n"))
    }

    /// Deleting the ledger's last entry breaks no link of the chain; the commitment prepared after it
    /// names it as its head, and `--anchor` with the published head fails.
    @Test func deletingTheLedgersLastEntryIsDetected() throws {
        let (folder, configuration) = try Self.demo.get()
        let original = try Store(path: configuration.resolvedPath(\.store), access: .readOnly).verifyLedger()
        #expect(original.isValid)
        #expect(original.entries == 4)
        #expect(try Store(path: configuration.resolvedPath(\.store), access: .readOnly).verifyLedger(anchor: original.head).isValid)
        let copy = folder.path("tail-deleted.sqlite")
        try FileManager.default.copyItem(atPath: configuration.resolvedPath(\.store), toPath: copy)
        let queue = try DatabaseQueue(path: copy)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "DROP TRIGGER draw_ledger_no_delete")
            for table in ["inspector_assignments", "draw_selections"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE ledger_seq = 4")
            }
            try db.execute(sql: "DELETE FROM draw_ledger WHERE seq = 4")
        }
        try queue.close()
        let store = try Store(path: copy, access: .readOnly)
        let result = try store.verifyLedger(anchor: original.head)
        #expect(!result.isValid)
        #expect(result.entries == 3)
        #expect(
            result.problems == [
                "the commitment of 2024-G35 round 2 names ledger head \(original.head), which is not in the ledger: entries were deleted",
                "the anchor \(original.head) is not in the ledger (3 entries, head \(result.head)): entries after it were deleted, or it comes from another store",
            ])
    }
}
