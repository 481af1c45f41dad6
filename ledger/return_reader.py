"""Read one returned workbook into entries, problems and unmerged values.

A return is identified by its hidden metadata, never by its file name, and read by task ID, never by row
position. Every value a unit typed ends up either in an entry or, when it cannot be merged, in `unmerged` with
its file, sheet and cell; every doubt is a catalogued problem.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from .cells import quoted, task_id_of, text_of, tidy, too_long
from .collect import Receipt
from .config import BEHIND_STATUS, DONE_STATUS, OFFICE_STATUSES, FillColumn
from .deadlines import chinese_date, overdue_when_said, parse_deadline
from .entries import ADDED_ROW, Entry, IndicatorValue, Role, Unmerged, UnmergedCells, bounded_problems
from .indicators import indicators_by_unit
from .layout import (
    AS_OF_HEADER,
    DATA_SOURCE_HEADER,
    FOOTER_LABELS,
    FORMER_FOOTER_LABELS,
    GROUP_ROLE,
    HEADER_SCAN_ROWS,
    INDICATOR_COLUMNS,
    INDICATOR_ROLE,
    INSTRUCTIONS_ROLE,
    INSTRUCTIONS_SHEET,
    LEAD_SHEET,
    NOTE_HEADER,
    SUPPORT_DETAIL_SHEET,
    SUPPORT_SHEET,
    TASK_COLUMNS,
    VALUE_HEADER,
    WORKBOOK_COLUMNS,
    SupportGroups,
    canonical_header,
    cell_digest,
    ledger_id,
    prefilled_digests,
    round_header,
    row_fingerprint,
    workbook_cells,
)
from .model import Indicator, Period, Task
from .problems import Problem, cell_name, problem
from .progress import value_problems
from .read import MetaRow, ReturnedBook, ReturnedSheet
from .senders import office_addresses, registered_senders
from .statuses import NOT_STARTED, normalise_status
from .unit_changes import read_unit_changes
from .unit_changes import successors as unit_successors
from .values import PERCENT_UNITS, number_text
from .workspace import Workspace, tasks_by_unit

ENTRY_FIELDS = {
    "完成状态": "status",
    "本月进展": "progress",
    "存在问题": "issues",
    "下步计划": "next_steps",
    "完成时间": "completed_on",
}
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")  # 1E+308 as a spreadsheet shows it, not 1
MULTIPLIERS = {"亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
EXCEL_EPOCH = datetime(1899, 12, 30)
OUTSIDE_TABLE = "不在任务表的列或行内，未汇总"
INSTRUCTIONS_TYPED = "填在“填报说明”表中，未汇总"
NUMBER_UNREADABLE = "不是可用的数值，未汇总"
COMMENT = "单元格批注"
HIDDEN_BY_MERGE = "被合并单元格遮住，未汇总"
TEXT_BOX = "文本框"
UNPLACED = {  # why the values of a task row are not merged, by the problem on its ID
    "task-duplicate-row": "任务重复出现，已采用第一行，本行未汇总",
    "task-unknown": "任务编号无法对应，内容未汇总",
}
# Fill-in texts that must be this round's words: the same text as prefilled is flagged (progress-unchanged).
TYPED_FIELDS = ("value", "old", "new")  # a problem's fields that quote what a unit typed
OWN_WORDS = {"progress": "本月进展", "issues": "存在问题"}


def probable_number(text: str, header: str) -> float | None:
    """The number a unit most likely meant by "2000万" or "约1.5亿" in a column counted in 亿元 or 万元."""
    plain = text.replace(",", "").replace("，", "")
    match = NUMBER.search(plain)
    if not match:
        return None
    value = float(match.group(0))
    rest = plain[match.end() :]
    for word, factor in (*MULTIPLIERS.items(), ("元", 1)):  # 元 typed in a column counted in 万元 or 亿元
        if rest.startswith(word):
            value *= factor
            scale = 1e8 if "亿" in header else 1e4 if "万" in header else 1
            return round(value / scale, 6)
    return value


@dataclass(kw_only=True)
class ReadContext:
    """What every file of one merge is read against, built once."""

    ws: Workspace
    period: Period
    tasks: dict[str, Task]
    fill: dict[str, FillColumn]
    cells: dict[str, list[str]]  # task id -> its locked cells as render writes them
    involved: dict[str, frozenset[str]]  # unit -> ids of the tasks it leads or supports
    groups: dict[str, frozenset[str]]  # unit -> ids of the groups its support tasks may be answered by
    senders: dict[str, str]  # e-mail address -> the first unit of the registry it belongs to
    registered: dict[str, frozenset[str]]  # e-mail address -> every unit it may send for (units file, remembered)
    office: frozenset[str]  # the office's own addresses
    successors: dict[str, str]  # a unit renamed or merged by this round -> its successor (see unit_changes)
    names: list[tuple[str, str]]  # (name or alias, unit), the longest first
    title: str  # the ledger's title as render writes it above each table
    ledger: str  # the ledger's id, as render writes it in the metadata
    statuses: frozenset[str]  # the list a status is chosen from
    plain_statuses: frozenset[str]  # "" and the statuses that need no normalising
    indicators: dict[str, Indicator]
    indicator_units: dict[str, frozenset[str]]  # unit -> ids of the indicators it leads or supports

    @classmethod
    def of(cls, ws: Workspace, period: Period, tasks: list[Task]) -> ReadContext:
        """Built from the round's task list (as sent), not the source's current one."""
        fill = {c.header: c for d in ws.config.documents for c in d.fill_columns}
        by_unit = tasks_by_unit(tasks)
        involved = {u: frozenset(t.id for t in (*lead, *support)) for u, (lead, support) in by_unit.items()}
        support_groups = SupportGroups(tasks)
        groups = {u: frozenset(support_groups.ids[t.id] for t in support) for u, (_, support) in by_unit.items()}
        cells = {t.id: workbook_cells(t, ws.registry.groups)[0] for t in tasks}
        senders: dict[str, str] = {}
        for unit in ws.units.values():
            for address in unit.emails:
                senders.setdefault(address.strip().lower(), unit.name)
        successors = unit_successors(read_unit_changes(ws.paths.unit_changes), period)
        indicators = ws.round_indicators(period)
        # an address confirmed for a unit before it was renamed or merged speaks for its successor
        registered = {
            address: frozenset(successors.get(u, u) for u in units) for address, units in registered_senders(ws).items()
        }
        for address, units in registered.items():
            senders.setdefault(address, min(units))
        names = sorted(
            ((n, u.name) for u in ws.units.values() for n in (u.name, *u.aliases, *u.former) if n),
            key=lambda x: -len(x[0]),
        )
        return cls(
            ws=ws,
            period=period,
            tasks={t.id: t for t in tasks},
            fill=fill,
            cells=cells,
            involved=involved,
            groups=groups,
            senders=senders,
            registered=registered,
            office=office_addresses(ws),
            successors=successors,
            names=names,
            title=tidy(ws.config.title),
            ledger=ledger_id(ws.config),
            statuses=frozenset(ws.config.statuses),
            plain_statuses=frozenset(s for s in ("", *ws.config.statuses) if normalise_status(s) == s),
            indicators={i.id: i for i in indicators},
            indicator_units=indicators_by_unit(indicators),
        )


class _Fill(NamedTuple):
    """A fill-in column of a task sheet, as read on every row."""

    header: str
    column: int
    config: FillColumn | None  # None: a column the unit added
    field: str  # the Entry field it feeds; "": kept in `extra`
    plain: bool | None  # a typed text kept as it is: True always (text), False when in the list (status)


@dataclass(kw_only=True)
class _Plan:
    """How the fill-in cells of a task sheet's rows are read."""

    fill: dict[int, _Fill]  # column index -> every fill-in column
    quick: bool  # no formulas on the sheet: the columns are read as `texts` and `checked` say
    texts: list[tuple[int, str]]  # text columns feeding an Entry field, (index, field): they never have a problem
    # the other columns in the order of `fill`, so that their problems come in that order: (index, the field when
    # it is the status column, else "")
    checked: list[tuple[int, str]]


