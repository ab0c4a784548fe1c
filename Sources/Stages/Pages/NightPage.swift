// `reports/<date>/index.html`: the night's report as a page, in the configured language. The same
// figures as run.txt and run.json (it is drawn from the same NightReport), with what a page shows
// better: files and rows per department, rejected rows by reason as bars linking to the rejects
// files, commitments awaiting a seed, the year's draws with their class breakdown (stacked bars)
// and quotas against the population, rounds due and overdue on a timeline, publications, the
// plan's targets. This page is for the county's staff: it shows risk classes (the public pages never do).

internal import Pipeline

/// Renders the night's page.
struct NightPage {
    /// The figures.
    let data: NightPageData
    /// The texts.
    let text: PageText

    private var report: NightReport { data.report }

    /// The page's HTML.
    func render() throws -> String {
        let t = text
        let verdict: (PageKey, String) =
            switch report.exitCode {
            case 0: (.nightVerdictOK, "ok")
            case ExitStatus.dataRejected.rawValue: (.nightVerdictRejected, "warn")
            default: (.nightVerdictFailed, "bad")
            }
        var header: [HTMLNode] = [
            .el(.h1, t(.nightTitle, ["date": report.date])),
            .el(
                .p, class: "verdict \(verdict.1)",
                t(verdict.0, ["exit": "\(report.exitCode)", "stage": report.failedStage?.rawValue ?? "?"])),
        ]
        if let failure = report.failure { header.append(.el(.p, class: "verdict bad", t(.nightFailure, ["failure": failure]))) }
        let main: [HTMLNode] = [
            // The urgent and the short first; the long list of commitments last.
            figures(), departments(), files(), rejects(), deadlines(), draws(), blocked(), publications(), targets(), commitments(),
            notes(),
        ]
        let footer: [HTMLNode] = [
            .el(
                .p,
                [
                    .link("../index.html", t(.footerReports)), .text(" · "), .link("run.txt", t(.footerText)), .text(" · "),
                    .link("run.json", "run.json"),
                ]),
            .el(.p, class: "small", t(.footerGenerator, ["generator": report.generator])),
        ]
        return PageLayout.document(
            language: t.language.htmlTag, title: t(.nightTitle, ["date": report.date]), stylesheet: try PageLayout.stylesheet(),
            header: header, main: main, footer: footer)
    }

    // MARK: Sections

    private func figures() -> HTMLNode {
        let t = text
        let items: [(PageKey, Int, String)] = [
            (.figureFilesTaken, report.filesTaken, ""), (.figureFilesRefused, report.filesRejected, report.filesRejected > 0 ? "warn" : ""),
            (.figureRowsImported, report.rowsImported, ""),
            (.figureRowsRejected, report.rowsRejected, report.rowsRejected > 0 ? "warn" : ""),
            (.figureAwaitingSeed, report.commitmentsAwaitingSeed, ""), (.figureDraws, report.draws, ""),
            (.figurePublications, report.publications, ""), (.figureOverdue, report.overdue, report.overdue > 0 ? "bad" : ""),
        ]
        return .element(
            .section, [("id", "figures"), ("aria-label", t(.nightFiguresCaption))],
            [
                .el(
                    .dl, class: "figures",
                    items.map { key, value, style in
                        .el(.div, class: "figure " + style, [.el(.dt, t(key)), .el(.dd, PageFormat.integer(value))])
                    })
            ])
    }

    /// The name of a department row; the kinds without a department in words.
    private func departmentName(_ name: String) -> String {
        switch name {
        case "(results)": text(.departmentsKindResults)
        case "(plan)": text(.departmentsKindPlan)
        case "(seeds)": text(.departmentsKindSeeds)
        case "(avoidance)": text(.departmentsKindAvoidance)
        default: name
        }
    }

    private func departments() -> HTMLNode {
        let t = text
        guard !report.departments.isEmpty else {
            return PageLayout.section(id: "departments", t(.departmentsTitle), [PageLayout.nothing(t(.none))])
        }
        var refused: [String: Int] = [:]
        for file in report.files where file.outcome == "rejected" {
            refused[file.department ?? "(\(file.kind == "seed" ? "seeds" : file.kind))", default: 0] += 1
        }
        let rows: [[HTMLNode]] = report.departments.map { d in
            [
                .text(departmentName(d.department)), .number(d.files), .number(refused[d.department] ?? 0), .number(d.rowsImported),
                .number(d.rowsRejected),
            ]
        }
        return PageLayout.section(
            id: "departments", t(.departmentsTitle),
            [
                .table(
                    headers: [
                        t(.departmentsColumnDepartment), t(.departmentsColumnTaken), t(.departmentsColumnRefused),
                        t(.departmentsColumnImported), t(.departmentsColumnRejected),
                    ], rows: rows)
            ])
    }

