import ArgumentParser
import Stages

/// Options that select the plan and its groups.
struct DrawSelection: ParsableArguments {
    @Option(help: "The plan year (default: the configuration's year, or the only plan stored).")
    var year: Int?

    @Option(help: "The region code (default: the configuration's region).")
    var region: String?

    @Option(name: .customLong("task"), parsing: .upToNextOption, help: "Task numbers (序号) whose groups to take (default: all).")
    var tasks: [Int] = []

    @Flag(help: "Every group (the default when no --task is given).")
    var all = false

    @Option(help: "The round (default: the next undrawn round of each group).")
    var round: Int?

    func validate() throws {
        if all && !tasks.isEmpty { throw ValidationError("give --task or --all, not both") }
        if let round, round < 1 { throw ValidationError("--round must be at least 1, got \(round)") }
    }

    var selectedTasks: [Int]? { tasks.isEmpty ? nil : tasks }
}

/// Opens the store (taking its lock for a write) and the draw store over it, and runs `body`.
func withDrawStore<T>(_ global: GlobalOptions, access: StoreAccess, _ body: (DrawStore, Configuration) throws -> T) throws -> T {
    let configuration = try global.configuration()
    let store = try openStore(global.storePath(configuration), access: access, command: "draw")
    return try body(try DrawStore(store: store, configuration: configuration), configuration)
}
