// The commitment: everything a draw depends on except the seed. Its SHA-256 is published BEFORE the
// public seed is drawn, so that nobody can change the population, the classes, the quotas or the
// exclusions after seeing the seed. Canonical JSON: Basics/CanonicalJSON.swift.
//
// A commitment has two forms (format `suiji-draw-commitment/2`):
//
// - The PRIVATE form (stored in `draw_commitments.canonical_json`; the `commitment` of an auditor
//   bundle): algorithm, year, region, group, round and its dates, tasks, departments, scopes, the
//   population in code point order with each member's class at draw time (`null` = unclassified,
//   drawn as B) and its watchlist reasons (`watch`, only when it has any), exclusions, `quotas`
//   per class, `classCounts` (members per class they are drawn in), `quotaRule` (the rule's name and
//   each task's integer inputs: TaskQuotaRecord), `visits` per class, `watchlist` (the rule) and
//   `watchlisted` (members on it), `ledgerHead` (the draw ledger's last entry hash when prepared, 64
//   zeros for an empty ledger), `salting` (the scheme below), `secret` (64 hex digits), and, for
//   inspector matching, `inspectorPools`, `avoidance` and `matching` (InspectorSetup.swift).
// - The PUBLIC form (what is hashed and published; the `commitment` of a public bundle): the same,
//   except that each member is `{"uscc", "commitment"}` (no class, no watchlist reason), there is no
//   `secret`, and the inspector part is replaced by `inspectors`: a salted hash of it (or null).
//
// Salting (`suiji-salt/1`), all hashes SHA-256 as lowercase hex of UTF-8 text:
//     salt(uscc)          = sha256_hex(secret + "|" + uscc)
//     member commitment   = sha256_hex(salt(uscc) + "|" + canonical({"uscc", "class", "watch"}))
//     inspectors          = sha256_hex(sha256_hex(secret + "|inspectors") + "|" + canonical(inspector part))
// The secret is derived, per commitment, from a key the county keeps (the store's, or `[draw]
// salt_key`) and the private content: sha256_hex(key + "|" + sha256_hex(canonical(private form
// without `secret` and `ledgerHead`))). So the same inputs give the same commitment (the nightly run
// and `draw run` recompute it), and nobody without the secret can test a guess of a member's class:
// each salt is 256 bits the public cannot compute. The secret goes to the supervising authority in
// the auditor bundle; the key never leaves the store.
//
// The commitment hash is sha256_hex of the public form's canonical JSON. A stored commitment of the
// first format (`suiji-draw-commitment/1`: classes and inspector parts in clear, no rule, no head)
// still reads and verifies: its hash is that of its own canonical JSON.

/// Everything a draw depends on except the seed (forms and salting at the top of Commitment.swift).
public struct DrawCommitment: Sendable, Hashable, Codable {
    /// The format identifier written in every new commitment.
    public static let currentFormat = "suiji-draw-commitment/2"
    /// The first format: classes and inspectors in clear, hashed as they are.
    public static let legacyFormat = "suiji-draw-commitment/1"
    /// The salting scheme written in every new commitment.
    public static let saltingScheme = "suiji-salt/1"
    /// The ledger head of an empty ledger.
    public static let emptyLedgerHead = String(repeating: "0", count: 64)

    /// `suiji-draw-commitment/2` (or `/1` for a commitment read from an older store).
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
    /// The population, in code point order of USCC, with classes and watchlist reasons at draw time.
    public var population: [PopulationMember]
    /// USCCs of earlier rounds, in code point order.
    public var exclusions: [String]
    /// Objects to draw per class.
    public var quotas: [RiskClass: Int]
    /// Each task's quota inputs, in task order (empty in the first format).
    public var quotaRecords: [TaskQuotaRecord]
    /// Visits per round of each class (all 1 in the first format).
    public var visits: [RiskClass: Int]
    /// What the watchlist changes (`off` in the first format).
    public var watchlist: WatchlistRule
    /// The draw ledger's head when the commitment was prepared (nil in the first format).
    public var ledgerHead: String?
    /// The salting secret, 64 hex digits (nil in the first format).
    public var secret: String?
    /// Inspector pools, avoidance and matching parameters, if inspectors are matched.
    public var inspectors: InspectorSetup?

