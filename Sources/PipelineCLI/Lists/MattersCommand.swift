import ArgumentParser

/// `suiji matters`.
struct MattersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matters", abstract: Language.catalogue(.helpMatters),
        subcommands: [MattersImportCommand.self])
}
