#!/bin/sh
# Every benchmark of issue 20 in one run, and ONE table: measure | seconds | reference seconds |
# ratio | peak RSS, the references (sqlite3 .import, xmllint --stream --noout) measured in the same
# run on the same generated files.
#
#   Benchmarks/all.sh [--rows N] [--runs R]                       this package's release build
#   SUIJI=path/suiji SUIJI_DEV=path/suiji-dev Benchmarks/all.sh   one given build (nothing is built)
#   Benchmarks/all.sh --before DIR --after DIR                    two builds side by side (DIR/suiji,
#                                                                 DIR/suiji-dev), in the same run
#
# --rows N (default 1,000,000) scales every part: the import registers have N rows, the nightly
# inbox N entities (5 departments of N/5), the draw N entities and the matching N/20 objects against
# 2,000 inspectors (at 1M: issue 20's sizes). --rows 100000 is a quick run. --runs R: import runs
# (median; default 1). --keep DIR keeps the generated files and the raw JSON in DIR.
#
# The parts: Benchmarks/import_benchmark.py (CSV, XML, GB18030, 1% re-import), Benchmarks/
# nightly_benchmark.py (first night, no-op night, draw night), `suiji-dev draw bench`
# (Benchmarks/draw_benchmark.sh: the draw of all 42 tasks incl. the index, and the matching).
# Benchmarks are never part of `swift test`. The machine is shared: look at `pgrep -x swift-build`
# before trusting the figures, and compare instruction counts (valgrind --tool=callgrind) for changes.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ROWS=1000000
RUNS=1
BEFORE=""
AFTER=""
KEEP=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --runs) RUNS=$2; shift 2 ;;
        --before) BEFORE=$2; shift 2 ;;
        --after) AFTER=$2; shift 2 ;;
        --keep) KEEP=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "all.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    esac
done

# The builds to time: label=dir pairs, each dir holding suiji and suiji-dev.
if [ -n "$BEFORE" ] || [ -n "$AFTER" ]; then
    if [ -z "$BEFORE" ] || [ -z "$AFTER" ]; then echo "all.sh: give both --before DIR and --after DIR" >&2; exit 64; fi
    SET="before=$BEFORE after=$AFTER"
elif [ -n "${SUIJI:-}" ]; then
    DIR=$(mktemp -d)
    ln -s "$(realpath "$SUIJI")" "$DIR/suiji"
    ln -s "$(realpath "${SUIJI_DEV:?give SUIJI_DEV with SUIJI}")" "$DIR/suiji-dev"
    SET="suiji=$DIR"
else
    swift build -c release --product suiji >/dev/null
    swift build -c release --product suiji-dev >/dev/null
    SET="suiji=$ROOT/.build/release"
