"""Rounds of any length, as an office meets them: quarterly and weekly ledgers, due days in the same month, a
task finished long ago never sent again, and a round as one library object."""

import json
import os
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from ledger import load_workspace
from ledger.cli import main
from ledger.collect import collect_returns
from ledger.config import Rhythm
from ledger.deadlines import scheduled_due
from ledger.history import unstored_merge
from ledger.layout import LEAD_SHEET, SUPPORT_SHEET
from ledger.model import Period
from ledger.problems import ProblemError, problem
from ledger.reorganise import latest_start, merge_units
from ledger.rounds import open_round
from ledger.task_changes import change_task, first_open_round

from .conftest import fill_return, make_workspace

BEIJING = ZoneInfo("Asia/Shanghai")
FINANCE, TAX = "示范区财政局", "示范区税务局"
TASKS = [
    ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"],
    ["1", "七月底前完成清理。", "2021年7月15日", "区财政局", ""],
    ["2", "八月完成评估。", "2021年8月20日", "区财政局", ""],
    ["3", "年底前推进电子票据。", "年底前", "区税务局", ""],
    ["4", "九月底前完成。", "2021年9月30日", "区财政局", ""],
]


def ledger_with(tmp_path, rhythm: str, rows=TASKS):
    """A workspace whose [ledger] has the given rhythm keys."""
    root = make_workspace(tmp_path / "ws", rows)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", f"year = 2021\n{rhythm}"), "utf-8")
    return root


def send(root, period, unit, answers, when, tmp_path):
    """The unit fills the workbook of the round and it arrives at `when`."""
    ws = load_workspace(root)
    rendered = open_round(ws, period).render([unit])
    path = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / f"{period}-{unit}.xlsx", answers)
    stamp = when.timestamp()
    os.utime(path, (stamp, stamp))
    collect_returns(ws.paths, Period.parse(period), [path])
    return path


def at(*args):
    return datetime(*args, 10, 0, tzinfo=BEIJING)


def test_a_quarterly_ledger_names_its_round_and_counts_what_fell_due_in_the_quarter(tmp_path):
    root = ledger_with(tmp_path, 'round = "quarter"')
    send(root, "2021-Q2", FINANCE, {"T-1": {"完成状态": "序时推进", "本季度进展": "推进"}}, at(2021, 7, 2), tmp_path)
    ws = load_workspace(root)
    q3 = open_round(ws, "2021-Q3")
    assert (q3.period.label, q3.due) == ("2021年第三季度", date(2021, 10, 8))  # 5 October is National Day
    rendered = q3.render([FINANCE])
    sheet = openpyxl.load_workbook(rendered.outbox / f"{FINANCE}.xlsx")[LEAD_SHEET]
    assert "2021年第三季度" in sheet["A1"].value
    assert "本季度进展" in [c.value for c in sheet[2]] and "本月进展" not in [c.value for c in sheet[2]]
    messages, _ = q3.workbook_mail([FINANCE])
    assert "第三季度" in messages[0].subject and "2021年第三季度" in messages[0].attachment_name
    answers = {"T-1": {"完成状态": "滞后", "本季度进展": "仍在清理"}, "T-2": {"完成状态": "未启动"}}
    send(root, "2021-Q3", FINANCE, answers, at(2021, 10, 8), tmp_path)
    report = open_round(load_workspace(root), "2021-Q3").report(issued=date(2021, 10, 12))
    assert report.previous == Period.parse("2021-Q2")
    # due in July, August and on the quarter's last day, not done by its end
    assert [t.task.id for t in report.newly_overdue] == ["T-1", "T-2", "T-4"]
    entries = {e.task_id: e.progress for e in open_round(load_workspace(root), "2021-Q3").merge().entries}
    assert entries["T-1"] == "仍在清理"  # the 本季度进展 column is merged as progress
    assert report.month_over_month().startswith("与上期（2021年第二季度）相比")


def test_due_day_28_in_the_same_month_makes_a_return_on_the_20th_of_the_next_month_late(tmp_path):
    root = ledger_with(tmp_path, 'due_day = 28\ndue_in = "same"')
    ws = load_workspace(root)
    october = open_round(ws, "2021-10")
    assert october.due == date(2021, 10, 28)
    send(root, "2021-10", FINANCE, {"T-4": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 11, 20), tmp_path)
    report = open_round(load_workspace(root), "2021-10").report(issued=date(2021, 11, 22))
    assert [u.unit for u in report.late_units] == [FINANCE]
    assert report.return_deadline == date(2021, 10, 28) and report.next_due == date(2021, 11, 29)  # 28th: Sunday


