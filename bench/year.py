"""Benchmark a year of monthly rounds: does round 12 cost what round 1 costs, and the year report what a round's?

The synthetic ledger (bench/synthetic.py) goes through twelve monthly rounds of 2021 as an office runs them:
each round rendered (history carried from the round before), every workbook filled as a unit would
(bench/cycle.py's `fill`, the units' work, timed apart), collected, merged and reported, each stage through
`open_round` as the commands run it. Then the year report (`ledger report --period 2021`).

Two ratios, against figures measured in the same process, each in wall seconds and in CPU seconds (this process
and its finished worker processes: a single round's wall time moves by half on a machine others share, its CPU
seconds far less):

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
    line = (
        "  {:8s} render {:6.2f} s (CPU {:6.2f})  merge {:6.2f} s (CPU {:6.2f})  report {:6.2f} s (CPU {:6.2f})"
        "  = {:6.2f} s (CPU {:6.2f})  (fill {:5.1f} s, {} files)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = synthetic_workspace(root, args.units, args.tasks)
        totals, reports = [], []
        for month in range(1, args.rounds + 1):
            period = Period(2021, month)
            start = clock()
            rendered = open_round(ws, period, jobs=args.jobs).render()
            render = since(start)
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
            merge = since(start)
            start = clock()
            current.publish()
            report = since(start)
            totals.append(tuple(render[i] + merge[i] + report[i] for i in (0, 1)))
            reports.append(report)
            stages = (render[0], render[1], merge[0], merge[1], report[0], report[1], *totals[-1])
            print(line.format(str(period), *stages, fill, len(rendered.files)))
        start = clock()
        _, outputs = open_round(ws, "2021", jobs=args.jobs).publish()
        year = since(start)
        print(f"  year     report {year[0]:6.2f} s (CPU {year[1]:6.2f} s)  ({', '.join(p.name for p in outputs)})")
        print(f"  peak memory {peak_mb():.0f} MB")
    mean_report = [sum(r[i] for r in reports) / len(reports) for i in (0, 1)]
    last, first = totals[-1], totals[0]
    print(
        f"round {args.rounds} / round 1 (render + merge + report): {last[0] / first[0]:.2f} wall, "
        f"{last[1] / first[1]:.2f} CPU  [≤ 1.2]"
    )
    ratios = f"{year[0] / mean_report[0]:.2f} wall, {year[1] / mean_report[1]:.2f} CPU"
    print(f"year report / mean round report: {ratios}  [≤ 2]")


if __name__ == "__main__":
    main()
