"""`ledger import`: the task list read straight from the policy document.

An office receives its plan as Word or PDF and used to re-type it into a table by hand. This package reads the
document (reading), picks one document out of a bulletin (sections), finds the tasks in the forms plans use —
numbered outlines with annotations (outline, roles), real tables (grid) and tables flattened into text by a PDF
extraction (flat) — splits unit lists (unitlist) and writes a reviewable table plus the ledger.toml entry (writer).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..cells import tidy
from ..config import ConfigError, load_config
from ..problems import Problem, ProblemError, problem
from ..source import NOTE_UNITS
from ..tables import NOTE as NOTE_ROW
from ..tables import TableError, read_sheets
from ..units import UnitRegistry, group_name, read_registry
from .aliases import declared_aliases, named_as_declared
from .blocks import Block, Line, Table
from .chinese import simplify_blocks
from .flat import flat_tasks
from .grid import GridHeader, grid_tasks
from .indicators import ImportedIndicator, flat_indicators, grid_indicators, is_indicator_header
from .model import ImportedTask
from .outline import Unplaced, outline_tasks
from .reading import read_document
from .roles import FIRST_IS_LEAD, NOTE
from .sections import find_section
from .unitlist import looks_like_unit
from .writer import append_toml, append_units, toml_entry, write_indicator_table, write_task_table

__all__ = ["ImportResult", "ImportedIndicator", "ImportedTask", "import_document"]

_ATTACHMENT_MARK = re.compile(r"^\s*附件\s*[\d一二三四五六七八九十]*\s*[:：]?\s*$")
_DISTRICT = re.compile(
    r"([\u4e00-\u9fff]{2,4}?[区县市旗])(?=人民政府|委员会|党委|政府办公室|国家级|“十四五”|\s*\d{4}\s*年)"
)


@dataclass(kw_only=True)
class ImportResult:
    """What an import found and did: tasks, problems, and the files written (none on a dry run)."""

    name: str
    code: str
    tasks: list[ImportedTask] = field(default_factory=list)
    indicators: list[ImportedIndicator] = field(default_factory=list)  # an indicator table: no tasks then
    problems: list[Problem] = field(default_factory=list)
    table_file: str | None = None
    district: str | None = None
    year: int | None = None
    unknown_units: dict[str, list[str]] = field(default_factory=dict)  # name -> closest known names
    added_units: list[str] = field(default_factory=list)
    written: bool = False

    def to_json(self) -> dict:
        return {
            "tasks": [t.to_json() for t in self.tasks],
            "indicators": [i.to_json() for i in self.indicators],
            "problems": [p.to_dict() for p in self.problems],
        }


def import_document(
    path: str | Path,
    *,
    workspace: str | Path | None = None,
    code: str | None = None,
    name: str | None = None,
    section: str | None = None,
    dry_run: bool = False,
    add_units: bool = False,
) -> ImportResult:
    """Read the tasks of a policy document; with a workspace (and not a dry run) write the table and the entry."""
    path = Path(path)
    result = ImportResult(name=name or "", code=code or "")
    where = path.name
    try:
        blocks = read_document(path)
    except ProblemError as exc:
        result.problems.append(problem(exc.code, file=where, **_fields(exc)))
        return result
    blocks, restore = simplify_blocks(blocks)
    blocks, aliases = declared_aliases(blocks)
    whole = blocks
    heading = ""
    if section:
        found = find_section(blocks, section)
        if found is None:
            result.problems.append(problem("import-section-missing", file=where, text=section))
            return result
        blocks, heading = found.blocks, found.heading
    result.name = name or _title(heading, blocks) or path.stem
    result.code = code or _code(result.name)
    registry = _registry(Path(workspace)) if workspace is not None else None
    result.indicators = find_indicators(blocks)
    if result.indicators:
        for indicator in result.indicators:
            indicator.name, indicator.category = restore(indicator.name), restore(indicator.category)
            indicator.requirement, indicator.baseline = restore(indicator.requirement), restore(indicator.baseline)
            indicator.targets = {year: restore(text) for year, text in indicator.targets.items()}
            indicator.extra = {restore(label): restore(text) for label, text in indicator.extra.items()}
            if not indicator.lead:
                result.problems.append(
                    problem("indicator-unassigned", file=where, cell=indicator.source, indicator=indicator.name)
                )
        if workspace is not None:
            _check_and_write(result, Path(workspace), where, dry_run=dry_run, add_units=add_units)
        return result
    result.tasks, unplaced = find_tasks(blocks, registry)
    for task in result.tasks:  # "区发改委" where the document declared "区发展和改革委员会（以下简称区发改委）"
        task.lead = named_as_declared(task.lead, aliases)
        task.support = [n for n in named_as_declared(task.support, aliases) if n not in task.lead]
    result.problems += [problem(u.code, file=where, cell=u.where, text=restore(u.text)) for u in unplaced]
    result.problems += [  # "注：以上任务均需各街道落实": units for every task, which ledger.toml's extra_support says
        problem("tasks-note-units", file=where, cell=b.where, text=restore(b.text.strip()))
        for b in blocks
        if isinstance(b, Line) and NOTE_ROW.match(b.text.strip()) and NOTE_UNITS.search(b.text) and "以下" not in b.text
    ]
    for task in result.tasks:  # the words the ledger reads back (without the Western spaces of a PDF's text)
        task.measure, task.title = tidy(restore(task.measure)), tidy(restore(task.title))
        task.category, task.deadline = tidy(restore(task.category)), tidy(task.deadline)
        task.annotation = restore(task.annotation)  # 原文: as the document writes it
        task.notes = [restore(n) for n in task.notes]
    if not result.tasks:
        result.problems.append(problem("import-no-tasks", file=where))
    result.district = _district(blocks, result.tasks) or _district(whole, result.tasks)
    year = re.search(r"(\d{4})\s*年", result.name)
    result.year = int(year.group(1)) if year else None
    for task in result.tasks:
        if not task.lead and task.vague_lead:  # "牵头单位：区政府有关部门": written, but no unit
            vague = problem("import-lead-vague", file=where, cell=task.source, number=task.number, name=task.lead_text)
            result.problems.append(vague)
        elif not task.lead:
            result.problems.append(problem("import-lead-missing", file=where, cell=task.source, number=task.number))
    if workspace is not None:
        _check_and_write(result, Path(workspace), where, dry_run=dry_run, add_units=add_units)
    return result


def find_indicators(blocks: list[Block]) -> list[ImportedIndicator]:
    """The rows of an indicator table (指标名称 with 指标要求/目标值/规划值), real or flattened into lines; none
    when the document holds no such table, and its tasks are read instead."""
    found: list[ImportedIndicator] = []
    for table in (b for b in blocks if isinstance(b, Table)):
        if any(is_indicator_header("".join(row)) for row in table.rows[:5]):
            found += grid_indicators(table)
    if found:
        return found
    lines = [b for b in blocks if isinstance(b, Line)]
    header = next((i for i, line in enumerate(lines) if "指标名称" in line.text), None)
    if header is None or not is_indicator_header("".join(line.text for line in lines[header : header + 30])):
        return []
    return flat_indicators(lines)


def find_tasks(blocks: list[Block], registry: UnitRegistry | None = None) -> tuple[list[ImportedTask], list[Unplaced]]:
    """Tasks of the numbered outline, then those of its tables (real, or flattened into lines), and the outline's
    items that sit among tasks but name nobody."""
    lines = [b for b in blocks if isinstance(b, Line)]
    first_is_lead = any(FIRST_IS_LEAD.search(line.text.replace(" ", "")) for line in lines)
    tables: list[ImportedTask] = []
    header: GridHeader | None = None
    skipped: list[Unplaced] = []
    parts: list[tuple[int, str]] = []  # per task: its table (a continuation shares its header), its 类别
    headers = 0
    for table in (b for b in blocks if isinstance(b, Table)):
        previous = header
        found_rows, header = grid_tasks(table, first_is_lead, header, skipped, tables[-1] if tables else None)
        headers += header is not previous
        tables += found_rows
        parts += [(headers, task.category) for task in found_rows]
    flat, lines = flat_tasks(lines, first_is_lead)
    tables += flat
    parts += [(0, task.category) for task in flat]
    _number_parts(tables, parts)
    tasks: list[ImportedTask] = []
    found_tasks, unplaced = outline_tasks(lines, first_is_lead)
    for n, found in enumerate(found_tasks, start=1):
        tasks.append(
            ImportedTask(
                number=str(n),
                measure=found.measure,
                lead=found.roles.lead,
                support=found.roles.support,
                vague=found.roles.vague,
                vague_lead=found.roles.vague_lead,
                deadline=found.roles.deadline,
                category=found.category,
                title=found.title,
                source=found.where,
                annotation=found.annotation,
                notes=found.roles.notes,
            )
        )
    if tasks:  # an outline with an attached table: the table's 序号 would repeat the outline's numbers
        for task in tables:
            task.number = f"附{task.number}"
    for task in tasks + tables:
        _units_apart_from_notes(task, registry)
    return tasks + tables, unplaced + skipped


def _number_parts(tasks: list[ImportedTask], parts: list[tuple[int, str]]) -> None:
    """Tables that number each part (a 类别, or a table of its own) from 1 again: each number goes under its
    part's place ("2.1" is the first task of the second part), so no two tasks share an ID. Numbers that are
    already unique are kept as the document writes them."""
    if len({t.number for t in tasks}) == len(tasks):
        return
    order = list(dict.fromkeys(parts))
    for task, part in zip(tasks, parts, strict=True):
        task.number = f"{order.index(part) + 1}.{task.number}"


def _units_apart_from_notes(task: ImportedTask, registry: UnitRegistry | None) -> None:
    """A unit is a name the registry knows or one shaped like a body (…局/委/办/中心/政府/街道…); any other
    piece of an annotation is a note, kept with the task rather than made a unit."""

    def is_unit(name: str) -> bool:
        if registry is not None and not registry.resolve(name).unknown:
            return True
        return looks_like_unit(name) and not NOTE.search(name)

    for names in (task.lead, task.support):
        task.notes += [n for n in names if not is_unit(n) and n not in task.notes]
        names[:] = [n for n in names if is_unit(n)]


def _registry(root: Path) -> UnitRegistry | None:
    """The workspace's units, when it has them: names it knows are units whatever their shape."""
    try:
        config = load_config(root)
        return read_registry(read_sheets(root / config.units_file)[0], config.units_file)[0]
    except (ConfigError, TableError, OSError):
        return None


