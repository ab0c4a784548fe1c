// The credit-risk quota policy (domain.md §5): how many objects of each risk class a task draws in
// a round, as an apportionment problem (rule `suiji-apportionment/1`):
//
// 1. Class ratio r_c = min(100%, plan ratio × multiplier_c) (or the class's fixed ratio, in
//    `.fixedRatios` mode). Visits v_c: class c is visited v_c times a round (per-class frequency,
//    default A 1 · B 1 · C 1 · D 2): the round's objects of the class are split into v_c visits,
//    each in its own part of the round's window (ClassVisits.swift). The exact share of class c is
//    e_c = min(n_c, v_c × r_c × n_c), n_c its population (unclassified entities count as B); a class
//    whose share reached its population is reported as capped.
// 2. The total is the smallest that meets the plan: T = max(ceil(plan ratio × N), the plan's count,
//    ceil(Σ e_c)), N the population; at most N (then everyone is drawn, with a note). Rounding adds
//    less than one object over the exact total Σ e_c unless the plan's ratio or count binds.
// 3. Largest remainder: every class gets floor(e_c); the T' − Σ floor(e_c) objects left, where
//    T' = min(T, ceil(Σ e_c)), go one each to the classes with the largest remainders
//    e_c − floor(e_c) (only remainders above zero), ties to the higher risk class. So each class
//    gets floor(e_c) or ceil(e_c) (the quota property), and class A may get zero.
// 4. Top-up: when the plan's ratio or count asks for more than ceil(Σ e_c), the T − T' objects left
//    go to the highest risk class that still has undrawn entities, D first, then C, B, A: a class
//    gets more than ceil(e_c) only when every higher class is exhausted.
// 5. A count without a ratio (`1户`): the exact shares are zero (in `.multipliers` mode), so the
//    count is allocated by the top-up: 1户 goes to D if it has any entity, else C, …
// All of it is in the commitment (the per-task inputs as integers), so that anyone can recompute
// the quotas (`scripts/verify_draw.py` does, with the standard library).
//
// All arithmetic on ratios is exact: ratios and multipliers are quantised to millionths (ppm,
// rounded to the nearest millionth, exact for any percentage written with up to four decimals), a
// class ratio is an integer in millionths squared (ppm²) and an exact share an integer part plus a
// remainder in ppm², so 5% × 20 is exactly 1 and never 2 through a floating-point
// 1.0000000000000002, and remainders compare exactly.

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

/// The quota policy: how a task's plan ratio (or count) becomes per-class quotas (rule at the top
/// of RiskQuotaPolicy.swift).
///
/// A plain value: a task may carry its own copy (e.g. read from configuration) to override the
/// default.
public struct RiskQuotaPolicy: Sendable, Hashable, Codable {
    /// How class ratios are derived.
    public enum Mode: Sendable, Hashable, Codable {
        /// Class ratio = min(1, plan ratio × multiplier). A class missing from the table uses 1.
        case multipliers([RiskClass: Double])
        /// Class ratio = the given ratio, whatever the plan ratio (the plan ratio still sets the
        /// minimum total). A class missing from the table uses the plan ratio (0 without one).
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

    /// The identifier of the rule, written in every commitment.
    public static let rule = "suiji-apportionment/1 (largest remainder, ties to the higher risk class; top-up D, C, B, A)"

    /// The default multipliers: A 0.5 · B 1 · C 2 · D 4.
    public static let defaultMultipliers: [RiskClass: Double] = [.A: 0.5, .B: 1, .C: 2, .D: 4]

    /// The default visits per round: A 1 · B 1 · C 1 · D 2 (D, high risk, is visited twice as
    /// often as the task's own frequency: 递加频次).
    public static let defaultVisits: [RiskClass: Int] = [.A: 1, .B: 1, .C: 1, .D: 2]

    /// The documented default policy (multipliers A 0.5 · B 1 · C 2 · D 4, visits A 1 · B 1 · C 1 · D 2).
    public static let `default` = RiskQuotaPolicy()

