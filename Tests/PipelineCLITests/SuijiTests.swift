import Foundation
import Pipeline
import Testing

/// The root command: its version.
struct SuijiTests {
    @Test func versionPrintsTheOneVersionConstant() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["--version"], in: folder)
        #expect(result.status == 0)
        #expect(result.stdout == SuijiVersion.current + "\n")
        #expect(result.stderr == "")
    }
}