def _title(heading: str, blocks: list[Block]) -> str:
    """The document's name: its heading, without the "关于印发《…》的通知" wrapper."""
    text = heading or "".join(b.text.strip() for b in blocks[:6] if isinstance(b, Line))
    if m := re.search(r"《(.+?)》", text):
        return re.sub(r"\s+", "", m.group(1))
    if heading:
        return heading[:60]
    if title := _leading_title(blocks):
        printed = re.fullmatch(r".*?关于印发(.+?)的通知", title)  # the document it sends, not the notice
        return (printed[1] if printed else title[title.find("关于") :] if "关于" in title else title)[:80]
    for b in blocks:
        if isinstance(b, Line) and b.text.strip() and not _ATTACHMENT_MARK.match(b.text):  # "附件1" names nothing
            return re.sub(r"\s+", "", b.text.strip())[:60]
    return ""


# How an official title ends ("…的通知", "…的实施意见"), and a 文号 ("钢城政发〔2021〕1号"), which comes below it.
_TITLE_END = re.compile(r"的(?:通知|(?:实施|指导)?意见|决定|批复|函|报告|方案)$")
_ISSUE_NUMBER = re.compile(r"[〔［\[]\d{4}[〕］\]]\d+号")
TITLE_LINES = 4  # a title longer than this is no title: body lines that happen to end so


