// What an XLSX workbook says about itself before its sheet is read: which sheets it has and where
// they are (workbook.xml and its relationships), which date system it counts in (`date1904`),
// which cell styles show dates (styles.xml), and where its shared strings are.

internal import Foundation
internal import Pipeline

/// How a cell style shows a number: plain, or as a date, a date and time, or a time of day.
enum XLSXNumberKind: Sendable, Hashable {
    case number, date, dateTime, time
}

/// One sheet of the workbook, in workbook order.
struct XLSXSheetInfo: Sendable, Hashable {
    /// The name on its tab.
    var name: String
    /// Its 1-based position in the workbook.
    var position: Int
    /// The package part holding it (nil for a chart sheet or a missing relationship).
    var part: String?
    /// Hidden or very hidden.
    var hidden: Bool
}

/// The workbook's sheets, date system, date styles and shared-strings part.
struct XLSXWorkbook {
    var sheets: [XLSXSheetInfo] = []
    var dateSystem = ExcelDateSystem.from1900
    /// Per cell style (`s="N"`), how it shows numbers.
    var styles: [XLSXNumberKind] = []
    /// The shared-strings part, if the workbook has one.
    var sharedStringsPart: String?

    static let workbookPart = "xl/workbook.xml"

    /// Reads workbook.xml, its relationships and styles.xml.
    init(package: XLSXPackage) throws {
        guard let workbook = try package.smallPart(Self.workbookPart) else {
            throw MalformedFileError(
                location: SourceLocation(file: package.displayName),
                Message(.xlsxNoWorkbookPart))
        }
        let relationships = try Self.relationships(package: package, of: Self.workbookPart)
        var sheetNames: [(name: String, id: String, hidden: Bool)] = []
        try Self.elements(workbook, part: Self.workbookPart, package: package) { name, attributes in
            switch name {
            case "sheet":
                sheetNames.append(
                    (
                        attributes["name"] ?? "", attributes["id"] ?? "",
                        attributes["state"] == "hidden" || attributes["state"] == "veryHidden"
                    ))
            case "workbookPr":
                if let flag = attributes["date1904"], flag == "1" || flag == "true" { dateSystem = .from1904 }
            default:
                break
            }
        }
        for (index, sheet) in sheetNames.enumerated() {
            let target = relationships.first { $0.id == sheet.id && $0.type.hasSuffix("/worksheet") }
            sheets.append(XLSXSheetInfo(name: sheet.name, position: index + 1, part: target?.part, hidden: sheet.hidden))
        }
        sharedStringsPart = relationships.first { $0.type.hasSuffix("/sharedStrings") }?.part
        if let stylesPart = relationships.first(where: { $0.type.hasSuffix("/styles") })?.part,
            let bytes = try package.smallPart(stylesPart)
        {
            styles = try Self.numberKinds(bytes, part: stylesPart, package: package)
        }
    }

    /// The sheet `choice` names (a name, or a 1-based position when no sheet has that name), or by
    /// default the first visible sheet.
    func sheet(_ choice: String?, displayName: String) throws -> XLSXSheetInfo {
        let worksheets = sheets.filter { $0.part != nil }
        let list = sheets.map { "\($0.position) \($0.name)\($0.hidden ? " (hidden)" : "")\($0.part == nil ? " (not a worksheet)" : "")" }
            .joined(separator: ", ")
        func refuse(_ text: Message) -> MalformedFileError {
            MalformedFileError(location: SourceLocation(file: displayName), text)
        }
        guard let choice else {
            guard let first = worksheets.first(where: { !$0.hidden }) ?? worksheets.first else {
                throw refuse(Message(.xlsxNoWorksheet))
            }
            return first
        }
        let trimmed = choice.trimmingWhitespace()
        let named =
            sheets.first { $0.name == choice } ?? sheets.first { $0.name.trimmingWhitespace() == trimmed }
            ?? sheets.first { $0.name.lowercased() == trimmed.lowercased() }
        let chosen = named ?? Int(trimmed).flatMap { number in sheets.first { $0.position == number } }
        guard let chosen else {
            throw refuse(Message(.xlsxNoSuchSheet, ["sheet": choice, "list": list]))
        }
        guard chosen.part != nil else {
            throw refuse(Message(.xlsxNotWorksheet, ["sheet": chosen.name, "list": list]))
        }
        return chosen
    }

    // MARK: Relationships

    /// One relationship of a part: its id, type and the part it points to.
    struct Relationship {
        var id: String
        var type: String
        var part: String
    }

