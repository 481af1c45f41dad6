"""The office's changes to tasks on a ledger of four rounds and more: 延期, 销号, 暂缓, 取消, 调整牵头单位, each from
its round on — lights, counts, what render sends and the three report outputs — with the rounds before it
unchanged, every change listed and undone by a later one."""

import json
from datetime import date

import docx
import openpyxl
import pytest

from ledger import load_workspace
from ledger.clock import today
from ledger.collect import collect_returns
from ledger.history import build_history
from ledger.model import Period
from ledger.outbox import read_manifest
from ledger.problems import ProblemError
from ledger.records import read_records
from ledger.rounds import open_round
from ledger.task_changes import change_task, first_open_round, read_changes

from .conftest import fill_return, make_workspace
from .test_lifecycle import FINANCE, HEADER, ROWS, TAX, cli, send_round

INDUSTRY = "示范区工业和信息化局"


@pytest.fixture
def ledger(tmp_path):
    return make_workspace(tmp_path / "ws", [HEADER, *ROWS])


def rounds_sent(root, tmp_path, *periods, units=(FINANCE, TAX)):
    for period in periods:
        send_round(root, period, tmp_path, units)


def figures(root, period):
    """What status --json prints for a round, and merged.json as merge writes it."""
    status = cli(root, "status", "--period", period, "--json")
    assert status.exit_code == 0, status.output
    assert cli(root, "merge", "--period", period).exit_code == 0
    return json.loads(status.output), (root / "build" / period / "merged.json").read_bytes()


def published(root, period):
    """The round's report and the text of its three outputs (汇总台账.xlsx by sheet, report.html, 通报.docx)."""
    opened = open_round(load_workspace(root), period)
    opened.write_merge()
    report, _ = opened.publish(issued=Period.parse(period).next().start.replace(day=9))
    folder = root / "build" / period / "report"
    book = openpyxl.load_workbook(folder / "汇总台账.xlsx")
    sheets = {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}
    html = (folder / "report.html").read_text(encoding="utf-8")
    document = docx.Document(str(folder / "通报.docx"))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    return report, sheets, html, text


def task_rows(sheets):
    """汇总台账's task rows: ID -> (完成时限, 灯色, 综合状态, 原因)."""
    header = sheets["汇总台账"][1]
    at = {h: header.index(h) for h in ("完成时限", "灯色", "综合状态", "原因")}
    return {r[0]: tuple(r[at[h]] for h in at) for r in sheets["汇总台账"][2:] if r[0]}


def overview(sheets):
    return {r[0]: r[1] for r in sheets["概况"][2:]}


def outbox_rows(root, period):
    """What render sends this round: unit -> (lead task IDs, support task IDs)."""
    manifest = read_manifest(load_workspace(root).paths, Period.parse(period))
    return {f.unit: (f.lead_tasks, f.support_tasks) for f in manifest.files}


