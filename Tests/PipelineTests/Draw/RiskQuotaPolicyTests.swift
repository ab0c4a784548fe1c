import Foundation
import Testing

@testable import Pipeline

/// The apportionment rule of domain.md §5 (RiskQuotaPolicy.swift), on hand-computed tables.
/// Default policy: multipliers A 0.5 · B 1 · C 2 · D 4, visits A 1 · B 1 · C 1 · D 2, so the exact
/// share of class c is e_c = min(n_c, visits × min(1, ratio × multiplier) × n_c).
@Suite struct RiskQuotaPolicyTests {
    let policy = RiskQuotaPolicy.default
    let population: [RiskClass: Int] = [.A: 40, .B: 60, .C: 30, .D: 10]

    static func share(_ text: String) -> ExactShare {
        let parts = text.split(separator: ".")
        var digits = parts.count > 1 ? String(parts[1]) : ""
        digits += String(repeating: "0", count: 12 - digits.count)
        return ExactShare(whole: Int(parts[0]) ?? 0) + ExactShare(numerator: UInt64(digits) ?? 0, times: 1)
    }

    /// 5%: e A 0.025×40 = 1, B 0.05×60 = 3, C 0.1×30 = 3, D 2×0.2×10 = 4; Σ 11 > ceil(0.05×140) = 7.
    @Test func fivePercent() {
        let r = policy.quotas(planRatio: 0.05, fixedCount: nil, population: population)
        #expect(r.perClass == [.A: 1, .B: 3, .C: 3, .D: 4])
        #expect(r.exactShares == [.A: Self.share("1"), .B: Self.share("3"), .C: Self.share("3"), .D: Self.share("4")])
        #expect(r.exactTotal == Self.share("11"))
        #expect(r.planMinimum == 7)
        #expect(r.target == 11)
        #expect(r.total == 11)
        #expect(r.capped == [])
        #expect(r.toppedUp == [:])
        #expect(r.classRatio == [.A: 0.025, .B: 0.05, .C: 0.1, .D: 0.2])
        #expect(r.visits == [.A: 1, .B: 1, .C: 1, .D: 2])
        #expect(!r.planMinimumBinds)
    }

    /// Largest remainder: 10% of A 9 · B 21 · C 7 · D 3: e A 0.45, B 2.1, C 1.4, D 2.4; Σ 6.35 → 7;
    /// floors 0 + 2 + 1 + 2 = 5; the 2 left go to the largest remainders A 0.45, then D 0.4 (a tie
    /// with C 0.4, to the higher risk class).
    @Test func largestRemainder() {
        let r = policy.quotas(planRatio: 0.1, fixedCount: nil, population: [.A: 9, .B: 21, .C: 7, .D: 3])
        #expect(r.exactShares == [.A: Self.share("0.45"), .B: Self.share("2.1"), .C: Self.share("1.4"), .D: Self.share("2.4")])
        #expect(r.exactTotal == Self.share("6.35"))
        #expect(r.perClass == [.A: 1, .B: 2, .C: 1, .D: 3])
        #expect(r.target == 7)
        for c in RiskClass.allCases { #expect(r.exactShares[c]?.isFloorOrCeiling(r.perClass[c] ?? -1) == true) }
    }

    /// Class A gets nothing when its remainder is the smallest: 5% of A 4 · B 25 (the issue's
    /// example, once A 1 = 25% and B 2 = 8%): e A 0.1, B 1.25; Σ 1.35 → 2 (plan ceil(1.45) = 2);
    /// floors 0 + 1, the one left to B (0.25 > 0.1).
    @Test func classAMayGetZero() {
        let r = policy.quotas(planRatio: 0.05, fixedCount: nil, population: [.A: 4, .B: 25])
        #expect(r.perClass == [.A: 0, .B: 2, .C: 0, .D: 0])
        #expect(r.target == 2)
    }

    /// Equal remainders go to the higher risk class: multipliers 1, 10% of A 5 · B 5: e 0.5 each, Σ 1.
    @Test func tiesToTheHigherRiskClass() {
        let flat = RiskQuotaPolicy(mode: .multipliers([.A: 1, .B: 1, .C: 1, .D: 1]))
        #expect(flat.quotas(planRatio: 0.1, fixedCount: nil, population: [.A: 5, .B: 5]).perClass == [.A: 0, .B: 1, .C: 0, .D: 0])
    }

    /// 100%: e A 20, B 60, C 2×30 capped 30, D 2×4×10 capped 10; Σ 120 < 140, so the plan's ratio
    /// binds: D, C and B are exhausted and A is topped up by 20.
    @Test func hundredPercent() {
        let r = policy.quotas(planRatio: 1, fixedCount: nil, population: population)
        #expect(r.exactShares == [.A: Self.share("20"), .B: Self.share("60"), .C: Self.share("30"), .D: Self.share("10")])
        #expect(r.perClass == [.A: 40, .B: 60, .C: 30, .D: 10])
        #expect(r.target == 140)
        #expect(r.capped == [.C, .D])
        #expect(r.toppedUp == [.A: 20])
        #expect(r.planMinimumBinds)
        #expect(r.classRatio == [.A: 0.5, .B: 1, .C: 1, .D: 1])
        #expect(
            r.notes == [
                "C: exact share 60 exceeds the class population 30; capped at 30",
                "D: exact share 80 exceeds the class population 10; capped at 10",
                "A: topped up by 20 to reach 140",
            ])
    }

