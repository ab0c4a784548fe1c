import Foundation
import Testing

@testable import Pipeline

/// Canonical JSON and the commitment hash. Expected texts and hashes were produced with Python 3.11:
/// `json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))` and hashlib.sha256.
@Suite struct DrawCommitmentTests {
    static let secret = String(repeating: "ab", count: 32)

    static func small(inspectors: InspectorSetup? = nil) throws -> DrawCommitment {
        let (record, _) = RiskQuotaPolicy.default.record(task: 2, planRatio: 0.05, fixedCount: nil)
        return DrawCommitment(
            year: 2024, region: "140981", groupKey: "2024-G02", round: 1,
            roundStart: try #require(PlanDate("2024-01-01")), roundEnd: try #require(PlanDate("2024-11-30")),
            tasks: [2, 3], departments: ["原平市住房和城乡建设管理局", "原平市市场监督管理局"], scopes: ["燃气经营企业"],
            population: [
                PopulationMember(uscc: "U3", riskClass: .D), PopulationMember(uscc: "U1", riskClass: .A),
                PopulationMember(uscc: "U2", riskClass: nil, watch: ["经营异常名录"], rule: .classD),
            ],
            exclusions: ["U2"], quotas: [.A: 1, .B: 1, .D: 1], quotaRecords: [record], visits: RiskQuotaPolicy.defaultVisits,
            watchlist: .classD, ledgerHead: DrawCommitment.emptyLedgerHead, secret: secret, inspectors: inspectors)
    }

