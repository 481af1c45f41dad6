"""The half-year and year report (全年/上半年完成情况) three ways — workbook, web page, Word 通报 — from one
SpanReport.

Every figure comes from the SpanReport; the page and the 通报 are filled from one context (`span_context`), so
that they say the same sentences, and the workbook takes the same figures from the report itself. Each file is
written beside its place and renamed over the last one: a reader never opens half a report.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

import xlsxwriter

from .bulletin import bulletin_number, write_docx
from .config import DONE_STATUS
from .model import Task
from .processes import in_processes
from .report import LIGHT_NAMES, apart_words
from .report_workbook import (
    CELL_FILLS,
    LIGHTS,
    completion_charts,
    indicator_sheet,
    lights_chart,
    set_aside_sheet,
)
from .span import SpanReport, SpanTask, SpanUnit
from .templating import pieces
from .wording import chinese
from .workspace import Workspace
from .xlsx import FONT, new_workbook, page_header, table_sheet

TASK_HEADERS = ["任务编号", "具体措施", "牵头单位", "完成时限", "{end}状态", "灯色", "完成于（期次）", "完成时间"]
TASK_HEADERS += ["最近进展（注明期次）"]
TASK_WIDTHS = [9, 36, 16, 14, 11, 6, 11, 12, 44]
UNIT_HEADERS = ["单位", "牵头任务", "已完成", "完成率", "应报送期数", "已报送", "按时", "逾期", "未报送", "待确认"]
UNIT_HEADERS += ["报送有误", "报送率", "按时报送率", "联系人", "电话"]
UNIT_WIDTHS = [28, 8, 7, 8, 9, 7, 6, 6, 7, 7, 8, 7, 9, 10, 14]


@dataclass(kw_only=True)
class SpanLine:
    """A task as the 通报's 附件 lists it."""

    task: Task
    deadline_text: str
    status: str  # at the span's end
    done_in: str  # the round it was first 已完成: 2021年4月


def scope(report: SpanReport) -> str:
    """The span without its year: 全年, 上半年 …"""
    return report.period.short_label


def end_name(report: SpanReport) -> str:
    """How the span's end is named beside a status: 年末, 上半年末 …; 目前 while the span is still under way, so a
    year asked for in August never claims a year-end."""
    if not report.complete:
        return "目前"
    return "年末" if report.period.kind == "year" else f"{scope(report)}末"


def done_in_text(t: SpanTask) -> str:
    return chinese(t.done_in) if t.done_in else ""


def lights_text(report: SpanReport) -> str:
    """绿灯30项，黄灯5项，红灯3项，未报送2项 (未报送 left out when no task is grey, as when it is folded into red);
    then the tasks suspended or cancelled, counted apart: "；另有暂缓1项，不计入以上统计"."""
    counts = report.counts
    shown = [light for light in LIGHTS if light != "grey" or counts["grey"]]
    return "，".join(f"{LIGHT_NAMES[light]}{chinese(counts[light], '项')}" for light in shown) + report.apart_text()


def led_units(report: SpanReport) -> list[SpanUnit]:
    """Units leading a task, by completion (the report's order): the chart's and the 通报's list."""
    return [u for u in report.units if u.led]


NAMED_AT_MOST = 10  # a list of units in the 通报 names this many and counts the rest ("等23个单位")


def units_text(units: list[SpanUnit]) -> str:
    named = "、".join(f"{u.unit}（{u.completion_text}）" for u in units[:NAMED_AT_MOST])
    return named + (f"等{chinese(len(units), '个')}单位" if len(units) > NAMED_AT_MOST else "")


def ranking_text(report: SpanReport) -> str:
    """Which units finished most and least of what they led: the best and the worst completion, with ties."""
    units = led_units(report)
    if not units:
        return "本期无牵头任务的单位。"
    best, worst = units[0].completion, units[-1].completion
    text = f"牵头任务完成率最高的单位：{units_text([u for u in units if u.completion == best])}"
    if worst < best:
        text += f"；完成率最低的单位：{units_text([u for u in units if u.completion == worst])}"
    return text + "。"


