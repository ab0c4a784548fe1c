// The credit-risk quota policy (domain.md §5): how many objects of each risk class a task draws.
//
// All arithmetic on ratios is exact: ratios and multipliers are quantised to millionths (ppm,
// rounded to the nearest millionth, exact for any percentage written with up to four decimals) and
// quotas are computed with integer ceilings, so 5% × 20 is exactly 1 and never 2 through a
// floating-point 1.0000000000000002.

// The class letters are the regulation's own names (国市监信发〔2022〕6号), hence upper case.
// swift-format-ignore: AlwaysUseLowerCamelCase
/// A credit-risk class of SAMR's 国市监信发〔2022〕6号: A 信用风险低, B 一般, C 较高, D 高.
///
/// An entity with no class counts as `B` for quotas (`RiskClass.forQuota(_:)`) and as
/// *unclassified* in the classification application rate.
public enum RiskClass: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// 信用风险低 (low risk): drawn less ("无事不扰").
    case A
    /// 信用风险一般 (ordinary risk): drawn at the plan's ratio.
    case B
    /// 信用风险较高 (higher risk): drawn more.
    case C
    /// 信用风险高 (high risk): drawn much more.
    case D

    /// The class an entity counts as for quotas: its own, or `B` when it has none.
    public static func forQuota(_ riskClass: RiskClass?) -> RiskClass { riskClass ?? .B }

    /// The order in which shortfalls are topped up and fixed counts allocated: D, C, B, A.
    public static let topUpOrder: [RiskClass] = [.D, .C, .B, .A]
}

/// The quota policy: how a task's plan ratio (or count) becomes per-class quotas.
///
/// A plain value: a task may carry its own copy (e.g. read from configuration) to override the
/// default.
///
/// The rule (our rule, domain.md §5):
/// 1. class ratio = min(100%, plan ratio × multiplier) (or the class's fixed ratio, in
///    `.fixedRatios` mode); requested quota = ceil(unclamped class ratio × class population);
///    quota = min(requested, class population): a class whose request exceeded its population is
///    reported in `QuotaResult.capped`.
/// 2. target = ceil(plan ratio × total population). While the quotas sum below the target, add one
///    object at a time, cycling D → C → B → A and skipping classes with no undrawn population
///    (round robin: the highest-risk class gets the first extra, then the next class, …).
/// 3. A fixed count (`1户`) without a ratio: the target is the count and all quotas start at zero,
///    so the count is allocated by the same round robin D → C → B → A (1户 goes to D if it has any
///    entity, else C, …). With both a ratio and a count, the count is a minimum: target =
///    max(ceil(ratio × total), count).
/// 4. Quotas never exceed class populations; a target above the total population draws everyone
///    and says so in `notes`.
public struct RiskQuotaPolicy: Sendable, Hashable, Codable {
    /// How class ratios are derived.
    public enum Mode: Sendable, Hashable, Codable {
        /// Class ratio = min(1, plan ratio × multiplier). A class missing from the table uses 1.
        case multipliers([RiskClass: Double])
        /// Class ratio = the given ratio, whatever the plan ratio (the plan ratio still sets the
        /// top-up target). A class missing from the table uses the plan ratio (0 without one).
        case fixedRatios([RiskClass: Double])

        private enum CodingKeys: String, CodingKey { case multipliers, fixedRatios }

