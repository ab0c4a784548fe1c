#!/usr/bin/env python3
"""The province benchmark (issue 19). Two modes, each against `psql \\copy` of the same CSV into a plain
table in the same run:

  * (default) one county's register import into PostgreSQL, RUNS times;
  * `--province`: a province of ENTITIES generated entities in COUNTIES counties (issue 19: 3,500,000 in
    100), one register file per county, each county in its own workspace on one database, as its own
    role, PARALLEL counties at a time (issue 19: two): every county's first night (`suiji run` on
    2023-12-28: the annual plan, its register, the demo county's inspector registers and avoidance list,
    the commitments of the rounds within the lead time), then every county's drawing night (`suiji run`
    on 2024-01-03: four public seeds, four draws, publication, report); then `psql \\copy` of the same
    registers, as many at a time. Prints the wall times, the per-county times (median, slowest) and a
    whole first night against `\\copy` of its register alone.

It starts a private PostgreSQL 15 cluster (initdb and pg_ctl as the `postgres` user in a temporary
folder, a free port on 127.0.0.1; stopped and removed at the end), generates a seeded register of N
rows with `suiji-dev generate register`, and times, each RUNS times (median reported):

  * `suiji import --store postgresql://suiji_county_<A>@…` of the CSV into a fresh county lane, as the
    county's own role (COPY straight into its partition, which only its role may touch; the schema
    made beforehand by a first import as the superuser, of another county, and the lane by
    `suiji store add-county`, not timed);
  * `psql -c "\\copy plain FROM file CSV HEADER"` of the same CSV into a plain table of text columns
    (no key, no security, no validation): the loading floor.

Prints both and the ratio (issue 19's goal: import <= 1.3 x \\copy).

    python3 Benchmarks/province_benchmark.py [--rows 100000] [--runs 3] [--suiji PATH] [--suiji-dev PATH]
    python3 Benchmarks/province_benchmark.py --province [--entities 3500000] [--counties 100] [--parallel 2]
"""
import argparse
import concurrent.futures
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = "/usr/lib/postgresql/15/bin"
DEPARTMENT = "原平市市场监督管理局"
COUNTY_A, COUNTY_SETUP = "140981", "140902"


