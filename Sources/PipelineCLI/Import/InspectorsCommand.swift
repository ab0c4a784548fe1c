import ArgumentParser

/// `suiji inspectors`: enforcement staff.
struct InspectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspectors", abstract: "Enforcement staff per department.", subcommands: [InspectorsImportCommand.self])
}