        /// Decodes `{"multipliers": {"A": 0.5, …}}` or `{"fixedRatios": {"A": 0.05, …}}`.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let table = try c.decodeIfPresent([RiskClass: Double].self, forKey: .multipliers) {
                self = .multipliers(table)
            } else if let table = try c.decodeIfPresent([RiskClass: Double].self, forKey: .fixedRatios) {
                self = .fixedRatios(table)
            } else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: decoder.codingPath,
                        debugDescription: "a quota mode needs a 'multipliers' or a 'fixedRatios' table"))
            }
        }

        /// Encodes as `{"multipliers": {…}}` or `{"fixedRatios": {…}}`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .multipliers(let table): try c.encode(table, forKey: .multipliers)
            case .fixedRatios(let table): try c.encode(table, forKey: .fixedRatios)
            }
        }
    }

    /// The default multipliers: A 0.5 · B 1 · C 2 · D 4.
    public static let defaultMultipliers: [RiskClass: Double] = [.A: 0.5, .B: 1, .C: 2, .D: 4]

    /// The documented default policy (multipliers A 0.5 · B 1 · C 2 · D 4).
    public static let `default` = RiskQuotaPolicy()

    /// How class ratios are derived.
    public var mode: Mode

    /// A policy; by default the multipliers A 0.5 · B 1 · C 2 · D 4.
    public init(mode: Mode = .multipliers(RiskQuotaPolicy.defaultMultipliers)) {
        self.mode = mode
    }

    /// Millionths: the unit ratios are quantised to.
    static let ppm: UInt64 = 1_000_000
    /// Millionths squared: the unit of a class ratio (ratio ppm × multiplier ppm).
    static let ppm2: UInt64 = 1_000_000_000_000
    /// The largest multiplier accepted (larger ones are clamped, with a note).
    static let maxMultiplier: Double = 1_000

    /// The quotas for a task.
    ///
    /// - Parameters:
    ///   - planRatio: the plan's ratio as a fraction (0.05 for `5%`), or nil when it gives none.
    ///   - fixedCount: the plan's count (`1户` → 1), or nil.
    ///   - population: entities per class (unclassified ones counted under `B`); a missing class is 0.
    public func quotas(planRatio: Double?, fixedCount: Int?, population: [RiskClass: Int]) -> QuotaResult {
        var notes: [String] = []
        var pop: [RiskClass: Int] = [:]
        for c in RiskClass.allCases {
            let n = population[c] ?? 0
            if n < 0 { notes.append("\(c.rawValue): negative population \(n) counted as 0") }
            pop[c] = Swift.max(0, n)
        }
        let total = RiskClass.allCases.reduce(0) { $0 + (pop[$1] ?? 0) }

        // The plan ratio in millionths, clamped to [0, 1].
        var planPPM: UInt64?
        if let planRatio {
            planPPM = Self.quantise(planRatio, max: 1, what: "plan ratio", notes: &notes)
        }

        var requested: [RiskClass: Int] = [:]
        var classRatio: [RiskClass: Double] = [:]
        var quota: [RiskClass: Int] = [:]
        var capped: [RiskClass] = []
        var target = 0

        // Class ratios (in millionths squared, unclamped) when there is something to apply them to.
        var ratio12: [RiskClass: UInt64]?
        switch mode {
        case .multipliers(let table):
            if let planPPM {
                var r: [RiskClass: UInt64] = [:]
                for c in RiskClass.allCases {
                    let m: UInt64
                    if let given = table[c] {
                        m = Self.quantise(given, max: Self.maxMultiplier, what: "\(c.rawValue) multiplier", notes: &notes)
                    } else {
                        m = Self.ppm
                        notes.append("\(c.rawValue): no multiplier configured; using 1 (the plan ratio)")
                    }
                    r[c] = planPPM * m
                }
                ratio12 = r
            }
        case .fixedRatios(let table):
            if planPPM != nil || fixedCount == nil {
                var r: [RiskClass: UInt64] = [:]
                for c in RiskClass.allCases {
                    if let given = table[c] {
                        r[c] = Self.quantise(given, max: 1, what: "\(c.rawValue) fixed ratio", notes: &notes) * Self.ppm
                    } else {
                        r[c] = (planPPM ?? 0) * Self.ppm
                        notes.append("\(c.rawValue): no fixed ratio configured; using the plan ratio (0 without one)")
                    }
                }
                ratio12 = r
            }
        }

        for c in RiskClass.allCases {
            let n = pop[c] ?? 0
            if let r = ratio12?[c] {
                let want = Self.ceilMulDiv(r, UInt64(n), Self.ppm2)
                requested[c] = want
                classRatio[c] = Double(Swift.min(r, Self.ppm2)) / Double(Self.ppm2)
                if want > n {
                    capped.append(c)
                    notes.append("\(c.rawValue): quota \(want) exceeds the class population \(n); capped at \(n)")
                }
                quota[c] = Swift.min(want, n)
            } else {
                requested[c] = 0
                quota[c] = 0
            }
        }

        if let planPPM {
            target = Self.ceilMulDiv(planPPM, UInt64(total), Self.ppm)
        }
        if let fixedCount {
            if fixedCount < 0 {
                notes.append("negative count \(fixedCount) ignored")
            } else if planPPM != nil {
                if fixedCount > target {
                    notes.append("count \(fixedCount) is above ceil(ratio × population) = \(target): the count is the minimum")
                }
                target = Swift.max(target, fixedCount)
            } else {
                target = fixedCount
            }
        }
        if planPPM == nil && fixedCount == nil {
            if case .multipliers = mode {
                notes.append("no ratio and no count: nothing to draw")
            }
        }

        // Top up one at a time, round robin D → C → B → A, while a class has undrawn population.
        var sum = RiskClass.allCases.reduce(0) { $0 + (quota[$1] ?? 0) }
        var toppedUp: [RiskClass: Int] = [:]
        while sum < target {
            var added = false
            for c in RiskClass.topUpOrder where sum < target {
                let q = quota[c] ?? 0
                if q < (pop[c] ?? 0) {
                    quota[c] = q + 1
                    toppedUp[c, default: 0] += 1
                    sum += 1
                    added = true
                }
            }
            if !added { break }
        }
        if sum < target {
            notes.append("target \(target) exceeds the population \(total): all \(total) drawn")
        }
        for c in RiskClass.topUpOrder {
            if let extra = toppedUp[c] {
                notes.append("\(c.rawValue): topped up by \(extra) to reach \(target)")
            }
        }

        return QuotaResult(
            perClass: quota,
            requestedPerClass: requested,
            target: target,
            capped: capped,
            toppedUp: toppedUp,
            classRatio: classRatio,
            notes: notes
        )
    }

    /// `value` in millionths, rounded to nearest, clamped to [0, max]; notes anything clamped.
    static func quantise(_ value: Double, max: Double, what: String, notes: inout [String]) -> UInt64 {
        guard value.isFinite, value > 0 else {
            if !(value == 0) { notes.append("\(what) \(value) is not a positive number; using 0") }
            return 0
        }
        var v = value
        if v > max {
            notes.append("\(what) \(value) is above \(max); using \(max)")
            v = max
        }
        return UInt64((v * Double(Self.ppm)).rounded(.toNearestOrAwayFromZero))
    }

    /// ceil(a × b / d) exactly, saturating at `Int.max`.
    static func ceilMulDiv(_ a: UInt64, _ b: UInt64, _ d: UInt64) -> Int {
        let product = a.multipliedFullWidth(by: b)
        guard product.high < d else { return Int.max }
        let (q, r) = d.dividingFullWidth(product)
        let up = r > 0 ? q &+ 1 : q
        return up > UInt64(Int.max) ? Int.max : Int(up)
    }
}

