internal import Foundation
internal import Pipeline
internal import TOMLKit

/// The settings of a run, read from `suiji.toml`.
///
/// The file is looked for in the working directory, or named with `--config PATH`; a missing file
/// means every default below. Every key is optional and checked: an unknown key or a bad value is a
/// ``ConfigurationError`` naming the dotted key, the file and the line. Paths are kept as written and
/// resolved against ``baseDirectory`` (the folder that holds the configuration file) by
/// ``resolvedPath(_:)``, so a configuration moves with its folder.
///
/// The commented example `Resources/suiji.example.toml` (see ``exampleText()``) documents every key and
/// loads to exactly ``defaults``.
public struct Configuration: Sendable, Hashable, Codable {
    /// The name looked for in the working directory: `suiji.toml`.
    public static let fileName = "suiji.toml"

    /// The six-digit administrative region code of the county (`region`, default `"140981"`, 原平市).
    public var region: String
    /// The plan year (`year`, default 2024), between 2000 and 2100.
    public var year: Int
    /// The SQLite store, as written (`store`, default `"suiji.sqlite"`).
    public var store: String
    /// The holiday calendar file, as written (`calendar`, default `""`: the bundled calendar).
    public var calendar: String
    /// The working folders (`[paths]`).
    public var paths: Paths
    /// How credit-risk classes change quotas (`[risk]`).
    public var risk: RiskSettings
    /// What is drawn from, and how far ahead (`[draw]`).
    public var draw: DrawSettings
    /// How inspection teams are formed (`[inspectors]`).
    public var inspectors: InspectorSettings
    /// What is published (`[publish]`).
    public var publish: PublishSettings
    /// Logging (`[log]`).
    public var log: LogSettings
    /// The plan's header aliases and overrides (`[plan]`).
    public var plan: PlanSettings
    /// What people read (`[ui]`, UISettings.swift).
    public var ui: UISettings = .defaults
    /// True when the file sets `region`; a plan import never takes the default region silently.
    public var regionIsSet: Bool
    /// True when the file sets `year`; a plan import never takes the default year silently.
    public var yearIsSet: Bool
    /// The folder relative paths are resolved against: the configuration file's folder, or the
    /// working directory when there is no file (`"."` in ``defaults``).
    public var baseDirectory: String

    /// Creates a configuration; every argument defaults to the documented default.
    public init(
        region: String = "140981",
        year: Int = 2024,
        store: String = "suiji.sqlite",
        calendar: String = "",
        paths: Paths = .defaults,
        risk: RiskSettings = .defaults,
        draw: DrawSettings = .defaults,
        inspectors: InspectorSettings = .defaults,
        publish: PublishSettings = .defaults,
        log: LogSettings = .defaults,
        plan: PlanSettings = .defaults,
        regionIsSet: Bool = false,
        yearIsSet: Bool = false,
        baseDirectory: String = "."
    ) {
        self.region = region
        self.year = year
        self.store = store
        self.calendar = calendar
        self.paths = paths
        self.risk = risk
        self.draw = draw
        self.inspectors = inspectors
        self.publish = publish
        self.log = log
        self.plan = plan
        self.regionIsSet = regionIsSet
        self.yearIsSet = yearIsSet
        self.baseDirectory = baseDirectory
    }

    /// Every setting at its documented default, resolved against the working directory (`"."`).
    public static let defaults = Configuration()

    /// The credit-risk classes of 国市监信发〔2022〕6号, the keys of every class table.
    public static let creditClasses = ["A", "B", "C", "D"]

    /// The commented example configuration compiled into suiji (`Resources/suiji.example.toml`).
    public static func exampleText() throws -> String { try EmbeddedResources.text(named: "suiji.example.toml") }

    /// A setting's path resolved against ``baseDirectory``: absolute paths are kept, relative ones
    /// joined to the folder, `.` and `..` folded. An empty setting (the bundled calendar) stays empty.
    ///
    /// ```swift
    /// configuration.resolvedPath(\.paths.inbox)   // "/srv/suiji/inbox"
    /// ```
    public func resolvedPath(_ keyPath: KeyPath<Configuration, String>) -> String {
        let path = self[keyPath: keyPath]
        if path.isEmpty { return path }
        return Self.join(baseDirectory, path)
    }

