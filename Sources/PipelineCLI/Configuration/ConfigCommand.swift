import ArgumentParser

/// `suiji config`: the configuration file, `suiji.toml`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: Language.catalogue(.helpConfig), subcommands: [ConfigExampleCommand.self])
}
