// The streaming XML record reader: `<registry …><entity …>…</entity>…</registry>` one record at a time.
//
// Built on libxml2's streaming `xmlTextReader` (a pull parser that frees each node once it has been
// passed, so memory stays flat), fed through `xmlReaderForIO` from a chunk source.
//
// Line numbers. A node's own line is a 16-bit field that saturates at 65535 (a county register passes
// that line long before its last entity), and the parser's line counter is where the parser has got
// to, not where a node began. So positions come from our own markup scanner
// (`XMLMarkupScanner`): every byte handed to libxml2 goes through it first, and it queues each piece
// of markup (start, end and empty-element tags, comments, processing instructions, CDATA sections) in
// document order with the line of its `<`, counting line feeds as libxml2 does. `XMLNodeStream`
// takes that queue in step with the nodes `xmlTextReaderRead` reports, so an element is on the line
// of its `<`, also when the tag is spread over several lines and past line 65535; a text ends where
// the markup after it begins. libxml2's own errors and schema diagnostics keep the parser's line and
// column, which are exact at the time it reports them.
//
// Feeding. `XMLByteFeeder` hands libxml2 pieces of up to 511 bytes (xmlTextReader parses in 512-byte
// blocks and, when a block holds an error, drops the nodes it had built from it). A piece ends just
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
// `XML_PARSE_HUGE`. (`XML_PARSE_NOBLANKS` and `XML_PARSE_COMPACT` only save work: the whitespace
// between elements is never made into nodes, which is about a quarter of a register's nodes, and
// short texts are kept inside their node. Whitespace is never data here: a field's text is trimmed,
// and text outside a field is an error only when it is not whitespace.)

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
/// Security: libxml2's `xmlTextReader` runs with `XML_PARSE_NONET` (no entity substitution,
/// DTD loading, DTD default attributes or `XML_PARSE_HUGE`; `NOBLANKS` and `COMPACT` only save work). Any DOCTYPE is refused before libxml2
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
                throw error(line: line, "the root element is <\(spelled)>, expected <\(rootName)>")
            }
            rootAttributes = Dictionary(attributes.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        case 1:
            if name != knownRecordName {
                let spelled = stream.string(name)
                guard spelled == recordName else {
                    throw error(
                        line: line, "unexpected element <\(spelled)> inside <\(rootName)>; only <\(recordName)> records may appear here")
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
                    line: line, "field <\(stream.string(name))> has attributes (\(names)); a field of <\(recordName)> holds text only")
            }
            field = (name, line)
            fieldText.removeAll()
        default:
            let outer = field.map { "field <\(stream.string($0.name))> (line \($0.line))" } ?? "a field"
            throw error(
                line: line, "element <\(stream.string(name))> is nested inside \(outer); a field of <\(recordName)> holds text only")
        }
    }

    private func text(_ bytes: UnsafeBufferPointer<UInt8>, endLine: Int) throws {
        if depth >= 3, let open = field {
            guard fieldText.count + bytes.count <= limits.maxFieldBytes else {
                let name = stream.string(open.name)
                throw error(
                    line: open.line,
                    "the text of <\(name)> (line \(open.line)) is longer than \(limits.maxFieldBytes) bytes, the limit for one field")
            }
            fieldText.append(contentsOf: bytes)
            return
        }
        guard let first = bytes.firstIndex(where: { !Self.isXMLWhitespace($0) }) else { return }
        // The reader hands out a text once the markup after it is read; count back to where the text starts.
        let line = endLine - bytes[first...].count(where: { $0 == 0x0A })
        let place = depth == 2 ? "<\(recordName)> (line \(recordLine))" : "<\(rootName)>"
        throw error(line: line, "text directly inside \(place); fields must be child elements or attributes")
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
            throw error(line: recordLine, "<\(recordName)> has more than \(limits.maxFieldsPerRecord) fields, the limit for one record")
        }
    }

    private func error(line: Int, _ message: String) -> RegisterFileError {
        RegisterFileError(location: SourceLocation(file: displayName, line: line), message: message)
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

// MARK: - The node stream over xmlTextReader

/// libxml2's `xmlTextReader` over a chunk source: the one owner of the C handle.
///
/// Hands out the nodes the record reader and the schema validator need (start tags with their
/// attributes, end tags, text), with the line of each start tag's `<` from the markup scanner,
/// and turns everything else libxml2 says into ``RegisterFileError`` (what stops the read) or
/// ``Diagnostic`` (validity errors and warnings).
final class XMLNodeStream {
    /// An attribute of a start tag, its value decoded.
    struct Attribute {
        var name: String
        var value: String
        /// The name as libxml2 keeps it.
        var key: XMLName
    }

    /// What the reader found, in document order.
    enum Node {
        /// A start tag, or an empty-element tag (`isEmpty`, and no `.end` follows); its attributes
        /// other than namespace declarations, if it has any, are in ``attributes`` until the next node.
        case start(name: XMLName, hasAttributes: Bool, isEmpty: Bool, line: Int)
        /// An end tag.
        case end
        /// Character data, a CDATA section or whitespace, in UTF-8, valid until the next call to
        /// `next()`; `endLine` is the line on which it ends (the reader hands a text out once the
        /// markup after it is read).
        case text(UnsafeBufferPointer<UInt8>, endLine: Int)
    }

    let displayName: String
    private let limits: XMLReaderLimits
    /// Held so the compiled schema outlives the reader that validates against it.
    private let schema: XMLSchema?
    private let feeder: XMLByteFeeder
    private let capture = LibXMLErrorCapture()
    private var reader: xmlTextReaderPtr?

    // Touched for every node, from one thread, by accesses that never overlap: no runtime exclusivity checks.
    @exclusivity(unchecked) private var libxmlFailure: RegisterFileError?
    @exclusivity(unchecked) private var failure: (any Error)?
    /// Something has failed: the feeder, libxml2 or this stream (one flag to test per node).
    @exclusivity(unchecked) private var alarm = false
    @exclusivity(unchecked) private var finished = false
    @exclusivity(unchecked) private var sawElement = false
    @exclusivity(unchecked) private var openElements: [(name: XMLName, line: Int)] = []
    @exclusivity(unchecked) private var capturing = false
    /// Names made into Strings: a few recent ones by pointer, then a dictionary (bounded).
    @exclusivity(unchecked) private var recentNames: [(key: XMLName, name: String)] = Array(
        repeating: (XMLName(pointer: nil), ""), count: 64)
    @exclusivity(unchecked) private var names: [XMLName: String] = [:]

    /// Validity errors and warnings, in document order.
    @exclusivity(unchecked) private(set) var diagnostics: [Diagnostic] = []

    /// The attributes of the last start tag, namespace declarations left out.
    @exclusivity(unchecked) private(set) var attributes: [Attribute] = []

    /// How many diagnostics there are so far.
    var diagnosticCount: Int { diagnostics.count }

    /// Bytes handed to libxml2 so far.
    var bytesRead: Int { feeder.bytesHanded }

    /// Reads from `chunks`; `recordName` names the records a record reader reads (nil when only validating).
    init(
        chunks: @escaping XMLRecordReader.ChunkSource, displayName: String, recordName: String?, limits: XMLReaderLimits,
        schema: XMLSchema?
    ) {
        self.displayName = displayName
        self.limits = limits
        self.schema = schema
        self.feeder = XMLByteFeeder(
            source: chunks, displayName: displayName,
            refusals: recordName.map { XMLMarkupScanner.Refusals(recordName: $0, limits: limits) })
        capture.receive = { [unowned self] error in self.received(error) }
        LibXML.initialize()
        let feederContext = Unmanaged.passUnretained(feeder).toOpaque()
        // Creating the reader already reads the first bytes, so errors are captured from here on.
        let created = capture.run {
            xmlReaderForIO(
                { context, buffer, length in
                    guard let context, let buffer, length > 0 else { return -1 }
                    return Unmanaged<XMLByteFeeder>.fromOpaque(context).takeUnretainedValue()
                        .read(into: buffer, capacity: Int(length))
                }, nil, feederContext, displayName, nil,
                // No NOENT, DTDLOAD, DTDATTR or HUGE: entities stay unexpanded, nothing external is read.
                // NOBLANKS and COMPACT: no nodes for the whitespace between elements, short texts inline.
                Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_COMPACT.rawValue))
        }
        guard let created else {
            fail(
                RegisterFileError(
                    location: SourceLocation(file: displayName), message: "libxml2 could not start reading the file (out of memory?)"))
            return
        }
        reader = created
        capture.run {
            xmlTextReaderSetStructuredErrorHandler(created, LibXMLErrorCapture.callback, capture.opaque)
            if let schema, xmlTextReaderSetSchema(created, schema.handle) != 0 {
                fail(
                    RegisterFileError(
                        location: SourceLocation(file: displayName),
                        message: "libxml2 could not start validating against \(schema.displayName)"))
            }
        }
    }

    deinit {
        if let reader { capture.run { xmlFreeTextReader(reader) } }
    }

    /// The next node, or nil after the end of the document.
    ///
    /// - Throws: ``RegisterFileError`` (or the chunk source's own error); the same again on later calls.
    func next() throws -> Node? {
        try capturingErrors { try nextNode() }
    }

    /// ``next()`` for a caller that already runs inside ``capturingErrors(_:)``.
    func nextNode() throws -> Node? {
        if alarm, let failure { throw failure }
        if finished { return nil }
        do {
            return try advance()
        } catch {
            fail(error)
            throw error
        }
    }

    private func fail(_ error: any Error) {
        failure = error
        alarm = true
    }

    /// Runs `body` with libxml2's errors routed to this stream: a caller that reads many nodes in a
    /// row installs the handler once for all of them instead of once per node.
    func capturingErrors<T>(_ body: () throws -> T) rethrows -> T {
        if capturing { return try body() }
        capturing = true
        defer { capturing = false }
        return try capture.run(body)
    }

    /// The spelling of a name.
    func string(_ name: XMLName) -> String {
        guard let pointer = name.pointer else { return "" }
        let slot = Int(truncatingIfNeeded: UInt(bitPattern: pointer) >> 3) & (recentNames.count - 1)
        if recentNames[slot].key == name { return recentNames[slot].name }
        let made: String
        if let known = names[name] {
            made = known
        } else {
            made = Self.string(pointer)
            if names.count < 4096 { names[name] = made }
        }
        recentNames[slot] = (name, made)
        return made
    }

    private var parserLine: Int? {
        guard let reader else { return nil }
        let line = Int(xmlTextReaderGetParserLineNumber(reader))
        return line > 0 ? line : nil
    }

    private var parserColumn: Int? {
        guard let reader else { return nil }
        let column = Int(xmlTextReaderGetParserColumnNumber(reader))
        return column > 0 ? column : nil
    }

    private func advance() throws -> Node? {
        guard let reader else { return nil }
        while true {
            let status = xmlTextReaderRead(reader)
            // A recoverable libxml2 error (level ERROR) does not stop it; a register must be clean, so stop here.
            if alarm || feeder.failed {
                if let failure = feeder.failure { throw failure }
                if let libxmlFailure { throw libxmlFailure }
            }
            if status != 1 {
                if status < 0 {
                    throw RegisterFileError(location: here(), message: "libxml2 stopped reading the XML without giving a reason")
                }
                finished = true
                guard sawElement else {
                    throw RegisterFileError(location: here(), message: "the file holds no XML element; it is empty or not XML")
                }
                return nil
            }
            // Text first, by the node's own type: the reader's type would also tell whitespace from
            // text (walking up the tree for xml:space), which makes no difference here.
            if let node = xmlTextReaderCurrentNode(reader), node.pointee.type == XML_TEXT_NODE {
                // A text ends where the markup after it begins, and the reader hands it out only once that is read.
                let endLine = feeder.scanner.next?.line ?? feeder.scanner.line
                return .text(Self.bytes(xmlTextReaderConstValue(reader)), endLine: endLine)
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                return try startTag(reader)
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                _ = openElements.popLast()
                _ = try markup(.end, node: nil)
                return .end
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue):
                // A text ends where the markup after it begins, and the reader hands it out only once that is read.
                let endLine = feeder.scanner.next?.line ?? feeder.scanner.line
                return .text(Self.bytes(xmlTextReaderConstValue(reader)), endLine: endLine)
            case Int32(XML_READER_TYPE_CDATA.rawValue):
                guard let run = feeder.scanner.takeCDATA() else { throw disagreement(libxml2: "a CDATA section") }
                return .text(Self.bytes(xmlTextReaderConstValue(reader)), endLine: run.last.endLine)
            case Int32(XML_READER_TYPE_COMMENT.rawValue):
                _ = try markup(.comment, node: xmlTextReaderCurrentNode(reader))
            case Int32(XML_READER_TYPE_PROCESSING_INSTRUCTION.rawValue):
                _ = try markup(.instruction, node: xmlTextReaderCurrentNode(reader))
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue), Int32(XML_READER_TYPE_ENTITY.rawValue),
                Int32(XML_READER_TYPE_END_ENTITY.rawValue), Int32(XML_READER_TYPE_NOTATION.rawValue):
                // The prolog guard stops every DOCTYPE first; this is the second line of defence.
                throw RegisterFileError(location: here(), message: XMLPrologGuard.doctypeRefusal)
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                throw RegisterFileError(location: here(), message: Self.entityRefusal(Self.string(xmlTextReaderConstName(reader))))
            default:
                continue
            }
        }
    }

    private func startTag(_ reader: xmlTextReaderPtr) throws -> Node {
        let isEmpty = xmlTextReaderIsEmptyElement(reader) == 1
        let line = try markup(isEmpty ? .emptyElement : .start, node: xmlTextReaderCurrentNode(reader)).line
        let name = XMLName(pointer: xmlTextReaderConstName(reader))
        var hasAttributes = false
        if xmlTextReaderHasAttributes(reader) == 1 {
            attributes.removeAll()
            defer { xmlTextReaderMoveToElement(reader) }
            while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                let key = XMLName(pointer: xmlTextReaderConstName(reader))
                let attributeName = string(key)
                // Namespace declarations are how names are spelled, not fields.
                if attributeName == "xmlns" || attributeName.hasPrefix("xmlns:") { continue }
                let value = Self.string(xmlTextReaderConstValue(reader))
                guard value.utf8.count <= limits.maxFieldBytes else {
                    throw RegisterFileError(
                        location: SourceLocation(file: displayName, line: line),
                        message:
                            "attribute \(attributeName) of <\(string(name))> is longer than \(limits.maxFieldBytes) bytes, the limit for one field"
                    )
                }
                attributes.append(Attribute(name: attributeName, value: value, key: key))
            }
            hasAttributes = !attributes.isEmpty
        }
        sawElement = true
        if !isEmpty { openElements.append((name, line)) }
        return .start(name: name, hasAttributes: hasAttributes, isEmpty: isEmpty, line: line)
    }

    /// Takes the scanner's markup for the node libxml2 has just reported, which must be of `kind`
    /// and, when libxml2 knows the node's line (below 65535; an element's is its `>`'s, a comment's
    /// or instruction's its end's), must span that line.
    ///
    /// - Throws: ``XMLLineTrackingError`` if the two disagree.
    private func markup(_ kind: XMLMarkup.Kind, node: xmlNodePtr?) throws -> XMLMarkup {
        guard let markup = feeder.scanner.next, markup.kind == kind else {
            throw disagreement(libxml2: Self.describe(kind))
        }
        feeder.scanner.take()
        if let line = node.map({ Int($0.pointee.line) }), line > 0, line < 65535, !(markup.line...markup.endLine).contains(line) {
            throw XMLLineTrackingError(
                location: here(),
                detail:
                    "libxml2 read \(Self.describe(kind)) on line \(line), the scanner found it on lines \(markup.line)-\(markup.endLine)")
        }
        return markup
    }

    /// The error for a node of libxml2's that the scanner's next markup is not.
    private func disagreement(libxml2 what: String) -> XMLLineTrackingError {
        let scanned = feeder.scanner.next.map { "\(Self.describe($0.kind)) on line \($0.line)" } ?? "no markup"
        return XMLLineTrackingError(location: here(), detail: "libxml2 read \(what), the scanner found \(scanned)")
    }

    /// A kind of markup in words.
    private static func describe(_ kind: XMLMarkup.Kind) -> String {
        switch kind {
        case .start: return "a start tag"
        case .emptyElement: return "an empty-element tag"
        case .end: return "an end tag"
        case .comment: return "a comment"
        case .instruction: return "a processing instruction"
        case .cdata: return "a CDATA section"
        }
    }

    /// Where the parser is now.
    private func here() -> SourceLocation {
        SourceLocation(file: displayName, line: parserLine, column: parserLine == nil ? nil : parserColumn)
    }

    // MARK: Errors from libxml2

    private func received(_ error: LibXMLError) {
        guard failure == nil, feeder.failure == nil, libxmlFailure == nil else { return }
        if error.isSchemaValidity || error.isWarning {
            let severity: Severity = error.isWarning ? .warning : .error
            // Validity errors carry the parser's line (the end of the offending tag or text) but no column.
            let line = error.line ?? parserLine
            let column = error.column ?? (line == parserLine ? parserColumn : nil)
            diagnostics.append(Diagnostic(severity, error.message, at: SourceLocation(file: displayName, line: line, column: column)))
            return
        }
        // Translated now, while the open elements and the end-of-input flag say what they did when it
        // happened; libxml2 may read on after an error, but it gets no more bytes.
        libxmlFailure = translated(error)
        alarm = true
        feeder.stop()
    }

    private func translated(_ error: LibXMLError) -> RegisterFileError {
        let location =
            error.line != nil
            ? SourceLocation(file: displayName, line: error.line, column: error.column)
            : here()
        return RegisterFileError(location: location, message: message(for: error))
    }

    private func message(for error: LibXMLError) -> String {
        if error.domain == Int32(XML_FROM_I18N.rawValue) || error.message.hasPrefix("Input is not proper UTF-8")
            || error.code == Int32(XML_ERR_UNKNOWN_ENCODING.rawValue) || error.code == Int32(XML_ERR_UNSUPPORTED_ENCODING.rawValue)
        {
            return
                "the bytes cannot be decoded in the file's encoding (UTF-8 unless the XML declaration names another, e.g. encoding=\"GB18030\"): \(error.message)"
        }
        if error.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue) || error.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue) {
            return Self.entityRefusal(error.str1 ?? "?")
        }
        if error.message.hasSuffix("huge text node"), let open = openElements.last {
            // Without XML_PARSE_HUGE libxml2 stops one text at 10,000,000 bytes, before the reader can see it.
            return "the text of <\(string(open.name))> (line \(open.line)) is longer than 10000000 bytes, libxml2's limit for one text"
        }
        if feeder.reachedEnd, Self.endOfInputCodes.contains(error.code), let open = openElements.last {
            return "the file ends before <\(string(open.name))> (line \(open.line)) is closed; it looks cut short"
        }
        if !sawElement && (feeder.reachedEnd || error.code == Int32(XML_ERR_DOCUMENT_EMPTY.rawValue)) {
            return "the file holds no XML element; it is empty or not XML"
        }
        if error.domain == Int32(XML_FROM_PARSER.rawValue) || error.domain == Int32(XML_FROM_NAMESPACE.rawValue) {
            return "not well-formed XML: \(error.message)"
        }
        return "cannot read the XML: \(error.message)"
    }

    /// What libxml2 says when the input stops in the middle of something (checked only at the end).
    private static let endOfInputCodes: Set<Int32> = Set(
        [
            XML_ERR_DOCUMENT_END, XML_ERR_TAG_NOT_FINISHED, XML_ERR_GT_REQUIRED, XML_ERR_LTSLASH_REQUIRED,
            XML_ERR_ATTRIBUTE_NOT_FINISHED, XML_ERR_LITERAL_NOT_FINISHED, XML_ERR_COMMENT_NOT_FINISHED,
            XML_ERR_PI_NOT_FINISHED, XML_ERR_CDATA_NOT_FINISHED, XML_ERR_ENTITY_NOT_FINISHED,
        ].map { Int32($0.rawValue) })

    private static func entityRefusal(_ name: String) -> String {
        "the file refers to the entity &\(name);, which is not one of the five predefined ones (&amp; &lt; &gt; &quot; &apos;); entities are refused for security"
    }

    private static func bytes(_ text: UnsafePointer<xmlChar>?) -> UnsafeBufferPointer<UInt8> {
        guard let text else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text)))
    }

    private static func string(_ text: UnsafePointer<xmlChar>?) -> String {
        guard let text else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text))), as: UTF8.self)
    }
}

