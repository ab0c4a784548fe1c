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
    /// A setup error (sysexits' EX_CONFIG): no configuration, or one that lacks what the command needs;
    /// a store, inbox or calendar the command reads that is not there.
    case configuration = 78
}

extension ExitStatus {
    /// How every dry run ends, the one rule for all of them: 65 when any input was rejected, else 2 when
    /// the run would change something (terraform's `-detailed-exitcode`), else 0.
    public static func dryRun(rejected: Bool, wouldChange: Bool) -> ExitStatus {
        rejected ? .dataRejected : wouldChange ? .changesFound : .success
    }
}
