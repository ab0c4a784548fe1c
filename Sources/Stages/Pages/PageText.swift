// Every text of the pages, in one place: `Resources/page-text.json`, a table of keys each with its
// Chinese (`zh`) and English (`en`) text, compiled into suiji. `PageKey` names the keys the code
// uses, so a key missing from the table is a test failure (PageTextTests), never a blank on a page.
// A text may hold named slots, `{date}`, filled when it is used; both languages have the same slots.
// Slots are filled by the message catalogue's one renderer (MessageCatalogue.swift).

internal import Foundation
internal import Pipeline

/// The keys of `page-text.json` the pages use.
enum PageKey: String, Sendable, CaseIterable {
    // The night's page.
    case nightTitle = "night.title"
    case nightVerdictOK = "night.verdict.ok"
    case nightVerdictRejected = "night.verdict.rejected"
    case nightVerdictFailed = "night.verdict.failed"
    case nightFailure = "night.failure"
    case nightFiguresCaption = "night.figures"
    case figureFilesTaken = "figure.filesTaken"
    case figureFilesRefused = "figure.filesRefused"
    case figureRowsImported = "figure.rowsImported"
    case figureRowsRejected = "figure.rowsRejected"
    case figureAwaitingSeed = "figure.awaitingSeed"
    case figureDraws = "figure.draws"
    case figurePublications = "figure.publications"
    case figureOverdue = "figure.overdue"
    case departmentsTitle = "departments.title"
    case departmentsColumnDepartment = "departments.column.department"
    case departmentsColumnTaken = "departments.column.taken"
    case departmentsColumnRefused = "departments.column.refused"
    case departmentsColumnImported = "departments.column.imported"
    case departmentsColumnRejected = "departments.column.rejected"
    case departmentsKindResults = "departments.kind.results"
    case departmentsKindPlan = "departments.kind.plan"
    case departmentsKindSeeds = "departments.kind.seeds"
    case departmentsKindAvoidance = "departments.kind.avoidance"
    case filesTitle = "files.title"
    case filesColumnOutcome = "files.column.outcome"
    case filesColumnFile = "files.column.file"
    case filesColumnNote = "files.column.note"
    case outcomeImported = "outcome.imported"
    case outcomeSkipped = "outcome.skipped"
    case outcomeRejected = "outcome.rejected"
    case filesRejectsLink = "files.rejectsLink"
    case rejectsTitle = "rejects.title"
    case rejectsExplain = "rejects.explain"
    case rejectsColumnReason = "rejects.column.reason"
    case rejectsColumnRows = "rejects.column.rows"
    case rejectsColumnFiles = "rejects.column.files"
    case commitmentsTitle = "commitments.title"
    case commitmentsExplain = "commitments.explain"
    case commitmentsColumnGroup = "commitments.column.group"
    case commitmentsColumnRound = "commitments.column.round"
    case commitmentsColumnHash = "commitments.column.hash"
    case commitmentsColumnPrepared = "commitments.column.prepared"
    case commitmentsPreparedTonight = "commitments.preparedTonight"
    case drawsTitle = "draws.title"
    case drawsExplain = "draws.explain"
    case drawsTonight = "draws.tonight"
    case drawsRoundHeading = "draws.roundHeading"
    case drawsDates = "draws.dates"
    case drawsSeed = "draws.seed"
    case drawsDrawnBar = "draws.drawnBar"
    case drawsColumnRound = "draws.column.round"
    case drawsColumnDrawn = "draws.column.drawn"
    case drawsColumnSeed = "draws.column.seed"
    case drawsColumnRatio = "draws.column.ratio"
    case drawsTotal = "draws.total"
    case drawsEmpty = "draws.empty"
    case riskClassA = "risk.A"
    case riskClassB = "risk.B"
    case riskClassC = "risk.C"
    case riskClassD = "risk.D"
    case blockedTitle = "blocked.title"
    case deadlinesTitle = "deadlines.title"
    case deadlinesExplain = "deadlines.explain"
    case deadlinesColumnTask = "deadlines.column.task"
    case deadlinesColumnDue = "deadlines.column.due"
    case deadlinesColumnStatus = "deadlines.column.status"
    case deadlinesColumnProgress = "deadlines.column.progress"
    case deadlinesColumnTimeline = "deadlines.column.timeline"
    case deadlinesOverdue = "deadlines.overdue"
    case deadlinesDueSoon = "deadlines.dueSoon"
    case deadlinesNotDrawn = "deadlines.notDrawn"
    case deadlinesResults = "deadlines.results"
    case deadlinesToPublish = "deadlines.toPublish"
    case deadlinesAxis = "deadlines.axis"
    case publicationsTitle = "publications.title"
    case publicationsColumnTask = "publications.column.task"
    case publicationsColumnAdded = "publications.column.added"
    case publicationsColumnChanged = "publications.column.changed"
    case publicationsColumnWithdrawn = "publications.column.withdrawn"
    case targetsTitle = "targets.title"
    case targetsApplication = "targets.application"
    case targetsApplicationNone = "targets.application.none"
    case targetsCoverage = "targets.coverage"
    case targetsCoverageNone = "targets.coverage.none"
    case targetsWithoutList = "targets.withoutList"
    case targetsBelow = "targets.below"
    case targetsMet = "targets.met"
    case ignoredTitle = "ignored.title"
    case warningsTitle = "warnings.title"
    case none = "none"
    case listSeparator = "separator.list"
    case clauseSeparator = "separator.clause"
    case footerReports = "footer.reports"
    case footerText = "footer.text"
    case footerGenerator = "footer.generator"
    // The index of nights.
    case indexTitle = "index.title"
    case indexTrends = "index.trends"
    case indexTrendRows = "index.trend.rows"
    case indexTrendRejects = "index.trend.rejects"
    case indexTrendOverdue = "index.trend.overdue"
    case indexTrendRange = "index.trend.range"
    case indexNights = "index.nights"
    case indexColumnNight = "index.column.night"
    case indexColumnExit = "index.column.exit"
    case indexNone = "index.none"
    // The public pages.
    case publicTitle = "public.title"
    case publicIntro = "public.intro"
    case publicPlan = "public.plan"
    case publicColumnTaskID = "public.column.taskId"
    case publicColumnTask = "public.column.task"
    case publicColumnType = "public.column.type"
    case publicColumnAuthority = "public.column.authority"
    case publicColumnDates = "public.column.dates"
    case publicColumnStatus = "public.column.status"
    case publicStatusPublished = "public.status.published"
    case publicStatusDrawn = "public.status.drawn"
    case publicStatusCommitted = "public.status.committed"
    case publicStatusPending = "public.status.pending"
    case publicRoundTitle = "public.round.title"
    case publicBack = "public.back"
    case publicTaskSection = "public.task"
    case publicPlanName = "public.planName"
    case publicPlanID = "public.planId"
    case publicTaskID = "public.taskId"
    case publicTaskName = "public.taskName"
    case publicType = "public.type"
    case publicInitiator = "public.initiator"
    case publicCooperators = "public.cooperators"
    case publicRoundDates = "public.roundDates"
    case publicMatters = "public.matters"
    case publicPopulation = "public.population"
    case publicPopulationValue = "public.population.value"
    case publicDrawSection = "public.draw"
    case publicDrawExplain = "public.draw.explain"
    case publicCommitment = "public.commitment"
    case publicCommitmentDate = "public.commitmentDate"
    case publicSeed = "public.seed"
    case publicSeedDate = "public.seedDate"
    case publicDrawDate = "public.drawDate"
    case publicLedgerEntry = "public.ledgerEntry"
    case publicLedgerValue = "public.ledgerEntry.value"
    case publicVerifySection = "public.verify"
    case publicVerifyStep1 = "public.verify.step1"
    case publicVerifyStep2 = "public.verify.step2"
    case publicVerifyStep3 = "public.verify.step3"
    case publicVerifyStep4 = "public.verify.step4"
    case publicVerifyWithheld = "public.verify.withheld"
    case publicVerifyUnavailable = "public.verify.unavailable"
    case publicResultsSection = "public.results"
    case publicColumnName = "public.column.name"
    case publicColumnUSCC = "public.column.uscc"
    case publicColumnDate = "public.column.date"
    case publicColumnResult = "public.column.result"
    case publicResultPending = "public.result.pending"
    case publicResultLine = "public.result.line"
    case publicDatesSection = "public.dates"
    case publicFirstPublished = "public.firstPublished"
    case publicLastChanged = "public.lastChanged"
    case publicFooter = "public.footer"
}