// MARK: - Feeding libxml2

/// Hands libxml2 the document from a chunk source in pieces that end where they must, guarding the prolog.
///
/// xmlTextReader hands the parser what it reads in blocks of 512 bytes, one `xmlParseChunk` call
/// per block, and asks for more only when it has no finished node left; when a block holds a
/// well-formedness error, it stops there and never returns the nodes that block had already built.
/// So a piece is at most 511 bytes (one block), and it ends just after the markup that completes a
/// record, or that makes a node the record reader may refuse available (`XMLMarkupScanner` says
/// where): the records before an error are returned first, and errors come in document order. A
/// piece also ends where a source chunk does, as it always has (where libxml2 stops a text that is
/// too long depends on where its pieces end). Every byte goes through the markup scanner (lines,
/// markup, depth) and, until the root element begins, the prolog guard.
final class XMLByteFeeder {
    /// The largest piece: under xmlTextReader's 512-byte parsing block.
    static let largestPiece = 511

    private let source: XMLRecordReader.ChunkSource
    private let displayName: String

    // Touched for every piece and (the scanner) every node, from one thread, by accesses that never
    // overlap: no runtime exclusivity checks.
    @exclusivity(unchecked) private var chunk: [UInt8] = []
    @exclusivity(unchecked) private var offset = 0
    @exclusivity(unchecked) private var prologGuard: XMLPrologGuard? = XMLPrologGuard()
    /// Markup, lines and depth of everything handed to libxml2 so far.
    let scanner: XMLMarkupScanner
    /// True once the source has said the document is over (and libxml2 has been told).
    @exclusivity(unchecked) private(set) var reachedEnd = false
    /// What stopped the input: the source's own error, or a refusal by the prolog guard.
    @exclusivity(unchecked) private(set) var failure: (any Error)? {
        didSet { failed = failure != nil }
    }
    /// True once ``failure`` is set.
    @exclusivity(unchecked) private(set) var failed = false
    /// Bytes handed to libxml2 so far.
    @exclusivity(unchecked) private(set) var bytesHanded = 0
    @exclusivity(unchecked) private var stopped = false

