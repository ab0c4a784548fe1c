import Testing

@testable import Stages

/// The one escaping function and the writer around it.
struct HTMLTests {
    @Test(arguments: [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        ("O'Brien & Sons", "O&#39;Brien &amp; Sons"),
        ("&amp; &lt;b&gt; &#60;", "&amp;amp; &amp;lt;b&amp;gt; &amp;#60;"),
        ("原平市\u{1B}[31m红\u{07}", "原平市\\u{1B}[31m红\\u{7}"),
        ("abc\u{202E}fed", "abc\\u{202E}fed"),
        ("nul\u{0}here\u{85}", "nul\\u{0}here\\u{85}"),
        ("两行\n文字\t制表", "两行\n文字\t制表"),
        ("回车\r", "回车\\u{D}"),
        ("{date} 不是槽", "{date} 不是槽"),
    ])
    func everythingFromAFileIsEscaped(_ input: String, _ expected: String) {
        #expect(HTML.escape(input) == expected)
    }

    @Test func textAndAttributesGoThroughTheSameEscaping() {
        let hostile = "x\" onclick=\"alert('1')\"><script>"
        let node = HTMLNode.element(.a, [("href", hostile), ("title", "a & b")], [.text(hostile)])
        #expect(
            HTML.render(node)
                == "<a href=\"x&quot; onclick=&quot;alert(&#39;1&#39;)&quot;&gt;&lt;script&gt;\" title=\"a &amp; b\">x&quot; onclick=&quot;alert(&#39;1&#39;)&quot;&gt;&lt;script&gt;</a>"
        )
    }

    @Test func aDocumentIsDeterministicWithBlocksOnTheirOwnLines() {
        let page = HTMLNode.element(
            .html, [("lang", "zh-CN")],
            [
                .el(.head, [.element(.meta, [("charset", "utf-8")]), .el(.title, "标题")]),
                .el(.body, [.el(.h1, "标题"), .el(.p, [.text("甲"), .el(.br, []), .text("乙")]), .el(.ul, [.el(.li, "一")])]),
            ])
        let expected = """
            <!DOCTYPE html>
            <html lang="zh-CN"><head>
            <meta charset="utf-8"><title>标题</title></head>
            <body>
            <h1>标题</h1>
            <p>甲<br>乙</p>
            <ul>
            <li>一</li>
            </ul>
            </body>
            </html>

            """
        #expect(HTML.document(page) == expected)
        #expect(HTML.document(page) == HTML.document(page))
    }

    @Test func theStylesheetIsOursAndMayNotCloseItsElement() {
        #expect(HTMLNode.stylesheet("a > b { color: red; }").map(HTML.render) == "a > b { color: red; }")
        #expect(HTMLNode.stylesheet("a {} </style><script>") == nil)
    }

    @Test func aTableOfCardsLabelsEveryCellWithItsColumn() {
        let table = HTMLNode.table(cards: true, headers: ["名称", "代码"], rows: [[.text("甲 & 乙"), .text("91140981")]])
        #expect(
            HTML.render(table) == """
                <div class="cardbox"><table class="cards">
                <thead>
                <tr><th scope="col">名称</th><th scope="col">代码</th></tr>
                </thead>
                <tbody>
                <tr><td data-label="名称">甲 &amp; 乙</td><td data-label="代码">91140981</td></tr>
                </tbody>
                </table>
                </div>

                """)
    }

    @Test(arguments: [
        (
            "rejects/2024-05-10/results/抽查结果-2024-05.csv.rejects.csv",
            "rejects/2024-05-10/results/%E6%8A%BD%E6%9F%A5%E7%BB%93%E6%9E%9C-2024-05.csv.rejects.csv"
        ),
        ("a b#c?d%e&f\"g.csv", "a%20b%23c%3Fd%25e%26f%22g.csv"),
        ("../x/y_z~1.json", "../x/y_z~1.json"),
    ])
    func aLinkNamesItsFileWhateverTheName(_ path: String, _ href: String) {
        #expect(PageFormat.href(path) == href)
    }

    @Test func linksAreRelative() {
        #expect(
            PageFormat.relativePath(of: "/w/rejects/2024-05-10/a/b.csv", from: "/w/reports/2024-05-10")
                == "../../rejects/2024-05-10/a/b.csv")
        #expect(PageFormat.relativePath(of: "/w/reports/index.html", from: "/w/reports") == "index.html")
    }

    @Test func numbersAsPeopleReadThem() {
        #expect(PageFormat.integer(0) == "0")
        #expect(PageFormat.integer(999) == "999")
        #expect(PageFormat.integer(3071) == "3,071")
        #expect(PageFormat.integer(-1_234_567) == "-1,234,567")
        #expect(PageFormat.percent(0.95) == "95.0%")
        #expect(PageFormat.percent(1.0 / 17) == "5.9%")
        #expect(PageFormat.percent(1) == "100.0%")
    }
}