def test_an_extension_moves_the_lights_from_its_round_on_and_every_output_says_so(ledger, tmp_path):
    rounds_sent(ledger, tmp_path, "2021-04", "2021-05", "2021-06")
    june, june_merged = figures(ledger, "2021-06")
    assert june["overdue"] == ["T-1", "T-2"]  # due 20 and 30 June, not done by the end of June

    extended = cli(ledger, "tasks", "extend", "T-1", "--to", "2021-09-30", "--why", "经区政府同意延期")
    assert extended.exit_code == 0, extended.output
    assert "自2021年7月起生效" in extended.output  # June went out: the first round not sent
    send_round(ledger, "2021-07", tmp_path)

    assert figures(ledger, "2021-06") == (june, june_merged)  # June keeps its deadline, byte for byte
    said = "原定2021年6月20日，经批准延期至2021年9月30日"
    report, sheets, html, text = published(ledger, "2021-07")
    line = next(t for t in report.tasks if t.task.id == "T-1")
    assert (line.light, line.overdue, line.deadline_text) == ("yellow", False, said)  # 滞后, no longer red
    assert [t.task.id for t in report.red_tasks] == ["T-2"]
    assert task_rows(sheets)["T-1"][:2] == (said, "黄灯")
    assert f'<td data-label="完成时限">{said}</td>' in html
    assert f"T-1完成时限{said}" in text and f"T-1完成时限{said}" in html  # the round's adjustments, said once
    assert overview(sheets)["本期任务变动"] == f"本期经批准调整任务1项：T-1完成时限{said}。"
    master = openpyxl.load_workbook(ledger / "build" / "2021-07" / "merged.xlsx")["汇总台账"]
    assert any(said in [str(c) for c in r] for r in master.iter_rows(values_only=True))
    workbook = openpyxl.load_workbook(ledger / "build" / "2021-07" / "outbox" / f"{FINANCE}.xlsx")["牵头任务"]
    assert said in [str(c.value) for row in workbook.iter_rows(min_row=3) for c in row if row[0].value == "T-1"]
    # June's report, written again, still has T-1 red under its June deadline.
    again, sheets, _, _ = published(ledger, "2021-06")
    assert [(t.task.id, t.deadline_text) for t in again.red_tasks] == [
        ("T-1", "2021年6月20日"),
        ("T-2", "2021年6月30日"),
    ]
    assert "本期任务变动" not in overview(sheets)


def test_close_suspend_and_cancel_from_their_round_and_undone_by_later_changes(ledger, tmp_path):
    rounds_sent(ledger, tmp_path, "2021-04", "2021-05")
    may, may_merged = figures(ledger, "2021-05")
    ws = load_workspace(ledger)
    assert first_open_round(ws) == Period(2021, 6)
    for args in (
        ("close", "T-2", "--why", "经验收，同意销号"),
        ("suspend", "T-3", "--why", "上级政策调整，暂缓实施"),
        ("cancel", "T-4", "--why", "机构职能调整，不再实施"),
    ):
        result = cli(ledger, "tasks", *args)
        assert result.exit_code == 0, result.output
        assert "自2021年6月起生效" in result.output

    # June: T-2 is not sent again, T-3 and T-4 are sent to nobody; FINANCE keeps T-1 only, TAX gets nothing.
    rounds_sent(ledger, tmp_path, "2021-06", units=(FINANCE,))
    assert outbox_rows(ledger, "2021-06") == {FINANCE: (["T-1"], [])}
    assert figures(ledger, "2021-05") == (may, may_merged)  # May as it was

    june, _ = figures(ledger, "2021-06")
    assert (june["tasks"], june["done"], june["closed"], june["suspended"], june["cancelled"]) == (
        2,
        1,
        ["T-2"],
        ["T-3"],
        ["T-4"],
    )
    assert june["lights"] == {"green": 1, "yellow": 0, "red": 1, "grey": 0}  # T-2 green though past due; T-1 red
    assert june["units"]["expected"] == 1 and june["units"]["missing"] == []  # TAX has nothing to report
    report, sheets, html, text = published(ledger, "2021-06")
    closed = next(t for t in report.tasks if t.task.id == "T-2")
    assert (closed.status_text, closed.light) == ("已完成（已销号）", "green")
    assert task_rows(sheets)["T-2"][1:3] == ("绿灯", "已完成（已销号）")
    assert "T-3" not in task_rows(sheets) and "T-4" not in task_rows(sheets)
    assert [r[:4] for r in sheets["暂缓和取消"][2:]] == [
        ["T-3", ROWS[2][1], FINANCE, "暂缓"],
        ["T-4", ROWS[3][1], TAX, "已取消"],
    ]
    assert overview(sheets)["已销号（计入已完成）"] == 1 and overview(sheets)["暂缓（不计入统计）"] == 1
    apart = "另有暂缓1项、已取消1项，不计入以上统计"
    assert apart in html and apart in text and "已完成1项（其中已销号1项）" in text
    assert 'id="suspended"' in html and 'id="cancelled"' in html and "机构职能调整，不再实施" in html
    assert "已完成（已销号）" in html
    # The half-year: the suspended and the cancelled task out of its counts from June, as in June's report.
    half = json.loads(cli(ledger, "status", "--period", "2021-H1", "--json").output)
    assert (half["tasks"], half["done"], half["overdue"]) == (2, 1, ["T-1"])
    assert [(p["period"], p["done"], p["total"]) for p in half["completion_by_round"]] == [
        ("2021-04", 0, 4),
        ("2021-05", 0, 4),
        ("2021-06", 1, 2),
    ]

    # July: the suspension ends and the cancellation is undone; the closing stands.
    for args in (("resume", "T-3", "--why", "政策明确，恢复实施"), ("reopen", "T-4", "--why", "职能划回")):
        assert cli(ledger, "tasks", *args, "--from", "2021-07").exit_code == 0
    june_again = figures(ledger, "2021-06")
    send_round(ledger, "2021-07", tmp_path)
    assert outbox_rows(ledger, "2021-07") == {FINANCE: (["T-1", "T-3"], ["T-4"]), TAX: (["T-4"], ["T-3"])}
    july, _ = figures(ledger, "2021-07")
    assert (july["tasks"], july["closed"], july["suspended"], july["cancelled"]) == (4, ["T-2"], [], [])
    assert figures(ledger, "2021-06") == june_again

    log = json.loads(cli(ledger, "tasks", "log", "--json").output)
    assert [(c["task"], c["kind"], c["from"]) for c in log] == [
        ("T-2", "close", "2021-06"),
        ("T-3", "suspend", "2021-06"),
        ("T-4", "cancel", "2021-06"),
        ("T-3", "resume", "2021-07"),
        ("T-4", "reopen", "2021-07"),
    ]
    assert all(c["at"] and c["by"] and c["why"] for c in log)
    assert log[0]["details"] == "销号" and log[0]["why"] == "经验收，同意销号"


