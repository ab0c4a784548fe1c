internal import Foundation
public import Pipeline

// The plan's header aliases in force: the ones bundled with suiji (Resources/plan-columns.json)
// plus the operator's, from the file named by `[plan] columns` (resolved against the configuration
// file's folder). The operator's file has the bundled file's shape, `{"canonical": ["header", …]}`,
// and only adds: a header it names for one column that the bundled table (or the file itself) gives
// to another is an error, as is a canonical name suiji does not know. The discipline is the scope
// map's (ScopeMapLoader.swift): a file that is missing, unreadable or invalid stops the command
// with an error naming the file, and never falls back to the bundled table alone.

/// An operator's plan-columns file that cannot be used.
public struct PlanColumnsFileError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The file, as resolved from the configuration.
    public var file: String
    /// The 1-based line of a JSON syntax error, else nil.
    public var line: Int?
    /// The 1-based column of a JSON syntax error, else nil.
    public var column: Int?
    /// What is wrong and what to do.
    public var text: Message

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, _ text: Message) {
        self.file = file
        self.line = line
        self.column = column
        self.text = text
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// The error as a diagnostic, in the language in force where it is printed.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: SourceLocation(file: file, line: line, column: column)) }

    /// `file[:line:column]: error: message`.
    public var description: String { diagnostic.description }

    /// Bad configuration: exit 64.
    public var exitStatus: ExitStatus { .usage }
}

/// Loads the plan's header aliases a configuration names.
public enum PlanColumnsLoader {
    /// The canonical columns a plan may have.
    public static let canonicalColumns = [
        "area", "seq", "name", "matters", "scopes", "ratioAndFrequency", "ratio", "frequency", "count", "estimatedCount",
        "riskRequirement", "window", "initiator", "cooperators", "mode", "inspectionType", "division", "planCode", "planName",
        "taskCode", "remarks",
    ]

    /// The bundled aliases plus the file named by `[plan] columns`, if any.
    public static func load(_ configuration: Configuration) throws -> ColumnAliases {
        let bundled = try ColumnAliases.bundled("plan-columns")
        guard let path = configuration.resolvedPlanColumnsPath else { return bundled }
        return try load(path: path, over: bundled)
    }

    /// Reads an operator's file and adds its aliases to `bundled`.
    public static func load(path: String, over bundled: ColumnAliases) throws(PlanColumnsFileError) -> ColumnAliases {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PlanColumnsFileError(file: path, Message(.planColumnsMissing))
        }
        guard !isDirectory.boolValue else {
            throw PlanColumnsFileError(file: path, Message(.planColumnsFolder))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PlanColumnsFileError(file: path, Message(.planColumnsUnreadable, ["reason": error.localizedDescription]))
        }
        let value: PayloadJSON
        do {
            value = try PayloadJSON.parse(data)
        } catch {
            let (line, column) = ScopeMapLoader.position(ofByte: error.offset, in: Array(data))
            throw PlanColumnsFileError(file: path, line: line, column: column, Message(.jsonInvalid, ["reason": error.message]))
        }
        guard case .object(let members) = value else {
            throw PlanColumnsFileError(file: path, Message(.planColumnsNotObject))
        }
        var merged = bundled.aliases
        var owner: [String: String] = [:]
        for (canonical, names) in bundled.aliases {
            owner[ColumnAliases.normalize(canonical)] = canonical
            for name in names { owner[ColumnAliases.normalize(name)] = canonical }
        }
        for (canonical, entry) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            guard canonicalColumns.contains(canonical) else {
                throw PlanColumnsFileError(
                    file: path, Message(.planColumnsUnknown, ["name": canonical, "list": canonicalColumns.joined(separator: ", ")]))
            }
            guard case .array(let items) = entry else {
                throw PlanColumnsFileError(file: path, Message(.planColumnsNotList, ["name": canonical]))
            }
            for item in items {
                guard case .string(let header) = item, !header.trimmingWhitespace().isEmpty else {
                    throw PlanColumnsFileError(file: path, Message(.planColumnsNotHeader, ["name": canonical]))
                }
                let key = ColumnAliases.normalize(header)
                if let other = owner[key], other != canonical {
                    throw PlanColumnsFileError(
                        file: path, Message(.planColumnsTaken, ["header": header, "name": canonical, "other": other]))
                }
                owner[key] = canonical
                merged[canonical, default: []].append(header)
            }
        }
        return ColumnAliases(aliases: merged)
    }
}
