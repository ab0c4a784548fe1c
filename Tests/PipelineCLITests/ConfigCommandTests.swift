import Foundation
import Testing

/// `suiji config example`.
@Suite("suiji config")
struct ConfigCommandTests {
    /// The repository root (`Tests/PipelineCLITests/<file>` → up three levels).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func examplePrintsTheShippedExampleExactly() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["config", "example"], in: folder)
        #expect(result.status == 0)
        let shipped = try String(
            contentsOf: Self.root.appendingPathComponent("Sources/Stages/Resources/suiji.example.toml"), encoding: .utf8)
        #expect(result.stdout == shipped)
        #expect(result.stderr == "")
    }

    @Test func thePrintedExampleWorksAsSuijiTomlExactlyAsTheDefaults() throws {
        let plan = Self.root.appendingPathComponent("Fixtures/plans/yuanping-2024.tsv").path
        let withExample = try temporaryFolder(), withNothing = try temporaryFolder()
        defer { for folder in [withExample, withNothing] { try? FileManager.default.removeItem(at: folder) } }
        let example = try runSuiji(["config", "example"], in: withExample)
        try Data(example.stdout.utf8).write(to: withExample.appendingPathComponent("suiji.toml"))

        let configured = try runSuiji(["plan", "import", plan, "--year", "2024", "--region", "140981"], in: withExample)
        let defaults = try runSuiji(["plan", "import", plan, "--year", "2024", "--region", "140981"], in: withNothing)
        #expect(configured.status == 0, "\(configured.stderr)")
        #expect(configured.stdout == defaults.stdout)
        #expect(configured.stderr == "note: creating the store \(withExample.path)/suiji.sqlite\n")
        #expect(defaults.stderr == "note: creating the store suiji.sqlite\n")
        #expect(FileManager.default.fileExists(atPath: withExample.appendingPathComponent("suiji.sqlite").path))
    }
}
