// The draw bundle: one self-contained JSON file from which anyone can redo a draw.
//
// Shape (format `suiji-draw-bundle/1`; keys sorted, see `CanonicalJSON`):
//   {"format": "suiji-draw-bundle/1",
//    "commitment": {…the committed inputs, DrawCommitment.swift…},
//    "commitmentHash": "<sha256 hex of the commitment's canonical JSON>",
//    "publicSeed": "<the seed as announced>",
//    "seedString": "<publicSeed>|<group>|<round>",
//    "sample": {"A": [USCC…], "B": […], "C": […], "D": […]}   (each in ticket order),
//    "assignments": [{"uscc", "department", "inspectors": [id…]}…]   (only with inspectors),
//    "shortTeams": [{"uscc", "department", "needed", "matched"}…]    (only with inspectors)}
//
// `verify()` recomputes, from the bundle alone: the commitment hash, the seed string, the
// sample (Draw.select) and the inspector matching, and lists every difference. The Python script
// scripts/verify_draw.py does the same with the standard library only.

/// A self-contained record of one draw: committed inputs, seed and results.
public struct DrawBundle: Sendable, Hashable, Codable {
    /// The format identifier written in every bundle.
    public static let currentFormat = "suiji-draw-bundle/1"

    /// `suiji-draw-bundle/1`.
    public var format: String
    /// The committed inputs.
    public var commitment: DrawCommitment
    /// The published hash of the commitment.
    public var commitmentHash: String
    /// The public seed as announced.
    public var publicSeed: String
    /// `<publicSeed>|<group>|<round>`.
    public var seedString: String
    /// Drawn USCCs per class, each in ticket order.
    public var sample: [RiskClass: [String]]
    /// Inspector teams, when the commitment has inspectors.
    public var assignments: [InspectorAssignment]?
    /// Short teams, when the commitment has inspectors.
    public var shortTeams: [ShortTeam]?

    /// Creates a bundle from its parts.
    public init(
        format: String = DrawBundle.currentFormat, commitment: DrawCommitment, commitmentHash: String, publicSeed: String,
        seedString: String, sample: [RiskClass: [String]], assignments: [InspectorAssignment]? = nil, shortTeams: [ShortTeam]? = nil
    ) {
        self.format = format
        self.commitment = commitment
        self.commitmentHash = commitmentHash
        self.publicSeed = publicSeed
        self.seedString = seedString
        self.sample = sample
        self.assignments = assignments
        self.shortTeams = shortTeams
    }

    /// Draws (and matches inspectors, if the commitment has them) and records everything.
    /// - Throws: `InspectorShortfallError` when a team cannot be filled and partial teams are not allowed.
    public init(commitment: DrawCommitment, publicSeed: String) throws {
        self = try Self.draw(commitment: commitment, publicSeed: publicSeed).bundle
    }

    /// Draws as ``init(commitment:publicSeed:)`` does, and also returns the selection (with the
    /// objects' sampling order) so that a caller recording the draw need not select again.
    /// - Throws: `InspectorShortfallError` when a team cannot be filled and partial teams are not allowed.
    public static func draw(commitment: DrawCommitment, publicSeed: String) throws -> (bundle: DrawBundle, selection: DrawSelection) {
        let seed = Draw.seedString(publicSeed: publicSeed, groupKey: commitment.groupKey, round: commitment.round)
        let selection = Draw.select(
            population: commitment.population, exclusions: Set(commitment.exclusions),
            quotas: commitment.quotas, seedString: seed)
        var assignments: [InspectorAssignment]?
        var shortTeams: [ShortTeam]?
        if let setup = commitment.inspectors {
            let match = try setup.match(objects: selection.order, departments: commitment.departments, seedString: seed)
            assignments = match.assignments
            shortTeams = match.shortTeams
        }
        let bundle = DrawBundle(
            commitment: commitment, commitmentHash: commitment.hash, publicSeed: publicSeed, seedString: seed,
            sample: selection.perClass, assignments: assignments, shortTeams: shortTeams)
        return (bundle, selection)
    }

    /// The bundle as a JSON value (keys documented at the top of DrawBundle.swift).
    public var jsonValue: CanonicalJSON {
        var o: [String: CanonicalJSON] = [
            "format": .string(format),
            "commitment": commitment.canonicalValue,
            "commitmentHash": .string(commitmentHash),
            "publicSeed": .string(publicSeed),
            "seedString": .string(seedString),
            "sample": .object(
                Dictionary(
                    uniqueKeysWithValues: RiskClass.allCases.map { c in
                        (c.rawValue, CanonicalJSON.array((sample[c] ?? []).map { .string($0) }))
                    })),
        ]
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
        case format, commitment, commitmentHash, publicSeed, seedString, sample, assignments, shortTeams
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
        assignments = try c.decodeIfPresent([Assignment].self, forKey: .assignments)?
            .map { InspectorAssignment(uscc: $0.uscc, department: $0.department, inspectorIds: $0.inspectors) }
        shortTeams = try c.decodeIfPresent([ShortTeam].self, forKey: .shortTeams)
    }

    /// Redoes the draw from the bundle alone and compares every recorded result.
    public func verify() -> DrawVerification {
        var differences: [String] = []
        if format != Self.currentFormat { differences.append("format is '\(format)', expected '\(Self.currentFormat)'") }
        if commitment.format != DrawCommitment.currentFormat {
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
        let selection = Draw.select(
            population: commitment.population, exclusions: Set(commitment.exclusions),
            quotas: commitment.quotas, seedString: seed)
        for c in RiskClass.allCases {
            let expected = selection.perClass[c] ?? []
            let recorded = sample[c] ?? []
            if expected != recorded {
                differences.append("class \(c.rawValue): recomputed sample \(expected), the bundle says \(recorded)")
            }
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

/// The outcome of `DrawBundle.verify()`.
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