fi
for pair in $SET; do
    dir=${pair#*=}
    for b in suiji suiji-dev; do
        [ -x "$dir/$b" ] || { echo "all.sh: $dir/$b is not an executable file" >&2; exit 64; }
    done
done

WORK=${KEEP:-$(mktemp -d /tmp/suiji-all-XXXXXX)}
mkdir -p "$WORK"
FIRST_DEV=""
IMPORT_ARGS=""
NIGHTLY_ARGS=""
for pair in $SET; do
    label=${pair%%=*}
    dir=$(realpath "${pair#*=}")
    [ -n "$FIRST_DEV" ] || FIRST_DEV="$dir/suiji-dev"
    IMPORT_ARGS="$IMPORT_ARGS --suiji $label=$dir/suiji"
    NIGHTLY_ARGS="$NIGHTLY_ARGS --suiji $label=$dir/suiji"
done

echo "== import ($ROWS rows, $RUNS run(s))" >&2
# shellcheck disable=SC2086
python3 Benchmarks/import_benchmark.py --rows "$ROWS" --runs "$RUNS" --suiji-dev "$FIRST_DEV" $IMPORT_ARGS \
    --keep "$WORK/import" --json "$WORK/import.json" >&2 || true # exits 1 when a goal is missed
rm -rf "$WORK/import"

echo "== nightly ($ROWS entities)" >&2
# shellcheck disable=SC2086
python3 Benchmarks/nightly_benchmark.py --rows-per-department $((ROWS / 5)) --suiji-dev "$FIRST_DEV" $NIGHTLY_ARGS \
    --keep "$WORK/nightly" --json "$WORK/nightly.json" >&2
rm -rf "$WORK/nightly"

OBJECTS=$((ROWS / 20))
for pair in $SET; do
    label=${pair%%=*}
    dir=$(realpath "${pair#*=}")
    echo "== draw bench, $label ($ROWS entities, $OBJECTS objects x 2000 inspectors)" >&2
    sync
    /usr/bin/time -f "%M" -o "$WORK/draw-$label.rss" "$dir/suiji-dev" draw bench --entities "$ROWS" --objects "$OBJECTS" \
        --inspectors 2000 --departments 10 >"$WORK/draw-$label.txt"
    cat "$WORK/draw-$label.txt" >&2
done

python3 - "$WORK" $SET <<'EOF'
import json, os, re, sys
work, pairs = sys.argv[1], sys.argv[2:]
labels = [p.split("=", 1)[0] for p in pairs]
imp = json.load(open(os.path.join(work, "import.json")))
night = json.load(open(os.path.join(work, "nightly.json")))
draw = {}
for label in labels:
    text = open(os.path.join(work, f"draw-{label}.txt")).read()
    index = float(re.search(r"index ([\d.]+) s", text).group(1))
    prepare = float(re.search(r"prepare\+commit\+draw ([\d.]+) s", text).group(1))
    match = float(re.search(r"teams: ([\d.]+) s", text).group(1))
    rss = int(open(os.path.join(work, f"draw-{label}.rss")).read().split()[-1]) / 1024
    draw[label] = {"draw": index + prepare, "match": match, "rss": rss}
floors = imp["floors"]
# (measure, seconds per label, reference name, reference seconds, RSS per label, goal)
rows = []
def imported(key):
    return ({l: imp["binaries"][l]["seconds"][key] for l in labels}, {l: imp["binaries"][l]["rss_mib"][key] for l in labels})
for key, name, ref_name, ref, goal in [
    ("suiji_csv", "CSV import", "sqlite3 .import", floors["sqlite_import"], "ratio <= 0.60"),
    ("suiji_xml", "XML import", "xmllint --stream", floors["xmllint"], "ratio <= 1.5"),
    ("reimport_1pct", "re-import, 1% changed", "sqlite3 .import", floors["sqlite_import"], "ratio <= 0.40"),
]:
    s, r = imported(key)
    rows.append((name, s, ref_name, ref, r, goal))
s, r = imported("suiji_gb18030")
rows.append(("GB18030 import", s, "its CSV import", None, r, "ratio <= 1.35"))
for key, name, goal in [("first_night", "night 1 (import, 37 commitments)", "peak RSS < 200 MB"),
                        ("noop_night", "night with nothing to do", "< 0.5 s"), ("draw_night", "night 2 (draw and match all groups)", "peak RSS < 200 MB")]:
    rows.append((name, {l: night["binaries"][l][key]["wall"] for l in labels}, None, None,
                 {l: night["binaries"][l][key]["rss_mb"] for l in labels}, goal))
rows.append(("draw, 42 tasks incl. index", {l: draw[l]["draw"] for l in labels}, None, None, {l: draw[l]["rss"] for l in labels}, "< 2 s"))
rows.append(("matching, objects x 2000 insp.", {l: draw[l]["match"] for l in labels}, None, None, {l: draw[l]["rss"] for l in labels}, "< 2 s"))

def ratio(row, l):
    name, s, ref_name, ref, _, _ = row
    if ref_name == "its CSV import":
        return s[l] / imp["binaries"][l]["seconds"]["suiji_csv"]
    return s[l] / ref if ref else None

head = ["measure"] + [f"{l} s" for l in labels] + ["reference", "ref s"] + [f"{l} ratio" for l in labels] + [f"{l} peak RSS MB" for l in labels] + ["goal"]
print(f"rows: {imp['rows']:,}; import runs: {imp['runs']} (medians)")
print("| " + " | ".join(head) + " |")
print("|" + "---|" * len(head))
for row in rows:
    name, s, ref_name, ref, rss, goal = row
    cells = [name] + [f"{s[l]:.2f}" for l in labels] + [ref_name or "—", f"{ref:.2f}" if ref else "—"]
    cells += [f"{ratio(row, l):.2f}" if ratio(row, l) is not None else "—" for l in labels]
    cells += [f"{rss[l]:.0f}" for l in labels] + [goal]
    print("| " + " | ".join(cells) + " |")
print(f"\nmachine load: {os.getloadavg()[0]:.2f}; swift builds running: {os.popen('pgrep -xc swift-build').read().strip()}")
EOF
[ -n "$KEEP" ] || rm -rf "$WORK"
