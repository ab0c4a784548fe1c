#!/usr/bin/env python3
"""The XLSX import benchmark (issue 16).

Generates a seeded register of N rows (default 1,000,000) with `suiji generate register`, and writes
it as an .xlsx the way Excel saves one (standard library only: zipfile): every text in the
shared-strings table, region codes as numbers, dates as serials in a date style. Then times, in
this one run, each RUNS times (median reported):

  * suiji's full import of the workbook into a fresh store (validation, history, store);
  * fastexcel (calamine) reading the same workbook into memory (`load_sheet`), timed inside Python;
  * openpyxl in read-only mode iterating every row (once: it takes minutes);

and, to say where suiji's time goes: the same import as a dry run (read and validate, nothing
written), a workbook with the same shared strings but a one-row sheet (the shared strings alone),
and the same register as CSV (suiji's CSV import). Peak RSS of every suiji run comes from wait4.
With --growth it also imports registers of a quarter and a half of the rows and prints how the
peak RSS grows with the number of distinct strings.

Prints the figures, the ratios and the goals (≤ 1.5× fastexcel, ≥ 10× faster than openpyxl,
peak RSS < 200 MiB); exits 1 if a goal is missed. fastexcel and openpyxl are installed with pip
if missing.

    python3 Benchmarks/xlsx_benchmark.py [--rows 1000000] [--runs 3] [--growth] [--keep DIR] [--no-build]
"""
import argparse
import csv
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPARTMENT = "原平市市场监督管理局"
NUMERIC = {"region_code"}
DATES = {"last_inspected", "established"}


def run(argv):
    """Runs argv with the disk quiet first; returns (seconds, peak RSS in MiB, exit code, stdout).

    The peak RSS is GNU time's (%M) of the command itself: a child forked from this script would
    count the script's own pages (it holds every distinct string while it writes a workbook)."""
    os.sync()
    time.sleep(1)
    with tempfile.NamedTemporaryFile(mode="r") as rss:
        start = time.monotonic()
        process = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name, *argv], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        seconds = time.monotonic() - start
        peak = int(rss.read().split()[-1]) / 1024.0
    return seconds, peak, process.returncode, process.stdout.decode()


def column(n):
    name = ""
    while n:
        n, r = divmod(n - 1, 26)
        name = chr(65 + r) + name
    return name


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "_x000D_")


