import Fixtures
import Foundation
import GRDB
import Logging
import Pipeline
import Testing

@testable import Stages

/// Nothing under the inbox is followed through a symbolic link, and only regular files are taken (issue 12).
@Suite struct InboxTests {
    static let register = NightlyRunTests.register

    /// Links of every kind, a FIFO and a folder where a file goes; the files the links point to sit outside the inbox.
    static func hostileInbox() throws -> (folder: TemporaryFolder, configuration: Stages.Configuration, outside: String) {
        let (folder, configuration) = try NightlyRunTests.workspace()
        let outside = folder.path("outside")
        try NightlyRunTests.put(folder, "outside/department/登记表.csv", register)
        try NightlyRunTests.put(folder, "outside/results/r.csv", "任务序号,轮次,统一社会信用代码\n")
        try NightlyRunTests.put(folder, "outside/avoidance.csv", "执法证号,统一社会信用代码\n")
        try NightlyRunTests.put(folder, "inbox/registers/甲/好.csv", register)
        try FileManager.default.createDirectory(atPath: folder.path("inbox/avoidance"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path("inbox/plan/folder"), withIntermediateDirectories: true)
        #expect(symlink(outside + "/department", folder.path("inbox/registers/乙")) == 0)
        #expect(symlink(outside + "/department/登记表.csv", folder.path("inbox/registers/甲/链接.csv")) == 0)
        #expect(symlink(outside + "/results", folder.path("inbox/results")) == 0)
        #expect(symlink(outside + "/avoidance.csv", folder.path("inbox/avoidance/a.csv")) == 0)
        #expect(symlink(outside, folder.path("inbox/elsewhere")) == 0)
        #expect(mkfifo(folder.path("inbox/avoidance/pipe.csv"), 0o644) == 0)
        return (folder, configuration, outside)
    }

    static let leftAlone = [
        "elsewhere (a symbolic link: not followed)", "results (a symbolic link: not followed)",
        "plan/folder (a folder where a regular file was expected)", "registers/乙 (a symbolic link: not followed)",
        "registers/甲/链接.csv (a symbolic link: not followed)", "avoidance/a.csv (a symbolic link: not followed)",
        "avoidance/pipe.csv (a FIFO (named pipe): only regular files are taken)",
    ]

    /// ``leftAlone`` as the night says it, in the pages' language (Chinese here).
    static let leftAloneZh = [
        "elsewhere (符号链接：不跟随)", "results (符号链接：不跟随)", "plan/folder (此处应为普通文件，却是文件夹)", "registers/乙 (符号链接：不跟随)",
        "registers/甲/链接.csv (符号链接：不跟随)", "avoidance/a.csv (符号链接：不跟随)", "avoidance/pipe.csv (命名管道（FIFO）：只接收普通文件)",
    ]

    @Test func theScanListsLinksFifosAndFoldersAndTakesOnlyRegularFiles() throws {
        let (folder, configuration, _) = try Self.hostileInbox()
        defer { folder.cleanup() }
        let scan = Inbox(root: configuration.resolvedPath(\.paths.inbox)).scan()
        #expect(scan.files.map(\.relativePath) == ["plan/yuanping-2024.tsv", "registers/甲/好.csv"])
        #expect(scan.misplaced.isEmpty)
        #expect(scan.ignored == Self.leftAlone)
    }

    @Test func aNightReadsNoLinkAndMovesNothingALinkPointsTo() throws {
        let (folder, configuration, outside) = try Self.hostileInbox()
        defer { folder.cleanup() }
        let before = try FileManager.default.subpathsOfDirectory(atPath: outside).sorted()
        let bytes = try fileBytes(outside + "/department/登记表.csv")
        let report = try NightlyRunTests.night(configuration, "2023-12-01")
        #expect(report.ignored == Self.leftAloneZh.map { "inbox/" + $0 })
        #expect(report.files.map(\.path) == ["plan/yuanping-2024.tsv", "registers/甲/好.csv"])
        // The files the links point to are where they were, unread by any import; the links are in place.
        #expect(try FileManager.default.subpathsOfDirectory(atPath: outside).sorted() == before)
        #expect(try fileBytes(outside + "/department/登记表.csv") == bytes)
        for link in ["inbox/registers/乙", "inbox/registers/甲/链接.csv", "inbox/results", "inbox/avoidance/a.csv", "inbox/elsewhere"] {
            #expect(FileType.of(folder.path(link)) == .symbolicLink, "\(link)")
        }
        #expect(FileType.of(folder.path("inbox/avoidance/pipe.csv")) == .fifo)
        let store = try Store(path: folder.path("suiji.sqlite"), access: .readOnly)
        #expect(try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM departments ORDER BY name") } == ["甲"])
        #expect(
            report.text.contains(
                "Not taken, left in place (7)\n" + Self.leftAloneZh.map { "  inbox/" + $0 }.joined(separator: "\n")))
    }