    /// Feeds from `source`; `refusals` are the record reader's (nil when only validating).
    init(source: @escaping XMLRecordReader.ChunkSource, displayName: String, refusals: XMLMarkupScanner.Refusals?) {
        self.source = source
        self.displayName = displayName
        self.scanner = XMLMarkupScanner(refusals: refusals)
    }

    /// Hands libxml2 nothing more: the read has failed, and the rest of the file is not worth reading.
    func stop() { stopped = true }

    /// libxml2's read callback: copies the next piece into `buffer`; 0 at the end, -1 to stop.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        guard !failed, !stopped else { return -1 }
        while offset >= chunk.count {
            if reachedEnd { return 0 }
            do {
                guard let next = try source() else {
                    reachedEnd = true
                    chunk = []
                    offset = 0
                    return 0
                }
                chunk = next
                offset = 0
            } catch {
                failure = error
                return -1
            }
        }
        let start = offset
        let available = min(capacity, Self.largestPiece, chunk.count - start)
        let count: Int = chunk.withUnsafeBufferPointer { whole in
            guard let base = whole.baseAddress, available > 0 else { return 0 }
            let piece = base + start
            let count = scanner.scan(piece, count: available).scanned
            UnsafeMutableRawPointer(buffer).copyMemory(from: piece, byteCount: count)
            return count
        }
        if prologGuard != nil, let refusal = guardProlog(start..<(start + count)) {
            failure = refusal
            return -1
        }
        offset += count
        bytesHanded += count
        return Int32(count)
    }

    /// Runs the prolog guard over bytes of the current chunk until it passes; the refusal, if any.
    private func guardProlog(_ range: Range<Int>) -> RegisterFileError? {
        for index in range {
            switch prologGuard?.inspect(chunk[index]) {
            case .refused(let line, let column, let message)?:
                return RegisterFileError(location: SourceLocation(file: displayName, line: line, column: column), message: message)
            case .passed?:
                prologGuard = nil
                return nil
            default:
                continue
            }
        }
        return nil
    }
}

