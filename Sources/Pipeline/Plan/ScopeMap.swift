// The scope map: which register categories (the `category` field of an entity register) each
// object scope of a plan (抽查对象范围, e.g. 全市四上单位) covers.
//
// Plans name scopes in free text and registers name categories in their own words, so the link
// is data an operator edits (Sources/Stages/Resources/scope-map.json), not code. Lookup of a
// scope: the exact `scope` text of an entry first, then the entry's `aliases`; both after
// `PlanCellParser.clean` (full-width forms mapped, outer whitespace removed). An entity matches
// a scope when its cleaned category is one of the entry's `categories`, exactly. Each seeded
// entry lists the scope's own text among its categories, so a register whose categories are the
// plan's words (RegisterGenerator's are) populates the task.

public import Foundation

/// One plan scope and the register categories it covers.
public struct ScopeMapEntry: Sendable, Hashable, Codable {
    /// The scope exactly as the plan writes it (after `PlanCellParser.clean`).
    public var scope: String
    /// Other spellings of the same scope in other plans or years.
    public var aliases: [String]
    /// The register categories of entities in this scope.
    public var categories: [String]
    /// A remark for operators (why these categories), or nil.
    public var note: String?

    /// Creates an entry.
    public init(scope: String, aliases: [String] = [], categories: [String], note: String? = nil) {
        self.scope = scope
        self.aliases = aliases
        self.categories = categories
        self.note = note
    }

    private enum CodingKeys: String, CodingKey { case scope, aliases, categories, note }

    /// Decodes an entry; `aliases` and `note` may be left out.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scope = try c.decode(String.self, forKey: .scope)
        aliases = try c.decodeIfPresent([String].self, forKey: .aliases) ?? []
        categories = try c.decode([String].self, forKey: .categories)
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }
}

/// Why a scope map was refused.
public struct ScopeMapError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, in words an operator can act on.
    public var text: Message

    /// Creates an error.
    public init(_ text: Message) { self.text = text }

    /// ``text`` in English.
    public var message: String { text.english }

    /// `scope map: <message>`.
    public var description: String { "scope map: \(message)" }
}

/// The map from plan scopes to register categories (see the top of ScopeMap.swift for the rules).
public struct ScopeMap: Sendable, Hashable, Codable {
    /// The format version of the file (1).
    public var version: Int
    /// The entries, in file order.
    public var entries: [ScopeMapEntry]

    /// Index: cleaned scope text → entry index.
    private var byScope: [String: Int] = [:]
    /// Index: cleaned alias → entry index.
    private var byAlias: [String: Int] = [:]

    private enum CodingKeys: String, CodingKey { case version, entries = "scopes" }

    /// A map from entries; throws on an empty scope or category list, or on a scope or alias named
    /// twice (the lookup would be ambiguous).
    public init(version: Int = 1, entries: [ScopeMapEntry]) throws {
        self.version = version
        self.entries = entries
        try buildIndex()
    }

    /// Decodes `{"version": 1, "scopes": [{"scope": …, "aliases": […], "categories": […]}, …]}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        version = try c.decodeIfPresent(Int.self, forKey: .version) ?? 1
        entries = try c.decode([ScopeMapEntry].self, forKey: .entries)
        do {
            try buildIndex()
        } catch let error as ScopeMapError {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: c.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes in the file's shape.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(version, forKey: .version)
        try c.encode(entries, forKey: .entries)
    }

