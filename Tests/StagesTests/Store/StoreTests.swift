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

/// A read-only store reads the file in place, in one snapshot, and writes nothing (issue 20).
@Suite("Read-only store") struct ReadOnlyStoreTests {
    @Test func aReadOnlyStoreReadsTheFileInOneSnapshotThatAWriterWaitsFor() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        let writer = try Store(path: path, busyTimeout: 0.2)
        try writer.write { db in try db.execute(sql: "INSERT INTO uscc_overrides VALUES ('A', 'first', '2024-01-01')") }
        let before = try fileBytes(path)
        let reader = try Store(path: path, access: .readOnly)
        #expect(try reader.rowCount("uscc_overrides") == 1)
        // The reader's snapshot is the file's, held: a writer's commit waits for it and gives up
        // after its busy timeout, the store unchanged. (A copy in memory would not hold the file.)
        #expect(throws: DatabaseError.self) {
            try writer.write { db in try db.execute(sql: "INSERT INTO uscc_overrides VALUES ('B', 'second', '2024-01-02')") }
        }
        #expect(try reader.rowCount("uscc_overrides") == 1)
        #expect {
            try reader.write { db in try db.execute(sql: "DELETE FROM uscc_overrides") }
        } throws: { error in
            String(describing: error) == "\(path): error: the store was opened read-only (dry run); nothing may be written"
        }
        try reader.close()
        #expect(try fileBytes(path) == before)
        try writer.write { db in try db.execute(sql: "INSERT INTO uscc_overrides VALUES ('B', 'second', '2024-01-02')") }
        #expect(try Store(path: path, access: .readOnly).rowCount("uscc_overrides") == 2)
    }

    @Test func aStoreOfAnOlderSuijiIsReadMigratedInMemoryAndTheFileIsNotWritten() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator().migrate(queue, upTo: "v3: draw keys, watchlist, matter lists")
        try queue.write { db in try db.execute(sql: "INSERT INTO uscc_overrides VALUES ('A', 'first', '2024-01-01')") }
        try queue.close()
        let before = try fileBytes(path)
        let reader = try Store(path: path, access: .readOnly)
        #expect(try reader.appliedMigrations().last == "v5: register rows found by their imports' ranges")
        #expect(try reader.tableNames().contains("night_fingerprints"))
        #expect(try reader.rowCount("uscc_overrides") == 1)
        try reader.close()
        #expect(try fileBytes(path) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
    }

    /// A store of suiji before v5 (its partial index `register_rows_current`, no ranges) gets the
    /// ranges its imports would have recorded, from their rows, and loses the index; a re-import
    /// then finds its department's current rows as on a store made since. A store whose index was
    /// dropped by hand migrates too.
    @Test(arguments: [true, false]) func aStoreOfV4GetsItsImportsRangesFromTheirRows(withIndex: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        let made = try Store(path: path)
        _ = try importThreeRegisters(made, folder)
        let recorded = try registerRowRanges(made)
        try made.close()
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(
                sql: """
                    DROP TABLE register_row_ranges;
                    DELETE FROM grdb_migrations WHERE identifier LIKE 'v5:%';
                    """)
            if withIndex {
                try db.execute(
                    sql: "CREATE INDEX register_rows_current ON register_rows(department_id) WHERE valid_to_import IS NULL")
            }
        }
        try queue.close()
        let migrated = try Store(path: path)
        #expect(try migrated.appliedMigrations().count == 5)
        #expect(try registerRowRanges(migrated) == recorded)
        #expect(recorded == [[1, 1, 3, 1], [2, 4, 5, 2], [1, 6, 7, 3]])
        let indexes = try migrated.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'register_rows'")
        }
        #expect(indexes == [])
        let again = try importFile(migrated, folder.path("a1.csv"), allowMassRemoval: true)
        #expect(entityCounts(again) == [1, 1, 1, 1])
        #expect(try registerRowRanges(migrated) == recorded + [[1, 8, 9, 4]])
    }

    @Test func aMissingStoreReadsAsEmptyAndIsNotCreated() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("suiji.sqlite")
        let reader = try Store(path: path, access: .readOnly)
        #expect(try reader.rowCount("register_rows") == 0)
        #expect(try reader.appliedMigrations().count == 5)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    /// A new store's pages are 8 KiB, not SQLite's default 4 KiB (a bulk import writes half as many
    /// pages); a store made with other pages keeps them, as SQLite sets the size of an empty file
    /// only, and is migrated as any other.
    @Test func aNewStoreHasPagesOf8KiBAndAnOlderStoreKeepsItsOwn() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let fresh = try Store(path: folder.path("new.sqlite"))
        #expect(try fresh.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 8192)
        try fresh.close()
        let path = folder.path("old.sqlite")
        let queue = try DatabaseQueue(path: path)
        try StoreSchema.migrator().migrate(queue, upTo: "v3: draw keys, watchlist, matter lists")
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
        try queue.close()
        let older = try Store(path: path)
        #expect(try older.appliedMigrations().count == 5)
        #expect(try older.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
    }
}
