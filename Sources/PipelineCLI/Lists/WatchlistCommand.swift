import ArgumentParser

/// `suiji watchlist`.
struct WatchlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist", abstract: Language.catalogue(.helpWatchlist),
        subcommands: [WatchlistImportCommand.self])
}
