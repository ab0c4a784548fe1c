import ArgumentParser
import Stages

/// `suiji config example`: the commented example configuration, every key at its default.
struct ConfigExampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example",
        abstract: Language.catalogue(.helpConfigExample),
        discussion: Language.catalogue(.helpConfigExampleDiscussion))

    func run() throws {
        print(try Configuration.exampleText(), terminator: "")
    }
}
