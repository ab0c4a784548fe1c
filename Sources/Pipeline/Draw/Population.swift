// The population of a draw group: who can be drawn (our rule).
//
// Inputs: one `DrawEntity` per CURRENT register row (a department's row of an entity), gathered in
// `DrawInputs`: the fields are cleaned (`PlanCellParser.clean`) once, the rows are indexed by
// category, and an entity's class is merged over all its rows: the highest risk any register gives
// (D > C > B > A), so that two registers disagreeing never lower the scrutiny.
//
// Population of a group: the rows of the categories the group's scopes cover (scope map), in USCC
// order; a row admits its entity when, checked in this order (the first failed check is the reason
// the row is counted under):
//   1. its USCC was not already admitted by an earlier row (`duplicate`: the entity is held by
//      several counted registers);
//   2. its region code is the plan's region code (`region`);
//   3. its status is one of the active statuses, by default 存续 and 在业 (`status`);
//   4. its department is the group's initiator, or (by default, `initiatorAndCooperators`) one of
//      the group's cooperators (`register`).
// So an entity held by several departments is admitted if ANY counted department's row matches the
// group (its own category, region and status). Rows of other categories are not looked at (and not
// counted). The population is listed in code point order of USCC.
//
// 重点关注 (the watchlist: 经营异常名录, many complaints, serious violations; 国办发〔2015〕58号):
// a member on the watchlist carries the list's reasons, and the rule of `PopulationRules.watchlist`
// decides what they change (WatchlistRule): by default it is drawn as class D; or it is always
// drawn; or the list is ignored. The rule and each member's reasons are in the commitment.

/// An entity as the draw sees it: one current register row (or several departments' rows merged).
public struct DrawEntity: Sendable, Hashable, Codable {
    /// The 统一社会信用代码 (or legacy number) that identifies it.
    public var uscc: String
    /// The register category (行业/类别), matched to scopes by the scope map.
    public var category: String
    /// The 6-digit region code (行政区划).
    public var region: String
    /// 登记状态 (存续, 在业, 吊销, 注销, 迁出, …).
    public var status: String
    /// The credit-risk class at draw time, or nil if unclassified (it then counts as B).
    public var riskClass: RiskClass?
    /// The departments whose current register holds the entity.
    public var departments: [String]

    /// Creates an entity.
    public init(uscc: String, category: String, region: String, status: String, riskClass: RiskClass?, departments: [String]) {
        self.uscc = uscc
        self.category = category
        self.region = region
        self.status = status
        self.riskClass = riskClass
        self.departments = departments
    }
}

/// Which registers, statuses and so on admit an entity to a population.
public struct PopulationRules: Sendable, Hashable, Codable {
    /// Whose registers count.
    public enum Registers: String, Sendable, Hashable, Codable {
        /// Only the initiating department's register.
        case initiatorOnly
        /// The initiator's or any cooperating department's register (the default).
        case initiatorAndCooperators
    }

    /// Whose registers count; by default the initiator's and the cooperators'.
    public var registers: Registers
    /// Statuses of entities that can be inspected; by default 存续 and 在业.
    public var activeStatuses: Set<String>
    /// What the watchlist (重点关注) changes; by default its entities are drawn as class D.
    public var watchlist: WatchlistRule

    /// Rules; by default every department of the group, statuses 存续 and 在业, watchlisted entities as class D.
    public init(
        registers: Registers = .initiatorAndCooperators, activeStatuses: Set<String> = ["存续", "在业"], watchlist: WatchlistRule = .classD
    ) {
        self.registers = registers
        self.activeStatuses = activeStatuses
        self.watchlist = watchlist
    }
}

/// What being on the watchlist (重点关注) changes in a draw.
public enum WatchlistRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// The entity is drawn as class D whatever its own class (the highest class ratio and D's
    /// visits), still at random (the default: 双随机 stays random, the entity's chance rises).
    case classD = "class-d"
    /// The entity is drawn in every round of every group whose population holds it, on top of
    /// the random sample of its class (counted in its class; the class is drawn beyond its quota
    /// when its watchlisted members outnumber the quota).
    case alwaysInclude = "always-include"
    /// The watchlist changes nothing (and is not recorded in commitments).
    case off
}

