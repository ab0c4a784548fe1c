import DevKit
import Foundation
import Testing

/// One binary to install (issue 17): `suiji` copied alone, with no resource folder beside it and
/// away from the build folder, imports and shows the seed plan and runs the demo; it links neither
/// the golden files (Fixtures) nor the development tools (DevKit).
@Suite("suiji installed alone", .serialized)
struct InstallTests {
    /// The repository root (`Tests/PipelineCLITests/<file>` → up three levels).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `suiji` copied alone into a fresh folder (`bin/suiji`, nothing else there), and an empty working folder beside it.
    static func installAlone() throws -> (binary: URL, work: URL, cleanup: () -> Void) {
        let top = try temporaryFolder()
        let bin = top.appendingPathComponent("bin"), work = top.appendingPathComponent("work")
        for folder in [bin, work] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let binary = bin.appendingPathComponent("suiji")
        try FileManager.default.copyItem(at: try suijiExecutable(), to: binary)
        #expect(try FileManager.default.contentsOfDirectory(atPath: bin.path) == ["suiji"], "the binary is alone in its folder")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path) == [])
        return (binary, work, { try? FileManager.default.removeItem(at: top) })
    }

    @Test func theBinaryCopiedAloneImportsTheSeedPlanAndShowsIt() throws {
        let (binary, work, cleanup) = try Self.installAlone()
        defer { cleanup() }
        try FileManager.default.copyItem(
            at: Self.root.appendingPathComponent("Fixtures/plans/yuanping-2024.tsv"), to: work.appendingPathComponent("yuanping-2024.tsv"))

        let imported = try runSuiji(
            ["plan", "import", "yuanping-2024.tsv", "--year", "2024", "--region", "140981"], in: work, executable: binary)
        #expect(imported.stderr == "note: creating the store suiji.sqlite\n")
        #expect(imported.stdout == "plan 2024 140981 imported: 42 tasks\n")
        #expect(imported.status == 0)

        let shown = try runSuiji(["plan", "show"], in: work, executable: binary)
        #expect(shown.stderr == "")
        #expect(shown.status == 0)
        let golden = Self.root.appendingPathComponent("Fixtures/golden/plan-show-yuanping-2024.txt")
        if ProcessInfo.processInfo.environment["SUIJI_UPDATE_GOLDEN"] == "1" { try Data(shown.stdout.utf8).write(to: golden) }
        #expect(shown.stdout == (try String(contentsOf: golden, encoding: .utf8)), "rerun with SUIJI_UPDATE_GOLDEN=1 and review the diff")
    }

    @Test func theDemoRunsFromTheBinaryCopiedAlone() throws {
        let (binary, work, cleanup) = try Self.installAlone()
        defer { cleanup() }
        let alone = try runSuiji(["demo", "--workspace", "county"], in: work, executable: binary)
        #expect(alone.stderr == "")
        #expect(alone.status == 0)

        // The same bytes as the binary in the build folder prints (whose output RunCommandTests pins).
        let reference = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: reference) }
        let built = try runSuiji(["demo", "--workspace", "county"], in: reference)
        #expect(built.status == 0)
        // The closing hint names the command typed: the binary's path when copied alone, `swift run suiji` from a checkout.
        #expect(
            alone.stdout
                == built.stdout.replacingOccurrences(of: reference.path, with: work.path).replacingOccurrences(
                    of: "Run another night yourself: swift run suiji run", with: "Run another night yourself: \(binary.path) run"))
        #expect(alone.stdout.hasPrefix("workspace: \(work.path)/county\n\n2023-12-28: arrives the 2024 plan;"))
        #expect(
            alone.stdout.contains(
                "  night 2024-05-10: 1 file taken, 17 rows imported, 2 rejected, 34 commitments awaiting a seed, 0 draws, 3 publications, 2 overdue; exit 65\n"
            ))
        for date in ["2023-12-28", "2024-01-03", "2024-05-10"] {
            #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("county/reports/\(date)/run.json").path))
        }
        let payloads = try FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("county/outbox").path)
        #expect(payloads.filter { $0.hasSuffix(".xml") }.count == 3, "the XML payloads were validated with the compiled-in schema")
    }

    @Test func theBinaryCarriesNoResourceBundleGoldenFilesOrDevelopmentTools() throws {
        let bytes = try Data(contentsOf: try suijiExecutable())
        // A resource bundle's accessor would name its folder (and fall back to the build folder's path).
        for absent in ["suiji_Stages.resources", "suiji_Fixtures.resources"] {
            #expect(bytes.range(of: Data(absent.utf8)) == nil, "suiji refers to \(absent)")
        }
        // Swift symbols of the two modules (mangled module names), present only if they are linked.
        for absent in ["8Fixtures12FixtureFiles", "6DevKit17RegisterGenerator", "6DevKit13DrawBenchmark"] {
            #expect(bytes.range(of: Data(absent.utf8)) == nil, "suiji links \(absent)")
        }
        // The scan finds what is linked: the demo builder is there.
        #expect(bytes.range(of: Data("6Stages13DemoWorkspace".utf8)) != nil)
    }
}
