"""The half-year and the year (全年/上半年完成情况) over monthly rounds: the figures, and the three outputs that
show them — 汇总台账.xlsx, report.html and 通报.docx — saying the same."""

import json
import re
from collections import Counter
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.deadlines import parse_deadline
from ledger.model import Period, Task
from ledger.reorganise import merge_units, rename_unit
from ledger.report import REPORTING_NAMES
from ledger.rounds import open_round
from ledger.task_changes import change_task

from .conftest import fill_return, make_workspace, render, write_xlsx

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH, APRIL, MAY = (Period(2021, m) for m in (3, 4, 5))
FINANCE, TAX = "示范区财政局", "示范区税务局"
TASKS = [
    ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"],
    ["1", "清理拖欠账款。", "年底前", "区财政局", ""],
    ["2", "完善预算绩效管理。", "年底前", "区财政局", ""],
    ["3", "推进电子票据。", "2021年4月底前", "区税务局", ""],
]
ISSUED = date(2021, 7, 10)


def on(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


def year_over_three_months(tmp_path):
    """财政局 finished task 1 in March and reported March on time, April late, May on time; 税务局 reported
    March on time, nothing for April, and May on time with a status outside the list (an error)."""
    root = make_workspace(tmp_path / "ws", TASKS)
    answers = {
        MARCH: {
            FINANCE: {
                "T-1": {"完成状态": "已完成", "本月进展": "三月办结", "完成时间": date(2021, 3, 20)},
                "T-2": {"完成状态": "序时推进", "本月进展": "三月进展"},
            },
            TAX: {"T-3": {"完成状态": "序时推进", "本月进展": "已招标"}},
        },
        APRIL: {FINANCE: {"T-2": {"完成状态": "序时推进", "本月进展": "四月进展"}}},
        MAY: {
            FINANCE: {"T-2": {"完成状态": "序时推进", "本月进展": "五月进展"}},
            TAX: {"T-3": {"完成状态": "差不多了"}},
        },
    }
    late = {(APRIL, FINANCE)}
    for period, units in answers.items():
        ws = load_workspace(root)
        due = open_round(ws, period).due
        rendered = render(ws, period, list(units))
        for unit, filled in units.items():
            returned = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / str(period) / f"{unit}.xlsx", filled)
            when = on(date(due.year, due.month, due.day + 3) if (period, unit) in late else due)
            collect_returns(ws.paths, period, [returned], received=when)
    return root


@pytest.fixture
def year(tmp_path):
    ws = load_workspace(year_over_three_months(tmp_path))
    report, paths = open_round(ws, "2021").publish(issued=ISSUED)
    return ws, report, paths


def test_the_year_counts_a_task_finished_in_march_and_each_units_reporting_record(year):
    ws, report, _ = year
    assert open_round(ws, "2021").is_summary
    assert report.heading == "2021年全年"
    assert [str(p) for p in report.with_data] == ["2021-03", "2021-04", "2021-05"] and len(report.rounds) == 12
    tasks = {t.task.id: t for t in report.tasks}
    assert (tasks["T-1"].status, str(tasks["T-1"].done_in), tasks["T-1"].completed_on) == (
        "已完成",
        "2021-03",
        "2021-03-20",
    )
    assert tasks["T-1"].progress_text == "（2021年3月）三月办结"  # its last progress, from March, labelled so
    assert tasks["T-2"].progress_text == "（2021年5月）五月进展"
    assert tasks["T-3"].done_in is None and tasks["T-3"].overdue
    units = {u.unit: u for u in report.units}
    finance, tax = units[FINANCE], units[TAX]
    assert (finance.led, finance.done, finance.completion_text) == (2, 1, "1/2")  # task 1, closed in March, counts
    assert (finance.rounds_due, finance.returned, finance.on_time, finance.late, finance.missing) == (3, 3, 2, 1, 0)
    assert (tax.led, tax.done) == (1, 0)
    # May came on time with errors: 报送有误 only, as May's report says, not 按时 too
    assert (tax.rounds_due, tax.returned, tax.on_time, tax.late, tax.missing, tax.with_errors) == (3, 2, 1, 0, 1, 1)
    assert [(str(p.period), p.done, p.total) for p in report.points] == [
        ("2021-03", 1, 3),
        ("2021-04", 1, 3),
        ("2021-05", 1, 3),
    ]
    assert (
        report.coverage_text() == "本报告汇总2021年3月至2021年5月共3期调度数据"
        "（2021年全年共12期，2021年1月至2月未开展调度，其余各期尚无报送数据）。"
    )


def test_each_units_round_counts_once_in_the_year_in_the_state_its_months_report_gives_it(year):
    """税务局's May return came on time with a status outside the list: May's report counts it 报送有误 only, and
    so does the year, not 按时 as well; the year's parts add up to the rounds due, as a month's add up to its
    units, and equal the months' own counts summed."""
    ws, report, _ = year
    months = [open_round(ws, p).report(issued=ISSUED) for p in (MARCH, APRIL, MAY)]
    assert [u.state for m in months for u in m.units if u.unit == TAX] == ["on_time", "missing", "error"]
    tax = next(u for u in report.units if u.unit == TAX)
    assert (tax.rounds_due, tax.on_time, tax.late, tax.with_errors, tax.held, tax.missing) == (3, 1, 0, 1, 0, 1)
    assert tax.returned == 2  # May's return was summed up, errors and all, as May says 已报送
    assert tax.on_time_rate == 1 / 3
    total = report.reporting
    summed = {state: sum(m.reporting_counts[state] for m in months) for state in REPORTING_NAMES}
    assert (total.on_time, total.late, total.held, total.missing) == tuple(
        summed[state] for state in ("on_time", "late", "held", "missing")
    )
    assert total.with_errors == summed["error"] + summed["redo"]
    assert total.on_time + total.late + total.with_errors + total.held + total.missing == total.rounds_due == 6
    assert total.returned == sum(len(m.returned_units) for m in months) == 5
    assert report.reporting_text() == (
        "各单位共应报送6期次，其中按时报送3期次，逾期报送1期次，报送有误1期次，未报送1期次；"
        "已报送5期次，报送率83.3%，按时报送率50.0%"
    )


