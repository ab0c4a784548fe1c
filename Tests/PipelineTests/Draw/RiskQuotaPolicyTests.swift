import Foundation
import Testing

@testable import Pipeline

/// The quota rule of domain.md §5, on hand-computed tables.
@Suite struct RiskQuotaPolicyTests {
    let policy = RiskQuotaPolicy.default
    let population: [RiskClass: Int] = [.A: 40, .B: 60, .C: 30, .D: 10]

    /// 5%: A ceil(0.025×40)=1, B ceil(0.05×60)=3, C ceil(0.1×30)=3, D ceil(0.2×10)=2; target ceil(7)=7.
    @Test func fivePercent() {
        let r = policy.quotas(planRatio: 0.05, fixedCount: nil, population: population)
        #expect(r.perClass == [.A: 1, .B: 3, .C: 3, .D: 2])
        #expect(r.requestedPerClass == [.A: 1, .B: 3, .C: 3, .D: 2])
        #expect(r.target == 7)
        #expect(r.total == 9)
        #expect(r.capped == [])
        #expect(r.toppedUp == [:])
        #expect(r.classRatio == [.A: 0.025, .B: 0.05, .C: 0.1, .D: 0.2])
    }

    /// 100%: A 0.5×40=20, B 60, C 2×30=60 capped 30, D 4×10=40 capped 10; sum 120 < 140, so A is
    /// topped up by 20 (D, C, B are exhausted).
    @Test func hundredPercent() {
        let r = policy.quotas(planRatio: 1, fixedCount: nil, population: population)
        #expect(r.requestedPerClass == [.A: 20, .B: 60, .C: 60, .D: 40])
        #expect(r.perClass == [.A: 40, .B: 60, .C: 30, .D: 10])
        #expect(r.target == 140)
        #expect(r.capped == [.C, .D])
        #expect(r.toppedUp == [.A: 20])
        #expect(r.classRatio == [.A: 0.5, .B: 1, .C: 1, .D: 1])
    }

    /// 30% of 10 each: A ceil(1.5)=2, B 3, C 6, D ceil(12)=12 capped at 10; target 12, sum 21.
    @Test func capping() {
        let r = policy.quotas(planRatio: 0.3, fixedCount: nil, population: [.A: 10, .B: 10, .C: 10, .D: 10])
        #expect(r.requestedPerClass == [.A: 2, .B: 3, .C: 6, .D: 12])
        #expect(r.perClass == [.A: 2, .B: 3, .C: 6, .D: 10])
        #expect(r.capped == [.D])
        #expect(r.target == 12)
        #expect(r.notes.contains("D: quota 12 exceeds the class population 10; capped at 10"))
    }

    /// Top-up, round robin D → C → B → A over classes with undrawn entities.
    @Test func topUp() {
        // Only A: ceil(0.025×100) = 3 < target 5, so A gets 2 more.
        let onlyA = policy.quotas(planRatio: 0.05, fixedCount: nil, population: [.A: 100])
        #expect(onlyA.perClass == [.A: 5, .B: 0, .C: 0, .D: 0])
        #expect(onlyA.toppedUp == [.A: 2])
        #expect(onlyA.target == 5)
        // 10% of A95 B3 C1 D1: A ceil(4.75)=5, B ceil(0.3)=1, C ceil(0.2)=1, D ceil(0.4)=1 → 8 < 10;
        // D and C are exhausted, so B then A get one each.
        let r = policy.quotas(planRatio: 0.1, fixedCount: nil, population: [.A: 95, .B: 3, .C: 1, .D: 1])
        #expect(r.requestedPerClass == [.A: 5, .B: 1, .C: 1, .D: 1])
        #expect(r.perClass == [.A: 6, .B: 2, .C: 1, .D: 1])
        #expect(r.toppedUp == [.B: 1, .A: 1])
        #expect(r.target == 10)
    }

    /// `1户` and other counts without a ratio: the count is allocated round robin D → C → B → A.
    @Test func fixedCount() {
        let one = policy.quotas(planRatio: nil, fixedCount: 1, population: population)
        #expect(one.perClass == [.A: 0, .B: 0, .C: 0, .D: 1])
        #expect(one.requestedPerClass == [.A: 0, .B: 0, .C: 0, .D: 0])
        #expect(one.target == 1)
        let noD = policy.quotas(planRatio: nil, fixedCount: 1, population: [.A: 5, .B: 5, .C: 2])
        #expect(noD.perClass == [.A: 0, .B: 0, .C: 1, .D: 0])
        let three = policy.quotas(planRatio: nil, fixedCount: 3, population: [.A: 5, .B: 5, .C: 2])
        #expect(three.perClass == [.A: 1, .B: 1, .C: 1, .D: 0])
        let five = policy.quotas(planRatio: nil, fixedCount: 5, population: [.A: 5, .B: 5, .C: 2, .D: 1])
        #expect(five.perClass == [.A: 1, .B: 1, .C: 2, .D: 1])
        let tooMany = policy.quotas(planRatio: nil, fixedCount: 10, population: [.B: 2, .D: 1])
        #expect(tooMany.perClass == [.A: 0, .B: 2, .C: 0, .D: 1])
        #expect(tooMany.target == 10)
        #expect(tooMany.notes.contains("target 10 exceeds the population 3: all 3 drawn"))
    }

