import ArgumentParser

/// `suiji plan`: the annual inspection plan.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Import and show the annual inspection plan.",
        subcommands: [PlanImportCommand.self, PlanCheckCommand.self, PlanShowCommand.self])
}