def test_a_task_due_by_the_years_end_and_not_done_in_decembers_returns_is_overdue_in_the_year(tmp_path):
    """财政局 reports T-2 (年底前) still 序时推进 in its December return: the year's end has passed with the task
    not done, so the year and December's report both call it overdue, red; not due within ten working days."""
    root = year_over_three_months(tmp_path)
    december = Period(2021, 12)
    ws = load_workspace(root)
    rendered = render(ws, december, [FINANCE])
    filled = {"T-2": {"完成状态": "序时推进", "本月进展": "十二月进展"}}
    path = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / "十二月.xlsx", filled)
    collect_returns(ws.paths, december, [path], received=on(date(2022, 1, 4)))
    ws = load_workspace(root)
    year = open_round(ws, "2021").report(issued=date(2022, 1, 10))
    assert year.as_of == date(2021, 12, 31)
    t2 = next(t for t in year.tasks if t.task.id == "T-2")
    assert (t2.status, t2.light, t2.overdue) == ("序时推进", "red", True)
    month = open_round(ws, december).report(issued=date(2022, 1, 10))
    line = next(t for t in month.tasks if t.task.id == "T-2")
    assert (line.light, line.overdue, line.due_soon) == ("red", True, False)


def test_a_half_year_dated_years_after_its_last_round_is_a_warning(year):
    """ledger report --period 2021-H1 without --date dated the 通报 today, years after its data, and said nothing,
    where a month's report warns (report-date-late): a leader would sign a bulletin dated years off."""
    ws, _, _ = year
    half = open_round(ws, "2021-H1")
    late = half.report(issued=date(2026, 12, 8))
    assert [(p.code, p.values["due"]) for p in late.notes] == [("report-date-late", "2021年7月5日")]
    assert half.report(issued=ISSUED).notes == []


def test_a_half_year_dated_before_returns_it_counts_is_a_warning_as_a_months_report_is(year):
    """上半年 dated 31 May counts May's returns, which came in June: its 通报 says, of 31 May, reporting that had
    not happened yet, where May's own report dated so warns (report-date-before-returns)."""
    ws, _, _ = year
    early = date(2021, 5, 31)
    assert [n.code for n in open_round(ws, MAY).report(issued=early).notes] == ["report-date-before-returns"]
    notes = open_round(ws, "2021-H1").report(issued=early).notes
    assert [n.code for n in notes] == ["report-date-before-returns"]
    assert notes[0].values["count"] == 2  # May's two returns


def test_a_completion_day_is_written_as_offices_write_it_and_text_as_typed():
    from ledger.span import SpanTask

    def done(on: str) -> str:
        task = Task(id="T-1", document="T", number="1", measure="办结", deadline=parse_deadline("年底前", 2021))
        return SpanTask(task=task, status="已完成", light="green", overdue=False, completed_on=on).completed_text

    assert done("2021-03-20") == "2021年3月20日"  # a date cell
    assert done("2021-03-20、2021-04-02") == "2021年3月20日、2021年4月2日"  # two leads
    assert (done("2021-02-30"), done("三月底"), done("")) == ("2021-02-30", "三月底", "")  # no day: as typed


def test_a_return_held_for_its_sender_is_held_in_the_year_not_missing(tmp_path):
    """财政局's March workbook came from a mailbox not registered for it and waits as 待确认: March's own
    report says so, and the year counts that round 待确认 too, in every output, not 未报送."""
    root = make_workspace(tmp_path / "ws", TASKS)
    ws = load_workspace(root)
    rendered = render(ws, MARCH, [FINANCE])
    filled = {"T-1": {"完成状态": "序时推进", "本月进展": "三月进展"}, "T-2": {"完成状态": "序时推进"}}
    book = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / f"{FINANCE}.xlsx", filled)
    mail = EmailMessage()
    mail["From"], mail["Subject"], mail["Date"] = "someone@qq.example.cn", "报送", "Mon, 05 Apr 2021 10:00:00 +0800"
    mail.set_content("见附件")
    mail.add_attachment(book.read_bytes(), maintype="application", subtype="octet-stream", filename=book.name)
    (tmp_path / "held.eml").write_bytes(bytes(mail))
    collect_returns(ws.paths, MARCH, [tmp_path / "held.eml"])
    assert open_round(load_workspace(root), MARCH).status()["units"]["held"] == [FINANCE]
    report, paths = open_round(load_workspace(root), "2021").publish(issued=ISSUED)
    finance = next(u for u in report.units if u.unit == FINANCE)
    assert (finance.rounds_due, finance.returned, finance.missing, finance.held) == (1, 0, 0, 1)
    record = next(u for u in report.summary()["units"] if u["unit"] == FINANCE)
    assert (record["missing"], record["held"]) == (0, 1)
    sheet = openpyxl.load_workbook(paths[0])["单位完成情况"]
    header = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == FINANCE)
    assert (row[header.index("未报送")], row[header.index("待确认")]) == (0, 1)
    assert re.search(rf'data-unit="{FINANCE}">.*?data-label="待确认">1期<', paths[1].read_text(encoding="utf-8"), re.S)
    body = "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    assert f"有未报送的单位1个：{TAX}（未报送1期）；有待确认的单位1个：{FINANCE}（待确认1期）" in body


def test_a_task_the_office_closed_is_done_in_the_round_it_names_and_shown_closed(tmp_path):
    """T-2, closed by the office (销号) from April, is done from April in the year, and every output of the year
    says 已完成（已销号） as April's and May's reports do."""
    root = year_over_three_months(tmp_path)
    change_task(load_workspace(root), "close", "T-2", "已验收", start=APRIL)
    ws = load_workspace(root)
    may = open_round(ws, MAY).report(issued=ISSUED)
    assert next(t for t in may.tasks if t.task.id == "T-2").status_text == "已完成（已销号）"
    report, paths = open_round(ws, "2021").publish(issued=ISSUED)
    line = next(t for t in report.tasks if t.task.id == "T-2")
    assert (str(line.done_in), line.status_text) == ("2021-04", "已完成（已销号）")
    assert report.summary()["done_in"]["T-2"] == "2021-04"
    sheet = openpyxl.load_workbook(paths[0])["全年完成情况"]
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "T-2")
    assert row[4:7] == ("已完成（已销号）", "绿灯", "2021年4月")
    assert re.search(r'data-task="T-2" data-done-in="2021-04">.*?已完成（已销号）', paths[1].read_text("utf-8"), re.S)
    rows = [[c.text for c in r.cells] for r in Document(str(paths[2])).tables[0].rows]
    assert next(r for r in rows if r[0] == "T-2")[4] == "已完成（已销号）（2021年4月完成）"


def finished_then_reassigned(tmp_path):
    """财政局 finished T-1 in March (完成时间 typed); the office gave it to 税务局 from April (职能划转), and both
    units reported in April on their other tasks."""
    root = make_workspace(tmp_path / "ws", TASKS)
    answers = {
        MARCH: {FINANCE: {"T-1": {"完成状态": "已完成", "本月进展": "三月办结", "完成时间": date(2021, 3, 20)}}},
        APRIL: {FINANCE: {"T-2": {"完成状态": "序时推进"}}, TAX: {"T-3": {"完成状态": "序时推进"}}},
    }
    for period, units in answers.items():
        if period == APRIL:
            change_task(load_workspace(root), "reassign", "T-1", "职能划转", start=APRIL, lead=[TAX])
        ws = load_workspace(root)
        rendered = render(ws, period, [FINANCE, TAX])
        for unit, filled in units.items():
            path = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / str(period) / f"{unit}.xlsx", filled)
            collect_returns(ws.paths, period, [path], received=on(open_round(ws, period).due))
    return root