    /// 30% of 10 each: e A 1.5, B 3, C 6, D 2×1.2×10 = 24 capped 10; Σ 20.5 → 21 (plan 12); A's
    /// remainder 0.5 takes the one left.
    @Test func capping() {
        let r = policy.quotas(planRatio: 0.3, fixedCount: nil, population: [.A: 10, .B: 10, .C: 10, .D: 10])
        #expect(r.perClass == [.A: 2, .B: 3, .C: 6, .D: 10])
        #expect(r.capped == [.D])
        #expect(r.target == 21)
        #expect(r.notes == ["D: exact share 24 exceeds the class population 10; capped at 10"])
    }

    /// The plan's ratio binds above ceil(Σ e): the top-up fills D, then C, then B, each to exhaustion.
    @Test func topUp() {
        // Only A: e 2.5 → 3, the plan asks ceil(5) = 5: A gets 2 more.
        let onlyA = policy.quotas(planRatio: 0.05, fixedCount: nil, population: [.A: 100])
        #expect(onlyA.perClass == [.A: 5, .B: 0, .C: 0, .D: 0])
        #expect(onlyA.toppedUp == [.A: 2])
        #expect(onlyA.target == 5)
        // 10% of A 95 · B 3 · C 1 · D 1: e A 4.75, B 0.3, C 0.2, D 0.8; Σ 6.05 → 7: floors A 4, then D
        // 0.8, A 0.75, B 0.3; the plan asks 10: D is full, C gets its 1, B its 2 others.
        let r = policy.quotas(planRatio: 0.1, fixedCount: nil, population: [.A: 95, .B: 3, .C: 1, .D: 1])
        #expect(r.perClass == [.A: 5, .B: 3, .C: 1, .D: 1])
        #expect(r.toppedUp == [.C: 1, .B: 2])
        #expect(r.target == 10)
        #expect(r.notes == ["C: topped up by 1 to reach 10", "B: topped up by 2 to reach 10"])
    }

