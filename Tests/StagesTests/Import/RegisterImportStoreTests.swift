import DevKit
import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// The SQLite side of the register import's seam (`SQLiteRegisterImport`).
@Suite("Register import, SQLite's side")
struct RegisterImportStoreTests {
    /// Imports `path` into `store` through the SQLite side, syncing the store file every
    /// `syncEvery` bytes of the file read; the report and how many times it synced.
    static func importSyncing(_ path: String, into store: Store, syncEvery: Int) throws -> (report: SnapshotImportReport, syncs: Int) {
        let request = SnapshotImportRequest(
            kind: .register, path: path, displayName: URL(fileURLWithPath: path).lastPathComponent, department: "原平市市场监督管理局",
            chunkSize: 4096)
        var syncs = 0
        let report = try importRegister(request, into: store) {
            SQLiteRegisterImport($0, runID: nil, syncEvery: syncEvery)
        } inspect: {
            syncs = $0.syncs
        }
        return (report, syncs)
    }

    /// Syncing the store file after every batch while the file is read (a first import and a
    /// re-import, into a store on disk) leaves exactly the store and reports of imports that sync
    /// only at their commit, and a store file that passes SQLite's integrity check.
    @Test func syncingTheStoreFileWhileReadingChangesNothingStored() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let (first, nextText) = try ReimportShortcutTests.versions(
            in: folder, first: RegisterGenerator(seed: 31, rows: 6_000, badRowRate: 0.01),
            new: RegisterGenerator(seed: 32, rows: 600, badRowRate: 0.01))
        let second = try folder.write("v2.csv", nextText)
        var runs: [(dump: [String], counts: [[Int]], syncs: [Int])] = []
        for syncEvery in [1, SQLiteRegisterImport.syncInterval] {
            let store = try Store(path: folder.path("store-\(syncEvery).sqlite"))
            let imports = try [first, second].map { try Self.importSyncing($0, into: store, syncEvery: syncEvery) }
            #expect(try store.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
            runs.append(
                (try ReimportShortcutTests.dump(store), imports.map { ReimportShortcutTests.counts($0.report) }, imports.map(\.syncs)))
        }
        // A sync after every batch written: the first import's three, the re-import's two.
        #expect(runs[0].syncs == [3, 2])
        #expect(runs[1].syncs == [0, 0])
        #expect(runs[0].counts == runs[1].counts)
        #expect(runs[0].dump == runs[1].dump)
    }

    /// After the rows, the store file is synced once more (while the new entities are added) if a
    /// quarter of the sync interval was read since the last sync, and not otherwise.
    @Test func theRowsAreSyncedOnceMoreAfterAQuarterOfTheInterval() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.register("v1.csv", RegisterGenerator(seed: 33, rows: 2_000, badRowRate: 0))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        var syncs: [Int] = []
        // The file's size is half of the first interval, and less than a quarter of the second.
        for (number, syncEvery) in [2 * size, 5 * size].enumerated() {
            let store = try Store(path: folder.path("store-\(number).sqlite"))
            syncs.append(try Self.importSyncing(path, into: store, syncEvery: syncEvery).syncs)
            #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM entities") } == 2_000)
        }
        #expect(syncs == [1, 0])
    }
}