    /// Reads the JSON of `scope-map.json`; a decoding failure is reported with its path in the file.
    public init(jsonData: Data) throws {
        do {
            self = try JSONDecoder().decode(ScopeMap.self, from: jsonData)
        } catch let DecodingError.dataCorrupted(context) {
            throw ScopeMapError(Message(.scopeMapAt, ["place": Self.path(context.codingPath), "reason": context.debugDescription]))
        } catch let DecodingError.keyNotFound(key, context) {
            throw ScopeMapError(Message(.scopeMapMissingKey, ["place": Self.path(context.codingPath), "key": key.stringValue]))
        } catch let DecodingError.typeMismatch(_, context) {
            throw ScopeMapError(Message(.scopeMapAt, ["place": Self.path(context.codingPath), "reason": context.debugDescription]))
        } catch let DecodingError.valueNotFound(_, context) {
            throw ScopeMapError(Message(.scopeMapAt, ["place": Self.path(context.codingPath), "reason": context.debugDescription]))
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "top level" }
        var text = ""
        for key in codingPath {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    private mutating func buildIndex() throws {
        byScope = [:]
        byAlias = [:]
        for (index, entry) in entries.enumerated() {
            let scope = PlanCellParser.clean(entry.scope)
            guard !scope.isEmpty else { throw ScopeMapError(Message(.scopeMapEmptyScope, ["entry": "\(index + 1)"])) }
            guard entry.categories.contains(where: { !PlanCellParser.clean($0).isEmpty }) else {
                throw ScopeMapError(Message(.scopeMapNoCategory, ["scope": scope]))
            }
            if let other = byScope[scope] {
                throw ScopeMapError(Message(.scopeMapScopeTwice, ["scope": scope, "first": "\(other + 1)", "second": "\(index + 1)"]))
            }
            byScope[scope] = index
        }
        for (index, entry) in entries.enumerated() {
            for alias in entry.aliases.map(PlanCellParser.clean) where !alias.isEmpty {
                if let other = byScope[alias], other != index {
                    throw ScopeMapError(Message(.scopeMapAliasIsScope, ["alias": alias, "scope": entry.scope]))
                }
                if let other = byAlias[alias], other != index {
                    throw ScopeMapError(
                        Message(.scopeMapAliasTwice, ["alias": alias, "first": entries[other].scope, "second": entry.scope]))
                }
                byAlias[alias] = index
            }
        }
    }

    /// The entry for a plan scope: exact scope text first, then aliases; nil if none.
    public func entry(forScope scope: String) -> ScopeMapEntry? {
        let key = PlanCellParser.clean(scope)
        if let index = byScope[key] ?? byAlias[key] { return entries[index] }
        return nil
    }

    /// The categories a plan scope covers (cleaned); empty when the scope is not in the map.
    public func categories(forScope scope: String) -> Set<String> {
        guard let entry = entry(forScope: scope) else { return [] }
        return Set(entry.categories.map(PlanCellParser.clean).filter { !$0.isEmpty })
    }

    /// The categories any of `scopes` covers.
    public func categories(forScopes scopes: some Sequence<String>) -> Set<String> {
        var all: Set<String> = []
        for scope in scopes { all.formUnion(categories(forScope: scope)) }
        return all
    }

    /// True if an entity of `category` is in one of `scopes`.
    public func matches(category: String, scopes: some Sequence<String>) -> Bool {
        categories(forScopes: scopes).contains(PlanCellParser.clean(category))
    }

    /// Which tasks reach no entity and which entity categories no task reaches.
    ///
    /// - Parameters:
    ///   - plan: the annual plan.
    ///   - entityCategories: the number of entities per register category (as written).
    public func coverage(of plan: AnnualPlan, entityCategories: [String: Int]) -> ScopeCoverageReport {
        var counts: [String: Int] = [:]
        for (category, n) in entityCategories { counts[PlanCellParser.clean(category), default: 0] += n }
        var unmapped: [ScopeCoverageReport.UnmappedScope] = []
        var empty: [Int] = []
        var covered: Set<String> = []
        for task in plan.tasks {
            for scope in task.scopes where entry(forScope: scope) == nil {
                unmapped.append(.init(taskSeq: task.seq, scope: scope))
            }
            let categories = self.categories(forScopes: task.scopes)
            covered.formUnion(categories)
            if !categories.contains(where: { (counts[$0] ?? 0) > 0 }) { empty.append(task.seq) }
        }
        let uncovered = counts.filter { $0.value > 0 && !covered.contains($0.key) }
            .map { ScopeCoverageReport.UncoveredCategory(category: $0.key, entities: $0.value) }
            .sorted { $0.category.utf8.lexicographicallyPrecedes($1.category.utf8) }
        return ScopeCoverageReport(unmappedScopes: unmapped, tasksWithoutEntities: empty, uncoveredCategories: uncovered)
    }

    /// Equal when versions and entries are equal (the indexes follow from the entries).
    public static func == (lhs: ScopeMap, rhs: ScopeMap) -> Bool {
        lhs.version == rhs.version && lhs.entries == rhs.entries
    }

    /// Hashes the version and entries.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(version)
        hasher.combine(entries)
    }
}

/// What a scope map leaves out, for a plan and the categories of the registers.
public struct ScopeCoverageReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A task's scope that no entry (scope or alias) names.
    public struct UnmappedScope: Sendable, Hashable, Codable {
        /// The task's 序号.
        public var taskSeq: Int
        /// The scope as the plan writes it.
        public var scope: String

        /// Creates a finding.
        public init(taskSeq: Int, scope: String) {
            self.taskSeq = taskSeq
            self.scope = scope
        }
    }

    /// A register category that no task's scope covers, with its number of entities.
    public struct UncoveredCategory: Sendable, Hashable, Codable {
        /// The category (cleaned).
        public var category: String
        /// How many entities carry it.
        public var entities: Int

        /// Creates a finding.
        public init(category: String, entities: Int) {
            self.category = category
            self.entities = entities
        }
    }

    /// Scopes missing from the map, in plan order.
    public var unmappedScopes: [UnmappedScope]
    /// Tasks (序号) whose scopes match no entity of the registers, in plan order.
    public var tasksWithoutEntities: [Int]
    /// Categories of registered entities that no task covers, by code point order.
    public var uncoveredCategories: [UncoveredCategory]

    /// True if every scope is mapped, every task reaches an entity and every category is covered.
    public var isComplete: Bool { unmappedScopes.isEmpty && tasksWithoutEntities.isEmpty && uncoveredCategories.isEmpty }

    /// One line per finding.
    public var description: String {
        var lines: [String] = []
        for u in unmappedScopes { lines.append("task \(u.taskSeq): scope '\(u.scope)' is not in the scope map") }
        for seq in tasksWithoutEntities { lines.append("task \(seq): its scopes match no registered entity") }
        for c in uncoveredCategories { lines.append("category '\(c.category)' (\(c.entities) entities) is covered by no task") }
        return lines.isEmpty ? "every scope is mapped, every task has entities, every category is covered" : lines.joined(separator: "\n")
    }
}
