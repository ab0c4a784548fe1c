import Foundation

/// Runs independent jobs (one per draw group) on every core, keeping the results in order.
package enum ParallelMap {
    /// `body(0..<count)` in parallel; the results in index order; the first error (by index) is thrown.
    package static func map<T>(_ count: Int, _ body: @Sendable (Int) throws -> T) throws -> [T] {
        // One future per job, fulfilled by the job; all are fulfilled when concurrentPerform returns.
        let results = (0..<count).map { _ in BlockingFuture<T>() }
        DispatchQueue.concurrentPerform(iterations: count) { i in
            results[i].fulfil(Result { try body(i) })
        }
        return try results.map { try $0.value() }
    }
}
