// What a publication would change on GSXT, computed before anything is published (a dry run, like
// `terraform plan`): records to add, records whose content changed (with every field that
// differs), and published records to withdraw.
//
// The comparison is by content hash: a record whose canonical JSON hashes to the ledger's last
// `content_sha256` is unchanged, whatever else happened. Field-level differences are then read from
// the ledger's stored `payload_json`. The ledger is ours and append-only, so a stored text that does
// not hash to its stored hash means tampering or corruption: that stops the run.
//
// Scope: the published states passed in define what may be withdrawn. Pass the ledger states of the
// task rounds being published, not the whole ledger, or every other task's records would be
// proposed for withdrawal.

/// The ledger's vocabulary for what a publication did to a record.
public enum PublicationAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// First publication of the record.
    case add
    /// Republication with changed content.
    case change
    /// Removal from GSXT.
    case withdraw
}

/// The last publication ledger entry of one record key.
public struct PublishedRecordState: Sendable, Hashable, Codable {
    /// The record key.
    public var recordID: String
    /// The entity's USCC.
    public var uscc: String
    /// The last action taken; after `withdraw` the record is not on GSXT.
    public var action: PublicationAction
    /// The `content_sha256` of that entry (nil after a withdrawal).
    public var contentSHA256: String?
    /// The `payload_json` of that entry (nil after a withdrawal).
    public var payloadJSON: String?

    /// Creates a state.
    public init(recordID: String, uscc: String, action: PublicationAction, contentSHA256: String?, payloadJSON: String?) {
        self.recordID = recordID
        self.uscc = uscc
        self.action = action
        self.contentSHA256 = contentSHA256
        self.payloadJSON = payloadJSON
    }

    /// The state after publishing `record` with `action`.
    public init(publishing record: LedgerRecord, action: PublicationAction) {
        self.init(recordID: record.id, uscc: record.uscc, action: action, contentSHA256: record.sha256, payloadJSON: record.json)
    }
}

/// One field that differs between the published and the proposed content of a record.
public struct FieldChange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The path in the record, `.` between keys and 0-based `[i]` for array positions, e.g. `details[1].raninsCheckResName`.
    public var path: String
    /// The published value as compact JSON, or nil if the field is new.
    public var old: String?
    /// The proposed value as compact JSON, or nil if the field is gone.
    public var new: String?

    /// Creates a field change.
    public init(path: String, old: String?, new: String?) {
        self.path = path
        self.old = old
        self.new = new
    }

    /// `details[1].raninsCheckResName: "未发现问题" → "发现问题经责令已改正"` (`(none)` for a missing side).
    public var description: String { description(absent: "(none)") }

    /// The same line with `absent` for a missing side (the word of the language in force).
    public func description(absent: String) -> String { "\(path): \(old ?? absent) → \(new ?? absent)" }

    private enum CodingKeys: String, CodingKey { case path, old, new }

    /// Encodes with explicit nulls, so that consumers see every key.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(old, forKey: .old)
        try c.encode(new, forKey: .new)
    }
}

