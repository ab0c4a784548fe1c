internal import Foundation
public import Pipeline
internal import TOMLKit

/// The settings of a run, read from `suiji.toml`.
///
/// The file is looked for in the working directory, or named with `--config PATH`; a missing file
/// means every default below. Every key is optional and checked: an unknown key or a bad value is a
/// ``ConfigurationError`` naming the dotted key, the file and the line. Paths are kept as written and
/// resolved against ``baseDirectory`` (the folder that holds the configuration file) by
/// ``resolvedPath(_:)``, so a configuration moves with its folder.
///
/// The commented example `Resources/suiji.example.toml` (see ``exampleText()``) documents every key and
/// loads to exactly ``defaults``.
public struct Configuration: Sendable, Hashable, Codable {
    /// The name looked for in the working directory: `suiji.toml`.
    public static let fileName = "suiji.toml"

    /// The six-digit administrative region code of the county (`region`, default `"140981"`, 原平市).
    public var region: String
    /// The plan year (`year`, default 2024), between 2000 and 2100.
    public var year: Int
    /// The SQLite store, as written (`store`, default `"suiji.sqlite"`).
    public var store: String
    /// The holiday calendar file, as written (`calendar`, default `""`: the bundled calendar).
    public var calendar: String
    /// The working folders (`[paths]`).
    public var paths: Paths
    /// How credit-risk classes change quotas (`[risk]`).
    public var risk: RiskSettings
    /// What is drawn from, and how far ahead (`[draw]`).
    public var draw: DrawSettings
    /// How inspection teams are formed (`[inspectors]`).
    public var inspectors: InspectorSettings
    /// What is published (`[publish]`).
    public var publish: PublishSettings
    /// Logging (`[log]`).
    public var log: LogSettings
    /// The plan's header aliases and overrides (`[plan]`).
    public var plan: PlanSettings
    /// What people read (`[ui]`, UISettings.swift).
    public var ui: UISettings = .defaults
    /// True when the file sets `region`; a plan import never takes the default region silently.
    public var regionIsSet: Bool
    /// True when the file sets `year`; a plan import never takes the default year silently.
    public var yearIsSet: Bool
    /// The folder relative paths are resolved against: the configuration file's folder, or the
    /// working directory when there is no file (`"."` in ``defaults``).
    public var baseDirectory: String

    /// Creates a configuration; every argument defaults to the documented default.
    public init(
        region: String = "140981",
        year: Int = 2024,
        store: String = "suiji.sqlite",
        calendar: String = "",
        paths: Paths = .defaults,
        risk: RiskSettings = .defaults,
        draw: DrawSettings = .defaults,
        inspectors: InspectorSettings = .defaults,
        publish: PublishSettings = .defaults,
        log: LogSettings = .defaults,
        plan: PlanSettings = .defaults,
        regionIsSet: Bool = false,
        yearIsSet: Bool = false,
        baseDirectory: String = "."
    ) {
        self.region = region
        self.year = year
        self.store = store
        self.calendar = calendar
        self.paths = paths
        self.risk = risk
        self.draw = draw
        self.inspectors = inspectors
        self.publish = publish
        self.log = log
        self.plan = plan
        self.regionIsSet = regionIsSet
        self.yearIsSet = yearIsSet
        self.baseDirectory = baseDirectory
    }

    /// Every setting at its documented default, resolved against the working directory (`"."`).
    public static let defaults = Configuration()

    /// The credit-risk classes of 国市监信发〔2022〕6号, the keys of every class table.
    public static let creditClasses = ["A", "B", "C", "D"]

    /// The commented example configuration compiled into suiji (`Resources/suiji.example.toml`).
    public static func exampleText() throws -> String { try EmbeddedResources.text(named: "suiji.example.toml") }

    /// A setting's path resolved against ``baseDirectory``: absolute paths are kept, relative ones
    /// joined to the folder, `.` and `..` folded. An empty setting (the bundled calendar) stays empty.
    ///
    /// ```swift
    /// configuration.resolvedPath(\.paths.inbox)   // "/srv/suiji/inbox"
    /// ```
    public func resolvedPath(_ keyPath: KeyPath<Configuration, String>) -> String {
        let path = self[keyPath: keyPath]
        if path.isEmpty { return path }
        return Self.join(baseDirectory, path)
    }

    /// The holiday calendar file resolved against ``baseDirectory``, or nil for the bundled one.
    public var resolvedCalendarPath: String? {
        calendar.isEmpty ? nil : resolvedPath(\.calendar)
    }

    /// The region the file sets, or nil when only the default stands.
    public var givenRegion: String? { regionIsSet ? region : nil }

    /// The year the file sets, or nil when only the default stands.
    public var givenYear: Int? { yearIsSet ? year : nil }

    /// The operator's plan columns file resolved against ``baseDirectory``, or nil for the bundled headers only.
    public var resolvedPlanColumnsPath: String? {
        plan.columns.isEmpty ? nil : resolvedPath(\.plan.columns)
    }

    /// The plan overrides file resolved against ``baseDirectory``, or nil when there is none.
    public var resolvedPlanOverridesPath: String? {
        plan.overrides.isEmpty ? nil : resolvedPath(\.plan.overrides)
    }

    /// The scope map file resolved against ``baseDirectory``, or nil for the bundled one.
    public var resolvedScopeMapPath: String? {
        draw.scopeMap.isEmpty ? nil : resolvedPath(\.draw.scopeMap)
    }

    // MARK: - Finding and loading

