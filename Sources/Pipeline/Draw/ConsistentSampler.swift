// Rivest's consistent sampler, sampling WITHOUT replacement, bit-for-bit as
// ron-rivest/consistent_sampler (code/consistent_sampler.py; PyPI `consistent-sampler` 1.0.10) defines it:
//
//     sha256_hex(x)     = hashlib.sha256(str(x).encode('utf-8')).hexdigest()
//     sha256_uniform(x) = "0." + reversed("{:064d}".format(int(sha256_hex(x), 16)))
//     first_fraction(id, seed) = sha256_uniform(sha256_hex(seed) + str(id))
//
// and `sampler(...)` pops tickets from a heap of Ticket(ticket_number, id, generation) namedtuples,
// i.e. in ascending (ticket_number, id) order, where ticket_number is a *string*.
//
// Note the reversal: the fraction's first decimal place is the LEAST significant decimal digit of the
// 256-bit hash n. Ordering tickets by n itself would therefore NOT reproduce Python's order. We order
// by the digit sequence of the fraction instead, packed into five UInt64 chunks (below), and we only
// build the decimal text when it is asked for.
//
// Equivalence proof (our key ordering == Python's string ordering of ticket_number).
// Let n be the hash as an integer (0 <= n < 2^256 < 1.16e77, so n has at most 78 decimal digits) and
// let d_i = floor(n / 10^(i-1)) mod 10 for i >= 1 (d_1 is the units digit; d_i = 0 for i > 78).
// Python's ticket_number is "0." + d_1 d_2 … d_L with L = max(64, number of digits of n); every d_i
// with i > L is 0 (it is beyond n's leading digit). Call D(n) = (d_1, d_2, …, d_95) (zero-extended).
// Claim: for hashes n, m, string(n) < string(m)  ⇔  D(n) <lex D(m), and string(n) == string(m) ⇔ n == m.
//   * If the digit strings differ at some position i <= min(L_n, L_m), both orders are decided by the
//     first such position, where both compare d_i(n) with d_i(m): same answer.
//   * Otherwise one string is a proper prefix of the other, say L_n < L_m. Python orders the shorter
//     string first. Since L_m > L_n >= 64, L_m is the digit count of m, so d_{L_m}(m) (m's leading
//     digit) is nonzero while d_{L_m}(n) = 0: D(n) <lex D(m) as well. (This also shows the two decimal
//     fractions compare the same way as real numbers: no two distinct strings denote the same real.)
//   * Equal strings ⇔ equal digit sequences ⇔ n == m.
// Chunk k (k = 0…4) of the key is the integer whose 19-digit zero-padded decimal text is
// d_{19k+1} … d_{19k+19}, i.e. rev19(floor(n / 10^(19k)) mod 10^19). Integers below 10^19 compare as
// their equal-width decimal texts do, so comparing the chunks lexicographically compares D(n)
// lexicographically. Chunk 0 alone decides unless two hashes agree on 19 digits (probability 1e-19
// per pair), so it is stored and the rest is computed only on a tie.
// Ties between equal ticket numbers (a SHA-256 collision) fall back to the id, compared by Unicode
// code points as Python compares str (UTF-8 byte order is code point order).