/// The outcome of `RiskQuotaPolicy.quotas`: per-class quotas and how they were reached.
public struct QuotaResult: Sendable, Hashable, Codable {
    /// The number to draw from each class (every class present, 0 included).
    public var perClass: [RiskClass: Int]
    /// ceil(class ratio × class population) before capping at the population and before top-up
    /// (0 for every class when only a count is given).
    public var requestedPerClass: [RiskClass: Int]
    /// The total the top-up aims for: ceil(plan ratio × total population), or the count (the larger
    /// of the two when both are given); 0 without either.
    public var target: Int
    /// Classes whose requested quota exceeded their population and was capped, in A…D order.
    public var capped: [RiskClass]
    /// How many objects the top-up added to each class (classes with none are absent).
    public var toppedUp: [RiskClass: Int]
    /// The effective class ratio, min(1, plan ratio × multiplier) (for display; absent when a count
    /// alone was given).
    public var classRatio: [RiskClass: Double]
    /// Human-readable remarks: capping, top-up, clamped settings, shortfalls.
    public var notes: [String]

    /// Creates a result.
    public init(
        perClass: [RiskClass: Int],
        requestedPerClass: [RiskClass: Int],
        target: Int,
        capped: [RiskClass],
        toppedUp: [RiskClass: Int] = [:],
        classRatio: [RiskClass: Double] = [:],
        notes: [String] = []
    ) {
        self.perClass = perClass
        self.requestedPerClass = requestedPerClass
        self.target = target
        self.capped = capped
        self.toppedUp = toppedUp
        self.classRatio = classRatio
        self.notes = notes
    }

    /// The total to draw: the sum of `perClass`.
    public var total: Int { perClass.values.reduce(0, +) }
}
