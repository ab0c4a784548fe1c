// Why this exists: an object one thread fills while another thread writes the object just before
// it in memory. Swift counts references in an object's first bytes; when the previous object's last
// fields share that cache line, every retain and release of the object waits for the line to come
// back from the other core. The register import allocates a write batch and then the batch's row
// encoder, one after another, so batch N+1's count sat beside batch N's encoder, which the store's
// thread writes while the reading thread retains and releases batch N+1 for each row. That one
// release took 120 of the reading thread's 2,071 samples (`perf record` of a first import of
// 1,000,000 rows from CSV); with the padding, 22 of 1,887. Objects handed between threads end with it.
//
// Not a library's: the Swift runtime has no aligned allocation for class instances, and the one
// thing needed is room, not alignment: 128 bytes (two lines, as the adjacent-line prefetcher
// fetches them) after an object's last field keep the next object's count off its lines.

/// Room at the end of an object whose fields another thread writes, so that the object allocated
/// next has its reference count on cache lines of its own.
struct CacheLinePadding {
    private var bytes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var more: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)

    /// Empty room.
    init() {}
}
