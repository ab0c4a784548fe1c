#!/usr/bin/env python3
"""The register-import benchmark (issue 3), standard library only.

Generates a seeded register of N rows (default 1,000,000) as UTF-8 CSV, GB18030 CSV and XML with
`suiji-dev generate register`, then times in the same run, each RUNS times (median reported):

  * suiji import of the CSV into a fresh store (full validation, history, USCC index);
  * sqlite3 FILE.db ".import --csv" of the same CSV into a new file database: the loading floor;
  * suiji import of the XML into a fresh store;
  * xmllint --stream --noout of the XML: the parsing floor;
  * suiji import of the GB18030 CSV (against the UTF-8 one);
  * re-import of the register with 1% of rows changed, into a store holding the original;

and the peak RSS of every suiji run (from wait4). Prints the figures and the ratios against the
issue's goals; exits 1 if a goal is missed.

    python3 Benchmarks/import_benchmark.py [--rows 1000000] [--runs 3] [--keep DIR]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPARTMENT = "原平市市场监督管理局"


def run(argv, cwd=None, quiet=True):
    """Runs argv; returns (seconds, peak RSS in MiB, exit code).

    Every timed command starts with the disk quiet: the previous one's written pages are flushed
    first (each import writes a ~290 MB store), so no command pays for another's writeback."""
    os.sync()
    time.sleep(1)
    start = time.monotonic()
    out = subprocess.DEVNULL if quiet else None
    process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - start
    return elapsed, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bad-rate", type=float, default=0.001, help="bad rows of EACH kind (16 kinds)")
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()

    for tool in ("sqlite3", "xmllint"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed (apt install sqlite3 libxml2-utils)")
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "suiji"], cwd=ROOT, check=True)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    suiji = os.path.join(bin_path, "suiji")

    work = args.keep or tempfile.mkdtemp(prefix="suiji-bench-")
    os.makedirs(work, exist_ok=True)
    csv, gb, xml, changed = (os.path.join(work, n) for n in ("register.csv", "register-gb18030.csv", "register.xml", "register-1pct.csv"))
    print(f"generating {args.rows:,} rows in {work} …", flush=True)
    # The generator is a development tool, `suiji-dev` (not part of the suiji binary).
    suiji_dev = os.path.join(bin_path, "suiji-dev")
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "suiji-dev"], cwd=ROOT, check=True)
    for layout, path in (("csv", csv), ("csv-gb18030", gb), ("xml", xml)):
        subprocess.run([suiji_dev, "generate", "register", "--rows", str(args.rows), "--seed", "20240101",
                        "--bad-rate", str(args.bad_rate), "--layout", layout, "--out", path], check=True, stdout=subprocess.DEVNULL)
    # 1% of the rows changed: every 100th data line gets another phone number (a change of value).
    with open(csv, encoding="utf-8", newline="") as source, open(changed, "w", encoding="utf-8", newline="") as target:
        for number, line in enumerate(source):
            if number > 0 and number % 100 == 0 and line.count(",") >= 12 and '"' not in line:
                head, _, _ = line.rstrip("\n").rpartition(",")
                line = head + ",0350-0000000\n"
            target.write(line)
    sizes = {p: os.path.getsize(p) / 2**20 for p in (csv, gb, xml)}
    print(f"CSV {sizes[csv]:.0f} MiB, GB18030 {sizes[gb]:.0f} MiB, XML {sizes[xml]:.0f} MiB", flush=True)

    store = os.path.join(work, "bench.sqlite")
    floor_db = os.path.join(work, "floor.db")
    rejects = os.path.join(work, "rejects.csv")
    results = {k: [] for k in ("suiji_csv", "sqlite_import", "suiji_xml", "xmllint", "suiji_gb18030", "reimport_1pct")}
    rss = {k: 0.0 for k in ("suiji_csv", "suiji_xml", "suiji_gb18030", "reimport_1pct")}

    def suiji_import(path, key, prepare=None):
        fresh(store)
        if prepare:
            code = run([suiji, "import", "--store", store, "--department", DEPARTMENT, "--rejects", rejects, prepare])[2]
            assert code in (0, 65), code
        seconds, peak, code = run([suiji, "import", "--store", store, "--department", DEPARTMENT, "--rejects", rejects, path])
        if code not in (0, 65):
            sys.exit(f"suiji import {path} failed with exit {code}")
        results[key].append(seconds)
        rss[key] = max(rss[key], peak)

    for round_ in range(args.runs):
        print(f"run {round_ + 1}/{args.runs}", flush=True)
        fresh(floor_db)
        results["sqlite_import"].append(run(["sqlite3", floor_db, f".import --csv {csv} register"])[0])
        suiji_import(csv, "suiji_csv")
        results["xmllint"].append(run(["xmllint", "--stream", "--noout", xml])[0])
        suiji_import(xml, "suiji_xml")
        suiji_import(gb, "suiji_gb18030")
        suiji_import(changed, "reimport_1pct", prepare=csv)

    median = {k: statistics.median(v) for k, v in results.items()}
    goals = [
        ("CSV import / sqlite3 .import", median["suiji_csv"] / median["sqlite_import"], 0.8),
        ("XML import / xmllint --stream", median["suiji_xml"] / median["xmllint"], 2.0),
        ("GB18030 import / UTF-8 import", median["suiji_gb18030"] / median["suiji_csv"], 1.35),
        ("1% re-import / sqlite3 .import", median["reimport_1pct"] / median["sqlite_import"], 1.0),
    ]
    print()
    print(f"{'measure':34} {'median s':>9}   runs")
    for key, values in results.items():
        print(f"{key:34} {median[key]:9.2f}   " + " ".join(f"{v:.2f}" for v in values))
    print()
    print(f"{'goal':34} {'ratio':>9} {'limit':>6}")
    missed = False
    for name, ratio, limit in goals:
        ok = ratio <= limit
        missed |= not ok
        print(f"{name:34} {ratio:9.2f} {limit:6.2f}  {'ok' if ok else 'MISSED'}")
    peak = max(rss.values())
    print(f"{'peak RSS of suiji (MiB)':34} {peak:9.1f} {150:6}  {'ok' if peak < 150 else 'MISSED'}")
    missed |= peak >= 150
    for key, value in rss.items():
        print(f"  {key:32} {value:9.1f}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
