"""A living task list, as the nine-month trial met it: rows renumbered after an insertion, a typo corrected, a
deadline changed after the workbooks went out, a task added mid-year, and past rounds re-run after all of it."""

import json
import os
import re
import socket
from datetime import date, datetime
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from ledger import load_workspace
from ledger.cli import main
from ledger.collect import collect_returns
from ledger.model import Period
from ledger.records import read_records
from ledger.rounds import open_round

from .conftest import fill_return, make_workspace, write_xlsx

BEIJING = ZoneInfo("Asia/Shanghai")
FINANCE, TAX = "示范区财政局", "示范区税务局"
HEADER = ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"]
ROWS = [
    ["1", "清理规范涉企收费项目。", "2021年6月20日", "区财政局", ""],
    ["2", "推行电子发票全覆盖。", "2021年6月30日", "区税务局", ""],
    ["3", "完成预算绩效评价报告。", "2021年9月30日", "区财政局", "区税务局"],
    ["4", "建立税费信息共享机制。", "年底前", "区税务局", "区财政局"],
]
ANSWERS = {
    FINANCE: {"T-1": {"完成状态": "滞后", "本月进展": "正在清理"}, "T-3": {"完成状态": "序时推进"}},
    TAX: {"T-2": {"完成状态": "序时推进", "本月进展": "推进中"}, "T-4": {"完成状态": "序时推进"}},
}


def tasks_file(root):
    return root / "source" / "tasks" / "tasks.xlsx"


def rewrite(root, rows, header=HEADER):
    write_xlsx(tasks_file(root), [header, *rows])


def send_round(root, period, tmp_path, units=(FINANCE, TAX)):
    """Render the round, each unit fills its workbook and it is collected on the 2nd of the next month. Each
    round's progress names the round, so no return is the prefilled workbook sent back unchanged."""
    ws = load_workspace(root)
    rendered = open_round(ws, period).render()
    received = Period.parse(period).next().start.replace(day=2)
    for unit in units:
        answers = {
            task: {**a, "本月进展": f"{a.get('本月进展', '推进')}（{period}）"} for task, a in ANSWERS[unit].items()
        }
        path = fill_return(rendered.outbox / f"{unit}.xlsx", tmp_path / period / f"{unit}.xlsx", answers)
        stamp = datetime(received.year, received.month, received.day, 10, tzinfo=BEIJING).timestamp()
        os.utime(path, (stamp, stamp))
        collect_returns(ws.paths, Period.parse(period), [path])


def cli(root, *args):
    return CliRunner().invoke(main, [*args, "--workspace", str(root)])


def problems_of(result):
    return [(p["cell"], p["code"], p["task"], p["values"].get("new_id")) for p in json.loads(result.output)["problems"]]


@pytest.fixture
def ledger(tmp_path):
    return make_workspace(tmp_path / "ws", [HEADER, *ROWS])


def test_rows_renumbered_after_an_insertion_stop_check_and_render(ledger, tmp_path):
    send_round(ledger, "2021-06", tmp_path)
    inserted = ["2", "开展减税降费政策宣传。", "2021年8月31日", "区税务局", ""]
    renumbered = [ROWS[0], inserted] + [[str(int(r[0]) + 1), *r[1:]] for r in ROWS[1:]]
    rewrite(ledger, renumbered)

    checked = cli(ledger, "check", "--json")
    assert checked.exit_code == 1
    assert problems_of(checked) == [  # each moved row: at its new place, the old ID, the new ID
        ("A4", "task-renumbered", "T-2", "T-3"),
        ("A5", "task-renumbered", "T-3", "T-4"),
        ("A6", "task-renumbered", "T-4", "T-5"),
    ]
    rendered = cli(ledger, "render", "--period", "2021-07")
    assert rendered.exit_code == 1
    assert rendered.output.count("task-renumbered") == 3 and "T-3" in rendered.output
    assert not (ledger / "build" / "2021-07" / "outbox").exists()  # nothing went out

    # The fix the hint gives: an explicit 任务编号, the old tasks keeping their IDs, the new one a new ID.
    ids = ["T-1", "T-5", "T-2", "T-3", "T-4"]
    rewrite(ledger, [[i, *r] for i, r in zip(ids, renumbered, strict=True)], ["任务编号", *HEADER])
    assert problems_of(cli(ledger, "check", "--json")) == []
    assert cli(ledger, "render", "--period", "2021-07").exit_code == 0


