"""机构改革 as the trial met it, on a ledger of four rounds: a unit renamed after the round went out in its old
name, a unit merged into another with both returns of the round in, earlier rounds re-run, the units file open
in another program, and the changes listed."""

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from ledger import load_workspace
from ledger.cli import main
from ledger.collect import collect_returns
from ledger.faults import ENV_CRASH_AT
from ledger.model import Period
from ledger.rounds import open_round

from .conftest import fill_return, make_workspace

BEIJING = ZoneInfo("Asia/Shanghai")
AUGUST = Period.parse("2021-08")
ENV, NEW_ENV = "市生态环境局示范分局", "示范区生态环境局"
FINANCE, TAX = "示范区财政局", "示范区税务局"
HEADER = ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"]
ROWS = [
    ["1", "开展扬尘污染专项整治。", "年底前", "市生态环境局示范分局", ""],
    ["2", "完成重点企业排查。", "2021年9月30日", "市生态环境局示范分局", ""],
    ["3", "清理规范涉企收费项目。", "年底前", "区财政局", ""],
    ["4", "推行电子发票全覆盖。", "年底前", "区税务局", "区财政局"],
]


def answers(period):
    """What each unit types in a round: T-2 finished in June, the rest in progress, words of the round."""
    return {
        ENV: {"T-1": {"完成状态": "序时推进", "本月进展": f"{period}整治工地"}, "T-2": {"完成状态": "已完成"}},
        FINANCE: {"T-3": {"完成状态": "序时推进", "本月进展": f"{period}清理收费"}},
        TAX: {"T-4": {"完成状态": "序时推进", "本月进展": f"{period}推行电子发票"}},
    }


def received(period):
    """Returns come in on the 2nd of the next month, at ten."""
    day = Period.parse(period).next().start.replace(day=2)
    return datetime(day.year, day.month, day.day, 10, tzinfo=BEIJING)


def mailed(workbook, sender, period, folder):
    """The workbook as the unit mails it back."""
    msg = EmailMessage()
    msg["From"] = f"联络员 <{sender}>"
    msg["To"] = "office@example.cn"
    msg["Subject"] = "报送进展"
    msg["Date"] = received(period).strftime("%a, %d %b %Y %H:%M:%S %z")
    msg["Message-ID"] = f"<{period}.{hashlib.sha256(workbook.stem.encode()).hexdigest()[:12]}@example.cn>"
    msg.set_content("请查收。")
    msg.add_attachment(workbook.read_bytes(), maintype="application", subtype="octet-stream", filename=workbook.name)
    path = folder / f"{workbook.stem}.eml"
    path.write_bytes(bytes(msg))
    return path


# the tax office has no address: its returns are brought by hand; the renamed unit mails from the old address
SENDERS = {ENV: "sthj@example.cn", NEW_ENV: "sthj@example.cn", FINANCE: "czj@example.cn"}


def render(root, period):
    return open_round(load_workspace(root), period).render()


def collect(root, period, tmp_path, units):
    """Each unit fills the workbook it was sent (in the name it was sent to) and mails it back from its address."""
    outbox = root / "build" / period / "outbox"
    folder = tmp_path / "mail" / period
    folder.mkdir(parents=True, exist_ok=True)
    typed = answers(period)
    files = []
    for unit in units:
        sent_to = next(p for p in outbox.glob("*.xlsx") if p.stem == unit)
        filled = fill_return(sent_to, folder / f"{unit}.xlsx", typed[unit] if unit in typed else typed[ENV])
        if unit not in SENDERS:  # brought on a USB stick on the 2nd: the file's time is when it was saved
            stamp = received(period).timestamp()
            os.utime(filled, (stamp, stamp))
        files.append(mailed(filled, SENDERS[unit], period, folder) if unit in SENDERS else filled)
    collect_returns(load_workspace(root).paths, Period.parse(period), files)


