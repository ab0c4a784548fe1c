import ArgumentParser
import Pipeline
import Stages

/// `suiji plan show [--json]`.
struct PlanShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: Language.catalogue(.helpPlanShow))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var planKey: PlanKeyOptions

    @Flag(help: ArgumentHelp(Language.catalogue(.optJson2)))
    var json = false

    func run() throws {
        let configuration = try global.configuration()
        let store = try openStageStore(
            global.storePath(configuration), configuration: configuration, access: .readOnly, command: "plan show")
        let key = try store.planKey(year: planKey.year, region: planKey.region, configuration: configuration)
        guard let plan = try store.plan(year: key.year, region: key.region) else {
            throw PlanKeyError(year: key.year, region: key.region, matching: [])
        }
        print(json ? try PlanPresenter.json(plan) : PlanPresenter.table(plan, in: Language.catalogue))
    }
}
