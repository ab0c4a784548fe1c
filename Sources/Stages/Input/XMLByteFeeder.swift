internal import Foundation
internal import Pipeline

/// Hands libxml2 the document from a chunk source in pieces that end where they must, guarding the prolog.
///
/// `XMLNodeStream` parses one piece at a time (one `xmlParseChunk` call) and hands out its nodes
/// before it asks for the next; when a piece holds a well-formedness error, the nodes that piece
/// had already given are not handed out. So a piece is at most 511 bytes (the block `xmlTextReader`
/// parsed at a time, which this stream used before and whose results the tests keep), and it ends
/// just after the markup that completes a record, or that makes a node the record reader may
/// refuse available (`XMLMarkupScanner` says where): the records before an error are returned
/// first, and errors come in document order. Pieces do not depend on how the source chunks the
/// file (see ``read(into:capacity:)``). Every byte goes through the markup scanner (lines, markup,
/// depth) and, until the root element begins, the prolog guard.
final class XMLByteFeeder {
    /// The largest piece (see above).
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

    /// True once the source has returned nil (its last bytes may still be in ``chunk``).
    @exclusivity(unchecked) private var sourceEnded = false
    /// The source's own error, raised once the bytes read before it have been handed out.
    @exclusivity(unchecked) private var sourceFailure: (any Error)?

    /// libxml2's read callback: copies the next piece into `buffer`; 0 at the end, -1 to stop.
    ///
    /// Source chunks are joined until a whole piece is there (or the source has ended), so the
    /// pieces libxml2 sees do not depend on how the source chunks the file: libxml2 words some
    /// errors differently when the same bytes arrive cut elsewhere (a broken UTF-8 sequence, or a
    /// `<` alone, found by the fuzzer, Benchmarks/Fuzz), and where it stops a text that is too long
    /// depends on where its pieces end.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        guard !failed, !stopped else { return -1 }
        while chunk.count - offset < Self.largestPiece, !sourceEnded {
            do {
                guard let next = try source() else {
                    sourceEnded = true
                    break
                }
                if offset > 0 {
                    chunk.removeFirst(offset)
                    offset = 0
                }
                if chunk.isEmpty { chunk = next } else { chunk.append(contentsOf: next) }
            } catch {
                // The bytes already read go to libxml2 first: the records they hold come before the error.
                sourceFailure = error
                sourceEnded = true
            }
        }
        if offset >= chunk.count, let sourceFailure {
            failure = sourceFailure
            return -1
        }
        if offset >= chunk.count {
            reachedEnd = true
            chunk = []
            offset = 0
            return 0
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
                return RegisterFileError(location: SourceLocation(file: displayName, line: line, column: column), message)
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
