// The draw bundle for the supervising authority (the AUDITOR bundle): one self-contained JSON file
// from which a draw can be redone completely. It holds what must not be published (every member's
// class and watchlist reasons, the inspector pools, the avoidance pairs and the teams), so it goes
// to the auditor only; the public gets PublicDrawBundle.swift's bundle.
//
// Shape (format `suiji-draw-bundle/2`; keys sorted, see `CanonicalJSON`):
//   {"format": "suiji-draw-bundle/2",
//    "commitment": {…the commitment's PRIVATE form, Commitment.swift, with its secret…},
//    "commitmentHash": "<sha256 hex of the commitment's PUBLIC form>",
//    "publicSeed": "<the seed as announced>",
//    "seedString": "<publicSeed>|<group>|<round>",
//    "sample": {"A": [USCC…], "B": […], "C": […], "D": […]}   (each in ticket order),
//    "visits": {"<USCC>": k, …}   (objects of classes visited more than once a round, ClassVisits.swift),
//    "assignments": [{"uscc", "department", "inspectors": [id…]}…]   (only with inspectors),
//    "shortTeams": [{"uscc", "department", "needed", "matched"}…]    (only with inspectors)}
//
// `verify()` recomputes, from the bundle alone: the public form and its hash, the seed string, the
// quotas from the recorded rule and class counts, the sample (Draw.select), the visits and the
// inspector matching, and lists every difference. scripts/verify_draw.py does the same with the
// Python standard library only. A bundle of the first format (`suiji-draw-bundle/1`, a
// `suiji-draw-commitment/1` inside) still verifies.

/// A self-contained record of one draw for the auditor: the private inputs, seed and results.
public struct DrawBundle: Sendable, Hashable, Codable {
    /// The format identifier written in every bundle.
    public static let currentFormat = "suiji-draw-bundle/2"
    /// The first format (its commitment of the first format too).
    public static let legacyFormat = "suiji-draw-bundle/1"

    /// `suiji-draw-bundle/2`.
    public var format: String
    /// The committed inputs (private form).
    public var commitment: DrawCommitment
    /// The published hash of the commitment.
    public var commitmentHash: String
    /// The public seed as announced.
    public var publicSeed: String
    /// `<publicSeed>|<group>|<round>`.
    public var seedString: String
    /// Drawn USCCs per class, each in ticket order.
    public var sample: [RiskClass: [String]]
    /// The visit of each drawn object of a class visited more than once a round.
    public var visits: [String: Int]
    /// Inspector teams, when the commitment has inspectors.
    public var assignments: [InspectorAssignment]?
    /// Short teams, when the commitment has inspectors.
    public var shortTeams: [ShortTeam]?

    /// Creates a bundle from its parts.
    public init(
        format: String = DrawBundle.currentFormat, commitment: DrawCommitment, commitmentHash: String, publicSeed: String,
        seedString: String, sample: [RiskClass: [String]], visits: [String: Int] = [:], assignments: [InspectorAssignment]? = nil,
        shortTeams: [ShortTeam]? = nil
    ) {
        self.format = format
        self.commitment = commitment
        self.commitmentHash = commitmentHash
        self.publicSeed = publicSeed
        self.seedString = seedString
        self.sample = sample
        self.visits = visits
        self.assignments = assignments
        self.shortTeams = shortTeams
    }

    /// Draws (and matches inspectors, if the commitment has them) and records everything.
    /// - Throws: `InspectorShortfallError` when a team cannot be filled and partial teams are not allowed.
    public init(commitment: DrawCommitment, publicSeed: String) throws {
        self = try Self.draw(commitment: commitment, publicSeed: publicSeed).bundle
    }

    /// The selection a commitment gives for a seed string.
    public static func select(commitment: DrawCommitment, seedString: String) -> DrawSelection {
        Draw.select(
            population: commitment.population, exclusions: Set(commitment.exclusions), quotas: commitment.quotas,
            include: commitment.alwaysIncluded, visits: commitment.visits, seedString: seedString)
    }

    /// Draws as ``init(commitment:publicSeed:)`` does, and also returns the selection (with the
    /// objects' sampling order) so that a caller recording the draw need not select again. A caller
    /// that has just computed the commitment's hash passes it as `hash` (it is not computed again).
    /// - Throws: `InspectorShortfallError` when a team cannot be filled and partial teams are not allowed.
    public static func draw(commitment: DrawCommitment, publicSeed: String, hash: String? = nil) throws -> (
        bundle: DrawBundle, selection: DrawSelection
    ) {
        let seed = Draw.seedString(publicSeed: publicSeed, groupKey: commitment.groupKey, round: commitment.round)
        let selection = select(commitment: commitment, seedString: seed)
        var assignments: [InspectorAssignment]?
        var shortTeams: [ShortTeam]?
        if let setup = commitment.inspectors {
            let match = try setup.match(objects: selection.order, departments: commitment.departments, seedString: seed)
            assignments = match.assignments
            shortTeams = match.shortTeams
        }
        let bundle = DrawBundle(
            format: commitment.isLegacy ? Self.legacyFormat : Self.currentFormat, commitment: commitment,
            commitmentHash: hash ?? commitment.hash, publicSeed: publicSeed, seedString: seed, sample: selection.perClass,
            visits: selection.visit, assignments: assignments, shortTeams: shortTeams)
        return (bundle, selection)
    }

