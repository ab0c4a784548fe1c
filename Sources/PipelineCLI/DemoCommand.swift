import ArgumentParser
import Fixtures
import Foundation
import Stages

/// `suiji demo`: the main job on the bundled demo county, in a fresh workspace.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on the bundled demo county in a fresh workspace and show the result.")

    @Option(help: "The workspace folder to create (it is emptied first).")
    var workspace = "demo-workspace"

    func run() throws {
        let result = try DemoWorkspace(path: workspace, fixtures: FixtureFiles.root).run()
        print(result.summary)
        try finish(with: result.status)
    }
}
