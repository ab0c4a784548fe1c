// Inspector registers (执法人员名录) and the avoidance (回避) list: the rows behind the second 随机.

/// The canonical fields of an inspector register, in the order of the rejects file.
public enum InspectorField: String, Sendable, Hashable, Codable, CaseIterable {
    /// 执法证号: the inspector's enforcement-certificate number, unique within a department.
    case inspectorID = "inspector_id"
    /// 姓名.
    case name
    /// 状态: 在岗 or empty means active; anything else (离岗, 停用, 调离, …) inactive.
    case status
    /// 执法领域 (optional, free text).
    case areas

    /// The fields that must be present and non-empty.
    public static let required: [InspectorField] = [.inspectorID, .name]
}

/// One validated row of an inspector register.
public struct InspectorRecord: Sendable, Hashable, Codable {
    /// 执法证号.
    public var inspectorID: String
    /// 姓名.
    public var name: String
    /// 状态 as written (nil when empty).
    public var status: String?
    /// True when the status is 在岗 or empty.
    public var active: Bool
    /// 执法领域.
    public var areas: String?

    /// Creates a record.
    public init(inspectorID: String, name: String, status: String?, active: Bool, areas: String?) {
        self.inspectorID = inspectorID
        self.name = name
        self.status = status
        self.active = active
        self.areas = areas
    }
}

/// Checks inspector rows: required fields, one line each, ids unique within the file.
public struct InspectorRowValidator: Sendable {
    /// The statuses that mean active.
    public static let activeStatuses: Set<String> = ["在岗"]
    /// Longest accepted 执法证号, in characters.
    public static let maxIDLength = 40

    private var firstLineOfID: [String: Int] = [:]

    /// Creates a validator for one file.
    public init() {}

    /// Validates one row given as values in `InspectorField.allCases` order (nil = column absent).
    public mutating func validate(_ values: [String?], line: Int) -> Result<InspectorRecord, RowRejection> {
        func text(_ field: InspectorField) -> String? {
            guard let index = InspectorField.allCases.firstIndex(of: field), index < values.count, let raw = values[index] else {
                return nil
            }
            let trimmed = raw.trimmingWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        if let rejection = RowRejection.controlCharacter(in: values, fields: InspectorField.allCases.map(\.rawValue)) {
            return .failure(rejection)
        }
        for field in InspectorField.required where text(field) == nil {
            return .failure(.empty(field.rawValue))
        }
        let id = text(.inspectorID) ?? ""
        if id.contains(where: { $0.isNewline }) || id.count > Self.maxIDLength {
            return .failure(
                RowRejection(
                    fieldName: "inspector_id", Message(.rowInspectorID, ["id": id, "max": "\(Self.maxIDLength)"])))
        }
        let name = text(.name) ?? ""
        if name.contains(where: { $0.isNewline }) {
            return .failure(RowRejection(fieldName: "name", Message(.rowNameLineBreak)))
        }
        if let first = firstLineOfID[id] {
            return .failure(.repeated(Message(.subjectInspector, ["id": id]), field: "inspector_id", firstLine: first))
        }
        firstLineOfID[id] = line
        let status = text(.status)
        let active = status.map { Self.activeStatuses.contains($0) } ?? true
        return .success(InspectorRecord(inspectorID: id, name: name, status: status, active: active, areas: text(.areas)))
    }
}

/// The canonical fields of the avoidance list.
public enum AvoidanceField: String, Sendable, Hashable, Codable, CaseIterable {
    /// 执法证号 of the inspector who must recuse.
    case inspectorID = "inspector_id"
    /// 统一社会信用代码 of the entity.
    case uscc
    /// 回避原因 (optional).
    case reason

    /// The fields that must be present and non-empty.
    public static let required: [AvoidanceField] = [.inspectorID, .uscc]
}

/// One validated avoidance pair: this inspector never inspects this entity.
public struct AvoidanceRecord: Sendable, Hashable, Codable {
    /// 执法证号.
    public var inspectorID: String
    /// The entity's USCC, validated.
    public var uscc: String
    /// 回避原因.
    public var reason: String?

    /// Creates a pair.
    public init(inspectorID: String, uscc: String, reason: String?) {
        self.inspectorID = inspectorID
        self.uscc = uscc
        self.reason = reason
    }
}

/// Checks avoidance rows: an inspector id, a valid USCC, pairs unique within the file.
public struct AvoidanceRowValidator: Sendable {
    private var firstLineOfPair: [String: Int] = [:]

    /// Creates a validator for one file.
    public init() {}

    /// Validates one row given as values in `AvoidanceField.allCases` order (nil = column absent).
    public mutating func validate(_ values: [String?], line: Int) -> Result<AvoidanceRecord, RowRejection> {
        func text(_ field: AvoidanceField) -> String? {
            guard let index = AvoidanceField.allCases.firstIndex(of: field), index < values.count, let raw = values[index] else {
                return nil
            }
            let trimmed = raw.trimmingWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        if let rejection = RowRejection.controlCharacter(in: values, fields: AvoidanceField.allCases.map(\.rawValue)) {
            return .failure(rejection)
        }
        for field in AvoidanceField.required where text(field) == nil {
            return .failure(.empty(field.rawValue))
        }
        let id = text(.inspectorID) ?? ""
        if id.contains(where: { $0.isNewline }) || id.count > InspectorRowValidator.maxIDLength {
            return .failure(
                RowRejection(
                    fieldName: "inspector_id",
                    Message(.rowInspectorID, ["id": id, "max": "\(InspectorRowValidator.maxIDLength)"])))
        }
        let uscc = text(.uscc) ?? ""
        if case .failure(let problem) = USCC.validate(uscc) {
            return .failure(RowRejection(fieldName: "uscc", problem.text))
        }
        let key = id + "|" + uscc
        if let first = firstLineOfPair[key] {
            return .failure(.repeated(Message(.subjectPair, ["id": id, "uscc": uscc]), field: "uscc", firstLine: first))
        }
        firstLineOfPair[key] = line
        return .success(AvoidanceRecord(inspectorID: id, uscc: uscc, reason: text(.reason)))
    }
}