def test_a_task_reassigned_after_its_former_lead_finished_it_keeps_that_leads_words(tmp_path):
    """The year still shows the progress and 完成时间 财政局 typed on T-1, named as 财政局's, not a blank row under
    the new lead."""
    report = open_round(load_workspace(finished_then_reassigned(tmp_path)), "2021").report(issued=ISSUED)
    line = next(t for t in report.tasks if t.task.id == "T-1")
    assert line.task.lead_units == [TAX] and (line.status, str(line.done_in)) == ("已完成", "2021-03")
    assert (line.progress_text, line.completed_on) == (f"{FINANCE}：（2021年3月）三月办结", "2021-03-20")


def test_a_task_its_former_lead_finished_before_a_reassignment_is_that_leads_completion(tmp_path):
    """财政局 did the work on T-1: the year and April's report count it done among 财政局's led tasks, not among
    税务局's, which finished nothing."""
    ws = load_workspace(finished_then_reassigned(tmp_path))
    april = open_round(ws, APRIL).report(issued=ISSUED)
    assert {u.unit: u.completion_text for u in april.units} == {FINANCE: "1/2", TAX: "0/1"}
    year = open_round(ws, "2021").report(issued=ISSUED)
    assert {u["unit"]: (u["led"], u["done"]) for u in year.summary()["units"]} == {FINANCE: (2, 1), TAX: (1, 0)}


def test_a_co_led_task_one_lead_finished_has_no_completion_date_in_the_year(tmp_path):
    """财政局 said 已完成 on 2021-03-20 for its part of a task 税务局 co-leads and is still doing: the task is not
    done, so the year gives it no 完成时间 beside 序时推进 (the date is 财政局's, in March's own report)."""
    rows = [TASKS[0], ["1", "联合清理拖欠账款。", "年底前", "区财政局、区税务局", ""]]
    root = make_workspace(tmp_path / "ws", rows)
    ws = load_workspace(root)
    rendered = render(ws, MARCH, [FINANCE, TAX])
    answers = {
        FINANCE: {"T-1": {"完成状态": "已完成", "本月进展": "本局部分已完成", "完成时间": date(2021, 3, 20)}},
        TAX: {"T-1": {"完成状态": "序时推进", "本月进展": "推进中"}},
    }
    for unit, filled in answers.items():
        path = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / f"{unit}.xlsx", filled)
        collect_returns(ws.paths, MARCH, [path], received=on(date(2021, 4, 2)))
    report = open_round(load_workspace(root), "2021").report(issued=ISSUED)
    [line] = report.tasks
    assert (line.status, line.done_in, line.completed_on) == ("序时推进", None, "")


def test_a_change_recorded_from_a_round_after_the_last_with_data_alters_no_figure_of_the_span(tmp_path):
    """The year asked in June rests on March to May: T-1, finished in March, cancelled from June (a decision
    recorded since), is still among the year's tasks and done, as May's report and the year's own completion by
    round say; nothing reads "已取消" in a view as of 31 May."""
    root = year_over_three_months(tmp_path)
    change_task(load_workspace(root), "cancel", "T-1", "不再实施", start=Period(2021, 6))
    ws = load_workspace(root)
    figures = open_round(ws, "2021").status()
    assert (figures["tasks"], figures["done"], figures["cancelled"]) == (3, 1, [])
    assert figures["completion_by_round"][-1] == {"period": "2021-05", "done": 1, "total": 3}


def test_a_unit_renamed_after_a_spans_last_round_is_one_line_in_it(tmp_path):
    """税务局 renamed from April, after the first quarter: the quarter's per-unit table has one line for it,
    with its led task and its reporting record together, not one line for each name."""
    root = make_workspace(tmp_path / "ws", TASKS)
    rendered = open_round(load_workspace(root), MARCH).render([TAX])  # recorded as sent: April is next
    filled = {"T-3": {"完成状态": "序时推进", "本月进展": "已招标"}}
    path = fill_return(rendered.outbox / f"{TAX}.xlsx", tmp_path / f"{TAX}.xlsx", filled)
    collect_returns(load_workspace(root).paths, MARCH, [path], received=on(date(2021, 4, 2)))
    rename_unit(load_workspace(root), TAX, "示范区税务和统计局", APRIL, why="机构改革")
    report = open_round(load_workspace(root), "2021-Q1").report(issued=ISSUED)
    assert [(u.unit, u.led, u.rounds_due) for u in report.units if u.unit != FINANCE] == [("示范区税务和统计局", 1, 1)]


def test_a_unit_merged_after_the_spans_rounds_keeps_what_each_of_its_units_reported(tmp_path):
    """税务局 merged into 财政局 from June: the year's record of March to May took each round as 财政局 alone had
    reported it; 税务局's April, missing, vanished (报送率100%). A round before the merge counts once for the
    successor, as the least well of its units reported."""
    root = make_workspace(tmp_path / "ws", TASKS)
    late = {(APRIL, FINANCE)}
    answers = {
        MARCH: {FINANCE: {"T-2": {"完成状态": "序时推进", "本月进展": "三月"}}, TAX: {"T-3": {"本月进展": "招标"}}},
        APRIL: {FINANCE: {"T-2": {"完成状态": "序时推进", "本月进展": "四月"}}},
        MAY: {FINANCE: {"T-2": {"完成状态": "序时推进", "本月进展": "五月"}}, TAX: {"T-3": {"本月进展": "开标"}}},
    }
    for period, units in answers.items():
        opened = open_round(load_workspace(root), period)
        outbox = opened.render().outbox
        for unit, filled in units.items():
            path = fill_return(outbox / f"{unit}.xlsx", tmp_path / str(period) / f"{unit}.xlsx", filled)
            due = opened.due
            when = on(date(due.year, due.month, due.day + 3) if (period, unit) in late else due)
            collect_returns(opened.ws.paths, period, [path], received=when)
    months = [open_round(load_workspace(root), p).report(issued=ISSUED) for p in (MARCH, APRIL, MAY)]
    merge_units(load_workspace(root), [TAX], FINANCE, Period(2021, 6), "机构改革")
    report = open_round(load_workspace(root), "2021").report(issued=ISSUED)
    (finance,) = report.units
    assert (finance.unit, finance.led) == (FINANCE, 3)
    assert (finance.rounds_due, finance.returned, finance.missing) == (3, 2, 1)  # April: 税务局 missing
    assert report.reporting.missing == sum(len(m.missing_units) for m in months) == 1


