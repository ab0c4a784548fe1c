// Why this exists: a connection to a province's server finds its password and its TLS settings the
// way libpq does (PGPASSWORD, ~/.pgpass, ?sslmode=, &sslrootcert=). These tests read the URL and the
// password file alone, then connect to a private cluster of their own that has TLS on, a role that
// must give a password and a role that may only come over TLS.

import Foundation
import Pipeline
import PostgresNIO
import Testing

@testable import Stages

@Suite("PostgreSQL passwords and TLS") struct PostgresConnectionSettingsTests {
    // MARK: - The URL

    @Test func theURLNamesTheTLSModeAndTheCAFileAndNothingElse() throws {
        let plain = try #require(PostgresAddress(parsing: "postgresql://u@db.example:6543/suiji"))
        #expect(plain.tlsMode == .prefer)
        #expect(plain.rootCertificate == nil)
        let verifying = try #require(
            PostgresAddress(parsing: "postgresql://u@db.example/suiji?sslmode=verify-full&sslrootcert=/etc/suiji/ca.pem"))
        #expect(verifying.tlsMode == .verifyFull)
        #expect(verifying.rootCertificate == "/etc/suiji/ca.pem")
        #expect(verifying.port == 5432)
        #expect(verifying.description == "postgresql://u@db.example:5432/suiji")
        for mode in PostgresTLSMode.allCases {
            #expect(PostgresAddress(parsing: "postgresql://u@h/d?sslmode=\(mode.rawValue)")?.tlsMode == mode)
        }
        #expect(PostgresAddress(parsing: "postgresql://u@h/d?sslmode=allow") == nil)
        #expect(PostgresAddress(parsing: "postgresql://u@h/d?sslmode=") == nil)
        #expect(PostgresAddress(parsing: "postgresql://u@h/d?connect_timeout=5") == nil)
        #expect(PostgresAddress.of("postgresql://u@h/d?sslmode=require")?.tlsMode == .require)
    }

    // MARK: - The password file

    @Test func thePasswordFileGivesTheFirstMatchingLineWithItsEscapesAndWildcards() {
        let file = """
            # a comment:with:colons:and:more
            db.example:5432:other:u:not this one
            db.example:*:suiji:u:pass\\:word\\\\x
            *:*:*:*:fallback
            """
        let address = PostgresAddress(user: "u", host: "db.example", port: 6543, database: "suiji")
        #expect(PostgresConnectionSettings.password(in: file, for: address) == "pass:word\\x")
        var other = address
        other.user = "someone"
        #expect(PostgresConnectionSettings.password(in: file, for: other) == "fallback")
        #expect(PostgresConnectionSettings.password(in: "db.example:5432:suiji:u", for: address) == nil)
        #expect(
            PostgresConnectionSettings.password(in: "h:1:d:u:a:b", for: PostgresAddress(user: "u", host: "h", port: 1, database: "d"))
                == "a:b")
    }

    @Test func theURLComesBeforePGPASSWORDWhichComesBeforeTheFileWhichOthersMustNotRead() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.cleanup() }
        let folder = temporary.url.path
        let file = folder + "/pgpass"
        try "*:*:*:*:from the file\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(chmod(file, 0o600) == 0)
        let address = PostgresAddress(user: "u", host: "h", port: 1, database: "d")
        var withPassword = address
        withPassword.password = "from the URL"
        let both = PostgresConnectionSettings(environment: ["PGPASSWORD": "from the environment", "PGPASSFILE": file])
        #expect(both.password(for: withPassword) == "from the URL")
        #expect(both.password(for: address) == "from the environment")
        let fileOnly = PostgresConnectionSettings(environment: ["PGPASSFILE": file, "HOME": "/nonexistent"])
        #expect(fileOnly.password(for: address) == "from the file")
        try FileManager.default.createDirectory(atPath: folder + "/home", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: file, toPath: folder + "/home/.pgpass")
        #expect(PostgresConnectionSettings(environment: ["HOME": folder + "/home"]).password(for: address) == "from the file")
        #expect(chmod(file, 0o640) == 0)
        #expect(fileOnly.password(for: address) == nil)
        #expect(PostgresConnectionSettings(environment: ["PGPASSFILE": folder]).password(for: address) == nil)
    }

    // MARK: - A server with TLS and passwords

    /// The cluster of these tests: TLS on with a self-signed certificate for 127.0.0.1 and localhost;
    /// role `pw` must give its password (SCRAM); role `tlsonly` is refused without TLS.
    static let tlsServer: Result<(server: PostgresTestServer, certificate: String, otherCA: String), any Error> = Result {
        _ = try PostgresTestServer.get() // installs postgresql-15 if need be, and with it openssl (ssl-cert's dependency)
        let keys = try TemporaryFolder().url.path // kept while the tests run: the CA files are named by path
        for name in ["server", "other"] {
            let made = try DebianPackages.run(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", "\(keys)/\(name).key", "-out", "\(keys)/\(name).crt",
                ], timeout: 60)
            guard made.status == 0 else { throw PackageError("openssl req failed: \(made.errors)") }
        }
        let server = try PostgresTestServer.startAnother(options: "-c ssl=on") { data in
            try FileManager.default.copyItem(atPath: "\(keys)/server.crt", toPath: "\(data)/server.crt")
            try FileManager.default.copyItem(atPath: "\(keys)/server.key", toPath: "\(data)/server.key")
            guard chmod("\(data)/server.key", 0o600) == 0 else { throw PackageError("chmod server.key failed") }
            let hba = try String(contentsOfFile: "\(data)/pg_hba.conf", encoding: .utf8)
            let first = """
                host all pw 127.0.0.1/32 scram-sha-256
                hostnossl all tlsonly 127.0.0.1/32 reject

                """
            try (first + hba).write(toFile: "\(data)/pg_hba.conf", atomically: true, encoding: .utf8)
        }
        let admin = try PostgresSession.connect(server.address(database: "postgres"), applicationName: "suiji tests")
        defer { admin.close() }
        try admin.execute("CREATE ROLE pw LOGIN PASSWORD 'a secret:word'")
        try admin.execute("CREATE ROLE tlsonly LOGIN")
        return (server, "\(keys)/server.crt", "\(keys)/other.crt")
    }

    /// Connects with `environment` only (no HOME, no PGPASSWORD unless given); whether TLS carries the session.
    func connectsOverTLS(_ address: PostgresAddress, environment: [String: String] = [:]) throws -> Bool {
        let session = try PostgresSession.connect(
            address, applicationName: "suiji tests", settings: PostgresConnectionSettings(environment: environment))
        defer { session.close() }
        let ssl = try session.texts(PostgresQuery(unsafeSQL: "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))
        return ssl == ["true"]
    }

    /// The error a connection with `environment` only gets.
    func refusal(_ address: PostgresAddress, environment: [String: String] = [:]) throws -> PostgresStoreError {
        try #require(throws: PostgresStoreError.self) {
            try PostgresSession.connect(
                address, applicationName: "suiji tests", settings: PostgresConnectionSettings(environment: environment)
            ).close()
        }
    }

    @Test func aRoleThatMustGiveAPasswordGetsItFromPGPASSWORDOrThePasswordFileAndIsToldWhereWhenItHasNone() throws {
        let server = try Self.tlsServer.get().server
        let address = server.address(database: "postgres", user: "pw")
        let none = try refusal(address)
        #expect(
            none.description == """
                \(address): error: the server asks for a password for role pw, and none was given: put it in PGPASSWORD \
                or in ~/.pgpass (host:port:database:user:password, mode 0600), not in suiji.toml
                """)
        #expect(
            MessageCatalogue(.zh)(none.text) == """
                服务器要求角色 pw 提供密码，但未提供：请写在 PGPASSWORD 或 ~/.pgpass（主机:端口:数据库:用户:密码，权限 0600）中，\
                不要写在 suiji.toml 里
                """)
        #expect(try connectsOverTLS(address, environment: ["PGPASSWORD": "a secret:word"]))
        let temporary = try TemporaryFolder()
        defer { temporary.cleanup() }
        let folder = temporary.url.path
        let file = folder + "/.pgpass"
        try "127.0.0.1:\(server.port):postgres:pw:a secret\\:word\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(chmod(file, 0o600) == 0)
        #expect(try connectsOverTLS(address, environment: ["HOME": folder]))
        #expect(chmod(file, 0o644) == 0)
        #expect(try refusal(address, environment: ["HOME": folder]).text == none.text)
        let wrong = try refusal(address, environment: ["PGPASSWORD": "not it"])
        #expect(wrong.sqlState == "28P01")
        #expect(wrong.description == "\(address): error: password authentication failed for user \"pw\"")
    }

    @Test func sslmodeChoosesTLSAndTheVerifyingModesCheckTheCertificateAgainstTheirCA() throws {
        let (server, certificate, otherCA) = try Self.tlsServer.get()
        var address = server.address(database: "postgres", user: "tlsonly")
        #expect(try connectsOverTLS(address)) // prefer, the default
        address.tlsMode = .disable
        let plain = try refusal(address)
        #expect(plain.sqlState == "28000")
        #expect(
            plain.description
                == "\(address): error: pg_hba.conf rejects connection for host \"127.0.0.1\", user \"tlsonly\", database \"postgres\", no encryption"
        )
        address.tlsMode = .require
        #expect(try connectsOverTLS(address))
        for mode in [PostgresTLSMode.verifyCA, .verifyFull] {
            address.tlsMode = mode
            address.rootCertificate = certificate
            #expect(try connectsOverTLS(address))
            address.rootCertificate = otherCA
            let untrusted = try refusal(address)
            #expect(untrusted.sqlState == nil)
            #expect(
                untrusted.description == """
                    \(address): error: the server's TLS certificate was not accepted (CERTIFICATE_VERIFY_FAILED) under \
                    sslmode=\(mode.rawValue): check that sslrootcert names the CA that signed it and that the certificate \
                    names 127.0.0.1
                    """)
        }
        address.rootCertificate = "/nonexistent/ca.pem"
        #expect(
            try refusal(address).description
                == "\(address): error: cannot set up TLS with the CA file '/nonexistent/ca.pem': noSuchFilesystemObject")
    }

    @Test func aServerWithoutTLSIsRefusedWhenTheURLRequiresIt() throws {
        var address = try PostgresTestServer.get().address(database: "postgres")
        #expect(try !connectsOverTLS(address))
        address.tlsMode = .require
        #expect(
            try refusal(address).description == """
                \(address): error: the server does not offer TLS, and sslmode=require asks for it: turn on ssl in the \
                server's postgresql.conf, or connect with sslmode=prefer
                """)
    }
}
