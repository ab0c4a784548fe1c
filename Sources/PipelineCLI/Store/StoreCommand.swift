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
        commandName: "store", abstract: "The store itself: a PostgreSQL store's county lanes.", subcommands: [StoreAddCountyCommand.self])
}

/// `suiji store add-county --store postgresql://… --region CODE`: a county's lane in a PostgreSQL store.
struct StoreAddCountyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add-county",
        abstract: "Adds a county's lane to a PostgreSQL store: its role suiji_county_<region>, its partition, their grants.",
        discussion: """
            Run it as an administrator (a role that may create roles and tables), once per county; again, it changes \
            nothing. It makes the store's schema if it is missing, or upgrades one made by an older suiji, first. The \
            county's runs then connect as suiji_county_<region> and see and change only that county's rows.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The county's six-digit region code (default: the configuration's region).")
    var region: String?

    func validate() throws {
        if let region, PostgresSchema.countyRole(region) == nil {
            throw ValidationError("--region '\(region)' is not a six-digit region code")
        }
    }

    func run() throws {
        let configuration = try global.configuration()
        let store = global.storePath(configuration)
        guard let address = PostgresAddress.of(store) else {
            throw StoreNotPostgreSQL(store: store)
        }
        guard let region = region ?? (configuration.regionIsSet ? configuration.region : nil) else {
            throw ValidationError("give the county: --region CODE, or region in the configuration")
        }
        let report = try PostgresSchema.addCounty(to: address, region: region)
        for migration in report.migrations { print("\(address): schema migration applied: \(migration)") }
        if report.added {
            print("\(address): county \(region) added: role \(report.role), partition \(report.partition)")
        } else {
            print("\(address): county \(region) already has its lane (role \(report.role), partition \(report.partition)); nothing changed")
        }
    }
}

/// `suiji store add-county` given a SQLite store, or a PostgreSQL URL that does not parse: a setup error (78).
struct StoreNotPostgreSQL: ReportableError, CustomStringConvertible {
    /// The store setting.
    var store: String

    var description: String {
        "suiji store add-county: error: \(PostgresAddress.isPostgres(store) ? "a postgresql:// store that is not a valid URL" : store): "
            + "county lanes are for a PostgreSQL store (--store postgresql://user@host:port/db); a SQLite store holds one county "
            + "and needs none. Nothing was done"
    }

    var exitStatus: ExitStatus { .configuration }
}
