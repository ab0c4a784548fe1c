import ArgumentParser

/// `suiji watchlist import FILE --reason TEXT`.
struct WatchlistImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Language.catalogue(.helpWatchlistImport),
        discussion: Language.catalogue(.helpWatchlistImportDiscussion))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optReason2)))
    var reason: String

    @OptionGroup var input: InputFileOptions

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || reason.contains(where: \.isNewline) {
            throw ValidationError(Language.catalogue(.usageReasonOneLine))
        }
    }

    func run() throws { try input.runListImport(kind: .watchlist, scope: reason, global: global) }
}
