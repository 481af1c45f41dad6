"""One workbook per unit for a reporting period: what every unit receives, fills in and sends back.

Workbooks are written with xlsxwriter (fast, and it writes nothing that makes Excel, WPS or LibreOffice ask to
repair). Each carries hidden metadata — a very-hidden sheet and custom document properties — naming the
ledger, period, unit and every task row with a fingerprint of its locked content, so that merge can recognise
a returned file whatever it is called by then.
"""

from __future__ import annotations

import functools
import gc
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

from .cells import text_of, tidy
from .config import Config, FillColumn
from .deadlines import deadline_state
from .history import History
from .indicators import indicators_by_unit
from .layout import (
    FIRST_TASK_ROW,
    FOOTER_ROWS,
    FROZEN_COLUMNS,
    GROUP_ROLE,
    GROUP_WIDTHS,
    HEADER_ROW,
    INDICATOR_COLUMNS,
    INDICATOR_FILL,
    INDICATOR_ROLE,
    INDICATOR_SHEET,
    INDICATOR_WIDTHS,
    INSTRUCTIONS_ROLE,
    INSTRUCTIONS_SHEET,
    LEAD_SHEET,
    META_FORMAT,
    META_SHEET,
    SUPPORT_DETAIL_SHEET,
    SUPPORT_SHEET,
    WORKBOOK_COLUMNS,
    WORKBOOK_WIDTHS,
    SupportGroup,
    SupportGroups,
    cell_digest,
    fill_widths,
    indicator_cells,
    ledger_id,
    prefill_fingerprint,
    round_header,
    row_fingerprint,
    workbook_cells,
)
from .model import Indicator, Period, Task
from .outbox import Manifest, RenderedFile, read_manifest
from .processes import in_processes
from .progress import QUALITATIVE_STATES, by_state
from .records import write_aside
from .schedule import round_due
from .task_changes import with_changes
from .templating import filled
from .wording import chinese_date
from .workspace import Workspace, tasks_by_unit
from .xlsx import (
    FONT,
    TITLE_FONT,
    Cell,
    RowsWorksheet,
    keep_together,
    line_count,
    new_workbook,
    page_header,
    print_landscape,
    row_height,
    year_apart,
)


@dataclass(kw_only=True)
class RenderResult:
    period: Period
    outbox: Path
    manifest_path: Path
    files: list[RenderedFile]
    unknown_units: list[str] = field(default_factory=list)


def fill_columns_for(ws: Workspace, tasks: list[Task], role: str) -> list[FillColumn]:
    """The fill-in columns a sheet needs: the union over the documents its tasks come from, in order."""
    by_code = {d.code: d for d in ws.config.documents}
    columns: dict[str, FillColumn] = {}
    for code in dict.fromkeys(t.document for t in tasks) or [d.code for d in ws.config.documents[:1]]:
        for column in by_code[code].fill_columns:
            if role == "lead" or not column.lead_only:
                columns.setdefault(column.header, column)
    return list(columns.values())


@dataclass(frozen=True)
class TaskRow:
    """What a task's locked row looks like; the same in every unit's workbook, so computed once per render.

    Its height is what the locked text needs (more when answers are prefilled); rows are not fixed to it, so they
    grow as the unit types (see FittedWorksheet).
    """

    cells: list[str]
    fingerprint: str
    lines: int  # wrapped lines the locked cells need
    state: str | None  # "overdue", "soon" or None
    labels: dict[str, list[str]]  # group labels in 配合单位 and the units each stands for

    @classmethod
    def of(cls, task: Task, as_of: date, config: Config, groups: dict[str, list[str]]) -> TaskRow:
        cells, labels = workbook_cells(task, groups)
        lines = max(line_count(v, w) for v, w in zip(cells, WORKBOOK_WIDTHS, strict=True))
        state = deadline_state(task.deadline, as_of, config.due_soon_days)
        return cls(cells, row_fingerprint(cells), lines, state, labels)


# The colours of a task row by its deadline state: (background, font).
STATE_COLOURS = {None: ("#F2F2F2", None), "overdue": ("#FFC7CE", "#9C0006"), "soon": ("#FFEB9C", "#9C5700")}


