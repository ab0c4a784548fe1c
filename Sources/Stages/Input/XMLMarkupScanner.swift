// The markup scanner behind the XML reader's line numbers and the pieces it hands libxml2.
// (Over 500 lines on purpose: one byte-level state machine, whose states share `scan`'s loop and
// its word-at-a-time seeks; the evaluation and the error type that keep it honest sit with it.)
//
// `XMLByteFeeder` runs every byte it hands libxml2 through `XMLMarkupScanner` first (on the
// feeder's scanning thread, a block of pieces ahead; the markup travels with its piece). The scanner
// knows just enough XML to find where each piece of markup begins and ends (start, end and
// empty-element tags, whose quoted attribute values may hold `>`; comments, processing
// instructions and CDATA sections, which may hold `<` and `>`), counts line feeds as libxml2 does,
// and tracks element depth. It queues one `XMLMarkup` per markup item, in document order, with the
// line of its `<`; `XMLNodeStream` takes them off the feeder's queue (`XMLMarkupQueue`) as
// libxml2's SAX2 callbacks report the matching nodes. It also tells the feeder where a piece must
// end (see `XMLByteFeeder`).
//
// Why our own scanner and not libxml2's line numbers (evaluated, libxml2 2.9.14, a 70,350-line
// register of 12,000 records read through xmlTextReader in 511-byte pieces, 49,092 elements):
// - a node's line (`xmlGetLineNo`, `node->line`) is a 16-bit field that saturates at 65535: all
//   3,359 elements past that line get 65535;
// - with `XML_PARSE_BIG_LINES` only text nodes keep a larger line (in `psvi`); an element past
//   65535 borrows its first child's line, so a record gets the line of its first field: 1,176 of
//   those elements are still wrong;
// - below 65535 an element's line is that of its start tag's `>`, not its `<`: the 2,457 start
//   tags spread over several lines are wrong, with or without BIG_LINES;
// - `xmlTextReaderGetParserLineNumber` is where the parser has got to (the end of the block it
//   parsed): 47,296 of the 49,092 elements are wrong.
// So the scanner stays for lines, and because the same scan decides where pieces end, libxml2
// gives it nothing to shrink. It must never disagree with libxml2: `XMLNodeStream` takes one
// markup per node and checks it (kind, and for elements, comments and instructions the parser's
// line when it reports them, which must fall between the markup's `<` and `>` lines); a disagreement
// stops the read with `XMLLineTrackingError`, never a silent skip. `XMLMarkupScannerDifferentialTests`
// compare the two over generated and mutated documents, and Benchmarks/Fuzz/XMLMarkupScanner is a
// libFuzzer target doing the same on any input; its libxml2-lines/evaluate.sh reproduces the counts above.

public import Pipeline

/// One piece of markup the scanner found: its kind and its lines.
struct XMLMarkup: Equatable, Sendable {
    /// What the markup is; each kind is one node of the stream's (a run of adjacent CDATA sections is one).
    enum Kind: UInt8, Sendable {
        /// `<name …>`: an ELEMENT node.
        case start
        /// `<name …/>`: an empty ELEMENT node (no END_ELEMENT follows).
        case emptyElement
        /// `</name>`: an END_ELEMENT node.
        case end
        /// `<!-- … -->`: a COMMENT node.
        case comment
        /// `<?target …?>` other than the XML declaration: a PI node.
        case instruction
        /// `<![CDATA[…]]>`: a CDATA node; libxml2 merges a run of adjacent sections into one.
        case cdata
    }

    /// The kind of markup.
    var kind: Kind
    /// The line of its `<`.
    var line: Int
    /// The line of its closing `>`.
    var endLine: Int
    /// For CDATA: true if it starts right where the previous CDATA section ended (no byte between).
    var followsCDATA: Bool = false
}

