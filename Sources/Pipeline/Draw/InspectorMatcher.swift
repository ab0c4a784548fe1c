// Inspector matching (行政处罚法 Art. 42: at least two inspectors; Art. 43: avoidance), derived
// from the draw's seed so that anyone can redo it.
//
// The rules (ours):
// - Team sizes: the initiator sends `initiatorTeamSize` (default 2) and every cooperator
//   `cooperatorTeamSize` (default 1); if the sizes add up to fewer than `minimumTeamSize` (default
//   2), the initiator sends more. Each department draws from its own active inspectors.
// - Objects are served in ticket order of the draw (DrawResult.order); within an object the
//   departments in group order (initiator first).
// - A department's candidates for an object are its inspectors in ascending order of the ticket
//   `sha256_uniform(sha256_hex(seed string) + inspectorId + "|" + USCC)`, the seed string being
//   the draw's (`<public seed>|<group>|<round>`). The first candidates are taken, skipping those
//   paired with the object on the avoidance list, those already on the object's team (an
//   inspector listed by two departments), and those at their load cap.
// - Load cap, per inspector and round: `loadCap` if set, else per department
//   ceil(objects × team size ÷ inspectors of the department) + 1, so the work is spread evenly
//   with one object of slack. The matching is greedy: it never backtracks, so a cap that is tight
//   with many avoidance pairs can leave a late object short even if a perfect matching exists.
// - Shortfall: a department that cannot fill its team for an object throws
//   `InspectorShortfallError` (department, USCC, how many short) unless `allowPartialTeams`; then
//   the short team is kept and recorded in `InspectorMatch.shortTeams`.

/// An inspector of a department's register (执法检查人员名录库).
public struct Inspector: Sendable, Hashable, Codable {
    /// 执法证号: the id used in tickets and assignments.
    public var id: String
    /// 姓名 (never published).
    public var name: String
    /// The department whose register lists the inspector.
    public var department: String
    /// False for inspectors on leave, retired or otherwise unavailable.
    public var active: Bool

    /// Creates an inspector.
    public init(id: String, name: String, department: String, active: Bool = true) {
        self.id = id
        self.name = name
        self.department = department
        self.active = active
    }
}

/// An avoidance pair (回避): this inspector must not inspect this entity.
public struct AvoidancePair: Sendable, Hashable, Codable, Comparable {
    /// The inspector's id.
    public var inspectorId: String
    /// The entity's USCC.
    public var uscc: String

    /// Creates a pair.
    public init(inspectorId: String, uscc: String) {
        self.inspectorId = inspectorId
        self.uscc = uscc
    }

    /// By inspector id, then USCC, in code point order.
    public static func < (lhs: AvoidancePair, rhs: AvoidancePair) -> Bool {
        if lhs.inspectorId != rhs.inspectorId { return lhs.inspectorId.utf8.lexicographicallyPrecedes(rhs.inspectorId.utf8) }
        return lhs.uscc.utf8.lexicographicallyPrecedes(rhs.uscc.utf8)
    }
}

/// The parameters of a matching.
public struct MatchingRules: Sendable, Hashable, Codable {
    /// Inspectors from the initiating department per object (default 2).
    public var initiatorTeamSize: Int
    /// Inspectors from each cooperating department per object (default 1).
    public var cooperatorTeamSize: Int
    /// The fewest inspectors per object in all (default 2, 行政处罚法 Art. 42).
    public var minimumTeamSize: Int
    /// The most objects per inspector in the round, or nil for the per-department default.
    public var loadCap: Int?
    /// Keep short teams (and report them) instead of failing.
    public var allowPartialTeams: Bool

    /// Rules; by default 2 from the initiator, 1 per cooperator, at least 2, default caps, no short teams.
    public init(
        initiatorTeamSize: Int = 2, cooperatorTeamSize: Int = 1, minimumTeamSize: Int = 2,
        loadCap: Int? = nil, allowPartialTeams: Bool = false
    ) {
        self.initiatorTeamSize = initiatorTeamSize
        self.cooperatorTeamSize = cooperatorTeamSize
        self.minimumTeamSize = minimumTeamSize
        self.loadCap = loadCap
        self.allowPartialTeams = allowPartialTeams
    }

    /// Team size per department, in the order given (initiator first), after the minimum rule.
    public func teamSizes(departments: [String]) -> [Int] {
        guard !departments.isEmpty else { return [] }
        var sizes = departments.indices.map { $0 == 0 ? max(0, initiatorTeamSize) : max(0, cooperatorTeamSize) }
        let total = sizes.reduce(0, +)
        if total < minimumTeamSize { sizes[0] += minimumTeamSize - total }
        return sizes
    }
}

/// One department's inspectors for one object.
public struct InspectorAssignment: Sendable, Hashable, Codable {
    /// The object.
    public var uscc: String
    /// The department.
    public var department: String
    /// The inspectors' ids, in the order they were matched.
    public var inspectorIds: [String]

