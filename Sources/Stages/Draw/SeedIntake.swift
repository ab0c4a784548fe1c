// Seeds from the inbox: `inbox/seeds/<group>-R<round>.txt` (e.g. `2024-G02-R1.txt`) holding one line,
// the public seed (lines that are empty or start with '#' are ignored).
//
// Fairness: a seed is accepted only for a group and round that already has a commitment, and it is
// bound to that commitment (draw_seeds.commitment_sha256). A seed that arrives before its commitment,
// a second seed for the same commitment, a seed already used for an earlier commitment of the same
// round, or a seed for a round already drawn with another seed is refused: each would let somebody
// choose among outcomes. A draw blocked after the seed arrived (the store changed, so the
// commitment is prepared again) needs a new seed for the new commitment.

internal import Foundation
internal import Pipeline

/// The group and round a seed file names.
public struct SeedFile: Sendable, Hashable {
    /// The draw group key, e.g. `2024-G02`.
    public var group: String
    /// The round.
    public var round: Int

    /// Parses `<group>-R<round>` with any extension, e.g. `2024-G02-R1.txt`; nil if the name is not so.
    public static func parse(name: String) -> SeedFile? {
        let stem = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        guard let dash = stem.range(of: "-R", options: .backwards) else { return nil }
        let group = String(stem[..<dash.lowerBound])
        let roundText = stem[dash.upperBound...]
        guard let round = Int(roundText), round >= 1, !roundText.hasPrefix("+"),
            group.range(of: #"^[0-9]{4}-G[0-9]+$"#, options: .regularExpression) != nil
        else { return nil }
        return SeedFile(group: group, round: round)
    }

    /// The seed in a seed file's text: its one line that is not empty or a comment.
    static func seed(in text: String) -> Result<String, SeedRefused> {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard let seed = lines.first else { return .failure(SeedRefused(Message(.seedFileEmpty))) }
        guard lines.count == 1 else { return .failure(SeedRefused(Message(.seedFileLines, ["count": "\(lines.count)"]))) }
        if let problem = Draw.problemText(withPublicSeed: seed) { return .failure(SeedRefused(problem)) }
        return .success(seed)
    }
}

/// Why a seed file was refused.
struct SeedRefused: Error {
    let text: Message
    init(_ text: Message) { self.text = text }
}

/// Takes seed files into the store for the nightly run.
struct SeedIntake {
    /// The largest seed file read: a seed of 256 bytes with a few comment lines is far below it.
    static let maximumFileBytes = 4096

    /// What the night's draw stages share (the draw store and the plan).
    let night: NightDraws
    var store: any StageStore { night.store }
    var configuration: Configuration { night.configuration }

    /// A reason in the pages' language (the night's file reasons are, see `NightlyRun`).
    func say(_ text: Message) -> String { configuration.ui.pageWords(text) }

