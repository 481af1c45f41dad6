"""The monthly report's rules on small purpose-built ledgers: the red / 未报送 split, 状态有误, one status
normalisation from the return to next month's workbook, praise criteria, first-month wording, the report date and
the next deadline."""

import os
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from docx import Document

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.history import build_history
from ledger.merge import merge_period
from ledger.model import Period
from ledger.report import FIRST_MONTH, GOOD_RULE, build_report, says_nothing
from ledger.schedule import round_due
from ledger.statuses import normalise_status
from ledger.wording import chinese

from .conftest import fill_return, make_workspace, render

MAY, JUNE, JULY = Period(2021, 5), Period(2021, 6), Period(2021, 7)
FINANCE, TAX, EAST = "示范区财政局", "示范区税务局", "东街道"
TASKS = [
    ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"],
    ["1", "清理拖欠账款。", "2021年年底前", "区财政局", "区税务局"],
    ["2", "完善预算绩效管理。", "2021年年底前", "区财政局", ""],
    ["3", "推进电子票据。", "2021年年底前", "区税务局", ""],
    ["4", "整治老旧小区。", "2021年3月底前", "东街道", ""],
    ["5", "建设智慧社区。", "2021年年底前", "东街道", ""],
]


def workspace(tmp_path, extra=""):
    root = make_workspace(tmp_path / "ws", TASKS)
    if extra:
        config = root / "ledger.toml"
        config.write_text(config.read_text(encoding="utf-8").replace("[office]", f"{extra}\n[office]"), "utf-8")
    return root


def send(root, period, unit, answers, when, tmp_path, name=None):
    """The unit fills its workbook and it arrives at `when` (the file's time is what collect records)."""
    ws = load_workspace(root)
    rendered = render(ws, period, [unit])
    path = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / (name or f"{period}-{unit}.xlsx"), answers)
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
    collect_returns(ws.paths, period, [path])
    return path


def report_of(root, period, issued=date(2021, 7, 9)):
    ws = load_workspace(root)
    return build_report(ws, period, merge_period(ws, period), build_history(ws, period), issued=issued)


BEIJING = ZoneInfo("Asia/Shanghai")
ON_TIME = datetime(2021, 7, 2, 10, 0, tzinfo=BEIJING)