    /// Creates an assignment.
    public init(uscc: String, department: String, inspectorIds: [String]) {
        self.uscc = uscc
        self.department = department
        self.inspectorIds = inspectorIds
    }
}

/// A team a department could not fill.
public struct ShortTeam: Sendable, Hashable, Codable {
    /// The object.
    public var uscc: String
    /// The department.
    public var department: String
    /// Inspectors wanted.
    public var needed: Int
    /// Inspectors matched.
    public var matched: Int

    /// Creates a short team.
    public init(uscc: String, department: String, needed: Int, matched: Int) {
        self.uscc = uscc
        self.department = department
        self.needed = needed
        self.matched = matched
    }

    /// needed − matched.
    public var shortfall: Int { needed - matched }
}

/// A department cannot field a full team for an object.
public struct InspectorShortfallError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The department.
    public var department: String
    /// The object's USCC.
    public var uscc: String
    /// Inspectors wanted.
    public var needed: Int
    /// Inspectors available after avoidance and load caps.
    public var matched: Int

    /// Creates the error.
    public init(department: String, uscc: String, needed: Int, matched: Int) {
        self.department = department
        self.uscc = uscc
        self.needed = needed
        self.matched = matched
    }

    /// How many inspectors are missing.
    public var shortfall: Int { needed - matched }

    /// What happened and what to do.
    public var description: String {
        "\(department) is \(shortfall) inspector(s) short for \(uscc): needs \(needed), found \(matched) after avoidance and load caps; "
            + "add active inspectors to its register, raise the load cap, or allow partial teams"
    }
}

/// The outcome of a matching.
public struct InspectorMatch: Sendable, Hashable, Codable {
    /// One entry per object and department, objects in ticket order, departments in group order.
    public var assignments: [InspectorAssignment]
    /// Teams left short (only with `allowPartialTeams`).
    public var shortTeams: [ShortTeam]
    /// Objects per inspector id (inspectors with none are absent).
    public var loads: [String: Int]
    /// The load cap used per department.
    public var loadCaps: [String: Int]

    /// Creates a match.
    public init(assignments: [InspectorAssignment], shortTeams: [ShortTeam], loads: [String: Int], loadCaps: [String: Int]) {
        self.assignments = assignments
        self.shortTeams = shortTeams
        self.loads = loads
        self.loadCaps = loadCaps
    }
}

/// Matches inspectors to drawn objects (rules at the top of InspectorMatcher.swift).
public enum InspectorMatcher {
    /// The ticket id of an inspector for an object: `inspectorId|USCC`.
    public static func ticketId(inspectorId: String, uscc: String) -> String { inspectorId + "|" + uscc }

