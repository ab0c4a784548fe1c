import ArgumentParser

/// `suiji avoidance`.
struct AvoidanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avoidance", abstract: "The avoidance (回避) list.", subcommands: [AvoidanceImportCommand.self])
}
