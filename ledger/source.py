"""Source task lists as offices keep them: title rows, synonym headers, multi-row headers, merged cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .cells import task_id_of, tidy
from .config import DocumentConfig
from .deadlines import chinese_date, month_before, parse_deadline, start_only, unread
from .model import Deadline, SourceRef, Task
from .problems import Problem, cell_name, column_letter, problem
from .tables import NOTE, Sheet
from .units import EXAMPLE_PREFIX, UnitRegistry, resolution_problems, unit_pieces

# Field -> header names that mean it. The first name is the canonical header used in workbooks.
HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("任务编号", "任务ID"),
    "number": ("序号", "编号"),
    "category": ("类别", "领域", "任务类别"),
    "title": ("重点任务", "任务", "项目名称", "任务名称"),
    "measure": (
        "具体措施",
        "主要内容",
        "主要建设内容",
        "工作措施",
        "工作任务",
        "任务内容",
        "工作内容",
        "主要任务",
        "工作举措",
        "具体举措",
        "主要举措",
    ),
    "deadline": (
        "完成时限",
        "完成时间",
        "时间节点",
        "建设期限",
        "时限",
        "完成期限",
        "办结时限",
        "办结时间",
        "时间要求",
        "时限要求",
        "办理时限",
        "截止时间",
        "完成时间节点",
        "推进时限",
        "时间安排",
        "进度安排",
        "计划完成时间",
    ),
    # 牵头 | 配合 and 主办 | 协办 are the short sub-labels printed under a merged 责任单位.
    "lead": ("牵头单位", "牵头部门", "主责单位", "主办单位", "牵头责任单位", "牵头", "主办"),
    # 责任 alone names who is responsible (the lead); beside a 牵头 column it names who supports.
    "responsible": ("责任单位", "责任部门"),
    "support": ("配合单位", "配合部门", "协办单位", "参与单位", "协同单位", "配合", "协办"),
}
FIELD_BY_HEADER = {name.lower(): key for key, names in HEADER_SYNONYMS.items() for name in names}
HEADER_SCAN_ROWS = 30
PARENTHETICAL = re.compile(r"[（(][^（）()]*[）)]$")
# "区财政局牵头，区税务局配合" in one cell: the units of a clause ending in 配合 (协助, 参与 …) support.
_SUPPORT_CLAUSE = re.compile(r"([^，,；;。]+?)(?:配合|协助|协办|参与|协同)(?:落实|实施|推进)?(?=[，,；;。]|$)")
# "区发展改革局、区财政局（牵头）、区税务局": the one marked leads, the others support.
_LEAD_MARK = re.compile(r"[（(]牵头[）)]")
# A note giving every task units: "注：以上任务均需各街道办事处、功能区管委会落实" (ledger.toml's extra_support).
NOTE_UNITS = re.compile(r"(?:以上|上述|以下|下列|各项|所有)(?:各项)?任务.*(?:落实|配合|参与|负责|推进|完成)")


def _lead_and_support(text: str) -> tuple[str, list[str]]:
    """A unit cell that says within itself who only supports: the leading part, and the supporting parts."""
    if _LEAD_MARK.search(text):
        pieces = unit_pieces(text)
        return "、".join(p for p in pieces if _LEAD_MARK.search(p)), [p for p in pieces if not _LEAD_MARK.search(p)]
    supporting = [m[1] for m in _SUPPORT_CLAUSE.finditer(text)]
    return (_SUPPORT_CLAUSE.sub("", text) if supporting else text), supporting


def _clean(label: str) -> str:
    return re.sub(r"\s+", "", label)


def field_of(label: str, overrides: dict[str, str]) -> str | None:
    """The field a header label means, honouring the document's column overrides."""
    label = _clean(label)
    if label in overrides:
        target = overrides[label]
        return target if target in HEADER_SYNONYMS else FIELD_BY_HEADER.get(_clean(target).lower())
    bare = PARENTHETICAL.sub("", label)
    return FIELD_BY_HEADER.get(label.lower()) or FIELD_BY_HEADER.get(bare.lower())


