// Why this exists: on PostgreSQL many counties share one database, and a county's lane (its role,
// its partition, their grants) is an administrator's step, not something a county's own run may
// do. `suiji store add-county` is that step; it makes or upgrades the schema first.

import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji store`: the store itself (PostgreSQL: the counties' lanes).
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: Language.catalogue(.helpStore), subcommands: [StoreAddCountyCommand.self])
}

/// `suiji store add-county --store postgresql://… --region CODE`: a county's lane in a PostgreSQL store.
struct StoreAddCountyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-county",
        abstract: Language.catalogue(.helpStoreAddCounty),
        discussion: Language.catalogue(.helpStoreAddCountyDiscussion))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optRegion2)))
    var region: String?

    func validate() throws {
        if let region, PostgresSchema.countyRole(region) == nil {
            throw ValidationError(Language.catalogue(.usageRegion, ["value": region]))
        }
    }

    func run() throws {
        let configuration = try global.configuration()
        let store = global.storePath(configuration)
        guard let address = PostgresAddress.of(store) else {
            throw StoreNotPostgreSQL(store: store)
        }
        guard let region = region ?? (configuration.regionIsSet ? configuration.region : nil) else {
            throw ValidationError(Language.catalogue(.usageGiveCounty))
        }
        let report = try PostgresSchema.addCounty(to: address, region: region)
        let words = Language.catalogue
        for migration in report.migrations {
            print(words(.storeMigrationApplied, ["address": "\(address)", "migration": migration]))
        }
        let values = ["address": "\(address)", "region": region, "role": report.role, "partition": report.partition]
        print(words(report.added ? .storeCountyAdded : .storeCountyExists, values))
    }
}

/// `suiji store add-county` given a SQLite store, or a PostgreSQL URL that does not parse: a setup error (78).
struct StoreNotPostgreSQL: LocalizedReportableError, CustomStringConvertible {
    /// The store setting.
    var store: String

    var description: String { message(in: .en).english }

    func message(in language: UILanguage) -> Message {
        Message(.storeNotPostgres, parts: ["store": PostgresAddress.isPostgres(store) ? Message(.pgInvalidURL) : Message(verbatim: store)])
    }

    var hasErrorPrefix: Bool { false }

    var exitStatus: ExitStatus { .configuration }
}