/// Why a register row of a group's categories did not admit its entity (checks in the order of
/// Population.swift's header).
public enum PopulationRejection: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// Its USCC was already admitted.
    case duplicate
    /// Its region code is not the plan's.
    case region
    /// Its status is not active.
    case status
    /// Its department is not one whose register counts.
    case register
}

/// One member of a population: its USCC, the class it had at draw time and its watchlist reasons.
public struct PopulationMember: Sendable, Hashable, Codable {
    /// The USCC.
    public var uscc: String
    /// The class at draw time, or nil if unclassified (counted as B).
    public var riskClass: RiskClass?
    /// The reasons it is on the watchlist (重点关注), sorted; empty when it is not (or the rule is `off`).
    public var watch: [String]
    /// The class it is drawn in: its own (B when it has none), or D when watchlisted under `classD`.
    public var quotaClass: RiskClass

    /// A member that is not on the watchlist.
    public init(uscc: String, riskClass: RiskClass?) {
        self.init(uscc: uscc, riskClass: riskClass, watch: [], rule: .off)
    }

    /// A member with its watchlist reasons, drawn as `rule` says.
    public init(uscc: String, riskClass: RiskClass?, watch: [String], rule: WatchlistRule) {
        self.uscc = uscc
        self.riskClass = riskClass
        self.watch = rule == .off ? [] : watch.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.quotaClass = !self.watch.isEmpty && rule == .classD ? .D : RiskClass.forQuota(riskClass)
    }

    /// True when it is drawn whatever its ticket (on the watchlist under `alwaysInclude`).
    public func isAlwaysIncluded(under rule: WatchlistRule) -> Bool { rule == .alwaysInclude && !watch.isEmpty }
}

extension PopulationMember {
    /// Members per class they are drawn in (every class present) and members on the watchlist, in
    /// one pass over the members read in place: no copy of a member, so no reference counting of
    /// its USCC, which the other groups' threads share; integers per class, not a dictionary update
    /// per member. The one count for a population and a commitment.
    static func counts(of members: [PopulationMember]) -> (perClass: [RiskClass: Int], watchlisted: Int) {
        var counts = [Int](repeating: 0, count: 4)
        var watched = 0
        members.withUnsafeBufferPointer { members in
            for i in members.indices {
                switch members[i].quotaClass {
                case .A: counts[0] += 1
                case .B: counts[1] += 1
                case .C: counts[2] += 1
                case .D: counts[3] += 1
                }
                if !members[i].watch.isEmpty { watched += 1 }
            }
        }
        return ([.A: counts[0], .B: counts[1], .C: counts[2], .D: counts[3]], watched)
    }
}

/// The entities a group draws from, and what was left out.
public struct Population: Sendable, Hashable, Codable {
    /// The members, in code point order of USCC.
    public var members: [PopulationMember]
    /// The rows of the group's categories left out, per reason (every reason present).
    public var rejected: [PopulationRejection: Int]

    /// Creates a population.
    public init(members: [PopulationMember], rejected: [PopulationRejection: Int]) {
        self.members = members
        self.rejected = rejected
    }

    /// Members per class they are drawn in (unclassified under B; every class present).
    public var perClass: [RiskClass: Int] { PopulationMember.counts(of: members).perClass }

    /// Members without a class of their own.
    public var unclassified: Int { members.filter { $0.riskClass == nil }.count }

    /// Members on the watchlist.
    public var watchlisted: Int { members.filter { !$0.watch.isEmpty }.count }
}

