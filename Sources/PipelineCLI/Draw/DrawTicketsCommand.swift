import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw tickets --seed SEED ID…`.
struct DrawTicketsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: Language.catalogue(.helpDrawTickets))

    @Option(help: ArgumentHelp(Language.catalogue(.optSeed2)))
    var seed: String

    @Argument(help: ArgumentHelp(Language.catalogue(.optIds)))
    var ids: [String]

    func run() throws {
        for ticket in ConsistentSampler(seed: seed).order(ids) { print("\(ticket.text) \(ticket.id)") }
    }
}
