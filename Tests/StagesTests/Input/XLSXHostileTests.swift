import Foundation
import Pipeline
import Testing

@testable import Stages

/// Workbooks built to hurt: each is refused whole with a clear error, in bounded memory and time.
@Suite("Hostile workbooks", .timeLimit(.minutes(2)))
struct XLSXHostileTests {
    static let header = ["统一社会信用代码", "企业名称", "主体类型", "行业类别", "行政区划代码", "登记状态"]
    static let row = ["91140981MA0KDLX98K", "原平市甲公司", "企业", "燃气经营企业", "140981", "存续"]

    /// What opening and reading the workbook at `path` throws, or "read" if it reads to the end.
    static func outcome(_ path: String, limits: XLSXLimits = XLSXLimits()) -> String {
        thrownDescription {
            let stream = try XLSXTabularStream(path: path, displayName: "reg.xlsx", shape: try TabularShape.register(), limits: limits)
            _ = try readRows(stream)
        } ?? "read"
    }

    static func sheetXML(_ body: String) -> [UInt8] {
        Array(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\(body)</worksheet>
            """.utf8)
    }

    /// A workbook whose sheet part is made by `generate` (streamed into the ZIP, never whole in memory).
    static func workbook(sheetSize: Int, stored: Bool = false, at path: String, generate: @escaping (Int, Int) -> Data) throws {
        var book = TestWorkbook.excel([Self.header])
        book.omitted = ["xl/worksheets/sheet1.xml"]
        try book.write(to: path)
        try addGeneratedPart("xl/worksheets/sheet1.xml", size: sheetSize, to: path, stored: stored, generate: generate)
    }

    /// Bytes `head`, then `filler` repeated, then `tail`, as a generator over the whole.
    static func generator(head: String, filler: String, tail: String, size: Int) -> (Int, Int) -> Data {
        let head = Array(head.utf8), filler = Array(filler.utf8), tail = Array(tail.utf8)
        return { offset, count in
            var out = [UInt8](repeating: 0, count: count)
            for index in 0..<count {
                let at = offset + index
                if at < head.count {
                    out[index] = head[at]
                } else if at >= size - tail.count {
                    out[index] = tail[at - (size - tail.count)]
                } else {
                    out[index] = filler[(at - head.count) % filler.count]
                }
            }
            return Data(out)
        }
    }

    @Test func aZipBombIsRefusedAsItInflates() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("bomb.xlsx")
        // 64 MiB of empty elements inside <sheetData> deflate a thousand times over; the read stops
        // once the part is 200 times its compressed bytes so far, long before it is all out.
        let size = 64 << 20
        let head = "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        try Self.workbook(
            sheetSize: size, at: path, generate: Self.generator(head: head, filler: "<x/>", tail: "</sheetData></worksheet>", size: size))
        let message = Self.outcome(path).replacing(#/\d+ bytes out of \d+/#, with: "N bytes out of M")
        #expect(
            message
                == "reg.xlsx: error: xl/worksheets/sheet1.xml: the part inflates more than 200 times its compressed size (N bytes out of M); the file is refused whole as a zip bomb"
        )
        // A part that says it is larger than the limit is refused before a byte is inflated.
        #expect(
            Self.outcome(path, limits: XLSXLimits(maxPartBytes: 1 << 20))
                == "reg.xlsx: error: xl/worksheets/sheet1.xml: the part says it inflates to 67108864 bytes, more than the limit of 1048576; the file is refused whole (a zip bomb, or far larger than any register)"
        )
        // One that lies about its size is stopped at the limit all the same.
        try patchZipEntry(path, "xl/worksheets/sheet1.xml", uncompressedSize: 1000)
        #expect(
            Self.outcome(path, limits: XLSXLimits(maxPartBytes: 1 << 20, maxCompressionRatio: 100_000))
                == "reg.xlsx: error: xl/worksheets/sheet1.xml: the part inflates to more than 1048576 bytes, the limit; the file is refused whole (a zip bomb, or far larger than any register)"
        )
    }

    @Test func aPartThatInflatesToOtherThanItsDirectorySaysIsDamaged() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("reg.xlsx")
        try TestWorkbook.excel([Self.header, Self.row]).write(to: path)
        #expect(Self.outcome(path) == "read")
        try patchZipEntry(path, "xl/worksheets/sheet1.xml", uncompressedSize: 100)
        #expect(
            Self.outcome(path).hasPrefix("reg.xlsx: error: xl/worksheets/sheet1.xml: the part inflates to ")
                && Self.outcome(path).hasSuffix(" bytes, but the directory says 100; the file is damaged"))
        try TestWorkbook.excel([Self.header, Self.row]).write(to: path)
        try patchZipEntry(path, "xl/worksheets/sheet1.xml", crc: 0xDEAD_BEEF)
        #expect(
            Self.outcome(path)
                == "reg.xlsx: error: xl/worksheets/sheet1.xml: the part's CRC-32 does not match the directory; the file is damaged")
    }

    @Test func aDeflateStreamThatOutrunsItsEntryEndsInsteadOfHanging() throws {
        // ZIPFoundation's own extract would ask the file for more forever; the part stream's
        // provider hands out exactly the entry's compressed bytes and then says so.
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("reg.xlsx")
        // A stored deflate block, not the last, that promises 65,535 bytes, in an entry of 65,536:
        // well-formed XML so far, and zlib asks for the 4 bytes the entry does not have.
        let head = Array(
            "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>".utf8)
        var deflate: [UInt8] = [0x00, 0xFF, 0xFF, 0x00, 0x00] + head
        deflate += [UInt8](repeating: 0x20, count: 65_536 - deflate.count)
        var book = TestWorkbook.excel([Self.header])
        book.omitted = ["xl/worksheets/sheet1.xml"]
        try writeZip(book.parts + [("xl/worksheets/sheet1.xml", deflate)], to: path, stored: true)
        try patchZipEntry(path, "xl/worksheets/sheet1.xml", method: 8, uncompressedSize: 65_535)
        #expect(
            Self.outcome(path)
                == "reg.xlsx: error: xl/worksheets/sheet1.xml: its compressed data ends before its deflate stream does; the file is damaged or crafted, and is refused whole"
        )
    }

    @Test func partsNamedOutsideThePackageAreRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let cases: [(String, String)] = [
            ("../evil.xml", "climbs out of the package with '..'"), ("xl/../../evil.xml", "climbs out of the package with '..'"),
            ("xl\\..\\..\\evil.xml", "climbs out of the package with '..'"), ("/etc/passwd", "is an absolute path"),
            ("C:/Windows/evil.xml", "names a drive"),
        ]
        for (name, problem) in cases {
            let path = folder.path("reg.xlsx")
            var book = TestWorkbook.excel([Self.header, Self.row])
            book.extraParts = [(name, Array("x".utf8))]
            try book.write(to: path)
            #expect(
                Self.outcome(path)
                    == "reg.xlsx: error: the workbook holds a part named '\(name)', which \(problem); such a file is refused whole",
                "\(name)")
        }
        // A relationship pointing outside the package.
        let path = folder.path("rels.xlsx")
        var book = TestWorkbook.excel([Self.header, Self.row])
        book.extraParts = [
            (
                "xl/_rels/workbook.xml.rels",
                Array(
                    """
                    <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="../../../etc/passwd"/></Relationships>
                    """.utf8)
            )
        ]
        try book.write(to: path)
        #expect(
            Self.outcome(path)
                == "reg.xlsx: error: xl/_rels/workbook.xml.rels: relationship rId1 points outside the package ('../../../etc/passwd'); the file is refused whole"
        )
    }

    @Test func aSharedStringTableBeyondItsLimitsIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("reg.xlsx")
        var book = TestWorkbook.excel([Self.header, Self.row])
        book.sharedStrings = (book.sharedStrings ?? []) + (0..<1_000).map { "<t>名称\($0)</t>" }
        try book.write(to: path)
        #expect(Self.outcome(path) == "read")
        #expect(
            Self.outcome(path, limits: XLSXLimits(maxSharedStrings: 1_000))
                == "reg.xlsx: error: xl/sharedStrings.xml: the workbook has more than 1000 shared strings, the limit; the file is refused whole (split the register)"
        )
        #expect(
            Self.outcome(path, limits: XLSXLimits(maxSharedStringBytes: 4_096))
                == "reg.xlsx: error: xl/sharedStrings.xml: the shared strings hold more than 4096 bytes of text, the limit; the file is refused whole (split the register)"
        )
        #expect(
            Self.outcome(path, limits: XLSXLimits(maxCellBytes: 8))
                == "reg.xlsx: error: xl/sharedStrings.xml: string 0 is longer than 8 bytes, the limit for one cell")
        // A cell that names a string the table does not have.
        book = TestWorkbook.excel([Self.header])
        book.sheets[0].body = book.sheets[0].body.replacing(
            "</sheetData>", with: "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>4000</v></c></row></sheetData>")
        try book.write(to: path)
        #expect(
            Self.outcome(path)
                == "reg.xlsx:Sheet1!A2: error: the cell refers to shared string 4000, which the workbook does not have (6 strings); the file is damaged"
        )
    }

    @Test func aSheetPastExcelsLastColumnOrRowIsRefused() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("wide.xlsx")
        // A million unaddressed cells in one row (stored, so no ratio check stops it first): the
        // read stops at the 16,385th, with at most one row of cells in memory.
        let cell = "<c><v>1</v></c>"
        let head =
            "<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\">"
        let tail = "</row></sheetData></worksheet>"
        let size = head.utf8.count + cell.utf8.count * 1_000_000 + tail.utf8.count
        try Self.workbook(
            sheetSize: size, stored: true, at: path, generate: Self.generator(head: head, filler: cell, tail: tail, size: size))
        #expect(
            Self.outcome(path)
                == "reg.xlsx:Sheet1!1: error: the row has a cell beyond column XFD (column 16385), Excel's last; the sheet is refused")
        var book = TestWorkbook.excel([Self.header])
        for (row, expected) in [
            (
                "<row r=\"2\"><c r=\"XFE2\"><v>1</v></c></row>",
                "reg.xlsx:Sheet1!2: error: cell 'XFE2' is beyond column XFD, Excel's last; the sheet is refused"
            ),
            (
                "<row r=\"2\"><c r=\"AAAAAAAAAAAAAAAAAAAA2\"><v>1</v></c></row>",
                "reg.xlsx:Sheet1!2: error: cell 'AAAAAAAAAAAA' is beyond column XFD, Excel's last; the sheet is refused"
            ),
            (
                "<row r=\"1048577\"><c r=\"A1048577\"><v>1</v></c></row>",
                "reg.xlsx:Sheet1!1048577: error: row 1048577 is beyond row 1048576, Excel's last; the sheet is refused"
            ),
            ("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", "reg.xlsx:Sheet1!1: error: row 1 is given twice; the file is damaged"),
            (
                "<row r=\"2\"><c r=\"B2\"><v>1</v></c><c r=\"B2\"><v>2</v></c></row>",
                "reg.xlsx:Sheet1!B2: error: the cell is given twice; the file is damaged"
            ),
        ] {
            book.sheets[0].body = TestWorkbook.excel([Self.header]).sheets[0].body.replacing("</sheetData>", with: row + "</sheetData>")
            try book.write(to: path)
            #expect(Self.outcome(path) == expected)
        }
    }

    // The refusals are catalogue texts: said in Chinese where Chinese is in force.
    @Test func refusalsInChinese() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        func chinese(_ path: String) -> String? {
            do {
                let stream = try XLSXTabularStream(
                    path: path, displayName: "reg.xlsx", shape: try TabularShape.register(), limits: XLSXLimits())
                _ = try readRows(stream)
            } catch let error as MalformedFileError {
                return error.diagnostic.rendered(in: .zh)
            } catch {
                return "\(error)"
            }
            return nil
        }
        let path = folder.path("reg.xlsx")
        var book = TestWorkbook.excel([Self.header, Self.row])
        book.extraParts = [("../evil.xml", Array("x".utf8))]
        try book.write(to: path)
        #expect(chinese(path) == "reg.xlsx: 错误：工作簿中有名为“../evil.xml”的部件，它用“..”跳出了文件包；这样的文件整体拒收")
        book = TestWorkbook.excel([Self.header])
        book.sheets[0].body = book.sheets[0].body.replacing("</sheetData>", with: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData>")
        try book.write(to: path)
        #expect(chinese(path) == "reg.xlsx:Sheet1!1: 错误：第 1 行出现了两次；文件已损坏")
        book = TestWorkbook.excel([Self.header, Self.row])
        book.extraParts = [("xl/sharedStrings.xml", Array("<?xml version=\"1.0\"?>\n<sst><si><t>&bad;</t></si></sst>".utf8))]
        try book.write(to: path)
        #expect(chinese(path) == "reg.xlsx: 错误：xl/sharedStrings.xml，第 2 行第 18 列：该部件引用了实体 &bad;，它不是五个预定义实体之一；出于安全考虑拒绝实体")
    }

    @Test func entitiesAndDoctypesAreRefusedInEveryPart() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("reg.xlsx")
        let doctype =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<sst><si><t>&b;</t></si></sst>"
        var book = TestWorkbook.excel([Self.header, Self.row])
        book.extraParts = [("xl/sharedStrings.xml", Array(doctype.utf8))]
        try book.write(to: path)
        #expect(
            Self.outcome(path)
                == "reg.xlsx: error: xl/sharedStrings.xml, line 2, column 1: the file has a document type declaration (<!DOCTYPE …>), which is refused: it can declare entities that read local files or expand without bound (XXE, billion laughs); remove the DOCTYPE and read the file again"
        )
        book.extraParts = [
            (
                "xl/worksheets/sheet1.xml",
                Self.sheetXML("<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData>")
            )
        ]
        try book.write(to: path)
        #expect(
            Self.outcome(path)
                == "reg.xlsx: error: xl/worksheets/sheet1.xml, line 2, column 136: the part refers to the entity &xxe;, which is not one of the five predefined ones; entities are refused for security"
        )
        book.extraParts = [("xl/worksheets/sheet1.xml", Self.sheetXML("<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"))]
        try book.write(to: path)
        #expect(Self.outcome(path).hasPrefix("reg.xlsx: error: xl/worksheets/sheet1.xml, line 2, column "))
        #expect(Self.outcome(path).hasSuffix("the workbook is damaged: open and save it again in Excel or WPS"))
    }

    @Test func aTruncatedWorkbookIsDamaged() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = folder.path("reg.xlsx")
        try TestWorkbook.excel([Self.header, Self.row]).write(to: path)
        let bytes = try fileBytes(path)
        let cut = try folder.write("cut.xlsx", Array(bytes.prefix(bytes.count / 2)))
        #expect(
            Self.outcome(cut).hasPrefix(
                "reg.xlsx: error: the file starts like a ZIP archive (as .xlsx files do) but its directory cannot be read"))
        #expect(Self.outcome(cut).hasSuffix("it is damaged or incomplete: save it again from Excel or WPS"))
    }
}
