// Reading the parsed TOML tables into a `Configuration`: every key checked, every problem collected
// with its dotted key and line.

internal import Foundation
internal import Pipeline
internal import TOMLKit

/// A dotted key of the document; array elements are components too.
struct ConfigKey: Hashable, CustomStringConvertible {
    /// One step into the document.
    enum Component: Hashable {
        /// A table key.
        case key(String)
        /// A 0-based array element.
        case index(Int)
    }

    /// The steps from the root.
    var components: [Component] = []

    /// The document root.
    static let root = ConfigKey()

    /// This key with a table key appended.
    func appending(_ name: String) -> ConfigKey { ConfigKey(components: components + [.key(name)]) }

    /// This key with an array index appended.
    func appending(index: Int) -> ConfigKey { ConfigKey(components: components + [.index(index)]) }

    /// `risk.override[2].task`: keys joined by dots (quoted when not bare), elements counted from 1.
    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let name):
                if !text.isEmpty { text += "." }
                text += Self.bareOrQuoted(name)
            case .index(let index):
                text += "[\(index + 1)]"
            }
        }
        return text
    }

    /// How a table is named in "known keys in …": `[risk]`, `[[risk.override]]`, or `'a[1].b'`.
    var tableLabel: String {
        let indexCount = components.filter { if case .index = $0 { true } else { false } }.count
        if indexCount == 0 { return "[\(description)]" }
        if indexCount == 1, case .index = components.last {
            return "[[\(ConfigKey(components: components.dropLast()).description)]]"
        }
        return "'\(description)'"
    }

    private static func bareOrQuoted(_ name: String) -> String {
        let isBare = !name.isEmpty && name.utf8.allSatisfy(TOMLKeyLines.isBareKeyByte)
        if isBare { return name }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\""
    }
}

/// Reads the parsed tables into a ``Configuration``, collecting every problem with its line.
struct ConfigurationReader {
    let displayName: String
    let lines: TOMLKeyLines
    private(set) var errors: [ConfigurationError] = []

    init(displayName: String, lines: TOMLKeyLines) {
        self.displayName = displayName
        self.lines = lines
    }

    /// The problem that comes first in the file (file-wide ones last), if any.
    var firstError: ConfigurationError? {
        errors.enumerated().min { lhs, rhs in
            (lhs.element.line ?? .max, lhs.offset) < (rhs.element.line ?? .max, rhs.offset)
        }?.element
    }

    static let topLevelKeys = [
        "region", "year", "store", "calendar", "paths", "risk", "draw", "inspectors", "publish", "log", "plan", "ui",
    ]
    static let planKeys = ["columns", "overrides"]
    static let pathsKeys = ["inbox", "outbox", "archive", "rejects", "reports"]
    static let riskKeys = ["policy", "multipliers", "fixed", "visits", "override"]
    static let overrideKeys = ["task", "ratio", "count", "policy", "multipliers", "fixed"]
    static let drawKeys = ["population", "lead_days", "scope_map", "watchlist", "joint_visits", "salt_key"]
    static let inspectorsKeys = ["from_initiator", "from_each_cooperator", "minimum_team", "load_cap"]
    static let publishKeys = ["formats"]
    static let logKeys = ["level", "format"]

    mutating func read(_ root: TOMLTable) -> Configuration {
        var configuration = Configuration.defaults
        let top = ConfigKey.root
        checkKeys(root, at: top, known: Self.topLevelKeys)

        if let value = root["region"] {
            if let text = value.string, text.utf8.count == 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                configuration.region = text
                configuration.regionIsSet = true
            } else {
                fail(top.appending("region"), Message(.configRegion), found: value)
            }
        }
        if let year = integer(root, "year", at: top, in: 2000...2100, Message(.configYear)) {
            configuration.year = year
            configuration.yearIsSet = true
        }
        if let store = path(root, "store", at: top, allowEmpty: false) { configuration.store = store }
        if let calendar = path(root, "calendar", at: top, allowEmpty: true) { configuration.calendar = calendar }