    /// A commitment of the current format from its parts (lists are put in canonical order; a
    /// missing class quota is 0, a missing class visit 1).
    public init(
        algorithm: String = ConsistentSampler.algorithmVersion,
        year: Int, region: String, groupKey: String, round: Int, roundStart: PlanDate, roundEnd: PlanDate,
        tasks: [Int], departments: [String], scopes: [String], population: [PopulationMember],
        exclusions: [String], quotas: [RiskClass: Int], quotaRecords: [TaskQuotaRecord], visits: [RiskClass: Int],
        watchlist: WatchlistRule, ledgerHead: String, secret: String, inspectors: InspectorSetup? = nil
    ) {
        self.init(
            algorithm: algorithm, year: year, region: region, groupKey: groupKey, round: round, roundStart: roundStart, roundEnd: roundEnd,
            tasks: tasks, departments: departments, scopes: scopes, population: population, populationInOrder: false,
            exclusions: exclusions, quotas: quotas, quotaRecords: quotaRecords, visits: visits, watchlist: watchlist,
            ledgerHead: ledgerHead, secret: secret, inspectors: inspectors)
    }

    /// The public initializer, told whether `population` is known to be in strictly increasing
    /// byte order (a population of ASCII USCCs made by `DrawInputs.population`), so that it is
    /// neither checked nor sorted again.
    init(
        algorithm: String = ConsistentSampler.algorithmVersion,
        year: Int, region: String, groupKey: String, round: Int, roundStart: PlanDate, roundEnd: PlanDate,
        tasks: [Int], departments: [String], scopes: [String], population: [PopulationMember], populationInOrder: Bool,
        exclusions: [String], quotas: [RiskClass: Int], quotaRecords: [TaskQuotaRecord], visits: [RiskClass: Int],
        watchlist: WatchlistRule, ledgerHead: String, secret: String, inspectors: InspectorSetup? = nil
    ) {
        self.format = Self.currentFormat
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
        // A population comes sorted (Population.swift): checked with plain byte comparisons, and
        // then kept as it is instead of copied by a sort.
        self.population =
            populationInOrder || population.indices.dropFirst().allSatisfy({ !utf8Precedes(population[$0].uscc, population[$0 - 1].uscc) })
            ? population : population.sorted { $0.uscc.utf8.lexicographicallyPrecedes($1.uscc.utf8) }
        self.exclusions = exclusions.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.quotas = Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, quotas[$0] ?? 0) })
        self.quotaRecords = quotaRecords.sorted { $0.task < $1.task }
        self.visits = Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, max(1, visits[$0] ?? 1)) })
        self.watchlist = watchlist
        self.ledgerHead = ledgerHead
        self.secret = secret
        self.inspectors = inspectors
    }

    /// True for a commitment of the first format.
    public var isLegacy: Bool { format == Self.legacyFormat }

    /// Members per class they are drawn in (every class present).
    public var classCounts: [RiskClass: Int] { memberCounts.perClass }

    /// Members per class they are drawn in and members on the watchlist, in one pass.
    var memberCounts: (perClass: [RiskClass: Int], watchlisted: Int) { PopulationMember.counts(of: population) }

    /// USCCs drawn whatever their ticket (watchlisted under `always-include`).
    public var alwaysIncluded: Set<String> {
        guard watchlist == .alwaysInclude else { return [] }
        return Set(population.filter { $0.isAlwaysIncluded(under: watchlist) }.map(\.uscc))
    }

    // MARK: Salting

    /// `sha256_hex(secret + "|" + uscc)`.
    public static func salt(secret: String, uscc: String) -> String { SHA256.hex(secret + "|" + uscc) }

    /// The record a member commitment hides: `{"uscc", "class", "watch"}`.
    public static func memberRecord(_ m: PopulationMember) -> CanonicalJSON {
        .object([
            "uscc": .string(m.uscc), "class": m.riskClass.map { .string($0.rawValue) } ?? .null,
            "watch": .array(m.watch.map { .string($0) }),
        ])
    }

    /// `sha256_hex(salt + "|" + canonical(record))`.
    public static func memberCommitment(_ m: PopulationMember, secret: String) -> String {
        SHA256.hex(salt(secret: secret, uscc: m.uscc) + "|" + memberRecord(m).canonicalText)
    }

    /// `sha256_hex(sha256_hex(secret + "|inspectors") + "|" + canonical(inspector part))`.
    public static func inspectorsCommitment(_ setup: InspectorSetup, secret: String) -> String {
        SHA256.hex(SHA256.hex(secret + "|inspectors") + "|" + setup.canonicalValue.canonicalText)
    }

    /// The secret for a key: `sha256_hex(key + "|" + sha256_hex(canonical(private form without
    /// secret and ledger head)))`.
    public func derivedSecret(key: String) -> String {
        var bare = self
        bare.secret = nil
        bare.ledgerHead = nil
        return SHA256.hex(key + "|" + SHA256.hexString(bare.privateCanonicalDigest()))
    }

    /// The same commitment with another ledger head (the secret does not depend on it).
    public func withLedgerHead(_ head: String) -> DrawCommitment {
        var copy = self
        copy.ledgerHead = head
        return copy
    }

    // MARK: Forms

    private var header: [String: CanonicalJSON] {
        [
            "format": .string(format), "algorithm": .string(algorithm), "year": .integer(year), "region": .string(region),
            "group": .string(groupKey), "round": .integer(round), "roundStart": .string(roundStart.description),
            "roundEnd": .string(roundEnd.description), "tasks": .array(tasks.map { .integer($0) }),
            "departments": .array(departments.map { .string($0) }), "scopes": .array(scopes.map { .string($0) }),
            "exclusions": .array(exclusions.map { .string($0) }), "quotas": .classTable(quotas),
        ]
    }

    private var ruleParts: [String: CanonicalJSON] {
        let counts = memberCounts
        var o: [String: CanonicalJSON] = [
            "classCounts": .classTable(counts.perClass),
            "quotaRule": .object(["rule": .string(RiskQuotaPolicy.rule), "tasks": .array(quotaRecords.map(\.canonicalValue))]),
            "visits": .classTable(visits), "watchlist": .string(watchlist.rawValue),
            "watchlisted": .integer(counts.watchlisted), "salting": .string(Self.saltingScheme),
        ]
        if let ledgerHead { o["ledgerHead"] = .string(ledgerHead) }
        return o
    }

    /// The private form: what the store keeps and the auditor receives (top of Commitment.swift).
    public var privateValue: CanonicalJSON {
        var o = header
        o["population"] = .array(
            population.map { m in
                var member: [String: CanonicalJSON] = ["uscc": .string(m.uscc), "class": m.riskClass.map { .string($0.rawValue) } ?? .null]
                if !isLegacy && !m.watch.isEmpty { member["watch"] = .array(m.watch.map { .string($0) }) }
                return .object(member)
            })
        if !isLegacy {
            o.merge(ruleParts) { _, new in new }
            if let secret { o["secret"] = .string(secret) }
        }
        if let inspectors {
            let parts = inspectors.canonicalValue
            if case .object(let members) = parts { o.merge(members) { _, new in new } }
        }
        return .object(o)
    }

    /// The public form: what is hashed and published (top of Commitment.swift). The first format
    /// has no public form: it is its private form.
    public var publicValue: CanonicalJSON {
        guard !isLegacy, let secret else { return privateValue }
        var o = header
        o.merge(ruleParts) { _, new in new }
        o["population"] = .array(
            population.map { .object(["uscc": .string($0.uscc), "commitment": .string(Self.memberCommitment($0, secret: secret))]) })
        o["inspectors"] = inspectors.map { .string(Self.inspectorsCommitment($0, secret: secret)) } ?? .null
        return .object(o)
    }

    /// The SHA-256 of the public form's canonical bytes, 64 lowercase hex characters: the published commitment.
    ///
    /// The same bytes as `publicValue.canonicalBytes`, written straight into the hash (the
    /// population, the bulk of them, is never built as a JSON tree; see `CanonicalStream`).
    public var hash: String {
        guard !isLegacy, let secret else { return SHA256.hexString(privateCanonicalDigest()) }
        var o = header
        o.merge(ruleParts) { _, new in new }
        o["inspectors"] = inspectors.map { .string(Self.inspectorsCommitment($0, secret: secret)) } ?? .null
        var stream = CanonicalStream(hashing: true)
        // sha256(secret + "|" + uscc): the secret's hash state is kept and reused for every member.
        var saltState = SHA256Hasher()
        saltState.update(secret)
        saltState.update("|")
        var record: [UInt8] = []
        stream.writeObject(o, splicing: "population") { stream in
            stream.bytes.append(UInt8(ascii: "["))
            population.withUnsafeBufferPointer { members in
                for i in members.indices {
                    if i > 0 { stream.bytes.append(UInt8(ascii: ",")) }
                    stream.bytes.append(contentsOf: #"{"commitment":""#.utf8)
                    Self.appendMemberCommitment(members[i], saltState: saltState, record: &record, to: &stream.bytes)
                    stream.bytes.append(contentsOf: #"","uscc":"#.utf8)
                    Self.appendString(members[i].uscc, to: &stream.bytes)
                    stream.bytes.append(UInt8(ascii: "}"))
                    stream.flushIfFull()
                }
            }
            stream.bytes.append(UInt8(ascii: "]"))
        }
        return SHA256.hexString(stream.finish())
    }

    /// Appends `memberCommitment(m, secret:)` (64 hex digits) to `out`; `saltState` has absorbed
    /// `secret + "|"`, `record` is scratch space.
    static func appendMemberCommitment(_ m: PopulationMember, saltState: SHA256Hasher, record: inout [UInt8], to out: inout [UInt8]) {
        let saltWords = saltState.finalWords(appending: m.uscc)
        // canonical({"class", "uscc", "watch"}), keys in code point order.
        record.removeAll(keepingCapacity: true)
        appendHex(saltWords, to: &record)
        record.append(contentsOf: #"|{"class":"#.utf8)
        if let c = m.riskClass {
            CanonicalJSON.writeString(c.rawValue, to: &record)
        } else {
            record.append(contentsOf: "null".utf8)
        }
        record.append(contentsOf: #","uscc":"#.utf8)
        appendString(m.uscc, to: &record)
        record.append(contentsOf: #","watch":["#.utf8)
        for (k, reason) in m.watch.enumerated() {
            if k > 0 { record.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(reason, to: &record)
        }
        record.append(contentsOf: "]}".utf8)
        var hasher = SHA256Hasher()
        record.withUnsafeBytes { hasher.update($0) }
        appendHex(hasher.finalizeWords(), to: &out)
    }

    /// Appends the 64 lowercase hex digits of a digest given as four big-endian words.
    static func appendHex(_ words: (UInt64, UInt64, UInt64, UInt64), to out: inout [UInt8]) {
        // Written into 64 bytes on the stack, then appended at once (not 64 appends).
        var text = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &text) { t in
            func put(_ w: UInt64, at start: Int) {
                for j in 0..<16 {
                    let d = UInt8(truncatingIfNeeded: (w >> UInt64(60 - 4 * j)) & 0xF)
                    t[start + j] = d < 10 ? d &+ 0x30 : d &+ 0x57
                }
            }
            put(words.0, at: 0)
            put(words.1, at: 16)
            put(words.2, at: 32)
            put(words.3, at: 48)
        }
        withUnsafeBytes(of: &text) { out.append(contentsOf: $0) }
    }

    /// `CanonicalJSON.writeString`, the bytes of a text that needs no escape (a USCC) appended at once.
    @inline(__always)
    static func appendString(_ text: String, to out: inout [UInt8]) {
        let plain = text.utf8.withContiguousStorageIfAvailable { b in
            guard b.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) else { return false }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: b)
            out.append(UInt8(ascii: "\""))
            return true
        }
        if plain != true { CanonicalJSON.writeString(text, to: &out) }
    }

    /// The private form's compact canonical text: `privateValue.canonicalText`, written without
    /// building the population as a JSON tree.
    public var privateCanonicalText: String {
        var stream = CanonicalStream(hashing: false)
        writePrivate(to: &stream)
        return String(decoding: stream.bytes, as: UTF8.self)
    }

    /// The SHA-256 of the private form's canonical bytes.
    func privateCanonicalDigest() -> [UInt8] {
        var stream = CanonicalStream(hashing: true)
        writePrivate(to: &stream)
        return stream.finish()
    }

    /// Writes the private form (the same bytes as `privateValue.canonicalBytes`).
    private func writePrivate(to stream: inout CanonicalStream) {
        var o = header
        if !isLegacy {
            o.merge(ruleParts) { _, new in new }
            if let secret { o["secret"] = .string(secret) }
        }
        if let inspectors {
            let parts = inspectors.canonicalValue
            if case .object(let members) = parts { o.merge(members) { _, new in new } }
        }
        let legacy = isLegacy
        stream.writeObject(o, splicing: "population") { stream in
            stream.bytes.append(UInt8(ascii: "["))
            population.withUnsafeBufferPointer { members in
                for i in members.indices {
                    if i > 0 { stream.bytes.append(UInt8(ascii: ",")) }
                    stream.bytes.append(contentsOf: #"{"class":"#.utf8)
                    if let c = members[i].riskClass {
                        Self.appendString(c.rawValue, to: &stream.bytes)
                    } else {
                        stream.bytes.append(contentsOf: "null".utf8)
                    }
                    stream.bytes.append(contentsOf: #","uscc":"#.utf8)
                    Self.appendString(members[i].uscc, to: &stream.bytes)
                    if !legacy && !members[i].watch.isEmpty {
                        stream.bytes.append(contentsOf: #","watch":["#.utf8)
                        for (k, reason) in members[i].watch.enumerated() {
                            if k > 0 { stream.bytes.append(UInt8(ascii: ",")) }
                            CanonicalJSON.writeString(reason, to: &stream.bytes)
                        }
                        stream.bytes.append(UInt8(ascii: "]"))
                    }
                    stream.bytes.append(UInt8(ascii: "}"))
                    stream.flushIfFull()
                }
            }
            stream.bytes.append(UInt8(ascii: "]"))
        }
    }

    /// Encodes as the private form.
    public func encode(to encoder: any Encoder) throws { try privateValue.encode(to: encoder) }

    // MARK: Decoding

    private enum Keys: String, CodingKey {
        case format, algorithm, year, region, group, round, roundStart, roundEnd, tasks, departments, scopes
        case population, exclusions, quotas, inspectorPools, avoidance, matching
        case quotaRule, visits, watchlist, ledgerHead, secret
    }

    private struct Member: Decodable {
        var uscc: String
        var riskClass: RiskClass?
        var watch: [String]?
        enum CodingKeys: String, CodingKey { case uscc, riskClass = "class", watch }
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

    private struct Rule: Decodable {
        var rule: String
        var tasks: [Record]
    }

    private struct Record: Decodable {
        var task: Int
        var ratioPPM: Int?
        var count: Int?
        var mode: TaskQuotaRecord.Mode
        var tablePPM: [RiskClass: Int]
        var visits: [RiskClass: Int]
    }

    /// Decodes the private form (either format). Lists are kept in the order found (so a reordered
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
        exclusions = try c.decode([String].self, forKey: .exclusions)
        quotas = try c.decode([RiskClass: Int].self, forKey: .quotas)
        let legacy = format == Self.legacyFormat
        watchlist = legacy ? .off : try c.decode(WatchlistRule.self, forKey: .watchlist)
        let rule = watchlist
        population = try c.decode([Member].self, forKey: .population).map {
            PopulationMember(uscc: $0.uscc, riskClass: $0.riskClass, watch: $0.watch ?? [], rule: rule)
        }
        if legacy {
            quotaRecords = []
            visits = Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, 1) })
            ledgerHead = nil
            secret = nil
        } else {
            let rule = try c.decode(Rule.self, forKey: .quotaRule)
            quotaRecords = rule.tasks.map {
                TaskQuotaRecord(
                    task: $0.task, ratioPPM: $0.ratioPPM, count: $0.count, mode: $0.mode, tablePPM: $0.tablePPM, visits: $0.visits)
            }
            visits = try c.decode([RiskClass: Int].self, forKey: .visits)
            ledgerHead = try c.decode(String.self, forKey: .ledgerHead)
            secret = try c.decode(String.self, forKey: .secret)
        }
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

    /// The quotas the recorded rule gives for the recorded class counts: per class the largest of
    /// the tasks' quotas (nil in the first format, which records no rule).
    public var recomputedQuotas: [RiskClass: Int]? {
        guard !isLegacy else { return nil }
        let counts = classCounts
        var out = Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0, 0) })
        for record in quotaRecords {
            let result = record.quotas(population: counts)
            for c in RiskClass.allCases { out[c] = max(out[c] ?? 0, result.perClass[c] ?? 0) }
        }
        return out
    }
}