def test_a_reassigned_task_goes_to_its_new_lead_prefilled_and_earlier_rounds_keep_the_old_one(ledger, tmp_path):
    rounds_sent(ledger, tmp_path, "2021-04", "2021-05", "2021-06")
    june, june_merged = figures(ledger, "2021-06")

    fixed = cli(ledger, "tasks", "reassign", "T-3", "--lead", "示范区科技局", "--from", "2021-06", "--why", "职能调整")
    assert fixed.exit_code == 1 and "task-change-fixed" in fixed.output and "2021-07" in fixed.output
    moved = cli(ledger, "tasks", "reassign", "T-3", "--lead", "示范区科技局", "--from", "2021-07", "--why", "职能调整")
    assert moved.exit_code == 0, moved.output
    assert f"T-3牵头单位改为{INDUSTRY}" in moved.output  # the alias resolved to the full name

    ws = load_workspace(ledger)
    rendered = open_round(ws, "2021-07").render()
    assert outbox_rows(ledger, "2021-07") == {
        FINANCE: (["T-1"], ["T-4"]),
        INDUSTRY: (["T-3"], []),
        TAX: (["T-2", "T-4"], ["T-3"]),
    }
    sheet = openpyxl.load_workbook(rendered.outbox / f"{INDUSTRY}.xlsx")["牵头任务"]
    headers = [c.value for c in sheet[2]]
    row = next(r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0] == "T-3")
    assert row[headers.index("完成状态")] == "序时推进"  # the former lead's last answer
    assert row[headers.index("牵头单位")] == INDUSTRY

    answers = {INDUSTRY: {"T-3": {"完成状态": "滞后", "本月进展": "交接中"}}}
    path = fill_return(rendered.outbox / f"{INDUSTRY}.xlsx", tmp_path / "工信局.xlsx", answers[INDUSTRY])
    collect_returns(ws.paths, Period(2021, 7), [path])
    july, sheets, html, text = published(ledger, "2021-07")
    line = next(t for t in july.tasks if t.task.id == "T-3")
    assert (line.task.lead_units, line.status, [e.unit for e in line.leads]) == ([INDUSTRY], "滞后", [INDUSTRY])
    assert july.summary()["completion_by_unit"][INDUSTRY] == {"led": 1, "done": 0, "own_done": 0}
    summary = sheets["汇总台账"]
    assert next(r[summary[1].index("牵头单位")] for r in summary[2:] if r[0] == "T-3") == INDUSTRY
    assert f'data-leads="{INDUSTRY}" data-task="T-3"' in html and f"T-3牵头单位改为{INDUSTRY}" in html
    assert f"本期经批准调整任务1项：T-3牵头单位改为{INDUSTRY}。" in text
    assert {r[0]: r[1] for r in sheets["单位统计"][2:]}[INDUSTRY] == 1  # 牵头任务
    assert figures(ledger, "2021-06") == (june, june_merged)  # June: FINANCE led T-3, no task-unknown
    june_report = open_round(load_workspace(ledger), "2021-06").report(issued=date(2021, 7, 9))
    assert next(t for t in june_report.tasks if t.task.id == "T-3").task.lead_units == [FINANCE]