/// The exact ticket number of an id: the SHA-256 value `n` whose reversed decimal digits form
/// Python's decimal fraction `0.d₁d₂…` (`d₁` = units digit of `n`).
public struct TicketNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The hash as an unsigned 256-bit integer: four 64-bit words, most significant first.
    let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64
    /// The first 19 decimal places of the fraction as an integer below 10¹⁹ (the primary sort key).
    public let leadingDigits: UInt64

    /// 10¹⁹, the largest power of ten below 2⁶⁴.
    static let chunkBase: UInt64 = 10_000_000_000_000_000_000

    /// A ticket number from the 256-bit hash value, words most significant first.
    init(words: (UInt64, UInt64, UInt64, UInt64)) {
        (w0, w1, w2, w3) = words
        // n mod 10¹⁹ by Horner's rule over the four words (no allocation: this runs once per id).
        let m = Self.chunkBase
        var r = m.dividingFullWidth((high: 0, low: words.0)).remainder
        r = m.dividingFullWidth((high: r, low: words.1)).remainder
        r = m.dividingFullWidth((high: r, low: words.2)).remainder
        r = m.dividingFullWidth((high: r, low: words.3)).remainder
        leadingDigits = Self.reverse19(r)
    }

    /// A ticket number from a 32-byte SHA-256 digest (big-endian, as `hexdigest` prints it).
    /// Returns nil unless `digest` has exactly 32 bytes.
    public init?(digest: [UInt8]) {
        guard digest.count == 32 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, byte) in digest.enumerated() {
            words[i / 8] = words[i / 8] << 8 | UInt64(byte)
        }
        self.init(words: (words[0], words[1], words[2], words[3]))
    }

    /// The hash as four 64-bit words, most significant first (`int(hexdigest, 16)`).
    public var words: [UInt64] { [w0, w1, w2, w3] }

    /// The hash as 64 lowercase hex characters (Python's `sha256_hex(...)` of the ticket input).
    public var hex: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for w in [w0, w1, w2, w3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                bytes.append(UInt8(truncatingIfNeeded: w >> UInt64(shift)))
            }
        }
        return SHA256.hexString(bytes)
    }

    /// The digits of the number in base 10¹⁹, least significant chunk first (5 chunks cover 2²⁵⁶).
    var base1e19Chunks: [UInt64] {
        var x = [w0, w1, w2, w3]
        var chunks: [UInt64] = []
        chunks.reserveCapacity(5)
        for _ in 0..<5 {
            var r: UInt64 = 0
            for i in 0..<4 {
                let (q, rem) = Self.chunkBase.dividingFullWidth((high: r, low: x[i]))
                x[i] = q
                r = rem
            }
            chunks.append(r)
        }
        return chunks
    }

    /// The full sort key: the fraction's decimal places d₁…d₉₅ in five 19-digit chunks.
    var fractionKey: [UInt64] { base1e19Chunks.map(Self.reverse19) }

    /// The fraction's first nine decimal places d₁…d₉ as an integer below 10⁹ (`leadingDigits / 10¹⁰`),
    /// from the hash words with multiplications only: n mod 10⁹ is the words' residues weighted by
    /// 2⁶⁴ᵏ mod 10⁹ (each product below 10¹⁸, their sum below 2⁶⁴), then reversed. A candidate whose
    /// nine places exceed another's cannot precede it, which settles most comparisons in a matching
    /// without the 128-bit divisions of `init(words:)`.
    @inline(__always)
    static func leadingNineDigits(_ words: (UInt64, UInt64, UInt64, UInt64)) -> UInt64 {
        let m: UInt64 = 1_000_000_000
        // 2⁶⁴, 2¹²⁸ and 2¹⁹² mod 10⁹.
        let r = ((words.0 % m) &* 34_512_896 &+ (words.1 % m) &* 768_211_456 &+ (words.2 % m) &* 709_551_616 &+ words.3 % m) % m
        return reverseDigits(r, 9)
    }

    /// 10¹⁰: `leadingDigits / tenToTheTen` is `leadingNineDigits`.
    static let tenToTheTen: UInt64 = 10_000_000_000

    /// The integer whose 19-digit zero-padded decimal text is that of `x` (< 10¹⁹) reversed.
    @inline(__always)
    static func reverse19(_ x: UInt64) -> UInt64 { reverseDigits(x, 19) }

    /// The integer whose `count`-digit zero-padded decimal text is that of `x` (< 10^count) reversed.
    @inline(__always)
    static func reverseDigits(_ x: UInt64, _ count: Int) -> UInt64 {
        var x = x
        var r: UInt64 = 0
        for _ in 0..<count {
            r = r &* 10 &+ x % 10
            x /= 10
        }
        return r
    }

    /// The decimal places d₁d₂… as ASCII digits: exactly as many as Python prints,
    /// max(64, number of decimal digits of the hash).
    var fractionDigits: [UInt8] {
        var digits: [UInt8] = []
        digits.reserveCapacity(95)
        for chunk in base1e19Chunks {
            var c = chunk
            for _ in 0..<19 {
                digits.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: c % 10))
                c /= 10
            }
        }
        var length = digits.count
        while length > 64, digits[length - 1] == UInt8(ascii: "0") { length -= 1 }
        return Array(digits.prefix(length))
    }

    /// The ticket number exactly as Python's `sha256_uniform` returns it: `0.` followed by 64 to 78
    /// decimal digits.
    public var text: String {
        String(decoding: Array("0.".utf8) + fractionDigits, as: UTF8.self)
    }

    /// The ticket number as `sampler(..., digits:)` prints it: `trim(ticket_number, digits)`, i.e.
    /// truncated to `digits` decimal places after the initial run of 9s.
    public func trimmedText(digits: Int = 9) -> String {
        Self.trim(text, digits: digits)
    }

    /// Python's `trim(x, mantissa_display_length)` on a `0.ddd` string.
    static func trim(_ x: String, digits: Int) -> String {
        let chars = Array(x.utf8)
        var firstNon9 = chars.count // x + '0' has a non-9 at index chars.count
        var i = 2
        while i < chars.count {
            if chars[i] < UInt8(ascii: "9") { firstNon9 = i; break }
            i += 1
        }
        let keep = Swift.max(0, Swift.min(chars.count, firstNon9 + digits))
        return String(decoding: chars.prefix(keep), as: UTF8.self)
    }

    /// The ticket number text (`0.ddd…`).
    public var description: String { text }

    /// Orders as Python orders the ticket-number strings (see the proof at the top of this file).
    public static func < (lhs: TicketNumber, rhs: TicketNumber) -> Bool {
        if lhs.leadingDigits != rhs.leadingDigits { return lhs.leadingDigits < rhs.leadingDigits }
        if lhs == rhs { return false }
        return lhs.fractionKey.lexicographicallyPrecedes(rhs.fractionKey)
    }
}

