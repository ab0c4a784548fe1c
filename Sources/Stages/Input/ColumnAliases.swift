internal import Foundation
internal import Pipeline

/// Header aliases kept as data: canonical column name to the spellings found in real files.
public struct ColumnAliases: Sendable, Hashable {
    /// Canonical name to its aliases, as loaded.
    public let aliases: [String: [String]]
    private let lookup: [String: String]

    /// Creates the table; aliases are matched after `normalize`.
    public init(aliases: [String: [String]]) {
        self.aliases = aliases
        var lookup: [String: String] = [:]
        for (canonical, names) in aliases {
            lookup[Self.normalize(canonical)] = canonical
            for name in names { lookup[Self.normalize(name)] = canonical }
        }
        self.lookup = lookup
    }

    /// Loads a bundled alias table, e.g. `plan-columns`.
    public static func bundled(_ name: String) throws -> ColumnAliases {
        let data = try EmbeddedResources.data(named: "\(name).json")
        return ColumnAliases(aliases: try JSONDecoder().decode([String: [String]].self, from: data))
    }

    /// Header text reduced for matching: full-width forms folded, spaces and a BOM removed, lowercased.
    public static func normalize(_ header: String) -> String {
        var text = PlanCellParser.normalizeWidth(header).lowercased()
        text.removeAll { $0.isWhitespace || $0 == "\u{FEFF}" || $0 == "*" }
        return text
    }

    /// The canonical name for a header as written, or nil if unknown.
    public func canonical(for header: String) -> String? { lookup[Self.normalize(header)] }

    /// The aliases of a canonical name, for messages ("统一社会信用代码 / uscc / …").
    public func spellings(of canonical: String) -> [String] { aliases[canonical] ?? [canonical] }
}