/// Watches the bytes before the root element and refuses what could declare entities.
///
/// The prolog may hold only an XML declaration, comments, processing instructions, whitespace and
/// a DOCTYPE; the guard skips the first four and refuses `<!D…` at its `<`. Its byte checks hold
/// only in ASCII-compatible encodings, so a file that starts like UTF-16, UTF-32 or EBCDIC, or
/// whose XML declaration names an encoding outside a short list, is refused too. Anything else
/// unexpected ends the guard's watch: it is not well-formed, and libxml2 stops there itself.
struct XMLPrologGuard {
    /// What the guard concluded from one more byte.
    enum Verdict: Equatable {
        /// Still in the prolog.
        case undecided
        /// The root element (or something libxml2 will reject) has begun; nothing more to watch.
        case passed
        /// The file must not be parsed; the position is that of the offending markup.
        case refused(line: Int, column: Int, message: String)
    }

    private enum State {
        case prolog, lessThan, bang, bangDash, comment, commentDash, commentDashDash, instruction, instructionQuestion
    }

    /// Encodings in which `<`, `!`, `>`, `-`, `?` and the line feed are always themselves (upper case).
    static let readableEncodings: Set<String> = [
        "UTF-8", "UTF8", "GB18030", "GBK", "GB2312", "CP936", "EUC-CN", "US-ASCII", "ASCII", "ISO-8859-1", "LATIN1",
    ]

