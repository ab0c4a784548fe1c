import ArgumentParser

/// `suiji inspectors`: enforcement staff.
struct InspectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspectors", abstract: Language.catalogue(.helpInspectors), subcommands: [InspectorsImportCommand.self])
}
