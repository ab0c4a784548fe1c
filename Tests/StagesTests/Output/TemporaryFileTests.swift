import Foundation
import Pipeline
import Testing

@testable import Stages

/// Every temporary file suiji writes follows one naming scheme, and the night's crash sweep removes
/// each kind a killed writer leaves, and nothing else (issue 12).
@Suite struct TemporaryFileTests {
    /// The pid of a process that has ended.
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exit 0"]
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    @Test func oneNamingScheme() throws {
        #expect(TemporaryFile.path(for: "/w/reports/2024-05-10/run.json", pid: 42) == "/w/reports/2024-05-10/.run.json.42.tmp")
        #expect(TemporaryFile.writer(ofName: ".run.json.42.tmp") == 42)
        #expect(TemporaryFile.writer(ofName: ".登记表.csv.rejects.csv.7.tmp") == 7)
        for name in [".upload.tmp", "run.json.42.tmp", ".42.tmp", ".run.json.0.tmp", ".run.json.x.tmp", ".run.json.42", "a.part"] {
            #expect(TemporaryFile.writer(ofName: name) == nil, "\(name)")
        }
        // The rejects writer names its temporary so.
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var rejects = try RejectsWriter(path: folder.path("r.csv"), header: ["a"])
        #expect(rejects.temporary == TemporaryFile.path(for: folder.path("r.csv")))
        #expect(FileManager.default.fileExists(atPath: rejects.temporary))
        rejects.discard()
    }

    @Test func theNightsSweepRemovesEveryKindAKilledWriterLeavesAndNothingElse() throws {
        let (folder, configuration) = try NightlyRunTests.workspace()
        defer { folder.cleanup() }
        let dead = try Self.deadPID()
        let debris = [
            "outbox/1409812024P017R01.json", // a payload (AtomicFileWriter)
            "rejects/2024-05-10/registers/甲/登记表.csv.rejects.csv", // a rejects file (RejectsWriter)
            "reports/2024-05-10/run.json", // the night's report (AtomicFileWriter)
            "reports/index.html", // the index of nights (PageFile, through AtomicFileWriter)
            "outbox/public/index.html", // a public page (likewise)
            "archive/2024-05-10/registers/甲/登记表.csv", // a move across file systems (FilePlacement)
        ].map { TemporaryFile.path(for: folder.path($0), pid: dead) }
        let kept = [
            TemporaryFile.path(for: folder.path("outbox/live.json"), pid: getpid()), // a writer that still runs
            folder.path("outbox/.upload.tmp"), folder.path("reports/2024-05-10/notes.tmp"), // not suiji's
        ]
        for path in debris + kept {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data("half".utf8).write(to: URL(fileURLWithPath: path))
        }
        _ = try NightlyRunTests.night(configuration, "2024-05-10")
        for path in debris { #expect(!FileManager.default.fileExists(atPath: path), "\(path)") }
        for path in kept { #expect(FileManager.default.fileExists(atPath: path), "\(path)") }
        // The report was written whole, through the same scheme, and no temporary is left.
        #expect(FileManager.default.fileExists(atPath: folder.path("reports/2024-05-10/run.json")))
        #expect(TemporaryFile.sweep(under: folder.path("reports")).isEmpty)
    }
}