    /// A count without a ratio: the exact shares are zero, so the count is topped up D, C, B, A.
    @Test func fixedCount() {
        let one = policy.quotas(planRatio: nil, fixedCount: 1, population: population)
        #expect(one.perClass == [.A: 0, .B: 0, .C: 0, .D: 1])
        #expect(one.exactTotal == .zero)
        #expect(one.target == 1)
        #expect(policy.quotas(planRatio: nil, fixedCount: 1, population: [.A: 5, .B: 5, .C: 2]).perClass == [.A: 0, .B: 0, .C: 1, .D: 0])
        #expect(policy.quotas(planRatio: nil, fixedCount: 3, population: [.A: 5, .B: 5, .C: 2]).perClass == [.A: 0, .B: 1, .C: 2, .D: 0])
        #expect(
            policy.quotas(planRatio: nil, fixedCount: 5, population: [.A: 5, .B: 5, .C: 2, .D: 1]).perClass == [.A: 0, .B: 2, .C: 2, .D: 1])
        let tooMany = policy.quotas(planRatio: nil, fixedCount: 10, population: [.B: 2, .D: 1])
        #expect(tooMany.perClass == [.A: 0, .B: 2, .C: 0, .D: 1])
        #expect(tooMany.target == 3)
        #expect(
            tooMany.notes == [
                "target 10 exceeds the population 3: all 3 drawn", "D: topped up by 1 to reach 3", "B: topped up by 2 to reach 3",
            ])
    }

    /// Ratio and count together: the count is a minimum (1% of B 50: e 0.5 → 1, at least 3).
    @Test func ratioWithMinimumCount() {
        let r = policy.quotas(planRatio: 0.01, fixedCount: 3, population: [.B: 50])
        #expect(r.exactShares[.B] == Self.share("0.5"))
        #expect(r.perClass == [.A: 0, .B: 3, .C: 0, .D: 0])
        #expect(r.target == 3)
        #expect(r.notes == ["count 3 is above ceil(ratio × population) = 1: the count is the minimum", "B: topped up by 2 to reach 3"])
    }

    /// Empty and partly empty populations.
    @Test func emptyClasses() {
        let none = policy.quotas(planRatio: 0.05, fixedCount: nil, population: [:])
        #expect(none.perClass == [.A: 0, .B: 0, .C: 0, .D: 0])
        #expect(none.target == 0)
        #expect(none.capped == [])
        let onlyD = policy.quotas(planRatio: 0.05, fixedCount: nil, population: [.A: 0, .B: 0, .C: 0, .D: 7])
        #expect(onlyD.perClass == [.A: 0, .B: 0, .C: 0, .D: 3]) // 2 × 0.2 × 7 = 2.8
        #expect(onlyD.target == 3)
        let nothing = policy.quotas(planRatio: nil, fixedCount: nil, population: population)
        #expect(nothing.total == 0)
        #expect(nothing.notes == ["no ratio and no count: nothing to draw"])
    }

    /// Products that floating point gets wrong are exact here.
    @Test func exactShares() {
        // 0.05 × 20 = 1 exactly.
        #expect(policy.quotas(planRatio: 0.05, fixedCount: nil, population: [.B: 20]).perClass[.B] == 1)
        // 0.07 × 100 is 7.000000000000001 in Double; the quota is 7, and so is the total.
        let seven = policy.quotas(planRatio: 0.07, fixedCount: nil, population: [.B: 100])
        #expect(seven.perClass[.B] == 7)
        #expect(seven.target == 7)
        // 0.035 × 2 × 100 = 7 for class C; 2 visits × 0.1 × 4 × 5 = 4 for class D.
        #expect(policy.quotas(planRatio: 0.035, fixedCount: nil, population: [.C: 100]).perClass[.C] == 7)
        #expect(policy.quotas(planRatio: 0.1, fixedCount: nil, population: [.D: 5]).perClass[.D] == 4)
        // 0.3 × 0.5 × 20 = 3 for class A (then topped up to the plan's 6).
        #expect(policy.quotas(planRatio: 0.3, fixedCount: nil, population: [.A: 20]).exactShares[.A] == Self.share("3"))
        #expect(Self.share("6.35").description == "6.35")
        #expect(ExactShare(numerator: 1, times: 1).description == "0.000000000001")
        #expect(Self.share("2").isFloorOrCeiling(2) && !Self.share("2").isFloorOrCeiling(3))
        #expect(Self.share("2.5").isFloorOrCeiling(3) && Self.share("2.5").isFloorOrCeiling(2) && !Self.share("2.5").isFloorOrCeiling(4))
    }

    /// Fixed class ratios (林甸-style A 5% · B 20% · C 60% · D 100%).
    @Test func fixedRatios() {
        let linDian = RiskQuotaPolicy(mode: .fixedRatios([.A: 0.05, .B: 0.2, .C: 0.6, .D: 1]))
        let r = linDian.quotas(planRatio: nil, fixedCount: nil, population: population)
        #expect(r.perClass == [.A: 2, .B: 12, .C: 18, .D: 10])
        #expect(r.target == 42)
        // With a plan ratio of 50% the total is 70: 42 by the shares, then 28 topped up: C to its
        // 30 (12 more; D is full), B 16 more.
        let half = linDian.quotas(planRatio: 0.5, fixedCount: nil, population: population)
        #expect(half.perClass == [.A: 2, .B: 28, .C: 30, .D: 10])
        #expect(half.toppedUp == [.B: 16, .C: 12])
        #expect(half.target == 70)
    }

    /// A custom multiplier table; a class missing from it is drawn at the plan ratio.
    @Test func customMultipliers() {
        let custom = RiskQuotaPolicy(mode: .multipliers([.A: 0, .B: 1, .C: 3]))
        let r = custom.quotas(planRatio: 0.1, fixedCount: nil, population: population)
        #expect(r.perClass == [.A: 0, .B: 6, .C: 9, .D: 2])
        #expect(r.notes.contains("D: no multiplier configured; using 1 (the plan ratio)"))
        // One visit for every class: D's share halves.
        let once = RiskQuotaPolicy(mode: .multipliers([.A: 0, .B: 1, .C: 3]), visits: [:])
        #expect(once.quotas(planRatio: 0.1, fixedCount: nil, population: population).perClass == [.A: 0, .B: 6, .C: 9, .D: 1])
    }

    /// The record a commitment holds gives the same quotas from integers alone.
    @Test func recordRecomputes() {
        let (record, notes) = policy.record(task: 7, planRatio: 0.05, fixedCount: nil)
        #expect(notes == [])
        #expect(
            record.canonicalValue.canonicalText
                == #"{"count":null,"mode":"multipliers","ratioPPM":50000,"tablePPM":{"A":500000,"B":1000000,"C":2000000,"D":4000000},"task":7,"visits":{"A":1,"B":1,"C":1,"D":2}}"#
        )
        #expect(
            record.quotas(population: population).perClass
                == policy.quotas(planRatio: 0.05, fixedCount: nil, population: population).perClass)
    }

    /// Unclassified entities count as B; the default and the top-up order are as documented.
    @Test func classesAndDefaults() {
        #expect(RiskClass.forQuota(nil) == .B)
        #expect(RiskClass.forQuota(.D) == .D)
        #expect(RiskClass.topUpOrder == [.D, .C, .B, .A])
        #expect(RiskQuotaPolicy.default.mode == .multipliers([.A: 0.5, .B: 1, .C: 2, .D: 4]))
        #expect(RiskQuotaPolicy.default.visits == [.A: 1, .B: 1, .C: 1, .D: 2])
    }

    /// The policy and results round-trip through JSON with class-keyed objects.
    @Test func codable() throws {
        let json = #"{"mode":{"fixedRatios":{"A":0.05,"D":1}},"visits":{"A":1,"B":1,"C":1,"D":1}}"#
        let decoded = try JSONDecoder().decode(RiskQuotaPolicy.self, from: Data(json.utf8))
        #expect(decoded.mode == .fixedRatios([.A: 0.05, .D: 1]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(RiskQuotaPolicy.default), as: UTF8.self)
        #expect(text == #"{"mode":{"multipliers":{"A":0.5,"B":1,"C":2,"D":4}},"visits":{"A":1,"B":1,"C":1,"D":2}}"#)
        #expect(try JSONDecoder().decode(RiskQuotaPolicy.self, from: Data(text.utf8)) == .default)
        let result = policy.quotas(planRatio: 0.05, fixedCount: nil, population: population)
        let again = try JSONDecoder().decode(QuotaResult.self, from: try encoder.encode(result))
        #expect(again == result)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RiskQuotaPolicy.self, from: Data(#"{"mode":{},"visits":{}}"#.utf8))
        }
    }
}