def _leading_title(blocks: list[Block]) -> str:
    """A title at the top of a document, its lines joined up to the one that ends it: a PDF's text breaks a long
    title over two or three lines. "" when no title ending comes before the 文号 or the addressees' line."""
    lines = [re.sub(r"\s+", "", b.text) for b in blocks[:12] if isinstance(b, Line) and b.text.strip()]
    text = ""
    for line in lines[:TITLE_LINES]:
        if _ISSUE_NUMBER.search(line) or line.endswith(("：", ":")):
            break
        text += line
        if _TITLE_END.search(text):
            return text
    return ""


def _code(name: str) -> str:
    """A code for a document named without --code: stable for the same name ("D" and four digits)."""
    import zlib

    return f"D{zlib.crc32(name.encode('utf-8')) % 10000:04d}"


def _district(blocks: list[Block], tasks: list[ImportedTask]) -> str | None:
    """The district "区X" means, when units are written that way: the most named 钢城区 / 莱芜区 of the text."""
    if not any(n.startswith("区") for t in tasks for n in t.lead + t.support):
        return None
    text = "".join(b.text for b in blocks if isinstance(b, Line))
    counts = Counter(m.group(1) for m in _DISTRICT.finditer(text))
    counts.update(m.group(1) for t in tasks for m in _DISTRICT.finditer(t.measure))
    district = next((d for d, _ in counts.most_common() if d.endswith("区")), None)
    if district and len(district) > 3:
        district = district[-3:]  # "济南市钢城区" -> "钢城区"
    return district


