// Why this exists: a store is a SQLite file or a PostgreSQL server. This file tells them apart
// (`postgresql://user@host:port/db`) and holds the one rule for what PostgreSQL can do yet
// (`commandsOnPostgreSQL`: every command that opens a store, now); any other command given such a
// store, any path to a SQLite lock file reached with one, and a malformed URL stop here (exit 78).

internal import Foundation
public import Pipeline

/// A PostgreSQL store named by a URL: `postgresql://user[:password]@host[:port]/database`, with
/// libpq's `?sslmode=disable|prefer|require|verify-ca|verify-full` and `&sslrootcert=FILE` (TLS).
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    /// The role to connect as.
    public var user: String
    /// Its password, if the URL gives one (never printed).
    public var password: String?
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The database.
    public var database: String
    /// How the connection uses TLS (`sslmode`; libpq's default, `prefer`, when the URL gives none).
    public var tlsMode: PostgresTLSMode = .prefer
    /// The CA file that `verify-ca` and `verify-full` trust (`sslrootcert`), if the URL names one.
    public var rootCertificate: String?

    /// The schemes that name a PostgreSQL store.
    static let schemes = ["postgresql:", "postgres:"]

    /// The address in a store setting, or nil when it names a SQLite file. A setting resolved
    /// against the configuration's folder as a path would be (`/folder/postgresql:/user@host/db`,
    /// its `//` made one) is still found.
    public static func of(_ store: String) -> PostgresAddress? {
        for scheme in schemes {
            guard let range = store.range(of: scheme + "/") else { continue }
            let rest = store[range.upperBound...].drop { $0 == "/" }
            return PostgresAddress(parsing: "postgresql://" + rest)
        }
        return nil
    }

    /// True when a store setting names PostgreSQL (even a malformed URL, or one resolved as a path).
    public static func isPostgres(_ store: String) -> Bool { schemes.contains { store.contains($0 + "/") } }

    /// Parses a URL; nil when it is not one of `postgresql://user[:password]@host[:port]/database`,
    /// optionally with `?sslmode=MODE` and `&sslrootcert=FILE` and no other parameter.
    public init?(parsing text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgresql", "postgres"].contains(scheme), let host = components.host, !host.isEmpty,
            let user = components.user, !user.isEmpty
        else { return nil }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { return nil }
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.host = host
        self.port = components.port ?? 5432
        self.database = database
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("sslmode", let value?):
                guard let mode = PostgresTLSMode(rawValue: value) else { return nil }
                tlsMode = mode
            case ("sslrootcert", let value?) where !value.isEmpty: rootCertificate = value
            default: return nil
            }
        }
    }

    /// Creates an address.
    public init(
        user: String, password: String? = nil, host: String, port: Int, database: String, tlsMode: PostgresTLSMode = .prefer,
        rootCertificate: String? = nil
    ) {
        self.tlsMode = tlsMode
        self.rootCertificate = rootCertificate
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    /// The URL without its password: `postgresql://user@host:port/database`.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// The commands that run on PostgreSQL yet: `import` (a register, its dry run too), `plan import`,
    /// `plan show`, the lists' imports (`inspectors`, `avoidance`, `watchlist`, `matters`), `results import`
    /// the draw's commands that read or write a store, `publish`, `report`, and the night (`run`, `demo`).
    public static let commandsOnPostgreSQL: Set<String> = [
        "run", "demo",
        "import", "plan import", "plan show",
        "inspectors import",
        "avoidance import",
        "watchlist import",
        "matters import",
        "results import",
        "draw prepare",
        "draw run",
        "draw show",
        "draw list",
        "draw verify-ledger",
        "draw export",
        "draw quotas",
        "draw coverage",
        "publish",
        "report",
    ]

    /// The one rule for commands on PostgreSQL: only ``commandsOnPostgreSQL`` run there yet; any
    /// other command given a PostgreSQL store throws ``NotYetOnPostgreSQL`` (exit 78), and so does
    /// any command about to take a SQLite lock file (`takingLockFile`) for one. A store that names
    /// PostgreSQL but is not a URL suiji can use throws ``InvalidPostgresStore`` (exit 78) for any command.
    public static func refuse(_ store: String, command: String, takingLockFile: Bool = false) throws {
        guard isPostgres(store) else { return }
        guard of(store) != nil else { throw InvalidPostgresStore(command: command) }
        guard commandsOnPostgreSQL.contains(command), !takingLockFile else {
            throw NotYetOnPostgreSQL(command: command, store: store)
        }
    }
}

/// A command that does not run on a PostgreSQL store yet (see ``PostgresAddress/commandsOnPostgreSQL``).
public struct NotYetOnPostgreSQL: LocalizedReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The command refused.
    public var command: String
    /// The store setting as given (its password, if any, is not printed).
    public var store: String

    /// `suiji COMMAND: error: … not yet available on PostgreSQL …`.
    public var description: String { message(in: .en).english }

    /// The text (it names the refused command and says `error:` itself).
    public func message(in language: UILanguage) -> Message {
        let commands = PostgresAddress.commandsOnPostgreSQL.sorted().map { "`suiji \($0)`" }
        return Message(
            .pgNotYet, ["command": command, "commands": commands.joined(separator: MessageCatalogue(language)(.wordListSeparator))],
            parts: ["store": PostgresAddress.of(store).map { Message(verbatim: $0.description) } ?? Message(.pgInvalidURL)])
    }

    /// Printed as it is, without another `error: `.
    public var hasErrorPrefix: Bool { false }

    /// A setup problem: 78.
    public var exitStatus: ExitStatus { .configuration }
}

/// A store setting that names PostgreSQL (`postgresql://…`) but is not a URL suiji can use (exit 78).
/// Its text is not repeated: a malformed URL may hold a password.
public struct InvalidPostgresStore: LocalizedReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The command refused.
    public var command: String

    /// `suiji COMMAND: error: …` in English.
    public var description: String { message(in: .en).english }

    /// The text (it names the refused command and says `error:` itself).
    public func message(in language: UILanguage) -> Message { Message(.pgInvalidStore, ["command": command]) }

    /// Printed as it is, without another `error: `.
    public var hasErrorPrefix: Bool { false }

    /// A setup problem: 78.
    public var exitStatus: ExitStatus { .configuration }
}
