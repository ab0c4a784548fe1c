// Why this exists: growing buffers of plain values that the import's hot loops append to and read
// without reference counting. See the comment at the type.

// Hand-written rather than an Array: the held rows are copied and encoded in about fifteen
// appends a row, and Array's append checked uniqueness and capacity and retained its storage on
// each (with them, holding rows cost as much as the hashing it saves, on a 1% re-import of 1,000,000 rows).
// A write batch's values go the same way (`RegisterWriteBatch`: 13 appends a row to two buffers),
// and so do the XML node stream's parsed nodes (`XMLNodeStream`: about fourteen a record).
/// A buffer of trivial values that only grows; its memory is freed with it.
struct GrowingBuffer<Element: BitwiseCopyable>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>
    private var capacity: Int
    /// The values held.
    private(set) var count = 0

    init() {
        capacity = 1024
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Appends one value.
    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = value
        count += 1
    }

    /// Appends values.
    @inline(__always)
    mutating func append(_ values: UnsafeBufferPointer<Element>) {
        guard let source = values.baseAddress, !values.isEmpty else { return }
        if count + values.count > capacity { grow(to: count + values.count) }
        (base + count).update(from: source, count: values.count)
        count += values.count
    }

    /// Forgets the values, keeping the memory.
    mutating func removeAll() { count = 0 }

    /// The values from `start`, valid until the next append.
    func span(from start: Int, count: Int) -> UnsafeBufferPointer<Element> {
        UnsafeBufferPointer(start: base + start, count: count)
    }

    /// The value at `index` (below ``count``).
    @inline(__always)
    subscript(index: Int) -> Element { base[index] }

    /// Calls `body` with the values held, valid until the next append.
    func withUnsafeBufferPointer<Result>(_ body: (UnsafeBufferPointer<Element>) throws -> Result) rethrows -> Result {
        try body(UnsafeBufferPointer(start: base, count: count))
    }

    private mutating func grow(to needed: Int) {
        var size = capacity * 2
        while size < needed { size *= 2 }
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: size)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = size
    }
}