def _check_and_write(result: ImportResult, root: Path, where: str, *, dry_run: bool, add_units: bool) -> None:
    if not (root / "ledger.toml").is_file():
        result.problems.append(problem("import-no-workspace", file=str(root)))
        return
    try:
        config = load_config(root)
    except ConfigError as exc:
        result.problems.extend(exc.problems)  # each slip of ledger.toml, as `ledger check` names it
        return
    registry = UnitRegistry([])
    units_path = root / config.units_file
    try:
        registry, _ = read_registry(read_sheets(units_path)[0], config.units_file)
    except TableError as exc:  # checked names need the registry; say so rather than call every name unknown
        result.problems.append(problem(exc.code, file=config.units_file, **_fields(exc)))
    groups: dict[str, str] = {}  # a group's label ("各街道（功能区）") -> the 所属分组 it names, not in the registry
    for task in result.tasks:
        for name in task.lead + task.support:
            if name in result.unknown_units or name in groups:
                continue
            resolution = registry.resolve(name, result.district)
            if resolution.unknown and (group := group_name(name)):
                groups[name] = group  # never a unit of its own: --add-units leaves it to the 所属分组 column
            elif resolution.unknown:
                result.unknown_units[name] = registry.suggest(name, result.district)
    for name, group in groups.items():
        result.problems.append(problem("import-group-unknown", file=where, name=name, group=group))
    for name, close in result.unknown_units.items():
        suggestion = f"，是否是：{'、'.join(close)}？" if close else ""
        result.problems.append(problem("import-unit-unknown", file=where, name=name, suggestion=suggestion))
    table = f"source/{'indicators' if result.indicators else 'tasks'}/{_safe_name(result.name)}.xlsx"
    result.table_file = table
    if any(d.code == result.code for d in config.documents):
        result.problems.append(problem("import-code-taken", file="ledger.toml", doc_code=result.code))
        return
    if dry_run or not (result.tasks or result.indicators):
        return
    if (root / table).exists():
        result.problems.append(problem("import-table-exists", file=table))
        return
    if result.indicators:
        (root / table).parent.mkdir(parents=True, exist_ok=True)
        write_indicator_table(root / table, result.name, result.code, result.indicators)
    else:
        write_task_table(root / table, result.name, result.code, result.tasks)
    undated = sum(not t.deadline for t in result.tasks)
    entry = toml_entry(
        code=result.code,
        name=result.name,
        file=table,
        district=result.district,
        year=result.year,
        undated=undated,
        kind="indicators" if result.indicators else "tasks",
    )
    append_toml(root / "ledger.toml", entry)
    result.written = True
    if add_units and result.unknown_units and units_path.exists():
        append_units(units_path, list(result.unknown_units))
        result.added_units = list(result.unknown_units)


def _fields(exc: ProblemError) -> dict[str, Any]:
    return dict(exc.fields)


def _safe_name(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s“”]+', "", name)[:80] or "导入任务"
