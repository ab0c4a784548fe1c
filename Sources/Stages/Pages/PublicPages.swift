// `outbox/public/`: the county's 公示 pages, written by every publication that is not a dry run
// (`suiji publish`, the nightly run's publish stage): an index of the year's tasks and rounds, and
// for each round whose results are published, a page with the plan's task, the draw (commitment,
// public seed, dates), how to verify it (the draw's public bundle and verify_draw.py, written
// beside the page), the drawn businesses (name, 统一社会信用代码) and the results in the national
// wording. Always in Chinese (`lang="zh-CN"`): it is the county's public notice, whatever language
// its staff read reports in.
//
// Never on these pages: a risk class, an inspector, an address, a phone, a legal representative
// (PublicRounds gathers none of them; PublicPagesTests scan every page for the demo's values). The
// public bundle holds per-class counts and quotas only (PublicDrawBundle.swift); a bundle whose
// counts would tell every member's class (all of one class) is not written, and the page says so.

internal import Foundation
internal import Pipeline

/// Writes the public pages.
enum PublicPages {
    /// The language of the public pages.
    static let language = UILanguage.zh

    /// Writes every page, bundle and the verify script under `folder` (each file only if its bytes
    /// changed); returns the paths written, and warnings (a draw whose public bundle cannot be made:
    /// its page says so, the rest is written). Writes nothing when the store holds no plan.
    /// `knownNames`: registered names per plan id, read by the publication just committed.
    @discardableResult
    static func write(
        store: any StageStore, to folder: String, knownNames: [Int64: [String: String]] = [:]
    ) throws -> (written: [String], warnings: [Diagnostic]) {
        let plans = try store.reading { sql in try PublicRound.gather(sql, knownNames: knownNames) }
        guard !plans.isEmpty else { return ([], []) }
        let text = try PageText.bundled(language)
        let stylesheet = try PageLayout.stylesheet()
        var files: [(name: String, text: String)] = []
        var warnings: [Diagnostic] = []
        let draws = try DrawStore(store: store)
        var bundles: [String: BundleState] = [:]
        for plan in plans {
            for round in plan.rounds where round.pageName != nil {
                guard let draw = round.draw else { continue }
                let key = "\(plan.id)|\(draw.group)|\(draw.round)"
                if bundles[key] != nil { continue }
                do {
                    let (bundle, _) = try draws.bundle(planID: plan.id, group: draw.group, round: draw.round)
                    if bundle.commitment.isLegacy || bundle.publicBundle.countsRevealClasses {
                        bundles[key] = .withheld
                    } else {
                        let name = "draw-\(plan.region)-\(draw.group)-R\(draw.round).json"
                        bundles[key] = .written(name)
                        files.append((name, bundle.publicBundle.prettyJSON))
                    }
                } catch {
                    bundles[key] = .unavailable
                    warnings.append(
                        Diagnostic(
                            .warning,
                            Message(.pagesBundleUnavailable, ["group": draw.group, "round": "\(draw.round)", "reason": "\(error)"]),
                            at: SourceLocation(file: folder)))
                }
            }
        }
        for plan in plans {
            for round in plan.rounds {
                guard let name = round.pageName else { continue }
                let bundle = round.draw.flatMap { bundles["\(plan.id)|\($0.group)|\($0.round)"] } ?? .unavailable
                files.append((name, PublicRoundPage(plan: plan, round: round, bundle: bundle, text: text, stylesheet: stylesheet).render()))
            }
        }
        files.append(("index.html", PublicIndexPage(plans: plans, text: text, stylesheet: stylesheet).render()))
        files.append(("verify_draw.py", try EmbeddedResources.text(named: "verify_draw.py")))
        var written: [String] = []
        for file in files {
            let path = folder + "/" + file.name
            if try PageFile.write(file.text, to: path) { written.append(path) }
        }
        return (written, warnings)
    }
}