    /// How class ratios are derived.
    public var mode: Mode
    /// Visits per round of each class (every class present, each at least 1).
    public var visits: [RiskClass: Int]

    /// A policy; by default the multipliers A 0.5 · B 1 · C 2 · D 4 and visits A 1 · B 1 · C 1 · D 2.
    /// A class missing from `visits`, or given less than 1, is visited once.
    public init(mode: Mode = .multipliers(RiskQuotaPolicy.defaultMultipliers), visits: [RiskClass: Int] = RiskQuotaPolicy.defaultVisits) {
        self.mode = mode
        var all: [RiskClass: Int] = [:]
        for c in RiskClass.allCases { all[c] = Swift.max(1, visits[c] ?? 1) }
        self.visits = all
    }

    /// Millionths: the unit ratios are quantised to.
    static let ppm: UInt64 = 1_000_000
    /// Millionths squared: the unit of a class ratio (ratio ppm × multiplier ppm).
    static let ppm2: UInt64 = 1_000_000_000_000
    /// The largest multiplier accepted (larger ones are clamped, with a note).
    static let maxMultiplier: Double = 1_000

    /// The integer inputs of a task's quota (what the commitment records), with remarks on anything
    /// clamped, ignored or defaulted.
    public func record(task: Int, planRatio: Double?, fixedCount: Int?) -> (record: TaskQuotaRecord, notes: [String]) {
        var notes: [String] = []
        let planPPM = planRatio.map { Int(Self.quantise($0, max: 1, what: "plan ratio", notes: &notes)) }
        var count: Int?
        if let fixedCount {
            if fixedCount < 0 { notes.append("negative count \(fixedCount) ignored") } else { count = fixedCount }
        }
        var table: [RiskClass: Int] = [:]
        let kind: TaskQuotaRecord.Mode
        switch mode {
        case .multipliers(let given):
            kind = .multipliers
            for c in RiskClass.allCases {
                if let m = given[c] {
                    table[c] = Int(Self.quantise(m, max: Self.maxMultiplier, what: "\(c.rawValue) multiplier", notes: &notes))
                } else {
                    table[c] = Int(Self.ppm)
                    if planPPM != nil { notes.append("\(c.rawValue): no multiplier configured; using 1 (the plan ratio)") }
                }
            }
            if planPPM == nil && count == nil { notes.append("no ratio and no count: nothing to draw") }
        case .fixedRatios(let given):
            kind = .fixedRatios
            for c in RiskClass.allCases {
                if let r = given[c] {
                    table[c] = Int(Self.quantise(r, max: 1, what: "\(c.rawValue) fixed ratio", notes: &notes))
                } else {
                    table[c] = planPPM ?? 0
                    notes.append("\(c.rawValue): no fixed ratio configured; using the plan ratio (0 without one)")
                }
            }
        }
        return (TaskQuotaRecord(task: task, ratioPPM: planPPM, count: count, mode: kind, tablePPM: table, visits: visits), notes)
    }

    /// The quotas for a task in a round (rule at the top of RiskQuotaPolicy.swift).
    ///
    /// - Parameters:
    ///   - planRatio: the plan's ratio as a fraction (0.05 for `5%`), or nil when it gives none.
    ///   - fixedCount: the plan's count (`1户` → 1), or nil.
    ///   - population: entities per class (unclassified ones counted under `B`); a missing class is 0.
    public func quotas(planRatio: Double?, fixedCount: Int?, population: [RiskClass: Int]) -> QuotaResult {
        let (record, notes) = record(task: 0, planRatio: planRatio, fixedCount: fixedCount)
        var result = record.quotas(population: population)
        result.notes = notes + result.notes
        return result
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

    /// The ratio `value` in millionths as the commitment writes it (clamped to [0, max], no notes).
    static func ppm(_ value: Double, max: Double) -> Int {
        var ignored: [String] = []
        return Int(quantise(value, max: max, what: "", notes: &ignored))
    }
}

/// The integer inputs of one task's quota, as the commitment records them: enough to recompute the
/// quotas from the class counts alone (rule at the top of RiskQuotaPolicy.swift).
public struct TaskQuotaRecord: Sendable, Hashable, Codable {
    /// How the class ratios are derived.
    public enum Mode: String, Sendable, Hashable, Codable {
        /// Class ratio = plan ratio × multiplier (capped at 100%); none without a plan ratio.
        case multipliers
        /// Class ratio = the table's ratio; none when the plan gives a count but no ratio.
        case fixedRatios
    }