    /// The holiday calendar file resolved against ``baseDirectory``, or nil for the bundled one.
    public var resolvedCalendarPath: String? {
        calendar.isEmpty ? nil : resolvedPath(\.calendar)
    }

    /// The region the file sets, or nil when only the default stands.
    public var givenRegion: String? { regionIsSet ? region : nil }

    /// The year the file sets, or nil when only the default stands.
    public var givenYear: Int? { yearIsSet ? year : nil }

    /// The operator's plan columns file resolved against ``baseDirectory``, or nil for the bundled headers only.
    public var resolvedPlanColumnsPath: String? {
        plan.columns.isEmpty ? nil : resolvedPath(\.plan.columns)
    }

    /// The plan overrides file resolved against ``baseDirectory``, or nil when there is none.
    public var resolvedPlanOverridesPath: String? {
        plan.overrides.isEmpty ? nil : resolvedPath(\.plan.overrides)
    }

    /// The scope map file resolved against ``baseDirectory``, or nil for the bundled one.
    public var resolvedScopeMapPath: String? {
        draw.scopeMap.isEmpty ? nil : resolvedPath(\.draw.scopeMap)
    }

    // MARK: - Finding and loading

    /// The configuration file to load: the explicit `--config` path (resolved against the working
    /// directory, returned even if missing so that loading reports it), else `suiji.toml` in the
    /// working directory if it is a file there, else nil (use ``defaults``).
    public static func locate(explicitPath: String?, workingDirectory: String) -> String? {
        if let explicitPath { return join(workingDirectory, explicitPath) }
        let candidate = join(workingDirectory, fileName)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue
        else { return nil }
        return candidate
    }

    /// Locates and loads the configuration; with no file, ``defaults`` resolved against the working
    /// directory.
    public static func load(explicitPath: String?, workingDirectory: String) throws(ConfigurationError) -> Configuration {
        guard let path = locate(explicitPath: explicitPath, workingDirectory: workingDirectory) else {
            var configuration = defaults
            configuration.baseDirectory = workingDirectory
            return configuration
        }
        return try load(path: path, displayName: explicitPath)
    }

