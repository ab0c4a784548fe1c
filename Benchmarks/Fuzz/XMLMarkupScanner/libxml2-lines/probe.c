// The probe for evaluate.sh (see there).
// For every ELEMENT node of xmlTextReader (streaming, 511-byte feeding like suiji's), prints:
// name, xmlGetLineNo(node), node->line, parser line. Options from argv[2] (1 = BIG_LINES).
#include <libxml/xmlreader.h>
#include <stdio.h>
#include <string.h>
static FILE *f;
static int rd(void *ctx, char *buf, int len) { if (len > 511) len = 511; return (int)fread(buf, 1, len, f); }
int main(int argc, char **argv) {
    f = fopen(argv[1], "rb");
    int opts = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT;
    if (argc > 2 && argv[2][0] == '1') opts |= XML_PARSE_BIG_LINES;
    xmlTextReaderPtr r = xmlReaderForIO(rd, NULL, NULL, "doc", NULL, opts);
    while (xmlTextReaderRead(r) == 1) {
        if (xmlTextReaderNodeType(r) == XML_READER_TYPE_ELEMENT) {
            xmlNodePtr n = xmlTextReaderCurrentNode(r);
            printf("%s %ld %d %d\n", (const char *)xmlTextReaderConstName(r), xmlGetLineNo(n), n->line,
                   xmlTextReaderGetParserLineNumber(r));
        }
    }
    xmlFreeTextReader(r);
    return 0;
}
