// 一业一查 across draw groups ("进一次门、查多项事"): an entity drawn by two groups whose departments
// overlap and whose round windows overlap is visited ONCE, by one team, for the union of the groups'
// matters (our rule).
//
// The rule, per entity, over the current draws that hold it, in ledger order: a draw joins the
// first visit formed so far whose departments share one with the draw's and whose window (the
// intersection of its draws' round windows) overlaps the draw's round window; the visit's window
// becomes the intersection and its departments the union; a draw that joins no visit starts its
// own. A visit of two or more draws is a joint visit. Its team is, per department in the order the
// draws name them (the first draw's departments first), the inspectors that department was matched
// with in the first draw of the visit that has it; its matters are the union of the draws' matters,
// in draw order. Decided from the committed departments and round dates and the ledger order only,
// so it is recorded in the ledger (`LedgerResult.jointVisits`: each object of a new draw that joins
// earlier draws, with their ledger numbers) and `verify-ledger` recomputes it.

/// One current draw as joint visits see it.
public struct JointVisitDraw: Sendable, Hashable {
    /// The ledger entry number.
    public var ledgerSeq: Int
    /// The group key.
    public var group: String
    /// The round.
    public var round: Int
    /// The group's departments, initiator first.
    public var departments: [String]
    /// The round's first day.
    public var start: PlanDate
    /// The round's last day.
    public var end: PlanDate
    /// The drawn objects.
    public var objects: [String]

    /// Creates a drawn round.
    public init(ledgerSeq: Int, group: String, round: Int, departments: [String], start: PlanDate, end: PlanDate, objects: [String]) {
        self.ledgerSeq = ledgerSeq
        self.group = group
        self.round = round
        self.departments = departments
        self.start = start
        self.end = end
        self.objects = objects
    }
}

/// One entity's visit that serves several draws.
public struct JointVisit: Sendable, Hashable, Codable {
    /// The entity.
    public var uscc: String
    /// The ledger entries of the draws it serves, in ledger order.
    public var ledgerSeqs: [Int]
    /// The departments of the visit, in the order its draws name them.
    public var departments: [String]
    /// The first day of the common window.
    public var start: PlanDate
    /// The last day of the common window.
    public var end: PlanDate

    /// Creates a joint visit.
    public init(uscc: String, ledgerSeqs: [Int], departments: [String], start: PlanDate, end: PlanDate) {
        self.uscc = uscc
        self.ledgerSeqs = ledgerSeqs
        self.departments = departments
        self.start = start
        self.end = end
    }
}

/// What a new draw records about the joint visits its objects join.
public struct JointVisitRecord: Sendable, Hashable, Codable {
    /// The object.
    public var uscc: String
    /// The earlier ledger entries whose visit it joins, in ledger order.
    public var with: [Int]

    /// Creates a record.
    public init(uscc: String, with: [Int]) {
        self.uscc = uscc
        self.with = with
    }
}

/// The joint-visit rule (top of JointVisits.swift).
public enum JointVisits {
    /// Every joint visit (two or more draws) among `draws`, by entity in code point order.
    public static func visits(of draws: [JointVisitDraw]) -> [JointVisit] {
        var byEntity: [String: [JointVisitDraw]] = [:]
        for d in draws.sorted(by: { $0.ledgerSeq < $1.ledgerSeq }) {
            for u in Set(d.objects) { byEntity[u, default: []].append(d) }
        }
        var out: [JointVisit] = []
        for uscc in byEntity.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            var visits: [JointVisit] = []
            for d in byEntity[uscc] ?? [] {
                if let i = visits.firstIndex(where: { v in
                    !Set(v.departments).isDisjoint(with: d.departments) && max(v.start, d.start) <= min(v.end, d.end)
                }) {
                    visits[i].ledgerSeqs.append(d.ledgerSeq)
                    visits[i].start = max(visits[i].start, d.start)
                    visits[i].end = min(visits[i].end, d.end)
                    for dept in d.departments where !visits[i].departments.contains(dept) { visits[i].departments.append(dept) }
                } else {
                    visits.append(JointVisit(uscc: uscc, ledgerSeqs: [d.ledgerSeq], departments: d.departments, start: d.start, end: d.end))
                }
            }
            out += visits.filter { $0.ledgerSeqs.count > 1 }
        }
        return out
    }

    /// What a new draw records: for each of its objects that joins a visit of earlier draws, those
    /// draws (the rule over `earlier` and the new draw, the new one last).
    public static func records(for draw: JointVisitDraw, earlier: [JointVisitDraw]) -> [JointVisitRecord] {
        let objects = Set(draw.objects)
        let relevant = earlier.filter { !objects.isDisjoint(with: $0.objects) }
        return visits(of: relevant + [draw]).filter { $0.ledgerSeqs.last == draw.ledgerSeq && objects.contains($0.uscc) }
            .map { JointVisitRecord(uscc: $0.uscc, with: Array($0.ledgerSeqs.dropLast())) }
    }
}