/// Finds markup, lines and the places a piece for libxml2 must end, in the bytes of an XML document.
///
/// The bytes come in runs of any size, down to one byte; the state carries over. They are taken
/// as ASCII-compatible (the prolog guard refuses anything else); in a document whose XML
/// declaration names a GB encoding, the trail byte of a multi-byte character is never taken for
/// the `]` of a CDATA section's end. The scanner does not check well-formedness: libxml2 does, and
/// stops the read at the first error, so what the scanner makes of markup past an error never matters.
/// One thread uses a scanner at a time, and its state goes without the runtime's exclusivity checks
/// (no access to it ever overlaps another).
///
/// A piece must end (`scan` stops) just after the markup that completes a record (`</…>` back to
/// depth 1, `<…/>` at depth 1), and just after markup that makes a node the record reader may
/// refuse available to the parser: the root's start tag; a start tag at depth 1 that is not a
/// plain record start tag; a field start tag with attributes; an element nested in a field; the
/// markup after text or CDATA directly inside the root or a record; the markup after a field text
/// that may be over the byte limit; a field end past the field limit. The markup after such a text
/// also starts a piece of its own, and so does the end tag of such a record or field when nothing
/// but text is inside it (the reader reads one piece further from an element that is closed and
/// holds at most one text). So the reader hands out that node before libxml2 parses anything after
/// it, and the record reader's own errors and libxml2's come in document order, whatever the chunks.
final class XMLMarkupScanner {
    /// What makes the record reader refuse a node, so that the scanner can end a piece after it.
    struct Refusals: Sendable {
        /// The record element's name in UTF-8; a start tag at depth 1 by another name is refused.
        var recordName: [UInt8]
        /// The longest field text or attribute value, in UTF-8 bytes.
        var maxFieldBytes: Int
        /// The most fields per record.
        var maxFieldsPerRecord: Int

        /// Creates the refusals of a record reader.
        init(recordName: String, limits: XMLReaderLimits) {
            self.recordName = Array(recordName.utf8)
            maxFieldBytes = limits.maxFieldBytes
            maxFieldsPerRecord = limits.maxFieldsPerRecord
        }
    }

    private enum State: UInt8 {
        case byteOrderMark, content, lessThan, tagName, startTag, doubleQuoted, singleQuoted, endTag
        case bang, bangDash, comment, commentDash, commentDashDash
        case cdataOpening, cdata, cdataBracket, cdataBracketBracket
        case instruction, instructionQuestion, declaration
    }

    /// Encodings in which a byte of 0x81 or more starts a two- or four-byte character (upper case).
    static let doubleByteEncodings: Set<String> = ["GB18030", "GBK", "GB2312", "CP936", "EUC-CN"]

    private let recordName: [UInt8]
    /// Raw bytes past which a text or a tag may hold more UTF-8 bytes than one field may (an
    /// encoding other than UTF-8 at most doubles a text's length in UTF-8).
    private let fieldBytesThreshold: Int
    private let maxFields: Int

    @exclusivity(unchecked) private var state = State.byteOrderMark
    /// The line of the next byte: 1 plus the line feeds so far.
    @exclusivity(unchecked) private(set) var line = 1
    /// Open elements (the root counts 1, a record 2).
    @exclusivity(unchecked) private(set) var depth = 0
    /// Bytes scanned so far.
    @exclusivity(unchecked) private(set) var offset = 0
    @exclusivity(unchecked) private var markLine = 1
    @exclusivity(unchecked) private var markOffset = 0
    @exclusivity(unchecked) private var bomLength = 0
    /// `/` was the last byte of the start tag so far (outside quotes).
    @exclusivity(unchecked) private var slash = false
    /// The start tag's name so far is a prefix of the record name.
    @exclusivity(unchecked) private var nameMatches = false
    @exclusivity(unchecked) private var nameLength = 0
    /// Quoted attribute values in the start tag so far.
    @exclusivity(unchecked) private var attributes = 0
    /// Fields of the open record so far (attributes, then ended field elements).
    @exclusivity(unchecked) private var fields = 0
    /// Bytes of text and CDATA inside the open field so far.
    @exclusivity(unchecked) private var fieldBytes = 0
    /// The next markup to end must end the piece too (and one must end before it).
    @exclusivity(unchecked) private var cutAfterMarkup = false
    /// The last markup was a start tag (not empty): the element open now has no markup inside so far.
    @exclusivity(unchecked) private var afterStartTag = false
    /// The offset just after the last start tag's `>`.
    @exclusivity(unchecked) private var startTagEnd = 0
    /// Bytes of `CDATA[` matched after `<![`.
    @exclusivity(unchecked) private var matched = 0
    /// The offset just after the last CDATA section's `>`.
    @exclusivity(unchecked) private var cdataEnd = -1
    /// The first bytes of a processing instruction's target, and how many.
    @exclusivity(unchecked) private var target: UInt32 = 0
    @exclusivity(unchecked) private var targetCount = 0
    /// The text of what may be the XML declaration, while it is being read.
    @exclusivity(unchecked) private var declaration: [UInt8]?
    @exclusivity(unchecked) private var doubleByte = false
    @exclusivity(unchecked) private var trailByte = false

