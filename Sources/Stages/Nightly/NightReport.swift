// The nightly run's report: `reports/<date>/run.json` and `run.txt`.
//
// It covers the whole night (every run of that date), not only the last invocation: it is built from
// what the store records under the night's `run_id` plus the state now (commitments awaiting a seed,
// overdue rounds). So a run killed and run again reports what one uninterrupted run would, and a
// second run of a finished night reproduces the same report.

internal import Foundation
internal import GRDB
public import Pipeline

/// What one night did, for people (``text``) and machines (``json()``).
public struct NightReport: Sendable, Hashable, Codable {
    /// One file the night took.
    public struct File: Sendable, Hashable, Codable {
        /// The path under the inbox.
        public var path: String
        /// What it held (`register`, `seed`, …).
        public var kind: String
        /// The department folder it came from.
        public var department: String?
        /// `imported`, `skipped` or `rejected`.
        public var outcome: String
        /// Rows stored.
        public var rowsImported: Int
        /// Rows rejected (kept in ``rejectsFile``).
        public var rowsRejected: Int
        /// The rejected rows with line and reason, under the workspace.
        public var rejectsFile: String?
        /// Why it was skipped or rejected.
        public var reason: String?
        /// Where the file went, under the workspace.
        public var movedTo: String
    }

    /// Rows per department (or per kind for files without one).
    public struct Department: Sendable, Hashable, Codable {
        /// The department, or `(avoidance)`, `(results)`, `(plan)`, `(seeds)`.
        public var department: String
        /// Files taken.
        public var files: Int
        /// Rows stored.
        public var rowsImported: Int
        /// Rows rejected.
        public var rowsRejected: Int
    }

    /// A commitment (prepared tonight, or awaiting its seed).
    public struct Commitment: Sendable, Hashable, Codable {
        /// The draw group.
        public var group: String
        /// The round.
        public var round: Int
        /// The SHA-256 to publish before the seed.
        public var sha256: String
        /// When it was prepared (the run date of its night, or the timestamp for commands run by hand).
        public var prepared: String
    }

    /// A draw made tonight.
    public struct DrawMade: Sendable, Hashable, Codable {
        /// The draw group.
        public var group: String
        /// The round.
        public var round: Int
        /// The public seed used.
        public var seed: String
        /// Objects drawn.
        public var drawn: Int
        /// The ledger entry.
        public var ledgerSeq: Int
    }

    /// A round with a seed that could not be drawn.
    public struct BlockedDraw: Sendable, Hashable, Codable {
        /// The draw group.
        public var group: String
        /// The round.
        public var round: Int
        /// Why, and what to do.
        public var reason: String
    }

    /// A task round published tonight.
    public struct Publication: Sendable, Hashable, Codable {
        /// The 抽查任务编号.
        public var raninsTaskId: String
        /// Records added.
        public var added: Int
        /// Records changed.
        public var changed: Int
        /// Records withdrawn.
        public var withdrawn: Int
    }

    /// An overdue round.
    public struct Overdue: Sendable, Hashable, Codable {
        /// The 抽查任务编号.
        public var raninsTaskId: String
        /// The task's name.
        public var taskName: String
        /// The publication due date.
        public var due: String
        /// Working days past it.
        public var workingDaysOverdue: Int
        /// What is missing.
        public var progress: String
    }

    /// The night.
    public var date: String
    /// 0 all well; 65 some input was rejected or a draw was blocked; 1 a stage failed; 78 due dates the
    /// working-day calendar does not cover.
    public var exitCode: Int32
    /// The stage that failed, if one did (later stages did not run; earlier ones stay done).
    public var failedStage: RunStage?
    /// What the failure was.
    public var failure: String?
    /// Files taken tonight (imported, skipped as already imported, or rejected).
    public var filesTaken: Int
    /// Files rejected whole.
    public var filesRejected: Int
    /// Rows stored tonight.
    public var rowsImported: Int
    /// Rows rejected tonight.
    public var rowsRejected: Int
    /// Commitments published and still waiting for their seed.
    public var commitmentsAwaitingSeed: Int
    /// Draws made tonight.
    public var draws: Int
    /// Task rounds published tonight.
    public var publications: Int
    /// Rounds past their publication due date.
    public var overdue: Int
    /// The files, in the order taken.
    public var files: [File]
    /// Rows per department.
    public var departments: [Department]
    /// Commitments prepared tonight.
    public var commitmentsPrepared: [Commitment]
    /// Commitments waiting for a seed.
    public var awaitingSeed: [Commitment]
    /// Draws made tonight.
    public var drawsMade: [DrawMade]
    /// Rounds with a seed that could not be drawn.
    public var blockedDraws: [BlockedDraw]
    /// Task rounds published tonight.
    public var published: [Publication]
    /// Overdue rounds, most overdue first.
    public var overdueRounds: [Overdue]
    /// Inbox paths not taken and left in place (unknown places, links, not regular files), each with its reason when not an unknown place.
    public var ignored: [String]
    /// Warnings found while reporting (targets of the plan missed among them), in English.
    public var warnings: [String]
    /// ``warnings`` as catalogue keys and values, from which `run.txt` and the page say them in their language.
    public var warningTexts: [Message]? = nil
    /// The program that ran the night, with its version (``SuijiVersion/generator``).
    public var generator = SuijiVersion.generator
    /// The plan's targets, as report lines (classification rate, matter coverage).
    public var planTargets: [String] = []
    /// The plan's targets as measured, from which `run.txt` writes its lines in its own language.
    public var targets: PlanTargets?
    /// Rounds whose due date is unknown because the working-day calendar does not cover it (absent
    /// when there are none): the night then ends 78, never "nothing overdue".
    public var overdueUnknown: Int?

