"""The whole monthly cycle on the shipped example, and every figure checked in all three outputs.

Expectations are computed here from the merged entries with the rules as the README states them, not with
the code under test.
"""

import json
import re
import subprocess
from collections import Counter
from datetime import date

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from ledger import load_workspace
from ledger.cli import main
from ledger.collect import collect_returns
from ledger.deadlines import add_working_days, parse_deadline
from ledger.history import build_history
from ledger.master import write_merge
from ledger.merge import merge_period
from ledger.model import Period, Task
from ledger.outbox import read_manifest
from ledger.publish import write_report
from ledger.render import render_period
from ledger.report import build_report, light_of
from ledger.samples import make_sample_returns
from ledger.statuses import consolidate

from .conftest import copy_example, libreoffice_pdf, require_binary

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
    report = build_report(ws, period, merged, history)
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
    lead_status = {(e.task_id, e.unit): e.status for e in merged.entries if e.role == "lead"}
    lights, statuses = {}, {}
    for task in ws.tasks:
        if task.lead_units and all(before.get((task.id, u)) == "已完成" for u in task.lead_units):
            status = "已完成"
        else:
            given = [lead_status.get((task.id, u), "") for u in task.lead_units]
            if not given or any(s not in STATUSES for s in given):
                status = "未报送"
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
        elif (due and due < as_of) or status == "未报送":
            light = "red"
        elif (
            status == "滞后"
            or (due and due <= soon)
            or (status == "未启动" and (task.deadline.start is None or task.deadline.start <= as_of))
        ):
            light = "yellow"
        else:
            light = "green"
        lights[task.id], statuses[task.id] = light, status
    overdue = [t.id for t in ws.tasks if t.deadline.due and t.deadline.due < as_of and statuses[t.id] != "已完成"]
    returned = {r.unit for r in merged.returns if r.state == "merged"}
    deadline = period.return_deadline(ws.config.report_due_day)
    late = {r.unit for r in merged.returns if r.state == "merged" and date.fromisoformat(r.received_at[:10]) > deadline}
    return lights, statuses, overdue, returned, late


def test_the_cycle_produces_all_three_outputs(cycle):
    _, merged, report, paths = cycle
    assert [p.name for p in paths] == ["汇总台账.xlsx", "report.html", "通报.docx"]
    assert all(p.stat().st_size > 1000 for p in paths)
    s = merged.stats
    assert s["rejected"] >= 1 and s["superseded"] >= 1 and s["errors"] >= 1  # some units made mistakes
    assert report.missing_units and report.late_units  # some were silent, some late


def test_summary_matches_independent_expectations(cycle):
    ws, merged, report, _ = cycle
    lights, statuses, overdue, returned, late = expected_figures(ws, merged, JUNE)
    summary = report.summary()
    assert summary["lights"] == {k: Counter(lights.values())[k] for k in ("green", "yellow", "red")}
    assert summary["done"] == sum(s == "已完成" for s in statuses.values())
    assert sorted(summary["overdue"]) == sorted(overdue)
    assert set(summary["units"]["returned"]) == returned
    assert set(summary["units"]["late"]) == late
    expected_units = {u for t in ws.tasks for u in (*t.lead_units, *t.support_units)}
    assert set(summary["units"]["missing"]) == expected_units - returned
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
    assert overview["已完成"] == sum(s == "已完成" for s in statuses.values())
    assert overview["未报送单位"] == len(report.missing_units)
    names = {"绿灯": "green", "黄灯": "yellow", "红灯": "red"}
    ledger_rows = {r[0]: names[r[7]] for r in book["汇总台账"].iter_rows(min_row=3, values_only=True)}
    assert ledger_rows == lights
    assert book["汇总台账"]["A3"].fill.fgColor.rgb[-6:] in ("C6EFCE", "FFEB9C", "FFC7CE")
    assert len(book["概况"]._charts) == 1 and len(book["单位统计"]._charts) == 1
    missing = [r[0] for r in book["未报送单位"].iter_rows(min_row=3, values_only=True)]
    assert set(missing) == {u.unit for u in report.missing_units}


def test_word_bulletin(cycle):
    ws, merged, report, paths = cycle
    lights, statuses, overdue, _, _ = expected_figures(ws, merged, JUNE)
    document = docx.Document(str(paths[2]))
    text = "\n".join(p.text for p in document.paragraphs)
    counts = Counter(lights.values())
    assert f"全部 {len(ws.tasks)} 项任务中，已完成 {sum(s == '已完成' for s in statuses.values())} 项" in text
    assert f"绿灯 {counts['green']} 项，黄灯 {counts['yellow']} 项，红灯 {counts['red']} 项" in text
    for unit in report.missing_units:
        assert unit.unit in text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["任务编号", "具体措施", "完成时限", "牵头单位", "状态"]
    assert sorted(row.cells[0].text for row in table.rows[1:]) == sorted(overdue)
    title = document.paragraphs[0].runs[0]
    assert (
        title.font.size.pt == 22
        and title._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "方正小标宋简体"
    )
    body = document.paragraphs[3].runs[0]
    assert body.font.size.pt == 16 and body.font.name == "仿宋_GB2312"
    import zipfile

    fonts = zipfile.ZipFile(paths[2]).read("word/fontTable.xml").decode()
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts  # where the font is missing
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts


def test_word_bulletin_opens_in_libreoffice(cycle, tmp_path):
    *_, paths = cycle
    assert libreoffice_pdf(paths[2], tmp_path).stat().st_size > 5_000


def chromium_dom(path, fragment="", screenshot=None):
    binary = require_binary("chromium")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={path.parent / '.chromium'}",
    ]
    url = path.as_uri() + fragment
    if screenshot:
        subprocess.run(
            [binary, *flags, "--window-size=1400,1600", f"--screenshot={screenshot}", url],
            capture_output=True,
            timeout=120,
            check=True,
        )
    run = subprocess.run([binary, *flags, "--dump-dom", url], capture_output=True, timeout=120, check=True, text=True)
    return run.stdout


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
    assert [text_of(dom, f"count-{k}") for k in ("green", "yellow", "red")] == [
        str(counts["green"]),
        str(counts["yellow"]),
        str(counts["red"]),
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
    assert text_of(red, "visible-count") == str(Counter(lights.values())["red"])
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
        if t.deadline.due and date(2021, 6, 30) <= t.deadline.due < date(2021, 7, 31) and july_status[t.id] != "已完成"
    }
    changed = {t.task.id for t in july.changed}
    assert changed and all(june_status[i] != july_status[i] for i in changed)
    assert carried and all(july_status[i] == "已完成" for i in carried)


@pytest.mark.parametrize(
    ("deadline", "status", "light"),
    [
        ("2021 年 4 月底前", "序时推进", "red"),
        ("2021 年 4 月底前", "已完成", "green"),
        ("2021 年年底前", "未报送", "red"),
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
        (["基本完成"], "未报送"),
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
    report = runner.invoke(main, ["report", "-w", str(ws.root), "-p", "2021-06"])
    assert report.exit_code == 0 and "通报.docx" in report.output


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