        if let paths = table(root, "paths", at: top) {
            let key = top.appending("paths")
            checkKeys(paths, at: key, known: Self.pathsKeys)
            if let value = path(paths, "inbox", at: key, allowEmpty: false) { configuration.paths.inbox = value }
            if let value = path(paths, "outbox", at: key, allowEmpty: false) { configuration.paths.outbox = value }
            if let value = path(paths, "archive", at: key, allowEmpty: false) { configuration.paths.archive = value }
            if let value = path(paths, "rejects", at: key, allowEmpty: false) { configuration.paths.rejects = value }
            if let value = path(paths, "reports", at: key, allowEmpty: false) { configuration.paths.reports = value }
        }
        if let risk = table(root, "risk", at: top) {
            configuration.risk = readRisk(risk, at: top.appending("risk"))
        }
        if let draw = table(root, "draw", at: top) {
            let key = top.appending("draw")
            checkKeys(draw, at: key, known: Self.drawKeys)
            if let population = choice(draw, "population", at: key, of: Configuration.Population.self) {
                configuration.draw.population = population
            }
            if let days = integer(draw, "lead_days", at: key, in: 0...366, Message(.configLeadDays)) {
                configuration.draw.leadDays = days
            }
            if let scopeMap = path(draw, "scope_map", at: key, allowEmpty: true) { configuration.draw.scopeMap = scopeMap }
            if let rule = choice(draw, "watchlist", at: key, of: WatchlistRule.self) { configuration.draw.watchlist = rule }
            if let value = draw["joint_visits"] {
                if let flag = value.bool {
                    configuration.draw.jointVisits = flag
                } else {
                    fail(key.appending("joint_visits"), Message(.configBool), found: value)
                }
            }
            if let value = draw["salt_key"] {
                if let text = value.string, text.isEmpty || text.utf8.count >= 16 {
                    configuration.draw.saltKey = text
                } else {
                    fail(
                        key.appending("salt_key"),
                        Message(.configSaltKey), found: value)
                }
            }
        }
        if let inspectors = table(root, "inspectors", at: top) {
            configuration.inspectors = readInspectors(inspectors, at: top.appending("inspectors"))
        }
        if let publish = table(root, "publish", at: top) {
            let key = top.appending("publish")
            checkKeys(publish, at: key, known: Self.publishKeys)
            if let formats = readFormats(publish, at: key) { configuration.publish.formats = formats }
        }
        if let plan = table(root, "plan", at: top) {
            let key = top.appending("plan")
            checkKeys(plan, at: key, known: Self.planKeys)
            if let columns = path(plan, "columns", at: key, allowEmpty: true) { configuration.plan.columns = columns }
            if let overrides = path(plan, "overrides", at: key, allowEmpty: true) { configuration.plan.overrides = overrides }
        }
        if let log = table(root, "log", at: top) {
            let key = top.appending("log")
            checkKeys(log, at: key, known: Self.logKeys)
            if let level = choice(log, "level", at: key, of: Configuration.LogLevel.self) { configuration.log.level = level }
            if let format = choice(log, "format", at: key, of: Configuration.LogFormat.self) { configuration.log.format = format }
        }
        if let ui = table(root, "ui", at: top) {
            checkKeys(ui, at: top.appending("ui"), known: ["language"])
            configuration.ui.language = choice(ui, "language", at: top.appending("ui"), of: UILanguage.self)
        }
        return configuration
    }

    private mutating func readRisk(_ risk: TOMLTable, at key: ConfigKey) -> Configuration.RiskSettings {
        var settings = Configuration.RiskSettings.defaults
        checkKeys(risk, at: key, known: Self.riskKeys)
        let policy = choice(risk, "policy", at: key, of: Configuration.RiskPolicyKind.self)
        if let policy { settings.policy = policy }
        if let multipliers = classTable(risk, "multipliers", at: key, atMost: nil) { settings.multipliers = multipliers }
        if let visits = classTable(risk, "visits", at: key, atMost: 12) {
            let bad = Configuration.creditClasses.filter { (visits[$0] ?? 1) < 1 || (visits[$0] ?? 1) != (visits[$0] ?? 1).rounded() }
            if bad.isEmpty {
                settings.visits = visits.mapValues { Int($0) }
            } else {
                errors.append(
                    error(
                        key.appending("visits"),
                        Message(.configVisits, ["key": key.appending("visits").description, "classes": bad.joined(separator: ", ")])
                    ))
            }
        }
        settings.fixed = classTable(risk, "fixed", at: key, atMost: 1)
        let hasFixed = risk["fixed"] != nil
        if policy == .fixed, !hasFixed {
            errors.append(
                error(
                    key.appending("policy"),
                    Message(.configFixedMissing, ["key": key.appending("policy").description]))
            )
        }
        guard let value = risk["override"] else { return settings }
        let overridesKey = key.appending("override")
        guard let array = value.array else {
            fail(overridesKey, Message(.configArrayOfTables, ["key": overridesKey.description]), found: value)
            return settings
        }
        var firstBlockOfTask: [Int: ConfigKey] = [:]
        for index in 0..<array.count {
            let elementKey = overridesKey.appending(index: index)
            let element = array[index]
            guard let table = element.table else {
                fail(elementKey, Message(.configTableWithTask), found: element)
                continue
            }
            guard let override = readOverride(table, at: elementKey, riskHasFixed: hasFixed) else { continue }
            if let earlier = firstBlockOfTask[override.task] {
                errors.append(
                    error(
                        elementKey.appending("task"),
                        Message(
                            .configOverrideRepeats,
                            ["key": elementKey.appending("task").description, "task": "\(override.task)", "earlier": earlier.description])))
                continue
            }
            firstBlockOfTask[override.task] = elementKey
            settings.overrides.append(override)
        }
        return settings
    }

    private mutating func readOverride(_ table: TOMLTable, at key: ConfigKey, riskHasFixed: Bool) -> Configuration.TaskOverride? {
        checkKeys(table, at: key, known: Self.overrideKeys)
        let task = integer(table, "task", at: key, in: 1...Int.max, Message(.configTaskNumber))
        if table["task"] == nil {
            errors.append(error(key, Message(.configOverrideNoTask, ["key": key.description])))
        }
        var ratio: Double?
        if let value = table["ratio"] {
            if let number = Self.number(value), number > 0, number <= 1 {
                ratio = number
            } else {
                fail(key.appending("ratio"), Message(.configRatio), found: value)
            }
        }
        let count = integer(table, "count", at: key, in: 1...Int.max, Message(.configAtLeastOne))
        if table["ratio"] != nil, table["count"] != nil {
            errors.append(error(key.appending("count"), Message(.configRatioAndCount, ["key": key.description])))
        }
        let policy = choice(table, "policy", at: key, of: Configuration.RiskPolicyKind.self)
        let multipliers = classTable(table, "multipliers", at: key, atMost: nil)
        let fixed = classTable(table, "fixed", at: key, atMost: 1)
        if policy == .fixed, table["fixed"] == nil, !riskHasFixed {
            errors.append(
                error(
                    key.appending("policy"),
                    Message(.configFixedMissingOverride, ["key": key.appending("policy").description])))
        }
        guard let task else { return nil }
        return Configuration.TaskOverride(task: task, ratio: ratio, count: count, policy: policy, multipliers: multipliers, fixed: fixed)
    }

    private mutating func readInspectors(_ table: TOMLTable, at key: ConfigKey) -> Configuration.InspectorSettings {
        var settings = Configuration.InspectorSettings.defaults
        checkKeys(table, at: key, known: Self.inspectorsKeys)
        if let value = integer(table, "from_initiator", at: key, in: 1...Int.max, Message(.configAtLeastOne)) {
            settings.fromInitiator = value
        }
        if let value = integer(table, "from_each_cooperator", at: key, in: 1...Int.max, Message(.configAtLeastOne)) {
            settings.fromEachCooperator = value
        }
        if let value = integer(
            table, "minimum_team", at: key, in: 2...Int.max,
            Message(.configMinimumTeam))
        {
            settings.minimumTeam = value
        }
        if let value = table["load_cap"] {
            if value.string == "auto" {
                settings.loadCap = .auto
            } else if let cap = value.int, cap >= 1 {
                settings.loadCap = .limit(cap)
            } else {
                fail(key.appending("load_cap"), Message(.configLoadCap), found: value)
            }
        }
        return settings
    }

    private mutating func readFormats(_ table: TOMLTable, at key: ConfigKey) -> [Configuration.PublishFormat]? {
        guard let value = table["formats"] else { return nil }
        let formatsKey = key.appending("formats")
        let expectation = Message(.configFormats)
        guard let array = value.array, !array.isEmpty else {
            fail(formatsKey, expectation, found: value)
            return nil
        }
        var formats: [Configuration.PublishFormat] = []
        var valid = true
        for index in 0..<array.count {
            let element = array[index]
            let elementKey = formatsKey.appending(index: index)
            guard let name = element.string, let format = Configuration.PublishFormat(rawValue: name) else {
                fail(elementKey, Message(.configFormat), found: element)
                valid = false
                continue
            }
            if formats.contains(format) {
                errors.append(error(elementKey, Message(.configFormatTwice, ["key": formatsKey.description, "name": name])))
                valid = false
                continue
            }
            formats.append(format)
        }
        return valid ? formats : nil
    }

    // MARK: Value helpers

    /// Reports every key of `table` not in `known` (listed in document order).
    private mutating func checkKeys(_ table: TOMLTable, at key: ConfigKey, known: [String]) {
        for name in table.keys where !known.contains(name) {
            let unknown = key.appending(name)
            let place = key.components.isEmpty ? Message(.configKnownTopLevel) : Message(.configKnownIn, ["table": key.tableLabel])
            errors.append(
                error(
                    unknown,
                    Message(
                        .configUnknownKey, ["key": unknown.description, "known": known.joined(separator: ", ")], parts: ["place": place])))
        }
    }

    /// A sub-table, or nil (with an error if present but not a table).
    private mutating func table(_ parent: TOMLTable, _ name: String, at key: ConfigKey) -> TOMLTable? {
        guard let value = parent[name] else { return nil }
        if let table = value.table { return table }
        fail(key.appending(name), Message(.configTable, ["key": key.appending(name).description]), found: value)
        return nil
    }

    /// An integer in a range, or nil (with an error if present but bad).
    private mutating func integer(
        _ table: TOMLTable, _ name: String, at key: ConfigKey, in range: ClosedRange<Int>, _ expectation: Message
    ) -> Int? {
        guard let value = table[name] else { return nil }
        if let integer = value.int, range.contains(integer) { return integer }
        fail(key.appending(name), expectation, found: value)
        return nil
    }

    /// A path string, or nil (with an error if present but bad).
    private mutating func path(_ table: TOMLTable, _ name: String, at key: ConfigKey, allowEmpty: Bool) -> String? {
        guard let value = table[name] else { return nil }
        if let text = value.string, allowEmpty || !text.isEmpty { return text }
        fail(key.appending(name), Message(allowEmpty ? .configPath : .configNonEmptyPath), found: value)
        return nil
    }

    /// One of an enumeration's raw values, or nil (with an error if present but bad).
    private mutating func choice<Choice: RawRepresentable & CaseIterable>(
        _ table: TOMLTable, _ name: String, at key: ConfigKey, of type: Choice.Type
    ) -> Choice? where Choice.RawValue == String {
        guard let value = table[name] else { return nil }
        if let text = value.string, let choice = Choice(rawValue: text) { return choice }
        let names = Choice.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        fail(key.appending(name), Message(.configOneOf, ["names": names]), found: value)
        return nil
    }

    /// A table of the four credit-risk classes, or nil (with errors if present but bad).
    private mutating func classTable(_ table: TOMLTable, _ name: String, at key: ConfigKey, atMost maximum: Double?) -> [String: Double]? {
        guard let value = table[name] else { return nil }
        let tableKey = key.appending(name)
        let classes = Configuration.creditClasses
        guard let classTable = value.table else {
            fail(tableKey, Message(.configClassTable), found: value)
            return nil
        }
        let errorCount = errors.count
        checkKeys(classTable, at: tableKey, known: classes)
        var result: [String: Double] = [:]
        var missing: [String] = []
        for creditClass in classes {
            guard let entry = classTable[creditClass] else {
                missing.append(creditClass)
                continue
            }
            if let number = Self.number(entry), number.isFinite, number >= 0, number <= (maximum ?? .infinity) {
                result[creditClass] = number
            } else {
                let expectation =
                    maximum.map { Message(.configNumberBetween, ["max": Self.format($0)]) } ?? Message(.configFiniteNumber)
                fail(tableKey.appending(creditClass), expectation, found: entry)
            }
        }
        if !missing.isEmpty {
            errors.append(
                error(tableKey, Message(.configMissingClasses, ["key": tableKey.description, "missing": missing.joined(separator: ", ")])))
        }
        return errors.count == errorCount ? result : nil
    }

    private mutating func fail(_ key: ConfigKey, _ expectation: Message, found value: any TOMLValueConvertible) {
        errors.append(
            error(key, Message(.configFound, ["key": key.description, "found": Self.render(value)], parts: ["expectation": expectation])))
    }

    private func error(_ key: ConfigKey, _ text: Message) -> ConfigurationError {
        ConfigurationError(file: displayName, line: lines.line(of: key), key: key.description, text)
    }

    /// An integer or floating-point value as a Double.
    static func number(_ value: any TOMLValueConvertible) -> Double? {
        if let double = value.double { return double }
        if let integer = value.int { return Double(integer) }
        return nil
    }

    /// A number without a needless `.0`.
    static func format(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

    /// A value as the user wrote it, closely enough to recognise it in an error.
    static func render(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string:
            let text = value.string ?? ""
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        case .int: return value.int.map { String($0) } ?? "an integer"
        case .double: return value.double.map { String($0) } ?? "a number"
        case .bool: return value.bool.map { String($0) } ?? "a boolean"
        case .table: return "a table"
        case .array: return (value.array?.isEmpty ?? false) ? "an empty array" : "an array"
        case .date: return "a date"
        case .time: return "a time"
        case .dateTime: return "a date-time"
        }
    }
}
