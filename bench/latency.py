"""Benchmark `ledger status` on the example against a bare python-calamine read of the same returns.

A clerk runs `ledger status` by hand, again and again while returns come in, so what counts is the whole
process: starting Python, importing the package, loading the workspace, reading the returns, printing. The floor
is what no implementation can avoid: a bare Python start (`python -c pass`) plus a bare python-calamine read of
every sheet of the same stored files. The example's 2021-06 returns are made the way scripts/demo.sh makes them
(render, sample replies, collect) in a temporary copy of the example, unless `--workspace` names one that has them.

`ledger status` is timed twice: as a clerk reruns it (the round's merge cached under build/cache by the run
before) and cold (build/cache removed before each run, as when new returns have just come in).

Every command runs as its own process, in turn, `--runs` times after one warm-up; the medians of wall and CPU
seconds are printed (CPU seconds hold better than wall on a machine others share). Python writes its bytecode
cache (into a temporary folder) as on any installed machine, whatever PYTHONDONTWRITEBYTECODE says here. Not part
of the test suite.

    python bench/latency.py [--runs 9] [--workspace DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import python_calamine

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

from ledger import load_workspace  # noqa: E402
from ledger.collect import collect_returns  # noqa: E402
from ledger.model import Period  # noqa: E402
from ledger.rounds import open_round  # noqa: E402
from ledger.samples import make_sample_returns  # noqa: E402

PERIOD = Period(2021, 6)
WORKBOOKS = {".xlsx", ".xlsm", ".xls", ".ods"}


def example_with_returns(target: Path) -> Path:
    """A copy of the example with its 2021-06 returns collected, as scripts/demo.sh leaves it."""
    target.mkdir()
    shutil.copy(ROOT / "ledger.toml", target / "ledger.toml")
    shutil.copytree(ROOT / "source", target / "source", ignore=shutil.ignore_patterns("returns", "bulletins.json"))
    shutil.copytree(ROOT / "templates", target / "templates")
    ws = load_workspace(target)
    june = open_round(ws, PERIOD, jobs=os.cpu_count() or 1)
    june.render()
    inbox = target / "build" / "inbox"
    make_sample_returns(ws, june.manifest(), inbox)
    collect_returns(ws.paths, PERIOD, [inbox])
    return target


def bare_read(folder: Path) -> int:
    """Every sheet of every stored workbook read into Python lists; the number of rows."""
    rows = 0
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() in WORKBOOKS:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            for name in book.sheet_names:
                rows += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return rows


def cpu_of_children() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run(command: list[str], env: dict[str, str], cold: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one process, from start to exit; with `cold`, that cache folder is removed first
    (untimed), as when new returns have just come in and the round's merge is not cached yet."""
    if cold is not None:
        shutil.rmtree(cold, ignore_errors=True)
    start, cpu = time.perf_counter(), cpu_of_children()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start, cpu_of_children() - cpu


def read_in_process(folder: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of the bare read here, and the rows it read."""
    start, cpu = time.perf_counter(), time.process_time()
    rows = bare_read(folder)
    return time.perf_counter() - start, time.process_time() - cpu, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--workspace", type=Path, help="a workspace whose source/returns/2021-06 holds returns")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.workspace:
            root = args.workspace.resolve()
        else:
            print("the example's 2021-06 returns: render, sample replies, collect …")
            root = example_with_returns(Path(tmp) / "example")
        folder = load_workspace(root).paths.returns(PERIOD)
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in WORKBOOKS)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        python = [sys.executable]
        status = [*python, "-m", "ledger", "status", "-w", str(root), "--period", str(PERIOD)]
        commands = {
            "python -c pass": ([*python, "-c", "pass"], None),
            "import ledger.cli": ([*python, "-c", "import ledger.cli"], None),
            "ledger status": (status, None),
            "ledger status, cold": (status, load_workspace(root).paths.cache),
        }
        wall: dict[str, list[float]] = {name: [] for name in [*commands, "bare read"]}
        cpu: dict[str, list[float]] = {name: [] for name in wall}
        for n in range(args.runs + 1):  # the first round is the warm-up: bytecode written, files in the page cache
            for name, (command, cold) in commands.items():
                seconds, cpu_seconds = run(command, env, cold)
                if n:
                    wall[name].append(seconds)
                    cpu[name].append(cpu_seconds)
            seconds, cpu_seconds, rows = read_in_process(folder)
            if n:
                wall["bare read"].append(seconds)
                cpu["bare read"].append(cpu_seconds)
        print(f"{len(files)} returned workbooks, {rows} rows; medians of {args.runs} runs, seconds (wall / CPU):")
        medians = {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in wall}
        start, read = medians["python -c pass"], medians["bare read"]
        floor = (start[0] + read[0], start[1] + read[1])
        imported, warm, cold = medians["import ledger.cli"], medians["ledger status"], medians["ledger status, cold"]
        print(f"python -c pass      : {start[0]:6.3f} / {start[1]:6.3f}")
        print(f"bare calamine read  : {read[0]:6.3f} / {read[1]:6.3f}  (in this process)")
        print(f"floor (start + read): {floor[0]:6.3f} / {floor[1]:6.3f}")
        print(f"import ledger.cli   : {imported[0]:6.3f} / {imported[1]:6.3f}")
        print(f"ledger status       : {warm[0]:6.3f} / {warm[1]:6.3f}  (the round's merge cached by an earlier run)")
        print(f"ledger status, cold : {cold[0]:6.3f} / {cold[1]:6.3f}  (build/cache removed before each run)")
        for label, figures in (("status/floor", warm), ("cold status/floor", cold)):
            print(f"{label}: {figures[0] / floor[0]:.2f} wall, {figures[1] / floor[1]:.2f} CPU   (target <= 3)")


if __name__ == "__main__":
    main()
