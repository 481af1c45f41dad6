"""Tasks from a real table (Word, HTML, a ruled PDF table, a pipe table).

The header is recognised with the same synonyms `ledger check` uses (source.HEADER_SYNONYMS), so what the
import writes and what the ledger reads agree. A unit cell may still carry verbs ("A牵头，B配合"), which the role
rules read; a table with only a 责任单位 column makes those units the leads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..source import field_of
from ..tables import NOTE as NOTE_ROW
from ..units import split_units
from .blocks import Table
from .model import ImportedTask
from .outline import Unplaced, deadline_in
from .roles import Roles, read_roles, verb_roles

_HEADER_ROWS = 6


def header_columns(labels: list[str]) -> dict[str, int]:
    """Field -> column for a header row; empty when the row is no task-table header."""
    columns: dict[str, int] = {}
    for i, label in enumerate(labels):
        key = field_of(label, {}) if label else None
        if key is None and label:
            plain = re.sub(r"\s+", "", label)
            if plain in ("工作内容", "重点工作", "工作任务", "任务措施", "主要任务", "具体任务", "目标任务"):
                key = "measure"
            elif plain in ("配合单位", "协同单位", "参与单位", "配合部门"):
                key = "support"
        if key == "measure" and "measure" in columns and "title" not in columns and labels[columns[key]] != label:
            columns["title"], columns["measure"] = columns["measure"], i  # "工作任务 | 具体措施", as source reads it
        elif key and key not in columns:
            columns[key] = i
    if "measure" not in columns and "title" in columns:
        columns["measure"] = columns.pop("title")
    has_units = any(k in columns for k in ("lead", "responsible", "support"))
    return columns if "measure" in columns and (has_units or len(columns) >= 3) else {}


@dataclass(kw_only=True)
class GridHeader:
    """A table's header, kept for its continuation on the next page (printed without the header again)."""

    labels: list[str]
    columns: dict[str, int]
    printed: list[list[str]]  # its rows as printed (two when 责任单位 spans 牵头单位 | 配合单位), spaces dropped


def grid_tasks(
    table: Table,
    first_is_lead: bool,
    previous: GridHeader | None,
    skipped: list[Unplaced],
    carried: ImportedTask | None = None,
) -> tuple[list[ImportedTask], GridHeader | None]:
    """The tasks of one table, and its header (or the one it continues, whose last task is `carried`); rows
    that are no task are added to skipped."""
    rows = table.rows
    h = -1
    for r in range(min(_HEADER_ROWS, len(rows))):
        columns = header_columns(rows[r])
        if columns:
            h = r
            labels = _plain(rows[r])
            printed = [labels]
            if r + 1 < len(rows) and _sub_header(rows[r], rows[r + 1]):
                # "责任单位" merged over "牵头单位 | 配合单位": the lower row names the columns
                lower = _plain(rows[r + 1])
                printed.append(lower)
                labels = [low if low and low != up else up for up, low in zip(labels, lower, strict=False)]
                columns, h = header_columns(labels) or columns, r + 1
            header = GridHeader(labels=labels, columns=columns, printed=printed)
            break
    else:
        if previous is None or not rows or len(rows[0]) != len(previous.labels):
            return [], previous
        return _rows(table, previous, h, first_is_lead, skipped, carried), previous
    if previous is not None and header.labels == previous.labels and _goes_on(rows[h + 1 :], header, carried):
        # the header printed again at the top of the next page (Word's 重复标题行): the same table goes on
        return _rows(table, previous, h, first_is_lead, skipped, carried), previous
    return _rows(table, header, h, first_is_lead, skipped, None), header


def _goes_on(body: list[list[str]], header: GridHeader, carried: ImportedTask | None) -> bool:
    """Whether a table under a header like the one before continues it: its first row is the rest of a row
    broken over the page (no 序号), or is numbered on from the task the page before ended with."""
    column = header.columns.get("number")
    row = next((row for row in body if any(c.strip() for c in row)), None)
    if carried is None or column is None or row is None or column >= len(row):
        return False
    number = row[column].strip()
    return not number or (number.isdigit() and carried.number.isdigit() and int(number) == int(carried.number) + 1)