    /// The message for a refused DOCTYPE.
    static let doctypeRefusal =
        "the file has a document type declaration (<!DOCTYPE …>), which is refused: it can declare entities that read local files or expand without bound (XXE, billion laughs); remove the DOCTYPE and read the file again"

    private var state = State.prolog
    private var index = 0
    private var bomLength = 0
    private var line = 1
    private var column = 0
    private var markLine = 1
    private var markColumn = 1
    private var declaration: [UInt8]?

    /// Takes the next byte of the file.
    mutating func inspect(_ byte: UInt8) -> Verdict {
        defer { index += 1 }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if index < 3, bomLength == index, byte == bom[index] {
            bomLength += 1
        } else if byte == 0x0A {
            line += 1
            column = 0
        } else if byte & 0xC0 != 0x80 {
            column += 1 // libxml2 counts characters; UTF-8 continuation bytes add none
        }
        if (index == 0 && [0x00, 0xFE, 0xFF, 0x4C].contains(byte)) || (index == 1 && byte == 0x00) {
            return .refused(
                line: 1, column: 1,
                message:
                    "the file looks like UTF-16, UTF-32 or EBCDIC, which suiji does not read; save it as UTF-8, or as GB18030 with encoding=\"GB18030\" in the XML declaration"
            )
        }
        switch state {
        case .prolog:
            if byte == UInt8(ascii: "<") {
                markLine = line
                markColumn = column
                state = .lessThan
            }
        case .lessThan:
            switch byte {
            case UInt8(ascii: "?"):
                state = .instruction
                declaration = markLine == 1 && markColumn == 1 ? [] : nil
            case UInt8(ascii: "!"):
                state = .bang
            default:
                return .passed
            }
        case .bang:
            switch byte {
            case UInt8(ascii: "-"): state = .bangDash
            case UInt8(ascii: "D"): return .refused(line: markLine, column: markColumn, message: Self.doctypeRefusal)
            default: return .passed // not well-formed; libxml2 stops at it
            }
        case .bangDash:
            guard byte == UInt8(ascii: "-") else { return .passed }
            state = .comment
        case .comment:
            if byte == UInt8(ascii: "-") { state = .commentDash }
        case .commentDash:
            state = byte == UInt8(ascii: "-") ? .commentDashDash : .comment
        case .commentDashDash:
            if byte == UInt8(ascii: ">") {
                state = .prolog
            } else if byte != UInt8(ascii: "-") {
                state = .comment
            }
        case .instruction:
            if byte == UInt8(ascii: "?") {
                state = .instructionQuestion
            } else {
                collect(byte)
            }
        case .instructionQuestion:
            if byte == UInt8(ascii: ">") {
                state = .prolog
                defer { declaration = nil }
                if let declaration, let encoding = Self.declaredEncoding(in: declaration),
                    !Self.readableEncodings.contains(encoding.uppercased())
                {
                    return .refused(
                        line: markLine, column: markColumn,
                        message:
                            "the XML declaration names the encoding \"\(encoding)\", which suiji does not read; save the file as UTF-8, or as GB18030 with encoding=\"GB18030\""
                    )
                }
            } else if byte != UInt8(ascii: "?") {
                collect(UInt8(ascii: "?"))
                collect(byte)
                state = .instruction
            } else {
                collect(byte)
            }
        }
        return .undecided
    }

