import Foundation
import Pipeline
import Testing

@testable import Stages

/// A fresh temporary folder, removed by the caller.
private func makeTemporaryFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("suiji-config-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.path
}

/// The error `load(text:)` throws for a document, or nil if it loads.
private func loadError(_ text: String) -> ConfigurationError? {
    do {
        _ = try Configuration.load(text: text, displayName: "suiji.toml")
        return nil
    } catch {
        return error
    }
}

@Suite("Configuration")
struct ConfigurationTests {
    // MARK: [ui]

    @Test("The pages' language: zh or en, Chinese when unset; anything else names the key")
    func pageLanguage() throws {
        #expect(Configuration.defaults.ui.language == nil)
        #expect(Configuration.defaults.ui.pageLanguage == .zh)
        #expect(try Configuration.load(text: "[ui]\nlanguage = \"en\"\n", displayName: "suiji.toml").ui.pageLanguage == .en)
        #expect(try Configuration.load(text: "[ui]\nlanguage = \"zh\"\n", displayName: "suiji.toml").ui.language == .zh)
        #expect(
            loadError("[ui]\nlanguage = \"fr\"\n")?.description
                == "suiji.toml:2: error: 'ui.language' must be one of \"zh\", \"en\", found \"fr\"")
        #expect(
            loadError("[ui]\nlang = \"zh\"\n")?.description == "suiji.toml:2: error: unknown key 'ui.lang'; known keys in [ui]: language")
    }

    // MARK: Finding the file

    @Test("No file means every default, resolved against the working directory")
    func defaultsWhenNoFile() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }

        #expect(Configuration.locate(explicitPath: nil, workingDirectory: folder) == nil)
        let configuration = try Configuration.load(explicitPath: nil, workingDirectory: folder)
        var expected = Configuration.defaults
        expected.baseDirectory = folder
        #expect(configuration == expected)
        #expect(configuration.resolvedPath(\.store) == folder + "/suiji.sqlite")
        #expect(configuration.resolvedCalendarPath == nil)
    }

    @Test("The documented defaults")
    func documentedDefaults() throws {
        let defaults = Configuration.defaults
        #expect(defaults.region == "140981")
        #expect(defaults.year == 2024)
        #expect(defaults.store == "suiji.sqlite")
        #expect(defaults.calendar == "")
        #expect(
            defaults.paths
                == Configuration.Paths(inbox: "inbox", outbox: "outbox", archive: "archive", rejects: "rejects", reports: "reports"))
        #expect(defaults.risk.policy == .multipliers)
        #expect(defaults.risk.multipliers == ["A": 0.5, "B": 1.0, "C": 2.0, "D": 4.0])
        #expect(defaults.risk.fixed == nil)
        #expect(defaults.risk.overrides.isEmpty)
        #expect(defaults.draw.population == .initiatorAndCooperators)
        #expect(defaults.draw.leadDays == 14)
        #expect(defaults.draw.scopeMap == "")
        #expect(defaults.resolvedScopeMapPath == nil)
        #expect(defaults.inspectors.fromInitiator == 2)
        #expect(defaults.inspectors.fromEachCooperator == 1)
        #expect(defaults.inspectors.minimumTeam == 2)
        #expect(defaults.inspectors.loadCap == .auto)
        #expect(defaults.publish.formats == [.json, .xml])
        #expect(defaults.log.level == .info)
        #expect(defaults.log.format == .text)
        #expect(defaults.baseDirectory == ".")
        #expect(try Configuration.load(text: "", displayName: "suiji.toml") == defaults)
    }

    @Test("locate() finds suiji.toml in the working directory, or takes the explicit path")
    func locateInWorkingDirectoryOrExplicit() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "year = 2025\n".write(toFile: folder + "/suiji.toml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: folder + "/other", withIntermediateDirectories: true)
        try "year = 2026\n".write(toFile: folder + "/other/custom.toml", atomically: true, encoding: .utf8)

        #expect(Configuration.locate(explicitPath: nil, workingDirectory: folder) == folder + "/suiji.toml")
        #expect(Configuration.locate(explicitPath: "other/custom.toml", workingDirectory: folder) == folder + "/other/custom.toml")
        #expect(Configuration.locate(explicitPath: "/etc/suiji.toml", workingDirectory: folder) == "/etc/suiji.toml")
        #expect(Configuration.locate(explicitPath: "missing.toml", workingDirectory: folder) == folder + "/missing.toml")

        let fromWorkingDirectory = try Configuration.load(explicitPath: nil, workingDirectory: folder)
        #expect(fromWorkingDirectory.year == 2025)
        #expect(fromWorkingDirectory.baseDirectory == folder)
        let explicit = try Configuration.load(explicitPath: "other/custom.toml", workingDirectory: folder)
        #expect(explicit.year == 2026)
        #expect(explicit.baseDirectory == folder + "/other")

        let missing = #expect(throws: ConfigurationError.self) {
            try Configuration.load(explicitPath: "missing.toml", workingDirectory: folder)
        }
        #expect(
            missing?.description
                == "missing.toml: error: no such configuration file; create it (`suiji config example > suiji.toml` prints a commented one) or give the right path"
        )
    }

    // MARK: Reading every key

    @Test("Every key is read")
    func everyKeyParsed() throws {
        let text = """
            region = "330102"
            year = 2025
            store = "data/suiji.sqlite"
            calendar = "calendars/holidays.csv"

            [paths]
            inbox = "in"
            outbox = "out"
            archive = "old"
            rejects = "bad"
            reports = "rep"

            [risk]
            policy = "fixed"
            multipliers = { A = 0, B = 1, C = 3, D = 5.5 }
            fixed = { A = 0.01, B = 0.02, C = 0.10, D = 0.30 }

            [[risk.override]]
            task = 35
            ratio = 0.5

            [[risk.override]]
            task = 7
            count = 3
            policy = "multipliers"
            multipliers = { A = 1, B = 1, C = 1, D = 1 }

            [[risk.override]]
            task = 12
            fixed = { A = 0, B = 0.05, C = 0.2, D = 1 }

            [draw]
            population = "initiator"
            lead_days = 30
            scope_map = "maps/scope-map.json"

            [inspectors]
            from_initiator = 3
            from_each_cooperator = 2
            minimum_team = 3
            load_cap = 5

            [publish]
            formats = ["xml"]

            [plan]
            columns = "plan/columns.json"
            overrides = "plan/overrides.toml"

            [log]
            level = "debug"
            format = "json"
            """
        let configuration = try Configuration.load(text: text, displayName: "suiji.toml", baseDirectory: "/srv/suiji")
        let expected = Configuration(
            region: "330102",
            year: 2025,
            store: "data/suiji.sqlite",
            calendar: "calendars/holidays.csv",
            paths: .init(inbox: "in", outbox: "out", archive: "old", rejects: "bad", reports: "rep"),
            risk: .init(
                policy: .fixed,
                multipliers: ["A": 0, "B": 1, "C": 3, "D": 5.5],
                fixed: ["A": 0.01, "B": 0.02, "C": 0.10, "D": 0.30],
                overrides: [
                    .init(task: 35, ratio: 0.5),
                    .init(task: 7, count: 3, policy: .multipliers, multipliers: ["A": 1, "B": 1, "C": 1, "D": 1]),
                    .init(task: 12, fixed: ["A": 0, "B": 0.05, "C": 0.2, "D": 1]),
                ]),
            draw: .init(population: .initiator, leadDays: 30, scopeMap: "maps/scope-map.json"),
            inspectors: .init(fromInitiator: 3, fromEachCooperator: 2, minimumTeam: 3, loadCap: .limit(5)),
            publish: .init(formats: [.xml]),
            log: .init(level: .debug, format: .json),
            plan: .init(columns: "plan/columns.json", overrides: "plan/overrides.toml"),
            regionIsSet: true, yearIsSet: true,
            baseDirectory: "/srv/suiji")
        #expect(configuration == expected)
        #expect(configuration.risk.override(forTask: 7)?.count == 3)
        #expect(configuration.risk.override(forTask: 8) == nil)
    }

    @Test("Dotted keys, quoted keys and inline tables mean the same as tables")
    func dottedKeysAndInlineTables() throws {
        let text = """
            draw.lead_days = 3
            "log" = { level = "error" }
            [risk]
            override = [ { task = 1, count = 2 }, { task = 2, ratio = 1 } ]
            """
        let configuration = try Configuration.load(text: text, displayName: "suiji.toml")
        #expect(configuration.draw.leadDays == 3)
        #expect(configuration.log.level == .error)
        #expect(configuration.risk.overrides == [.init(task: 1, count: 2), .init(task: 2, ratio: 1)])
    }

    @Test("Relative paths are resolved against the configuration file's folder")
    func relativePathsResolveAgainstTheConfigurationFolder() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/conf", withIntermediateDirectories: true)
        let text = """
            store = "data/suiji.sqlite"
            calendar = "./holidays.csv"
            [paths]
            inbox = "../shared/inbox"
            reports = "/var/reports"
            [draw]
            scope_map = "../maps/scope-map.json"
            """
        try text.write(toFile: folder + "/conf/suiji.toml", atomically: true, encoding: .utf8)

        let configuration = try Configuration.load(explicitPath: "conf/suiji.toml", workingDirectory: folder)
        #expect(configuration.baseDirectory == folder + "/conf")
        #expect(configuration.store == "data/suiji.sqlite")
        #expect(configuration.resolvedPath(\.store) == folder + "/conf/data/suiji.sqlite")
        #expect(configuration.resolvedCalendarPath == folder + "/conf/holidays.csv")
        #expect(configuration.resolvedPath(\.paths.inbox) == folder + "/shared/inbox")
        #expect(configuration.resolvedPath(\.paths.outbox) == folder + "/conf/outbox")
        #expect(configuration.resolvedPath(\.paths.reports) == "/var/reports")
        #expect(configuration.resolvedScopeMapPath == folder + "/maps/scope-map.json")
    }

    @Test("Path joining folds dots without touching the disk")
    func pathJoining() {
        #expect(Configuration.join("/a/b", "c") == "/a/b/c")
        #expect(Configuration.join("/a/b", "../c/./d") == "/a/c/d")
        #expect(Configuration.join("/a", "/x//y/") == "/x/y")
        #expect(Configuration.join(".", "inbox") == "inbox")
        #expect(Configuration.join("..", "../x") == "../../x")
        #expect(Configuration.join("/", "../x") == "/x")
        #expect(Configuration.directory(of: "suiji.toml") == ".")
        #expect(Configuration.directory(of: "/suiji.toml") == "/")
        #expect(Configuration.directory(of: "conf/suiji.toml") == "conf")
    }

    // MARK: Unknown keys

    @Test("An unknown top-level key names its line and the known keys")
    func unknownTopLevelKey() {
        let text = """
            region = "140981"
            # a comment
            yaer = 2024
            """
        #expect(
            loadError(text)?.description
                == "suiji.toml:3: error: unknown key 'yaer'; known top-level keys: region, year, store, calendar, paths, risk, draw, inspectors, publish, log, plan, ui"
        )
    }

    @Test("An unknown key in a table names its dotted key and line")
    func unknownKeyInTable() {
        let text = """
            region = "140981"
            year = 2024

            [risk]
            policy = "multipliers"

            multiplers = { A = 0.5, B = 1.0, C = 2.0, D = 4.0 }
            """
        let error = loadError(text)
        #expect(
            error?.description
                == "suiji.toml:7: error: unknown key 'risk.multiplers'; known keys in [risk]: policy, multipliers, fixed, visits, override"
        )
        #expect(error?.key == "risk.multiplers")
        #expect(error?.line == 7)
    }

    @Test("An unknown key in [draw] lists scope_map among the known keys")
    func unknownKeyInDraw() {
        let error = loadError("[draw]\nlead_days = 14\nscope-map = \"maps/scope-map.json\"\n")
        #expect(
            error?.description
                == "suiji.toml:3: error: unknown key 'draw.scope-map'; known keys in [draw]: population, lead_days, scope_map, watchlist, joint_visits, salt_key"
        )
        #expect(error?.key == "draw.scope-map")
    }

    @Test("The draw's rules of issue 15: visits per class, the watchlist rule, joint visits, the salt key")
    func drawRules() throws {
        let text = """
            [risk]
            visits = { A = 1, B = 1, C = 2, D = 3 }
            [draw]
            watchlist = "always-include"
            joint_visits = false
            salt_key = "a county's own secret"
            """
        let configuration = try Configuration.load(text: text, displayName: "suiji.toml")
        #expect(configuration.risk.visits == ["A": 1, "B": 1, "C": 2, "D": 3])
        #expect(configuration.draw.watchlist == .alwaysInclude)
        #expect(configuration.draw.jointVisits == false)
        #expect(configuration.draw.saltKey == "a county's own secret")
        #expect(Configuration.defaults.risk.visits == ["A": 1, "B": 1, "C": 1, "D": 2])
        #expect(Configuration.defaults.draw.watchlist == .classD)
        #expect(Configuration.defaults.draw.jointVisits)
        #expect(Configuration.defaults.draw.saltKey == "")
        #expect(
            loadError("[risk]\nvisits = { A = 1, B = 1, C = 1.5, D = 0 }\n")?.description
                == "suiji.toml:2: error: 'risk.visits' must give whole numbers of visits from 1 to 12; C, D is not")
        #expect(
            loadError("[risk]\nvisits = { A = 1, B = 1, C = 1, D = 13 }\n")?.description
                == "suiji.toml:2: error: 'risk.visits.D' must be a number between 0 and 12, found 13")
        #expect(
            loadError("[draw]\nwatchlist = \"D\"\n")?.description
                == "suiji.toml:2: error: 'draw.watchlist' must be one of \"class-d\", \"always-include\", \"off\", found \"D\"")
        #expect(
            loadError("[draw]\njoint_visits = \"yes\"\n")?.description
                == "suiji.toml:2: error: 'draw.joint_visits' must be true or false, found \"yes\"")
        #expect(
            loadError("[draw]\nsalt_key = \"short\"\n")?.description
                == "suiji.toml:2: error: 'draw.salt_key' must be \"\" (the store's own key) or a secret of at least 16 characters, found \"short\""
        )
    }

    @Test("An unknown key inside an inline table reports the inline table's line")
    func unknownKeyInInlineTable() {
        let text = """
            [risk]
            policy = "multipliers"
            multipliers = { A = 0.5, B = 1.0, C = 2.0, D = 4.0, X = 1 }
            """
        #expect(
            loadError(text)?.description
                == "suiji.toml:3: error: unknown key 'risk.multipliers.X'; known keys in [risk.multipliers]: A, B, C, D"
        )
    }

    @Test("An unknown key in the second [[risk.override]] names that block")
    func unknownKeyInSecondOverride() {
        let text = """
            [[risk.override]]
            task = 35
            ratio = 0.5

            [[risk.override]]
            task = 36
            cuont = 3
            """
        let error = loadError(text)
        #expect(
            error?.description
                == "suiji.toml:7: error: unknown key 'risk.override[2].cuont'; known keys in [[risk.override]]: task, ratio, count, policy, multipliers, fixed"
        )
        #expect(error?.key == "risk.override[2].cuont")
    }

    @Test("An unknown table header reports the header's line")
    func unknownTable() {
        #expect(
            loadError("year = 2024\n\n[publsh]\nformats = [\"json\"]\n")?.description
                == "suiji.toml:3: error: unknown key 'publsh'; known top-level keys: region, year, store, calendar, paths, risk, draw, inspectors, publish, log, plan, ui"
        )
    }

    @Test("Of several problems, the first in the file is reported")
    func firstProblemByLine() {
        let text = """
            [log]
            level = "loud"
            [draw]
            lead_days = -1
            [inspectors]
            minimum_team = 1
            """
        #expect(
            loadError(text)?.description
                == "suiji.toml:2: error: 'log.level' must be one of \"trace\", \"debug\", \"info\", \"notice\", \"warning\", \"error\", \"critical\", found \"loud\""
        )
    }

    @Test("Strings, multi-line strings and arrays do not confuse the line count")
    func lineCountingThroughStringsAndArrays() {
        let text = """
            calendar = \"\"\"
            not = "a key"
            [nor.a.table]
            \"\"\"
            store = 'a # not a comment'
            [publish]
            formats = [
                "json", # fine
                "pdf",
            ]
            """
        let error = loadError(text)
        #expect(error?.description == "suiji.toml:9: error: 'publish.formats[2]' must be \"json\" or \"xml\", found \"pdf\"")
    }

    // MARK: Bad values

    @Test(
        "A bad value names the key, the line, what is expected and what was found",
        arguments: [
            (
                "region = \"140981\"\nyear = \"2O24\"\n",
                "suiji.toml:2: error: 'year' must be an integer between 2000 and 2100, found \"2O24\""
            ),
            ("region = \"14098\"\n", "suiji.toml:1: error: 'region' must be a 6-digit region code such as \"140981\", found \"14098\""),
            ("region = 140981\n", "suiji.toml:1: error: 'region' must be a 6-digit region code such as \"140981\", found 140981"),
            ("year = 1999\n", "suiji.toml:1: error: 'year' must be an integer between 2000 and 2100, found 1999"),
            ("year = 2024.0\n", "suiji.toml:1: error: 'year' must be an integer between 2000 and 2100, found 2024.0"),
            (
                "[risk]\nmultipliers = { A = -1, B = 1.0, C = 2.0, D = 4.0 }\n",
                "suiji.toml:2: error: 'risk.multipliers.A' must be a finite number of at least 0, found -1"
            ),
            (
                "[risk]\nmultipliers = { A = 0.5, B = 1.0, C = 2.0 }\n",
                "suiji.toml:2: error: 'risk.multipliers' must give all of A, B, C and D; missing D"
            ),
            (
                "[risk]\nmultipliers = { A = 0.5, B = 1.0, C = 2.0, D = inf }\n",
                "suiji.toml:2: error: 'risk.multipliers.D' must be a finite number of at least 0, found inf"
            ),
            (
                "[risk]\nfixed = { A = 0.01, B = 0.02, C = 0.10, D = 1.5 }\n",
                "suiji.toml:2: error: 'risk.fixed.D' must be a number between 0 and 1, found 1.5"
            ),
            (
                "[risk]\npolicy = \"random\"\n",
                "suiji.toml:2: error: 'risk.policy' must be one of \"multipliers\", \"fixed\", found \"random\""
            ),
            (
                "[risk]\npolicy = \"fixed\"\n",
                "suiji.toml:2: error: 'risk.policy' is \"fixed\" but [risk] has no 'fixed' table; add fixed = { A = …, B = …, C = …, D = … }"
            ),
            ("[draw]\nscope_map = 3\n", "suiji.toml:2: error: 'draw.scope_map' must be a path in quotes, found 3"),
            ("[draw]\nscope_map = [\"a.json\"]\n", "suiji.toml:2: error: 'draw.scope_map' must be a path in quotes, found an array"),
            ("[draw]\nlead_days = 9999\n", "suiji.toml:2: error: 'draw.lead_days' must be an integer between 0 and 366, found 9999"),
            (
                "[draw]\npopulation = \"everyone\"\n",
                "suiji.toml:2: error: 'draw.population' must be one of \"initiator-and-cooperators\", \"initiator\", found \"everyone\""
            ),
            (
                "[inspectors]\nminimum_team = 1\n",
                "suiji.toml:2: error: 'inspectors.minimum_team' must be an integer of at least 2 (行政处罚法 Art. 42: two officers per inspection), found 1"
            ),
            (
                "[inspectors]\nfrom_initiator = 0\n",
                "suiji.toml:2: error: 'inspectors.from_initiator' must be an integer of at least 1, found 0"
            ),
            (
                "[inspectors]\nload_cap = \"max\"\n",
                "suiji.toml:2: error: 'inspectors.load_cap' must be \"auto\" or an integer of at least 1, found \"max\""
            ),
            (
                "[inspectors]\nload_cap = 0\n",
                "suiji.toml:2: error: 'inspectors.load_cap' must be \"auto\" or an integer of at least 1, found 0"
            ),
            (
                "[publish]\nformats = []\n",
                "suiji.toml:2: error: 'publish.formats' must be a non-empty array of \"json\" and \"xml\", found an empty array"
            ),
            (
                "[publish]\nformats = \"json\"\n",
                "suiji.toml:2: error: 'publish.formats' must be a non-empty array of \"json\" and \"xml\", found \"json\""
            ),
            ("[publish]\nformats = [\"json\", \"json\"]\n", "suiji.toml:2: error: 'publish.formats' lists \"json\" twice"),
            ("[log]\nformat = \"yaml\"\n", "suiji.toml:2: error: 'log.format' must be one of \"text\", \"json\", found \"yaml\""),
            ("store = \"\"\n", "suiji.toml:1: error: 'store' must be a non-empty path in quotes, found \"\""),
            ("paths = \"inbox\"\n", "suiji.toml:1: error: 'paths' must be a table, written [paths], found \"inbox\""),
            ("[paths]\ninbox = 3\n", "suiji.toml:2: error: 'paths.inbox' must be a non-empty path in quotes, found 3"),
        ])
    func badValue(text: String, expected: String) {
        #expect(loadError(text)?.description == expected)
    }

    @Test(
        "A bad [[risk.override]] names the block",
        arguments: [
            (
                "[[risk.override]]\nratio = 0.5\n",
                "suiji.toml:1: error: 'risk.override[1]' has no 'task'; give the plan's 序号 of the task it overrides, such as task = 35"
            ),
            (
                "[[risk.override]]\ntask = 0\n",
                "suiji.toml:2: error: 'risk.override[1].task' must be an integer of at least 1 (the plan's 序号), found 0"
            ),
            (
                "[[risk.override]]\ntask = 1\n[[risk.override]]\ntask = 1\n",
                "suiji.toml:4: error: 'risk.override[2].task' repeats task 1, already overridden by risk.override[1]"
            ),
            (
                "[[risk.override]]\ntask = 1\nratio = 1.5\n",
                "suiji.toml:3: error: 'risk.override[1].ratio' must be a number greater than 0 and at most 1, found 1.5"
            ),
            (
                "[[risk.override]]\ntask = 1\nratio = 0\n",
                "suiji.toml:3: error: 'risk.override[1].ratio' must be a number greater than 0 and at most 1, found 0"
            ),
            (
                "[[risk.override]]\ntask = 1\ncount = 0\n",
                "suiji.toml:3: error: 'risk.override[1].count' must be an integer of at least 1, found 0"
            ),
            (
                "[[risk.override]]\ntask = 1\nratio = 0.5\ncount = 2\n",
                "suiji.toml:4: error: 'risk.override[1]' gives both 'ratio' and 'count'; keep one"
            ),
            (
                "[[risk.override]]\ntask = 1\npolicy = \"fixed\"\n",
                "suiji.toml:3: error: 'risk.override[1].policy' is \"fixed\" but neither this [[risk.override]] nor [risk] has a 'fixed' table"
            ),
            (
                "[risk]\noverride = 3\n",
                "suiji.toml:2: error: 'risk.override' must be an array of tables, written [[risk.override]], found 3"
            ),
        ])
    func badOverride(text: String, expected: String) {
        #expect(loadError(text)?.description == expected)
    }

    @Test("An override with policy fixed may use [risk]'s fixed table")
    func overrideUsesRiskFixedTable() throws {
        let text = """
            [risk]
            fixed = { A = 0.01, B = 0.02, C = 0.10, D = 0.30 }
            [[risk.override]]
            task = 4
            policy = "fixed"
            """
        let configuration = try Configuration.load(text: text, displayName: "suiji.toml")
        #expect(configuration.risk.policy == .multipliers)
        #expect(configuration.risk.overrides == [.init(task: 4, policy: .fixed)])
    }

    // MARK: Syntax

    @Test("A TOML syntax error keeps its line and column")
    func syntaxError() {
        let text = """
            region = "140981"
            year = 2024
            [draw
            lead_days = 14
            """
        let error = loadError(text)
        #expect(error?.line == 3)
        #expect(error?.key == "")
        #expect(error?.description == #"suiji.toml:3:6: error: TOML syntax: Error while parsing table header: expected ']', saw '\n'"#)
    }

    // MARK: The shipped example

    @Test("The shipped example loads to exactly the defaults")
    func exampleEqualsDefaults() throws {
        let text = try Configuration.exampleText()
        #expect(try Configuration.load(text: text, displayName: "suiji.example.toml") == Configuration.defaults)

        // Every key the reader knows appears in the example, commented or not.
        for key in ConfigurationReader.topLevelKeys + ConfigurationReader.pathsKeys + ConfigurationReader.riskKeys
            + ConfigurationReader.overrideKeys + ConfigurationReader.drawKeys + ConfigurationReader.inspectorsKeys
            + ConfigurationReader.publishKeys + ConfigurationReader.logKeys + ConfigurationReader.planKeys
        {
            #expect(text.contains(key), "the example does not mention '\(key)'")
        }
    }

    @Test("An error reads as a diagnostic")
    func errorAsDiagnostic() {
        let error = ConfigurationError(file: "suiji.toml", line: 3, key: "year", message: "'year' must be an integer")
        #expect(error.diagnostic.severity == .error)
        #expect(error.location.description == "suiji.toml:3")
        #expect(ConfigurationError(file: "x.toml", line: 2, column: 5, key: "", message: "m").description == "x.toml:2:5: error: m")
    }

    // MARK: Found by the fuzzer

    /// Found by the fuzzer (Benchmarks/Fuzz, FuzzConfiguration): a table name that does not start
    /// with a bare-key character or a quote stopped the process on an assertion inside toml++.
    @Test(arguments: [
        ("year = 2024\n[抽查]\n", 2, 2, "'抽'", "抽查"), ("[[ 抽查 ]]\n", 1, 4, "'抽'", "抽查 "), ("\t[é.x]\n", 1, 3, "'é'", "é.x"),
        ("[= / \na", 1, 2, "'='", "= / "), ("[#]\n", 1, 2, "'#'", "#"), ("x = 1\n[\n", 2, 2, "the end of the line", ""),
        ("[[ [  ", 1, 4, "'['", "[  "),
    ])
    func aTableNameThatCannotStartAKeyIsAnErrorNotACrash(_ text: String, _ line: Int, _ column: Int, _ shown: String, _ name: String) {
        let error = loadError(text)
        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(
            error?.message
                == "TOML syntax: a table name starts with a letter, digit, '_', '-' or a quote, not \(shown); put the name in quotes, e.g. [\"\(name)\"]"
        )
    }

    /// A `[` that starts a line inside a string, a comment or an array value is not a table header.
    @Test(arguments: [
        "log.level = \"\"\"\n[抽查]\n\"\"\"\n", "log.level = '''\n[=]\n'''\n", "# [=]\n", "publish.formats = [\n  [ \"x\" ],\n  [{}],\n]\n",
    ])
    func aLineLikeATableThatIsNotOneIsLeftToTheParser(_ text: String) {
        #expect(loadError(text)?.message.hasPrefix("TOML syntax: a table name") != true)
        #expect(Configuration.unreadableTableHeader(in: text, displayName: "suiji.toml") == nil)
    }
}

extension ConfigurationTests {
    /// Found by the fuzzer (Benchmarks/Fuzz, FuzzConfiguration): a `}` where an array expects a value
    /// stopped the process on another assertion inside toml++.
    @Test(arguments: [("a = [\n}", 2, 1), ("a = [1, }]", 1, 9), ("a = { b = [ # c\n }", 2, 2), ("a = [[}]]", 1, 7)])
    func aClosingBraceWhereAnArrayWantsAValueIsAnErrorNotACrash(_ text: String, _ line: Int, _ column: Int) {
        let error = loadError(text)
        #expect(error?.line == line)
        #expect(error?.column == column)
        #expect(error?.message == "TOML syntax: '}' where the array expects a value or its closing ']'")
    }
}
