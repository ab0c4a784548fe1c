// Why this exists: postgres-nio is asynchronous (Swift concurrency on SwiftNIO); suiji's stages run
// on plain threads and block. This file is the one bridge between them: a connection whose calls
// block the calling thread until the server has answered, with the async work run on a thread of
// its own (never on the cooperative pool, which a blocked caller may be part of).

internal import Foundation
internal import Logging
internal import NIOCore
internal import NIOSSL
public import Pipeline
internal import PostgresNIO

/// A problem reported by the PostgreSQL server or the connection to it.
public struct PostgresStoreError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The store (no password).
    public var address: String
    /// The server's SQLSTATE (`42501` for a row-level security refusal), if the server answered.
    public var sqlState: String?
    /// The server's message (its own words, quoted as they are), or what went wrong with the connection.
    public var text: Message

    /// Creates an error.
    public init(address: String, sqlState: String?, _ text: Message) {
        self.address = address
        self.sqlState = sqlState
        self.text = text
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// `postgresql://…: error: text`, in the language in force where it is printed.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: SourceLocation(file: address)) }

    /// `postgresql://…: error: MESSAGE`.
    public var description: String { diagnostic.description }

    /// A store failure: 1.
    public var exitStatus: ExitStatus { .failure }
}

/// Runs async work on one dedicated serial queue, so that a thread blocked waiting for it never
/// holds up the threads it needs.
final class PostgresExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = PostgresExecutor()
    private let queue = DispatchQueue(label: "suiji.postgres")

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}

/// One connection to a PostgreSQL store, used from one thread at a time; every call blocks until done.
public final class PostgresSession: @unchecked Sendable {
    /// The store (no password).
    public let address: PostgresAddress
    let connection: PostgresConnection
    static let logger = Logger(label: "suiji.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    private init(address: PostgresAddress, connection: PostgresConnection) {
        self.address = address
        self.connection = connection
    }

    /// Connects; `applicationName` is what the server shows for this connection (who holds a lock).
    /// The password and TLS follow libpq's conventions (``PostgresConnectionSettings``).
    public static func connect(_ address: PostgresAddress, applicationName: String) throws -> PostgresSession {
        try connect(address, applicationName: applicationName, settings: .current)
    }

    /// Connects with the password and TLS settings found in `settings`' environment.
    static func connect(_ address: PostgresAddress, applicationName: String, settings: PostgresConnectionSettings) throws
        -> PostgresSession
    {
        let tls: PostgresConnection.Configuration.TLS
        do {
            tls = try settings.tls(for: address)
        } catch {
            throw PostgresStoreError(
                address: address.description, sqlState: nil,
                Message(.pgTLSSetup, ["file": settings.rootCertificate(for: address) ?? "", "reason": String(describing: error)]))
        }
        var configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: settings.password(for: address),
            database: address.database, tls: tls)
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        let connection = try wait(address) {
            try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        }
        return PostgresSession(address: address, connection: connection)
    }

    /// Runs `body` on the PostgreSQL executor and blocks this thread until it ends: the one bridge.
    static func wait<T>(_ address: PostgresAddress, _ body: sending @escaping () async throws -> T) throws -> T {
        try value(of: start(body), address: address)
    }

    /// Starts `body` on the PostgreSQL executor; its outcome is the future's (a COPY runs so while
    /// this thread feeds it).
    static func start<T>(_ body: sending @escaping () async throws -> T) -> BlockingFuture<T> {
        let future = BlockingFuture<T>()
        Task(executorPreference: PostgresExecutor.shared) {
            do {
                future.fulfil(.success(try await body()))
            } catch {
                future.fulfil(.failure(error))
            }
        }
        return future
    }

    /// Waits for a started body; the server's errors in suiji's words.
    static func value<T>(of future: BlockingFuture<T>, address: PostgresAddress) throws -> T {
        do {
            return try future.value()
        } catch let error as PSQLError {
            throw translate(error, address: address)
        }
    }

    /// The server's words for a failure, or the connection's.
    static func translate(_ error: PSQLError, address: PostgresAddress) -> PostgresStoreError {
        if let message = error.serverInfo?[.message] {
            return PostgresStoreError(address: address.description, sqlState: error.serverInfo?[.sqlState], Message(verbatim: message))
        }
        switch error.code {
        case .authMechanismRequiresPassword:
            return PostgresStoreError(address: address.description, sqlState: nil, Message(.pgNeedsPassword, ["user": address.user]))
        case .sslUnsupported:
            return PostgresStoreError(address: address.description, sqlState: nil, Message(.pgNoTLS, ["mode": address.tlsMode.rawValue]))
        case .connectionError where error.underlying is NIOSSLError:
            let words = String(describing: error.underlying.map { $0 } ?? error)
            let reason = words.range(of: #"OPENSSL_internal:[A-Z_]+"#, options: .regularExpression).map {
                String(words[$0].dropFirst("OPENSSL_internal:".count))
            }
            return PostgresStoreError(
                address: address.description, sqlState: nil,
                Message(.pgTLSRefused, ["reason": reason ?? words, "mode": address.tlsMode.rawValue, "host": address.host]))
        default:
            let reason = error.underlying.map { "\(error.code): \($0)" } ?? String(reflecting: error.code)
            return PostgresStoreError(address: address.description, sqlState: nil, Message(.pgCannotReach, ["reason": reason]))
        }
    }

    /// Runs `body` with the connection, blocking until it ends.
    func run<T>(_ body: sending @escaping (PostgresConnection) async throws -> T) throws -> T {
        let connection = connection
        return try Self.wait(address) { try await body(connection) }
    }

    /// Runs one statement (no parameters; text as written, so never with input in it).
    public func execute(_ sql: String) throws {
        try run { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger).consume()
        }
    }

    /// Runs one statement with parameters and returns how many rows it touched or returned.
    @discardableResult
    func count(_ query: PostgresQuery) throws -> Int {
        try run { connection in
            var rows = 0
            for try await _ in try await connection.query(query, logger: Self.logger) { rows += 1 }
            return rows
        }
    }

    /// The first column of each row, as text (NULL as nil).
    func texts(_ query: PostgresQuery) throws -> [String?] {
        try run { connection in
            var values: [String?] = []
            for try await row in try await connection.query(query, logger: Self.logger) {
                values.append(try row.decode(String?.self))
            }
            return values
        }
    }

    /// The first column of the first row, as a number, or nil.
    func int64(_ query: PostgresQuery) throws -> Int64? {
        try run { connection in
            for try await row in try await connection.query(query, logger: Self.logger) { return try row.decode(Int64?.self) }
            return nil
        }
    }

    /// COPY FROM of `text` (COPY's text format) into `table`'s `columns`, in one piece.
    func copy(_ text: String, into table: String, columns: [String]) throws {
        try run { connection in
            try await connection.copyFrom(table: table, columns: columns, logger: Self.logger) { writer in
                try await writer.write(ByteBuffer(string: text))
            }
        }
    }

    /// Closes the connection (a session-level advisory lock goes with it).
    public func close() {
        _ = try? run { connection in try await connection.close() }
    }
}

extension PostgresRowSequence {
    /// Reads every row, keeping none.
    func consume() async throws { for try await _ in self {} }
}
