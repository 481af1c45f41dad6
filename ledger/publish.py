"""Write the monthly report three ways — workbook, web page, Word bulletin — from one MonthlyReport."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from docxtpl import DocxTemplate

from .layout import TASK_COLUMNS, task_cells
from .report import LIGHT_NAMES, MonthlyReport, TaskLine, UnitLine, report_context
from .templating import template
from .wording import reported_text, supports_text
from .workspace import DEFAULTS, Workspace
from .xlsx import fixed_package, new_workbook, table_sheet

LIGHT_FILLS = {"green": "#C6EFCE", "yellow": "#FFEB9C", "red": "#FFC7CE"}
BULLETIN_TEMPLATE = "通报.docx"


def task_row(line: TaskLine) -> list[object]:
    single = len(line.task.lead_units) == 1
    return [
        *task_cells(line.task),
        LIGHT_NAMES[line.light],
        line.status,
        line.reason,
        reported_text(line.leads, "progress", single),
        reported_text(line.leads, "issues", single),
        supports_text(line.supports),
        line.previous,
    ]


def unit_row(line: UnitLine) -> list[object]:
    state = "未报送" if not line.returned else "按时报送" if line.on_time else "逾期报送"
    return [
        line.unit,
        line.led,
        line.done,
        line.on_schedule,
        line.behind,
        line.not_started,
        line.overdue,
        line.not_reported,
        round(line.completion, 4),
        state,
        line.received_at,
        line.errors,
    ]


def write_xlsx(report: MonthlyReport, path: Path) -> Path:
    created = datetime(report.period.year, report.period.month, 1)
    book = new_workbook(path, created, f"{report.title} {report.period.label}汇总台账")
    percent = book.add_format({"num_format": "0.0%", "font_name": "宋体", "border": 1})
    fills = {
        light: book.add_format(
            {"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top", "border": 1, "bg_color": color}
        )
        for light, color in LIGHT_FILLS.items()
    }
    s = report.summary()
    overview = [
        ["任务总数", len(report.tasks)],
        ["已完成", report.done],
        ["完成率", round(report.completion, 4)],
        ["绿灯", report.counts["green"]],
        ["黄灯", report.counts["yellow"]],
        ["红灯", report.counts["red"]],
        ["应报送单位", s["units"]["expected"]],
        ["已报送单位", len(s["units"]["returned"])],
        ["未报送单位", len(s["units"]["missing"])],
        ["逾期报送单位", len(s["units"]["late"])],
        ["报送有误单位", len(s["units"]["with_errors"])],
        ["本月新完成", len(report.newly_done)],
        ["本月新逾期", len(report.newly_overdue)],
    ]
    sheet = table_sheet(
        book, "概况", f"{report.title}　{report.period.label}调度概况", ["指标", "数值"], overview, [20, 14]
    )
    sheet.write_number(4, 1, round(report.completion, 4), percent)
    pie = book.add_chart({"type": "pie"})
    pie.add_series(
        {
            "name": "任务灯色",
            "categories": ["概况", 5, 0, 7, 0],
            "values": ["概况", 5, 1, 7, 1],
            "points": [{"fill": {"color": LIGHT_FILLS[k]}} for k in ("green", "yellow", "red")],
            "data_labels": {"value": True},
        }
    )
    pie.set_title({"name": "任务灯色分布"})
    sheet.insert_chart("D3", pie)
    headers = [*TASK_COLUMNS, "灯色", "综合状态", "原因", "牵头单位进展", "存在问题", "配合单位反馈", "上月状态"]
    table_sheet(
        book,
        "汇总台账",
        f"{report.title}　{report.period.label}汇总台账",
        headers,
        [task_row(t) for t in report.tasks],
        [9, 5, 14, 36, 11, 14, 16, 6, 9, 12, 30, 18, 30, 9],
        [fills[t.light] for t in report.tasks],
        stream=True,  # a row per task, charted nowhere: written as XML directly (xlsx.Workbook)
    )
    unit_headers = [
        "单位",
        "牵头任务",
        "已完成",
        "序时推进",
        "滞后",
        "未启动",
        "逾期",
        "未报送",
        "完成率",
        "报送情况",
        "收到时间",
        "报送错误",
    ]
    units = table_sheet(
        book,
        "单位统计",
        f"{report.period.label}各单位完成情况",
        unit_headers,
        [unit_row(u) for u in report.units],
        [28, 8, 8, 8, 6, 6, 6, 6, 8, 10, 20, 8],
    )
    units.set_column(8, 8, 8, percent)
    if report.units:
        bar = book.add_chart({"type": "bar"})
        last = len(report.units) + 1
        bar.add_series(
            {
                "name": "完成率",
                "categories": ["单位统计", 2, 0, last, 0],
                "values": ["单位统计", 2, 8, last, 8],
                "fill": {"color": "#5B9BD5"},
            }
        )
        bar.set_title({"name": "各单位牵头任务完成率"})
        bar.set_y_axis({"reverse": True})
        bar.set_x_axis({"num_format": "0%", "max": 1})
        bar.set_legend({"none": True})
        bar.set_size({"width": 640, "height": max(320, 18 * len(report.units))})
        units.insert_chart("N3", bar)
    categories = report.categories()
    cats = table_sheet(
        book,
        "分类统计",
        f"{report.period.label}分类完成情况",
        ["类别", "任务数", "已完成", "绿灯", "黄灯", "红灯"],
        [[c["category"], c["total"], c["done"], c["green"], c["yellow"], c["red"]] for c in categories],
        [30, 8, 8, 8, 8, 8],
    )
    if categories:
        stack = book.add_chart({"type": "bar", "subtype": "stacked"})
        last = len(categories) + 1
        for column, light in ((3, "green"), (4, "yellow"), (5, "red")):
            stack.add_series(
                {
                    "name": LIGHT_NAMES[light],
                    "categories": ["分类统计", 2, 0, last, 0],
                    "values": ["分类统计", 2, column, last, column],
                    "fill": {"color": LIGHT_FILLS[light]},
                }
            )
        stack.set_title({"name": "各类别任务灯色"})
        stack.set_y_axis({"reverse": True})
        cats.insert_chart("H3", stack)
    changes = [["本月新完成", t.task.id, t.task.measure, t.previous, t.status] for t in report.newly_done]
    changes += [["本月新逾期", t.task.id, t.task.measure, t.previous, t.status] for t in report.newly_overdue]
    changes += [["状态变化", t.task.id, t.task.measure, t.previous, t.status] for t in report.changed]
    table_sheet(
        book,
        "本月变化",
        f"{report.period.label}与上月相比",
        ["变化", "任务编号", "具体措施", "上月", "本月"],
        changes,
        [12, 9, 60, 10, 10],
        stream=True,
    )
    table_sheet(
        book,
        "未报送单位",
        f"{report.period.label}未报送单位",
        ["单位", "牵头任务数"],
        [[u.unit, u.led] for u in report.missing_units],
        [30, 10],
        stream=True,
    )
    book.close()
    return path


def write_html(ws: Workspace, report: MonthlyReport, path: Path) -> Path:
    html = template(ws.root, "report.html.j2").render(**report_context(report))
    path.write_text(html, encoding="utf-8")
    return path


def write_docx(ws: Workspace, report: MonthlyReport, path: Path) -> Path:
    own = ws.root / "templates" / BULLETIN_TEMPLATE
    document = DocxTemplate(str(own if own.is_file() else DEFAULTS / "templates" / BULLETIN_TEMPLATE))
    document.render(report_context(report), autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(fixed_package(buffer.getvalue(), datetime(report.period.year, report.period.month, 1)))
    return path


def write_report(ws: Workspace, report: MonthlyReport) -> list[Path]:
    """build/<period>/report/汇总台账.xlsx, report.html and 通报.docx."""
    folder = ws.paths.report(report.period)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_xlsx(report, folder / "汇总台账.xlsx"),
        write_html(ws, report, folder / "report.html"),
        write_docx(ws, report, folder / "通报.docx"),
    ]
