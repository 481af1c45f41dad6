"""The whole monthly cycle on the shipped example, and every figure checked in all three outputs.

Expectations are computed here from the merged entries with the rules as the README states them, not with
the code under test.
"""

import dataclasses
import html
import json
import re
import subprocess
import unicodedata
from collections import Counter
from datetime import date, timedelta

import docx
import jinja2
import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from ledger import load_workspace
from ledger.cli import main
from ledger.collect import collect_returns
from ledger.deadlines import add_working_days, chinese_date, chinese_moment, parse_deadline, scheduled_due
from ledger.history import build_history
from ledger.master import write_merge
from ledger.merge import merge_period
from ledger.model import Period, Task
from ledger.outbox import read_manifest
from ledger.publish import write_html, write_report
from ledger.render import render_period
from ledger.report import build_report, light_of
from ledger.samples import make_sample_returns
from ledger.statuses import consolidate

from .conftest import copy_example, fill_return, libreoffice_pdf, require_binary

JUNE, JULY = Period(2021, 6), Period(2021, 7)
STATUSES = ["已完成", "序时推进", "滞后", "未启动"]


def run_cycle(root, period):
    ws = load_workspace(root)
    history = build_history(ws, period)
    render_period(ws, period, history)
    inbox = root / "build" / str(period) / "inbox"
    make_sample_returns(ws, read_manifest(ws.paths, period), inbox)
    collect_returns(ws.paths, period, [inbox])
    merged = merge_period(ws, period)
    write_merge(ws, merged)
    issued = scheduled_due(period, ws.config.rhythm) + timedelta(days=4)  # a few days after the returns
    report = build_report(ws, period, merged, history, issued=issued)
    return ws, merged, report, write_report(ws, report)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("report") / "ws")
    return run_cycle(root, JUNE)


def expected_figures(ws, merged, period, before=None):
    """Lights and unit figures from the merged entries, by the README's rules."""
    before = before or {}
    as_of = period.last_day
    soon = add_working_days(as_of, ws.config.due_soon_days)
    lead_status = {(e.task_id, e.unit): "".join(e.status.split()) for e in merged.entries if e.role == "lead"}
    lights, statuses = {}, {}
    for task in ws.tasks:
        if task.lead_units and all(before.get((task.id, u)) == "已完成" for u in task.lead_units):
            status = "已完成"
        else:
            given = [lead_status.get((task.id, u), "") for u in task.lead_units]
            if not given or not all(given):
                status = "未报送"
            elif any(s not in STATUSES for s in given):
                status = "状态有误（待核实）"
            elif all(s == "已完成" for s in given):
                status = "已完成"
            elif "滞后" in given:
                status = "滞后"
            elif "未启动" in given:
                status = "未启动"
            else:
                status = "序时推进"
        due = task.deadline.due
        if status == "已完成":
            light = "green"
        elif due and due <= as_of:  # not done by the end of the round's last day
            light = "red"
        elif status == "未报送":
            light = "grey"  # counted apart from the lights of reported progress
        elif (
            status in ("滞后", "状态有误（待核实）")
            or (due and due <= soon)
            or (status == "未启动" and (task.deadline.start is None or task.deadline.start <= as_of))
        ):
            light = "yellow"
        else:
            light = "green"
        lights[task.id], statuses[task.id] = light, status
    overdue = [t.id for t in ws.tasks if t.deadline.due and t.deadline.due <= as_of and statuses[t.id] != "已完成"]
    returned = {r.unit for r in merged.returns if r.state == "merged"}
    deadline = scheduled_due(period, ws.config.rhythm)
    late = {r.unit for r in merged.returns if r.state == "merged" and date.fromisoformat(r.received_at[:10]) > deadline}
    return lights, statuses, overdue, returned, late


def test_the_cycle_produces_all_three_outputs(cycle):
    _, merged, report, paths = cycle
    assert [p.name for p in paths] == ["汇总台账.xlsx", "report.html", "通报.docx"]
    assert all(p.stat().st_size > 1000 for p in paths)
    s = merged.stats
    assert s["refused"] >= 1 and s["superseded"] >= 1 and s["errors"] >= 1  # some units made mistakes
    assert report.missing_units and report.late_units  # some were silent, some late


def test_a_page_template_that_fails_leaves_the_last_page_whole(cycle, tmp_path):
    ws, _, report, _ = cycle
    office = dataclasses.replace(ws, root=tmp_path / "ws")
    (office.root / "templates").mkdir(parents=True)
    (office.root / "templates" / "report.html.j2").write_text(
        "{% for t in r.tasks %}{{ t.task.id }}{% endfor %}{{ no_such_thing }}", encoding="utf-8"
    )
    page = tmp_path / "report.html"
    page.write_text("上月的页面", encoding="utf-8")
    with pytest.raises(jinja2.UndefinedError):
        write_html(office, report, page)
    assert page.read_text(encoding="utf-8") == "上月的页面"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "ws"]  # no half-written page left


def test_the_outputs_written_by_several_processes_are_the_same_files(cycle):
    ws, _, report, paths = cycle
    alone = [p.read_bytes() for p in paths]
    assert [p.read_bytes() for p in write_report(ws, report, jobs=4)] == alone  # the workbook's tables shared out too


def test_summary_matches_independent_expectations(cycle):
    ws, merged, report, _ = cycle
    lights, statuses, overdue, returned, late = expected_figures(ws, merged, JUNE)
    summary = report.summary()
    assert summary["lights"] == {k: Counter(lights.values())[k] for k in ("green", "yellow", "red", "grey")}
    assert summary["done"] == sum(s == "已完成" for s in statuses.values())
    assert sorted(summary["overdue"]) == sorted(overdue)
    assert set(summary["units"]["returned"]) == returned
    assert set(summary["units"]["late"]) == late
    expected_units = {u for t in ws.tasks for u in (*t.lead_units, *t.support_units)}
    refused = {p.unit for p in merged.problems if p.severity == "error" and p.unit} - returned
    held = {r.unit for r in merged.returns if r.state == "held"} - returned - refused  # sender not the unit's
    assert held and set(summary["units"]["held"]) == held  # the samples include two such replies
    assert set(summary["units"]["missing"]) == expected_units - returned - refused - held
    assert set(summary["units"]["refused"]) == refused
    assert {t.task.id: t.light for t in report.tasks} == lights


