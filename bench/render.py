"""Benchmark `ledger render` against a bare xlsxwriter dump of the same cells and styles.

Builds a synthetic ledger of 1,000 units and 20,000 tasks (1-3 leads, 0-8 supporters each, Chinese text) and
prints, in one run, rows/s of each, their ratio and the peak memory of each run. Not part of the test suite.

    python bench/render.py [--units 1000] [--tasks 20000]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ledger.config import Config, DocumentConfig, Office, default_fill_columns
from ledger.deadlines import parse_deadline
from ledger.model import Period, Task, Unit
from ledger.render import TASK_COLUMNS, render_period, task_cells
from ledger.units import UnitRegistry
from ledger.workspace import Workspace, tasks_by_unit

PHRASES = [
    "深化煤炭消费总量控制",
    "制定实施年度压减方案",
    "逐步压减煤炭消费量",
    "完成省市下达目标任务",
    "严格落实扬尘防治措施",
    "施工现场严格落实围挡覆盖",
    "渣土车辆密闭运输",
    "开展常态化巡查",
    "发现问题及时督促整改",
    "对问题项目依法依规处罚",
    "推进老旧机械改造淘汰",
    "加强机动车排放检验管理",
    "完善重污染天气应急预案",
    "督促各项应急减排措施落实到位",
    "推动企业清洁生产审核",
    "建立健全长效管理机制",
]
DEADLINES = ["2021 年年底前", "2021 年全年", "2021 年 6 月底前", "2021 年 9 月底前", "2021-2025"]
PERIOD = Period(2021, 6)


def synthetic_workspace(root: Path, n_units: int, n_tasks: int, seed: int = 7) -> Workspace:
    rng = random.Random(seed)
    units = [Unit(f"示范区第{i:04d}局", emails=[f"u{i}@example.cn"]) for i in range(n_units)]
    names = [u.name for u in units]
    config = Config(
        root=root,
        title="示范区 2021 年重点任务工作台账",
        year=2021,
        office=Office("示范区办公室"),
        documents=[DocumentConfig(code="B", file="-", fill_columns=default_fill_columns())],
    )
    tasks = []
    for i in range(n_tasks):
        picked = rng.sample(names, rng.randint(1, 3) + rng.randint(0, 8))
        leads = picked[: rng.randint(1, 3)]
        text = "，".join(rng.choice(PHRASES) for _ in range(rng.randint(2, 12))) + "。"
        deadline = rng.choice(DEADLINES)
        tasks.append(
            Task(
                id=f"B-{i + 1}",
                document="B",
                number=str(i + 1),
                measure=text,
                deadline=parse_deadline(deadline, 2021),
                category="一、持续调整优化结构",
                title="着力优化产业布局",
                lead_units=leads,
                support_units=picked[len(leads) :],
            )
        )
    return Workspace(root, config, UnitRegistry(units), tasks)


def bare_dump(ws: Workspace, out: Path) -> int:
    """The same cells and styles as a unit workbook (instructions, title, header, task rows, footer, metadata),
    written as plainly as xlsxwriter allows: no validation, protection, highlighting or print set-up."""
    rows = 0
    instructions = ["填报说明：请于 2021 年 7 月 5 日前将本表填好后报送示范区办公室。" * 2] * 16
    for unit, (lead, support) in tasks_by_unit(ws.tasks).items():
        book = xlsxwriter.Workbook(str(out / f"{unit}.xlsx"))
        locked = book.add_format({"font_name": "宋体", "text_wrap": True, "border": 1, "bg_color": "#F2F2F2"})
        unlocked = book.add_format({"font_name": "宋体", "text_wrap": True, "border": 1, "locked": False})
        header = book.add_format({"bold": True, "border": 1})
        text = book.add_worksheet("填报说明")
        for r, line in enumerate(instructions):
            text.write_string(r, 0, line, locked)
        meta = []
        for name, tasks, fill in (("牵头任务", lead, 5), ("配合任务", support, 4)):
            sheet = book.add_worksheet(name)
            sheet.merge_range(0, 0, 0, len(TASK_COLUMNS) + fill - 1, f"{unit} {name}", header)
            for c, title in enumerate(TASK_COLUMNS):
                sheet.write_string(1, c, title, header)
            for r, task in enumerate(tasks, 2):
                cells = task_cells(task)
                for c, value in enumerate(cells):
                    sheet.write_string(r, c, value, locked)
                for c in range(len(TASK_COLUMNS), len(TASK_COLUMNS) + fill):
                    sheet.write_blank(r, c, None, unlocked)
                fingerprint = hashlib.sha256("\x1f".join(cells).encode()).hexdigest()[:16]
                meta.append([name, str(r + 1), task.id, "lead" if fill == 5 else "support", fingerprint])
                rows += 1
            for k, label in enumerate(("填报人：", "联系电话：", "审核人（签字）：")):
                sheet.write_string(len(tasks) + 3 + k, 2, label, header)
        hidden = book.add_worksheet("_ledger")
        for r, row in enumerate(meta):
            for c, value in enumerate(row):
                hidden.write_string(r, c, value)
        book.close()
    return rows


def ledger_render(ws: Workspace, out: Path) -> int:
    ws.root = out
    result = render_period(ws, PERIOD)
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
    print(f"ratio (render / bare): {ratio:.2f}   (target >= 0.8; peak memory target < 500 MB)")


if __name__ == "__main__":
    main()