def test_a_status_written_before_the_deadline_is_not_called_overdue_on_schedule(tmp_path):
    """ "每月28日前报送": T-4, due 30 September, said 序时推进 on the 27th had not missed its time then; in a return
    that came after the month, the same words are flagged (the month ended with the task not done)."""
    early = ledger_with(tmp_path / "same", 'due_day = 28\ndue_in = "same"')
    send(early, "2021-09", FINANCE, {"T-4": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 9, 27), tmp_path)
    late = ledger_with(tmp_path / "next", "")
    send(late, "2021-09", FINANCE, {"T-4": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 10, 8), tmp_path)
    flagged = [
        [
            p.values["task_id"]
            for p in open_round(load_workspace(root), "2021-09").merge().problems
            if p.code == "status-overdue-on-schedule"
        ]
        for root in (early, late)
    ]
    assert flagged == [[], ["T-4"]]
    remarked = [
        [t.task.id for t in open_round(load_workspace(root), "2021-09").report().on_schedule_overdue_tasks]
        for root in (early, late)
    ]
    assert remarked == flagged  # the report's 已超期，单位填报序时推进 follows the same rule


def test_a_report_signed_before_its_rounds_last_day_judges_deadlines_on_the_day_it_is_signed(tmp_path):
    """ "每月28日前报送本月进展", the 通报 signed on 29 September: T-4, due on the 30th and not done, had not missed its
    time on the day the leader signs (it is due within days); signed on 8 October, it is overdue. 数据截至 is the
    day judged, never after the report's own date."""
    root = ledger_with(tmp_path, 'due_day = 28\ndue_in = "same"')
    send(root, "2021-09", FINANCE, {"T-4": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 9, 27), tmp_path)
    signed = {
        day: open_round(load_workspace(root), "2021-09").report(issued=day)
        for day in (date(2021, 9, 29), date(2021, 10, 8))
    }
    lights = {day: {t.task.id: (t.light, t.overdue) for t in r.tasks}["T-4"] for day, r in signed.items()}
    assert lights == {date(2021, 9, 29): ("yellow", False), date(2021, 10, 8): ("red", True)}
    assert [r.as_of for r in signed.values()] == [date(2021, 9, 29), date(2021, 9, 30)]
    assert open_round(load_workspace(root), "2021").report(issued=date(2021, 9, 29)).as_of == date(2021, 9, 29)


def test_due_day_31_is_the_last_day_of_each_month_for_an_office_that_asks_by_the_month_end(tmp_path):
    """ "每月底前报送本月进展": due_day 31 is the month's last day, in a short month too, and moved to the next
    working day when the month ends on a weekend or holiday."""
    root = ledger_with(tmp_path, 'due_day = 31\ndue_in = "same"')
    ws = load_workspace(root)
    assert [open_round(ws, f"2021-{m:02d}").due for m in (2, 6, 7)] == [
        date(2021, 3, 1),  # February 28 is a Sunday
        date(2021, 6, 30),
        date(2021, 8, 2),  # July 31 is a Saturday
    ]


def test_two_weekly_rounds_in_one_month_are_both_merged(tmp_path):
    root = ledger_with(tmp_path, 'round = "week"')
    first = {"T-1": {"完成状态": "序时推进", "本周进展": "第一周"}}
    second = {"T-1": {"完成状态": "序时推进", "本周进展": "第二周"}}
    send(root, "2021-W23", FINANCE, first, at(2021, 6, 17), tmp_path)
    send(root, "2021-W24", FINANCE, second, at(2021, 6, 24), tmp_path)
    ws = load_workspace(root)
    w23, w24 = open_round(ws, "2021-W23"), open_round(ws, "2021-W24")
    assert w23.period.label == "2021年第23周（6月7日至6月13日）"
    assert (w23.due, w24.due) == (date(2021, 6, 18), date(2021, 6, 25))  # Friday of the week after
    assert [(e.task_id, e.progress) for e in w23.merge().entries if e.progress] == [("T-1", "第一周")]
    assert [(e.task_id, e.progress) for e in w24.merge().entries if e.progress] == [("T-1", "第二周")]
    assert [r.state for r in w24.merge().returns] == ["merged"]  # not superseding the week before
    assert w24.history.previous == Period.parse("2021-W23")
    # no brackets inside brackets: the week's dates are left out where it is already in them
    assert w24.report().month_over_month().startswith("与上期（2021年第23周）相比")


