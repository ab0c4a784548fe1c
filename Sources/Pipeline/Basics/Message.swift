// Texts a person reads, as data: a key of the message catalogue (`Pipeline/Resources/messages.json`,
// every key in Chinese and English) and the values of its `{slots}`, rendered at the edge in the
// language in force (`--lang`, else `[ui] language`, else the locale). Machine formats (JSON keys,
// exit codes, CSV headers of machine files) stay language-neutral.

/// A text for people: a catalogue key and the values of its slots.
public struct Message: Sendable, Hashable {
    /// The catalogue key.
    public var key: MessageKey
    /// The values of the text's `{slots}`, by slot name.
    public var values: [String: String]

    /// Texts inside this one (`{slot}` filled with another message in the same language), by slot name.
    public var parts: [String: Message]

    /// Creates a message.
    public init(_ key: MessageKey, _ values: [String: String] = [:], parts: [String: Message] = [:]) {
        self.key = key
        self.values = values
        self.parts = parts
    }

    /// A text that comes whole from elsewhere (a library's or the system's own words).
    public init(verbatim text: String) { self.init(.verbatim, ["text": text]) }

    /// The English words, which machine formats and stored records keep.
    public var english: String { MessageCatalogue(.en)(self) }

    /// `items` as one text, joined by `separator` (``MessageKey/listSemicolon`` or ``MessageKey/listComma``);
    /// nil when there are none.
    public static func list(_ items: [Message], _ separator: MessageKey = .listSemicolon) -> Message? {
        guard var joined = items.last else { return nil }
        for item in items.dropLast().reversed() { joined = Message(separator, parts: ["first": item, "rest": joined]) }
        return joined
    }
}

