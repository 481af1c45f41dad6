"""Benchmark a whole month of the ledger against the floor of the file formats it reads and writes.

The synthetic ledger (1,000 units, 20,000 tasks) goes through one month as an office runs it:

    render   history, then every unit's workbook (`Round.render`, jobs = number of CPUs)
    fill     every fill-in cell of every task row and the signature block typed in, each workbook saved
    collect  the filled files stored as the period's returns, with receipts
    merge    as `ledger merge` runs it (`Round.write_merge`): every return read and checked (the files read in
             `jobs` processes), then merged.xlsx, problems.xlsx and merged.json with the merge cache written
             side by side in `jobs` processes
    report   the report and its three outputs (汇总台账.xlsx, report.html, 通报.docx; `Round.publish`, the same)

The floor, run alone in a process of its own and in one process: a bare xlsxwriter dump of the same workbook
cells (bench/render.py's baseline) plus a bare python-calamine read of the same filled files (bench/merge.py's).

`cycle/floor` is (render + collect + merge + report) / floor: the ledger's own stages. Filling is the units'
work, not the ledger's, and the floor has no counterpart to it, so it is timed and printed but NOT in the ratio.
Peak memory is the cycle process's resident peak after each stage, and its worker processes' so far.
Not part of the test suite.

    python bench/cycle.py [--units 1000] [--tasks 20000] [--jobs N]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from queue import Empty

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from filling import fill_one  # noqa: E402
from merge import bare_read  # noqa: E402
from render import bare_dump  # noqa: E402
from synthetic import PERIOD, synthetic_workspace  # noqa: E402

from ledger.collect import collect_returns  # noqa: E402
from ledger.rounds import open_round  # noqa: E402


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def memory(jobs: int) -> str:
    """This process's peak so far, and the largest worker process's (render's, merge's and report's forked
    workers, and fill's) so far: a forked worker's resident pages include those it shares with this process."""
    workers = f" (worker processes so far: {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB at most)" if jobs > 1 else ""
    return f"{peak_mb():6.0f} MB{workers}"


def clock() -> tuple[float, float]:
    """Wall seconds, and CPU seconds of this process and its finished children (render's, fill's, merge's workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def since(start: tuple[float, float]) -> tuple[float, float]:
    now = clock()
    return now[0] - start[0], now[1] - start[1]


def cycle(root: Path, n_units: int, n_tasks: int, jobs: int, queue) -> None:
    """The ledger's month in one process; each stage's wall and CPU seconds and the peak memory after it."""
    figures: list[tuple[str, tuple[float, float], str]] = []
    ws = synthetic_workspace(root, n_units, n_tasks)

    start = clock()
    rendered = open_round(ws, PERIOD, jobs=jobs).render()
    figures.append(("render", since(start), memory(jobs)))
    rows = sum(len(f.lead_tasks) + len(f.support_tasks) for f in rendered.files)

    inbox = root / "inbox"
    inbox.mkdir()
    start = clock()
    work = [(rendered.outbox / f.file, inbox / f.file) for f in rendered.files]
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        filled = sum(pool.map(fill_one, work, chunksize=8))
    assert filled == rows, (filled, rows)
    figures.append(("fill (units' work)", since(start), "   (in other processes)"))

    start = clock()
    collected = collect_returns(ws.paths, PERIOD, sorted(inbox.glob("*.xlsx")))
    assert len(collected.stored) == len(rendered.files)
    figures.append(("collect", since(start), memory(jobs)))

    start = clock()
    month = open_round(ws, PERIOD, jobs=jobs)
    month.write_merge()  # as `ledger merge` runs it: the merge, then its outputs with the merge cache
    merged = month.merge()
    figures.append(("merge", since(start), memory(jobs)))
    assert len(merged.entries) >= rows and merged.valid and not merged.problems, merged.stats

    start = clock()
    _, outputs = month.publish()
    figures.append(("report", since(start), memory(jobs)))
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in outputs)
    queue.put((rows, figures, sizes))


def floor(root: Path, returns: Path, n_units: int, n_tasks: int, queue) -> None:
    """A bare dump of the same workbook cells, then a bare read of the same filled files."""
    ws = synthetic_workspace(root, n_units, n_tasks)
    start = clock()
    dumped = bare_dump(ws, root)
    dump = since(start)
    start = clock()
    read = bare_read(returns)
    queue.put((dumped, dump, read, since(start), peak_mb()))


def in_process(target, *args):
    """Run `target` in a fresh process of its own, so that each peak memory figure is its own."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    while True:
        try:
            result = queue.get(timeout=5)
            break
        except Empty:
            if not process.is_alive():
                raise SystemExit(f"{target.__name__} failed (exit code {process.exitcode})") from None
    process.join()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"synthetic ledger: {args.units} units, {args.tasks} tasks, period {PERIOD}, jobs {args.jobs}")
    with tempfile.TemporaryDirectory() as tmp:
        month, bare = Path(tmp) / "cycle", Path(tmp) / "floor"
        month.mkdir()
        bare.mkdir()
        rows, figures, sizes = in_process(cycle, month, args.units, args.tasks, args.jobs)
        returns = month / "source" / "returns" / str(PERIOD)
        dumped, dump, read_rows, read_time, floor_mb = in_process(floor, bare, returns, args.units, args.tasks)
    assert dumped == rows and read_rows > 0, (dumped, rows, read_rows)
    print(f"{rows} task rows (lead and support); report: {sizes}")
    line = "  {:20s} {:7.2f} s  (CPU {:6.2f} s)  peak {}"
    for stage, (seconds, cpu), memory in figures:
        print(line.format(stage, seconds, cpu, memory))
    ledger = [sum(t[i] for stage, t, _ in figures if not stage.startswith("fill")) for i in (0, 1)]
    bare_floor = [dump[i] + read_time[i] for i in (0, 1)]
    print(line.format("ledger (no fill)", *ledger, ""))
    print(line.format("floor: bare dump", *dump, ""))
    print(line.format("floor: bare read", *read_time, ""))
    print(line.format("floor", *bare_floor, f"{floor_mb:6.0f} MB"))
    print(f"CPU seconds, ledger/floor: {ledger[1] / bare_floor[1]:.2f} (all processes; the ratio below is wall-clock)")
    print(f"cycle/floor: {ledger[0] / bare_floor[0]:.2f}")


if __name__ == "__main__":
    main()
