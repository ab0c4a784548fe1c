// An XML register (or inspector register, or avoidance list) as tabular rows: each record element
// is one row; its child elements and attributes are matched to canonical fields by the same alias
// table as CSV headers.

public import Pipeline

/// An XML file read with `XMLRecordReader`, its field names mapped through the shape's aliases.
///
/// Rows start on the line of their record's start tag. The column of a field is its position
/// within the record (attributes first, then child elements), 1-based. A required field that no
/// record of the file carries is a file-level error at the end, as a missing CSV column is.
public final class XMLTabularStream: TabularStream {
    private let reader: XMLRecordReader
    private let shape: TabularShape
    private let displayName: String
    private let department: String?
    private var fieldIndex: [String: Int?] = [:]
    // Touched for every field, from one thread, by accesses that never overlap: no runtime exclusivity checks.
    @exclusivity(unchecked) private var seenFields: [Bool] = []
    /// The field names of the last record and their indexes: records mostly repeat their layout.
    @exclusivity(unchecked) private var lastLayout: [(name: XMLName, index: Int?)] = []
    /// Warnings about field names of the record being read, added once its schema diagnostics are in.
    @exclusivity(unchecked) private var pendingWarnings: [Diagnostic] = []
    private var warnedNames: Set<String> = []
    private var checkedRoot = false
    private var rows = 0
    private var diagnosticsTaken = 0
    /// Warnings so far (unknown field names, schema problems).
    public private(set) var warnings: [Diagnostic] = []

    /// The rejects file lists the canonical fields.
    public var rejectsHeader: [String] { shape.fields }
    /// Bytes read so far.
    public var bytesRead: Int { reader.bytesRead }

    /// Opens the file; `validate` checks it against the bundled register XSD in the same pass.
    public init(
        path: String, displayName: String, shape: TabularShape, department: String?, validate: Bool, chunkSize: Int = 64 * 1024
    ) throws {
        let schema = validate ? try XMLSchema.bundledRegister() : nil
        reader = try XMLRecordReader(
            path: path, displayName: displayName, rootName: shape.xmlRoot, recordName: shape.xmlRecord,
            validatingWith: schema, chunkSize: chunkSize)
        self.shape = shape
        self.displayName = displayName
        self.department = department
    }

    /// The next record as a row.
    public func next() throws -> TabularRow? {
        let width = shape.fields.count
        var values: [String?] = Array(repeating: nil, count: width)
        var columns: [Int?] = Array(repeating: nil, count: width)
        var problem: String?
        var position = 0
        if seenFields.count != width { seenFields = Array(repeating: false, count: width) }
        pendingWarnings.removeAll(keepingCapacity: true)
        let line = try reader.nextRecord { field in
            defer { position += 1 }
            guard let index = index(of: field, at: position), index < width else { return }
            seenFields[index] = true
            if values[index] != nil {
                problem = problem ?? "field \(shape.label(shape.fields[index])) is given twice (as '\(reader.name(field.name))')"
                return
            }
            values[index] = String(decoding: field.value, as: UTF8.self)
            columns[index] = position + 1
        }
        takeDiagnostics()
        if !checkedRoot {
            checkedRoot = true
            try checkDepartment()
        }
        guard let line else { return nil }
        warnings.append(contentsOf: pendingWarnings)
        rows += 1
        // Absent elements are empty fields, so that the row validator names what is missing.
        var original: [String] = []
        original.reserveCapacity(width)
        for index in 0..<width {
            let value = values[index] ?? ""
            values[index] = value
            original.append(value)
        }
        return TabularRow(line: line, values: values, columns: columns, original: original, problem: problem)
    }

    /// A required field that no record carried is a file-level error (the XML form of a missing column).
    public func finish() throws {
        takeDiagnostics()
        let invalid = warnings.filter { $0.severity == .error }
        if let first = invalid.first {
            throw MalformedFileError(
                location: first.location ?? SourceLocation(file: displayName),
                message: "the file is not valid against register.xsd (\(invalid.count) problem\(invalid.count == 1 ? "" : "s"); the first): \(first.message)")
        }
        guard rows > 0 else { return }
        for required in shape.required {
            guard let index = shape.fields.firstIndex(of: required), index >= seenFields.count || !seenFields[index] else { continue }
            throw MalformedFileError(
                location: SourceLocation(file: displayName),
                message: "required field '\(shape.label(required))' is in no <\(shape.xmlRecord)> (accepted names: \(shape.aliases.spellings(of: required).joined(separator: ", ")), \(required))")
        }
    }

    /// The canonical index of a field at `position` in its record, nil if it is not a known field.
    private func index(of field: XMLFieldView, at position: Int) -> Int? {
        if position < lastLayout.count, lastLayout[position].name == field.name { return lastLayout[position].index }
        let index = canonicalIndex(of: reader.name(field.name), line: field.line)
        if position < lastLayout.count {
            lastLayout[position] = (field.name, index)
        } else if position == lastLayout.count {
            lastLayout.append((field.name, index))
        }
        return index
    }

    private func canonicalIndex(of name: String, line: Int) -> Int? {
        if let known = fieldIndex[name] { return known }
        let index = shape.aliases.canonical(for: name).flatMap { shape.fields.firstIndex(of: $0) }
        fieldIndex[name] = index
        if index == nil, !warnedNames.contains(name) {
            warnedNames.insert(name)
            pendingWarnings.append(Diagnostic(
                .warning, "field '\(name)' is not a known field; it is ignored", at: SourceLocation(file: displayName, line: line)))
        }
        return index
    }

    private func takeDiagnostics() {
        guard reader.diagnosticCount > diagnosticsTaken else { return }
        let all = reader.diagnostics
        warnings.append(contentsOf: all[diagnosticsTaken...])
        diagnosticsTaken = all.count
    }

    private func checkDepartment() throws {
        guard let department, let declared = reader.rootAttributes["department"]?.trimmingWhitespace(), !declared.isEmpty else { return }
        if declared != department {
            throw MalformedFileError(
                location: SourceLocation(file: displayName, line: 1),
                message: "the file is the register of \(declared), not of \(department); check --department")
        }
    }

    /// The department an XML file names on its root element, if any.
    public static func declaredDepartment(path: String, shape: TabularShape) -> String? {
        guard let reader = try? XMLRecordReader(path: path, rootName: shape.xmlRoot, recordName: shape.xmlRecord) else { return nil }
        _ = try? reader.next()
        return reader.rootAttributes["department"]?.trimmingWhitespace()
    }
}
