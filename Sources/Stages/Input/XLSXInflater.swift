// One part of an XLSX package inflated chunk by chunk into a consumer, checked as it comes.
//
// ZIPFoundation inflates (`Data.decompress`, over zlib); we supply the compressed bytes. Its own
// `Archive.extract` on Linux reads on from the file until zlib reports the end of the deflate
// stream, and when the file ends first it asks for more forever (its loop waits for Z_STREAM_END
// and an empty read does not end it): a crafted entry whose stream outruns the file hangs the
// reader at 100% CPU. Our provider hands out exactly the entry's compressed bytes and throws when
// asked for more. Every chunk that comes out is checked: the part's size limit, its compression
// ratio so far (a zip bomb is refused at the chunk that crosses the line, however large it claims
// or hides it is), and at the end its size and CRC-32 against the central directory. The CRC is
// zlib's: ZIPFoundation computes it a byte at a time on Linux, which was a tenth of the time of a
// million-row import.

internal import CZlibChecksum
internal import Foundation
internal import Pipeline
internal import ZIPFoundation

/// Inflates one part of a package. Handed to the inflating thread whole; the package it reads is
/// not changed after it is opened, and only that thread uses the inflater.
struct XLSXInflater: @unchecked Sendable {
    /// Decompressed bytes per chunk.
    static let chunkSize = 64 * 1024

    let package: XLSXPackage
    let part: XLSXPart
    /// The most bytes the part may inflate to.
    let limit: Int

    private func error(_ text: Message) -> MalformedFileError { package.partError(part.name, text) }

    /// Inflates the whole part, handing each chunk to `consumer` (which may throw to stop); returns the bytes out.
    @discardableResult
    func run(_ consumer: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        let entry = part.entry
        let limits = package.limits
        if entry.uncompressedSize > UInt64(limit) {
            throw error(Message(.xlsxDeclaredTooLarge, ["size": "\(entry.uncompressedSize)", "limit": "\(limit)"]))
        }
        let file = try FileRange(path: package.path, displayName: package.displayName)
        let offset = try package.dataOffset(of: part, file: file)
        let compressedSize = Int(clamping: entry.compressedSize)
        var position = 0
        var produced = 0
        var crc: UInt = 0
        // The entry's compressed bytes, exactly; asked for more, the stream outruns its entry.
        func read(_ size: Int) throws -> [UInt8] {
            guard position < compressedSize else {
                throw error(Message(.xlsxDeflateTruncated))
            }
            let count = min(size, compressedSize - position)
            let bytes = try file.read(at: offset + UInt64(position), count: count)
            guard bytes.count == count else { throw error(Message(.xlsxFileEndsInPart)) }
            position += count
            return bytes
        }
        func take(_ data: Data) throws {
            produced += data.count
            if produced > limit {
                throw error(Message(.xlsxInflatesTooLarge, ["limit": "\(limit)"]))
            }
            if produced > limits.ratioGrace, produced > limits.maxCompressionRatio * max(position, 1) {
                throw error(
                    Message(
                        .xlsxRatio, ["ratio": "\(limits.maxCompressionRatio)", "produced": "\(produced)", "position": "\(position)"]))
            }
            try data.withUnsafeBytes { bytes in
                crc = crc32_z(crc, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
                try consumer(bytes)
            }
        }
        do {
            if entry.isCompressed {
                // ZIPFoundation's inflate loop tells zlib every chunk holds `size` bytes (it sets
                // avail_in before it asks for the chunk), so the last, short one is padded with zeros
                // to `size`: zlib never reads past the buffer, and a valid stream ends before the padding.
                _ = try Data.decompress(
                    size: Int64(compressedSize), bufferSize: Self.chunkSize, skipCRC32: true,
                    provider: { _, size in
                        var bytes = try read(size)
                        if bytes.count < size { bytes.append(contentsOf: repeatElement(0, count: size - bytes.count)) }
                        return Data(bytes)
                    }, consumer: take)
            } else {
                while position < compressedSize { try take(Data(try read(Self.chunkSize))) }
            }
        } catch let failure as MalformedFileError {
            throw failure
        } catch let stop as XLSXReadingStopped {
            throw stop
        } catch {
            throw self.error(Message(.xlsxCannotInflate, ["reason": "\(error)"]))
        }
        guard produced == Int(clamping: entry.uncompressedSize) else {
            throw error(Message(.xlsxSizeMismatch, ["produced": "\(produced)", "size": "\(entry.uncompressedSize)"]))
        }
        guard UInt32(truncatingIfNeeded: crc) == entry.checksum else {
            throw error(Message(.xlsxCRC))
        }
        return produced
    }

    /// Inflated chunks waiting for the parser, at most.
    static let chunksInFlight = 4

    /// Inflates the whole part on a thread of its own and parses it with `parser` on this one, in
    /// pieces of `pieceSize` bytes if given (tests: 1, 7). Inflating is a fifth of the cost of a
    /// large part: on another core it shortens the reading by as much. `progress` is told the bytes parsed so far.
    func parse(with parser: XLSXSAXParser, pieceSize: Int? = nil, progress: (Int) -> Void = { _ in }) throws {
        // A short queue of inflated chunks between the inflating thread and this one.
        let pipe = BlockingChannel<[UInt8]>(capacity: Self.chunksInFlight)
        let thread = Thread { [self] in
            do {
                try run { chunk in
                    guard pipe.send(Array(UnsafeRawBufferPointer(chunk))) else { throw XLSXReadingStopped() }
                }
                pipe.finish()
            } catch {
                pipe.finish(throwing: error is XLSXReadingStopped ? nil : error)
            }
        }
        thread.name = "suiji XLSX inflater"
        thread.start()
        // At its end or on its error, the parser's side stops the inflater and waits until it has ended.
        defer {
            pipe.cancel()
            pipe.waitUntilFinished()
        }
        var parsed = 0
        while let chunk = try pipe.receive() {
            parsed += chunk.count
            progress(parsed)
            try chunk.withUnsafeBytes { chunk in
                guard let pieceSize, pieceSize > 0 else { return try parser.feed(chunk) }
                var start = 0
                while start < chunk.count {
                    let end = min(start + pieceSize, chunk.count)
                    try parser.feed(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                    start = end
                }
            }
        }
        try parser.finish()
    }
}

/// Raised inside an inflater's consumer when the reader has stopped reading the part.
struct XLSXReadingStopped: Error {}
