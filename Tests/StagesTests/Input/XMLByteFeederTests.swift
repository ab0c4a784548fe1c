import Foundation
import Pipeline
import Testing

@testable import Stages

/// The feeder's scanning thread: pieces and markup as one thread made them, the source's error after
/// the records read before it, and a feeder stopped or let go reads its source no more.
@Suite("XMLByteFeeder")
struct XMLByteFeederTests {
    /// `count` records of about 100 bytes, each on three lines.
    static func register(_ count: Int) -> [UInt8] {
        var text = "<?xml version=\"1.0\"?>\n<registry>\n"
        for index in 0..<count {
            text += "<entity>\n<uscc>\(String(format: "%018d", index))</uscc>\n<name>原平市第\(index)号</name></entity>\n"
        }
        return Array((text + "</registry>\n").utf8)
    }

    /// A register of 300,000,000 records, about 96 KiB of them a call after the root's start tag.
    static func endless(_ calls: SourceCalls) -> XMLRecordReader.ChunkSource {
        let head = Array("<?xml version=\"1.0\"?>\n<registry>\n".utf8)
        let records = Array(String(repeating: "<entity><uscc>1</uscc></entity>\n", count: 3_000).utf8)
        return {
            let call = calls.add()
            return call == 1 ? head : call <= 100_000 ? records : nil
        }
    }

    /// One piece from `feeder`, or nil at the end (0) or a stop (-1).
    static func piece(_ feeder: XMLByteFeeder) -> [UInt8]? {
        var buffer = [CChar](repeating: 0, count: XMLByteFeeder.largestPiece)
        let count = buffer.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { Int(feeder.read(into: $0, capacity: XMLByteFeeder.largestPiece)) } ?? -1
        }
        return count > 0 ? buffer[0..<count].map { UInt8(bitPattern: $0) } : nil
    }

    /// After each piece, the markup of every byte handed so far is queued and the line is the
    /// scanner's after them, whatever the chunks: as when one thread scanned and parsed.
    @Test(arguments: [1, 7, 4096, 1 << 20])
    func eachPieceComesWithItsMarkupAndLine(size: Int) {
        let bytes = Self.register(2_000)
        let feeder = XMLByteFeeder(source: chunks(bytes, size: size), displayName: "reg.xml", refusals: nil)
        var handed: [UInt8] = []
        var markup: [XMLMarkup] = []
        var (pieces, lessThans, lineFeeds) = (0, 0, 0)
        while let piece = Self.piece(feeder) {
            handed += piece
            pieces += 1
            lessThans += piece.count { $0 == 0x3C }
            lineFeeds += piece.count { $0 == 0x0A }
            while let item = feeder.markup.take() { markup.append(item) }
            // Every `<` but the XML declaration's begins markup here.
            #expect(markup.count == lessThans - 1)
            #expect(feeder.markup.line == 1 + lineFeeds)
        }
        #expect(handed == bytes)
        #expect(markup == scanMarkup(bytes, size: bytes.count).markup)
        #expect(pieces == 2_000 + 1)
        #expect(feeder.reachedEnd)
        #expect(feeder.bytesHanded == bytes.count)
    }

    /// A source that fails on its third chunk: the records of the two before come out, then its error.
    @Test func aReadErrorComesAfterTheRecordsReadBeforeIt() throws {
        let bytes = Self.register(3_000)
        let cuts = [
            offset(after: "</entity>", occurrence: 1_000, in: String(decoding: bytes, as: UTF8.self)),
            offset(after: "</entity>", occurrence: 2_500, in: String(decoding: bytes, as: UTF8.self)),
        ]
        let pieces = [Array(bytes[0..<cuts[0]]), Array(bytes[cuts[0]..<cuts[1]])]
        let calls = SourceCalls()
        let reader = XMLRecordReader(chunks: failingSource(pieces, file: "r.xml", calls: calls), displayName: "r.xml")
        var records = 0
        var failure: (any Error)?
        do {
            while try reader.next() != nil { records += 1 }
        } catch {
            failure = error
        }
        #expect(records == 2_500)
        #expect((failure as? MalformedFileError)?.description == "r.xml: error: read failed: Input/output error")
        #expect(calls.count == 3)
    }

    /// A feeder let go after one piece stops its thread: the source was read at most a few blocks
    /// ahead, and never again after.
    @Test func aFeederLetGoEarlyStopsReadingTheSource() throws {
        let calls = SourceCalls()
        var feeder: XMLByteFeeder? = XMLByteFeeder(source: Self.endless(calls), displayName: "big.xml", refusals: nil)
        #expect(feeder.flatMap { Self.piece($0) } != nil)
        feeder = nil
        let afterwards = calls.count
        // Each block is at least 64 KiB, a call gives about 100 KiB: the blocks waiting, one in hand.
        #expect(afterwards <= XMLByteFeeder.blocksAhead + 3)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(calls.count == afterwards)
    }

    /// A stopped feeder hands libxml2 nothing more and its thread reads the source no more.
    @Test func aStoppedFeederReadsTheSourceNoMore() throws {
        let calls = SourceCalls()
        let feeder = XMLByteFeeder(source: Self.endless(calls), displayName: "big.xml", refusals: nil)
        #expect(Self.piece(feeder) != nil)
        feeder.stop()
        let afterwards = calls.count
        #expect(afterwards <= XMLByteFeeder.blocksAhead + 3)
        #expect(Self.piece(feeder) == nil)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(calls.count == afterwards)
        #expect(!feeder.reachedEnd)
    }
}