    /// The configuration file to load: the explicit `--config` path (resolved against the working
    /// directory, returned even if missing so that loading reports it), else `suiji.toml` in the
    /// working directory if it is a file there, else nil (use ``defaults``).
    public static func locate(explicitPath: String?, workingDirectory: String) -> String? {
        if let explicitPath { return join(workingDirectory, explicitPath) }
        let candidate = join(workingDirectory, fileName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue
        else { return nil }
        return candidate
    }

    /// Locates and loads the configuration; with no file, ``defaults`` resolved against the working
    /// directory.
    public static func load(explicitPath: String?, workingDirectory: String) throws(ConfigurationError) -> Configuration {
        guard let path = locate(explicitPath: explicitPath, workingDirectory: workingDirectory) else {
            var configuration = defaults
            configuration.baseDirectory = workingDirectory
            return configuration
        }
        return try load(path: path, displayName: explicitPath)
    }

    /// Loads a configuration file; relative paths in it are resolved against its folder.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - displayName: The name used in errors; the path itself when nil.
    public static func load(path: String, displayName: String? = nil) throws(ConfigurationError) -> Configuration {
        let name = displayName ?? path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError(
                file: name, key: "",
                message: "no such configuration file; create it (see suiji.example.toml) or leave out --config to use the defaults")
        }
        guard !isDirectory.boolValue else {
            throw ConfigurationError(file: name, key: "", message: "is a folder, not a configuration file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(file: name, key: "", message: "cannot read the configuration file: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: name, key: "", message: "the configuration file is not UTF-8 text; save it as UTF-8")
        }
        return try load(text: text, displayName: name, baseDirectory: directory(of: path))
    }

    /// Parses and checks configuration text.
    ///
    /// - Parameters:
    ///   - text: The TOML document.
    ///   - displayName: The file name used in errors, such as `suiji.toml`.
    ///   - baseDirectory: The folder relative paths are resolved against.
    /// - Throws: The first problem in the file, by line: a syntax error, an unknown key or a bad value.
    public static func load(text: String, displayName: String, baseDirectory: String = ".") throws(ConfigurationError) -> Configuration {
        // toml++ reads a byte-order mark itself, but the key scanner below must not see it.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        if let error = unreadableTableHeader(in: text, displayName: displayName) { throw error }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                file: displayName, line: error.source.begin.line, column: error.source.begin.column, key: "",
                message: "TOML syntax: \(error.description)")
        } catch {
            throw ConfigurationError(file: displayName, key: "", message: "TOML syntax: \(error)")
        }
        var reader = ConfigurationReader(displayName: displayName, lines: TOMLKeyLines(text: text))
        var configuration = reader.read(root)
        configuration.baseDirectory = baseDirectory
        if let first = reader.firstError { throw first }
        return configuration
    }

    /// What toml++ (inside TOMLKit) does not report but stops the process on, with an assertion
    /// (found by the fuzzer, Benchmarks/Fuzz): a table header whose name does not start with a
    /// bare-key character (`A-Z a-z 0-9 _ -`), a quote or `]`, such as `[抽查]` or `[ = ]`; and a
    /// `}` where an array expects a value or its `]`, such as `[1, }`. Refused here first, with
    /// their place. A header is a `[` that starts a line outside any string, comment or value.
    static func unreadableTableHeader(in text: String, displayName: String) -> ConfigurationError? {
        let scalars = Array(text.unicodeScalars)
        var index = 0, line = 1, lineStart = 0
        var open: [Unicode.Scalar] = [] // the arrays and inline tables the scanner is in
        var arrayWantsValue = false // just after an array's `[` or `,`
        var atLineStart = true
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(file: displayName, line: line, column: index - lineStart + 1, key: "", message: "TOML syntax: " + message)
        }
        /// Skips a string opened at `index`, with its escapes (basic strings) and newlines (multi-line ones).
        func skipString() {
            let quote = scalars[index]
            let multiLine = index + 2 < scalars.count && scalars[index + 1] == quote && scalars[index + 2] == quote
            index += multiLine ? 3 : 1
            while index < scalars.count {
                let c = scalars[index]
                if c == "\\", quote == "\"" {
                    index += 2
                    continue
                }
                if c == "\n" {
                    guard multiLine else { return }
                    line += 1
                    lineStart = index + 1
                } else if c == quote,
                    !multiLine || (index + 2 < scalars.count && scalars[index + 1] == quote && scalars[index + 2] == quote)
                {
                    index += multiLine ? 3 : 1
                    return
                }
                index += 1
            }
        }
        while index < scalars.count {
            let c = scalars[index]
            switch c {
            case "\n":
                line += 1
                lineStart = index + 1
                atLineStart = true
                index += 1
            case "#":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            case " ", "\t", "\r":
                index += 1
            case "\"", "'":
                atLineStart = false
                arrayWantsValue = false
                skipString()
            case "[" where atLineStart && open.isEmpty:
                func skipSpaces(_ from: Int) -> Int {
                    var at = from
                    while at < scalars.count, scalars[at] == " " || scalars[at] == "\t" { at += 1 }
                    return at
                }
                var afterSpace = skipSpaces(index + 1)
                // `[[`: the second bracket only right after the first (`[ [` is toml++'s own error).
                let spacedBracket = afterSpace > index + 1 && afterSpace < scalars.count && scalars[afterSpace] == "["
                if !spacedBracket, afterSpace < scalars.count, scalars[afterSpace] == "[" { afterSpace = skipSpaces(afterSpace + 1) }
                if afterSpace < scalars.count, !spacedBracket {
                    let first = scalars[afterSpace]
                    let bare =
                        first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first) || first == "_" || first == "-")
                    if !(bare || first == "\"" || first == "'" || first == "]") {
                        let shown = first == "\n" ? "the end of the line" : first == "\t" ? "a tab" : "'\(first)'"
                        let name = String(String.UnicodeScalarView(scalars[afterSpace...].prefix { $0 != "]" && $0 != "\n" }))
                        index = afterSpace
                        return failure(
                            "a table name starts with a letter, digit, '_', '-' or a quote, not \(shown); put the name in quotes, e.g. [\"\(name)\"]"
                        )
                    }
                }
                // The rest of the header line holds no value.
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            default:
                atLineStart = false
                switch c {
                case "[":
                    open.append(c)
                    arrayWantsValue = true
                case "{":
                    open.append(c)
                    arrayWantsValue = false
                case "}":
                    if arrayWantsValue { return failure("'}' where the array expects a value or its closing ']'") }
                    if open.last == "{" { open.removeLast() }
                case "]":
                    if open.last == "[" { open.removeLast() }
                    arrayWantsValue = false
                case ",":
                    arrayWantsValue = open.last == "["
                default:
                    arrayWantsValue = false
                }
                index += 1
            }
        }
        return nil
    }

    // MARK: - Paths

    /// Joins a path to a base folder (absolute paths are kept) and folds `.` and `..`.
    static func join(_ base: String, _ path: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Folds `.`, `..` and repeated slashes without touching the file system.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The folder of a file path, `.` for a bare file name.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = path[..<slash]
        return folder.isEmpty ? "/" : String(folder)
    }
}

