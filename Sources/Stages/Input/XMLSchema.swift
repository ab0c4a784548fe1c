// An XML Schema (XSD) compiled by libxml2, and whole-document validation against it.
//
// The schema is compiled once and shared: `XMLRecordReader(…, validatingWith:)` validates in the
// same streaming pass that reads the records, and `XMLSchemaValidator` validates a file or a payload
// in memory (the publication stage checks what it is about to write).

internal import CLibXML2
internal import Foundation
public import Pipeline

/// A compiled XML Schema (XSD); one owner for libxml2's `xmlSchemaPtr`, freed on deinit.
///
/// The XSD itself is trusted configuration (the bundled `register.xsd`, or a file the operator
/// names): it is compiled with libxml2's schema parser, which resolves its own `xs:include` and
/// `xs:import` locations. Documents validated against it get none of that trust.
///
/// A compiled schema is never modified, and libxml2 allows one schema to back several validation
/// contexts at once, so it may be shared between threads.
public final class XMLSchema: @unchecked Sendable {
    /// The name used for the schema in messages (its path, unless another was given).
    public let displayName: String

    /// libxml2's compiled schema; lives as long as this object.
    let handle: xmlSchemaPtr

    /// Compiles the XSD at `path`.
    ///
    /// - Throws: ``RegisterFileError`` naming the schema file (and line, when libxml2 knows it) if
    ///   the file cannot be read or is not a valid XSD.
    public convenience init(path: String, displayName: String? = nil) throws {
        let name = displayName ?? path
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw RegisterFileError(
                location: SourceLocation(file: name), message: "cannot open the XML schema: no readable file at this path")
        }
        self.init(displayName: name, handle: try Self.compile(name) { xmlSchemaNewParserCtxt(path) })
    }

    /// Compiles an XSD held in memory (a schema compiled into suiji), named `displayName` in messages.
    ///
    /// - Throws: ``RegisterFileError`` naming the schema (and line, when libxml2 knows it) if it is not a valid XSD.
    public convenience init(bytes: [UInt8], displayName: String) throws {
        let handle = try bytes.withUnsafeBufferPointer { buffer in
            try Self.compile(displayName) {
                buffer.baseAddress.flatMap { base in
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { xmlSchemaNewMemParserCtxt($0, Int32(buffer.count)) }
                }
            }
        }
        self.init(displayName: displayName, handle: handle)
    }

    private init(displayName: String, handle: xmlSchemaPtr) {
        self.displayName = displayName
        self.handle = handle
    }

    /// Parses a schema from the parser context `makeContext` creates (nil: libxml2 could not start).
    private static func compile(_ name: String, _ makeContext: () -> xmlSchemaParserCtxtPtr?) throws -> xmlSchemaPtr {
        var firstError: LibXMLError?
        let capture = LibXMLErrorCapture { error in
            if firstError == nil, !error.isWarning { firstError = error }
        }
        LibXML.initialize()
        let compiled: xmlSchemaPtr? = capture.run {
            guard let parserContext = makeContext() else { return nil }
            defer { xmlSchemaFreeParserCtxt(parserContext) }
            xmlSchemaSetParserStructuredErrors(parserContext, LibXMLErrorCapture.callback, capture.opaque)
            return xmlSchemaParse(parserContext)
        }
        guard let compiled else {
            let line = firstError?.line
            let reason = firstError?.message ?? "libxml2 gave no reason"
            throw RegisterFileError(
                location: SourceLocation(file: name, line: line, column: line == nil ? nil : firstError?.column),
                message: "not a usable XML schema: \(reason)")
        }
        return compiled
    }

    deinit { xmlSchemaFree(handle) }

    /// The schema of XML entity registers shipped with suiji (`register.xsd`, domain.md §3).
    ///
    /// - Throws: ``EmbeddedResourceError`` if this build lacks it.
    public static func bundledRegister() throws -> XMLSchema {
        try XMLSchema(bytes: Array(EmbeddedResources.data(named: "register.xsd")), displayName: "register.xsd")
    }
}

/// Validates whole XML documents against an ``XMLSchema`` in one streaming pass, building no tree.
///
/// The document gets the same treatment as in ``XMLRecordReader``: `XML_PARSE_NONET`, no entity
/// substitution or DTD loading, every DOCTYPE refused. Validity problems come back as diagnostics
/// (`file:line:column: error: …`); only a document that cannot be read at all throws.
public enum XMLSchemaValidator {
    /// Validates the XML file at `path`; an empty result means the file is valid.
    ///
    /// - Throws: ``RegisterFileError`` if the file cannot be opened, is not well-formed XML, or has
    ///   a DOCTYPE or entity references.
    public static func validate(file path: String, displayName: String? = nil, against schema: XMLSchema) throws -> [Diagnostic] {
        let name = displayName ?? path
        let file = try FileChunks(path: path, displayName: name, chunkSize: 64 * 1024)
        defer { file.close() }
        return try validate(chunks: file.next, displayName: name, against: schema)
    }

    /// Validates a document held in memory, e.g. a payload before it is written.
    ///
    /// - Throws: ``RegisterFileError`` if the bytes are not well-formed XML or have a DOCTYPE or
    ///   entity references.
    public static func validate(bytes: [UInt8], displayName: String, against schema: XMLSchema) throws -> [Diagnostic] {
        var handedOut = false
        return try validate(
            chunks: {
                guard !handedOut else { return nil }
                handedOut = true
                return bytes
            }, displayName: displayName, against: schema)
    }

    private static func validate(chunks: @escaping XMLRecordReader.ChunkSource, displayName: String, against schema: XMLSchema) throws
        -> [Diagnostic]
    {
        let stream = XMLNodeStream(chunks: chunks, displayName: displayName, recordName: nil, limits: XMLReaderLimits(), schema: schema)
        while try stream.next() != nil {}
        return stream.diagnostics
    }
}