    /// Markup found and not yet taken (the feeder moves it on after each piece).
    let found = XMLMarkupQueue()

    /// Creates a scanner at the start of a document; `refusals` nil ends pieces at record ends only.
    init(refusals: Refusals? = nil) {
        recordName = refusals?.recordName ?? []
        fieldBytesThreshold = refusals.map { $0.maxFieldBytes / 2 } ?? Int.max
        maxFields = refusals?.maxFieldsPerRecord ?? Int.max
        refuses = refusals != nil
    }

    private let refuses: Bool

    /// Takes the oldest markup off the queue.
    @discardableResult
    func take() -> XMLMarkup? { found.take() }

    @inline(__always)
    private func enqueue(_ item: XMLMarkup) { found.enqueue(item) }

    /// Scans up to `count` bytes from `bytes`, stopping just after markup a piece must end with.
    ///
    /// - Returns: how many bytes were scanned, and whether the piece must end after them.
    func scan(_ bytes: UnsafePointer<UInt8>, count: Int) -> (scanned: Int, mustEnd: Bool) {
        var index = 0
        var line = self.line
        defer {
            self.line = line
            offset += index
        }
        while index < count {
            if state == .content {
                // The bulk of a document: run to the next `<`, then, most often, through the tag after it.
                let start = index
                if refuses && (depth == 1 || depth == 2) {
                    // Text directly inside the root or a record is refused: only whitespace belongs there.
                    var loose = false
                    index = Self.seekMarkup(in: bytes, from: index, to: count, line: &line, loose: &loose)
                    if loose { cutAfterMarkup = true }
                } else {
                    index = Self.seek(Self.lessThan, in: bytes, from: index, to: count, line: &line)
                    fieldBytes += index - start
                    if fieldBytes > fieldBytesThreshold { cutAfterMarkup = true }
                }
                guard index < count else { return (index, false) }
                markLine = line
                markOffset = offset + index
                if cutAfterMarkup && index > 0 { return (index, true) }
                index += 1
                state = .lessThan
                guard index < count else { return (index, false) }
                let byte = bytes[index]
                if byte == Self.slash {
                    if mustEndBeforeEndTag() {
                        state = .content
                        return (markOffset - offset, true)
                    }
                    index += 1
                    state = .endTag
                    if let cut = endTag(bytes, index: &index, count: count, line: &line) { return cut }
                } else if byte != Self.bang && byte != Self.question && byte != 0x0A && !(depth == 1 && refuses) {
                    index += 1
                    attributes = 0
                    slash = false
                    state = .startTag
                    if let cut = startTagRun(bytes, index: &index, count: count, line: &line) { return cut }
                }
                continue
            }
            switch state {
            case .startTag:
                if let cut = startTagRun(bytes, index: &index, count: count, line: &line) { return cut }
            case .doubleQuoted, .singleQuoted:
                index = Self.seek(
                    state == .doubleQuoted ? Self.doubleQuote : Self.singleQuote, in: bytes, from: index, to: count, line: &line)
                guard index < count else { return (index, false) }
                index += 1
                slash = false
                state = .startTag
            case .endTag:
                if let cut = endTag(bytes, index: &index, count: count, line: &line) { return cut }
            default:
                let byte = bytes[index]
                index += 1
                if byte == 0x0A { line += 1 }
                if let cut = step(byte, index: index, line: line) { return cut }
            }
        }
        return (index, false)
    }

    /// Runs through a start tag to its `>` or an attribute value's quote.
    ///
    /// - Returns: where the scan must stop, if the tag ended and must end a piece.
    @inline(__always)
    private func startTagRun(
        _ bytes: UnsafePointer<UInt8>, index: inout Int, count: Int, line: inout Int
    ) -> (scanned: Int, mustEnd: Bool)? {
        let start = index
        index = Self.seek(Self.greaterThan, Self.doubleQuote, Self.singleQuote, in: bytes, from: index, to: count, line: &line)
        if index > start { slash = bytes[index - 1] == Self.slash }
        guard index < count else { return nil }
        let byte = bytes[index]
        index += 1
        return startTag(byte, index: index, line: line)
    }

