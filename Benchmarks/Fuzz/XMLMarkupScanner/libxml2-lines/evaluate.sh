#!/bin/sh
# Why the XML reader keeps its own line tracking: libxml2's element lines against the true line of
# every start tag's '<', with and without XML_PARSE_BIG_LINES, and the parser's line. Needs gcc
# and libxml2-dev. Prints the counts quoted at the top of Sources/Stages/Input/XMLMarkupScanner.swift.
set -eu
cd "$(dirname "$0")"
work=$(mktemp -d)
gcc -O2 -o "$work/probe" probe.c $(pkg-config --cflags --libs libxml-2.0)
(cd "$work" && python3 "$OLDPWD/gen.py" 12000 && ./probe doc.xml 0 > nobig.txt && ./probe doc.xml 1 > big.txt)
python3 - "$work" <<'PY'
import sys, os
work = sys.argv[1]
truth = [l.split() for l in open(os.path.join(work, "truth.txt"))]
for name, label in (("nobig.txt", "without BIG_LINES"), ("big.txt", "with BIG_LINES")):
    rows = [l.split() for l in open(os.path.join(work, name))]
    assert len(rows) == len(truth)
    wrong = [(int(t[1]), int(r[1])) for t, r in zip(truth, rows) if int(t[1]) != int(r[1])]
    past = sum(1 for t, _ in wrong if t > 65535)
    parser = sum(1 for t, r in zip(truth, rows) if int(t[1]) != int(r[3]))
    print(f"{label}: {len(rows)} elements; xmlGetLineNo wrong for {len(wrong)} ({past} past line 65535, "
          f"{len(wrong) - past} before it); parser line wrong for {parser}")
PY
rm -rf "$work"