class _Formats:
    """Every cell format a unit workbook uses, created once per workbook."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
        self.title = book.add_format({"font_name": TITLE_FONT, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.header = book.add_format(
            {**base, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9D9D9"}
        )

        def coloured(state: str | None, extra: dict) -> object:
            background, font = STATE_COLOURS[state]
            return book.add_format({**base, "bg_color": background, **({"font_color": font} if font else {}), **extra})

        self.locked = {state: coloured(state, {}) for state in STATE_COLOURS}
        # the status cell carries the task's colour too, so the mark is beside what the unit is choosing
        self.status = {
            state: coloured(state, {"locked": False, "align": "center"}) if state else None for state in STATE_COLOURS
        }
        self.not_applicable = book.add_format({**base, "bg_color": "#BFBFBF", "align": "center"})
        unlocked = {**base, "locked": False}
        self.input = {
            "text": book.add_format(unlocked),
            "status": book.add_format({**unlocked, "align": "center"}),
            "number": book.add_format({**unlocked, "num_format": "0.00"}),
            "date": book.add_format({**unlocked, "num_format": "yyyy-mm-dd"}),
            # 本期完成值: a text cell, so "94.2%" or "2.67亿元" arrives as typed (office software would turn
            # "94.2%" into 0.942 in a number cell, and cannot hold "2.67亿元" as a number at all)
            "value": book.add_format({**unlocked, "num_format": "@", "align": "right"}),
        }
        self.footer_label = book.add_format({"font_name": FONT, "font_size": 11, "bold": True, "align": "right"})
        self.footer_input = book.add_format({"font_name": FONT, "font_size": 11, "bottom": 1, "locked": False})
        self.text = book.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True, "valign": "top"})


GROUP_ROW_LINES = 4  # room to write a group's 本月配合情况
BASELINE = INDICATOR_COLUMNS.index("基期值")


@dataclass
class _SheetPlan:
    name: str
    role: str
    tasks: list[Task]
    fill: list[FillColumn]
    groups: list[SupportGroup] | None = None  # support tasks answered by group (a unit that supports many)


class UnitWorkbook:
    """Writes one unit's workbook; kept as a class so the formats and metadata rows travel together."""

    def __init__(self, run: _Run, unit: str) -> None:
        self.ws, self.config, self.period, self.unit = run.ws, run.ws.config, run.period, unit
        self.run = run
        self.history = run.history
        self.meta_rows: list[list[str]] = []
        # the fill-in cells of a task row without last answers, and their prefill fingerprint, by sheet, document
        # and deadline state
        self.unanswered: dict[tuple[str, str, str | None], tuple[list[tuple[Cell, object]], str]] = {}

    def write(self, path: Path, plans: list[_SheetPlan], instructions: str, indicators: list[Indicator]) -> Path:
        """Write the unit's workbook aside and put it in place; returns where it went."""
        created = datetime.combine(self.period.start, time())
        book = new_workbook(path, created, "")
        book.set_properties(
            {
                "title": tidy(f"{self.config.title} {self.unit} {self.period.label}"),
                "author": self.config.office.name,
                "company": self.config.office.name,
                "created": created,
            }
        )
        self.formats = _Formats(book)
        self._instructions_sheet(book, instructions)
        for plan in plans:
            self._task_sheet(book, plan)
        if indicators:
            self._indicator_sheet(book, indicators)
        self._meta_sheet(book)
        for key, value in (
            ("ledger_id", ledger_id(self.config)),
            ("ledger_period", str(self.period)),
            ("ledger_unit", self.unit),
            ("ledger_format", META_FORMAT),
        ):
            book.set_custom_property(key, value)
        book.close()
        return book.written

    def _protect(self, sheet) -> None:
        sheet.protect(
            self.config.sheet_password or "",
            {
                "autofilter": True,
                "sort": True,
                "format_columns": True,
                "format_rows": True,
            },
        )

    def _instructions_sheet(self, book, instructions: str) -> None:
        sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
        width = 90
        sheet.set_column(0, 0, width)
        sheet.hide_gridlines(2)
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        page_header(sheet, self.unit, INSTRUCTIONS_SHEET, self.period.label)
        for r, line in enumerate(instructions.split("\n")):
            fmt = self.formats.title if r == 0 else self.formats.text
            sheet.write_string(r, 0, line, fmt)
            self.meta_rows.append([INSTRUCTIONS_SHEET, str(r + 1), "", INSTRUCTIONS_ROLE, cell_digest(line), ""])
            sheet.set_row(r, 30 if r == 0 else 17 * line_count(line, width * 10 / 11) + 2)  # 11 pt text
        self._protect(sheet)

    def row(self, task: Task) -> TaskRow:
        rows = self.run.rows
        return rows.get(task.id) or rows.setdefault(
            task.id, TaskRow.of(task, self.period.last_day, self.config, self.run.unit_groups)
        )

    def _task_sheet(self, book, plan: _SheetPlan) -> None:
        sheet = book.add_worksheet(plan.name, worksheet_class=RowsWorksheet)
        f = self.formats
        headers = [*WORKBOOK_COLUMNS, *(round_header(c.header, self.period) for c in plan.fill)]
        source = GROUP_WIDTHS if plan.groups is not None else WORKBOOK_WIDTHS
        widths = [*source, *fill_widths([(c.kind, c.width) for c in plan.fill])]
        fill_width = widths[len(WORKBOOK_COLUMNS) :]
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width or None, None, {"hidden": not width})
        what = {LEAD_SHEET: "牵头任务进展", SUPPORT_SHEET: "配合任务进展", SUPPORT_DETAIL_SHEET: "配合任务明细（选填）"}
        title = tidy(f"{self.config.title}　{self.unit}　{self.period.label}{what[plan.name]}")
        sheet.merge_range(0, 0, 0, len(headers) - 1, title, f.title)
        sheet.set_row(0, 32)
        sheet.write_cells(HEADER_ROW, [(header, f.header) for header in headers], 30)
        r = FIRST_TASK_ROW
        if plan.groups is not None:
            for group in plan.groups:
                self._group_row(sheet, r, group, plan.fill, fill_width)
                r += 1
        else:
            docs = {d.code: {c.header for c in d.fill_columns} for d in self.config.documents}
            for task in plan.tasks:
                self._task_row(sheet, r, task, plan, docs[task.document], fill_width)
                r += 1
        last = max(r - 1, FIRST_TASK_ROW)
        self._validations(sheet, plan.fill, last)
        sheet.freeze_panes(FIRST_TASK_ROW, FROZEN_COLUMNS)
        sheet.autofilter(HEADER_ROW, 0, last, len(headers) - 1)
        print_landscape(sheet, HEADER_ROW)
        if plan.name != SUPPORT_DETAIL_SHEET:
            self._signature_block(sheet, last + 2, widths)
            # the last task row goes with the block: a page of signatures alone could be swapped
            keep_together(sheet, range(last, last + 2 + len(FOOTER_ROWS)), widths, HEADER_ROW)
        page_header(sheet, self.unit, plan.name, self.period.label)
        self._protect(sheet)

    def _indicator_sheet(self, book, indicators: list[Indicator]) -> None:
        """指标: locked rows (name, unit, targets, baseline, last value) and the fill-in columns; a qualitative
        indicator's 本期完成值 is chosen from 已达到/推进中/未达到."""
        sheet = book.add_worksheet(INDICATOR_SHEET, worksheet_class=RowsWorksheet)
        f = self.formats
        headers = [*INDICATOR_COLUMNS, *(h for h, _ in INDICATOR_FILL)]
        widths: list[float] = [*INDICATOR_WIDTHS, *(w for _, w in INDICATOR_FILL)]
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        title = tidy(f"{self.config.title}　{self.unit}　{self.period.label}指标完成情况")
        sheet.merge_range(0, 0, 0, len(headers) - 1, title, f.title)
        sheet.set_row(0, 32)
        sheet.write_cells(HEADER_ROW, [(header, f.header) for header in headers], 30)
        value_col = len(INDICATOR_COLUMNS)
        r = FIRST_TASK_ROW
        for indicator in indicators:
            last = self.history.last_indicator_value(indicator.id, self.unit)
            cells = indicator_cells(indicator, last[1].typed if last else "")
            # printed, "推进中（2020" ended a line and "年）" began the next: the year on a line of its own instead
            cells[BASELINE] = year_apart(cells[BASELINE], INDICATOR_WIDTHS[BASELINE])
            lines = max(line_count(v, w) for v, w in zip(cells, INDICATOR_WIDTHS, strict=True))
            fill: list[tuple[Cell, object]] = [(None, f.input["value"]), (None, f.input["date"])]
            fill += [(None, f.input["text"]), (None, f.input["text"])]
            sheet.write_cells(r, [(v, f.locked[None]) for v in cells] + fill, row_height(lines))
            self.meta_rows.append(
                [INDICATOR_SHEET, str(r + 1), indicator.id, INDICATOR_ROLE, row_fingerprint(cells), ""]
            )
            options = {"error_type": "stop", "ignore_blank": True}
            if by_state(indicator, self.period.last_day):
                options |= {
                    "validate": "list",
                    "source": list(QUALITATIVE_STATES),
                    "input_title": "完成情况",
                    "input_message": "请从下拉列表中选择",
                    "error_title": "完成情况不正确",
                    "error_message": "请从下拉列表中选择：" + "、".join(QUALITATIVE_STATES),
                }
            else:
                unit = indicator.unit or "无单位"
                options |= {
                    "validate": "length",
                    "criteria": "<=",
                    "value": 30,
                    "input_title": f"本期完成值（{unit}）",
                    "input_message": "填写一个数值，可带单位，如94.2、94.2%、2.67亿元、约3000",
                    "error_title": "内容过长",
                    "error_message": "本期完成值只填一个数值，说明请写在“完成情况说明”列",
                }
            sheet.data_validation(r, value_col, r, value_col, options)
            r += 1
        last_row = max(r - 1, FIRST_TASK_ROW)
        sheet.data_validation(
            FIRST_TASK_ROW,
            value_col + 1,
            last_row,
            value_col + 1,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": date(2000, 1, 1),
                "maximum": date(2100, 12, 31),
                "ignore_blank": True,
                "error_title": "请填写日期",
                "error_message": "“数据截至”请填写日期，如2021-06-30",
            },
        )
        sheet.freeze_panes(FIRST_TASK_ROW, 2)
        sheet.autofilter(HEADER_ROW, 0, last_row, len(headers) - 1)
        print_landscape(sheet, HEADER_ROW)
        self._signature_block(sheet, last_row + 2, widths)
        keep_together(sheet, range(last_row, last_row + 2 + len(FOOTER_ROWS)), widths, HEADER_ROW)
        page_header(sheet, self.unit, INDICATOR_SHEET, self.period.label)
        self._protect(sheet)

    def _task_row(self, sheet, r: int, task: Task, plan: _SheetPlan, applies: set[str], widths: list[float]) -> None:
        row = self.row(task)
        locked = self.formats.locked[row.state]
        previous = self.history.answers_for(task, self.unit)
        if previous:
            fill = self._fill_cells(plan, applies, row.state, previous)
            prefilled = _prefilled(plan.fill, fill)
        else:  # most rows: the same empty cells (and so fingerprint) for every task of a document and deadline state
            key = (plan.name, task.document, row.state)
            if key not in self.unanswered:
                empty = self._fill_cells(plan, applies, row.state, {})
                self.unanswered[key] = (empty, _prefilled(plan.fill, empty))
            fill, prefilled = self.unanswered[key]
        cells: list[tuple[Cell, object]] = [(value, locked) for value in row.cells]
        sheet.write_cells(r, cells + fill, row_height(max(row.lines, _answer_lines(previous, plan.fill, widths))))
        self.meta_rows.append([plan.name, str(r + 1), task.id, plan.role, row.fingerprint, prefilled])

    def _fill_cells(
        self, plan: _SheetPlan, applies: set[str], state: str | None, previous: Mapping[str, object]
    ) -> list[tuple[Cell, object]]:
        """A task row's fill-in cells: last answers typed as their columns take them, "—" where one does not apply."""
        f = self.formats
        cells: list[tuple[Cell, object]] = []
        for column in plan.fill:
            if column.header not in applies:
                cells.append(("—", f.not_applicable))
            else:
                fmt = (column.kind == "status" and f.status[state]) or f.input[column.kind]
                cells.append((_input_value(column, previous.get(column.header)), fmt))
        return cells

    def _group_row(self, sheet, r: int, group: SupportGroup, fill: list[FillColumn], widths: list[float]) -> None:
        """One 本月配合情况 row for a group of support tasks, with room to write."""
        f = self.formats
        values = group.cells(self.period)
        cells: list[tuple[Cell, object]] = [(value, f.locked[None]) for value in values]
        previous = self.history.answers_of(group.id, self.unit)
        lines = max(line_count(v, w) for v, w in zip(values, GROUP_WIDTHS, strict=True) if w)
        answers = [(_input_value(column, previous.get(column.header)), f.input[column.kind]) for column in fill]
        sheet.write_cells(
            r, cells + answers, row_height(max(lines, GROUP_ROW_LINES, _answer_lines(previous, fill, widths)))
        )
        self.meta_rows.append(
            [SUPPORT_SHEET, str(r + 1), group.id, GROUP_ROLE, row_fingerprint(values), _prefilled(fill, answers)]
        )

    def _signature_block(self, sheet, first: int, widths: list[float]) -> None:
        """填报人、联系电话、单位负责人（签字）、单位（盖章）、填报日期, two to a line, room for the stamp.

        Each label stands right-aligned in a column wide enough for it, its answer on a line drawn under the
        visible columns that follow (no merged cells: a returned sheet's merges are reported)."""
        f = self.formats
        visible = [c for c, w in enumerate(widths) if w]

        def line_after(c: int, wanted: float) -> list[int]:
            cells, width = [], 0.0
            for k in (k for k in visible if k > c):
                if width >= wanted:
                    break
                cells.append(k)
                width += widths[k]
            return cells

        first_line = line_after(2, 24)  # label in 具体措施, wide enough for 单位负责人（签字）：
        second_label = next((k for k in visible if k > first_line[-1] and widths[k] >= 14), first_line[-1] + 1)
        places = ((2, first_line), (second_label, line_after(second_label, 20)))
        for k, labels in enumerate(FOOTER_ROWS):
            cells: dict[int, tuple[Cell, object]] = {}
            for label, (at, line) in zip(labels, places, strict=False):
                cells[at] = (label, f.footer_label)
                cells.update((c, (None, f.footer_input)) for c in line)
            row = [cells.get(c, (None, None)) for c in range(max(cells) + 1)]  # (None, None): no cell
            sheet.write_cells(first + k, row, 48 if any("盖章" in label for label in labels) else 24)

    def _validations(self, sheet, fill: list[FillColumn], last: int) -> None:
        for offset, column in enumerate(fill):
            c = len(WORKBOOK_COLUMNS) + offset
            options = {"error_type": "stop", "ignore_blank": True}
            if column.kind == "status":
                options |= {
                    "validate": "list",
                    "source": list(self.config.statuses),
                    "input_title": "完成状态",
                    "input_message": "请从下拉列表中选择",
                    "error_title": "完成状态不正确",
                    "error_message": "请从下拉列表中选择：" + "、".join(self.config.statuses),
                }
            elif column.kind == "number":
                options |= {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": -1e15,
                    "maximum": 1e15,
                    "error_title": "请填写数字",
                    "error_message": f"“{column.header}”只能填写数字，不要带单位或文字",
                }
            elif column.kind == "date":
                options |= {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": date(2000, 1, 1),
                    "maximum": date(2100, 12, 31),
                    "error_title": "请填写日期",
                    "error_message": f"“{column.header}”请填写日期，如2021-06-30",
                }
            else:
                continue
            sheet.data_validation(FIRST_TASK_ROW, c, last, c, options)

    def _meta_sheet(self, book) -> None:
        sheet = book.add_worksheet(META_SHEET, worksheet_class=RowsWorksheet)
        header = [
            ["ledger_id", ledger_id(self.config)],
            ["period", str(self.period)],
            ["unit", self.unit],
            ["format", META_FORMAT],
            ["sheet", "row", "task_id", "role", "fingerprint", "prefill"],
        ]
        for r, row in enumerate([*header, *self.meta_rows]):
            sheet.write_cells(r, [(value, None) for value in row])
        sheet.very_hidden()
        sheet.protect(self.config.sheet_password or "")


