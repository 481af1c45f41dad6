"""The master workbooks of a period: merged.xlsx (汇总台账, 填报明细, 指标, 报送情况), problems.xlsx and merged.json."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

from .cells import text_of
from .entries import ADDED_ROW, MergeResult, TaskEntries, write_json
from .history import store_merge
from .layout import (
    INDICATOR_SHEET,
    SUPPORT_FEEDBACK_WIDTH,
    TASK_COLUMNS,
    TASK_WIDTHS,
    SupportGroups,
    round_header,
    task_cells,
)
from .model import Period, Task
from .problems import CATALOGUE, ERROR, Problem
from .processes import in_processes
from .records import copy_aside
from .sent import list_changes
from .task_changes import round_tasks
from .wording import ROLE_NAMES, STATE_NAMES, chinese, days_in_words, reported_text, supports_text
from .workspace import Workspace
from .xlsx import FONT, Workbook, new_workbook, page_header, table_sheet


def master_rows(ws: Workspace, result: MergeResult, tasks: list[Task]) -> tuple[list[str], list[list[object]]]:
    """One row per task of the round's list: the leads' reports and every supporting unit's input."""
    extra = list(dict.fromkeys(k for e in result.entries for k in e.extra))
    progress = round_header("本月进展", result.period)
    headers = [*TASK_COLUMNS, "完成状态", progress, "存在问题", "下步计划", "完成时间", "配合单位反馈", *extra]
    found = TaskEntries(result.entries, SupportGroups(tasks).ids)
    new = list_changes(ws.paths, result.period, tasks).new
    rows = []
    for task in tasks:
        leads = found.leads(task)
        supports = found.supports(task)
        for_group = found.groups(task)
        single = len(task.lead_units) == 1
        row: list[object] = [*task_cells(task, new=task.id in new)]
        row += [reported_text(leads, k, single) for k in ("status", "progress", "issues", "next_steps")]
        row.append(days_in_words(reported_text(leads, "completed_on", single)))  # 2021年6月16日, not 2021-06-16
        row.append(supports_text(supports, for_group))
        row += ["\n".join(f"{e.unit}：{text_of(e.extra[k])}" for e in leads if k in e.extra) for k in extra]
        rows.append(row)
    return headers, rows


def sorted_problems(result: MergeResult, notes: Sequence[Problem] = ()) -> list[Problem]:
    """Problems as the office works through them (the merge's and `notes`): errors first, then by unit, file and
    place; a problem of a file whose sender is known names that unit."""
    unit_of_file = {r.file: r.unit for r in result.returns if r.unit}
    found = [*result.problems, *notes]
    named = [p if p.unit or not p.file else replace(p, unit=unit_of_file.get(p.file)) for p in found]
    ordered = sorted(
        enumerate(named), key=lambda ip: (ip[1].severity != ERROR, ip[1].unit or "\uffff", ip[1].file or "", ip[0])
    )
    return [p for _, p in ordered]


def _local_time(text: str) -> datetime | str:
    """A receipt's time as the date-time it is in the office's zone (receipts are written in that zone)."""
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return text