    /// A report for a night that could not open its store.
    static func failedToStart(date: CivilDate, message: String) -> NightReport {
        NightReport(
            date: date.description, exitCode: ExitStatus.failure.rawValue, failedStage: .lock, failure: message, filesTaken: 0,
            filesRejected: 0, rowsImported: 0, rowsRejected: 0, commitmentsAwaitingSeed: 0, draws: 0, publications: 0, overdue: 0,
            files: [], departments: [], commitmentsPrepared: [], awaitingSeed: [], drawsMade: [], blockedDraws: [], published: [],
            overdueRounds: [], ignored: [], warnings: [])
    }

    /// Sorted keys, two-space indentation.
    public func json() throws -> String {
        try JSONOutput.text(self, kind: "night-report")
    }

    /// One line for the terminal, in English.
    public var summary: String { summary(in: MessageCatalogue(.en)) }

    /// One line for the terminal in the catalogue's language (`night.summary`).
    public func summary(in words: MessageCatalogue) -> String {
        let line = words(
            .nightSummary,
            [
                "date": date, "files": "\(filesTaken)", "rows": "\(rowsImported)", "rejected": "\(rowsRejected)",
                "awaiting": "\(commitmentsAwaitingSeed)", "draws": "\(draws)", "publications": "\(publications)", "overdue": "\(overdue)",
                "exit": "\(exitCode)",
                "filesRejected": filesRejected > 0 ? words(.nightSummaryFilesRejected, ["count": "\(filesRejected)"]) : "",
                "blocked": blockedDraws.isEmpty ? "" : words(.nightSummaryBlocked, ["count": "\(blockedDraws.count)"]),
                "unknown": overdueUnknown.map { words(.nightSummaryUnknown, ["count": "\($0)"]) } ?? "",
                "failed": failedStage.map { words(.nightSummaryFailed, ["stage": $0.rawValue, "failure": failure ?? ""]) } ?? "",
            ])
        return ControlCharacters.escaped(line)
    }

    /// The page a person reads, in English.
    public var text: String { text(in: MessageCatalogue(.en)) }

    /// Adds warnings: their catalogue texts, and their English words for `run.json` (`english`, else the texts in English).
    mutating func warn(_ texts: [Message], english: [String]? = nil) {
        warnings += english ?? texts.map(\.english)
        warningTexts = (warningTexts ?? []) + texts
    }

