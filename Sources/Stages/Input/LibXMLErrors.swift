// libxml2's global set-up and its errors, routed to Swift so that nothing reaches stderr.

internal import CLibXML2
internal import Foundation

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
