import ArgumentParser
import Stages

/// Options that select the plan and its groups.
struct DrawSelection: ParsableArguments {
    @Option(help: ArgumentHelp(Language.catalogue(.optYear)))
    var year: Int?

    @Option(help: ArgumentHelp(Language.catalogue(.optRegion)))
    var region: String?

    @Option(name: .customLong("task"), parsing: .upToNextOption, help: ArgumentHelp(Language.catalogue(.optTasks)))
    var tasks: [Int] = []

    @Flag(help: ArgumentHelp(Language.catalogue(.optAll)))
    var all = false

    @Option(help: ArgumentHelp(Language.catalogue(.optRound3)))
    var round: Int?

    func validate() throws {
        if all && !tasks.isEmpty { throw ValidationError(Language.catalogue(.usageTaskOrAll)) }
        if let round, round < 1 { throw ValidationError(Language.catalogue(.usageRoundOneOrMore, ["value": "\(round)"])) }
    }

    var selectedTasks: [Int]? { tasks.isEmpty ? nil : tasks }
}

/// Opens the store (taking its lock for a write) and the draw store over it, and runs `body`.
func withDrawStore<T>(_ global: GlobalOptions, access: StoreAccess, _ body: (DrawStore, Configuration) throws -> T) throws -> T {
    let configuration = try global.configuration()
    let store = try openStore(global.storePath(configuration), access: access, command: "draw")
    return try body(try DrawStore(store: store, configuration: configuration), configuration)
}