def test_a_typo_corrected_keeps_the_id_and_is_listed_as_a_change(ledger, tmp_path):
    send_round(ledger, "2021-06", tmp_path)
    rows = [list(r) for r in ROWS]
    rows[2][1] = "完成预算绩效评价工作报告。"  # two characters added: the same task
    rewrite(ledger, rows)
    checked = cli(ledger, "check", "--json")
    assert checked.exit_code == 0
    assert problems_of(checked) == [("A4", "task-text-changed", "T-3", None)]
    [change] = json.loads(checked.output)["problems"]
    assert (change["values"]["old"], change["values"]["new"]) == (ROWS[2][1], rows[2][1])
    assert cli(ledger, "render", "--period", "2021-07").exit_code == 0
    july = open_round(load_workspace(ledger), "2021-07")
    assert [t.id for t in july.tasks] == ["T-1", "T-2", "T-3", "T-4"]
    assert july.tasks[2].measure == rows[2][1]


def test_a_sent_task_deleted_from_the_list_is_named_by_check_and_in_the_next_report(ledger, tmp_path):
    """A clerk deletes a row instead of recording a cancellation: July no longer sends it, so check says so
    before render (a warning: deleting is allowed), and July's report says the task left the list; June keeps it."""
    send_round(ledger, "2021-06", tmp_path)
    june = json.loads(cli(ledger, "status", "--period", "2021-06", "--json").output)
    rewrite(ledger, [ROWS[0], *ROWS[2:]])  # T-2 deleted

    checked = cli(ledger, "check", "--json")
    assert checked.exit_code == 0
    [removed] = json.loads(checked.output)["problems"]
    assert (removed["code"], removed["task"], removed["file"]) == ("task-removed", "T-2", "source/tasks/tasks.xlsx")
    assert removed["values"]["period"] == "2021年6月" and "推行电子发票全覆盖" in removed["message"]

    send_round(ledger, "2021-07", tmp_path)
    assert problems_of(cli(ledger, "check", "--json")) == []  # July went out without it: said once, in its time
    july = open_round(load_workspace(ledger), "2021-07").report()
    assert "本期任务清单中删去任务1项：T-2。" in july.adjustments_text()
    assert [t.task.id for t in july.tasks] == ["T-1", "T-3", "T-4"]
    assert json.loads(cli(ledger, "status", "--period", "2021-06", "--json").output) == june
    assert "删去" not in open_round(load_workspace(ledger), "2021-06").report().adjustments_text()


def test_june_rerun_after_july_edits_is_byte_identical_and_counts_the_same(ledger, tmp_path):
    for period in ("2021-04", "2021-05", "2021-06"):
        send_round(ledger, period, tmp_path)
    assert cli(ledger, "merge", "--period", "2021-06").exit_code == 0
    merged = (ledger / "build" / "2021-06" / "merged.json").read_bytes()
    status = cli(ledger, "status", "--period", "2021-06", "--json")
    figures = json.loads(status.output)
    assert figures["lights"]["red"] == 2  # T-1 and T-2, due 20 and 30 June, not done by the end of June

    # July: a task added, T-1's deadline extended by hand, T-3's lead changed; sent and answered.
    rows = [list(r) for r in ROWS]
    rows[0][2] = "2021年9月30日"
    rows[2][3] = "区税务局"
    rewrite(ledger, [*rows, ["5", "推进非税收入电子化收缴。", "2021年12月31日", "区财政局", ""]])
    send_round(ledger, "2021-07", tmp_path)

    assert cli(ledger, "merge", "--period", "2021-06").exit_code == 0
    assert (ledger / "build" / "2021-06" / "merged.json").read_bytes() == merged
    again = json.loads(cli(ledger, "status", "--period", "2021-06", "--json").output)
    assert again == figures
    assert (again["tasks"], again["lights"]["red"]) == (4, 2)
    july = json.loads(cli(ledger, "status", "--period", "2021-07", "--json").output)
    assert july["tasks"] == 5
    july_report = open_round(load_workspace(ledger), "2021-07").report(issued=date(2021, 8, 9))
    assert [t.task.id for t in july_report.red_tasks] == ["T-2"]  # T-1 now due in September; T-2 still red
    # The report of June, written again, is June's: four tasks, T-1 red under its June deadline (and T-2).
    report = open_round(load_workspace(ledger), "2021-06").report(issued=date(2021, 7, 9))
    assert [(t.task.id, t.task.deadline.raw) for t in report.red_tasks] == [
        ("T-1", "2021年6月20日"),
        ("T-2", "2021年6月30日"),
    ]
    assert report.tasks[2].task.lead_units == [FINANCE]


