// The JSON suiji prints for programs (`--json` of plan show, draw show, draw quotas, draw coverage,
// report and publish; the night's run.json): one writer, CanonicalJSON's pretty form (keys in code
// point order, two-space indentation), so the same data gives the same bytes on every run, and two
// keys added at the top: `schemaVersion` and `kind`. The shapes are documented in the README
// ("JSON outputs"). The publication payloads and the draw's bundles have versions of their own.

/// The JSON outputs of the commands, each marked with its kind and the schema version.
public enum JSONOutput {
    /// The version of the shapes of the JSON outputs: raised when a key is renamed or removed or
    /// changes meaning; adding a key does not raise it.
    public static let schemaVersion = 1

    /// `value` as pretty canonical JSON (no final newline) with `schemaVersion` and `kind` added to
    /// its top-level object (a value that is not an object is put under `data`).
    public static func text(_ value: some Encodable, kind: String) throws -> String {
        var object: [String: CanonicalJSON]
        switch try CanonicalJSON(encoding: value) {
        case .object(let fields): object = fields
        case let other: object = ["data": other]
        }
        object["schemaVersion"] = .integer(schemaVersion)
        object["kind"] = .string(kind)
        return String(CanonicalJSON.object(object).prettyText.dropLast())
    }
}
