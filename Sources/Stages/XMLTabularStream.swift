// TEMPORARY stub until the xml branch lands.
public import Pipeline

/// An XML file as tabular rows.
public final class XMLTabularStream: TabularStream {
    /// Column names of the rejects file.
    public var rejectsHeader: [String] { [] }
    /// Bytes read.
    public var bytesRead: Int { 0 }
    /// Warnings.
    public var warnings: [Diagnostic] { [] }
    /// Opens the file.
    public init(path: String, displayName: String, shape: TabularShape, department: String?, validate: Bool, chunkSize: Int) throws {
        throw MalformedFileError(location: SourceLocation(file: displayName), message: "XML not yet supported")
    }
    /// Next row.
    public func next() throws -> TabularRow? { nil }
    /// End checks.
    public func finish() throws {}
}
