import Foundation
import Testing

@testable import Stages

/// The error a test producer finishes with.
private struct ProducerFailed: Error, Equatable {
    var code: Int
}

@Suite("BlockingChannel")
struct BlockingChannelTests {
    @Test func elementsArriveInOrderAndTheChannelNeverHoldsMoreThanItsCapacity() throws {
        let channel = BlockingChannel<Int>(capacity: 3)
        let producer = BlockingFuture<Int>.detached(name: "producer") {
            var sent = 0
            for value in 0..<10_000 where channel.send(value) { sent += 1 }
            channel.finish()
            return sent
        }
        var received: [Int] = []
        var most = 0
        while let value = try channel.receive() {
            received.append(value)
            most = max(most, channel.count)
        }
        #expect(received == Array(0..<10_000))
        #expect(most <= 3)
        #expect(try producer.value() == 10_000)
        #expect(try channel.receive() == nil)
    }

    @Test func theProducersErrorComesAfterItsElementsAndStays() throws {
        let channel = BlockingChannel<String>(capacity: 2)
        #expect(channel.send("a"))
        #expect(channel.send("b"))
        channel.finish(throwing: ProducerFailed(code: 7))
        channel.finish() // only the first finish counts
        #expect(try channel.receive() == "a")
        #expect(try channel.receive() == "b")
        #expect(throws: ProducerFailed(code: 7)) { try channel.receive() }
        #expect(throws: ProducerFailed(code: 7)) { try channel.receive() }
    }

    @Test func aConsumerThatCancelsLetsAWaitingProducerGo() throws {
        let channel = BlockingChannel<Int>(capacity: 1)
        // The producer sends until the channel refuses: only a cancel can make it refuse.
        let producer = BlockingFuture<Int>.detached(name: "producer") {
            var sent = 0
            while sent < 1_000_000, channel.send(sent) { sent += 1 }
            channel.finish()
            return sent
        }
        #expect(try channel.receive() == 0)
        channel.cancel()
        channel.waitUntilFinished()
        let sent = try producer.value()
        #expect(sent >= 1 && sent < 1_000_000)
        #expect(channel.count == 0)
        #expect(!channel.send(1))
        #expect(try channel.receive() == nil)
    }

    /// `receiveAll` takes everything waiting at once, says when the producer has finished, waits
    /// only when asked, and throws the producer's error after its elements; a channel of `Int.max`
    /// never makes its producer wait.
    @Test func receiveAllTakesWhatIsWaitingAndTheEnd() throws {
        let channel = BlockingChannel<Int>(capacity: Int.max)
        let nothing = try channel.receiveAll(waiting: false)
        #expect(nothing.elements == [] && !nothing.finished)
        for value in 0..<5_000 { #expect(channel.send(value)) }
        let first = try channel.receiveAll(waiting: false)
        #expect(first.elements == Array(0..<5_000) && !first.finished)
        let producer = BlockingFuture<Bool>.detached(name: "producer") {
            let sent = channel.send(5_000)
            channel.finish()
            return sent
        }
        var received: [Int] = []
        var finished = false
        while !finished {
            let (elements, done) = try channel.receiveAll(waiting: true)
            received += elements
            finished = done
        }
        #expect(received == [5_000])
        #expect(try producer.value())
        #expect(try channel.receiveAll(waiting: true).finished)

        let failing = BlockingChannel<Int>(capacity: Int.max)
        #expect(failing.send(1))
        failing.finish(throwing: ProducerFailed(code: 3))
        let last = try failing.receiveAll(waiting: true)
        #expect(last.elements == [1] && last.finished)
        #expect(throws: ProducerFailed(code: 3)) { try failing.receiveAll(waiting: false) }
    }
}

@Suite("BlockingFuture")
struct BlockingFutureTests {
    @Test func everyWaiterGetsTheFirstValue() throws {
        let future = BlockingFuture<Int>()
        #expect(!future.isFulfilled)
        let waiters = (0..<4).map { index in BlockingFuture<Int>.detached(name: "waiter \(index)") { try future.value() } }
        future.fulfil(.success(42))
        future.fulfil(.success(7)) // ignored: the outcome is set once
        #expect(try waiters.map { try $0.value() } == [42, 42, 42, 42])
        #expect(try future.value() == 42)
        #expect(future.isFulfilled)
    }

    @Test func aDetachedFutureCarriesItsError() {
        let future = BlockingFuture<Int>.detached(name: "failing") { throw ProducerFailed(code: 3) }
        #expect(throws: ProducerFailed(code: 3)) { try future.value() }
        #expect(throws: ProducerFailed(code: 3)) { try future.value() }
    }
}