/// One id's ticket in a draw: the id and its ticket number.
public struct Ticket: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id the ticket was computed for (its UTF-8 bytes are what is hashed).
    public let id: String
    /// The exact ticket number.
    public let value: TicketNumber

    /// Creates a ticket.
    public init(id: String, value: TicketNumber) {
        self.id = id
        self.value = value
    }

    /// The ticket number exactly as the Python prints `first_ticket(id, seed).ticket_number`.
    public var text: String { value.text }

    /// The ticket number as the Python's `sampler` output shows it (`digits` places after leading 9s).
    public func trimmedText(digits: Int = 9) -> String { value.trimmedText(digits: digits) }

    /// `<ticket number> <id>`.
    public var description: String { "\(text) \(id)" }

    /// Sampling order: ascending ticket number, then id by Unicode code points (as Python's tuples).
    public static func < (lhs: Ticket, rhs: Ticket) -> Bool {
        let l = lhs.value.leadingDigits, r = rhs.value.leadingDigits
        if l != r { return l < r }
        if lhs.value != rhs.value { return lhs.value < rhs.value }
        return lhs.id.utf8.lexicographicallyPrecedes(rhs.id.utf8)
    }

    /// Equal when the ticket numbers and the ids' exact UTF-8 bytes are equal (not canonical
    /// equivalence, which would disagree with the byte-wise hashing and ordering).
    public static func == (lhs: Ticket, rhs: Ticket) -> Bool {
        lhs.value == rhs.value && lhs.id.utf8.elementsEqual(rhs.id.utf8)
    }

    /// Hashes the ticket number and the id's UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(value)
        for byte in id.utf8 { hasher.combine(byte) }
    }
}

/// Rivest's consistent sampler without replacement (ron-rivest/consistent_sampler): every id gets
/// the ticket `sha256_uniform(sha256_hex(seed) + id)`; the sampling order is ascending ticket.
///
/// Filtering one order by any subset gives that subset's order, so one seed serves every class.
/// Ids must be distinct (the Python asserts it); a duplicated id simply gets the same ticket twice.
public struct ConsistentSampler: Sendable {
    /// The algorithm identifier recorded in draw commitments and the ledger.
    public static let algorithmVersion = "rivest-consistent-sampler/1 (sha256, without replacement)"

    /// The public seed, as text (Python's `str(seed)`: the seed 314159 is the text "314159").
    public let seed: String
    /// `sha256_hex(seed)`: 64 lowercase hex characters, the prefix of every ticket's hash input.
    public let seedHash: String
    /// The SHA-256 state after absorbing the 64 bytes of `seedHash` (exactly one block).
    private let midstate: SHA256Hasher

    /// A sampler for `seed`.
    public init(seed: String) {
        self.seed = seed
        let seedHash = SHA256.hex(seed)
        self.seedHash = seedHash
        var hasher = SHA256Hasher()
        hasher.update(seedHash)
        self.midstate = hasher
    }

    /// The ticket of `id`: Python's `first_fraction(id, seed)`.
    public func ticket(for id: String) -> Ticket {
        Ticket(id: id, value: TicketNumber(words: midstate.finalWords(appending: id)))
    }

    /// The hash state of every id that starts with `prefix`: the seed's midstate with `prefix`
    /// absorbed, to finish with the rest of each id (`TicketHasher.ticket(appending:)`).
    public func ticketHasher(prefix: String) -> TicketHasher {
        var hasher = midstate
        hasher.update(prefix)
        return TicketHasher(state: hasher)
    }

    /// Every id's ticket, in sampling order: ascending ticket number, ties by id. The first k
    /// tickets are the sample of size k.
    public func order(_ ids: some Sequence<String>) -> [Ticket] {
        var tickets: [Ticket] = []
        tickets.reserveCapacity(ids.underestimatedCount)
        for id in ids { tickets.append(ticket(for: id)) }
        // Sort small (primary key, index) pairs rather than the tickets themselves: moving
        // 16-byte trivial values is much cheaper than moving tickets holding Strings. A tie on the
        // 19-digit primary key falls back to the full ticket comparison.
        var keys: [(key: UInt64, index: Int)] = []
        keys.reserveCapacity(tickets.count)
        for (i, t) in tickets.enumerated() { keys.append((t.value.leadingDigits, i)) }
        tickets.withUnsafeBufferPointer { all in
            keys.sort { a, b in
                a.key != b.key ? a.key < b.key : all[a.index] < all[b.index]
            }
        }
        return keys.map { tickets[$0.index] }
    }

