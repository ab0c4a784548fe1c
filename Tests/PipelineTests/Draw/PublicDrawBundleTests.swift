import Foundation
import Testing

@testable import Pipeline

/// The public bundle: what anyone can check, and that it shows nothing internal.
@Suite struct PublicDrawBundleTests {
    static func bundle() throws -> PublicDrawBundle {
        try DrawBundleTests.bundle(group: "2024-G35", rules: MatchingRules(allowPartialTeams: true)).publicBundle
    }

    @Test func verifiesAndRoundTrips() throws {
        let b = try Self.bundle()
        #expect(b.verify().isValid)
        #expect(b.sample.count == 25) // A 3 · B 14 · C 6 · D 2
        let decoded = try JSONDecoder().decode(PublicDrawBundle.self, from: Data(b.prettyJSON.utf8))
        #expect(decoded == b)
        #expect(!b.countsRevealClasses)
        for hidden in ["\"class\"", "\"watch\"", "\"secret\"", "inspectorPools", "\"avoidance\"", "D0-", "D1-"] {
            #expect(!b.prettyJSON.contains(hidden), "\(hidden)")
        }
    }

    @Test func tamperingIsReported() throws {
        let b = try Self.bundle()
        var reordered = b
        reordered.sample.swapAt(0, 1)
        #expect(reordered.verify().differences == ["the sample is not in ticket order under '48213907561102938475|2024-G35|1'"])

        var shorter = b
        shorter.sample.removeLast()
        #expect(shorter.verify().differences == ["the sample has 24 objects; the quotas and class counts give 25"])

        var reseeded = b
        reseeded.publicSeed = "1"
        #expect(reseeded.verify().differences.first == "seed string is '1|2024-G35|1', the bundle says '48213907561102938475|2024-G35|1'")

        // Quotas that the rule does not give: the hash breaks, and the rule check says why.
        var requota = b
        if case .object(var o) = requota.commitment {
            o["quotas"] = .object(["A": .integer(0), "B": .integer(17), "C": .integer(6), "D": .integer(2)])
            requota.commitment = .object(o)
        }
        let differences = requota.verify().differences
        #expect(differences.count == 2)
        #expect(differences[0].hasPrefix("commitment hash is "))
        #expect(differences[1].hasPrefix("quotas: the rule gives A 3, B 14, C 6, D 2 for the class counts "))
    }
}
