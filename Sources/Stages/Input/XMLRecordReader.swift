// The streaming XML record reader: `<registry …><entity …>…</entity>…</registry>` one record at a time.
//
// Built on libxml2's SAX2 push parser (`XMLNodeStream`: no tree is built, so memory stays flat; the
// parser's events are handed out as nodes, one piece of the file at a time), fed from a chunk source.
//
// Line numbers. A node's own line is a 16-bit field that saturates at 65535 (a county register passes
// that line long before its last entity), and the parser's line counter is where the parser has got
// to, not where a node began. So positions come from our own markup scanner
// (`XMLMarkupScanner`): every byte handed to libxml2 goes through it first, and it queues each piece
// of markup (start, end and empty-element tags, comments, processing instructions, CDATA sections) in
// document order with the line of its `<`, counting line feeds as libxml2 does. `XMLNodeStream`
// takes that queue in step with the events libxml2 reports, so an element is on the line
// of its `<`, also when the tag is spread over several lines and past line 65535; a text ends where
// the markup after it begins. libxml2's own errors and schema diagnostics keep the parser's line and
// column, which are exact at the time it reports them.
//
// Feeding. `XMLByteFeeder` hands libxml2 pieces of up to 4,095 bytes (when a piece holds an error, the
// nodes it had given are dropped; until stop 37 the size was 511 bytes, that of the `xmlTextReader`
// block used until stop 29; see the feeder's comment). A piece ends just
// after a record's end, and around the markup that makes a node the record reader refuses available,
// so the records before an error are returned first and the reader's own errors and libxml2's come in
// document order, however the source chunks the file; the scanner says where (see its comment).
//
// Security. A DOCTYPE is the only way to declare entities, so every DOCTYPE is refused, and refused
// before libxml2 sees it: `XMLPrologGuard` watches the bytes before the root element and stops the
// input at `<!D…`, with the line and column of the `<`. Files in encodings where that byte check
// would not hold (UTF-16, UTF-32, EBCDIC, or a declaration naming anything but a few ASCII-compatible
// encodings) are refused likewise. Without a DOCTYPE, a reference to any entity but the five
// predefined ones is an undeclared-entity error. The reader also refuses DOCTYPE and entity nodes
// itself, should one ever get past the guard, and the parser runs with `XML_PARSE_NONET` and no other
// security-relevant option: no entity substitution, no DTD loading, no DTD default attributes, no
// `XML_PARSE_HUGE`. (The whitespace between elements comes out as text, as libxml2 reports it.
// Whitespace is never data here: a field's text is trimmed, and text outside a field is an error
// only when it is not whitespace.)

internal import CLibXML2
internal import Foundation
public import Pipeline

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A file that cannot be read as a whole: not well-formed XML, refused entities, the wrong shape.
///
/// The same error as the delimited readers throw; the XML stages know it by this name. Its
/// description is `file:line:column: error: message`.
public typealias RegisterFileError = MalformedFileError

/// One field of an XML record: the text of a child element, or an attribute of the record element.
public struct XMLField: Sendable, Hashable, Codable {
    /// The element or attribute name as written, with its prefix if it has one (`uscc`, `名称`).
    public var name: String
    /// The text content, trimmed of surrounding XML whitespace, references decoded, CDATA included.
    public var value: String
    /// The line of the field's start tag; for an attribute, the line of the record's start tag.
    public var line: Int
    /// True if the field was written as an attribute of the record element.
    public var isAttribute: Bool

    /// Creates a field.
    public init(name: String, value: String, line: Int, isAttribute: Bool = false) {
        self.name = name
        self.value = value
        self.line = line
        self.isAttribute = isAttribute
    }
}

/// One record element (`<entity>`) with its fields: attributes first, in document order, then child elements.
public struct XMLRecord: Sendable, Hashable, Codable {
    /// The line of the record's start tag.
    public var line: Int
    /// The fields; a name may occur more than once (as an attribute and as an element, say).
    public var fields: [XMLField]

    /// Creates a record.
    public init(line: Int, fields: [XMLField]) {
        self.line = line
        self.fields = fields
    }

    /// The value of the first field with this name, or nil.
    public func value(of name: String) -> String? { fields.first { $0.name == name }?.value }
}

/// Bounds that keep memory flat however hostile the file.
public struct XMLReaderLimits: Sendable, Hashable {
    /// The longest text of one field or attribute, in UTF-8 bytes (default 1 MiB).
    ///
    /// A text is measured once libxml2 has read all of it, and libxml2 itself refuses a text longer
    /// than 10,000,000 bytes, so that is the most one field can take in memory, whatever this says.
    public var maxFieldBytes: Int
    /// The most fields one record may carry (default 1024).
    public var maxFieldsPerRecord: Int

