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

/// Opens the store (taking its lock for a write: SQLite's lock file, or the county's advisory lock
/// on PostgreSQL) and the draw store over it, and runs `body`. `command` is the draw command's name
/// for the one rule of commands on PostgreSQL (``PostgresAddress/commandsOnPostgreSQL``); SQLite's
/// lock names its holder `draw`, as it always has. Timestamps from the clock `SUIJI_NOW` may pin
/// (``Clock/fromEnvironment(_:)``), as the nightly run's.
func withDrawStore<T>(
    _ global: GlobalOptions, access: StoreAccess, command: String, _ body: (DrawStore, Configuration) throws -> T
) throws -> T {
    let configuration = try global.configuration()
    let path = global.storePath(configuration)
    let store: any StageStore
    if PostgresAddress.isPostgres(path) {
        store = try openStageStore(path, configuration: configuration, access: access, command: command)
    } else {
        store = try openStore(path, access: access, command: "draw")
    }
    defer { (store as? PostgresStageStore)?.close() }
    return try body(try DrawStore(store: store, configuration: configuration, clock: .fromEnvironment()), configuration)
}