def test_workbook_figures(cycle):
    ws, merged, report, paths = cycle
    lights, statuses, _overdue, _returned, _late = expected_figures(ws, merged, JUNE)
    book = openpyxl.load_workbook(paths[0])
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=3, values_only=True)}
    counts = Counter(lights.values())
    assert (overview["任务总数"], overview["绿灯"], overview["黄灯"], overview["红灯"]) == (
        len(ws.tasks),
        counts["green"],
        counts["yellow"],
        counts["red"],
    )
    assert overview["未报送"] == counts["grey"]
    assert overview["已完成"] == sum(s == "已完成" for s in statuses.values())
    assert overview["未报送单位"] == len(report.missing_units)
    names = {"绿灯": "green", "黄灯": "yellow", "红灯": "red", "未报送": "grey"}
    ledger_rows = {r[0]: names[r[7]] for r in book["汇总台账"].iter_rows(min_row=3, values_only=True)}
    assert ledger_rows == lights
    assert book["汇总台账"]["A3"].fill.fgColor.rgb[-6:] in ("C6EFCE", "FFEB9C", "FFC7CE")
    assert len(book["概况"]._charts) == 1 and len(book["单位统计图"]._charts) == 2  # 44 units: two side by side
    # each table's chart on a sheet after it: beside the table it shrank the table's print to 6 pt, under it
    # its pages repeated the table's header over no table
    for table in ("单位统计", "指标完成情况", "分类统计"):
        charts = book[f"{table}图"]
        assert book.sheetnames.index(f"{table}图") == book.sheetnames.index(table) + 1
        assert not book[table]._charts and charts._charts and charts.print_title_rows is None
        assert charts.page_setup.orientation == "landscape" and charts.oddFooter.center.text == "第&P页"
    missing = [r[0] for r in book["未报送单位"].iter_rows(min_row=3, values_only=True)]
    assert set(missing) == {u.unit for u in report.missing_units}


def test_workbook_prints_its_dates_as_offices_write_them(cycle, tmp_path):
    """概况 and 单位统计 as LibreOffice prints them: 2021年7月9日 and 2021年7月4日10:30, never 2021-07-09, and no
    time cut to ###."""
    *_, report, paths = cycle
    book = openpyxl.load_workbook(paths[0])
    for name in book.sheetnames:
        if name not in ("概况", "单位统计"):
            del book[name]
    book.save(tmp_path / "two.xlsx")
    with pdfplumber.open(libreoffice_pdf(tmp_path / "two.xlsx", tmp_path)) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    assert "#" not in text and not re.search(r"\d{4}-\d\d-\d\d", text)
    assert "数据截至 2021年6月30日" in text and f"报告日期 {chinese_date(report.issued)}" in text
    received = [u.received for u in report.units if u.received is not None]
    assert received and all(chinese_moment(r) in text for r in received)


def test_every_printed_page_of_the_workbook_says_whose_and_which_round(cycle):
    """A loose page of the 87 a clerk prints from 汇总台账.xlsx said only 第37页; the 全年 workbook's pages and the
    units' workbooks name office, report and date on every page, and so does the month's now."""
    *_, report, paths = cycle
    for sheet in openpyxl.load_workbook(paths[0]):
        header = sheet.oddHeader
        assert (header.left.text, header.center.text, header.right.text) == (
            report.office,
            f"{report.title}2021年6月汇总台账",
            "数据截至2021年6月30日",
        ), sheet.title


def test_no_column_prints_empty_bordered_cells_below_its_table(cycle):
    """A format given to a whole column borders every empty cell of it: 单位统计 printed a column of empty boxes
    down the pages of its chart. Only the table's own cells are bordered."""
    *_, paths = cycle
    book = openpyxl.load_workbook(paths[0])
    bordered = [(s.title, k) for s in book for k, d in s.column_dimensions.items() if d.border.left.style]
    assert bordered == []


@pytest.fixture(scope="module")
def workbook_pdf(cycle, tmp_path_factory):
    """汇总台账.xlsx as LibreOffice prints it: each page's characters."""
    *_, paths = cycle
    with pdfplumber.open(libreoffice_pdf(paths[0], tmp_path_factory.mktemp("workbook"))) as document:
        yield [page.chars for page in document.pages]


def printed(chars) -> str:
    return re.sub(r"\s", "", "".join(c["text"] for c in chars))


def test_units_chart_prints_on_one_page(cycle, workbook_pdf):
    """The example's 44 units that lead a task, charted by completion: the chart ran over two sheets of paper.
    All its bars and their labels (100.0%（1/1）) are on one page, in two charts side by side."""
    *_, report, _paths = cycle
    pages = [printed(chars) for chars in workbook_pdf]
    charted = [n for n, text in enumerate(pages) if "各单位牵头任务完成率" in text]
    assert len(report.chart_units) > 40 and len(charted) == 1
    labels = re.findall(r"\d+\.\d%（\d+/\d+）", pages[charted[0]])  # the rate as the tables give it
    assert sorted(labels) == sorted(f"{u.completion:.1%}（{u.completion_text}）" for u in report.chart_units)
    assert "主要指标完成情况" in pages[charted[0] + 1]  # the next page is the next sheet's


def test_no_chart_page_repeats_a_table_header(workbook_pdf):
    """The charts printed under 单位统计, 指标完成情况 and 分类统计 had the table's header row (its print titles)
    at the top of their pages, over no table. On sheets of their own, their pages show the charts alone."""
    pages = [printed(chars) for chars in workbook_pdf]
    for title, header in (
        ("各单位牵头任务完成率", "联系电话"),
        ("主要指标完成率与序时进度", "指标编号"),
        ("各类别任务灯色", "任务清单"),
    ):
        charted = [text for text in pages if title in text]
        assert charted and all(header not in text for text in charted), title


def test_task_sheet_prints_at_a_readable_size(workbook_pdf):
    """汇总台账's 14 columns, fitted to the width of an A4 page, printed the tasks at 6 pt (LibreOffice scaled the
    sheet to 59 %), and six rows taller than Excel's tallest row hid the end of their 配合单位反馈. The columns are
    as narrow as their usual text needs, the width going to 配合单位反馈: the tasks print at 8 pt or more."""
    pages = [chars for chars in workbook_pdf if "配合单位反馈" in printed(chars)]
    assert pages
    for chars in pages:
        body = Counter(round(c["size"], 1) for c in chars if c["text"].strip())
        assert body.most_common(1)[0][0] >= 8


def test_indicator_table_prints_at_a_readable_size(workbook_pdf):
    """指标完成情况's 16 columns printed at 7 pt: they are as narrow as their usual text needs, 8 pt or more."""
    pages = [chars for chars in workbook_pdf if "指标编号" in printed(chars)]
    assert pages
    for chars in pages:
        body = Counter(round(c["size"], 1) for c in chars if c["text"].strip())
        assert body.most_common(1)[0][0] >= 8