// MARK: - Settings

extension Configuration {
    /// The working folders, as written; resolve them with ``Configuration/resolvedPath(_:)``.
    public struct Paths: Sendable, Hashable, Codable {
        /// Where incoming registers and results are picked up (`paths.inbox`, default `"inbox"`).
        public var inbox: String
        /// Where payloads for publication are written (`paths.outbox`, default `"outbox"`).
        public var outbox: String
        /// Where processed inputs are moved (`paths.archive`, default `"archive"`).
        public var archive: String
        /// Where rejected inputs are moved with their diagnostics (`paths.rejects`, default `"rejects"`).
        public var rejects: String
        /// Where reports are written (`paths.reports`, default `"reports"`).
        public var reports: String

        /// Creates the folder settings; every argument defaults to its documented default.
        public init(
            inbox: String = "inbox", outbox: String = "outbox", archive: String = "archive",
            rejects: String = "rejects", reports: String = "reports"
        ) {
            self.inbox = inbox
            self.outbox = outbox
            self.archive = archive
            self.rejects = rejects
            self.reports = reports
        }

        /// The default folder names.
        public static let defaults = Paths()
    }

    /// How a class quota is derived from the plan's ratio.
    public enum RiskPolicyKind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Class ratio = min(100%, plan ratio × the class multiplier).
        case multipliers
        /// Class ratio = the class's fixed ratio, whatever the plan says.
        case fixed
    }

    /// The credit-risk quota policy (`[risk]`); see domain §5.
    public struct RiskSettings: Sendable, Hashable, Codable {
        /// Which rule applies (`risk.policy`, default `multipliers`).
        public var policy: RiskPolicyKind
        /// Multipliers of the plan's ratio per class A, B, C, D (`risk.multipliers`,
        /// default A 0.5, B 1, C 2, D 4); finite and at least 0.
        public var multipliers: [String: Double]
        /// Fixed ratios per class A, B, C, D (`risk.fixed`, no default; required when the policy is
        /// `fixed`); between 0 and 1.
        public var fixed: [String: Double]?
        /// Per-task exceptions (`[[risk.override]]`, default none); tasks are unique.
        public var overrides: [TaskOverride]
        /// Visits per round of each class A, B, C, D (`risk.visits`, default A 1, B 1, C 1, D 2:
        /// high-risk entities are visited twice as often as the task's own frequency); 1 to 12.
        public var visits: [String: Int]

        /// Creates the risk settings; every argument defaults to its documented default.
        public init(
            policy: RiskPolicyKind = .multipliers,
            multipliers: [String: Double] = ["A": 0.5, "B": 1.0, "C": 2.0, "D": 4.0],
            fixed: [String: Double]? = nil,
            overrides: [TaskOverride] = [],
            visits: [String: Int] = ["A": 1, "B": 1, "C": 1, "D": 2]
        ) {
            self.policy = policy
            self.multipliers = multipliers
            self.fixed = fixed
            self.overrides = overrides
            self.visits = visits
        }

        /// The default policy: multipliers A 0.5, B 1, C 2, D 4; no fixed table; no overrides.
        public static let defaults = RiskSettings()

        /// The override for a plan task (its 序号), if any.
        public func override(forTask task: Int) -> TaskOverride? {
            overrides.first { $0.task == task }
        }
    }

    /// An exception for one task of the plan (`[[risk.override]]`).
    public struct TaskOverride: Sendable, Hashable, Codable {
        /// The plan's 序号 of the task (`task`, required, at least 1).
        public var task: Int
        /// A ratio replacing the plan's ratio, in (0, 1] (`ratio`, optional).
        public var ratio: Double?
        /// A fixed number of entities to draw instead of a ratio, at least 1 (`count`, optional;
        /// never together with `ratio`).
        public var count: Int?
        /// The policy for this task; nil means `[risk]`'s (`policy`, optional).
        public var policy: RiskPolicyKind?
        /// Multipliers for this task; nil means `[risk]`'s (`multipliers`, optional).
        public var multipliers: [String: Double]?
        /// Fixed ratios for this task; nil means `[risk]`'s (`fixed`, optional).
        public var fixed: [String: Double]?

        /// Creates an override.
        public init(
            task: Int, ratio: Double? = nil, count: Int? = nil, policy: RiskPolicyKind? = nil,
            multipliers: [String: Double]? = nil, fixed: [String: Double]? = nil
        ) {
            self.task = task
            self.ratio = ratio
            self.count = count
            self.policy = policy
            self.multipliers = multipliers
            self.fixed = fixed
        }
    }

    /// Whose registered entities make up a task's population.
    public enum Population: String, Sendable, Hashable, Codable, CaseIterable {
        /// The initiating department's and every cooperating department's entities.
        case initiatorAndCooperators = "initiator-and-cooperators"
        /// The initiating department's entities only.
        case initiator
    }

    /// The plan's header aliases and the operator's decisions (`[plan]`).
    public struct PlanSettings: Sendable, Hashable, Codable {
        /// The operator's plan columns file, adding header aliases to the bundled ones, as written
        /// (`plan.columns`, default `""`: the bundled headers only).
        public var columns: String
        /// The plan overrides file deciding tasks that need review, as written (`plan.overrides`,
        /// default `""`: none).
        public var overrides: String

        /// Creates the plan settings.
        public init(columns: String = "", overrides: String = "") {
            self.columns = columns
            self.overrides = overrides
        }

        /// No operator columns, no overrides.
        public static let defaults = PlanSettings()
    }

    /// The draw (`[draw]`).
    public struct DrawSettings: Sendable, Hashable, Codable {
        /// Whose entities are drawn from (`draw.population`, default `initiator-and-cooperators`).
        public var population: Population
        /// Commitments are prepared for rounds starting within this many days (`draw.lead_days`,
        /// default 14, between 0 and 366).
        public var leadDays: Int
        /// The scope map linking plan scopes to register categories, as written (`draw.scope_map`,
        /// default `""`: the map bundled with suiji).
        public var scopeMap: String
        /// What the watchlist (重点关注) changes (`draw.watchlist`: `class-d`, the default,
        /// `always-include` or `off`).
        public var watchlist: WatchlistRule
        /// One visit for an entity drawn by groups of overlapping departments and windows
        /// (一业一查, `draw.joint_visits`, default true).
        public var jointVisits: Bool
        /// The key commitments' salting secrets derive from (`draw.salt_key`, default `""`: a random
        /// key the store makes and keeps).
        public var saltKey: String

        /// Creates the draw settings; every argument defaults to its documented default.
        public init(
            population: Population = .initiatorAndCooperators, leadDays: Int = 14, scopeMap: String = "",
            watchlist: WatchlistRule = .classD, jointVisits: Bool = true, saltKey: String = ""
        ) {
            self.population = population
            self.leadDays = leadDays
            self.scopeMap = scopeMap
            self.watchlist = watchlist
            self.jointVisits = jointVisits
            self.saltKey = saltKey
        }

        /// The default draw settings.
        public static let defaults = DrawSettings()
    }

    /// The most inspections one inspector is given in a round.
    public enum LoadCap: Sendable, Hashable, Codable {
        /// Spread evenly: the smallest cap that lets every team be formed.
        case auto
        /// At most this many (at least 1).
        case limit(Int)
    }

    /// How inspection teams are formed (`[inspectors]`).
    public struct InspectorSettings: Sendable, Hashable, Codable {
        /// Inspectors drawn from the initiating department (`inspectors.from_initiator`, default 2, at least 1).
        public var fromInitiator: Int
        /// Inspectors drawn from each cooperating department (`inspectors.from_each_cooperator`,
        /// default 1, at least 1).
        public var fromEachCooperator: Int
        /// The smallest team allowed (`inspectors.minimum_team`, default 2, at least 2: 行政处罚法
        /// Art. 42 requires two officers).
        public var minimumTeam: Int
        /// The per-inspector cap (`inspectors.load_cap`, default `"auto"`, or an integer of at least 1).
        public var loadCap: LoadCap

        /// Creates the inspector settings; every argument defaults to its documented default.
        public init(fromInitiator: Int = 2, fromEachCooperator: Int = 1, minimumTeam: Int = 2, loadCap: LoadCap = .auto) {
            self.fromInitiator = fromInitiator
            self.fromEachCooperator = fromEachCooperator
            self.minimumTeam = minimumTeam
            self.loadCap = loadCap
        }

        /// The default inspector settings.
        public static let defaults = InspectorSettings()
    }

    /// A publication payload format.
    public enum PublishFormat: String, Sendable, Hashable, Codable, CaseIterable {
        /// JSON payloads.
        case json
        /// XML payloads.
        case xml
    }

    /// What is published (`[publish]`).
    public struct PublishSettings: Sendable, Hashable, Codable {
        /// The payload formats, in the order written, without repeats (`publish.formats`, default
        /// `["json", "xml"]`, never empty).
        public var formats: [PublishFormat]

        /// Creates the publish settings.
        public init(formats: [PublishFormat] = [.json, .xml]) {
            self.formats = formats
        }

        /// The default publish settings.
        public static let defaults = PublishSettings()
    }

    /// A log level; the raw values are swift-log's `Logger.Level` raw values, so
    /// `Logger.Level(rawValue: level.rawValue)` always succeeds.
    public enum LogLevel: String, Sendable, Hashable, Codable, CaseIterable {
        /// Everything.
        case trace
        /// Debugging detail.
        case debug
        /// Progress of a run.
        case info
        /// Noteworthy events.
        case notice
        /// Something unexpected that did not stop the run.
        case warning
        /// A failure.
        case error
        /// A failure that stops the run.
        case critical
    }

    /// How log lines are written.
    public enum LogFormat: String, Sendable, Hashable, Codable, CaseIterable {
        /// One readable line per event.
        case text
        /// One JSON object per line.
        case json
    }

    /// Logging (`[log]`).
    public struct LogSettings: Sendable, Hashable, Codable {
        /// The lowest level written (`log.level`, default `info`).
        public var level: LogLevel
        /// The line format (`log.format`, default `text`).
        public var format: LogFormat

        /// Creates the log settings.
        public init(level: LogLevel = .info, format: LogFormat = .text) {
            self.level = level
            self.format = format
        }

        /// The default log settings.
        public static let defaults = LogSettings()
    }
}

