"""A plain Python version of the health check's organisation-level results, as a speed peer for
swforce's results page.

Reads a closed round's responses from the SQLite database that
`cargo bench -p swforce --bench healthcheck -- --keep DIR` leaves (table healthcheck_responses,
each body JSON whose "answers" holds one character per statement: '1' to '5' a point on the
scale, 'n' does not apply, '-' not answered), and works out what the page shows for the whole
organisation: for each statement the answers on the scale and the share agreeing (4 or 5), for
each standard the share agreeing with its statements pooled, and the share agreeing with the
intention to stay statement (the item after the last standard's statements). The statements'
order and how many each standard has come from the shipped question set. No breakdowns, drivers,
benchmarks or disclosure rules: those the page adds on top.

Each run opens the database, reads and parses every response and counts them (NumPy for the
counting); 200 runs, p50 and p95.

    python3 bench/healthcheck_peer.py --data-dir /tmp/hc
    python3 bench/healthcheck_peer.py --data-dir /tmp/hc --swforce target/release/swforce

With --swforce (or --summary FILE, the output of
`swforce healthcheck summary --org E10000016 --format json --data-dir DIR`, which gives shares
to a whole percentage as the page and the API do), the shares, rounded the same way, are checked
against swforce's to 1e-9.
"""

import argparse
import json
import math
import pathlib
import sqlite3
import subprocess
import sys
import time
import tomllib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
QUESTIONS = HERE.parent / "crates/swforce-app/data/healthcheck/employer-standards-2020.toml"
DATABASE = "swforce.sqlite3"
TOLERANCE = 1e-9


def question_set(path):
    """Each standard's key and statement keys, in stored order, and the stay statement's key."""
    with open(path, "rb") as f:
        q = tomllib.load(f)
    standards = [(s["key"], [st["key"] for st in s["statement"]]) for s in q["standard"]]
    return q["version"], standards, q["stay"]["key"]


def find_round(db, la_code):
    """The latest closed round of the organisation with this authority code."""
    with sqlite3.connect(db) as c:
        row = c.execute(
            "SELECT r.id FROM healthcheck_rounds r JOIN organisations o ON o.id = r.org_id"
            " WHERE o.la_code = ? AND r.closed_at IS NOT NULL ORDER BY r.id DESC LIMIT 1",
            (la_code,),
        ).fetchone()
    if row is None:
        sys.exit(f"no closed health check round for {la_code} in {db}")
    return row[0]


def figures(db, round_id, standards):
    """The organisation's figures, read fresh from the database."""
    n_items = sum(len(keys) for _, keys in standards) + 1  # the standards' statements, then stay
    c = sqlite3.connect(db)
    try:
        rows = c.execute("SELECT body FROM healthcheck_responses WHERE round_id = ?", (round_id,)).fetchall()
    finally:
        c.close()
    # One row of characters per response, padded with "not answered".
    text = "".join(json.loads(body)["answers"][:n_items].ljust(n_items, "-") for (body,) in rows)
    grid = np.frombuffer(text.encode("ascii"), dtype=np.uint8).reshape(len(rows), n_items)
    points = np.stack([(grid == ord("1") + k).sum(axis=0) for k in range(5)], axis=1)  # (items, 5)
    answered = points.sum(axis=1)
    agreeing = points[:, 3] + points[:, 4]
    statements = agreeing / np.maximum(answered, 1)
    pooled = []
    start = 0
    for _, keys in standards:
        end = start + len(keys)
        pooled.append(int(agreeing[start:end].sum()) / max(int(answered[start:end].sum()), 1))
        start = end
    stay = int(agreeing[start]) / max(int(answered[start]), 1)
    return {
        "responses": len(rows),
        "points": points,
        "answered": answered,
        "statements": [float(x) for x in statements],
        "standards": pooled,
        "stay": stay,
    }


def percentile(sorted_times, p):
    """The same rule as the Rust bench: the nearest rank of (n - 1) * p, halves rounded up."""
    return sorted_times[min(int((len(sorted_times) - 1) * p + 0.5), len(sorted_times) - 1)] * 1000.0


def whole_percent(share):
    """A share to a whole percentage, halves up, as swforce shows it (0.64 for 64%)."""
    return math.floor(share * 100.0 + 0.5) / 100.0


def compare(ours, summary, standards, stay_key):
    """Differences beyond 1e-9 between these figures, to a whole percentage, and swforce's."""
    overall = summary["organisation"]
    problems = []
    theirs = {s["key"]: s["agree"] for s in overall["standards"]}
    for (key, _), share in zip(standards, ours["standards"]):
        share = whole_percent(share)
        if theirs.get(key) is None or abs(theirs[key] - share) > TOLERANCE:
            problems.append(f"standard {key}: swforce {theirs.get(key)}, peer {share}")
    keys = [k for _, ks in standards for k in ks] + [stay_key]
    theirs = {s["key"]: s for s in summary["statements"]}
    for i, key in enumerate(keys):
        t = theirs.get(key)
        n = int(ours["answered"][i])
        rounded = (n + 2) // 5 * 5
        share = whole_percent(ours["statements"][i])
        if t is None or t["agree"] is None or abs(t["agree"] - share) > TOLERANCE:
            problems.append(f"statement {key}: swforce {t and t['agree']}, peer {share}")
        elif t["answered"] != rounded:
            problems.append(f"statement {key}: swforce {t['answered']} answered, peer {rounded} ({n})")
    if overall["stay"] is None or abs(overall["stay"] - whole_percent(ours["stay"])) > TOLERANCE:
        problems.append(f"stay: swforce {overall['stay']}, peer {ours['stay']}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", required=True, help="the folder the bench kept (--keep DIR)")
    parser.add_argument("--org", default="E10000016", help="the organisation's authority code")
    parser.add_argument("--round", type=int, help="the round's id (the latest closed when left out)")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--summary", help="swforce's JSON results to check against ('-' for stdin)")
    parser.add_argument("--swforce", help="the swforce command, run to get its JSON results")
    args = parser.parse_args()
    db = str(pathlib.Path(args.data_dir) / DATABASE)
    version, standards, stay_key = question_set(args.questions)
    round_id = args.round or find_round(db, args.org)

    for _ in range(20):
        figures(db, round_id, standards)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        ours = figures(db, round_id, standards)
        times.append(time.perf_counter() - start)
    times.sort()
    print(f"python peer: round {round_id} ({ours['responses']} responses, question set {version}), "
          f"{args.runs} runs: p50={percentile(times, 0.50):.2f} ms  p95={percentile(times, 0.95):.2f} ms  "
          f"max={percentile(times, 1.0):.2f} ms")
    for (key, _), share in zip(standards, ours["standards"]):
        print(f"  {key:<12} {share * 100:5.1f}% agree")
    print(f"  {'stay':<12} {ours['stay'] * 100:5.1f}% agree")

    summary = None
    if args.summary == "-":
        summary = json.load(sys.stdin)
    elif args.summary:
        with open(args.summary) as f:
            summary = json.load(f)
    elif args.swforce:
        out = subprocess.run(
            [args.swforce, "healthcheck", "summary", "--org", args.org, "--round", str(round_id),
             "--format", "json", "--data-dir", args.data_dir],
            check=True, capture_output=True, text=True,
        )
        summary = json.loads(out.stdout)
    if summary is not None:
        problems = compare(ours, summary, standards, stay_key)
        if problems:
            print("figures differ:")
            for p in problems:
                print(f"  {p}")
            sys.exit(1)
        print(f"figures agree (every standard, statement and stay within {TOLERANCE:g})")


if __name__ == "__main__":
    main()
