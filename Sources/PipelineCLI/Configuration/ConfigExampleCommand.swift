import ArgumentParser
import Stages

/// `suiji config example`: the commented example configuration, every key at its default.
struct ConfigExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: Language.catalogue(.helpConfigExample),
        discussion: "Start a county's configuration with: suiji config example > suiji.toml")

    func run() throws {
        print(try Configuration.exampleText(), terminator: "")
    }
}
