import Testing

@testable import Stages

/// The hot loops' buffer: values kept in order as it grows past its first capacity, forgotten by
/// removeAll with the memory kept.
@Suite("GrowingBuffer")
struct GrowingBufferTests {
    @Test func valuesStayInOrderAsTheBufferGrows() {
        var buffer = GrowingBuffer<Int32>()
        for value in 0..<1_500 { buffer.append(Int32(value)) }
        let more: [Int32] = [7, 8, 9]
        more.withUnsafeBufferPointer { buffer.append($0) }
        #expect(buffer.count == 1_503)
        #expect(buffer.withUnsafeBufferPointer { Array($0) } == (0..<1_500).map { Int32($0) } + more)
        #expect(buffer[1_024] == 1_024)
        #expect(Array(buffer.span(from: 1_023, count: 3)) == [1_023, 1_024, 1_025])
        buffer.removeAll()
        #expect(buffer.count == 0)
        buffer.append(42)
        #expect(buffer.withUnsafeBufferPointer { Array($0) } == [42])
    }

    @Test func anEmptyAppendAddsNothing() {
        var buffer = GrowingBuffer<UInt8>()
        let none: [UInt8] = []
        none.withUnsafeBufferPointer { buffer.append($0) }
        #expect(buffer.count == 0)
    }
}