    /// Runs through an end tag to its `>`.
    ///
    /// - Returns: where the scan must stop, if the tag ended and must end a piece.
    @inline(__always)
    private func endTag(_ bytes: UnsafePointer<UInt8>, index: inout Int, count: Int, line: inout Int) -> (scanned: Int, mustEnd: Bool)? {
        index = Self.seek(Self.greaterThan, in: bytes, from: index, to: count, line: &line)
        guard index < count else { return nil }
        index += 1
        state = .content
        enqueue(XMLMarkup(kind: .end, line: markLine, endLine: line))
        if depth > 0 { depth -= 1 }
        var cut = depth == 1
        if depth == 2 {
            fields += 1
            cut = cut || fields > maxFields
        }
        return endMarkup(cut) ? (index, true) : nil
    }

    /// Whether the piece must end before the end tag whose `</` was just read.
    ///
    /// When xmlTextReader (which `XMLNodeStream` used until stop 29) stood on an element that has at
    /// most one text inside, had already been closed and had nothing after it yet, it read one more
    /// piece before it handed out the element's end; the cut stays, so that pieces, and with them
    /// libxml2's error wordings, are what they were. So when a piece must end after an end tag (a record's, or a field's past the
    /// field limit) and the element's start tag is in the same piece with no markup between them,
    /// the piece ends before the end tag too, and the reader hands out the element while it is open.
    @inline(__always)
    private func mustEndBeforeEndTag() -> Bool {
        afterStartTag && startTagEnd > offset && markOffset > offset && (depth == 2 || (depth == 3 && fields + 1 > maxFields))
    }

    /// Takes one byte in the states that go a byte at a time (the byte-order mark, after `<`, a
    /// name at depth 1, comments, processing instructions, CDATA).
    ///
    /// - Returns: where the scan must stop, if the markup the byte ends must end a piece.
    private func step(_ byte: UInt8, index: Int, line: Int) -> (scanned: Int, mustEnd: Bool)? {
        switch state {
        case .byteOrderMark:
            // EF BB BF at the very start; the XML declaration may follow it.
            if offset + index - 1 == bomLength, bomLength < 3, byte == Self.byteOrderMark[bomLength] {
                bomLength += 1
                return nil
            }
            state = .content
            if byte == Self.lessThan {
                markLine = line
                markOffset = offset + index - 1
                state = .lessThan
            } else if refuses && depth > 0 && byte != 0x20 && byte != 0x0A && byte != 0x09 && byte != 0x0D {
                cutAfterMarkup = true
            }
        case .lessThan:
            switch byte {
            case Self.slash:
                if mustEndBeforeEndTag() {
                    state = .content
                    return (markOffset - offset, true)
                }
                state = .endTag
            case Self.bang: state = .bang
            case Self.question:
                state = .instruction
                target = 0
                targetCount = 0
                declaration = markOffset == bomLength ? [] : nil
            default:
                attributes = 0
                slash = false
                if depth == 1 && refuses {
                    // A record's start tag, or something else the record reader refuses.
                    state = .tagName
                    nameMatches = !recordName.isEmpty && byte == recordName[0]
                    nameLength = 1
                } else {
                    state = .startTag
                }
            }
        case .tagName:
            // The name runs to a blank, `/` or `>`; past a blank or `/` the attributes begin.
            if byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D || byte == Self.slash || byte == Self.greaterThan {
                nameMatches = nameMatches && nameLength == recordName.count
                state = .startTag
                return startTag(byte, index: index, line: line)
            }
            nameMatches = nameMatches && nameLength < recordName.count && recordName[nameLength] == byte
            nameLength += 1
        case .bang:
            switch byte {
            case Self.dash: state = .bangDash
            case Self.openBracket:
                state = .cdataOpening
                matched = 0
            default: state = byte == Self.greaterThan ? .content : .declaration
            }
        case .bangDash:
            state = byte == Self.dash ? .comment : (byte == Self.greaterThan ? .content : .declaration)
        case .comment:
            if byte == Self.dash { state = .commentDash }
        case .commentDash:
            state = byte == Self.dash ? .commentDashDash : .comment
        case .commentDashDash:
            if byte == Self.greaterThan {
                state = .content
                enqueue(XMLMarkup(kind: .comment, line: markLine, endLine: line))
                if endMarkup(false) { return (index, true) }
            } else if byte != Self.dash {
                state = .comment
            }
        case .cdataOpening:
            if byte == Self.cdataOpening[matched] {
                matched += 1
                if matched == Self.cdataOpening.count { state = .cdata }
            } else {
                state = byte == Self.greaterThan ? .content : .declaration
            }
        case .cdata, .cdataBracket, .cdataBracketBracket:
            fieldBytes += 1
            if trailByte {
                trailByte = false
                state = .cdata
            } else if byte == Self.closeBracket {
                state = state == .cdata ? .cdataBracket : .cdataBracketBracket
            } else if byte == Self.greaterThan && state == .cdataBracketBracket {
                state = .content
                enqueue(XMLMarkup(kind: .cdata, line: markLine, endLine: line, followsCDATA: cdataEnd == markOffset))
                cdataEnd = offset + index
                let cut = endMarkup(false)
                // CDATA directly inside the root or a record is text there: refused once the markup after it is read.
                if refuses && (depth == 1 || depth == 2) { cutAfterMarkup = true }
                if fieldBytes > fieldBytesThreshold { cutAfterMarkup = true }
                if cut { return (index, true) }
            } else {
                state = .cdata
                trailByte = doubleByte && byte >= 0x81
            }
        case .instruction:
            if byte == Self.question {
                state = .instructionQuestion
            } else {
                collect(byte)
            }
        case .instructionQuestion:
            if byte == Self.greaterThan {
                state = .content
                if endInstruction(line: line) { return (index, true) }
            } else if byte != Self.question {
                collect(Self.question)
                collect(byte)
                state = .instruction
            } else {
                collect(byte)
            }
        case .declaration:
            if byte == Self.greaterThan { state = .content }
        case .content, .startTag, .doubleQuoted, .singleQuoted, .endTag:
            break // scanned a run at a time in `scan`
        }
        return nil
    }