def reporting_text(report: SpanReport) -> str:
    """The reporting record in one paragraph: units on time in every round, then those that missed, were late or
    sent a return with errors, each with how many rounds."""
    due = [u for u in report.units if u.rounds_due]
    if not due:
        return f"{report.reporting_text()}。"
    perfect = [u.unit for u in due if u.on_time == u.rounds_due]
    named = "、".join(perfect[:NAMED_AT_MOST]) + ("等" if len(perfect) > NAMED_AT_MOST else "")
    parts = [
        report.reporting_text(),
        f"各期均按时报送的单位{chinese(len(perfect), '个')}" + (f"：{named}" if perfect else ""),
    ]
    for word, count in (("未报送", "missing"), ("待确认", "held"), ("逾期报送", "late"), ("报送有误", "with_errors")):
        found = [(u.unit, getattr(u, count)) for u in due if getattr(u, count)]
        listed = "、".join(f"{unit}（{word}{chinese(n, '期')}）" for unit, n in found[:NAMED_AT_MOST])
        listed += f"等{chinese(len(found), '个')}单位" if len(found) > NAMED_AT_MOST else ""
        parts.append(f"有{word}的单位{chinese(len(found), '个')}" + (f"：{listed}" if found else ""))
    return "；".join(parts) + "。"


def rounds_text(report: SpanReport) -> str:
    """Completion round by round: 2021年1月末完成2项（20.0%），……"""
    if not report.points:
        return ""
    steps = "，".join(f"{chinese(p.period)}末{chinese(p.done, '项')}（{chinese(p.completion)}）" for p in report.points)
    return f"各期末累计完成任务：{steps}。"


def span_context(report: SpanReport) -> dict:
    """What the page and the 通报 are filled with: the same figures and sentences for both."""
    not_done = [t for t in report.tasks if t.status != DONE_STATUS]
    return {
        "span": True,  # the 通报 template's 全年/上半年 body instead of the monthly one
        "r": report,
        "cn": chinese,
        "title": report.title,
        "office": report.office,
        "period": str(report.period),
        "heading": report.heading,
        "scope": scope(report),
        "end_name": end_name(report),
        "as_of": chinese(report.as_of),
        "report_date": chinese(report.issued),
        "coverage": report.coverage_text(),
        "completion": chinese(report.completion),
        "counts": report.counts,
        "light_names": LIGHT_NAMES,
        "lights_text": lights_text(report),
        "rounds_text": rounds_text(report),
        "ranking_text": ranking_text(report),
        "reporting_text": reporting_text(report),
        "led_units": led_units(report),
        "not_done": not_done,
        "overdue": report.overdue_tasks,
        "done_in_text": done_in_text,
        "deadline_text": lambda t: t.task.deadline.text,
        "attachment": [
            SpanLine(
                task=t.task,
                deadline_text=t.task.deadline.text,
                status=t.status_text,
                done_in=done_in_text(t),
            )
            for t in report.tasks
        ],
        "attachment_title": f"{report.heading}任务完成情况表",
        "attachments": [{"label": "", "title": f"{report.heading}任务完成情况表"}],  # the 附件 note, one line
        "summary": report.summary(),
        "indicators_as_of": report.indicators_as_of_text(),
        "set_aside": [*report.suspended, *report.cancelled],
        "set_aside_words": apart_words(len(report.suspended), len(report.cancelled)),  # the list's own count
    }


def replaced(path: Path, write: Callable[[Path], object]) -> Path:
    """Have `write` make the file beside `path`, then rename it over `path`: the old file or the new one."""
    unfinished = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        write(unfinished)
        unfinished.replace(path)
    finally:
        unfinished.unlink(missing_ok=True)
    return path


def write_span_html(ws: Workspace, report: SpanReport, path: Path) -> Path:
    """report.html from span.html.j2 (the office's or the packaged one), written as it renders: a year's page
    lists every task, tens of megabytes on a large ledger."""

    def write(unfinished: Path) -> None:
        with unfinished.open("w", encoding="utf-8") as out:
            out.writelines(pieces(ws.root, "span.html.j2", **span_context(report)))

    return replaced(path, write)


