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

    /// What went wrong and what to do, in English.
    public var description: String { text.english }

    /// What went wrong and what to do: a catalogue text.
    public var text: Message {
        switch self {
        case let .invalidIdentifierPart(message): Message(.payloadIdentifier, ["reason": message])
        case let .missingText(field): Message(.payloadMissingText, ["field": field])
        case let .invalidEntity(uscc, reason): Message(.payloadInvalidEntity, ["uscc": uscc, "reason": reason])
        case let .duplicateEntity(uscc): Message(.payloadDuplicateEntity, ["uscc": uscc])
        case let .noResult(uscc, matter): Message(.payloadNoResult, ["uscc": uscc, "matter": matter])
        case let .unknownMatter(uscc, matter): Message(.payloadUnknownMatter, ["uscc": uscc, "matter": matter])
        case let .notRepresentableInXML(field, scalar):
            Message(.payloadNotXML, ["field": field, "code": String(scalar, radix: 16, uppercase: true)])
        }
    }
}

extension PublicationPayloadError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