    private mutating func collect(_ byte: UInt8) {
        if declaration != nil, let count = declaration?.count, count < 512 { declaration?.append(byte) }
    }

    /// The value of `encoding="…"` in the text of an XML declaration, if there is one.
    static func declaredEncoding(in declaration: [UInt8]) -> String? {
        let text = String(decoding: declaration, as: UTF8.self)
        guard let keyword = text.range(of: "encoding") else { return nil }
        var rest = text[keyword.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }
}

// MARK: - libxml2 errors

/// libxml2's one-time global set-up.
enum LibXML {
    /// `xmlInitParser` is not safe to race, and Swift runs a static initializer exactly once.
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Initializes libxml2 if no one has yet; call before anything else in libxml2.
    static func initialize() { _ = initialized }
}

/// The parts of a libxml2 `xmlError` the stages use, copied out of the C struct.
struct LibXMLError {
    var domain: Int32
    var code: Int32
    var level: xmlErrorLevel
    var message: String
    /// The first string argument (for an undeclared entity, its name).
    var str1: String?
    /// The 1-based line, or nil if libxml2 did not know it.
    var line: Int?
    /// The 1-based column, or nil.
    var column: Int?

    init(_ error: xmlError) {
        domain = error.domain
        code = error.code
        level = error.level
        let raw = error.message.map { String(cString: $0) } ?? "unknown libxml2 error"
        // libxml2 ends messages with a newline and sometimes breaks them ("…encoding !\nBytes: …").
        message = raw.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        str1 = error.str1.map { String(cString: $0) }
        line = error.line > 0 ? Int(error.line) : nil
        column = error.int2 > 0 ? Int(error.int2) : nil
    }