/// What a round's page says about its draw's public bundle.
enum BundleState: Sendable, Hashable {
    /// Written beside the page under this name.
    case written(String)
    /// Not published: its class counts would tell every member's class (or the commitment has no public form).
    case withheld
    /// It could not be made (a warning says why).
    case unavailable
}

/// `outbox/public/index.html`.
struct PublicIndexPage {
    /// The plans, newest first.
    let plans: [PublicPlan]
    /// The texts.
    let text: PageText
    /// The stylesheet.
    let stylesheet: HTMLNode

    /// The page's HTML.
    func render() -> String {
        let t = text
        var main: [HTMLNode] = [.el(.p, t(.publicIntro))]
        for plan in plans {
            let rows: [[HTMLNode]] = plan.rounds.map { r in
                let status: HTMLNode
                if let page = r.pageName {
                    status = .el(.span, class: "tag ok", [.link(PageFormat.href(page), t(.publicStatusPublished))])
                } else if r.draw != nil {
                    status = .el(.span, class: "tag", t(.publicStatusDrawn))
                } else if let commitment = r.pendingCommitment {
                    status = .fragment([.el(.span, class: "tag", t(.publicStatusCommitted)), .el(.br, []), PageLayout.hash(commitment)])
                } else {
                    status = .el(.span, class: "tag", t(.publicStatusPending))
                }
                let authority = ([r.task.insAuth.initiator] + r.task.insAuth.cooperators).joined(separator: t(.listSeparator))
                return [
                    r.pageName.map { .link(PageFormat.href($0), r.task.raninsTaskId) } ?? .el(.code, r.task.raninsTaskId),
                    .text(r.task.raninsTaskName), .text(r.task.raninsTypeName), .text(authority),
                    .text("\(r.task.startDate) – \(r.task.endDate)"), status,
                ]
            }
            main.append(
                .element(
                    .section, [("id", "plan-\(plan.year)-\(plan.region)")],
                    [
                        .el(.h2, plan.name),
                        .el(
                            .p, class: "small",
                            t(.publicPlan, ["planId": plan.rounds.first?.task.raninsPlanId ?? "", "tasks": "\(plan.rounds.count)"])),
                        .table(
                            cards: true,
                            headers: [
                                t(.publicColumnTaskID), t(.publicColumnTask), t(.publicColumnType), t(.publicColumnAuthority),
                                t(.publicColumnDates),
                                t(.publicColumnStatus),
                            ], rows: rows),
                    ]))
        }
        return PageLayout.document(
            language: t.language.htmlTag, title: t(.publicTitle), stylesheet: stylesheet, header: [.el(.h1, t(.publicTitle))], main: main,
            footer: [.el(.p, class: "small", t(.publicFooter))])
    }
}

/// `outbox/public/<抽查任务编号>.html`: one published task round.
struct PublicRoundPage {
    /// The plan.
    let plan: PublicPlan
    /// The round.
    let round: PublicRound
    /// The draw's public bundle.
    let bundle: BundleState
    /// The texts.
    let text: PageText
    /// The stylesheet.
    let stylesheet: HTMLNode

    private func facts(_ items: [(String, HTMLNode)]) -> HTMLNode {
        .el(.dl, class: "facts", items.flatMap { [HTMLNode.el(.dt, $0.0), .el(.dd, [$0.1])] })
    }