def test_a_task_finished_by_its_former_lead_stays_finished(ledger, tmp_path):
    send_round(ledger, "2021-04", tmp_path)
    ws = load_workspace(ledger)
    rendered = open_round(ws, "2021-05").render()
    done = {"T-1": {"完成状态": "已完成", "本月进展": "清理完毕"}, "T-3": {"完成状态": "序时推进"}}
    for unit, answers in ((FINANCE, done), (TAX, {"T-2": {"完成状态": "序时推进"}, "T-4": {"完成状态": "序时推进"}})):
        path = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / "05" / f"{unit}.xlsx", answers)
        collect_returns(ws.paths, Period(2021, 5), [path])
    change_task(ws, "reassign", "T-1", "职能划转", start=Period(2021, 6), lead=[INDUSTRY])
    open_round(load_workspace(ledger), "2021-06").render()
    assert INDUSTRY not in outbox_rows(ledger, "2021-06")  # not sent again, to anyone
    june = open_round(load_workspace(ledger), "2021-06").report(issued=date(2021, 7, 9))
    line = next(t for t in june.tasks if t.task.id == "T-1")
    assert (line.status, line.carried, line.light) == ("已完成", True, "green")


def test_a_change_from_a_round_years_away_is_said_as_the_commands_periods_are(ledger):
    """2030-01 typed for 2022-01: the change would never apply in the ledger's years; the command says so as
    `status --period 2030-01` would, beside what it recorded."""
    result = cli(ledger, "tasks", "close", "T-1", "--from", "2030-01", "--why", "经验收，同意销号")
    assert result.exit_code == 0, result.output
    assert "period-far" in result.output and "2030年1月" in result.output


