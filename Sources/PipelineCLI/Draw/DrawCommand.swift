import ArgumentParser

/// `suiji draw`: the fair draw of objects and inspectors (prepare, run, verify, export, show).
struct DrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw", abstract: Language.catalogue(.helpDraw),
        subcommands: [
            DrawTicketsCommand.self, DrawPrepareCommand.self, DrawRunCommand.self, DrawVerifyLedgerCommand.self, DrawExportCommand.self,
            DrawVerifyCommand.self,
            DrawShowCommand.self, DrawListCommand.self, DrawCoverageCommand.self, DrawQuotasCommand.self,
        ])
}