def test_master_ledger_prints_its_tasks_at_a_readable_size(cycle, tmp_path):
    """merged.xlsx's 汇总台账 (15 columns with the office's two fill-in columns) printed at 5 pt, and six rows
    taller than a row can be hid the end of their 配合单位反馈: its columns are those of the report's task sheet.
    Its 指标 sheet wrote the day a value stands for as 2021-05-31, and 汇总台账 and 填报明细 a 完成时间 so too."""
    from ledger.xlsx import LINE_HEIGHT, MAX_ROW_HEIGHT, wrapped_lines

    ws, *_ = cycle
    book = openpyxl.load_workbook(ws.paths.merged_xlsx(JUNE))
    for name in book.sheetnames:
        if name not in ("汇总台账", "指标"):  # 指标 (13 columns of every unit's values) printed at 7 pt
            del book[name]
    sheet = book["汇总台账"]
    widths = [int(sheet.column_dimensions[chr(ord("A") + c)].width) for c in range(sheet.max_column)]  # less 0.71
    lines = [
        max(wrapped_lines(v, w) for v, w in zip(row, widths, strict=True) if isinstance(v, str))
        for row in sheet.iter_rows(min_row=3, values_only=True)
    ]
    assert max(lines) * LINE_HEIGHT + 3 <= MAX_ROW_HEIGHT, max(lines)
    book.save(tmp_path / "master.xlsx")
    with pdfplumber.open(libreoffice_pdf(tmp_path / "master.xlsx", tmp_path)) as document:
        pages = [page.chars for page in document.pages]
    for chars in pages:
        body = Counter(round(c["size"], 1) for c in chars if c["text"].strip())
        assert body.most_common(1)[0][0] >= 7.5
    # 完成时间 and 数据截至 as offices write a day (2021年5月31日), not 2021-05-31; 填报明细's as dates
    text = "".join(c["text"] for chars in pages for c in chars)
    assert "2021年5月31日" in text and "：2021年6月23日" in text and not re.search(r"\d{4}-\d\d-\d\d", text)
    detail = openpyxl.load_workbook(ws.paths.merged_xlsx(JUNE))["填报明细"]
    days = [row[7] for row in detail.iter_rows(min_row=3, values_only=True) if row[7]]
    assert days and all(isinstance(day, date) for day in days)


def test_no_task_row_is_taller_than_a_row_can_be(cycle):
    """A row's height stops at Excel's 409 points: a task whose 配合单位反馈 needed more printed without its end."""
    from ledger.report_workbook import TASK_SHEET_WIDTHS
    from ledger.xlsx import LINE_HEIGHT, MAX_ROW_HEIGHT, wrapped_lines

    *_, paths = cycle
    rows = openpyxl.load_workbook(paths[0])["汇总台账"].iter_rows(min_row=3, values_only=True)
    widths = TASK_SHEET_WIDTHS
    lines = [max(wrapped_lines(v, w) for v, w in zip(row, widths, strict=True) if isinstance(v, str)) for row in rows]
    assert lines and max(lines) * LINE_HEIGHT + 3 <= MAX_ROW_HEIGHT


@pytest.mark.parametrize(("units", "pages"), [(0, 0), (10, 1), (44, 1), (60, 1), (130, 3), (200, 4)])
def test_charts_of_a_table_take_a_page_at_a_time(tmp_path, units, pages):
    """Up to a page's worth of bars, one chart; more: two charts of equal length side by side a page, each pair
    after the first on a page of its own and no taller than the printed page (the 全年 workbook's 44 units made
    four short charts over two pages before their bars were set closer). They are on a sheet of their own."""
    from datetime import datetime

    from ledger.report_workbook import UNIT_WIDTHS, bar_chart, chart_sheet
    from ledger.xlsx import PAGE_SLACK, new_workbook, printed_page, table_sheet

    book = new_workbook(tmp_path / "charts.xlsx", datetime(2021, 7, 1), "charts")
    rows = [[f"单位{n}", n] for n in range(units)]
    table_sheet(book, "单位统计", "各单位完成情况", ["单位", "牵头任务"], rows, UNIT_WIDTHS)
    sizes = []

    def chart_of(categories, width, height):
        sizes.append((categories, width, height))
        chart = bar_chart(book, "完成率", len(categories))
        chart.add_series({"values": ["单位统计", 2 + categories.start, 1, 1 + categories.stop, 1]})
        chart.set_size({"width": width, "height": height})
        return chart

    chart_sheet(book, "单位统计", units, chart_of)
    book.close()
    drawn = openpyxl.load_workbook(tmp_path / "charts.xlsx")
    assert drawn.sheetnames == ["单位统计", "单位统计图"][: 1 + bool(units)]
    if not units:
        return
    breaks = [0, *(b.id for b in drawn["单位统计图"].row_breaks.brk)]
    tops = [chart.anchor._from.row for chart in drawn["单位统计图"]._charts]
    assert len(breaks) == pages and len(tops) == (1 if units <= 10 else 2 * pages)
    for page in range(pages):  # the charts of a page between its break and the next
        end = breaks[page + 1] if page + 1 < pages else 10**6
        assert sum(breaks[page] <= top < end for top in tops) == (1 if units == 10 else 2)
    room = printed_page(())[1] / 0.75 * (1 - PAGE_SLACK)
    assert all(height < room for _, _, height in sizes)
    assert sorted(n for c, _, _ in sizes for n in c) == list(range(units))


def test_no_closing_bracket_starts_a_printed_line(workbook_pdf):
    """指标完成情况 printed "100（2021年" with its "）" alone on the next line: a value's year goes to a line of its
    own instead. Every "）" printed on the sheet's pages follows a character on its own line."""
    alone = []
    for chars in (chars for chars in workbook_pdf if "指标编号" in printed(chars)):
        for c in chars:
            if c["text"] == "）" and not any(
                abs(o["top"] - c["top"]) < 2 and abs(o["x1"] - c["x0"]) < 2 and o["text"].strip() for o in chars
            ):
                alone.append(c)
    assert alone == []


def test_word_bulletin(cycle):
    ws, merged, report, paths = cycle
    lights, statuses, overdue, _, _ = expected_figures(ws, merged, JUNE)
    document = docx.Document(str(paths[2]))
    text = "\n".join(p.text for p in document.paragraphs)
    counts = Counter(lights.values())
    assert f"台账共有任务{len(ws.tasks)}项，已完成{sum(s == '已完成' for s in statuses.values())}项" in text
    red = sum(lights[i] == "red" for i in overdue)
    lights_text = f"绿灯{counts['green']}项，黄灯{counts['yellow']}项，红灯{counts['red']}项（逾期{red}项）"
    assert f"{lights_text}，未报送{counts['grey']}项" in text
    for unit in report.missing_units:
        assert unit.unit in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["任务编号", "具体措施", "完成时限", "牵头单位", "状态"]
    assert sorted(row.cells[0].text for row in table.rows[1:]) == sorted(overdue)
    title = next(p for p in document.paragraphs if p.style.style_id == "DocTitle")
    assert title.text == "关于2021年6月重点任务推进情况的通报"
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    assert title.style.font.size.pt == 22 and title.style.element.rPr.rFonts.get(east_asia) == "方正小标宋简体"
    body = document.styles["Normal"]
    assert body.font.size.pt == 16 and body.element.rPr.rFonts.get(east_asia) == "仿宋_GB2312"
    import zipfile

    fonts = zipfile.ZipFile(paths[2]).read("word/fontTable.xml").decode()
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts  # where the font is missing
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_word_bulletin_opens_in_libreoffice(cycle, tmp_path):
    *_, paths = cycle
    assert libreoffice_pdf(paths[2], tmp_path).stat().st_size > 5_000


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(path, *arguments, fragment="", width=1400):
    binary = require_binary("chromium")
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={path.parent / '.chromium'}", f"--window-size={width},1600"]
    run = subprocess.run(
        [binary, *flags, *arguments, path.as_uri() + fragment], capture_output=True, timeout=120, check=True, text=True
    )
    return run.stdout