    /// The index of the first `target` in `bytes[start..<end]` (`end` if none), adding the line feeds before it to `line`.
    @inline(__always)
    private static func seek(_ target: UInt8, in bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, line: inout Int) -> Int {
        seek(target, target, target, in: bytes, from: start, to: end, line: &line)
    }

    /// The index of the first of `a`, `b` or `c` in `bytes[start..<end]` (`end` if none), adding the
    /// line feeds before it to `line`. Eight bytes at a time.
    @inline(__always)
    private static func seek(
        _ a: UInt8, _ b: UInt8, _ c: UInt8, in bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, line: inout Int
    ) -> Int {
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let patternA = UInt64(a) &* ones
        let patternB = UInt64(b) &* ones
        let patternC = UInt64(c) &* ones
        let lineFeeds = UInt64(0x0A) &* ones
        while index + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self))
            let hits = zeroBytes(word ^ patternA) | zeroBytes(word ^ patternB) | zeroBytes(word ^ patternC)
            let feeds = zeroBytes(word ^ lineFeeds)
            if hits != 0 {
                // The high bit of the first hit byte; the line feeds below it come before the hit.
                let bit = hits.trailingZeroBitCount
                line += Self.lineFeeds(in: feeds & ((1 << UInt64(bit)) &- 1))
                return index + bit >> 3
            }
            line += Self.lineFeeds(in: feeds)
            index += 8
        }
        while index < end {
            let byte = bytes[index]
            if byte == a || byte == b || byte == c { return index }
            if byte == 0x0A { line += 1 }
            index += 1
        }
        return end
    }

    /// The index of the first `<` in `bytes[start..<end]` (`end` if none), adding the line feeds
    /// before it to `line` and setting `loose` if a byte before it is not XML whitespace.
    @inline(__always)
    private static func seekMarkup(in bytes: UnsafePointer<UInt8>, from start: Int, to end: Int, line: inout Int, loose: inout Bool) -> Int
    {
        var index = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while index + 8 <= end {
            let word = UInt64(littleEndian: UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self))
            let hits = zeroBytes(word ^ (UInt64(lessThan) &* ones))
            let feeds = zeroBytes(word ^ (0x0A &* ones))
            let blanks = feeds | zeroBytes(word ^ (0x20 &* ones)) | zeroBytes(word ^ (0x09 &* ones)) | zeroBytes(word ^ (0x0D &* ones))
            if hits != 0 {
                let below = (UInt64(1) << UInt64(hits.trailingZeroBitCount)) &- 1
                line += lineFeeds(in: feeds & below)
                if ~blanks & highs & below != 0 { loose = true }
                return index + hits.trailingZeroBitCount >> 3
            }
            line += lineFeeds(in: feeds)
            if ~blanks & highs != 0 { loose = true }
            index += 8
        }
        while index < end {
            let byte = bytes[index]
            if byte == lessThan { return index }
            if byte == 0x0A {
                line += 1
            } else if byte != 0x20 && byte != 0x09 && byte != 0x0D {
                loose = true
            }
            index += 1
        }
        return end
    }

    /// How many high bits of bytes are set in `mask` (only high bits may be).
    @inline(__always)
    private static func lineFeeds(in mask: UInt64) -> Int {
        Int(truncatingIfNeeded: ((mask >> 7) &* 0x0101_0101_0101_0101) >> 56)
    }

    /// The high bit of each byte of `word` that is zero, and nothing else (exact: no carry crosses a byte).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        let low = UInt64(0x7F7F_7F7F_7F7F_7F7F)
        return ~(((word & low) &+ low) | word | low)
    }

    /// Takes the byte that ends the name or attributes of a start tag: a quote, or the closing `>`.
    ///
    /// - Returns: where the scan must stop, if the tag ends a piece.
    private func startTag(_ byte: UInt8, index: Int, line: Int) -> (scanned: Int, mustEnd: Bool)? {
        switch byte {
        case Self.doubleQuote, Self.singleQuote:
            attributes += 1
            slash = false
            state = byte == Self.doubleQuote ? .doubleQuoted : .singleQuoted
            return nil
        case Self.greaterThan:
            break
        default:
            slash = byte == Self.slash
            return nil
        }
        state = .content
        let empty = slash
        slash = false
        var cut: Bool
        switch depth {
        case 0:
            cut = refuses // the root: its name is checked
        case 1:
            let length = offset + index - markOffset
            cut = empty || (refuses && (!nameMatches || length > fieldBytesThreshold || attributes > maxFields))
            fields = attributes
        case 2:
            cut = refuses && attributes > 0
            fieldBytes = 0
            if empty {
                fields += 1
                cut = cut || fields > maxFields
            }
        default:
            cut = refuses // an element nested in a field
        }
        if empty {
            enqueue(XMLMarkup(kind: .emptyElement, line: markLine, endLine: line))
        } else {
            enqueue(XMLMarkup(kind: .start, line: markLine, endLine: line))
            depth += 1
        }
        let mustEnd = endMarkup(cut)
        afterStartTag = !empty
        startTagEnd = offset + index
        return mustEnd ? (index, true) : nil
    }

    /// Ends a markup item: true if the piece must end after it.
    private func endMarkup(_ cut: Bool) -> Bool {
        afterStartTag = false
        guard cut || cutAfterMarkup else { return false }
        cutAfterMarkup = false
        return true
    }

    /// Notes one more byte of a processing instruction (its target, and the XML declaration's text).
    private func collect(_ byte: UInt8) {
        if targetCount < 4 {
            target |= UInt32(byte) << (8 * targetCount)
            targetCount += 1
        }
        if declaration != nil, let count = declaration?.count, count < 512 { declaration?.append(byte) }
    }

    /// Ends a processing instruction or the XML declaration; true if the piece must end after it.
    private func endInstruction(line: Int) -> Bool {
        // `<?xml` and a blank, first in the document: the XML declaration, which is no node.
        let isDeclaration =
            declaration != nil && targetCount == 4 && target & 0xFF_FFFF == 0x6C_6D78
            && [0x20, 0x09, 0x0D, 0x0A].contains(target >> 24)
        defer { declaration = nil }
        if isDeclaration, let text = declaration {
            let encoding = XMLPrologGuard.declaredEncoding(in: text)?.uppercased()
            doubleByte = encoding.map { Self.doubleByteEncodings.contains($0) } ?? false
            return false
        }
        enqueue(XMLMarkup(kind: .instruction, line: markLine, endLine: line))
        return endMarkup(false)
    }

    private static let lessThan = UInt8(ascii: "<")
    private static let greaterThan = UInt8(ascii: ">")
    private static let slash = UInt8(ascii: "/")
    private static let bang = UInt8(ascii: "!")
    private static let question = UInt8(ascii: "?")
    private static let dash = UInt8(ascii: "-")
    private static let doubleQuote = UInt8(ascii: "\"")
    private static let singleQuote = UInt8(ascii: "'")
    private static let openBracket = UInt8(ascii: "[")
    private static let closeBracket = UInt8(ascii: "]")
    private static let cdataOpening: [UInt8] = Array("CDATA[".utf8)
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
}