def test_a_week_the_office_never_sent_is_no_round_every_unit_missed(tmp_path):
    """The office sent weeks 23 and 26 and skipped 24 and 25 (端午, nothing rendered or mailed): the year does not
    count the skipped weeks as rounds 财政局 failed to report, and says what June's own view says of them (no
    data), and week 26 compares with week 23, the round before it that happened."""
    root = ledger_with(tmp_path, 'round = "week"')
    send(root, "2021-W23", FINANCE, {"T-1": {"完成状态": "序时推进", "本周进展": "一"}}, at(2021, 6, 17), tmp_path)
    send(root, "2021-W26", FINANCE, {"T-1": {"完成状态": "序时推进", "本周进展": "二"}}, at(2021, 7, 8), tmp_path)
    ws = load_workspace(root)
    year = open_round(ws, "2021").status()
    assert year["rounds_with_data"] == ["2021-W23", "2021-W26"]
    assert year["rounds_skipped"] == [f"2021-W{w:02d}" for w in (*range(1, 23), 24, 25)]
    report = open_round(ws, "2021").report(issued=date(2021, 7, 10))
    assert "（2021年全年共52期，2021年第1周至第22周、2021年第24周至第25周未开展调度，其余各期尚无报送数据）" in (
        report.coverage_text()
    )
    finance = next(u for u in year["units"] if u["unit"] == FINANCE)
    assert (finance["rounds_due"], finance["returned"], finance["missing"]) == (2, 2, 0)
    june = open_round(ws, "2021-06").status()
    assert june["rounds_with_data"] == ["2021-W23"]
    assert june["rounds_skipped"] == ["2021-W22", "2021-W24", "2021-W25"]  # June's last weeks too: W26 was sent
    assert open_round(ws, "2021-W26").history.previous == Period.parse("2021-W23")


def test_a_task_completed_fourteen_months_earlier_is_not_rendered_again(tmp_path):
    rows = [
        *TASKS[:1],
        ["1", "清理拖欠。", "2022年12月底前", "区财政局", ""],
        ["2", "推进。", "2022年12月底前", "区财政局", ""],
    ]
    root = ledger_with(tmp_path, "", rows)
    send(root, "2021-03", FINANCE, {"T-1": {"完成状态": "已完成", "本月进展": "办结"}}, at(2021, 4, 2), tmp_path)
    send(root, "2021-04", FINANCE, {"T-2": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 5, 2), tmp_path)
    ws = load_workspace(root)
    may_2022 = open_round(ws, "2022-05")
    assert may_2022.history.closed == {"T-1"}
    rendered = may_2022.render([FINANCE])
    sheet = openpyxl.load_workbook(rendered.outbox / f"{FINANCE}.xlsx")[LEAD_SHEET]
    assert [row[0].value for row in sheet.iter_rows(min_row=3) if row[0].value and row[0].value.startswith("T-")] == [
        "T-2"
    ]


def test_a_period_of_the_wrong_length_is_refused_naming_the_right_form(tmp_path):
    ws = load_workspace(ledger_with(tmp_path, ""))
    with pytest.raises(ProblemError) as refused:
        open_round(ws, "2021-Q3").render()
    assert refused.value.code == "period-wrong-kind" and refused.value.fields["example"] == "2021-06"
    with pytest.raises(ProblemError) as shorter:
        open_round(ws, "2021-W23")
    assert shorter.value.code == "period-shorter-than-round"
    result = CliRunner().invoke(main, ["merge", "-w", str(ws.root), "--period", "2021-Q3"])
    assert result.exit_code == 1 and "period-wrong-kind" in result.output and "2021-06" in result.output


