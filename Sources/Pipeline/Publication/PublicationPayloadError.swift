/// Why a payload could not be built or written.
public enum PublicationPayloadError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// A part of an identifier is malformed.
    case invalidIdentifierPart(String)
    /// The same entity appears twice among a round's inspections.
    case duplicateEntity(String)
    /// An inspection has no result for a matter.
    case noResult(uscc: String, matter: String)
    /// An inspection names a matter the task does not have.
    case unknownMatter(uscc: String, matter: String)
    /// A required text of the task block is empty.
    case missingText(field: String)
    /// An inspected entity cannot be published as given.
    case invalidEntity(uscc: String, reason: String)
    /// A text holds a character that XML 1.0 cannot represent.
    case notRepresentableInXML(field: String, scalar: UInt32)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case let .invalidIdentifierPart(message):
            "cannot form a publication id: \(message)"
        case let .missingText(field):
            "\(field) is empty; the payload requires it"
        case let .invalidEntity(uscc, reason):
            "entity '\(uscc)' cannot be published: \(reason)"
        case let .duplicateEntity(uscc):
            "entity \(uscc) has two results in the same round; keep one (a correction supersedes, it does not add)"
        case let .noResult(uscc, matter):
            "entity \(uscc) has no result for matter '\(matter)'; enter at least one result code"
        case let .unknownMatter(uscc, matter):
            "entity \(uscc) has a result for '\(matter)', which is not a matter of the task"
        case let .notRepresentableInXML(field, scalar):
            "\(field) contains U+\(String(scalar, radix: 16, uppercase: true)), which XML 1.0 cannot carry; correct the source data"
        }
    }
}

extension PublicationPayloadError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