// MARK: - Errors

/// A configuration problem: a TOML syntax error, an unknown key or a bad value, with the file, the
/// line and the dotted key, printed as `suiji.toml:7: error: unknown key 'risk.multiplers'; …`.
public struct ConfigurationError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file as named to the user.
    public var file: String
    /// The 1-based line, or nil for the file as a whole.
    public var line: Int?
    /// The 1-based column, known for syntax errors only.
    public var column: Int?
    /// The dotted key, such as `risk.multipliers.A` or `risk.override[2].task` (blocks counted from 1);
    /// empty for syntax errors and unreadable files.
    public var key: String
    /// What is wrong and what is expected.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// Where the problem is.
    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// The error as a diagnostic, for collectors and golden files.
    public var diagnostic: Diagnostic { Diagnostic(.error, message, at: location) }

    /// `file:line: error: message`.
    public var description: String { diagnostic.description }
}

// MARK: - Reading the parsed document

/// A dotted key of the document; array elements are components too.
struct ConfigKey: Hashable, CustomStringConvertible {
    /// One step into the document.
    enum Component: Hashable {
        /// A table key.
        case key(String)
        /// A 0-based array element.
        case index(Int)
    }

    /// The steps from the root.
    var components: [Component] = []

    /// The document root.
    static let root = ConfigKey()

    /// This key with a table key appended.
    func appending(_ name: String) -> ConfigKey { ConfigKey(components: components + [.key(name)]) }

    /// This key with an array index appended.
    func appending(index: Int) -> ConfigKey { ConfigKey(components: components + [.index(index)]) }