    /// The sampling order of `ids` as indices into `ids`: `order(ids)` without building tickets.
    public func orderIndices(_ ids: [String]) -> [Int] {
        // Sorted on the first nine decimal places (`TicketNumber.leadingNineDigits`: no 128-bit
        // division per id); two ids agreeing on them are compared by their exact ticket numbers,
        // made from the kept hash words, then by id.
        var words: [(UInt64, UInt64, UInt64, UInt64)] = []
        words.reserveCapacity(ids.count)
        var keys: [(key: UInt64, index: Int)] = []
        keys.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() {
            let w = midstate.finalWords(appending: id)
            words.append(w)
            keys.append((TicketNumber.leadingNineDigits(w), i))
        }
        words.withUnsafeBufferPointer { w in
            keys.sort { a, b in
                if a.key != b.key { return a.key < b.key }
                let x = TicketNumber(words: w[a.index]), y = TicketNumber(words: w[b.index])
                if x != y { return x < y }
                return ids[a.index].utf8.lexicographicallyPrecedes(ids[b.index].utf8)
            }
        }
        return keys.map(\.index)
    }

    /// The first `count` tickets of the sampling order of `ids` (all of them if there are fewer).
    public func sample(_ ids: some Sequence<String>, count: Int) -> [Ticket] {
        Array(order(ids).prefix(Swift.max(0, count)))
    }
}

/// A consistent sampler's hash state with the start of an id absorbed (`ConsistentSampler.ticketHasher(prefix:)`):
/// kept and reused for every id with that start, such as every `inspectorId|USCC` of one inspector.
public struct TicketHasher: Sendable {
    /// The SHA-256 state after the seed hash and the prefix.
    let state: SHA256Hasher

    /// The ticket number of the id `prefix + tail` (`tail` as UTF-8 bytes).
    public func ticket(appending tail: UnsafeRawBufferPointer) -> TicketNumber {
        TicketNumber(words: state.finalWords(appending: tail))
    }

    /// The hash of `prefix + tail` as four big-endian words (`TicketNumber(words:)` of them is
    /// `ticket(appending:)`).
    @inline(__always)
    func words(appending tail: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64, UInt64) {
        state.finalWords(appending: tail)
    }
}

extension SHA256Hasher {
    /// `finalWords(appending:)` of the UTF-8 bytes of `text` (read in place when contiguous).
    @inline(__always)
    func finalWords(appending text: String) -> (UInt64, UInt64, UInt64, UInt64) {
        if let words = text.utf8.withContiguousStorageIfAvailable({ finalWords(appending: UnsafeRawBufferPointer($0)) }) {
            return words
        }
        var copy = text
        return copy.withUTF8 { finalWords(appending: UnsafeRawBufferPointer($0)) }
    }

    /// `update(tail)` then `finalizeWords()`, on a copy: when the pending bytes, `tail` and the
    /// padding fit one block (a ticket: a midstate and a USCC), that block is written once and
    /// compressed, with no byte loops and no second copy of the hasher.
    @inline(__always)
    func finalWords(appending tail: UnsafeRawBufferPointer) -> (UInt64, UInt64, UInt64, UInt64) {
        let used = blockCount
        let n = tail.count
        guard used &+ n <= 55, n > 0, let source = tail.baseAddress else {
            var copy = self
            copy.update(tail)
            return copy.finalizeWords()
        }
        let bitLength = (totalLength &+ UInt64(n)) &* 8
        var pad = SHA256Block()
        let current = block
        withUnsafeMutableBytes(of: &pad) { p in
            guard let d = p.baseAddress else { return }
            withUnsafeBytes(of: current) { c in
                if let b = c.baseAddress, used > 0 { d.copyMemory(from: b, byteCount: used) }
            }
            (d + used).copyMemory(from: source, byteCount: n)
            p[used &+ n] = 0x80
            (d + 56).storeBytes(of: bitLength.bigEndian, as: UInt64.self)
        }
        var state = self.state
        withUnsafeBytes(of: pad) { bytes in
            guard let base = bytes.baseAddress else { return }
            if usesHardware {
                state.compressWithSHAExtensions(base, blocks: 1)
            } else {
                state.compress(bytes)
            }
        }
        return (
            UInt64(state.h0) << 32 | UInt64(state.h1),
            UInt64(state.h2) << 32 | UInt64(state.h3),
            UInt64(state.h4) << 32 | UInt64(state.h5),
            UInt64(state.h6) << 32 | UInt64(state.h7)
        )
    }
}