def _plain(row: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", c) for c in row]


def _sub_header(upper: list[str], lower: list[str]) -> bool:
    """Whether the row under a header names columns too ("牵头 | 配合" under a merged 责任单位); a cell merged
    down from the header repeats it ("责任领导" in Word), which names nothing new."""
    new = [c for c, above in zip(_plain(lower), _plain(upper), strict=False) if c and c != above]
    return bool(new) and all(field_of(c, {}) is not None for c in new)


def _rows(
    table: Table,
    header: GridHeader,
    h: int,
    first_is_lead: bool,
    skipped: list[Unplaced],
    carried: ImportedTask | None,
) -> list[ImportedTask]:
    """The tasks of a table's rows below its header. A table that goes on from the previous page starts in the
    part of `carried`, the task that page ended with; rows at its top without a 序号 are the rest of that task,
    its row broken over the page."""
    rows = table.rows
    labels, columns = header.labels, header.columns
    named = set(columns.values())
    extra = {i: label for i, label in enumerate(labels) if label and i not in named}
    tasks: list[ImportedTask] = []
    # merged cells read back empty from a PDF: the value above goes on, from the page before too
    category, title = (carried.category, carried.title) if carried is not None else ("", "")
    for r in range(h + 1, len(rows)):
        row = rows[r]

        def at(key: str, row: list[str] = row) -> str:
            i = columns.get(key)
            return row[i].strip() if i is not None and i < len(row) else ""

        values = {c.strip() for c in row if c.strip()}
        if not values or _plain(row) in (labels, *header.printed):  # the header printed again on a new page
            continue
        first = next(i for i, c in enumerate(row) if c.strip())
        broken = carried is not None and not tasks and "number" in columns and not at("number")
        if len(values) == 1 and "category" not in columns and first <= columns["measure"] and not broken:
            text = values.pop()  # a heading spanning the table; one unit alone further right is no heading
            if not NOTE_ROW.match(text):  # nor is a note ("注：带★的为省定任务")
                category = text
            continue
        category = at("category") or category
        if columns.get("title") != columns["measure"]:
            title = at("title") or title
        measure = at("measure")
        if measure and measure == at("category"):
            continue
        last = carried if broken else tasks[-1] if tasks and category == tasks[-1].category else None
        # A row cut by a page break (the top of the next page carries the rest of its cells), or the next row of
        # a task merged over rows: in Word and HTML the merged cells repeat, in a PDF they read back empty.
        merged = last is not None and (at("number"), measure) == (last.number, last.measure)
        if "number" in columns and last and (not at("number") or merged):
            roles = _roles(at("lead"), at("responsible"), at("support"), first_is_lead)
            if measure != last.measure:
                last.measure += measure
            last.lead += [n for n in roles.lead if n not in last.lead]
            last.support += [n for n in roles.support if n not in last.support + last.lead]
            last.vague += [n for n in roles.vague if n not in last.vague]
            last.vague_lead += [n for n in roles.vague_lead if n not in last.vague_lead]
            if at("deadline") not in last.deadline:
                last.deadline += at("deadline")
            continue
        where = table.row_where[r] if r < len(table.row_where) else f"{table.where}第{r + 1}行"
        if not measure:
            text = "，".join(c.strip() for c in row if c.strip())
            skipped.append(Unplaced(where=where, text=text, code="import-row-no-measure"))
            continue
        roles = _roles(at("lead"), at("responsible"), at("support"), first_is_lead)
        tasks.append(
            ImportedTask(
                number=at("number") or str(len(tasks) + 1),
                measure=measure,
                lead=roles.lead,
                support=roles.support,
                vague=roles.vague,
                vague_lead=roles.vague_lead,
                # a table without a 完成时限 column: the deadline its measure writes, as the outline form reads it
                deadline=at("deadline") or roles.deadline or ("" if "deadline" in columns else deadline_in(measure)),
                category=category,
                title=title,
                source=where,
                annotation=" | ".join(c.strip() for c in row),
                extra={label: row[i].strip() for i, label in extra.items() if i < len(row) and row[i].strip()},
            )
        )
    _number_merged_rows(tasks)
    return tasks


def _number_merged_rows(tasks: list[ImportedTask]) -> None:
    """Rows under one merged 序号 that each write a measure of their own are tasks numbered under it ("1-1",
    "1-2"), as `ledger check` numbers them in a source table: the same number twice is one ID for two tasks."""
    start = 0
    for end in range(1, len(tasks) + 1):
        if end < len(tasks) and (tasks[end].number, tasks[end].category) == (
            tasks[start].number,
            tasks[start].category,
        ):
            continue
        if end - start > 1:
            for k, task in enumerate(tasks[start:end], start=1):
                task.number = f"{task.number}-{k}"
        start = end


def _roles(lead: str, responsible: str, support: str, first_is_lead: bool) -> Roles:
    if not lead and not support and responsible:
        if re.search("牵头|配合", responsible):
            return read_roles(responsible, first_is_lead)
        return verb_roles(responsible, first_is_lead)  # the document's rule reads an only unit column too
    roles = verb_roles(lead, first_is_lead=False, default="lead") if lead else Roles()
    for text in (responsible, support):
        if text:
            found = verb_roles(text, first_is_lead=False, default="support")
            roles.merge(Roles(support=found.lead + found.support, vague=found.vague))
    if not lead and responsible:  # only 责任 written on this row: they are the ones responsible
        units = split_units(responsible)
        roles = Roles(lead=units.names, vague=units.vague, vague_lead=units.vague)
        if support:
            roles.merge(Roles(support=split_units(support).names))
    return roles