    /// Creates limits.
    public init(maxFieldBytes: Int = 1 << 20, maxFieldsPerRecord: Int = 1024) {
        self.maxFieldBytes = maxFieldBytes
        self.maxFieldsPerRecord = maxFieldsPerRecord
    }
}

/// Streams the records of an XML register, results file or inspector register in bounded memory.
///
/// The expected shape is `<registry department="…"><entity>…</entity>…</registry>`: a root element,
/// then record elements whose fields are child elements holding text, attributes, or both. Both
/// element names are parameters. Unknown field names are returned as they are (the register layer
/// maps aliases and reports unknown names); an element nested inside a field, an unexpected element
/// among the records, or text outside a field is a file-level error.
///
/// Security: libxml2's push parser runs with `XML_PARSE_NONET` (no entity substitution,
/// DTD loading, DTD default attributes or `XML_PARSE_HUGE`). Any DOCTYPE is refused before libxml2
/// reads it, since a DOCTYPE is where entities are declared (XXE, billion laughs); a reference to
/// an entity other than `&amp;` `&lt;` `&gt;` `&quot;` `&apos;` is refused; nothing outside the
/// file is read. Only ASCII-compatible encodings are read: UTF-8, or GB18030 (GBK, GB2312) named by
/// the XML declaration.
///
/// Errors are thrown as ``RegisterFileError`` with the line and column libxml2 reports; libxml2
/// never writes to stderr. Records before an error are returned first, so the error surfaces on the
/// `next()` call that reaches it; a file cut short is only known at its end, so callers that must
/// not keep half a file buffer the records or work in a transaction.
///
/// Line numbers are those of the `<` of the start tag, also for a tag spread over several lines,
/// and do not stop at 65535. Schema diagnostics carry the line and column libxml2's validator was
/// at: the end of the offending start tag (attributes, unexpected elements) or of the end tag
/// (element values).
public final class XMLRecordReader {
    /// The source of raw bytes: the next chunk, or nil at the end. Chunks may be of any size, down to one byte.
    public typealias ChunkSource = FileChunks.Source

    private let stream: XMLNodeStream
    private let rootName: String
    private let recordName: String
    private let limits: XMLReaderLimits
    private var closeFile: (() -> Void)?

    // The reader's state, touched for every node: one thread uses a reader at a time, and no access
    // to these overlaps another, so they go without the runtime's exclusivity checks.
    @exclusivity(unchecked) private var failure: (any Error)?
    @exclusivity(unchecked) private var depth = 0
    /// The line of the open record's start tag.
    @exclusivity(unchecked) private var recordLine = 0
    /// Fields of the open record so far.
    @exclusivity(unchecked) private var fieldCount = 0
    @exclusivity(unchecked) private var field: (name: XMLName, line: Int)?
    /// The text of the open field so far (one buffer, reused).
    private let fieldText = XMLTextBuffer()
    /// The record element's name once it has been seen (names are libxml2's, one per spelling).
    @exclusivity(unchecked) private var knownRecordName: XMLName?

    /// The attributes of the root element (e.g. `department`), known once `next()` has been called.
    public private(set) var rootAttributes: [String: String] = [:]

    /// Schema validity errors (with `validatingWith:`) and libxml2 warnings, in document order; those
    /// for a record are here by the time `next()` returns it.
    public var diagnostics: [Diagnostic] { stream.diagnostics }

    /// How many ``diagnostics`` there are so far.
    var diagnosticCount: Int { stream.diagnosticCount }

    /// Bytes handed to the parser so far, for progress.
    public var bytesRead: Int { stream.bytesRead }

    /// The name used for the input in messages.
    public let displayName: String

    /// Reads from a source of chunks; tests use it to feed a document one byte at a time.
    ///
    /// - Parameters:
    ///   - chunks: returns the next bytes of the document, or nil at its end.
    ///   - displayName: the path as the user named it, used in every message.
    ///   - rootName: the root element's name (`registry`, `results`, …).
    ///   - recordName: the record element's name (`entity`, `result`, …).
    ///   - limits: bounds on field size and count.
    ///   - schema: if given, the document is validated against it in the same pass; problems are
    ///     collected in ``diagnostics``, not thrown.
    public init(
        chunks: @escaping ChunkSource, displayName: String, rootName: String = "registry", recordName: String = "entity",
        limits: XMLReaderLimits = .init(), validatingWith schema: XMLSchema? = nil
    ) {
        self.displayName = displayName
        self.rootName = rootName
        self.recordName = recordName
        self.limits = limits
        self.stream = XMLNodeStream(chunks: chunks, displayName: displayName, recordName: recordName, limits: limits, schema: schema)
    }

