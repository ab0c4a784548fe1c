import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw list [--group KEY --round N] --xlsx FILE`.
struct DrawListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: Language.catalogue(.helpDrawList)
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var planKey: PlanKeyOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optGroup2)))
    var group: String?

    @Option(help: ArgumentHelp(Language.catalogue(.optRound2)))
    var round: Int?

    @Option(help: ArgumentHelp(Language.catalogue(.optXlsx)))
    var xlsx: String

    func validate() throws {
        if let round, round < 1 { throw ValidationError(Language.catalogue(.usageRoundOneOrMore, ["value": "\(round)"])) }
    }

    func run() throws {
        try withDrawStore(global, access: .readOnly, command: "draw list") { draw, configuration in
            let (plan, id) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let calendar = try CalendarLoader.load(operatorPath: configuration.resolvedCalendarPath)
            let sheets = try DrawTaskSheets.build(draw: draw, plan: plan, planID: id, group: group, round: round, calendar: calendar)
            guard !sheets.isEmpty else {
                let which = Message.list(
                    [group.map { Message(.drawWhichGroup, ["group": $0]) }, round.map { Message(.drawWhichRound, ["round": "\($0)"]) }]
                        .compactMap { $0 }, .listSpace)
                throw DrawStoreError(
                    .dataRejected, which.map { Message(.drawNothingDrawnFor, parts: ["which": $0]) } ?? Message(.drawNothingDrawn))
            }
            try DrawTaskSheets.write(sheets, to: xlsx)
            let objects = sheets.reduce(0) { $0 + $1.rows.count }
            print(
                "wrote \(xlsx): \(sheets.count) departments, \(objects) rows (\(sheets.map { "\($0.department) \($0.rows.count)" }.joined(separator: ", ")))"
            )
        }
    }
}
