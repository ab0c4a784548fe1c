// The inspector side of a draw's commitment: the active inspectors of each department of the group,
// the avoidance pairs that concern its population, and the matching parameters (InspectorMatcher.swift).
// Kept from the public: a public commitment holds only a salted hash of it (Commitment.swift).

/// The inspector side of a commitment: pools, avoidance pairs and matching parameters.
public struct InspectorSetup: Sendable, Hashable, Codable {
    /// Active inspector ids per department, each list in code point order.
    public var pools: [String: [String]]
    /// Avoidance pairs, sorted.
    public var avoidance: [AvoidancePair]
    /// Team size per department.
    public var teamSizes: [String: Int]
    /// The explicit load cap, or nil for the per-department default.
    public var loadCap: Int?
    /// Whether short teams are kept.
    public var allowPartialTeams: Bool

    /// Creates a setup from its parts.
    public init(pools: [String: [String]], avoidance: [AvoidancePair], teamSizes: [String: Int], loadCap: Int?, allowPartialTeams: Bool) {
        self.pools = pools
        self.avoidance = avoidance.sorted()
        self.teamSizes = teamSizes
        self.loadCap = loadCap
        self.allowPartialTeams = allowPartialTeams
    }

    /// The setup of a group: active inspectors of its departments, the avoidance pairs that
    /// concern its population, team sizes from the rules.
    public init(
        inspectors: some Sequence<Inspector>, avoidance: some Sequence<AvoidancePair>, departments: [String],
        population: [PopulationMember], rules: MatchingRules = MatchingRules()
    ) {
        self.init(
            inspectors: inspectors, avoidance: avoidance, departments: departments, members: USCCMembership(population.map(\.uscc)),
            rules: rules)
    }

    /// The setup of a group whose population's membership is `members`.
    init(
        inspectors: some Sequence<Inspector>, avoidance: some Sequence<AvoidancePair>, departments: [String],
        members: USCCMembership, rules: MatchingRules
    ) {
        var sizes: [String: Int] = [:]
        for (d, n) in zip(departments, rules.teamSizes(departments: departments)) { sizes[d] = n }
        self.init(
            pools: InspectorMatcher.pools(inspectors, departments: departments),
            avoidance: Array(Set(avoidance.filter { members.contains($0.uscc) })),
            teamSizes: sizes, loadCap: rules.loadCap, allowPartialTeams: rules.allowPartialTeams)
    }

    /// The canonical JSON of the inspector part: `{"inspectorPools", "avoidance", "matching"}`.
    public var canonicalValue: CanonicalJSON {
        .object([
            "inspectorPools": .object(pools.mapValues { .array($0.map { .string($0) }) }),
            "avoidance": .array(avoidance.map { .object(["inspector": .string($0.inspectorId), "uscc": .string($0.uscc)]) }),
            "matching": .object([
                "teamSizes": .object(teamSizes.mapValues { .integer($0) }),
                "loadCap": loadCap.map { .integer($0) } ?? .null,
                "allowPartialTeams": .bool(allowPartialTeams),
            ]),
        ])
    }

    /// Matches teams to drawn objects with this setup.
    public func match(objects: [String], departments: [String], seedString: String) throws -> InspectorMatch {
        try InspectorMatcher.match(
            objects: objects, departments: departments, teamSizes: departments.map { teamSizes[$0] ?? 0 },
            pools: pools, avoidance: Set(avoidance), seedString: seedString,
            loadCap: loadCap, allowPartialTeams: allowPartialTeams)
    }
}
