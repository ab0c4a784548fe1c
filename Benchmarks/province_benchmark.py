#!/usr/bin/env python3
"""The province benchmark (issue 19), a skeleton: what it measures today is one county's register
import into PostgreSQL against `psql \\copy` of the same CSV into a plain table, in the same run.

It starts a private PostgreSQL 15 cluster (initdb and pg_ctl as the `postgres` user in a temporary
folder, a free port on 127.0.0.1; stopped and removed at the end), generates a seeded register of N
rows with `suiji-dev generate register`, and times, each RUNS times (median reported):

  * `suiji import --store postgresql://suiji_county_<A>@…` of the CSV into a fresh county lane, as the
    county's own role (COPY straight into its partition, which only its role may touch; the schema
    made beforehand by a first import as the superuser, of another county, and the lane by
    `suiji store add-county`, not timed);
  * `psql -c "\\copy plain FROM file CSV HEADER"` of the same CSV into a plain table of text columns
    (no key, no security, no validation): the loading floor.

Prints both and the ratio (issue 19's goal: import <= 1.3 x \\copy). Not yet measured, because the
nightly run does not run on PostgreSQL yet: the province of 3,500,000 entities in 100 counties, every
county's first night and a drawing night, two counties at a time, and its wall time (goal: < 2 min).

    python3 Benchmarks/province_benchmark.py [--rows 100000] [--runs 3] [--suiji PATH] [--suiji-dev PATH]

With `--counties C` it times a province's first register imports instead: --rows entities (default then
3,500,000) in C counties' registers (seeded, one file per county), each county's lane made beforehand by
`suiji store add-county` (an administrator's step, timed apart), then every county's import as its own
role, two counties at a time (`--parallel`), on one server; and `psql \copy` of the same files into one
plain table, as many at a time. Prints the province's wall time, the per-county times and the ratio.

    python3 Benchmarks/province_benchmark.py --counties 100 [--rows 3500000] [--parallel 2]
"""
import argparse
import concurrent.futures
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


def built(product, given):
    if given:
        return given
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)
    folder = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    return os.path.join(folder, product)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, help="rows (default 100,000; with --counties, 3,500,000 in all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--counties", type=int, default=0, help="time a province of this many counties' first imports")
    parser.add_argument("--parallel", type=int, default=2, help="with --counties: counties imported at a time")
    parser.add_argument("--suiji", help="the suiji binary (default: this package's release build)")
    parser.add_argument("--suiji-dev", help="the suiji-dev binary (default: this package's release build)")
    args = parser.parse_args()
    if args.rows is None:
        args.rows = 3_500_000 if args.counties else 100_000
    if not os.path.exists(BIN + "/initdb"):
        sys.exit("PostgreSQL 15 is missing: apt-get install -y --no-install-recommends postgresql-15")
    suiji, suiji_dev = built("suiji", args.suiji), built("suiji-dev", args.suiji_dev)
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
        if args.counties:
            province(args, suiji, suiji_dev, folder, port, psql)
            return
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
        print("not measured yet: the province's nightly (needs `suiji run` on PostgreSQL)")
    finally:
        subprocess.run(as_owner([BIN + "/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop"]),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


def province(args, suiji, suiji_dev, folder, port, psql):
    """A province's first imports: args.counties counties, args.rows entities in all, args.parallel at a time."""
    regions = [f"15{i:04d}" for i in range(1, args.counties + 1)]
    per_county = args.rows // args.counties
    files = {}
    for i, region in enumerate(regions):
        files[region] = os.path.join(folder, f"register_{region}.csv")
        subprocess.run([suiji_dev, "generate", "register", "--rows", str(per_county), "--seed", str(20240101 + i), "--bad-rate",
                        "0", "--layout", "csv", "--out", files[region]], check=True, stdout=subprocess.DEVNULL)
    size = sum(os.path.getsize(f) for f in files.values()) / 2**20
    print(f"{args.counties} counties, {per_county * args.counties:,} entities ({per_county:,} each), {size:.0f} MiB of CSV",
          flush=True)
    database = "province"
    subprocess.run(psql + ["-d", "postgres", "-c", f"CREATE DATABASE {database}"], check=True)
    admin = f"postgresql://postgres@127.0.0.1:{port}/{database}"
    small = os.path.join(folder, "setup.csv")
    subprocess.run([suiji_dev, "generate", "register", "--rows", "10", "--seed", "1", "--bad-rate", "0", "--layout", "csv",
                    "--out", small], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(folder, "setup.toml"), "w") as f:
        f.write(f'region = "{COUNTY_SETUP}"\nyear = 2024\n')
    subprocess.run([suiji, "import", "--config", "setup.toml", "--store", admin, "--department", DEPARTMENT, small], cwd=folder,
                   check=True, stdout=subprocess.DEVNULL)
    start = time.monotonic()
    for region in regions:
        subprocess.run([suiji, "store", "add-county", "--store", admin, "--region", region], cwd=folder, check=True,
                       stdout=subprocess.DEVNULL)
        with open(os.path.join(folder, f"{region}.toml"), "w") as f:
            f.write(f'region = "{region}"\nyear = 2024\n')
    lanes = time.monotonic() - start
    with open(files[regions[0]], encoding="utf-8") as f:
        columns = f.readline().count(",") + 1
    subprocess.run(psql + ["-d", database, "-c", f"CREATE TABLE plain ({', '.join(f'c{i} text' for i in range(columns))})"],
                   check=True)

    def county_import(region):
        store = f"postgresql://suiji_county_{region}@127.0.0.1:{port}/{database}"
        seconds, code = timed([suiji, "import", "--config", f"{region}.toml", "--store", store, "--department", DEPARTMENT,
                               files[region]], cwd=folder)
        if code not in (0, 65):
            raise SystemExit(f"suiji import of county {region} exited {code}")
        return seconds

    def county_copy(region):
        seconds, code = timed(psql + ["-d", database, "-c",
                                      f"\\copy plain FROM '{files[region]}' WITH (FORMAT csv, HEADER true)"])
        if code != 0:
            raise SystemExit(f"psql \\copy of {region} exited {code}")
        return seconds

    results = {}
    for name, work in (("suiji import", county_import), ("psql \\copy", county_copy)):
        start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.parallel) as pool:
            each = list(pool.map(work, regions))
        results[name] = (time.monotonic() - start, each)
        print(f"{name}: {results[name][0]:.1f} s for the province", flush=True)
    rows = per_county * args.counties
    print()
    print(f"| measure ({args.counties} counties, {rows:,} entities, {args.parallel} at a time) | province wall s | "
          "per county median s | per county max s | rows/s |")
    print("| --- | --- | --- | --- | --- |")
    for name, (wall, each) in results.items():
        print(f"| {name} | {wall:.1f} | {statistics.median(each):.2f} | {max(each):.2f} | {rows / wall:,.0f} |")
    ratio = results["suiji import"][0] / results["psql \\copy"][0]
    print(f"\nratio import / \\copy (province wall): {ratio:.2f} (goal <= 1.3)")
    print(f"lanes made by `suiji store add-county` beforehand (not in the wall time): {lanes:.1f} s for {args.counties}")
    print("not measured yet: the drawing night (needs `suiji run` on PostgreSQL)")


if __name__ == "__main__":
    main()
