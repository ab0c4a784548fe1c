import Foundation

/// A progress line on a terminal: rewritten in place, cleared before a log line or the summary.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    /// Shows `text` (or clears the line for nil).
    func show(_ text: String?) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        guard let text else {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            shown = false
            return
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
        shown = true
    }

    /// Clears the line if one is shown.
    func clear() { show(nil) }
}