    private func outcome(_ name: String) -> String {
        switch name {
        case "imported": text(.outcomeImported)
        case "skipped": text(.outcomeSkipped)
        default: text(.outcomeRejected)
        }
    }

    private func files() -> HTMLNode {
        let t = text
        guard !report.files.isEmpty else { return PageLayout.section(id: "files", t(.filesTitle), [PageLayout.nothing(t(.none))]) }
        let rows: [[HTMLNode]] = report.files.map { f in
            var note: [HTMLNode] = []
            if let reason = f.reason { note.append(.text(reason)) }
            if let rejects = f.rejectsFile {
                note.append(
                    .link(
                        data.rejectsLinks[rejects] ?? PageFormat.href(rejects),
                        t(.filesRejectsLink, ["rows": PageFormat.integer(f.rowsRejected)])))
            }
            return [
                .el(.span, class: f.outcome == "rejected" ? "tag bad" : "tag", outcome(f.outcome)), .el(.code, f.path),
                .number(f.rowsImported),
                .number(f.rowsRejected), .fragment(note),
            ]
        }
        return PageLayout.section(
            id: "files", t(.filesTitle),
            [
                .table(
                    headers: [
                        t(.filesColumnOutcome), t(.filesColumnFile), t(.departmentsColumnImported), t(.departmentsColumnRejected),
                        t(.filesColumnNote),
                    ],
                    rows: rows)
            ])
    }

    private func rejects() -> HTMLNode {
        let t = text
        guard !data.reasons.isEmpty else { return PageLayout.section(id: "rejects", t(.rejectsTitle), [PageLayout.nothing(t(.none))]) }
        let most = data.reasons.map(\.rows).max() ?? 1
        let rows: [[HTMLNode]] = data.reasons.map { reason in
            [
                .text(reason.pattern),
                .el(
                    .div, class: "barcell",
                    [
                        PageCharts.bar(reason.rows, of: most, style: "bad", label: "\(reason.pattern): \(reason.rows)"),
                        .number(reason.rows),
                    ]),
                .fragment(
                    reason.files.enumerated().flatMap { index, file -> [HTMLNode] in
                        let name = file.split(separator: "/").last.map(String.init) ?? file
                        return (index > 0 ? [HTMLNode.el(.br, [])] : []) + [.link(data.rejectsLinks[file] ?? PageFormat.href(file), name)]
                    }),
            ]
        }
        return PageLayout.section(
            id: "rejects", t(.rejectsTitle),
            [
                .el(.p, t(.rejectsExplain)),
                .table(
                    class: "chart-table", headers: [t(.rejectsColumnReason), t(.rejectsColumnRows), t(.rejectsColumnFiles)], rows: rows),
            ])
    }

    private func commitments() -> HTMLNode {
        let t = text
        guard !report.awaitingSeed.isEmpty else {
            return PageLayout.section(id: "commitments", t(.commitmentsTitle), [PageLayout.nothing(t(.none))])
        }
        let tonight = Set(report.commitmentsPrepared.map { "\($0.group)|\($0.round)|\($0.sha256)" })
        let rows: [[HTMLNode]] = report.awaitingSeed.map { c in
            let fresh = tonight.contains("\(c.group)|\(c.round)|\(c.sha256)")
            return [
                .text(c.group), .number(c.round), PageLayout.hash(c.sha256),
                .fragment([.text(c.prepared)] + (fresh ? [.text(" "), .el(.span, class: "tag new", t(.commitmentsPreparedTonight))] : [])),
            ]
        }
        return PageLayout.section(
            id: "commitments", t(.commitmentsTitle),
            [
                .el(.p, t(.commitmentsExplain)),
                .table(
                    headers: [
                        t(.commitmentsColumnGroup), t(.commitmentsColumnRound), t(.commitmentsColumnHash), t(.commitmentsColumnPrepared),
                    ],
                    rows: rows),
            ])
    }

    static let classes = ["A", "B", "C", "D"]

    private func className(_ c: String) -> String {
        switch c {
        case "A": text(.riskClassA)
        case "B": text(.riskClassB)
        case "C": text(.riskClassC)
        default: text(.riskClassD)
        }
    }

