import ArgumentParser

/// `suiji avoidance`.
struct AvoidanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avoidance", abstract: Language.catalogue(.helpAvoidance), subcommands: [AvoidanceImportCommand.self])
}