/// The keys of the message catalogue. A key the catalogue lacks in either language fails the tests
/// (MessageCatalogueTests), as does a catalogue key no code names.
public enum MessageKey: String, Sendable, Hashable, CaseIterable {
    /// `error: ` before an error's text.
    case errorPrefix = "error.prefix"
    /// `--lang` with a value that is not a language.
    case usageBadLang = "usage.badLang"
    /// `note: ` before a note.
    case notePrefix = "note.prefix"
    /// `warning: ` before a warning.
    case warningPrefix = "warning.prefix"
    /// No configuration where the command runs.
    case setupNoConfiguration = "setup.noConfiguration"
    /// The configuration sets no region or year.
    case setupNoRegionOrYear = "setup.noRegionOrYear"
    /// A store a command reads is not there.
    case setupNoStore = "setup.noStore"
    /// A command creates the store.
    case setupCreatingStore = "setup.creatingStore"
    /// The inbox folder is not there.
    case setupNoInbox = "setup.noInbox"
    /// No plan for the night.
    case setupNoPlanForNight = "setup.noPlanForNight"
    /// No plan stored that matches.
    case setupNoPlanStored = "setup.noPlanStored"
    /// Several plans match.
    case setupSeveralPlans = "setup.severalPlans"
    /// The demo folder was not made by suiji.
    case setupDemoFolderRefused = "setup.demoFolderRefused"
    /// The demo was given a PostgreSQL database that already holds the demo county's rows.
    case setupDemoLaneNotEmpty = "setup.demoLaneNotEmpty"
    /// What was given when looking for a plan, in parentheses.
    case setupPlanGiven = "setup.planGiven"
    /// A year given when looking for a plan.
    case setupPlanGivenYear = "setup.planGivenYear"
    /// A region given when looking for a plan.
    case setupPlanGivenRegion = "setup.planGivenRegion"
    /// Separates the items of a list.
    case wordListSeparator = "word.listSeparator"
    /// "region" in a list of missing settings.
    case wordRegion = "word.region"
    /// "year" in a list of missing settings.
    case wordYear = "word.year"
    /// Joins two missing settings.
    case wordOr = "word.or"
    /// The night's summary line.
    case nightSummary = "night.summary"
    /// The night's summary: files rejected, in parentheses.
    case nightSummaryFilesRejected = "night.summary.filesRejected"
    /// The night's summary: blocked draws, in parentheses.
    case nightSummaryBlocked = "night.summary.blocked"
    /// The night's summary: rounds with an unknown due date.
    case nightSummaryUnknown = "night.summary.unknown"
    /// The night's summary: the failed stage.
    case nightSummaryFailed = "night.summary.failed"
    /// Where the night's report is.
    case nightReportPath = "night.reportPath"
    /// The deadline report: nothing due.
    case reportNothingDue = "report.nothingDue"
    /// The deadline report: counts of overdue and due soon.
    case reportCounts = "report.counts"
    /// The deadline report: rounds with an unknown due date.
    case reportUnknown = "report.unknown"
    /// The deadline report's column headers, separated by `|`.
    case reportHeaders = "report.headers"
    /// A round not drawn yet.
    case reportNotDrawn = "report.notDrawn"
    /// A round's results so far.
    case reportResults = "report.results"
    /// Records still to publish.
    case reportToPublish = "report.toPublish"
    /// Working days overdue.
    case reportDaysOverdue = "report.daysOverdue"
    /// Working days left.
    case reportDaysLeft = "report.daysLeft"
    /// The status of a round: overdue.
    case reportStatusOverdue = "report.status.overdue"
    /// The status of a round: due soon.
    case reportStatusDueSoon = "report.status.dueSoon"
    /// Help: the abstract of `suiji avoidance`.
    case helpAvoidance = "help.avoidance"
    /// Help: the abstract of `suiji avoidance import`.
    case helpAvoidanceImport = "help.avoidance.import"
    /// Help: the abstract of `suiji config`.
    case helpConfig = "help.config"
    /// Help: the abstract of `suiji config example`.
    case helpConfigExample = "help.config.example"
    /// Help: the abstract of `suiji demo`.
    case helpDemo = "help.demo"
    /// Help: the abstract of `suiji draw`.
    case helpDraw = "help.draw"
    /// Help: the abstract of `suiji draw coverage`.
    case helpDrawCoverage = "help.draw.coverage"
    /// Help: the abstract of `suiji draw export`.
    case helpDrawExport = "help.draw.export"
    /// Help: the abstract of `suiji draw list`.
    case helpDrawList = "help.draw.list"
    /// Help: the abstract of `suiji draw prepare`.
    case helpDrawPrepare = "help.draw.prepare"
    /// Help: the abstract of `suiji draw quotas`.
    case helpDrawQuotas = "help.draw.quotas"
    /// Help: the abstract of `suiji draw run`.
    case helpDrawRun = "help.draw.run"
    /// Help: the abstract of `suiji draw show`.
    case helpDrawShow = "help.draw.show"
    /// Help: the abstract of `suiji draw tickets`.
    case helpDrawTickets = "help.draw.tickets"
    /// Help: the abstract of `suiji draw verify`.
    case helpDrawVerify = "help.draw.verify"
    /// Help: the abstract of `suiji draw verify-ledger`.
    case helpDrawVerifyLedger = "help.draw.verifyLedger"
    /// Help: the abstract of `suiji import`.
    case helpImport = "help.import"
    /// Help: the abstract of `suiji inspectors`.
    case helpInspectors = "help.inspectors"
    /// Help: the abstract of `suiji inspectors import`.
    case helpInspectorsImport = "help.inspectors.import"
    /// Help: the abstract of `suiji matters`.
    case helpMatters = "help.matters"
    /// Help: the abstract of `suiji matters import`.
    case helpMattersImport = "help.matters.import"
    /// Help: the abstract of `suiji plan`.
    case helpPlan = "help.plan"
    /// Help: the abstract of `suiji plan check`.
    case helpPlanCheck = "help.plan.check"
    /// Help: the abstract of `suiji plan import`.
    case helpPlanImport = "help.plan.import"
    /// Help: the abstract of `suiji plan show`.
    case helpPlanShow = "help.plan.show"
    /// Help: the abstract of `suiji publish`.
    case helpPublish = "help.publish"
    /// Help: the abstract of `suiji report`.
    case helpReport = "help.report"
    /// Help: the abstract of `suiji results`.
    case helpResults = "help.results"
    /// Help: the abstract of `suiji results import`.
    case helpResultsImport = "help.results.import"
    /// Help: the abstract of `suiji run`.
    case helpRun = "help.run"
    /// Help: the abstract of `suiji`.
    case helpSuiji = "help.suiji"
    /// Help: the discussion of `suiji` (exit codes, language).
    case helpSuijiDiscussion = "help.suiji.discussion"
    /// Help: the abstract of `suiji watchlist`.
    case helpWatchlist = "help.watchlist"
    /// Help: the abstract of `suiji watchlist import`.
    case helpWatchlistImport = "help.watchlist.import"
    /// The night's run.txt: suiji nightly run, date: exit exit, verdict
    case nightTextHeader = "night.text.header"
    /// The night's run.txt: all went well
    case nightTextVerdictOk = "night.text.verdict.ok"
    /// The night's run.txt: some input was rejected or a draw was blocked: see below
    case nightTextVerdictRejected = "night.text.verdict.rejected"
    /// The night's run.txt: some due dates are unknown: the working-day calendar does not cover th
    case nightTextVerdictUnknown = "night.text.verdict.unknown"
    /// The night's run.txt: stage 'stage' failed; the stages before it stay done
    case nightTextVerdictFailed = "night.text.verdict.failed"
    /// The night's run.txt: failure: failure
    case nightTextFailure = "night.text.failure"
    /// The night's run.txt: none
    case nightTextNone = "night.text.none"
    /// The night's run.txt: Files taken
    case nightTextFiles = "night.text.files"
    /// The night's run.txt: outcome|file|rows|rejected|note
    case nightTextFilesHeaders = "night.text.files.headers"
    /// The night's run.txt: rejected rows: path
    case nightTextFilesRejects = "night.text.files.rejects"
    /// The night's run.txt: Rows per department
    case nightTextDepartments = "night.text.departments"
    /// The night's run.txt: department|files|imported|rejected
    case nightTextDepartmentsHeaders = "night.text.departments.headers"
    /// The night's run.txt: Commitments prepared tonight: publish each before its seed
    case nightTextPrepared = "night.text.prepared"
    /// The night's run.txt: Commitments awaiting a seed (inbox/seeds/<group>-R<round>.txt)
    case nightTextAwaiting = "night.text.awaiting"
    /// The night's run.txt: group round round  sha256
    case nightTextCommitment = "night.text.commitment"
    /// The night's run.txt: group round round  sha256  prepared date
    case nightTextCommitmentPrepared = "night.text.commitment.prepared"
    /// The night's run.txt: Draws
    case nightTextDraws = "night.text.draws"
    /// The night's run.txt: group round round: drawn drawn with seed 'seed' (ledger #seq)
    case nightTextDraw = "night.text.draw"
    /// The night's run.txt: Draws blocked
    case nightTextBlocked = "night.text.blocked"
    /// The night's run.txt: group round round: reason
    case nightTextBlockedLine = "night.text.blockedLine"
    /// The night's run.txt: Publications
    case nightTextPublications = "night.text.publications"
    /// The night's run.txt: task: added added, changed changed, withdrawn withdrawn
    case nightTextPublication = "night.text.publication"
    /// The night's run.txt: Overdue rounds
    case nightTextOverdue = "night.text.overdue"
    /// The night's run.txt: task name: due due, days working days overdue; progress
    case nightTextOverdueLine = "night.text.overdueLine"
    /// The night's run.txt: Plan targets
    case nightTextTargets = "night.text.targets"
    /// The night's run.txt: Not taken, left in place
    case nightTextIgnored = "night.text.ignored"
    /// The night's run.txt: Warnings
    case nightTextWarnings = "night.text.warnings"
    /// An import's summary: imported the kindwho from file
    case importHeadImported = "import.head.imported"
    /// An import's summary: dry run, nothing written: importing file as the kindwho would give
    case importHeadDryRun = "import.head.dryRun"
    /// An import's summary: refused file as the kindwho; the store is unchanged. It would give
    case importHeadRefused = "import.head.refused"
    /// An import's summary: file: the same file (sha256 sha…) is already the latest kindwho; nothi
    case importUnchanged = "import.unchanged"
    /// An import's summary: file: the file was rejected; the store is unchanged
    case importFileRejected = "import.fileRejected"
    /// An import's summary: file: the file changed while it was read; the store is unchanged
    case importChangedWhileRead = "import.changedWhileRead"
    /// An import's summary:  of department
    case importWho = "import.who"
    /// An import's summary: register
    case importKindRegister = "import.kind.register"
    /// An import's summary: inspectors
    case importKindInspectors = "import.kind.inspectors"
    /// An import's summary: avoidance
    case importKindAvoidance = "import.kind.avoidance"
    /// An import's summary: entities
    case importNounRegister = "import.noun.register"
    /// An import's summary: inspectors
    case importNounInspectors = "import.noun.inspectors"
    /// An import's summary: pairs
    case importNounAvoidance = "import.noun.avoidance"
    /// An import's summary: head: rows|row|rows read, #imported imported, #rejected rejected; noun
    case importCounts = "import.counts"
    /// An import's summary: , #count kept as they were (new row rejected)
    case importRetained = "import.retained"
    /// An import's summary: rejected rows written to path
    case importRejectsWritten = "import.rejectsWritten"
    /// A results or list import's summary: rows|row|rows read, #accepted accepted, #rejected rejected;
    case resultsCounts = "results.counts"
    /// A results or list import's summary: imported results from file: counts
    case resultsImported = "results.imported"
    /// A results or list import's summary: dry run, nothing written: importing file would give counts
    case resultsDryRun = "results.dryRun"
    /// A results or list import's summary: file: the same file (sha256 sha…) is already the latest resu
    case resultsUnchanged = "results.unchanged"
    /// A results or list import's summary: watchlist 'scope'
    case listWatchlist = "list.watchlist"
    /// A results or list import's summary: 抽查事项清单 of scope
    case listMatters = "list.matters"
    /// A results or list import's summary: file is already the latest what; nothing to do
    case listUnchanged = "list.unchanged"
    /// A results or list import's summary: dryfile as the what: rows|row|rows read, #imported imported,
    case listSummary = "list.summary"
    /// A results or list import's summary: dry run, nothing written:
    case listDryRun = "list.dryRun"
    /// `suiji publish`: #added to add, #changed to change, #withdrawn to withdraw, #
    case publishCounts = "publish.counts"
    /// `suiji publish`: task (task seq, round round): counts
    case publishRound = "publish.round"
    /// `suiji publish`: wrote file
    case publishWrote = "publish.wrote"
    /// `suiji publish`: dry run, nothing written: counts in rounds|task round|task r
    case publishDryRunChanges = "publish.dryRunChanges"
    /// `suiji publish`: dry run: nothing would change (unchanged records published a
    case publishDryRunNothing = "publish.dryRunNothing"
    /// `suiji publish`: published rounds|task round|task rounds: counts
    case publishPublished = "publish.published"
    /// `suiji publish`: nothing to publish: unchanged records are published as they
    case publishNothing = "publish.nothing"
    /// The draw commands: group round round (start…end) tasks tasks: population #popul
    case drawPrepared = "draw.prepared"
    /// The draw commands: group round round: drew #total of #population (perClass); se
    case drawDrew = "draw.drew"
    /// The draw commands: group round round: re-drew #total of #population (perClass);
    case drawRedrew = "draw.redrew"
    /// The draw commands: nothing to prepare: every round of the selected groups is dr
    case drawNothingToPrepare = "draw.nothingToPrepare"
    /// `draw show`: plan year region: #rounds group rounds; tasks drawn #tasksCo
    case showHead = "show.head"
    /// `draw show`: group round round (start…end) tasks tasks: status
    case showRound = "show.round"
    /// `draw show`: (ledger #seq)
    case showLedger = "show.ledger"
    /// `draw show`: drawn
    case showStatusDrawn = "show.status.drawn"
    /// `draw show`: prepared
    case showStatusPrepared = "show.status.prepared"
    /// `draw show`: not prepared
    case showStatusNotPrepared = "show.status.notPrepared"
    /// `draw show`: empty
    case showStatusEmpty = "show.status.empty"
    /// `draw show`: empty (drawn nothing)
    case showStatusEmptyDrawn = "show.status.emptyDrawn"
    /// `draw show`: population
    case showPopulation = "show.population"
    /// `draw show`: quota
    case showQuota = "show.quota"
    /// `draw show`: drawn
    case showDrawn = "show.drawn"
    /// `draw show`: total
    case showTotal = "show.total"
    /// `draw show`: visits    visits a round
    case showVisits = "show.visits"
    /// `draw show`: watchlist #count members (重点关注)
    case showWatchlist = "show.watchlist"
    /// `draw show`: risk classification applied: rate (#classified of #drawn)
    case showClassification = "show.classification"
    /// `draw show`: warning: below the required 95%
    case showBelowRate = "show.belowRate"
    /// `draw show`: warning: #count short teams
    case showShortTeams = "show.shortTeams"
    /// `draw show`: matters: #count
    case showMatters = "show.matters"
    /// A text that comes whole from elsewhere (a library's or the system's own words), shown as it is.
    case verbatim = "verbatim"
    /// A note about a task of the plan (its text as the plan reader wrote it).
    case planTaskNote = "plan.taskNote"
    /// A value of a task the reader could not read, left unset.
    case planTaskLeftUnset = "plan.taskLeftUnset"
    /// A task with a question for a person.
    case planTaskNeedsReview = "plan.taskNeedsReview"
    /// A plan row with no 序号 and no task above it.
    case planRowWithoutSeq = "plan.rowWithoutSeq"
    /// A 序号 that is not a positive integer.
    case planSeqNotInteger = "plan.seqNotInteger"
    /// An override for a task the plan does not have.
    case planOverrideUnknownTask = "plan.overrideUnknownTask"
    /// A platform code cell that is not a code.
    case planNotPlatformCode = "plan.notPlatformCode"
    /// A required field of a row is empty.
    case rowFieldEmpty = "row.fieldEmpty"
    /// A row's value holds a control character.
    case rowControlCharacter = "row.controlCharacter"
    /// A column named by its number.
    case rowColumnNumber = "row.columnNumber"
    /// A row repeating an earlier row's key; the first is kept.
    case rowRepeatedKept = "row.repeatedKept"
    /// A row repeating an earlier row's key, which was itself rejected.
    case rowRepeatedFirstRejected = "row.repeatedFirstRejected"
    /// The subject of a repeat: a USCC.
    case subjectUSCC = "subject.uscc"
    /// The subject of a repeat: a uscc value of a list.
    case subjectUSCCField = "subject.usccField"
    /// The subject of a repeat: an inspector id.
    case subjectInspector = "subject.inspector"
    /// The subject of a repeat: an inspector and a business.
    case subjectPair = "subject.pair"
    /// The subject of a repeat: a matter.
    case subjectMatter = "subject.matter"
    /// A USCC problem of a legacy 15-digit number, with what to do.
    case rowUSCCLegacy = "row.usccLegacy"
    /// A name with a line break.
    case rowNameLineBreak = "row.nameLineBreak"
    /// A name too long.
    case rowNameTooLong = "row.nameTooLong"
    /// An entity type that is not known.
    case rowEntityType = "row.entityType"
    /// A region code that is not 6 digits.
    case rowRegionCode = "row.regionCode"
    /// A risk class that is not known.
    case rowRiskClass = "row.riskClass"
    /// An address too long.
    case rowAddressTooLong = "row.addressTooLong"
    /// An optional date that is not one, left unset.
    case rowUnreadableDate = "row.unreadableDate"
    /// An inspector id too long or on several lines.
    case rowInspectorID = "row.inspectorID"
    /// A value that must be one line of limited length.
    case rowOneLineAtMost = "row.oneLineAtMost"
    /// A matter on several lines.
    case rowMatterOneLine = "row.matterOneLine"
    /// A matter too long.
    case rowMatterTooLong = "row.matterTooLong"
    /// An empty USCC.
    case usccEmpty = "uscc.empty"
    /// A USCC of the wrong length.
    case usccLength = "uscc.length"
    /// A 15-digit registration number given as a USCC.
    case usccLegacy = "uscc.legacy"
    /// A USCC with a lowercase letter.
    case usccLowercase = "uscc.lowercase"
    /// A USCC with a character outside its alphabet.
    case usccInvalidCharacter = "uscc.invalidCharacter"
    /// A USCC whose region code is not digits.
    case usccRegionNotDigits = "uscc.regionNotDigits"
    /// A USCC whose check character is wrong.
    case usccCheckCharacter = "uscc.checkCharacter"
    /// A results row's action not understood.
    case resultAction = "result.action"
    /// A task cell that is neither a 序号 nor a task id.
    case resultTaskUnknownForm = "result.taskUnknownForm"
    /// A task id of another plan.
    case resultTaskOtherPlan = "result.taskOtherPlan"
    /// A 序号 the plan does not have.
    case resultTaskNotInPlan = "result.taskNotInPlan"
    /// A round that is not a number.
    case resultRoundNotNumber = "result.roundNotNumber"
    /// A round that contradicts the task id.
    case resultRoundContradicts = "result.roundContradicts"
    /// No round for a task of several rounds.
    case resultRoundEmpty = "result.roundEmpty"
    /// A round the task does not have.
    case resultNoSuchRound = "result.noSuchRound"
    /// A result for a round not drawn.
    case resultRoundNotDrawn = "result.roundNotDrawn"
    /// A result for a business not drawn.
    case resultNotDrawn = "result.notDrawn"
    /// A result repeating an earlier row.
    case resultRepeated = "result.repeated"
    /// An inspection date that is not a date.
    case resultDateNotDate = "result.dateNotDate"
    /// No result codes.
    case resultResultsEmpty = "result.resultsEmpty"
    /// A result token not on the national list.
    case resultUnknownCode = "result.unknownCode"
    /// A method not on the national list, kept.
    case resultMethodNotListed = "result.methodNotListed"
    /// An inspection date outside the round, kept.
    case resultDateOutsideRound = "result.dateOutsideRound"
    /// A results cell with no result.
    case resultNoResultIn = "result.noResultIn"
    /// A file with no header row.
    case inputEmptyFile = "input.emptyFile"
    /// A sheet with no header row.
    case inputEmptySheet = "input.emptySheet"
    /// A header column that is not a known field.
    case inputUnknownColumn = "input.unknownColumn"
    /// An XML field that is not a known field.
    case inputUnknownXMLField = "input.unknownXMLField"
    /// Two columns meaning the same field.
    case inputDuplicateColumn = "input.duplicateColumn"
    /// A required column missing.
    case inputMissingColumn = "input.missingColumn"
    /// A required field in no XML record.
    case inputMissingXMLField = "input.missingXMLField"
    /// An XML record giving a field twice.
    case inputXMLFieldTwice = "input.xmlFieldTwice"
    /// A total row, skipped.
    case inputTotalRowSkipped = "input.totalRowSkipped"
    /// A row above the header row, skipped.
    case inputRowAboveHeader = "input.rowAboveHeader"
    /// A row of the wrong width.
    case inputRowWidth = "input.rowWidth"
    /// A cell holding an Excel error value.
    case inputExcelError = "input.excelError"
    /// A formula whose result was never saved.
    case inputNoCachedValue = "input.noCachedValue"
    /// A value of an optional cell left unset.
    case inputLeftUnset = "input.leftUnset"
    /// Merged cells over data rows.
    case inputMergedCells = "input.mergedCells"
    /// More merged ranges than shown.
    case inputMoreMerged = "input.moreMerged"
    /// A quoted field never closed.
    case inputUnclosedQuote = "input.unclosedQuote"
    /// An XML file not valid against the schema.
    case inputNotValidXSD = "input.notValidXSD"
    /// An XML register of another department.
    case inputWrongDepartment = "input.wrongDepartment"
    /// A register naming no department.
    case inputNoDepartment = "input.noDepartment"
    /// An .xls or .et workbook.
    case inputLegacyWorkbook = "input.legacyWorkbook"
    /// A file of a kind suiji does not read.
    case inputNotReadable = "input.notReadable"
    /// --format xlsx on a file that is not a workbook.
    case inputNotWorkbook = "input.notWorkbook"
    /// A path that is not a regular file.
    case inputNotRegularFile = "input.notRegularFile"
    /// What a file is: an Excel binary workbook.
    case inputWhatXLSB = "input.what.xlsb"
    /// What a file is: an OpenDocument file.
    case inputWhatODS = "input.what.ods"
    /// What a file is: a Word document.
    case inputWhatWord = "input.what.word"
    /// What a file is: a ZIP archive.
    case inputWhatZip = "input.what.zip"
    /// A symbolic link not followed.
    case inputSymbolicLink = "input.symbolicLink"
    /// A file that cannot be opened.
    case inputCannotOpen = "input.cannotOpen"
    /// The rejects file's column of the line number.
    case rejectsLine = "rejects.line"
    /// The rejects file's column of the reason.
    case rejectsReason = "rejects.reason"
    /// A rejects file whose header does not end with the reason column.
    case inputNotRejectsFile = "input.notRejectsFile"
    /// A withdrawal with no result to withdraw.
    case resultNothingToWithdraw = "result.nothingToWithdraw"
    /// A plan column that is not known.
    case planUnknownColumn = "plan.unknownColumn"
    /// A second plan column of the same meaning.
    case planSecondColumn = "plan.secondColumn"
    /// A round of a task of a plan, in a warning.
    case publishRoundLabel = "publish.roundLabel"
    /// A round with results no longer in the plan.
    case publishNoLongerInPlan = "publish.noLongerInPlan"
    /// A draw with no population in the ledger.
    case publishNoPopulation = "publish.noPopulation"
    /// A round whose due date cannot be computed.
    case reportDueUnknown = "report.dueUnknown"
    /// A public bundle that cannot be made.
    case pagesBundleUnavailable = "pages.bundleUnavailable"
    /// Help of an option: Print JSON.
    case optJson = "opt.json"
    /// Help of an option: The group key, e.g. 2024-G02.
    case optGroup = "opt.group"
    /// Help of an option: The round.
    case optRound = "opt.round"
    /// Help of an option: The bundle file to write.
    case optOut = "opt.out"
    /// Help of an option: Write the public bundle (no class, no watchlist reason, no a
    case optIsPublic = "opt.isPublic"
    /// Help of an option: Only this draw group, e.g. 2024-G12.
    case optGroup2 = "opt.group2"
    /// Help of an option: Only this round.
    case optRound2 = "opt.round2"
    /// Help of an option: The workbook to write (.xlsx).
    case optXlsx = "opt.xlsx"
    /// Help of an option: Commit to keeping short inspector teams instead of failing.
    case optAllowPartialTeams = "opt.allowPartialTeams"
    /// Help of an option: The public seed, exactly as announced.
    case optSeed = "opt.seed"
    /// Help of an option: Why a group and round already drawn is drawn again (required
    case optReason = "opt.reason"
    /// Help of an option: Keep short inspector teams (reported) instead of failing.
    case optAllowPartialTeams2 = "opt.allowPartialTeams2"
    /// Help of an option: The plan year (default: the configuration's year, or the onl
    case optYear = "opt.year"
    /// Help of an option: The region code (default: the configuration's region).
    case optRegion = "opt.region"
    /// Help of an option: Task numbers (序号) whose groups to take (default: all).
    case optTasks = "opt.tasks"
    /// Help of an option: Every group (the default when no --task is given).
    case optAll = "opt.all"
    /// Help of an option: The round (default: the next undrawn round of each group).
    case optRound3 = "opt.round3"
    /// Help of an option: List each drawn object with its inspectors.
    case optAssignments = "opt.assignments"
    /// Help of an option: The seed string (for a draw: `<public seed>/<group>/<round>`
    case optSeed2 = "opt.seed2"
    /// Help of an option: The ids (USCCs, or `inspectorId/USCC` for inspector tickets)
    case optIds = "opt.ids"
    /// Help of an option: The bundle file.
    case optBundle = "opt.bundle"
    /// Help of an option: A ledger head published elsewhere (64 hex digits) that the l
    case optAnchor = "opt.anchor"
    /// Help of an option: The department that sent the register, e.g. 原平市市场监督管理局 (XML:
    case optDepartment = "opt.department"
    /// Help of an option: The file to import (CSV/TSV, XML or an Excel .xlsx workbook)
    case optFile = "opt.file"
    /// Help of an option: csv, xml or xlsx (default: a workbook by its content, else b
    case optFormat = "opt.format"
    /// Help of an option: The worksheet of a workbook: its name or its number (default
    case optSheet = "opt.sheet"
    /// Help of an option: auto, utf-8 or gb18030 (CSV; XML names its encoding in its d
    case optEncoding = "opt.encoding"
    /// Help of an option: Validate and print what would change, without writing anythi
    case optDryRun = "opt.dryRun"
    /// Help of an option: Accept a snapshot that removes more than 20% of the current
    case optAllowMassRemoval = "opt.allowMassRemoval"
    /// Help of an option: Validate an XML register against the bundled XSD (Resources/
    case optValidate = "opt.validate"
    /// Help of an option: The department the inspectors belong to.
    case optDepartment2 = "opt.department2"
    /// Help of an option: The department whose list it is, as the plan names it.
    case optDepartment3 = "opt.department3"
    /// Help of an option: Why these entities are watched, e.g. 经营异常名录, 投诉举报较多, 严重违法失信.
    case optReason2 = "opt.reason2"
    /// Help of an option: The workspace folder to create: a new or empty folder, or on
    case optWorkspace = "opt.workspace"
    /// Help of an option: where the demo's nights keep what they take in (SQLite, or a PostgreSQL database).
    case optDemoStore = "opt.demoStore"
    /// Help of an option: Log level of the runs' log lines on standard error (default:
    case optLogLevel = "opt.logLevel"
    /// Help of an option: The configuration file (default: ./suiji.toml if present).
    case optConfig = "opt.config"
    /// Help of an option: Log level: trace, debug, info, notice, warning, error, criti
    case optLogLevel2 = "opt.logLevel2"
    /// Help of an option: Log format: text or json (default: the configuration's log.f
    case optLogFormat = "opt.logFormat"
    /// Help of an option: Store the plan even if it removes more than 20% of the store
    case optAllowMassRemoval2 = "opt.allowMassRemoval2"
    /// Help of an option: The plan file.
    case optFile2 = "opt.file2"
    /// Help of an option: The plan year (default: the plan's title, else the configura
    case optYear2 = "opt.year2"
    /// Help of an option: The 6-digit region code (default: the configuration's region
    case optRegion2 = "opt.region2"
    /// Help of an option: auto, utf-8 or gb18030.
    case optEncoding2 = "opt.encoding2"
    /// Help of an option: Print JSON instead of a table.
    case optJson2 = "opt.json2"
    /// Help of an option: The output folder (default: the configuration's paths.outbox
    case optOut2 = "opt.out2"
    /// Help of an option: Print the diff against the publication ledger; write nothing
    case optDryRun2 = "opt.dryRun2"
    /// Help of an option: Print the report as JSON.
    case optJson3 = "opt.json3"
    /// Help of an option: The SQLite store (default: the configuration's `store`, else
    case optStore = "opt.store"
    /// Help of an option: The day, YYYY-MM-DD (default: today in the local time zone).
    case optToday = "opt.today"
    /// Help of `run --quiet`.
    case optQuiet = "opt.quiet"
    /// Help of `--rejects`.
    case optRejects = "opt.rejects"
    /// Help: the discussion of `suiji watchlist import`.
    case helpWatchlistImportDiscussion = "help.watchlist.import.discussion"
    /// Help: the discussion of `suiji matters import`.
    case helpMattersImportDiscussion = "help.matters.import.discussion"
    /// Help: the discussion of `suiji draw coverage`.
    case helpDrawCoverageDiscussion = "help.draw.coverage.discussion"
    /// Help: the discussion of `suiji draw verify-ledger`.
    case helpVerifyLedgerDiscussion = "help.draw.verifyLedger.discussion"
    /// Help: the discussion of `suiji draw export`.
    case helpDrawExportDiscussion = "help.draw.export.discussion"
    /// Help: the discussion of `suiji run`.
    case helpRunDiscussion = "help.run.discussion"
    /// Help: the discussion of `suiji publish`.
    case helpPublishDiscussion = "help.publish.discussion"
    /// Help: the discussion of `suiji config example`.
    case helpConfigExampleDiscussion = "help.config.example.discussion"
    /// `--reason` of a watchlist not one line.
    case usageReasonOneLine = "usage.reasonOneLine"
    /// `--department` of a matter list not one line.
    case usageDepartmentOneLine = "usage.departmentOneLine"
    /// `--today` not a date.
    case usageToday = "usage.today"
    /// `--region` not 6 digits.
    case usageRegion = "usage.region"
    /// `--year` out of range.
    case usageYear = "usage.year"
    /// `--round` below 1.
    case usageRoundOneOrMore = "usage.roundOneOrMore"
    /// Both `--task` and `--all`.
    case usageTaskOrAll = "usage.taskOrAll"
    /// `--anchor` not a hash.
    case usageAnchor = "usage.anchor"
    /// `--seed` not acceptable.
    case usageSeed = "usage.seed"
    /// `suiji demo --store` given something other than a PostgreSQL URL.
    case usageDemoStore = "usage.demoStore"
    /// Both `--quiet` and `--log-level`.
    case usageQuietOrLogLevel = "usage.quietOrLogLevel"
    /// No `--department` for a CSV or XLSX register.
    case usageDepartmentRequired = "usage.departmentRequired"
    /// A configuration value that is not what it must be.
    case configFound = "config.found"
    /// Expected: a region code.
    case configRegion = "config.expect.region"
    /// Expected: a year.
    case configYear = "config.expect.year"
    /// Expected: lead days.
    case configLeadDays = "config.expect.leadDays"
    /// Expected: a boolean.
    case configBool = "config.expect.bool"
    /// Expected: a salting secret.
    case configSaltKey = "config.expect.saltKey"
    /// Expected: an array of tables.
    case configArrayOfTables = "config.expect.arrayOfTables"
    /// Expected: a table with a task key.
    case configTableWithTask = "config.expect.tableWithTask"
    /// Expected: a task number.
    case configTaskNumber = "config.expect.taskNumber"
    /// Expected: a ratio.
    case configRatio = "config.expect.ratio"
    /// Expected: an integer of at least 1.
    case configAtLeastOne = "config.expect.atLeastOne"
    /// Expected: a team size.
    case configMinimumTeam = "config.expect.minimumTeam"
    /// Expected: a load cap.
    case configLoadCap = "config.expect.loadCap"
    /// Expected: publication formats.
    case configFormats = "config.expect.formats"
    /// Expected: a publication format.
    case configFormat = "config.expect.format"
    /// Expected: a table.
    case configTable = "config.expect.table"
    /// Expected: a path.
    case configPath = "config.expect.path"
    /// Expected: a non-empty path.
    case configNonEmptyPath = "config.expect.nonEmptyPath"
    /// Expected: one of some names.
    case configOneOf = "config.expect.oneOf"
    /// Expected: a table of the four classes.
    case configClassTable = "config.expect.classTable"
    /// Expected: a number between 0 and a maximum.
    case configNumberBetween = "config.expect.numberBetween"
    /// Expected: a finite number.
    case configFiniteNumber = "config.expect.finiteNumber"
    /// Visits that are not whole numbers from 1 to 12.
    case configVisits = "config.visits"
    /// The fixed policy without a fixed table.
    case configFixedMissing = "config.fixedMissing"
    /// An override with the fixed policy and no fixed table.
    case configFixedMissingOverride = "config.fixedMissingOverride"
    /// An override repeating a task.
    case configOverrideRepeats = "config.overrideRepeats"
    /// An override with no task.
    case configOverrideNoTask = "config.overrideNoTask"
    /// An override giving both ratio and count.
    case configRatioAndCount = "config.ratioAndCount"
    /// A publication format listed twice.
    case configFormatTwice = "config.formatTwice"
    /// An unknown key.
    case configUnknownKey = "config.unknownKey"
    /// The place of known top-level keys.
    case configKnownTopLevel = "config.knownTopLevel"
    /// The place of known keys in a table.
    case configKnownIn = "config.knownIn"
    /// A class table missing classes.
    case configMissingClasses = "config.missingClasses"
    /// A configuration file that is not there.
    case configNoFile = "config.noFile"
    /// A configuration path that is a folder.
    case configIsFolder = "config.isFolder"
    /// A configuration file that cannot be read.
    case configCannotRead = "config.cannotRead"
    /// A configuration file that is not UTF-8.
    case configNotUTF8 = "config.notUTF8"
    /// A TOML syntax error (the parser's own words after it).
    case configTOMLSyntax = "config.tomlSyntax"
    /// XML bytes that cannot be decoded (libxml2's words after it).
    case xmlDecoding = "xml.decoding"
    /// An XML entity other than the predefined ones.
    case xmlEntity = "xml.entity"
    /// An XML text over libxml2's limit.
    case xmlHugeText = "xml.hugeText"
    /// An XML file that ends before an element is closed.
    case xmlCutShort = "xml.cutShort"
    /// An XML file with no element.
    case xmlNoElement = "xml.noElement"
    /// XML that is not well-formed (libxml2's words after it).
    case xmlNotWellFormed = "xml.notWellFormed"
    /// XML that cannot be read (libxml2's words after it).
    case xmlCannotRead = "xml.cannotRead"
    /// An XML file with a DOCTYPE.
    case xmlDoctype = "xml.doctype"
    /// An XML file in UTF-16, UTF-32 or EBCDIC.
    case xmlUTF16 = "xml.utf16"
    /// An XML declaration naming an encoding suiji does not read.
    case xmlEncoding = "xml.encoding"
    /// An XML root element of another name.
    case xmlRootElement = "xml.rootElement"
    /// Text directly inside an element that holds fields.
    case xmlTextInside = "xml.textInside"
    /// A record element and its line.
    case xmlPlaceRecord = "xml.placeRecord"
    /// A record with too many fields.
    case xmlTooManyFields = "xml.tooManyFields"
    /// A field text too long.
    case xmlFieldTooLong = "xml.fieldTooLong"
    /// An attribute too long.
    case xmlAttributeTooLong = "xml.attributeTooLong"
    /// A problem in a part of a workbook.
    case xlsxPartText = "xlsx.partText"
    /// An element other than the records inside the root.
    case xmlUnexpectedElement = "xml.unexpectedElement"
    /// A field element with attributes.
    case xmlFieldAttributes = "xml.fieldAttributes"
    /// An element nested inside a field.
    case xmlNested = "xml.nested"
    /// A field element and its line.
    case xmlOuterField = "xml.outerField"
    /// A field, unnamed.
    case xmlAField = "xml.aField"
    /// A workbook with no worksheet.
    case xlsxNoWorksheet = "xlsx.noWorksheet"
    /// A --sheet the workbook does not have.
    case xlsxNoSuchSheet = "xlsx.noSuchSheet"
    /// A --sheet that is not a worksheet.
    case xlsxNotWorksheet = "xlsx.notWorksheet"
    /// A ZIP whose directory cannot be read.
    case xlsxDamagedZip = "xlsx.damagedZip"
    /// A ZIP without xl/workbook.xml.
    case xlsxNoWorkbookPart = "xlsx.noWorkbookPart"
    /// A plan sheet with too many rows.
    case xlsxTooManyRows = "xlsx.tooManyRows"
    /// Merged ranges covering too many cells.
    case xlsxTooManyMerged = "xlsx.tooManyMerged"
    /// A sheet with no part in the package.
    case xlsxNoSheetPart = "xlsx.noSheetPart"
    /// A plan imported again with the same bytes.
    case planUnchanged = "plan.unchanged"
    /// A plan imported the first time.
    case planImported = "plan.imported"
    /// A plan updated with no task changed in content.
    case planUpdatedSame = "plan.updatedSame"
    /// A plan updated, with its tasks added, changed and removed.
    case planUpdated = "plan.updated"
    /// None, in a list.
    case wordNone = "word.none"
    /// The title of `plan show`.
    case planShowTitle = "plan.show.title"
    /// The column headers of `plan show`, separated by `|`.
    case planShowHeaders = "plan.show.headers"
    /// The footer of `plan show` when tasks need review.
    case planShowReview = "plan.show.review"
    /// After a plan import, the tasks that need review.
    case planImportReview = "plan.import.review"
    /// A dry run given --rejects.
    case importDryRunNoRejects = "import.dryRunNoRejects"
    /// More rejected rows than a dry run lists.
    case importMoreRejected = "import.moreRejected"
    /// A warning: risk classification applied below 95%.
    case targetsBelowRate = "targets.belowRate"
    /// A warning: a department's matter list covered below 80%.
    case targetsBelowCoverage = "targets.belowCoverage"
    /// The risk classification applied this year.
    case targetsRate = "targets.rate"
    /// The risk classification applied this year, nothing drawn.
    case targetsNothingDrawn = "targets.nothingDrawn"
    /// A department's matter coverage.
    case targetsCoverage = "targets.coverage"
    /// No matter list imported.
    case targetsNoList = "targets.noList"
    /// Departments whose coverage is not measured.
    case targetsNotMeasured = "targets.notMeasured"
    /// In a field-level diff: a side that has no value.
    case publishFieldAbsent = "publish.fieldAbsent"
    /// A public bundle whose class counts tell each member's class.
    case drawPublicCountsReveal = "draw.publicCountsReveal"
    /// A team short of inspectors.
    case drawShortTeam = "draw.shortTeam"
    /// A note about a group's round (its text after it).
    case drawRoundNote = "draw.roundNote"
    /// The ledger verified.
    case ledgerOK = "ledger.ok"
    /// The anchor found in the ledger.
    case ledgerAnchorFound = "ledger.anchorFound"
    /// A bundle file that cannot be read.
    case drawBundleUnreadable = "draw.bundleUnreadable"
    /// A drawn round whose classification rate is below 95%.
    case showBelowRequiredRate = "show.belowRequiredRate"
    /// run.txt: a file imported.
    case nightOutcomeImported = "night.outcome.imported"
    /// run.txt: a file skipped.
    case nightOutcomeSkipped = "night.outcome.skipped"
    /// run.txt: a file rejected.
    case nightOutcomeRejected = "night.outcome.rejected"
    /// A text file in UTF-16.
    case decodeUTF16 = "decode.utf16"
    /// A byte that is not valid UTF-8.
    case decodeBadUTF8 = "decode.badUTF8"
    /// No GB18030 converter on the system.
    case decodeNoIconv = "decode.noIconv"
    /// A byte that cannot be decoded as GB18030.
    case decodeBadGB18030 = "decode.badGB18030"
    /// A file ending inside a GB18030 character.
    case decodeTruncatedGB18030 = "decode.truncatedGB18030"
    /// A file that changed while it was read.
    case importFileChanged = "import.fileChanged"
    /// A snapshot that would remove more than a fifth of the current rows.
    case importMassRemoval = "import.massRemoval"
    /// Whose snapshot, with a department.
    case importWhoseDepartment = "import.whoseDepartment"
    /// Whose snapshot, without a department.
    case importWhoseKind = "import.whoseKind"
    /// A plan cell's frequency is not a whole number.
    case planCellNotWholeTimes = "plan.cell.notWholeTimes"
    /// A plan cell's number has no unit.
    case planCellNoUnit = "plan.cell.noUnit"
    /// A plan cell's ratio is negative.
    case planCellNegativeRatio = "plan.cell.negativeRatio"
    /// A plan cell's ratio is outside 0–100%.
    case planCellRatioOutOfRange = "plan.cell.ratioOutOfRange"
    /// A class ratio that is a range or a ceiling.
    case planCellClassRatioNotSingle = "plan.cell.classRatioNotSingle"
    /// A ratio in the risk-class column without a class.
    case planCellRiskRatioNoClass = "plan.cell.riskRatioNoClass"
    /// A proportion, not a share of the population.
    case planCellProportion = "plan.cell.proportion"
    /// Several ratios in one part of a cell.
    case planCellSeveralRatios = "plan.cell.severalRatios"
    /// A number of objects that is not a positive whole number.
    case planCellCountNotPositive = "plan.cell.countNotPositive"
    /// A range of numbers of objects.
    case planCellCountRange = "plan.cell.countRange"
    /// Only an upper bound on the number of objects.
    case planCellCountUpperBound = "plan.cell.countUpperBound"
    /// A cell that leaves the number undecided.
    case planCellUndecided = "plan.cell.undecided"
    /// An empty ratio cell.
    case planCellRatioEmpty = "plan.cell.ratioEmpty"
    /// Several ratios for different parts of one cell.
    case planCellRatioParts = "plan.cell.ratioParts"
    /// Only an upper bound on the ratio.
    case planCellUpperBoundOnly = "plan.cell.upperBoundOnly"
    /// An exempt cell without a ratio.
    case planCellNoRatioRiskPolicy = "plan.cell.noRatioRiskPolicy"
    /// A ratio cell not understood.
    case planCellUnreadableRatio = "plan.cell.unreadableRatio"
    /// A combined cell without a frequency.
    case planCellNoFrequency = "plan.cell.noFrequency"
    /// A frequency cell not understood.
    case planCellUnreadableFrequency = "plan.cell.unreadableFrequency"
    /// Different frequencies in one cell.
    case planCellSeveralFrequencies = "plan.cell.severalFrequencies"
    /// A window that is not months within one year.
    case planCellWindowNotOneYear = "plan.cell.windowNotOneYear"
    /// A window that starts mid-month.
    case planCellWindowStartDay = "plan.cell.windowStartDay"
    /// A window that ends mid-month.
    case planCellWindowEndDay = "plan.cell.windowEndDay"
    /// A window cell not understood.
    case planCellUnreadableWindow = "plan.cell.unreadableWindow"
    /// The plan lacks the scope column.
    case planQuestionNoScopeColumn = "plan.question.noScopeColumn"
    /// A task without an object scope.
    case planQuestionNoScope = "plan.question.noScope"
    /// Different ratios for different parts of a task.
    case planQuestionDifferentRatios = "plan.question.differentRatios"
    /// Different numbers of objects for a task.
    case planQuestionDifferentCounts = "plan.question.differentCounts"
    /// Two ratios for one class.
    case planQuestionClassTwoRatios = "plan.question.classTwoRatios"
    /// Class ratios for some classes only.
    case planQuestionClassesPartial = "plan.question.classesPartial"
    /// The plan lacks a ratio column.
    case planQuestionNoRatioColumn = "plan.question.noRatioColumn"
    /// An exempt task without a ratio.
    case planQuestionNoRatioIn = "plan.question.noRatioIn"
    /// A task without a ratio or count.
    case planQuestionNoRatio = "plan.question.noRatio"
    /// Different frequencies for a task.
    case planQuestionDifferentFrequencies = "plan.question.differentFrequencies"
    /// One frequency and its column, in a list.
    case planQuestionFrequencyIn = "plan.question.frequencyIn"
    /// A yearly ratio for a task of several rounds.
    case planQuestionAnnualRatio = "plan.question.annualRatio"
    /// A window naming another year.
    case planQuestionOtherYear = "plan.question.otherYear"
    /// A continuation row with another window.
    case planQuestionPartWindow = "plan.question.partWindow"
    /// The plan lacks the initiator column.
    case planQuestionNoInitiatorColumn = "plan.question.noInitiatorColumn"
    /// A task without an initiator.
    case planQuestionNoInitiator = "plan.question.noInitiator"
    /// A continuation row with another initiator.
    case planQuestionPartInitiator = "plan.question.partInitiator"
    /// A continuation row of a task.
    case planNoteContinues = "plan.note.continues"
    /// The task-name cell is empty.
    case planNoteNameCellEmpty = "plan.note.nameCellEmpty"
    /// The plan lacks a task-name column.
    case planNoteNoNameColumn = "plan.note.noNameColumn"
    /// Where a task's name comes from.
    case planNoteNameFrom = "plan.note.nameFrom"
    /// A count that is a guide.
    case planNoteCountGuide = "plan.note.countGuide"
    /// A count that is a guide, with the plan's note.
    case planNoteCountGuideNoted = "plan.note.countGuideNoted"
    /// A frequency read from another column.
    case planNoteFrequencyFrom = "plan.note.frequencyFrom"
    /// A plan without a frequency.
    case planNoteNoFrequency = "plan.note.noFrequency"
    /// A time cell giving a frequency.
    case planNoteWindowIsFrequency = "plan.note.windowIsFrequency"
    /// An empty time cell.
    case planNoteWindowEmpty = "plan.note.windowEmpty"
    /// A plan without a time column.
    case planNoteNoWindowColumn = "plan.note.noWindowColumn"
    /// A cooperating department from a continuation row.
    case planNoteCooperatorFrom = "plan.note.cooperatorFrom"
    /// A merged cell filled down.
    case planNoteFilledDown = "plan.note.filledDown"
    /// An initiator from the overrides file.
    case planNoteInitiatorFrom = "plan.note.initiatorFrom"
    /// A note and the questions it settles.
    case planNoteSettles = "plan.note.settles"
    /// Decisions from the overrides file.
    case planNoteDecided = "plan.note.decided"
    /// Decisions from the overrides file, with their note.
    case planNoteDecidedNoted = "plan.note.decidedNoted"
    /// A decided ratio.
    case planDecidedRatio = "plan.decided.ratio"
    /// A decided count.
    case planDecidedCount = "plan.decided.count"
    /// A decided indicative count.
    case planDecidedCountIndicative = "plan.decided.countIndicative"
    /// Decided class ratios.
    case planDecidedClassRatios = "plan.decided.classRatios"
    /// A decided frequency.
    case planDecidedFrequency = "plan.decided.frequency"
    /// A decided minimum frequency.
    case planDecidedFrequencyAtLeast = "plan.decided.frequencyAtLeast"
    /// A decided window.
    case planDecidedWindow = "plan.decided.window"
    /// Decided scopes.
    case planDecidedScopes = "plan.decided.scopes"
    /// A decided initiator.
    case planDecidedInitiator = "plan.decided.initiator"
    /// Decided cooperators.
    case planDecidedCooperators = "plan.decided.cooperators"
    /// A decided platform task code.
    case planDecidedTaskCode = "plan.decided.taskCode"
    /// Two texts of a list joined by a semicolon.
    case listSemicolon = "list.semicolon"
    /// Two texts of a list joined by a comma.
    case listComma = "list.comma"
    /// A decision that the task has no count.
    case planDecidedNoCount = "plan.decided.noCount"
    /// The first line of `plan check`.
    case planCheckTitle = "plan.check.title"
    /// A task's heading in `plan check`.
    case planCheckTask = "plan.check.task"
    /// A task's heading in `plan check` when it needs review.
    case planCheckTaskReview = "plan.check.taskReview"
    /// An empty cell in `plan check`.
    case planCheckBlank = "plan.check.blank"
    /// A note under a task in `plan check`.
    case planCheckNote = "plan.check.note"
    /// The last line of `plan check` when every task was read.
    case planCheckAllRead = "plan.check.allRead"
    /// The last line of `plan check` when tasks need review.
    case planCheckReview = "plan.check.review"
    /// A task's window left unset.
    case planValueWindowUnset = "plan.value.windowUnset"
    /// A task's window.
    case planValueMonths = "plan.value.months"
    /// A task's several matters.
    case planValueMatters = "plan.value.matters"
    /// A task without a matter.
    case planValueNoMatter = "plan.value.noMatter"
    /// A task's several scopes.
    case planValueScopes = "plan.value.scopes"
    /// A task without a scope.
    case planValueNoScope = "plan.value.noScope"
    /// A task without an initiator.
    case planValueNoInitiator = "plan.value.noInitiator"
    /// A task's several cooperators.
    case planValueCooperators = "plan.value.cooperators"
    /// A task without cooperators.
    case planValueNoCooperator = "plan.value.noCooperator"
    /// A task's several modes.
    case planValueModes = "plan.value.modes"
    /// A task outside the credit-risk classification.
    case planValueExempt = "plan.value.exempt"
    /// A task's minimum ratio.
    case planValueRatio = "plan.value.ratio"
    /// A task's minimum and maximum ratio.
    case planValueRatioRange = "plan.value.ratioRange"
    /// A task's ratio left unset.
    case planValueRatioUnset = "plan.value.ratioUnset"
    /// A task's class ratios.
    case planValueClassRatios = "plan.value.classRatios"
    /// The parts of a task's ratio cell.
    case planValueParts = "plan.value.parts"
    /// A task's count left unset.
    case planValueCountUnset = "plan.value.countUnset"
    /// A task's firm count.
    case planValueCount = "plan.value.count"
    /// A task's indicative count.
    case planValueCountGuide = "plan.value.countGuide"
    /// A task's indicative count with its note.
    case planValueCountGuideNoted = "plan.value.countGuideNoted"
    /// A task's frequency left unset.
    case planValueFrequencyUnset = "plan.value.frequencyUnset"
    /// A task's exact frequency.
    case planValueFrequencyExactly = "plan.value.frequencyExactly"
    /// A task's minimum frequency.
    case planValueFrequencyAtLeast = "plan.value.frequencyAtLeast"
    /// A value from a file, quoted.
    case quoted = "text.quoted"
    /// A read met the journal of an unfinished write.
    case storeBusyJournal = "store.busyJournal"
    /// Another process held the store past the busy timeout.
    case storeBusyOther = "store.busyOther"
    /// Another suiji command held the store past the busy timeout.
    case storeBusySuiji = "store.busySuiji"
    /// The holder of the store's lock.
    case storeBusyWho = "store.busyWho"
    /// A lock holder that has not written its process id yet.
    case storePidUnknown = "store.pidUnknown"
    /// Another suiji command holds the store's lock.
    case runLockHeld = "store.runLockHeld"
    /// The store cannot be opened.
    case storeCannotOpen = "store.cannotOpen"
    /// A write on a store opened read-only.
    case storeReadOnly = "store.readOnly"
    /// A bulk write that ended without a result.
    case storeBulkNoResult = "store.bulkNoResult"
    /// The store file could not be synced to disk during an import (rolled back).
    case storeSyncFailed = "store.syncFailed"
    /// A store made by a newer suiji.
    case storeNewer = "store.newer"
    /// The run lock file cannot be opened.
    case storeLockFileOpen = "store.lockFileOpen"
    /// The run lock cannot be taken.
    case storeLockTake = "store.lockTake"
    /// A stored result with an unknown code.
    case storeResultUnknownCode = "store.resultUnknownCode"
    /// A file cannot be moved: another is in the way.
    case inboxMoveInTheWay = "inbox.moveInTheWay"
    /// A file cannot be moved.
    case inboxMoveFailed = "inbox.moveFailed"
    /// The system clock cannot tell the date.
    case clockUnknown = "clock.unknown"
    /// A region that is not a six-digit code.
    case regionNotCode = "region.notCode"
    /// Tasks the plan does not have.
    case drawNoSuchTask = "draw.noSuchTask"
    /// A selected task that needs review.
    case drawTaskNeedsReview = "draw.taskNeedsReview"
    /// A round the group does not have.
    case drawNoSuchRound = "draw.noSuchRound"
    /// A round whose earlier round is not drawn.
    case drawEarlierRoundFirst = "draw.earlierRoundFirst"
    /// A round prepared after a later one was drawn.
    case drawLaterRoundDrawn = "draw.laterRoundDrawn"
    /// A round drawn again after a later one was drawn.
    case drawLaterRoundDrawnNoRedraw = "draw.laterRoundDrawnNoRedraw"
    /// A stored commitment that cannot be read.
    case drawCommitmentUnreadable = "draw.commitmentUnreadable"
    /// Export of a round not drawn.
    case drawNotDrawnNothingToExport = "draw.notDrawnNothingToExport"
    /// A ledger entry whose commitment is missing.
    case drawLedgerCommitmentMissing = "draw.ledgerCommitmentMissing"
    /// A ledger entry that cannot be read.
    case drawLedgerUnreadable = "draw.ledgerUnreadable"
    /// A round drawn before it was prepared.
    case drawNotPrepared = "draw.notPrepared"
    /// A re-draw without a reason.
    case drawAlreadyDrawn = "draw.alreadyDrawn"
    /// Nothing is prepared and undrawn.
    case drawNothingToDraw = "draw.nothingToDraw"
    /// Nothing is prepared and undrawn among the selected tasks.
    case drawNothingToDrawAmong = "draw.nothingToDrawAmong"
    /// Nothing drawn to list.
    case drawNothingDrawn = "draw.nothingDrawn"
    /// Nothing drawn for the selection to list.
    case drawNothingDrawnFor = "draw.nothingDrawnFor"
    /// A draw of the first format has no public bundle.
    case drawFirstFormatNoPublic = "draw.firstFormatNoPublic"
    /// A file that cannot be written.
    case fileCannotWrite = "file.cannotWrite"
    /// The configured calendar file does not exist.
    case publishCalendarMissing = "publish.calendarMissing"
    /// A publication error about one file or task.
    case publishAt = "publish.at"
    /// A payload that fails the XSD.
    case publishXSDInvalid = "publish.xsdInvalid"
    /// A result for a business in no register.
    case publishResultNoRegister = "publish.resultNoRegister"
    /// A stored result with an unreadable date.
    case publishResultBadDate = "publish.resultBadDate"
    /// The output folder cannot be created.
    case publishCannotCreateFolder = "publish.cannotCreateFolder"
    /// A step of an atomic write failed.
    case publishWriteStepFailed = "publish.writeStepFailed"
    /// Results for a plan not in the store.
    case resultsNoPlan = "results.noPlan"
    /// A step of an atomic write: creating the temporary file.
    case stepCreateTemporary = "step.createTemporary"
    /// A step of an atomic write: writing.
    case stepWrite = "step.write"
    /// A step of an atomic write: fsync.
    case stepFsync = "step.fsync"
    /// A step of an atomic write: rename.
    case stepRename = "step.rename"
    /// Two texts joined by a space.
    case listSpace = "list.space"
    /// A group named by the selection.
    case drawWhichGroup = "draw.whichGroup"
    /// A round named by the selection.
    case drawWhichRound = "draw.whichRound"
    /// One drawn object and its team in `draw show --assignments`.
    case showAssignment = "show.assignment"
    /// A drawn object whose team is short.
    case showAssignmentShort = "show.assignmentShort"
    /// Which visit of several in a round.
    case showVisitOf = "show.visitOf"
    /// A joint visit serving several draws.
    case showJointVisit = "show.jointVisit"
    /// One draw a joint visit serves.
    case showJointDraw = "show.jointDraw"
    /// Two texts of a list joined by a plus.
    case listPlus = "list.plus"
    /// The first line of `draw coverage`.
    case coverageTitle = "coverage.title"
    /// No task's scopes match no entity.
    case coverageTasksUnmatchedNone = "coverage.tasksUnmatchedNone"
    /// Tasks whose scopes match no entity.
    case coverageTasksUnmatched = "coverage.tasksUnmatched"
    /// The headers of the unmatched tasks' table.
    case coverageTaskHeaders = "coverage.taskHeaders"
    /// A task without scopes in the coverage table.
    case coverageNoScope = "coverage.noScope"
    /// Yes, in a table.
    case wordYes = "word.yes"
    /// No, in a table.
    case wordNo = "word.no"
    /// Every plan scope is in the scope map.
    case coverageScopesNotInMapNone = "coverage.scopesNotInMapNone"
    /// Plan scopes not in the scope map.
    case coverageScopesNotInMap = "coverage.scopesNotInMap"
    /// The headers of the scopes' table.
    case coverageScopeHeaders = "coverage.scopeHeaders"
    /// Every register category is covered.
    case coverageCategoriesNone = "coverage.categoriesNone"
    /// Register categories no task covers.
    case coverageCategories = "coverage.categories"
    /// The headers of the categories' table.
    case coverageCategoryHeaders = "coverage.categoryHeaders"
    /// The headers of the totals' table.
    case coverageTotalsHeaders = "coverage.totalsHeaders"
    /// The tasks row of the totals.
    case coverageTotalTasks = "coverage.totalTasks"
    /// The tasks' gap in the totals.
    case coverageTotalTasksGap = "coverage.totalTasksGap"
    /// The scopes row of the totals.
    case coverageTotalScopes = "coverage.totalScopes"
    /// The scopes' gap in the totals.
    case coverageTotalScopesGap = "coverage.totalScopesGap"
    /// The categories row of the totals.
    case coverageTotalCategories = "coverage.totalCategories"
    /// The categories' gap in the totals.
    case coverageTotalCategoriesGap = "coverage.totalCategoriesGap"
    /// The entities row of the totals.
    case coverageTotalEntities = "coverage.totalEntities"
    /// The entities' gap in the totals.
    case coverageTotalEntitiesGap = "coverage.totalEntitiesGap"
    /// The warning that the scope map leaves gaps.
    case coverageGaps = "coverage.gaps"
    /// Tasks matching no entity, in the warning.
    case coverageGapTasks = "coverage.gapTasks"
    /// Scopes not in the map, in the warning.
    case coverageGapScopes = "coverage.gapScopes"
    /// Categories covered by no task, in the warning.
    case coverageGapCategories = "coverage.gapCategories"
    /// A store made by a newer suiji (one unknown migration).
    case storeNewerOne = "store.newerOne"
    /// One task round of `draw quotas`.
    case quotaRow = "quota.row"
    /// A task round where the plan's ratio or count binds.
    case quotaPlanBinds = "quota.planBinds"
    /// A group round where A is drawn at a higher rate than B.
    case quotaAAboveB = "quota.aAboveB"
    /// The last line of `draw quotas`.
    case quotaSummary = "quota.summary"
    /// A bundle that verifies.
    case verifyOK = "verify.ok"
    /// A bundle of another format.
    case verifyFormat = "verify.format"
    /// A commitment of another format.
    case verifyCommitmentFormat = "verify.commitmentFormat"
    /// A commitment of another algorithm.
    case verifyAlgorithm = "verify.algorithm"
    /// A commitment hash that differs.
    case verifyHash = "verify.hash"
    /// A seed string that differs.
    case verifySeed = "verify.seed"
    /// A population listing a business twice.
    case verifyPopulationTwice = "verify.populationTwice"
    /// An exclusion not in the population.
    case verifyExclusionNotInPopulation = "verify.exclusionNotInPopulation"
    /// A class's sample that differs.
    case verifyClassSample = "verify.classSample"
    /// Visits that differ.
    case verifyVisits = "verify.visits"
    /// Short teams that differ.
    case verifyShortTeams = "verify.shortTeams"
    /// Inspector matching that fails.
    case verifyMatchingFails = "verify.matchingFails"
    /// Assignments without inspectors in the commitment.
    case verifyAssignmentsNoInspectors = "verify.assignmentsNoInspectors"
    /// Quotas the rule does not give.
    case verifyQuotas = "verify.quotas"
    /// Visits per class the rule does not give.
    case verifyVisitsPerClass = "verify.visitsPerClass"
    /// A commitment's secret of the wrong form.
    case verifySecret = "verify.secret"
    /// A commitment's ledger head of the wrong form.
    case verifyLedgerHead = "verify.ledgerHead"
    /// A number of assignments that differs.
    case verifyAssignmentCount = "verify.assignmentCount"
    /// An assignment that differs.
    case verifyAssignment = "verify.assignment"
    /// A commitment that is not a public one.
    case verifyNotPublic = "verify.notPublic"
    /// Class counts that do not add up.
    case verifyCountsSum = "verify.countsSum"
    /// A drawn business not in the population.
    case verifyDrawnNotInPopulation = "verify.drawnNotInPopulation"
    /// A business drawn twice.
    case verifyDrawnTwice = "verify.drawnTwice"
    /// A sample not in ticket order.
    case verifyTicketOrder = "verify.ticketOrder"
    /// A sample of the wrong size.
    case verifySize = "verify.size"
    /// An empty plan file.
    case planFileEmpty = "planFile.empty"
    /// A plan file without a header row.
    case planFileNoHeader = "planFile.noHeader"
    /// A plan without the 序号 column.
    case planFileNoSeq = "planFile.noSeq"
    /// A plan that names its tasks in no column.
    case planFileNoNameColumn = "planFile.noNameColumn"
    /// Overrides for another year.
    case planFileOverridesYear = "planFile.overridesYear"
    /// Overrides for another region.
    case planFileOverridesRegion = "planFile.overridesRegion"
    /// A plan with a header and no task rows.
    case planFileNoTasks = "planFile.noTasks"
    /// A title year that differs from --year.
    case planFileTitleYearArgument = "planFile.titleYearArgument"
    /// A title year that differs from the configuration.
    case planFileTitleYearConfigured = "planFile.titleYearConfigured"
    /// A plan whose year cannot be known.
    case planFileNoYear = "planFile.noYear"
    /// A plan year out of range.
    case planFileYearRange = "planFile.yearRange"
    /// A plan whose region cannot be known.
    case planFileNoRegion = "planFile.noRegion"
    /// A plan whose region cannot be known, naming the place.
    case planFileNoRegionOf = "planFile.noRegionOf"
    /// A configured scope map that does not exist.
    case scopeMapMissing = "scopeMap.missing"
    /// A configured scope map that is a folder.
    case scopeMapFolder = "scopeMap.folder"
    /// A scope map that cannot be read.
    case scopeMapUnreadable = "scopeMap.unreadable"
    /// A JSON file with a syntax error.
    case jsonInvalid = "json.invalid"
    /// A JSON file that is not a scope map.
    case scopeMapInvalid = "scopeMap.invalid"
    /// A configured plan columns file that does not exist.
    case planColumnsMissing = "planColumns.missing"
    /// A configured plan columns file that is a folder.
    case planColumnsFolder = "planColumns.folder"
    /// A plan columns file that cannot be read.
    case planColumnsUnreadable = "planColumns.unreadable"
    /// A plan columns file that is not an object.
    case planColumnsNotObject = "planColumns.notObject"
    /// A name that is not a plan column.
    case planColumnsUnknown = "planColumns.unknown"
    /// A plan column not given a list.
    case planColumnsNotList = "planColumns.notList"
    /// A plan column listing something that is not a header.
    case planColumnsNotHeader = "planColumns.notHeader"
    /// A header given to two plan columns.
    case planColumnsTaken = "planColumns.taken"
    /// A configured overrides file that does not exist.
    case overridesMissing = "overrides.missing"
    /// An overrides file that is not UTF-8.
    case overridesNotUTF8 = "overrides.notUTF8"
    /// A TOML syntax error.
    case tomlSyntax = "toml.syntax"
    /// An unknown top-level key.
    case overridesUnknownTopKey = "overrides.unknownTopKey"
    /// A bad year.
    case overridesYear = "overrides.year"
    /// A bad region.
    case overridesRegion = "overrides.region"
    /// A bad platform code.
    case overridesCode = "overrides.code"
    /// A task key not written as blocks.
    case overridesTaskBlocks = "overrides.taskBlocks"
    /// A task block that is not a table.
    case overridesTaskTable = "overrides.taskTable"
    /// A task decided twice.
    case overridesTaskTwice = "overrides.taskTwice"
    /// An unknown key in a task block.
    case overridesUnknownTaskKey = "overrides.unknownTaskKey"
    /// A task block without a seq.
    case overridesSeq = "overrides.seq"
    /// A bad fraction.
    case overridesFraction = "overrides.fraction"
    /// A bad flag.
    case overridesBool = "overrides.bool"
    /// A ceiling below the floor.
    case overridesRatioMaxBelow = "overrides.ratioMaxBelow"
    /// A ceiling without a floor.
    case overridesRatioMaxAlone = "overrides.ratioMaxAlone"
    /// A bad count.
    case overridesCount = "overrides.count"
    /// Class ratios not written as a table.
    case overridesClassRatiosTable = "overrides.classRatiosTable"
    /// Class ratios missing a class.
    case overridesClassRatiosAll = "overrides.classRatiosAll"
    /// Class ratios with an unknown class.
    case overridesClassRatiosExtra = "overrides.classRatiosExtra"
    /// A bad frequency.
    case overridesFrequency = "overrides.frequency"
    /// A bad window.
    case overridesWindow = "overrides.window"
    /// A task block that decides nothing.
    case overridesDecidesNothing = "overrides.decidesNothing"
    /// A bad text value.
    case overridesText = "overrides.text"
    /// A value that is not a list of texts.
    case overridesList = "overrides.list"
    /// A list with an empty text.
    case overridesListEmpty = "overrides.listEmpty"
    /// A plan import that would remove too many tasks.
    case planMassRemoval = "plan.massRemoval"
    /// Overdue rounds that could not be computed.
    case nightOverdueUncomputed = "night.overdueUncomputed"
    /// The plan's targets that could not be measured.
    case nightTargetsUnmeasured = "night.targetsUnmeasured"
    /// A file whose content was imported before.
    case nightSkipAlreadyImported = "night.skipAlreadyImported"
    /// A plan file that changes nothing.
    case nightSkipPlanUnchanged = "night.skipPlanUnchanged"
    /// A file from which nothing was stored.
    case nightSkipNothingStored = "night.skipNothingStored"
    /// A file that is already the latest import.
    case nightSkipLatest = "night.skipLatest"
    /// A results file that is already the latest import.
    case nightSkipLatestResults = "night.skipLatestResults"
    /// A file taken in a dry run.
    case nightSkipDryRun = "night.skipDryRun"
    /// A file that changed while it was read.
    case nightChangedWhileRead = "night.changedWhileRead"
    /// A register outside a department's folder.
    case nightMisplacedRegister = "night.misplacedRegister"
    /// An inspector register outside a department's folder.
    case nightMisplacedInspectors = "night.misplacedInspectors"
    /// A control character found in a text.
    case controlCharFound = "controlChar.found"
    /// A name refused for a control character.
    case controlCharRefusal = "controlChar.refusal"
    /// The file name, as the subject of a sentence.
    case wordFileName = "word.fileName"
    /// The department name, as the subject of a sentence.
    case wordDepartmentName = "word.departmentName"
    /// An input that is a symbolic link.
    case inputSymlink = "input.symlink"
    /// An input that is not a regular file.
    case inputNotRegular = "input.notRegular"
    /// An input that is the store itself.
    case inputIsStore = "input.isStore"
    /// A regular file.
    case fileTypeRegular = "fileType.regular"
    /// A folder.
    case fileTypeFolder = "fileType.folder"
    /// A symbolic link.
    case fileTypeSymlink = "fileType.symlink"
    /// A FIFO.
    case fileTypeFIFO = "fileType.fifo"
    /// A socket.
    case fileTypeSocket = "fileType.socket"
    /// A character device.
    case fileTypeCharacterDevice = "fileType.characterDevice"
    /// A block device.
    case fileTypeBlockDevice = "fileType.blockDevice"
    /// Nothing at a path.
    case fileTypeMissing = "fileType.missing"
    /// An empty seed.
    case seedEmpty = "seed.empty"
    /// A seed that is too long.
    case seedTooLong = "seed.tooLong"
    /// A seed with a line break.
    case seedLineBreak = "seed.lineBreak"
    /// A seed with a control character.
    case seedControl = "seed.control"
    /// A seed with a character that is not printable.
    case seedNotPrintable = "seed.notPrintable"
    /// A seed holding the separator.
    case seedBar = "seed.bar"
    /// A seed with outer spaces.
    case seedOuterSpaces = "seed.outerSpaces"
    /// The demo's first line.
    case demoWorkspace = "demo.workspace"
    /// What arrives before a demo night.
    case demoNight = "demo.night"
    /// The heading of the last night's report in the demo.
    case demoLastReport = "demo.lastReport"
    /// Where the demo's reports are.
    case demoEveryReport = "demo.everyReport"
    /// Where the demo's public pages are.
    case demoPublicPages = "demo.publicPages"
    /// How to run another night after the demo.
    case demoAnotherNight = "demo.anotherNight"
    /// An empty seed file.
    case seedFileEmpty = "seedFile.empty"
    /// A seed file of several lines.
    case seedFileLines = "seedFile.lines"
    /// A seed file named wrongly.
    case seedFileName = "seedFile.name"
    /// A seed file too large.
    case seedFileTooLarge = "seedFile.tooLarge"
    /// A seed file that is not UTF-8.
    case seedFileNotUTF8 = "seedFile.notUTF8"
    /// A seed without a stored plan.
    case seedNoPlan = "seed.noPlan"
    /// A seed for a group the plan does not have.
    case seedNoGroup = "seed.noGroup"
    /// A seed for a round the group does not have.
    case seedNoRound = "seed.noRound"
    /// A seed for a round already drawn with it.
    case seedAlreadyDrawnSame = "seed.alreadyDrawnSame"
    /// A seed for a round drawn with another seed.
    case seedAlreadyDrawnOther = "seed.alreadyDrawnOther"
    /// A seed sent before its commitment.
    case seedNoCommitment = "seed.noCommitment"
    /// The same seed received again.
    case seedAlreadyReceived = "seed.alreadyReceived"
    /// Another seed for a commitment that has one.
    case seedOtherReceived = "seed.otherReceived"
    /// A seed published for an earlier commitment.
    case seedForEarlierCommitment = "seed.forEarlierCommitment"
    /// A workbook with too many parts.
    case xlsxTooManyParts = "xlsx.tooManyParts"
    /// A workbook part with a refused name.
    case xlsxBadPartName = "xlsx.badPartName"
    /// A part name with a NUL byte.
    case xlsxNameNUL = "xlsx.nameNUL"
    /// A part name that is an absolute path.
    case xlsxNameAbsolute = "xlsx.nameAbsolute"
    /// A part name that names a drive.
    case xlsxNameDrive = "xlsx.nameDrive"
    /// A part name that climbs out of the package.
    case xlsxNameClimbs = "xlsx.nameClimbs"
    /// A part whose start cannot be found.
    case xlsxPartNoStart = "xlsx.partNoStart"
    /// A part beyond 4 GiB.
    case xlsxPartZip64 = "xlsx.partZip64"
    /// A part without its local header.
    case xlsxPartNoLocalHeader = "xlsx.partNoLocalHeader"
    /// A local header naming another part.
    case xlsxPartOtherHeader = "xlsx.partOtherHeader"
    /// A problem of one part of a workbook.
    case xlsxPart = "xlsx.part"
    /// A workbook that cannot be read.
    case xlsxCannotRead = "xlsx.cannotRead"
    /// A part declared larger than the limit.
    case xlsxDeclaredTooLarge = "xlsx.declaredTooLarge"
    /// A deflate stream longer than its entry.
    case xlsxDeflateTruncated = "xlsx.deflateTruncated"
    /// A file ending inside a part.
    case xlsxFileEndsInPart = "xlsx.fileEndsInPart"
    /// A part inflating beyond the limit.
    case xlsxInflatesTooLarge = "xlsx.inflatesTooLarge"
    /// A part with a zip bomb's compression ratio.
    case xlsxRatio = "xlsx.ratio"
    /// A part that cannot be decompressed.
    case xlsxCannotInflate = "xlsx.cannotInflate"
    /// A part of another size than the directory says.
    case xlsxSizeMismatch = "xlsx.sizeMismatch"
    /// A part whose CRC-32 does not match.
    case xlsxCRC = "xlsx.crc"
    /// Too many shared strings.
    case xlsxTooManyStrings = "xlsx.tooManyStrings"
    /// Too much shared-string text.
    case xlsxStringsTooLarge = "xlsx.stringsTooLarge"
    /// One shared string too long for a block.
    case xlsxStringTooLong = "xlsx.stringTooLong"
    /// Shared strings beyond 4 GiB.
    case xlsxStrings4GiB = "xlsx.strings4GiB"
    /// A shared string longer than a cell may be.
    case xlsxStringCellLimit = "xlsx.stringCellLimit"
    /// A cell longer than the limit.
    case xlsxCellTooLarge = "xlsx.cellTooLarge"
    /// A row given twice.
    case xlsxRowTwice = "xlsx.rowTwice"
    /// Rows out of order.
    case xlsxRowOrder = "xlsx.rowOrder"
    /// A row beyond Excel's last.
    case xlsxRowBeyond = "xlsx.rowBeyond"
    /// A cell given twice.
    case xlsxCellTwice = "xlsx.cellTwice"
    /// A cell beyond Excel's last column.
    case xlsxCellBeyond = "xlsx.cellBeyond"
    /// A cell reference that is not one.
    case xlsxNotReference = "xlsx.notReference"
    /// A row with a cell beyond Excel's last column.
    case xlsxRowCellBeyond = "xlsx.rowCellBeyond"
    /// A cell referring to a missing shared string.
    case xlsxNoSuchString = "xlsx.noSuchString"
    /// A row longer than the limit.
    case xlsxRowTooLarge = "xlsx.rowTooLarge"
    /// Too many merged ranges.
    case xlsxTooManyMerges = "xlsx.tooManyMerges"
    /// A part referring to an undeclared entity.
    case xlsxEntity = "xlsx.entity"
    /// A text longer than libxml2's limit.
    case xlsxHugeText = "xlsx.hugeText"
    /// A part that is not well-formed XML.
    case xlsxNotWellFormed = "xlsx.notWellFormed"
    /// libxml2 could not start on a part.
    case xlsxParserStart = "xlsx.parserStart"
    /// A part without an XML element.
    case xlsxNoElement = "xlsx.noElement"
    /// A part libxml2 refused with a status.
    case xlsxLibxmlStatus = "xlsx.libxmlStatus"
    /// A relationship pointing outside the package.
    case xlsxRelationshipOutside = "xlsx.relationshipOutside"
    /// `suiji store`'s abstract.
    case helpStore = "help.store"
    /// `suiji store add-county`'s abstract.
    case helpStoreAddCounty = "help.storeAddCounty"
    /// `suiji store add-county`'s discussion.
    case helpStoreAddCountyDiscussion = "help.storeAddCountyDiscussion"
    /// `add-county` without a county.
    case usageGiveCounty = "usage.giveCounty"
    /// A schema migration applied.
    case storeMigrationApplied = "store.migrationApplied"
    /// A county's lane added.
    case storeCountyAdded = "store.countyAdded"
    /// A county that already has its lane.
    case storeCountyExists = "store.countyExists"
    /// `add-county` given a store that is not PostgreSQL.
    case storeNotPostgres = "store.notPostgres"
    /// A postgresql:// store that does not parse.
    case pgInvalidURL = "pg.invalidURL"
    /// A store setting that names PostgreSQL but is not a URL suiji can use.
    case pgInvalidStore = "pg.invalidStore"
    /// A command not yet available on PostgreSQL.
    case pgNotYet = "pg.notYet"
    /// A PostgreSQL store made by a newer suiji.
    case pgNewer = "pg.newer"
    /// A county's role meeting a missing or old schema.
    case pgSchemaForCounty = "pg.schemaForCounty"
    /// A county without its lane.
    case pgNoLane = "pg.noLane"
    /// A PostgreSQL store that cannot be reached.
    case pgCannotReach = "pg.cannotReach"
    /// A COPY that ended early.
    case pgCopyEnded = "pg.copyEnded"
    /// A problem at a place in a scope map.
    case scopeMapAt = "scopeMap.at"
    /// A scope map entry without a key.
    case scopeMapMissingKey = "scopeMap.missingKey"
    /// A scope map entry with an empty scope.
    case scopeMapEmptyScope = "scopeMap.emptyScope"
    /// A scope that lists no category.
    case scopeMapNoCategory = "scopeMap.noCategory"
    /// A scope listed twice.
    case scopeMapScopeTwice = "scopeMap.scopeTwice"
    /// An alias that is another entry's scope.
    case scopeMapAliasIsScope = "scopeMap.aliasIsScope"
    /// An alias claimed by two scopes.
    case scopeMapAliasTwice = "scopeMap.aliasTwice"
    /// A round whose population is empty.
    case drawEmptyPopulation = "draw.emptyPopulation"
    /// A round whose population is empty, prepared.
    case drawEmptyNoCommitment = "draw.emptyNoCommitment"
    /// A commitment the store no longer matches.
    case drawStale = "draw.stale"
    /// A department short of inspectors.
    case drawShortfall = "draw.shortfall"
    /// A commitment of the first format.
    case drawDiffLegacy = "draw.diffLegacy"
    /// Classes or watchlist changed.
    case drawDiffClasses = "draw.diffClasses"
    /// The population changed.
    case drawDiffPopulation = "draw.diffPopulation"
    /// Exclusions changed.
    case drawDiffExclusions = "draw.diffExclusions"
    /// Quotas changed.
    case drawDiffQuotas = "draw.diffQuotas"
    /// The plan's group changed.
    case drawDiffGroup = "draw.diffGroup"
    /// Inspector pools changed.
    case drawDiffPools = "draw.diffPools"
    /// The avoidance list changed.
    case drawDiffAvoidance = "draw.diffAvoidance"
    /// Matching settings changed.
    case drawDiffMatching = "draw.diffMatching"
    /// Round dates changed.
    case drawDiffDates = "draw.diffDates"
    /// The salt key changed.
    case drawDiffSalt = "draw.diffSalt"
    /// Inputs changed.
    case drawDiffInputs = "draw.diffInputs"
    /// A group round that failed, in a list.
    case drawRoundFailed = "draw.roundFailed"
    /// Group rounds not drawn by `draw run`.
    case drawRunFailures = "draw.runFailures"
    /// An inbox name holding a control character.
    case inboxNameControl = "inbox.nameControl"
    /// An inbox entry that is a symbolic link.
    case inboxSymlink = "inbox.symlink"
    /// An inbox entry of the wrong type.
    case inboxWrongType = "inbox.wrongType"
    /// An inbox entry that is not a regular file.
    case inboxNotRegular = "inbox.notRegular"
    /// The store itself in the inbox.
    case inboxStoreItself = "inbox.storeItself"
    /// A publication id that cannot be formed.
    case payloadIdentifier = "payload.identifier"
    /// A required text of the payload that is empty.
    case payloadMissingText = "payload.missingText"
    /// An entity that cannot be published.
    case payloadInvalidEntity = "payload.invalidEntity"
    /// An entity with two results in a round.
    case payloadDuplicateEntity = "payload.duplicateEntity"
    /// An entity without a result for a matter.
    case payloadNoResult = "payload.noResult"
    /// A result for a matter the task does not have.
    case payloadUnknownMatter = "payload.unknownMatter"
    /// A character XML 1.0 cannot carry.
    case payloadNotXML = "payload.notXML"
    /// A record twice on one side of a diff.
    case diffDuplicateRecord = "diff.duplicateRecord"
    /// A ledger entry without content.
    case diffLedgerMissing = "diff.ledgerMissing"
    /// A ledger entry whose hash does not match.
    case diffLedgerMismatch = "diff.ledgerMismatch"
    /// A ledger entry that cannot be read.
    case diffLedgerUnreadable = "diff.ledgerUnreadable"
    /// A date outside the working-day calendar.
    case calendarYearNotCovered = "calendar.yearNotCovered"
    /// A calendar that covers no year.
    case calendarNoYears = "calendar.noYears"
    /// Malformed holidays data.
    case calendarInvalid = "calendar.invalid"
    /// Malformed holidays data at a path.
    case calendarInvalidAt = "calendar.invalidAt"
    /// A negative count of working days.
    case calendarNegative = "calendar.negative"
    /// A text that is not a date.
    case dateInvalid = "date.invalid"
    /// A line of a workbook part.
    case xlsxPlaceLine = "xlsx.placeLine"
    /// A line and column of a workbook part.
    case xlsxPlaceLineColumn = "xlsx.placeLineColumn"
    /// An import stopped on PostgreSQL, nothing stored.
    case pgNothingStored = "pg.nothingStored"
    /// The server asks for a password and none was given.
    case pgNeedsPassword = "pg.needsPassword"
    /// The server offers no TLS, which sslmode asks for.
    case pgNoTLS = "pg.noTLS"
    /// The TLS settings could not be made (a CA file that cannot be read).
    case pgTLSSetup = "pg.tlsSetup"
    /// The server's TLS certificate was not accepted.
    case pgTLSRefused = "pg.tlsRefused"
    /// A stored value read back is not of the kind the stage expects.
    case storeColumnType = "store.columnType"
    /// An INSERT … RETURNING id gave no id.
    case storeNoRowID = "store.noRowID"
    /// A plan of another region given to a county's lane of a PostgreSQL store.
    case planOtherLane = "plan.otherLane"
}
