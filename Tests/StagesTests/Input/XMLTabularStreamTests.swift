import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("XMLTabularStream")
struct XMLTabularStreamTests {
    /// What a caller sees after each `next()`: the row (or the error), the warnings so far and the bytes read.
    struct Step: Equatable {
        var row: TabularRow?
        var error: String?
        var warnings: [String]
        var bytesRead: Int
    }

    /// A register of `count` records with an unknown field, schema problems now and then, and `tail` at the end.
    static func register(count: Int, tail: String) -> String {
        var text = "<?xml version=\"1.0\"?>\n<registry department=\"原平市市场监督管理局\">\n"
        for index in 0..<count {
            let risk = index % 97 == 5 ? "E" : "A"
            let extra = index == 300 ? "<remark>x</remark>" : ""
            text += "  <entity>\n    <uscc>91140981MA0K\(String(format: "%05d", index))X</uscc>\n    <name>晋北商贸\(index)</name>\n"
            text += "    <risk_class>\(risk)</risk_class>\(extra)\n  </entity>\n"
        }
        return text + tail
    }

    /// Reads with the stream, as a caller does.
    static func stream(_ path: String, department: String? = "原平市市场监督管理局", validate: Bool) throws -> [Step] {
        let stream = try XMLTabularStream(
            path: path, displayName: "reg.xml", shape: try TabularShape.register(), department: department, validate: validate,
            chunkSize: 4096)
        var steps: [Step] = []
        while steps.count < 10_000 {
            do {
                let row = try stream.next()
                steps.append(Step(row: row, warnings: stream.warnings.map(\.description), bytesRead: stream.bytesRead))
                if row == nil { break }
            } catch {
                steps.append(Step(error: "\(error)", warnings: stream.warnings.map(\.description), bytesRead: stream.bytesRead))
                break
            }
        }
        return steps
    }

    /// Reads with the row maker on this thread: what the stream did before it had a thread of its own.
    static func inPlace(_ path: String, department: String? = "原平市市场监督管理局", validate: Bool) throws -> [Step] {
        let reader = try XMLRecordReader(
            path: path, displayName: "reg.xml", rootName: "registry", recordName: "entity",
            validatingWith: validate ? try XMLSchema.bundledRegister() : nil, chunkSize: 4096)
        let maker = XMLRowMaker(reader: reader, shape: try TabularShape.register(), displayName: "reg.xml", department: department)
        var steps: [Step] = []
        while steps.count < 10_000 {
            do {
                let row = try maker.nextRow()
                steps.append(Step(row: row, warnings: maker.warnings.map(\.description), bytesRead: maker.bytesRead))
                if row == nil { break }
            } catch {
                steps.append(Step(error: "\(error)", warnings: maker.warnings.map(\.description), bytesRead: maker.bytesRead))
                break
            }
        }
        return steps
    }

    @Test func rowsWarningsAndBytesAreThoseOfEachRowAsItWasRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let complete = try folder.write("complete.xml", Self.register(count: 700, tail: "</registry>\n"))
        let broken = try folder.write("broken.xml", Self.register(count: 700, tail: "  <entity><name>x</nmae></entity>\n</registry>\n"))
        for (path, validate) in [(complete, true), (complete, false), (broken, true)] {
            let steps = try Self.stream(path, validate: validate)
            #expect(steps == (try Self.inPlace(path, validate: validate)))
            #expect(steps.count == 701)
            #expect(steps.filter { $0.row != nil }.count == 700)
            #expect(steps.last?.warnings.count == (validate ? 10 : 1))
        }
        let stepsOfBroken = try Self.stream(broken, validate: true)
        #expect(
            stepsOfBroken.last?.error
                == "reg.xml:3503:25: error: not well-formed XML: Opening and ending tag mismatch: name line 3503 and nmae")
        // The department is checked with the first record.
        let other = try Self.stream(complete, department: "定襄县市场监督管理局", validate: false)
        #expect(other.count == 1)
        #expect(
            other.first?.error
                == "reg.xml:1: error: the file is the register of 原平市市场监督管理局, not of 定襄县市场监督管理局; check --department")
    }

    /// The maker keeps the last record's layout and follows it while the names match: records in
    /// another order, longer or shorter, still have each value in its field and column.
    @Test func recordsOfChangingLayoutsHaveEachValueInItsField() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let records = [
            [("uscc", "1"), ("name", "甲"), ("risk_class", "A")],
            [("uscc", "2"), ("name", "乙"), ("risk_class", "B")],
            [("name", "丙"), ("uscc", "3"), ("risk_class", "C")],
            [("name", "丁"), ("uscc", "4"), ("risk_class", "D"), ("address", "崞阳镇")],
            [("uscc", "5"), ("name", "戊")],
            [("uscc", "6"), ("address", "新原乡"), ("name", "己"), ("risk_class", "A")],
        ]
        var text = "<?xml version=\"1.0\"?>\n<registry>\n"
        for record in records {
            text += "<entity>" + record.map { "<\($0.0)>\($0.1)</\($0.0)>" }.joined() + "</entity>\n"
        }
        let path = try folder.write("layouts.xml", text + "</registry>\n")
        let fields = try TabularShape.register().fields
        let steps = try Self.stream(path, department: nil, validate: false)
        #expect(steps == (try Self.inPlace(path, department: nil, validate: false)))
        let rows = steps.compactMap(\.row)
        #expect(rows.count == records.count)
        for (row, record) in zip(rows, records) {
            // A field the record lacks reads as empty (its column: none).
            var values = [String?](repeating: "", count: fields.count)
            var columns = [Int?](repeating: nil, count: fields.count)
            for (position, (name, value)) in record.enumerated() {
                let index = try #require(fields.firstIndex(of: name))
                values[index] = value
                columns[index] = position + 1
            }
            #expect(row.values == values)
            #expect(row.columns == columns)
        }
    }

    @Test func anErrorStaysAndAStreamLeftEarlyStopsItsThread() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let broken = try folder.write("broken.xml", Self.register(count: 3, tail: "<oops"))
        let stream = try XMLTabularStream(
            path: broken, displayName: "reg.xml", shape: try TabularShape.register(), department: nil, validate: false)
        for _ in 0..<3 { #expect(try stream.next() != nil) }
        #expect(throws: RegisterFileError.self) { try stream.next() }
        #expect(throws: RegisterFileError.self) { try stream.next() }

        // Streams dropped after a row, or finished early, stop their reading thread and do not hang.
        let big = try folder.write("big.xml", Self.register(count: 5_000, tail: "</registry>\n"))
        for _ in 0..<20 {
            let early = try XMLTabularStream(
                path: big, displayName: "reg.xml", shape: try TabularShape.register(), department: nil, validate: false)
            #expect(try early.next()?.line == 3)
        }
        let finished = try XMLTabularStream(
            path: big, displayName: "reg.xml", shape: try TabularShape.register(), department: nil, validate: false)
        _ = try finished.next()
        // These records lack required fields; `finish()` says so for the rows read so far.
        #expect(throws: MalformedFileError.self) { try finished.finish() }
        _ = try XMLTabularStream(path: big, displayName: "reg.xml", shape: try TabularShape.register(), department: nil, validate: false)

        // A stream finished before its first row reads nothing more.
        let unread = try XMLTabularStream(
            path: big, displayName: "reg.xml", shape: try TabularShape.register(), department: nil, validate: false)
        try unread.finish()
        let error = #expect(throws: XMLReadingStopped.self) { try unread.next() }
        #expect(error?.description == "the XML file was no longer being read")
    }
}