def test_a_moved_due_date_is_recorded_and_followed_everywhere(tmp_path):
    root = ledger_with(tmp_path, "")
    result = CliRunner().invoke(
        main, ["rounds", "set-due", "-w", str(root), "2021-09", "2021-10-11", "--why", "国庆顺延"]
    )
    assert result.exit_code == 0, result.output
    ws = load_workspace(root)
    september = open_round(ws, "2021-09")
    assert september.due == date(2021, 10, 11)
    records = [json.loads(line) for line in ws.paths.round_changes.read_text(encoding="utf-8").splitlines()]
    assert [(r["period"], r["due"], r["why"]) for r in records] == [("2021-09", "2021-10-11", "国庆顺延")]
    send(root, "2021-09", FINANCE, {"T-4": {"完成状态": "已完成", "本月进展": "完成"}}, at(2021, 10, 9), tmp_path)
    report = open_round(load_workspace(root), "2021-09").report(issued=date(2021, 10, 12))
    assert report.return_deadline == date(2021, 10, 11) and report.late_units == []
    instructions = openpyxl.load_workbook(ws.paths.workbook(Period.parse("2021-09"), FINANCE))["填报说明"]
    assert any("2021年10月11日" in str(c.value) for row in instructions.iter_rows() for c in row)
    refused = CliRunner().invoke(main, ["rounds", "set-due", "-w", str(root), "2021-10", "下周一", "--why", "x"])
    assert refused.exit_code == 1 and "round-due-invalid" in refused.output
    # a slip of the month (10-15 for 12-15) would make every return of November late: refused, nothing recorded
    slip = CliRunner().invoke(main, ["rounds", "set-due", "-w", str(root), "2021-11", "2021-10-15", "--why", "顺延"])
    assert slip.exit_code == 1 and "round-due-before-start" in slip.output and "2021年11月1日" in slip.output
    assert len(ws.paths.round_changes.read_text(encoding="utf-8").splitlines()) == 1
    # a date without its year, as offices write it, was round-due-invalid: it is the one nearest the round's due day
    for period, typed, due in (("2021-08", "9月12日", date(2021, 9, 12)), ("2021-12", "1月10日", date(2022, 1, 10))):
        moved = CliRunner().invoke(main, ["rounds", "set-due", "-w", str(root), period, typed, "--why", "顺延"])
        assert moved.exit_code == 0 and open_round(load_workspace(root), period).due == due, moved.output


def test_status_json_carries_the_round(tmp_path):
    root = ledger_with(tmp_path, 'round = "quarter"')
    send(root, "2021-Q3", FINANCE, {"T-1": {"完成状态": "已完成", "本季度进展": "办结"}}, at(2021, 10, 8), tmp_path)
    result = CliRunner().invoke(main, ["status", "-w", str(root), "--period", "2021-Q3", "--json", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["round"]
    assert found == {
        "period": "2021-Q3",
        "kind": "quarter",
        "label": "2021年第三季度",
        "start": "2021-07-01",
        "end": "2021-09-30",
        "due": "2021-10-08",
        "ran": True,
    }


def test_the_rhythm_keys_live_in_ledger_and_the_old_home_is_read_with_a_hint(tmp_path):
    root = make_workspace(tmp_path / "ws", TASKS)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[report]\ndue_day = 10\n", "utf-8")
    ws = load_workspace(root)
    assert ws.config.rhythm.due_day == 10
    assert [(p.cell, p.code) for p in ws.problems if p.code == "config-key-moved"] == [
        ("report.due_day", "config-key-moved")
    ]


def test_local_days_off_and_a_year_beyond_the_holiday_calendar(tmp_path):
    root = ledger_with(tmp_path, "")
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[calendar]\nextra_holidays = ["2021-07-05"]\n', "utf-8")
    ws = load_workspace(root)
    assert open_round(ws, "2021-06").due == date(2021, 7, 6)  # a local day off on the due day
    beyond = open_round(ws, "2031-06")
    assert [p.code for p in beyond.notes() if p.code == "calendar-beyond"] == ["calendar-beyond"]


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("2021-W23", "2021年第23周（6月7日至6月13日）", date(2021, 6, 7), date(2021, 6, 13)),
        ("2020-W53", "2020年第53周（12月28日至2021年1月3日）", date(2020, 12, 28), date(2021, 1, 3)),
        ("2021-06", "2021年6月", date(2021, 6, 1), date(2021, 6, 30)),
        ("2021-Q3", "2021年第三季度", date(2021, 7, 1), date(2021, 9, 30)),
        ("2021-H1", "2021年上半年", date(2021, 1, 1), date(2021, 6, 30)),
        ("2021", "2021年", date(2021, 1, 1), date(2021, 12, 31)),
    ],
)
def test_every_period_form_reads_and_is_named_the_chinese_way(text, label, start, end):
    period = Period.parse(text)
    assert (str(period), period.label, period.start, period.end) == (text, label, start, end)
    assert period.next().previous() == period


def test_a_summary_owns_the_rounds_inside_it_and_weeks_go_by_their_thursday():
    assert [str(p) for p in Period.parse("2021-H1").rounds("month")][::5] == ["2021-01", "2021-06"]
    assert [str(p) for p in Period.parse("2021-06").rounds("week")] == ["2021-W22", "2021-W23", "2021-W24", "2021-W25"]
    assert Period.parse("2021-Q3").rounds("month") == [Period(2021, 7), Period(2021, 8), Period(2021, 9)]