def test_unreported_tasks_are_counted_apart_from_the_lights(tmp_path):
    root = workspace(tmp_path)
    send(root, JUNE, FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进中"}}, ON_TIME, tmp_path)
    report = report_of(root, JUNE)
    lights = {t.task.id: t.light for t in report.tasks}
    # T-2: 财政局 returned but chose no status; T-3: 税务局 silent; T-4: overdue, so red whoever reported
    assert lights == {"T-1": "green", "T-2": "grey", "T-3": "grey", "T-4": "red", "T-5": "grey"}
    assert (report.red_overdue, report.unreported) == (1, 3)
    assert report.lights_text() == "绿灯1项，黄灯0项，红灯1项（逾期1项），未报送3项"


def test_unreported_light_red_folds_them_into_red_and_still_shows_the_split(tmp_path):
    root = workspace(tmp_path, '[report]\nunreported_light = "red"')
    send(root, JUNE, FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进中"}}, ON_TIME, tmp_path)
    report = report_of(root, JUNE)
    assert report.counts == {"green": 1, "yellow": 0, "red": 4, "grey": 0}
    assert report.lights_text() == "绿灯1项，黄灯0项，红灯4项（逾期1项、未报送3项）"


def test_an_invalid_status_is_to_be_checked_not_unreported_and_is_never_prefilled(tmp_path):
    root = workspace(tmp_path)
    answers = {"T-1": {"完成状态": "推进中", "本月进展": "已完成清欠台账。"}, "T-2": {"完成状态": "序时推进"}}
    send(root, JUNE, FINANCE, answers, ON_TIME, tmp_path)
    ws = load_workspace(root)
    merged = merge_period(ws, JUNE)
    report = build_report(ws, JUNE, merged, build_history(ws, JUNE), issued=date(2021, 7, 9))
    line = next(t for t in report.tasks if t.task.id == "T-1")
    assert (line.status, line.light) == ("状态有误（待核实）", "yellow")
    assert [e.progress for e in line.leads] == ["已完成清欠台账。"]  # its progress is shown
    assert [(p.code, p.unit) for p in merged.problems if p.severity == "error"] == [("status-invalid", FINANCE)]
    assert FINANCE in report.summary()["units"]["with_errors"] and FINANCE not in report.summary()["units"]["missing"]
    assert report.summary()["invalid_status"] == ["T-1"]
    finance = next(u for u in report.units if u.unit == FINANCE)
    assert (finance.invalid, finance.not_reported) == (1, 0)
    # July's workbook asks for the status again but keeps the progress text
    july = render(load_workspace(root), JULY, [FINANCE])
    sheet = openpyxl.load_workbook(july.outbox / f"{FINANCE}.xlsx")["牵头任务"]
    headers = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "T-1")
    assert row[headers.index("完成状态")] in (None, "")
    assert row[headers.index("本月进展")] == "已完成清欠台账。"


# a zero-width space or a BOM pasted with the status (from a web page, a chat message) read as 状态有误: the
# problem said "已完成" was not among 已完成、序时推进…, which no clerk could see
@pytest.mark.parametrize(
    "typed", ["已完成 ", "　已完成", "已 完成", "已完成\u00a0", "已完成\u200b", "\ufeff已完成", "已完\u2060成"]
)
def test_normalise_status(typed):
    assert normalise_status(typed) == "已完成"


def test_status_with_spaces_counts_as_typed_meant_from_return_to_next_month(tmp_path):
    root = workspace(tmp_path)
    answers = {
        "T-1": {"完成状态": "已完成 ", "本月进展": "已办结。"},
        "T-2": {"完成状态": "　滞后", "本月进展": "资金未到位。"},
    }
    send(root, JUNE, FINANCE, answers, ON_TIME, tmp_path)
    ws = load_workspace(root)
    merged = merge_period(ws, JUNE)
    hints = sorted((p.sheet, p.cell, p.code, p.severity) for p in merged.problems if p.code == "status-spaces")
    assert [h[2:] for h in hints] == [("status-spaces", "warning")] * 2 and all(h[1] for h in hints)
    report = build_report(ws, JUNE, merged, build_history(ws, JUNE), issued=date(2021, 7, 9))
    statuses = {t.task.id: t.status for t in report.tasks}
    assert (statuses["T-1"], statuses["T-2"]) == ("已完成", "滞后")
    # July: T-1 is closed (not asked again), T-2 is prefilled with the status as it should read
    july = render(load_workspace(root), JULY, [FINANCE])
    sheet = openpyxl.load_workbook(july.outbox / f"{FINANCE}.xlsx")["牵头任务"]
    headers = [c.value for c in sheet[2]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] and str(r[0]).startswith("T-")}
    assert "T-1" not in rows
    assert rows["T-2"][headers.index("完成状态")] == "滞后"


def test_praise_needs_on_time_clean_returns_and_no_task_behind_overdue_stalled_or_invalid(tmp_path):
    root = workspace(tmp_path)
    send(
        root,
        JUNE,
        FINANCE,
        {"T-1": {"完成状态": "已完成", "本月进展": "办结"}, "T-2": {"完成状态": "序时推进", "本月进展": "推进"}},
        ON_TIME,
        tmp_path,
    )
    send(root, JUNE, TAX, {"T-3": {"完成状态": "已完成", "本月进展": "办结"}}, datetime(2021, 7, 3, 9), tmp_path)
    # 东街道: on time and clean, but its overdue task is not done and its other task has not started
    send(
        root,
        JUNE,
        EAST,
        {"T-4": {"完成状态": "序时推进", "本月进展": "推进"}, "T-5": {"完成状态": "未启动"}},
        ON_TIME,
        tmp_path,
    )
    report = report_of(root, JUNE)
    assert [u.unit for u in report.good_units] == [TAX, FINANCE]  # 1/1 before 1/2
    east = next(u for u in report.units if u.unit == EAST)
    assert (east.overdue, east.stalled, east.needs_attention) == (1, 1, True)
    assert east.concerns == "逾期1项、应启动未启动1项"


