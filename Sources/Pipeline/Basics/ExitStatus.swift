/// The exit codes of every suiji command, in one place.
public enum ExitStatus: Int32, Sendable, Hashable, CaseIterable {
    /// Success.
    case success = 0
    /// A failure: a stage or the store failed.
    case failure = 1
    /// A dry run found changes (terraform's `-detailed-exitcode`).
    case changesFound = 2
    /// A usage error: bad arguments or configuration.
    case usage = 64
    /// Input data rejected, in whole or in part.
    case dataRejected = 65
    /// Another run holds the lock.
    case locked = 75
}
