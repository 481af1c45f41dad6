"""退回重报 as the trial met it, on a ledger of four rounds: the office sends a return back with a reason, the
unit is 退回重报 everywhere until it sends again, a resubmission within `resubmit_days` working days keeps the
first submission's timeliness and one after it is judged by its own time, and a unit sent back is not praised."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from ledger import load_workspace
from ledger.cli import main
from ledger.clock import today
from ledger.collect import collect_returns
from ledger.model import Period
from ledger.problems import ProblemError
from ledger.records import read_records
from ledger.returns import reject_return, restore_return, withdraw_return
from ledger.rounds import open_round
from ledger.schedule import resubmit_due
from ledger.wording import chinese

from .conftest import fill_return, make_workspace

BEIJING = ZoneInfo("Asia/Shanghai")
FINANCE, TAX = "示范区财政局", "示范区税务局"
HEADER = ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"]
ROWS = [
    ["1", "清理规范涉企收费项目。", "2021年12月31日", "区财政局", ""],
    ["2", "推行电子发票全覆盖。", "2021年12月31日", "区税务局", ""],
    ["3", "完成预算绩效评价报告。", "2021年12月31日", "区财政局", "区税务局"],
]
# Answers that earn praise: every led task answered from the list, none behind, no problem reported.
LED = {FINANCE: ["T-1", "T-3"], TAX: ["T-2"]}


def answers(unit, period):
    """What the unit types in a round: this round's own progress on each task it leads."""
    return {task: {"完成状态": "序时推进", "本月进展": f"{period.label}已推进{task}"} for task in LED[unit]}


JULY = Period(2021, 7)  # due Thursday 5 August 2021
WHY = {FINANCE: "牵头任务进展未写明清理项目数量", TAX: "盖章页缺失"}


def at(*when: int) -> datetime:
    return datetime(*when, tzinfo=BEIJING)


def cli(root, *args):
    return CliRunner().invoke(main, [*args, "--workspace", str(root)])


def send(root, period, unit, received, tmp_path, again=""):
    """The unit fills its workbook of the round (`again`: corrected, under that name); the clerk collects it with
    the time it arrived."""
    typed = answers(unit, period)
    for values in typed.values() if again else ():
        values["本月进展"] += f"（已按退回意见更正，见{again}）"  # each resubmission a file of its own
    outbox = root / "build" / str(period) / "outbox"
    path = fill_return(outbox / f"{unit}.xlsx", tmp_path / str(period) / (again or f"{unit}.xlsx"), typed)
    [stored] = collect_returns(load_workspace(root).paths, period, [path], received=received).stored
    return stored.file


@pytest.fixture
def ledger(tmp_path):
    """April to June answered on the 2nd of the next month; July rendered, both units returned early."""
    root = make_workspace(tmp_path / "ws", [HEADER, *ROWS])
    for month in (4, 5, 6, 7):
        period = Period(2021, month)
        open_round(load_workspace(root), period).render()
        if month < 7:
            for unit in (FINANCE, TAX):
                send(root, period, unit, at(2021, month + 1, 2, 10), tmp_path)
    first = {FINANCE: send(root, JULY, FINANCE, at(2021, 8, 2, 10), tmp_path)}
    first[TAX] = send(root, JULY, TAX, at(2021, 8, 3, 9), tmp_path)
    return root, first


