// Why this exists: a province's counties reach one PostgreSQL server over the network, so a store's
// address is not enough to connect the way its IT staff expect. They keep passwords out of
// suiji.toml (which every operator reads) in `PGPASSWORD` or a `~/.pgpass` file, and they ask for TLS
// with `?sslmode=…` and name the CA with `&sslrootcert=…`: libpq's conventions, which `psql` and every
// other PostgreSQL client follow. postgres-nio follows none of them by itself; this file applies them.
// Hand-written (about 120 lines) because no package on this machine reads a .pgpass file.

internal import Foundation
internal import NIOSSL
internal import PostgresNIO

/// How a connection uses TLS, with libpq's names (`sslmode=`).
public enum PostgresTLSMode: String, Sendable, Hashable, CaseIterable {
    /// Never TLS.
    case disable
    /// TLS when the server offers it, without checking its certificate; plain otherwise (libpq's default).
    case prefer
    /// TLS always, without checking the server's certificate.
    case require
    /// TLS always; the certificate must chain to the trusted CA, whatever host it names.
    case verifyCA = "verify-ca"
    /// TLS always; the certificate must chain to the trusted CA and name the host connected to.
    case verifyFull = "verify-full"
}

/// Where a connection's password and TLS settings come from: the address, then the environment.
struct PostgresConnectionSettings {
    /// The environment (`PGPASSWORD`, `PGPASSFILE`, `HOME`).
    var environment: [String: String]

    /// The process's own environment.
    static var current: PostgresConnectionSettings { PostgresConnectionSettings(environment: ProcessInfo.processInfo.environment) }

    /// The password for `address`, as libpq finds it: in the URL, else `PGPASSWORD`, else the first
    /// matching line of the password file (`PGPASSFILE`, else `~/.pgpass`) when only its owner may read
    /// it. Nil when none gives one (the server may not ask).
    func password(for address: PostgresAddress) -> String? {
        if let password = address.password { return password }
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        guard let file = passwordFile, Self.ownerOnly(file), let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            return nil
        }
        return Self.password(in: text, for: address)
    }

    /// The password file's path: `PGPASSFILE`, else `~/.pgpass`.
    var passwordFile: String? {
        if let file = environment["PGPASSFILE"], !file.isEmpty { return file }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.pgpass"
    }

    /// True when the file is a regular file that neither its group nor others may read or write
    /// (libpq ignores a password file that they may).
    static func ownerOnly(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return false }
        return status.st_mode & (S_IRWXG | S_IRWXO) == 0
    }

    /// The password of the first line of a password file that matches the address:
    /// `host:port:database:user:password`, each of the first four a value or `*`, `\:` and `\\` escaped,
    /// `#` lines comments.
    static func password(in text: String, for address: PostgresAddress) -> String? {
        let wanted = [address.host, String(address.port), address.database, address.user]
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard !line.hasPrefix("#") else { continue }
            let fields = splitEscaped(Substring(line))
            guard fields.count >= 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) {
                return fields.dropFirst(4).joined(separator: ":")
            }
        }
        return nil
    }

    /// A password file's line split at its unescaped colons, the escapes removed.
    private static func splitEscaped(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var escaped = false
        for character in line {
            if escaped {
                field.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    /// postgres-nio's TLS setting for the address's `sslmode` (its CA: `sslrootcert`, else
    /// `~/.postgresql/root.crt` when there is one, else the system's).
    func tls(for address: PostgresAddress) throws -> PostgresConnection.Configuration.TLS {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch address.tlsMode {
        case .disable: return .disable
        case .prefer, .require: configuration.certificateVerification = .none
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .verifyFull: configuration.certificateVerification = .fullVerification
        }
        if address.tlsMode == .verifyCA || address.tlsMode == .verifyFull, let root = rootCertificate(for: address) {
            configuration.trustRoots = .file(root)
        }
        let context = try NIOSSLContext(configuration: configuration)
        return address.tlsMode == .prefer ? .prefer(context) : .require(context)
    }

    /// The CA file that a verifying mode trusts, or nil for the system's CAs.
    func rootCertificate(for address: PostgresAddress) -> String? {
        if let root = address.rootCertificate { return root }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        let file = home + "/.postgresql/root.crt"
        return FileManager.default.fileExists(atPath: file) ? file : nil
    }
}
