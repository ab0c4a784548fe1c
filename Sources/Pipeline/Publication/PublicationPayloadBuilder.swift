// Building a payload from the plan and the results: one task round and the inspections of its
// entities, checked (every matter has a result, no entity twice, texts present).

/// One round of a task as drawn: its dates and counts.
public struct PublicationRound: Sendable, Hashable, Codable {
    /// The round number within the year (1 for a once-a-year task).
    public var round: Int
    /// First day of the round.
    public var start: CivilDate
    /// Last day of the round (the publication deadline counts from it).
    public var end: CivilDate
    /// Entities in the population drawn from.
    public var populationCount: Int
    /// Entities drawn.
    public var drawnCount: Int

    /// Creates a round.
    public init(round: Int, start: CivilDate, end: CivilDate, populationCount: Int, drawnCount: Int) {
        self.round = round
        self.start = start
        self.end = end
        self.populationCount = populationCount
        self.drawnCount = drawnCount
    }
}

/// The results of inspecting one drawn entity, as the results import provides them.
public struct EntityInspection: Sendable, Hashable, Codable {
    /// The entity's USCC.
    public var uscc: String
    /// The entity's registered name.
    public var name: String
    /// 检查日期.
    public var inspectedOn: CivilDate
    /// The results, applied to every matter of the task unless `codesByMatter` names the matter.
    public var codes: [ResultCode]
    /// Results for single matters (keyed by the matter's text), overriding `codes` for them.
    public var codesByMatter: [String: [ResultCode]]

    /// Creates an inspection result.
    public init(uscc: String, name: String, inspectedOn: CivilDate, codes: [ResultCode], codesByMatter: [String: [ResultCode]] = [:]) {
        self.uscc = uscc
        self.name = name
        self.inspectedOn = inspectedOn
        self.codes = codes
        self.codesByMatter = codesByMatter
    }
}

extension PublicationPayload {
    /// The type written when the plan has no 抽查类型 column: every plan task names an object scope
    /// (抽查对象范围), and drawing within a named scope is what 定向 means.
    public static let defaultInspectionType = "定向"

    /// The payload of one round of a plan task.
    ///
    /// Details follow the task's matters in plan order (the task name stands in if the plan lists
    /// none). A task inspected more than once a year gets `（第N次）` after its name. Throws for an
    /// empty plan name or initiator, a code that is neither 18 characters of `0-9A-Z` nor 15 digits,
    /// an empty entity name, a duplicate USCC, an inspection without results, or a `codesByMatter`
    /// key that is not a matter: everything the XSD would reject later.
    public init(
        plan: AnnualPlan, task planTask: PlanTask, round: PublicationRound, planName: String, inspections: [EntityInspection]
    ) throws(PublicationPayloadError) {
        for (field, text) in [("raninsPlanName", planName), ("insAuth.initiator", planTask.initiator), ("raninsTaskName", planTask.name)]
        where text.trimmingWhitespace().isEmpty {
            throw .missingText(field: field)
        }
        let taskID = try PublicationIdentifier.task(region: plan.region, year: plan.year, taskSeq: planTask.seq, round: round.round)
        let rounds = planTask.frequency.perYear ?? 1
        let task = PublicationTask(
            raninsPlanId: try PublicationIdentifier.plan(region: plan.region, year: plan.year),
            raninsPlanName: planName,
            raninsTaskId: taskID,
            raninsTaskName: rounds > 1 ? "\(planTask.name)（第\(round.round)次）" : planTask.name,
            raninsTypeName: planTask.inspectionType ?? Self.defaultInspectionType,
            insAuth: InspectionAuthority(
                initiator: planTask.initiator, cooperators: planTask.cooperators.filter { $0 != planTask.initiator }),
            startDate: round.start, endDate: round.end,
            populationCount: round.populationCount, drawnCount: round.drawnCount)
        let matters = planTask.matters.isEmpty ? [planTask.name] : planTask.matters
        var seen: Set<String> = []
        var records: [PublicationRecord] = []
        for inspection in inspections {
            guard Self.isPublishableCode(inspection.uscc) else {
                throw .invalidEntity(uscc: inspection.uscc, reason: "the code must be 18 characters of 0-9 and A-Z, or a 15-digit 注册号")
            }
            guard !inspection.name.trimmingWhitespace().isEmpty else {
                throw .invalidEntity(uscc: inspection.uscc, reason: "the name is empty")
            }
            guard seen.insert(inspection.uscc).inserted else { throw .duplicateEntity(inspection.uscc) }
            if let stray = inspection.codesByMatter.keys.sorted().first(where: { !matters.contains($0) }) {
                throw .unknownMatter(uscc: inspection.uscc, matter: stray)
            }
            var details: [PublicationDetail] = []
            for (index, matter) in matters.enumerated() {
                let codes = inspection.codesByMatter[matter] ?? inspection.codes
                guard !codes.isEmpty else { throw .noResult(uscc: inspection.uscc, matter: matter) }
                details.append(
                    PublicationDetail(seqno: index + 1, raninsItemName: matter, raninsCheckResName: ResultCode.joinedText(codes)))
            }
            records.append(
                PublicationRecord(
                    id: PublicationIdentifier.record(taskID: taskID, uscc: inspection.uscc), uscc: inspection.uscc,
                    name: inspection.name, insDate: inspection.inspectedOn, details: details))
        }
        self.init(task: task, records: records)
    }

    /// 18 characters of `0-9A-Z` (a USCC, conforming or operator-overridden) or 15 digits (a 注册号).
    static func isPublishableCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        let isUpper = { (byte: UInt8) in byte >= 0x41 && byte <= 0x5A }
        if bytes.count == 15 { return bytes.allSatisfy(isDigit) }
        return bytes.count == 18 && bytes.allSatisfy { isDigit($0) || isUpper($0) }
    }
}