def test_weekly_due_in_the_same_week():
    assert scheduled_due(Period.parse("2021-W23"), Rhythm(round="week", due_in="same", due_weekday=5)) == date(
        2021, 6, 11
    )


def test_merged_json_is_the_merge_cache_just_written_and_what_encoding_the_result_gives(tmp_path):
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "已清理"}}, at(2021, 7, 2), tmp_path)
    ws = load_workspace(root)
    june = open_round(ws, "2021-06")
    june.merge()  # the cache written now; write_merge copies it
    merged_json = next(p for p in june.write_merge() if p.name == "merged.json")
    (cache,) = (ws.paths.root / "build" / "cache" / "merge").glob("2021-06-*.json")
    copied = merged_json.read_bytes()
    assert copied == cache.read_bytes()
    assert json.loads(copied)["entries"][0]["progress"] == "已清理"
    again = open_round(ws, "2021-06")  # the merge now read from the cache: merged.json encoded from the result
    assert again.merge().entries == june.merge().entries
    again.write_merge()
    assert merged_json.read_bytes() == copied


def test_a_round_written_before_its_merge_is_asked_stores_the_merge_cache_from_the_writing_process(tmp_path):
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "已清理"}}, at(2021, 7, 2), tmp_path)
    ws = load_workspace(root)
    june = open_round(ws, "2021-06", jobs=2)  # merged.json and the cache written by a forked process
    merged_json = next(p for p in june.write_merge() if p.name == "merged.json")
    (cache,) = (ws.paths.root / "build" / "cache" / "merge").glob("2021-06-*.json")
    assert cache.read_bytes() == merged_json.read_bytes()
    assert june.merge().entries[0].progress == "已清理"  # the result kept by the round
    again = open_round(ws, "2021-06")
    result, due = unstored_merge(again.ws, again.period, again.tasks)
    assert due is None and result.entries == june.merge().entries  # the next run reads it from the cache


def test_a_quarterly_ledger_says_its_round_in_the_group_rows_the_instructions_and_the_problems(tmp_path):
    """No 本月 in what a quarterly office's units read: the 配合任务 group row, the 填报说明, and the problems of a
    lead row left without its 本季度进展."""
    rows = [[*TASKS[0]], *([*r[:4], "区税务局"] for r in TASKS[1:3]), TASKS[4]]
    root = ledger_with(tmp_path, 'round = "quarter"', rows)
    with (root / "ledger.toml").open("a", encoding="utf-8") as config:
        config.write("\n[report]\nsupport_group_threshold = 1\n")
    ws = load_workspace(root)
    rendered = open_round(ws, "2021-Q3").render([TAX])
    book = openpyxl.load_workbook(rendered.outbox / f"{TAX}.xlsx")
    group = next(row[2] for row in book[SUPPORT_SHEET].iter_rows(min_row=3, values_only=True) if row[2])
    assert group.startswith("本季度配合情况（本类2项任务")
    instructions = "".join(str(c) for row in book["填报说明"].iter_rows(values_only=True) for c in row if c)
    assert "每组填写一条本季度配合情况" in instructions and "本月" not in instructions
    send(root, "2021-Q3", FINANCE, {"T-1": {"完成状态": "序时推进"}}, at(2021, 10, 8), tmp_path)
    problems = open_round(load_workspace(root), "2021-Q3").merge().problems
    empty = [p.message for p in problems if p.code == "progress-empty"]
    assert empty and all("未填写本季度进展" in m for m in empty)
    assert not [p.message for p in problems if "本月" in p.message + p.hint]


def test_due_day_changed_mid_year_moves_no_round_that_went_out(tmp_path):
    """October went out due on 5 November and FINANCE returned on the 4th; in December the office asks by the 3rd
    from then on. October stays due on the 5th (on time, as its report said), November, not yet rendered, is due
    on the new day, and the year's record counts October on time."""
    root = ledger_with(tmp_path, "due_day = 5")
    send(root, "2021-10", FINANCE, {"T-4": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 11, 4), tmp_path)
    assert open_round(load_workspace(root), "2021-10").due == date(2021, 11, 5)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("due_day = 5", "due_day = 3"), "utf-8")
    ws = load_workspace(root)
    october = open_round(ws, "2021-10").report(issued=date(2021, 12, 1))
    assert october.return_deadline == date(2021, 11, 5) and october.late_units == []
    assert open_round(ws, "2021-11").due == date(2021, 12, 3)
    year = {u["unit"]: u for u in open_round(ws, "2021").status()["units"]}
    assert (year[FINANCE]["on_time"], year[FINANCE]["late"]) == (1, 0)


