internal import Foundation
internal import Pipeline

/// Hands libxml2 the document from a chunk source in pieces that end where they must, guarding the prolog.
///
/// `XMLNodeStream` parses one piece at a time (one `xmlParseChunk` call) and hands out its nodes
/// before it asks for the next; when a piece holds a well-formedness error, the nodes that piece
/// had already given are not handed out. So a piece ends just after the markup that completes a
/// record, or that makes a node the record reader may refuse available (`XMLMarkupScanner` says
/// where): the records before an error are returned first, and errors come in document order.
/// A piece is at most 4,095 bytes, so that a record (about 600 bytes in the benchmark's register)
/// is mostly one `xmlParseChunk` call. Until stop 37 it was at most 511 bytes, the block
/// `xmlTextReader` parsed at a time when this stream used it; the records a malformed file imports
/// are the same (a piece still ends at every record's end), and so are the tests' error wordings
/// but one: where libxml2 stops a text past its own limit of 10,000,000 bytes (at a piece's end).
/// An XML import of 1,000,000 records took 4.16–4.30 s instead of 4.42–4.53 (two alternating
/// runs each), its parsing thread being its bound. Pieces do not depend on how the source chunks the
/// file (see ``read(into:capacity:)``). Every byte goes through the markup scanner (lines, markup,
/// depth) and, until the root element begins, the prolog guard.
///
/// The source is read and the pieces are scanned on a thread of the feeder's own (``XMLScanWork``),
/// up to ``blocksAhead`` blocks of pieces ahead of libxml2; each piece comes with the markup the
/// scanner found in it and the scanner's line after it, which ``markup`` holds for the node stream
/// once the piece is handed to libxml2, as when one thread scanned and parsed. Why a thread: the
/// thread that parses is an XML import's bound, and reading and scanning were about an eighth of
/// it (`perf`, 1,000,000 records), while the other core had time to spare. The import took
/// 3.83–3.97 s instead of 3.91–4.16 (three runs each; rows then went over 64 a batch, see
/// `XMLRowPump`). With 512 rows a batch, 16 blocks ahead against 8 and 4: 3.46–3.86 s, 3.75–3.87,
/// 3.92–4.03 (four alternating runs each); an import's peak RSS 125 MB, 122, 119.
final class XMLByteFeeder {
    /// The largest piece (see above).
    static let largestPiece = 4095
    /// The most blocks of scanned pieces waiting for libxml2 (a block: pieces of ``blockBytes``,
    /// with their markup: about 150 KiB).
    static let blocksAhead = 16
    /// A block is sent once its pieces hold this many bytes (or at the end of the document).
    static let blockBytes = 64 * 1024

    private let displayName: String

    // Touched for every piece and (the markup) every node, from one thread, by accesses that never
    // overlap: no runtime exclusivity checks.
    /// What the scanning thread runs, from the first read on.
    private let work: XMLScanWork
    /// The scanning thread's blocks, once it started.
    @exclusivity(unchecked) private var channel: BlockingChannel<XMLScannedBlock>?
    /// Blocks received and not handed out yet, from `blockIndex` on; in the current one, the next
    /// piece is `pieceIndex`, starting at `byteOffset`, its markup at `markupOffset`.
    @exclusivity(unchecked) private var blocks: [XMLScannedBlock] = []
    @exclusivity(unchecked) private var blockIndex = 0
    @exclusivity(unchecked) private var pieceIndex = 0
    @exclusivity(unchecked) private var byteOffset = 0
    @exclusivity(unchecked) private var markupOffset = 0
    @exclusivity(unchecked) private var prologGuard: XMLPrologGuard? = XMLPrologGuard()
    /// Markup of every piece handed to libxml2 so far and not taken yet, and the scanner's line after
    /// the last of those pieces.
    let markup = XMLMarkupQueue()
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

    /// Feeds from `source`; `refusals` are the record reader's (nil when only validating). `source`
    /// is called on the feeder's scanning thread, one call at a time, from the first read on.
    init(source: @escaping XMLRecordReader.ChunkSource, displayName: String, refusals: XMLMarkupScanner.Refusals?) {
        self.displayName = displayName
        self.work = XMLScanWork(source: source, scanner: XMLMarkupScanner(refusals: refusals))
    }

    deinit {
        // The scanning thread stops at its next block, and is gone when this returns. (A file
        // closed before, by an owner's deinit, only ends its source: `FileChunks` reads nothing after.)
        stopScanning()
    }

    /// Hands libxml2 nothing more: the read has failed, and the rest of the file is not worth reading.
    func stop() {
        stopped = true
        stopScanning()
    }

    private func stopScanning() {
        if let channel {
            channel.cancel()
            channel.waitUntilFinished()
        }
    }

