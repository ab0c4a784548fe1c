import Foundation
import Testing

@testable import Pipeline

/// Bundles verify in Swift and in Python (scripts/verify_draw.py), and tampering is caught.
@Suite struct DrawBundleTests {
    /// The absolute path of python3 on PATH, or nil.
    static let python3: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = String(directory) + "/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    static let script = SeedPlan.repositoryRoot.appendingPathComponent("scripts/verify_draw.py").path

    /// The bundle of group 2024-G02 (tasks 2–3, 燃气) or another group, with inspectors, over the generated register.
    static func bundle(
        group key: String = "2024-G02", round: Int = 1, exclusions: Set<String> = [], seed: String = "48213907561102938475",
        rules: MatchingRules = MatchingRules()
    ) throws -> DrawBundle {
        let plan = try SeedPlan.load()
        let group = try #require(DrawGroups.form(plan).first { $0.key == key })
        var inspectors: [Inspector] = []
        for (d, department) in group.departments.enumerated() {
            for i in 0..<5 { inspectors.append(Inspector(id: "D\(d)-\(i)", name: "检查员\(d)\(i)", department: department, active: i != 4)) }
        }
        let entities = DrawInputs(entities: SeedPlan.entities(plan: plan))
        let members = entities.population(of: group, scopeMap: try SeedPlan.scopeMap(), rules: PopulationRules()).members.map(\.uscc)
        let avoidance = members.prefix(6).enumerated().map {
            AvoidancePair(inspectorId: "D\($0.offset % 2)-\($0.offset % 3)", uscc: $0.element)
        }
        let inputs = DrawInputs(entities: entities.entities, inspectors: inspectors, avoidance: avoidance)
        let prepared = try Draw.prepare(
            group: group, round: round, inputs: inputs, exclusions: exclusions, scopeMap: try SeedPlan.scopeMap(),
            rules: DrawRules(matching: rules), saltKey: DrawTests.key)
        return try DrawBundle(commitment: prepared.commitment, publicSeed: seed)
    }

    /// Runs the Python verifier on a bundle; returns its exit status and output.
    static func runPython(_ bundle: DrawBundle, text: String? = nil) throws -> (status: Int32, output: String) {
        let python = try #require(python3)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("suiji-bundle-\(UUID().uuidString).json")
        try Data((text ?? bundle.prettyJSON).utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func verifiesInSwift() throws {
        let bundle = try Self.bundle()
        #expect(bundle.seedString == "48213907561102938475|2024-G02|1")
        #expect(bundle.commitmentHash == bundle.commitment.hash)
        #expect(RiskClass.allCases.map { bundle.sample[$0]?.count ?? 0 } == [0, 1, 1, 1])
        #expect(bundle.assignments?.count == 3 * 2) // three objects, two departments
        #expect(bundle.shortTeams == [])
        let verification = bundle.verify()
        #expect(verification.isValid)
        #expect(verification.description == "OK")
        // Through JSON and back.
        let decoded = try JSONDecoder().decode(DrawBundle.self, from: Data(bundle.prettyJSON.utf8))
        #expect(decoded == bundle)
        #expect(decoded.verify().isValid)
        let viaEncoder = try JSONDecoder().decode(DrawBundle.self, from: JSONEncoder().encode(bundle))
        #expect(viaEncoder == bundle)
    }

    /// The same inputs and seed give the same bundle byte for byte.
    @Test func reproducible() throws {
        #expect(try Self.bundle().prettyJSON == Self.bundle().prettyJSON)
        #expect(try Self.bundle().sample != Self.bundle(seed: "48213907561102938476").sample)
    }

    @Test func tamperingIsReported() throws {
        let bundle = try Self.bundle()
        let b = try #require(bundle.sample[.B])
        let outsider = try #require(bundle.commitment.population.first { $0.quotaClass == .B && !b.contains($0.uscc) }).uscc

        var swapped = bundle
        swapped.sample[.B] = [outsider] + b.dropFirst()
        #expect(swapped.verify().differences == ["class B: recomputed sample \(b), the bundle says \([outsider] + b.dropFirst())"])

        var reclassified = bundle
        reclassified.commitment.population[0].riskClass = reclassified.commitment.population[0].riskClass == .D ? .A : .D
        #expect(reclassified.verify().differences.first?.hasPrefix("commitment hash is ") == true)

        var reseeded = bundle
        reseeded.publicSeed = "1"
        #expect(reseeded.verify().differences.first == "seed string is '1|2024-G02|1', the bundle says '48213907561102938475|2024-G02|1'")

        var reassigned = bundle
        if var first = reassigned.assignments?.first {
            first.inspectorIds.reverse()
            reassigned.assignments?[0] = first
        }
        #expect(reassigned.verify().differences.count == 1)
    }

    @Test(.enabled(if: DrawBundleTests.python3 != nil, "python3 is not installed"))
    func verifiesInPython() throws {
        let bundle = try Self.bundle()
        let (status, output) = try Self.runPython(bundle)
        #expect(output == "OK\n")
        #expect(status == 0)

        // A later quarterly round with exclusions (some lapse) and a partial-team setup.
        let first = try Self.bundle(group: "2024-G35", round: 1, seed: "7", rules: MatchingRules(allowPartialTeams: true))
        let drawn = Set(first.sample.values.flatMap { $0 })
        let later = try Self.bundle(
            group: "2024-G35", round: 2, exclusions: drawn, seed: "7",
            rules: MatchingRules(loadCap: 6, allowPartialTeams: true))
        #expect(later.commitment.exclusions.count == drawn.count)
        #expect(later.verify().isValid)
        // Class D (2 entities, quota 2) was wholly drawn in round 1: its exclusions lapse.
        #expect(Set(later.sample[.D] ?? []) == Set(first.sample[.D] ?? []))
        #expect(later.shortTeams?.isEmpty == false)
        #expect(try Self.runPython(later).output == "OK\n")

        // Compact canonical text is read as well.
        #expect(try Self.runPython(bundle, text: bundle.jsonValue.canonicalText).output == "OK\n")
    }

    @Test(.enabled(if: DrawBundleTests.python3 != nil, "python3 is not installed"))
    func pythonReportsTampering() throws {
        let partial = MatchingRules(allowPartialTeams: true)
        var bundle = try Self.bundle(group: "2024-G35", rules: partial)
        let b = try #require(bundle.sample[.B])
        try #require(b.count == 14)
        bundle.sample[.B] = Array(b.reversed())
        let (status, output) = try Self.runPython(bundle)
        #expect(status == 1)
        let quoted = { (list: [String]) in "[" + list.map { "'\($0)'" }.joined(separator: ", ") + "]" }
        #expect(output == "class B: recomputed sample \(quoted(b)), the bundle says \(quoted(b.reversed()))\n")

        var rehashed = try Self.bundle(group: "2024-G35", rules: partial)
        rehashed.commitment.quotas[.A] = 0
        let (status2, output2) = try Self.runPython(rehashed)
        #expect(status2 == 1)
        let lines = output2.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("quotas: the rule gives {'A': 3, 'B': 14, 'C': 6, 'D': 2} for the class counts ") == true)
        #expect(lines.contains { $0.hasPrefix("commitment hash is ") })
    }
}
