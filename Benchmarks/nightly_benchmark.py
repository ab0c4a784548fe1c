#!/usr/bin/env python3
"""Benchmark of the nightly run (issue 7) over an inbox the size of a province.

Builds a workspace whose inbox holds the 2024 plan, 1,000,000 generated entities in the registers
of five departments (200,000 each: CSV UTF-8, CSV GB18030, XML, CSV with BOM and CRLF, CSV; 0.01%
bad rows of each of 16 kinds), an inspector register for every department the plan names, and runs
`suiji run --today 2023-12-28` (release build) under /usr/bin/time: imports, 37 commitments over the
whole population, report. Then a second run of the same night (nothing to do) and a third night
with one seed per group, which draws all 37 groups. Prints wall time and peak RSS of each.

    python3 Benchmarks/nightly_benchmark.py [--rows-per-department 200000] [--keep DIR]
"""
import argparse, os, re, shutil, subprocess, sys, tempfile, time

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
    args = ap.parse_args()
    for product in ("suiji", "suiji-dev"):  # suiji-dev generates the registers
        subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    suiji = os.path.join(ROOT, ".build", "release", "suiji")
    suiji_dev = os.path.join(ROOT, ".build", "release", "suiji-dev")
    work = args.keep or tempfile.mkdtemp(prefix="suiji-nightly-bench-")
    shutil.rmtree(work, ignore_errors=True)
    inbox = os.path.join(work, "inbox")
    os.makedirs(os.path.join(inbox, "plan"))
    shutil.copy(os.path.join(ROOT, "Fixtures", "plans", "yuanping-2024.tsv"), os.path.join(inbox, "plan"))
    shutil.copy(os.path.join(ROOT, "Fixtures", "demo", "suiji.toml"), work)
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
    print(f"workspace {work}: {total:,} register rows in {len(DEPARTMENTS)} departments, inbox {size / 1e6:.0f} MB")
    cfg = os.path.join(work, "suiji.toml")
    env = dict(os.environ, SUIJI_NOW="2023-12-28T22:00:00Z")
    results = []
    proc, wall, rss = timed([suiji, "run", "--config", cfg, "--today", "2023-12-28", "--log-level", "warning"], env)
    print(proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else proc.stderr[-2000:])
    results.append(("night 1: import 1M rows, prepare 37 commitments, report", proc.returncode, wall, rss))
    proc, wall, rss = timed([suiji, "run", "--config", cfg, "--today", "2023-12-28", "--log-level", "warning"], env)
    results.append(("night 1 again: nothing to do", proc.returncode, wall, rss))
    seeds = os.path.join(inbox, "seeds")
    os.makedirs(seeds, exist_ok=True)
    groups = subprocess.run([suiji, "draw", "show", "--json", "--config", cfg], capture_output=True, text=True, check=True).stdout
    for key in sorted(set(re.findall(r'"group" : "(\d{4}-G\d+)"', groups))):
        with open(os.path.join(seeds, f"{key}-R1.txt"), "w") as f:
            f.write(f"bench-{key}\n")
    env = dict(os.environ, SUIJI_NOW="2024-01-03T22:00:00Z")
    proc, wall, rss = timed([suiji, "run", "--config", cfg, "--today", "2024-01-03", "--log-level", "warning"], env)
    print(proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else proc.stderr[-2000:])
    results.append(("night 2: seeds for every group, draw and match", proc.returncode, wall, rss))
    print()
    print("| run | exit | wall s | peak RSS MB |")
    print("|---|---|---|---|")
    for name, code, wall, rss in results:
        print(f"| {name} | {code} | {wall:.2f} | {rss:.0f} |")
    print(f"\nmachine load: {os.getloadavg()[0]:.2f} (1-minute average)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
