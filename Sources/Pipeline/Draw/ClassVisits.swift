// Per-class frequency inside a round (domain.md §5: C and D "递加频次", visited more often): a class
// with v visits a round has its objects of the round dealt to v visits in ticket order (Draw.select),
// and visit k (1-based) of v has its own part of the round's window: the round's D days split as
// evenly as days allow, visit k covering days floor((k−1)·D/v) … floor(k·D/v) − 1 of the round
// (0-based from its first day). A round of 2024-01-01…2024-11-30 (335 days) with 2 visits gives
// 2024-01-01…2024-06-15 and 2024-06-16…2024-11-30. More visits than days is capped at one a day.
//
// Visits are inside the task's round on purpose: the round is what the plan, the publication
// (抽查任务编号 …R01), the results and the deadlines count; a visit only says when an object of
// a frequently visited class is inspected within it.

/// The windows of a class's visits within a round.
public enum ClassVisits {
    /// The window of visit `visit` (1-based) of `visits` in the round `start…end`.
    public static func window(start: PlanDate, end: PlanDate, visit: Int, of visits: Int) -> (start: PlanDate, end: PlanDate) {
        let days = max(1, end.dayNumber - start.dayNumber + 1)
        let v = min(max(1, visits), days)
        let k = min(max(1, visit), v) - 1
        let first = start.dayNumber + k * days / v
        let last = start.dayNumber + (k + 1) * days / v - 1
        return (PlanDate(dayNumber: first), PlanDate(dayNumber: last))
    }

    /// `2024-01-01…2024-06-15` for a visit.
    public static func label(start: PlanDate, end: PlanDate, visit: Int, of visits: Int) -> String {
        let w = window(start: start, end: end, visit: visit, of: visits)
        return "\(w.start)…\(w.end)"
    }
}
