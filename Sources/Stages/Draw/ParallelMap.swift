import Foundation

/// Runs independent jobs (one per draw group) on every core, keeping the results in order.
package enum ParallelMap {
    private final class Results<T>: @unchecked Sendable {
        let lock = NSLock()
        var values: [Result<T, any Error>?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
    }

    /// `body(0..<count)` in parallel; the results in index order; the first error (by index) is thrown.
    package static func map<T>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        let results = Results<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let r = Result { try body(i) }
            results.lock.lock()
            results.values[i] = r
            results.lock.unlock()
        }
        return try results.values.map { r in
            guard let r else { throw DrawStoreError(.failure, "a parallel job did not finish") }
            return try r.get()
        }
    }
}
