// The PUBLIC draw bundle (`suiji draw export --public`): what may be published beside the draw. It
// holds no risk class, no watchlist reason, no avoidance pair and no inspector (pool, id or team):
// the commitment inside is the commitment's public form (Commitment.swift), where each member is a
// salted hash of its class and reasons and the inspector part a salted hash.
//
// Shape (format `suiji-draw-public-bundle/1`; keys sorted):
//   {"format": "suiji-draw-public-bundle/1",
//    "commitment": {…the commitment's PUBLIC form…},
//    "commitmentHash": "<sha256 hex of the commitment's canonical JSON>",
//    "publicSeed": "<the seed as announced>",
//    "seedString": "<publicSeed>|<group>|<round>",
//    "sample": [USCC…]   (every drawn object, in ticket order, without its class)}
//
// What anyone can check with it (`verify()`, `scripts/verify_draw.py`):
//   1. the commitment hashes to the published commitment (published before the seed; its ledger
//      head ties it to the draw ledger as it stood);
//   2. the seed string is the public seed, the group and the round;
//   3. the quotas per class are what the recorded rule gives for the recorded class counts and
//      each task's recorded inputs (ratio, count, multipliers or fixed ratios, visits), and the
//      counts add up to the population;
//   4. every drawn object is in the committed population, once, and the sample is in ticket order
//      under the seed string;
//   5. the sample's size is what the quotas give: Σ min(quota, class count) (up to the number of
//      watchlisted members more under the `always-include` rule).
// What only the auditor can check (with the auditor bundle, DrawBundle.swift, which carries the
// secret): each member's class and watchlist reasons (opening its commitment), that the class counts
// are theirs, that the sample is exactly the lowest tickets of each class (which needs the classes),
// that exclusions were drawn again only when their class ran out of fresh entities, the visits, the
// inspector pools, the avoidance pairs and every team.
// The aggregates are public: per-class counts and quotas. In a group whose members are all of one
// class they tell that class; `draw export --public` warns about such groups.

/// What may be published about one draw, and what anyone can check with it.
public struct PublicDrawBundle: Sendable, Hashable, Codable {
    /// The format identifier.
    public static let currentFormat = "suiji-draw-public-bundle/1"

    /// `suiji-draw-public-bundle/1`.
    public var format: String
    /// The commitment's public form.
    public var commitment: CanonicalJSON
    /// The published commitment hash.
    public var commitmentHash: String
    /// The public seed.
    public var publicSeed: String
    /// `<publicSeed>|<group>|<round>`.
    public var seedString: String
    /// The drawn objects, in ticket order.
    public var sample: [String]

    /// Creates a bundle.
    public init(
        format: String = PublicDrawBundle.currentFormat, commitment: CanonicalJSON, commitmentHash: String, publicSeed: String,
        seedString: String, sample: [String]
    ) {
        self.format = format
        self.commitment = commitment
        self.commitmentHash = commitmentHash
        self.publicSeed = publicSeed
        self.seedString = seedString
        self.sample = sample
    }

    /// The bundle as a JSON value.
    public var jsonValue: CanonicalJSON {
        .object([
            "format": .string(format), "commitment": commitment, "commitmentHash": .string(commitmentHash),
            "publicSeed": .string(publicSeed), "seedString": .string(seedString), "sample": .array(sample.map { .string($0) }),
        ])
    }

    /// Readable JSON text (sorted keys, indented, final newline).
    public var prettyJSON: String { jsonValue.prettyText }

    /// Encodes as `jsonValue`.
    public func encode(to encoder: any Encoder) throws { try jsonValue.encode(to: encoder) }

    private enum Keys: String, CodingKey { case format, commitment, commitmentHash, publicSeed, seedString, sample }