    /// libxml2's read callback: copies the next piece into `buffer`; 0 at the end, -1 to stop.
    ///
    /// The scanning thread joins source chunks until a whole piece is there (or the source has
    /// ended), so the pieces libxml2 sees do not depend on how the source chunks the file: libxml2
    /// words some errors differently when the same bytes arrive cut elsewhere (a broken UTF-8
    /// sequence, or a `<` alone, found by the fuzzer, Benchmarks/Fuzz), and where it stops a text
    /// that is too long depends on where its pieces end. `capacity` is at least ``largestPiece``.
    func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        guard !failed, !stopped else { return -1 }
        if blockIndex == blocks.count || pieceIndex == blocks[blockIndex].pieces.count {
            do {
                guard try receiveBlocks() else {
                    reachedEnd = true
                    return 0
                }
            } catch {
                // The source's own error, once the bytes read before it have been handed out.
                failure = error
                return -1
            }
        }
        let piece = blocks[blockIndex].pieces[pieceIndex]
        let start = byteOffset
        let count = min(piece.end - start, max(0, capacity))
        blocks[blockIndex].bytes.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress, count > 0 else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: base + start, byteCount: count)
        }
        // The piece's markup is there for the node stream as libxml2 gets its first bytes. (The
        // block is read in place: a copy of it retained and released its three arrays a piece.)
        while markupOffset < piece.markupEnd {
            markup.enqueue(blocks[blockIndex].markup[markupOffset])
            markupOffset += 1
        }
        markup.line = piece.line
        byteOffset += count
        if byteOffset == piece.end { pieceIndex += 1 }
        // The scanner stopped without a byte (the document cannot go on): libxml2 is told it ended.
        if count == 0 {
            reachedEnd = true
            return 0
        }
        if prologGuard != nil, let refusal = guardProlog(blocks[blockIndex].bytes, start..<(start + count)) {
            failure = refusal
            return -1
        }
        bytesHanded += count
        return Int32(count)
    }

    /// Makes the next block with a piece current; false once the document has ended. Throws the
    /// source's error after every piece read before it.
    private func receiveBlocks() throws -> Bool {
        let channel = self.channel ?? startScanning()
        while true {
            if blockIndex < blocks.count, pieceIndex < blocks[blockIndex].pieces.count { return true }
            if blockIndex + 1 < blocks.count {
                blockIndex += 1
            } else {
                let received = try channel.receiveAll(waiting: true)
                guard !received.elements.isEmpty else { return false }
                blocks = received.elements
                blockIndex = 0
            }
            (pieceIndex, byteOffset, markupOffset) = (0, 0, 0)
        }
    }

    private func startScanning() -> BlockingChannel<XMLScannedBlock> {
        let work = self.work
        let made = BlockingChannel<XMLScannedBlock>.filled(capacity: Self.blocksAhead, byThreadNamed: "suiji XML scanning") {
            work.run(into: $0)
        }
        channel = made
        return made
    }

    /// Runs the prolog guard over bytes of a piece until it passes; the refusal, if any.
    private func guardProlog(_ bytes: [UInt8], _ range: Range<Int>) -> RegisterFileError? {
        for index in range {
            switch prologGuard?.inspect(bytes[index]) {
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

/// Pieces of the document as the scanner cut them, with what it found in each.
struct XMLScannedBlock {
    /// The pieces' bytes, back to back.
    var bytes: [UInt8] = []
    /// Per piece: its end in `bytes`, the end of its markup in `markup`, the scanner's line after it.
    var pieces: [(end: Int, markupEnd: Int, line: Int)] = []
    /// The markup the scanner found in the pieces, in document order.
    var markup: [XMLMarkup] = []
}

/// What the feeder's scanning thread runs: reads the source, cuts it into pieces through the markup
/// scanner and sends them on in blocks. The source and the scanner are touched by that thread alone
/// once it started (hence unchecked).
final class XMLScanWork: @unchecked Sendable {
    private let source: XMLRecordReader.ChunkSource
    private let scanner: XMLMarkupScanner

    init(source: @escaping XMLRecordReader.ChunkSource, scanner: XMLMarkupScanner) {
        self.source = source
        self.scanner = scanner
    }

    /// Sends every piece of the document, then finishes the channel; after the source's error, the
    /// pieces of the bytes read before it and then the error. Stops at once when the feeder cancels.
    func run(into channel: BlockingChannel<XMLScannedBlock>) {
        var chunk: [UInt8] = []
        var offset = 0
        var sourceEnded = false
        var sourceFailure: (any Error)?
        var block = XMLScannedBlock()
        while true {
            while chunk.count - offset < XMLByteFeeder.largestPiece, !sourceEnded {
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
            guard offset < chunk.count else { break }
            let available = min(XMLByteFeeder.largestPiece, chunk.count - offset)
            let count: Int = chunk.withUnsafeBufferPointer { whole in
                guard let base = whole.baseAddress else { return 0 }
                let count = scanner.scan(base + offset, count: available).scanned
                block.bytes.append(contentsOf: UnsafeBufferPointer(start: base + offset, count: count))
                return count
            }
            while let item = scanner.take() { block.markup.append(item) }
            block.pieces.append((block.bytes.count, block.markup.count, scanner.line))
            offset += count
            // A piece without a byte ends the document for libxml2; nothing after it is read.
            if count == 0 { break }
            if block.bytes.count >= XMLByteFeeder.blockBytes {
                guard channel.send(block) else { return channel.finish() }
                block = XMLScannedBlock()
            }
        }
        if !block.pieces.isEmpty, !channel.send(block) { return channel.finish() }
        channel.finish(throwing: sourceFailure)
    }
}
