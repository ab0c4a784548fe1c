// libxml2's `xmlTextReader` over a chunk source, the one owner of the C handle, with each node
// matched to the markup scanner's markup for its line (see XMLRecordReader.swift and
// XMLMarkupScanner.swift).

internal import CLibXML2
internal import Foundation
internal import Pipeline

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
                    throw RegisterFileError(location: here(), Message(.xmlNoElement))
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
                throw RegisterFileError(location: here(), XMLPrologGuard.doctypeRefusal)
            case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                throw RegisterFileError(location: here(), Self.entityRefusal(Self.string(xmlTextReaderConstName(reader))))
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
                        Message(
                            .xmlAttributeTooLong, ["attribute": attributeName, "name": string(name), "max": "\(limits.maxFieldBytes)"]))
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
            diagnostics.append(
                Diagnostic(severity, verbatim: error.message, at: SourceLocation(file: displayName, line: line, column: column)))
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
        return RegisterFileError(location: location, message(for: error))
    }

    private func message(for error: LibXMLError) -> Message {
        if error.domain == Int32(XML_FROM_I18N.rawValue) || error.message.hasPrefix("Input is not proper UTF-8")
            || error.code == Int32(XML_ERR_UNKNOWN_ENCODING.rawValue) || error.code == Int32(XML_ERR_UNSUPPORTED_ENCODING.rawValue)
        {
            return Message(.xmlDecoding, ["detail": error.message])
        }
        if error.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue) || error.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue) {
            return Self.entityRefusal(error.str1 ?? "?")
        }
        if error.message.hasSuffix("huge text node"), let open = openElements.last {
            // Without XML_PARSE_HUGE libxml2 stops one text at 10,000,000 bytes, before the reader can see it.
            return Message(.xmlHugeText, ["name": string(open.name), "line": "\(open.line)"])
        }
        if feeder.reachedEnd, Self.endOfInputCodes.contains(error.code), let open = openElements.last {
            return Message(.xmlCutShort, ["name": string(open.name), "line": "\(open.line)"])
        }
        if !sawElement && (feeder.reachedEnd || error.code == Int32(XML_ERR_DOCUMENT_EMPTY.rawValue)) {
            return Message(.xmlNoElement)
        }
        if error.domain == Int32(XML_FROM_PARSER.rawValue) || error.domain == Int32(XML_FROM_NAMESPACE.rawValue) {
            return Message(.xmlNotWellFormed, ["detail": error.message])
        }
        return Message(.xmlCannotRead, ["detail": error.message])
    }

    /// What libxml2 says when the input stops in the middle of something (checked only at the end).
    private static let endOfInputCodes: Set<Int32> = Set(
        [
            XML_ERR_DOCUMENT_END, XML_ERR_TAG_NOT_FINISHED, XML_ERR_GT_REQUIRED, XML_ERR_LTSLASH_REQUIRED,
            XML_ERR_ATTRIBUTE_NOT_FINISHED, XML_ERR_LITERAL_NOT_FINISHED, XML_ERR_COMMENT_NOT_FINISHED,
            XML_ERR_PI_NOT_FINISHED, XML_ERR_CDATA_NOT_FINISHED, XML_ERR_ENTITY_NOT_FINISHED,
        ].map { Int32($0.rawValue) })

    private static func entityRefusal(_ name: String) -> Message { Message(.xmlEntity, ["name": name]) }

    private static func bytes(_ text: UnsafePointer<xmlChar>?) -> UnsafeBufferPointer<UInt8> {
        guard let text else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text)))
    }

    private static func string(_ text: UnsafePointer<xmlChar>?) -> String {
        guard let text else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text))), as: UTF8.self)
    }
}