def test_the_workbook_shows_the_reports_figures(year):
    ws, report, paths = year
    assert [p.name for p in paths] == ["汇总台账.xlsx", "report.html", "通报.docx"]
    assert all(p.parent == ws.paths.report(Period.parse("2021")) for p in paths)
    book = openpyxl.load_workbook(paths[0])
    assert book.sheetnames == ["概况", "全年完成情况", "单位完成情况", "单位完成情况图", "各期完成情况"]
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=3, values_only=True)}
    assert (overview["任务总数"], overview["已完成"], overview["完成率"]) == (3, 1, round(1 / 3, 4))
    assert overview["汇总范围"] == report.coverage_text()
    assert overview["报送情况"] == report.reporting_text()  # the totals the 通报 and status give, parts and rates
    assert book["概况"]["B6"].number_format == "0.0%"
    tasks = {row[0]: row for row in book["全年完成情况"].iter_rows(min_row=3, values_only=True)}
    header = [c.value for c in book["全年完成情况"][2]]
    assert header == [
        "任务编号",
        "具体措施",
        "牵头单位",
        "完成时限",
        "目前状态",  # the year is under way (returns up to May): no year-end is claimed
        "灯色",
        "完成于（期次）",
        "完成时间",
        "最近进展（注明期次）",
    ]
    # 完成时间 as offices write a day, as every other date of the outputs (it read 2021-03-20)
    assert tasks["T-1"][4:] == ("已完成", "绿灯", "2021年3月", "2021年3月20日", "（2021年3月）三月办结")
    units = {row[0]: row for row in book["单位完成情况"].iter_rows(min_row=3, values_only=True)}
    # 报送率 (returned ÷ due) beside 按时报送率 (on time ÷ due): 税务局 returned two rounds of three, one on time
    # and one on time with errors (报送有误, not 按时)
    assert units[FINANCE][:13] == (FINANCE, 2, 1, 0.5, 3, 3, 2, 1, 0, 0, 0, 1.0, round(2 / 3, 4))
    assert units[TAX][:13] == (TAX, 1, 0, 0, 3, 2, 1, 0, 1, 0, 1, round(2 / 3, 4), round(1 / 3, 4))
    assert [c.value for c in book["单位完成情况"][2]][11:13] == ["报送率", "按时报送率"]
    assert {book["单位完成情况"][f"{c}3"].number_format for c in "DLM"} == {"0.0%"}
    rounds = list(book["各期完成情况"].iter_rows(min_row=3, values_only=True))
    assert rounds == [("2021年3月", 1, 3, 0.3333), ("2021年4月", 1, 3, 0.3333), ("2021年5月", 1, 3, 0.3333)]
    assert book["单位完成情况图"]._charts and book["各期完成情况"]._charts


def test_the_page_shows_the_same_figures_self_contained(year):
    _, report, paths = year
    html = paths[1].read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "2021年全年完成情况" in text and report.coverage_text() in text
    [sub] = re.findall(r'<div class="sub">([^<]*)</div>', html)
    assert " · " not in sub and sub.startswith("2021年全年完成情况\u3000数据截至")  # no Western spaces
    assert re.search(r'id="done-total">1/3<', html) and re.search(r'id="completion">33.3%<', html)
    finance = r".*?1/2.*?50.0%.*?3期.*?3期.*?2期.*?1期.*?0期.*?0期.*?0期.*?100.0%.*?66.7%"
    assert re.search(rf'data-unit="{FINANCE}">{finance}', html, re.S)
    tax = r".*?0/1.*?0.0%.*?3期.*?2期.*?1期.*?0期.*?1期.*?0期.*?1期.*?66.7%.*?33.3%"
    assert re.search(rf'data-unit="{TAX}">{tax}', html, re.S)
    assert "<th>报送率</th><th>按时报送率</th>" in html
    assert re.search(
        r'data-task="T-1" data-done-in="2021-03">.*?2021年3月.*?2021年3月20日.*?（2021年3月）三月办结', html, re.S
    )
    assert html.count('class="bar round"') == 3  # a bar per round with data
    assert "http://" not in html and "https://" not in html  # nothing from a CDN


def test_the_bulletin_is_a_year_bulletin_saying_the_same(year):
    _, report, paths = year
    doc = Document(str(paths[2]))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[2] == "关于2021年全年重点任务推进情况的通报"  # [bulletin] title with {period} = 2021年全年
    body = "\n".join(paragraphs)
    assert "台账共有任务3项，截至2021年5月31日已完成1项，完成率33.3%；未完成2项，其中逾期未完成1项" in body
    assert report.coverage_text() in body
    assert "各单位的牵头任务完成情况和各期报送情况见汇总台账“单位完成情况”表。" in body  # not a paragraph per unit
    assert (
        "各单位共应报送6期次，其中按时报送3期次，逾期报送1期次，报送有误1期次，未报送1期次；"
        "已报送5期次，报送率83.3%，按时报送率50.0%；"
    ) in body
    assert f"有未报送的单位1个：{TAX}（未报送1期）" in body and f"有逾期报送的单位1个：{FINANCE}（逾期报送1期）" in body
    assert f"完成率最高的单位：{FINANCE}（1/2）；完成率最低的单位：{TAX}（0/1）。" in body
    assert (
        "1．推进电子票据（T-3；牵头单位：示范区税务局；完成时限：2021年4月底前；目前状态：状态有误（待核实））。"
        in body
    )
    assert "2021年6月" not in body and "下期" not in body  # nothing of the monthly body
    attachment = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in attachment.rows]
    assert rows[0] == ["编号", "具体措施", "牵头单位", "完成时限", "目前状态"]
    assert rows[1:] == [
        ["T-1", "清理拖欠账款。", FINANCE, "年底前", "已完成（2021年3月完成）"],
        ["T-2", "完善预算绩效管理。", FINANCE, "年底前", "序时推进"],
        ["T-3", "推进电子票据。", TAX, "2021年4月底前", "状态有误（待核实）"],
    ]
    assert not re.search(r"[\u4e00-\u9fff] [0-9A-Za-z]|[0-9A-Za-z] [\u4e00-\u9fff]", body)  # no Western spaces


def test_the_half_year_is_titled_as_such_and_numbered_apart(year):
    ws, _, _ = year
    report, paths = open_round(ws, "2021-H1").publish(issued=ISSUED)
    assert report.heading == "2021年上半年"
    book = openpyxl.load_workbook(paths[0])
    assert "上半年完成情况" in book.sheetnames
    assert [c.value for c in book["上半年完成情况"][2]][4] == "目前状态"  # June has no returns yet
    body = "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    assert "2021年上半年" in body and "目前状态" in body
    numbers = json.loads(ws.paths.bulletin_numbers.read_text(encoding="utf-8"))
    assert numbers["2021"]["number"] != numbers["2021-H1"]["number"]


