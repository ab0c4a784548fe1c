import Fixtures
import Foundation
import GRDB
import Logging
import Pipeline
import Testing

@testable import Stages

/// The night's fingerprint (NightFingerprint.swift): a night with nothing to do skips its
/// commitments with the same store and outputs as a full recomputation; every kind of change is noticed.
@Suite struct NightFingerprintTests {
    /// The demo's first night in a fresh workspace: the 2024 plan, registers, inspectors, avoidance.
    static func demoWorkspace() throws -> (folder: TemporaryFolder, configuration: Stages.Configuration) {
        let (folder, configuration) = try NightlyRunTests.workspace()
        try copyInbox(FixtureFiles.url("demo/night-1/inbox").path, into: folder)
        return (folder, configuration)
    }

    /// Copies every file of a demo inbox into the workspace's inbox.
    static func copyInbox(_ source: String, into folder: TemporaryFolder) throws {
        let files = try #require(FileManager.default.subpathsOfDirectory(atPath: source) as [String]?)
        for relative in files.sorted() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            let target = folder.path("inbox/" + relative)
            try FileManager.default.createDirectory(
                atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source + "/" + relative, toPath: target)
        }
    }

    /// Runs a night; returns its report and whether it skipped its commitments (fingerprint matched).
    static func night(_ configuration: Stages.Configuration, _ date: String) throws -> (report: NightReport, skipped: Bool) {
        let day = try CivilDate(parsing: date)
        let seen = Checkpoints()
        let report = try NightlyRun(
            configuration: configuration, today: day, clock: .fixed(try Date("\(date)T22:00:00Z", strategy: .iso8601)),
            logger: NightlyRunTests.silent, checkpoint: { seen.add($0) }
        ).run()
        return (report, seen.names.contains("unchanged"))
    }

    /// The checkpoints a run passed.
    final class Checkpoints: @unchecked Sendable {
        var names: [String] = []
        func add(_ name: String) { names.append(name) }
    }

    /// The store's fingerprints, one line per group and round.
    static func fingerprint(_ configuration: Stages.Configuration) throws -> [String] {
        let store = try Store(path: configuration.resolvedPath(\.store))
        defer { try? store.close() }
        return try store.read { db in
            try String.fetchAll(
                db, sql: "SELECT group_key || ' R' || round || ' ' || sha256 FROM night_fingerprints ORDER BY plan_id, group_key, round")
        }
    }

    /// Runs SQL on the workspace's store.
    static func execute(_ configuration: Stages.Configuration, _ sql: String) throws {
        let store = try Store(path: configuration.resolvedPath(\.store))
        defer { try? store.close() }
        try store.write { db in try db.execute(sql: sql) }
    }

    /// Every table's rows, in storage order, as text.
    static func dump(_ configuration: Stages.Configuration) throws -> [String] {
        let store = try Store(path: configuration.resolvedPath(\.store))
        defer { try? store.close() }
        return try store.read { db in
            var lines: [String] = []
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") {
                lines.append(table)
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)") {
                    lines.append(row.databaseValues.map(\.description).joined(separator: ","))
                }
            }
            return lines
        }
    }

    /// Every file of the workspace but the store and its lock, by workspace-relative path.
    static func files(_ folder: TemporaryFolder) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: folder.path("")) where !relative.hasPrefix("suiji.sqlite") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path(relative), isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            out[relative] = Array(try Data(contentsOf: URL(fileURLWithPath: folder.path(relative))))
        }
        return out
    }

    /// A copy of a workspace, with its configuration.
    static func copy(_ folder: TemporaryFolder) throws -> (folder: TemporaryFolder, configuration: Stages.Configuration) {
        let copy = try TemporaryFolder()
        try FileManager.default.removeItem(atPath: copy.path(""))
        try FileManager.default.copyItem(atPath: folder.path(""), toPath: copy.path(""))
        return (copy, try Stages.Configuration.load(path: copy.path("suiji.toml")))
    }

    @Test func aNightWithNothingToDoSkipsWithTheSameStoreAndOutputsAsAFullRecomputation() throws {
        let (folder, configuration) = try Self.demoWorkspace()
        defer { folder.cleanup() }
        let first = try Self.night(configuration, "2023-12-28")
        #expect(!first.skipped)
        #expect(first.report.commitmentsPrepared.count == 37)
        #expect(try Self.fingerprint(configuration).map(\.count) == Array(repeating: 8 + 1 + 2 + 1 + 64, count: 37))
        let storeBytes = try Data(contentsOf: URL(fileURLWithPath: configuration.resolvedPath(\.store)))
        // The full recomputation: the same workspace with its fingerprint damaged.
        let (full, fullConfiguration) = try Self.copy(folder)
        defer { full.cleanup() }
        try Self.execute(fullConfiguration, "UPDATE night_fingerprints SET sha256 = 'damaged'")

        let skipped = try Self.night(configuration, "2023-12-28")
        let recomputed = try Self.night(fullConfiguration, "2023-12-28")
        #expect(skipped.skipped)
        #expect(!recomputed.skipped)
        #expect(skipped.report == recomputed.report)
        #expect(skipped.report == first.report)
        let (a, b) = (try Self.dump(configuration), try Self.dump(fullConfiguration))
        #expect(a == b)
        #expect(try Self.files(folder) == Self.files(full))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: configuration.resolvedPath(\.store))) == storeBytes, "a skipped night writes nothing")
        #expect(try Self.fingerprint(fullConfiguration) == Self.fingerprint(configuration), "the full path wrote it anew")
    }

    @Test func aMissingFingerprintTakesTheFullPathAndWritesTheSameOneAgain() throws {
        let (folder, configuration) = try Self.demoWorkspace()
        defer { folder.cleanup() }
        _ = try Self.night(configuration, "2023-12-28")
        let stored = try Self.fingerprint(configuration)
        try Self.execute(configuration, "DELETE FROM night_fingerprints")
        let again = try Self.night(configuration, "2023-12-28")
        #expect(!again.skipped)
        #expect(again.report.commitmentsPrepared.count == 37)
        #expect(try Self.fingerprint(configuration) == stored)
        #expect(try Self.night(configuration, "2023-12-28").skipped)
    }

    /// Night 1, a change, the same night again: the change must be noticed (full path, a new
    /// fingerprint), and the night after it has nothing to do again.
    static func expectNoticed(
        date: String = "2023-12-28", before: (TemporaryFolder, Stages.Configuration) throws -> Void = { _, _ in },
        newFingerprint: Bool = true,
        _ change: (TemporaryFolder, Stages.Configuration) throws -> Stages.Configuration,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let (folder, configuration) = try Self.demoWorkspace()
        defer { folder.cleanup() }
        _ = try Self.night(configuration, "2023-12-28")
        try before(folder, configuration)
        #expect(try Self.night(configuration, date).skipped, "nothing changed yet", sourceLocation: sourceLocation)
        let old = try Self.fingerprint(configuration)
        let changed = try change(folder, configuration)
        #expect(try !Self.night(changed, date).skipped, "the change is noticed", sourceLocation: sourceLocation)
        #expect(try (Self.fingerprint(changed) != old) == newFingerprint, sourceLocation: sourceLocation)
        #expect(try Self.night(changed, date).skipped, "and then nothing is new", sourceLocation: sourceLocation)
    }

    /// A demo file without its last row, put in the inbox under another name (a new snapshot).
    static func shortened(_ demo: String, as relative: String, in folder: TemporaryFolder) throws {
        var bytes = Array(try Data(contentsOf: FixtureFiles.url("demo/night-1/inbox/" + demo)))
        while bytes.last == 0x0A || bytes.last == 0x0D { bytes.removeLast() }
        let end = try #require(bytes.lastIndex(of: 0x0A))
        let path = folder.path("inbox/" + relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes[...end]).write(to: URL(fileURLWithPath: path))
    }

    @Test func aNewRegisterSnapshotIsNoticed() throws {
        try Self.expectNoticed { (folder: TemporaryFolder, configuration: Stages.Configuration) in
            try Self.shortened(
                "registers/原平市住房和城乡建设管理局/建设领域企业-2023-12.csv", as: "registers/原平市住房和城乡建设管理局/建设领域企业-2024-01.csv", in: folder)
            return configuration
        }
    }

    @Test func aNewInspectorRegisterIsNoticed() throws {
        try Self.expectNoticed { (folder: TemporaryFolder, configuration: Stages.Configuration) in
            try Self.shortened(
                "inspectors/原平市住房和城乡建设管理局/执法人员名录.csv", as: "inspectors/原平市住房和城乡建设管理局/执法人员名录-2024.csv", in: folder)
            return configuration
        }
    }

    @Test func aNewAvoidanceListIsNoticed() throws {
        try Self.expectNoticed { (folder: TemporaryFolder, configuration: Stages.Configuration) in
            let demo = try Data(contentsOf: FixtureFiles.url("demo/night-1/inbox/avoidance/回避名单.csv"))
            try (demo + Data("140981040002,92140981MAN885KJ6K,曾任职\r\n".utf8)).write(
                to: URL(fileURLWithPath: folder.path("inbox/avoidance/回避名单-2024.csv")))
            return configuration
        }
    }

    @Test func aNewWatchlistIsNoticed() throws {
        try Self.expectNoticed { (folder: TemporaryFolder, configuration: Stages.Configuration) in
            let list = try folder.write("watch.csv", "统一社会信用代码\n91140981MA0K00001T\n")
            let store = try Store(path: configuration.resolvedPath(\.store))
            defer { try? store.close() }
            _ = try ListImporter(store: store).run(ListImportRequest(kind: .watchlist, path: list, scope: "投诉举报"))
            return configuration
        }
    }

    @Test func newResultsAreNoticed() throws {
        try Self.expectNoticed(
            date: "2024-01-03",
            before: { folder, configuration in
                try Self.copyInbox(FixtureFiles.url("demo/night-2/inbox").path, into: folder)
                #expect(try Self.night(configuration, "2024-01-03").report.draws == 4)
                #expect(try Self.night(configuration, "2024-01-03").skipped, "the rounds drawn left the selection")
            },
            { folder, configuration in
                try Self.copyInbox(FixtureFiles.url("demo/night-3/inbox").path, into: folder)
                return configuration
            })
    }

    @Test func aLaterDayThatSelectsANewRoundIsNoticed() throws {
        let (folder, configuration) = try Self.demoWorkspace()
        defer { folder.cleanup() }
        _ = try Self.night(configuration, "2023-12-28")
        try Self.copyInbox(FixtureFiles.url("demo/night-2/inbox").path, into: folder)
        #expect(try Self.night(configuration, "2024-01-03").report.draws == 4)
        #expect(try Self.night(configuration, "2024-01-03").skipped, "the rounds drawn left the selection")
        #expect(try Self.night(configuration, "2024-01-04").skipped, "the same rounds are due: nothing to do")
        // 2024-G35 is quarterly: its round 2 comes within the lead time in March.
        let march = try Self.night(configuration, "2024-03-20")
        #expect(!march.skipped)
        #expect(march.report.commitmentsPrepared.map { "\($0.group) R\($0.round)" } == ["2024-G35 R2"])
        #expect(try Self.night(configuration, "2024-03-21").skipped)
    }

    @Test func aChangedConfigurationIsNoticed() throws {
        try Self.expectNoticed { folder, _ in
            let path = folder.path("suiji.toml")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try (text + "\n[inspectors]\nfrom_initiator = 3\n").write(toFile: path, atomically: true, encoding: .utf8)
            return try Stages.Configuration.load(path: path)
        }
    }

    /// A commitment prepared by hand that differs from the night's (the same one again changes
    /// nothing): the night makes its own current again, so the fingerprints are the earlier ones.
    @Test func aCommitmentPreparedByHandIsNoticed() throws {
        try Self.expectNoticed(newFingerprint: false) { (_: TemporaryFolder, configuration: Stages.Configuration) in
            let store = try Store(path: configuration.resolvedPath(\.store))
            defer { try? store.close() }
            let draws = try DrawStore(store: store, configuration: configuration)
            let (plan, id) = try draws.plan(year: 2024, region: "140981", configuration: configuration)
            _ = try draws.prepare(plan: plan, planID: id, tasks: [2], round: nil, allowPartialTeams: true)
            return configuration
        }
    }

    /// A draw by hand whose group's next round is within the lead time (2024-G35 is quarterly).
    @Test func aDrawIsNoticed() throws {
        try Self.expectNoticed(date: "2024-03-20") { (_: TemporaryFolder, configuration: Stages.Configuration) in
            let store = try Store(path: configuration.resolvedPath(\.store))
            defer { try? store.close() }
            let draws = try DrawStore(store: store, configuration: configuration)
            let (plan, id) = try draws.plan(year: 2024, region: "140981", configuration: configuration)
            _ = try draws.run(plan: plan, planID: id, seed: "by-hand", tasks: [35], round: nil, reason: nil)
            return configuration
        }
    }
}
