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
        var differences: [Message] = []
        let expectedFormat = commitment.isLegacy ? Self.legacyFormat : Self.currentFormat
        if format != expectedFormat { differences.append(Message(.verifyFormat, ["format": format, "expected": expectedFormat])) }
        if commitment.format != DrawCommitment.currentFormat && !commitment.isLegacy {
            differences.append(Message(.verifyCommitmentFormat, ["format": commitment.format, "expected": DrawCommitment.currentFormat]))
        }
        if commitment.algorithm != ConsistentSampler.algorithmVersion {
            differences.append(
                Message(.verifyAlgorithm, ["algorithm": commitment.algorithm, "implemented": ConsistentSampler.algorithmVersion]))
        }
        let hash = commitment.hash
        if hash != commitmentHash { differences.append(Message(.verifyHash, ["hash": hash, "recorded": commitmentHash])) }
        let seed = Draw.seedString(publicSeed: publicSeed, groupKey: commitment.groupKey, round: commitment.round)
        if seed != seedString { differences.append(Message(.verifySeed, ["seed": seed, "recorded": seedString])) }

        var seen: Set<String> = []
        for m in commitment.population where !seen.insert(m.uscc).inserted {
            differences.append(Message(.verifyPopulationTwice, ["uscc": m.uscc]))
        }
        for x in commitment.exclusions where !seen.contains(x) {
            differences.append(Message(.verifyExclusionNotInPopulation, ["uscc": x]))
        }
        differences += Self.ruleDifferences(commitment)
        let selection = Self.select(commitment: commitment, seedString: seed)
        for c in RiskClass.allCases {
            let expected = selection.perClass[c] ?? []
            let recorded = sample[c] ?? []
            if expected != recorded {
                differences.append(
                    Message(.verifyClassSample, ["class": c.rawValue, "expected": "\(expected)", "recorded": "\(recorded)"]))
            }
        }
        if selection.visit != visits {
            differences.append(
                Message(.verifyVisits, ["expected": Self.describe(selection.visit), "recorded": Self.describe(visits)]))
        }

        if let setup = commitment.inspectors {
            do {
                let match = try setup.match(objects: selection.order, departments: commitment.departments, seedString: seed)
                if match.assignments != (assignments ?? []) {
                    differences.append(contentsOf: Self.assignmentDifferences(expected: match.assignments, recorded: assignments ?? []))
                }
                if match.shortTeams != (shortTeams ?? []) {
                    differences.append(
                        Message(
                            .verifyShortTeams,
                            ["expected": "\(match.shortTeams.map(Self.describe))", "recorded": "\((shortTeams ?? []).map(Self.describe))"]))
                }
            } catch {
                differences.append(Message(.verifyMatchingFails, ["reason": "\(error)"]))
            }
        } else if assignments != nil || shortTeams != nil {
            differences.append(Message(.verifyAssignmentsNoInspectors))
        }
        return DrawVerification(differences: differences)
    }

    /// What is wrong with a commitment's rule: quotas or visits that its recorded task inputs and
    /// class counts do not give, a missing secret or ledger head (nothing for the first format).
    static func ruleDifferences(_ commitment: DrawCommitment) -> [Message] {
        guard !commitment.isLegacy else { return [] }
        var differences: [Message] = []
        if let recomputed = commitment.recomputedQuotas, recomputed != commitment.quotas {
            differences.append(
                Message(
                    .verifyQuotas,
                    ["expected": describe(recomputed), "counts": describe(commitment.classCounts), "recorded": describe(commitment.quotas)])
            )
        }
        var visits = Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, 1) })
        for r in commitment.quotaRecords { for c in RiskClass.allCases { visits[c] = max(visits[c] ?? 1, r.visits[c] ?? 1) } }
        if !commitment.quotaRecords.isEmpty && visits != commitment.visits {
            differences.append(Message(.verifyVisitsPerClass, ["expected": describe(visits), "recorded": describe(commitment.visits)]))
        }
        if commitment.secret.map(isHex64) != true { differences.append(Message(.verifySecret)) }
        if commitment.ledgerHead.map(isHex64) != true { differences.append(Message(.verifyLedgerHead)) }
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

    private static func assignmentDifferences(expected: [InspectorAssignment], recorded: [InspectorAssignment]) -> [Message] {
        var lines: [Message] = []
        if expected.count != recorded.count {
            lines.append(Message(.verifyAssignmentCount, ["expected": "\(expected.count)", "recorded": "\(recorded.count)"]))
        }
        for (e, r) in zip(expected, recorded) where e != r {
            lines.append(
                Message(
                    .verifyAssignment,
                    [
                        "uscc": e.uscc, "department": e.department, "expected": "\(e.inspectorIds)", "recordedUscc": r.uscc,
                        "recordedDepartment": r.department, "recorded": "\(r.inspectorIds)",
                    ]))
        }
        return lines
    }
}

/// The outcome of verifying a bundle.
public struct DrawVerification: Sendable, Hashable, CustomStringConvertible {
    /// Every difference between the bundle and its recomputation; empty when it verifies.
    public var differenceTexts: [Message]

    /// Creates a result.
    public init(differences: [Message]) { self.differenceTexts = differences }

    /// ``differenceTexts`` in English.
    public var differences: [String] { differenceTexts.map(\.english) }

    /// True when nothing differs.
    public var isValid: Bool { differenceTexts.isEmpty }

    /// `OK`, or one difference per line, in English.
    public var description: String { text(in: MessageCatalogue(.en)) }

    /// `OK`, or one difference per line, in the language of `words`.
    public func text(in words: MessageCatalogue) -> String {
        isValid ? words(.verifyOK) : differenceTexts.map { words($0) }.joined(separator: "\n")
    }
}
