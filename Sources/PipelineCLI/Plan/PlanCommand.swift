import ArgumentParser

/// `suiji plan`: the annual inspection plan.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: Language.catalogue(.helpPlan),
        subcommands: [PlanImportCommand.self, PlanCheckCommand.self, PlanShowCommand.self])
}