def test_praise_is_for_on_schedule_lead_work_and_its_rule_says_so(tmp_path):
    """A leader reads the rule beside "财政局（0/1）": it must not read as "every task done". Praise goes to a unit
    that leads a task (西街道 only supports) and reported no problem on the tasks it leads (税务局's problem is on a
    task it supports), and the rule says exactly that."""
    rows = [TASKS[0], ["1", "清理拖欠账款。", "2021年年底前", "区财政局", "区税务局、西街道"]]
    rows.append(["2", "推进电子票据。", "2021年年底前", "区税务局", ""])
    root = make_workspace(tmp_path / "ws", rows)
    send(root, JUNE, FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, ON_TIME, tmp_path)
    outbox = render(load_workspace(root), JUNE, [TAX, "西街道"]).outbox
    tax = fill_return(outbox / f"{TAX}.xlsx", tmp_path / "tax.xlsx", {"T-2": {"完成状态": "序时推进"}})
    fill_return(tax, tax, {"T-1": {"完成状态": "序时推进", "存在问题": "资金未到位"}}, sheet="配合任务")
    west = fill_return(outbox / "西街道.xlsx", tmp_path / "west.xlsx", {"T-1": {"完成状态": "序时推进"}}, "配合任务")
    for path in (tax, west):
        os.utime(path, (ON_TIME.timestamp(), ON_TIME.timestamp()))
    collect_returns(load_workspace(root).paths, JUNE, [tax, west])
    report = report_of(root, JUNE)
    assert {(u.unit, u.completion_text) for u in report.good_units} == {(FINANCE, "0/1"), (TAX, "0/1")}
    assert "均已选择完成状态" not in GOOD_RULE  # read as "all chosen 已完成"
    assert all(words in GOOD_RULE for words in ("有牵头", "不要求已完成", "牵头任务未反映进度问题"))


def test_a_late_return_is_not_praised(tmp_path):
    root = workspace(tmp_path)
    send(root, JUNE, TAX, {"T-3": {"完成状态": "已完成", "本月进展": "办结"}}, datetime(2021, 7, 6, 9), tmp_path)
    report = report_of(root, JUNE)
    assert report.good_units == [] and [u.unit for u in report.late_units] == [TAX]


def test_first_month_says_so_and_the_second_compares(tmp_path):
    root = workspace(tmp_path)
    send(
        root,
        MAY,
        FINANCE,
        {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}, "T-2": {"完成状态": "序时推进", "本月进展": "推进"}},
        datetime(2021, 6, 2),
        tmp_path,
    )
    may = report_of(root, MAY, issued=date(2021, 6, 8))
    assert may.first_month and may.month_over_month() == FIRST_MONTH == "本期为首次调度，无上期数据。"
    assert may.newly_done == [] and may.newly_overdue == []
    send(
        root,
        JUNE,
        FINANCE,
        {"T-1": {"完成状态": "已完成", "本月进展": "办结"}, "T-2": {"完成状态": "序时推进", "本月进展": "推进"}},
        ON_TIME,
        tmp_path,
    )
    send(root, JUNE, TAX, {"T-3": {"完成状态": "序时推进", "本月进展": "推进"}}, ON_TIME, tmp_path)
    june = report_of(root, JUNE)
    assert june.previous == MAY and not june.first_month
    assert [t.task.id for t in june.newly_done] == ["T-1"]
    assert [c.unit for c in june.reporting_better] == [TAX]  # silent in May, on time in June
    assert june.month_over_month().startswith("与上期（2021年5月）相比，新完成1项")


def test_report_date_is_the_date_given_and_no_received_time_moves_it(tmp_path):
    root = workspace(tmp_path)
    send(
        root,
        JUNE,
        FINANCE,
        {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}},
        datetime(2021, 7, 12, 16, tzinfo=BEIJING),
        tmp_path,
    )
    early = report_of(root, JUNE, issued=date(2021, 7, 9))
    assert early.issued == date(2021, 7, 9)  # --date wins
    # but a bulletin dated 7月9日 cannot say what came on 7月12日: said, naming the latest return
    assert [n.code for n in early.notes] == ["report-date-before-returns"]
    assert "2021年7月9日" in early.notes[0].message and "2021年7月12日16:00" in early.notes[0].message
    assert report_of(root, JUNE, issued=date(2021, 7, 20)).issued == date(2021, 7, 20)
    assert report_of(root, JUNE, issued=date(2021, 7, 12)).notes == []  # the day the last return came
    late = report_of(root, JUNE, issued=date(2021, 9, 1))
    assert [n.code for n in late.notes] == ["report-date-late"]