def status(root, period="2021-07"):
    result = cli(root, "status", "--period", period, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_return_sent_back_stays_stored_unmerged_and_the_unit_is_redo_everywhere(ledger, tmp_path):
    root, first = ledger
    before = status(root)  # merged and cached: the 退回 must invalidate it
    august = open_round(load_workspace(root), "2021-08").history  # July's state cached for the rounds after it
    assert {r.state for r in august.previous_returns} == {"merged"}
    assert before["reporting"]["on_time"] == 2 and before["units"]["good"] == [FINANCE, TAX]
    folder = root / "source" / "returns" / "2021-07"
    stored = {name: (folder / name).read_bytes() for name in first.values()}

    rejected = cli(root, "returns", "reject", "--period", "2021-07", first[FINANCE], "--why", WHY[FINANCE])
    assert rejected.exit_code == 0, rejected.output
    ws = load_workspace(root)
    by = chinese(resubmit_due(ws.config, today(ws.config)))
    assert f"{by}前重新报送的，仍按首次报送的时间认定" in rejected.output  # three working days from today
    reject_return(ws, JULY, first[TAX], WHY[TAX], now=at(2021, 8, 4, 10))

    assert {name: (folder / name).read_bytes() for name in first.values()} == stored  # byte for byte
    [mine, _] = read_records(folder / "corrections.jsonl").records
    assert (mine["action"], mine["why"]) == ("reject", WHY[FINANCE])
    assert mine["by"] and datetime.fromisoformat(mine["at"]).tzinfo is not None

    august = open_round(load_workspace(root), "2021-08").history
    assert {r.state for r in august.previous_returns} == {"rejected"} and JULY in august.computed
    merged = open_round(ws, JULY).merge()
    assert {(r.file, r.state) for r in merged.returns} == {(first[FINANCE], "rejected"), (first[TAX], "rejected")}
    assert not merged.entries and not [u for u in merged.unmerged if u.file in first.values()]
    after = status(root)
    assert after["reporting"] == {"on_time": 0, "late": 0, "error": 0, "redo": 2, "held": 0, "missing": 0}
    assert after["units"]["redo"] == [FINANCE, TAX] and after["units"]["good"] == []
    assert after["units"]["sent_back"] == WHY
    year = {u["unit"]: u for u in status(root, "2021")["units"]}
    assert [(year[u]["on_time"], year[u]["with_errors"], year[u]["missing"]) for u in (FINANCE, TAX)] == [(3, 1, 0)] * 2
    text = cli(root, "status", "--period", "2021-07")
    assert f"退回重报（2个）：{FINANCE}（{WHY[FINANCE]}）" in text.output

    listed = json.loads(cli(root, "returns", "list", "--period", "2021-07", "--json").output)
    assert [(line["unit"], line["state"], line["why"]) for line in listed] == [
        (FINANCE, "rejected", WHY[FINANCE]),
        (TAX, "rejected", WHY[TAX]),
    ]
    assert "退回重报" in cli(root, "returns", "list", "--period", "2021-07").output

    _, paths = open_round(ws, JULY).publish(issued=date(2021, 8, 9))
    by_name = {p.name: p for p in paths}
    html = by_name["report.html"].read_text(encoding="utf-8")
    assert f"<li>{FINANCE}（{WHY[FINANCE]}" in html and 'id="units-redo">2<' in html
    book = openpyxl.load_workbook(by_name["汇总台账.xlsx"])
    assert [row[:2] for row in book["退回重报单位"].iter_rows(min_row=3, values_only=True)] == [
        (FINANCE, WHY[FINANCE]),
        (TAX, WHY[TAX]),
    ]
    overview = {row[0]: row[1] for row in book["概况"].iter_rows(min_row=3, values_only=True)}
    assert overview["退回重报单位"] == 2
    units = {row[0]: row[12] for row in book["单位统计"].iter_rows(min_row=3, values_only=True)}
    assert units[TAX] == f"退回重报（{WHY[TAX]}）"
    bulletin = "".join(p.text for p in docx.Document(str(by_name["通报.docx"])).paragraphs)
    assert f"退回重报2个（{FINANCE}、{TAX}）" in bulletin


def test_a_resubmission_within_the_window_keeps_its_time_and_one_after_it_is_late(ledger, tmp_path):
    root, first = ledger
    ws = load_workspace(root)
    for unit in (FINANCE, TAX):
        reject_return(ws, JULY, first[unit], WHY[unit], now=at(2021, 8, 4, 10))  # Wednesday
    # Three working days after Wednesday 4 August: Monday 9 August, after the round's due day (Thursday 5).
    again = {
        FINANCE: send(root, JULY, FINANCE, at(2021, 8, 9, 15), tmp_path, "财政局重报.xlsx"),
        TAX: send(root, JULY, TAX, at(2021, 8, 10, 9), tmp_path, "税务局重报.xlsx"),
    }
    figures = status(root)
    assert figures["reporting"]["redo"] == 0
    assert (figures["units"]["late"], figures["units"]["redo"]) == ([TAX], [])
    assert figures["reporting"]["on_time"] == 1  # the finance bureau, judged by 2 August
    assert figures["units"]["good"] == []  # sent back this round: not praised, on time or not
    assert figures["units"]["sent_back"] == WHY
    report = open_round(ws, JULY).report(issued=date(2021, 8, 11))
    shown = {u.unit: u.reporting for u in report.units}
    assert shown == {FINANCE: "按时报送（退回后重报）", TAX: "逾期报送（退回后重报）"}
    # Both submissions are on record: the one sent back and the one merged.
    listed = json.loads(cli(root, "returns", "list", "--period", "2021-07", "--json").output)
    assert sorted((line["file"], line["state"]) for line in listed) == sorted(
        [(first[FINANCE], "rejected"), (first[TAX], "rejected"), (again[FINANCE], "merged"), (again[TAX], "merged")]
    )

    # set-received corrects the file it names: the tax bureau's resubmission really came on Monday morning.
    assert cli(root, "returns", "set-received", "--period", "2021-07", again[TAX], "2021-08-09 11:00").exit_code == 0
    assert status(root)["units"]["late"] == []
    # ... and the first submission's own time decides when it is corrected to after the due day.
    changed = cli(root, "returns", "set-received", "--period", "2021-07", first[FINANCE], "2021-08-06 09:00")
    assert changed.exit_code == 0, changed.output
    assert status(root)["units"]["late"] == [FINANCE]

    # The year's reporting record counts July as each unit was judged; August's history carries the 退回.
    year = {u["unit"]: u for u in status(root, "2021")["units"]}
    assert (year[FINANCE]["on_time"], year[FINANCE]["late"], year[TAX]["on_time"]) == (3, 1, 4)
    august = open_round(load_workspace(root), "2021-08").history.previous_record
    assert august is not None and {r.state for r in august.returns} == {"rejected", "merged"}


def test_resubmit_days_is_the_offices_and_counts_working_days(ledger, tmp_path):
    root, first = ledger
    with open(root / "ledger.toml", "r+", encoding="utf-8") as config:
        text = config.read().replace("year = 2021", "year = 2021\nresubmit_days = 1", 1)
        config.seek(0)
        config.write(text)
    ws = load_workspace(root)
    assert ws.config.resubmit_days == 1
    reject_return(ws, JULY, first[FINANCE], WHY[FINANCE], now=at(2021, 8, 6, 16))  # Friday, after the due day
    send(root, JULY, FINANCE, at(2021, 8, 9, 17), tmp_path, "财政局重报.xlsx")  # Monday: one working day later
    reject_return(ws, JULY, first[TAX], WHY[TAX], now=at(2021, 8, 4, 10))  # Wednesday
    send(root, JULY, TAX, at(2021, 8, 6, 9), tmp_path, "税务局重报.xlsx")  # Friday: two working days later
    assert status(root)["units"]["late"] == [TAX]


def test_the_window_of_a_reject_is_the_one_the_unit_was_given(ledger, tmp_path):
    """The 退回 told 财政局 to send again by Monday 9 August (three working days); in the autumn the office gives one
    day from then on. July's resubmission on the Monday stays on time: the window is recorded with the 退回."""
    root, first = ledger
    reject_return(load_workspace(root), JULY, first[FINANCE], WHY[FINANCE], now=at(2021, 8, 4, 10))
    [back] = read_records(load_workspace(root).paths.corrections(JULY)).records
    assert back["resubmit_by"] == "2021-08-09"
    send(root, JULY, FINANCE, at(2021, 8, 9, 15), tmp_path, "财政局重报.xlsx")
    config = root / "ledger.toml"
    config.write_text(config.read_text("utf-8").replace("year = 2021", "year = 2021\nresubmit_days = 1", 1), "utf-8")
    assert FINANCE not in status(root)["units"]["late"]


def refused(call):
    """The code of the catalogued problem a correction is refused with."""
    with pytest.raises(ProblemError) as caught:
        call()
    return caught.value.code


def test_restore_undoes_a_reject_and_what_cannot_be_done_is_said(ledger, tmp_path):
    root, first = ledger
    ws = load_workspace(root)
    assert refused(lambda: reject_return(ws, JULY, first[TAX], "  ")) == "returns-why-missing"
    assert refused(lambda: restore_return(ws, JULY, first[TAX])) == "returns-not-withdrawn"
    reject_return(ws, JULY, first[TAX], WHY[TAX])
    assert refused(lambda: reject_return(ws, JULY, first[TAX], "再次")) == "returns-already-rejected"
    withdraw_return(ws, JULY, first[FINANCE], "重复报送")
    assert refused(lambda: reject_return(ws, JULY, first[FINANCE], "退回")) == "returns-already-withdrawn"
    stray = tmp_path / "说明.xlsx"
    openpyxl.Workbook().save(stray)
    [unknown] = collect_returns(ws.paths, JULY, [stray]).stored
    assert refused(lambda: reject_return(ws, JULY, unknown.file, "看不出是哪个单位的")) == "returns-reject-no-unit"

    assert status(root)["units"]["redo"] == [TAX]
    restored = cli(root, "returns", "restore", "--period", "2021-07", first[TAX])
    assert restored.exit_code == 0, restored.output
    figures = status(root)
    assert figures["units"]["redo"] == [] and TAX in figures["units"]["returned"]
    assert figures["units"]["sent_back"] == {}
    actions = [r["action"] for r in read_records(ws.paths.corrections(JULY)).records]
    assert actions == ["reject", "withdraw", "restore"]


def test_sent_back_twice_the_last_resubmission_keeps_the_first_submissions_time(ledger, tmp_path):
    root, first = ledger
    ws = load_workspace(root)
    reject_return(ws, JULY, first[FINANCE], WHY[FINANCE], now=at(2021, 8, 4, 10))  # window to Monday 9 August
    second = send(root, JULY, FINANCE, at(2021, 8, 9, 10), tmp_path, "财政局重报.xlsx")
    reject_return(ws, JULY, second, "盖章页缺失", now=at(2021, 8, 9, 12))  # window to Thursday 12 August
    assert status(root)["units"]["sent_back"][FINANCE] == "盖章页缺失"
    third = send(root, JULY, FINANCE, at(2021, 8, 12, 16), tmp_path, "财政局再次重报.xlsx")
    figures = status(root)
    assert FINANCE not in figures["units"]["late"] and FINANCE in figures["units"]["returned"]
    merged = {r.file: r.state for r in open_round(ws, JULY).merge().returns}
    assert (merged[first[FINANCE]], merged[second], merged[third]) == ("rejected", "rejected", "merged")


def test_a_late_reject_keeps_the_later_rounds_built_on_it_and_reopens_from_the_next(tmp_path):
    """April's return said T-1 已完成 and May went out without it; April's return sent back in June changes April
    and the rounds rendered after the 退回, never May: May re-run gives the same figures, and re-rendering May
    is no revision."""
    root = make_workspace(tmp_path / "ws", [HEADER, *ROWS])
    april, may, june = Period(2021, 4), Period(2021, 5), Period(2021, 6)
    done = {"T-1": {"完成状态": "已完成", "本月进展": "已清理完毕", "完成时间": "2021-04-28"}}
    returned = {}
    for period in (april, may):
        open_round(load_workspace(root), period).render()
        outbox = root / "build" / str(period) / "outbox"
        for unit in (FINANCE, TAX):
            typed = answers(unit, period)
            if unit == FINANCE:
                typed = {**typed, **done} if period == april else {"T-3": typed["T-3"]}
            path = fill_return(outbox / f"{unit}.xlsx", tmp_path / str(period) / f"{unit}.xlsx", typed)
            received = at(2021, period.end.month + 1, 2, 10)
            [stored] = collect_returns(load_workspace(root).paths, period, [path], received=received).stored
            returned[period, unit] = stored.file
    before = status(root, "2021-05")
    assert before["done"] == 1 and "T-1" not in json.dumps(before["reporting"])

    reject_return(load_workspace(root), april, returned[april, FINANCE], "完成佐证不足", now=at(2021, 6, 8, 10))

    after = status(root, "2021-05")
    assert (after["done"], after["lights"]) == (before["done"], before["lights"])
    assert status(root, "2021-04")["units"]["redo"] == [FINANCE]
    assert status(root, "2021-H1")["done_in"] == {"T-1": "2021-04"}  # the year's view rests on May as sent
    assert open_round(load_workspace(root), may).render().files  # what May was sent with stands: no revision asked
    opened = open_round(load_workspace(root), june)
    assert not opened.history.is_closed(opened.tasks[0])  # reopened from the first round rendered after the 退回
    assert "T-1" not in opened.history.closed_in  # not done in April any more, for a close (销号) from June on
    opened.render()
    book = openpyxl.load_workbook(root / "build" / "2021-06" / "outbox" / f"{FINANCE}.xlsx")
    assert [row[0] for row in book["牵头任务"].iter_rows(min_row=3, values_only=True) if row[0]] == ["T-1", "T-3"]