    @Test func aLinkPutInPlaceOfAFileAfterTheScanIsNotFollowed() throws {
        let (folder, configuration) = try NightlyRunTests.workspace()
        defer { folder.cleanup() }
        try NightlyRunTests.put(folder, "outside.csv", Self.register)
        try FileManager.default.createDirectory(atPath: folder.path("inbox/registers/甲"), withIntermediateDirectories: true)
        #expect(symlink(folder.path("outside.csv"), folder.path("inbox/registers/甲/r.csv")) == 0)
        let store = try Store(path: folder.path("suiji.sqlite"))
        let file = InboxFile(
            kind: .register, relativePath: "registers/甲/r.csv", department: "甲", path: folder.path("inbox/registers/甲/r.csv"))
        let run = NightlyRun(configuration: configuration, today: try CivilDate(parsing: "2023-12-01"), logger: NightlyRunTests.silent)
        let left = try run.take(file, store: store, runID: 1) { _ in .imported(importID: 0) }
        #expect(left == "a symbolic link: not followed, nothing was read")
        #expect(FileType.of(folder.path("inbox/registers/甲/r.csv")) == .symbolicLink)
        // And an importer asked not to follow links refuses it before opening it.
        let report = try SnapshotImporter(store: store).run(
            SnapshotImportRequest(kind: .register, path: file.path, displayName: "r.csv", department: "甲", followsLinks: false))
        #expect(report.outcome == .fileRejected)
        #expect(report.diagnostics.map(\.description) == ["r.csv: error: a symbolic link: not followed, nothing was read"])
    }
}

/// `import FILE` of a FIFO, socket or device refuses at once (issue 12).
@Suite struct SpecialFileTests {
    /// Runs `body` on another thread and fails (instead of hanging the suite) if it takes longer than 20 s.
    static func withinTwentySeconds<T: Sendable>(_ body: @escaping @Sendable () throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        DispatchQueue.global().async {
            box.set(Result { try body() })
            done.signal()
        }
        guard done.wait(timeout: .now() + 20) == .success, let result = box.get() else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the import hung"])
        }
        return try result.get()
    }

    @Test(arguments: ["fifo", "socket", "device", "folder"])
    func anImportOfAFileThatIsNotRegularIsRefusedAtOnce(_ kind: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var path = folder.path("register.csv")
        let noun: String
        switch kind {
        case "fifo":
            #expect(mkfifo(path, 0o644) == 0)
            noun = "a FIFO (named pipe)"
        case "socket":
            let socket = try UnixSocket(path: path)
            defer { socket.close() }
            noun = "a socket"
        case "device":
            path = "/dev/zero"
            noun = "a character device"
        default:
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            noun = "a folder"
        }
        let storePath = folder.path("suiji.sqlite")
        let snapshot = try Self.withinTwentySeconds { [path] in
            try SnapshotImporter(store: try Store(path: storePath)).run(
                SnapshotImportRequest(kind: .register, path: path, displayName: "register.csv", department: "甲"))
        }
        #expect(snapshot.outcome == .fileRejected)
        #expect(
            snapshot.diagnostics.map(\.description) == [
                "register.csv: error: \(noun), not a regular file: suiji reads only regular files; nothing was read"
            ])
        let results = try Self.withinTwentySeconds { [path] in
            try ResultsImporter(store: try Store(path: storePath)).run(
                ResultsImportRequest(path: path, displayName: "results.csv", year: 2024, region: "140981"))
        }
        #expect(results.outcome == .fileRejected)
        // The reader itself refuses too (a file swapped after the check): no open that waits, no endless read.
        #expect(throws: MalformedFileError.self) { _ = try FileChunks(path: path, displayName: "register.csv", chunkSize: 16) }
        #expect(try Store(path: storePath).rowCount("imports") == 0)
    }
}

