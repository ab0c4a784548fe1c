import ArgumentParser

/// `suiji-dev`: the development tools that the `suiji` binary does not carry: seeded registers for
/// tests, benchmarks and the demo county (`Fixtures/demo/make_demo.py`), and the draw benchmark.
@main
struct SuijiDev: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suiji-dev",
        abstract: "suiji's development tools: generated test data and benchmarks (not installed with suiji).",
        subcommands: [GenerateCommand.self, DrawDevCommand.self]
    )
}

/// `suiji-dev draw`: the draw's development tools.
struct DrawDevCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw", abstract: "Benchmarks of the draw and the inspector matching.", subcommands: [DrawBenchCommand.self])
}
