#!/usr/bin/env python3
"""Benchmark of the nightly run (issue 7) over an inbox the size of a province.

Builds a workspace whose inbox holds the 2024 plan, 1,000,000 generated entities in the registers
of five departments (200,000 each: CSV UTF-8, CSV GB18030, XML, CSV with BOM and CRLF, CSV; 0.01%
bad rows of each of 16 kinds), an inspector register for every department the plan names, and runs
`suiji run --today 2023-12-28` (release build) under /usr/bin/time: imports, 37 commitments over the
whole population, report. Then a second run of the same night (nothing to do) and a third night
with one seed per group, which draws all 37 groups. Prints wall time and peak RSS of each.

    python3 Benchmarks/nightly_benchmark.py [--rows-per-department 200000] [--keep DIR] [--json FILE]
    python3 Benchmarks/nightly_benchmark.py --suiji-dev D/suiji-dev --suiji before=B/suiji --suiji after=A/suiji
"""
import argparse, json, os, re, shutil, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPARTMENTS = [("原平市市场监督管理局", "csv"), ("原平市交通运输局", "csv-gb18030"), ("原平市应急管理局", "xml"),
               ("原平市住房和城乡建设管理局", "csv-bom-crlf"), ("原平市文化和旅游局", "csv")]


def timed(cmd, env=None):
    start = time.monotonic()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M %e"] + cmd, capture_output=True, text=True, env=env)
    wall = time.monotonic() - start
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "0 0"
    m = re.match(r"(\d+) ([\d.]+)", last)
    rss_mb = int(m.group(1)) / 1024 if m else float("nan")
    return proc, wall, rss_mb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows-per-department", type=int, default=200_000)
    ap.add_argument("--keep", help="keep the workspace in this folder")
    ap.add_argument("--suiji", action="append", metavar="[LABEL=]PATH",
                    help="a suiji binary to time (repeat to compare builds: each runs the same nights on its own copy "
                         "of the same inbox); default: this package's release build")
    ap.add_argument("--suiji-dev", metavar="PATH", help="the suiji-dev that generates the registers; default: this package's release build")
    ap.add_argument("--json", metavar="FILE", help="also write each binary's runs (wall s, peak RSS MB, exit) as JSON to FILE")
    args = ap.parse_args()
    binaries = []
    for given in args.suiji or []:
        label, sep, path = given.partition("=")
        if not sep:
            label, path = given, given
        if not os.access(path, os.X_OK):
            sys.exit(f"--suiji {given}: {path} is not an executable file")
        binaries.append((label, os.path.abspath(path)))
    products = ([] if binaries else ["suiji"]) + ([] if args.suiji_dev else ["suiji-dev"])
    for product in products:  # suiji-dev generates the registers
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    if not binaries:
        binaries.append(("suiji", os.path.join(ROOT, ".build", "release", "suiji")))
    suiji_dev = os.path.abspath(args.suiji_dev) if args.suiji_dev else os.path.join(ROOT, ".build", "release", "suiji-dev")
    root = args.keep or tempfile.mkdtemp(prefix="suiji-nightly-bench-")
    shutil.rmtree(root, ignore_errors=True)
    template = os.path.join(root, "template")
    inbox = os.path.join(template, "inbox")
    os.makedirs(os.path.join(inbox, "plan"))
    shutil.copy(os.path.join(ROOT, "Fixtures", "plans", "yuanping-2024.tsv"), os.path.join(inbox, "plan"))
    shutil.copy(os.path.join(ROOT, "Fixtures", "demo", "suiji.toml"), template)
    total = 0
    for i, (department, layout) in enumerate(DEPARTMENTS):
        folder = os.path.join(inbox, "registers", department)
        os.makedirs(folder)
        ext = "xml" if layout == "xml" else "csv"
        subprocess.run([suiji_dev, "generate", "register", "--rows", str(args.rows_per_department), "--seed", str(100 + i),
                        "--layout", layout, "--department", department, "--bad-rate", "0.0001",
                        "--out", os.path.join(folder, f"register.{ext}"), "--sidecar", os.devnull], check=True, stdout=subprocess.DEVNULL)
        total += args.rows_per_department
    # An inspector register (300 active inspectors) for every department the plan names.
    with open(os.path.join(ROOT, "Fixtures", "plans", "yuanping-2024.tsv"), encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f][1:]
    departments = sorted({d.strip() for r in rows for d in re.split(r"[、，,]", r[8] + "、" + r[9]) if d.strip()})
    for i, department in enumerate(departments):
        people = os.path.join(inbox, "inspectors", department)
        os.makedirs(people)
        with open(os.path.join(people, "inspectors.csv"), "w", encoding="utf-8") as f:
            f.write("执法证号,姓名,状态,执法领域\n")
            for n in range(1, 301):
                f.write(f"14098{i:03d}{n:05d},执法人员{i}-{n},在岗,\n")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(inbox) for f in fs)
    print(f"workspace {template}: {total:,} register rows in {len(DEPARTMENTS)} departments, inbox {size / 1e6:.0f} MB")
    everything = {}
    for number, (label, suiji) in enumerate(binaries):
        # Every binary runs the same nights on its own copy of the same inbox.
        work = os.path.join(root, f"run-{number + 1}")
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(template, work)
        os.sync()
        everything[label] = nights(suiji, work, label if len(binaries) > 1 else None)
    print(f"\nmachine load: {os.getloadavg()[0]:.2f} (1-minute average)")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"rows": total, "binaries": everything}, out, indent=1, sort_keys=True)
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