@dataclass
class Header:
    last_row: int  # 0-based index of the last header row
    labels: list[str]
    columns: dict[str, int]  # field -> 0-based column


def _combine(upper: str, lower: str) -> str:
    if not lower or lower == upper:
        return upper
    if not upper:
        return lower
    if lower.startswith(("（", "(")):
        return upper + lower
    return lower


def _columns(labels: list[str], overrides: dict[str, str]) -> dict[str, int]:
    """Field -> column. A table whose only task text is a title-like column (重点任务) takes it as the measure; of
    two task-text columns ("工作任务 | 具体措施") the broader one left is the title, the one right the measure."""
    columns: dict[str, int] = {}
    for i, label in enumerate(labels):
        key = field_of(label, overrides) if label else None
        if key == "measure" and "measure" in columns and "title" not in columns and labels[columns[key]] != label:
            columns["title"], columns["measure"] = columns["measure"], i
        elif key and key not in columns:
            columns[key] = i
    if "measure" not in columns and "title" in columns:
        columns["measure"] = columns.pop("title")
    return columns


def header_guess(rows: list[list[str]], overrides: dict[str, str]) -> tuple[int, int, str] | None:
    """For a table without a header: (known columns, 0-based row, description) of the row most like one.

    The description says what each column was taken to be ("A“序号”=序号，B“事项”=未识别"), so the user
    sees why the row was not taken and which label to rename or map in [documents.columns].
    """
    best: tuple[int, int, str] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        labels = [_clean(v) for v in row]
        if not any(labels):
            continue
        columns = _columns(labels, overrides)
        if best is not None and len(columns) <= best[0]:
            continue
        named = {c: key for key, c in columns.items()}
        parts = [
            f"{column_letter(c + 1)}“{label}”=" + (HEADER_SYNONYMS[named[c]][0] if c in named else "未识别")
            for c, label in enumerate(labels)
            if label
        ]
        best = (len(columns), i, "，".join(parts))
    return best


def find_header(rows: list[list[str]], overrides: dict[str, str]) -> Header | None:
    """The header is the first row naming the measure column and at least one other known column.

    Rows right under it that only repeat it (merged cells) or add sub-labels ("（亿元）", "牵头单位" under a
    merged "责任单位") belong to it.
    """
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        labels = [_clean(v) for v in row]
        columns = _columns(labels, overrides)
        if "measure" not in columns or len(columns) < 2:
            continue
        last = i
        while last + 1 < len(rows):
            below = [_clean(v) for v in rows[last + 1]]
            if not any(below) or not all(_continues(_at(labels, c), v, overrides) for c, v in enumerate(below)):
                break
            width = max(len(labels), len(below))
            labels = [_combine(_at(labels, c), _at(below, c)) for c in range(width)]
            columns = _columns(labels, overrides)
            last += 1
        return Header(last, labels, columns)
    return None


def _continues(upper: str, lower: str, overrides: dict[str, str]) -> bool:
    """Whether a cell under a header label still belongs to the header."""
    return not lower or lower == upper or lower.startswith(("（", "(")) or field_of(lower, overrides) is not None


def _at(row: list[str], column: int | None) -> str:
    if column is None or column >= len(row):
        return ""
    return row[column].strip()


def _deadline_doubt(deadline: Deadline) -> str | None:
    """The problem to say of a deadline read with a doubt the words leave: "6月前", "年底前启动"."""
    if month_before(deadline):
        return "deadline-month-before"
    if start_only(deadline):
        return "deadline-start-only"
    return None