    /// The task's 序号.
    public var task: Int
    /// The plan ratio in millionths (clamped to 0…1 000 000), or nil.
    public var ratioPPM: Int?
    /// The plan's count, or nil.
    public var count: Int?
    /// How the class ratios are derived.
    public var mode: Mode
    /// Per class, the multiplier or the fixed ratio in millionths (every class present).
    public var tablePPM: [RiskClass: Int]
    /// Visits per round of each class (every class present, at least 1).
    public var visits: [RiskClass: Int]

    /// Creates a record.
    public init(task: Int, ratioPPM: Int?, count: Int?, mode: Mode, tablePPM: [RiskClass: Int], visits: [RiskClass: Int]) {
        self.task = task
        self.ratioPPM = ratioPPM
        self.count = count
        self.mode = mode
        self.tablePPM = tablePPM
        self.visits = visits
    }

    /// The class ratios in ppm² (unclamped), or nil when there is nothing to apply them to.
    var classRatios: [RiskClass: UInt64]? {
        func table(_ value: (RiskClass) -> UInt64) -> [RiskClass: UInt64] {
            Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, value($0)) })
        }
        switch mode {
        case .multipliers:
            guard let ratio = ratioPPM else { return nil }
            return table { UInt64(max(0, ratio)) * UInt64(max(0, tablePPM[$0] ?? 0)) }
        case .fixedRatios:
            guard ratioPPM != nil || count == nil else { return nil }
            return table { UInt64(max(0, tablePPM[$0] ?? 0)) * RiskQuotaPolicy.ppm }
        }
    }

    /// The quotas for class counts `population` (unclassified counted under B; a missing class is 0).
    public func quotas(population: [RiskClass: Int]) -> QuotaResult {
        var notes: [String] = []
        var pop: [RiskClass: Int] = [:]
        for c in RiskClass.allCases {
            let n = population[c] ?? 0
            if n < 0 { notes.append("\(c.rawValue): negative population \(n) counted as 0") }
            pop[c] = max(0, n)
        }
        let total = RiskClass.allCases.reduce(0) { $0 + (pop[$1] ?? 0) }
        let ratios = classRatios

        // 1. Exact shares.
        var share: [RiskClass: ExactShare] = [:]
        var classRatio: [RiskClass: Double] = [:]
        var capped: [RiskClass] = []
        for c in RiskClass.allCases {
            let n = pop[c] ?? 0
            guard let r = ratios?[c] else {
                share[c] = .zero
                continue
            }
            classRatio[c] = Double(min(r, RiskQuotaPolicy.ppm2)) / Double(RiskQuotaPolicy.ppm2)
            let wanted = ExactShare(numerator: r, times: UInt64(n) * UInt64(max(1, visits[c] ?? 1)))
            if wanted > ExactShare(whole: n) {
                capped.append(c)
                notes.append("\(c.rawValue): exact share \(wanted) exceeds the class population \(n); capped at \(n)")
                share[c] = ExactShare(whole: n)
            } else {
                share[c] = wanted
            }
        }
        let exactTotal = RiskClass.allCases.reduce(ExactShare.zero) { $0 + (share[$1] ?? .zero) }

        // 2. The total.
        let planMinimum = ratioPPM.map { ExactShare(numerator: UInt64(max(0, $0)) * RiskQuotaPolicy.ppm, times: UInt64(total)).ceiling }
        var target = max(planMinimum ?? 0, count ?? 0, exactTotal.ceiling)
        if let planMinimum, let count, count > planMinimum {
            notes.append("count \(count) is above ceil(ratio × population) = \(planMinimum): the count is the minimum")
        }
        if target > total {
            notes.append("target \(target) exceeds the population \(total): all \(total) drawn")
            target = total
        }

        // 3. Largest remainder up to ceil(Σ e_c), ties to the higher risk class.
        var quota: [RiskClass: Int] = [:]
        for c in RiskClass.allCases { quota[c] = share[c]?.whole ?? 0 }
        var left = min(target, exactTotal.ceiling) - RiskClass.allCases.reduce(0) { $0 + (quota[$1] ?? 0) }
        let byRemainder = RiskClass.topUpOrder.filter { (share[$0]?.remainder ?? 0) > 0 }
            .enumerated().sorted { a, b in
                let (ra, rb) = (share[a.element]?.remainder ?? 0, share[b.element]?.remainder ?? 0)
                return ra != rb ? ra > rb : a.offset < b.offset
            }.map(\.element)
        for c in byRemainder where left > 0 {
            quota[c, default: 0] += 1
            left -= 1
        }

        // 4. Top-up, D first, each class to exhaustion.
        var rest = target - RiskClass.allCases.reduce(0) { $0 + (quota[$1] ?? 0) }
        var toppedUp: [RiskClass: Int] = [:]
        for c in RiskClass.topUpOrder where rest > 0 {
            let add = min((pop[c] ?? 0) - (quota[c] ?? 0), rest)
            if add > 0 {
                quota[c, default: 0] += add
                toppedUp[c] = add
                rest -= add
                notes.append("\(c.rawValue): topped up by \(add) to reach \(target)")
            }
        }

        return QuotaResult(
            perClass: quota, exactShares: share, exactTotal: exactTotal, planMinimum: planMinimum, count: count,
            target: target, capped: capped, toppedUp: toppedUp, classRatio: classRatio, visits: visits, notes: notes)
    }

    /// The record as canonical JSON (integers only): `{"task", "ratioPPM", "count", "mode", "tablePPM", "visits"}`.
    public var canonicalValue: CanonicalJSON {
        .object([
            "task": .integer(task), "ratioPPM": ratioPPM.map { .integer($0) } ?? .null, "count": count.map { .integer($0) } ?? .null,
            "mode": .string(mode.rawValue), "tablePPM": .classTable(tablePPM), "visits": .classTable(visits),
        ])
    }
}

