import ArgumentParser

/// `suiji results`: inspection results.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: Language.catalogue(.helpResults), subcommands: [ResultsImportCommand.self])
}