    /// Ratio and count together: the count is a minimum (1% of B50 = 1, at least 3).
    @Test func ratioWithMinimumCount() {
        let r = policy.quotas(planRatio: 0.01, fixedCount: 3, population: [.B: 50])
        #expect(r.requestedPerClass == [.A: 0, .B: 1, .C: 0, .D: 0])
        #expect(r.perClass == [.A: 0, .B: 3, .C: 0, .D: 0])
        #expect(r.target == 3)
    }

    /// Empty and partly empty populations.
    @Test func emptyClasses() {
        let none = policy.quotas(planRatio: 0.05, fixedCount: nil, population: [:])
        #expect(none.perClass == [.A: 0, .B: 0, .C: 0, .D: 0])
        #expect(none.target == 0)
        #expect(none.capped == [])
        let onlyD = policy.quotas(planRatio: 0.05, fixedCount: nil, population: [.A: 0, .B: 0, .C: 0, .D: 7])
        #expect(onlyD.perClass == [.A: 0, .B: 0, .C: 0, .D: 2]) // ceil(0.2×7 = 1.4)
        #expect(onlyD.target == 1) // ceil(0.35)
        let nothing = policy.quotas(planRatio: nil, fixedCount: nil, population: population)
        #expect(nothing.total == 0)
        #expect(nothing.notes == ["no ratio and no count: nothing to draw"])
    }

    /// Products that floating point gets wrong are exact here.
    @Test func exactCeilings() {
        // 0.05 × 20 = 1 exactly.
        #expect(policy.quotas(planRatio: 0.05, fixedCount: nil, population: [.B: 20]).perClass[.B] == 1)
        // 0.07 × 100 is 7.000000000000001 in Double; the quota is 7, and so is the target.
        let seven = policy.quotas(planRatio: 0.07, fixedCount: nil, population: [.B: 100])
        #expect(seven.perClass[.B] == 7)
        #expect(seven.target == 7)
        // 0.035 × 2 × 100 = 7 for class C.
        #expect(policy.quotas(planRatio: 0.035, fixedCount: nil, population: [.C: 100]).perClass[.C] == 7)
        // 0.1 × 4 × 5 = 2 for class D; 0.3 × 0.5 × 20 = 3 for class A.
        #expect(policy.quotas(planRatio: 0.1, fixedCount: nil, population: [.D: 5]).perClass[.D] == 2)
        #expect(policy.quotas(planRatio: 0.3, fixedCount: nil, population: [.A: 20]).requestedPerClass[.A] == 3) // then topped up to 6
    }

    /// Fixed class ratios (林甸-style A 5% · B 20% · C 60% · D 100%).
    @Test func fixedRatios() {
        let linDian = RiskQuotaPolicy(mode: .fixedRatios([.A: 0.05, .B: 0.2, .C: 0.6, .D: 1]))
        let r = linDian.quotas(planRatio: nil, fixedCount: nil, population: population)
        #expect(r.perClass == [.A: 2, .B: 12, .C: 18, .D: 10])
        #expect(r.target == 0)
        // With a plan ratio of 50% the target is 70: 42 + 28 topped up, cycling C, B, A (D is full).
        let half = linDian.quotas(planRatio: 0.5, fixedCount: nil, population: population)
        #expect(half.perClass == [.A: 11, .B: 21, .C: 28, .D: 10])
        #expect(half.toppedUp == [.A: 9, .B: 9, .C: 10])
        #expect(half.target == 70)
    }

    /// A custom multiplier table; a class missing from it is drawn at the plan ratio.
    @Test func customMultipliers() {
        let custom = RiskQuotaPolicy(mode: .multipliers([.A: 0, .B: 1, .C: 3]))
        let r = custom.quotas(planRatio: 0.1, fixedCount: nil, population: population)
        #expect(r.requestedPerClass == [.A: 0, .B: 6, .C: 9, .D: 1])
        #expect(r.perClass == [.A: 0, .B: 6, .C: 9, .D: 1])
        #expect(r.notes.contains("D: no multiplier configured; using 1 (the plan ratio)"))
    }

    /// Unclassified entities count as B; the default and the top-up order are as documented.
    @Test func classesAndDefaults() {
        #expect(RiskClass.forQuota(nil) == .B)
        #expect(RiskClass.forQuota(.D) == .D)
        #expect(RiskClass.topUpOrder == [.D, .C, .B, .A])
        #expect(RiskQuotaPolicy.default.mode == .multipliers([.A: 0.5, .B: 1, .C: 2, .D: 4]))
    }

    /// The policy and results round-trip through JSON with class-keyed objects.
    @Test func codable() throws {
        let json = #"{"mode":{"fixedRatios":{"A":0.05,"D":1}}}"#
        let decoded = try JSONDecoder().decode(RiskQuotaPolicy.self, from: Data(json.utf8))
        #expect(decoded.mode == .fixedRatios([.A: 0.05, .D: 1]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = String(decoding: try encoder.encode(RiskQuotaPolicy.default), as: UTF8.self)
        #expect(text == #"{"mode":{"multipliers":{"A":0.5,"B":1,"C":2,"D":4}}}"#)
        #expect(try JSONDecoder().decode(RiskQuotaPolicy.self, from: Data(text.utf8)) == .default)
        let result = policy.quotas(planRatio: 0.05, fixedCount: nil, population: population)
        let again = try JSONDecoder().decode(QuotaResult.self, from: try encoder.encode(result))
        #expect(again == result)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RiskQuotaPolicy.self, from: Data(#"{"mode":{}}"#.utf8))
        }
    }
}
