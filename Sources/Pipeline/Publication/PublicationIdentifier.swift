// Identifiers (stable: derived only from the plan's region and year, the task's 序号, the round and
// the USCC, never from a database row id or a timestamp):
//
//     raninsPlanId   <region:6><year:4>P                      1409812024P
//     raninsTaskId   <raninsPlanId><task 序号:3>R<round:2>      1409812024P017R01
//     record id      <raninsTaskId>-<USCC>                    1409812024P017R01-91140981MA0KXXXXXX
//
// Like the ids observed on GSXT (`340000201709041000`) they begin with the region code and the year.
// When the plan or its overrides give the provincial platform's 抽查计划编号/名称 and 抽查任务编号
// (PlanTask.platform), those stand instead: the task code gets `R<round:2>` when the task has
// several rounds.
// The record id is the publication ledger's `record_key`.

/// The stable GSXT identifiers of plans, task rounds and records (scheme above).
public enum PublicationIdentifier {
    /// `<region><year>P`, e.g. `1409812024P`.
    public static func plan(region: String, year: Int) throws(PublicationPayloadError) -> String {
        guard region.utf8.count == 6, region.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            throw .invalidIdentifierPart("region code '\(region)' must be 6 digits")
        }
        guard (1000...9999).contains(year) else {
            throw .invalidIdentifierPart("year \(year) must have 4 digits")
        }
        return region + String(year) + "P"
    }

    /// `<plan id><task 序号 as 3 digits>R<round as 2 digits>`, e.g. `1409812024P017R01`.
    public static func task(region: String, year: Int, taskSeq: Int, round: Int) throws(PublicationPayloadError) -> String {
        guard (1...999).contains(taskSeq) else {
            throw .invalidIdentifierPart("task 序号 \(taskSeq) must be 1…999")
        }
        guard (1...99).contains(round) else {
            throw .invalidIdentifierPart("round \(round) must be 1…99")
        }
        return try plan(region: region, year: year) + zeroPadded(taskSeq, width: 3) + "R" + zeroPadded(round, width: 2)
    }

    /// A code given by the provincial platform (1…40 characters of `0-9A-Za-z`), with `R<round:2>`
    /// when a task of several rounds needs one id per round.
    public static func platform(_ code: String, round: Int?) throws(PublicationPayloadError) -> String {
        guard PlatformIdentity.isValidCode(code) else {
            throw .invalidIdentifierPart("platform code '\(code)' must be 1 to 40 characters of 0-9, A-Z and a-z")
        }
        guard let round else { return code }
        guard (1...99).contains(round) else { throw .invalidIdentifierPart("round \(round) must be 1…99") }
        return code + "R" + zeroPadded(round, width: 2)
    }

    /// `<task id>-<USCC>`: the ledger's record key.
    public static func record(taskID: String, uscc: String) -> String {
        taskID + "-" + uscc
    }

}