def _input_value(column: FillColumn, value: object) -> Cell:
    """A prefilled answer as its column's kind takes it: numbers and dates typed, anything else as text."""
    if value is None or value == "":
        return None
    if column.kind == "number" and isinstance(value, int | float):
        return value
    if column.kind == "date" and isinstance(value, date):
        return date(value.year, value.month, value.day)
    return str(value)


def _prefilled(fill: list[FillColumn], cells: list[tuple[Cell, object]]) -> str:
    """The fingerprint of what a row's fill-in cells were written with ("—" where a column does not apply is
    not an answer)."""
    return prefill_fingerprint(
        (column.header, text_of(value)) for column, (value, _) in zip(fill, cells, strict=True) if value != "—"
    )


def _answer_lines(previous: Mapping[str, object], fill: list[FillColumn], widths: list[float]) -> int:
    """Lines the prefilled answers of a row need."""
    if not previous:
        return 1
    return max(
        (line_count(str(previous[c.header]), w) for c, w in zip(fill, widths, strict=True) if previous.get(c.header)),
        default=1,
    )


def instructions_text(
    ws: Workspace,
    period: Period,
    unit: str,
    plans: list[_SheetPlan],
    *,
    due: date,
    prefilled: bool,
    labels: dict[str, list[str]],
    indicators: int = 0,
) -> str:
    """填报说明 from templates/instructions.txt.j2 (the office's copy, else the default)."""
    lead = next((p for p in plans if p.role == "lead"), None)
    support = next((p for p in plans if p.role == "support"), None)
    detail = SUPPORT_DETAIL_SHEET if any(p.name == SUPPORT_DETAIL_SHEET for p in plans) else ""
    fill = [round_header(c.header, period) for plan in plans for c in plan.fill]
    office = ws.config.office
    text = filled(
        ws.root,
        "instructions.txt.j2",
        title=ws.config.title,
        unit=unit,
        period=str(period),
        period_label=period.label,
        this_round=period.this_round,
        return_deadline=chinese_date(due),
        period_end=chinese_date(period.end),
        office=office,
        lead_count=len(lead.tasks) if lead else 0,
        support_count=len(support.tasks) if support else 0,
        support_groups=len(support.groups) if support and support.groups else 0,
        fill_headers="、".join(dict.fromkeys(fill)),
        statuses="、".join(ws.config.statuses),
        prefilled=prefilled,
        group_labels={label: "、".join(members) for label, members in labels.items()},
        lead_sheet=LEAD_SHEET,
        support_sheet=SUPPORT_SHEET,
        detail_sheet=detail,
        indicator_count=indicators,
        indicator_sheet=INDICATOR_SHEET,
    )
    return tidy(text.strip())