    /// Checks and stores one seed file (import row and seed row in one transaction).
    func take(_ file: InboxFile, digest: FileDigest) throws -> NightlyRun.Taken {
        let name = (file.relativePath as NSString).lastPathComponent
        guard let target = SeedFile.parse(name: name) else {
            return .rejected(say(Message(.seedFileName, ["example": "\(configuration.year)-G02-R1.txt", "name": name])))
        }
        // Read once, never through a link, bounded: the hash of these very bytes is what is recorded.
        let chunks: FileChunks
        do {
            chunks = try FileChunks(
                path: file.path, displayName: "inbox/" + file.relativePath, chunkSize: 4096, followLinks: false, hashing: true)
        } catch let error as MalformedFileError {
            return .left(say(error.text))
        }
        defer { chunks.close() }
        var bytes: [UInt8] = []
        while let chunk = try chunks.next() {
            bytes += chunk
            if bytes.count > Self.maximumFileBytes {
                return .rejected(say(Message(.seedFileTooLarge, ["max": "\(Self.maximumFileBytes)"])))
            }
        }
        let read = try chunks.digest()
        if read != digest {
            return .left(say(FileChangedWhileRead(expected: digest, read: read).text))
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .rejected(say(Message(.seedFileNotUTF8)))
        }
        let seed: String
        switch SeedFile.seed(in: text) {
        case let .success(value): seed = value
        case let .failure(refused): return .rejected(say(refused.text))
        }
        let draws = try night.draws()
        guard let (plan, planID) = try night.plan() else {
            return .rejected(
                say(Message(.seedNoPlan, ["year": "\(configuration.year)", "region": configuration.region, "group": target.group])))
        }
        guard let group = DrawGroups.form(plan).first(where: { $0.key == target.group }) else {
            return .rejected(say(Message(.seedNoGroup, ["group": target.group])))
        }
        guard group.schedule.round(target.round) != nil else {
            return .rejected(
                say(
                    Message(
                        .seedNoRound, ["group": target.group, "count": "\(group.schedule.rounds.count)", "round": "\(target.round)"])))
        }
        let runID = store.runID
        return try store.writing { sql in
            if let entry = try draws.currentEntries(sql, planID: planID, results: false)[target.group]?[target.round] {
                if entry.seed == seed {
                    return .skipped(
                        say(Message(.seedAlreadyDrawnSame, ["group": target.group, "round": "\(target.round)", "seq": "\(entry.seq)"])))
                }
                return .rejected(
                    say(Message(.seedAlreadyDrawnOther, ["group": target.group, "round": "\(target.round)", "seq": "\(entry.seq)"])))
            }
            guard let current = try DrawStore.currentCommitmentHash(sql, planID: planID, group: target.group, round: target.round) else {
                return .rejected(
                    say(
                        Message(
                            .seedNoCommitment,
                            ["group": target.group, "round": "\(target.round)", "days": "\(configuration.draw.leadDays)"])))
            }
            let earlier = try sql.rows(
                "SELECT seed, commitment_sha256 FROM draw_seeds WHERE group_key = ? AND round = ?", [target.group, target.round])
            for row in earlier {
                let earlierSeed = try row.requiredText(0)
                let commitment = try row.text(1)
                if commitment == current {
                    if earlierSeed == seed {
                        return .skipped(say(Message(.seedAlreadyReceived, ["commitment": String(current.prefix(12))])))
                    }
                    return .rejected(
                        say(
                            Message(
                                .seedOtherReceived,
                                [
                                    "seed": earlierSeed, "commitment": String(current.prefix(12)), "group": target.group,
                                    "round": "\(target.round)",
                                ])))
                }
                if earlierSeed == seed {
                    return .rejected(
                        say(
                            Message(
                                .seedForEarlierCommitment,
                                ["group": target.group, "round": "\(target.round)", "commitment": String(current.prefix(12))])))
                }
            }
            let now = night.clock.now().storeTimestamp
            let importID = try PlanRows.newID(
                """
                INSERT INTO imports (kind, scope_key, file_name, content_sha256, byte_count, imported_at, run_id)
                VALUES ('seed', ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    "seed:\(target.group):\(target.round)", "inbox/" + file.relativePath, digest.sha256, digest.byteCount, now, runID,
                ], in: sql)
            try sql.execute(
                """
                INSERT INTO draw_seeds (group_key, round, seed, import_id, received_at, commitment_sha256) VALUES (?, ?, ?, ?, ?, ?)
                """, [target.group, target.round, seed, importID, now, current])
            return .imported(importID: importID)
        }
    }

    /// Undrawn rounds whose current commitment has a seed, in group and round order.
    static func ready(_ sql: any StageSQL, planID: Int64, draws: DrawStore) throws -> [(group: String, round: Int, seed: String)] {
        let drawn = try draws.currentEntries(sql, planID: planID, results: false)
        var out: [(group: String, round: Int, seed: String, id: Int64)] = []
        for row in try sql.rows("SELECT group_key, round, seed, commitment_sha256, id FROM draw_seeds WHERE commitment_sha256 IS NOT NULL")
        {
            let group = try row.requiredText(0)
            let round = Int(try row.requiredInteger(1))
            guard drawn[group]?[round] == nil,
                try DrawStore.currentCommitmentHash(sql, planID: planID, group: group, round: round) == row.text(3)
            else { continue }
            out.append((group, round, try row.requiredText(2), try row.requiredInteger(4)))
        }
        // Group keys by their bytes (as SQLite orders them; a database's collation may not), then
        // rounds, then the order the seeds arrived in.
        out.sort { a, b in
            if a.group != b.group { return a.group.utf8.lexicographicallyPrecedes(b.group.utf8) }
            return a.round != b.round ? a.round < b.round : a.id < b.id
        }
        return out.map { ($0.group, $0.round, $0.seed) }
    }
}