def test_changes_that_do_not_fit_the_task_are_refused_and_nothing_is_recorded(ledger, tmp_path):
    rounds_sent(ledger, tmp_path, "2021-04")
    ws = load_workspace(ledger)
    cases = [
        (("resume", "T-1", "--why", "恢复"), 1, "task-change-not-applicable"),  # not suspended
        (("reopen", "T-1", "--why", "恢复"), 1, "task-change-not-applicable"),  # not closed or cancelled
        (("close", "T-9", "--why", "销号"), 1, "task-change-unknown"),
        (("extend", "T-1", "--to", "下个月吧", "--why", "延期"), 1, "task-change-date-invalid"),
        # an approved extension names its day: a month or a holiday is no day to be said "经批准延期至"
        (("extend", "T-1", "--to", "9月底", "--why", "延期"), 1, "task-change-date-invalid"),
        (("extend", "T-1", "--to", "国庆节前", "--why", "延期"), 1, "task-change-date-invalid"),
        # a slip of the year (2020 for 2022) or of the month would be said "经批准延期至" an earlier date, and red
        (("extend", "T-1", "--to", "2020-09-30", "--why", "延期"), 1, "task-extend-not-later"),
        (("extend", "T-1", "--to", "2021-06-20", "--why", "延期"), 1, "task-extend-not-later"),
        (("suspend", "T-1", "--why", "暂缓", "--from", "2021-Q3"), 1, "period-wrong-kind"),
        (("reassign", "T-1", "--lead", "示范区无此局", "--from", "2021-05", "--why", "调整"), 2, "--lead 的取值无效"),
        (
            ("reassign", "T-1", "--lead", "示范区税务局", "--support", "无此局", "--from", "2021-05", "--why", "调整"),
            2,
            "--support 的取值无效：单位“无此局”",
        ),
        (("close", "T-1"), 2, "--why"),
    ]
    for args, exit_code, said in cases:
        result = cli(ledger, "tasks", *args)
        assert (result.exit_code, said in result.output) == (exit_code, True), (args, result.output)
    with pytest.raises(ProblemError) as empty:
        change_task(ws, "close", "T-1", "  ")
    assert empty.value.code == "task-change-why-missing"
    assert read_changes(ws.paths) == []
    # A change undone is still on record: close, reopen, close again — three lines, the last one standing.
    for kind in ("close", "reopen", "close"):
        change_task(ws, kind, "t－1", f"第{kind}次", start=Period(2021, 5))  # the ID in its one form
    assert [r["kind"] for r in read_records(ws.paths.task_changes).records] == ["close", "reopen", "close"]
    may = open_round(load_workspace(ledger), "2021-05").report(issued=date(2021, 6, 9))
    assert next(t for t in may.tasks if t.task.id == "T-1").closed
    assert cli(ledger, "tasks", "close", "T-1", "--why", "再次销号", "--from", "2021-05").exit_code == 1


def test_a_change_keeps_the_caches_of_the_rounds_before_it(ledger, tmp_path):
    rounds_sent(ledger, tmp_path, "2021-04", "2021-05", "2021-06", "2021-07")
    before = build_history(load_workspace(ledger), Period(2021, 8)).keys
    change_task(load_workspace(ledger), "suspend", "T-3", "暂缓", start=Period(2021, 6))
    history = build_history(load_workspace(ledger), Period(2021, 8))
    after = history.keys
    assert [after[p] == before[p] for p in ("2021-04", "2021-05", "2021-06", "2021-07")] == [True, True, False, False]
    assert (history.reused, history.computed) == (
        [Period(2021, 4), Period(2021, 5)],
        [Period(2021, 6), Period(2021, 7)],
    )
    table = cli(ledger, "tasks", "log")
    assert table.exit_code == 0 and "T-3" in table.output and "暂缓" in table.output


def test_a_ledger_with_no_change_says_so_instead_of_an_empty_table(ledger):
    """ledger tasks log printed a bordered table titled 任务调整记录（0次） with no row; ledger units log says 尚无…."""
    shown = cli(ledger, "tasks", "log")
    assert shown.exit_code == 0 and shown.output.strip() == "尚无任务调整的记录。"


def test_the_first_round_not_yet_fixed(ledger, tmp_path):
    ws = load_workspace(ledger)
    assert first_open_round(ws) == Period.containing("month", today(ws.config))  # nothing rendered yet
    open_round(ws, "2021-04").render()
    assert first_open_round(ws) == Period(2021, 4)  # rendered, nothing out: still open to change
    send_round(ledger, "2021-05", tmp_path)  # returns collected: fixed
    assert first_open_round(load_workspace(ledger)) == Period(2021, 6)


