// The XML of one XLSX part (a sheet, the shared strings, the workbook, styles, relationships)
// through libxml2's streaming `xmlTextReader`: a pull parser that frees each node once passed, so
// memory stays flat however long the sheet, and no DOM is ever built.
//
// Security is the registers' (see XMLRecordReader.swift): `XMLPrologGuard` watches the bytes before
// the root element and refuses any DOCTYPE, the one place entities can be declared, before libxml2
// sees it; a reference to an undeclared entity is then an error; the parser runs with
// `XML_PARSE_NONET` and without entity substitution, DTD loading, DTD attributes or
// `XML_PARSE_HUGE`. A DOCTYPE or entity node reaching the reader anyway is refused again.
//
// Positions: a part's cells carry their own address (`r="C42"`), so what a diagnostic names is the
// cell, not a line of XML; libxml2's line and column are given only when the XML itself is broken.

internal import CLibXML2
internal import Foundation
internal import Pipeline

/// A part's XML as a sequence of nodes; names compare as libxml2's interned pointers.
final class XLSXXMLReader {
    /// What the reader is on.
    enum Kind {
        case start, end, text, other
    }

    /// An interned name: equal names are equal pointers within one reader.
    typealias Name = UnsafePointer<xmlChar>?

    private let part: String
    private let displayName: String
    private let feeder: XLSXXMLFeeder
    private let capture = LibXMLErrorCapture()
    private var reader: xmlTextReaderPtr?
    @exclusivity(unchecked) private var failure: (any Error)?
    @exclusivity(unchecked) private var finished = false

    /// What the reader is on after `read()`.
    @exclusivity(unchecked) private(set) var kind = Kind.other

    /// Reads `part` (its name, for messages) of the workbook `displayName` from `chunks`.
    init(chunks: @escaping FileChunks.Source, part: String, displayName: String) throws {
        self.part = part
        self.displayName = displayName
        feeder = XLSXXMLFeeder(source: chunks, part: part, displayName: displayName)
        capture.receive = { [unowned self] error in self.received(error) }
        LibXML.initialize()
        let context = Unmanaged.passUnretained(feeder).toOpaque()
        let created = capture.run {
            xmlReaderForIO(
                { context, buffer, length in
                    guard let context, let buffer, length > 0 else { return -1 }
                    return Unmanaged<XLSXXMLFeeder>.fromOpaque(context).takeUnretainedValue().read(into: buffer, capacity: Int(length))
                }, nil, context, part, nil,
                // No NOENT, DTDLOAD, DTDATTR or HUGE; COMPACT keeps short texts inside their node.
                Int32(XML_PARSE_NONET.rawValue | XML_PARSE_COMPACT.rawValue))
        }
        guard let created else { throw error("libxml2 could not start reading the part (out of memory?)") }
        reader = created
        xmlTextReaderSetStructuredErrorHandler(created, LibXMLErrorCapture.callback, capture.opaque)
    }

    deinit {
        if let reader { capture.run { xmlFreeTextReader(reader) } }
    }

    /// The interned form of a local name, for comparing with `name`.
    func intern(_ name: String) -> Name {
        guard let reader else { return nil }
        return xmlTextReaderConstString(reader, name)
    }

    /// Runs `body` with libxml2's context-free errors routed to this reader (once per batch of reads).
    func capturing<T>(_ body: () throws -> T) rethrows -> T { try capture.run(body) }