    /// Opens a file and reads it in chunks of `chunkSize` bytes.
    ///
    /// - Throws: ``RegisterFileError`` if the file cannot be opened.
    public convenience init(
        path: String, displayName: String? = nil, rootName: String = "registry", recordName: String = "entity",
        limits: XMLReaderLimits = .init(), validatingWith schema: XMLSchema? = nil, chunkSize: Int = 64 * 1024
    ) throws {
        let name = displayName ?? path
        let file = try FileChunks(path: path, displayName: name, chunkSize: chunkSize)
        self.init(
            chunks: file.next, displayName: name, rootName: rootName, recordName: recordName, limits: limits,
            validatingWith: schema)
        closeFile = file.close
    }

    deinit { closeFile?() }

    /// The next record, or nil after the root element has closed and the document has ended.
    ///
    /// - Throws: ``RegisterFileError`` when the file is not well-formed, has a DOCTYPE or uses
    ///   entities, breaks a limit or does not have the expected shape; the same error again on later calls.
    public func next() throws -> XMLRecord? {
        var fields: [XMLField] = []
        guard
            let line = try nextRecord({ field in
                fields.append(
                    XMLField(
                        name: name(field.name), value: String(decoding: field.value, as: UTF8.self), line: field.line,
                        isAttribute: field.isAttribute))
            })
        else { return nil }
        return XMLRecord(line: line, fields: fields)
    }

    /// Reads the next record, handing each field to `field` in document order (attributes first);
    /// the record's line, or nil after the end. Errors as ``next()``.
    func nextRecord(_ field: (XMLFieldView) -> Void) throws -> Int? {
        if let failure { throw failure }
        do {
            return try stream.capturingErrors { try readRecord(field) }
        } catch {
            failure = error
            throw error
        }
    }

    /// The spelling of a name handed out with a field.
    func name(_ name: XMLName) -> String { stream.string(name) }

    private func readRecord(_ sink: (XMLFieldView) -> Void) throws -> Int? {
        while let node = try stream.nextNode() {
            switch node {
            case .start(let name, let hasAttributes, let isEmpty, let line):
                try start(name: name, attributes: hasAttributes ? stream.attributes : [], line: line, sink)
                if isEmpty, let record = try end(sink) { return record }
            case .text(let bytes, let endLine):
                try text(bytes, endLine: endLine)
            case .end:
                if let record = try end(sink) { return record }
            }
        }
        return nil
    }