    /// Decodes the shape `encode(to:)` writes.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        format = try c.decode(String.self, forKey: .format)
        commitment = try c.decode(CanonicalJSON.self, forKey: .commitment)
        commitmentHash = try c.decode(String.self, forKey: .commitmentHash)
        publicSeed = try c.decode(String.self, forKey: .publicSeed)
        seedString = try c.decode(String.self, forKey: .seedString)
        sample = try c.decode([String].self, forKey: .sample)
    }

    /// True when the class counts alone tell every member's class (one class holds them all).
    public var countsRevealClasses: Bool {
        guard let counts = commitment["classCounts"]?.classTable else { return false }
        return counts.values.filter { $0 > 0 }.count == 1
    }

    /// The public checks (top of PublicDrawBundle.swift); every difference found.
    public func verify() -> DrawVerification {
        var differences: [Message] = []
        if format != Self.currentFormat { differences.append(Message(.verifyFormat, ["format": format, "expected": Self.currentFormat])) }
        let hash = SHA256.hexString(SHA256.digest(commitment.canonicalBytes))
        if hash != commitmentHash { differences.append(Message(.verifyHash, ["hash": hash, "recorded": commitmentHash])) }
        guard let parsed = Parsed(commitment) else {
            return DrawVerification(
                differences: differences + [Message(.verifyNotPublic, ["format": DrawCommitment.currentFormat])])
        }
        if parsed.algorithm != ConsistentSampler.algorithmVersion {
            differences.append(
                Message(.verifyAlgorithm, ["algorithm": parsed.algorithm, "implemented": ConsistentSampler.algorithmVersion]))
        }
        let seed = Draw.seedString(publicSeed: publicSeed, groupKey: parsed.group, round: parsed.round)
        if seed != seedString { differences.append(Message(.verifySeed, ["seed": seed, "recorded": seedString])) }

        // 3. Quotas from the rule.
        if parsed.counts.values.reduce(0, +) != parsed.population.count {
            differences.append(
                Message(.verifyCountsSum, ["sum": "\(parsed.counts.values.reduce(0, +))", "count": "\(parsed.population.count)"]))
        }
        var quotas = Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, 0) })
        for record in parsed.records {
            let result = record.quotas(population: parsed.counts)
            for c in RiskClass.allCases { quotas[c] = max(quotas[c] ?? 0, result.perClass[c] ?? 0) }
        }
        if quotas != parsed.quotas {
            differences.append(
                Message(
                    .verifyQuotas,
                    [
                        "expected": DrawBundle.describe(quotas), "counts": DrawBundle.describe(parsed.counts),
                        "recorded": DrawBundle.describe(parsed.quotas),
                    ]))
        }

        // 4. Membership and ticket order.
        let members = Set(parsed.population)
        var seen: Set<String> = []
        for u in sample {
            if !members.contains(u) { differences.append(Message(.verifyDrawnNotInPopulation, ["uscc": u])) }
            if !seen.insert(u).inserted { differences.append(Message(.verifyDrawnTwice, ["uscc": u])) }
        }
        let order = ConsistentSampler(seed: seed).order(sample).map(\.id)
        if order != sample { differences.append(Message(.verifyTicketOrder, ["seed": seed])) }

        // 5. Size.
        let expected = RiskClass.allCases.reduce(0) { $0 + min(parsed.quotas[$1] ?? 0, parsed.counts[$1] ?? 0) }
        let slack = parsed.watchlist == WatchlistRule.alwaysInclude.rawValue ? parsed.watchlisted : 0
        if sample.count < expected || sample.count > expected + slack {
            differences.append(
                Message(
                    .verifySize, ["count": "\(sample.count)", "expected": slack == 0 ? "\(expected)" : "\(expected)…\(expected + slack)"]))
        }

        return DrawVerification(differences: differences)
    }

    /// The fields of a public commitment the checks need.
    private struct Parsed {
        var algorithm: String
        var group: String
        var round: Int
        var population: [String]
        var exclusions: [String]
        var quotas: [RiskClass: Int]
        var counts: [RiskClass: Int]
        var records: [TaskQuotaRecord]
        var watchlist: String
        var watchlisted: Int

        init?(_ c: CanonicalJSON) {
            guard c["format"]?.string == DrawCommitment.currentFormat, let algorithm = c["algorithm"]?.string,
                let group = c["group"]?.string, let round = c["round"]?.integer, let population = c["population"]?.array,
                let exclusions = c["exclusions"]?.array, let quotas = c["quotas"]?.classTable,
                let counts = c["classCounts"]?.classTable, let tasks = c["quotaRule"]?["tasks"]?.array,
                let watchlist = c["watchlist"]?.string, let watchlisted = c["watchlisted"]?.integer
            else { return nil }
            self.algorithm = algorithm
            self.group = group
            self.round = round
            self.population = population.compactMap { $0["uscc"]?.string }
            self.exclusions = exclusions.compactMap(\.string)
            self.quotas = quotas
            self.counts = counts
            var records: [TaskQuotaRecord] = []
            for t in tasks {
                guard let task = t["task"]?.integer, let mode = t["mode"]?.string.flatMap(TaskQuotaRecord.Mode.init(rawValue:)),
                    let table = t["tablePPM"]?.classTable, let visits = t["visits"]?.classTable
                else { return nil }
                records.append(
                    TaskQuotaRecord(
                        task: task, ratioPPM: t["ratioPPM"]?.integer, count: t["count"]?.integer, mode: mode, tablePPM: table,
                        visits: visits))
            }
            self.records = records
            self.watchlist = watchlist
            self.watchlisted = watchlisted
        }
    }
}

extension CanonicalJSON {
    /// `{"A": n, …}` as a class table (every class present), or nil.
    var classTable: [RiskClass: Int]? {
        guard case .object(let o) = self else { return nil }
        var out: [RiskClass: Int] = [:]
        for c in RiskClass.allCases {
            guard let n = o[c.rawValue]?.integer else { return nil }
            out[c] = n
        }
        return out
    }
}