def test_a_round_that_went_out_is_revised_only_with_a_reason(ledger, tmp_path):
    handler = type("Accept", (), {"handle_DATA": lambda self, *a: _accepted()})()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with open(ledger / "ledger.toml", "a", encoding="utf-8") as config:
            config.write(f'\n[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
            config.write('from = "office@example.cn"\n')
        assert cli(ledger, "render", "--period", "2021-06").exit_code == 0
        sent_log = ledger / "source" / "sent" / "2021-06.jsonl"
        rows = [list(r) for r in ROWS]
        rows[2][2] = "2021年10月31日"
        rewrite(ledger, rows)
        assert cli(ledger, "render", "--period", "2021-06").exit_code == 0  # nothing out yet: replaced
        assert len(read_records(sent_log).records) == 2
        mailed = cli(ledger, "mail", "--period", "2021-06", "--unit", FINANCE, "--send")
        assert mailed.exit_code == 0, mailed.output
    finally:
        controller.stop()

    rows[2][2] = "2021年11月30日"
    rewrite(ledger, rows)
    refused = cli(ledger, "render", "--period", "2021-06")
    assert refused.exit_code == 1 and "sent-fixed" in refused.output and FINANCE in refused.output
    no_why = cli(ledger, "render", "--period", "2021-06", "--revise")
    assert no_why.exit_code == 1 and "revise-why-missing" in no_why.output
    assert cli(ledger, "render", "--period", "2021-06", "--why", "更正时限").exit_code == 2
    assert len(read_records(sent_log).records) == 2
    assert open_round(load_workspace(ledger), "2021-06").tasks[2].deadline.raw == "2021年10月31日"

    revised = cli(ledger, "render", "--period", "2021-06", "--revise", "--why", "更正任务3的完成时限")
    assert revised.exit_code == 0, revised.output
    last = read_records(sent_log).records[-1]
    assert (last["kind"], last["why"]) == ("revision", "更正任务3的完成时限")
    assert last["who"] and datetime.fromisoformat(last["when"]).tzinfo is not None
    assert open_round(load_workspace(ledger), "2021-06").tasks[2].deadline.raw == "2021年11月30日"
    # Rendering again without a change appends nothing.
    assert cli(ledger, "render", "--period", "2021-06").exit_code == 0
    assert len(read_records(sent_log).records) == 3


async def _accepted():
    return "250 Message accepted"


def test_a_task_added_already_overdue_is_marked_new_in_the_bulletins_attachment(ledger, tmp_path):
    send_round(ledger, "2021-06", tmp_path)
    rewrite(ledger, [*ROWS, ["5", "推进非税收入电子化收缴。", "2021年6月30日", "区财政局", ""]])
    send_round(ledger, "2021-07", tmp_path)
    opened = open_round(load_workspace(ledger), "2021-07")
    opened.write_merge()
    built, _ = opened.publish(issued=date(2021, 8, 9))
    assert [(t.task.id, t.new) for t in built.red_tasks] == [("T-1", False), ("T-2", False), ("T-5", True)]
    bulletin = docx.Document(ledger / "build" / "2021-07" / "report" / "通报.docx")
    ids = [row.cells[0].text for table in bulletin.tables for row in table.rows[1:]]
    assert ids == ["T-1", "T-2", "T-5（新增）"]


def test_a_task_added_is_marked_new_in_its_first_round_only(ledger, tmp_path):
    send_round(ledger, "2021-06", tmp_path)
    rewrite(ledger, [*ROWS, ["5", "推进非税收入电子化收缴。", "2021年12月31日", "区财政局", ""]])
    send_round(ledger, "2021-07", tmp_path)
    send_round(ledger, "2021-08", tmp_path)
    for period, new in (("2021-06", []), ("2021-07", ["T-5"]), ("2021-08", [])):
        opened = open_round(load_workspace(ledger), period)
        opened.write_merge()
        built, _ = opened.publish(issued=Period.parse(period).next().start.replace(day=9))
        assert [t.task.id for t in built.tasks if t.new] == new
        master = openpyxl.load_workbook(ledger / "build" / period / "merged.xlsx")["汇总台账"]
        summary = openpyxl.load_workbook(ledger / "build" / period / "report" / "汇总台账.xlsx")["汇总台账"]
        for sheet in (master, summary):
            marked = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True) if r[1] and "新增" in str(r[1])]
            assert marked == new, (period, sheet.title)
        # The page marks it under its ID; the bulletin (and the workbook's 概况) says it among the round's changes.
        folder = ledger / "build" / period / "report"
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert re.findall(r'data-label="任务编号">([^<]+)<div class="tag new">新增</div>', html) == new
        bulletin = "\n".join(p.text for p in docx.Document(folder / "通报.docx").paragraphs)
        said = "".join(f"本期新增任务1项：{i}。" for i in new)
        assert said in bulletin if new else "本期新增任务" not in bulletin, period