def write_span_xlsx(report: SpanReport, path: Path) -> Path:
    """汇总台账.xlsx: 概况, every task, every unit with a chart, completion round by round with a chart."""
    return replaced(path, lambda unfinished: _workbook(report, unfinished))


def _workbook(report: SpanReport, path: Path) -> None:
    created = datetime.combine(report.period.start, time())
    heading = report.heading
    book = new_workbook(path, created, f"{report.title}{heading}汇总台账")
    percent = book.add_format({"num_format": "0.0%", "font_name": FONT, "font_size": 10, "border": 1, "valign": "top"})
    fills = {
        light: book.add_format(
            {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top", "border": 1, "bg_color": colour}
        )
        for light, colour in CELL_FILLS.items()
    }
    _overview(book, report, percent)
    _tasks(book, report, fills)
    _units(book, report, percent)
    _rounds(book, report, percent)
    if report.indicators is not None and report.indicators_round is not None:
        indicator_sheet(book, report.indicators, f"截至{chinese(report.indicators_round)}", fills)
    set_aside_sheet(book, [*report.suspended, *report.cancelled], heading)
    for sheet in book.worksheets():
        page_header(sheet, report.office, f"{report.title}{heading}完成情况", f"数据截至{chinese(report.as_of)}")
    book.close()


def _overview(book: xlsxwriter.Workbook, report: SpanReport, percent):
    due = [u for u in report.units if u.rounds_due]
    rows: list[list[object]] = [
        ["汇总范围", report.coverage_text()],
        ["任务总数", len(report.tasks)],
        ["已完成", report.done],
        ["完成率", round(report.completion, 4)],
        ["未完成", len(report.tasks) - report.done],
        ["其中：逾期未完成", len(report.overdue_tasks)],
        *([LIGHT_NAMES[light], report.counts[light]] for light in LIGHTS),
        ["调度期数（有数据/应有）", f"{len(report.with_data)}/{len(report.run)}"],
        ["牵头任务的单位", len(led_units(report))],
        ["报送情况", report.reporting_text()],  # every round due once, in its state: the 通报's and status's words
        ["各期均按时报送的单位", sum(u.on_time == u.rounds_due for u in due)],
        ["有未报送的单位", sum(bool(u.missing) for u in due)],
        ["有待确认的单位", sum(bool(u.held) for u in due)],
        ["有逾期报送的单位", sum(bool(u.late) for u in due)],
        ["有报送有误的单位", sum(bool(u.with_errors) for u in due)],
        ["数据截至", report.as_of],
        ["报告日期", report.issued],
        # as the round's overview says it, before 暂缓; only when some were closed: one row more and the page of
        # a ledger without any no longer prints at full size
        *([["已销号（计入已完成）", len(report.closed_tasks)]] if report.closed_tasks else []),
        ["暂缓（不计入统计）", len(report.suspended)],
        ["已取消（不计入统计）", len(report.cancelled)],
        ["从任务清单删去（不计入统计）", len(report.removed)],
    ]
    if report.indicators is not None:
        rows.append(["指标数据", report.indicators_as_of_text()])
    widths = [24, 44]
    sheet = table_sheet(book, "概况", f"{report.heading}完成情况概况", ["指标", "数值"], rows, widths)
    sheet.write_number(5, 1, round(report.completion, 4), percent)
    lights_chart(book, sheet, 8, widths)
    return sheet


def _tasks(book: xlsxwriter.Workbook, report: SpanReport, fills):
    headers = [h.format(end=end_name(report)) for h in TASK_HEADERS]
    rows = [
        [
            t.task.id,
            t.task.measure,
            "、".join(t.task.lead_units),
            t.task.deadline.text,
            t.status_text,
            LIGHT_NAMES[t.light],
            done_in_text(t),
            t.completed_text,
            t.progress_text,
        ]
        for t in report.tasks
    ]
    return table_sheet(
        book,
        f"{scope(report)}完成情况",
        f"{report.heading}任务完成情况",
        headers,
        rows,
        TASK_WIDTHS,
        [fills[t.light] for t in report.tasks],
        stream=True,  # a row per task, charted nowhere
    )


def _units(book: xlsxwriter.Workbook, report: SpanReport, percent):
    """单位完成情况: units leading a task first, by completion (the chart's order), then the others."""
    rows = [
        [
            u.unit,
            u.led,
            u.done,
            round(u.completion, 4) if u.led else None,
            u.rounds_due,
            u.returned,
            u.on_time,
            u.late,
            u.missing,
            u.held,
            u.with_errors,
            round(u.returned_rate, 4) if u.rounds_due else None,
            round(u.on_time_rate, 4) if u.rounds_due else None,
            u.contact,
            u.phone,
        ]
        for u in report.units
    ]
    sheet = table_sheet(book, "单位完成情况", f"{report.heading}各单位完成情况", UNIT_HEADERS, rows, UNIT_WIDTHS)
    for r, u in enumerate(report.units, 2):
        if u.led:
            sheet.write_number(r, 3, round(u.completion, 4), percent)
        if u.rounds_due:
            sheet.write_number(r, UNIT_HEADERS.index("报送率"), round(u.returned_rate, 4), percent)
            sheet.write_number(r, UNIT_HEADERS.index("按时报送率"), round(u.on_time_rate, 4), percent)
    completion_charts(book, "单位完成情况", 3, led_units(report))
    return sheet


def _rounds(book: xlsxwriter.Workbook, report: SpanReport, percent):
    """各期完成情况: tasks done by the end of each round, and the line they draw."""
    points = report.points
    rows = [[chinese(p.period), p.done, p.total, round(p.completion, 4)] for p in points]
    sheet = table_sheet(
        book,
        "各期完成情况",
        f"{report.heading}各期完成情况",
        ["期次", "已完成", "任务总数", "完成率"],
        rows,
        [16, 8, 9, 9],
    )
    for r, p in enumerate(points, 2):
        sheet.write_number(r, 3, round(p.completion, 4), percent)
    if points:
        chart = book.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": "完成率",
                "categories": ["各期完成情况", 2, 0, len(points) + 1, 0],
                "values": ["各期完成情况", 2, 3, len(points) + 1, 3],
                "line": {"color": "#1F6FB5", "width": 2.25},
                "marker": {"type": "circle", "size": 6, "fill": {"color": "#1F6FB5"}, "border": {"color": "#1F6FB5"}},
                "data_labels": {
                    "value": True,
                    "position": "above",
                    "custom": [{"value": f"{chinese(p.completion)}（{p.done}/{p.total}）"} for p in points],
                },
            }
        )
        chart.set_title({"name": "各期末累计完成率", "name_font": {"size": 12, "name": FONT}})
        chart.set_y_axis(
            {"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
        )
        chart.set_x_axis({"num_font": {"size": 9, "name": FONT}})
        chart.set_legend({"none": True})
        chart.set_size({"width": max(520, 60 * len(points) + 160), "height": 320})
        sheet.insert_chart("F3", chart)
    return sheet


def write_span_docx(ws: Workspace, report: SpanReport, path: Path, number: int) -> Path:
    """通报.docx: the 全年 (上半年 …) 通报 from the office's Word template, its span section."""
    return replaced(path, lambda unfinished: write_docx(ws, report, span_context(report), unfinished, number))


def write_span_report(ws: Workspace, report: SpanReport, *, number: int | None = None, jobs: int = 1) -> list[Path]:
    """build/<period>/report/汇总台账.xlsx, report.html and 通报.docx of a half-year or a year. `number` is the n
    of the 通报's 发文字号; without it the number given before (or the next of the year) is used. With jobs > 1
    the three are written by that many processes at once (the same files), as a round's report is."""
    folder = ws.paths.report(report.period)
    folder.mkdir(parents=True, exist_ok=True)
    n = bulletin_number(ws.paths, report.period, report.issued.year, number)  # in this process: it is recorded
    calls = [
        functools.partial(write_span_xlsx, report, folder / "汇总台账.xlsx"),
        functools.partial(write_span_html, ws, report, folder / "report.html"),
        functools.partial(write_span_docx, ws, report, folder / "通报.docx", n),
    ]
    return list(in_processes(calls, jobs))