/// The pages' texts in one language.
struct PageText: Sendable {
    /// The language.
    let language: UILanguage
    private let table: [String: [String: String]]

    /// The table compiled into suiji.
    static func bundled(_ language: UILanguage) throws -> PageText {
        try PageText(language: language, json: EmbeddedResources.data(named: "page-text.json"))
    }

    /// A table read from JSON text: `{"key": {"zh": "…", "en": "…"}, …}`.
    init(language: UILanguage, json: Data) throws {
        self.language = language
        self.table = try JSONDecoder().decode([String: [String: String]].self, from: json)
    }

    /// Every key of the table.
    var keys: [String] { table.keys.sorted() }

    /// The raw text of a key in a language (nil when the table lacks it).
    func raw(_ key: String, _ language: UILanguage) -> String? { table[key]?[language.rawValue] }

    /// The text of `key` with its `{slot}`s filled from `values` (``MessageCatalogue/fill(_:_:)``, the one
    /// renderer of slots). A key the table lacks gives the key itself (PageTextTests make sure none does).
    func callAsFunction(_ key: PageKey, _ values: [String: String] = [:]) -> String {
        MessageCatalogue.fill(table[key.rawValue]?[language.rawValue] ?? key.rawValue, values)
    }

    /// The `{slot}` names of a text, sorted.
    static func slots(in text: String) -> [String] { MessageCatalogue.slots(in: text) }
}