    /// The bundle as a JSON value (keys documented at the top of DrawBundle.swift).
    public var jsonValue: CanonicalJSON {
        var o: [String: CanonicalJSON] = [
            "format": .string(format),
            "commitment": commitment.privateValue,
            "commitmentHash": .string(commitmentHash),
            "publicSeed": .string(publicSeed),
            "seedString": .string(seedString),
            "sample": .object(
                Dictionary(
                    uniqueKeysWithValues: RiskClass.allCases.map { c in
                        (c.rawValue, CanonicalJSON.array((sample[c] ?? []).map { .string($0) }))
                    })),
        ]
        if format != Self.legacyFormat { o["visits"] = .object(visits.mapValues { .integer($0) }) }
        if let assignments {
            o["assignments"] = .array(
                assignments.map { a in
                    .object([
                        "uscc": .string(a.uscc), "department": .string(a.department),
                        "inspectors": .array(a.inspectorIds.map { .string($0) }),
                    ])
                })
        }
        if let shortTeams {
            o["shortTeams"] = .array(
                shortTeams.map { t in
                    .object([
                        "uscc": .string(t.uscc), "department": .string(t.department), "needed": .integer(t.needed),
                        "matched": .integer(t.matched),
                    ])
                })
        }
        return .object(o)
    }

    /// The bundle as readable JSON text (sorted keys, indented, final newline).
    public var prettyJSON: String { jsonValue.prettyText }

    /// Encodes as `jsonValue`.
    public func encode(to encoder: any Encoder) throws { try jsonValue.encode(to: encoder) }

    private enum Keys: String, CodingKey {
        case format, commitment, commitmentHash, publicSeed, seedString, sample, visits, assignments, shortTeams
    }

    private struct Assignment: Decodable {
        var uscc: String
        var department: String
        var inspectors: [String]
    }

