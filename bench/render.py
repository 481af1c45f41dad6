"""Benchmark `ledger render` against a bare xlsxwriter dump of the same cells and styles.

Builds a synthetic ledger of 1,000 units and 20,000 tasks (1-3 leads, 0-8 supporters each, Chinese text) and
prints, in one run, rows/s of each, their ratio and the peak memory of each run. Not part of the test suite.

    python bench/render.py [--units 1000] [--tasks 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from synthetic import PERIOD, synthetic_workspace  # noqa: E402

from ledger.history import History  # noqa: E402
from ledger.layout import FOOTER_LABELS, WORKBOOK_COLUMNS, workbook_cells  # noqa: E402
from ledger.render import render_period  # noqa: E402
from ledger.workspace import Workspace, tasks_by_unit  # noqa: E402


def bare_dump(ws: Workspace, out: Path) -> int:
    """The same cells and styles as a unit workbook (instructions, title, header, task rows, footer, metadata),
    written as plainly as xlsxwriter allows: no validation, protection, highlighting or print set-up."""
    rows = 0
    instructions = ["填报说明：请于 2021 年 7 月 5 日前将本表填好后报送示范区办公室。" * 2] * 16
    for unit, (lead, support) in tasks_by_unit(ws.tasks).items():
        book = xlsxwriter.Workbook(str(out / f"{unit}.xlsx"), {"in_memory": True})
        locked = book.add_format({"font_name": "宋体", "text_wrap": True, "border": 1, "bg_color": "#F2F2F2"})
        unlocked = book.add_format({"font_name": "宋体", "text_wrap": True, "border": 1, "locked": False})
        header = book.add_format({"bold": True, "border": 1})
        text = book.add_worksheet("填报说明")
        for r, line in enumerate(instructions):
            text.write_string(r, 0, line, locked)
        meta = []
        for name, tasks, fill in (("牵头任务", lead, 5), ("配合任务", support, 4)):
            sheet = book.add_worksheet(name)
            sheet.merge_range(0, 0, 0, len(WORKBOOK_COLUMNS) + fill - 1, f"{unit} {name}", header)
            for c, title in enumerate(WORKBOOK_COLUMNS):
                sheet.write_string(1, c, title, header)
            for r, task in enumerate(tasks, 2):
                cells = workbook_cells(task, ws.registry.groups)[0]
                for c, value in enumerate(cells):
                    sheet.write_string(r, c, value, locked)
                for c in range(len(WORKBOOK_COLUMNS), len(WORKBOOK_COLUMNS) + fill):
                    sheet.write_blank(r, c, None, unlocked)
                fingerprint = hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:16]
                meta.append([name, str(r + 1), task.id, "lead" if fill == 5 else "support", fingerprint])
                rows += 1
            for k, label in enumerate(FOOTER_LABELS):
                sheet.write_string(len(tasks) + 3 + k, 2, label, header)
        hidden = book.add_worksheet("_ledger")
        for r, row in enumerate(meta):
            for c, value in enumerate(row):
                hidden.write_string(r, c, value)
        book.close()
    return rows


def ledger_render(ws: Workspace, out: Path) -> int:
    ws.root = out
    result = render_period(ws, PERIOD, History(period=PERIOD))
    return sum(len(f.lead_tasks) + len(f.support_tasks) for f in result.files)


def measured(job, n_units: int, n_tasks: int, queue) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = synthetic_workspace(Path(tmp), n_units, n_tasks)
        start = time.perf_counter()
        rows = job(ws, Path(tmp))
        seconds = time.perf_counter() - start
    queue.put((rows, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run(job, n_units: int, n_tasks: int) -> tuple[int, float, float]:
    """Each job runs in its own process, so each peak memory figure is its own."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=measured, args=(job, n_units, n_tasks, queue))
    process.start()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{job.__name__} failed (exit code {process.exitcode})")
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20000)
    args = parser.parse_args()
    print(f"synthetic ledger: {args.units} units, {args.tasks} tasks, period {PERIOD}")
    base_rows, base_s, base_mb = run(bare_dump, args.units, args.tasks)
    rows, seconds, mb = run(ledger_render, args.units, args.tasks)
    assert rows == base_rows, (rows, base_rows)
    line = "{:21s}: {:8d} rows in {:7.2f} s = {:9.0f} rows/s, peak {:6.0f} MB"
    print(line.format("bare xlsxwriter dump", base_rows, base_s, base_rows / base_s, base_mb))
    print(line.format("ledger render", rows, seconds, rows / seconds, mb))
    ratio = (rows / seconds) / (base_rows / base_s)
    print(f"ratio (render / bare): {ratio:.2f}   (target >= 0.85; peak memory target < 500 MB)")


if __name__ == "__main__":
    main()
