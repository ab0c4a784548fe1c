import ArgumentParser
import Pipeline
import Stages

/// `suiji plan check FILE`: what suiji reads from every cell, without storing anything.
struct PlanCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: Language.catalogue(.helpPlanCheck))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var plan: PlanFileOptions

    func validate() throws { try plan.validate() }

    func run() throws {
        let configuration = try global.configuration()
        var diagnostics = DiagnosticCollector()
        let table = try PlanReader(configuration: configuration).readTable(plan.source(configuration), diagnostics: &diagnostics)
        for diagnostic in diagnostics.diagnostics where diagnostic.severity == .error {
            printError(diagnostic.rendered(in: Language.inForce))
        }
        print(PlanCheckPresenter.render(table, diagnostics: diagnostics.diagnostics, in: Language.catalogue), terminator: "")
        let review = table.plan.tasks.contains(where: \.needsReview)
        try finish(with: review || diagnostics.hasErrors ? .dataRejected : .success)
    }
}
