"""A workspace: ledger.toml, the source task lists and the units file, loaded and checked together."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .config import CONFIG_NAME, Config, ConfigError, load_config
from .model import Task, Unit
from .paths import WorkspacePaths
from .problems import ERROR, Problem, problem
from .source import find_header, read_document_sheet
from .tables import TableError, read_sheets
from .units import UnitRegistry, read_registry

ENV_WORKSPACE = "LEDGER_WORKSPACE"
DEFAULTS = Path(__file__).parent / "defaults"


@dataclass
class Workspace:
    root: Path
    config: Config | None
    registry: UnitRegistry
    tasks: list[Task] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def units(self) -> dict[str, Unit]:
        return self.registry.units

    @property
    def valid(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def paths(self) -> WorkspacePaths:
        return WorkspacePaths(self.root)

    def tasks_of(self, unit: str) -> tuple[list[Task], list[Task]]:
        """(tasks the unit leads, tasks it supports), in source order."""
        return tasks_by_unit(self.tasks).get(unit, ([], []))

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
                {"code": d.code, "name": d.name, "file": d.file, "tasks": sum(t.document == d.code for t in self.tasks)}
                for d in (self.config.documents if self.config else [])
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
    """Load configuration, units and every source document; problems are collected, never raised."""
    root = find_workspace(path)
    try:
        config = load_config(root)
    except ConfigError as exc:
        return Workspace(
            root, None, UnitRegistry([]), problems=[problem("config-invalid", file=CONFIG_NAME, reason=str(exc))]
        )
    problems: list[Problem] = []
    registry = UnitRegistry([])
    try:
        units_sheets = read_sheets(root / config.units_file)
        registry, unit_problems = read_registry(units_sheets[0], config.units_file)
        problems += unit_problems
    except TableError as exc:
        problems.append(problem(exc.code, file=config.units_file, **exc.fields))
    tasks: list[Task] = []
    for doc in config.documents:
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
        found_header = False
        for sheet in chosen:
            header = find_header(sheet.rows, doc.columns)
            if header is None:
                continue
            found_header = True
            result = read_document_sheet(sheet, header, doc, doc.file, registry, config.year)
            tasks += result.tasks
            problems += result.problems
        if not found_header:
            problems.append(problem("header-missing", file=doc.file, sheet=doc.sheet))
    problems += _duplicate_ids(tasks)
    seen: set[str] = set()
    unique = [t for t in tasks if not (t.id in seen or seen.add(t.id))]
    return Workspace(root, config, registry, unique, problems)


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


def init_workspace(target: str | Path) -> Path:
    """A new workspace with the default ledger.toml and templates and an empty source/ folder."""
    root = Path(target).resolve()
    root.mkdir(parents=True, exist_ok=True)
    if (root / CONFIG_NAME).exists():
        raise FileExistsError(f"{root / CONFIG_NAME} 已存在，未做任何改动")
    shutil.copyfile(DEFAULTS / CONFIG_NAME, root / CONFIG_NAME)
    shutil.copytree(DEFAULTS / "templates", root / "templates", dirs_exist_ok=True)
    (root / "source" / "tasks").mkdir(parents=True, exist_ok=True)
    (root / "source" / "returns").mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text("/build/\n", encoding="utf-8")
    return root