def test_status_of_a_round_never_run_says_so_and_lists_no_unit_as_missing(tmp_path):
    """September was never rendered, mailed or collected: `ledger status` listed every unit 未报送 as if it had
    been asked. It says the round has not been run, and the JSON carries it; a round that ran still lists them."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    result = CliRunner().invoke(main, ["status", "-w", str(root), "--period", "2021-09", "--jobs", "1"])
    assert result.exit_code == 0, result.output
    assert "2021年9月尚未开展调度（未生成填报表，也未收到报送），不统计各单位报送情况" in result.output
    assert "未报送（" not in result.output and TAX not in result.output
    found = json.loads(
        CliRunner().invoke(main, ["status", "-w", str(root), "--period", "2021-09", "--json", "--jobs", "1"]).output
    )
    assert found["round"]["ran"] is False
    june = CliRunner().invoke(main, ["status", "-w", str(root), "--period", "2021-06", "--jobs", "1"])
    assert f"未报送（1个）：{TAX}" in june.output and "尚未开展调度" not in june.output


def test_no_bulletin_is_written_for_a_round_never_run(tmp_path):
    """`ledger report --period 2021-09` on a round nobody was asked in wrote a 通报 naming every unit 未报送; it
    is refused, nothing written, while the round that ran and the year are reported."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    args = ["-w", str(root), "--date", "2021-10-12", "--jobs", "1"]
    refused = CliRunner().invoke(main, ["report", "--period", "2021-09", *args])
    assert refused.exit_code == 1 and "round-not-run" in refused.output and "2021年9月尚未开展调度" in refused.output
    assert not (root / "build" / "2021-09" / "report").exists()
    for period in ("2021-06", "2021"):
        assert CliRunner().invoke(main, ["report", "--period", period, *args]).exit_code == 0


def test_a_ledger_turned_quarterly_in_july_keeps_its_months_and_the_year_sums_both(tmp_path):
    """Monthly until June, then `round = "quarter"`: the third quarter read no earlier round (T-1, finished in
    June, was asked again, nothing prefilled), June could no longer be opened and the year had no data. Each round
    keeps the kind it was run as: the quarter follows June, June still opens as a month, and the year is May and
    June with the quarters after them."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-05", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 6, 2), tmp_path)
    june = {"T-1": {"完成状态": "已完成", "本月进展": "办结"}, "T-2": {"完成状态": "序时推进", "本月进展": "评估中"}}
    send(root, "2021-06", FINANCE, june, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    ws = load_workspace(root)
    q3 = open_round(ws, "2021-Q3")
    assert q3.history.previous == Period.parse("2021-06") and q3.history.closed == {"T-1"}
    sheet = openpyxl.load_workbook(q3.render([FINANCE]).outbox / f"{FINANCE}.xlsx")[LEAD_SHEET]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True) if str(row[0]).startswith("T-")}
    assert "T-1" not in rows and "评估中" in rows["T-2"]
    month = open_round(load_workspace(root), "2021-06").status()
    assert month["round"]["kind"] == "month" and month["units"]["returned"] == [FINANCE]
    year = open_round(load_workspace(root), "2021").status()
    # nothing ran in the first quarter; the second was run as months, April among them (skipped)
    assert year["rounds"] == ["2021-Q1", "2021-04", "2021-05", "2021-06", "2021-Q3", "2021-Q4"]
    # the third quarter went out and nothing came back by its due day: counted, 财政局 未报送 in it
    assert year["rounds_with_data"] == ["2021-05", "2021-06", "2021-Q3"] and year["done"] == 1
    finance = next(u for u in year["units"] if u["unit"] == FINANCE)
    assert (finance["rounds_due"], finance["on_time"], finance["missing"]) == (3, 2, 1)
    assert year["rounds_skipped"] == ["2021-Q1", "2021-04"]
    assert open_round(ws, "2021-H1").status()["rounds_with_data"] == ["2021-05", "2021-06"]


def test_a_task_extended_after_the_ledger_turned_quarterly_applies_from_the_quarter_to_come(tmp_path):
    """June went out monthly, then `round = "quarter"`: `ledger tasks extend` without --from recorded the change
    from July, a month, which no quarter reached until the fourth (the third quarter still said the old deadline).
    It applies from the third quarter, the round after June."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    ws = load_workspace(root)
    assert first_open_round(ws) == latest_start(ws) == Period.parse("2021-Q3")  # a unit change's latest round too
    change = change_task(ws, "extend", "T-2", "资金晚到", to="2021-12-31")
    assert change.start == Period.parse("2021-Q3")
    (task,) = [t for t in open_round(load_workspace(root), "2021-Q3").tasks if t.id == "T-2"]
    assert task.deadline.due == date(2021, 12, 31)