/// The markup scanner and libxml2 saw different markup or lines: a fault of suiji's, not of the file.
///
/// Never expected: the read stops rather than give a record a line the two do not agree on.
public struct XMLLineTrackingError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// Where the parser was when the two disagreed.
    public var location: SourceLocation
    /// What each of them saw.
    public var detail: String

    /// Creates an error.
    public init(location: SourceLocation, detail: String) {
        self.location = location
        self.detail = detail
    }

    /// `file:line: error: …`, with what to do.
    public var description: String {
        "\(location): error: suiji's XML line tracking disagrees with libxml2 here (\(detail)); the file was not read. "
            + "This is a fault in suiji, not in the file: please report it with the file."
    }

    /// A software fault: the command fails.
    public var exitStatus: ExitStatus { .failure }
}

/// Markup in document order, oldest first: what the scanner found, and what the node stream has
/// not matched to libxml2's nodes yet (``XMLByteFeeder/markup``).
final class XMLMarkupQueue {
    // A ring of `capacity` (a power of two) slots, `queued` of them in use from `head` on. Touched
    // by one thread at a time, never re-entrantly: no runtime exclusivity checks.
    @exclusivity(unchecked) private var queue: UnsafeMutablePointer<XMLMarkup>
    @exclusivity(unchecked) private var capacity = 64
    @exclusivity(unchecked) private var head = 0
    @exclusivity(unchecked) private var queued = 0
    /// The scanner's line (1 plus the line feeds) after the bytes whose markup has been queued.
    @exclusivity(unchecked) var line = 1

