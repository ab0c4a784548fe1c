// Why this exists: a command whose stage runs behind the stages' seam (StageSQL.swift) may be given
// either store; this is the one place that picks: a county's lane of PostgreSQL (the configuration's
// region) for `postgresql://…`, else the SQLite store as every command opens it (`openStore`).

import Foundation
import Stages

/// The store for a command of a stage behind the seam: PostgreSQL's county lane (a writer holds the
/// county's lock: exit 75 when another holds it), or SQLite's store through ``openStore``. A command
/// not yet on PostgreSQL is refused by the one rule (``PostgresAddress/refuse(_:command:takingLockFile:)``).
func openStageStore(
    _ path: String, configuration: Configuration, access: StoreAccess = .readWrite, command: String, creating: Bool = false
) throws -> any StageStore {
    try PostgresAddress.refuse(path, command: command)
    if let address = PostgresAddress.of(path) {
        return try PostgresStageStore.open(address, region: configuration.region, command: command, writing: access == .readWrite)
    }
    return try openStore(path, access: access, command: command, creating: creating)
}