def test_a_late_june_return_collected_after_the_ledger_turned_quarterly_is_filed_under_june(tmp_path):
    """TAX's June workbook arrives in July, after `round = "quarter"`: `collect --period auto` skipped it as a
    file whose hidden mark was edited (collect-period-invalid). June is a round the office ran: it goes there."""
    root = ledger_with(tmp_path, "")
    outbox = open_round(load_workspace(root), "2021-06").render([TAX]).outbox
    late = fill_return(outbox / f"{TAX}.xlsx", tmp_path / "late.xlsx", {"T-3": {"完成状态": "序时推进"}})
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    ws = load_workspace(root)
    result = collect_returns(ws.paths, None, [late], rhythm="quarter")
    assert not [p.code for p in result.notes if p.code.startswith("collect-period")] and not result.skipped
    june = open_round(load_workspace(root), "2021-06").status()
    assert sorted(june["units"]["returned"]) == sorted([FINANCE, TAX])


def test_changes_recorded_from_july_apply_in_the_third_quarter_after_the_ledger_turned_quarterly(tmp_path):
    """In June the office extended T-2 and merged TAX into FINANCE from July, then turned the ledger quarterly: the
    third quarter, which begins with July, left both out (July sorts after the quarter that holds it), its
    workbook said the old deadline and TAX still led T-3. Both apply from the third quarter, whose report names
    the extension among its changes."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    ws = load_workspace(root)
    change_task(ws, "extend", "T-2", "资金晚到", to="2021-12-31", start=Period.parse("2021-07"))
    merge_units(ws, [TAX], FINANCE, Period.parse("2021-07"), "机构改革")
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    q3 = open_round(load_workspace(root), "2021-Q3")
    tasks = {t.id: t for t in q3.tasks}
    assert tasks["T-2"].deadline.due == date(2021, 12, 31)
    assert tasks["T-3"].lead_units == [FINANCE]
    assert "T-2完成时限" in q3.report(issued=date(2021, 10, 12)).adjustments_text()  # a change of this round


def test_the_last_monthly_report_after_the_ledger_turned_quarterly_asks_for_the_quarter_next(tmp_path):
    """June's 通报, issued in July after `round = "quarter"`, told units "2021年7月进展请于2021年8月5日前报送": no
    July round will ever be asked for. It names the third quarter and its due date."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    june = open_round(load_workspace(root), "2021-06").report(issued=date(2021, 7, 9))
    assert june.next_due == date(2021, 10, 8)
    assert june.requirements()[-1] == "2021年第三季度进展请于2021年10月8日前报送"