    /// The page a person reads (`run.txt`), in the catalogue's language.
    public func text(in words: MessageCatalogue) -> String {
        var out: [String] = []
        let verdict: String
        switch exitCode {
        case 0: verdict = words(.nightTextVerdictOk)
        case ExitStatus.dataRejected.rawValue: verdict = words(.nightTextVerdictRejected)
        case ExitStatus.configuration.rawValue: verdict = words(.nightTextVerdictUnknown)
        default: verdict = words(.nightTextVerdictFailed, ["stage": failedStage?.rawValue ?? "?"])
        }
        out.append(words(.nightTextHeader, ["date": date, "exit": "\(exitCode)", "verdict": verdict]))
        if let failure { out.append(words(.nightTextFailure, ["failure": failure])) }
        out.append("")
        func section(_ title: MessageKey, _ count: Int, _ body: () -> [String]) {
            out.append("\(words(title)) (\(count))")
            let lines = body()
            out.append(contentsOf: lines.isEmpty ? ["  " + words(.nightTextNone)] : lines.map { "  " + $0 })
            out.append("")
        }
        func headers(_ key: MessageKey) -> [String] { words(key).split(separator: "|").map(String.init) }
        section(.nightTextFiles, filesTaken) {
            guard !files.isEmpty else { return [] }
            var table = TextTable(headers: headers(.nightTextFilesHeaders))
            for f in files {
                var note = f.reason ?? ""
                if let rejects = f.rejectsFile { note = words(.nightTextFilesRejects, ["path": rejects]) }
                let outcome: [String: MessageKey] = [
                    "imported": .nightOutcomeImported, "skipped": .nightOutcomeSkipped, "rejected": .nightOutcomeRejected,
                ]
                table.rows.append([
                    outcome[f.outcome].map { words($0) } ?? f.outcome, f.path, "\(f.rowsImported)", "\(f.rowsRejected)", note,
                ])
            }
            return table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        section(.nightTextDepartments, departments.count) {
            guard !departments.isEmpty else { return [] }
            let table = TextTable(
                headers: headers(.nightTextDepartmentsHeaders),
                rows: departments.map { [$0.department, "\($0.files)", "\($0.rowsImported)", "\($0.rowsRejected)"] })
            return table.render().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        section(.nightTextPrepared, commitmentsPrepared.count) {
            commitmentsPrepared.map { words(.nightTextCommitment, ["group": $0.group, "round": "\($0.round)", "sha256": $0.sha256]) }
        }
        section(.nightTextAwaiting, commitmentsAwaitingSeed) {
            awaitingSeed.map {
                words(.nightTextCommitmentPrepared, ["group": $0.group, "round": "\($0.round)", "sha256": $0.sha256, "date": $0.prepared])
            }
        }
        section(.nightTextDraws, draws) {
            drawsMade.map {
                words(
                    .nightTextDraw,
                    ["group": $0.group, "round": "\($0.round)", "drawn": "\($0.drawn)", "seed": $0.seed, "seq": "\($0.ledgerSeq)"])
            }
        }
        if !blockedDraws.isEmpty {
            section(.nightTextBlocked, blockedDraws.count) {
                blockedDraws.map { words(.nightTextBlockedLine, ["group": $0.group, "round": "\($0.round)", "reason": $0.reason]) }
            }
        }
        section(.nightTextPublications, publications) {
            published.map {
                words(
                    .nightTextPublication,
                    ["task": $0.raninsTaskId, "added": "\($0.added)", "changed": "\($0.changed)", "withdrawn": "\($0.withdrawn)"])
            }
        }
        section(.nightTextOverdue, overdue) {
            overdueRounds.map {
                words(
                    .nightTextOverdueLine,
                    [
                        "task": $0.raninsTaskId, "name": $0.taskName, "due": $0.due, "days": "\($0.workingDaysOverdue)",
                        "progress": $0.progress,
                    ])
            }
        }
        if let targets {
            let lines = targets.lines(in: words).dropLast(targets.warningTexts.count) // the warnings have their own section
            section(.nightTextTargets, lines.count) { Array(lines) }
        } else if !planTargets.isEmpty {
            section(.nightTextTargets, planTargets.filter { !$0.hasPrefix("warning: ") }.count) {
                planTargets.filter { !$0.hasPrefix("warning: ") }
            }
        }
        if !ignored.isEmpty { section(.nightTextIgnored, ignored.count) { ignored } }
        if !warnings.isEmpty {
            section(.nightTextWarnings, warnings.count) { warningTexts.map { $0.map { words($0) } } ?? warnings }
        }
        // Every line quotes input (paths, departments, reasons, seeds): no control character of it reaches the report raw.
        return out.map { ControlCharacters.escaped($0) }.joined(separator: "\n")
    }

    // MARK: Building

    /// Group rounds in the order the report lists them: group keys by their bytes, then rounds.
    static func groupRoundOrder(_ a: (group: String, round: Int), _ b: (group: String, round: Int)) -> Bool {
        a.group != b.group ? a.group.utf8.lexicographicallyPrecedes(b.group.utf8) : a.round < b.round
    }

    /// Commitments in the order the report lists them (``groupRoundOrder(_:_:)``).
    static func groupRoundOrder(_ a: Commitment, _ b: Commitment) -> Bool { groupRoundOrder((a.group, a.round), (b.group, b.round)) }

    /// The night's report from the store.
    static func build(
        store: Store, runID: Int64, date: CivilDate, configuration: Configuration, blocked: [BlockedDraw],
        ignored: [String], failure: (stage: RunStage, message: String)?
    ) throws -> NightReport {
        var report = NightReport.failedToStart(date: date, message: "")
        report.failedStage = failure?.stage
        report.failure = failure?.message
        report.ignored = ignored
        let paths = NightPaths(configuration: configuration, date: date)
        try store.reading { sql in
            let rank = Dictionary(uniqueKeysWithValues: InboxKind.allCases.enumerated().map { ($1.rawValue, $0) })
            var files: [File] = []
            for row in try sql.rows(
                """
                SELECT f.inbox_path, f.kind, f.department, f.outcome, f.reason, f.archived_to, i.rows_imported, i.rows_rejected
                FROM run_files f LEFT JOIN imports i ON i.id = f.import_id WHERE f.run_id = ?
                """, [runID])
            {
                let path = try row.requiredText(0)
                let rejected = Int(try row.integer(7) ?? 0)
                var rejectsFile: String?
                if rejected > 0 {
                    let candidates = [paths.rejectsFile(of: path, workbook: true), paths.rejectsFile(of: path)]
                    if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                        rejectsFile = paths.relative(found)
                    }
                }
                files.append(
                    File(
                        path: path, kind: try row.requiredText(1), department: try row.text(2), outcome: try row.requiredText(3),
                        rowsImported: Int(try row.integer(6) ?? 0), rowsRejected: rejected, rejectsFile: rejectsFile,
                        reason: try row.text(4), movedTo: try row.requiredText(5)))
            }
            files.sort { a, b in
                let (ra, rb) = (rank[a.kind] ?? 99, rank[b.kind] ?? 99)
                return ra != rb ? ra < rb : a.path.utf8.lexicographicallyPrecedes(b.path.utf8)
            }
            report.files = files
            report.filesTaken = files.count
            report.filesRejected = files.filter { $0.outcome == "rejected" }.count
            report.rowsImported = files.reduce(0) { $0 + $1.rowsImported }
            report.rowsRejected = files.reduce(0) { $0 + $1.rowsRejected }
            var departments: [String: Department] = [:]
            for f in files {
                let name = f.department ?? "(\(f.kind == "seed" ? "seeds" : f.kind))"
                var d = departments[name] ?? Department(department: name, files: 0, rowsImported: 0, rowsRejected: 0)
                d.files += 1
                d.rowsImported += f.rowsImported
                d.rowsRejected += f.rowsRejected
                departments[name] = d
            }
            report.departments = departments.values.sorted { $0.department.utf8.lexicographicallyPrecedes($1.department.utf8) }

            // Group keys ordered by their bytes here, not by the store's collation (PostgreSQL's may be a locale's).
            report.commitmentsPrepared = try sql.rows(
                "SELECT group_key, round, commitment_sha256 FROM draw_commitments WHERE run_id = ? AND derived_from IS NULL", [runID]
            ).map {
                Commitment(
                    group: try $0.requiredText(0), round: Int(try $0.requiredInteger(1)), sha256: try $0.requiredText(2),
                    prepared: date.description)
            }.sorted(by: Self.groupRoundOrder)
            report.awaitingSeed = try sql.rows(
                """
                SELECT c.group_key, c.round, c.commitment_sha256, c.prepared_at, r.run_date FROM draw_commitments c
                LEFT JOIN runs r ON r.id = c.run_id
                WHERE c.derived_from IS NULL
                  AND c.prepared_seq = (SELECT MAX(d.prepared_seq) FROM draw_commitments d
                                        WHERE d.plan_id = c.plan_id AND d.group_key = c.group_key AND d.round = c.round AND d.derived_from IS NULL)
                  AND NOT EXISTS (SELECT 1 FROM draw_ledger l WHERE l.plan_id = c.plan_id AND l.group_key = c.group_key AND l.round = c.round)
                  AND NOT EXISTS (SELECT 1 FROM draw_seeds s WHERE s.group_key = c.group_key AND s.round = c.round
                                  AND s.commitment_sha256 = c.commitment_sha256)
                """
            ).map { row in
                Commitment(
                    group: try row.requiredText(0), round: Int(try row.requiredInteger(1)), sha256: try row.requiredText(2),
                    prepared: try row.text(4) ?? String((try row.text(3) ?? "").prefix(10)))
            }.sorted(by: Self.groupRoundOrder)
            report.commitmentsAwaitingSeed = report.awaitingSeed.count

            report.drawsMade = try sql.rows(
                """
                SELECT l.seq, l.group_key, l.round, l.seed, (SELECT COUNT(*) FROM draw_selections s WHERE s.ledger_seq = l.seq) AS drawn
                FROM draw_ledger l WHERE l.run_id = ? ORDER BY l.seq
                """, [runID]
            ).map {
                DrawMade(
                    group: try $0.requiredText(1), round: Int(try $0.requiredInteger(2)), seed: try $0.requiredText(3),
                    drawn: Int(try $0.requiredInteger(4)), ledgerSeq: Int(try $0.requiredInteger(0)))
            }
            report.draws = report.drawsMade.count

            // Seeds taken tonight whose commitment was prepared again before they could be used.
            var blockedDraws = blocked
            for row in try sql.rows(
                """
                SELECT s.group_key, s.round, s.seed, s.commitment_sha256 FROM draw_seeds s JOIN imports i ON i.id = s.import_id
                WHERE i.run_id = ? ORDER BY s.id
                """, [runID])
            {
                let (group, round) = (try row.requiredText(0), Int(try row.requiredInteger(1)))
                let drawn = try sql.integer("SELECT COUNT(*) FROM draw_ledger WHERE group_key = ? AND round = ?", [group, round]) ?? 0 > 0
                let current = try DrawStore.currentCommitmentHash(sql, planID: nil, group: group, round: round)
                let used = try row.text(3)
                if !drawn, let current, current != used, !blockedDraws.contains(where: { $0.group == group && $0.round == round }) {
                    blockedDraws.append(
                        BlockedDraw(
                            group: group, round: round,
                            reason:
                                "the store changed after commitment \(used?.prefix(12) ?? "")… so it was prepared again as \(current.prefix(12))…; seed '\(try row.text(2) ?? "")' is spent: publish a new seed for the new commitment"
                        ))
                }
            }
            report.blockedDraws = blockedDraws.sorted { Self.groupRoundOrder(($0.group, $0.round), ($1.group, $1.round)) }

            var published: [String: Publication] = [:]
            for row in try sql.rows(
                """
                SELECT p.region, p.year, l.task_seq, l.round, l.action, COUNT(*) AS n FROM publication_ledger l JOIN plans p ON p.id = l.plan_id
                WHERE l.run_id = ? GROUP BY p.region, p.year, l.task_seq, l.round, l.action
                """, [runID])
            {
                guard
                    let id = try? PublicationIdentifier.task(
                        region: try row.requiredText(0), year: Int(try row.requiredInteger(1)), taskSeq: Int(try row.requiredInteger(2)),
                        round: Int(try row.requiredInteger(3)))
                else { continue }
                var p = published[id] ?? Publication(raninsTaskId: id, added: 0, changed: 0, withdrawn: 0)
                let n = Int(try row.requiredInteger(5))
                switch try row.text(4) {
                case "add": p.added += n
                case "change": p.changed += n
                default: p.withdrawn += n
                }
                published[id] = p
            }
            report.published = published.values.sorted { $0.raninsTaskId < $1.raninsTaskId }
            report.publications = report.published.count
        }
        do {
            let calendar = try CalendarLoader.load(operatorPath: configuration.resolvedCalendarPath)
            let deadlines = try DeadlineReporter(store: store, calendar: calendar).run(today: date)
            report.overdueRounds = deadlines.rounds.filter { $0.assessment.status == .overdue }
                .map {
                    Overdue(
                        raninsTaskId: $0.raninsTaskId, taskName: $0.taskName, due: $0.assessment.due.description,
                        workingDaysOverdue: $0.assessment.workingDaysOverdue, progress: $0.progress)
                }
                .sorted { ($1.workingDaysOverdue, $0.raninsTaskId) < ($0.workingDaysOverdue, $1.raninsTaskId) }
            report.warn(deadlines.diagnostics.map(\.text), english: deadlines.diagnostics.map(\.description))
            report.overdueUnknown = deadlines.unknownRounds.isEmpty ? nil : deadlines.unknownRounds.count
        } catch {
            report.warn([Message(.nightOverdueUncomputed, ["reason": "\(error)"])])
        }
        report.overdue = report.overdueRounds.count
        do {
            if let targets = try DrawStore.targets(store: store, configuration: configuration) {
                report.targets = targets
                report.planTargets = targets.lines
                report.warn(targets.warningTexts)
            }
        } catch {
            report.warn([Message(.nightTargetsUnmeasured, ["reason": "\(error)"])])
        }
        if failure != nil {
            report.exitCode = ExitStatus.failure.rawValue
        } else if report.filesRejected > 0 || report.rowsRejected > 0 || !report.blockedDraws.isEmpty {
            report.exitCode = ExitStatus.dataRejected.rawValue
        } else if report.overdueUnknown != nil {
            report.exitCode = ExitStatus.configuration.rawValue
        } else {
            report.exitCode = ExitStatus.success.rawValue
        }
        return report
    }
}
