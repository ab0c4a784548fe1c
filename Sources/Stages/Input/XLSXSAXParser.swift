// The XML of one XLSX part (a sheet, the shared strings, the workbook, styles, relationships)
// through libxml2's SAX2 push parser: bytes are pushed in as they are inflated, elements and text
// come back as callbacks, and nothing is built: no DOM, no node per element.
//
// Why the push parser and not `xmlTextReader` (which the XML registers use): a million-row sheet is
// 470 MB of XML in some 80 million nodes, and the reader builds and frees a node for each. Read
// with `xmlTextReader` and a String per cell, the import of a 1,000,000-row register took 62 s on
// this project's build machine; with the push parser writing cell bytes into batches, 17 s on the
// same machine and load (11 s once inflating moved to a thread of its own; fastexcel reads the same
// workbook in 9 s there: see Benchmarks/xlsx_benchmark.py). The push parser also takes bytes as
// they come, which is how ZIPFoundation hands out what it inflates.
//
// Security is the registers' (see XMLRecordReader.swift): `XMLPrologGuard` watches the bytes before
// the root element and refuses any DOCTYPE, the one place entities can be declared, before libxml2
// sees it; a reference to an undeclared entity is then a fatal error; the parser runs with
// `XML_PARSE_NONET` and without entity substitution, DTD loading, DTD attributes or
// `XML_PARSE_HUGE`. Should a DOCTYPE or an entity declaration reach libxml2 anyway, the SAX
// handler refuses it and stops the parser, and `getEntity` never resolves one.
//
// Positions: a part's cells carry their own address (`r="C42"`), so what a diagnostic names is the
// cell; libxml2's line and column are given only when the XML itself is broken.

internal import CLibXML2
internal import Foundation
internal import Pipeline

/// What a part's XML says, element by element: implemented by the sheet, shared-strings and small-part readers.
protocol XLSXSAXHandler: AnyObject {
    /// A start tag (an empty-element tag is a start then an end).
    func start(_ name: XLSXSAXParser.Name, _ attributes: XLSXAttributes)
    /// An end tag.
    func end(_ name: XLSXSAXParser.Name)
    /// Character data (text or CDATA), in pieces as libxml2 hands them over.
    func text(_ bytes: UnsafeBufferPointer<UInt8>)
}

/// The attributes of a start tag as SAX2 gives them: local name, prefix, URI, value start, value end.
struct XLSXAttributes {
    let base: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    let count: Int

    /// The value of the attribute with this (interned) local name, in UTF-8, if the tag has it.
    func value(_ name: XLSXSAXParser.Name) -> UnsafeBufferPointer<UInt8>? {
        guard let base else { return nil }
        for index in 0..<count {
            let entry = base + index * 5
            guard entry[0] == name, let start = entry[3], let end = entry[4] else { continue }
            return UnsafeBufferPointer(start: start, count: end - start)
        }
        return nil
    }

    /// Every attribute as (local name, value).
    func all() -> [(String, String)] {
        guard let base else { return [] }
        return (0..<count).compactMap { index in
            let entry = base + index * 5
            guard let name = entry[0], let start = entry[3], let end = entry[4] else { return nil }
            return (String(cString: name), String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self))
        }
    }
}

/// libxml2's SAX2 push parser over one part: the one owner of its parser context.
final class XLSXSAXParser {
    /// An interned local name: equal names are equal pointers within one parser.
    typealias Name = UnsafePointer<xmlChar>?

    private let part: String
    private let displayName: String
    private let handler: any XLSXSAXHandler
    private let capture = LibXMLErrorCapture()
    private var context: xmlParserCtxtPtr?
    @exclusivity(unchecked) private var prologGuard: XMLPrologGuard? = XMLPrologGuard()
    @exclusivity(unchecked) private var failure: (any Error)?
    @exclusivity(unchecked) private var sawRoot = false

    /// A parser for `part` (its name, for messages) of the workbook `displayName`, calling `handler`.
    init(part: String, displayName: String, handler: any XLSXSAXHandler) throws {
        self.part = part
        self.displayName = displayName
        self.handler = handler
        LibXML.initialize()
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        // Called for every element and text: the parser is borrowed, not retained (it outlives the parse).
        sax.startElementNs = { context, name, _, _, _, _, count, _, attributes in
            XLSXSAXParser.with(context) { parser in
                guard parser.failure == nil else { return }
                parser.sawRoot = true
                parser.handler.start(name, XLSXAttributes(base: attributes, count: Int(count)))
            }
        }
        sax.endElementNs = { context, name, _, _ in
            XLSXSAXParser.with(context) { parser in
                guard parser.failure == nil else { return }
                parser.handler.end(name)
            }
        }
        let characters: charactersSAXFunc = { context, bytes, count in
            guard let bytes else { return }
            XLSXSAXParser.with(context) { parser in
                guard parser.failure == nil else { return }
                parser.handler.text(UnsafeBufferPointer(start: bytes, count: Int(count)))
            }
        }
        sax.characters = characters
        sax.cdataBlock = characters
        // Second line of defence: the prolog guard stops every DOCTYPE before libxml2 sees it.
        sax.internalSubset = { context, _, _, _ in XLSXSAXParser.from(context)?.refuse(XMLPrologGuard.doctypeRefusal) }
        sax.entityDecl = { context, _, _, _, _, _ in XLSXSAXParser.from(context)?.refuse(XMLPrologGuard.doctypeRefusal) }
        sax.getEntity = { _, _ in nil }
        sax.serror = { context, error in
            guard let error, let parser = XLSXSAXParser.from(context) else { return }
            parser.received(LibXMLError(error.pointee))
        }
        capture.receive = { [unowned(unsafe) self] error in self.received(error) }
        let created = withUnsafeMutablePointer(to: &sax) { handlerPointer in
            capture.run { xmlCreatePushParserCtxt(handlerPointer, Unmanaged.passUnretained(self).toOpaque(), nil, 0, part) }
        }
        guard let created else { throw error(Message(.xlsxParserStart)) }
        context = created
        // No NOENT, DTDLOAD, DTDATTR or HUGE: entities stay unexpanded, nothing external is read.
        xmlCtxtUseOptions(created, Int32(XML_PARSE_NONET.rawValue))
    }