def _task_rows(sheet: Sheet, header: Header) -> list[tuple[int, list[str]]]:
    """The body's rows (0-based index, cells), with a task spread over rows merged under one 序号 made whole.

    Offices merge 序号 over the rows of one task. Rows whose own cells only add to it (one more 配合单位 on the
    next row, merged or not) are joined into its first row: units after a "、", other text on a line of its own.
    Rows that write a 具体措施 of their own are tasks of their own, numbered under the merged one ("1-1", "1-2"),
    so none reads as a duplicate.
    """
    first_body = header.last_row + 1
    above: dict[tuple[int, int], int] = {}  # a cell filled from a merge that starts on an earlier body row
    for r1, c1, r2, c2 in sheet.merged:
        if r1 - 1 < first_body:
            continue
        for r in range(r1, r2):
            for c in range(c1 - 1, c2):
                above[(r, c)] = r1 - 1
    id_col = header.columns.get("id", header.columns.get("number"))
    measure_col = header.columns["measure"]
    unit_cols = {header.columns.get(key) for key in ("lead", "responsible", "support")}
    adding = unit_cols | {header.columns.get("deadline")}  # a row writing only these adds to the task above
    groups: dict[int, list[int]] = {}
    rows: dict[int, list[str]] = {}
    last: int | None = None
    for r in range(first_body, len(sheet.rows)):
        head = above.get((r, id_col)) if id_col is not None else None
        written = {c for c, text in enumerate(sheet.rows[r]) if text}
        if head is None and written and written <= adding and last is not None:
            head = last  # no merge, but only one more unit (or deadline) on the next row: the same task
        if head is not None and head in groups:
            groups[head].append(r)
        else:
            groups[r] = [r]
            rows[r] = list(sheet.rows[r])
            if len({sheet.rows[r][c] for c in written}) > 1:  # a task row, not a heading or a note
                last = r
    for head, members in groups.items():
        own_measures = [
            r for r in members if r == head or ((r, measure_col) not in above and _at(sheet.rows[r], measure_col))
        ]
        if len(own_measures) > 1:
            for k, r in enumerate(own_measures, start=1):
                rows[r] = list(sheet.rows[r])
                for column in {header.columns.get("id"), header.columns.get("number")}:
                    if column is not None and _at(rows[r], column):
                        rows[r][column] = f"{rows[r][column]}-{k}"
        owner = head
        for r in members[1:]:
            if r in own_measures:
                owner = r
                continue
            target = rows[owner]
            for c, text in enumerate(sheet.rows[r]):
                if text and (r, c) not in above and text != _at(target, c):
                    target.extend([""] * (c + 1 - len(target)))
                    joint = "、" if c in unit_cols else "\n"
                    target[c] = f"{target[c]}{joint}{text}" if target[c] else text
    return sorted(rows.items())


@dataclass
class SheetTasks:
    tasks: list[Task]
    problems: list[Problem]


