public import ArgumentParser
public import DevKit
import Foundation
import Pipeline

/// `suiji-dev generate register`: seeded test and benchmark data.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Generate seeded test data (registers) for tests and benchmarks.",
        subcommands: [GenerateRegister.self])
}

/// `suiji-dev generate register --rows N --seed S --out FILE`.
struct GenerateRegister: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Write a realistic register with a chosen rate of bad rows, and a sidecar listing them.")

    @Option(help: "Data rows to write.")
    var rows: Int = 1000

    @Option(help: "The generator's seed (the same seed gives the same bytes on any machine).")
    var seed: UInt64 = 20240101

    @Option(help: "The share of bad rows of EACH kind (0.01 = 1% per kind).")
    var badRate: Double = 0.0

    @Option(help: "csv, csv-bom-crlf, csv-gb18030, xml or xlsx.")
    var layout: RegisterFileLayout = .csv

    @Option(help: "The department named in the file.")
    var department: String = RegisterGenerator.defaultDepartmentName

    @Option(
        name: .customLong("region"),
        help: "A region code of the rows (repeat it; the first is the home region; default: 原平市's and its neighbours').")
    var regions: [String] = []

    @Option(help: "The output file.")
    var out: String

    @Option(help: "Where to write the JSON list of bad rows (default: OUT.bad.json).")
    var sidecar: String?

    func run() throws {
        var options = RegisterGenerator.Options(seed: seed, rows: rows, badRowRate: badRate)
        options.departmentName = department
        if !regions.isEmpty { options.regionCodes = regions }
        let generator = RegisterGenerator(options: options)
        let entries = try RegisterFileWriter.write(generator, layout: layout, to: out, sidecarPath: sidecar ?? out + ".bad.json")
        print("wrote \(rows) rows to \(out) (\(entries.count) bad rows listed in \(sidecar ?? out + ".bad.json"))")
    }
}

extension RegisterFileLayout: ExpressibleByArgument {}