    private func draws() -> HTMLNode {
        let t = text
        guard !data.draws.isEmpty else { return PageLayout.section(id: "draws", t(.drawsTitle), [PageLayout.nothing(t(.none))]) }
        let most = data.draws.map { $0.drawn.values.reduce(0, +) }.max() ?? 1
        let rows: [[HTMLNode]] = data.draws.map { round in
            let drawn = round.drawn.values.reduce(0, +)
            var name: [HTMLNode] = [.el(.strong, t(.drawsRoundHeading, ["group": round.group, "round": "\(round.round)"]))]
            if data.drawnTonight.contains(DrawnRounds.key(round.group, round.round)) {
                name += [.text(" "), .el(.span, class: "tag new", t(.drawsTonight))]
            }
            name += [
                .el(.br, []),
                .el(
                    .span, class: "small",
                    t(
                        .drawsDates,
                        [
                            "start": round.start, "end": round.end,
                            "tasks": round.tasks.map(String.init).joined(separator: t(.listSeparator)),
                        ])),
            ]
            // The objects drawn by class, one stacked bar on the scale of the largest draw.
            let segments = Self.classes.map { c in
                BarSegment(style: "c-\(c)", value: round.drawn[c] ?? 0, label: "\(className(c)): \(round.drawn[c] ?? 0)")
            }
            let breakdown: [HTMLNode] = [
                drawn == 0
                    ? PageLayout.nothing(t(.drawsEmpty))
                    : PageCharts.stackedBar(segments, of: most, label: t(.drawsDrawnBar, ["drawn": "\(drawn)"])),
                .el(
                    .span, class: "small",
                    t(.drawsDrawnBar, ["drawn": PageFormat.integer(drawn)]) + " · "
                        + Self.classes.map { "\($0) \(round.drawn[$0] ?? 0)" }.joined(separator: " · ")),
            ]
            // Each class's quota against its population.
            let ratios = Self.classes.map { c in
                BarSegment(
                    style: "c-\(c)", value: round.quota[c] ?? 0,
                    label: "\(className(c)): \(round.quota[c] ?? 0) / \(round.population[c] ?? 0)")
            }
            let quota: [HTMLNode] = [
                PageCharts.classRatios(ratios, of: Self.classes.map { round.population[$0] ?? 0 }, label: t(.drawsColumnRatio)),
                .el(
                    .span, class: "small",
                    Self.classes.map { "\($0) \(round.quota[$0] ?? 0)/\(round.population[$0] ?? 0)" }.joined(separator: " · ")
                        + " · " + t(.drawsTotal) + " \(round.quota.values.reduce(0, +))/\(round.population.values.reduce(0, +))"),
            ]
            let seed: HTMLNode = round.seed.map { .text(t(.drawsSeed, ["seed": $0, "ledger": "\(round.ledgerSeq ?? 0)"])) } ?? .text("–")
            return [.fragment(name), .fragment(breakdown), .fragment(quota), seed]
        }
        let legend: [HTMLNode] = Self.classes.map { c in
            .el(.span, class: "legend", [.el(.span, class: "swatch c-\(c)", ""), .text(className(c))])
        }
        return PageLayout.section(
            id: "draws", t(.drawsTitle),
            [
                .el(.p, t(.drawsExplain)), .el(.p, legend),
                .table(
                    class: "chart-table",
                    headers: [t(.drawsColumnRound), t(.drawsColumnDrawn), t(.drawsColumnRatio), t(.drawsColumnSeed)], rows: rows),
            ])
    }

    private func blocked() -> HTMLNode {
        guard !report.blockedDraws.isEmpty else { return .empty }
        return PageLayout.section(
            id: "blocked", text(.blockedTitle),
            [.el(.ul, report.blockedDraws.map { .el(.li, "\($0.group) R\($0.round): \($0.reason)") })])
    }