extension CanonicalJSON {
    /// `{"A": n, "B": n, "C": n, "D": n}` (a missing class is 0).
    static func classTable(_ table: [RiskClass: Int]) -> CanonicalJSON {
        .object(Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0.rawValue, .integer(table[$0] ?? 0)) }))
    }
}

/// An exact share: an integer part and a remainder in millionths squared (1/10¹² of an object).
public struct ExactShare: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The whole objects, floor(share).
    public var whole: Int
    /// The remainder, share − floor(share), in 1/10¹² of an object (below 10¹²).
    public var remainder: UInt64

    /// Zero.
    public static let zero = ExactShare(whole: 0)

    /// A whole number of objects.
    public init(whole: Int) {
        self.whole = whole
        self.remainder = 0
    }

    /// numerator × times ÷ 10¹², exactly (saturating at `Int.max` objects).
    init(numerator: UInt64, times: UInt64) {
        let product = numerator.multipliedFullWidth(by: times)
        guard product.high < RiskQuotaPolicy.ppm2 else {
            self.whole = Int.max
            self.remainder = 0
            return
        }
        let (q, r) = RiskQuotaPolicy.ppm2.dividingFullWidth(product)
        self.whole = q > UInt64(Int.max) ? Int.max : Int(q)
        self.remainder = r
    }

    private init(whole: Int, remainder: UInt64) {
        self.whole = whole
        self.remainder = remainder
    }

    /// ceil(share).
    public var ceiling: Int { remainder > 0 ? whole + 1 : whole }

    /// The sum of two shares.
    public static func + (a: ExactShare, b: ExactShare) -> ExactShare {
        let r = a.remainder + b.remainder
        return r >= RiskQuotaPolicy.ppm2
            ? ExactShare(whole: a.whole + b.whole + 1, remainder: r - RiskQuotaPolicy.ppm2)
            : ExactShare(whole: a.whole + b.whole, remainder: r)
    }

    /// Orders by value.
    public static func < (a: ExactShare, b: ExactShare) -> Bool {
        a.whole != b.whole ? a.whole < b.whole : a.remainder < b.remainder
    }

    /// True when n is floor(share) or ceil(share): |n − share| < 1, the quota property.
    public func isFloorOrCeiling(_ n: Int) -> Bool { n == whole || (n == whole + 1 && remainder > 0) }

    /// The value in decimal, without trailing zeros: `1.25`, `3`, `0.000001`.
    public var description: String {
        guard remainder > 0 else { return String(whole) }
        var digits = String(remainder)
        digits = String(repeating: "0", count: 12 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    /// The value as a Double (for display and rates only).
    public var doubleValue: Double { Double(whole) + Double(remainder) / Double(RiskQuotaPolicy.ppm2) }
}

/// The outcome of `RiskQuotaPolicy.quotas`: per-class quotas and how they were reached.
public struct QuotaResult: Sendable, Hashable, Codable {
    /// The number to draw from each class (every class present, 0 included).
    public var perClass: [RiskClass: Int]
    /// The exact share of each class, e_c = min(n_c, visits × class ratio × n_c) (zero for every
    /// class when only a count is given in `.multipliers` mode).
    public var exactShares: [RiskClass: ExactShare]
    /// Σ e_c.
    public var exactTotal: ExactShare
    /// ceil(plan ratio × population), or nil without a ratio.
    public var planMinimum: Int?
    /// The plan's count, or nil.
    public var count: Int?
    /// The total drawn: max(plan minimum, count, ceil(Σ e_c)), at most the population.
    public var target: Int
    /// Classes whose exact share was capped at their population, in A…D order.
    public var capped: [RiskClass]
    /// How many objects the top-up added to each class (classes with none are absent).
    public var toppedUp: [RiskClass: Int]
    /// The effective class ratio, min(1, plan ratio × multiplier) or the fixed ratio (for display;
    /// absent when a count alone was given).
    public var classRatio: [RiskClass: Double]
    /// Visits per round of each class.
    public var visits: [RiskClass: Int]
    /// Human-readable remarks: capping, top-up, clamped settings, shortfalls.
    public var notes: [String]

    /// Creates a result.
    public init(
        perClass: [RiskClass: Int], exactShares: [RiskClass: ExactShare], exactTotal: ExactShare, planMinimum: Int?, count: Int?,
        target: Int, capped: [RiskClass], toppedUp: [RiskClass: Int], classRatio: [RiskClass: Double], visits: [RiskClass: Int],
        notes: [String]
    ) {
        self.perClass = perClass
        self.exactShares = exactShares
        self.exactTotal = exactTotal
        self.planMinimum = planMinimum
        self.count = count
        self.target = target
        self.capped = capped
        self.toppedUp = toppedUp
        self.classRatio = classRatio
        self.visits = visits
        self.notes = notes
    }

    /// The total to draw: the sum of `perClass`.
    public var total: Int { perClass.values.reduce(0, +) }

    /// True when the plan's ratio or count asked for more than ceil(Σ e_c) (the top-up ran, or
    /// would have run with enough entities).
    public var planMinimumBinds: Bool { target > exactTotal.ceiling }

    /// The classes whose quota is neither floor(e_c) nor ceil(e_c): none unless the plan's ratio or
    /// count binds (then the top-up raises some).
    public var classesOffTheirShare: [RiskClass] {
        RiskClass.allCases.filter { !(exactShares[$0] ?? .zero).isFloorOrCeiling(perClass[$0] ?? 0) }
    }

    /// True when the total is less than one object over the exact total Σ e_c (and not under it).
    public var totalWithinOneOfExactTotal: Bool { total == exactTotal.ceiling }
}