/// The registers, inspectors and avoidance list as the draw sees them (rules at the top of
/// Population.swift).
///
/// The index is built once and serves every group: the rows sorted by USCC with the rows of one
/// entity next to each other (so that a group's population is deduplicated by looking at the
/// previous row, with no set of USCCs per group), classes merged per entity along that order, and
/// each row's watchlist reasons looked up once. When a USCC is not plain ASCII (never, for rows
/// the import accepted), two different texts may be canonically equal, so the rows are then
/// compared as Swift compares strings, through sets, as before.
public struct DrawInputs: Sendable {
    /// One entity per current register row (fields cleaned, class merged per USCC), in USCC order;
    /// made from the rows' columns when asked (the inputs hold columns, not a million structs).
    public var entities: [DrawEntity] {
        usccs.indices.map { i in
            DrawEntity(
                uscc: usccs[i], category: texts[Int(categoryOf[i])], region: texts[Int(regionOf[i])], status: texts[Int(statusOf[i])],
                riskClass: riskClasses[i],
                departments: departmentIDs[Int(departmentStart[i])..<Int(departmentStart[i + 1])].map { texts[Int($0)] })
        }
    }
    /// Indices into `entities` per cleaned category.
    public private(set) var byCategory: [String: [Int]]
    /// Current inspectors of every department.
    public var inspectors: [Inspector]
    /// Current avoidance pairs.
    public var avoidance: [AvoidancePair]
    /// The watchlist (重点关注): reasons per USCC.
    public private(set) var watchlist: [String: [String]]
    /// True when every USCC is ASCII, so that equal USCCs are equal bytes (the index's fast paths).
    let asciiUSCCs: Bool
    /// Each row's watchlist reasons (nil when none), aligned with `entities`; empty when the
    /// watchlist is (a row of nils was 8 MB of the drawing night's peak at a million rows).
    private let watchOf: [[String]?]
    /// Each row's USCC and merged class, aligned with `entities`.
    private let usccs: [String]
    /// One bit per row, set where a USCC's rows begin (rows of one USCC are adjacent when the USCCs
    /// are ASCII): a group tells a duplicate row by integers, without touching the shared USCC
    /// strings (whose reference counts two threads would fight over). Bits, not an entity number
    /// per row: 125 KB instead of 4 MB at a million rows, which kept the night's peak RSS under 200 MB.
    private let entityStarts: [UInt64]
    private let riskClasses: [RiskClass?]
    /// The distinct cleaned texts of categories, regions, statuses and departments (`texts[id]`),
    /// and each row's ids of them, aligned with `entities`: a group decides once per distinct text
    /// whether it counts, then looks at integers.
    private let texts: [String]
    private let categoryOf: [Int32]
    private let regionOf: [Int32]
    private let statusOf: [Int32]
    private let departmentIDs: [Int32]
    /// Row i's departments are `departmentIDs[departmentStart[i]..<departmentStart[i + 1]]`.
    private let departmentStart: [Int32]

    /// Inputs from the register rows (one `DrawEntity` per row): cleans fields, merges classes per
    /// USCC and indexes the rows by category.
    public init(
        entities: [DrawEntity], inspectors: [Inspector] = [], avoidance: [AvoidancePair] = [], watchlist: [String: [String]] = [:]
    ) {
        var builder = Builder(capacity: entities.count)
        for e in entities {
            builder.append(
                uscc: e.uscc, category: e.category, region: e.region, status: e.status, riskClass: e.riskClass, departments: e.departments)
        }
        self.init(builder, inspectors: inspectors, avoidance: avoidance, watchlist: watchlist)
    }

    /// Register rows taken one at a time (a store's cursor): each row is kept as its USCC, its class
    /// and the ids of its cleaned texts, never as a `DrawEntity`.
    public struct Builder: Sendable {
        fileprivate var usccs: [String] = []
        fileprivate var riskClasses: [RiskClass?] = []
        fileprivate var categoryOf: [Int32] = [], regionOf: [Int32] = [], statusOf: [Int32] = []
        fileprivate var departmentIDs: [Int32] = [], departmentStart: [Int32] = [0]
        fileprivate var texts: [String] = []
        /// The id of a text as read, and of a cleaned text (keyed by bytes, which spares hashing
        /// the canonical form of Chinese text).
        private var idOfRaw = TextIDTable()
        private var idOfClean: [TextBytes: Int32] = [:]

        /// A builder for about `capacity` rows.
        public init(capacity: Int = 0) {
            usccs.reserveCapacity(capacity)
            riskClasses.reserveCapacity(capacity)
            categoryOf.reserveCapacity(capacity)
            regionOf.reserveCapacity(capacity)
            statusOf.reserveCapacity(capacity)
            departmentIDs.reserveCapacity(capacity)
            departmentStart.reserveCapacity(capacity + 1)
        }