@dataclass(kw_only=True)
class _Run:
    """What every unit's workbook of one run is written from. Worker processes are forked with it (see
    processes.in_processes), so they share it instead of receiving a pickled copy of the workspace per unit."""

    ws: Workspace
    period: Period
    history: History
    by_unit: dict[str, tuple[list[Task], list[Task]]]
    unit_groups: dict[str, list[str]]  # the registry's groups (所属分组), written as the group when whole
    support_groups: SupportGroups
    indicators: dict[str, list[Indicator]]  # unit -> the indicators it reports on (leads or supports)
    due: date  # the round's due date, asked once (it may read the round's record)
    rows: dict[str, TaskRow] = field(default_factory=dict)  # per process: each task row computed once


def _plans(ws: Workspace, lead: list[Task], support: list[Task], groups: SupportGroups) -> list[_SheetPlan]:
    """The task sheets of a unit's workbook: none without tasks.

    A unit that supports more tasks than the threshold answers them by group — one 本月配合情况 row per lead
    document and category on 配合任务, a few pages to print and sign — and may add a line on any single task in
    配合任务明细, which lists them all.
    """
    plans = []
    if lead:
        plans.append(_SheetPlan(LEAD_SHEET, "lead", lead, fill_columns_for(ws, lead, "lead")))
    if support:
        fill = fill_columns_for(ws, support, "support")
        if len(support) > ws.config.support_group_threshold:
            text = [c for c in fill if c.kind == "text"]
            plans.append(_SheetPlan(SUPPORT_SHEET, "support", support, text, groups.of(support)))
            plans.append(_SheetPlan(SUPPORT_DETAIL_SHEET, "support", support, fill))
        else:
            plans.append(_SheetPlan(SUPPORT_SHEET, "support", support, fill))
    return plans