def test_the_first_quarter_after_monthly_rounds_names_june_the_round_before_not_the_quarter(tmp_path):
    """The third quarter's report compares with June: its 汇总台账 said 上季度状态 and "与上季度相比" of June's
    statuses. It says 上期."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    q3 = open_round(load_workspace(root), "2021-Q3").report(issued=date(2021, 10, 12))
    assert q3.previous == Period.parse("2021-06")
    assert (q3.last_round, q3.previous_header) == ("上期", "上期状态")
    assert "上期状态" in q3.to_frame(labels="zh").columns


def test_the_last_week_before_a_ledger_turned_monthly_stays_a_round_though_july_holds_its_thursday(tmp_path):
    """Weekly until the week of 28 June, monthly from July: that week, whose Thursday is 1 July, overlaps July's
    round and was dropped from the ledger's rounds, and with it T-1, finished that week (sent again in August).
    Both rounds count: August follows July, T-1 is closed, and the year holds the week and the month."""
    root = ledger_with(tmp_path, 'round = "week"')
    send(root, "2021-W25", FINANCE, {"T-1": {"完成状态": "序时推进", "本周进展": "一"}}, at(2021, 6, 25), tmp_path)
    send(root, "2021-W26", FINANCE, {"T-1": {"完成状态": "已完成", "本周进展": "完成"}}, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('round = "week"', ""))
    send(root, "2021-07", FINANCE, {"T-2": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 8, 3), tmp_path)
    ws = load_workspace(root)
    assert "T-1" in open_round(ws, "2021-07").history.closed  # the week began before July did
    august = open_round(ws, "2021-08")
    assert august.history.rounds == [Period.parse(p) for p in ("2021-W25", "2021-W26", "2021-07")]
    assert "T-1" in august.history.closed
    year = open_round(ws, "2021").status()
    assert year["rounds_with_data"] == ["2021-W25", "2021-W26", "2021-07"]


def test_the_second_quarter_of_a_ledger_turned_quarterly_in_july_sums_its_months_and_is_not_rendered(tmp_path):
    """April to June ran as months; `status --period 2021-Q2` on the ledger turned quarterly said the quarter had
    not been run. It is the summary of its months, and it cannot be rendered as a round over them."""
    root = ledger_with(tmp_path, "")
    send(root, "2021-05", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 6, 2), tmp_path)
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "已完成", "本月进展": "办结"}}, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    q2 = open_round(load_workspace(root), "2021-Q2")
    assert q2.is_summary and q2.rounds == [Period(2021, m) for m in (4, 5, 6)]
    status = q2.status()
    assert (status["rounds_with_data"], status["done"]) == (["2021-05", "2021-06"], 1)
    with pytest.raises(ProblemError) as refused:
        q2.render()
    assert refused.value.code == "round-run-as-shorter" and refused.value.fields["rounds"] == "2021年5月、2021年6月"


def test_a_month_inside_a_quarter_already_run_is_refused_as_a_round_not_held_beside_it(tmp_path):
    """Quarterly until September, monthly from October, and August rendered by mistake: it was taken as a round,
    and the year held both the third quarter and August over the same days. A round not yet run inside a longer
    round already run is refused, naming it; August stays out of the year, and the week whose Thursday falls in
    a month run before the ledger turned weekly is refused the same way."""
    root = ledger_with(tmp_path, 'round = "quarter"')
    send(root, "2021-Q3", FINANCE, {"T-1": {"完成状态": "序时推进", "本季度进展": "推进"}}, at(2021, 10, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('round = "quarter"', ""), "utf-8")
    august = open_round(load_workspace(root), "2021-08")
    with pytest.raises(ProblemError) as refused:
        august.render()
    assert refused.value.code == "round-run-as-longer" and refused.value.fields["rounds"] == "2021年第三季度"
    said = problem(refused.value.code, **refused.value.fields).message
    assert said.startswith("2021年8月") and "2021年第三季度" in said
    with pytest.raises(ProblemError):
        august.merge()
    with pytest.raises(ProblemError) as report:  # not round-not-run, whose hint is to render it
        open_round(load_workspace(root), "2021-08").publish()
    assert report.value.code == "round-run-as-longer"
    assert not load_workspace(root).paths.manifest(Period(2021, 8)).exists()
    assert open_round(load_workspace(root), "2021-10").render().outbox.is_dir()  # the next month is a round
    year = open_round(load_workspace(root), "2021")
    assert Period(2021, 8) not in year.rounds and Period.parse("2021-Q3") in year.rounds

    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "week"'))
    with pytest.raises(ProblemError) as week:
        open_round(load_workspace(root), "2021-W41").render()  # 11–17 October, inside October run as a month
    assert week.value.code == "round-run-as-longer" and week.value.fields["rounds"] == "2021年10月"


def test_a_task_done_in_a_quarter_and_closed_after_the_ledger_turned_monthly_is_done_in_the_quarter(tmp_path):
    """Quarterly until March, then monthly: T-1, finished in the first quarter, was closed (销号) from April as a
    formality. The year said it was done in April: the quarter's code sorted after every month's as text."""
    root = ledger_with(tmp_path, 'round = "quarter"')
    send(root, "2021-Q1", FINANCE, {"T-1": {"完成状态": "已完成", "本季度进展": "办结"}}, at(2021, 4, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('round = "quarter"', ""), encoding="utf-8")
    change = change_task(load_workspace(root), "close", "T-1", "经验收，同意销号")
    assert change.start == Period.parse("2021-04")
    send(root, "2021-04", FINANCE, {"T-2": {"完成状态": "序时推进", "本月进展": "评估中"}}, at(2021, 5, 2), tmp_path)
    year = open_round(load_workspace(root), "2021").status()
    assert year["done_in"]["T-1"] == "2021-Q1"
