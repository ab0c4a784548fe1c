internal import Foundation
internal import Pipeline

#if canImport(Glibc)
internal import Glibc
#endif

/// Streams the records of a CSV or TSV file in any supported encoding, in bounded memory.
///
/// Bytes are read in chunks, decoded to UTF-8 (GB18030 through iconv) and parsed; `next()`
/// hands out one record at a time. The delimiter is given, or sniffed from the first line.
public final class DelimitedFileReader {
    /// The source of raw bytes: returns the next chunk, or nil at the end.
    public typealias ChunkSource = FileChunks.Source

    private let source: ChunkSource
    private let displayName: String
    // The decoder and parser are mutated for every chunk and record, and only ever by the one
    // thread that reads the file, never re-entrantly: the runtime's exclusivity check on each
    // access (a measurable share of a million-row read) is off for them.
    @exclusivity(unchecked) private var decoder: TextDecoder
    @exclusivity(unchecked) private var parser: DelimitedRecordParser?
    private var delimiter: UInt8?
    private var undecided: [UInt8] = []
    @exclusivity(unchecked) private var decoded: [UInt8] = []
    private var queue: [DelimitedRecord] = []
    private var queueIndex = 0
    private var finished = false
    private var closeFile: (() -> Void)?

    /// Bytes of the file read so far (for progress).
    public private(set) var bytesRead = 0

    /// The encoding detected or forced, once known.
    public var encoding: TextEncoding? { decoder.encoding }

    /// Reads from a source of chunks; tests use it to feed one byte at a time.
    public init(chunks: @escaping ChunkSource, displayName: String, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto) {
        self.source = chunks
        self.displayName = displayName
        self.delimiter = delimiter
        self.decoder = TextDecoder(choice: encoding, displayName: displayName)
        if let delimiter { parser = DelimitedRecordParser(delimiter: delimiter, displayName: displayName) }
    }

    /// Opens a file; the delimiter defaults to a tab for `.tsv`, else it is sniffed from the first line.
    public convenience init(
        path: String, displayName: String? = nil, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto, chunkSize: Int = 256 * 1024
    ) throws {
        let name = displayName ?? path
        let file = try FileChunks(path: path, displayName: name, chunkSize: chunkSize)
        self.init(file: file, path: path, displayName: name, delimiter: delimiter, encoding: encoding)
        closeFile = file.close
    }

    /// Reads a file the caller has opened (and closes): an import opens it once, hashing what it
    /// reads. The delimiter as for `init(path:…)`.
    public convenience init(
        file: FileChunks, path: String, displayName: String? = nil, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto
    ) {
        let chosen = delimiter ?? (path.lowercased().hasSuffix(".tsv") ? 0x09 : nil)
        self.init(chunks: file.next, displayName: displayName ?? path, delimiter: chosen, encoding: encoding)
    }

    deinit { closeFile?() }

    /// The next record, or nil at the end of the file. Throws on a malformed file.
    public func next() throws -> DelimitedRecord? {
        while queueIndex >= queue.count {
            queue.removeAll(keepingCapacity: true)
            queueIndex = 0
            if finished { return nil }
            try fill { queue.append($0.record) }
        }
        defer { queueIndex += 1 }
        return queue[queueIndex]
    }

    /// Reads on by one chunk, calling `body` with a view of every record completed (records
    /// already read by `next()` come first); false once the file has ended and every record has been handed out.
    ///
    /// The bulk path of imports: no text is made for a field unless the caller asks for it.
    func readChunk(_ body: (RawDelimitedRecord) throws -> Void) throws -> Bool {
        if queueIndex < queue.count {
            for record in queue[queueIndex...] { try RawDelimitedRecord.withRaw(record, body) }
            queue.removeAll(keepingCapacity: true)
            queueIndex = 0
            return true
        }
        if finished { return false }
        try fill(body)
        return true
    }

    private func fill(_ emit: (RawDelimitedRecord) throws -> Void) throws {
        decoded.removeAll(keepingCapacity: true)
        if let chunk = try source() {
            bytesRead += chunk.count
            try chunk.withUnsafeBytes { try decoder.decode($0, into: &decoded) }
            try parse(atEnd: false, emit)
        } else {
            try decoder.finish(into: &decoded)
            try parse(atEnd: true, emit)
            try parser?.finishRaw(emit)
            finished = true
        }
    }

    private func parse(atEnd: Bool, _ emit: (RawDelimitedRecord) throws -> Void) throws {
        if parser == nil {
            undecided.append(contentsOf: decoded)
            decoded.removeAll(keepingCapacity: true)
            guard atEnd || undecided.contains(0x0A) else { return }
            let firstLine = undecided.prefix { $0 != 0x0A }
            let tabs = firstLine.filter { $0 == 0x09 }.count
            let commas = firstLine.filter { $0 == 0x2C }.count
            let chosen: UInt8 = tabs > 0 && tabs >= commas ? 0x09 : 0x2C
            delimiter = chosen
            parser = DelimitedRecordParser(delimiter: chosen, displayName: displayName)
            decoded = undecided
            undecided = []
        }
        try decoded.withUnsafeBytes { raw in try self.parser?.consumeRaw(raw, emit) }
    }
}