def test_the_commands_report_and_show_the_year(tmp_path):
    from click.testing import CliRunner

    from ledger.cli import main

    root = year_over_three_months(tmp_path)
    made = CliRunner().invoke(main, ["report", "--period", "2021", "-w", str(root)])
    assert made.exit_code == 0, made.output
    assert {p.name for p in (root / "build" / "2021" / "report").iterdir()} == {
        "汇总台账.xlsx",
        "report.html",
        "通报.docx",
    }
    shown = CliRunner().invoke(main, ["status", "--period", "2021", "--json", "-w", str(root)])
    status = json.loads(shown.output)
    assert (status["round"]["kind"], status["tasks"], status["done"]) == ("year", 3, 1)
    finance = next(u for u in status["units"] if u["unit"] == FINANCE)
    assert (finance["led"], finance["done"], finance["on_time"], finance["late"]) == (2, 1, 2, 1)
    assert status["reporting"] == {
        "rounds_due": 6,
        "returned": 5,
        "on_time": 3,
        "late": 1,
        "missing": 1,
        "held": 0,
        "with_errors": 1,
        "late_with_errors": 0,
    }
    table = CliRunner().invoke(main, ["status", "--period", "2021", "-w", str(root)]).output
    assert (
        "各单位共应报送6期次，其中按时报送3期次，逾期报送1期次，报送有误1期次，未报送1期次；"
        "已报送5期次，报送率83.3%，按时报送率50.0%。"
    ) in table
    assert re.search(rf"{TAX}.*66\.7%.*33\.3%", table)


def test_the_status_table_gives_no_rate_for_a_unit_with_no_round_due_as_the_page_does(tmp_path):
    """Before any round has data no unit was due to report: its 报送率 and 按时率 are "—" (the page's and the
    workbook's word), not "0.0%", a rate of never reporting."""
    from click.testing import CliRunner

    from ledger.cli import main

    root = make_workspace(tmp_path / "ws", TASKS)
    shown = CliRunner().invoke(main, ["status", "--period", "2021", "-w", str(root)], env={"COLUMNS": "200"})
    row = next(line for line in shown.output.splitlines() if FINANCE in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")][-3:] == ["0", "—", "—"]


def test_the_status_table_gives_no_completion_for_a_unit_that_only_supports(tmp_path):
    """税务局 supports 财政局's task and leads none: "—" in 牵头完成, as the page says, not "0/0（0.0%）"."""
    from click.testing import CliRunner

    from ledger.cli import main

    root = make_workspace(tmp_path / "ws", [TASKS[0], ["1", "清理拖欠账款。", "年底前", "区财政局", "区税务局"]])
    ws = load_workspace(root)
    rendered = render(ws, MARCH, [FINANCE, TAX])
    path = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / "三月.xlsx", {"T-1": {"完成状态": "序时推进"}})
    collect_returns(ws.paths, MARCH, [path], received=on(date(2021, 4, 2)))
    shown = CliRunner().invoke(main, ["status", "--period", "2021", "-w", str(root)], env={"COLUMNS": "200"})
    row = next(line for line in shown.output.splitlines() if TAX in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")][1:3] == ["—", "1"]


def test_the_year_bulletin_prints_in_libreoffice_with_its_figures(year, tmp_path):
    import pdfplumber

    from .conftest import libreoffice_pdf

    _, _, paths = year
    out = tmp_path / "pdf"
    out.mkdir()
    with pdfplumber.open(libreoffice_pdf(paths[2], out)) as document:
        pages = [re.sub(r"\s+", "", page.extract_text() or "") for page in document.pages]
    assert "关于2021年全年重点任务推进情况的通报" in pages[0]
    assert "已完成1项，完成率33.3%" in "".join(pages)
    assert pages[-1].startswith("附件2021年全年任务完成情况表")  # the 附件 on a page of its own
    assert "T-1清理拖欠账款。示范区财政局年底前已完成" in pages[-1]  # a row per task, the unit name whole


def test_the_year_overview_prints_at_full_size(year, tmp_path):
    """The 全年 workbook's 概况, its wide 数值 column beside the lights chart, printed at 84 % (8 pt): the chart is
    as wide as the page leaves beside the table, and the page prints at full size, as the month's does."""
    import pdfplumber

    from .conftest import libreoffice_pdf

    _, _, paths = year
    book = openpyxl.load_workbook(paths[0])
    for name in book.sheetnames[1:]:
        del book[name]
    book.save(tmp_path / "overview.xlsx")
    with pdfplumber.open(libreoffice_pdf(tmp_path / "overview.xlsx", tmp_path)) as document:
        [page] = document.pages
        sizes = Counter(round(c["size"], 1) for c in page.chars if c["text"].strip())
    assert sizes.most_common(1)[0][0] == 10


def test_a_status_is_named_at_the_spans_end_only_when_every_round_inside_has_data():
    from ledger.span import SpanReport
    from ledger.span_outputs import end_name

    def span(period: str, with_data: int) -> SpanReport:
        p = Period.parse(period)
        rounds = p.rounds("month")
        return SpanReport(
            period=p,
            rounds=rounds,
            with_data=rounds[:with_data],
            as_of=p.end,
            issued=date(2022, 1, 10),
            title="台账",
            office="办公室",
            tasks=[],
            units=[],
            points=[],
        )

    assert [end_name(span("2021", 12)), end_name(span("2021-H1", 6)), end_name(span("2021", 7))] == [
        "年末",
        "上半年末",
        "目前",
    ]


def test_suspended_and_cancelled_tasks_are_listed_apart_in_the_three_outputs(tmp_path):
    """Out of every count of the year, as in the round's report, and listed with since when and why."""
    from ledger.task_changes import change_task

    root = year_over_three_months(tmp_path)
    ws = load_workspace(root)
    change_task(ws, "suspend", "T-3", "等待上级政策出台", start=MAY)
    change_task(ws, "cancel", "T-2", "并入其他任务", start=MAY)
    report, paths = open_round(load_workspace(root), "2021").publish(issued=ISSUED)
    assert [t.task.id for t in report.tasks] == ["T-1"]
    assert [(t.task.id, t.status) for t in report.suspended] == [("T-3", "暂缓")]
    assert [(t.task.id, t.status) for t in report.cancelled] == [("T-2", "已取消")]
    assert (report.summary()["suspended"], report.summary()["cancelled"]) == (["T-3"], ["T-2"])
    apart = "；另有暂缓1项、已取消1项，不计入以上统计"
    listed = [
        ("T-3", "推进电子票据。", "暂缓", "2021年5月", "等待上级政策出台"),
        ("T-2", "完善预算绩效管理。", "已取消", "2021年5月", "并入其他任务"),
    ]
    book = openpyxl.load_workbook(paths[0])
    rows = [(r[0], r[1], r[3], r[4], r[5]) for r in book["暂缓和取消"].iter_rows(min_row=3, values_only=True)]
    assert rows == listed
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=3, values_only=True)}
    assert (overview["任务总数"], overview["暂缓（不计入统计）"], overview["已取消（不计入统计）"]) == (1, 1, 1)
    html = paths[1].read_text(encoding="utf-8")
    for table, (task_id, measure, status, since, why) in zip(("suspended", "cancelled"), listed, strict=True):
        assert re.search(
            rf'<table id="{table}".*?data-task="{task_id}">.*?{measure}.*?{status}.*?{since}.*?{why}', html, re.S
        )
    assert apart in html
    body = "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    assert apart in body
    assert "另有暂缓1项、已取消1项，由牵头办公室决定，不计入以上统计：" in body
    assert "1．推进电子票据（T-3；暂缓，自2021年5月起；原因：等待上级政策出台）。" in body
    assert "2．完善预算绩效管理（T-2；已取消，自2021年5月起；原因：并入其他任务）。" in body
    assert [row.cells[0].text for row in Document(str(paths[2])).tables[0].rows[1:]] == ["T-1"]


