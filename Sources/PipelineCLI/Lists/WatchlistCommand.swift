import ArgumentParser

/// `suiji watchlist`.
struct WatchlistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watchlist", abstract: "The watchlist (重点关注): entities to be checked more.",
        subcommands: [WatchlistImportCommand.self])
}
