// The commitment: a SHA-256 of every input of a draw, published BEFORE the public seed is drawn,
// so that nobody can change the population, the quotas or the exclusions after seeing the seed.
//
// The bytes that are hashed are the commitment's `CanonicalJSON` text (see CanonicalJSON.swift:
// Python's `json.dumps(..., ensure_ascii=False, sort_keys=True, separators=(",", ":"))`); every
// list in a commitment is put in a documented order first: population, exclusions and pools by code
// point order of the id.
//
// The commitment (format `suiji-draw-commitment/1`) holds: algorithm (ConsistentSampler's
// version), year, region, group key, round number and dates, task numbers, departments, scopes,
// the population with each entity's class at draw time (`null` = unclassified, drawn as B),
// exclusions, quotas per class, and, for inspector matching, optional `inspectorPools` (active ids
// per department), `avoidance` pairs (those whose USCC is in the population) and `matching`
// (team size per department, the explicit load cap or null for the default, partial teams
// allowed or not). Optional parts are left out entirely when absent.

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
        let members = Set(population.map(\.uscc))
        var sizes: [String: Int] = [:]
        for (d, n) in zip(departments, rules.teamSizes(departments: departments)) { sizes[d] = n }
        self.init(
            pools: InspectorMatcher.pools(inspectors, departments: departments),
            avoidance: Array(Set(avoidance.filter { members.contains($0.uscc) })),
            teamSizes: sizes, loadCap: rules.loadCap, allowPartialTeams: rules.allowPartialTeams)
    }

    /// Matches teams to drawn objects with this setup.
    public func match(objects: [String], departments: [String], seedString: String) throws -> InspectorMatch {
        try InspectorMatcher.match(
            objects: objects, departments: departments, teamSizes: departments.map { teamSizes[$0] ?? 0 },
            pools: pools, avoidance: Set(avoidance), seedString: seedString,
            loadCap: loadCap, allowPartialTeams: allowPartialTeams)
    }
}

/// Everything a draw depends on except the seed; its SHA-256 is published before the seed.
public struct DrawCommitment: Sendable, Hashable, Codable {
    /// The format identifier written in every commitment.
    public static let currentFormat = "suiji-draw-commitment/1"

    /// `suiji-draw-commitment/1`.
    public var format: String
    /// The sampling algorithm (`ConsistentSampler.algorithmVersion`).
    public var algorithm: String
    /// The plan year.
    public var year: Int
    /// The region code.
    public var region: String
    /// The group key.
    public var groupKey: String
    /// The round number.
    public var round: Int
    /// The round's first day.
    public var roundStart: PlanDate
    /// The round's last day.
    public var roundEnd: PlanDate
    /// The group's task numbers.
    public var tasks: [Int]
    /// The group's departments, initiator first.
    public var departments: [String]
    /// The group's scopes.
    public var scopes: [String]
    /// The population, in code point order of USCC, with classes at draw time.
    public var population: [PopulationMember]
    /// USCCs of earlier rounds, in code point order.
    public var exclusions: [String]
    /// Objects to draw per class.
    public var quotas: [RiskClass: Int]
    /// Inspector pools, avoidance and matching parameters, if inspectors are matched.
    public var inspectors: InspectorSetup?

    /// Creates a commitment from its parts (lists are put in canonical order; a missing class quota is 0).
    public init(
        format: String = DrawCommitment.currentFormat, algorithm: String = ConsistentSampler.algorithmVersion,
        year: Int, region: String, groupKey: String, round: Int, roundStart: PlanDate, roundEnd: PlanDate,
        tasks: [Int], departments: [String], scopes: [String], population: [PopulationMember],
        exclusions: [String], quotas: [RiskClass: Int], inspectors: InspectorSetup? = nil
    ) {
        self.format = format
        self.algorithm = algorithm
        self.year = year
        self.region = region
        self.groupKey = groupKey
        self.round = round
        self.roundStart = roundStart
        self.roundEnd = roundEnd
        self.tasks = tasks
        self.departments = departments
        self.scopes = scopes
        self.population = population.sorted { $0.uscc.utf8.lexicographicallyPrecedes($1.uscc.utf8) }
        self.exclusions = exclusions.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var all: [RiskClass: Int] = [:]
        for c in RiskClass.allCases { all[c] = quotas[c] ?? 0 }
        self.quotas = all
        self.inspectors = inspectors
    }

    /// The commitment of a prepared draw, with inspectors if they are to be matched.
    public init(_ prepared: PreparedDraw, inspectors: InspectorSetup? = nil) {
        self.init(
            year: prepared.group.year, region: prepared.group.region, groupKey: prepared.group.key,
            round: prepared.round.number, roundStart: prepared.round.start, roundEnd: prepared.round.end,
            tasks: prepared.group.taskSeqs, departments: prepared.group.departments, scopes: prepared.group.scopes,
            population: prepared.population.members, exclusions: prepared.exclusions,
            quotas: prepared.quota.perClass, inspectors: inspectors)
    }

