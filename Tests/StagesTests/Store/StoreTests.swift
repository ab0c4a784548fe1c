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

/// The store's lock is on its canonical path (issue 12).
@Suite("Run lock") struct RunLockTests {
    @Test func everyNameOfOneStoreReachesOneLock() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = folder.path("s.sqlite")
        _ = try Store(path: store)
        try FileManager.default.createDirectory(atPath: folder.path("sub"), withIntermediateDirectories: true)
        #expect(symlink(store, folder.path("link.sqlite")) == 0)
        #expect(symlink(folder.url.path, folder.path("alias")) == 0)
        let real = RunLock.canonicalPath(store)
        let names = [
            store, folder.url.path + "/./s.sqlite", folder.path("sub") + "/../s.sqlite", folder.path("link.sqlite"),
            folder.path("alias") + "/s.sqlite",
        ]
        for name in names {
            #expect(RunLock.path(forStore: name) == real + ".lock", "\(name)")
        }
        // Two writers, each through a different name: the second is refused.
        for (first, second) in zip(names, names.dropFirst() + names.prefix(1)) {
            let held = try RunLock.acquire(path: RunLock.path(forStore: first), command: "import")
            #expect(throws: RunLockHeld.self, "\(first) then \(second)") {
                _ = try RunLock.acquire(path: RunLock.path(forStore: second), command: "import")
            }
            withExtendedLifetime(held) {}
        }
        // A store not yet made: its folder's real path and its name.
        #expect(RunLock.path(forStore: folder.path("alias") + "/new.sqlite") == RunLock.canonicalPath(folder.path("new.sqlite")) + ".lock")
        #expect(RunLock.canonicalPath(folder.path("alias") + "/new.sqlite") == (real as NSString).deletingLastPathComponent + "/new.sqlite")
    }

    @Test func aLockHoldersNameIsReadWithoutTakingTheLock() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = folder.path("s.sqlite")
        #expect(RunLock.holder(ofStore: store) == nil)
        let held = try RunLock.acquire(path: RunLock.path(forStore: store), command: "import")
        #expect(RunLock.holder(ofStore: store) == RunLock.Holder(pid: getpid(), command: "import"))
        // Reading the holder did not take or drop anything: the lock is still held.
        #expect(throws: RunLockHeld.self) { _ = try RunLock.acquire(path: RunLock.path(forStore: store)) }
        withExtendedLifetime(held) {}
    }
}

/// A store made by a newer suiji is refused, and not written (issue 12).
@Suite("Newer store") struct NewerStoreTests {
    /// Migration v5: a store made before it keeps its rows, and an import's load of the current
    /// register is answered from the index alone, without a seek into the table per row.
    @Test func aV4StoreMigratesAndTheImportsLoadReadsTheCoveringIndex() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator().migrate(queue, upTo: "v4: night fingerprints")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO departments (id, name) VALUES (1, '原平市市场监督管理局')")
            for id in 1...2 {
                try db.execute(
                    sql: """
                        INSERT INTO imports (id, kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at)
                        VALUES (?, 'register', 1, 'register:1', 'r.csv', 'x', 1, '2024-01-01T00:00:00Z')
                        """, arguments: [id])
            }
            for (id, uscc, hash, to) in [
                (1, "91140981MA0000001X", 11, 2 as Int?), (2, "91140981MA0000002X", 22, nil), (3, "91140981MA0000001X", 33, nil),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO register_rows (id, department_id, uscc, name, entity_type, category, region_code, status, row_hash, valid_from_import, valid_to_import)
                        VALUES (?, 1, ?, 'n', '企业', 'c', '140981', '存续', ?, 1, ?)
                        """, arguments: [id, uscc, hash, to])
            }
        }
        try queue.close()
        let store = try Store(path: path)
        defer { try? store.close() }
        #expect(try store.appliedMigrations().last == "v5: the current register's index covers the import's key table")
        try store.read { db in
            let rows = try Row.fetchAll(db, sql: RegisterAdapter.currentRowsSQL, arguments: [1]).map { row -> String in
                let id: Int64 = row[0]
                let uscc: String = row[1]
                let hash: Int64 = row[2]
                return "\(id) \(uscc) \(hash)"
            }
            #expect(rows == ["2 91140981MA0000002X 22", "3 91140981MA0000001X 33"])
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + RegisterAdapter.currentRowsSQL, arguments: [1]).map {
                $0["detail"] as String?
            }
            #expect(plan == ["SEARCH register_rows USING COVERING INDEX register_rows_current (department_id=?)"])
        }
    }

    @Test func aStoreWithAMigrationThisSuijiDoesNotKnowIsRefusedAndNotWritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        try Store(path: path).close()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9: from the future')") }
        try queue.close()
        let before = try fileBytes(path)
        let message =
            "\(path): error: the store was made by a newer suiji (it has migration 'v9: from the future', which this one does not know); "
            + "nothing was read or written. Use that newer suiji (or a later one) with this store"
        for access in [StoreAccess.readWrite, .readOnly] {
            #expect {
                _ = try Store(path: path, access: access)
            } throws: { error in
                String(describing: error) == message
            }
        }
        #expect(try fileBytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }
}