    /// `risk.override[2].task`: keys joined by dots (quoted when not bare), elements counted from 1.
    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let name):
                if !text.isEmpty { text += "." }
                text += Self.bareOrQuoted(name)
            case .index(let index):
                text += "[\(index + 1)]"
            }
        }
        return text
    }

    /// How a table is named in "known keys in …": `[risk]`, `[[risk.override]]`, or `'a[1].b'`.
    var tableLabel: String {
        let indexCount = components.filter { if case .index = $0 { true } else { false } }.count
        if indexCount == 0 { return "[\(description)]" }
        if indexCount == 1, case .index = components.last {
            return "[[\(ConfigKey(components: components.dropLast()).description)]]"
        }
        return "'\(description)'"
    }

    private static func bareOrQuoted(_ name: String) -> String {
        let isBare = !name.isEmpty && name.utf8.allSatisfy(TOMLKeyLines.isBareKeyByte)
        if isBare { return name }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}

/// Reads the parsed tables into a ``Configuration``, collecting every problem with its line.
struct ConfigurationReader {
    let displayName: String
    let lines: TOMLKeyLines
    private(set) var errors: [ConfigurationError] = []

    init(displayName: String, lines: TOMLKeyLines) {
        self.displayName = displayName
        self.lines = lines
    }

    /// The problem that comes first in the file (file-wide ones last), if any.
    var firstError: ConfigurationError? {
        errors.enumerated().min { lhs, rhs in
            (lhs.element.line ?? .max, lhs.offset) < (rhs.element.line ?? .max, rhs.offset)
        }?.element
    }

    static let topLevelKeys = [
        "region", "year", "store", "calendar", "paths", "risk", "draw", "inspectors", "publish", "log", "plan", "ui",
    ]
    static let planKeys = ["columns", "overrides"]
    static let pathsKeys = ["inbox", "outbox", "archive", "rejects", "reports"]
    static let riskKeys = ["policy", "multipliers", "fixed", "visits", "override"]
    static let overrideKeys = ["task", "ratio", "count", "policy", "multipliers", "fixed"]
    static let drawKeys = ["population", "lead_days", "scope_map", "watchlist", "joint_visits", "salt_key"]
    static let inspectorsKeys = ["from_initiator", "from_each_cooperator", "minimum_team", "load_cap"]
    static let publishKeys = ["formats"]
    static let logKeys = ["level", "format"]

    mutating func read(_ root: TOMLTable) -> Configuration {
        var configuration = Configuration.defaults
        let top = ConfigKey.root
        checkKeys(root, at: top, known: Self.topLevelKeys)

        if let value = root["region"] {
            if let text = value.string, text.utf8.count == 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                configuration.region = text
                configuration.regionIsSet = true
            } else {
                fail(top.appending("region"), "must be a 6-digit region code such as \"140981\"", found: value)
            }
        }
        if let year = integer(root, "year", at: top, in: 2000...2100, "must be an integer between 2000 and 2100") {
            configuration.year = year
            configuration.yearIsSet = true
        }
        if let store = path(root, "store", at: top, allowEmpty: false) { configuration.store = store }
        if let calendar = path(root, "calendar", at: top, allowEmpty: true) { configuration.calendar = calendar }