    /// The value that is hashed (keys documented at the top of DrawCommitment.swift).
    public var canonicalValue: CanonicalJSON {
        var o: [String: CanonicalJSON] = [
            "format": .string(format),
            "algorithm": .string(algorithm),
            "year": .integer(year),
            "region": .string(region),
            "group": .string(groupKey),
            "round": .integer(round),
            "roundStart": .string(roundStart.description),
            "roundEnd": .string(roundEnd.description),
            "tasks": .array(tasks.map { .integer($0) }),
            "departments": .array(departments.map { .string($0) }),
            "scopes": .array(scopes.map { .string($0) }),
            "population": .array(
                population.map { m in
                    .object(["uscc": .string(m.uscc), "class": m.riskClass.map { .string($0.rawValue) } ?? .null])
                }),
            "exclusions": .array(exclusions.map { .string($0) }),
            "quotas": .object(Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0.rawValue, .integer(quotas[$0] ?? 0)) })),
        ]
        if let inspectors {
            o["inspectorPools"] = .object(inspectors.pools.mapValues { .array($0.map { .string($0) }) })
            o["avoidance"] = .array(inspectors.avoidance.map { .object(["inspector": .string($0.inspectorId), "uscc": .string($0.uscc)]) })
            o["matching"] = .object([
                "teamSizes": .object(inspectors.teamSizes.mapValues { .integer($0) }),
                "loadCap": inspectors.loadCap.map { .integer($0) } ?? .null,
                "allowPartialTeams": .bool(inspectors.allowPartialTeams),
            ])
        }
        return .object(o)
    }

    /// The canonical JSON bytes.
    public var canonicalBytes: [UInt8] { canonicalValue.canonicalBytes }

    /// The SHA-256 of the canonical bytes, 64 lowercase hex characters: the published commitment.
    public var hash: String { SHA256.hexString(SHA256.digest(canonicalBytes)) }

    /// Encodes as the canonical value.
    public func encode(to encoder: any Encoder) throws { try canonicalValue.encode(to: encoder) }

    private enum Keys: String, CodingKey {
        case format, algorithm, year, region, group, round, roundStart, roundEnd, tasks, departments, scopes
        case population, exclusions, quotas, inspectorPools, avoidance, matching
    }

    private struct Member: Decodable {
        var uscc: String
        var riskClass: RiskClass?
        enum CodingKeys: String, CodingKey { case uscc, riskClass = "class" }
    }

    private struct Pair: Decodable {
        var inspector: String
        var uscc: String
    }

    private struct Matching: Decodable {
        var teamSizes: [String: Int]
        var loadCap: Int?
        var allowPartialTeams: Bool
    }

    /// Decodes the shape `encode(to:)` writes. Lists are kept in the order found (so a reordered
    /// file hashes differently, as it should); inspector parts must come all together or not at all.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        format = try c.decode(String.self, forKey: .format)
        algorithm = try c.decode(String.self, forKey: .algorithm)
        year = try c.decode(Int.self, forKey: .year)
        region = try c.decode(String.self, forKey: .region)
        groupKey = try c.decode(String.self, forKey: .group)
        round = try c.decode(Int.self, forKey: .round)
        roundStart = try c.decode(PlanDate.self, forKey: .roundStart)
        roundEnd = try c.decode(PlanDate.self, forKey: .roundEnd)
        tasks = try c.decode([Int].self, forKey: .tasks)
        departments = try c.decode([String].self, forKey: .departments)
        scopes = try c.decode([String].self, forKey: .scopes)
        population = try c.decode([Member].self, forKey: .population).map { PopulationMember(uscc: $0.uscc, riskClass: $0.riskClass) }
        exclusions = try c.decode([String].self, forKey: .exclusions)
        quotas = try c.decode([RiskClass: Int].self, forKey: .quotas)
        let pools = try c.decodeIfPresent([String: [String]].self, forKey: .inspectorPools)
        let pairs = try c.decodeIfPresent([Pair].self, forKey: .avoidance)
        let matching = try c.decodeIfPresent(Matching.self, forKey: .matching)
        switch (pools, pairs, matching) {
        case (nil, nil, nil):
            inspectors = nil
        case let (pools?, pairs?, matching?):
            var setup = InspectorSetup(
                pools: pools, avoidance: [], teamSizes: matching.teamSizes,
                loadCap: matching.loadCap, allowPartialTeams: matching.allowPartialTeams)
            setup.avoidance = pairs.map { AvoidancePair(inspectorId: $0.inspector, uscc: $0.uscc) }
            inspectors = setup
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .matching, in: c, debugDescription: "inspectorPools, avoidance and matching must be given together")
        }
    }
}