def _render_unit(run: _Run, unit: str) -> RenderedFile:
    ws, period, history = run.ws, run.period, run.history
    lead, support = run.by_unit.get(unit, ([], []))
    indicators = run.indicators.get(unit, [])
    path = ws.paths.workbook(period, unit)
    plans = _plans(ws, lead, support, run.support_groups)
    groups = [g.id for p in plans for g in p.groups or []]
    prefilled = any(history.answers_for(t, unit) for t in (*lead, *support)) or any(
        history.answers_of(i, unit) for i in groups
    )
    labels: dict[str, list[str]] = {}
    workbook = UnitWorkbook(run, unit)
    for task in (*lead, *support):
        labels.update(workbook.row(task).labels)
    text = instructions_text(
        ws, period, unit, plans, due=run.due, prefilled=prefilled, labels=labels, indicators=len(indicators)
    )
    path = workbook.write(path, plans, text, indicators)
    return RenderedFile(
        unit=unit,
        file=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        period=str(period),
        lead_tasks=[t.id for t in lead],
        support_tasks=[t.id for t in support],
        indicators=[i.id for i in indicators],
    )


def open_rows(tasks: list[Task], history: History) -> dict[str, tuple[list[Task], list[Task]]]:
    """unit -> (tasks it leads, tasks it supports) that are sent this round: every task not finished earlier
    and not closed, suspended or cancelled by the office."""
    return tasks_by_unit(t for t in tasks if not history.is_closed(t) and t.lifecycle is None)


