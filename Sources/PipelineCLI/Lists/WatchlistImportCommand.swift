import ArgumentParser

/// `suiji watchlist import FILE --reason TEXT`.
struct WatchlistImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Language.catalogue(.helpWatchlistImport),
        discussion: """
            The file is that reason's whole list (a snapshot: entities missing from it leave the list). What being listed \
            changes is `[draw] watchlist` in suiji.toml: class-d (the default: drawn as class D), always-include, or off.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Why these entities are watched, e.g. 经营异常名录, 投诉举报较多, 严重违法失信.")
    var reason: String

    @OptionGroup var input: InputFileOptions

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || reason.contains(where: \.isNewline) {
            throw ValidationError("--reason must be one non-empty line, such as 经营异常名录")
        }
    }

    func run() throws { try input.runListImport(kind: .watchlist, scope: reason, global: global) }
}
