// The data files compiled into suiji: the header alias tables, the XML schemas, the holiday
// calendar, the scope map, the example configuration and the demo county. They are listed in
// `Sources/Stages/Resources/embedded-resources.txt` and turned into `EmbeddedResourceTable` at build
// time by `Sources/EmbedResourcesPlugin`, so that the binary needs no resource folder beside it.

public import Foundation
public import Pipeline

/// The files compiled into suiji, by the name `embedded-resources.txt` gives them (e.g. `scope-map.json`,
/// `demo/night-1/inbox/seeds/2024-G02-R1.txt`).
public enum EmbeddedResources {
    /// Every embedded name, in the list's order (a folder's files sorted by path).
    public static var names: [String] { EmbeddedResourceTable.names }

    /// The bytes of the file embedded as `name`.
    ///
    /// - Throws: ``EmbeddedResourceError`` if no file of that name was compiled in.
    public static func data(named name: String) throws -> Data {
        guard let base64 = EmbeddedResourceTable.base64(named: name), let data = Data(base64Encoded: base64) else {
            throw EmbeddedResourceError(name: name)
        }
        return data
    }

    /// The text of the file embedded as `name`, which must be UTF-8.
    ///
    /// - Throws: ``EmbeddedResourceError`` if no file of that name was compiled in.
    public static func text(named name: String) throws -> String {
        String(decoding: try data(named: name), as: UTF8.self)
    }

    /// The names of the files embedded under the folder name `prefix` (e.g. `demo/night-1/inbox/`),
    /// each without the prefix, in order.
    public static func names(under prefix: String) -> [String] {
        names.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}

/// A resource that this build of suiji lacks: a mistake in `embedded-resources.txt` or in the code.
public struct EmbeddedResourceError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The name asked for.
    public var name: String

    /// The exit status: a failure of the installation, not of the input.
    public var exitStatus: ExitStatus { .failure }

    /// What happened and what to do.
    public var description: String {
        "error: the resource \(name) is not compiled into this suiji; it must be listed in Sources/Stages/Resources/embedded-resources.txt (rebuild suiji)"
    }
}
