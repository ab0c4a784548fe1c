import ArgumentParser

/// `suiji avoidance import FILE`.
struct AvoidanceImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Language.catalogue(.helpAvoidanceImport))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var options: SnapshotOptions

    func run() throws { try options.run(kind: .avoidance, department: nil, global: global) }
}
