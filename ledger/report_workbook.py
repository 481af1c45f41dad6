"""汇总台账.xlsx: the monthly report as a workbook an analyst can sort, filter, chart and print.

Rates are real percentages, times real date-times, rows as tall as their text; every chart is sorted, labels
every category with its value, uses saturated colours and grows with the number of categories, so that it
prints as it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time
from pathlib import Path

import xlsxwriter
from xlsxwriter.chart import Chart

from .indicator_table import IndicatorLine, IndicatorTable
from .layout import SUPPORT_FEEDBACK_WIDTH, TASK_COLUMNS, TASK_WIDTHS, task_cells
from .report import LIGHT_NAMES, Completion, Light, MonthlyReport, TaskLine, UnitLine
from .span import SpanTask
from .wording import ROLE_NAMES, chinese, reported_text
from .xlsx import (
    FONT,
    MOMENT_FORMAT,
    MOMENT_WIDTH,
    PAGE_SLACK,
    new_workbook,
    page_header,
    print_landscape,
    printed_page,
    table_sheet,
    year_apart,
)

CELL_FILLS: dict[Light, str] = {"green": "#C6EFCE", "yellow": "#FFEB9C", "red": "#FFC7CE", "grey": "#D9D9D9"}
FILLED = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}  # a light's cells
CHART_COLOURS: dict[Light, str] = {"green": "#00A050", "yellow": "#FFB000", "red": "#E00000", "grey": "#808080"}
TASK_HEADERS = [*TASK_COLUMNS, "灯色", "综合状态", "原因", "牵头单位进展", "存在问题", "配合单位反馈", "上期状态"]
# The report's columns of the round narrow too, so the tasks print at 8 pt (14 wider columns printed them at 6 pt,
# and rows taller than Excel's tallest hid the end of their 配合单位反馈).
TASK_SHEET_WIDTHS = [*TASK_WIDTHS, 6, 9, 9, 16, 11, SUPPORT_FEEDBACK_WIDTH, 7]
UNIT_HEADERS = ["单位", "牵头任务", "已完成", "本单位已完成", "序时推进", "滞后", "未启动", "逾期", "状态有误"]
UNIT_HEADERS += ["未报送", "完成率", "完成情况", "报送情况", "收到时间", "报送错误", "联系人", "联系电话"]
# One A4 landscape page wide at 9 pt or more (10 pt text scaled to fit): 联系人 fits 台账联络员 on a line.
UNIT_WIDTHS = [22, 8, 7, 8, 8, 6, 6, 6, 8, 7, 8, 9, 14, MOMENT_WIDTH, 8, 10, 13]
RATE_COLUMN, RECEIVED_COLUMN = UNIT_HEADERS.index("完成率"), UNIT_HEADERS.index("收到时间")


def task_row(line: TaskLine) -> list[object]:
    single = len(line.task.lead_units) == 1
    cells = task_cells(line.task, new=line.new)
    cells[TASK_COLUMNS.index("完成时限")] = line.deadline_text
    return [
        *cells,
        LIGHT_NAMES[line.light],
        line.status_text,
        line.remark,
        line.progress_text,
        reported_text(line.leads, "issues", single),
        line.support_text,
        line.previous,
    ]


def unit_row(line: UnitLine) -> list[object]:
    return [
        line.unit,
        line.led,
        line.done,
        line.own_done,
        line.on_schedule,
        line.behind,
        line.not_started,
        line.overdue,
        line.invalid,
        line.not_reported,
        round(line.completion, 4) if line.led else None,
        line.completion_text if line.led else "",
        line.reporting,
        None,  # the time received, written as a date-time below
        line.errors,
        line.contact,
        line.phone,
    ]


LIGHTS: list[Light] = ["green", "yellow", "red", "grey"]
COLUMN_SLACK = 1.25  # LibreOffice sets a column up to a quarter wider than Excel's pixels (Calibri's 7 a unit)


def lights_chart(book: xlsxwriter.Workbook, sheet, first_row: int, widths: Sequence[float]) -> None:
    """The 概况 sheet's chart of tasks by light, from its four light rows starting at `first_row` (0-based), in
    column D beside the table of columns `widths`: as wide as the page leaves there, so that the page prints at
    full size (the 全年 workbook's wide 数值 column and a chart as wide as a page printed it at 8 pt)."""
    chart = bar_chart(book, "任务灯色分布", len(LIGHTS))
    beside = sum(int(w * 7 + 0.5) + 5 for w in widths) + 64  # pixels: the table's columns and the empty C
    room = int(printed_page(())[0] / 0.75 * (1 - PAGE_SLACK) - beside * COLUMN_SLACK)
    chart.set_size({"width": min(CHART_WIDTH, room)})
    chart.add_series(
        {
            "name": "任务数",
            "categories": ["概况", first_row, 0, first_row + 3, 0],
            "values": ["概况", first_row, 1, first_row + 3, 1],
            "points": [{"fill": {"color": CHART_COLOURS[light]}} for light in LIGHTS],
            "data_labels": {"value": True},
        }
    )
    chart.set_legend({"none": True})
    sheet.insert_chart("D3", chart)


def bar_chart(book: xlsxwriter.Workbook, title: str, count: int, percent: bool = False):
    """A horizontal bar chart that labels every category, reads top to bottom and is as tall as it needs."""
    chart = book.add_chart({"type": "bar"})
    chart.set_title({"name": title, "name_font": {"size": 12, "name": FONT}})
    chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9, "name": FONT}})
    x_axis: dict[str, object] = {"major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if percent:
        x_axis |= {"num_format": "0%", "max": 1, "min": 0}
    chart.set_x_axis(x_axis)
    chart.set_size({"width": 720, "height": max(260, 24 * count + 110)})
    return chart


BAR_PITCH, CHART_FRAME = 24, 110  # pixels: a labelled bar of a bar chart; its title, axes and margins
CHART_WIDTH, ROW_PIXELS = 720, 20  # pixels: a chart alone on its page; an empty row


def chart_sheet(
    book: xlsxwriter.Workbook,
    table: str,
    count: int,
    chart_of: Callable[[range, int, int], Chart],
    *,
    pitch: int = BAR_PITCH,
    frame: int = CHART_FRAME,
) -> None:
    """A bar chart of `count` categories of the table on sheet `table`, on a sheet of its own named after it
    ("单位统计图"), added next, printed a page at a time.

    Beside its table a chart shrank the table's print to 5 pt; under it, its pages repeated the table's header
    row (print titles are the sheet's) over no table. A chart taller than the printed page ran on over two sheets
    of paper (45 units' completion). Up to a page's worth of bars it is one chart; beyond that the categories are
    shared out among charts of equal length, two side by side on each page, their bars closer together (down to
    two thirds of `pitch`) before they take another page, a page break before each pair.
    `chart_of(categories, width, height)` makes the chart of the categories in that range."""
    if not count:
        return
    sheet = book.add_worksheet(f"{table}图")
    print_landscape(sheet, None)
    page_width, page_height = (points / 0.75 for points in printed_page(()))
    room = int(page_height * (1 - PAGE_SLACK)) - ROW_PIXELS
    fits = max((room - frame) // pitch, 1)
    pages = -(-count // (2 * max((room - frame) * 3 // (2 * pitch), 1))) if count > fits else 1
    per_chart = -(-count // (2 * pages)) if count > fits else count
    width = min(CHART_WIDTH, int(page_width)) if count <= fits else int(page_width) // 2
    breaks, row = [], 0
    for n, first in enumerate(range(0, count, per_chart)):
        categories = range(first, min(first + per_chart, count))
        height = min(room, max(260, pitch * len(categories) + frame))
        if n % 2 == 0 and row:
            breaks.append(row)
        sheet.insert_chart(row + 1, 0, chart_of(categories, width - 10, height), {"x_offset": (n % 2) * width})
        if n % 2 == 1 or count <= fits:
            row += 1 + -(-room // ROW_PIXELS)
    sheet.set_h_pagebreaks(breaks)


def write_xlsx(report: MonthlyReport, path: Path, *, jobs: int = 1) -> Path:
    """汇总台账.xlsx; with jobs > 1 its long tables (tasks, issues) are made side by side (the same file)."""
    created = datetime.combine(report.period.start, time())
    label = chinese(report.period)
    book = new_workbook(path, created, f"{report.title}{label}汇总台账", jobs=jobs)
    percent = book.add_format({"num_format": "0.0%", "font_name": FONT, "font_size": 10, "border": 1, "valign": "top"})
    moment = book.add_format(
        {"num_format": MOMENT_FORMAT, "font_name": FONT, "font_size": 10, "border": 1, "valign": "top"}
    )
    fills = {light: book.add_format({**FILLED, "bg_color": colour}) for light, colour in CELL_FILLS.items()}
    _overview(book, report, label, percent)
    rows = [task_row(t) for t in report.tasks]
    # A row per task, charted nowhere: streamed (xlsx.Workbook), rows fitted to their text by table_sheet. Written
    # cell by cell and fitted a second time here, it was two thirds of the report's time on 20,000 tasks.
    table_sheet(
        book,
        "汇总台账",
        f"{label}汇总台账",
        [*TASK_HEADERS[:-1], report.previous_header],
        rows,
        TASK_SHEET_WIDTHS,
        [fills[t.light] for t in report.tasks],
        stream=True,
    )
    _units(book, report, label, percent, moment)
    if report.indicators is not None:
        indicator_sheet(book, report.indicators, label, fills)
    _categories(book, report, label, percent)
    _changes(book, report, label)
    issues = [[i.task.task.id, i.task.task.measure, i.unit, ROLE_NAMES[i.role], i.text] for i in report.issues]
    table_sheet(
        book,
        "存在问题",
        f"{label}存在问题和需协调事项",
        ["任务编号", "具体措施", "单位", "角色", "存在问题"],
        issues,
        [9, 40, 24, 12, 50],
        stream=True,  # as long as the task table on a large ledger, and charted nowhere
    )
    contacts = [[u.unit, u.asked, u.contact, u.phone] for u in report.missing_units]
    table_sheet(
        book,
        "未报送单位",
        f"{label}未报送单位",
        ["单位", "本期牵头任务数", "联系人", "联系电话"],
        contacts,
        [30, 10, 12, 16],
    )
    set_aside_sheet(book, [*report.suspended, *report.cancelled], label)
    wrong = [[u.unit, u.reporting, u.errors, u.contact, u.phone] for u in report.error_units]
    table_sheet(
        book,
        "报送有误单位",
        f"{label}报送有误单位",
        ["单位", "情况", "错误数", "联系人", "联系电话"],
        wrong,
        [30, 22, 8, 12, 16],
    )
    if report.redo_units:
        table_sheet(
            book,
            "退回重报单位",
            f"{label}退回重报单位",
            ["单位", "退回原因", "联系人", "联系电话"],
            [[u.unit, u.sent_back, u.contact, u.phone] for u in report.redo_units],
            [30, 40, 12, 16],
        )
    for sheet in book.worksheets():  # a loose printed page still says whose and which round it is
        page_header(sheet, report.office, f"{report.title}{label}汇总台账", f"数据截至{chinese(report.as_of)}")
    book.close()
    return book.written


def _overview(book: xlsxwriter.Workbook, report: MonthlyReport, label: str, percent) -> None:
    s = report.summary()
    red_label = "红灯（含未报送）" if report.unreported_light == "red" else "红灯"
    overview: list[list[object]] = [
        ["任务总数", len(report.tasks)],
        ["已完成", report.done],
        ["完成率", round(report.completion, 4)],
        ["绿灯", report.counts["green"]],
        ["黄灯", report.counts["yellow"]],
        [red_label, report.counts["red"]],
        ["未报送", report.counts["grey"]],
        ["其中：红灯逾期", report.red_overdue],
        ["其中：牵头单位未报送", report.unreported],
        ["状态有误（待核实）", len(report.invalid_tasks)],
        ["已销号（计入已完成）", len(report.closed_tasks)],
        ["暂缓（不计入统计）", len(report.suspended)],
        ["已取消（不计入统计）", len(report.cancelled)],
        ["应报送单位", s["units"]["expected"]],
        ["已报送单位", len(s["units"]["returned"])],
        ["未报送单位", len(s["units"]["missing"])],
        ["报送有误单位", len(s["units"]["with_errors"])],
        ["退回重报单位", len(s["units"]["redo"])],
        ["逾期报送单位", len(s["units"]["late"])],
        [f"{report.period.this_round}新完成", "—" if report.first_month else len(report.newly_done)],
        [f"{report.period.this_round}新逾期", "—" if report.first_month else len(report.newly_overdue)],
        ["数据截至", report.as_of],
        ["报告日期", report.issued],
        ["下期报送截止", report.next_due],
    ]
    if report.adjustments_text():
        overview.append(["本期任务变动", report.adjustments_text()])
    widths = [22, 14]
    sheet = table_sheet(book, "概况", f"{label}调度概况", ["指标", "数值"], overview, widths)
    sheet.write_number(4, 1, round(report.completion, 4), percent)
    lights_chart(book, sheet, 5, widths)


def _units(book: xlsxwriter.Workbook, report: MonthlyReport, label: str, percent, moment) -> None:
    """单位统计, units that lead a task first by completion rate (the chart's order), then the others."""
    charted = report.chart_units
    order = charted + [u for u in report.units if not u.led]
    rows = [unit_row(u) for u in order]
    sheet = table_sheet(book, "单位统计", f"{label}各单位完成情况", UNIT_HEADERS, rows, UNIT_WIDTHS)
    for r, unit in enumerate(order, 2):
        if unit.led:
            sheet.write_number(r, RATE_COLUMN, round(unit.completion, 4), percent)
        if unit.received is not None:
            sheet.write_datetime(r, RECEIVED_COLUMN, unit.received.replace(tzinfo=None), moment)
    completion_charts(book, "单位统计", RATE_COLUMN, charted)


def completion_charts(book: xlsxwriter.Workbook, name: str, column: int, charted: Sequence[Completion]) -> None:
    """各单位牵头任务完成率 of the table of units on sheet `name` whose first rows are `charted` (their rates in
    `column`), on the sheet after it."""

    def chart_of(units: range, width: int, height: int) -> Chart:
        title = "各单位牵头任务完成率（已完成/牵头任务）" + ("（续）" if units.start else "")
        chart = bar_chart(book, title, len(units), percent=True)
        chart.add_series(
            {
                "name": "完成率",
                "categories": [name, 2 + units.start, 0, 1 + units.stop, 0],
                "values": [name, 2 + units.start, column, 1 + units.stop, column],
                "fill": {"color": "#1F6FB5"},
                "data_labels": {
                    "value": True,
                    "custom": [
                        {"value": f"{chinese(u.completion)}（{u.completion_text}）"}
                        for u in charted[units.start : units.stop]
                    ],
                },
            }
        )
        chart.set_legend({"none": True})
        chart.set_size({"width": width, "height": height})
        return chart

    chart_sheet(book, name, len(charted), chart_of)


INDICATOR_HEADERS = [
    *("指标编号", "指标名称", "计量单位", "基期值", "目标值", "本期完成值", "数据截至", "上期完成值", "较上期"),
    *("完成率", "序时进度", "灯色", "原因", "牵头单位", "其他单位填报", "提示"),
]
# As narrow as their usual text needs: 16 columns print at 8 pt on A4 landscape (wider, they printed at 7 pt).
INDICATOR_WIDTHS = [8, 22, 4, 11, 11, 9, 10, 9, 7, 7, 7, 6, 18, 12, 12, 10]
COMPLETION_COLUMN = INDICATOR_HEADERS.index("完成率")


def indicator_row(line: IndicatorLine) -> list[object]:
    """An indicator in the round's table; 完成率 and 序时进度 as fractions, shown as percentages; a value's
    year on a line of its own when the two do not fit on one."""
    j = line.judgement
    return [
        j.indicator.id,
        j.indicator.name,
        j.indicator.unit,
        year_apart(j.indicator.baseline_text, INDICATOR_WIDTHS[INDICATOR_HEADERS.index("基期值")]),
        year_apart(line.target_text, INDICATOR_WIDTHS[INDICATOR_HEADERS.index("目标值")]),
        line.value_text,
        line.as_of_text,
        line.last,
        line.change_text,
        None if j.completion is None else round(j.completion / 100, 4),
        None if j.schedule is None else round(j.schedule / 100, 4),
        j.light_name,
        j.reason,
        line.lead,
        line.others_text,
        "\n".join(line.hints),
    ]


def set_aside_sheet(book: xlsxwriter.Workbook, lines: Sequence[TaskLine | SpanTask], label: str) -> None:
    """暂缓和取消 (a round's or a span's), when the office suspended or cancelled a task: what, since when, why."""
    rows = [
        [t.task.id, t.task.measure, "、".join(t.task.lead_units), t.status, life.since_label, life.why]
        for t in lines
        if (life := t.task.lifecycle) is not None
    ]
    if rows:
        table_sheet(
            book,
            "暂缓和取消",
            f"{label}暂缓和已取消的任务（不计入统计）",
            ["任务编号", "具体措施", "牵头单位", "状态", "起始期次", "原因"],
            rows,
            [9, 40, 20, 8, 12, 30],
        )


def indicator_sheet(book: xlsxwriter.Workbook, table: IndicatorTable, label: str, fills) -> None:
    """指标完成情况 (titled "{label}主要指标完成情况"): a row per indicator coloured by its light, and a chart of
    完成率 against 序时进度 for the numeric ones, the furthest behind first (its data beside the table, hidden)."""
    rows = [indicator_row(line) for line in table.lines]
    formats = [fills[line.light] for line in table.lines]
    sheet = table_sheet(
        book, "指标完成情况", f"{label}主要指标完成情况", INDICATOR_HEADERS, rows, INDICATOR_WIDTHS, formats
    )
    rates = {
        light: book.add_format({**FILLED, "num_format": "0.0%", "bg_color": CELL_FILLS[light]}) for light in LIGHTS
    }
    for r, (row, line) in enumerate(zip(rows, table.lines, strict=True), 2):
        for c in (COMPLETION_COLUMN, COMPLETION_COLUMN + 1):
            if row[c] is not None:
                sheet.write_number(r, c, row[c], rates[line.light])
    charted = sorted(
        (line for line in table.lines if line.judgement.completion is not None and line.judgement.schedule is not None),
        key=lambda line: (line.judgement.completion or 0) - (line.judgement.schedule or 0),
    )
    if not charted:
        return
    first = len(INDICATOR_HEADERS) + 1
    for r, line in enumerate(charted, 2):
        sheet.write_string(r, first, line.indicator.name)
        sheet.write_number(r, first + 1, round((line.judgement.completion or 0) / 100, 4))
        sheet.write_number(r, first + 2, round((line.judgement.schedule or 0) / 100, 4))
    sheet.set_column(first, first + 2, None, None, {"hidden": True})

    def chart_of(indicators: range, width: int, height: int) -> Chart:
        chart = book.add_chart({"type": "bar"})
        title = "主要指标完成率与序时进度" + ("（续）" if indicators.start else "")
        chart.set_title({"name": title, "name_font": {"size": 12, "name": FONT}})
        chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9, "name": FONT}})
        x_axis = {"num_format": "0%", "min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
        chart.set_x_axis(x_axis)
        span = (2 + indicators.start, 1 + indicators.stop)
        for offset, name, colour in ((1, "完成率", "#1F6FB5"), (2, "序时进度", "#A6A6A6")):
            chart.add_series(
                {
                    "name": name,
                    "categories": ["指标完成情况", span[0], first, span[1], first],
                    "values": ["指标完成情况", span[0], first + offset, span[1], first + offset],
                    "fill": {"color": colour},
                    "data_labels": {"value": True, "num_format": "0.0%", "font": {"size": 8}},
                }
            )
        chart.set_legend({"position": "top"})
        chart.show_hidden_data()
        chart.set_size({"width": width, "height": height})
        return chart

    chart_sheet(book, "指标完成情况", len(charted), chart_of, pitch=40, frame=130)


def _categories(book: xlsxwriter.Workbook, report: MonthlyReport, label: str, percent) -> None:
    """分类统计 with the document of each category, sorted by completion rate, and a stacked chart of lights."""
    found = sorted(report.categories(), key=lambda c: (-c["done"] / c["total"], c["document"], c["category"]))
    lights: list[Light] = ["green", "yellow", "red", "grey"]
    headers = ["任务清单", "类别", "任务数", "已完成", "完成率", *(LIGHT_NAMES[light] for light in lights)]
    rows = [
        [
            c["document"],
            c["category"],
            c["total"],
            c["done"],
            round(c["done"] / c["total"], 4),
            *(c[light] for light in lights),
        ]
        for c in found
    ]
    widths = [30, 30, 8, 8, 8, 7, 7, 7, 7]
    sheet = table_sheet(book, "分类统计", f"{label}分类完成情况", headers, rows, widths)
    for r, c in enumerate(found, 2):
        sheet.write_number(r, 4, round(c["done"] / c["total"], 4), percent)

    def chart_of(categories: range, width: int, height: int) -> Chart:
        chart = book.add_chart({"type": "bar", "subtype": "stacked"})
        first, last = 2 + categories.start, 1 + categories.stop
        for column, light in enumerate(lights, 5):
            chart.add_series(
                {
                    "name": LIGHT_NAMES[light],
                    "categories": ["分类统计", first, 1, last, 1],
                    "values": ["分类统计", first, column, last, column],
                    "fill": {"color": CHART_COLOURS[light]},
                    "data_labels": {"value": True, "num_format": "0;;;", "font": {"color": "#FFFFFF", "bold": True}},
                }
            )
        title = "各类别任务灯色（按完成率排序）" + ("（续）" if categories.start else "")
        chart.set_title({"name": title, "name_font": {"size": 12, "name": FONT}})
        chart.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"size": 9, "name": FONT}})
        chart.set_legend({"position": "top"})
        chart.set_size({"width": width, "height": height})
        return chart

    chart_sheet(book, "分类统计", len(found), chart_of, pitch=26, frame=130)


def _changes(book: xlsxwriter.Workbook, report: MonthlyReport, label: str) -> None:
    this, last = report.period.this_round, report.last_round
    headers = ["变化", "任务编号或单位", "具体措施", last, this]
    if report.first_month:
        rows: list[list[object]] = [["本期为首次调度", "", "无上期数据，不作比较", "", ""]]
    else:
        rows = [[f"{this}新完成", t.task.id, t.task.measure, t.previous, t.status_text] for t in report.newly_done]
        rows += [[f"{this}新逾期", t.task.id, t.task.measure, t.previous, t.status_text] for t in report.newly_overdue]
        rows += [["状态变化", t.task.id, t.task.measure, t.previous, t.status_text] for t in report.changed]
        rows += [
            ["报送好转" if c.better else "报送变差", c.unit, "", c.before, c.after] for c in report.reporting_changes
        ]
    widths = [12, 24, 60, 16, 16]
    table_sheet(book, f"{this}变化", f"{label}与{last}相比", headers, rows, widths)
