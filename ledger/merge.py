"""Merge the returns of a period into the master ledger, naming every problem and losing nothing.

A return is identified by its hidden metadata, never by its file name, and read by task ID, never by row
position. Every value a unit typed ends up either in an entry (the master ledger) or, when it cannot be
merged, in `unmerged` with its file, sheet and cell — and every doubt is a catalogued problem.
"""

from __future__ import annotations

import functools
import gc
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from .collect import Receipt, read_receipts, returns_folder
from .config import DONE_STATUS, FillColumn
from .deadlines import parse_deadline
from .layout import FOOTER_LABELS, LEAD_SHEET, SUPPORT_SHEET, TASK_COLUMNS, ledger_id, row_fingerprint, task_cells
from .model import Period, Task
from .problems import ERROR, Problem, cell_name, problem
from .read import MetaRow, ReturnedBook, ReturnedSheet, ReturnError, read_return
from .workspace import Workspace, tasks_by_unit
from .xlsx import new_workbook, table_sheet

ENTRY_FIELDS = {
    "完成状态": "status",
    "本月进展": "progress",
    "存在问题": "issues",
    "下步计划": "next_steps",
    "完成时间": "completed_on",
}
HEADER_SCAN_ROWS = 12
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
MULTIPLIERS = {"亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
EXCEL_EPOCH = datetime(1899, 12, 30)
ADDED_ROW = "单位新增的行（作为建议保留）"


@dataclass
class Entry:
    """What one unit reported on one task."""

    task_id: str
    unit: str
    role: str
    status: str = ""
    progress: str = ""
    issues: str = ""
    next_steps: str = ""
    completed_on: str = ""
    file: str = ""
    sheet: str = ""
    row: int = 0
    extra: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Unmerged:
    """A value a unit typed that could not go into the master ledger, so that it is never lost."""

    file: str
    sheet: str
    cell: str
    value: str
    reason: str
    unit: str = ""
    task_id: str = ""


@dataclass
class ReturnInfo:
    """One stored return and what became of it."""

    file: str
    unit: str
    received_at: str
    sender: str
    state: str  # "merged", "superseded" or "rejected"
    reporter: dict[str, str] = field(default_factory=dict)  # 填报人 / 联系电话 / 审核人 from the footer


@dataclass
class MergeResult:
    period: Period
    entries: list[Entry]
    problems: list[Problem]
    returns: list[ReturnInfo]
    unmerged: list[Unmerged]

    @property
    def valid(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def stats(self) -> dict[str, int]:
        states = defaultdict(int)
        for r in self.returns:
            states[r.state] += 1
        return {
            "files": len(self.returns),
            "merged": states["merged"],
            "superseded": states["superseded"],
            "rejected": states["rejected"],
            "units": len({r.unit for r in self.returns if r.state == "merged"}),
            "entries": len(self.entries),
            "errors": sum(p.severity == ERROR for p in self.problems),
            "warnings": sum(p.severity != ERROR for p in self.problems),
            "unmerged": len(self.unmerged),
        }

    def answers(self) -> dict[tuple[str, str], dict[str, object]]:
        """(task, unit) -> fill-in header -> value: what render prefills next month."""
        result = {}
        for e in self.entries:
            values: dict[str, object] = {h: getattr(e, k) for h, k in ENTRY_FIELDS.items() if getattr(e, k)}
            if e.completed_on and re.fullmatch(r"\d{4}-\d{2}-\d{2}", e.completed_on):
                values["完成时间"] = date.fromisoformat(e.completed_on)
            values.update({k: v for k, v in e.extra.items() if v not in ("", None)})
            result[(e.task_id, e.unit)] = values
        return result


def text_of(value: object) -> str:
    """A cell value as the text the unit typed; numbers without a spurious '.0'."""
    if type(value) is str:  # by far the most common case, so tested first
        return value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def probable_number(text: str, header: str) -> float | None:
    """The number a unit most likely meant by "2000万" or "约1.5亿" in a column counted in 亿元 or 万元."""
    match = NUMBER.search(text.replace(",", "").replace("，", ""))
    if not match:
        return None
    value = float(match.group(0))
    rest = text[match.end() :]
    for word, factor in MULTIPLIERS.items():
        if rest.startswith(word):
            value *= factor
            scale = 1e8 if "亿" in header else 1e4 if "万" in header else 1
            return round(value / scale, 6)
    return value


@dataclass
class _Context:
    """What every file of one merge is read against, built once."""

    ws: Workspace
    period: Period
    tasks: dict[str, Task]
    fill: dict[str, FillColumn]
    cells: dict[str, list[str]]  # task id -> its locked cells as render writes them
    involved: dict[str, frozenset[str]]  # unit -> ids of the tasks it leads or supports

    @classmethod
    def of(cls, ws: Workspace, period: Period) -> _Context:
        fill = {c.header: c for d in ws.config.documents for c in d.fill_columns}
        involved = {
            u: frozenset(t.id for t in (*lead, *support)) for u, (lead, support) in tasks_by_unit(ws.tasks).items()
        }
        return cls(ws, period, {t.id: t for t in ws.tasks}, fill, {t.id: task_cells(t) for t in ws.tasks}, involved)


class _FileReader:
    """Turns one readable return into entries, problems and unmerged values."""

    def __init__(self, context: _Context, receipt: Receipt, book: ReturnedBook, unit: str) -> None:
        self.ws, self.period, self.tasks, self.fill_columns = context.ws, context.period, context.tasks, context.fill
        self.cells = context.cells
        self.statuses = frozenset(context.ws.config.statuses)
        self.involved = context.involved.get(unit, frozenset())
        self.receipt, self.book, self.unit = receipt, book, unit
        self.entries: list[Entry] = []
        self.problems: list[Problem] = []
        self.unmerged: list[Unmerged] = []
        self.reporter: dict[str, str] = {}

    def report(self, code: str, sheet: str | None = None, cell: str | None = None, **fields: object) -> None:
        self.problems.append(problem(code, file=self.receipt.file, sheet=sheet, cell=cell, unit=self.unit, **fields))

    def keep(self, sheet: str, row: int, col: int, value: object, reason: str, task_id: str = "") -> None:
        self.unmerged.append(
            Unmerged(self.receipt.file, sheet, cell_name(row + 1, col + 1), text_of(value), reason, self.unit, task_id)
        )

    def read(self) -> None:
        meta = self.book.metadata
        expected = {r.task_id: r for r in meta.rows} if meta and meta.rows else None
        expected_sheets = {LEAD_SHEET, SUPPORT_SHEET} | ({r.sheet for r in meta.rows} if meta else set())
        tables = [(s, self._header(s)) for s in self.book.sheets]
        present = {s.name for s, header in tables if header is not None}
        missing_sheets = sorted(expected_sheets - present)
        seen: dict[str, tuple[str, int, int]] = {}  # task id -> (sheet, row, column) where first read
        for sheet, header in tables:
            if header is None:
                self._extra_sheet(sheet)
                continue
            if sheet.name not in expected_sheets:
                if missing_sheets:
                    self.report("sheet-renamed", sheet.name, expected=missing_sheets[0])
                else:
                    self.report("sheet-extra", sheet.name)
            self._merged_cells(sheet, header[0])
            self._rows(sheet, header, expected, seen)
        if expected is not None:
            for task_id, row in expected.items():
                if task_id not in seen:
                    self.report("task-missing", row.sheet, f"A{row.row}", task_id=task_id)

    def _header(self, sheet: ReturnedSheet) -> tuple[int, dict[str, int]] | None:
        for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            labels = [text_of(v).strip() for v in row]
            if TASK_COLUMNS[0] in labels:
                return r, {label: c for c, label in reversed(list(enumerate(labels))) if label}
        return None

    def _extra_sheet(self, sheet: ReturnedSheet) -> None:
        filled = [(r, c, v) for r, row in enumerate(sheet.rows) for c, v in enumerate(row) if text_of(v).strip()]
        if not filled:
            return
        self.report("sheet-extra", sheet.name)
        for r, c, v in filled:
            self.keep(sheet.name, r, c, v, "工作表不是任务表，内容未汇总")

    def _merged_cells(self, sheet: ReturnedSheet, header_row: int) -> None:
        for r1, c1, r2, c2 in sheet.merged:
            if r2 > header_row:
                self.report("cell-merged", sheet.name, f"{cell_name(r1 + 1, c1 + 1)}:{cell_name(r2 + 1, c2 + 1)}")

    def _role(self, sheet: ReturnedSheet, task: Task, expected_row: MetaRow | None) -> str:
        if expected_row:
            return expected_row.role
        if sheet.name == SUPPORT_SHEET:
            return "support"
        return "lead" if self.unit in task.lead_units else "support"

    def _rows(self, sheet: ReturnedSheet, header: tuple[int, dict[str, int]], expected, seen: dict) -> None:
        header_row, columns = header
        id_col = columns[TASK_COLUMNS[0]]
        locked_cols = [columns.get(name) for name in TASK_COLUMNS]
        contiguous = locked_cols == list(range(len(TASK_COLUMNS)))
        # Decided once per sheet: each fill-in column's index, its configuration and the Entry field it feeds.
        fill = [
            (h, c, self.fill_columns.get(h), ENTRY_FIELDS.get(h)) for h, c in columns.items() if h not in TASK_COLUMNS
        ]
        for r in range(header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]
            task_id = text_of(row[id_col]).strip()
            if not task_id:
                if self._footer(row):
                    continue
                if any(text_of(v).strip() for v in row):
                    self.report("row-added", sheet.name, cell_name(r + 1, id_col + 1))
                    for c, v in enumerate(row):
                        if text_of(v).strip():
                            self.keep(sheet.name, r, c, v, ADDED_ROW)
                continue
            task = self.tasks.get(task_id)
            assigned = task_id in self.involved and (expected is None or task_id in expected)
            if not assigned or task_id in seen:
                code = "task-duplicate-row" if task_id in seen else "task-unknown"
                first = seen.get(task_id)
                first_text = f"{first[0]} {cell_name(first[1] + 1, first[2] + 1)}" if first else ""
                self.report(code, sheet.name, cell_name(r + 1, id_col + 1), task_id=task_id, first=first_text)
                for _, c, _, _ in fill:
                    if text_of(row[c]).strip():
                        self.keep(sheet.name, r, c, row[c], "任务编号无法对应，内容未汇总", task_id)
                continue
            seen[task_id] = (sheet.name, r, id_col)
            expected_row = expected.get(task_id) if expected else None
            if not (contiguous and row[: len(TASK_COLUMNS)] == self.cells[task_id]):  # fast path: untouched row
                now = [text_of(row[c]) if c is not None else "" for c in locked_cols]
                self._locked(sheet, r, task, now, locked_cols, expected_row)
            entry = self._entry(sheet, r, row, task, self._role(sheet, task, expected_row), fill)
            self._content_checks(entry, sheet.name, r, columns)
            self.entries.append(entry)

    def _footer(self, row: list[object]) -> bool:
        texts = [text_of(v).strip() for v in row]
        label = next((t for t in texts if t in FOOTER_LABELS), None)
        if label is None:
            return False
        i = texts.index(label)
        value = next((t for t in texts[i + 1 :] if t), "")
        self.reporter[label.rstrip("：")] = value
        return True

    def _locked(self, sheet, r: int, task: Task, now: list[str], cols, expected_row: MetaRow | None) -> None:
        source = self.cells[task.id]
        if now == source or (expected_row and row_fingerprint(now) == expected_row.fingerprint):
            return  # untouched: as in the source, or as rendered before the office edited the source
        for name, old, new, c in zip(TASK_COLUMNS, source, now, cols, strict=True):
            if c is not None and old != new and name != TASK_COLUMNS[0]:
                self.report(
                    "locked-edited", sheet.name, cell_name(r + 1, c + 1), column=name, old=old[:60], new=new[:60]
                )

    def _entry(self, sheet: ReturnedSheet, r: int, row: list[object], task: Task, role: str, fill) -> Entry:
        entry = Entry(task.id, self.unit, role, file=self.receipt.file, sheet=sheet.name, row=r + 1)
        for header, c, column, field_name in fill:
            value = row[c]
            if sheet.formulas and (r, c) in sheet.formulas:
                self.report("cell-formula", sheet.name, cell_name(r + 1, c + 1), value=text_of(value))
            if (
                field_name
                and type(value) is str
                and value
                and column is not None
                and (column.kind == "text" or (column.kind == "status" and value in self.statuses))
            ):
                setattr(entry, field_name, value)  # the common case: kept as typed, nothing to check
                continue
            where = functools.partial(cell_name, r + 1, c + 1)
            if column is None:
                if text_of(value).strip():
                    self.report("column-extra", sheet.name, where(), column=header)
                    entry.extra[header] = text_of(value)
                continue
            if value == "" or value == "—":  # empty, or the mark render puts where a column does not apply
                continue
            kept = self._value(column, value, sheet.name, where)
            if field_name:
                setattr(entry, field_name, kept if isinstance(kept, str) else text_of(kept))
            elif kept not in ("", None):
                entry.extra[header] = kept
        return entry

    def _value(self, column: FillColumn, value: object, sheet: str, where: Callable[[], str]) -> object:
        if column.kind == "date":
            if isinstance(value, datetime | date):
                return text_of(value)
            if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
                day = (EXCEL_EPOCH + timedelta(days=float(value))).date().isoformat()
                self.report("date-as-text", sheet, where(), value=text_of(value), date=day)
                return day
            text = text_of(value)
            if text.strip():
                parsed = parse_deadline(text, self.period.year)
                suggestion = parsed.due.isoformat() if parsed.due else "无法识别"
                self.report("date-as-text", sheet, where(), value=text, date=suggestion)
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
                    number="无法识别" if guess is None else f"{guess:g}",
                )
            return text
        if column.kind == "status":
            text = text_of(value)
            if text.strip() and text.strip() not in self.ws.config.statuses:
                self.report("status-invalid", sheet, where(), value=text, statuses="、".join(self.ws.config.statuses))
            return text
        return text_of(value)

    def _content_checks(self, entry: Entry, sheet: str, r: int, columns: dict[str, int]) -> None:
        def where(header: str) -> str | None:
            return cell_name(r + 1, columns[header] + 1) if header in columns else None

        status = entry.status.strip()
        if entry.role == "lead" and not status:
            self.report("status-missing", sheet, where("完成状态"), task_id=entry.task_id)
        if status == DONE_STATUS and not entry.progress.strip():
            self.report("done-without-progress", sheet, where("本月进展"), task_id=entry.task_id)
        elif entry.role == "lead" and not entry.progress.strip():
            self.report("progress-empty", sheet, where("本月进展"), task_id=entry.task_id)


def _identify(ws: Workspace, period: Period, receipt: Receipt, book: ReturnedBook) -> tuple[str | None, list[Problem]]:
    """The unit a return belongs to, and what is wrong with its identity."""
    found: list[Problem] = []

    def report(code: str, **fields: object) -> None:
        found.append(problem(code, file=receipt.file, **fields))

    meta = book.metadata
    sender_unit = next((u.name for u in ws.units.values() if receipt.sender and receipt.sender in u.emails), None)
    if meta is None:
        unit = sender_unit or next(
            (u for u in sorted(ws.units, key=len, reverse=True) if u in receipt.original_name), None
        )
        if unit is None:
            report("return-unit-unknown", unit_text="")
            return None, found
        report("return-no-metadata", unit=unit, how="发件邮箱" if sender_unit else "文件名")
        return unit, found
    if meta.ledger_id != ledger_id(ws.config):
        report("return-wrong-ledger", unit=meta.unit)
        return None, found
    if meta.period != str(period):
        report("return-wrong-period", unit=meta.unit, found=meta.period, expected=str(period))
        return None, found
    if meta.unit not in ws.units:
        report("return-unit-unknown", unit=meta.unit, unit_text=f"（文件标识的单位“{meta.unit}”不在单位名录中）")
        return None, found
    if sender_unit and sender_unit != meta.unit:
        report("return-other-sender", unit=meta.unit, sender=receipt.sender, sender_unit=sender_unit)
    return meta.unit, found


def _all_values(book: ReturnedBook, receipt: Receipt, unit: str, reason: str) -> list[Unmerged]:
    """Every non-empty cell of a return that is not merged at all (superseded, wrong period …)."""
    kept = []
    for sheet in book.sheets:
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if text_of(value).strip() and r > 1 and c >= len(TASK_COLUMNS):
                    kept.append(
                        Unmerged(
                            receipt.file,
                            sheet.name,
                            cell_name(r + 1, c + 1),
                            text_of(value),
                            reason,
                            unit,
                            text_of(row[0]) if row else "",
                        )
                    )
    return kept


def stored_returns(root: Path, period: Period) -> list[Receipt]:
    """Receipts of the period's returns, oldest first; files put in the folder by hand get one from their date."""
    folder = returns_folder(root, period)
    receipts = read_receipts(folder)
    known = {r.file for r in receipts}
    for path in sorted(folder.glob("*")) if folder.is_dir() else []:
        if path.is_file() and path.name not in known and path.name != "receipts.jsonl":
            stamp = datetime.fromtimestamp(path.stat().st_mtime).isoformat(timespec="seconds")
            receipts.append(Receipt(path.name, path.name, "", path.stat().st_size, stamp, stamp, "file", str(path)))
    return sorted(receipts, key=lambda r: (r.received_at, r.file))


def merge_period(ws: Workspace, period: Period) -> MergeResult:
    """Read every stored return of the period; the latest return of each unit wins."""
    # A merge allocates one object per typed row and frees none of them until it ends; the cyclic collector
    # would rescan that growing heap again and again (a third of the time on a 1,000-unit ledger).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _merge(ws, period)
    finally:
        if was_enabled:
            gc.enable()


def _merge(ws: Workspace, period: Period) -> MergeResult:
    folder = returns_folder(ws.root, period)
    problems: list[Problem] = []
    unmerged: list[Unmerged] = []
    returns: list[ReturnInfo] = []
    readers: dict[str, list[tuple[Receipt, _FileReader]]] = defaultdict(list)
    context = _Context.of(ws, period)
    for receipt in stored_returns(ws.root, period):
        try:
            book = read_return(folder / receipt.file)
        except ReturnError as exc:
            problems.append(problem(exc.code, file=receipt.file, **exc.fields))
            returns.append(ReturnInfo(receipt.file, "", receipt.received_at, receipt.sender, "rejected"))
            continue
        except OSError as exc:  # listed in receipts.jsonl but gone from the folder
            problems.append(problem("return-unreadable", file=receipt.file, reason=exc.strerror or "文件不存在"))
            returns.append(ReturnInfo(receipt.file, "", receipt.received_at, receipt.sender, "rejected"))
            continue
        unit, identity = _identify(ws, period, receipt, book)
        problems += identity
        if unit is None:
            returns.append(ReturnInfo(receipt.file, "", receipt.received_at, receipt.sender, "rejected"))
            unmerged += _all_values(book, receipt, "", "文件身份不符，未汇总")
            continue
        if book.macro:
            problems.append(problem("return-macro", file=receipt.file, unit=unit))
        reader = _FileReader(context, receipt, book, unit)
        reader.read()
        readers[unit].append((receipt, reader))
    entries: list[Entry] = []
    for unit, items in readers.items():
        *older, (latest, reader) = items
        for receipt, old in older:
            problems.append(problem("return-superseded", file=receipt.file, unit=unit, newer=latest.file))
            unmerged += _all_values(old.book, receipt, unit, "已被同一单位更晚的报送取代")
            returns.append(
                ReturnInfo(receipt.file, unit, receipt.received_at, receipt.sender, "superseded", old.reporter)
            )
        entries += reader.entries
        problems += reader.problems
        unmerged += reader.unmerged
        returns.append(ReturnInfo(latest.file, unit, latest.received_at, latest.sender, "merged", reader.reporter))
    order = {t.id: i for i, t in enumerate(ws.tasks)}
    entries.sort(key=lambda e: (order.get(e.task_id, len(order)), e.role != "lead", e.unit))
    returns.sort(key=lambda r: (r.received_at, r.file))
    return MergeResult(period, entries, problems, returns, unmerged)


def merged_before(ws: Workspace, period: Period, months: int = 12) -> dict[tuple[str, str], dict[str, object]]:
    """The latest answer of each (task, unit) from the periods before this one: next month's prefill."""
    answers: dict[tuple[str, str], dict[str, object]] = {}
    earlier = period
    periods = []
    for _ in range(months):
        earlier = earlier.previous()
        if returns_folder(ws.root, earlier).is_dir():
            periods.append(earlier)
    for p in reversed(periods):
        answers.update(merge_period(ws, p).answers())
    return answers


ROLE_NAMES = {"lead": "牵头", "support": "配合"}
STATE_NAMES = {"merged": "已汇总", "superseded": "已被更晚的报送取代", "rejected": "未汇总"}


def reported_text(entries: list[Entry], attribute: str, single: bool) -> str:
    """One field as reported by the leads: as typed when the task has one lead, else each value with its unit."""
    values = [(e.unit, getattr(e, attribute)) for e in entries if getattr(e, attribute)]
    if single and len(values) == 1:
        return values[0][1]
    return "\n".join(f"{unit}：{value}" for unit, value in values)


def supports_text(entries: list[Entry]) -> str:
    """What each supporting unit reported, a line per unit."""
    return "\n".join(f"{e.unit}：{e.status or '未选状态'}；{e.progress}".rstrip("；") for e in entries)


def master_rows(ws: Workspace, result: MergeResult) -> tuple[list[str], list[list[object]]]:
    """One row per task: the leads' reports and every supporting unit's input."""
    extra = list(dict.fromkeys(k for e in result.entries for k in e.extra))
    headers = [*TASK_COLUMNS, "完成状态", "本月进展", "存在问题", "下步计划", "完成时间", "配合单位反馈", *extra]
    by_task: dict[str, list[Entry]] = defaultdict(list)
    for e in result.entries:
        by_task[e.task_id].append(e)
    rows = []
    for task in ws.tasks:
        leads = [e for e in by_task[task.id] if e.role == "lead"]
        supports = [e for e in by_task[task.id] if e.role == "support"]
        single = len(task.lead_units) == 1
        row: list[object] = [*task_cells(task)]
        row += [reported_text(leads, k, single) for k in ("status", "progress", "issues", "next_steps", "completed_on")]
        row.append(supports_text(supports))
        row += ["\n".join(f"{e.unit}：{text_of(e.extra[k])}" for e in leads if k in e.extra) for k in extra]
        rows.append(row)
    return headers, rows


def write_merge(ws: Workspace, result: MergeResult) -> list[Path]:
    """build/<period>/merged.xlsx, problems.xlsx and merged.json; the same returns give the same files."""
    out = ws.build_dir / str(result.period)
    created = datetime(result.period.year, result.period.month, 1)
    title = ws.config.title
    book = new_workbook(out / "merged.xlsx", created, f"{title} {result.period.label}汇总")
    headers, rows = master_rows(ws, result)
    table_sheet(
        book,
        "汇总台账",
        f"{title}　{result.period.label}汇总",
        headers,
        rows,
        [9, 5, 14, 40, 11, 14, 16, 10, 30, 18, 18, 11, 30] + [14] * (len(headers) - 13),
    )
    detail = [
        [
            e.task_id,
            e.unit,
            ROLE_NAMES[e.role],
            e.status,
            e.progress,
            e.issues,
            e.next_steps,
            e.completed_on,
            "\n".join(f"{k}：{text_of(v)}" for k, v in e.extra.items()),
            e.file,
            e.sheet,
            e.row,
        ]
        for e in result.entries
    ]
    table_sheet(
        book,
        "填报明细",
        f"{result.period.label}各单位填报明细",
        [
            "任务编号",
            "单位",
            "角色",
            "完成状态",
            "本月进展",
            "存在问题",
            "下步计划",
            "完成时间",
            "其他填报内容",
            "文件",
            "工作表",
            "行",
        ],
        detail,
        [9, 16, 6, 10, 30, 18, 18, 11, 18, 20, 10, 5],
    )
    table_sheet(
        book,
        "报送情况",
        f"{result.period.label}报送情况",
        ["文件", "单位", "收到时间", "发件人", "处理结果", "填报人", "联系电话", "审核人"],
        [
            [
                r.file,
                r.unit,
                r.received_at,
                r.sender,
                STATE_NAMES[r.state],
                r.reporter.get("填报人", ""),
                r.reporter.get("联系电话", ""),
                r.reporter.get("审核人（签字）", ""),
            ]
            for r in result.returns
        ],
        [28, 18, 20, 24, 14, 10, 14, 10],
    )
    book.close()
    book = new_workbook(out / "problems.xlsx", created, f"{title} {result.period.label}问题清单")
    table_sheet(
        book,
        "问题清单",
        f"{result.period.label}报送问题清单",
        ["级别", "文件", "单位", "工作表", "单元格", "代码", "说明", "处理办法"],
        [
            ["错误" if p.severity == ERROR else "提示", p.file, p.unit, p.sheet, p.cell, p.code, p.message, p.hint]
            for p in result.problems
        ],
        [6, 24, 16, 10, 8, 18, 40, 36],
    )
    proposals: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for u in result.unmerged:
        if u.reason == ADDED_ROW:
            proposals[(u.file, u.unit, u.sheet, u.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))].append(u.value)
    table_sheet(
        book,
        "新增建议",
        f"{result.period.label}各单位新增的内容（建议）",
        ["文件", "单位", "工作表", "行", "内容"],
        [[file, unit, sheet, int(row), "\n".join(values)] for (file, unit, sheet, row), values in proposals.items()],
        [24, 16, 10, 6, 60],
    )
    table_sheet(
        book,
        "未汇总内容",
        f"{result.period.label}未汇总的填报内容",
        ["文件", "单位", "工作表", "单元格", "任务编号", "内容", "原因"],
        [[u.file, u.unit, u.sheet, u.cell, u.task_id, u.value, u.reason] for u in result.unmerged],
        [24, 16, 10, 8, 10, 40, 28],
    )
    book.close()
    data = {
        "period": str(result.period),
        "stats": result.stats,
        "entries": [e.to_dict() for e in result.entries],
        "problems": [p.to_dict() for p in result.problems],
        "returns": [asdict(r) for r in result.returns],
        "unmerged": [asdict(u) for u in result.unmerged],
    }
    (out / "merged.json").write_text(
        json.dumps(data, ensure_ascii=False, indent=2, default=text_of) + "\n", encoding="utf-8"
    )
    return [out / "merged.xlsx", out / "problems.xlsx", out / "merged.json"]