        /// The id of the cleaned form of `text` (each distinct text cleaned once).
        private mutating func id(_ text: String) -> Int32 {
            if let known = idOfRaw.id(of: text) { return known }
            let cleanText = DrawInputs.clean(text)
            let id: Int32
            if let known = idOfClean[TextBytes(cleanText)] {
                id = known
            } else {
                id = Int32(texts.count)
                texts.append(cleanText)
                idOfClean[TextBytes(cleanText)] = id
            }
            idOfRaw.insert(text, id: id)
            return id
        }

        /// Adds one register row.
        public mutating func append(
            uscc: String, category: String, region: String, status: String, riskClass: RiskClass?, departments: [String]
        ) {
            usccs.append(uscc)
            riskClasses.append(riskClass)
            categoryOf.append(id(category))
            regionOf.append(id(region))
            statusOf.append(id(status))
            for d in departments { departmentIDs.append(id(d)) }
            departmentStart.append(Int32(departmentIDs.count))
        }
    }

    /// Inputs from the rows of `builder`: sorted by USCC (unless they are already, as the store's
    /// are), classes merged per USCC, rows indexed by category.
    public init(
        _ builder: consuming Builder, inspectors: [Inspector] = [], avoidance: [AvoidancePair] = [], watchlist: [String: [String]] = [:]
    ) {
        // Taken over, not copied: the columns are sorted and merged in place.
        var b = consume builder
        let count = b.usccs.count
        let ascii = b.usccs.allSatisfy(isASCII)
        // Index order is USCC order (code points = UTF-8 bytes), so that a group's population comes
        // out sorted from a sort of integer indices. The store loads rows sorted already.
        let sorted =
            ascii
            ? b.usccs.indices.dropFirst().allSatisfy { b.usccs[$0 - 1] <= b.usccs[$0] } : Self.isSortedByUSCC(b.usccs)
        if !sorted {
            // Sort small keys (the USCC's first 16 bytes, big-endian, and the row), comparing the
            // whole USCC only when they tie; a stable order, as the sort of the rows was.
            let usccs = b.usccs
            var keys: [(UInt64, UInt64, Int)] = usccs.indices.map { i in
                // The bytes read in place (not through the UTF-8 view's iterator).
                TextIDTable.withBytes(usccs[i]) { bytes in
                    var a: UInt64 = 0, c: UInt64 = 0, n = 0
                    for byte in bytes.prefix(16) {
                        if n < 8 { a = a << 8 | UInt64(byte) } else { c = c << 8 | UInt64(byte) }
                        n += 1
                    }
                    if n < 8 { a <<= UInt64(8 * (8 - n)) }
                    if n < 16 { c <<= UInt64(8 * (16 - max(n, 8))) }
                    return (a, c, i)
                }
            }
            keys.sort { x, y in
                if x.0 != y.0 { return x.0 < y.0 }
                if x.1 != y.1 { return x.1 < y.1 }
                let l = usccs[x.2].utf8, r = usccs[y.2].utf8
                if l.elementsEqual(r) { return x.2 < y.2 }
                return l.lexicographicallyPrecedes(r)
            }
            let order = keys.map(\.2)
            var departmentIDs: [Int32] = [], departmentStart: [Int32] = [0]
            departmentIDs.reserveCapacity(b.departmentIDs.count)
            departmentStart.reserveCapacity(count + 1)
            for i in order {
                departmentIDs += b.departmentIDs[Int(b.departmentStart[i])..<Int(b.departmentStart[i + 1])]
                departmentStart.append(Int32(departmentIDs.count))
            }
            b.usccs = order.map { b.usccs[$0] }
            b.riskClasses = order.map { b.riskClasses[$0] }
            b.categoryOf = order.map { b.categoryOf[$0] }
            b.regionOf = order.map { b.regionOf[$0] }
            b.statusOf = order.map { b.statusOf[$0] }
            b.departmentIDs = departmentIDs
            b.departmentStart = departmentStart
        }
        // Classes merged per entity: the highest risk of its rows.
        var entityStarts = [UInt64](repeating: 0, count: ascii ? (count + 63) / 64 : 0)
        if ascii {
            // Rows of one USCC are adjacent (byte order); equal USCCs are equal bytes.
            var start = 0
            while start < count {
                var end = start + 1
                while end < count, b.usccs[end] == b.usccs[start] { end += 1 }
                entityStarts[start >> 6] |= 1 << UInt64(start & 63)
                var best: RiskClass?
                for k in start..<end {
                    guard let c = b.riskClasses[k] else { continue }
                    if let old = best, old.rawValue >= c.rawValue { continue }
                    best = c
                }
                for k in start..<end { b.riskClasses[k] = best }
                start = end
            }
        } else {
            var byUSCC: [String: RiskClass] = [:]
            for (k, uscc) in b.usccs.enumerated() {
                guard let c = b.riskClasses[k] else { continue }
                if let old = byUSCC[uscc], old.rawValue >= c.rawValue { continue }
                byUSCC[uscc] = c
            }
            for (k, uscc) in b.usccs.enumerated() { b.riskClasses[k] = byUSCC[uscc] }
        }
        // Rows per category, as a dictionary of the cleaned texts (two texts that Swift holds
        // equal share one entry, their rows in row order).
        // Each list sized first: grown by appends, they held up to twice their rows.
        var sizes = [Int](repeating: 0, count: b.texts.count)
        for id in b.categoryOf { sizes[Int(id)] += 1 }
        var rowsOfText = sizes.map { size -> [Int] in
            var rows: [Int] = []
            rows.reserveCapacity(size)
            return rows
        }
        for (k, id) in b.categoryOf.enumerated() { rowsOfText[Int(id)].append(k) }
        var byCategory: [String: [Int]] = [:]
        for (id, rows) in rowsOfText.enumerated() where !rows.isEmpty {
            let key = b.texts[id]
            if let earlier = byCategory[key] {
                byCategory[key] = (earlier + rows).sorted()
            } else {
                byCategory[key] = rows
            }
        }
        self.texts = b.texts
        self.categoryOf = b.categoryOf
        self.regionOf = b.regionOf
        self.statusOf = b.statusOf
        self.departmentIDs = b.departmentIDs
        self.departmentStart = b.departmentStart
        self.riskClasses = b.riskClasses
        self.byCategory = byCategory
        self.inspectors = inspectors
        self.avoidance = avoidance
        self.asciiUSCCs = ascii
        self.entityStarts = entityStarts
        self.watchOf = watchlist.isEmpty ? [] : b.usccs.map { watchlist[$0] }
        self.usccs = b.usccs
        self.watchlist = watchlist
    }

