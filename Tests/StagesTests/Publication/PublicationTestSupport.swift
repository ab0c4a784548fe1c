import Fixtures
import Foundation
import GRDB
import Pipeline

@testable import Stages

/// A store on disk holding the 2024 原平市 plan, registered entities and draws written straight into
/// draw_ledger / draw_selections (the draw stage's schema, not its code).
struct PublicationWorld {
    /// The three pools drawn for task 17, round 1, with their registered names.
    static let pools: [(uscc: String, name: String)] = [
        ("911409810573184662", "原平市清泉游泳馆有限公司"),
        ("911409814720138623", "原平市浪花水上乐园有限公司（分公司）"),
        ("921409811682093506", "原平市碧波游泳健身中心"),
        ("911409815512345678", "原平市海豚游泳俱乐部有限公司"),
    ]

    let folder: TemporaryFolder
    let storePath: String
    let store: Store
    let plan: AnnualPlan
    let clock = Clock.fixed(Date(timeIntervalSince1970: 1_733_000_000))

    init() throws {
        folder = try TemporaryFolder()
        storePath = folder.path("suiji.sqlite")
        store = try Store(path: storePath)
        _ = try PlanImportJob(store: store, clock: clock).run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, year: 2024, region: "140981"))
        guard let plan = try store.plan(year: 2024, region: "140981") else {
            throw StoreError(path: storePath, Message(verbatim: "no plan"))
        }
        self.plan = plan
        try register(Self.pools)
    }

    /// The draw group of a task.
    func group(ofTask seq: Int) -> String {
        DrawGroups.form(plan).first { $0.taskSeqs.contains(seq) }?.key ?? "?"
    }

    /// Adds entities to a register (with what must never be published: risk class, legal rep, address, phone).
    func register(_ entities: [(uscc: String, name: String)]) throws {
        try store.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO departments (name) VALUES ('原平市卫生健康和体育局')")
            try db.execute(
                sql: """
                    INSERT INTO imports (kind, department_id, scope_key, file_name, content_sha256, byte_count, imported_at)
                    VALUES ('register', 1, 'register:test', 'test', 'x', 0, '2024-01-01T00:00:00Z')
                    """)
            let importID = db.lastInsertedRowID
            for entity in entities {
                try db.execute(
                    sql: """
                        INSERT INTO register_rows (department_id, uscc, name, entity_type, category, region_code, address, legal_rep,
                            risk_class, status, phone, row_hash, valid_from_import)
                        VALUES (1, ?, ?, '企业', '游泳场馆', '140981', '原平市泳池路8号', '张秘密', 'C', '存续', '13800000000', 0, ?)
                        """,
                    arguments: [entity.uscc, entity.name, importID])
            }
        }
    }

    /// Writes a draw ledger entry of a task's group and round with its selections (and an
    /// inspector assignment, which must never reach a payload).
    func draw(task seq: Int, round: Int, usccs: [String], population: [Int] = [8, 4]) throws {
        let group = group(ofTask: seq)
        try store.write { db in
            let planID = try Int64.fetchOne(db, sql: "SELECT id FROM plans") ?? 0
            let commitment = SHA256.hex("\(group)|\(round)|\(usccs)")
            try db.execute(
                sql: """
                    INSERT INTO draw_commitments (plan_id, group_key, round, commitment_sha256, canonical_json, algorithm_version, prepared_at, prepared_seq)
                    VALUES (?, ?, ?, ?, '{}', 'test', '2024-01-01T00:00:00Z', 1)
                    """,
                arguments: [planID, group, round, commitment])
            let perClass = population.map { "{\"population\":\($0)}" }.joined(separator: ",")
            try db.execute(
                sql: """
                    INSERT INTO draw_ledger (kind, plan_id, group_key, round, commitment_sha256, seed, result_json, created_at, prev_sha256, entry_sha256)
                    VALUES ('draw', ?, ?, ?, ?, '12345', ?, '2024-01-02T00:00:00Z', '', ?)
                    """,
                arguments: [planID, group, round, commitment, "{\"perClass\":[\(perClass)]}", SHA256.hex(commitment + "entry")])
            let seq = db.lastInsertedRowID
            for (position, uscc) in usccs.enumerated() {
                try db.execute(
                    sql: "INSERT INTO draw_selections (ledger_seq, position, uscc, risk_class, ticket) VALUES (?, ?, ?, 'C', 'T')",
                    arguments: [seq, position, uscc])
                try db.execute(
                    sql: """
                        INSERT INTO inspector_assignments (ledger_seq, uscc, department_id, inspector_id, slot, ticket)
                        VALUES (?, ?, 1, '晋执14098100123', 1, 'T')
                        """,
                    arguments: [seq, uscc])
            }
        }
    }

    /// Writes a results file and imports it.
    @discardableResult
    func importResults(
        _ name: String, _ text: String, rejects: Bool = false, dryRun: Bool = false, chunkSize: Int = 256 * 1024
    ) throws -> ResultsImportReport {
        let path = try folder.write(name, text)
        let request = ResultsImportRequest(
            path: path, displayName: name, year: 2024, region: "140981", dryRun: dryRun,
            rejectsPath: rejects ? folder.path(name + ".rejects.csv") : nil, chunkSize: chunkSize)
        return try ResultsImporter(store: store, clock: clock).run(request)
    }

    /// The output folder of publications.
    var outbox: String { folder.path("outbox") }

    /// Publishes (or plans) with the default formats.
    func publish(dryRun: Bool = false, store: Store? = nil) throws -> PublishReport {
        try Publisher(store: store ?? self.store, clock: clock).run(PublishRequest(outDirectory: outbox, dryRun: dryRun))
    }

    func cleanup() { folder.cleanup() }
}

/// Every file of a folder (recursively) with its bytes, by relative path.
func folderSnapshot(_ path: String) throws -> [String: [UInt8]] {
    var snapshot: [String: [UInt8]] = [:]
    guard let enumerator = FileManager.default.enumerator(atPath: path) else { return [:] }
    while let name = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let full = path + "/" + name
        _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
        snapshot[name] = isDirectory.boolValue ? [] : try fileBytes(full)
    }
    return snapshot
}

/// The results header in Chinese, as departments send it.
let resultsHeader = "任务序号,轮次,统一社会信用代码,检查日期,检查结果,核查方式,后续处置,备注\n"