        if let paths = table(root, "paths", at: top) {
            let key = top.appending("paths")
            checkKeys(paths, at: key, known: Self.pathsKeys)
            if let value = path(paths, "inbox", at: key, allowEmpty: false) { configuration.paths.inbox = value }
            if let value = path(paths, "outbox", at: key, allowEmpty: false) { configuration.paths.outbox = value }
            if let value = path(paths, "archive", at: key, allowEmpty: false) { configuration.paths.archive = value }
            if let value = path(paths, "rejects", at: key, allowEmpty: false) { configuration.paths.rejects = value }
            if let value = path(paths, "reports", at: key, allowEmpty: false) { configuration.paths.reports = value }
        }
        if let risk = table(root, "risk", at: top) {
            configuration.risk = readRisk(risk, at: top.appending("risk"))
        }
        if let draw = table(root, "draw", at: top) {
            let key = top.appending("draw")
            checkKeys(draw, at: key, known: Self.drawKeys)
            if let population = choice(draw, "population", at: key, of: Configuration.Population.self) {
                configuration.draw.population = population
            }
            if let days = integer(draw, "lead_days", at: key, in: 0...366, "must be an integer between 0 and 366") {
                configuration.draw.leadDays = days
            }
            if let scopeMap = path(draw, "scope_map", at: key, allowEmpty: true) { configuration.draw.scopeMap = scopeMap }
            if let rule = choice(draw, "watchlist", at: key, of: WatchlistRule.self) { configuration.draw.watchlist = rule }
            if let value = draw["joint_visits"] {
                if let flag = value.bool {
                    configuration.draw.jointVisits = flag
                } else {
                    fail(key.appending("joint_visits"), "must be true or false", found: value)
                }
            }
            if let value = draw["salt_key"] {
                if let text = value.string, text.isEmpty || text.utf8.count >= 16 {
                    configuration.draw.saltKey = text
                } else {
                    fail(
                        key.appending("salt_key"),
                        "must be \"\" (the store's own key) or a secret of at least 16 characters", found: value)
                }
            }
        }
        if let inspectors = table(root, "inspectors", at: top) {
            configuration.inspectors = readInspectors(inspectors, at: top.appending("inspectors"))
        }
        if let publish = table(root, "publish", at: top) {
            let key = top.appending("publish")
            checkKeys(publish, at: key, known: Self.publishKeys)
            if let formats = readFormats(publish, at: key) { configuration.publish.formats = formats }
        }
        if let plan = table(root, "plan", at: top) {
            let key = top.appending("plan")
            checkKeys(plan, at: key, known: Self.planKeys)
            if let columns = path(plan, "columns", at: key, allowEmpty: true) { configuration.plan.columns = columns }
            if let overrides = path(plan, "overrides", at: key, allowEmpty: true) { configuration.plan.overrides = overrides }
        }
        if let log = table(root, "log", at: top) {
            let key = top.appending("log")
            checkKeys(log, at: key, known: Self.logKeys)
            if let level = choice(log, "level", at: key, of: Configuration.LogLevel.self) { configuration.log.level = level }
            if let format = choice(log, "format", at: key, of: Configuration.LogFormat.self) { configuration.log.format = format }
        }
        if let ui = table(root, "ui", at: top) {
            checkKeys(ui, at: top.appending("ui"), known: ["language"])
            configuration.ui.language = choice(ui, "language", at: top.appending("ui"), of: UILanguage.self)
        }
        return configuration
    }

    private mutating func readRisk(_ risk: TOMLTable, at key: ConfigKey) -> Configuration.RiskSettings {
        var settings = Configuration.RiskSettings.defaults
        checkKeys(risk, at: key, known: Self.riskKeys)
        let policy = choice(risk, "policy", at: key, of: Configuration.RiskPolicyKind.self)
        if let policy { settings.policy = policy }
        if let multipliers = classTable(risk, "multipliers", at: key, atMost: nil) { settings.multipliers = multipliers }
        if let visits = classTable(risk, "visits", at: key, atMost: 12) {
            let bad = Configuration.creditClasses.filter { (visits[$0] ?? 1) < 1 || (visits[$0] ?? 1) != (visits[$0] ?? 1).rounded() }
            if bad.isEmpty {
                settings.visits = visits.mapValues { Int($0) }
            } else {
                errors.append(
                    error(
                        key.appending("visits"),
                        "'\(key.appending("visits"))' must give whole numbers of visits from 1 to 12; \(bad.joined(separator: ", ")) is not"
                    ))
            }
        }
        settings.fixed = classTable(risk, "fixed", at: key, atMost: 1)
        let hasFixed = risk["fixed"] != nil
        if policy == .fixed, !hasFixed {
            errors.append(
                error(
                    key.appending("policy"),
                    "'\(key.appending("policy"))' is \"fixed\" but [risk] has no 'fixed' table; add fixed = { A = …, B = …, C = …, D = … }")
            )
        }
        guard let value = risk["override"] else { return settings }
        let overridesKey = key.appending("override")
        guard let array = value.array else {
            fail(overridesKey, "must be an array of tables, written [[\(overridesKey)]]", found: value)
            return settings
        }
        var firstBlockOfTask: [Int: ConfigKey] = [:]
        for index in 0..<array.count {
            let elementKey = overridesKey.appending(index: index)
            let element = array[index]
            guard let table = element.table else {
                fail(elementKey, "must be a table with a 'task' key", found: element)
                continue
            }
            guard let override = readOverride(table, at: elementKey, riskHasFixed: hasFixed) else { continue }
            if let earlier = firstBlockOfTask[override.task] {
                errors.append(
                    error(
                        elementKey.appending("task"),
                        "'\(elementKey.appending("task"))' repeats task \(override.task), already overridden by \(earlier)"))
                continue
            }
            firstBlockOfTask[override.task] = elementKey
            settings.overrides.append(override)
        }
        return settings
    }

    private mutating func readOverride(_ table: TOMLTable, at key: ConfigKey, riskHasFixed: Bool) -> Configuration.TaskOverride? {
        checkKeys(table, at: key, known: Self.overrideKeys)
        let task = integer(table, "task", at: key, in: 1...Int.max, "must be an integer of at least 1 (the plan's 序号)")
        if table["task"] == nil {
            errors.append(error(key, "'\(key)' has no 'task'; give the plan's 序号 of the task it overrides, such as task = 35"))
        }
        var ratio: Double?
        if let value = table["ratio"] {
            if let number = Self.number(value), number > 0, number <= 1 {
                ratio = number
            } else {
                fail(key.appending("ratio"), "must be a number greater than 0 and at most 1", found: value)
            }
        }
        let count = integer(table, "count", at: key, in: 1...Int.max, "must be an integer of at least 1")
        if table["ratio"] != nil, table["count"] != nil {
            errors.append(error(key.appending("count"), "'\(key)' gives both 'ratio' and 'count'; keep one"))
        }
        let policy = choice(table, "policy", at: key, of: Configuration.RiskPolicyKind.self)
        let multipliers = classTable(table, "multipliers", at: key, atMost: nil)
        let fixed = classTable(table, "fixed", at: key, atMost: 1)
        if policy == .fixed, table["fixed"] == nil, !riskHasFixed {
            errors.append(
                error(
                    key.appending("policy"),
                    "'\(key.appending("policy"))' is \"fixed\" but neither this [[risk.override]] nor [risk] has a 'fixed' table"))
        }
        guard let task else { return nil }
        return Configuration.TaskOverride(task: task, ratio: ratio, count: count, policy: policy, multipliers: multipliers, fixed: fixed)
    }

    private mutating func readInspectors(_ table: TOMLTable, at key: ConfigKey) -> Configuration.InspectorSettings {
        var settings = Configuration.InspectorSettings.defaults
        checkKeys(table, at: key, known: Self.inspectorsKeys)
        if let value = integer(table, "from_initiator", at: key, in: 1...Int.max, "must be an integer of at least 1") {
            settings.fromInitiator = value
        }
        if let value = integer(table, "from_each_cooperator", at: key, in: 1...Int.max, "must be an integer of at least 1") {
            settings.fromEachCooperator = value
        }
        if let value = integer(
            table, "minimum_team", at: key, in: 2...Int.max,
            "must be an integer of at least 2 (行政处罚法 Art. 42: two officers per inspection)")
        {
            settings.minimumTeam = value
        }
        if let value = table["load_cap"] {
            if value.string == "auto" {
                settings.loadCap = .auto
            } else if let cap = value.int, cap >= 1 {
                settings.loadCap = .limit(cap)
            } else {
                fail(key.appending("load_cap"), "must be \"auto\" or an integer of at least 1", found: value)
            }
        }
        return settings
    }

    private mutating func readFormats(_ table: TOMLTable, at key: ConfigKey) -> [Configuration.PublishFormat]? {
        guard let value = table["formats"] else { return nil }
        let formatsKey = key.appending("formats")
        let expectation = "must be a non-empty array of \"json\" and \"xml\""
        guard let array = value.array, !array.isEmpty else {
            fail(formatsKey, expectation, found: value)
            return nil
        }
        var formats: [Configuration.PublishFormat] = []
        var valid = true
        for index in 0..<array.count {
            let element = array[index]
            let elementKey = formatsKey.appending(index: index)
            guard let name = element.string, let format = Configuration.PublishFormat(rawValue: name) else {
                fail(elementKey, "must be \"json\" or \"xml\"", found: element)
                valid = false
                continue
            }
            if formats.contains(format) {
                errors.append(error(elementKey, "'\(formatsKey)' lists \"\(name)\" twice"))
                valid = false
                continue
            }
            formats.append(format)
        }
        return valid ? formats : nil
    }

    // MARK: Value helpers

    /// Reports every key of `table` not in `known` (listed in document order).
    private mutating func checkKeys(_ table: TOMLTable, at key: ConfigKey, known: [String]) {
        for name in table.keys where !known.contains(name) {
            let unknown = key.appending(name)
            let place = key.components.isEmpty ? "known top-level keys" : "known keys in \(key.tableLabel)"
            errors.append(error(unknown, "unknown key '\(unknown)'; \(place): \(known.joined(separator: ", "))"))
        }
    }

    /// A sub-table, or nil (with an error if present but not a table).
    private mutating func table(_ parent: TOMLTable, _ name: String, at key: ConfigKey) -> TOMLTable? {
        guard let value = parent[name] else { return nil }
        if let table = value.table { return table }
        fail(key.appending(name), "must be a table, written [\(key.appending(name))]", found: value)
        return nil
    }

    /// An integer in a range, or nil (with an error if present but bad).
    private mutating func integer(
        _ table: TOMLTable, _ name: String, at key: ConfigKey, in range: ClosedRange<Int>, _ expectation: String
    ) -> Int? {
        guard let value = table[name] else { return nil }
        if let integer = value.int, range.contains(integer) { return integer }
        fail(key.appending(name), expectation, found: value)
        return nil
    }

    /// A path string, or nil (with an error if present but bad).
    private mutating func path(_ table: TOMLTable, _ name: String, at key: ConfigKey, allowEmpty: Bool) -> String? {
        guard let value = table[name] else { return nil }
        if let text = value.string, allowEmpty || !text.isEmpty { return text }
        fail(key.appending(name), allowEmpty ? "must be a path in quotes" : "must be a non-empty path in quotes", found: value)
        return nil
    }

    /// One of an enumeration's raw values, or nil (with an error if present but bad).
    private mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ table: TOMLTable, _ name: String, at key: ConfigKey, of type: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        guard let value = table[name] else { return nil }
        if let text = value.string, let choice = Choice(rawValue: text) { return choice }
        let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        fail(key.appending(name), "must be one of \(names)", found: value)
        return nil
    }

    /// A table of the four credit-risk classes, or nil (with errors if present but bad).
    private mutating func classTable(_ table: TOMLTable, _ name: String, at key: ConfigKey, atMost maximum: Double?) -> [String: Double]? {
        guard let value = table[name] else { return nil }
        let tableKey = key.appending(name)
        let classes = Configuration.creditClasses
        guard let classTable = value.table else {
            fail(tableKey, "must be a table of the classes A, B, C and D, such as { A = 0.5, B = 1.0, C = 2.0, D = 4.0 }", found: value)
            return nil
        }
        let errorCount = errors.count
        checkKeys(classTable, at: tableKey, known: classes)
        var result: [String: Double] = [:]
        var missing: [String] = []
        for creditClass in classes {
            guard let entry = classTable[creditClass] else {
                missing.append(creditClass)
                continue
            }
            if let number = Self.number(entry), number.isFinite, number >= 0, number <= (maximum ?? .infinity) {
                result[creditClass] = number
            } else {
                let expectation =
                    maximum.map { "must be a number between 0 and \(Self.format($0))" } ?? "must be a finite number of at least 0"
                fail(tableKey.appending(creditClass), expectation, found: entry)
            }
        }
        if !missing.isEmpty {
            errors.append(error(tableKey, "'\(tableKey)' must give all of A, B, C and D; missing \(missing.joined(separator: ", "))"))
        }
        return errors.count == errorCount ? result : nil
    }

    private mutating func fail(_ key: ConfigKey, _ expectation: String, found value: any TOMLValueConvertible) {
        errors.append(error(key, "'\(key)' \(expectation), found \(Self.render(value))"))
    }

    private func error(_ key: ConfigKey, _ message: String) -> ConfigurationError {
        ConfigurationError(file: displayName, line: lines.line(of: key), key: key.description, message: message)
    }

    /// An integer or floating-point value as a Double.
    static func number(_ value: any TOMLValueConvertible) -> Double? {
        if let double = value.double { return double }
        if let integer = value.int { return Double(integer) }
        return nil
    }

    /// A number without a needless `.0`.
    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

    /// A value as the user wrote it, closely enough to recognise it in an error.
    static func render(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string:
            let text = value.string ?? ""
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .int: return value.int.map { String($0) } ?? "an integer"
        case .double: return value.double.map { String($0) } ?? "a number"
        case .bool: return value.bool.map { String($0) } ?? "a boolean"
        case .table: return "a table"
        case .array: return (value.array?.isEmpty ?? false) ? "an empty array" : "an array"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }
}

