// Compiled only in a testing configuration: `SUIJI_TESTING` is defined for debug builds (Package.swift),
// which `swift test` builds and runs; a release build has no fault injection at all and ignores
// SUIJI_KILL_AT and SUIJI_STOP_AT.
#if SUIJI_TESTING
import Foundation

/// Fault injection for the tests: `SUIJI_KILL_AT=point` or `point#n` sends this process SIGKILL the
/// n-th time (default first) the run reaches that point; `SUIJI_STOP_AT` sends SIGSTOP instead (the
/// lock test holds a run there). Unset, it does nothing. Points: locked, importing, file-imported,
/// file-journaled, file-moved, prepared, drawn, published, report-written; and `suiji import` into
/// PostgreSQL's (`PostgresRegisterImporter.KillPoint`): pg-locked, pg-copying, pg-before-commit, pg-committed.
enum FaultInjection {
    static func fromEnvironment() -> (String) -> Void {
        let environment = ProcessInfo.processInfo.environment
        let hooks = [("SUIJI_KILL_AT", SIGKILL), ("SUIJI_STOP_AT", SIGSTOP)].compactMap { name, signal -> ((String) -> Void)? in
            guard let spec = environment[name], !spec.isEmpty else { return nil }
            let parts = spec.split(separator: "#", maxSplits: 1)
            let point = String(parts[0])
            let target = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
            let counter = Counter()
            return { reached in
                if reached == point, counter.next() == target { kill(getpid(), signal) }
            }
        }
        return { reached in for hook in hooks { hook(reached) } }
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }
}
#endif