def test_a_task_deleted_from_the_list_mid_year_is_named_apart_not_dropped_silently(tmp_path):
    """A clerk deletes T-2's row before May instead of recording a cancellation: the year, over May's list, no
    longer counts it, and every output says so beside the lights, as it says a cancelled task."""
    root = make_workspace(tmp_path / "ws", TASKS)
    for period in (MARCH, APRIL, MAY):
        if period == MAY:
            write_xlsx(root / "source" / "tasks" / "tasks.xlsx", [TASKS[0], TASKS[1], TASKS[3]])
        ws = load_workspace(root)
        rendered = open_round(ws, period).render([FINANCE])  # as `ledger render`: what was sent recorded
        filled = {"T-1": {"完成状态": "序时推进", "本月进展": f"{period}进展"}}
        returned = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / str(period) / "f.xlsx", filled)
        collect_returns(ws.paths, period, [returned], received=on(open_round(ws, period).due))
    report, paths = open_round(load_workspace(root), "2021").publish(issued=ISSUED)
    assert [t.task.id for t in report.tasks] == ["T-1", "T-3"]
    assert report.removed == ["T-2"] and report.summary()["removed"] == ["T-2"]
    apart = "；另有从任务清单删去1项，不计入以上统计"
    assert report.apart_text() == apart
    overview = {row[0]: row[1] for row in openpyxl.load_workbook(paths[0])["概况"].iter_rows(values_only=True)}
    assert overview["从任务清单删去（不计入统计）"] == 1
    assert apart in paths[1].read_text(encoding="utf-8")
    assert apart in "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    may = open_round(load_workspace(root), MAY).report()
    assert may.removed == ["T-2"] and may.apart_text() == apart
    assert open_round(load_workspace(root), APRIL).report().removed == []


def test_a_year_with_no_round_sent_says_so_and_gives_no_rate(tmp_path):
    from click.testing import CliRunner

    from ledger.cli import main

    root = make_workspace(tmp_path / "ws", TASKS)
    report = open_round(load_workspace(root), "2021").report(issued=ISSUED)
    assert report.reporting_text() == "2021年全年尚无应报送的调度"  # not "应报送0期次（报送率0.0%）"
    shown = CliRunner().invoke(main, ["status", "--period", "2021", "-w", str(root)]).output
    assert "2021年全年尚无应报送的调度。" in shown and "报送率0.0%" not in shown


def test_a_title_of_two_lines_breaks_after_the_period_it_names(year):
    """关于2021年第二季度重点任务推进情况的通报 is longer than a line of 二号: it is broken after the
    period it names, as GB/T 9704 breaks a title between words, not with 报 alone on the second line."""
    ws, _, paths = year

    def title(path):
        return next(p.text for p in Document(str(path)).paragraphs if p.style.style_id == "DocTitle")

    assert title(next(p for p in paths if p.suffix == ".docx")) == "关于2021年全年重点任务推进情况的通报"
    _, quarter = open_round(ws, "2021-Q2").publish(issued=ISSUED)
    lines = title(next(p for p in quarter if p.suffix == ".docx")).split("\n")
    assert lines == ["关于2021年第二季度", "重点任务推进情况的通报"]


def test_a_round_the_office_never_ran_leaves_the_year_whole_and_is_named(tmp_path):
    """A quarterly ledger that ran no round in the third quarter (never rendered, never mailed): nobody was asked,
    so the year with the fourth quarter's data is whole — 年末, every round it ran counted — and says which
    round was not run instead of "其余各期尚无报送数据"."""
    root = make_workspace(tmp_path / "ws", TASKS)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    for quarter in ("2021-Q1", "2021-Q2", "2021-Q4"):
        ws = load_workspace(root)
        opened = open_round(ws, quarter)
        outbox = opened.render([FINANCE]).outbox
        filled = {"T-2": {"完成状态": "序时推进", "本季度进展": f"{quarter}进展"}}
        returned = fill_return(outbox / f"{FINANCE}.xlsx", tmp_path / quarter / f"{FINANCE}.xlsx", filled)
        collect_returns(ws.paths, opened.period, [returned], received=on(opened.due))
    report, paths = open_round(load_workspace(root), "2021").publish(issued=date(2022, 1, 20))
    assert report.complete and [str(p) for p in report.skipped] == ["2021-Q3"]
    assert not open_round(load_workspace(root), "2020").report().complete  # never run, and no data: no year-end
    assert report.coverage_text() == (
        "本报告汇总2021年第一季度至2021年第四季度共3期调度数据（2021年全年共4期，2021年第三季度未开展调度）。"
    )
    sheet = openpyxl.load_workbook(next(p for p in paths if p.suffix == ".xlsx"))["概况"]
    assert next(row for row in sheet.iter_rows(values_only=True) if row[0] == "调度期数（有数据/应有）")[1] == "3/3"


def test_the_years_status_says_its_last_round_with_data_is_not_yet_due(tmp_path):
    """The year asked for while May's returns are still due in ten days: 税务局's May is counted 未报送 so far,
    and `status` says May's deadline has not passed, as the month's own status does; not once it has."""
    from datetime import timedelta

    from click.testing import CliRunner

    from ledger.cli import main
    from ledger.clock import today
    from ledger.wording import chinese

    root = year_over_three_months(tmp_path)
    shown = CliRunner().invoke(main, ["status", "--period", "2021", "-w", str(root)]).output
    assert "尚未过报送截止日期" not in shown
    ws = load_workspace(root)
    due = today(ws.config) + timedelta(days=10)
    open_round(ws, MAY).set_due(due.isoformat(), "顺延")
    shown = CliRunner().invoke(main, ["status", "--period", "2021", "-w", str(root)]).output
    assert f"2021年5月尚未过报送截止日期（{chinese(due)}前报送），该期未报送的单位仍可报送。" in shown