    /// Loads a configuration file; relative paths in it are resolved against its folder.
    ///
    /// - Parameters:
    ///   - path: The file to read.
    ///   - displayName: The name used in errors; the path itself when nil.
    public static func load(path: String, displayName: String? = nil) throws(ConfigurationError) -> Configuration {
        let name = displayName ?? path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigurationError(
                file: name, key: "",
                Message(.configNoFile))
        }
        guard !isDirectory.boolValue else {
            throw ConfigurationError(file: name, key: "", Message(.configIsFolder))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(file: name, key: "", Message(.configCannotRead, ["reason": error.localizedDescription]))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: name, key: "", Message(.configNotUTF8))
        }
        return try load(text: text, displayName: name, baseDirectory: directory(of: path))
    }

    /// Parses and checks configuration text.
    ///
    /// - Parameters:
    ///   - text: The TOML document.
    ///   - displayName: The file name used in errors, such as `suiji.toml`.
    ///   - baseDirectory: The folder relative paths are resolved against.
    /// - Throws: The first problem in the file, by line: a syntax error, an unknown key or a bad value.
    public static func load(text: String, displayName: String, baseDirectory: String = ".") throws(ConfigurationError) -> Configuration {
        // toml++ reads a byte-order mark itself, but the key scanner below must not see it.
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        if let error = unreadableTableHeader(in: text, displayName: displayName) { throw error }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                file: displayName, line: error.source.begin.line, column: error.source.begin.column, key: "",
                Message(.configTOMLSyntax, ["detail": error.description]))
        } catch {
            throw ConfigurationError(file: displayName, key: "", Message(.configTOMLSyntax, ["detail": "\(error)"]))
        }
        var reader = ConfigurationReader(displayName: displayName, lines: TOMLKeyLines(text: text))
        var configuration = reader.read(root)
        configuration.baseDirectory = baseDirectory
        if let first = reader.firstError { throw first }
        return configuration
    }

    /// What toml++ (inside TOMLKit) does not report but stops the process on, with an assertion
    /// (found by the fuzzer, Benchmarks/Fuzz): a table header whose name does not start with a
    /// bare-key character (`A-Z a-z 0-9 _ -`), a quote or `]`, such as `[抽查]` or `[ = ]`; and a
    /// `}` where an array expects a value or its `]`, such as `[1, }`. Refused here first, with
    /// their place. A header is a `[` that starts a line outside any string, comment or value.
    static func unreadableTableHeader(in text: String, displayName: String) -> ConfigurationError? {
        let scalars = Array(text.unicodeScalars)
        var index = 0, line = 1, lineStart = 0
        var open: [Unicode.Scalar] = [] // the arrays and inline tables the scanner is in
        var arrayWantsValue = false // just after an array's `[` or `,`
        var atLineStart = true
        func failure(_ message: String) -> ConfigurationError {
            ConfigurationError(
                file: displayName, line: line, column: index - lineStart + 1, key: "", Message(.configTOMLSyntax, ["detail": message]))
        }
        /// Skips a string opened at `index`, with its escapes (basic strings) and newlines (multi-line ones).
        func skipString() {
            let quote = scalars[index]
            let multiLine = index + 2 < scalars.count && scalars[index + 1] == quote && scalars[index + 2] == quote
            index += multiLine ? 3 : 1
            while index < scalars.count {
                let c = scalars[index]
                if c == "\\", quote == "\"" {
                    index += 2
                    continue
                }
                if c == "\n" {
                    guard multiLine else { return }
                    line += 1
                    lineStart = index + 1
                } else if c == quote,
                    !multiLine || (index + 2 < scalars.count && scalars[index + 1] == quote && scalars[index + 2] == quote)
                {
                    index += multiLine ? 3 : 1
                    return
                }
                index += 1
            }
        }
        while index < scalars.count {
            let c = scalars[index]
            switch c {
            case "\n":
                line += 1
                lineStart = index + 1
                atLineStart = true
                index += 1
            case "#":
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            case " ", "\t", "\r":
                index += 1
            case "\"", "'":
                atLineStart = false
                arrayWantsValue = false
                skipString()
            case "[" where atLineStart && open.isEmpty:
                func skipSpaces(_ from: Int) -> Int {
                    var at = from
                    while at < scalars.count, scalars[at] == " " || scalars[at] == "\t" { at += 1 }
                    return at
                }
                var afterSpace = skipSpaces(index + 1)
                // `[[`: the second bracket only right after the first (`[ [` is toml++'s own error).
                let spacedBracket = afterSpace > index + 1 && afterSpace < scalars.count && scalars[afterSpace] == "["
                if !spacedBracket, afterSpace < scalars.count, scalars[afterSpace] == "[" { afterSpace = skipSpaces(afterSpace + 1) }
                if afterSpace < scalars.count, !spacedBracket {
                    let first = scalars[afterSpace]
                    let bare =
                        first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first) || first == "_" || first == "-")
                    if !(bare || first == "\"" || first == "'" || first == "]") {
                        let shown = first == "\n" ? "the end of the line" : first == "\t" ? "a tab" : "'\(first)'"
                        let name = String(String.UnicodeScalarView(scalars[afterSpace...].prefix { $0 != "]" && $0 != "\n" }))
                        index = afterSpace
                        return failure(
                            "a table name starts with a letter, digit, '_', '-' or a quote, not \(shown); put the name in quotes, e.g. [\"\(name)\"]"
                        )
                    }
                }
                // The rest of the header line holds no value.
                while index < scalars.count, scalars[index] != "\n" { index += 1 }
            default:
                atLineStart = false
                switch c {
                case "[":
                    open.append(c)
                    arrayWantsValue = true
                case "{":
                    open.append(c)
                    arrayWantsValue = false
                case "}":
                    if arrayWantsValue { return failure("'}' where the array expects a value or its closing ']'") }
                    if open.last == "{" { open.removeLast() }
                case "]":
                    if open.last == "[" { open.removeLast() }
                    arrayWantsValue = false
                case ",":
                    arrayWantsValue = open.last == "["
                default:
                    arrayWantsValue = false
                }
                index += 1
            }
        }
        return nil
    }

    // MARK: - Paths

    /// Joins a path to a base folder (absolute paths are kept) and folds `.` and `..`.
    static func join(_ base: String, _ path: String) -> String {
        normalize(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// Folds `.`, `..` and repeated slashes without touching the file system.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !isAbsolute {
                    parts.append(part)
                }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if isAbsolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The folder of a file path, `.` for a bare file name.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = path[..<slash]
        return folder.isEmpty ? "/" : String(folder)
    }
}