def test_a_second_extension_may_set_an_earlier_date_than_the_first_but_not_before_the_original(ledger, tmp_path):
    # 延期 to the end of the year from May; in July the approval is revised to the end of September. The office
    # was told to edit the task list instead, where the first extension overrode the edit in every round.
    rounds_sent(ledger, tmp_path, "2021-04")
    assert cli(ledger, "tasks", "extend", "T-1", "--to", "2021-12-31", "--why", "经区政府同意").exit_code == 0
    rounds_sent(ledger, tmp_path, "2021-05", "2021-06")
    revised = cli(ledger, "tasks", "extend", "T-1", "--to", "2021-09-30", "--why", "重新核定延期时限")
    assert revised.exit_code == 0, revised.output
    send_round(ledger, "2021-07", tmp_path)
    july = published(ledger, "2021-07")[0]
    june = published(ledger, "2021-06")[0]
    deadline = {
        r: next(t.deadline_text for t in report.tasks if t.task.id == "T-1") for r, report in [(6, june), (7, july)]
    }
    assert deadline == {
        6: "原定2021年6月20日，经批准延期至2021年12月31日",
        7: "原定2021年6月20日，经批准延期至2021年9月30日",
    }
    # Not later than the deadline first set is still no extension, whatever extension stands.
    slip = cli(ledger, "tasks", "extend", "T-1", "--to", "2021-06-20", "--why", "延期")
    assert (slip.exit_code, "task-extend-not-later" in slip.output, "原定完成时限为2021年6月20日" in slip.output) == (
        1,
        True,
        True,
    )


def test_workbooks_rendered_before_a_change_of_their_round_are_not_mailed(ledger, tmp_path):
    # July is rendered, then T-1 is closed (销号) from July, the first round not sent. The clerk mails the
    # workbooks already in the outbox: FINANCE would be sent T-1 after its 销号, and July's figures would say
    # nothing of it. Mail now asks for the round to be rendered again first.
    rounds_sent(ledger, tmp_path, "2021-05", "2021-06")
    open_round(load_workspace(ledger), "2021-07").render()
    assert cli(ledger, "tasks", "close", "T-1", "--why", "经验收，同意销号").exit_code == 0
    stale = cli(ledger, "mail", "--period", "2021-07")
    assert (stale.exit_code, "render-stale" in stale.output, "T-1" in stale.output) == (1, True, True), stale.output
    assert not (ledger / "build" / "2021-07" / "mail").exists()
    assert cli(ledger, "render", "--period", "2021-07").exit_code == 0
    assert outbox_rows(ledger, "2021-07")[FINANCE] == (["T-3"], ["T-4"])
    assert cli(ledger, "mail", "--period", "2021-07").exit_code == 0
    # Once the round went out, a change from it (an approval that came while it was out) leaves the workbooks as
    # they were sent, and a unit mailed later gets the same as the others.
    send_round(ledger, "2021-08", tmp_path, units=(TAX,))
    assert (
        cli(ledger, "tasks", "extend", "T-3", "--to", "2021-12-31", "--why", "延期", "--from", "2021-08").exit_code == 0
    )
    assert cli(ledger, "mail", "--period", "2021-08").exit_code == 0


def test_a_task_overdue_once_back_in_the_counts_is_newly_overdue(ledger, tmp_path):
    # T-1 (due 20 June) is suspended from June and resumed from July: July's report had it red and among the
    # overdue tasks, yet said 新逾期0项, since its deadline fell before June's end; in June it was 暂缓, in no count.
    rounds_sent(ledger, tmp_path, "2021-05")
    assert cli(ledger, "tasks", "suspend", "T-1", "--why", "暂缓实施").exit_code == 0
    rounds_sent(ledger, tmp_path, "2021-06")
    assert cli(ledger, "tasks", "resume", "T-1", "--why", "恢复实施").exit_code == 0
    # T-3 (due 30 September), extended to the end of the year from July, has its extension revised to 15 October
    # from November: overdue in November, and it was not in October.
    assert cli(ledger, "tasks", "extend", "T-3", "--to", "2021-12-31", "--why", "延期").exit_code == 0
    rounds_sent(ledger, tmp_path, "2021-07", "2021-08", "2021-09", "2021-10")
    assert cli(ledger, "tasks", "extend", "T-3", "--to", "2021-10-15", "--why", "重新核定").exit_code == 0
    send_round(ledger, "2021-11", tmp_path)
    july, _ = figures(ledger, "2021-07")
    assert (july["overdue"], july["newly_overdue"]) == (["T-1", "T-2"], ["T-1"])  # T-2 was overdue in June
    november, _ = figures(ledger, "2021-11")
    assert (november["overdue"], november["newly_overdue"]) == (["T-1", "T-2", "T-3"], ["T-3"])
    _, _, html, text = published(ledger, "2021-11")
    assert "新逾期1项" in html and "新逾期1项" in text