def test_a_late_return_with_errors_is_said_late_among_the_years_errors_as_its_month_says(tmp_path):
    """财政局's March return came three days late with a status outside the list: March says 报送有误1个（其中
    逾期1个）; the year counts it 报送有误 only, not 逾期 too, and says 其中逾期 as March does, so the lateness
    is not lost."""
    root = make_workspace(tmp_path / "ws", TASKS)
    ws = load_workspace(root)
    rendered = render(ws, MARCH, [FINANCE])
    filled = {"T-1": {"完成状态": "差不多了"}, "T-2": {"完成状态": "序时推进", "本月进展": "三月进展"}}
    book = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / f"{FINANCE}.xlsx", filled)
    due = open_round(ws, MARCH).due
    collect_returns(ws.paths, MARCH, [book], received=on(date(due.year, due.month, due.day + 3)))
    march = open_round(load_workspace(root), MARCH).report(issued=ISSUED)
    assert "报送有误1个（其中逾期1个）" in march.reporting_text()
    report = open_round(load_workspace(root), "2021").report(issued=ISSUED)
    total = report.reporting
    assert (total.rounds_due, total.late, total.with_errors, total.late_with_errors) == (2, 0, 1, 1)  # 税务局 missing
    assert "报送有误1期次（其中逾期1期次）" in report.reporting_text()
    assert next(u for u in report.summary()["units"] if u["unit"] == FINANCE)["late_with_errors"] == 1


def test_a_year_dated_before_its_last_rounds_due_day_warns_its_unreported_units_still_had_time(tmp_path):
    """The year dated 1 April over March, whose returns are due in April: 税务局, 未报送 in it so far, still had
    time. Warned as March's own report dated so is (report-date-before-due)."""
    root = make_workspace(tmp_path / "ws", TASKS)
    ws = load_workspace(root)
    rendered = render(ws, MARCH, [FINANCE])
    filled = {"T-1": {"完成状态": "序时推进", "本月进展": "三月"}, "T-2": {"完成状态": "序时推进", "本月进展": "三月"}}
    book = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / f"{FINANCE}.xlsx", filled)
    collect_returns(ws.paths, MARCH, [book], received=on(date(2021, 3, 31)))
    due = open_round(ws, MARCH).due
    march = open_round(load_workspace(root), MARCH).report(issued=date(2021, 4, 1))
    year = open_round(load_workspace(root), "2021").report(issued=date(2021, 4, 1))
    assert [n.code for n in year.notes] == [n.code for n in march.notes] == ["report-date-before-due"]
    assert year.notes[0].values == march.notes[0].values and year.notes[0].values["count"] == 1
    assert (
        open_round(load_workspace(root), "2021").report(issued=due + timedelta(days=1)).notes == []
    )  # the due day still had time


def test_a_last_round_sent_with_nothing_back_counts_once_its_due_day_has_passed(tmp_path):
    """June went out (rendered, recorded under source/sent) and no return came back. Dated after June's due day,
    the half-year counts it: both units 未报送 in it, as June's own status says; dated before, June is still open:
    not counted, and said so; on the due day itself a return is still on time, so June is still open then, as
    `ledger status` says. Re-run with the same date, the figures stay the same."""
    june = Period(2021, 6)
    root = year_over_three_months(tmp_path)
    open_round(load_workspace(root), june).render()
    due = open_round(load_workspace(root), june).due
    before = open_round(load_workspace(root), "2021-H1").report(issued=date(2021, 6, 30))
    on_the_day = open_round(load_workspace(root), "2021-H1").report(issued=due)
    assert june not in on_the_day.with_data and "2021年6月尚未过报送截止日期" in on_the_day.coverage_text()
    due = due + timedelta(days=1)
    after = open_round(load_workspace(root), "2021-H1").report(issued=due)
    assert june not in before.with_data and before.reporting.rounds_due == 6
    assert "2021年6月尚未过报送截止日期" in before.coverage_text()
    assert after.with_data[-1] == june and after.summary()["rounds_with_data"][-1] == "2021-06"
    month = open_round(load_workspace(root), june).report(issued=due)
    assert month.reporting_text() == "应报送单位2个，其中按时报送0个，未报送2个"
    assert (after.reporting.rounds_due, after.reporting.missing) == (
        before.reporting.rounds_due + 2,
        before.reporting.missing + 2,
    )
    again = open_round(load_workspace(root), "2021-H1").report(issued=date(2021, 6, 30))
    assert again.summary() == before.summary()


def test_a_first_round_sent_with_nothing_back_counts_in_the_year_as_a_later_one_does(tmp_path):
    """The ledger's first round, March, went out and nothing came back; April's returns did. March is a round every
    unit due missed, as its own status says, not a round the year has no data of."""
    root = make_workspace(tmp_path / "ws", TASKS)
    open_round(load_workspace(root), MARCH).render()
    ws = load_workspace(root)
    rendered = render(ws, APRIL, [FINANCE])
    filled = {"T-1": {"完成状态": "序时推进", "本月进展": "四月"}, "T-2": {"完成状态": "序时推进", "本月进展": "四月"}}
    book = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / f"{FINANCE}.xlsx", filled)
    collect_returns(ws.paths, APRIL, [book], received=on(open_round(ws, APRIL).due))
    march = open_round(load_workspace(root), MARCH).report(issued=ISSUED)
    assert march.reporting_text() == "应报送单位2个，其中按时报送0个，未报送2个"
    year = open_round(load_workspace(root), "2021").report(issued=ISSUED)
    assert year.with_data == [MARCH, APRIL]
    assert (year.reporting.rounds_due, year.reporting.on_time, year.reporting.missing) == (4, 1, 3)