    var isWarning: Bool { level == XML_ERR_WARNING }
    var isSchemaValidity: Bool { domain == Int32(XML_FROM_SCHEMASV.rawValue) }
}

/// Routes every libxml2 error raised while it is installed to one Swift closure, so nothing reaches stderr.
///
/// The text reader's own errors come through `xmlTextReaderSetStructuredErrorHandler`; errors that
/// have no parser context (character conversion, I/O) go to libxml2's thread-local structured
/// handler instead, so `run` installs this capture there for the duration of one call into libxml2
/// and restores what was there before.
final class LibXMLErrorCapture {
    var receive: (LibXMLError) -> Void

    init(receive: @escaping (LibXMLError) -> Void = { _ in }) {
        self.receive = receive
    }

    /// The value to pass as a C `void *` context; the capture must outlive every use of it.
    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// The C callback: finds the capture from the context pointer and hands it the error.
    static let callback: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        Unmanaged<LibXMLErrorCapture>.fromOpaque(context).takeUnretainedValue().receive(LibXMLError(error.pointee))
    }

    /// Runs `body` with libxml2's thread-local structured error handler pointed at this capture.
    func run<T>(_ body: () throws -> T) rethrows -> T {
        let savedHandler = __xmlStructuredError()?.pointee
        let savedContext = __xmlStructuredErrorContext()?.pointee
        xmlSetStructuredErrorFunc(opaque, Self.callback)
        defer { xmlSetStructuredErrorFunc(savedContext, savedHandler) }
        return try body()
    }
}
