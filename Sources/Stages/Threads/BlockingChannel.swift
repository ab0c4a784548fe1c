// The one way work is handed between threads: a bounded blocking channel and a future.
//
// A CSV or TSV file's chunks are read and decoded on a thread of its own (`DelimitedFileReader`),
// the XML reading thread hands row batches to the import (`XMLRowPump`), the draw runs its groups
// on every core (`ParallelMap`), the register import hands write batches from its reading thread to
// the store's (`RegisterWritePipe`), and a workbook's sheet is inflated (`XLSXInflater.parse`) and
// parsed (`XLSXRowPump`) on threads of their own. They all block a thread until the other side is
// ready, and they all had their own lock, condition and end-of-stream rules; this file is the one
// copy of those rules.
//
// Why ours and not a library's: these producers and consumers are plain threads that must block
// (libxml2's read callback, SQLite's writes on the store's queue, `DispatchQueue.concurrentPerform`).
// swift-async-algorithms' `AsyncChannel` is async/await: each hand-over from a thread would need a
// `Task` and a semaphore to bridge back, and it holds no buffer (every `send` waits for a `next`),
// while the import wants a few batches in flight so that reading and writing overlap. Foundation
// has the lock and condition (`NSCondition`) but no channel or future; swift-nio's futures run on
// event loops. What is left is about a hundred lines over one `NSCondition` each.

internal import Foundation

/// A first-in, first-out queue of at most `capacity` elements between a producer thread and a
/// consumer thread, each of which waits when it must.
///
/// The producer `send`s elements, waiting while the queue is full, and ends with `finish`, with or
/// without an error. The consumer `receive`s them in order, waiting while the queue is empty: nil
/// after the producer finished without an error, the producer's error (again on every call) after
/// it finished with one. A consumer that gives up `cancel`s: every `send` then returns false at
/// once (also one already waiting), and `waitUntilFinished` waits for the producer to notice and finish.
///
/// An element sent belongs to the consumer: the producer must not touch it again (the channel
/// moves elements between threads without requiring them to be `Sendable`, as row batches holding
/// errors are not).
final class BlockingChannel<Element>: @unchecked Sendable {
    /// The most elements waiting.
    let capacity: Int

    private let condition = NSCondition()
    // Guarded by `condition`.
    private var queue: [Element] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false

    /// A channel holding at most `capacity` elements (at least 1; `Int.max`: a producer that never waits).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
        queue.reserveCapacity(min(self.capacity, 64))
    }

    /// Queues `element`, waiting while the channel is full; false (and not queued) once the
    /// consumer has cancelled.
    func send(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(element)
        condition.broadcast()
        return true
    }

    /// The producer is done: after the queued elements the consumer gets nil, or `error`.
    /// Only the first call counts.
    func finish(throwing error: (any Error)? = nil) {
        condition.lock()
        defer { condition.unlock() }
        guard !finished else { return }
        finished = true
        failure = error
        condition.broadcast()
    }

    /// The next element, waiting for it; nil once the producer has finished and every element was
    /// received.
    ///
    /// - Throws: the error the producer finished with, once every element before it was received.
    func receive() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        guard queue.isEmpty else {
            condition.broadcast()
            return queue.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Every element waiting, in order (none if none is), and whether the producer has finished
    /// (after them); with `waiting`, waits until there is an element or the producer has finished.
    ///
    /// - Throws: the error the producer finished with, once every element before it was received.
    func receiveAll(waiting: Bool) throws -> (elements: [Element], finished: Bool) {
        condition.lock()
        defer { condition.unlock() }
        while waiting && queue.isEmpty && !finished { condition.wait() }
        guard queue.isEmpty else {
            var elements: [Element] = []
            swap(&elements, &queue)
            condition.broadcast()
            return (elements, finished)
        }
        if finished, let failure { throw failure }
        return ([], finished)
    }

    /// The consumer gives up: elements waiting are dropped, and `send` returns false from now on.
    func cancel() {
        condition.lock()
        defer { condition.unlock() }
        cancelled = true
        queue.removeAll()
        condition.broadcast()
    }

    /// Waits until the producer has called `finish` (after `cancel`, a producer waiting in `send`
    /// is let go, so this returns once it has wound up).
    func waitUntilFinished() {
        condition.lock()
        defer { condition.unlock() }
        while !finished { condition.wait() }
    }

    /// Elements waiting now (a side that alone receives, or alone sends, may look before it does, so as never to wait).
    var count: Int { condition.withLock { queue.count } }

    /// A channel of `capacity` that `producer` fills on a new thread named `name`; the producer
    /// finishes it, and the consumer cancels it to stop the thread early.
    static func filled(
        capacity: Int, byThreadNamed name: String, _ producer: @escaping @Sendable (BlockingChannel<Element>) -> Void
    ) -> BlockingChannel<Element> {
        let channel = BlockingChannel<Element>(capacity: capacity)
        _ = BlockingFuture<Void>.detached(name: name) { producer(channel) }
        return channel
    }
}

/// A value that one thread provides and others wait for: the outcome of work done elsewhere.
///
/// `fulfil` sets the outcome once (later calls are ignored); `value()` waits until it is set and
/// returns it, to any number of callers, any number of times. `detached` runs a closure on a
/// thread of its own and fulfils the future with what it returns or throws.
final class BlockingFuture<Value>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var outcome: Result<Value, any Error>?

    /// A future not yet fulfilled.
    init() {}

    /// Sets the outcome, if it is not set yet, and wakes every waiter.
    func fulfil(_ result: Result<Value, any Error>) {
        condition.lock()
        defer { condition.unlock() }
        guard outcome == nil else { return }
        outcome = result
        condition.broadcast()
    }

    /// Waits for the outcome; the value, or the error rethrown.
    func value() throws -> Value {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let outcome { return try outcome.get() }
            condition.wait()
        }
    }

    /// Whether the outcome is set (it never unsets).
    var isFulfilled: Bool { condition.withLock { outcome != nil } }

    /// Runs `body` on a new thread named `name`; the future of its result.
    static func detached(name: String, _ body: @escaping @Sendable () throws -> Value) -> BlockingFuture<Value> {
        let future = BlockingFuture<Value>()
        let thread = Thread { future.fulfil(Result { try body() }) }
        thread.name = name
        thread.start()
        return future
    }
}