def test_next_report_due_is_next_periods_deadline_moved_past_a_holiday(tmp_path):
    root = workspace(tmp_path, "[report]\ndue_day = 1")
    ws = load_workspace(root)
    # September's returns are due on 1 October, National Day: the next working day is Friday 8 October
    assert round_due(ws.config, ws.paths, Period(2021, 9)) == date(2021, 10, 8)
    august = build_report(
        ws,
        Period(2021, 8),
        merge_period(ws, Period(2021, 8)),
        build_history(ws, Period(2021, 8)),
        issued=date(2021, 9, 3),
    )
    assert august.return_deadline == date(2021, 9, 1) and august.next_due == date(2021, 10, 8)


def test_a_refused_file_makes_its_unit_one_with_errors_not_one_that_did_not_report(tmp_path):
    root = workspace(tmp_path)
    # 财政局 sends a workbook that cannot be opened: refused, and named after the unit
    broken = tmp_path / f"{FINANCE}6月填报.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    collect_returns(load_workspace(root).paths, JUNE, [broken])
    report = report_of(root, JUNE)
    units = report.summary()["units"]
    assert FINANCE in units["refused"] and FINANCE in units["with_errors"] and FINANCE not in units["missing"]
    assert TAX in units["missing"]
    finance = next(u for u in report.units if u.unit == FINANCE)
    assert (finance.reporting, finance.contact) == ("报送有误（文件未汇总）", "丙")


def test_a_workbook_sent_back_unfilled_is_not_counted_as_reported(tmp_path):
    """return-empty says 视为未报送本期进展: the unit is 报送有误（填报表未填写）, and not among the units that
    reported (已报送) in the round, nor on time in the year."""
    from ledger.rounds import open_round

    root = workspace(tmp_path)
    send(root, JUNE, FINANCE, {}, ON_TIME, tmp_path)  # sent back as it was rendered
    send(root, JUNE, TAX, {"T-3": {"完成状态": "序时推进", "本月进展": "推进"}}, ON_TIME, tmp_path)
    report = report_of(root, JUNE)
    units = report.summary()["units"]
    assert (units["returned"], units["missing"]) == ([TAX], [EAST])
    assert FINANCE in units["with_errors"] and FINANCE not in units["late"] + units["good"]
    finance = next(u for u in report.units if u.unit == FINANCE)
    assert finance.reporting == "报送有误（填报表未填写）"
    assert (finance.received, finance.on_time) == (ON_TIME, None)  # when it came is still shown
    _, (_, page, bulletin) = open_round(load_workspace(root), JUNE).publish(issued=date(2021, 7, 9))
    bulletin_text = "\n".join(p.text for p in Document(str(bulletin)).paragraphs)
    for text in (page.read_text(encoding="utf-8"), bulletin_text):  # the page and the 通报 say it the same way
        assert f"{FINANCE}（填报表未填写" in text
    # the rule under 报送有误单位 says why an unfilled workbook is listed there
    errors = page.read_text(encoding="utf-8").split("报送有误单位（", 1)[1]
    rule = errors.split('<p class="note">', 1)[1].split("</p>")[0]
    assert "填报表未填写" in rule
    year = {u.unit: u for u in open_round(load_workspace(root), "2021").report().units}
    assert (year[FINANCE].returned, year[FINANCE].on_time, year[FINANCE].with_errors) == (0, 0, 1)
    assert (year[TAX].returned, year[TAX].on_time) == (1, 1)


@pytest.mark.parametrize(
    "text", ["无", "暂无", "无。", " 无 ", "没有", "暂无问题", "无问题和需协调事项", "/", "—", "", "否"]
)
def test_nothing_to_report_is_not_an_issue(text):
    assert says_nothing(text)


@pytest.mark.parametrize("text", ["资金未到位", "无资金来源", "审批进度慢，需协调自然资源局"])
def test_an_issue_is_listed(text):
    assert not says_nothing(text)


def test_issues_are_listed_per_task_and_unit(tmp_path):
    root = workspace(tmp_path)
    send(
        root,
        JUNE,
        FINANCE,
        {
            "T-1": {"完成状态": "滞后", "本月进展": "推进", "存在问题": "资金未到位"},
            "T-2": {"完成状态": "序时推进", "本月进展": "推进", "存在问题": "无"},
        },
        ON_TIME,
        tmp_path,
    )
    report = report_of(root, JUNE)
    assert [(i.task.task.id, i.unit, i.text) for i in report.issues] == [("T-1", FINANCE, "资金未到位")]


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (date(2021, 6, 30), "", "2021年6月30日"),
        (datetime(2021, 7, 3, 9, 5), "", "2021年7月3日9:05"),
        (Period(2021, 6), "", "2021年6月"),
        (181, "项", "181项"),
        (0.0718, "", "7.2%"),
    ],
)
def test_one_chinese_formatting(value, unit, text):
    assert chinese(value, unit) == text