def _day(text: str) -> date | str:
    """A day a unit gave (完成时间, an indicator value's 数据截至: ISO, or the text it typed that names none) as a
    date cell, which prints as offices write a day (2021年5月31日); the typed text as it is."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


def _cell_order(cell: str) -> tuple[int, str]:
    """A1-style cells in sheet order: row, then column."""
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters) :]
    return (int(digits) if digits.isdigit() else 0, letters.rjust(3))


def write_merge(
    ws: Workspace,
    result: MergeResult,
    *,
    tasks: list[Task] | None = None,
    jobs: int = 1,
    notes: Sequence[Problem] = (),
    encoded: Path | None = None,
    cache: Path | None = None,
) -> list[Path]:
    """build/<period>/merged.xlsx, problems.xlsx and merged.json; the same returns give the same files. The
    汇总台账 lists `tasks`, the round's task list (default: as sent, see `task_changes.round_tasks`); problems.xlsx
    adds `notes`, what only the round's history shows (an indicator's tenfold jump since last round). `encoded`:
    a file holding `result` as merged.json holds it (the round's merge cache, just written), copied instead of
    encoding the result again. `cache`: the round's merge cache still to be written (`history.unstored_merge`),
    stored as a copy of merged.json by the process that writes it.

    With jobs > 1 the three are written by that many processes at once (the same files). Every table is
    streamed (see xlsx.Workbook): they are long on a large ledger and nothing charts them."""
    listed = round_tasks(ws.paths, result.period, ws.tasks) if tasks is None else tasks
    calls = [
        functools.partial(_write_master, ws, result, listed, jobs),
        functools.partial(_write_problems, ws, result, notes),
        functools.partial(_write_json, ws, result, encoded, cache),
    ]
    return list(in_processes(calls, jobs))


def _write_master(ws: Workspace, result: MergeResult, tasks: list[Task], jobs: int) -> Path:
    """merged.xlsx: 汇总台账 (a row per task), 填报明细 (a row per entry), 报送情况 (a row per file)."""
    path = ws.paths.merged_xlsx(result.period)
    created = datetime.combine(result.period.start, time())
    title = ws.config.title
    book = new_workbook(path, created, f"{title}{result.period.label}汇总台账", jobs=jobs)
    headers, rows = master_rows(ws, result, tasks)
    table_sheet(
        book,
        "汇总台账",
        f"{title}　{result.period.label}汇总",
        headers,
        rows,
        [*TASK_WIDTHS, 9, 14, 10, 10, 8, SUPPORT_FEEDBACK_WIDTH] + [8] * (len(headers) - 13),
        stream=True,
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
            _day(e.completed_on),
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
            round_header("本月进展", result.period),
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
        stream=True,
    )
    if ws.indicators:
        _indicator_sheet(book, ws, result)
    table_sheet(
        book,
        "报送情况",
        f"{result.period.label}报送情况",
        ["文件", "单位", "收到时间", "发件人", "处理结果", "填报人", "联系电话", "单位负责人", "填报日期"],
        [
            [
                r.file,
                r.unit,
                _local_time(r.received_at),
                r.sender,
                STATE_NAMES[r.state] + (f"：{r.why}" if r.why else ""),  # why withdrawn or sent back
                r.reporter.get("填报人", ""),
                r.reporter.get("联系电话", ""),
                r.reporter.get("单位负责人（签字）") or r.reporter.get("审核人（签字）", ""),
                r.reporter.get("填报日期", ""),
            ]
            for r in result.returns
        ],
        [28, 18, 16, 24, 14, 10, 14, 10, 11],
        stream=True,
    )
    headed(book, ws, result.period, "汇总台账")
    book.close()
    return book.written


def headed(book: Workbook, ws: Workspace, period: Period, what: str) -> None:
    """Every sheet's printed pages headed with office, workbook and round: a loose page still says whose it is."""
    for sheet in book.worksheets():
        page_header(
            sheet, ws.config.office.name, f"{ws.config.title}{period.label}{what}", f"数据截至{chinese(period.end)}"
        )


MASTER_INDICATOR_COLUMNS = (
    *("指标编号", "指标名称", "计量单位", "单位", "角色", "填报值（原样）", "本期完成值", "读作", "数据截至"),
    *("完成情况说明", "数据来源", "文件", "单元格"),
)


def _indicator_sheet(book: Workbook, ws: Workspace, result: MergeResult) -> None:
    """指标: every value a unit reported, as typed and as read in the indicator's unit (a number cell)."""
    indicators = {i.id: i for i in ws.round_indicators(result.period)}
    rows: list[list[object]] = []
    for v in result.indicator_values:
        indicator = indicators.get(v.indicator_id)
        if indicator is None:
            continue
        reported = v.reported(indicator)
        reading = reported.reading
        role = (
            "牵头汇总" if indicator.lead_units[:1] == [v.unit] else "牵头" if v.unit in indicator.lead_units else "配合"
        )
        rows.append(
            [
                v.indicator_id,
                indicator.name,
                indicator.unit,
                v.unit,
                role,
                reported.typed,
                reading.value if reading is not None else None,
                reading.shown(indicator.unit) if reading is not None else reported.state,
                _day(v.as_of),
                v.note,
                v.data_source,
                v.file,
                v.cell,
            ]
        )
    table_sheet(
        book,
        INDICATOR_SHEET,
        f"{result.period.label}指标填报明细",
        MASTER_INDICATOR_COLUMNS,
        rows,
        [8, 20, 4, 12, 5, 10, 9, 14, 10, 28, 12, 18, 6],  # as narrow as their text needs: 8 pt on A4, not 7
    )


def _write_problems(ws: Workspace, result: MergeResult, notes: Sequence[Problem]) -> Path:
    """problems.xlsx: 问题清单 (errors first), 新增建议 (rows units added), 未汇总内容 (every value not merged)."""
    path = ws.paths.problems_xlsx(result.period)
    created = datetime.combine(result.period.start, time())
    book = new_workbook(path, created, f"{ws.config.title}{result.period.label}问题清单")
    problems = sorted_problems(result, notes)
    error_row = book.add_format(
        {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top", "border": 1, "bg_color": "#FFC7CE"}
    )
    table_sheet(
        book,
        "问题清单",
        f"{result.period.label}报送问题清单（错误{sum(p.severity == ERROR for p in problems)}项在前）",
        ["级别", "问题", "单位", "文件", "工作表", "单元格", "说明", "处理办法", "代码"],
        [
            [
                "错误" if p.severity == ERROR else "提示",
                CATALOGUE[p.code].title,
                p.unit,
                p.file,
                p.sheet,
                p.cell,
                p.message,
                p.hint,
                p.code,
            ]
            for p in problems
        ],
        [6, 14, 16, 22, 10, 8, 40, 34, 8],
        row_formats=[error_row if p.severity == ERROR else None for p in problems],
        stream=True,
    )
    proposals: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for u in result.unmerged:
        if u.reason == ADDED_ROW and ":" not in u.cell:  # a range counts the rows not listed one by one
            proposals[(u.file, u.unit, u.sheet, u.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))].append(u.value)
    table_sheet(
        book,
        "新增建议",
        f"{result.period.label}各单位新增的内容（建议）",
        ["文件", "单位", "工作表", "行", "内容"],
        [[file, unit, sheet, int(row), "\n".join(values)] for (file, unit, sheet, row), values in proposals.items()],
        [24, 16, 10, 6, 60],
        stream=True,
    )
    unmerged = sorted(result.unmerged, key=lambda u: (u.file, u.reason, u.sheet, _cell_order(u.cell)))
    table_sheet(
        book,
        "未汇总内容",
        f"{result.period.label}未汇总的填报内容（按文件）",
        ["文件", "原因", "单位", "工作表", "单元格", "任务编号", "内容"],
        [[u.file, u.reason, u.unit, u.sheet, u.cell, u.task_id, u.value] for u in unmerged],
        [24, 24, 16, 10, 8, 10, 40],
        stream=True,
    )
    headed(book, ws, result.period, "问题清单")
    book.close()
    return book.written


def _write_json(ws: Workspace, result: MergeResult, encoded: Path | None, cache: Path | None) -> Path:
    path = ws.paths.merged_json(result.period)
    written = write_json(path, result) if encoded is None else copy_aside(encoded, path)
    if cache is not None:
        store_merge(cache, result, copy_of=written)
    return written