    /// The private form (stored, auditor), the public form (published) and its hash: classes and
    /// watchlist reasons only as salted member commitments in public.
    @Test func privateAndPublicForms() throws {
        let commitment = try Self.small()
        #expect(
            commitment.privateValue.canonicalText == #"""
                {"algorithm":"rivest-consistent-sampler/1 (sha256, without replacement)","classCounts":{"A":1,"B":0,"C":0,"D":2},"departments":["原平市住房和城乡建设管理局","原平市市场监督管理局"],"exclusions":["U2"],"format":"suiji-draw-commitment/2","group":"2024-G02","ledgerHead":"0000000000000000000000000000000000000000000000000000000000000000","population":[{"class":"A","uscc":"U1"},{"class":null,"uscc":"U2","watch":["经营异常名录"]},{"class":"D","uscc":"U3"}],"quotaRule":{"rule":"suiji-apportionment/1 (largest remainder, ties to the higher risk class; top-up D, C, B, A)","tasks":[{"count":null,"mode":"multipliers","ratioPPM":50000,"tablePPM":{"A":500000,"B":1000000,"C":2000000,"D":4000000},"task":2,"visits":{"A":1,"B":1,"C":1,"D":2}}]},"quotas":{"A":1,"B":1,"C":0,"D":1},"region":"140981","round":1,"roundEnd":"2024-11-30","roundStart":"2024-01-01","salting":"suiji-salt/1","scopes":["燃气经营企业"],"secret":"abababababababababababababababababababababababababababababababab","tasks":[2,3],"visits":{"A":1,"B":1,"C":1,"D":2},"watchlist":"class-d","watchlisted":1,"year":2024}
                """#)
        #expect(
            commitment.publicValue.canonicalText == #"""
                {"algorithm":"rivest-consistent-sampler/1 (sha256, without replacement)","classCounts":{"A":1,"B":0,"C":0,"D":2},"departments":["原平市住房和城乡建设管理局","原平市市场监督管理局"],"exclusions":["U2"],"format":"suiji-draw-commitment/2","group":"2024-G02","inspectors":null,"ledgerHead":"0000000000000000000000000000000000000000000000000000000000000000","population":[{"commitment":"5072d4f34d04100f1aefd60befbd38cefb6af77957f7abe6eff79982230e4c32","uscc":"U1"},{"commitment":"e22ab852965cbb6526186f03e3d443d442864d5274298622f1e13ced2ca6ea8c","uscc":"U2"},{"commitment":"b593739865abdde73f5a8fb6c5e816d666be3685a59009bf501f3091b68dee0b","uscc":"U3"}],"quotaRule":{"rule":"suiji-apportionment/1 (largest remainder, ties to the higher risk class; top-up D, C, B, A)","tasks":[{"count":null,"mode":"multipliers","ratioPPM":50000,"tablePPM":{"A":500000,"B":1000000,"C":2000000,"D":4000000},"task":2,"visits":{"A":1,"B":1,"C":1,"D":2}}]},"quotas":{"A":1,"B":1,"C":0,"D":1},"region":"140981","round":1,"roundEnd":"2024-11-30","roundStart":"2024-01-01","salting":"suiji-salt/1","scopes":["燃气经营企业"],"tasks":[2,3],"visits":{"A":1,"B":1,"C":1,"D":2},"watchlist":"class-d","watchlisted":1,"year":2024}
                """#)
        #expect(commitment.hash == "5983991336d5bf8f562919de74e862b3726f7848a8ee79dae425f84d6594f7d5")
        #expect(!commitment.publicValue.canonicalText.contains("经营异常名录"))
        #expect(commitment.recomputedQuotas == [.A: 0, .B: 0, .C: 0, .D: 1]) // 5%: D 2 × 0.2 × 2 = 0.8 → 1
    }

    /// A commitment of the first format still reads and hashes as it did (its canonical JSON).
    @Test func firstFormat() throws {
        let v1 = #"""
            {"algorithm":"rivest-consistent-sampler/1 (sha256, without replacement)","departments":["原平市住房和城乡建设管理局","原平市市场监督管理局"],"exclusions":["U2"],"format":"suiji-draw-commitment/1","group":"2024-G02","population":[{"class":"A","uscc":"U1"},{"class":null,"uscc":"U2"},{"class":"D","uscc":"U3"}],"quotas":{"A":1,"B":1,"C":0,"D":1},"region":"140981","round":1,"roundEnd":"2024-11-30","roundStart":"2024-01-01","scopes":["燃气经营企业"],"tasks":[2,3],"year":2024}
            """#
        let commitment = try JSONDecoder().decode(DrawCommitment.self, from: Data(v1.utf8))
        #expect(commitment.isLegacy)
        #expect(commitment.privateValue.canonicalText == v1)
        #expect(commitment.publicValue == commitment.privateValue)
        #expect(commitment.hash == "103eb8cb5aa2eb8bd47cc678b48341e837d411d5625b96fd205535e7e256e849")
        #expect(commitment.recomputedQuotas == nil)
    }

    /// The secret depends on the key and the content, not on the ledger head.
    @Test func derivedSecret() throws {
        let c = try Self.small()
        #expect(c.derivedSecret(key: "k1") == c.withLedgerHead(String(repeating: "1", count: 64)).derivedSecret(key: "k1"))
        #expect(c.derivedSecret(key: "k1") != c.derivedSecret(key: "k2"))
        var other = c
        other.population[0].riskClass = .B
        #expect(other.derivedSecret(key: "k1") != c.derivedSecret(key: "k1"))
        #expect(c.withLedgerHead(String(repeating: "1", count: 64)).hash != c.hash)
    }

    /// Escapes exactly as Python's json.dumps(ensure_ascii=False); keys in code point order.
    @Test func canonicalStringsAndKeys() {
        let s = CanonicalJSON.object(["k": .string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}/é😀\u{2028}")])
        #expect(s.canonicalText == "{\"k\":\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u{7F}/é😀\u{2028}\"}")
        let keys = CanonicalJSON.object([
            "b": .integer(1), "a": .integer(2), "é": .integer(3), "Z": .integer(4), "😀": .integer(5), "\u{FFFF}": .integer(6),
        ])
        #expect(keys.canonicalText == "{\"Z\":4,\"a\":2,\"b\":1,\"é\":3,\"\u{FFFF}\":6,\"😀\":5}")
        #expect(
            CanonicalJSON.array([.integer(-12), .integer(0), .bool(true), .bool(false), .null, .array([]), .object([:])]).canonicalText
                == "[-12,0,true,false,null,[],{}]")
        #expect(CanonicalJSON.object(["a": .array([.integer(1)])]).prettyText == "{\n  \"a\": [\n    1\n  ]\n}\n")
    }

    /// Any change of an input changes the hash; list order is canonical.
    @Test func everyInputIsBound() throws {
        let base = try Self.small()
        var changed: [DrawCommitment] = []
        var c = base; c.quotas[.C] = 1; changed.append(c)
        c = base; c.exclusions = []; changed.append(c)
        c = base; c.population[0].riskClass = .B; changed.append(c)
        c = base; c.round = 2; changed.append(c)
        c = base; c.algorithm = "other"; changed.append(c)
        c = base; c.inspectors = InspectorSetup(pools: [:], avoidance: [], teamSizes: [:], loadCap: nil, allowPartialTeams: false);
        changed.append(c)
        c = base; c.population[1].watch = []; changed.append(c)
        c = base; c.ledgerHead = String(repeating: "1", count: 64); changed.append(c)
        c = base; c.secret = String(repeating: "cd", count: 32); changed.append(c)
        c = base; c.visits[.D] = 3; changed.append(c)
        let hashes = Set(changed.map(\.hash) + [base.hash])
        #expect(hashes.count == changed.count + 1)
        #expect(base.population.map(\.uscc) == ["U1", "U2", "U3"])
    }

    /// The optional inspector parts are written only when present, with sorted pairs.
    @Test func inspectorParts() throws {
        let setup = InspectorSetup(
            inspectors: [
                Inspector(id: "Z9", name: "王伟", department: "原平市市场监督管理局"),
                Inspector(id: "A1", name: "李娜", department: "原平市市场监督管理局"),
                Inspector(id: "R2", name: "张强", department: "原平市市场监督管理局", active: false),
                Inspector(id: "H1", name: "赵敏", department: "原平市住房和城乡建设管理局"),
                Inspector(id: "X1", name: "刘洋", department: "原平市公安局"),
            ],
            avoidance: [
                AvoidancePair(inspectorId: "Z9", uscc: "U1"), AvoidancePair(inspectorId: "A1", uscc: "U3"),
                AvoidancePair(inspectorId: "A1", uscc: "U9"),
            ],
            departments: ["原平市住房和城乡建设管理局", "原平市市场监督管理局"],
            population: try Self.small().population)
        #expect(setup.pools == ["原平市住房和城乡建设管理局": ["H1"], "原平市市场监督管理局": ["A1", "Z9"]])
        #expect(setup.avoidance == [AvoidancePair(inspectorId: "A1", uscc: "U3"), AvoidancePair(inspectorId: "Z9", uscc: "U1")])
        #expect(setup.teamSizes == ["原平市住房和城乡建设管理局": 2, "原平市市场监督管理局": 1])
        let text = try Self.small(inspectors: setup).privateValue.canonicalText
        #expect(text.contains(#""avoidance":[{"inspector":"A1","uscc":"U3"},{"inspector":"Z9","uscc":"U1"}]"#))
        #expect(text.contains(#""inspectorPools":{"原平市住房和城乡建设管理局":["H1"],"原平市市场监督管理局":["A1","Z9"]}"#))
        #expect(text.contains(#""matching":{"allowPartialTeams":false,"loadCap":null,"teamSizes":{"原平市住房和城乡建设管理局":2,"原平市市场监督管理局":1}}"#))
        #expect(!(try Self.small().privateValue.canonicalText.contains("inspectorPools")))
        // In public, the inspector part is one salted hash: no pool, no id, no pair.
        let published = try Self.small(inspectors: setup).publicValue.canonicalText
        for hidden in ["inspectorPools", "avoidance", "matching", "Z9", "A1", "H1"] { #expect(!published.contains(hidden), "\(hidden)") }
        #expect(published.contains(#""inspectors":""# + DrawCommitment.inspectorsCommitment(setup, secret: Self.secret) + "\""))
    }

    /// JSON written by JSONEncoder decodes to an equal commitment with the same hash.
    @Test func codableRoundTrip() throws {
        let setup = InspectorSetup(
            pools: ["甲": ["I1", "I2"]], avoidance: [AvoidancePair(inspectorId: "I1", uscc: "U1")],
            teamSizes: ["甲": 2], loadCap: 3, allowPartialTeams: true)
        for original in [try Self.small(), try Self.small(inspectors: setup)] {
            let data = try JSONEncoder().encode(original)
            let decoded = try JSONDecoder().decode(DrawCommitment.self, from: data)
            #expect(decoded == original)
            #expect(decoded.hash == original.hash)
        }
        let partial =
            #"{"format":"x","algorithm":"x","year":1,"region":"x","group":"x","round":1,"roundStart":"2024-01-01","roundEnd":"2024-01-01","tasks":[],"departments":[],"scopes":[],"population":[],"exclusions":[],"quotas":{},"avoidance":[]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(DrawCommitment.self, from: Data(partial.utf8)) }
    }
}