def nights(suiji, work, label):
    """Runs the three nights in `work` with `suiji`; prints and returns {key: {wall, rss_mb, exit}}."""
    inbox = os.path.join(work, "inbox")
    cfg = os.path.join(work, "suiji.toml")
    env = dict(os.environ, SUIJI_NOW="2023-12-28T22:00:00Z")
    results = []
    proc, wall, rss = timed([suiji, "run", "--config", cfg, "--today", "2023-12-28", "--log-level", "warning"], env)
    print(proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else proc.stderr[-2000:])
    results.append(("first_night", "night 1: import 1M rows, prepare 37 commitments, report", proc.returncode, wall, rss))
    proc, wall, rss = timed([suiji, "run", "--config", cfg, "--today", "2023-12-28", "--log-level", "warning"], env)
    results.append(("noop_night", "night 1 again: nothing to do", proc.returncode, wall, rss))
    seeds = os.path.join(inbox, "seeds")
    os.makedirs(seeds, exist_ok=True)
    groups = subprocess.run([suiji, "draw", "show", "--json", "--config", cfg], capture_output=True, text=True, check=True).stdout
    for key in sorted(set(re.findall(r'"group"\s*:\s*"(\d{4}-G\d+)"', groups))):
        with open(os.path.join(seeds, f"{key}-R1.txt"), "w") as f:
            f.write(f"bench-{key}\n")
    env = dict(os.environ, SUIJI_NOW="2024-01-03T22:00:00Z")
    proc, wall, rss = timed([suiji, "run", "--config", cfg, "--today", "2024-01-03", "--log-level", "warning"], env)
    print(proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else proc.stderr[-2000:])
    results.append(("draw_night", "night 2: seeds for every group, draw and match", proc.returncode, wall, rss))
    print()
    if label:
        print(f"{label}:")
    print("| run | exit | wall s | peak RSS MB |")
    print("|---|---|---|---|")
    for _, name, code, wall, rss in results:
        print(f"| {name} | {code} | {wall:.2f} | {rss:.0f} |")
    return {key: {"wall": wall, "rss_mb": rss, "exit": code} for key, _, code, wall, rss in results}


if __name__ == "__main__":
    main()