class ReturnReader:
    """Turns one readable return into entries, problems and unmerged values."""

    def __init__(self, context: ReadContext, receipt: Receipt, book: ReturnedBook, unit: str) -> None:
        self.ws, self.period, self.tasks, self.fill_columns = context.ws, context.period, context.tasks, context.fill
        self.cells, self.title = context.cells, context.title
        self.statuses, self.plain_statuses = context.statuses, context.plain_statuses
        self.progress_header = round_header("本月进展", context.period)  # 本季度进展 … as the problems name it
        self.file = receipt.file
        self.involved = context.involved.get(unit, frozenset())
        self.groups = context.groups.get(unit, frozenset())
        self.receipt, self.book, self.unit = receipt, book, unit
        self.received_on = datetime.fromisoformat(receipt.received_at).date()  # in the office's zone, as stored
        self.entries: list[Entry] = []
        self.found: list[Problem] = []
        self.kept = UnmergedCells(receipt.file, unit)
        self.reporter: dict[str, str] = {}
        self.touched = False  # a fill-in cell differs from what render wrote (prefill included)
        self.indicators = context.indicators
        self.indicator_ids = context.indicator_units.get(unit, frozenset())
        self.indicator_values: list[IndicatorValue] = []

    @property
    def problems(self) -> list[Problem]:
        return bounded_problems(self.found, self.file, self.unit)

    @property
    def unmerged(self) -> list[Unmerged]:
        return self.kept.values()

    def report(self, code: str, sheet: str | None = None, cell: str | None = None, **fields: object) -> None:
        """A problem of this file; what the unit typed (`value`, `old`, `new`) quoted briefly, so a paragraph pasted
        into a status cell leaves the message, the mail and problems.xlsx readable."""
        typed = {k: quoted(v) for k, v in fields.items() if k in TYPED_FIELDS and isinstance(v, str)}
        self.found.append(
            problem(code, file=self.receipt.file, sheet=sheet, cell=cell, unit=self.unit, **{**fields, **typed})
        )

    def keep(self, sheet: str, row: int, col: int, value: object, reason: str, task_id: str = "") -> None:
        self.kept.add(sheet, row, col, text_of(value), reason, task_id)

    def read(self) -> None:
        meta = self.book.metadata
        listed = [r for r in meta.rows if r.role != INSTRUCTIONS_ROLE] if meta else []  # 填报说明's: see read
        rows = [r for r in listed if r.role != INDICATOR_ROLE]
        expected = {r.task_id: r for r in rows} if listed else None
        # the sheets render wrote: a unit without lead (or support) tasks has no such sheet
        expected_sheets = {r.sheet for r in rows} if listed else {LEAD_SHEET, SUPPORT_SHEET}
        indicator_rows = [r for r in listed if r.role == INDICATOR_ROLE]
        indicator_sheets = [s for s in self.book.sheets if _indicator_header_row(s) is not None]
        for sheet in indicator_sheets:
            self._indicator_sheet(sheet, indicator_rows)
        # a task's row on a sheet the unit sees comes before one on a sheet it hid, and one on a sheet it filled
        # before one on a sheet render wrote that it left as it came (a copy filled beside its original, or with
        # the original hidden): what the unit sees and fills is its report, the sheet it left is not
        tables = [(s, self._header(s)) for s in self.book.sheets if s not in indicator_sheets]
        left = self._left_as_rendered(tables, expected, expected_sheets)
        tables.sort(key=lambda table: (not table[0].visible, table[0].name in left))
        present = {s.name for s, header in tables if header is not None and s.visible and s.name not in left}
        missing_sheets = sorted(expected_sheets - present)
        seen: dict[str, tuple[str, int, int]] = {}  # task id -> (sheet, row, column) where first read
        headless = set()  # task sheets render wrote whose header row the unit deleted
        for sheet, header in tables:
            if sheet.name == INSTRUCTIONS_SHEET:
                self._instructions(sheet)
                continue
            if header is None:
                if sheet.name in expected_sheets and self._headless_sheet(sheet):
                    headless.add(sheet.name)
                else:
                    self._extra_sheet(sheet)
                continue
            if sheet.name not in expected_sheets and self.book.form != "csv":  # a .csv has no sheet names
                if missing_sheets:
                    self.report("sheet-renamed", sheet.name, expected=missing_sheets[0])
                else:
                    self.report("sheet-extra", sheet.name)
            self._merged_cells(sheet, header)
            self._above_header(sheet, header[0])
            self._rows(sheet, header, expected, seen)
        if expected is not None:
            # support tasks answered by group are optional one by one: a deleted detail row loses nothing
            by_group = any(r.role == GROUP_ROLE for r in expected.values())
            for task_id, row in expected.items():
                if task_id not in seen and row.sheet not in headless and not (by_group and row.role == "support"):
                    self.report("task-missing", row.sheet, f"A{row.row}", task_id=task_id)
        self._comments()
        for part in self.book.damaged:
            self.report("return-part-unreadable", part=part)
        self._long_texts()
        if expected and not seen:
            # not one task row could be read (the 任务编号 column deleted or its header rewritten): no report at all
            self.report("return-tasks-unread", rows=len(expected))
        if self.entries and not self.touched:
            # sent back as it was rendered, or with every row blanked: nothing of it is this round's report
            self.found = [p for p in self.found if p.code != "progress-unchanged"]
            self.report("return-empty", rows=len(self.entries))
            for e in self.entries:
                e.unchanged = []
            self.entries = []

    def _left_as_rendered(
        self,
        tables: list[tuple[ReturnedSheet, tuple[int, dict[str, int]] | None]],
        expected: dict[str, MetaRow] | None,
        expected_sheets: set[str],
    ) -> set[str]:
        """The task sheets render wrote that the unit left as they came while it filled a task table of its own
        holding their tasks (a copy); none when it has no such table (looked for only then: it is rare)."""
        own = [(s, h) for s, h in tables if h is not None and s.name not in expected_sheets]
        if not own:
            return set()
        theirs = {task for s, h in own for task in self._task_ids(s, h)}
        return {
            s.name
            for s, h in tables
            if h is not None
            and s.name in expected_sheets
            and self._task_ids(s, h) & theirs
            and self._untouched(s, h, expected)
        }

    @staticmethod
    def _task_ids(sheet: ReturnedSheet, header: tuple[int, dict[str, int]]) -> set[str]:
        header_row, columns = header
        id_col = columns[WORKBOOK_COLUMNS[0]]
        found = {task_id_of(text_of(row[id_col]).strip()) for row in sheet.rows[header_row + 1 :] if id_col < len(row)}
        return found - {""}

    def _untouched(
        self, sheet: ReturnedSheet, header: tuple[int, dict[str, int]], expected: dict[str, MetaRow] | None
    ) -> bool:
        """Whether every fill-in cell of a task sheet's task rows is empty or as render prefilled it."""
        header_row, columns = header
        id_col, fill = columns[WORKBOOK_COLUMNS[0]], self._fill_plan(sheet, columns).fill
        for row in sheet.rows[header_row + 1 :]:
            task_id = task_id_of(text_of(row[id_col]).strip()) if id_col < len(row) else ""
            if not task_id:  # the signature block below the table, a blank line
                continue
            meta = expected.get(task_id) if expected else None
            prefilled = prefilled_digests(meta.prefill) if meta else {}
            for c, column in fill.items():
                text = text_of(row[c]).strip() if c < len(row) else ""
                if text not in ("", "—") and prefilled.get(column.header) != cell_digest(text):
                    return False
        return True

    def _comments(self) -> None:
        """Comments (批注) a unit wrote on cells: no part of a cell's value, so each is named and kept with the task
        of its row, never lost."""
        task_of = {(e.sheet, e.row): e.task_id for e in self.entries}
        for sheet in self.book.sheets:
            for (r, c), text in sorted(sheet.comments.items()):
                self.report("cell-comment", sheet.name, cell_name(r + 1, c + 1), text=text[:60])
                self.keep(sheet.name, r, c, text, COMMENT, task_of.get((sheet.name, r + 1), ""))
            for (r, c), text in sorted(sheet.boxes.items()):
                self.report("cell-text-box", sheet.name, cell_name(r + 1, c + 1), text=text[:60])
                self.keep(sheet.name, r, c, text, TEXT_BOX, task_of.get((sheet.name, r + 1), ""))

    def _long_texts(self) -> None:
        """Texts beyond what an Excel cell holds (an .ods, a .csv or another program's .xlsx carries them): merged.json
        keeps them whole and the workbooks cut them with a mark (`xlsx.excel_text`), so each cell is named."""
        for sheet in self.book.sheets:
            for r, row in enumerate(sheet.rows):
                for c, value in enumerate(row):
                    if type(value) is str and too_long(value):
                        self.report("cell-text-too-long", sheet.name, cell_name(r + 1, c + 1), length=len(value))
            for (r, c), text in sorted(sheet.comments.items()):
                if too_long(text):
                    self.report("cell-text-too-long", sheet.name, cell_name(r + 1, c + 1), length=len(text))

    def _indicator_sheet(self, sheet: ReturnedSheet, expected: list[MetaRow]) -> None:
        """The 指标 sheet: each row's 本期完成值 (as typed), 数据截至, 完成情况说明 and 数据来源 into an
        IndicatorValue, read and checked in the indicator's unit; whatever cannot be placed is kept."""
        header_row = _indicator_header_row(sheet)
        assert header_row is not None
        labels = _labels(sheet.rows[header_row])
        columns = {label: c for c, label in reversed(list(enumerate(labels))) if label}
        id_col = columns[INDICATOR_COLUMNS[0]]
        fill = {h: columns.get(h) for h in (VALUE_HEADER, AS_OF_HEADER, NOTE_HEADER, DATA_SOURCE_HEADER)}
        known = {columns[h] for h in (*INDICATOR_COLUMNS, *fill) if h in columns}
        seen: set[str] = set()

        def at(row: list[object], c: int | None) -> object:
            return row[c] if c is not None and c < len(row) else ""

        for r, row in enumerate(sheet.rows[header_row + 1 :], header_row + 1):
            indicator_id = task_id_of(text_of(at(row, id_col)).strip())
            typed = {h: at(row, c) for h, c in fill.items()}
            for h, c in fill.items():  # as in a task sheet: the saved result, or the formula when none was saved
                if c is not None and (r, c) in sheet.formulas:
                    typed[h] = self._formula(sheet, r, c, typed[h])
            filled = {h: v for h, v in typed.items() if text_of(v).strip()}
            for c, value in enumerate(row):
                if c not in known and text_of(value).strip():
                    self.keep(sheet.name, r, c, value, OUTSIDE_TABLE, indicator_id)
            indicator = self.indicators.get(indicator_id)
            if indicator is None or indicator_id not in self.indicator_ids or indicator_id in seen:
                if not indicator_id and self._footer(sheet, r, sorted(known)):
                    continue
                if indicator_id or filled:
                    code = (
                        "indicator-duplicate-row"
                        if indicator_id in seen
                        else "indicator-unknown"
                        if indicator_id
                        else "row-added"
                    )
                    self.report(code, sheet.name, cell_name(r + 1, id_col + 1), indicator_id=indicator_id)
                for h, v in filled.items():
                    self.keep(
                        sheet.name,
                        r,
                        fill[h] or 0,
                        v,
                        ADDED_ROW if not indicator_id else "指标编号无法对应，内容未汇总",
                    )
                continue
            seen.add(indicator_id)
            if not filled:
                continue
            self.touched = True
            value = typed[VALUE_HEADER]
            number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
            found = IndicatorValue(
                indicator_id=indicator_id,
                unit=self.unit,
                typed=text_of(value).strip(),
                number=number,
                percent_cell=number is not None
                and indicator.unit in PERCENT_UNITS
                and self._shows_percent(sheet.name, r, fill[VALUE_HEADER] or 0, number),
                as_of=self._as_of(typed[AS_OF_HEADER], sheet.name, r, fill[AS_OF_HEADER] or 0),
                note=text_of(typed[NOTE_HEADER]).strip(),
                data_source=text_of(typed[DATA_SOURCE_HEADER]).strip(),
                file=self.file,
                sheet=sheet.name,
                cell=cell_name(r + 1, (fill[VALUE_HEADER] or 0) + 1),
            )
            self.indicator_values.append(found)
            if found.typed or found.number is not None:
                where = {"file": self.file, "sheet": sheet.name, "cell": found.cell, "unit": self.unit}
                self.found += value_problems(indicator, found.reported(indicator), None, self.period.last_day, where)
        for meta_row in expected:
            if meta_row.task_id not in seen:
                self.report("indicator-missing", meta_row.sheet, f"A{meta_row.row}", indicator_id=meta_row.task_id)

    def _as_of(self, value: object, sheet: str, r: int, c: int) -> str:
        """数据截至 as the day it names (ISO), which the indicator table shows: a date cell's day, its time of day
        dropped; a serial number or a date typed as text read as the task sheets read 完成时间, and said
        (`date-as-text`); else the text as typed, said too."""
        if isinstance(value, datetime):
            return value.date().isoformat()
        if isinstance(value, date):
            return value.isoformat()
        text = text_of(value).strip()
        if not text:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            day = _serial_day(value)
        else:
            parsed = parse_deadline(text, self.period.year).due
            day = parsed.isoformat() if parsed else None
        if day != text:
            self._not_a_date(sheet, cell_name(r + 1, c + 1), text, day)
        return day or text

    def _not_a_date(self, sheet: str, cell: str, text: str, day: str | None) -> None:
        """A date typed as text: the day it was read as (date-as-text), or none (date-unreadable)."""
        if day is None:
            self.report("date-unreadable", sheet, cell, value=text)
        else:
            self.report("date-as-text", sheet, cell, value=text, date=day)

    def _header(self, sheet: ReturnedSheet) -> tuple[int, dict[str, int]] | None:
        r = _header_row(sheet)
        if r is None:
            return None
        known = {*ENTRY_FIELDS, *self.fill_columns}
        labels = [canonical_header(label, known) for label in _labels(sheet.rows[r])]
        return r, {label: c for c, label in reversed(list(enumerate(labels))) if label}

    def _above_header(self, sheet: ReturnedSheet, header_row: int) -> None:
        """Whatever a unit typed above the table (the title render wrote there is the office's own, also in a
        .csv export or a copy, which carry no metadata)."""
        for r in range(header_row):
            for c, v in enumerate(sheet.rows[r]):
                text = text_of(v).strip()
                if text and not text.startswith(self.title):
                    self.keep(sheet.name, r, c, v, OUTSIDE_TABLE)

    def _headless_sheet(self, sheet: ReturnedSheet) -> bool:
        """A task sheet render wrote whose header row is gone (deleted with the title, or instead of it): its rows
        cannot be read by column, but they are the unit's return, not an extra sheet of one that sent nothing.
        Whether it holds anything."""
        filled = [(r, c, v) for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if text_of(v).strip()]
        labelled = any(len(set(_labels(row)) & set(WORKBOOK_COLUMNS)) > 1 for row in sheet.rows)
        if not filled or labelled:  # a header row still there lost its 任务编号 column: return-tasks-unread says so
            return False
        self.report("sheet-header-missing", sheet.name)
        self.touched = True
        for r, c, v in filled:
            self.keep(sheet.name, r, c, v, "表头行被删除，内容未汇总")
        return True

    def _instructions(self, sheet: ReturnedSheet) -> None:
        """填报说明, its protection lifted: what a unit typed there (the office's text is out of the grid, see
        `read.read_bytes`) is named and kept."""
        filled = [(r, c, v) for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if text_of(v).strip()]
        shown = {(r, c) for r, c, _ in filled}
        filled += [(r, c, formula_text(sheet, r, c)) for r, c in sorted(sheet.formulas) if (r, c) not in shown]
        if filled:
            self.report("instructions-typed", sheet.name)
        for r, c, v in filled:
            self.keep(sheet.name, r, c, v, INSTRUCTIONS_TYPED)

    def _extra_sheet(self, sheet: ReturnedSheet) -> None:
        filled = [(r, c, v) for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if text_of(v).strip()]
        if not filled:
            return
        self.report("sheet-extra", sheet.name)
        for r, c, v in filled:
            self.keep(sheet.name, r, c, v, "工作表不是任务表，内容未汇总")

    def _merged_cells(self, sheet: ReturnedSheet, header: tuple[int, dict[str, int]]) -> None:
        """Merged cells in or below the table, said; what a merge hides in an answer column (LibreOffice keeps the
        covered cells' content when asked, and calamine reads it) is kept as unmerged and taken out of the grid, so
        that no task is answered by a value nobody sees: only the top-left cell is read, as cell-merged says. The
        task's own columns (its ID, its text) keep theirs: they name the row, and answer nothing."""
        header_row, columns = header
        id_col = columns.get(WORKBOOK_COLUMNS[0])
        locked = {columns[name] for name in WORKBOOK_COLUMNS if name in columns}
        rows = sheet.rows
        for r1, c1, r2, c2 in sheet.merged:
            if r2 <= header_row:
                continue
            self.report("cell-merged", sheet.name, f"{cell_name(r1 + 1, c1 + 1)}:{cell_name(r2 + 1, c2 + 1)}")
            for r in range(max(r1, header_row + 1), min(r2, len(rows) - 1) + 1):
                row = rows[r]
                task_id = task_id_of(text_of(row[id_col]).strip()) if id_col is not None and id_col < len(row) else ""
                for c in range(max(c1, 0), min(c2, len(row) - 1) + 1):
                    if (r, c) != (r1, c1) and c not in locked and text_of(row[c]).strip():
                        self.keep(sheet.name, r, c, row[c], HIDDEN_BY_MERGE, task_id)
                        row[c] = ""

    def _role(self, sheet: ReturnedSheet, task: Task, expected_row: MetaRow | None) -> Role:
        if expected_row and expected_row.role in ("lead", "support"):
            return "lead" if expected_row.role == "lead" else "support"
        if sheet.name in (SUPPORT_SHEET, SUPPORT_DETAIL_SHEET):
            return "support"
        return "lead" if self.unit in task.lead_units else "support"

    def _rows(self, sheet: ReturnedSheet, header: tuple[int, dict[str, int]], expected, seen: dict) -> None:
        header_row, columns = header
        id_col = columns[WORKBOOK_COLUMNS[0]]
        locked_cols = [columns.get(name) for name in WORKBOOK_COLUMNS]
        locked = len(WORKBOOK_COLUMNS) if locked_cols == list(range(len(WORKBOOK_COLUMNS))) else 0
        plan = self._fill_plan(sheet, columns)
        name, rows = sheet.name, sheet.rows
        cells, tasks, involved, groups = self.cells, self.tasks, self.involved, self.groups
        width = max(map(len, rows), default=0)
        labelled = set(columns.values())
        unlabelled = [c for c in range(width) if c not in labelled]  # usually none; their cells are kept first
        in_table = [c for c in range(width) if c in labelled]
        add = self.entries.append
        for r, row in enumerate(rows[header_row + 1 :], header_row + 1):
            value = row[id_col]
            task_id = task_id_of((value if type(value) is str else text_of(value)).strip())
            if unlabelled:
                for c in unlabelled:
                    if c < len(row) and text_of(row[c]).strip():
                        self.keep(name, r, c, row[c], OUTSIDE_TABLE, task_id)
            if not task_id:
                if self._footer(sheet, r, in_table):
                    continue
                if any(text_of(row[c]).strip() for c in in_table):
                    self.report("row-added", name, cell_name(r + 1, id_col + 1))
                    for c in in_table:
                        if text_of(row[c]).strip():
                            self.keep(name, r, c, row[c], ADDED_ROW)
                continue
            if task_id in groups and task_id not in seen:
                seen[task_id] = (name, r, id_col)
                entry = self._entry(sheet, r, row, task_id, GROUP_ROLE, plan)
                self._against_prefill(entry, name, r, row, plan, expected.get(task_id) if expected else None)
                add(entry)
                continue
            task = tasks.get(task_id)
            if (
                task is None
                or task_id not in involved
                or task_id in seen
                or (expected is not None and task_id not in expected)
            ):
                code = "task-duplicate-row" if task_id in seen else "task-unknown"
                first = seen.get(task_id)
                first_text = f"{first[0]} {cell_name(first[1] + 1, first[2] + 1)}" if first else ""
                self.report(code, name, cell_name(r + 1, id_col + 1), task_id=task_id, first=first_text)
                source = dict(zip(locked_cols, cells.get(task_id, []), strict=False))
                for c in in_table:
                    text = text_of(row[c])
                    if text.strip() and source.get(c) != text:  # the task's own locked text is not the unit's
                        self.keep(name, r, c, row[c], UNPLACED[code], task_id)
                continue
            seen[task_id] = (name, r, id_col)
            expected_row = expected.get(task_id) if expected else None
            if not (locked and row[:locked] == cells[task_id]):  # fast path: the locked cells untouched
                now = [text_of(row[c]) if c is not None else "" for c in locked_cols]
                self._locked(sheet, r, task, now, locked_cols, expected_row)
            entry = self._entry(sheet, r, row, task_id, self._role(sheet, task, expected_row), plan)
            self._against_prefill(entry, name, r, row, plan, expected_row)
            self._content_checks(entry, name, r, columns)
            add(entry)

    def _against_prefill(
        self, entry: Entry, sheet: str, r: int, row: list[object], plan: _Plan, expected_row: MetaRow | None
    ) -> None:
        """Compare a row's fill-in cells with what render wrote: any difference makes the return touched; a
        progress or 存在问题 text equal to the prefilled one is flagged as not this round's words."""
        prefilled = prefilled_digests(expected_row.prefill) if expected_row else {}
        if not prefilled and self.touched:
            return  # nothing prefilled to compare with, and the return is known to be touched
        for c, fill in plan.fill.items():
            text = text_of(row[c]).strip() if c < len(row) else ""
            if text in ("", "—"):  # blank, or blanked: a return whose every row is blank is no report either
                continue
            digest = prefilled.get(fill.header)
            if digest is None or digest != cell_digest(text):  # hashed only where there is a digest to match
                self.touched = True
            elif fill.field in OWN_WORDS:
                entry.unchanged.append(fill.field)
                where = cell_name(r + 1, c + 1)
                self.report("progress-unchanged", sheet, where, task_id=entry.task_id, column=OWN_WORDS[fill.field])

    def _fill_plan(self, sheet: ReturnedSheet, columns: dict[str, int]) -> _Plan:
        """Decided once per sheet: each fill-in column's index, its configuration, the Entry field it feeds and
        whether a typed text is kept as it is. Source columns of earlier layouts (序号) are not fill-in columns
        either."""
        fill = {}
        for header, c in columns.items():
            if header in WORKBOOK_COLUMNS or header in TASK_COLUMNS:
                continue
            column, field_name = self.fill_columns.get(header), ENTRY_FIELDS.get(header, "")
            kind = column.kind if column is not None and field_name else None
            plain = True if kind == "text" else False if kind == "status" else None
            fill[c] = _Fill(header, c, column, field_name, plain)
        return _Plan(
            fill=fill,
            quick=not sheet.formulas,
            texts=[(c, f.field) for c, f in fill.items() if f.plain],
            checked=[(c, f.field if f.plain is False else "") for c, f in fill.items() if not f.plain],
        )

    def _footer(self, sheet: ReturnedSheet, r: int, in_table: list[int]) -> bool:
        """A line of the signature block: each label with the first text after it that is not a label goes to
        `reporter` (a blank one never blanks what another sheet's block says); anything else typed on the line
        is kept."""
        row = sheet.rows[r]
        texts = [text_of(v).strip() for v in row]
        labels = [i for i, t in enumerate(texts) if t in FOOTER_LABELS or t in FORMER_FOOTER_LABELS]
        used = set(labels)
        for i in labels:
            stop = next((k for k in range(i + 1, len(texts)) if texts[k] in FOOTER_LABELS), len(texts))
            at = next((k for k in range(i + 1, stop) if texts[k]), None)
            key = texts[i].rstrip("：")
            if at is not None:
                used.add(at)
                self.reporter[key] = texts[at]
            else:
                self.reporter.setdefault(key, "")
        for c in in_table if labels else []:
            if texts[c] and c not in used:
                self.keep(sheet.name, r, c, row[c], OUTSIDE_TABLE)
        return bool(labels)

    def _locked(self, sheet, r: int, task: Task, now: list[str], cols, expected_row: MetaRow | None) -> None:
        source = self.cells[task.id]
        if now == source or (expected_row and row_fingerprint(now) == expected_row.fingerprint):
            return  # untouched: as in the source, or as rendered before the office edited the source
        for name, old, new, c in zip(WORKBOOK_COLUMNS, source, now, cols, strict=True):
            if c is not None and old != new and name != WORKBOOK_COLUMNS[0]:
                self.report("locked-edited", sheet.name, cell_name(r + 1, c + 1), column=name, old=old, new=new)

    def _entry(self, sheet: ReturnedSheet, r: int, row: list[object], task_id: str, role: Role, plan: _Plan) -> Entry:
        entry = Entry(task_id=task_id, unit=self.unit, role=role, file=self.file, sheet=sheet.name, row=r + 1)
        if not plan.quick:
            for fill in plan.fill.values():
                self._cell(entry, sheet, r, row, fill)
            return entry
        # The same, quicker for what is plain (a sheet without formulas): text in a text column and a status
        # from the list are kept as typed, an empty cell holds nothing to check.
        for c, name in plan.texts:
            value = row[c]
            if type(value) is str:
                setattr(entry, name, value)
            else:
                self._cell(entry, sheet, r, row, plan.fill[c])
        for c, status_field in plan.checked:
            value = row[c]
            if status_field and value in self.statuses:
                setattr(entry, status_field, value)
            elif value != "":
                self._cell(entry, sheet, r, row, plan.fill[c])
        return entry

    def _cell(self, entry: Entry, sheet: ReturnedSheet, r: int, row: list[object], fill: _Fill) -> None:
        """One fill-in cell of a row into the entry, checked by its column's kind."""
        header, c, column, field_name, plain = fill
        value = row[c]
        if sheet.formulas and (r, c) in sheet.formulas:
            value = self._formula(sheet, r, c, value)
        if plain is not None and type(value) is str and value and (plain or value in self.statuses):
            setattr(entry, field_name, value)  # text kept as typed, a status from the list
            return
        if type(value) is float and not math.isfinite(value):
            # NaN or 1e400 as another program stores it, in any column: no figure, never landed as "nan"
            self.report("number-unreadable", sheet.name, cell_name(r + 1, c + 1), column=header)
            self.keep(sheet.name, r, c, value, NUMBER_UNREADABLE, entry.task_id)
            return
        if (column is None or column.kind == "text") and isinstance(value, int | float) and not isinstance(value, bool):
            value = self._number_shown(sheet.name, r, c, value)
        if column is None:
            text = text_of(value)
            if text.strip():
                self.report("column-extra", sheet.name, cell_name(r + 1, c + 1), column=header)
                entry.extra[header] = text
            return
        if value == "" or value == "—":  # empty, or the mark render puts where a column does not apply
            return
        kept = self._value(column, value, sheet.name, functools.partial(cell_name, r + 1, c + 1))
        if field_name:
            setattr(entry, field_name, kept if isinstance(kept, str) else text_of(kept))
        elif kept not in ("", None):
            entry.extra[header] = kept

    def _number_shown(self, sheet: str, r: int, c: int, value: float) -> object:
        """A number in a text column as the unit saw it when its cell shows a percentage: "80%" typed becomes the
        number 0.8 shown as 80% (Excel, WPS), and "0.8" is a figure the unit never wrote."""
        if self._shows_percent(sheet, r, c, value):
            return f"{number_text(value * 100)}%"
        return value

    def _shows_percent(self, sheet: str, r: int, c: int, value: float) -> bool:
        """Whether a cell shows its number as a percentage; when the file's formats cannot be read, the number is
        taken as it is and said (cell-format-unread): 0.8 may be 80% as the unit saw it."""
        shown = self.book.shows_percent(sheet, r, c)
        if shown is None:
            self.report(
                "cell-format-unread",
                sheet,
                cell_name(r + 1, c + 1),
                number=number_text(value),
                percent=f"{number_text(value * 100)}%",
            )
        return bool(shown)

    def _formula(self, sheet: ReturnedSheet, r: int, c: int, value: object) -> object:
        """A formula's saved result; when the file holds none (saved by a program that does not calculate), the
        formula's own text, so that nothing the unit wrote is lost."""
        where = cell_name(r + 1, c + 1)
        if value not in ("", None):
            self.report("cell-formula", sheet.name, where, value=text_of(value))
            return value
        formula = formula_text(sheet, r, c)
        self.report("cell-formula-uncached", sheet.name, where, formula=formula)
        return formula

    def _value(self, column: FillColumn, value: object, sheet: str, where: Callable[[], str]) -> object:
        if column.kind == "date":
            if isinstance(value, datetime | date):
                return text_of(value)
            if isinstance(value, int | float) and not isinstance(value, bool) and (day := _serial_day(value)):
                self.report("date-as-text", sheet, where(), value=text_of(value), date=day)
                return day
            text = text_of(value)
            if text.strip():
                parsed = parse_deadline(text, self.period.year)
                suggestion = parsed.due.isoformat() if parsed.due else None
                if suggestion == text.strip():  # the form asked for, as a date cell gives it: nothing to say
                    return suggestion
                if suggestion is None and re.fullmatch(r"\d{5}(?:\.\d+)?", text.strip()):  # a serial pasted as text
                    suggestion = _serial_day(float(text))
                self._not_a_date(sheet, where(), text, suggestion)
            return text
        if column.kind == "number":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            text = text_of(value)
            if text.strip():
                guess = probable_number(text, column.header)
                self.report(
                    "number-as-text",
                    sheet,
                    where(),
                    value=text,
                    column=column.header,
                    number="无法识别" if guess is None else number_text(guess),
                )
            return text
        if column.kind == "status":
            text = text_of(value)
            status = normalise_status(text)
            if status in OFFICE_STATUSES:  # 已销号, 暂缓, 取消: the office's to decide (ledger tasks)
                self.report("status-office-only", sheet, where(), value=text)
            elif status and status not in self.statuses:
                self.report("status-invalid", sheet, where(), value=text, statuses="、".join(self.ws.config.statuses))
            elif status and status != text:
                self.report("status-spaces", sheet, where(), value=text, status=status)
            return text
        return text_of(value)

    def _content_checks(self, entry: Entry, sheet: str, r: int, columns: dict[str, int]) -> None:
        status = entry.status if entry.status in self.plain_statuses else normalise_status(entry.status)
        lead = entry.role == "lead"
        if lead and not status:
            self.report("status-missing", sheet, _cell_under(columns, "完成状态", r), task_id=entry.task_id)
        if status == DONE_STATUS and not entry.progress.strip():
            where = _cell_under(columns, "本月进展", r)
            self.report("done-without-progress", sheet, where, task_id=entry.task_id, column=self.progress_header)
        done_on = parse_deadline(entry.completed_on, self.period.year) if status == DONE_STATUS else None
        if done_on is not None and done_on.kind == "date" and done_on.due and done_on.due > self.received_on:
            self.report(
                "done-after-return",
                sheet,
                _cell_under(columns, "完成时间", r),
                task_id=entry.task_id,
                value=entry.completed_on,
                received=chinese_date(self.received_on),
            )
        elif lead and not entry.progress.strip():
            where = _cell_under(columns, "本月进展", r)
            self.report("progress-empty", sheet, where, task_id=entry.task_id, column=self.progress_header)
        on_schedule = status in self.statuses and status not in (DONE_STATUS, BEHIND_STATUS, NOT_STARTED)
        if lead and on_schedule and self._overdue(entry.task_id):
            self.report(
                "status-overdue-on-schedule",
                sheet,
                _cell_under(columns, "完成状态", r),
                task_id=entry.task_id,
                status=status,
                deadline=self.tasks[entry.task_id].deadline.text,
            )

    def _overdue(self, task_id: str) -> bool:
        """Whether the task's time was up when the unit wrote its status (`overdue_when_said`)."""
        return overdue_when_said(self.tasks[task_id].deadline, self.period.last_day, self.received_on)