def read_document_sheet(
    sheet: Sheet,
    header: Header,
    doc: DocumentConfig,
    file: str,
    registry: UnitRegistry,
    ledger_year: int,
    *,
    check_units: bool = True,
) -> SheetTasks:
    """Tasks of one sheet whose header has been found; every doubtful cell becomes a problem.

    Without a readable units file (check_units false) unit names are not reported one by one: the missing
    file is the one error."""
    cols = header.columns
    lead_col: int | None = cols.get("lead")
    support_cols = [c for c in (cols.get("support"),) if c is not None]
    responsible_col = cols.get("responsible")
    if responsible_col is not None:
        if lead_col is None:
            lead_col = responsible_col
        else:
            support_cols.append(responsible_col)
    named = {c for c in cols.values()}
    extra_cols = [c for c, label in enumerate(header.labels) if label and c not in named]
    year = doc.year or ledger_year
    tasks: list[Task] = []
    problems: list[Problem] = []
    category = ""

    def at(r: int, c: int | None, **fields: object) -> dict:
        return {"file": file, "sheet": sheet.name, "cell": cell_name(r + 1, (c or 0) + 1), **fields}

    for r, row in _task_rows(sheet, header):
        values = {v for v in row if v}
        if not values:
            continue
        if _at(row, cols["measure"]) == header.labels[cols["measure"]]:
            continue  # the header repeated, as printed tables do on every page
        if len(values) == 1:
            text = values.pop()
            if NOTE.match(text):
                if NOTE_UNITS.search(text) and not doc.extra_support:
                    problems.append(problem("tasks-note-units", **at(r, 0, text=text)))
                continue
            if "category" not in cols:  # a heading row such as "一、推进简政放权" spanning the table
                category = text
                continue
        number = _at(row, cols.get("number"))
        task_id = task_id_of(_at(row, cols.get("id")) or (f"{doc.code}-{number}" if number else ""))
        if not task_id:
            problems.append(problem("task-id-missing", **at(r, cols.get("number", cols.get("id")))))
            continue
        measure = _at(row, cols["measure"])
        if measure.startswith(EXAMPLE_PREFIX):  # the row `ledger init` writes to show the layout
            problems.append(problem("tasks-example-row", **at(r, cols["measure"], task_id=task_id)))
            continue
        if not measure:
            problems.append(problem("measure-empty", **at(r, cols["measure"], task_id=task_id)))
            continue
        deadline_text = _at(row, cols.get("deadline")) or doc.default_deadline
        deadline = parse_deadline(deadline_text, year)
        if deadline.kind == "unknown":
            code, fields = unread(deadline, year)
            problems.append(problem(code, **at(r, cols.get("deadline"), raw=deadline.raw, **fields)))
        elif deadline.kind == "none":
            problems.append(problem("deadline-missing", **at(r, cols.get("deadline"), task_id=task_id)))
        elif deadline.due is not None and (doubt := _deadline_doubt(deadline)):
            due = chinese_date(deadline.due)
            problems.append(problem(doubt, **at(r, cols.get("deadline"), raw=deadline.raw, due=due)))
        elif deadline.due is not None and deadline.due.year < year:  # a slip of the year: red from the start
            due = chinese_date(deadline.due)
            found = problem("deadline-before-year", **at(r, cols.get("deadline"), raw=deadline.raw, due=due, year=year))
            problems.append(found)
        lead_text = _at(row, lead_col)
        support_text = "，".join(t for t in (_at(row, c) for c in support_cols) if t)
        if not lead_text and responsible_col is not None and responsible_col in support_cols:
            # Only 责任单位 written: they are the ones responsible, so they lead and report.
            lead_text, support_text = _at(row, responsible_col), _at(row, cols.get("support"))
            lead_cell: int | None = responsible_col
        else:
            lead_cell = lead_col
        leading, supporting = _lead_and_support(lead_text)
        lead = registry.resolve(leading, doc.district)
        support = registry.resolve("，".join([support_text, *supporting]).strip("，"), doc.district)
        for extra in doc.extra_support:
            support.add_units(registry.resolve(extra, doc.district).units)
        for resolution, column in ((lead, lead_cell), (support, support_cols[0] if support_cols else None)):
            if check_units:
                problems += resolution_problems(resolution, registry, doc.district, at(r, column))
        if check_units and not lead.units and not lead.unknown:
            problems.append(problem("lead-missing", **at(r, lead_cell, task_id=task_id)))
        tasks.append(
            Task(
                id=task_id,
                document=doc.code,
                number=number,
                measure=tidy(measure),  # "在 2020 年" as a PDF's text layer spaced it: 在2020年 in every output
                deadline=deadline,
                category=tidy(_at(row, cols.get("category")) or category),
                title=tidy(_at(row, cols.get("title"))),
                lead_units=lead.units,
                support_units=[u for u in support.units if u not in lead.units],
                vague_units=lead.vague + support.vague,
                lead_text=lead_text,
                support_text=support_text,
                extra={header.labels[c]: _at(row, c) for c in extra_cols if _at(row, c)},
                source=SourceRef(file, sheet.name, r + 1, at(r, cols.get("id", cols.get("number")))["cell"]),
            )
        )
    return SheetTasks(tasks, problems)
