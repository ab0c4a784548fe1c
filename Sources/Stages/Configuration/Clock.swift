public import Foundation
public import Pipeline

/// Where the current time comes from; tests pin it.
public struct Clock: Sendable {
    /// Returns the current instant.
    public var now: @Sendable () -> Date

    /// Creates a clock.
    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The system clock.
    public static let system = Clock { Date() }

    /// A clock stopped at one instant.
    public static func fixed(_ date: Date) -> Clock { Clock { date } }

    /// The system clock, or the instant in `SUIJI_NOW` (ISO 8601, e.g. 2024-01-02T22:00:00Z) so that
    /// tests and demos write the same timestamps, and see the same day, every time.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> Clock {
        guard let text = environment["SUIJI_NOW"], let date = try? Date(text, strategy: .iso8601) else { return .system }
        return .fixed(date)
    }

    /// Today: the clock's date in the local time zone.
    public func today() throws -> CivilDate {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: now())
        guard let date = CivilDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0) else {
            throw StoreError(path: "", Message(.clockUnknown))
        }
        return date
    }
}