/// The changes a publication would make, against the publication ledger.
public struct PublicationDiff: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A record not on GSXT yet (never published, or withdrawn before).
    public struct Addition: Sendable, Hashable, Codable {
        /// The record key.
        public var id: String
        /// The entity's USCC.
        public var uscc: String
        /// The hash of the content to publish.
        public var contentSHA256: String

        /// Creates an addition.
        public init(id: String, uscc: String, contentSHA256: String) {
            self.id = id
            self.uscc = uscc
            self.contentSHA256 = contentSHA256
        }
    }

    /// A published record whose content would change.
    public struct Change: Sendable, Hashable, Codable {
        /// The record key.
        public var id: String
        /// The entity's USCC.
        public var uscc: String
        /// The hash on record in the ledger.
        public var previousSHA256: String
        /// The hash of the content to publish.
        public var contentSHA256: String
        /// Every differing field, in path order.
        public var fields: [FieldChange]

        /// Creates a change.
        public init(id: String, uscc: String, previousSHA256: String, contentSHA256: String, fields: [FieldChange]) {
            self.id = id
            self.uscc = uscc
            self.previousSHA256 = previousSHA256
            self.contentSHA256 = contentSHA256
            self.fields = fields
        }
    }

    /// A published record that the publication no longer contains.
    public struct Withdrawal: Sendable, Hashable, Codable {
        /// The record key.
        public var id: String
        /// The entity's USCC.
        public var uscc: String
        /// The hash on record in the ledger.
        public var previousSHA256: String

        /// Creates a withdrawal.
        public init(id: String, uscc: String, previousSHA256: String) {
            self.id = id
            self.uscc = uscc
            self.previousSHA256 = previousSHA256
        }
    }

    /// The counts of each kind.
    public struct Summary: Sendable, Hashable, Codable {
        /// Records to add.
        public var added: Int
        /// Records to change.
        public var changed: Int
        /// Records to withdraw.
        public var withdrawn: Int
        /// Records already published with the same content.
        public var unchanged: Int

        /// Creates a summary.
        public init(added: Int, changed: Int, withdrawn: Int, unchanged: Int) {
            self.added = added
            self.changed = changed
            self.withdrawn = withdrawn
            self.unchanged = unchanged
        }
    }

    /// The counts.
    public var summary: Summary
    /// Records to add, by id.
    public var added: [Addition]
    /// Records to change, by id.
    public var changed: [Change]
    /// Records to withdraw, by id.
    public var withdrawn: [Withdrawal]
    /// Ids of records already published as proposed.
    public var unchanged: [String]

    /// Compares the records a publication would produce with the ledger's last state of each key.
    ///
    /// Throws for duplicate ids on either side, and for a ledger entry whose stored JSON is missing,
    /// unreadable or does not hash to its stored hash.
    public init(proposed: [LedgerRecord], published: [PublishedRecordState]) throws(PublicationDiffError) {
        var current: [String: PublishedRecordState] = [:]
        for state in published {
            guard current.updateValue(state, forKey: state.recordID) == nil else {
                throw .duplicateRecord(state.recordID, side: "ledger")
            }
        }
        var proposedIDs: Set<String> = []
        var added: [Addition] = []
        var changed: [Change] = []
        var unchanged: [String] = []
        for record in proposed {
            guard proposedIDs.insert(record.id).inserted else { throw .duplicateRecord(record.id, side: "publication") }
            guard let state = current[record.id], state.action != .withdraw else {
                added.append(Addition(id: record.id, uscc: record.uscc, contentSHA256: record.sha256))
                continue
            }
            let oldHash = try Self.verifiedHash(of: state)
            if oldHash == record.sha256 {
                unchanged.append(record.id)
            } else {
                // Only a changed record's stored content is parsed, for its field differences.
                var fields: [FieldChange] = []
                Self.compare(try Self.content(of: state), record.content, path: "", into: &fields)
                changed.append(
                    Change(id: record.id, uscc: record.uscc, previousSHA256: oldHash, contentSHA256: record.sha256, fields: fields))
            }
        }
        var withdrawn: [Withdrawal] = []
        for state in current.values where state.action != .withdraw && !proposedIDs.contains(state.recordID) {
            withdrawn.append(Withdrawal(id: state.recordID, uscc: state.uscc, previousSHA256: try Self.verifiedHash(of: state)))
        }
        let byID: (String, String) -> Bool = { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.added = added.sorted { byID($0.id, $1.id) }
        self.changed = changed.sorted { byID($0.id, $1.id) }
        self.withdrawn = withdrawn.sorted { byID($0.id, $1.id) }
        self.unchanged = unchanged.sorted(by: byID)
        self.summary = Summary(added: added.count, changed: changed.count, withdrawn: withdrawn.count, unchanged: unchanged.count)
    }

    /// True if publishing would change nothing on GSXT.
    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && withdrawn.isEmpty }

    /// A summary line, then `+ id`, `~ id` with indented field changes, `- id`, one per line.
    public var description: String {
        var lines = [
            "\(summary.added) to add, \(summary.changed) to change, \(summary.withdrawn) to withdraw, \(summary.unchanged) unchanged"
        ]
        for addition in added { lines.append("+ \(addition.id)") }
        for change in changed {
            lines.append("~ \(change.id)")
            for field in change.fields { lines.append("    \(field)") }
        }
        for withdrawal in withdrawn { lines.append("- \(withdrawal.id)") }
        return lines.joined(separator: "\n")
    }

    /// The stored hash of a ledger entry, after checking that its stored content still has it.
    private static func verifiedHash(of state: PublishedRecordState) throws(PublicationDiffError) -> String {
        guard let json = state.payloadJSON, let hash = state.contentSHA256 else {
            throw .ledgerContentMissing(state.recordID)
        }
        guard SHA256.hex(json) == hash else { throw .ledgerHashMismatch(state.recordID) }
        return hash
    }

    /// The stored content of a ledger entry (checked by ``verifiedHash(of:)`` first), parsed.
    private static func content(of state: PublishedRecordState) throws(PublicationDiffError) -> CanonicalJSON {
        do {
            return try CanonicalJSON.parse((state.payloadJSON ?? "").utf8)
        } catch {
            throw .ledgerContentUnreadable(state.recordID, error.description)
        }
    }

    /// Appends every difference between `old` and `new` below `path`: objects key by key (sorted),
    /// arrays position by position, anything else as a whole.
    static func compare(_ old: CanonicalJSON?, _ new: CanonicalJSON?, path: String, into changes: inout [FieldChange]) {
        switch (old, new) {
        case let (.object(a)?, .object(b)?):
            let keys = CanonicalJSON.sortedKeys(a.merging(b) { first, _ in first })
            for key in keys {
                compare(a[key], b[key], path: path.isEmpty ? key : "\(path).\(key)", into: &changes)
            }
        case let (.array(a)?, .array(b)?):
            for index in 0..<max(a.count, b.count) {
                compare(index < a.count ? a[index] : nil, index < b.count ? b[index] : nil, path: "\(path)[\(index)]", into: &changes)
            }
        default:
            if old != new {
                changes.append(FieldChange(path: path, old: old?.compactText, new: new?.compactText))
            }
        }
    }
}

/// Why a publication diff could not be computed.
public enum PublicationDiffError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The same record id twice on one side (`publication` or `ledger`).
    case duplicateRecord(String, side: String)
    /// A published ledger entry has no stored content or hash.
    case ledgerContentMissing(String)
    /// A ledger entry's stored JSON does not hash to its stored hash.
    case ledgerHashMismatch(String)
    /// A ledger entry's stored JSON cannot be read.
    case ledgerContentUnreadable(String, String)

    /// What went wrong and what to do, in English.
    public var description: String { text.english }

    /// What went wrong and what to do: a catalogue text.
    public var text: Message {
        switch self {
        case let .duplicateRecord(id, side): Message(.diffDuplicateRecord, ["id": id, "side": side])
        case let .ledgerContentMissing(id): Message(.diffLedgerMissing, ["id": id])
        case let .ledgerHashMismatch(id): Message(.diffLedgerMismatch, ["id": id])
        case let .ledgerContentUnreadable(id, reason): Message(.diffLedgerUnreadable, ["id": id, "reason": reason])
        }
    }
}

extension PublicationDiffError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