/// Compact canonical JSON bytes written piece by piece, either kept or fed to SHA-256 as they
/// come (so that a commitment of a million members is hashed without holding its text).
struct CanonicalStream {
    /// Bytes not yet hashed (all of them when not hashing).
    var bytes: [UInt8] = []
    /// The hash, when hashing.
    private var hasher: SHA256Hasher?

    /// A stream that hashes (`finish()` gives the digest) or keeps its bytes.
    init(hashing: Bool) {
        hasher = hashing ? SHA256Hasher() : nil
        bytes.reserveCapacity(hashing ? 1 << 16 + 1024 : 1024)
    }

    /// Hashes the pending bytes once there are 64 KiB of them (when hashing).
    mutating func flushIfFull() {
        guard bytes.count >= 1 << 16, hasher != nil else { return }
        bytes.withUnsafeBytes { hasher?.update($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    /// The digest of everything written (when hashing; else the digest of the kept bytes).
    mutating func finish() -> [UInt8] {
        var h = hasher ?? SHA256Hasher()
        bytes.withUnsafeBytes { h.update($0) }
        bytes.removeAll()
        return h.finalize()
    }

    /// Writes `fields` as a canonical object, with the member `key` (not in `fields`) written by
    /// `body` in its place in code point order.
    mutating func writeObject(_ fields: [String: CanonicalJSON], splicing key: String, _ body: (inout CanonicalStream) -> Void) {
        var keys = Array(fields.keys)
        keys.append(key)
        keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        bytes.append(UInt8(ascii: "{"))
        for (index, k) in keys.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CanonicalJSON.writeString(k, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
            if k == key && fields[k] == nil {
                body(&self)
            } else {
                fields[k]?.write(to: &bytes, pretty: false, level: 0)
            }
            flushIfFull()
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