def render_period(
    ws: Workspace,
    period: Period,
    history: History,
    *,
    units: list[str] | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    tasks: list[Task] | None = None,
) -> RenderResult:
    """Write build/<period>/outbox/<unit>.xlsx for every unit with an open task, and manifest.json.

    `tasks` is the list to send (default: the source's, with the office's changes that apply by the round:
    `task_changes.with_changes`). `history` gives last answers (prefilled) and the tasks closed earlier (left
    out). With jobs > 1 the
    workbooks are written by that many processes, one unit at a time each; the files are the same byte for byte.
    """
    paths = ws.paths
    outbox = paths.outbox(period)
    outbox.mkdir(parents=True, exist_ok=True)
    listed = with_changes(paths, period, ws.tasks) if tasks is None else tasks
    by_unit = open_rows(listed, history)
    indicators = ws.round_indicators(period)
    ids = indicators_by_unit(indicators)
    reporting = {u: [i for i in indicators if i.id in ids[u]] for u in ws.registry.units if u in ids}
    responsible = list(dict.fromkeys([*by_unit, *reporting]))
    wanted = responsible if units is None else [u for u in units if u in responsible]
    unknown = [] if units is None else [u for u in units if u not in responsible]
    kept: dict[str, RenderedFile] = {}
    if units is None:
        for old in outbox.glob("*.xlsx"):
            old.unlink()
    elif paths.manifest(period).is_file():
        kept = {f.unit: f for f in read_manifest(paths, period).files}
    run = _Run(
        ws=ws,
        period=period,
        history=history,
        by_unit=by_unit,
        unit_groups=ws.registry.groups,
        support_groups=SupportGroups(listed),
        indicators=reporting,
        due=round_due(ws.config, paths, period),
    )
    # Everything alive now (the workspace, the row cache to come) lives for the whole run: keep the cyclic
    # collector from rescanning it after every workbook, which costs a quarter of the time on 1,000 units.
    gc.freeze()
    try:
        calls = [functools.partial(_render_unit, run, unit) for unit in wanted]
        files: list[RenderedFile] = []
        for rendered in in_processes(calls, jobs, chunksize=4):
            files.append(rendered)
            if progress:
                progress(len(files), len(wanted))
    finally:
        gc.unfreeze()
    entries = {**kept, **{f.unit: f for f in files}}
    manifest = Manifest(ledger_id=ledger_id(ws.config), period=period, files=[entries[u] for u in sorted(entries)])
    write_aside(paths.manifest(period), manifest.to_json().encode("utf-8"))
    return RenderResult(
        period=period, outbox=outbox, manifest_path=paths.manifest(period), files=files, unknown_units=unknown
    )
