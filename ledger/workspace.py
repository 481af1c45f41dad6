"""A workspace: ledger.toml, the source task lists and the units file, loaded and checked together."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import now_in
from .config import CONFIG_NAME, PLACEHOLDER_CONTACT, Config, DocumentConfig, load_config
from .deadlines import describe
from .frames import Column, Labels, frame, joined
from .indicators import find_indicator_header, read_indicator_sheet, read_units_with
from .model import Indicator, Period, Task, Unit
from .paths import WorkspacePaths
from .problems import ERROR, Problem, problem
from .records import write_aside
from .sent import fixed_basis, identity_problems
from .source import HEADER_SCAN_ROWS, HEADER_SYNONYMS, field_of, find_header, header_guess, read_document_sheet
from .tables import Sheet, TableError, read_sheets, write_template
from .unit_changes import read_unit_changes, succeed_units, successors, units_at
from .units import EXAMPLE_PREFIX, UnitRegistry, read_registry, write_units_template

if TYPE_CHECKING:
    import pandas as pd

ENV_WORKSPACE = "LEDGER_WORKSPACE"
DEFAULTS = Path(__file__).parent / "defaults"


# A task as analysts see it: the source columns, the deadline in dates, the units resolved.
TASK_FRAME: list[Column[Task]] = [
    Column("task_id", "任务编号", "text", lambda t: t.id),
    Column("document", "文件代码", "text", lambda t: t.document),
    Column("number", "序号", "text", lambda t: t.number),
    Column("category", "类别", "text", lambda t: t.category),
    Column("title", "重点任务", "text", lambda t: t.title),
    Column("measure", "具体措施", "text", lambda t: t.measure),
    Column("deadline", "完成时限", "text", lambda t: t.deadline.raw),
    Column(
        "deadline_kind",
        "时限类型",
        "category",
        lambda t: t.deadline.kind,
        ("date", "range", "ongoing", "recurring", "none", "unknown"),
    ),
    Column("start", "开始日期", "date", lambda t: t.deadline.start),
    Column("due", "截止日期", "date", lambda t: t.deadline.due),
    Column("lead_units", "牵头单位", "text", lambda t: joined(t.lead_units)),
    Column("support_units", "配合单位", "text", lambda t: joined(t.support_units)),
    Column("vague_units", "未明确单位", "text", lambda t: joined(t.vague_units)),
    Column("source_file", "来源文件", "text", lambda t: t.source.file if t.source else None),
    Column("source_sheet", "来源工作表", "text", lambda t: t.source.sheet if t.source else None),
    Column("source_cell", "来源单元格", "text", lambda t: t.source.cell if t.source else None),
]


@dataclass
class Workspace:
    root: Path
    config: Config
    registry: UnitRegistry
    tasks: list[Task] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def units(self) -> dict[str, Unit]:
        return self.registry.units

    @property
    def valid(self) -> bool:
        """No error in the sources. The placeholder contact is an error `check` reports and `mail --send`
        refuses, but it does not stop rendering or reporting a workspace being set up."""
        return not any(p.severity == ERROR and p.code != "office-contact-placeholder" for p in self.problems)

    @property
    def paths(self) -> WorkspacePaths:
        return WorkspacePaths(self.root)

    def at(self, period: Period) -> Workspace:
        """The workspace with the units of `period`'s time: units renamed or merged from a later round are still
        themselves, with their own addresses and contacts (see `unit_changes`). Itself when nothing changed
        later, as for every round from the last change on."""
        changes = read_unit_changes(self.paths.unit_changes)
        if all(c.start.begins_by(period) for c in changes):
            return self
        return replace(self, registry=UnitRegistry(units_at(list(self.units.values()), changes, period)))

    def round_indicators(self, period: Period) -> list[Indicator]:
        """The indicators of a round, led by the units of its time: their unit cells read with the units as they
        were (`at`: a unit renamed from a later round is still itself), then each old unit named as its
        successor from this round on, as a round's task list is (`task_changes.round_tasks`). A round that went
        out keeps the indicators it was sent with (`sent.fixed_basis`: a target edited in the list later is the
        next round's). What a round expects, renders, reports and compares round over round, so a later change
        never alters a past round."""
        changes = read_unit_changes(self.paths.unit_changes)
        basis = fixed_basis(self.paths, period)
        indicators = self.indicators if basis is None or basis.indicators is None else basis.indicators
        if not all(c.start.begins_by(period) for c in changes):  # today's cells name today's units: read as they were
            registry, districts = self.at(period).registry, {d.code: d.district for d in self.config.documents}
            indicators = [read_units_with(i, registry, districts.get(i.document)) for i in indicators]
        return succeed_units(indicators, successors(changes, period))

    def identity_problems(self) -> list[Problem]:
        """The task list against what each ID meant when last sent (rows renumbered, texts edited): asked by
        check and render, which send the list out, not by every command that loads the workspace."""
        return identity_problems(self.paths, self.tasks)

    def tasks_of(self, unit: str) -> tuple[list[Task], list[Task]]:
        """(tasks the unit leads, tasks it supports), in source order."""
        return tasks_by_unit(self.tasks).get(unit, ([], []))

    def to_frame(self, labels: Labels = "en") -> pd.DataFrame:
        """The tasks, one row each (columns: TASK_FRAME; labels="zh" for the Chinese column names)."""
        return frame(self.tasks, TASK_FRAME, labels)

    def summary(self) -> dict:
        """The figures `ledger check` prints: what was loaded and where the gaps are."""
        lead = Counter(u for t in self.tasks for u in t.lead_units)
        support = Counter(u for t in self.tasks for u in t.support_units)
        by_month: Counter[str] = Counter()
        for t in self.tasks:
            d = t.deadline
            by_month[
                d.due.strftime("%Y-%m") if d.due else {"ongoing": "长期", "recurring": "定期"}.get(d.kind, "无期限")
            ] += 1
        vague = Counter(v for t in self.tasks for v in t.vague_units)
        return {
            "documents": [
                {
                    "code": d.code,
                    "name": d.label,  # as every output names it
                    "file": d.file,
                    "kind": d.kind,
                    "tasks": sum(t.document == d.code for t in self.tasks),
                    "indicators": sum(i.document == d.code for i in self.indicators),
                }
                for d in self.config.documents
            ],
            "tasks": len(self.tasks),
            "units": len(self.registry),
            "units_with_tasks": len(set(lead) | set(support)),
            "per_unit": [
                {"unit": u, "lead": lead[u], "support": support[u]}
                for u in sorted(set(lead) | set(support), key=lambda u: (-lead[u] - support[u], u))
            ],
            "deadlines_by_month": dict(sorted(by_month.items())),
            "unresolved": dict(vague.most_common()),
            "errors": sum(p.severity == ERROR for p in self.problems),
            "warnings": sum(p.severity != ERROR for p in self.problems),
        }

    def task_readings(self) -> list[dict]:
        """Every task with how its deadline and units were understood (`ledger check --tasks`), so the office
        can compare the reading with its own table row by row."""
        return [
            {
                "id": t.id,
                "where": " ".join(x for x in (t.source.file, t.source.sheet, t.source.cell) if x) if t.source else "",
                "measure": t.measure,
                "deadline": t.deadline.raw,
                "deadline_read": describe(t.deadline),
                "due": t.deadline.due.isoformat() if t.deadline.due else None,
                "lead_text": t.lead_text,
                "lead": t.lead_units,
                "support_text": t.support_text,
                "support": t.support_units,
                "vague": t.vague_units,
            }
            for t in self.tasks
        ]

    def period_problems(self, period: Period) -> list[Problem]:
        """Warnings about the period a command was asked for: one far from the ledger's year is likely a typo."""
        if abs(period.year - self.config.year) > 1:
            return [problem("period-far", period=str(period), year=self.config.year)]
        return []


def tasks_by_unit(tasks: Iterable[Task]) -> dict[str, tuple[list[Task], list[Task]]]:
    """unit -> (tasks it leads, tasks it supports), in source order, built in one pass."""
    index: dict[str, tuple[list[Task], list[Task]]] = {}
    for task in tasks:
        for unit in task.lead_units:
            index.setdefault(unit, ([], []))[0].append(task)
        for unit in task.support_units:
            index.setdefault(unit, ([], []))[1].append(task)
    return index


def find_workspace(path: str | Path | None = None) -> Path:
    """The workspace to use: the given path, else $LEDGER_WORKSPACE, else the nearest folder with ledger.toml."""
    if path is not None:
        return Path(path).resolve()
    if os.environ.get(ENV_WORKSPACE):
        return Path(os.environ[ENV_WORKSPACE]).resolve()
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return here


def load_workspace(path: str | Path | None = None) -> Workspace:
    """Load configuration, units and every source document.

    Problems of the sources are collected on the workspace, never raised; a configuration that cannot be
    loaded raises ConfigError with its catalogued problems, since nothing else can be read without it."""
    root = find_workspace(path)
    config = load_config(root)
    problems: list[Problem] = list(config.notes)
    if config.office.placeholder:
        where = "office.contact" if config.office.contact == PLACEHOLDER_CONTACT else "office.phone"
        fields = {"contact": config.office.contact, "phone": config.office.phone}
        problems.append(problem("office-contact-placeholder", file=CONFIG_NAME, cell=where, **fields))
    registry = UnitRegistry([])
    units_read = False
    try:
        units_sheets = read_sheets(root / config.units_file)
        registry, unit_problems = read_registry(units_sheets[0], config.units_file)
        problems += unit_problems
        units_read = True
    except TableError as exc:
        problems.append(problem(exc.code, file=config.units_file, **exc.fields))
    tasks: list[Task] = []
    indicators: list[Indicator] = []
    for n, doc in enumerate(config.documents, 1):
        problems += _column_override_problems(n, doc.columns)
        try:
            sheets = read_sheets(root / doc.file)
        except TableError as exc:
            problems.append(problem(exc.code, file=doc.file, **exc.fields))
            continue
        if doc.sheet:
            chosen = [s for s in sheets if s.name == doc.sheet]
            if not chosen:
                problems.append(problem("sheet-missing", file=doc.file, sheet=doc.sheet))
                continue
        else:
            chosen = sheets
        if doc.kind == "indicators":
            found_indicators, indicator_problems = _indicator_document(doc, chosen, registry, check_units=units_read)
            indicators += found_indicators
            problems += indicator_problems
            continue
        found_header = False
        for sheet in chosen:
            header = find_header(sheet.rows, doc.columns)
            if header is None:
                continue
            found_header = True
            result = read_document_sheet(sheet, header, doc, doc.file, registry, config.year, check_units=units_read)
            tasks += result.tasks
            problems += result.problems
        if not found_header:
            problems.append(_header_missing(doc.file, chosen, doc.columns))
    problems += _duplicate_ids(tasks)
    first: dict[str, Task] = {}
    for task in tasks:
        first.setdefault(task.id, task)
    return Workspace(root, config, registry, list(first.values()), problems, indicators)


def _indicator_document(
    doc: DocumentConfig, sheets: list[Sheet], registry: UnitRegistry, *, check_units: bool
) -> tuple[list[Indicator], list[Problem]]:
    """The indicators of a `kind = "indicators"` document, over every sheet with an indicator header."""
    found: list[Indicator] = []
    problems: list[Problem] = []
    for sheet in sheets:
        header = find_indicator_header(sheet.rows)
        if header is not None:
            rows, sheet_problems = read_indicator_sheet(sheet, header, doc, doc.file, registry, check_units=check_units)
            found += rows
            problems += sheet_problems
    if not found:
        problems.append(problem("indicator-header-missing", file=doc.file))
    return found, problems


def _column_override_problems(n: int, columns: dict[str, str]) -> list[Problem]:
    """[documents.columns] entries whose target is no column the reader knows: the mapping would do nothing."""
    return [
        problem(
            "config-value",
            file=CONFIG_NAME,
            cell=f"documents[{n}].columns.{label}",
            key=f"documents[{n}].columns.{label}",
            value=f'"{target}"',
            allowed="标准列名之一：" + "、".join(names[0] for names in HEADER_SYNONYMS.values()),
        )
        for label, target in columns.items()
        if field_of(label, columns) is None
    ]


def _header_missing(file: str, sheets: list[Sheet], overrides: dict[str, str]) -> Problem:
    """header-missing, naming the rows looked at and what each column of the likeliest row was taken to be."""
    guesses = [(guess, sheet) for sheet in sheets if (guess := header_guess(sheet.rows, overrides))]
    if not guesses:
        return problem("header-missing", file=file, rows=HEADER_SCAN_ROWS, best="（表格是空的）")
    (_, row, described), sheet = max(guesses, key=lambda g: g[0][0])
    return problem(
        "header-missing",
        file=file,
        sheet=sheet.name,
        cell=f"A{row + 1}",
        rows=min(HEADER_SCAN_ROWS, len(sheet.rows)),
        best=f"第{row + 1}行：{described}。",
    )


def _duplicate_ids(tasks: list[Task]) -> list[Problem]:
    first: dict[str, Task] = {}
    found = []
    for task in tasks:
        if task.id in first:
            src, other = task.source, first[task.id].source
            found.append(
                problem(
                    "task-id-duplicate",
                    file=src.file if src else None,
                    sheet=src.sheet if src else None,
                    cell=src.cell if src else None,
                    task_id=task.id,
                    first=f"{other.file} {other.sheet or ''} {other.cell or ''}".strip() if other else "",
                )
            )
        else:
            first[task.id] = task
    return found


TASKS_TEMPLATE_HEADER = ["任务编号", "序号", "类别", "具体措施", "完成时限", "牵头单位", "配合单位"]
TASKS_TEMPLATE_NOTES = [
    ("任务清单怎么填", ""),
    ("每行一项任务", "具体措施、完成时限（如“2021年6月底前”“长期坚持”）、牵头单位、配合单位（多个用顿号分隔）。"),
    (
        "任务编号（必填）",
        "每项任务一个编号，如 RW-1、RW-2。编号一经下发就不要改动：插入新任务时不要重新编号，新任务接着用新的编号"
        "（如 RW-31），否则以前各期的报送会对到别的任务上。",
    ),
    ("序号、类别", "按文件写，仅用于排列和分类统计；序号可以重排，任务编号不变。"),
    ("示例行", f"第2行（具体措施以“{EXAMPLE_PREFIX}”开头）只是示例，填好任务后请删除。"),
    ("填好以后", "运行 ledger check，按问题清单逐项修正。任务延期、销号、暂缓、取消用 ledger tasks 命令，不要改本表。"),
]


def write_tasks_template(path: Path, code: str) -> Path:
    """An empty task table for a new workspace: the columns with an explicit 任务编号, so a new ledger never
    depends on row order, one example row that is skipped and pointed at until deleted, and a 说明 sheet."""
    example = f"{EXAMPLE_PREFIX}完成某项重点工作，填好任务后删除本行。"
    return write_template(
        path,
        title="任务清单",
        rows=[
            list(TASKS_TEMPLATE_HEADER),
            [f"{code}-1", "1", "一、示例类别", example, "6月底前", "某某局", "某某局、各街道"],
        ],
        widths=(12, 6, 18, 50, 16, 20, 24),
        notes=list(TASKS_TEMPLATE_NOTES),
        label_width=20,
    )


def init_workspace(
    target: str | Path,
    *,
    title: str | None = None,
    office: str | None = None,
    district: str | None = None,
    year: int | None = None,
) -> Path:
    """A new workspace: ledger.toml for this year (title, office and district filled in when given), the
    templates, a units template (source/units.xlsx with an example row and a 说明 sheet), a task table template
    (source/tasks/任务清单.xlsx, with its 任务编号 column) and empty folders."""
    root = Path(target).resolve()
    root.mkdir(parents=True, exist_ok=True)
    if (root / CONFIG_NAME).exists():
        raise FileExistsError(f"{root / CONFIG_NAME} 已存在，未做任何改动")
    year = year or now_in().year
    text = (DEFAULTS / CONFIG_NAME).read_text(encoding="utf-8").replace("2021", str(year))
    settings = {"title": title or f"{year}年重点任务工作台账", "name": office, "district": district}
    for key, value in settings.items():
        if value:
            # json.dumps writes a valid TOML basic string; "# district = …" becomes a setting.
            line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
            pattern = re.compile(rf"^(# )?{key} = \"[^\"]*\"", re.M)
            text = pattern.sub(line.replace("\\", "\\\\"), text, count=1)  # the value's backslashes kept as written
    write_aside(root / CONFIG_NAME, text.encode("utf-8"))
    shutil.copytree(DEFAULTS / "templates", root / "templates", dirs_exist_ok=True)
    (root / "source" / "tasks").mkdir(parents=True, exist_ok=True)
    (root / "source" / "returns").mkdir(parents=True, exist_ok=True)
    units = root / "source" / "units.xlsx"
    if not units.exists():
        write_units_template(units)
    tasks = root / "source" / "tasks" / "任务清单.xlsx"  # the document the default ledger.toml names
    if not tasks.exists():
        write_tasks_template(tasks, "RW")
    write_aside(root / ".gitignore", b"/build/\n/.ledger.lock*\n/.ledger-console.json\n")
    write_launcher(root)
    return root


LAUNCHER = "启动台账.bat"


def write_launcher(root: Path) -> Path:
    """启动台账.bat beside ledger.toml: a double-click on Windows starts the console on this workspace with the
    ledger installed now (this Python), in a window that shows Chinese (code page 65001), and opens the browser.
    CRLF line endings, as cmd.exe reads batch files."""
    lines = [
        "@echo off",
        "chcp 65001 >nul",
        f'"{sys.executable}" -m ledger serve --workspace "%~dp0." --open',
        "pause",
    ]
    return write_aside(root / LAUNCHER, ("\r\n".join(lines) + "\r\n").encode("utf-8"))
