internal import Foundation
internal import Pipeline

#if canImport(Glibc)
internal import Glibc
#endif

/// Streams the records of a CSV or TSV file in any supported encoding, in bounded memory.
///
/// Bytes are read in chunks, decoded to UTF-8 (GB18030 through iconv) and parsed; `next()`
/// hands out one record at a time. The delimiter is given, or sniffed from the first line.
///
/// The chunks are read and decoded on a thread of the reader's own (``DecodingWork``), up to
/// ``groupsAhead`` groups of chunks ahead of the parsing, which stays on the caller's thread.
/// Each chunk reaches the parser as the source cut it (a test's one byte at a time stays one byte
/// at a time). An error of the source or the decoder reaches the caller after the records of
/// every chunk before the one it came from, as when one thread read, decoded and parsed.
///
/// Why a thread: a register import's reading thread is its bound, and reading and decoding
/// (UTF-8 validation or GB18030 through iconv, and counting lines) were about a fifth of it,
/// while the second core waited idle in a re-import. A 1% re-import of a million rows went from
/// 0.90 to 0.81 s, a GB18030 import from 2.0–2.4 to 1.8 s (medians of alternating runs).
public final class DelimitedFileReader {
    /// The source of raw bytes: returns the next chunk, or nil at the end.
    public typealias ChunkSource = FileChunks.Source

    /// The most groups of decoded chunks waiting for the parser (a group: one 256 KiB chunk of
    /// a file, or as many small chunks as make ``groupBytes``).
    static let groupsAhead = 4

    /// A group is sent once its chunks came from this many bytes of the file: a file's 256 KiB
    /// chunk goes alone, while a source of one byte at a time (tests) is not handed over byte by
    /// byte (a hand-over each made the reader tests take twice as long, waking the other thread).
    static let groupBytes = 64 * 1024

    private let displayName: String
    /// What the decoding thread runs, from the first read on.
    private let work: DecodingWork
    /// The decoding thread's chunks, once it started.
    private var channel: BlockingChannel<[DecodedChunk]>?
    /// Chunks taken from the channel and not parsed yet.
    private var received: [DecodedChunk] = []
    private var receivedIndex = 0
    // The parser is mutated for every chunk and record, and only ever by the one thread that
    // reads the file, never re-entrantly: the runtime's exclusivity check on each access (a
    // measurable share of a million-row read) is off for it.
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

    /// The encoding detected or forced, once known (as of the chunks parsed so far).
    public private(set) var encoding: TextEncoding?

    /// Reads from a source of chunks; tests use it to feed one byte at a time. `chunks` is called
    /// on the reader's decoding thread, one call at a time, from the first read on.
    public init(chunks: @escaping ChunkSource, displayName: String, delimiter: UInt8? = nil, encoding: EncodingChoice = .auto) {
        self.displayName = displayName
        self.delimiter = delimiter
        self.work = DecodingWork(source: chunks, decoder: TextDecoder(choice: encoding, displayName: displayName))
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

    deinit {
        // The decoding thread stops at its next chunk, and is gone before the file closes.
        if let channel {
            channel.cancel()
            channel.waitUntilFinished()
        }
        closeFile?()
    }

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
        let chunk = try nextDecoded()
        bytesRead += chunk.fileBytes
        encoding = chunk.encoding ?? encoding
        decoded = chunk.bytes
        try parse(atEnd: chunk.isLast, emit)
        if chunk.isLast {
            try parser?.finishRaw(emit)
            finished = true
        }
    }

    /// The next decoded chunk, waiting for the decoding thread (started at the first call) if
    /// it must; rethrows the source's or the decoder's error once every chunk before it was taken.
    private func nextDecoded() throws -> DecodedChunk {
        if receivedIndex == received.count {
            let channel = self.channel ?? startDecoding()
            received = try channel.receiveAll(waiting: true).elements.flatMap { $0 }
            receivedIndex = 0
            // The thread always ends with the last chunk or an error: an empty end is a
            // cancelled thread, which only this reader's deinit does.
            guard !received.isEmpty else { return DecodedChunk(bytes: [], fileBytes: 0, isLast: true, encoding: nil) }
        }
        defer { receivedIndex += 1 }
        var chunk = DecodedChunk(bytes: [], fileBytes: 0, isLast: false, encoding: nil)
        swap(&chunk, &received[receivedIndex])
        return chunk
    }

    private func startDecoding() -> BlockingChannel<[DecodedChunk]> {
        let work = self.work
        let made = BlockingChannel<[DecodedChunk]>.filled(capacity: Self.groupsAhead, byThreadNamed: "suiji decoding") {
            work.run(into: $0)
        }
        channel = made
        return made
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

/// A chunk of the file as UTF-8, decoded on the reader's decoding thread.
private struct DecodedChunk {
    /// The chunk's bytes as validated UTF-8 (none while the encoding is being sniffed).
    var bytes: [UInt8]
    /// How many bytes of the file the chunk came from.
    var fileBytes: Int
    /// The decoder's end: what it held back, after the file's last chunk.
    var isLast: Bool
    /// The encoding, once the decoder has decided it.
    var encoding: TextEncoding?
}

/// What the decoding thread runs: reads the source's chunks, decodes each and sends them on in
/// groups. The source and the decoder are touched by that thread alone once it started (hence
/// unchecked).
private final class DecodingWork: @unchecked Sendable {
    private let source: DelimitedFileReader.ChunkSource
    private var decoder: TextDecoder

    init(source: @escaping DelimitedFileReader.ChunkSource, decoder: TextDecoder) {
        self.source = source
        self.decoder = decoder
    }

    /// Sends every chunk decoded, then the decoder's end, and finishes the channel; after an
    /// error, the chunks decoded before it and then the error. Stops at once when the reader cancels.
    func run(into channel: BlockingChannel<[DecodedChunk]>) {
        var group: [DecodedChunk] = []
        var groupFileBytes = 0
        func sendGroup() -> Bool {
            defer { (group, groupFileBytes) = ([], 0) }
            return group.isEmpty || channel.send(group)
        }
        do {
            while let chunk = try source() {
                var bytes: [UInt8] = []
                try chunk.withUnsafeBytes { try decoder.decode($0, into: &bytes) }
                group.append(DecodedChunk(bytes: bytes, fileBytes: chunk.count, isLast: false, encoding: decoder.encoding))
                groupFileBytes += chunk.count
                if groupFileBytes >= DelimitedFileReader.groupBytes { guard sendGroup() else { return channel.finish() } }
            }
            var bytes: [UInt8] = []
            try decoder.finish(into: &bytes)
            group.append(DecodedChunk(bytes: bytes, fileBytes: 0, isLast: true, encoding: decoder.encoding))
            _ = sendGroup()
            channel.finish()
        } catch {
            _ = sendGroup()
            channel.finish(throwing: error)
        }
    }
}