    /// Moves to the next start tag, end tag or text; false at the end of the document.
    func read() throws -> Bool {
        if let failure { throw failure }
        guard let reader, !finished else { return false }
        while true {
            let status = xmlTextReaderRead(reader)
            if let failure = feeder.failure ?? failure {
                self.failure = failure
                throw failure
            }
            guard status == 1 else {
                if status < 0 {
                    let stop = error("libxml2 stopped reading the XML without giving a reason")
                    failure = stop
                    throw stop
                }
                finished = true
                return false
            }
            switch xmlTextReaderNodeType(reader) {
            case Int32(XML_READER_TYPE_ELEMENT.rawValue):
                kind = .start
            case Int32(XML_READER_TYPE_END_ELEMENT.rawValue):
                kind = .end
            case Int32(XML_READER_TYPE_TEXT.rawValue), Int32(XML_READER_TYPE_CDATA.rawValue),
                Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue), Int32(XML_READER_TYPE_WHITESPACE.rawValue):
                kind = .text
            case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue), Int32(XML_READER_TYPE_ENTITY.rawValue),
                Int32(XML_READER_TYPE_END_ENTITY.rawValue), Int32(XML_READER_TYPE_NOTATION.rawValue),
                Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue):
                let refusal = error(XMLPrologGuard.doctypeRefusal)
                failure = refusal
                throw refusal
            default:
                continue
            }
            return true
        }
    }

    /// The local name of the element the reader is on (prefixes dropped: some writers write `x:c`).
    var name: Name {
        guard let reader else { return nil }
        return xmlTextReaderConstLocalName(reader)
    }

    /// True if the start tag is empty (`<c r="A1"/>`): no end tag follows.
    var isEmptyElement: Bool {
        guard let reader else { return false }
        return xmlTextReaderIsEmptyElement(reader) == 1
    }

    /// The text the reader is on, in UTF-8, valid until the next `read()`.
    var text: UnsafeBufferPointer<UInt8> {
        guard let reader, let value = xmlTextReaderConstValue(reader) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: value, count: Int(xmlStrlen(value)))
    }

    /// Calls `body` with each attribute of the start tag (local name, value in UTF-8), then returns to the element.
    func attributes(_ body: (Name, UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        guard let reader, xmlTextReaderHasAttributes(reader) == 1 else { return }
        defer { xmlTextReaderMoveToElement(reader) }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let value = xmlTextReaderConstValue(reader)
            try body(
                xmlTextReaderConstLocalName(reader),
                value.map { UnsafeBufferPointer(start: $0, count: Int(xmlStrlen($0))) } ?? UnsafeBufferPointer(start: nil, count: 0))
        }
    }

    /// An error about this part, with libxml2's position in it when it has one.
    func error(_ message: String, line: Int? = nil, column: Int? = nil) -> MalformedFileError {
        var place = part
        if let line {
            place += ", line \(line)"
            if let column { place += ", column \(column)" }
        }
        return MalformedFileError(location: SourceLocation(file: displayName), message: "\(place): \(message)")
    }

    private func received(_ error: LibXMLError) {
        guard failure == nil, feeder.failure == nil, !error.isWarning else { return }
        let message: String
        if error.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue) || error.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue) {
            message =
                "the part refers to the entity &\(error.str1 ?? "?");, which is not one of the five predefined ones; entities are refused for security"
        } else if error.message.hasSuffix("huge text node") {
            message = "a text is longer than 10000000 bytes, libxml2's limit for one text"
        } else {
            message = "not well-formed XML (\(error.message)); the workbook is damaged: open and save it again in Excel or WPS"
        }
        failure = self.error(message, line: error.line, column: error.column)
        feeder.stop()
    }
}

/// Hands libxml2 a part's bytes from a chunk source, guarding the prolog.
final class XLSXXMLFeeder {
    private let source: FileChunks.Source
    private let part: String
    private let displayName: String
    @exclusivity(unchecked) private var chunk: [UInt8] = []
    @exclusivity(unchecked) private var offset = 0
    @exclusivity(unchecked) private var prologGuard: XMLPrologGuard? = XMLPrologGuard()
    @exclusivity(unchecked) private var stopped = false
    @exclusivity(unchecked) private var reachedEnd = false
    /// What stopped the input: the source's error or the prolog guard's refusal.
    @exclusivity(unchecked) private(set) var failure: (any Error)?

    init(source: @escaping FileChunks.Source, part: String, displayName: String) {
        self.source = source
        self.part = part
        self.displayName = displayName
    }

    /// Hands libxml2 nothing more.
    func stop() { stopped = true }

    /// libxml2's read callback: the next bytes into `buffer`; 0 at the end, -1 to stop.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        guard failure == nil, !stopped else { return -1 }
        while offset >= chunk.count {
            if reachedEnd { return 0 }
            do {
                guard let next = try source() else {
                    reachedEnd = true
                    return 0
                }
                chunk = next
                offset = 0
            } catch {
                failure = error
                return -1
            }
        }
        let count = min(capacity, chunk.count - offset)
        if prologGuard != nil {
            for index in offset..<(offset + count) {
                switch prologGuard?.inspect(chunk[index]) {
                case .refused(let line, let column, let message)?:
                    failure = MalformedFileError(
                        location: SourceLocation(file: displayName), message: "\(part), line \(line), column \(column): \(message)")
                    return -1
                case .passed?:
                    prologGuard = nil
                default:
                    continue
                }
                if prologGuard == nil { break }
            }
        }
        chunk.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + offset, byteCount: count)
        }
        offset += count
        return Int32(count)
    }
}
