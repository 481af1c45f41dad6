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
import multiprocessing
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from .config import Config, FillColumn
from .deadlines import deadline_state
from .history import History
from .layout import (
    EXCEL_MAX_HEIGHT,
    FIRST_TASK_ROW,
    FOOTER_LABELS,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LEAD_SHEET,
    META_FORMAT,
    META_SHEET,
    SUPPORT_SHEET,
    TASK_COLUMNS,
    TASK_WIDTHS,
    ledger_id,
    row_fingerprint,
    task_cells,
)
from .model import Period, Task
from .outbox import Manifest, RenderedFile, read_manifest
from .templating import template
from .wording import chinese_date
from .workspace import Workspace, tasks_by_unit
from .xlsx import FONT, TITLE_FONT, new_workbook, print_landscape


@dataclass(kw_only=True)
class RenderResult:
    period: Period
    outbox: Path
    manifest_path: Path
    files: list[RenderedFile]
    unknown_units: list[str] = field(default_factory=list)


# East Asian wide and full-width ranges: these characters take two columns on screen.
WIDE_CHARS = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def display_width(text: str) -> int:
    """Columns a text takes on screen: CJK and full-width characters count double."""
    return len(text) + len(WIDE_CHARS.findall(text))


@functools.lru_cache(maxsize=65536)
def line_count(text: str, width: float) -> int:
    """Lines a wrapped cell needs; cached because a task's text appears in many units' workbooks."""
    return sum(max(1, -(-display_width(line) // max(int(width) - 1, 1))) for line in text.split("\n"))


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
    """What a task's locked row looks like; the same in every unit's workbook, so computed once per render."""

    cells: list[str]
    fingerprint: str
    height: float
    state: str | None  # "overdue", "soon" or None

    @classmethod
    def of(cls, task: Task, as_of: date, config: Config) -> TaskRow:
        cells = task_cells(task)
        lines = max(line_count(v, w) for v, w in zip(cells, TASK_WIDTHS, strict=True))
        height = min(EXCEL_MAX_HEIGHT, 13.5 * lines + 3)
        return cls(cells, row_fingerprint(cells), height, deadline_state(task.deadline, as_of, config.due_soon_days))


class _Formats:
    """Every cell format a unit workbook uses, created once per workbook."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
        self.title = book.add_format({"font_name": TITLE_FONT, "font_size": 16, "align": "center", "valign": "vcenter"})
        self.header = book.add_format(
            {**base, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9D9D9"}
        )
        self.locked = {
            None: book.add_format({**base, "bg_color": "#F2F2F2"}),
            "overdue": book.add_format({**base, "bg_color": "#FFC7CE", "font_color": "#9C0006"}),
            "soon": book.add_format({**base, "bg_color": "#FFEB9C", "font_color": "#9C5700"}),
        }
        self.not_applicable = book.add_format({**base, "bg_color": "#BFBFBF", "align": "center"})
        unlocked = {**base, "locked": False}
        self.input = {
            "text": book.add_format(unlocked),
            "status": book.add_format({**unlocked, "align": "center"}),
            "number": book.add_format({**unlocked, "num_format": "0.00"}),
            "date": book.add_format({**unlocked, "num_format": "yyyy-mm-dd"}),
        }
        self.footer_label = book.add_format({"font_name": FONT, "font_size": 11, "bold": True, "align": "right"})
        self.footer_input = book.add_format({"font_name": FONT, "font_size": 11, "bottom": 1, "locked": False})
        self.text = book.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True, "valign": "top"})


@dataclass
class _SheetPlan:
    name: str
    role: str
    tasks: list[Task]
    fill: list[FillColumn]


class UnitWorkbook:
    """Writes one unit's workbook; kept as a class so the formats and metadata rows travel together."""

    def __init__(
        self, ws: Workspace, period: Period, unit: str, history: History, instructions: str, rows: dict[str, TaskRow]
    ) -> None:
        self.ws, self.config, self.period, self.unit = ws, ws.config, period, unit
        self.rows = rows
        self.history = history
        self.instructions = instructions
        self.meta_rows: list[list[str]] = []

    def write(self, path: Path, plans: list[_SheetPlan]) -> None:
        created = datetime(self.period.year, self.period.month, 1)
        book = new_workbook(path, created, "")
        book.set_properties(
            {
                "title": f"{self.config.title} {self.unit} {self.period.label}",
                "author": self.config.office.name,
                "company": self.config.office.name,
                "created": created,
            }
        )
        self.formats = _Formats(book)
        self._instructions_sheet(book)
        for plan in plans:
            self._task_sheet(book, plan)
        self._meta_sheet(book)
        for key, value in (
            ("ledger_id", ledger_id(self.config)),
            ("ledger_period", str(self.period)),
            ("ledger_unit", self.unit),
            ("ledger_format", META_FORMAT),
        ):
            book.set_custom_property(key, value)
        book.close()

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

    def _instructions_sheet(self, book) -> None:
        sheet = book.add_worksheet(INSTRUCTIONS_SHEET)
        width = 90
        sheet.set_column(0, 0, width)
        sheet.hide_gridlines(2)
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        for r, line in enumerate(self.instructions.split("\n")):
            fmt = self.formats.title if r == 0 else self.formats.text
            sheet.write_string(r, 0, line, fmt)
            sheet.set_row(r, 30 if r == 0 else 16 * line_count(line, width) + 2)
        self._protect(sheet)

    def _task_sheet(self, book, plan: _SheetPlan) -> None:
        sheet = book.add_worksheet(plan.name)
        f = self.formats
        headers = [*TASK_COLUMNS, *(c.header for c in plan.fill)]
        widths = [*TASK_WIDTHS, *(c.width for c in plan.fill)]
        for c, width in enumerate(widths):
            sheet.set_column(c, c, width)
        title = (
            f"{self.config.title}　{self.unit}　{self.period.label}{'牵头' if plan.role == 'lead' else '配合'}任务进展"
        )
        sheet.merge_range(0, 0, 0, len(headers) - 1, title, f.title)
        sheet.set_row(0, 32)
        for c, header in enumerate(headers):
            sheet.write_string(HEADER_ROW, c, header, f.header)
        sheet.set_row(HEADER_ROW, 30)
        docs = {d.code: {c.header for c in d.fill_columns} for d in self.config.documents}
        as_of = self.period.last_day
        for i, task in enumerate(plan.tasks):
            r = FIRST_TASK_ROW + i
            row = self.rows.get(task.id) or self.rows.setdefault(task.id, TaskRow.of(task, as_of, self.config))
            for c, value in enumerate(row.cells):
                sheet.write_string(r, c, value, f.locked[row.state])
            previous = self.history.answers_of(task.id, self.unit)
            for offset, column in enumerate(plan.fill):
                c = len(TASK_COLUMNS) + offset
                if column.header not in docs[task.document]:
                    sheet.write_string(r, c, "—", f.not_applicable)
                else:
                    self._write_input(sheet, r, c, column, previous.get(column.header))
            sheet.set_row(r, row.height)
            self.meta_rows.append([plan.name, str(r + 1), task.id, plan.role, row.fingerprint])
        last = FIRST_TASK_ROW + max(len(plan.tasks), 1) - 1
        self._validations(sheet, plan.fill, last)
        footer = last + 2
        for k, label in enumerate(FOOTER_LABELS):
            sheet.write_string(footer + k, 2, label, f.footer_label)
            sheet.write_blank(footer + k, 3, None, f.footer_input)
            sheet.set_row(footer + k, 20)
        sheet.freeze_panes(FIRST_TASK_ROW, 0)
        sheet.autofilter(HEADER_ROW, 0, last, len(headers) - 1)
        print_landscape(sheet, HEADER_ROW)
        self._protect(sheet)

    def _write_input(self, sheet, r: int, c: int, column: FillColumn, value: object) -> None:
        fmt = self.formats.input[column.kind]
        if value is None or value == "":
            sheet.write_blank(r, c, None, fmt)
        elif column.kind == "number" and isinstance(value, int | float):
            sheet.write_number(r, c, value, fmt)
        elif column.kind == "date" and isinstance(value, date):
            sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt)
        else:
            sheet.write_string(r, c, str(value), fmt)

    def _validations(self, sheet, fill: list[FillColumn], last: int) -> None:
        for offset, column in enumerate(fill):
            c = len(TASK_COLUMNS) + offset
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
                    "error_message": f"“{column.header}”请填写日期，如 2021-06-30",
                }
            else:
                continue
            sheet.data_validation(FIRST_TASK_ROW, c, last, c, options)

    def _meta_sheet(self, book) -> None:
        sheet = book.add_worksheet(META_SHEET)
        header = [
            ["ledger_id", ledger_id(self.config)],
            ["period", str(self.period)],
            ["unit", self.unit],
            ["format", META_FORMAT],
            ["sheet", "row", "task_id", "role", "fingerprint"],
        ]
        for r, row in enumerate([*header, *self.meta_rows]):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
        sheet.very_hidden()
        sheet.protect(self.config.sheet_password or "")


def instructions_text(ws: Workspace, period: Period, unit: str, plans: list[_SheetPlan]) -> str:
    """填报说明 from templates/instructions.txt.j2 (the office's copy, else the default)."""
    fill = [c.header for plan in plans for c in plan.fill]
    return (
        template(ws.root, "instructions.txt.j2")
        .render(
            title=ws.config.title,
            unit=unit,
            period=str(period),
            period_label=period.label,
            return_deadline=chinese_date(period.return_deadline(ws.config.report_due_day)),
            office=ws.config.office,
            lead_count=len(plans[0].tasks),
            support_count=len(plans[1].tasks),
            fill_headers="、".join(dict.fromkeys(fill)),
            statuses="、".join(ws.config.statuses),
        )
        .strip()
    )


# What every unit's workbook of one run is written from; set before worker processes fork, so that they share it
# instead of receiving a pickled copy of the workspace with each unit.
_run: _Run | None = None


@dataclass(kw_only=True)
class _Run:
    ws: Workspace
    period: Period
    history: History
    by_unit: dict[str, tuple[list[Task], list[Task]]]
    rows: dict[str, TaskRow] = field(default_factory=dict)  # per process: each task row computed once


def _render_unit(unit: str) -> RenderedFile:
    assert _run is not None, "render_period sets the run before rendering any unit"
    ws, period = _run.ws, _run.period
    lead, support = _run.by_unit[unit]
    path = ws.paths.workbook(period, unit)
    plans = [
        _SheetPlan(LEAD_SHEET, "lead", lead, fill_columns_for(ws, lead, "lead")),
        _SheetPlan(SUPPORT_SHEET, "support", support, fill_columns_for(ws, support, "support")),
    ]
    instructions = instructions_text(ws, period, unit, plans)
    UnitWorkbook(ws, period, unit, _run.history, instructions, _run.rows).write(path, plans)
    return RenderedFile(
        unit=unit,
        file=path.name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        period=str(period),
        lead_tasks=[t.id for t in lead],
        support_tasks=[t.id for t in support],
    )


def render_period(
    ws: Workspace,
    period: Period,
    history: History,
    *,
    units: list[str] | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> RenderResult:
    """Write build/<period>/outbox/<unit>.xlsx for every unit with an open task, and manifest.json.

    `history` gives last answers (prefilled) and the tasks closed earlier (left out). With jobs > 1 the
    workbooks are written by that many processes, one unit at a time each; the files are the same byte for byte.
    """
    global _run
    paths = ws.paths
    outbox = paths.outbox(period)
    outbox.mkdir(parents=True, exist_ok=True)
    by_unit = tasks_by_unit(t for t in ws.tasks if not history.is_closed(t))
    wanted = list(by_unit) if units is None else [u for u in units if u in by_unit]
    unknown = [] if units is None else [u for u in units if u not in by_unit]
    kept: dict[str, RenderedFile] = {}
    if units is None:
        for old in outbox.glob("*.xlsx"):
            old.unlink()
    elif paths.manifest(period).is_file():
        kept = {f.unit: f for f in read_manifest(paths, period).files}
    files: list[RenderedFile] = []
    _run = _Run(ws=ws, period=period, history=history, by_unit=by_unit)
    # Everything alive now (the workspace, the row cache to come) lives for the whole run: keep the cyclic
    # collector from rescanning it after every workbook, which costs a quarter of the time on 1,000 units.
    gc.freeze()
    try:
        if jobs > 1 and len(wanted) > 1:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                for n, rendered in enumerate(pool.map(_render_unit, wanted, chunksize=4), 1):
                    files.append(rendered)
                    if progress:
                        progress(n, len(wanted))
        else:
            for n, unit in enumerate(wanted, 1):
                files.append(_render_unit(unit))
                if progress:
                    progress(n, len(wanted))
    finally:
        gc.unfreeze()
        _run = None
    entries = {**kept, **{f.unit: f for f in files}}
    manifest = Manifest(ledger_id=ledger_id(ws.config), period=period, files=[entries[u] for u in sorted(entries)])
    paths.manifest(period).write_text(manifest.to_json(), encoding="utf-8")
    return RenderResult(
        period=period, outbox=outbox, manifest_path=paths.manifest(period), files=files, unknown_units=unknown
    )
