// libxml2's SAX2 push parser over a chunk source, the one owner of its parser context, with each
// node matched to the markup scanner's markup for its line (see XMLRecordReader.swift and
// XMLMarkupScanner.swift).
//
// Why the push parser and not `xmlTextReader` (which this stream used until stop 29): the reader
// builds a tree node for every element and text and frees it again, and answers each question
// (type, name, value) through a call. Over the benchmark's register (599 MB, 13.5 million
// elements), a bare C loop over `xmlTextReaderRead` took 3.2-4.8 s and the same loop over the
// push parser with SAX2 callbacks 1.8-2.5 s (64 KiB pieces) or 3.1 s of CPU (this stream's
// 511-byte pieces, as they were until stop 37), measured in one run; the import's reader thread
// spent 60% of its time in libxml2. The pull interface stays: each piece is parsed into a queue of nodes, handed out one
// at a time.
//
// What the reader did that the callbacks now do:
// - whitespace between elements: the reader dropped it (`XML_PARSE_NOBLANKS`, a heuristic that
//   needs the tree); now whitespace-only text directly inside the root or a record is not queued
//   (the record reader always ignored it), and a field's whitespace is handed out (its value is trimmed);
// - attribute values: without entity substitution libxml2 hands an `&` over as `&#38;`, which the
//   stream decodes (the reader's attribute nodes held it decoded);
// - adjacent CDATA sections, and a CDATA section in several callbacks, are one text;
// - an empty-element tag is a start and an end to SAX; libxml2 says which (`/` after the start
//   tag) and the scanner must agree, and the end is not handed out;
// - an element's line is the parser's when the start tag's callback comes (its `>`'s line, as the
//   reader's node line was, but not capped at 65535), and must lie within the scanner's markup;
// - a text longer than libxml2's own limit for one text node (10,000,000 bytes), which the tree
//   builder refused, is refused here.

internal import CLibXML2
internal import Foundation
internal import Pipeline