def chromium_dom(path, fragment="", screenshot=None, width=1400):
    if screenshot:
        chromium(path, f"--screenshot={screenshot}", fragment=fragment, width=width)
    return chromium(path, "--dump-dom", fragment=fragment, width=width)


def text_of(dom, element_id):
    return re.search(rf'id="{element_id}"[^>]*>([^<]*)<', dom).group(1)


def test_web_page_in_a_real_browser(cycle, tmp_path):
    ws, merged, report, paths = cycle
    lights, statuses, _, returned, _late = expected_figures(ws, merged, JUNE)
    counts = Counter(lights.values())
    dom = chromium_dom(paths[1], screenshot=tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 20_000
    assert text_of(dom, "tasks-total") == str(len(ws.tasks))
    assert text_of(dom, "tasks-done") == str(sum(s == "已完成" for s in statuses.values()))
    assert [text_of(dom, f"count-{k}") for k in ("green", "yellow", "red", "grey")] == [
        str(counts["green"]),
        str(counts["yellow"]),
        str(counts["red"]),
        str(counts["grey"]),
    ]
    assert text_of(dom, "units-returned") == str(len(returned))
    assert text_of(dom, "visible-count") == str(len(ws.tasks))  # the script ran: nothing filtered yet
    missing = re.search(r'id="missing-units">(.*?)</ul>', dom, re.S).group(1)
    assert all(u.unit in missing for u in report.missing_units)
    assert "http://" not in dom.replace("http://www.w3.org", "") and "https://" not in dom  # self-contained


def test_web_page_filters_run_in_the_browser(cycle):
    ws, merged, _report, paths = cycle
    lights, *_ = expected_figures(ws, merged, JUNE)
    red = chromium_dom(paths[1], "#light=red")
    reds = Counter(lights.values())["red"]
    assert text_of(red, "visible-count") == str(reds)
    line = re.search(r'<p id="filter-line"([^>]*)>', red).group(1)
    assert "hidden" not in line and text_of(red, "filter-names") == "红灯"  # the filter said at the top
    assert text_of(red, "lights-text").startswith(f"筛选后的{reds}项任务中：")  # and the sentence follows it
    assert 'id="tasks-fold" open' in red
    unit = "钢城区财政局"
    mine = chromium_dom(paths[1], f"#unit={unit}&light=green")
    expected = sum(1 for t in ws.tasks if unit in (*t.lead_units, *t.support_units) and lights[t.id] == "green")
    assert text_of(mine, "visible-count") == str(expected)


def test_month_over_month(cycle, tmp_path):
    ws, june_merged, june_report, _ = cycle
    root = ws.root
    july_ws, _july_merged, july, _ = run_cycle(root, JULY)
    june_status = {t.task.id: t.status for t in june_report.tasks}
    july_status = {t.task.id: t.status for t in july.tasks}
    before = {(e.task_id, e.unit): e.status for e in june_merged.entries}
    carried = {
        t.id for t in july_ws.tasks if t.lead_units and all(before.get((t.id, u)) == "已完成" for u in t.lead_units)
    }
    newly_done = {
        i for i, s in july_status.items() if s == "已完成" and june_status[i] != "已完成" and i not in carried
    }
    assert {t.task.id for t in july.newly_done} == newly_done
    assert {t.task.id for t in july.newly_overdue} == {
        t.id
        for t in july_ws.tasks
        if t.deadline.due and date(2021, 6, 30) < t.deadline.due <= date(2021, 7, 31) and july_status[t.id] != "已完成"
    }
    changed = {t.task.id for t in july.changed}
    assert changed and all(june_status[i] != july_status[i] for i in changed)
    assert carried and all(july_status[i] == "已完成" for i in carried)


@pytest.mark.parametrize(
    ("deadline", "status", "light"),
    [
        ("2021 年 4 月底前", "序时推进", "red"),
        ("2021 年 4 月底前", "已完成", "green"),
        ("2021 年年底前", "未报送", "grey"),
        ("2021 年 4 月底前", "未报送", "red"),
        ("2021 年年底前", "状态有误（待核实）", "yellow"),
        ("2021 年年底前", "滞后", "yellow"),
        ("2021 年 7 月 9 日前", "序时推进", "yellow"),
        ("2021 年年底前", "序时推进", "green"),
        ("2021 年全年", "未启动", "yellow"),
        ("2022-2025", "未启动", "green"),
        ("长期坚持", "序时推进", "green"),
    ],
)
def test_light_rules(deadline, status, light):
    task = Task(id="X-1", document="X", number="1", measure="做事。", deadline=parse_deadline(deadline, 2021))
    assert light_of(task, status, date(2021, 6, 30), 10)[0] == light


@pytest.mark.parametrize(
    ("given", "status"),
    [
        (["已完成", "已完成"], "已完成"),
        (["已完成", "序时推进"], "序时推进"),
        (["序时推进", "滞后"], "滞后"),
        (["未启动", "序时推进"], "未启动"),
        (["已完成", ""], "未报送"),
        (["基本完成"], "状态有误（待核实）"),
        (["基本完成", ""], "未报送"),
        (["已完成 ", "　已 完成"], "已完成"),
        ([], "未报送"),
    ],
)
def test_consolidated_status(given, status):
    assert consolidate(given, STATUSES) == status


def test_status_and_report_commands(cycle):
    ws, *_ = cycle
    runner = CliRunner()
    status = runner.invoke(main, ["status", "-w", str(ws.root), "-p", "2021-06", "--json"])
    assert status.exit_code == 0, status.output
    data = json.loads(status.output)
    assert data["period"] == "2021-06" and sum(data["lights"].values()) == len(ws.tasks)
    text = runner.invoke(main, ["status", "-w", str(ws.root), "-p", "2021-06"])
    assert "未报送" in text.output and "红灯" in text.output
    report = runner.invoke(main, ["report", "-w", str(ws.root), "-p", "2021-06", "--date", "2021-07-09"])
    assert report.exit_code == 0 and "通报.docx" in report.output and "报告日期2021年7月9日" in report.output


def test_deleting_build_and_running_again_rebuilds_it_exactly(tmp_path):
    import hashlib
    import shutil

    def digests(root):
        build = root / "build"
        return {
            str(p.relative_to(build)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(build.rglob("*"))
            if p.is_file()
        }

    from ledger.mail import deliver, workbook_messages

    def everything(root):
        ws, *_ = run_cycle(root, JUNE)
        deliver(
            ws, JUNE, workbook_messages(ws, read_manifest(ws.paths, JUNE))[0], send=False
        )  # the dry-run mail for review

    root = copy_example(tmp_path / "ws")
    everything(root)
    first = digests(root)
    stored = sorted(p.name for p in (root / "source/returns/2021-06").iterdir())
    shutil.rmtree(root / "build")
    everything(root)
    assert digests(root) == first
    assert any(name.startswith("2021-06/mail/") for name in first)
    assert sorted(p.name for p in (root / "source/returns/2021-06").iterdir()) == stored  # nothing stored twice


MEASURE = """<script>
(function () {
  var root = document.documentElement, found = {"scroll-width": root.scrollWidth, "client-width": root.clientWidth};
  ["cards", "overdue", "issues", "missing-units", "units", "tasks"].forEach(function (id) {
    found["top-" + id] = Math.round(document.getElementById(id).getBoundingClientRect().top);
  });
  found.folded = Array.prototype.map.call(document.querySelectorAll("details.fold:not([open])"), function (fold) {
    return fold.id + ":" + fold.querySelector("summary").textContent;
  });
  parent.postMessage(JSON.stringify(found), "*");
})();
</script>"""
# Headless Chromium will not make a window narrower than 500 px, so the page is laid out in a frame of the width
# asked for; the frame's script reports what it measured to the page around it, which the DOM dump shows.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe src="{page}" style="width:{width}px;height:2400px;border:0"></iframe>
<script>addEventListener("message", function (e) {{ document.body.setAttribute("data-layout", e.data); }});</script>
</body></html>"""


def measured(paths, tmp_path, width):
    """The page laid out at a width, as the browser measured it."""
    page = tmp_path / "measured.html"
    page.write_text(paths[1].read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    frame = tmp_path / f"frame-{width}.html"
    frame.write_text(FRAME.format(page=page.name, width=width), encoding="utf-8")
    screenshot = tmp_path / f"report-{width}.png"
    chromium(frame, f"--screenshot={screenshot}", "--virtual-time-budget=3000", width=max(width, 500))
    assert screenshot.stat().st_size > 20_000
    dom = chromium(frame, "--dump-dom", "--virtual-time-budget=3000", width=max(width, 500))
    return json.loads(html.unescape(re.search(r'data-layout="([^"]*)"', dom).group(1)))


@pytest.mark.parametrize("width", [1400, 390])
def test_web_page_leads_with_the_summary_and_fits_a_phone(cycle, tmp_path, width):
    _ws, _merged, report, paths = cycle
    layout = measured(paths, tmp_path, width)
    assert layout["client-width"] <= width
    assert layout["scroll-width"] <= layout["client-width"]  # no horizontal scrolling, even at 390 px
    order = ["cards", "overdue", "issues", "missing-units", "units", "tasks"]
    tops = [layout[f"top-{i}"] for i in order]
    assert tops == sorted(tops), dict(zip(order, tops, strict=True))  # cards, 逾期任务, 存在问题, then the rest
    if width < 700:  # on a phone the long lists fold to their counts, 逾期任务 stays open
        assert layout["folded"] == [
            f"issues-fold:展开全部{len(report.issues)}条存在问题",
            f"chart-fold:展开{len(report.chart_units)}个单位的完成率",
            f"units-fold:展开{len(report.units)}个单位的完成情况表",
            f"indicators-fold:展开{len(report.indicators.lines)}项指标",
            f"tasks-fold:展开{len(report.tasks)}项任务",
        ]
        assert tops[order.index("tasks")] - tops[order.index("cards")] < 4000  # the page is a few screens long
    else:
        assert layout["folded"] == []


def test_web_page_prints_on_a4(cycle, tmp_path):
    _ws, _merged, report, paths = cycle
    pdf = tmp_path / "report.pdf"
    chromium(paths[1], f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    with pdfplumber.open(pdf) as document:
        assert 2 < len(document.pages) < 80  # 181 tasks: columns wide enough to read, not a word a line
        assert all(round(p.width) == 595 and round(p.height) == 842 for p in document.pages)  # A4 in points
        first = document.pages[0].extract_text()
        printed = "".join("".join(c["text"] for c in page.chars) for page in document.pages)
    assert "任务总数" in first and "逾期任务" in first  # the summary comes first on paper too
    feedback = [t.support_text for t in report.tasks if t.support_text]
    assert feedback and "展开" not in printed  # nothing folded on paper

    def squeezed(text: str) -> str:  # the PDF's 辛 may read as the radical ⾟
        return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))

    whole = squeezed(printed)
    assert all(squeezed(text) in whole for text in feedback)  # every 配合单位反馈 printed whole


# Text whose colour stands out from the background under it by less than WCAG's 4.5:1 (3:1 when large), as
# "element colour on background ×count": every visible text node, its background the nearest opaque one.
LOW_CONTRAST = r"""
() => {
  const lum = (c) => {
    const v = c.match(/[\d.]+/g).slice(0, 3).map(Number)
      .map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const opaque = (c) => { const m = c.match(/[\d.]+/g); return m && (m.length < 4 || Number(m[3]) > 0); };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const b = getComputedStyle(e).backgroundColor;
      if (opaque(b)) return b;
    }
    return "rgb(255, 255, 255)";
  };
  const low = new Map();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || !el || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden") continue;
    const [a, b] = [lum(style.color), lum(background(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const key = `${el.tagName.toLowerCase()}.${el.className} ${style.color} on ${background(el)}`;
      low.set(key, (low.get(key) || 0) + 1);
    }
  }
  return [...low.entries()].map(([k, v]) => `${k} ×${v}`);
}
"""


def test_web_page_text_stands_out_from_its_background(cycle):
    """Greyed text (units that did not report, issues carried over) is still readable: WCAG's contrast."""
    from playwright.sync_api import sync_playwright

    *_, paths = cycle
    binary = require_binary("chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_FLAGS[1:])
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(paths[1].as_uri())
        low = page.evaluate(LOW_CONTRAST)
        browser.close()
    assert low == []


def test_web_page_filters_apply_to_cards_and_charts(cycle):
    ws, merged, _report, paths = cycle
    lights, statuses, *_ = expected_figures(ws, merged, JUNE)
    unit = "钢城区财政局"
    dom = chromium_dom(paths[1], f"#unit={unit}")
    mine = [t for t in ws.tasks if unit in (*t.lead_units, *t.support_units)]
    assert text_of(dom, "tasks-total") == str(len(mine))
    assert text_of(dom, "count-green") == str(sum(lights[t.id] == "green" for t in mine))
    assert text_of(dom, "tasks-done") == str(sum(statuses[t.id] == "已完成" for t in mine))
    bars = re.findall(r'class="bar-row[^"]*" data-unit="([^"]+)"([^>]*)>', dom)
    shown = [name for name, rest in bars if "display: none" not in rest]
    assert unit in shown and len(shown) < len(bars)  # the chart shows the units of the tasks shown


# --- the bulletin as printed: LibreOffice to PDF, read back with pdfplumber

MM = 72 / 25.4
TEXT_AREA = (28 * MM, 37 * MM, 184 * MM, 262 * MM)  # 版心: left, top, right, bottom in points


@pytest.fixture(scope="module")
def bulletin_pdf(cycle, tmp_path_factory):
    *_, paths = cycle
    pdf = libreoffice_pdf(paths[2], tmp_path_factory.mktemp("bulletin"))
    with pdfplumber.open(pdf) as document:
        yield [
            {
                "chars": page.chars,
                "text": "".join(c["text"] for c in page.chars),
                "width": page.width,
                "rules": [(line["top"], line["linewidth"]) for line in page.lines if line["top"] == line["bottom"]],
            }
            for page in document.pages
        ]


def test_bulletin_pages_are_numbered_odd_right_even_left(bulletin_pdf):
    for n, page in enumerate(bulletin_pdf, 1):
        number = [c for c in page["chars"] if c["top"] > TEXT_AREA[3]]
        assert "".join(c["text"] for c in number).replace(" ", "") == f"—{n}—"
        assert all(c["size"] == pytest.approx(14, abs=0.5) for c in number)  # 4号
        middle = sum(c["x0"] for c in number) / len(number)
        assert (middle > page["width"] / 2) == (n % 2 == 1)
        assert min(c["top"] for c in number) - TEXT_AREA[3] == pytest.approx(7 * MM, abs=2 * MM)


def test_bulletin_keeps_its_text_inside_the_text_area(bulletin_pdf):
    left, top, right, bottom = TEXT_AREA
    for page in bulletin_pdf:
        body = [c for c in page["chars"] if c["top"] <= bottom and c["text"].strip()]
        assert body
        assert min(c["x0"] for c in body) >= left - 1 and max(c["x1"] for c in body) <= right + 1
        assert min(c["top"] for c in body) >= top - 1 and max(c["bottom"] for c in body) <= bottom + 1


def test_bulletin_has_its_head_and_colophon(bulletin_pdf, cycle):
    _, _, report, _ = cycle
    first, last = bulletin_pdf[0], bulletin_pdf[-1]
    issuer = [c for c in first["chars"] if c["top"] < 80 * MM]
    assert "".join(c["text"] for c in issuer).startswith("钢城区生态环境委员会办公室文件")
    assert all(tuple(c["non_stroking_color"]) in ((1, 0, 0), (1.0, 0.0, 0.0)) for c in issuer if c["text"] != " ")
    assert "钢环委办〔2021〕1号" in first["text"].replace(" ", "")
    assert "关于2021年6月重点任务推进情况的通报" in first["text"].replace(" ", "")
    text = last["text"].replace(" ", "")
    printed = f"{report.issued.year}年{report.issued.month}月{report.issued.day}日印发"
    assert "抄送：区委办公室" in text and printed in text
    colophon = [c for c in last["chars"] if c["text"] == "印"]
    assert colophon and colophon[-1]["bottom"] > TEXT_AREA[3] - 20 * MM  # at the foot of the last page


def test_bulletin_colophon_rules_are_thick_thin_thick_and_copy_to_continues_under_its_first_name(bulletin_pdf):
    last = bulletin_pdf[-1]
    rows: dict[int, list[dict]] = {}
    for c in last["chars"]:
        rows.setdefault(round(c["top"]), []).append(c)
    tops = sorted(rows)
    copy_to = next(t for t in tops if "".join(c["text"] for c in rows[t]).startswith("抄送："))
    printed = next(t for t in tops if "".join(c["text"] for c in rows[t]).endswith("印发"))
    rules = sorted(rule for rule in last["rules"] if rule[0] > copy_to - 20 * MM)
    # GB/T 9704: 首条 and 末条分隔线 0.35 mm, the one between 抄送 and 印发 0.25 mm
    assert [top < copy_to for top, _ in rules] == [True, False, False]
    assert copy_to < rules[1][0] < printed < rules[2][0]
    (_, first), (_, between), (_, final) = rules
    assert between < first and between < final
    assert final == pytest.approx(0.35 * MM, abs=0.1) and between == pytest.approx(0.25 * MM, abs=0.1)
    continued = [t for t in tops if copy_to < t < printed]
    assert continued  # the example's 抄送 runs over one line
    after_colon = rows[copy_to][3]  # 抄送：区…
    assert rows[continued[0]][0]["x0"] == pytest.approx(after_colon["x0"], abs=1)


def test_bulletin_signature_and_date_stand_as_the_standard_places_them(bulletin_pdf, cycle):
    _, _, report, _ = cycle
    lines: dict[int, list[dict]] = {}
    for page in bulletin_pdf:
        for c in page["chars"]:
            lines.setdefault((id(page), round(c["top"])), []).append(c)
    texts = {key: "".join(c["text"] for c in chars) for key, chars in lines.items()}
    date = f"{report.issued.year}年{report.issued.month}月{report.issued.day}日"
    signature = next(lines[k] for k, t in texts.items() if t == report.office)
    signed = next(lines[k] for k, t in texts.items() if t == date)
    character = 442.2 / 28
    # 署名 two characters from the right margin; 成文日期 starting two characters right of the 署名's first one
    assert TEXT_AREA[2] - signature[-1]["x1"] == pytest.approx(2 * character, abs=character / 2)
    assert signed[0]["x0"] - signature[0]["x0"] == pytest.approx(2 * character, abs=character / 2)


def test_document_names_are_written_without_western_spaces(cycle):
    """The example's ledger.toml names a task list "2021 年大气污染防治重点任务工作台账" (as its PDF spaced it):
    分类统计 and the page wrote it so. Outputs write it as Chinese is written, 2021年…; ledger.toml stays as typed."""
    ws, _, report, paths = cycle
    assert "2021 年大气污染防治重点任务工作台账" in [d.name for d in ws.config.documents]
    documents = {c["document"] for c in report.categories()}
    assert "2021年大气污染防治重点任务工作台账" in documents and not any(" 年" in d for d in documents)
    categories = openpyxl.load_workbook(paths[0])["分类统计"]
    assert not any(" 年" in (row[0] or "") for row in categories.iter_rows(min_row=3, values_only=True))
    assert "2021 年" not in paths[1].read_text(encoding="utf-8")


def test_page_subtitle_is_written_without_western_spaces(cycle):
    """The page's subtitle read "2021年6月调度情况 · 数据截至2021年6月30日 · …": its parts are set apart by
    full-width spaces, as Chinese is written."""
    *_, report, paths = cycle
    html = paths[1].read_text(encoding="utf-8")
    [sub] = re.findall(r'<div class="sub">([^<]*)</div>', html)
    issued = chinese_date(report.issued)
    assert sub == f"2021年6月调度情况\u3000数据截至2021年6月30日\u3000报告日期{issued}\u3000{report.office}"


def test_bulletin_writes_dates_and_counts_without_spaces(bulletin_pdf):
    # The glyphs as printed, in order: a space typed between a number and 年, 月, 日 or 项 would be one of them.
    # (LibreOffice still sets a small gap between Chinese and Latin script, as Word does with 中西文间距 on.)
    text = "".join(page["text"] for page in bulletin_pdf)
    assert re.search(r"\d\s+[年月日项个条处]|[年月]\s+\d", text) is None
    assert "数据截至2021年6月30日" in text and "台账共有任务181项" in text


def test_bulletin_body_is_28_characters_by_22_lines(bulletin_pdf):
    page = bulletin_pdf[1]  # the second page is body text only
    lines: dict[int, list[dict]] = {}
    for c in page["chars"]:
        if c["top"] <= TEXT_AREA[3] and c["text"].strip():
            lines.setdefault(round(c["top"]), []).append(c)
    assert len(lines) <= 22
    widest = max(sum(1 if ord(c["text"]) > 0x2E80 else 0.5 for c in line) for line in lines.values())
    assert 27 <= widest <= 28.5


def test_bulletin_is_a_gongwen_in_word(cycle):
    _, _, report, paths = cycle
    document = docx.Document(str(paths[2]))
    styles = {p.text: p.style.style_id for p in document.paragraphs if p.text}
    assert styles["一、总体情况"] == "Heading1" and styles["（一）未报送的单位"] == "Heading2"
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(east_asia) == "黑体"
    assert document.styles["Heading 2"].element.rPr.rFonts.get(east_asia) == "楷体_GB2312"
    assert styles["附件1"] == styles["附件2"] == "AttachmentLabel"
    assert document.styles["附件标识"].paragraph_format.page_break_before
    table = document.tables[0]._tbl
    assert table.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
    assert all(row.trPr.find(qn("w:cantSplit")) is not None for row in table.tr_lst)
    assert sum(int(c.get(qn("w:w"))) for c in table.tblGrid.findall(qn("w:gridCol"))) <= 8844  # 156 mm
    assert document.settings.odd_and_even_pages_header_footer
    assert document.core_properties.author == report.office == document.core_properties.last_modified_by
    import zipfile

    app = zipfile.ZipFile(paths[2]).read("docProps/app.xml").decode()
    assert f"<Company>{report.office}</Company>" in app and "python-docx" not in app


# --- one definition per figure, recounted from merged.json of two rounds and compared with every output

NOTHING = {"", "无", "暂无", "没有", "无。", "暂无。"}


def recount(ws, root, period, before_status):
    """Each unit's completion, reporting state and praise, recomputed from merged.json by the settled rules."""
    data = json.loads((root / "build" / str(period) / "merged.json").read_text(encoding="utf-8"))
    closed = {i for i, s in before_status.items() if s == "已完成"} if before_status else set()
    lead = {(e["task_id"], e["unit"]): e for e in data["entries"] if e["role"] == "lead"}
    status = {}
    for t in ws.tasks:
        if t.id in closed:
            status[t.id] = "已完成"
        else:
            status[t.id] = consolidate([lead.get((t.id, u), {}).get("status", "") for u in t.lead_units], STATUSES)
    return data, lead, status


def test_every_unit_figure_is_one_definition_in_every_output(cycle, tmp_path):
    ws, _june_merged, june, _ = cycle
    july_ws, _merged, july, paths = run_cycle(ws.root, JULY)
    assert_one_definition(july_ws, JULY, july, paths, {t.task.id: t.status for t in june.tasks})


def assert_one_definition(ws, period, report, paths, previous):
    """Each unit's figures, the praise, 状态变化 and the reporting states of a round recounted from its
    merged.json by the settled rules, and the same in the workbook, the page and the bulletin."""
    data, lead, status = recount(ws, ws.root, period, None)
    open_tasks = [t for t in ws.tasks if not any(x.task.id == t.id and x.carried for x in report.tasks)]
    carried = {t.task.id for t in report.tasks if t.carried}
    errors = Counter(p["unit"] for p in data["problems"] if p["severity"] == "error" and p["unit"])
    counted = [x.task for x in report.tasks]  # the round's tasks: those done in earlier rounds too
    closed = {x.task.id for x in report.tasks if x.closed}
    for u in report.units:
        led = [t for t in counted if u.unit in t.lead_units]
        done = sum(t.id in carried or status[t.id] == "已完成" for t in led)
        own = sum(t.id in carried or lead.get((t.id, u.unit), {}).get("status", "").strip() == "已完成" for t in led)
        asked = [t for t in led if t.id not in carried and t.id not in closed]  # what the round asks about
        assert (u.led, u.done, u.own_done, u.asked) == (len(led), done, own, len(asked)), u.unit
    # the reporting states add up to the units due
    assert sum(report.reporting_counts.values()) == len(report.units)
    # praise: on time, no errors, every led task answered from the list, none behind/overdue/stalled/invalid
    # (co-led ones included), no delay reported
    for u in report.good_units:
        assert u.on_time and not errors.get(u.unit)
        for t in (t for t in open_tasks if u.unit in t.lead_units):
            mine = lead.get((t.id, u.unit), {})
            assert mine.get("status", "").strip() in STATUSES
            assert status[t.id] not in ("滞后", "状态有误（待核实）")
            assert "".join(mine.get("issues", "").split()) in NOTHING
            line = next(x for x in report.tasks if x.task.id == t.id)
            assert not (line.overdue and status[t.id] != "已完成")
    # 状态变化 from the previous round's consolidated status, 未报送 included
    changed = {i for i in previous if i not in carried and previous[i] != status[i]}
    assert {t.task.id for t in report.changed} == changed
    # the three outputs say the same
    book = openpyxl.load_workbook(paths[0])
    sheet = book["单位统计"]
    heads = [c.value for c in sheet[2]]
    rows = {r[0]: dict(zip(heads, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)}
    page = paths[1].read_text(encoding="utf-8")
    document = "\n".join(p.text for p in docx.Document(str(paths[2])).paragraphs)
    for u in report.units:
        assert (rows[u.unit]["已完成"], rows[u.unit]["本单位已完成"]) == (u.done, u.own_done)
        assert rows[u.unit]["报送情况"] == u.reporting
        if u.led:
            assert f"（{u.done}/{u.led}）" in page
    missing = {r[0]: r[1] for r in book["未报送单位"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert missing == {u.unit: u.asked for u in report.missing_units}
    for u in report.missing_units:
        assert f"{u.unit}（本期牵头任务{u.asked}项" in page
    good = "、".join(f"{u.unit}（完成{u.completion_text}）" for u in report.good_units)
    assert (good in document) if good else "本期没有同时满足以下条件的单位" in document
    assert report.reporting_text() in document and report.reporting_text() in page
    assert report.month_over_month() in document and report.month_over_month() in page
    summary = report.summary()
    assert summary["reporting"] == report.reporting_counts
    assert summary["changed"] == [{"task_id": t.task.id, "from": t.previous, "to": t.status} for t in report.changed]


def test_the_report_date_is_the_date_given_else_today_and_far_dates_are_warned(cycle):
    from ledger.report import report_date

    ws, *_ = cycle
    due = date(2021, 7, 5)
    assert report_date(date(2021, 7, 9), due, ws.config) == (date(2021, 7, 9), [])
    day, notes = report_date(date(2026, 12, 7), due, ws.config)
    assert day == date(2026, 12, 7) and [n.code for n in notes] == ["report-date-late"]
    assert "2026年12月7日" in notes[0].message and "2021年7月5日" in notes[0].message
    assert report_date(date(2021, 8, 4), due, ws.config)[1] == []  # 30 days after: no warning


AUGUST = Period(2021, 8)


def test_planted_round_flags_untouched_stale_and_overdue_on_schedule(cycle, tmp_path):
    """A third round after June and July: a workbook sent back untouched, prefilled text left as it was, an
    overdue task reported 序时推进, a task one co-lead reports 滞后 and the other 序时推进, and a reply whose
    mail Date is forged; every figure still agrees across the three outputs and with a recount."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from .test_returns import mail_with

    ws, *_ = cycle
    root = ws.root
    if not (root / "build" / "2021-07" / "merged.json").is_file():
        run_cycle(root, JULY)
    ws = load_workspace(root)
    history = build_history(ws, AUGUST)
    render_period(ws, AUGUST, history)
    out = root / "build" / "2021-08" / "outbox"
    prefilled = {u for (_, u), a in history.answers.items() if a.get("本月进展")}
    leads = [u for u in prefilled if (out / f"{u}.xlsx").is_file()]
    blank, stale = sorted(leads)[:2]
    overdue = next(
        t
        for t in ws.tasks
        if len(t.lead_units) == 1
        and t.lead_units[0] not in (blank, stale)
        and t.deadline.due
        and t.deadline.due < date(2021, 8, 1)
        and not history.is_closed(t)
        and (out / f"{t.lead_units[0]}.xlsx").is_file()
    )
    july_status = recount(ws, root, JULY, None)[2]
    planted = {blank, stale, overdue.lead_units[0]}

    def led(unit):
        return [t for t in ws.tasks if unit in t.lead_units and not history.is_closed(t)]

    def coleads(unit):
        return {u for t in led(unit) for u in t.lead_units} - {unit}

    def clean(unit):  # a unit with a workbook, none of whose tasks is overdue, not planted otherwise
        return (
            unit not in planted
            and (out / f"{unit}.xlsx").is_file()
            and bool(ws.units[unit].emails)
            and all(not (t.deadline.due and t.deadline.due < AUGUST.last_day) for t in led(unit))
        )

    # the partner answers every task it leads 序时推进, and so does every co-lead of those tasks, but for one
    # task that the co-lead whose mail Date is forged reports 滞后: only that keeps the partner from praise
    partner = min(
        (u for u in ws.units if clean(u) and coleads(u) and all(clean(c) for c in coleads(u))),
        key=lambda u: (len(coleads(u)), u),
    )
    colead = next(t for t in led(partner) if len(t.lead_units) > 1)
    forged = next(u for u in colead.lead_units if u != partner)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / f"{blank}.xlsx").write_bytes((out / f"{blank}.xlsx").read_bytes())
    fresh = {"完成状态": "序时推进", "本月进展": "本月按计划推进。", "存在问题": "无"}
    for unit in {partner} | coleads(partner):
        answers = {t.id: fresh for t in led(partner) if unit in t.lead_units}
        if unit == forged:
            answers[colead.id] = fresh | {"完成状态": "滞后"}
        folder = tmp_path / "mail" if unit == forged else inbox
        fill_return(out / f"{unit}.xlsx", folder / f"{unit}.xlsx", answers)
    behind = tmp_path / "mail" / f"{forged}.xlsx"
    mail = mail_with(tmp_path / "forged.eml", ws.units[forged].emails[0], "Fri, 01 Jan 2100 09:00:00 +0800", [behind])
    book = openpyxl.load_workbook(out / f"{stale}.xlsx")
    sheet = book["牵头任务"]
    heads = [c.value for c in sheet[2]]
    status_col = next(i for i, h in enumerate(heads) if h == "完成状态")
    for row in sheet.iter_rows(min_row=3):
        if row[0].value and row[status_col].value != "已完成":
            row[status_col].value = "滞后"
    book.save(inbox / f"{stale}.xlsx")
    fill_return(
        out / f"{overdue.lead_units[0]}.xlsx",
        inbox / f"{overdue.lead_units[0]}.xlsx",
        {overdue.id: {"完成状态": "序时推进", "本月进展": "本月继续推进，尚未完成。"}},
    )
    collected = datetime(2021, 9, 3, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    collect_returns(ws.paths, AUGUST, [inbox, mail], received=datetime(2021, 9, 3, 10, 0), now=collected)
    merged = merge_period(ws, AUGUST)
    found = {(p.unit, p.code) for p in merged.problems}
    forged_file = next(r.file for r in merged.returns if r.unit == forged)
    assert [p.file for p in merged.problems if p.code == "received-time-implausible"] == [forged_file]
    assert (blank, "return-empty") in found
    assert (stale, "progress-unchanged") in found and (stale, "return-empty") not in found
    codes = [(p.unit, p.code) for p in merged.problems if p.code == "status-overdue-on-schedule"]
    assert codes == [(overdue.lead_units[0], "status-overdue-on-schedule")]
    assert not [e for e in merged.entries if e.unit == blank]  # nothing of an untouched workbook is counted
    write_merge(ws, merged)
    report = build_report(ws, AUGUST, merged, history, issued=date(2021, 9, 6))
    paths = write_report(ws, report)
    assert report.issued == date(2021, 9, 6)  # the year 2100 of a forged Date moves neither date nor number
    assert "〔2021〕" in "\n".join(p.text for p in docx.Document(str(paths[2])).paragraphs)
    numbers = json.loads(ws.paths.bulletin_numbers.read_text(encoding="utf-8"))
    assert numbers["2021-08"]["year"] == 2021
    units = {u.unit: u for u in report.units}
    # a co-led 滞后 keeps both leads from praise, the one that reported 序时推进 on time and without errors too
    assert next(t for t in report.tasks if t.task.id == colead.id).status == "滞后"
    assert units[partner].on_time and not [p for p in merged.problems if p.unit == partner and p.severity == "error"]
    assert units[partner] not in report.good_units and units[forged] not in report.good_units
    assert_one_definition(ws, AUGUST, report, paths, july_status)
    assert units[blank].state == "error" and units[blank] not in report.good_units
    line = next(t for t in report.tasks if t.task.id == overdue.id)
    assert line.light == "red" and line.remark == "已超期，单位填报序时推进"
    stale_issues = [i for i in report.issues if i.unit == stale and i.role == "lead"]
    assert all(i.unchanged and not i.current and i.shown.endswith("（与上期相同）") for i in stale_issues)
    assert not [i for i in report.current_issues if i.unit == stale and i.role == "lead"]
    progress = [e for e in merged.entries if e.unit == stale and e.role == "lead" and e.progress]
    assert progress and all("progress" in e.unchanged for e in progress)
    line = next(t for t in report.tasks if t.task.id == progress[0].task_id)
    assert "（与上期相同）" in line.progress_text