    private func deadlines() -> HTMLNode {
        let t = text
        guard !data.deadlines.isEmpty, let today = try? CivilDate(parsing: report.date) else {
            return PageLayout.section(id: "deadlines", t(.deadlinesTitle), [PageLayout.nothing(t(.none))])
        }
        let dates = data.deadlines.flatMap { [$0.assessment.roundEnd, $0.assessment.due] } + [today]
        let first = dates.min() ?? today, last = dates.max() ?? today
        let rows: [[HTMLNode]] = data.deadlines.map { d in
            let a = d.assessment
            let overdue = a.status == .overdue
            let status =
                overdue ? t(.deadlinesOverdue, ["days": "\(a.workingDaysOverdue)"]) : t(.deadlinesDueSoon, ["days": "\(a.workingDaysLeft)"])
            var progress = d.drawn ? t(.deadlinesResults, ["done": "\(d.resultCount)", "drawn": "\(d.drawnCount)"]) : t(.deadlinesNotDrawn)
            if d.unpublished > 0 { progress += t(.clauseSeparator) + t(.deadlinesToPublish, ["count": "\(d.unpublished)"]) }
            let span = TimelineSpan(
                from: a.roundEnd, to: a.due, style: overdue ? "bad" : "soon", label: "\(d.raninsTaskId): \(a.roundEnd) → \(a.due)")
            return [
                .fragment([.el(.code, d.raninsTaskId), .el(.br, []), .text(d.taskName)]), .text(a.due.description),
                .el(.span, class: overdue ? "tag bad" : "tag soon", status), .text(progress),
                PageCharts.timeline(span, first: first, last: last, today: today, label: span.label),
            ]
        }
        return PageLayout.section(
            id: "deadlines", t(.deadlinesTitle),
            [
                .el(.p, t(.deadlinesExplain)),
                .el(
                    .p, class: "small",
                    t(.deadlinesAxis, ["first": first.description, "today": today.description, "last": last.description])),
                .table(
                    class: "chart-table",
                    headers: [
                        t(.deadlinesColumnTask), t(.deadlinesColumnDue), t(.deadlinesColumnStatus), t(.deadlinesColumnProgress),
                        t(.deadlinesColumnTimeline),
                    ],
                    rows: rows),
            ])
    }

    private func publications() -> HTMLNode {
        let t = text
        guard !report.published.isEmpty else {
            return PageLayout.section(id: "publications", t(.publicationsTitle), [PageLayout.nothing(t(.none))])
        }
        return PageLayout.section(
            id: "publications", t(.publicationsTitle),
            [
                .table(
                    headers: [
                        t(.publicationsColumnTask), t(.publicationsColumnAdded), t(.publicationsColumnChanged),
                        t(.publicationsColumnWithdrawn),
                    ],
                    rows: report.published.map {
                        [.el(.code, $0.raninsTaskId), .number($0.added), .number($0.changed), .number($0.withdrawn)]
                    })
            ])
    }

    private func targets() -> HTMLNode {
        let t = text
        guard let targets = data.targets else { return PageLayout.section(id: "targets", t(.targetsTitle), [PageLayout.nothing(t(.none))]) }
        var items: [HTMLNode] = []
        if let rate = targets.applicationRate {
            let met = rate >= PlanTargets.requiredApplicationRate
            items.append(
                .el(
                    .li,
                    [
                        .text(
                            t(
                                .targetsApplication,
                                [
                                    "rate": PageFormat.percent(rate), "classified": PageFormat.integer(targets.classifiedObjects),
                                    "drawn": PageFormat.integer(targets.drawnObjects),
                                    "required": PageFormat.percent(PlanTargets.requiredApplicationRate),
                                ]) + " "), .el(.span, class: met ? "tag ok" : "tag bad", t(met ? .targetsMet : .targetsBelow)),
                    ]))
        } else {
            items.append(.el(.li, t(.targetsApplicationNone)))
        }
        if targets.coverage.isEmpty {
            items.append(.el(.li, t(.targetsCoverageNone)))
        }
        for c in targets.coverage {
            items.append(
                .el(
                    .li,
                    [
                        .text(
                            t(
                                .targetsCoverage,
                                [
                                    "department": c.department, "rate": c.rate.map(PageFormat.percent) ?? "–", "covered": "\(c.inPlan)",
                                    "listed": "\(c.listed)", "required": PageFormat.percent(PlanTargets.requiredMatterCoverage),
                                ]) + " "),
                        .el(.span, class: c.belowTarget ? "tag bad" : "tag ok", t(c.belowTarget ? .targetsBelow : .targetsMet)),
                    ]))
        }
        if !targets.departmentsWithoutList.isEmpty, !targets.coverage.isEmpty {
            items.append(
                .el(.li, t(.targetsWithoutList, ["departments": targets.departmentsWithoutList.joined(separator: t(.listSeparator))])))
        }
        return PageLayout.section(id: "targets", t(.targetsTitle), [.el(.ul, items)])
    }

    private func notes() -> HTMLNode {
        var out: [HTMLNode] = []
        if !report.ignored.isEmpty {
            out.append(
                PageLayout.section(id: "ignored", text(.ignoredTitle), [.el(.ul, report.ignored.map { .el(.li, [.el(.code, $0)]) })]))
        }
        let words = MessageCatalogue(text.language)
        let warnings = (report.warningTexts.map { $0.map { words($0) } } ?? report.warnings) + data.problems
        if !warnings.isEmpty {
            out.append(PageLayout.section(id: "warnings", text(.warningsTitle), [.el(.ul, warnings.map { .el(.li, $0) })]))
        }
        return .fragment(out)
    }
}