// MARK: - Key positions

/// The line of every key, table header and array element of a TOML document.
///
/// TOMLKit reports positions of syntax errors only, so this scans the (already valid) text once:
/// `[table]` and `[[array.of.tables]]` headers (counted, so the n-th block is element n), `key =`
/// lines with dotted and quoted keys, inline tables and arrays (their keys and elements get the
/// line they are written on), strings of all four kinds and comments.
struct TOMLKeyLines {
    private var lines: [ConfigKey: Int] = [:]

    /// Scans a document.
    init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.scanDocument()
        lines = scanner.lines
    }

    /// The line of a key; failing that, of the nearest enclosing key that was written.
    func line(of key: ConfigKey) -> Int? {
        var key = key
        while true {
            if let line = lines[key] { return line }
            if key.components.isEmpty { return nil }
            key.components.removeLast()
        }
    }

    /// `A-Z a-z 0-9 _ -`: the characters of a bare key.
    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0
        var line = 1
        var lines: [ConfigKey: Int] = [:]
        /// How many `[[…]]` blocks each array of tables has had so far.
        var arrayTableCounts: [ConfigKey: Int] = [:]
        /// The table the next `key = value` lines belong to.
        var current = ConfigKey.root

        init(bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        func peek(_ offset: Int) -> UInt8? { position + offset < bytes.count ? bytes[position + offset] : nil }

        mutating func advance(_ count: Int = 1) {
            for _ in 0..<count where position < bytes.count {
                if bytes[position] == UInt8(ascii: "\n") { line += 1 }
                position += 1
            }
        }

        mutating func record(_ key: ConfigKey, at line: Int) {
            if lines[key] == nil { lines[key] = line }
        }

        mutating func skipSpaces() {
            while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") { advance() }
        }

        mutating func skipBlank() {
            while let byte = peek {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): advance()
                case UInt8(ascii: "#"):
                    while let byte = peek, byte != UInt8(ascii: "\n") { advance() }
                default: return
                }
            }
        }

        mutating func scanDocument() {
            while true {
                skipBlank()
                guard let byte = peek else { return }
                let start = position
                if byte == UInt8(ascii: "[") { scanHeader() } else { scanKeyValue(in: current) }
                // The text is valid TOML, but never loop on a byte the scanner does not understand.
                if position == start { advance() }
            }
        }

        mutating func scanHeader() {
            let headerLine = line
            advance()
            let isArrayOfTables = peek == UInt8(ascii: "[")
            if isArrayOfTables { advance() }
            let names = scanKey()
            skipSpaces()
            while peek == UInt8(ascii: "]") { advance() }
            var key = ConfigKey.root
            for (offset, name) in names.enumerated() {
                key = key.appending(name)
                if isArrayOfTables, offset == names.count - 1 {
                    let count = arrayTableCounts[key] ?? 0
                    arrayTableCounts[key] = count + 1
                    record(key, at: headerLine)
                    key = key.appending(index: count)
                } else if let count = arrayTableCounts[key] {
                    key = key.appending(index: count - 1)
                }
                record(key, at: headerLine)
            }
            current = key
        }

        mutating func scanKeyValue(in table: ConfigKey) {
            let keyLine = line
            var key = table
            for name in scanKey() {
                key = key.appending(name)
                record(key, at: keyLine)
            }
            skipSpaces()
            if peek == UInt8(ascii: "=") { advance() }
            skipSpaces()
            scanValue(at: key)
        }

        /// A possibly dotted key: bare, "basic" or 'literal' parts.
        mutating func scanKey() -> [String] {
            var names: [String] = []
            while true {
                skipSpaces()
                guard let byte = peek else { break }
                if byte == UInt8(ascii: "\"") {
                    names.append(scanBasicString())
                } else if byte == UInt8(ascii: "'") {
                    names.append(scanLiteralString())
                } else {
                    let start = position
                    while let byte = peek, TOMLKeyLines.isBareKeyByte(byte) { advance() }
                    guard position > start else { break }
                    names.append(String(decoding: bytes[start..<position], as: UTF8.self))
                }
                skipSpaces()
                guard peek == UInt8(ascii: ".") else { break }
                advance()
            }
            return names
        }

        mutating func scanValue(at key: ConfigKey) {
            guard let byte = peek else { return }
            switch byte {
            case UInt8(ascii: "\""):
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                    skipMultilineString(quote: UInt8(ascii: "\""), escapes: true)
                } else {
                    _ = scanBasicString()
                }
            case UInt8(ascii: "'"):
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                    skipMultilineString(quote: UInt8(ascii: "'"), escapes: false)
                } else {
                    _ = scanLiteralString()
                }
            case UInt8(ascii: "["):
                advance()
                var index = 0
                while true {
                    skipBlank()
                    guard let byte = peek else { return }
                    if byte == UInt8(ascii: "]") {
                        advance()
                        return
                    }
                    let start = position
                    let element = key.appending(index: index)
                    record(element, at: line)
                    scanValue(at: element)
                    index += 1
                    skipBlank()
                    if peek == UInt8(ascii: ",") { advance() }
                    if position == start { advance() }
                }
            case UInt8(ascii: "{"):
                advance()
                while true {
                    skipBlank()
                    guard let byte = peek else { return }
                    if byte == UInt8(ascii: "}") {
                        advance()
                        return
                    }
                    let start = position
                    scanKeyValue(in: key)
                    skipBlank()
                    if peek == UInt8(ascii: ",") { advance() }
                    if position == start { advance() }
                }
            default:
                // Numbers, booleans, dates: up to the next delimiter (a date-time may hold a space).
                while let byte = peek,
                    byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"), byte != UInt8(ascii: "}"),
                    byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "#")
                {
                    advance()
                }
            }
        }

        /// A "basic" string with escapes, decoded (keys need their real text).
        mutating func scanBasicString() -> String {
            advance()
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while let byte = peek, byte != UInt8(ascii: "\n") {
                if byte == UInt8(ascii: "\"") {
                    advance()
                    break
                }
                if byte == UInt8(ascii: "\\") {
                    flush()
                    advance()
                    guard let escape = peek else { break }
                    advance()
                    switch escape {
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "e"): scalars.append("\u{1B}")
                    case UInt8(ascii: "u"), UInt8(ascii: "U"):
                        let width = escape == UInt8(ascii: "u") ? 4 : 8
                        let end = min(position + width, bytes.count)
                        let hex = String(decoding: bytes[position..<end], as: UTF8.self)
                        advance(width)
                        if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                    continue
                }
                raw.append(byte)
                advance()
            }
            flush()
            return String(scalars)
        }

        /// A 'literal' string, taken as written.
        mutating func scanLiteralString() -> String {
            advance()
            let start = position
            while let byte = peek, byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\n") { advance() }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if peek == UInt8(ascii: "'") { advance() }
            return text
        }

        /// A """multi-line""" or '''multi-line''' string, which may end in up to two extra quotes.
        mutating func skipMultilineString(quote: UInt8, escapes: Bool) {
            advance(3)
            while let byte = peek {
                if escapes, byte == UInt8(ascii: "\\") {
                    advance(2)
                    continue
                }
                if byte == quote, peek(1) == quote, peek(2) == quote {
                    advance(3)
                    var extra = 0
                    while extra < 2, peek == quote {
                        advance()
                        extra += 1
                    }
                    return
                }
                advance()
            }
        }
    }
}

extension ConfigurationError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .usage }
}
