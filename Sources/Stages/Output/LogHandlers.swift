// Log lines for the nightly run: readable text for a person, or one JSON object per line for a log
// collector (`--log-format json`, or `[log] format = "json"`). Both go to standard error, so standard
// output keeps only the run's summary.

public import Foundation
public import Logging
internal import Pipeline

/// A swift-log handler writing text or JSON lines to a file handle (standard error by default).
public struct SuijiLogHandler: LogHandler {
    /// The line format.
    public let format: Configuration.LogFormat
    /// The logger's label.
    public let label: String
    /// The clock for timestamps.
    public let clock: Clock
    /// Called before a line is written (clears a progress line on a terminal).
    public let beforeWrite: @Sendable () -> Void
    private let output: FileHandle

    /// The minimum level written.
    public var logLevel: Logger.Level
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]

    /// Creates a handler.
    public init(
        label: String, format: Configuration.LogFormat, level: Logger.Level, clock: Clock = .system,
        output: FileHandle = .standardError, beforeWrite: @escaping @Sendable () -> Void = {}
    ) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.clock = clock
        self.output = output
        self.beforeWrite = beforeWrite
    }

    /// Metadata by key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line = Self.line(
            format: format, timestamp: clock.now().storeTimestamp, level: event.level, label: label,
            message: event.message.description, metadata: merged)
        beforeWrite()
        output.write(Data((line + "\n").utf8))
    }

    /// The line for an event: `TIME LEVEL message key=value …`, or a JSON object with the keys
    /// `time`, `level`, `label`, `message` and every metadata key (sorted).
    public static func line(
        format: Configuration.LogFormat, timestamp: String, level: Logger.Level, label: String, message: String,
        metadata: Logger.Metadata
    ) -> String {
        let keys = metadata.keys.sorted()
        switch format {
        case .text:
            // Messages and values quote input (file names, reasons): no control character of it reaches the log raw.
            let pairs = keys.map { key in "\(key)=\(metadata[key].map { ControlCharacters.escaped("\($0)") } ?? "")" }
            return ([timestamp, level.rawValue, ControlCharacters.escaped(message)] + pairs).joined(separator: " ")
        case .json:
            var fields = [
                "\"time\":" + quoted(timestamp), "\"level\":" + quoted(level.rawValue), "\"label\":" + quoted(label),
                "\"message\":" + quoted(message),
            ]
            for key in keys where !["time", "level", "label", "message"].contains(key) {
                fields.append(quoted(key) + ":" + quoted(metadata[key].map { "\($0)" } ?? ""))
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal, escaped as the canonical JSON of commitments is.
    static func quoted(_ text: String) -> String { CanonicalJSON.string(text).canonicalText }
}