def _serial_day(number: float) -> str | None:
    """The day an Excel date serial means (44377 is 2021-06-30), for a number within the years a ledger's dates
    fall in (1954 to 2119); None for another number."""
    return (EXCEL_EPOCH + timedelta(days=float(number))).date().isoformat() if 20000 < number < 80000 else None


def _cell_under(columns: dict[str, int], header: str, r: int) -> str | None:
    """The cell of row `r` (0-based) under `header`, None when the sheet has no such column."""
    return cell_name(r + 1, columns[header] + 1) if header in columns else None


def formula_text(sheet: ReturnedSheet, r: int, c: int) -> str:
    formula = sheet.formulas.get((r, c), "")
    return f"={formula}" if formula else "=（共享公式）"


def probable_unit(context: ReadContext, receipt: Receipt) -> tuple[str | None, str]:
    """The unit a file most likely came from when the file itself does not say: the unit whose registered address
    sent it, else a registry name or alias in its original file name (the longest that fits); and how that was
    decided."""
    by_sender = context.senders.get(receipt.sender) if receipt.sender else None
    if by_sender:
        return by_sender, "发件邮箱"
    by_name = next((unit for name, unit in context.names if name in receipt.original_name), None)
    return by_name, "文件名"


def identify(
    context: ReadContext, receipt: Receipt, book: ReturnedBook, assigned: str = ""
) -> tuple[str | None, str, list[Problem]]:
    """The unit a return belongs to, the unit it speaks for (the name in its metadata, which may be a unit's
    name before a rename or merge: the return then belongs to the successor), and what is wrong with its
    identity. `assigned` is the unit the office said the file came from (`ledger returns assign`): it decides
    over the file name, the sender and the metadata's unit, never over the ledger or the period."""
    ws, period = context.ws, context.period
    found: list[Problem] = []

    def report(code: str, **fields: Any) -> None:
        found.append(problem(code, file=receipt.file, **fields))

    meta = book.metadata
    if meta is not None and meta.ledger_id != context.ledger:
        report("return-wrong-ledger", unit=assigned or meta.unit)
        return None, "", found
    if meta is not None and meta.period != str(period):
        # Often the office's own slip (collected under the wrong period), so the unit is named, not blamed.
        report("return-wrong-period", owner=assigned or meta.unit, found=meta.period, expected=str(period))
        return None, "", found
    if assigned:
        report("return-unit-assigned", unit=assigned)
        unit = context.successors.get(assigned, assigned)
        return unit, unit, found
    if meta is None:
        probable, how = probable_unit(context, receipt)
        if probable is None:
            report("return-unit-unknown", unit_text="")
            return None, "", found
        report("return-no-metadata", unit=probable, how=how)
        return probable, probable, found
    unit = context.successors.get(meta.unit, meta.unit)
    if unit not in ws.units:
        report("return-unit-unknown", unit=meta.unit, unit_text=f"（文件标识的单位“{meta.unit}”不在单位名录中）")
        return None, "", found
    if unit != meta.unit:
        report("return-unit-succeeded", unit=unit, named=meta.unit)
    return unit, meta.unit, found


