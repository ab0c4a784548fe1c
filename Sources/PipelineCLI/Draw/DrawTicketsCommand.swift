import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw tickets --seed SEED ID…`.
struct DrawTicketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: Language.catalogue(.helpDrawTickets))

    @Option(help: "The seed string (for a draw: `<public seed>|<group>|<round>`).")
    var seed: String

    @Argument(help: "The ids (USCCs, or `inspectorId|USCC` for inspector tickets).")
    var ids: [String]

    func run() throws {
        for ticket in ConsistentSampler(seed: seed).order(ids) { print("\(ticket.text) \(ticket.id)") }
    }
}
