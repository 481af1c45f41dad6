"""Benchmark a year of monthly rounds: does round 12 cost what round 1 costs, and the year report what a round's?

The synthetic ledger (bench/synthetic.py) goes through twelve monthly rounds of 2021 as an office runs them:
each round rendered (history carried from the round before), every workbook filled as a unit would
(bench/cycle.py's `fill`, the units' work, timed apart), collected, merged and reported, each stage through
`open_round` as the commands run it. Then the year report (`ledger report --period 2021`).

Two ratios, against figures measured in the same process:

    round 12 / round 1   render + merge + report of the last round against the first's   (target ≤ 1.2)
    year / round         the year report against the mean of the rounds' own reports        (target ≤ 2)

Not part of the test suite.

    python bench/year.py [--units 1000] [--tasks 20000] [--jobs N] [--rounds 12]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from cycle import clock, peak_mb, since  # noqa: E402
from filling import fill_one  # noqa: E402
from synthetic import synthetic_workspace  # noqa: E402

from ledger.collect import collect_returns  # noqa: E402
from ledger.model import Period  # noqa: E402
from ledger.rounds import open_round  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    print(f"synthetic ledger: {args.units} units, {args.tasks} tasks, {args.rounds} monthly rounds, jobs {args.jobs}")
    line = "  {:8s} render {:6.2f} s  merge {:6.2f} s  report {:6.2f} s  = {:6.2f} s  (fill {:5.1f} s, {} files)"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = synthetic_workspace(root, args.units, args.tasks)
        totals, reports = [], []
        for month in range(1, args.rounds + 1):
            period = Period(2021, month)
            start = clock()
            rendered = open_round(ws, period, jobs=args.jobs).render()
            render = since(start)[0]
            inbox = root / "inbox" / str(period)
            inbox.mkdir(parents=True)
            start = clock()
            work = [(rendered.outbox / f.file, inbox / f.file) for f in rendered.files]
            with ProcessPoolExecutor(args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                list(pool.map(fill_one, work, chunksize=8))
            fill = since(start)[0]
            collect_returns(ws.paths, period, sorted(inbox.glob("*.xlsx")))
            start = clock()
            current = open_round(ws, period, jobs=args.jobs)
            current.write_merge()
            merge = since(start)[0]
            start = clock()
            current.publish()
            report = since(start)[0]
            totals.append(render + merge + report)
            reports.append(report)
            print(line.format(str(period), render, merge, report, totals[-1], fill, len(rendered.files)))
        start = clock()
        _, outputs = open_round(ws, "2021", jobs=args.jobs).publish()
        year_seconds = since(start)[0]
        print(f"  year     report {year_seconds:6.2f} s  ({', '.join(p.name for p in outputs)})")
        print(f"  peak memory {peak_mb():.0f} MB")
    mean_report = sum(reports) / len(reports)
    print(f"round {args.rounds} / round 1 (render + merge + report): {totals[-1] / totals[0]:.2f}  [≤ 1.2]")
    print(f"year report / mean round report: {year_seconds / mean_report:.2f}  [≤ 2]")


if __name__ == "__main__":
    main()