    deinit {
        if let context { capture.run { xmlFreeParserCtxt(context) } }
    }

    private static func from(_ context: UnsafeMutableRawPointer?) -> XLSXSAXParser? {
        guard let context else { return nil }
        return Unmanaged<XLSXSAXParser>.fromOpaque(context).takeUnretainedValue()
    }

    /// Runs `body` with the parser behind a callback's context, without retaining it.
    @inline(__always)
    private static func with(_ context: UnsafeMutableRawPointer?, _ body: (XLSXSAXParser) -> Void) {
        guard let context else { return }
        Unmanaged<XLSXSAXParser>.fromOpaque(context)._withUnsafeGuaranteedRef(body)
    }

    /// The interned form of a local name, for comparing with the names the handler is given.
    func intern(_ name: String) -> Name {
        guard let dictionary = context?.pointee.dict else { return nil }
        return xmlDictLookup(dictionary, name, -1)
    }

    /// Parses the next bytes of the part; throws what stopped it (broken XML, a refusal, a handler's error).
    func feed(_ bytes: UnsafeRawBufferPointer) throws {
        if let failure { throw failure }
        guard let context, let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if prologGuard != nil {
            for index in 0..<bytes.count {
                switch prologGuard?.inspect(bytes[index]) {
                case .refused(let line, let column, let message)?:
                    let refusal = error(message, line: line, column: column)
                    failure = refusal
                    throw refusal
                case .passed?:
                    prologGuard = nil
                default:
                    continue
                }
                if prologGuard == nil { break }
            }
        }
        let status = capture.run { xmlParseChunk(context, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), 0) }
        try check(status)
    }

    /// The end of the part: throws if the XML is incomplete.
    func finish() throws {
        if let failure { throw failure }
        guard let context else { return }
        let status = capture.run { xmlParseChunk(context, nil, 0, 1) }
        try check(status)
        guard sawRoot else { throw error(Message(.xlsxNoElement)) }
    }

    private func check(_ status: Int32) throws {
        if let failure { throw failure }
        if status != 0 {
            let stop = error(Message(.xlsxLibxmlStatus, ["status": "\(status)"]))
            failure = stop
            throw stop
        }
    }

    /// Called by a handler that finds something it cannot go on with: the parse stops there, and
    /// `feed` or `finish` throws `error`.
    func fail(_ error: any Error) {
        guard failure == nil else { return }
        failure = error
        if let context { xmlStopParser(context) }
    }

    private func refuse(_ message: Message) {
        fail(error(message, line: context.map { Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer($0))) }))
    }

    /// An error about this part, with the position in it when known: a catalogue text.
    func error(_ text: Message, line: Int? = nil, column: Int? = nil) -> MalformedFileError {
        var place = Message(verbatim: part)
        if let line, line > 0 {
            place =
                if let column, column > 0 {
                    Message(.xlsxPlaceLineColumn, ["part": part, "line": "\(line)", "column": "\(column)"])
                } else {
                    Message(.xlsxPlaceLine, ["part": part, "line": "\(line)"])
                }
        }
        return MalformedFileError(
            location: SourceLocation(file: displayName), Message(.xlsxPartText, parts: ["place": place, "text": text]))
    }

    private func received(_ error: LibXMLError) {
        guard failure == nil, !error.isWarning else { return }
        let message: Message
        if error.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue) || error.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue) {
            message = Message(.xlsxEntity, ["name": error.str1 ?? "?"])
        } else if error.message.hasSuffix("huge text node") {
            message = Message(.xlsxHugeText)
        } else {
            message = Message(.xlsxNotWellFormed, ["reason": error.message])
        }
        fail(self.error(message, line: error.line, column: error.column))
    }
}

/// A handler that collects the elements of a small part: each start tag's local name and attributes.
final class XLSXElementCollector: XLSXSAXHandler {
    /// A start or end tag, in document order.
    enum Event {
        case start(String, [String: String])
        case end(String)
    }

    private(set) var events: [Event] = []

    func start(_ name: XLSXSAXParser.Name, _ attributes: XLSXAttributes) {
        events.append(.start(name.map { String(cString: $0) } ?? "", Dictionary(attributes.all(), uniquingKeysWith: { first, _ in first })))
    }

    func end(_ name: XLSXSAXParser.Name) { events.append(.end(name.map { String(cString: $0) } ?? "")) }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {}

    /// The events of a whole small part.
    static func events(of bytes: [UInt8], part: String, displayName: String) throws -> [Event] {
        let collector = XLSXElementCollector()
        let parser = try XLSXSAXParser(part: part, displayName: displayName, handler: collector)
        try bytes.withUnsafeBytes { try parser.feed($0) }
        try parser.finish()
        return collector.events
    }
}