def as_owner(argv):
    """A server program run as the cluster's owner: `postgres` when we are root (initdb refuses root)."""
    return (["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []) + argv


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(argv, cwd=None):
    """Runs argv; (seconds, exit code)."""
    start = time.monotonic()
    code = subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode
    return time.monotonic() - start, code


def province(args, suiji, suiji_dev, folder, port, psql):
    """Every county's first night (plan and register) on one database, PARALLEL counties at a time."""
    regions = [f"14{i // 100:02d}{i % 100:02d}" for i in range(100, 100 + args.counties)]
    per_county = args.entities // args.counties
    plan = os.path.join(ROOT, "Fixtures", "plans", "yuanping-2024.tsv")
    files = {region: os.path.join(folder, f"register-{region}.csv") for region in regions}

    def generate(item):
        index, region = item
        subprocess.run([suiji_dev, "generate", "register", "--rows", str(per_county), "--seed", str(20240101 + index),
                        "--bad-rate", "0", "--layout", "csv", "--region", region, "--region", "140900",
                        "--out", files[region]], check=True, stdout=subprocess.DEVNULL)

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        list(pool.map(generate, enumerate(regions)))
    size = sum(os.path.getsize(f) for f in files.values())
    print(f"{args.counties} counties x {per_county:,} rows = {per_county * args.counties:,} entities, "
          f"{size / 2**20:.0f} MiB of CSV (generated in {time.monotonic() - start:.0f} s, not timed)", flush=True)
    database = "province"
    subprocess.run(psql + ["-d", "postgres", "-c", f"CREATE DATABASE {database}"], check=True)
    admin = f"postgresql://postgres@127.0.0.1:{port}/{database}"
    # The counties' lanes, an administrator's step (not timed).
    start = time.monotonic()
    for region in regions:
        subprocess.run([suiji, "store", "add-county", "--store", admin, "--region", region], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
    print(f"lanes made in {time.monotonic() - start:.0f} s (not timed)", flush=True)

    # Each county's workspace: its settings and the first night's inbox (the plan, its register, the demo
    # county's inspector registers and avoidance list); the drawing night brings four public seeds.
    fixtures = os.path.join(ROOT, "Fixtures", "demo")
    for region in regions:
        ws = os.path.join(folder, region)
        shutil.copytree(os.path.join(fixtures, "night-1", "inbox", "inspectors"), os.path.join(ws, "inbox", "inspectors"))
        shutil.copytree(os.path.join(fixtures, "night-1", "inbox", "avoidance"), os.path.join(ws, "inbox", "avoidance"))
        os.makedirs(os.path.join(ws, "inbox", "plan"))
        shutil.copy(plan, os.path.join(ws, "inbox", "plan"))
        os.makedirs(os.path.join(ws, "inbox", "registers", DEPARTMENT))
        os.link(files[region], os.path.join(ws, "inbox", "registers", DEPARTMENT, "register.csv"))
        with open(os.path.join(ws, "suiji.toml"), "w") as f:
            f.write(f'region = "{region}"\nyear = 2024\n'
                    f'store = "postgresql://suiji_county_{region}@127.0.0.1:{port}/{database}"\n'
                    '[draw]\nlead_days = 14\n')

    def run(region, date):
        seconds, code = timed([suiji, "run", "--config", os.path.join(folder, region, "suiji.toml"), "--today", date,
                               "--quiet"], cwd=os.path.join(folder, region))
        if code not in (0, 65):
            raise SystemExit(f"suiji run exited {code} for {region} on {date}: see {folder}/{region}/reports/{date}/run.txt")
        return seconds

    def first(region):
        return run(region, "2023-12-28")

    def drawing(region):
        seeds = os.path.join(folder, region, "inbox", "seeds")
        shutil.copytree(os.path.join(fixtures, "night-2", "inbox", "seeds"), seeds)
        return run(region, "2024-01-03")

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        firsts = list(pool.map(first, regions))
    first_wall = time.monotonic() - start
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        drawings = list(pool.map(drawing, regions))
    drawing_wall = time.monotonic() - start
    with open(files[regions[0]], encoding="utf-8") as f:
        columns = f.readline().count(",") + 1
    subprocess.run(psql + ["-d", database, "-c", f"CREATE TABLE plain ({', '.join(f'c{i} text' for i in range(columns))})"],
                   check=True)

    def copy(region):
        seconds, code = timed(psql + ["-d", database, "-c",
                                      f"\\copy plain FROM '{files[region]}' WITH (FORMAT csv, HEADER true)"])
        if code != 0:
            raise SystemExit(f"psql \\copy exited {code}")
        return seconds

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        copies = list(pool.map(copy, regions))
    copy_wall = time.monotonic() - start
    counts = subprocess.run(psql + ["-d", database, "-t", "-A", "-c",
                                    "SELECT (SELECT count(*) FROM register_rows) || ' ' || (SELECT count(*) FROM plan_tasks) || ' '"
                                    " || (SELECT count(*) FROM draw_commitments) || ' ' || (SELECT count(*) FROM draw_ledger) || ' '"
                                    " || (SELECT count(*) FROM draw_selections) || ' ' || (SELECT count(*) FROM runs)"],
                            check=True, capture_output=True, text=True).stdout.split()
    rows, tasks, commitments, draws, selections, runs = (int(n) for n in counts)
    print()
    print(f"| measure ({args.counties} counties, {args.parallel} at a time) | seconds |")
    print("| --- | --- |")
    print(f"| every county's first night (plan, register, inspectors, avoidance, commitments), wall | {first_wall:.1f} |")
    print(f"| every county's drawing night (four seeds, four draws, publication, report), wall | {drawing_wall:.1f} |")
    print(f"| the province's two nights, wall | {first_wall + drawing_wall:.1f} |")
    print(f"| per county, first night: median / slowest | {statistics.median(firsts):.2f} / {max(firsts):.2f} |")
    print(f"| per county, drawing night: median / slowest | {statistics.median(drawings):.2f} / {max(drawings):.2f} |")
    print(f"| psql \\copy of the same registers into a plain table, wall | {copy_wall:.1f} |")
    print(f"| psql \\copy per file: median / slowest | {statistics.median(copies):.2f} / {max(copies):.2f} |")
    print(f"\nstored: {rows:,} register rows, {tasks:,} plan tasks, {commitments:,} commitments, {draws:,} draws "
          f"({selections:,} objects drawn), {runs:,} nights")
    blocked = {}
    for region in regions:
        with open(os.path.join(folder, region, "reports", "2024-01-03", "run.json"), encoding="utf-8") as f:
            for draw in json.load(f).get("blockedDraws", []):
                blocked.setdefault(draw.get("reason", "?"), []).append(f"{region} {draw.get('group')} R{draw.get('round')}")
    for reason, where in sorted(blocked.items()):
        print(f"blocked: {len(where)} draws ({', '.join(where[:4])}{', …' if len(where) > 4 else ''}): {reason}")
    print(f"a whole first night against \\copy of its register alone (summed per county): {sum(firsts) / sum(copies):.2f}")
    print(f"the drawing night, wall: {drawing_wall:.1f} s (goal for the province's nightly: < 120 s)")
    return first_wall, drawing_wall


def built(product, given):
    if given:
        return given
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)
    folder = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    return os.path.join(folder, product)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--suiji", help="the suiji binary (default: this package's release build)")
    parser.add_argument("--suiji-dev", help="the suiji-dev binary (default: this package's release build)")
    parser.add_argument("--province", action="store_true", help="the province: every county's first and drawing nights, two at a time")
    parser.add_argument("--entities", type=int, default=3_500_000, help="--province: entities in the province")
    parser.add_argument("--counties", type=int, default=100, help="--province: counties")
    parser.add_argument("--parallel", type=int, default=2, help="--province: counties at a time")
    args = parser.parse_args()
    if not os.path.exists(BIN + "/initdb"):
        sys.exit("PostgreSQL 15 is missing: apt-get install -y --no-install-recommends postgresql-15")
    suiji, suiji_dev = os.path.abspath(built("suiji", args.suiji)), os.path.abspath(built("suiji-dev", args.suiji_dev))
    folder = tempfile.mkdtemp(prefix="suiji-province-")
    os.chmod(folder, 0o755)
    cluster = os.path.join(folder, "cluster")
    os.mkdir(cluster)
    if os.getuid() == 0:
        shutil.chown(cluster, "postgres", "postgres")
    data, port = os.path.join(cluster, "data"), free_port()
    try:
        subprocess.run(as_owner([BIN + "/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C",
                                 "--no-sync"]), check=True, stdout=subprocess.DEVNULL)
        subprocess.run(as_owner([BIN + "/pg_ctl", "-D", data, "-l", cluster + "/server.log", "-w", "-o",
                                 f"-p {port} -k {cluster} -c listen_addresses=127.0.0.1"]) + ["start"],
                       check=True, stdout=subprocess.DEVNULL)
        psql = [BIN + "/psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
        if args.province:
            return province(args, suiji, suiji_dev, folder, port, psql)
        csv = os.path.join(folder, "register.csv")
        small = os.path.join(folder, "setup.csv")
        subprocess.run([suiji_dev, "generate", "register", "--rows", str(args.rows), "--seed", "20240101", "--bad-rate", "0",
                        "--layout", "csv", "--out", csv], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([suiji_dev, "generate", "register", "--rows", "10", "--seed", "1", "--bad-rate", "0",
                        "--layout", "csv", "--out", small], check=True, stdout=subprocess.DEVNULL)
        with open(csv, encoding="utf-8") as f:
            columns = f.readline().count(",") + 1
        print(f"{args.rows:,} rows, {os.path.getsize(csv) / 2**20:.0f} MiB of CSV", flush=True)
        imports, copies = [], []
        for run in range(args.runs):
            database = f"province_{run}"
            subprocess.run(psql + ["-d", "postgres", "-c", f"CREATE DATABASE {database}"], check=True)
            admin = f"postgresql://postgres@127.0.0.1:{port}/{database}"
            county = f"postgresql://suiji_county_{COUNTY_A}@127.0.0.1:{port}/{database}"
            with open(os.path.join(folder, "setup.toml"), "w") as f:
                f.write(f'region = "{COUNTY_SETUP}"\nyear = 2024\n')
            with open(os.path.join(folder, "county.toml"), "w") as f:
                f.write(f'region = "{COUNTY_A}"\nyear = 2024\n')
            # The schema, made by a first import as the superuser (not timed), then county A's lane
            # (its role and partition) by `suiji store add-county`, as an administrator does.
            subprocess.run([suiji, "import", "--config", "setup.toml", "--store", admin, "--department", DEPARTMENT, small],
                           cwd=folder, check=True, stdout=subprocess.DEVNULL)
            subprocess.run([suiji, "store", "add-county", "--store", admin, "--region", COUNTY_A], cwd=folder, check=True,
                           stdout=subprocess.DEVNULL)
            subprocess.run(psql + ["-d", database, "-c",
                                   f"CREATE TABLE plain ({', '.join(f'c{i} text' for i in range(columns))})"], check=True)
            seconds, code = timed([suiji, "import", "--config", "county.toml", "--store", county, "--department", DEPARTMENT,
                                   csv], cwd=folder)
            if code not in (0, 65):
                sys.exit(f"suiji import exited {code}")
            imports.append(seconds)
            seconds, code = timed(psql + ["-d", database, "-c", f"\\copy plain FROM '{csv}' WITH (FORMAT csv, HEADER true)"])
            if code != 0:
                sys.exit(f"psql \\copy exited {code}")
            copies.append(seconds)
            print(f"run {run + 1}: suiji import {imports[-1]:.2f} s, psql \\copy {copies[-1]:.2f} s", flush=True)
        suiji_s, copy_s = statistics.median(imports), statistics.median(copies)
        print()
        print("| measure | seconds (median) | rows/s |")
        print("| --- | --- | --- |")
        print(f"| suiji import into PostgreSQL (county role, COPY into its partition) | {suiji_s:.2f} | {args.rows / suiji_s:,.0f} |")
        print(f"| psql \\copy into a plain table | {copy_s:.2f} | {args.rows / copy_s:,.0f} |")
        print(f"\nratio import / \\copy: {suiji_s / copy_s:.2f} (goal <= 1.3)")
    finally:
        subprocess.run(as_owner([BIN + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
