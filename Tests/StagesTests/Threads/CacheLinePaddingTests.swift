import Testing

@testable import Stages

/// The padding that ends objects handed between threads is two cache lines of room.
@Suite("CacheLinePadding")
struct CacheLinePaddingTests {
    @Test func thePaddingIsTwoCacheLines() {
        #expect(MemoryLayout<CacheLinePadding>.size == 128)
        #expect(MemoryLayout<CacheLinePadding>.stride == 128)
    }
}