    /// Decodes the shape `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        format = try c.decode(String.self, forKey: .format)
        commitment = try c.decode(DrawCommitment.self, forKey: .commitment)
        commitmentHash = try c.decode(String.self, forKey: .commitmentHash)
        publicSeed = try c.decode(String.self, forKey: .publicSeed)
        seedString = try c.decode(String.self, forKey: .seedString)
        sample = try c.decode([RiskClass: [String]].self, forKey: .sample)
        visits = try c.decodeIfPresent([String: Int].self, forKey: .visits) ?? [:]
        assignments = try c.decodeIfPresent([Assignment].self, forKey: .assignments)?
            .map { InspectorAssignment(uscc: $0.uscc, department: $0.department, inspectorIds: $0.inspectors) }
        shortTeams = try c.decodeIfPresent([ShortTeam].self, forKey: .shortTeams)
    }

    /// The public bundle of this draw: what may be published (PublicDrawBundle.swift).
    public var publicBundle: PublicDrawBundle {
        let drawn = Set(sample.values.flatMap { $0 })
        let order = ConsistentSampler(seed: seedString).order(drawn).map(\.id)
        return PublicDrawBundle(
            commitment: commitment.publicValue, commitmentHash: commitmentHash, publicSeed: publicSeed, seedString: seedString,
            sample: order)
    }

    /// Redoes the draw from the bundle alone and compares every recorded result.
    public func verify() -> DrawVerification {
        var differences: [String] = []
        let expectedFormat = commitment.isLegacy ? Self.legacyFormat : Self.currentFormat
        if format != expectedFormat { differences.append("format is '\(format)', expected '\(expectedFormat)'") }
        if commitment.format != DrawCommitment.currentFormat && !commitment.isLegacy {
            differences.append("commitment format is '\(commitment.format)', expected '\(DrawCommitment.currentFormat)'")
        }
        if commitment.algorithm != ConsistentSampler.algorithmVersion {
            differences.append("algorithm is '\(commitment.algorithm)', this verifier implements '\(ConsistentSampler.algorithmVersion)'")
        }
        let hash = commitment.hash
        if hash != commitmentHash { differences.append("commitment hash is \(hash), the bundle says \(commitmentHash)") }
        let seed = Draw.seedString(publicSeed: publicSeed, groupKey: commitment.groupKey, round: commitment.round)
        if seed != seedString { differences.append("seed string is '\(seed)', the bundle says '\(seedString)'") }

        var seen: Set<String> = []
        for m in commitment.population where !seen.insert(m.uscc).inserted {
            differences.append("population lists \(m.uscc) twice")
        }
        for x in commitment.exclusions where !seen.contains(x) {
            differences.append("exclusion \(x) is not in the population")
        }
        differences += Self.ruleDifferences(commitment)
        let selection = Self.select(commitment: commitment, seedString: seed)
        for c in RiskClass.allCases {
            let expected = selection.perClass[c] ?? []
            let recorded = sample[c] ?? []
            if expected != recorded {
                differences.append("class \(c.rawValue): recomputed sample \(expected), the bundle says \(recorded)")
            }
        }
        if selection.visit != visits {
            differences.append("visits: recomputed \(Self.describe(selection.visit)), the bundle says \(Self.describe(visits))")
        }

        if let setup = commitment.inspectors {
            do {
                let match = try setup.match(objects: selection.order, departments: commitment.departments, seedString: seed)
                if match.assignments != (assignments ?? []) {
                    differences.append(contentsOf: Self.assignmentDifferences(expected: match.assignments, recorded: assignments ?? []))
                }
                if match.shortTeams != (shortTeams ?? []) {
                    differences.append(
                        "short teams: recomputed \(match.shortTeams.map(Self.describe)), the bundle says \((shortTeams ?? []).map(Self.describe))"
                    )
                }
            } catch {
                differences.append("inspector matching fails: \(error)")
            }
        } else if assignments != nil || shortTeams != nil {
            differences.append("the bundle has inspector assignments but the commitment has no inspectors")
        }
        return DrawVerification(differences: differences)
    }

    /// What is wrong with a commitment's rule: quotas or visits that its recorded task inputs and
    /// class counts do not give, a missing secret or ledger head (nothing for the first format).
    static func ruleDifferences(_ commitment: DrawCommitment) -> [String] {
        guard !commitment.isLegacy else { return [] }
        var differences: [String] = []
        if let recomputed = commitment.recomputedQuotas, recomputed != commitment.quotas {
            differences.append(
                "quotas: the rule gives \(describe(recomputed)) for the class counts \(describe(commitment.classCounts)), the commitment says \(describe(commitment.quotas))"
            )
        }
        var visits = Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, 1) })
        for r in commitment.quotaRecords { for c in RiskClass.allCases { visits[c] = max(visits[c] ?? 1, r.visits[c] ?? 1) } }
        if !commitment.quotaRecords.isEmpty && visits != commitment.visits {
            differences.append("visits per class: the rule gives \(describe(visits)), the commitment says \(describe(commitment.visits))")
        }
        if commitment.secret.map(isHex64) != true { differences.append("the commitment's secret is not 64 hex digits") }
        if commitment.ledgerHead.map(isHex64) != true { differences.append("the commitment's ledger head is not 64 hex digits") }
        return differences
    }

    static func isHex64(_ s: String) -> Bool {
        s.utf8.count == 64 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func describe(_ table: [RiskClass: Int]) -> String {
        RiskClass.allCases.map { "\($0.rawValue) \(table[$0] ?? 0)" }.joined(separator: ", ")
    }

    private static func describe(_ visits: [String: Int]) -> String {
        "[" + visits.keys.sorted().map { "\($0): \(visits[$0] ?? 0)" }.joined(separator: ", ") + "]"
    }

    private static func describe(_ t: ShortTeam) -> String { "\(t.uscc)/\(t.department) \(t.matched) of \(t.needed)" }

    private static func assignmentDifferences(expected: [InspectorAssignment], recorded: [InspectorAssignment]) -> [String] {
        var lines: [String] = []
        if expected.count != recorded.count {
            lines.append("assignments: recomputed \(expected.count), the bundle has \(recorded.count)")
        }
        for (e, r) in zip(expected, recorded) where e != r {
            lines.append(
                "assignment \(e.uscc)/\(e.department): recomputed \(e.inspectorIds), the bundle says \(r.uscc)/\(r.department) \(r.inspectorIds)"
            )
        }
        return lines
    }
}

/// The outcome of verifying a bundle.
public struct DrawVerification: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every difference between the bundle and its recomputation; empty when it verifies.
    public var differences: [String]

    /// Creates a result.
    public init(differences: [String]) { self.differences = differences }

    /// True when nothing differs.
    public var isValid: Bool { differences.isEmpty }

    /// `OK`, or one difference per line.
    public var description: String { isValid ? "OK" : differences.joined(separator: "\n") }
}