    /// Active inspector ids per department, in code point order, duplicates removed.
    public static func pools(_ inspectors: some Sequence<Inspector>, departments: [String]) -> [String: [String]] {
        var pools: [String: Set<String>] = [:]
        for d in departments { pools[d] = [] }
        for i in inspectors where i.active {
            let d = PlanCellParser.clean(i.department)
            if pools[d] != nil { pools[d]?.insert(i.id) }
        }
        return pools.mapValues { $0.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
    }

    /// Matches teams to `objects` (in the order given: the draw's ticket order).
    ///
    /// - Parameters:
    ///   - objects: drawn USCCs in ticket order.
    ///   - departments: the group's departments, initiator first.
    ///   - pools: active inspector ids per department.
    ///   - avoidance: pairs that must never be matched.
    ///   - seedString: the draw's seed string.
    ///   - rules: team sizes, caps and the partial-team switch.
    /// - Throws: `InspectorShortfallError` for the first team that cannot be filled, unless partial teams are allowed.
    public static func match(
        objects: [String], departments: [String], pools: [String: [String]], avoidance: Set<AvoidancePair>,
        seedString: String, rules: MatchingRules = MatchingRules()
    ) throws -> InspectorMatch {
        try match(
            objects: objects, departments: departments, teamSizes: rules.teamSizes(departments: departments),
            pools: pools, avoidance: avoidance, seedString: seedString,
            loadCap: rules.loadCap, allowPartialTeams: rules.allowPartialTeams)
    }

    /// Matches teams of the given size per department (aligned with `departments`); `loadCap` nil
    /// means the per-department default.
    ///
    /// How (the rules above, unchanged): every inspector's hash state is prepared once, the seed
    /// hash and `inspectorId|` absorbed (`TicketHasher`), so that a ticket costs one copy, the
    /// object's USCC and one finish; inspectors are numbered once, so that loads, teams and
    /// avoidance are integer look-ups; and since who is eligible for an object does not change
    /// while a department picks (a pick only changes the picked inspector's own load and team
    /// membership), one pass over the eligible inspectors keeps the `size` lowest tickets, without
    /// sorting the pool and without hashing inspectors that are avoided, on the team or at their cap.
    public static func match(
        objects: [String], departments: [String], teamSizes sizes: [Int], pools: [String: [String]],
        avoidance: Set<AvoidancePair>, seedString: String, loadCap: Int?, allowPartialTeams: Bool
    ) throws -> InspectorMatch {
        let sampler = ConsistentSampler(seed: seedString)
        var caps: [String: Int] = [:]
        for (d, size) in zip(departments, sizes) {
            let pool = pools[d]?.count ?? 0
            caps[d] = loadCap ?? (pool == 0 ? 0 : (objects.count * size + pool - 1) / pool + 1)
        }
        // Inspectors numbered once (an id listed by two departments is one inspector); each
        // department's pool as numbers, duplicates removed, with its prepared hash states.
        var number: [String: Int] = [:]
        var ids: [String] = []
        func numbered(_ id: String) -> Int {
            if let n = number[id] { return n }
            number[id] = ids.count
            ids.append(id)
            return ids.count - 1
        }
        struct Pool {
            var members: [Int] = []
            var hashers: [TicketHasher] = []
        }
        var poolOf: [String: Pool] = [:]
        for d in departments where poolOf[d] == nil {
            var pool = Pool()
            var seen: Set<Int> = []
            for id in pools[d] ?? [] {
                let n = numbered(id)
                guard seen.insert(n).inserted else { continue }
                pool.members.append(n)
                pool.hashers.append(sampler.ticketHasher(prefix: id + "|"))
            }
            poolOf[d] = pool
        }
        // Avoided inspectors per object.
        var avoided: [String: [Int]] = [:]
        for pair in avoidance {
            if let n = number[pair.inspectorId] { avoided[pair.uscc, default: []].append(n) }
        }
        var loads = [Int](repeating: 0, count: ids.count)
        var assignments: [InspectorAssignment] = []
        assignments.reserveCapacity(objects.count * departments.count)
        var short: [ShortTeam] = []
        var team: [Int] = []
        var best: [(ticket: TicketNumber, member: Int)] = []
        // Per department (in group order), its cap and pool, looked up once rather than per object.
        let steps = zip(departments, sizes).filter { $0.1 > 0 }.map { d, size in (d, size, caps[d] ?? 0, poolOf[d] ?? Pool()) }
        for uscc in objects {
            team.removeAll(keepingCapacity: true)
            let avoid = avoided[uscc] ?? []
            var usccBytes = uscc
            try usccBytes.withUTF8 { tail in
                for (d, size, cap, pool) in steps {
                    // The `size` lowest tickets among the eligible, ascending (ties as `Ticket.<`).
                    // Once `size` are held, a candidate whose first nine decimal places exceed the
                    // last one's cannot enter: it is dropped on those (a few multiplications), and
                    // only the rest get their exact ticket number.
                    best.removeAll(keepingCapacity: true)
                    var worstNine = UInt64.max
                    for k in pool.members.indices {
                        let n = pool.members[k]
                        if loads[n] >= cap || team.contains(n) || avoid.contains(n) { continue }
                        let words = pool.hashers[k].words(appending: UnsafeRawBufferPointer(tail))
                        if best.count == size, TicketNumber.leadingNineDigits(words) > worstNine { continue }
                        let ticket = TicketNumber(words: words)
                        if best.count == size, !precedes(ticket, ids[n], best[size - 1].ticket, ids[best[size - 1].member], uscc) {
                            continue
                        }
                        var at = best.count
                        while at > 0, precedes(ticket, ids[n], best[at - 1].ticket, ids[best[at - 1].member], uscc) { at -= 1 }
                        best.insert((ticket, n), at: at)
                        if best.count > size { best.removeLast() }
                        if best.count == size { worstNine = best[size - 1].ticket.leadingDigits / TicketNumber.tenToTheTen }
                    }
                    var picked: [String] = []
                    picked.reserveCapacity(best.count)
                    for (_, n) in best {
                        picked.append(ids[n])
                        team.append(n)
                        loads[n] += 1
                    }
                    if picked.count < size {
                        if !allowPartialTeams {
                            throw InspectorShortfallError(department: d, uscc: uscc, needed: size, matched: picked.count)
                        }
                        short.append(ShortTeam(uscc: uscc, department: d, needed: size, matched: picked.count))
                    }
                    assignments.append(InspectorAssignment(uscc: uscc, department: d, inspectorIds: picked))
                }
            }
        }
        var loadOf: [String: Int] = [:]
        for (n, load) in loads.enumerated() where load > 0 { loadOf[ids[n]] = load }
        return InspectorMatch(assignments: assignments, shortTeams: short, loads: loadOf, loadCaps: caps)
    }

    /// The sampling order of two inspectors' tickets for one object (`Ticket.<` of
    /// `inspectorId|uscc`): by ticket number, then by the ticket ids' code points.
    @inline(__always)
    static func precedes(_ a: TicketNumber, _ aId: String, _ b: TicketNumber, _ bId: String, _ uscc: String) -> Bool {
        if a.leadingDigits != b.leadingDigits { return a.leadingDigits < b.leadingDigits }
        if a != b { return a < b }
        return ticketId(inspectorId: aId, uscc: uscc).utf8.lexicographicallyPrecedes(ticketId(inspectorId: bId, uscc: uscc).utf8)
    }
}