def held_problem(context: ReadContext, receipt: Receipt, unit: str) -> Problem | None:
    """Why a mailed return may not speak for `unit` yet: its sender is not registered for it (another unit's
    address, an unknown one, none, or the office's own — forwarded or forged). Files the office collected by
    hand count as its own. The caller asks only when the office has not accepted or assigned the file."""
    sender = receipt.sender
    if receipt.origin != "email" or (sender not in context.office and unit in context.registered.get(sender, ())):
        return None
    if sender in context.office:
        who = "本办公室自己的邮箱，可能是转发或伪造的邮件"
    elif sender in context.senders:
        who = f"{context.senders[sender]}的登记邮箱"
    else:
        who = "未在单位名录中登记的邮箱" if sender else "邮件没有发件人"
    return problem(
        "return-held", file=receipt.file, unit=unit, sender=sender or "（无）", who=who, period=str(context.period)
    )


def all_values(context: ReadContext, book: ReturnedBook, receipt: Receipt, unit: str, reason: str) -> list[Unmerged]:
    """Every non-empty cell of a return that is not merged at all (superseded, withdrawn, unattributed, of
    another period …). Of a workbook render wrote (it has metadata) the text render put there — the title, the
    header labels, the locked task columns as in the source, the footer labels — is not the unit's and is left
    out; of any other file every non-empty cell is listed."""
    ours = book.metadata is not None
    labels = {*TASK_COLUMNS, *WORKBOOK_COLUMNS, *context.fill, *FOOTER_LABELS, *FORMER_FOOTER_LABELS, "—"}
    kept = UnmergedCells(receipt.file, unit)
    for sheet in book.sheets:
        header = _header_row(sheet) if ours else None
        labelled = _labels(sheet.rows[header]) if header is not None else []
        positions = {c: WORKBOOK_COLUMNS.index(label) for c, label in enumerate(labelled) if label in WORKBOOK_COLUMNS}
        id_col = next((c for c, i in positions.items() if i == 0), 0)
        for r, row in enumerate(sheet.rows):
            task_id = task_id_of(text_of(row[id_col]).strip()) if row and id_col < len(row) else ""
            source = context.cells.get(task_id) if header is not None and r > header else None
            for c, value in enumerate(row):
                text = text_of(value)
                if not text.strip() and (r, c) in sheet.formulas:
                    text = formula_text(sheet, r, c)
                if not text.strip():
                    continue
                if ours and (
                    canonical_header(text.strip(), labels) in labels
                    or (header is not None and r < header and text.startswith(context.title))
                    or (source is not None and c in positions and source[positions[c]] == text)
                ):
                    continue
                kept.add(sheet.name, r, c, text, reason, task_id if header is not None and r > header else "")
        for (r, c), text in sorted(sheet.comments.items()):
            kept.add(sheet.name, r, c, text, f"{reason}（{COMMENT}）")
        for (r, c), text in sorted(sheet.boxes.items()):
            kept.add(sheet.name, r, c, text, f"{reason}（{TEXT_BOX}）")
    return kept.values()


def _labels(row: list[object]) -> list[str]:
    return [text_of(v).strip() for v in row]


def _indicator_header_row(sheet: ReturnedSheet) -> int | None:
    """The row of a 指标 sheet's header (the one holding 指标编号)."""
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        if INDICATOR_COLUMNS[0] in _labels(row):
            return r
    return None


def _header_row(sheet: ReturnedSheet) -> int | None:
    """The row of a task sheet's header (the one holding 任务编号), looked for where units may have moved it."""
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        if TASK_COLUMNS[0] in _labels(row):
            return r
    return None