def finished_in_may(root, tmp_path):
    """April as usual; in May 财政局 reports T-1 已完成 (清理完毕)."""
    send_round(root, "2021-04", tmp_path)
    ws = load_workspace(root)
    rendered = open_round(ws, "2021-05").render()
    done = {"T-1": {"完成状态": "已完成", "本月进展": "清理完毕"}, "T-3": {"完成状态": "序时推进"}}
    for unit, answers in ((FINANCE, done), (TAX, {"T-2": {"完成状态": "序时推进"}, "T-4": {"完成状态": "序时推进"}})):
        path = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / "05" / f"{unit}.xlsx", answers)
        collect_returns(ws.paths, Period(2021, 5), [path])


@pytest.mark.parametrize("kind", ["extend", "suspend"])
def test_extending_or_suspending_a_task_its_leads_finished_is_recorded_with_a_warning(ledger, tmp_path, kind):
    """An approval that comes after the leads reported a task 已完成 is recorded (the task may turn out not done
    after all), and the clerk is told which task and in which round it was done, as the other warnings are."""
    finished_in_may(ledger, tmp_path)
    options = ["--to", "2021-09-30"] if kind == "extend" else []
    result = cli(ledger, "tasks", kind, "T-1", *options, "--why", "经区政府同意")
    assert result.exit_code == 0, result.output
    assert f"task-{kind}-done" in result.output
    assert "任务T-1在2021年5月已由牵头单位报送已完成" in result.output
    assert [c.kind for c in read_changes(load_workspace(ledger).paths)] == [kind]
    quiet = cli(ledger, "tasks", kind, "T-2", *options, "--why", "经区政府同意")  # not done: nothing to warn
    assert quiet.exit_code == 0 and "-done" not in quiet.output


def test_a_task_done_before_its_extension_is_not_shown_extended(ledger, tmp_path):
    """T-1, done in May, extended from June (an approval that came late): June's report and the half-year show
    its deadline as it stood when it was done, not "原定…经批准延期至…"; T-2, extended from June and not done,
    is shown extended."""
    finished_in_may(ledger, tmp_path)
    for task in ("T-1", "T-2"):
        assert cli(ledger, "tasks", "extend", task, "--to", "2021-09-30", "--why", "经区政府同意").exit_code == 0
    send_round(ledger, "2021-06", tmp_path)
    extended = "原定2021年6月30日，经批准延期至2021年9月30日"
    report, sheets, html, text = published(ledger, "2021-06")
    assert {t.task.id: t.deadline_text for t in report.tasks}["T-1"] == "2021年6月20日"
    assert task_rows(sheets)["T-1"][0] == "2021年6月20日" and task_rows(sheets)["T-2"][0] == extended
    assert "原定2021年6月20日" not in html + text
    assert overview(sheets)["本期任务变动"] == f"本期经批准调整任务1项：T-2完成时限{extended}。"
    half, paths = open_round(load_workspace(ledger), "2021-H1").publish(issued=date(2021, 7, 9))
    assert {t.task.id: t.task.deadline.text for t in half.tasks}["T-1"] == "2021年6月20日"
    rows = [[c.text for c in r.cells] for r in docx.Document(str(paths[2])).tables[0].rows]
    assert next(r for r in rows if r[0] == "T-1")[3] == "2021年6月20日"
    assert "原定2021年6月20日" not in paths[1].read_text(encoding="utf-8")