def test_a_round_rendered_ahead_names_no_round_before_it_not_run_while_it_is_still_open(tmp_path):
    """March's returns are in; the office rendered May ahead (or typed 2021-05 for April) before April: dated in
    April, the year says April has no data yet, not that April was never run (未开展调度), since April may still go
    out. Once May is counted, April not run by then was skipped."""
    root = make_workspace(tmp_path / "ws", TASKS)
    ws = load_workspace(root)
    rendered = render(ws, MARCH, [FINANCE])
    filled = {"T-1": {"完成状态": "序时推进", "本月进展": "三月"}, "T-2": {"完成状态": "序时推进", "本月进展": "三月"}}
    book = fill_return(rendered.outbox / f"{FINANCE}.xlsx", tmp_path / f"{FINANCE}.xlsx", filled)
    collect_returns(ws.paths, MARCH, [book], received=on(open_round(ws, MARCH).due))
    open_round(load_workspace(root), MAY).render()
    early = open_round(load_workspace(root), "2021").report(issued=date(2021, 4, 20))
    assert [str(p) for p in early.skipped] == ["2021-01", "2021-02"] and early.still_open == [MAY]
    assert "2021年4月" not in early.coverage_text() and "其余各期尚无报送数据" in early.coverage_text()
    late = open_round(load_workspace(root), "2021").report(
        issued=open_round(load_workspace(root), MAY).due + timedelta(days=1)
    )
    assert [str(p) for p in late.skipped] == ["2021-01", "2021-02", "2021-04"]


def test_a_year_with_a_suspension_only_names_it_as_a_suspension(tmp_path):
    """Only T-3 suspended: the 通报's list of the tasks set apart says 暂缓1项, as the lights' sentence and the
    month's outputs word it (`apart_text`), not "暂缓、取消的任务1项" as if one were cancelled."""
    root = year_over_three_months(tmp_path)
    change_task(load_workspace(root), "suspend", "T-3", "等待上级政策出台", start=MAY)
    _, paths = open_round(load_workspace(root), "2021").publish(issued=ISSUED)
    body = "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    assert "；另有暂缓1项，不计入以上统计" in body
    assert "另有暂缓1项，由牵头办公室决定，不计入以上统计：" in body
    assert "暂缓、取消" not in body


def test_the_year_says_how_many_of_its_done_tasks_were_closed_in_every_output(tmp_path):
    """T-2 closed (销号) from April beside T-1 finished by its lead: the month says 已完成2项（其中已销号1项） and lists
    it in `closed`; the year says it the same way, from the same count, in the 通报, the page, the workbook and
    `status --json`."""
    root = year_over_three_months(tmp_path)
    change_task(load_workspace(root), "close", "T-2", "已验收", start=APRIL)
    ws = load_workspace(root)
    may = open_round(ws, MAY).report(issued=ISSUED)
    assert "已完成2项（其中已销号1项）" in may.judgement()
    report, paths = open_round(ws, "2021").publish(issued=ISSUED)
    assert report.summary()["closed"] == may.summary()["closed"] == ["T-2"]
    overview = {row[0]: row[1] for row in openpyxl.load_workbook(paths[0])["概况"].iter_rows(values_only=True)}
    assert (overview["已完成"], overview["已销号（计入已完成）"]) == (2, 1)
    text = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", paths[1].read_text(encoding="utf-8")))
    assert "已完成2项（其中已销号1项）" in text
    body = "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    assert "截至2021年5月31日已完成2项（其中已销号1项），完成率66.7%" in body
    from click.testing import CliRunner

    from ledger.cli import main

    for period in (str(MAY), "2021"):  # and `ledger status` as plain text, for the month and the year alike
        printed = CliRunner().invoke(main, ["status", "--period", period, "-w", str(root)], terminal_width=200)
        assert "已完成2项（其中已销号1项），占66.7%" in printed.output, printed.output


def test_an_overdue_task_still_reported_on_schedule_is_said_so_in_the_half_year_as_in_its_month(tmp_path):
    """T-3 was due by the end of April and 税务局 still reports it 序时推进 in May: May's 通报 says
    序时推进（已超期，单位填报序时推进）; the half-year, listing it among the overdue, said only 上半年末状态：序时推进,
    which a leader reads as a contradiction. Every output of the span now says it as the month does."""
    root = make_workspace(tmp_path / "ws", TASKS)
    for period in (APRIL, MAY):
        ws = load_workspace(root)
        rendered = render(ws, period, [FINANCE, TAX])
        for unit, filled in (
            (FINANCE, {"T-1": {"完成状态": "序时推进"}, "T-2": {"完成状态": "序时推进"}}),
            (TAX, {"T-3": {"完成状态": "序时推进", "本月进展": f"推进中（{period}）"}}),
        ):
            returned = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / str(period) / f"{unit}.xlsx", filled)
            collect_returns(ws.paths, period, [returned], received=on(open_round(ws, period).due))
    ws = load_workspace(root)
    may = open_round(ws, MAY).report(issued=ISSUED)
    said = "序时推进（已超期，单位填报序时推进）"
    assert [t.task.id for t in may.on_schedule_overdue_tasks] == ["T-3"]
    report, paths = open_round(ws, "2021-H1").publish(issued=ISSUED)
    line = next(t for t in report.tasks if t.task.id == "T-3")
    assert line.status_text == said and [t.task.id for t in report.overdue_tasks] == ["T-3"]
    body = "\n".join(p.text for p in Document(str(paths[2])).paragraphs)
    assert f"目前状态：{said}）。" in body
    rows = [[c.text for c in r.cells] for r in Document(str(paths[2])).tables[0].rows]
    assert next(r for r in rows if r[0] == "T-3")[4] == said
    html = paths[1].read_text(encoding="utf-8")
    assert f"完成时限2021年4月底前；{said}）</li>" in html
    sheet = openpyxl.load_workbook(paths[0])["上半年完成情况"]
    assert next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "T-3")[4] == said


def test_the_pages_charts_give_the_rates_the_bulletin_and_workbook_give(year):
    """A bar's label said 33%（1/3） where the 通报 says 33.3% and the workbook's cell shows 33.3%: a leader comparing
    the page with the paper saw two figures for one rate. The labels now give it as every other output does."""
    _, report, paths = year
    html = paths[1].read_text(encoding="utf-8")
    labels = re.findall(r'<span class="value">([^<]*)</span>', html)
    rounds = [f"{p.completion:.1%}（{p.done}/{p.total}）" for p in report.points]
    units = [f"{u.completion:.1%}（{u.completion_text}）" for u in report.units if u.led]
    assert labels == rounds + units
    assert "33.3%（1/3）" in labels


def test_the_workbooks_charts_give_the_rates_its_cells_and_the_bulletin_give(year):
    """The 单位完成情况图 and 各期完成情况 charts labelled 33%（1/3） beside cells showing 33.3%, as the 通报 says."""
    import zipfile

    _, report, paths = year
    with zipfile.ZipFile(paths[0]) as book:
        charts = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/charts/chart")]
    labels = {t for xml in charts for t in re.findall(r"<a:t>(\d[^<]*（[^<]*）)</a:t>", xml)}
    assert labels == {
        *(f"{p.completion:.1%}（{p.done}/{p.total}）" for p in report.points),
        *(f"{u.completion:.1%}（{u.completion_text}）" for u in report.units if u.led),
    }