    static func isSortedByUSCC(_ usccs: [String]) -> Bool {
        for i in usccs.indices.dropFirst() where usccs[i].utf8.lexicographicallyPrecedes(usccs[i - 1].utf8) {
            return false
        }
        return true
    }

    /// `PlanCellParser.clean`, skipped for plain ASCII without outer spaces (the common case).
    static func clean(_ text: String) -> String {
        let bytes = text.utf8
        if let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20, first < 0x80, last < 0x80,
            bytes.allSatisfy({ $0 < 0x80 })
        {
            return text
        }
        return PlanCellParser.clean(text)
    }

    /// The first row of row `i`'s USCC (ASCII USCCs: its rows are adjacent; an entity has a few rows,
    /// so the walk back is short). A row is a duplicate when the last row admitted is at or after it.
    @inline(__always)
    private func entityStart(of i: Int) -> Int {
        var k = i
        while k > 0, !isEntityStart(k) { k -= 1 }
        return k
    }

    /// Whether row `i` is the first of its USCC's rows (ASCII USCCs only).
    @inline(__always)
    private func isEntityStart(_ i: Int) -> Bool { entityStarts[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    /// Each row's entity, a number from 0 in row order that the rows of one USCC share, and how
    /// many entities there are: distinct entities counted over integers, not sets of USCC texts.
    public func entityNumbers() -> (ofRow: [Int32], count: Int) {
        var ofRow = [Int32](repeating: 0, count: usccs.count)
        var count = 0
        if asciiUSCCs {
            for i in usccs.indices {
                if isEntityStart(i) { count += 1 }
                ofRow[i] = Int32(count - 1)
            }
        } else {
            // USCCs compared as Swift compares strings, as the sets of the other paths do.
            var numberOf: [String: Int32] = [:]
            for (i, uscc) in usccs.enumerated() {
                if let known = numberOf[uscc] {
                    ofRow[i] = known
                } else {
                    numberOf[uscc] = Int32(count)
                    ofRow[i] = Int32(count)
                    count += 1
                }
            }
        }
        return (ofRow, count)
    }

    /// The population of `group` (rules at the top of Population.swift).
    public func population(of group: DrawGroup, scopeMap: ScopeMap, rules: PopulationRules) -> Population {
        let departments = Set(rules.registers == .initiatorOnly ? [group.initiator] : group.departments)
        // With ASCII USCCs the rows of one entity are adjacent: a row's USCC was admitted before
        // exactly when the last member admitted has it.
        var seen: Set<String> = []
        var members: [PopulationMember] = []
        var rejected: [PopulationRejection: Int] = [:]
        for c in PopulationRejection.allCases { rejected[c] = 0 }
        var indices: [Int] = []
        for category in scopeMap.categories(forScopes: group.scopes) { indices += byCategory[category] ?? [] }
        indices.sort()
        var counts = [Int](repeating: 0, count: PopulationRejection.allCases.count)
        // Per distinct text, once: is it the group's region, an active status, a counted department?
        let inRegion = texts.map { $0 == group.region }
        let active = texts.map { rules.activeStatuses.contains($0) }
        let counted = texts.map { departments.contains($0) }
        var lastAdmitted = -1
        for i in indices {
            let duplicate = asciiUSCCs ? lastAdmitted >= entityStart(of: i) : seen.contains(usccs[i])
            if duplicate {
                counts[0] += 1
            } else if !inRegion[Int(regionOf[i])] {
                counts[1] += 1
            } else if !active[Int(statusOf[i])] {
                counts[2] += 1
            } else if !departmentIDs[Int(departmentStart[i])..<Int(departmentStart[i + 1])].contains(where: { counted[Int($0)] }) {
                counts[3] += 1
            } else {
                if asciiUSCCs { lastAdmitted = i } else { seen.insert(usccs[i]) }
                members.append(
                    PopulationMember(
                        uscc: usccs[i], riskClass: riskClasses[i], watch: (watchOf.isEmpty ? nil : watchOf[i]) ?? [], rule: rules.watchlist)
                )
            }
        }
        for (k, c) in PopulationRejection.allCases.enumerated() { rejected[c] = counts[k] }
        return Population(members: members, rejected: rejected)
    }
}

/// Membership of USCCs in a population: a binary search of its members when they are ASCII and
/// in strictly increasing byte order (as every population is), else a set (Swift's string equality).
struct USCCMembership {
    private let sorted: [String]?
    private let set: Set<String>

    /// The membership of `usccs` (in any order).
    init(_ usccs: [String]) {
        var ascending = usccs.allSatisfy(isASCII)
        if ascending {
            // ASCII: String's order is byte order, and much faster.
            for i in usccs.indices.dropFirst() where !utf8Precedes(usccs[i - 1], usccs[i]) {
                ascending = false
                break
            }
        }
        sorted = ascending ? usccs : nil
        set = ascending ? [] : Set(usccs)
    }

    /// The membership of a population drawn from inputs whose USCCs are all ASCII: its members
    /// are then in strictly increasing byte order by construction (`DrawInputs.population`), so
    /// they are not checked again.
    init(sortedASCII usccs: [String]) {
        sorted = usccs
        set = []
    }

    /// The index of `uscc` among the members when they are ASCII and sorted (nil when absent),
    /// or nil with `searchable` false.
    func index(of uscc: String) -> Int? {
        guard let sorted else { return nil }
        // A non-ASCII text may equal an ASCII one canonically (U+212A KELVIN SIGN and K).
        guard isASCII(uscc) else { return sorted.firstIndex(of: uscc) }
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if utf8Precedes(sorted[mid], uscc) { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count && !utf8Precedes(uscc, sorted[low]) ? low : nil
    }

    /// True when the members are ASCII and sorted, so that `index(of:)` answers.
    var searchable: Bool { sorted != nil }

    /// True when `uscc` is a member.
    func contains(_ uscc: String) -> Bool {
        sorted == nil ? set.contains(uscc) : index(of: uscc) != nil
    }
}

/// True when `a`'s UTF-8 bytes precede `b`'s (code point order), compared as two contiguous
/// buffers rather than through `String.UTF8View`'s iterators.
@inline(__always)
func utf8Precedes(_ a: String, _ b: String) -> Bool {
    let fast: Bool?? = a.utf8.withContiguousStorageIfAvailable { x in
        b.utf8.withContiguousStorageIfAvailable { y in
            let n = Swift.min(x.count, y.count)
            var i = 0
            while i < n {
                if x[i] != y[i] { return x[i] < y[i] }
                i += 1
            }
            return x.count < y.count
        }
    }
    if case .some(.some(let answer)) = fast { return answer }
    return a.utf8.lexicographicallyPrecedes(b.utf8)
}

/// True when every UTF-8 byte of `s` is ASCII (read as one contiguous buffer).
@inline(__always)
func isASCII(_ s: String) -> Bool {
    s.utf8.withContiguousStorageIfAvailable { b in b.allSatisfy { $0 < 0x80 } } ?? s.utf8.allSatisfy { $0 < 0x80 }
}

/// Ids of texts by their UTF-8 bytes: open addressing on an FNV-1a hash of the bytes.
///
/// Hand-written because the index looks up four or five texts per register row (category, region,
/// status, departments), five million look-ups for a million rows, among a few dozen distinct
/// texts: through `[TextBytes: Int32]` each paid a SipHash of the bytes and a generic byte
/// comparison, which made a quarter of the index's time (perf, `suiji-dev draw bench`, 300,000
/// rows: 8% of the index's samples in `Hasher`, 13% in the comparison); here a look-up is one
/// multiply per byte and a comparison of two contiguous buffers.
struct TextIDTable: Sendable {
    private var hashes: [UInt64] = Array(repeating: 0, count: 64)
    private var texts: [String] = Array(repeating: "", count: 64)
    /// The id in each slot, -1 when empty.
    private var ids: [Int32] = Array(repeating: -1, count: 64)
    private var count = 0

    /// FNV-1a of `bytes`.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// True when two buffers hold the same bytes (compared eight at a time).
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        let raw = (UnsafeRawPointer(x), UnsafeRawPointer(y))
        var i = 0
        while i + 8 <= a.count {
            if raw.0.loadUnaligned(fromByteOffset: i, as: UInt64.self) != raw.1.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        while i < a.count {
            if x[i] != y[i] { return false }
            i += 1
        }
        return true
    }

    /// `body` of the UTF-8 bytes of `text`, read in place when contiguous.
    @inline(__always)
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let r = text.utf8.withContiguousStorageIfAvailable(body) { return r }
        var copy = text
        return copy.withUTF8(body)
    }

    /// The slot of `bytes` (hash `h`): where it is, or the empty slot where it would go.
    private func slot(_ bytes: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> Int {
        let mask = ids.count - 1
        var i = Int(truncatingIfNeeded: h ^ (h >> 29)) & mask
        while ids[i] >= 0 {
            if hashes[i] == h,
                Self.withBytes(texts[i], { other in Self.equal(other, bytes) })
            {
                return i
            }
            i = (i + 1) & mask
        }
        return i
    }

    /// The id of `text`, or nil.
    func id(of text: String) -> Int32? {
        Self.withBytes(text) { bytes in
            let i = slot(bytes, hash: Self.hash(bytes))
            return ids[i] >= 0 ? ids[i] : nil
        }
    }

    /// Records `id` for `text` (not yet in the table).
    mutating func insert(_ text: String, id: Int32) {
        if 2 * (count + 1) > ids.count {
            let old = zip(texts, ids).filter { $0.1 >= 0 }
            hashes = Array(repeating: 0, count: 2 * ids.count)
            texts = Array(repeating: "", count: 2 * ids.count)
            ids = Array(repeating: -1, count: 2 * ids.count)
            count = 0
            for (t, k) in old { insert(t, id: k) }
        }
        let (i, h) = Self.withBytes(text) { bytes in
            let h = Self.hash(bytes)
            return (slot(bytes, hash: h), h)
        }
        hashes[i] = h
        texts[i] = text
        ids[i] = id
        count += 1
    }
}

/// A text hashed and compared by its UTF-8 bytes (not by its canonical form, as `String` is).
struct TextBytes: Hashable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: TextBytes, rhs: TextBytes) -> Bool {
        TextIDTable.withBytes(lhs.text) { a in TextIDTable.withBytes(rhs.text) { b in TextIDTable.equal(a, b) } }
    }

    func hash(into hasher: inout Hasher) {
        var copy = text
        copy.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