/// libxml2's SAX2 push parser over a chunk source, its events handed out as a stream of nodes.
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
        /// Character data, a run of adjacent CDATA sections or whitespace, in UTF-8, valid until the
        /// next call to `next()`; `endLine` is the line on which it ends (where the markup after it begins).
        case text(UnsafeBufferPointer<UInt8>, endLine: Int)
    }

    /// A node parsed and not yet handed out.
    private enum Parsed {
        /// A start tag; `attributes` indexes ``parsedAttributes`` (-1: none).
        case start(name: XMLName, attributes: Int, isEmpty: Bool, line: Int)
        case end
        /// A text: `count` bytes of ``texts`` from `offset`.
        case text(offset: Int, count: Int, endLine: Int)
        /// What stops the read at this point of the document, ``queuedFailure`` (the nodes before it
        /// come out first). No payload: a node is then plain data, copied without reference counting.
        case failure
    }

    /// libxml2's limit for one text node without `XML_PARSE_HUGE`, which its tree builder enforced.
    static let largestText = 10_000_000

    let displayName: String
    private let limits: XMLReaderLimits
    /// Held so the compiled schema outlives the validation that uses it.
    private let schema: XMLSchema?
    private let feeder: XMLByteFeeder
    private let capture = LibXMLErrorCapture()
    /// The SAX2 handler the parser (or the schema's plug) calls: libxml2 keeps a pointer to it.
    private let handler: UnsafeMutablePointer<xmlSAXHandler>
    /// Where the schema's plug swaps the handler and user data for its own, and puts them back when
    /// unplugged: it keeps these addresses, so they live as long as the stream.
    private let handlerSlot = UnsafeMutablePointer<UnsafeMutablePointer<xmlSAXHandler>?>.allocate(capacity: 1)
    private let userDataSlot = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 1)
    private var context: xmlParserCtxtPtr?
    private var validation: xmlSchemaValidCtxtPtr?
    private var plug: xmlSchemaSAXPlugPtr?
    /// The piece being parsed.
    private let piece = UnsafeMutablePointer<CChar>.allocate(capacity: XMLByteFeeder.largestPiece)

    // Touched for every node, from one thread, by accesses that never overlap: no runtime exclusivity checks.
    @exclusivity(unchecked) private var libxmlFailure: RegisterFileError? {
        didSet { libxmlFailed = libxmlFailure != nil }
    }
    /// True once ``libxmlFailure`` is set: the flag every callback tests. Testing the optional
    /// itself copied and destroyed the error's value each time, about 8% of the XML import's
    /// reading thread (`perf`, 1,000,000 records).
    @exclusivity(unchecked) private var libxmlFailed = false
    @exclusivity(unchecked) private var failure: (any Error)?
    /// Something has failed: the feeder, libxml2 or this stream (one flag to test per node).
    @exclusivity(unchecked) private var alarm = false
    /// A callback has queued a failure and stopped the parser.
    @exclusivity(unchecked) private var stopped = false
    /// The failure a callback queued.
    @exclusivity(unchecked) private var queuedFailure: (any Error)?
    @exclusivity(unchecked) private var documentEnded = false
    /// The parser is being told the document has ended.
    @exclusivity(unchecked) private var terminating = false
    @exclusivity(unchecked) private var finished = false
    @exclusivity(unchecked) private var sawElement = false
    @exclusivity(unchecked) private var openElements: [(name: XMLName, line: Int)] = []
    @exclusivity(unchecked) private var capturing = false
    /// The nodes of the pieces parsed so far not yet handed out, from `parsedHead` on.
    /// A `GrowingBuffer`, not an Array: about fourteen appends a record, each of which checked the
    /// array's uniqueness; 100,000 records took 12,895.5M instructions instead of 12,950.5M (callgrind).
    @exclusivity(unchecked) private var parsed = GrowingBuffer<Parsed>()
    @exclusivity(unchecked) private var parsedHead = 0
    @exclusivity(unchecked) private var parsedAttributes: [[Attribute]] = []
    /// The bytes of the queued texts, and of the text being gathered (from `openText`).
    private let texts = XMLTextBuffer()
    /// The text being gathered: where it starts in ``texts``, and whether it is a run of CDATA sections.
    @exclusivity(unchecked) private var openText: (offset: Int, isCDATA: Bool)?
    /// The end callback of the empty-element tag just queued, which is not a node of its own.
    @exclusivity(unchecked) private var swallowEnd = false
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
        handler = .allocate(capacity: 1)
        handler.initialize(to: Self.callbacks())
        capture.receive = { [unowned(unsafe) self] error in self.received(error) }
        LibXML.initialize()
        handlerSlot.initialize(to: handler)
        let userData = Unmanaged.passUnretained(self).toOpaque()
        userDataSlot.initialize(to: userData)
        if let schema {
            // The schema's plug wraps the handler: it validates each event, then passes it on.
            let valid = xmlSchemaNewValidCtxt(schema.handle)
            validation = valid
            if let valid {
                xmlSchemaSetValidStructuredErrors(valid, LibXMLErrorCapture.callback, capture.opaque)
                xmlSchemaValidateSetLocator(
                    valid,
                    { context, file, line in
                        // libxml2 reads both: the file as nil (the stream names it), the line as the parser's.
                        file?.pointee = nil
                        guard let context, let line else { return -1 }
                        let stream = Unmanaged<XMLNodeStream>.fromOpaque(context).takeUnretainedValue()
                        line.pointee = UInt(stream.parserLine ?? 0)
                        return 0
                    }, userData)
                plug = xmlSchemaSAXPlug(valid, handlerSlot, userDataSlot)
            }
            guard plug != nil else {
                fail(
                    RegisterFileError(
                        location: SourceLocation(file: displayName),
                        message: "libxml2 could not start validating against \(schema.displayName)"))
                return
            }
        }
        let created = capture.run { xmlCreatePushParserCtxt(handlerSlot.pointee, userDataSlot.pointee, nil, 0, displayName) }
        guard let created else {
            fail(
                RegisterFileError(
                    location: SourceLocation(file: displayName), message: "libxml2 could not start reading the file (out of memory?)"))
            return
        }
        context = created
        // No NOENT, DTDLOAD, DTDATTR or HUGE: entities stay unexpanded, nothing external is read.
        xmlCtxtUseOptions(created, Int32(XML_PARSE_NONET.rawValue))
    }

    deinit {
        capture.run {
            if let context { xmlFreeParserCtxt(context) }
            if let plug { xmlSchemaSAXUnplug(plug) }
            if let validation { xmlSchemaFreeValidCtxt(validation) }
        }
        handler.deinitialize(count: 1)
        handler.deallocate()
        handlerSlot.deallocate()
        userDataSlot.deallocate()
        piece.deallocate()
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
        guard let context else { return nil }
        let line = Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer(context)))
        return line > 0 ? line : nil
    }

    private var parserColumn: Int? {
        guard let context else { return nil }
        let column = Int(xmlSAX2GetColumnNumber(UnsafeMutableRawPointer(context)))
        return column > 0 ? column : nil
    }

    private func advance() throws -> Node? {
        while parsedHead == parsed.count {
            if documentEnded {
                finished = true
                guard sawElement else { throw RegisterFileError(location: here(), Message(.xmlNoElement)) }
                return nil
            }
            try parseNextPiece()
        }
        let node = parsed[parsedHead]
        parsedHead += 1
        switch node {
        case .start(let name, let index, let isEmpty, let line):
            attributes = index >= 0 ? parsedAttributes[index] : []
            return .start(name: name, hasAttributes: index >= 0, isEmpty: isEmpty, line: line)
        case .end:
            return .end
        case .text(let offset, let count, let endLine):
            return .text(UnsafeBufferPointer(rebasing: texts.bytes[offset..<(offset + count)]), endLine: endLine)
        case .failure:
            throw queuedFailure ?? RegisterFileError(location: here(), message: "libxml2 stopped reading the XML without giving a reason")
        }
    }

    /// Parses the feeder's next piece (or the end of the document) into ``parsed``.
    private func parseNextPiece() throws {
        guard let context else { throw failure ?? RegisterFileError(location: here(), message: "libxml2 is not reading the file") }
        // Everything queued has been handed out: keep only the text being gathered.
        parsed.removeAll()
        parsedHead = 0
        parsedAttributes.removeAll(keepingCapacity: true)
        if let open = openText {
            texts.removeFirst(open.offset)
            openText = (0, open.isCDATA)
        } else {
            texts.removeAll()
        }
        let count = feeder.read(into: piece, capacity: XMLByteFeeder.largestPiece)
        let status: Int32
        if count > 0 {
            status = xmlParseChunk(context, piece, count, 0)
        } else if count == 0 {
            terminating = true
            status = xmlParseChunk(context, nil, 0, 1)
            if !stopped, !libxmlFailed { flushText() }
            documentEnded = true
        } else {
            if let failure = feeder.failure { throw failure }
            if let libxmlFailure { throw libxmlFailure }
            throw RegisterFileError(location: here(), message: "libxml2 stopped reading the XML without giving a reason")
        }
        // A recoverable libxml2 error (level ERROR) does not stop it; a register must be clean, so stop here.
        if alarm || feeder.failed, !stopped {
            if let failure = feeder.failure { throw failure }
            if let libxmlFailure { throw libxmlFailure }
        }
        if status != 0, !stopped {
            throw RegisterFileError(location: here(), message: "libxml2 stopped reading the XML without giving a reason")
        }
    }

    // MARK: SAX2 events

    /// The handler's callbacks; each finds the stream from the user data the parser passes.
    private static func callbacks() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = { context, localName, prefix, _, _, _, count, _, attributes in
            XMLNodeStream.with(context) { $0.started(localName, prefix, Int(count), attributes) }
        }
        sax.endElementNs = { context, _, _, _ in XMLNodeStream.with(context) { $0.ended() } }
        let characters: charactersSAXFunc = { context, bytes, count in
            XMLNodeStream.with(context) { $0.gather(bytes, Int(count), isCDATA: false) }
        }
        // The same function for both, so libxml2 does not try to tell ignorable whitespace (which needs a tree).
        sax.characters = characters
        sax.ignorableWhitespace = characters
        sax.cdataBlock = { context, bytes, count in XMLNodeStream.with(context) { $0.gather(bytes, Int(count), isCDATA: true) } }
        sax.comment = { context, _ in XMLNodeStream.with(context) { $0.markupOnly(.comment) } }
        sax.processingInstruction = { context, _, _ in XMLNodeStream.with(context) { $0.markupOnly(.instruction) } }
        // Second line of defence: the prolog guard stops every DOCTYPE before libxml2 sees it.
        sax.internalSubset = { context, _, _, _ in XMLNodeStream.with(context) { $0.refuse(XMLPrologGuard.doctypeRefusal) } }
        sax.entityDecl = { context, _, _, _, _, _ in XMLNodeStream.with(context) { $0.refuse(XMLPrologGuard.doctypeRefusal) } }
        sax.reference = { context, name in
            XMLNodeStream.with(context) { $0.refuse(XMLNodeStream.entityRefusal(XMLNodeStream.string(name))) }
        }
        sax.getEntity = { _, _ in nil }
        return sax
    }

    /// Runs `body` with the stream behind a callback's context, without retaining it.
    @inline(__always)
    private static func with(_ context: UnsafeMutableRawPointer?, _ body: (XMLNodeStream) -> Void) {
        guard let context else { return }
        Unmanaged<XMLNodeStream>.fromOpaque(context)._withUnsafeGuaranteedRef { stream in
            // After libxml2's own error it may still report what it was reading (an unfinished start
            // tag or CDATA section); its error is what stops the read, and this piece's nodes are dropped.
            guard !stream.stopped, !stream.libxmlFailed else { return }
            body(stream)
        }
    }

    /// Queues `error` where the parser is and stops it: the nodes before come out first.
    private func stop(_ error: any Error) {
        guard !stopped else { return }
        stopped = true
        queuedFailure = error
        parsed.append(.failure)
        if let context { xmlStopParser(context) }
    }

    private func refuse(_ message: Message) { stop(RegisterFileError(location: here(), message)) }

    private func started(
        _ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?, _ count: Int,
        _ values: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        // libxml2 calls back at the end of the start tag, before its `>` or `/>`. Anything else there
        // (a byte no attribute may start with, or the end of the input) and libxml2 reports the tag
        // as broken right after this call: the event is left for that error.
        guard let cursor = context?.pointee.input?.pointee.cur else { return }
        let isEmpty = cursor[0] == UInt8(ascii: "/") && cursor[1] == UInt8(ascii: ">")
        guard isEmpty || cursor[0] == UInt8(ascii: ">") else { return }
        flushText()
        guard let markup = take(isEmpty ? .emptyElement : .start) else { return }
        let name = XMLName(pointer: qualified(localName, prefix))
        var index = -1
        if count > 0, let values {
            var list: [Attribute] = []
            for number in 0..<count {
                let entry = values + number * 5
                let key = XMLName(pointer: qualified(entry[0], entry[1]))
                let attributeName = string(key)
                guard let start = entry[3], let end = entry[4] else { continue }
                // Without entity substitution libxml2 leaves an `&` (from `&amp;` or `&#38;`) as `&#38;`; all else is decoded.
                let raw = String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
                let value = raw.contains("&#38;") ? raw.replacingOccurrences(of: "&#38;", with: "&") : raw
                guard value.utf8.count <= limits.maxFieldBytes else {
                    stop(
                        RegisterFileError(
                            location: SourceLocation(file: displayName, line: markup.line),
                            Message(
                                .xmlAttributeTooLong,
                                ["attribute": attributeName, "name": string(name), "max": "\(limits.maxFieldBytes)"])))
                    return
                }
                list.append(Attribute(name: attributeName, value: value, key: key))
            }
            if !list.isEmpty {
                index = parsedAttributes.count
                parsedAttributes.append(list)
            }
        }
        sawElement = true
        if isEmpty {
            swallowEnd = true
        } else {
            openElements.append((name, markup.line))
        }
        parsed.append(.start(name: name, attributes: index, isEmpty: isEmpty, line: markup.line))
    }

    private func ended() {
        if swallowEnd {
            swallowEnd = false
            return
        }
        flushText()
        guard take(.end) != nil else { return }
        _ = openElements.popLast()
        parsed.append(.end)
    }

    /// A comment or processing instruction: no node, but its markup is taken and checked.
    private func markupOnly(_ kind: XMLMarkup.Kind) {
        flushText()
        _ = take(kind)
    }

    /// Character data or a CDATA section's bytes (either may come in several calls).
    private func gather(_ bytes: UnsafePointer<xmlChar>?, _ count: Int, isCDATA: Bool) {
        if let open = openText, open.isCDATA != isCDATA { flushText() }
        if openText == nil { openText = (texts.count, isCDATA) }
        guard let bytes, count > 0, let open = openText else { return }
        guard texts.count - open.offset + count <= Self.largestText else {
            let element = openElements.last
            stop(
                RegisterFileError(
                    location: here(),
                    Message(.xmlHugeText, ["name": element.map { string($0.name) } ?? "", "line": "\(element?.line ?? 0)"])))
            return
        }
        texts.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }

    /// Queues the text being gathered, if any, as one node.
    private func flushText() {
        guard let open = openText else { return }
        openText = nil
        let endLine: Int
        if open.isCDATA {
            guard let run = feeder.markup.takeCDATA() else {
                stop(disagreement(libxml2: "a CDATA section"))
                return
            }
            endLine = run.last.endLine
        } else {
            // Whitespace directly inside the root or a record is never data (the record reader skips
            // it, and a validator only counts elements): it is not queued. About 15 texts a record.
            if openElements.count < 3, texts.bytes[open.offset...].allSatisfy(Self.isWhitespace) {
                texts.truncate(to: open.offset)
                return
            }
            // A text ends where the markup after it begins.
            endLine = feeder.markup.next?.line ?? feeder.markup.line
        }
        parsed.append(.text(offset: open.offset, count: texts.count - open.offset, endLine: endLine))
    }

    /// XML's whitespace: space, tab, line feed, carriage return.
    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D }

    /// The interned spelling of `prefix:localName` (equal names, equal pointers).
    private func qualified(_ localName: UnsafePointer<xmlChar>?, _ prefix: UnsafePointer<xmlChar>?) -> UnsafePointer<xmlChar>? {
        guard let prefix, let dictionary = context?.pointee.dict else { return localName }
        return xmlDictQLookup(dictionary, prefix, localName)
    }

    /// Takes the scanner's markup for the node libxml2 has just reported, which must be of `kind`
    /// and, for an element, comment or instruction, must span the parser's line (where libxml2 is
    /// when it reports one: an element's `>`, a comment's or instruction's end). On a disagreement
    /// it queues ``XMLLineTrackingError``, stops the parser and returns nil.
    ///
    /// At the end of a file cut short libxml2 reports the unfinished tag before its error; the
    /// scanner has no markup for it then, and the node is left out for libxml2's error to follow.
    private func take(_ kind: XMLMarkup.Kind) -> XMLMarkup? {
        if terminating, feeder.markup.next == nil { return nil }
        guard let markup = feeder.markup.next, markup.kind == kind else {
            stop(disagreement(libxml2: Self.describe(kind)))
            return nil
        }
        feeder.markup.take()
        if kind != .end, let line = parserLine, !(markup.line...markup.endLine).contains(line) {
            stop(
                XMLLineTrackingError(
                    location: here(),
                    detail:
                        "libxml2 read \(Self.describe(kind)) on line \(line), the scanner found it on lines \(markup.line)-\(markup.endLine)"
                ))
            return nil
        }
        return markup
    }

    /// The error for a node of libxml2's that the scanner's next markup is not.
    private func disagreement(libxml2 what: String) -> XMLLineTrackingError {
        let scanned = feeder.markup.next.map { "\(Self.describe($0.kind)) on line \($0.line)" } ?? "no markup"
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
        guard failure == nil, feeder.failure == nil, libxmlFailure == nil, !stopped else { return }
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

    private static func string(_ text: UnsafePointer<xmlChar>?) -> String {
        guard let text else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(xmlStrlen(text))), as: UTF8.self)
    }
}
