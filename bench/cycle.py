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
import functools
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from queue import Empty
from xml.sax.saxutils import escape, unescape

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from merge import bare_read  # noqa: E402
from render import bare_dump  # noqa: E402
from synthetic import PERIOD, synthetic_workspace  # noqa: E402

from ledger.collect import collect_returns  # noqa: E402
from ledger.layout import HEADER_ROW, LEAD_SHEET, SUPPORT_DETAIL_SHEET, SUPPORT_SHEET  # noqa: E402
from ledger.rounds import open_round  # noqa: E402

STATUSES = ("序时推进", "序时推进", "滞后", "未启动", "已完成")


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def answers(task_id: str, role: str) -> dict[str, object]:
    """What a unit types on a task row: varied by task, a few tasks done (with the date they were done)."""
    n = int(re.sub(r"\D", "", task_id.rpartition("-")[2]) or 0)
    status = STATUSES[n % len(STATUSES)]
    typed: dict[str, object] = {
        "完成状态": status,
        "本月进展": f"第{n}项工作按计划推进，本月召开调度会{n % 4 + 1}次，完成阶段目标。",
        "存在问题": "无" if n % 3 else "资金保障不足，需协调解决。",
        "下步计划": "继续推进，按期完成。",
    }
    if status == "已完成" and role == "lead":
        typed["完成时间"] = date(2021, 6, 1 + n % 28)
    return typed


CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)')
BLANK_CELL = re.compile(r'<c r="([A-Z]+)(\d+)" s="(\d+)"/>')
EXCEL_EPOCH = date(1899, 12, 30)
FOOTER_VALUES = {
    "填报人：": "张三",
    "联系电话：": "0634-6888888",
    "单位负责人（签字）：": "李四",
    "填报日期：": "2021年7月2日",
}


def _cell_xml(ref: str, style: str, value: object) -> str:
    if isinstance(value, date):
        return f'<c r="{ref}" s="{style}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _typed_cell(typed: dict[str, object], blank: re.Match[str]) -> str:
    ref = blank[1] + blank[2]
    return _cell_xml(ref, blank[3], typed[ref]) if ref in typed else blank[0]


def _next_column(letters: str) -> str:
    return xl_col_to_name(xl_cell_to_rowcol(f"{letters}1")[1] + 1)


def fill(source: Path, target: Path) -> int:
    """Type an answer into every empty fill-in cell of every task row of every task sheet, and the signature
    block under each table, then save; returns how many task rows were answered.

    Rows, headers and labels are found in the sheet XML as render wrote it, and the values go straight into it as
    inline strings (as streaming writers store text), everything else left alone: a unit's typing, at a cost
    that keeps this bench minutes long rather than the half hour openpyxl takes to load and save 1,000
    workbooks. The tests fill with openpyxl and LibreOffice.
    """
    with zipfile.ZipFile(source) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    shared = [
        unescape(re.sub(r"<[^>]+>", "", si))
        for si in re.findall(r"<si>(.*?)</si>", parts["xl/sharedStrings.xml"].decode(), re.S)
    ]
    workbook = parts["xl/workbook.xml"].decode()
    rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', parts["xl/_rels/workbook.xml.rels"].decode()))
    answered = 0
    for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook):
        if name not in (LEAD_SHEET, SUPPORT_SHEET, SUPPORT_DETAIL_SHEET):
            continue
        role = "lead" if name == LEAD_SHEET else "support"
        part = f"xl/{rels[rid]}"
        xml = parts[part].decode()
        headers: dict[str, str] = {}  # column letters -> header
        typed: dict[str, object] = {}
        for letters, row, attributes, body in CELL.findall(xml):
            value = re.search(r"<v>(.*?)</v>", body or "")
            text = shared[int(value[1])] if value and 't="s"' in attributes else None
            if row == str(HEADER_ROW + 1) and text:
                headers[letters] = text
            elif letters == "A" and text and int(row) > HEADER_ROW + 1 and "-" in text:
                typed |= {f"{c}{row}": v for c, h in headers.items() if (v := answers(text, role).get(h)) is not None}
                answered += name != SUPPORT_SHEET or "配" not in text  # a group row answers for its tasks' rows
            elif text in FOOTER_VALUES:
                typed[f"{_next_column(letters)}{row}"] = FOOTER_VALUES[text]
        parts[part] = BLANK_CELL.sub(functools.partial(_typed_cell, typed), xml).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return answered


def _fill_one(work: tuple[Path, Path]) -> int:
    return fill(*work)


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
        filled = sum(pool.map(_fill_one, work, chunksize=8))
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