def write_workbook(csv_path, out, max_rows=None, sheet_rows=None):
    """The register at csv_path as an Excel-like workbook (at most max_rows data rows); with
    sheet_rows, the sheet keeps only that many rows (the shared strings stay whole). Returns the
    number of distinct strings."""
    strings, index = [], {}

    def sid(text):
        if text not in index:
            index[text] = len(strings)
            strings.append(text)
        return index[text]

    epoch = datetime.date(1899, 12, 30)
    with open(csv_path, encoding="utf-8", newline="") as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        rows = csv.reader(source)
        header = next(rows)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            buffer = []
            for number, row in enumerate(_chain([header], rows), 1):
                if max_rows is not None and number > max_rows + 1:
                    break
                parts = [f'<row r="{number}">']
                for c, value in enumerate(row, 1):
                    if value == "":
                        continue
                    reference = f"{column(c)}{number}"
                    name = header[c - 1] if c <= len(header) else ""
                    if number > 1 and name in DATES:
                        try:
                            parts.append(f'<c r="{reference}" s="1"><v>{(datetime.date.fromisoformat(value) - epoch).days}</v></c>')
                            continue
                        except ValueError:
                            pass
                    if number > 1 and name in NUMERIC and value.isdigit() and value.isascii():
                        parts.append(f'<c r="{reference}"><v>{value}</v></c>')
                        continue
                    parts.append(f'<c r="{reference}" t="s"><v>{sid(value)}</v></c>')
                parts.append("</row>")
                if sheet_rows is None or number <= sheet_rows + 1:
                    buffer.append("".join(parts))
                if len(buffer) >= 2000:
                    sheet.write("".join(buffer).encode())
                    buffer = []
            sheet.write("".join(buffer).encode())
            sheet.write(b"</sheetData></worksheet>")
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as table:
            table.write(f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
                        f'spreadsheetml/2006/main" count="{len(strings)}" uniqueCount="{len(strings)}">'.encode())
            buffer = []
            for text in strings:
                space = ' xml:space="preserve"' if text != text.strip() else ""
                buffer.append(f"<si><t{space}>{escape(text)}</t></si>")
                if len(buffer) >= 10000:
                    table.write("".join(buffer).encode())
                    buffer = []
            table.write("".join(buffer).encode())
            table.write(b"</sst>")
        main = "http://schemas.openxmlformats.org"
        book.writestr("[Content_Types].xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="{main}/package/2006/content-types">'
                      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                      '<Default Extension="xml" ContentType="application/xml"/>'
                      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
        book.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{main}/package/2006/relationships">'
                      f'<Relationship Id="rId1" Type="{main}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        book.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{main}/spreadsheetml/2006/main" '
                      f'xmlns:r="{main}/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{main}/package/2006/relationships">'
                      f'<Relationship Id="rId1" Type="{main}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
                      f'<Relationship Id="rId2" Type="{main}/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                      f'<Relationship Id="rId3" Type="{main}/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>')
        book.writestr("xl/styles.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{main}/spreadsheetml/2006/main">'
                      '<numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d;@"/></numFmts>'
                      '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill>'
                      '<fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders>'
                      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                      '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
                      '<xf numFmtId="176" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>')
    return len(strings)


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


FASTEXCEL = """
import sys, time, fastexcel
start = time.monotonic()
sheet = fastexcel.read_excel(sys.argv[1]).load_sheet(0)
rows = sheet.height
print(time.monotonic() - start, rows)
"""

OPENPYXL = """
import sys, time, openpyxl
start = time.monotonic()
book = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
print(time.monotonic() - start, rows)
"""


def ensure(module):
    if subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode != 0:
        print(f"installing {module} with pip …", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", module], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bad-rate", type=float, default=0.0001, help="bad rows of EACH kind (16 kinds)")
    parser.add_argument("--growth", action="store_true", help="also a quarter and a half of the rows: RSS against distinct strings")
    parser.add_argument("--keep", help="work in this folder and keep it")
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()

    if not os.path.exists("/usr/bin/time"):
        sys.exit("GNU time is needed for the peak RSS (apt install time)")
    ensure("fastexcel")
    ensure("openpyxl")
    if not args.no_build:
        subprocess.run(["swift", "build", "-c", "release", "--product", "suiji"], cwd=ROOT, check=True)
    bin_path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()
    suiji = os.path.join(bin_path, "suiji")

    work = args.keep or tempfile.mkdtemp(prefix="suiji-xlsx-bench-")
    os.makedirs(work, exist_ok=True)
    register_csv = os.path.join(work, "register.csv")
    book = os.path.join(work, "register.xlsx")
    strings_only = os.path.join(work, "strings-only.xlsx")
    counts = os.path.join(work, "distinct-strings.txt")
    if args.keep and all(os.path.exists(p) for p in (register_csv, book, strings_only, counts)):
        print(f"reusing the register and workbooks in {work}", flush=True)
        distinct = int(open(counts).read())
    else:
        print(f"generating {args.rows:,} rows in {work} …", flush=True)
        subprocess.run([suiji, "generate", "register", "--rows", str(args.rows), "--seed", "20240101", "--bad-rate", str(args.bad_rate),
                        "--layout", "csv", "--out", register_csv], check=True, stdout=subprocess.DEVNULL)
        distinct = write_workbook(register_csv, book)
        write_workbook(register_csv, strings_only, sheet_rows=1)
        with open(counts, "w") as file:
            file.write(str(distinct))
    with zipfile.ZipFile(book) as archive:
        parts = {i.filename: i.file_size for i in archive.infolist()}
    print(f"workbook {os.path.getsize(book) / 2**20:.0f} MiB ({parts['xl/worksheets/sheet1.xml'] / 2**20:.0f} MiB of sheet XML, "
          f"{parts['xl/sharedStrings.xml'] / 2**20:.0f} MiB of shared strings, {distinct:,} distinct strings)", flush=True)

    store = os.path.join(work, "bench.sqlite")

    def fresh():
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(store + suffix):
                os.remove(store + suffix)

    def suiji_import(path, *extra):
        fresh()
        seconds, peak, code, _ = run([suiji, "import", "--store", store, "--department", DEPARTMENT,
                                      "--rejects", os.path.join(work, "rejects.xlsx"), *extra, path])
        if code not in (0, 65):
            sys.exit(f"suiji import {path} failed with exit {code}")
        return seconds, peak

    results = {k: [] for k in ("suiji_xlsx", "fastexcel", "suiji_xlsx_dry_run", "suiji_shared_strings_only", "suiji_csv")}
    rss = {k: 0.0 for k in ("suiji_xlsx", "suiji_xlsx_dry_run", "suiji_shared_strings_only", "suiji_csv")}
    for round_ in range(args.runs):
        print(f"run {round_ + 1}/{args.runs}", flush=True)
        seconds, peak = suiji_import(book)
        results["suiji_xlsx"].append(seconds)
        rss["suiji_xlsx"] = max(rss["suiji_xlsx"], peak)
        _, _, code, out = run([sys.executable, "-c", FASTEXCEL, book])
        if code != 0:
            sys.exit("fastexcel failed")
        results["fastexcel"].append(float(out.split()[0]))
        fresh()
        seconds, peak, _, _ = run([suiji, "import", "--store", store, "--department", DEPARTMENT, "--dry-run", book])
        results["suiji_xlsx_dry_run"].append(seconds)
        rss["suiji_xlsx_dry_run"] = max(rss["suiji_xlsx_dry_run"], peak)
        seconds, peak = suiji_import(strings_only)
        results["suiji_shared_strings_only"].append(seconds)
        rss["suiji_shared_strings_only"] = max(rss["suiji_shared_strings_only"], peak)
        seconds, peak = suiji_import(register_csv)
        results["suiji_csv"].append(seconds)
        rss["suiji_csv"] = max(rss["suiji_csv"], peak)
    print("openpyxl (read-only, every row; once) …", flush=True)
    _, _, code, out = run([sys.executable, "-c", OPENPYXL, book])
    if code != 0:
        sys.exit("openpyxl failed")
    openpyxl_seconds = float(out.split()[0])

    median = {k: statistics.median(v) for k, v in results.items()}
    print()
    print(f"{'measure':34} {'median s':>9}   runs")
    for key, values in results.items():
        print(f"{key:34} {median[key]:9.2f}   " + " ".join(f"{v:.2f}" for v in values))
    print(f"{'openpyxl (read-only)':34} {openpyxl_seconds:9.2f}")
    print()
    to_fastexcel = median["suiji_xlsx"] / median["fastexcel"]
    than_openpyxl = openpyxl_seconds / median["suiji_xlsx"]
    print(f"{'goal':40} {'value':>9} {'limit':>7}")
    missed = False
    for name, value, limit, ok in (
        ("suiji import / fastexcel read", to_fastexcel, "≤ 1.5", to_fastexcel <= 1.5),
        ("openpyxl read / suiji import", than_openpyxl, "≥ 10", than_openpyxl >= 10),
        ("peak RSS of the import (MiB)", rss["suiji_xlsx"], "< 200", rss["suiji_xlsx"] < 200),
    ):
        missed |= not ok
        print(f"{name:40} {value:9.2f} {limit:>7}  {'ok' if ok else 'MISSED'}")
    print()
    print("where suiji's time goes (medians):")
    print(f"  shared strings alone (inflate + parse + table)   {median['suiji_shared_strings_only']:6.2f} s")
    print(f"  read and validate every row (dry run)            {median['suiji_xlsx_dry_run']:6.2f} s")
    print(f"  full import (writes overlap the reading)         {median['suiji_xlsx']:6.2f} s")
    print(f"  the same register as CSV                         {median['suiji_csv']:6.2f} s")
    for key, value in rss.items():
        print(f"  peak RSS {key:32} {value:7.1f} MiB")

    if args.growth:
        print()
        print("peak RSS against distinct strings (full import):")
        print(f"  {'rows':>9} {'distinct strings':>17} {'peak RSS MiB':>13}")
        for share in (4, 2):
            rows = args.rows // share
            path = os.path.join(work, f"register-{rows}.xlsx")
            count_path = path + ".distinct-strings.txt"
            if args.keep and os.path.exists(path) and os.path.exists(count_path):
                count = int(open(count_path).read())
            else:
                count = write_workbook(register_csv, path, max_rows=rows)
                with open(count_path, "w") as file:
                    file.write(str(count))
            _, peak = suiji_import(path)
            print(f"  {rows:9,} {count:17,} {peak:13.1f}", flush=True)
        print(f"  {args.rows:9,} {distinct:17,} {rss['suiji_xlsx']:13.1f}")

    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
