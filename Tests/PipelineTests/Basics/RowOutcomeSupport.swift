import Pipeline

/// A row's outcome as the tests compare it: the rejected field and the reason in English, or nil
/// when the row passed (the reason is a catalogue text, rendered as the rejects file writes it).
struct Rejected: Equatable, CustomStringConvertible {
    var field: String?
    var reason: String

    init(_ field: String?, _ reason: String) {
        self.field = field
        self.reason = reason
    }

    var description: String { "\(field ?? "-"): \(reason)" }
}

extension Result where Failure == RowRejection {
    /// The rejection in English, or nil.
    var rejected: Rejected? {
        guard case .failure(let rejection) = self else { return nil }
        return Rejected(rejection.field, rejection.reason)
    }
}
