"""Benchmark `ledger merge` against a bare python-calamine read of the same returned files.

Renders the synthetic ledger's workbooks (1,000 units, 20,000 tasks), types an answer into every fill-in cell as
bench/filling.py's units do (a workbook sent back as it was rendered is an untouched return, `return-empty`, whose
rows are not merged: prefilling the answers at render, as this bench once did, measured nothing), stores them as
the period's returns, then prints, in one run, rows/s of a bare calamine read of every sheet and of
`merge_period` with every check on in one process, and their ratio (the target); then the time of
`merge_period` with the files read by `--jobs` processes (default the number of CPUs), whose result must be
the same. Not part of the test suite.

    python bench/merge.py [--units 1000] [--tasks 20000] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import python_calamine

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from filling import fill  # noqa: E402
from synthetic import PERIOD, synthetic_workspace  # noqa: E402

from ledger.collect import collect_returns  # noqa: E402
from ledger.history import History  # noqa: E402
from ledger.layout import INSTRUCTIONS_SHEET, META_SHEET  # noqa: E402
from ledger.merge import merge_period  # noqa: E402
from ledger.render import render_period  # noqa: E402


def bare_read(folder: Path) -> int:
    """Every sheet of every file read into Python; counts the task rows, as merge does."""
    rows = 0
    for path in sorted(folder.glob("*.xlsx")):
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            if name not in (INSTRUCTIONS_SHEET, META_SHEET):
                rows += sum(1 for row in grid[2:] if row and "-" in str(row[0]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = synthetic_workspace(root, args.units, args.tasks)
        print(f"synthetic ledger: {args.units} units, {args.tasks} tasks; filling and storing the returns …")
        rendered = render_period(ws, PERIOD, History(period=PERIOD))
        typed = root / "typed"
        typed.mkdir()
        for workbook in sorted(rendered.outbox.glob("*.xlsx")):
            fill(workbook, typed / workbook.name)
        collect_returns(ws.paths, PERIOD, sorted(typed.glob("*.xlsx")))
        folder = ws.paths.returns(PERIOD)
        start = time.perf_counter()
        sheet_rows = bare_read(folder)
        bare_s = time.perf_counter() - start
        start = time.perf_counter()
        result = merge_period(ws, PERIOD)
        merge_s = time.perf_counter() - start
        rows = len(result.entries)
        print(f"bare calamine read  : {sheet_rows:8d} task rows in {bare_s:7.2f} s = {sheet_rows / bare_s:9.0f} rows/s")
        print(
            f"ledger merge        : {rows:8d} task rows in {merge_s:7.2f} s = {rows / merge_s:9.0f} rows/s"
            f"  ({len(result.problems)} problems, {result.stats['merged']} files merged)"
        )
        # Both read the same files; their row counts differ (a group row of grouped support stands for many tasks,
        # the optional 配合任务明细 rows are entries only when filled), so the ratio is one of times.
        print(f"ratio (bare time / merge time, same files): {bare_s / merge_s:.2f}   (target >= 0.55)")
        start = time.perf_counter()
        several = merge_period(ws, PERIOD, jobs=args.jobs)
        jobs_s = time.perf_counter() - start
        assert several.to_dict() == result.to_dict(), "the same result whatever the number of processes"
        print(f"ledger merge, {args.jobs} processes: {jobs_s:7.2f} s  ({merge_s / jobs_s:.2f}x one process)")


if __name__ == "__main__":
    main()