    /// The relationships of `source` (from `<dir>/_rels/<name>.rels`), targets resolved to part names.
    static func relationships(package: XLSXPackage, of source: String) throws -> [Relationship] {
        let directory = source.split(separator: "/").dropLast().joined(separator: "/")
        let name = source.split(separator: "/").last.map(String.init) ?? source
        let relsPart = (directory.isEmpty ? "" : directory + "/") + "_rels/" + name + ".rels"
        guard let bytes = try package.smallPart(relsPart) else { return [] }
        var found: [Relationship] = []
        try elements(bytes, part: relsPart, package: package) { element, attributes in
            guard element == "Relationship", attributes["TargetMode"] != "External", let id = attributes["Id"],
                let target = attributes["Target"]
            else { return }
            guard let part = resolve(target, from: directory) else {
                throw package.partError(relsPart, Message(.xlsxRelationshipOutside, ["id": id, "target": target]))
            }
            found.append(Relationship(id: id, type: attributes["Type"] ?? "", part: part))
        }
        return found
    }

    /// A relationship target as a part name: absolute (`/xl/…`) or relative to `directory`; nil if it climbs out.
    static func resolve(_ target: String, from directory: String) -> String? {
        var parts: [Substring] = target.hasPrefix("/") ? [] : directory.split(separator: "/")
        for piece in target.split(separator: "/") {
            switch piece {
            case ".": continue
            case "..":
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            default: parts.append(piece)
            }
        }
        return parts.joined(separator: "/")
    }

    // MARK: Styles

    /// How each cell style (`cellXfs`, in order) shows numbers.
    static func numberKinds(_ bytes: [UInt8], part: String, package: XLSXPackage) throws -> [XLSXNumberKind] {
        var custom: [Int: String] = [:]
        var kinds: [XLSXNumberKind] = []
        var inCellXfs = false
        func ended(_ name: String) { if name == "cellXfs" { inCellXfs = false } }
        try elements(bytes, part: part, package: package, ends: ended) { name, attributes in
            switch name {
            case "numFmt":
                if let id = attributes["numFmtId"].flatMap({ Int($0) }) { custom[id] = attributes["formatCode"] ?? "" }
            case "cellXfs":
                inCellXfs = true
            case "xf" where inCellXfs:
                let id = attributes["numFmtId"].flatMap { Int($0) } ?? 0
                kinds.append(custom[id].map(numberKind(ofFormat:)) ?? builtinKind(id))
            default:
                break
            }
        }
        return kinds
    }

    /// The built-in number formats that show dates and times: ECMA-376 18.8.30, with the East Asian
    /// (zh-CN) ids Chinese Excel and WPS write (27–36, 50–58: `yyyy"年"m"月"d"日"`, `h"时"mm"分"` …).
    static func builtinKind(_ id: Int) -> XLSXNumberKind {
        switch id {
        case 14...17, 27...31, 36, 50...54, 57, 58: .date
        case 22: .dateTime
        case 18...21, 32...35, 45...47, 55, 56: .time
        default: .number
        }
    }

    /// A custom format code's kind: a date if it shows a year, month or day, a time if it shows
    /// hours or seconds. Quoted text, escaped and padding characters, and bracketed colours and
    /// conditions are not format letters; `m` is minutes beside hours or seconds, else a month.
    static func numberKind(ofFormat code: String) -> XLSXNumberKind {
        var date = false, time = false, month = false
        var characters = Array(code.lowercased())
        if let section = characters.firstIndex(of: ";") { characters = Array(characters[..<section]) }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch character {
            case "\"":
                index += 1
                while index < characters.count, characters[index] != "\"" { index += 1 }
            case "\\", "_", "*":
                index += 1
            case "[":
                var inside = ""
                index += 1
                while index < characters.count, characters[index] != "]" {
                    inside.append(characters[index])
                    index += 1
                }
                if ["h", "hh", "m", "mm", "s", "ss"].contains(inside) { time = true }
            case "y", "d":
                date = true
            case "h", "s":
                time = true
            case "m":
                month = true
            default:
                break
            }
            index += 1
        }
        if month && !time { date = true }
        switch (date, time) {
        case (true, true): return .dateTime
        case (true, false): return .date
        case (false, true): return .time
        case (false, false): return .number
        }
    }

    // MARK: Small parts

    /// Walks the elements of a small part, calling `start` with each start tag's local name and
    /// attributes (by local name) and `ends` with each end tag's.
    static func elements(
        _ bytes: [UInt8], part: String, package: XLSXPackage, ends: (String) -> Void = { _ in },
        _ start: (String, [String: String]) throws -> Void
    ) throws {
        for event in try XLSXElementCollector.events(of: bytes, part: part, displayName: package.displayName) {
            switch event {
            case .start(let name, let attributes): try start(name, attributes)
            case .end(let name): ends(name)
            }
        }
    }
}
