// The settings' types: the tables of `suiji.toml` (`[paths]`, `[risk]`, `[draw]`, `[inspectors]`,
// `[publish]`, `[log]`) with their defaults.

internal import Foundation
internal import Pipeline

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

        /// Creates the risk settings; every argument defaults to its documented default.
        public init(
            policy: RiskPolicyKind = .multipliers,
            multipliers: [String: Double] = ["A": 0.5, "B": 1.0, "C": 2.0, "D": 4.0],
            fixed: [String: Double]? = nil,
            overrides: [TaskOverride] = []
        ) {
            self.policy = policy
            self.multipliers = multipliers
            self.fixed = fixed
            self.overrides = overrides
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

        /// Creates the draw settings; every argument defaults to its documented default.
        public init(population: Population = .initiatorAndCooperators, leadDays: Int = 14, scopeMap: String = "") {
            self.population = population
            self.leadDays = leadDays
            self.scopeMap = scopeMap
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