    /// The page's HTML.
    func render() -> String {
        let t = text
        let task = round.task
        var cooperators = task.insAuth.cooperators.joined(separator: t(.listSeparator))
        if cooperators.isEmpty { cooperators = t(.none) }
        var main: [HTMLNode] = [
            PageLayout.section(
                id: "task", t(.publicTaskSection),
                [
                    facts([
                        (t(.publicPlanName), .text(task.raninsPlanName)), (t(.publicPlanID), .el(.code, task.raninsPlanId)),
                        (t(.publicTaskID), .el(.code, task.raninsTaskId)), (t(.publicTaskName), .text(task.raninsTaskName)),
                        (t(.publicType), .text(task.raninsTypeName)), (t(.publicInitiator), .text(task.insAuth.initiator)),
                        (t(.publicCooperators), .text(cooperators)),
                        (t(.publicRoundDates), .text("\(task.startDate) – \(task.endDate)")),
                        (t(.publicMatters), .el(.ul, round.matters.map { .el(.li, $0) })),
                        (
                            t(.publicPopulation),
                            .text(
                                t(
                                    .publicPopulationValue,
                                    ["population": PageFormat.integer(task.populationCount), "drawn": PageFormat.integer(task.drawnCount)]))
                        ),
                    ])
                ])
        ]
        if let draw = round.draw {
            main.append(
                PageLayout.section(
                    id: "draw", t(.publicDrawSection),
                    [
                        .el(.p, t(.publicDrawExplain)),
                        facts([
                            (t(.publicCommitment), PageLayout.hash(draw.commitment)),
                            (t(.publicCommitmentDate), .text(draw.commitmentDate)),
                            (t(.publicSeed), .el(.code, draw.seed)), (t(.publicSeedDate), .text(draw.seedDate ?? "–")),
                            (t(.publicDrawDate), .text(draw.drawDate)),
                            (
                                t(.publicLedgerEntry),
                                .text(t(.publicLedgerValue, ["group": draw.group, "round": "\(draw.round)", "seq": "\(draw.ledgerSeq)"]))
                            ),
                        ]),
                    ]))
            let steps: [HTMLNode]
            switch bundle {
            case .withheld: steps = [.el(.p, t(.publicVerifyWithheld))]
            case .unavailable: steps = [.el(.p, t(.publicVerifyUnavailable))]
            case .written(let bundle):
                steps = [
                    .el(
                        .ol, class: "steps",
                        [
                            .el(.li, [.text(t(.publicVerifyStep1) + " "), .link(PageFormat.href(bundle), bundle)]),
                            .el(.li, [.text(t(.publicVerifyStep2) + " "), .link("verify_draw.py", "verify_draw.py")]),
                            .el(.li, [.text(t(.publicVerifyStep3) + " "), .el(.code, "python3 verify_draw.py \(bundle)")]),
                            .el(.li, [.text(t(.publicVerifyStep4) + " "), PageLayout.hash(draw.commitment)]),
                        ])
                ]
            }
            main.append(PageLayout.section(id: "verify", t(.publicVerifySection), steps))
        }
        let rows: [[HTMLNode]] = round.businesses.map { b in
            let results: HTMLNode
            if let record = b.record {
                results = .el(
                    .ul, class: "results",
                    record.details.map { .el(.li, t(.publicResultLine, ["matter": $0.raninsItemName, "result": $0.raninsCheckResName])) })
            } else {
                results = .el(.span, class: "none", t(.publicResultPending))
            }
            return [.text(b.name), .el(.code, b.uscc), .text(b.record?.insDate.description ?? "–"), results]
        }
        main.append(
            PageLayout.section(
                id: "results", t(.publicResultsSection),
                [
                    .table(
                        cards: true, headers: [t(.publicColumnName), t(.publicColumnUSCC), t(.publicColumnDate), t(.publicColumnResult)],
                        rows: rows)
                ]))
        if let dates = round.published {
            main.append(
                PageLayout.section(
                    id: "dates", t(.publicDatesSection),
                    [facts([(t(.publicFirstPublished), .text(dates.first)), (t(.publicLastChanged), .text(dates.last))])]))
        }
        return PageLayout.document(
            language: t.language.htmlTag, title: t(.publicRoundTitle, ["task": task.raninsTaskName]), stylesheet: stylesheet,
            header: [
                .el(.nav, [.link("index.html", t(.publicBack))]), .el(.h1, t(.publicRoundTitle, ["task": task.raninsTaskName])),
                .el(.p, class: "small", [.text(plan.name + " · "), .el(.code, task.raninsTaskId)]),
            ],
            main: main, footer: [.el(.p, class: "small", t(.publicFooter))])
    }
}