    /// An empty queue.
    init() { queue = .allocate(capacity: capacity) }

    deinit { queue.deallocate() }

    /// The most markup kept waiting; the reader takes markup as fast as libxml2 parses it, so only a
    /// reader that stopped taking it could reach this, and the oldest is dropped then.
    static let mostQueued = 1 << 20

    /// The oldest markup not yet taken, if any.
    var next: XMLMarkup? { queued > 0 ? queue[head] : nil }

    /// Takes the oldest markup off the queue.
    @discardableResult
    func take() -> XMLMarkup? {
        guard queued > 0 else { return nil }
        let item = queue[head]
        head = (head + 1) & (capacity - 1)
        queued -= 1
        return item
    }

    /// Adds markup after the newest.
    func enqueue(_ item: XMLMarkup) {
        if queued == capacity {
            if capacity >= Self.mostQueued {
                take()
            } else {
                let larger = UnsafeMutablePointer<XMLMarkup>.allocate(capacity: capacity * 2)
                for index in 0..<queued { (larger + index).initialize(to: queue[(head + index) & (capacity - 1)]) }
                queue.deallocate()
                queue = larger
                head = 0
                capacity *= 2
            }
        }
        (queue + ((head + queued) & (capacity - 1))).initialize(to: item)
        queued += 1
    }

    /// Takes a run of adjacent CDATA sections (libxml2's one CDATA node) whose first is the oldest
    /// markup; the run's first and last sections, or nil if the oldest markup is no CDATA section.
    func takeCDATA() -> (first: XMLMarkup, last: XMLMarkup)? {
        guard let first = next, first.kind == .cdata else { return nil }
        take()
        var last = first
        while let item = next, item.kind == .cdata, item.followsCDATA {
            last = item
            take()
        }
        return (first, last)
    }
}
