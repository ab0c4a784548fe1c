// One part of an XLSX package as a pull stream of decompressed chunks.
//
// ZIPFoundation inflates by pushing chunks to a consumer; the XML readers pull. A thread of the
// stream's own runs the inflation and hands chunks over through a queue of a few; the reader takes
// them with `next()`. Besides bridging the two, the thread lets inflation (a quarter of the cost of
// reading a large sheet) run on another core while the XML is parsed. Every chunk is checked as it
// comes out: the part's size limit, its compression ratio, and, at the end, its size and CRC-32
// against the central directory.

internal import Foundation
internal import Pipeline
internal import ZIPFoundation

/// The decompressed bytes of one package part, pulled chunk by chunk.
final class XLSXPartStream: @unchecked Sendable {
    /// Decompressed bytes per chunk.
    static let chunkSize = 64 * 1024
    /// Chunks waiting at most.
    static let queueLength = 4

    private let partName: String
    private let displayName: String
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [[UInt8]] = []
    private var ended = false
    private var failure: (any Error)?
    private var stopped = false
    private var running = false
    private var started = false
    private let work: @Sendable (XLSXPartStream) -> Void

    /// Decompressed bytes handed out so far.
    private(set) var bytesOut = 0

    /// Prepares the stream of `part`; nothing is read until the first `next()`.
    init(package: XLSXPackage, part: XLSXPart, limit: Int) throws {
        partName = part.name
        displayName = package.displayName
        let entry = part.entry
        let limits = package.limits
        if entry.uncompressedSize > UInt64(limit) {
            throw package.partError(
                part.name,
                "the part says it inflates to \(entry.uncompressedSize) bytes, more than the limit of \(limit); the file is refused whole (a zip bomb, or far larger than any register)"
            )
        }
        let file = try FileRange(path: package.path, displayName: package.displayName)
        let offset = try package.dataOffset(of: part, file: file)
        let compressedSize = Int(clamping: entry.compressedSize)
        let declaredSize = Int(clamping: entry.uncompressedSize)
        let checksum = entry.checksum
        let isCompressed = entry.isCompressed
        let name = part.name
        let fileName = package.displayName
        @Sendable func partError(_ message: String) -> MalformedFileError {
            MalformedFileError(location: SourceLocation(file: fileName), message: "\(name): \(message)")
        }
        work = { stream in
            var position = 0
            var produced = 0
            // The entry's compressed bytes, exactly; asked for more, the stream outruns its entry.
            func read(_ size: Int) throws -> [UInt8] {
                guard position < compressedSize else {
                    throw partError(
                        "its compressed data ends before its deflate stream does; the file is damaged or crafted, and is refused whole")
                }
                let count = min(size, compressedSize - position)
                let bytes = try file.read(at: offset + UInt64(position), count: count)
                guard bytes.count == count else { throw partError("the file ends inside this part; it is incomplete") }
                position += count
                return bytes
            }
            // ZIPFoundation's inflate loop tells zlib every chunk holds `size` bytes (it sets avail_in
            // before it asks for the chunk), so the last, short one is padded with zeros to `size`:
            // zlib never reads past the buffer, and a valid stream ends before the padding.
            let provider: (Int64, Int) throws -> Data = { _, size in
                var bytes = try read(size)
                if bytes.count < size { bytes.append(contentsOf: repeatElement(0, count: size - bytes.count)) }
                return Data(bytes)
            }
            let consumer: (Data) throws -> Void = { data in
                produced += data.count
                if produced > limit {
                    throw partError(
                        "the part inflates to more than \(limit) bytes, the limit; the file is refused whole (a zip bomb, or far larger than any register)"
                    )
                }
                if produced > limits.ratioGrace, produced > limits.maxCompressionRatio * max(position, 1) {
                    throw partError(
                        "the part inflates more than \(limits.maxCompressionRatio) times its compressed size (\(produced) bytes out of \(position)); the file is refused whole as a zip bomb"
                    )
                }
                try stream.put(Array(data))
            }
            do {
                let crc: CRC32
                if isCompressed {
                    crc = try Data.decompress(
                        size: Int64(compressedSize), bufferSize: Self.chunkSize, skipCRC32: false, provider: provider, consumer: consumer)
                } else {
                    var running = CRC32(0)
                    while position < compressedSize {
                        let chunk = Data(try read(Self.chunkSize))
                        running = chunk.crc32(checksum: running)
                        try consumer(chunk)
                    }
                    crc = running
                }
                guard produced == declaredSize else {
                    throw partError(
                        "the part inflates to \(produced) bytes, but the directory says \(declaredSize); the file is damaged")
                }
                guard crc == checksum else {
                    throw partError("the part's CRC-32 does not match the directory; the file is damaged")
                }
                stream.end(nil)
            } catch is XLSXPartStreamStopped {
                stream.end(nil)
            } catch let error as MalformedFileError {
                stream.end(error)
            } catch {
                stream.end(partError("it cannot be decompressed (\(error)); the file is damaged"))
            }
        }
    }

    deinit { stop() }

    /// The next chunk, or nil at the end; throws what stopped the part.
    func next() throws -> [UInt8]? {
        condition.lock()
        defer { condition.unlock() }
        if !started && !stopped {
            started = true
            running = true
            let thread = Thread { [self] in
                work(self)
                condition.withLock {
                    running = false
                    condition.broadcast()
                }
            }
            thread.name = "suiji XLSX inflater"
            thread.start()
        }
        if !started { return nil }
        while queue.isEmpty && !ended { condition.wait() }
        if !queue.isEmpty {
            let chunk = queue.removeFirst()
            bytesOut += chunk.count
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the thread if it runs and waits until it has ended.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
    }

    /// The thread's side: queues a chunk, waiting while the queue is full.
    private func put(_ chunk: [UInt8]) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.queueLength && !stopped { condition.wait() }
        if stopped { throw XLSXPartStreamStopped() }
        queue.append(chunk)
        condition.broadcast()
    }

    /// The thread's side: the part has ended, with an error or without.
    private func end(_ error: (any Error)?) {
        condition.withLock {
            ended = true
            failure = error
            condition.broadcast()
        }
    }
}

/// Raised inside the inflating thread when the reader has stopped the stream.
struct XLSXPartStreamStopped: Error {}
