import ArgumentParser
import DevKit
import Fixtures
import Foundation
import Pipeline
import Stages

/// `suiji-dev draw bench`: the release benchmarks of issues 4 and 5.
struct DrawBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmark the draw and the inspector matching on generated data.")

    @Option(help: "Entities to draw over (all 42 tasks of the bundled seed plan).")
    var entities = 1_000_000

    @Option(help: "Objects to match.")
    var objects = 50_000

    @Option(help: "Inspectors.")
    var inspectors = 2_000

    @Option(help: "Departments.")
    var departments = 10

    @Option(help: "Cooperating departments per matching group (besides the initiator).")
    var cooperators = 1

    @Option(help: "Instead: time loading the draw's inputs from a SQLite store of this many generated register rows.")
    var storeRows: Int?

    func run() throws {
        if let storeRows {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("suiji-bench-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            print(try DrawBenchmark.loadInputs(rows: storeRows, folder: folder))
            return
        }
        var diagnostics = DiagnosticCollector()
        let plan = try PlanReader().run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, year: 2024, region: "140981"), diagnostics: &diagnostics)
        let report = try DrawBenchmark.run(
            plan: plan, scopeMap: try BundledScopeMap.load(), entities: entities, objects: objects,
            inspectors: inspectors, departments: departments, cooperators: cooperators)
        print(report)
    }
}
