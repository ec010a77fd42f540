"""liiatools' CSWW pipeline on one census return, as a speed peer for `swforce census validate` and
its aggregation.

liiatools (Social Finance's "Children's Services Data Tools", PyPI) is what London councils use to
clean and aggregate the children's social work workforce (CSWW) census XML. Its pipeline is
`liiatools.datasets.social_work_workforce.csww_main_functions`:

  clean      cleanfile(): streams the XML through lxml iterparse, attaches the XSD element to every
             node (xmlschema), cleans every value against the schema (dates, categories, decimals,
             SWE number pattern; bad values blanked and counted), validates every element against
             the XSD (missing required fields), writes an error log, then builds the worker and
             LA-level tables, hashes SWENo (SHA3-256), degrades birth dates to the month and writes
             two CSVs.
  aggregate  la_agg() on each of the two CSVs: read, match the table by its columns, merge with the
             authority's existing merged file (none here), dedupe, drop years outside the 7-year
             retention window, write CSWW_<table>_merged.csv.
             pan_agg() on each merged file: merge into the pan-London file, replacing that
             authority's rows, and write pan_London_CSWW_<table>.csv.

Each repeat runs in fresh output folders, so la_agg/pan_agg see no earlier data.

Two things liiatools needs that the return itself does not give it:
  * the year comes from the *file name* (a name without one is rejected with only a log line), so
    the input is hard-linked (or copied), outside the timings, as <stem>_<year>.xml; the year is
    read from the return's Header/CollectionDetails/Year (2022 if absent).
  * the authority is one of the 33 London three-letter codes in liiatools/spec/common/LA-codes.yml.
    LEA 839 (Bournemouth, Christchurch and Poole) is not among them, so a London code stands in
    (--la-code, default BAR = Barnet). It is only written to the LA column and used as the
    pan-London merge key: it does not change the work done.

Install on Python 3.11 (liiatools 0.2.0 pins cchardet==2.1.7, which does not build on 3.11;
faust-cchardet provides the same `cchardet` module as wheels; pandas 1.5 needs numpy < 2):

    python3 -m venv /tmp/liia-venv && . /tmp/liia-venv/bin/activate
    pip install faust-cchardet
    pip install --no-deps liiatools==0.2.0
    pip install --only-binary=:all: "PyYAML>=6.0,<7.0" "XlsxWriter>=3.0.3,<4.0.0" \
        "click>=8.1.2,<9.0.0" "click-log>=0.4.0,<0.5.0" "dacite>=1.6.0,<2.0.0" \
        "lxml>=4.9.1,<5.0.0" "more-itertools>=8.12.0,<9.0.0" "openpyxl>=3.0.9,<4.0.0" \
        "pandas>=1.4.2,<2.0.0" "python-decouple>=3.8,<4.0" "regex>=2022.4.24,<2023.0.0" \
        "sfdata-stream-parser==0.4.1" "tablib[cli,xlsx]>=3.2.0,<4.0.0" "xlrd>=2.0.1,<3.0.0" \
        "xmlschema>=1.10.0,<2.0.0" "numpy<2"

(pip then reports "liiatools 0.2.0 requires cchardet==2.1.7, which is not installed": harmless,
faust-cchardet's `cchardet` module is there, and the CSWW pipeline does not use it anyway.)

Run:

    python3 bench/liiatools_peer.py /tmp/census-4k.xml --repeat 3

It prints one line, medians over the repeats:

    liiatools peer: census-4k.xml (4000 workers): clean 128.09 s, aggregate 0.12 s, total 128.24 s (median of 3)

Measured on the 2-core machine: 200 workers 6.7 s, 4,000 workers 128 s, 40,000 workers 1,380 s
(about 32 ms a worker, nearly all of it in cleanfile; aggregation is under a second).

Compare with `swforce census validate` (and its aggregation) on the same file.
"""

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from liiatools.datasets.social_work_workforce import csww_main_functions as csww


def return_year(path):
    with open(path, "rb") as f:
        head = f.read(4096).decode("utf-8", "replace")
    m = re.search(r"<Year>\s*(\d{4})\s*</Year>", head)
    return m.group(1) if m else "2022"


def count_workers(path):
    n = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            n += chunk.count(b"<CSWWWorker>")
    return n


def place_input(src, year, folder):
    """liiatools takes the year from the file name (after resolving links), so give it one."""
    dst = Path(folder, f"{Path(src).stem}_{year}.xml")
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
    return dst


def run_once(src, year, la_code, scratch):
    base = Path(tempfile.mkdtemp(dir=scratch))
    logs, cleaned, la_dir, pan_dir = (base / d for d in ("logs", "clean", "la", "pan"))
    for d in (logs, cleaned, la_dir, pan_dir):
        d.mkdir()
    xml = place_input(src, year, base)

    t0 = time.perf_counter()
    csww.cleanfile(str(xml), la_code, str(logs), str(cleaned))
    t1 = time.perf_counter()

    tables = [cleaned / f"{xml.stem}_{level}_clean.csv" for level in ("worker", "lalevel")]
    if not all(t.is_file() for t in tables):
        for log in logs.iterdir():
            sys.stderr.write(f"{log.name}:\n{log.read_text()}\n")
        sys.exit(f"liiatools cleanfile produced no tables for {src}")

    for t in tables:
        csww.la_agg(str(t), str(la_dir))
    for merged in sorted(la_dir.glob("CSWW_*_merged.csv")):
        csww.pan_agg(str(merged), la_code, str(pan_dir))
    t2 = time.perf_counter()

    outputs = sorted(p.name for p in pan_dir.iterdir())
    errors = sum(len(p.read_text().splitlines()) for p in logs.iterdir())
    rows = sum(1 for _ in open(tables[0])) - 1
    shutil.rmtree(base)
    return t1 - t0, t2 - t1, rows, errors, outputs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", help="CSWW census return (XML)")
    ap.add_argument("--repeat", type=int, default=1, help="runs; medians are reported")
    ap.add_argument("--la-code", default="BAR", help="liiatools London LA code (default BAR)")
    ap.add_argument("--year", help="collection year (default: from the header, else 2022)")
    args = ap.parse_args()

    src = Path(args.file)
    year = args.year or return_year(src)
    workers = count_workers(src)
    scratch = tempfile.mkdtemp(prefix="liiatools-peer-")
    try:
        runs = [run_once(src, year, args.la_code, scratch) for _ in range(args.repeat)]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    clean = statistics.median(r[0] for r in runs)
    agg = statistics.median(r[1] for r in runs)
    total = statistics.median(r[0] + r[1] for r in runs)
    _, _, rows, errors, outputs = runs[0]
    if rows != workers or errors:
        print(
            f"note: liiatools wrote {rows} worker rows for {workers} workers; "
            f"its error log has {errors} lines",
            file=sys.stderr,
        )
    if len(outputs) != 2:
        print(f"note: pan-London outputs: {outputs}", file=sys.stderr)
    print(
        f"liiatools peer: {src.name} ({workers} workers): clean {clean:.2f} s, "
        f"aggregate {agg:.2f} s, total {total:.2f} s"
        + (f" (median of {args.repeat})" if args.repeat > 1 else "")
    )


if __name__ == "__main__":
    main()
