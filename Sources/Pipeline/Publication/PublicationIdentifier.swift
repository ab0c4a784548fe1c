// Identifiers (stable: derived only from the plan's region and year, the task's 序号, the round and
// the USCC, never from a database row id or a timestamp):
//
//     raninsPlanId   <region:6><year:4>P                      1409812024P
//     raninsTaskId   <raninsPlanId><task 序号:3>R<round:2>      1409812024P017R01
//     record id      <raninsTaskId>-<USCC>                    1409812024P017R01-91140981MA0KXXXXXX
//
// Like the ids observed on GSXT (`340000201709041000`) they begin with the region code and the year.
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

    /// `<task id>-<USCC>`: the ledger's record key.
    public static func record(taskID: String, uscc: String) -> String {
        taskID + "-" + uscc
    }

}
