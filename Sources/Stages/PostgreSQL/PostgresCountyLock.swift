// Why this exists: on SQLite a write takes the store's lock file (RunLock.swift); on PostgreSQL,
// where many counties share one database, a write takes its county's advisory lock instead, so that
// two counties write at once and a second writer of one county is refused as on SQLite (exit 75).

internal import Foundation
internal import Pipeline
internal import PostgresNIO

/// A county's session-level advisory lock (`pg_try_advisory_lock(namespace, region)`), held while
/// the session lives or until ``release()``. The server drops it when the connection ends in any
/// way, kill -9 of the client included, so a crashed import never leaves it behind.
public final class PostgresCountyLock {
    /// The first key of suiji's advisory locks: 'SUIJ' as a 32-bit number.
    static let namespace: Int32 = 0x5355_494A
    /// The session holding it.
    public let session: PostgresSession
    /// The county.
    public let region: String
    private var held = true

    private init(session: PostgresSession, region: String) {
        self.session = session
        self.region = region
    }

    /// The second key: the six-digit region code as a number.
    static func key(_ region: String) throws -> Int32 {
        guard PostgresSchema.countyRole(region) != nil, let key = Int32(region) else {
            throw StoreError(path: region, Message(.regionNotCode, ["region": region]))
        }
        return key
    }

    /// Takes the county's lock at once, or throws ``RunLockHeld`` (exit 75) naming the holder (its
    /// pid and command, from the `application_name` it connected with, when this role may see it).
    public static func acquire(_ session: PostgresSession, region: String, command: String) throws -> PostgresCountyLock {
        let key = try key(region)
        let taken = try session.texts("SELECT pg_try_advisory_lock(\(namespace), \(key))::text")
        guard taken.first == "true" else {
            // Advisory locks are per database: the holder is looked for in this one only.
            let holder = try session.texts(
                """
                SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                WHERE l.locktype = 'advisory' AND l.classid = \(namespace)::oid AND l.objid = \(key)::oid AND l.granted
                  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                """
            ).compactMap { $0 }.first
            let (pid, holderCommand) = parseApplicationName(holder)
            throw RunLockHeld(
                path: "\(session.address) (county \(region))", holder: pid, command: holderCommand, requester: command)
        }
        return PostgresCountyLock(session: session, region: region)
    }

    /// What a suiji connection calls itself: `suiji import pid 1234`.
    public static func applicationName(command: String) -> String { "suiji \(command) pid \(getpid())" }

    /// The pid and command in an application name written by ``applicationName(command:)``.
    static func parseApplicationName(_ name: String?) -> (Int32?, String?) {
        guard let name, name.hasPrefix("suiji "), let range = name.range(of: " pid ", options: .backwards) else { return (nil, nil) }
        let command = String(name[name.index(name.startIndex, offsetBy: 6)..<range.lowerBound])
        return (Int32(name[range.upperBound...]), command.isEmpty ? nil : command)
    }

    /// Gives the lock back (closing the session does too).
    public func release() throws {
        guard held else { return }
        held = false
        let key = try Self.key(region)
        try session.execute("SELECT pg_advisory_unlock(\(Self.namespace), \(key))")
    }
}
