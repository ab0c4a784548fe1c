import DevKit
import Foundation
import GRDB
import Logging
import Pipeline
import Testing

@testable import Stages

/// The hash recorded for an import is the hash of the bytes imported, computed in the same pass,
/// so a file that grows during an import cannot make a later, genuine file look already imported (issue 12).
@Suite(.serialized) struct GrowingFileTests {
    /// A register of 40,000 rows (about 9 MB, so the importer reports progress while it reads) and
    /// 50 more rows that are appended while it is imported.
    static let files: Result<(register: [UInt8], more: [UInt8]), any Error> = Result {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        try RegisterFileWriter.write(RegisterGenerator(seed: 31, rows: 40_000, badRowRate: 0), layout: .csv, to: folder.path("a.csv"))
        try RegisterFileWriter.write(RegisterGenerator(seed: 32, rows: 50, badRowRate: 0), layout: .csv, to: folder.path("b.csv"))
        let more = try fileBytes(folder.path("b.csv"))
        // b's rows without its header.
        return (try fileBytes(folder.path("a.csv")), Array(more.drop { $0 != 0x0A }.dropFirst()))
    }

    static func append(_ bytes: [UInt8], to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    static func lastImport(_ store: Store) throws -> (sha256: String, bytes: Int, rows: Int)? {
        try store.read { db in
            try Row.fetchOne(db, sql: "SELECT content_sha256, byte_count, rows_read FROM imports ORDER BY id DESC LIMIT 1").map {
                ($0["content_sha256"], $0["byte_count"], $0["rows_read"])
            }
        }
    }

    @Test func theHashRecordedIsOfTheBytesImportedWhenTheFileGrowsMidImport() throws {
        let (register, more) = try Self.files.get()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.write("register.csv", register)
        let store = try Store(path: folder.path("suiji.sqlite"))
        var importer = SnapshotImporter(store: store, clock: testClock)
        var appended = false
        importer.progress = { _ in
            guard !appended else { return }
            appended = true
            try? Self.append(more, to: path)
        }
        let report = try importer.run(SnapshotImportRequest(kind: .register, path: path, displayName: "register.csv", department: "甲"))
        #expect(appended)
        #expect(report.outcome == .imported)
        #expect(report.rowsRead == 40_050)
        let grown = register + more
        let recorded = try #require(try Self.lastImport(store))
        #expect(recorded.sha256 == SHA256.hexString(SHA256.digest(grown)))
        #expect(recorded.bytes == grown.count)
        #expect(report.sha256 == recorded.sha256)

        // The genuine file as it was before it grew is not "already imported": its rows differ.
        let original = try folder.write("original.csv", register)
        let again = try SnapshotImporter(store: store, clock: testClock).run(
            SnapshotImportRequest(kind: .register, path: original, displayName: "original.csv", department: "甲", allowMassRemoval: true))
        #expect(again.outcome == .imported)
        #expect(again.removed == 50)
        // And the grown file, whose rows the first import stored, is now new content again.
        let grownAgain = try SnapshotImporter(store: store, clock: testClock).run(
            SnapshotImportRequest(kind: .register, path: path, displayName: "register.csv", department: "甲"))
        #expect(grownAgain.outcome == .imported)
        #expect(grownAgain.added == 50)
    }

    @Test func aFileThatGrowsAfterItWasHashedIsRefusedAndStoresNothing() throws {
        let (register, more) = try Self.files.get()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.write("register.csv", register)
        let store = try Store(path: folder.path("suiji.sqlite"))
        let digest = try FileDigest.of(path: path)
        var importer = SnapshotImporter(store: store, clock: testClock)
        var appended = false
        importer.progress = { _ in
            guard !appended else { return }
            appended = true
            try? Self.append(more, to: path)
        }
        let report = try importer.run(
            SnapshotImportRequest(
                kind: .register, path: path, displayName: "register.csv", department: "甲", rejectsPath: folder.path("rejects.csv"),
                digest: digest))
        #expect(report.outcome == .changedWhileRead)
        #expect(report.status == .dataRejected)
        #expect(
            report.diagnostics.map(\.description) == [
                "register.csv: error: the file changed while it was read (\(register.count) bytes before, \(register.count + more.count) read; it is still being written?); nothing was stored, and it stays where it is for the next run"
            ])
        #expect(report.summary == "register.csv: the file changed while it was read; the store is unchanged")
        #expect(try store.rowCount("imports") == 0)
        #expect(try store.rowCount("register_rows") == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.path("rejects.csv")))
    }

    @Test func aNightLeavesAFileThatGrowsWhileItIsImportedAndTakesItWholeTheNextNight() throws {
        let (register, more) = try Self.files.get()
        let (folder, configuration) = try NightlyRunTests.workspace()
        defer { folder.cleanup() }
        try FileManager.default.createDirectory(atPath: folder.path("inbox/registers/甲"), withIntermediateDirectories: true)
        let path = try folder.write("inbox/registers/甲/register.csv", register)
        var appended = false
        let night = NightlyRun(
            configuration: configuration, today: try CivilDate(parsing: "2023-12-01"),
            clock: .fixed(try Date("2023-12-01T22:00:00Z", strategy: .iso8601)), logger: NightlyRunTests.silent,
            checkpoint: { point in
                guard point == "importing", !appended else { return }
                appended = true
                try? Self.append(more, to: path)
            })
        let first = try night.run()
        #expect(appended)
        #expect(
            first.ignored == [
                // In the pages' language (Chinese here).
                "inbox/registers/甲/register.csv (文件在读取期间发生变化（之前 \(register.count) 字节，读取了 \(register.count + more.count) 字节；还在写入吗？）；未保存任何内容，文件留在原处等下次运行)"
            ])
        #expect(FileManager.default.fileExists(atPath: path))
        let store = try Store(path: folder.path("suiji.sqlite"), access: .readOnly)
        #expect(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM imports WHERE kind = 'register'") } == 0)
        try store.close() // a read-only store holds its snapshot, which the next night's commit would wait for

        let second = try NightlyRunTests.night(configuration, "2023-12-02")
        #expect(second.rowsImported == 40_050)
        #expect(!FileManager.default.fileExists(atPath: path))
        let after = try Store(path: folder.path("suiji.sqlite"), access: .readOnly)
        let recorded = try #require(try Self.lastImport(after))
        #expect(recorded.sha256 == SHA256.hexString(SHA256.digest(register + more)))
    }
}
