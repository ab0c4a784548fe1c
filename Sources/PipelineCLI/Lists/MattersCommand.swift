import ArgumentParser

/// `suiji matters`.
struct MattersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matters", abstract: "Departments' lists of inspection matters (抽查事项清单).",
        subcommands: [MattersImportCommand.self])
}
