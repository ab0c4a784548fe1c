import ArgumentParser

/// `suiji results`: inspection results.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "Inspection results of drawn objects.", subcommands: [ResultsImportCommand.self])
}
