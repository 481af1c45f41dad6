"""The synthetic ledger the benchmarks share: many units, many tasks, realistic Chinese text."""

from __future__ import annotations

import random
from pathlib import Path

from ledger.config import Config, DocumentConfig, Office, default_fill_columns
from ledger.deadlines import parse_deadline
from ledger.model import Period, Task, Unit
from ledger.units import UnitRegistry
from ledger.workspace import Workspace

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
# No deadline falls on or before the bench round's end: filled 序时推进, such a task is overdue-on-schedule, a warning
# the clean merge the benches time has none of.
DEADLINES = ["2021 年年底前", "2021 年全年", "2021 年 7 月底前", "2021 年 9 月底前", "2021-2025"]
PERIOD = Period(2021, 6)


def synthetic_workspace(root: Path, n_units: int, n_tasks: int, seed: int = 7) -> Workspace:
    rng = random.Random(seed)
    units = [Unit(name=f"示范区第{i:04d}局", emails=[f"u{i}@example.cn"]) for i in range(n_units)]
    names = [u.name for u in units]
    config = Config(
        root=root,
        title="示范区 2021 年重点任务工作台账",
        year=2021,
        office=Office(name="示范区办公室"),
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