def cli(root, *args):
    return CliRunner().invoke(main, [*args, "--workspace", str(root)])


@pytest.fixture
def ledger(tmp_path):
    root = make_workspace(tmp_path / "ws", [HEADER, *ROWS])
    render(root, "2021-06")
    collect(root, "2021-06", tmp_path, [ENV, FINANCE, TAX])
    return root


def merged_json(root, period):
    opened = open_round(load_workspace(root), period)
    opened.write_merge()
    return (root / "build" / period / "merged.json").read_bytes()


def units_file(root):
    book = openpyxl.load_workbook(root / "source" / "units.xlsx")
    rows = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_a_unit_renamed_after_its_round_went_out_keeps_its_returns_prefill_and_finished_tasks(ledger, tmp_path):
    june = merged_json(ledger, "2021-06")
    render(ledger, "2021-07")  # July goes out in the old name
    renamed = cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07", "--why", "机构改革方案")
    assert renamed.exit_code == 0, renamed.output
    row = next(u for u in units_file(ledger) if u["单位全称"] == NEW_ENV)
    assert (row["曾用名"], row["电子邮箱"]) == (ENV, "sthj@example.cn;sthj2@example.cn")

    collect(ledger, "2021-07", tmp_path, [ENV, FINANCE, TAX])  # the old name's workbook, from the old address
    ws = load_workspace(ledger)
    july = open_round(ws, "2021-07")
    result = july.merge()
    assert [(r.unit, r.state) for r in result.returns if r.file.startswith(ENV)] == [(NEW_ENV, "merged")]
    assert [(e.task_id, e.unit, e.progress) for e in result.entries if e.task_id == "T-1"] == [
        ("T-1", NEW_ENV, "2021-07整治工地")
    ]
    assert ("return-unit-succeeded", NEW_ENV) in [(p.code, p.unit) for p in result.problems]
    units = july.status()["units"]
    assert (NEW_ENV in units["returned"], units["missing"], units["held"]) == (True, [], [])

    # August: the successor's workbook, prefilled with July's answer; T-2, finished in June, is not sent again
    august = render(ledger, "2021-08")
    book = openpyxl.load_workbook(august.outbox / f"{NEW_ENV}.xlsx")
    rows = {r[0]: r for r in book["牵头任务"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert set(rows) == {"T-1"}
    assert "2021-07整治工地" in rows["T-1"]
    assert not (august.outbox / f"{ENV}.xlsx").exists()

    # June, re-run after the rename, says what it said then, in the names of its time
    assert merged_json(ledger, "2021-06") == june
    june_report = open_round(load_workspace(ledger), "2021-06").report()
    assert june_report.summary()["units"]["returned"].count(ENV) == 1


def test_two_merged_units_returns_in_the_same_round_are_both_counted(ledger, tmp_path):
    render(ledger, "2021-07")
    merged = cli(ledger, "units", "merge", TAX, "--into", FINANCE, "--from", "2021-07")
    assert merged.exit_code == 0, merged.output
    assert [u["单位全称"] for u in units_file(ledger)].count(TAX) == 0
    collect(ledger, "2021-07", tmp_path, [ENV, FINANCE, TAX])

    result = open_round(load_workspace(ledger), "2021-07").merge()
    assert {(r.file, r.unit, r.state) for r in result.returns if r.unit == FINANCE} == {
        (f"{FINANCE}.xlsx", FINANCE, "merged"),
        (f"{TAX}.xlsx", FINANCE, "merged"),
    }
    assert [(e.task_id, e.unit, e.role) for e in result.entries if e.role == "lead" and e.unit == FINANCE] == [
        ("T-3", FINANCE, "lead"),
        ("T-4", FINANCE, "lead"),
    ]
    assert "return-superseded" not in [p.code for p in result.problems]
    assert [u for u in result.unmerged if u.unit == FINANCE] == []

    # August: 财政局 leads T-4 now, prefilled with the tax office's July answer; no workbook for the tax office
    august = render(ledger, "2021-08")
    book = openpyxl.load_workbook(august.outbox / f"{FINANCE}.xlsx")
    rows = {r[0]: r for r in book["牵头任务"].iter_rows(min_row=3, values_only=True) if r[0]}
    assert set(rows) == {"T-3", "T-4"}
    assert "2021-07推行电子发票" in rows["T-4"]
    assert not (august.outbox / f"{TAX}.xlsx").exists()


def test_units_merged_into_a_new_unit_make_one_row_with_both_names_and_addresses(ledger, tmp_path):
    render(ledger, "2021-07")
    merged = cli(ledger, "units", "merge", ENV, TAX, "--into", "示范区综合执法局", "--from", "2021-07")
    assert merged.exit_code == 0, merged.output
    rows = [(u["单位全称"], u["曾用名"], u["电子邮箱"]) for u in units_file(ledger) if u["曾用名"]]
    assert rows == [("示范区综合执法局", f"{ENV}、{TAX}", "sthj@example.cn;sthj2@example.cn")]
    collect(ledger, "2021-07", tmp_path, [ENV, FINANCE, TAX])
    result = open_round(load_workspace(ledger), "2021-07").merge()
    assert sorted(r.unit for r in result.returns) == sorted([FINANCE, "示范区综合执法局", "示范区综合执法局"])
    assert {r.state for r in result.returns} == {"merged"}
    june = open_round(load_workspace(ledger), "2021-06")
    assert {u.name for u in june.ws.units.values()} >= {ENV, TAX}
    assert "示范区综合执法局" not in june.ws.units


def test_earlier_rounds_keep_their_cache_and_a_rename_back_undoes_it(ledger, tmp_path):
    for period in ("2021-07", "2021-08"):
        render(ledger, period)
        collect(ledger, period, tmp_path, [ENV, FINANCE, TAX])
    assert len(open_round(load_workspace(ledger), "2021-09").history.rounds) == 3  # every round cached
    assert cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-08").exit_code == 0

    history = open_round(load_workspace(ledger), "2021-09").history
    # the rounds before the change come from the cache; the round from which it applies is merged again
    assert (history.reused, history.computed) == ([Period.parse("2021-06"), Period.parse("2021-07")], [AUGUST])
    assert history.answers_of("T-1", NEW_ENV)["本月进展"] == "2021-08整治工地"

    # renamed back from September: the fourth round goes out in the old name again, prefilled all the same
    back = cli(ledger, "units", "rename", NEW_ENV, ENV, "--from", "2021-09", "--why", "改回原名")
    assert back.exit_code == 0, back.output
    september = render(ledger, "2021-09")
    assert sorted(p.stem for p in september.outbox.glob("*.xlsx")) == sorted([ENV, FINANCE, TAX])
    book = openpyxl.load_workbook(september.outbox / f"{ENV}.xlsx")
    assert "2021-08整治工地" in next(r for r in book["牵头任务"].iter_rows(min_row=3, values_only=True) if r[0])
    collect(ledger, "2021-09", tmp_path, [ENV, FINANCE, TAX])
    assert {r.unit for r in open_round(load_workspace(ledger), "2021-09").merge().returns} == {ENV, FINANCE, TAX}
    assert {r.unit for r in open_round(load_workspace(ledger), "2021-08").merge().returns} == {NEW_ENV, FINANCE, TAX}

    logged = json.loads(cli(ledger, "units", "log", "--json").output)
    assert [(c["action"], c["old"], c["new"], c["from"], c["why"]) for c in logged] == [
        ("rename", [ENV], NEW_ENV, "2021-08", ""),
        ("rename", [NEW_ENV], ENV, "2021-09", "改回原名"),
    ]
    assert all(c["by"] and c["at"] for c in logged)
    listed = cli(ledger, "units", "log").output
    assert ("更名" in listed, "2021年8月" in listed, "改回原名" in listed) == (True, True, True)


def test_a_return_without_metadata_from_the_old_units_address_is_the_successors(ledger, tmp_path):
    july = render(ledger, "2021-07")
    assert cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07").exit_code == 0
    sheet = openpyxl.load_workbook(july.outbox / f"{ENV}.xlsx")["牵头任务"]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    for row in rows[2:]:
        if row[0] == "T-1":
            row[rows[1].index("完成状态")], row[rows[1].index("本月进展")] = "序时推进", "导出的进展"
    export = tmp_path / "7月进展.csv"  # saved as CSV: no hidden metadata, a name that names nobody
    export.write_text("\r\n".join(",".join(row) for row in rows), encoding="utf-8-sig")
    collect_returns(
        load_workspace(ledger).paths, Period.parse("2021-07"), [mailed(export, SENDERS[ENV], "2021-07", tmp_path)]
    )
    result = open_round(load_workspace(ledger), "2021-07").merge()
    assert [(r.unit, r.state) for r in result.returns] == [(NEW_ENV, "merged")]
    assert [(p.code, p.unit, p.values["how"]) for p in result.problems if p.code == "return-no-metadata"] == [
        ("return-no-metadata", NEW_ENV, "发件邮箱")
    ]
    assert [(e.unit, e.progress) for e in result.entries if e.task_id == "T-1"] == [(NEW_ENV, "导出的进展")]


def test_a_workbook_sent_in_the_old_name_is_mailed_and_reminded_to_the_successor(ledger):
    render(ledger, "2021-07")
    assert cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07").exit_code == 0
    july = open_round(load_workspace(ledger), "2021-07")
    for messages, no_address in (july.workbook_mail([NEW_ENV]), july.reminder_mail()):
        sent = [(m.unit, m.recipients, m.attachment.name if m.attachment else None) for m in messages]
        assert (NEW_ENV, ["sthj@example.cn", "sthj2@example.cn"], f"{ENV}.xlsx") in sent
        assert ENV not in no_address


def test_round_over_round_and_the_years_view_follow_the_successor(ledger, tmp_path):
    render(ledger, "2021-07")
    collect(ledger, "2021-07", tmp_path, [ENV, FINANCE, TAX])
    assert cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-08").exit_code == 0
    assert cli(ledger, "units", "merge", TAX, "--into", FINANCE, "--from", "2021-08").exit_code == 0
    render(ledger, "2021-08")
    collect(ledger, "2021-08", tmp_path, [NEW_ENV, FINANCE])

    august = open_round(load_workspace(ledger), "2021-08").report().summary()
    assert (august["units"]["returned"], august["units"]["missing"]) == ([FINANCE, NEW_ENV], [])
    assert (august["reporting_better"], august["reporting_worse"]) == ([], [])  # on time before and after

    year = open_round(load_workspace(ledger), "2021").report()
    assert [(u.unit, u.rounds_due, u.returned) for u in year.units] == [(NEW_ENV, 3, 3), (FINANCE, 3, 3)]


@pytest.mark.parametrize("lock", [".~lock.units.xlsx#", "~$units.xlsx"])
def test_the_units_file_open_in_another_program_is_left_alone_and_nothing_is_recorded(ledger, lock):
    units = ledger / "source" / "units.xlsx"
    before = units.read_bytes()
    (units.parent / lock).write_text("locked", encoding="utf-8")
    refused = cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07")
    assert refused.exit_code == 1
    assert "units-file-open" in refused.output
    assert units.read_bytes() == before
    assert not (ledger / "source" / "unit-changes.jsonl").exists()
    assert [p.name for p in units.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_change_is_refused_when_its_names_or_round_do_not_fit(ledger):
    def code(*args):
        result = cli(ledger, "units", *args)
        assert result.exit_code != 0
        return next(
            c
            for c in (
                "unit-change-unknown",
                "unit-name-taken",
                "unit-change-future",
                "unit-change-same",
                "unit-change-order",
                "period-wrong-kind",
            )
            if c in result.output
        )

    assert code("rename", "不存在的局", NEW_ENV, "--from", "2021-07") == "unit-change-unknown"
    assert code("rename", ENV, FINANCE, "--from", "2021-07") == "unit-name-taken"
    assert code("rename", ENV, NEW_ENV, "--from", "2021-09") == "unit-change-future"
    assert code("merge", TAX, "--into", TAX, "--from", "2021-07") == "unit-change-same"
    assert code("rename", ENV, NEW_ENV, "--from", "2021") == "period-wrong-kind"
    assert cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07").exit_code == 0
    assert code("rename", NEW_ENV, "示范区环境局", "--from", "2021-06") == "unit-change-order"
    again = cli(ledger, "render", "--period", "2021-06")  # June's list names today's units, June those of its time
    assert (again.exit_code, "render-before-unit-change" in again.output) == (1, True)


def ledger_process(root, *args, crash=None):
    env = {k: v for k, v in os.environ.items() if k != ENV_CRASH_AT}
    if crash:
        env[ENV_CRASH_AT] = crash
    command = [sys.executable, "-m", "ledger", *args, "--workspace", str(root)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_a_kill_between_the_units_file_and_its_record_loses_nothing_and_records_nothing_twice(ledger):
    units = ledger / "source" / "units.xlsx"
    record = ledger / "source" / "unit-changes.jsonl"
    before = units.read_bytes()
    killed = ledger_process(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07", crash=f"write:{units.name}")
    assert killed.returncode == -signal.SIGKILL
    assert (units.read_bytes(), record.exists()) == (before, False)  # killed before the rename: nothing changed
    assert json.loads(ledger_process(ledger, "units", "log", "--json").stdout) == []

    killed = ledger_process(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07", crash="units:record")
    assert killed.returncode == -signal.SIGKILL
    assert units.read_bytes() != before and not record.exists()  # the file is in place, the record not yet
    # every command sees the change as made, and the next change appends it before its own
    logged = json.loads(ledger_process(ledger, "units", "log", "--json").stdout)
    assert [(c["old"], c["new"]) for c in logged] == [([ENV], NEW_ENV)]
    assert {r.unit for r in open_round(load_workspace(ledger), "2021-06").merge().returns} == {ENV, FINANCE, TAX}
    finished = ledger_process(ledger, "units", "merge", TAX, "--into", FINANCE, "--from", "2021-07")
    assert finished.returncode == 0, finished.stderr
    assert [(c["old"], c["new"]) for c in map(json.loads, record.read_text(encoding="utf-8").splitlines())] == [
        ([ENV], NEW_ENV),
        ([TAX], FINANCE),
    ]
    assert sorted(p.name for p in units.parent.iterdir() if p.is_file()) == ["unit-changes.jsonl", "units.xlsx"]


def test_a_change_from_a_round_years_before_the_ledger_is_said(ledger):
    """2012-07 typed for 2021-07 renames the unit in every round the ledger ever had: said as --period is."""
    result = cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2012-07", "--why", "机构改革方案")
    assert result.exit_code == 0 and "period-far" in result.output, result.output


def test_before_anything_was_sent_a_change_applies_from_the_ledgers_first_round(tmp_path):
    root = make_workspace(tmp_path / "new", [HEADER, *ROWS])
    later = cli(root, "units", "rename", ENV, NEW_ENV, "--from", "2021-02")
    assert (later.exit_code, "unit-change-future" in later.output) == (1, True)
    assert cli(root, "units", "rename", ENV, NEW_ENV, "--from", "2021-01").exit_code == 0
    assert {u for t in load_workspace(root).tasks for u in t.lead_units} == {NEW_ENV, FINANCE, TAX}
    assert sorted(p.stem for p in render(root, "2021-06").outbox.glob("*.xlsx")) == sorted([NEW_ENV, FINANCE, TAX])


def indicator_lines(root, period):
    """Each indicator line of a round's report: who leads it, what it reads, its light and last value."""
    report = open_round(load_workspace(root), period).report(issued=Period.parse(period).next().start)
    return [(i.indicator.id, i.lead, i.value_text, i.light, i.last, i.last_round) for i in report.indicators.lines]


def test_a_past_rounds_indicators_keep_their_leads_and_the_next_round_credits_the_successor(tmp_path):
    """June and July reported on the indicators; 东街道 renamed and the environment office merged into the
    development office from August: June and July say what they said, August asks and credits the successors."""
    from .test_indicator_table import TYPED
    from .test_indicators import indicator_workspace

    root = tmp_path / "ws"
    indicator_workspace(root)
    for period in ("2021-06", "2021-07"):
        ws = load_workspace(root)
        opened = open_round(ws, period)
        opened.render()
        files = [
            fill_return(ws.paths.workbook(opened.period, unit), tmp_path / period / f"{unit}.xlsx", typed, "指标")
            for unit, typed in TYPED[period].items()
        ]
        collect_returns(ws.paths, opened.period, files)
    before = {
        p: (cli(root, "status", "--period", p, "--json").output, indicator_lines(root, p))
        for p in ("2021-06", "2021-07")
    }
    merged = {p: merged_json(root, p) for p in before}

    assert cli(root, "units", "rename", "东街道", "东城街道", "--from", "2021-08").exit_code == 0
    assert cli(root, "units", "merge", ENV, "--into", "示范区发展改革局", "--from", "2021-08").exit_code == 0
    for period, said in before.items():  # re-run after the changes: merged, then status and report
        assert merged_json(root, period) == merged[period]
        assert (cli(root, "status", "--period", period, "--json").output, indicator_lines(root, period)) == said
    june_units = json.loads(before["2021-06"][0])["units"]
    assert "东街道" in june_units["returned"] and "东城街道" not in [*june_units["returned"], *june_units["missing"]]

    august = render(root, "2021-08")
    assert {f.unit: f.indicators for f in august.files if f.indicators} == {
        "示范区发展改革局": ["ZB-1", "ZB-2"],
        "示范区财政局": ["ZB-1"],
        "东城街道": ["ZB-3"],
        "西街道": ["ZB-4"],
    }
    lines = {line[0]: line for line in indicator_lines(root, "2021-08")}
    # nothing returned yet: each successor is the lead, and July's value of the old unit is its 上期
    assert lines["ZB-2"][:2] == ("ZB-2", "示范区发展改革局") and lines["ZB-2"][4:] == ("46μg/m³", "2021-07")
    assert lines["ZB-3"][:2] == ("ZB-3", "东城街道") and lines["ZB-3"][4:] == ("400亩", "2021-07")
    expected = json.loads(cli(root, "status", "--period", "2021-08", "--json").output)["units"]["missing"]
    assert "东城街道" in expected and "东街道" not in expected and ENV not in expected


def test_a_new_name_the_units_file_could_not_read_back_is_refused_before_anything_is_written(ledger):
    """A blank name would empty the successor's name cell and stop every later command, the undo too; "=" would
    make it a formula; a separator or a group word would make it several units."""
    units, record = ledger / "source" / "units.xlsx", ledger / "source" / "unit-changes.jsonl"
    before = units.read_bytes()
    bad = ["   ", "=SUM(A1)", "+示范区", "-示范区", "@示范区", "示范区、环境局", "示范区；环境局", "示范区，环境局"]
    bad += ["示范区 环境局", "街道", "各街道", "示例：示范区环境局"]

    def refused(name, action, *args):
        result = CliRunner().invoke(main, ["units", action, "--workspace", str(ledger), "--from", "2021-07", *args])
        assert result.exit_code == 1
        return name, re.findall(r"（([a-z-]+)）", result.output)[0]

    renamed = [refused(name, "rename", "--", ENV, name) for name in bad]  # "--": "-示范区" is no option
    merged = [refused(name, "merge", "--into", name, "--", ENV, TAX) for name in bad]
    assert renamed == merged == [(name, "unit-name-invalid") for name in bad]
    assert units.read_bytes() == before
    assert not record.exists() and [p.name for p in units.parent.iterdir() if p.name.startswith(".")] == []
    assert cli(ledger, "units", "rename", ENV, NEW_ENV, "--from", "2021-07").exit_code == 0  # nothing stuck


def test_names_written_to_the_units_file_stay_text(ledger):
    """A 曾用名 the office typed as text with a leading "=" keeps being text when the rename rewrites the cell."""
    path = ledger / "source" / "units.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == TAX)
    sheet.cell(1, sheet.max_column + 1).value = "曾用名"
    sheet.cell(row, sheet.max_column).value = "=示范区国税局"
    sheet.cell(row, sheet.max_column).data_type = "s"
    book.save(path)
    assert cli(ledger, "units", "rename", TAX, "示范区税务总局", "--from", "2021-07").exit_code == 0
    sheet = openpyxl.load_workbook(path).worksheets[0]
    written = [
        (c.value, c.data_type) for c in sheet[row] if c.value in ("示范区税务总局", "=示范区国税局、示范区税务局")
    ]
    assert written == [("示范区税务总局", "s"), ("=示范区国税局、示范区税务局", "s")]
    assert load_workspace(ledger).registry.lookup("=示范区国税局") == "示范区税务总局"


def test_co_leads_merged_into_one_leave_their_task_open_until_it_says_done(tmp_path):
    """T-5 and T-6 are led by 财政局 and 税务局 together: in June 财政局 finished its part of T-5 and 税务局 not,
    and 税务局 finished its part of T-6 while 财政局 said nothing. 税务局 is merged into 财政局 from July: neither
    task is done, so July asks 财政局 both without 已完成 prefilled, and a July without 财政局's return closes
    neither."""
    rows = [
        ["5", "推进预算一体化。", "年底前", "区财政局、区税务局", ""],
        ["6", "推进票据电子化。", "年底前", "区财政局、区税务局", ""],
        ["7", "开展扬尘污染专项整治。", "年底前", "市生态环境局示范分局", ""],
    ]
    root = make_workspace(tmp_path / "ws", [HEADER, *rows])
    typed = {
        FINANCE: {"T-5": {"完成状态": "已完成", "本月进展": "本局部分已完成"}},
        TAX: {"T-5": {"完成状态": "序时推进"}, "T-6": {"完成状态": "已完成", "本月进展": "本局部分已完成"}},
    }

    def returned(period, units):
        typed[ENV] = {"T-7": {"完成状态": "序时推进", "本月进展": f"{period}整治工地"}}
        outbox = render(root, period).outbox
        files = [fill_return(outbox / f"{u}.xlsx", tmp_path / period / f"{u}.xlsx", typed[u]) for u in units]
        collect_returns(load_workspace(root).paths, Period.parse(period), files, received=received(period))
        return outbox

    returned("2021-06", typed)
    merged = cli(root, "units", "merge", TAX, "--into", FINANCE, "--from", "2021-07")
    assert merged.exit_code == 0, merged.output
    book = openpyxl.load_workbook(returned("2021-07", [ENV]) / f"{FINANCE}.xlsx")  # 财政局 sends nothing
    header = [c.value for c in book["牵头任务"][2]]
    prefilled = {
        r[0]: r[header.index("完成状态")] for r in book["牵头任务"].iter_rows(min_row=3, values_only=True) if r[0]
    }
    assert prefilled == {"T-5": None, "T-6": None}
    august = open_round(load_workspace(root), "2021-08").history
    assert august.closed == frozenset()
    assert august.previous_status == {"T-5": "未报送", "T-6": "未报送", "T-7": "序时推进"}