def test_a_support_groups_issue_is_listed_once_at_its_first_task():
    from ledger.deadlines import parse_deadline
    from ledger.entries import Entry
    from ledger.model import Task
    from ledger.report import TaskLine, issues_of

    group = Entry(task_id="T-配1", unit=EAST, role="group", progress="配合推进", issues="场地协调难")
    lines = [
        TaskLine(
            task=Task(
                id=f"T-{n}", document="T", number=str(n), measure="做事。", deadline=parse_deadline("年底前", 2021)
            ),
            status="序时推进",
            light="green",
            reason="序时推进",
            overdue=False,
            due_soon=False,
            groups=[group],
        )
        for n in (1, 2)
    ]
    assert [(i.task.task.id, i.unit, i.role, i.text) for i in issues_of(lines)] == [
        ("T-1", EAST, "group", "场地协调难")
    ]
    assert lines[0].support_text == f"{EAST}（本类综合）：配合推进"


def test_a_grouped_problem_names_two_tasks_of_the_same_name_once():
    from types import SimpleNamespace

    from ledger.report import IssueGroup

    def issue(task_id: str, name: str, unit: str) -> SimpleNamespace:
        return SimpleNamespace(task=SimpleNamespace(task=SimpleNamespace(id=task_id), name=name), unit=unit)

    group = IssueGroup(
        text="受资金和审批进度影响，进度滞后。",
        issues=[
            issue("A-1", "加强源头控制", "甲局"),
            issue("A-2", "加强源头控制", "乙局"),
            issue("A-3", "巩固整治成果", "甲局"),
        ],
    )  # type: ignore[list-item]
    said = "甲局等2个单位3项任务反映：受资金和审批进度影响，进度滞后。涉及加强源头控制、巩固整治成果任务。"
    assert group.sentence() == said


def test_a_unit_not_due_last_round_is_no_unit_whose_reporting_got_better(tmp_path):
    """东街道's tasks were suspended in May and resumed in June: it was not due to report in May, so its June
    return on time is no 报送情况好转 from 未报送, which May never said of it."""
    from ledger.task_changes import change_task

    root = workspace(tmp_path)
    for task_id in ("T-4", "T-5"):
        change_task(load_workspace(root), "suspend", task_id, "等待政策", start=MAY)
        change_task(load_workspace(root), "resume", task_id, "政策已出台", start=JUNE)
    send(root, MAY, FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, datetime(2021, 6, 2), tmp_path)
    may = report_of(root, MAY, issued=date(2021, 6, 8))
    assert EAST not in [u.unit for u in may.units]
    send(root, JUNE, FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, ON_TIME, tmp_path)
    send(root, JUNE, EAST, {"T-5": {"完成状态": "序时推进", "本月进展": "推进"}}, ON_TIME, tmp_path)
    june = report_of(root, JUNE)
    assert EAST in [u.unit for u in june.units if u.state in ("on_time", "error")]
    assert EAST not in [c.unit for c in june.reporting_changes]


def test_a_report_dated_before_the_due_day_warns_that_its_unreported_units_still_have_time(tmp_path):
    """June's 通报 dated 1 July, returns due 5 July: the units it names 未报送 still had four days. Said as a
    warning naming both dates; not once the due day is reached, nor when every unit has reported."""
    root = workspace(tmp_path)
    send(root, JUNE, FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, datetime(2021, 6, 30), tmp_path)
    due = round_due(load_workspace(root).config, load_workspace(root).paths, JUNE)
    early = report_of(root, JUNE, issued=date(2021, 7, 1))
    assert [n.code for n in early.notes] == ["report-date-before-due"]
    missing = len(early.missing_units)
    assert missing and early.notes[0].message == (
        f"报告日期2021年7月1日未过本期报送截止日期{chinese(due)}，通报中{missing}个未报送的单位尚在报送期限内"
    )
    # on the due day a return is still on time, as `ledger status` says; the day after, nothing to warn of
    assert [n.code for n in report_of(root, JUNE, issued=due).notes] == ["report-date-before-due"]
    assert report_of(root, JUNE, issued=due + timedelta(days=1)).notes == []
