import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

/// The store's own files are SQLite's alone (issue 12).
@Suite("Store") struct StoreTests {
    @Test func theStoreKnowsItsFilesThroughAnyLinkAndOpensNone() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        let store = try Store(path: path)
        #expect(link(path, folder.path("hard.csv")) == 0)
        #expect(symlink(path, folder.path("soft.csv")) == 0)
        let other = try folder.write("other.csv", "uscc\n")
        #expect(store.isStoreFile(path))
        #expect(store.isStoreFile(folder.path("hard.csv")))
        #expect(store.isStoreFile(folder.path("soft.csv")))
        #expect(!store.isStoreFile(other))
        #expect(!store.isStoreFile(folder.path("missing.csv")))
        // A journal beside the store (here: a stand-in, since SQLite removes its own on commit).
        let journal = try folder.write("suiji.sqlite-journal", "x")
        #expect(link(journal, folder.path("journal.csv")) == 0)
        #expect(store.isStoreFile(folder.path("journal.csv")))
        #expect(try !Store.inMemory().isStoreFile(path))
    }

    @Test func anImportOfTheStoreItselfIsRefusedUnopened() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        let store = try Store(path: path)
        #expect(link(path, folder.path("register.csv")) == 0)
        let before = try fileBytes(path)
        let report = try importFile(store, folder.path("register.csv"))
        #expect(report.outcome == .fileRejected)
        #expect(
            report.diagnostics.map(\.description) == [
                "register.csv: error: this file is the store itself (\(path)) or one of its journals; suiji never reads its own store as input. Nothing was done"
            ])
        let results = try ResultsImporter(store: store, clock: testClock).run(
            ResultsImportRequest(path: folder.path("register.csv"), displayName: "results.csv", year: 2024, region: "140981"))
        #expect(results.outcome == .fileRejected)
        #expect(results.diagnostics.first?.message.hasPrefix("this file is the store itself") == true)
        #expect(try fileBytes(path) == before)
    }
}