    private func start(name: XMLName, attributes: [XMLNodeStream.Attribute], line: Int, _ sink: (XMLFieldView) -> Void) throws {
        defer { depth += 1 }
        switch depth {
        case 0:
            let spelled = stream.string(name)
            guard spelled == rootName else {
                throw error(line: line, Message(.xmlRootElement, ["found": spelled, "expected": rootName]))
            }
            rootAttributes = Dictionary(attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        case 1:
            if name != knownRecordName {
                let spelled = stream.string(name)
                guard spelled == recordName else {
                    throw error(
                        line: line, Message(.xmlUnexpectedElement, ["name": spelled, "root": rootName, "record": recordName]))
                }
                knownRecordName = name
            }
            recordLine = line
            fieldCount = attributes.count
            try checkFieldCount()
            for attribute in attributes {
                var value = attribute.value
                value.withUTF8 { bytes in
                    sink(XMLFieldView(name: attribute.key, value: Self.trimmed(bytes), line: line, isAttribute: true))
                }
            }
        case 2:
            guard attributes.isEmpty else {
                let names = attributes.map(\.name).joined(separator: ", ")
                throw error(
                    line: line, Message(.xmlFieldAttributes, ["name": stream.string(name), "names": names, "record": recordName]))
            }
            field = (name, line)
            fieldText.removeAll()
        default:
            let outer =
                field.map { Message(.xmlOuterField, ["name": stream.string($0.name), "line": "\($0.line)"]) } ?? Message(.xmlAField)
            throw error(
                line: line, Message(.xmlNested, ["name": stream.string(name), "record": recordName], parts: ["outer": outer]))
        }
    }

    private func text(_ bytes: UnsafeBufferPointer<UInt8>, endLine: Int) throws {
        if depth >= 3, let open = field {
            guard fieldText.count + bytes.count <= limits.maxFieldBytes else {
                let name = stream.string(open.name)
                throw error(
                    line: open.line,
                    Message(.xmlFieldTooLong, ["name": name, "line": "\(open.line)", "max": "\(limits.maxFieldBytes)"]))
            }
            fieldText.append(contentsOf: bytes)
            return
        }
        guard let first = bytes.firstIndex(where: { !Self.isXMLWhitespace($0) }) else { return }
        // The reader hands out a text once the markup after it is read; count back to where the text starts.
        let line = endLine - bytes[first...].count(where: { $0 == 0x0A })
        let place =
            depth == 2 ? Message(.xmlPlaceRecord, ["record": recordName, "line": "\(recordLine)"]) : Message(verbatim: "<\(rootName)>")
        throw error(line: line, Message(.xmlTextInside, parts: ["place": place]))
    }

    /// Closes an element; the record's line if it was a record.
    private func end(_ sink: (XMLFieldView) -> Void) throws -> Int? {
        depth -= 1
        switch depth {
        case 2:
            if let field {
                fieldCount += 1
                try checkFieldCount()
                sink(XMLFieldView(name: field.name, value: Self.trimmed(fieldText.bytes), line: field.line, isAttribute: false))
            }
            field = nil
            return nil
        case 1:
            return recordLine
        default:
            return nil
        }
    }

    private func checkFieldCount() throws {
        if fieldCount > limits.maxFieldsPerRecord {
            throw error(line: recordLine, Message(.xmlTooManyFields, ["record": recordName, "max": "\(limits.maxFieldsPerRecord)"]))
        }
    }

    private func error(line: Int, _ text: Message) -> RegisterFileError {
        RegisterFileError(location: SourceLocation(file: displayName, line: line), text)
    }

    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let first = bytes.firstIndex(where: { !isXMLWhitespace($0) }),
            let last = bytes.lastIndex(where: { !isXMLWhitespace($0) })
        else { return UnsafeBufferPointer(start: bytes.baseAddress, count: 0) }
        return UnsafeBufferPointer(rebasing: bytes[first...last])
    }

    private static func isXMLWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// A growable byte buffer for the text of one field, reused from field to field.
///
/// One thread uses a buffer at a time, and no access to it overlaps another: no runtime exclusivity checks.
final class XMLTextBuffer {
    @exclusivity(unchecked) private var storage: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity = 256
    /// Bytes in the buffer.
    @exclusivity(unchecked) private(set) var count = 0

    /// Creates an empty buffer.
    init() { storage = .allocate(capacity: capacity) }

    deinit { storage.deallocate() }

    /// The bytes, valid until the buffer next changes.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage, count: count) }

    /// Empties the buffer, keeping its memory.
    func removeAll() { count = 0 }

    /// Keeps the first `kept` bytes only.
    func truncate(to kept: Int) { count = min(count, max(0, kept)) }

    /// Removes the first `dropped` bytes, moving the rest to the front.
    func removeFirst(_ dropped: Int) {
        guard dropped > 0 else { return }
        let kept = count - dropped
        if kept > 0 { storage.update(from: storage + dropped, count: kept) }
        count = kept
    }

    /// Appends bytes.
    func append(contentsOf more: UnsafeBufferPointer<UInt8>) {
        guard let source = more.baseAddress, !more.isEmpty else { return }
        if count + more.count > capacity {
            var larger = capacity * 2
            while larger < count + more.count { larger *= 2 }
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
            grown.initialize(from: storage, count: count)
            storage.deallocate()
            storage = grown
            capacity = larger
        }
        (storage + count).initialize(from: source, count: more.count)
        count += more.count
    }
}

/// The name of an element or attribute as libxml2 keeps it: one pointer per spelling for the reader's life.
struct XMLName: Hashable {
    /// libxml2's dictionary entry (NUL-terminated UTF-8), or nil if libxml2 gave none.
    var pointer: UnsafePointer<UInt8>?
}

/// One field as ``XMLRecordReader/nextRecord(_:)`` hands it out; its bytes are valid only during the call.
struct XMLFieldView {
    /// The element or attribute name.
    var name: XMLName
    /// The text, trimmed of surrounding XML whitespace, in UTF-8.
    var value: UnsafeBufferPointer<UInt8>
    /// The line of the field's start tag (the record's, for an attribute).
    var line: Int
    /// True for an attribute of the record element.
    var isAttribute: Bool
}