/// A value set on one thread and read on another.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<T, any Error>?
    func set(_ value: Result<T, any Error>) { lock.withLock { self.value = value } }
    func get() -> Result<T, any Error>? { lock.withLock { value } }
}

/// A listening Unix socket at a path, for tests.
struct UnixSocket {
    let descriptor: Int32

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.prefix(raw.count - 1).enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    func close() { _ = Foundation.close(descriptor) }
}

/// NUL and other control characters in names, departments and file names are refused with a
/// reason and never stored; printed, they are escaped (issue 12).
@Suite struct ControlCharacterInputTests {
    @Test func aDepartmentOrFileNameWithAControlCharacterIsRefusedAndNotStored() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store(path: folder.path("suiji.sqlite"))
        let register = try folder.write("register.csv", NightlyRunTests.register)
        let department = try SnapshotImporter(store: store).run(
            SnapshotImportRequest(kind: .register, path: register, displayName: "register.csv", department: "原平\u{0}局"))
        #expect(department.outcome == .fileRejected)
        #expect(
            department.diagnostics.map(\.description) == [
                "register.csv: error: the department name '原平\\u{0}局' holds a control character, U+0000 (NUL), at character 3; it is refused"
            ])
        let oddName = try folder.write("reg\u{1B}[2J.csv", NightlyRunTests.register)
        let file = try SnapshotImporter(store: store).run(
            SnapshotImportRequest(kind: .register, path: oddName, displayName: "reg\u{1B}[2J.csv", department: "甲"))
        #expect(file.outcome == .fileRejected)
        #expect(
            file.diagnostics.map(\.description) == [
                "reg\\u{1B}[2J.csv: error: the file name 'reg\\u{1B}[2J.csv' holds a control character, U+001B (ESC), at character 4; it is refused"
            ])
        #expect(file.summary == "reg\\u{1B}[2J.csv: the file was rejected; the store is unchanged")
        #expect(try store.rowCount("imports") == 0)
        #expect(try store.rowCount("departments") == 0)
    }

    @Test func rowsWithControlCharactersAreRejectedAndTheRejectsFileShowsThemEscaped() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        let register = try folder.write(
            "register.csv",
            "统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,住所\n"
                + "91140981MA0KDLX98K,原平\u{0}甲公司,企业,燃气经营企业,140981,存续,一街\n"
                + "91140981MA0KDLXA0U,原平市乙公司,企业,燃气经营企业,140981,存续,\"二街\n三号\"\n")
        let rejects = folder.path("rejects.csv")
        let report = try importFile(store, register, rejects: rejects)
        #expect(report.rowsImported == 1)
        #expect(
            report.diagnostics.map(\.description) == [
                "register.csv:2:2: error: name holds a control character, U+0000 (NUL), at character 3 [uscc=91140981MA0KDLX98K]"
            ])
        #expect(try currentRegister(store).map { $0[1] } == ["原平市乙公司"])
        #expect(
            String(decoding: try fileBytes(rejects).dropFirst(3), as: UTF8.self)
                == "统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,住所,line,reason\r\n"
                + "91140981MA0KDLX98K,原平\\u{0}甲公司,企业,燃气经营企业,140981,存续,一街,2,\"name holds a control character, U+0000 (NUL), at character 3\"\r\n"
        )
    }

    @Test func aNightLeavesNamesWithControlCharactersInPlaceAndEscapesThemInTheReport() throws {
        let (folder, configuration) = try NightlyRunTests.workspace()
        defer { folder.cleanup() }
        try NightlyRunTests.put(folder, "inbox/registers/原平\u{7}局/r.csv", NightlyRunTests.register)
        try NightlyRunTests.put(folder, "inbox/registers/甲/r\u{1B}[2J.csv", NightlyRunTests.register)
        let report = try NightlyRunTests.night(configuration, "2023-12-01")
        #expect(
            report.ignored == [
                "inbox/registers/原平\u{7}局 (名称中含有控制字符 U+0007 (BEL)（第 3 个字符）：请重命名)",
                "inbox/registers/甲/r\u{1B}[2J.csv (名称中含有控制字符 U+001B (ESC)（第 2 个字符）：请重命名)",
            ])
        #expect(FileManager.default.fileExists(atPath: folder.path("inbox/registers/原平\u{7}局/r.csv")))
        #expect(FileManager.default.fileExists(atPath: folder.path("inbox/registers/甲/r\u{1B}[2J.csv")))
        #expect(
            report.text.contains(
                "  inbox/registers/原平\\u{7}局 (名称中含有控制字符 U+0007 (BEL)（第 3 个字符）：请重命名)\n"
                    + "  inbox/registers/甲/r\\u{1B}[2J.csv (名称中含有控制字符 U+001B (ESC)（第 2 个字符）：请重命名)"))
        #expect(!report.text.unicodeScalars.contains { ControlCharacters.isControl($0) && $0 != "\n" })
        let store = try Store(path: folder.path("suiji.sqlite"), access: .readOnly)
        #expect(try store.read { db in try String.fetchAll(db, sql: "SELECT name FROM departments") }.isEmpty)
    }

    @Test func seedsOfControlOrInvisibleCharactersOrTooLongAreRefusedWithTheReasonEscaped() throws {
        let (folder, configuration) = try NightlyRunTests.workspace()
        defer { folder.cleanup() }
        try NightlyRunTests.put(folder, "inbox/seeds/2024-G02-R1.txt", "\u{1B}[2J4471\n")
        try NightlyRunTests.put(folder, "inbox/seeds/2024-G04-R1.txt", "44\u{0}71\n")
        try NightlyRunTests.put(folder, "inbox/seeds/2024-G05-R1.txt", "44\u{200B}71\n")
        try NightlyRunTests.put(folder, "inbox/seeds/2024-G06-R1.txt", String(repeating: "8", count: 300) + "\n")
        try NightlyRunTests.put(folder, "inbox/seeds/2024-G07-R1.txt", "# big\n" + String(repeating: "#", count: 5000) + "\n")
        let report = try NightlyRunTests.night(configuration, "2023-12-28")
        let refused = report.files.filter { $0.outcome == "rejected" }.map { "\($0.path): \($0.reason ?? "")" }
        #expect(
            refused == [
                // In the pages' language (Chinese here).
                "seeds/2024-G02-R1.txt: 种子“\\u{1B}[2J4471”含有控制字符 U+001B (ESC)；种子应为一行可打印字符",
                "seeds/2024-G04-R1.txt: 种子“44\\u{0}71”含有控制字符 U+0000 (NUL)；种子应为一行可打印字符",
                "seeds/2024-G05-R1.txt: 种子“44\u{200B}71”含有不可打印的字符 U+200B；种子应为一行可打印字符",
                "seeds/2024-G06-R1.txt: 种子长 300 字节；种子应为一行，最多 256 字节",
                "seeds/2024-G07-R1.txt: 种子文件大于 4096 字节：它必须只有一行，即公开种子",
            ])
        #expect(report.text.contains("种子“\\u{1B}[2J4471”含有控制字符 U+001B (ESC)"))
        #expect(!report.text.unicodeScalars.contains { ControlCharacters.isControl($0) && $0 != "\n" })
    }
}
