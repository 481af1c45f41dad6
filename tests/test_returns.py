"""A real office's month of returns: the office's clock, corrections without deleting, the right return winning,
returns saved by LibreOffice (through its own UNO API) as .xlsx, .ods and .csv, scans, and nothing lost."""

import json
import os
import re
import shutil
import socket
import subprocess
import zipfile
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from click.testing import CliRunner

from ledger import load_workspace, open_round
from ledger.cli import main
from ledger.collect import collect_returns, read_receipts
from ledger.mail import reminder_messages
from ledger.merge import merge_period
from ledger.model import Period
from ledger.outbox import read_manifest
from ledger.problems import ProblemError
from ledger.read import read_return
from ledger.returns import assign_unit, list_returns, restore_return, set_received, withdraw_return

from .conftest import GOOD, fill_return, outbox, require_binary

JUNE, MAY = Period(2021, 6), Period(2021, 5)
FINANCE, TAX = "钢城区财政局", "钢城区税务局"
FINANCE_MAIL = "czj@gangcheng.example.cn"
BEIJING = ZoneInfo("Asia/Shanghai")
UNO_SCRIPT = Path(__file__).with_name("uno_edit.py")
SYSTEM_PYTHON = "/usr/bin/python3"
# What the finance bureau types into its 牵头任务 sheet (cells as LibreOffice addresses them).
TYPED = {
    "G3": "序时推进",
    "H3": "已采购新能源车 12 辆",
    "G4": "已完成",
    "H4": "资金已拨付",
    "K4": "2021-06-20",
    "G5": "滞后",
    "H5": "资金到位 80%",
    "I5": "配套资金未落实",
    "H7": '=CONCATENATE("推进";"中")',  # a formula; LibreOffice saves its result in .xlsx and .ods alike
}


def run(*args):
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result


def beijing_mtime(path: Path, *when: int) -> Path:
    stamp = datetime(*when, tzinfo=BEIJING).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name != "corrections.jsonl"}


def stamp_saved(path: Path, saved: str) -> None:
    """Set a workbook's last-saved time in docProps/core.xml (openpyxl always writes the current time)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    core = parts["docProps/core.xml"].decode()
    core = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{saved}\g<2>", core)
    parts["docProps/core.xml"] = core.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def mail_with(path: Path, sender: str, date_header: str, attachments: list[Path]) -> Path:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = "报送 6 月进展"
    msg["Date"] = date_header
    msg["Message-ID"] = f"<{path.stem}@gangcheng.example.cn>"
    msg.set_content("见附件")
    for attachment in attachments:
        msg.add_attachment(
            attachment.read_bytes(), maintype="application", subtype="octet-stream", filename=attachment.name
        )
    path.write_bytes(bytes(msg))
    return path


# --- the office's clock


def test_a_file_stamped_0730_on_the_6th_in_beijing_is_late_for_due_day_5(ws_root, tmp_path):
    late = beijing_mtime(fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD), 2021, 7, 6, 7, 30)
    collected = run("collect", "-w", ws_root, "-p", "2021-06", late)
    assert collected.exit_code == 0, collected.output
    assert "收到时间：2021年7月6日7:30（按文件修改时间）" in collected.output
    assert read_receipts(ws_root / "source/returns/2021-06")[0].received_at == "2021-07-06T07:30:00+08:00"
    status = json.loads(run("status", "-w", ws_root, "-p", "2021-06", "--json").output)
    assert FINANCE in status["units"]["late"]
    # The clerk knows it came in on the 5th: corrected without collecting again, and the file is untouched.
    before = snapshot(ws_root / "source/returns/2021-06")
    corrected = run("returns", "set-received", "-w", ws_root, "-p", "2021-06", "财政局.xlsx", "2021-07-05 16:10")
    assert corrected.exit_code == 0 and "收到时间为2021年7月5日16:10。" in corrected.output
    status = json.loads(run("status", "-w", ws_root, "-p", "2021-06", "--json").output)
    assert FINANCE in status["units"]["returned"] and FINANCE not in status["units"]["late"]
    assert snapshot(ws_root / "source/returns/2021-06") == before
    listed = json.loads(run("returns", "list", "-w", ws_root, "-p", "2021-06", "--json").output)
    assert [(r["file"], r["received_at"], r["received_how"]) for r in listed] == [
        ("财政局.xlsx", "2021-07-05T16:10:00+08:00", "corrected")
    ]


def test_a_round_with_no_file_yet_says_so_instead_of_an_empty_table(ws_root):
    """ledger returns list printed a bordered table titled 2021年6月收到的文件（0个） with no row."""
    listed = run("returns", "list", "-w", ws_root, "-p", "2021-06")
    assert listed.exit_code == 0 and listed.output.strip() == "2021年6月尚未收到报送文件。"


def test_collect_received_is_the_clerks_time_in_the_office_zone(ws_root, tmp_path):
    path = beijing_mtime(fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD), 2021, 7, 9, 9, 0)
    collected = run("collect", "-w", ws_root, "-p", "2021-06", "--received", "2021-07-04 10:30", path)
    assert "收到时间：2021年7月4日10:30（按收集时指定的时间）" in collected.output
    receipt = read_receipts(ws_root / "source/returns/2021-06")[0]
    assert (receipt.received_at, receipt.received_how) == ("2021-07-04T10:30:00+08:00", "given")
    bad = run("collect", "-w", ws_root, "-p", "2021-06", "--received", "七月四日", path)
    assert bad.exit_code == 1 and "received-time-invalid" in bad.output


# --- corrections without deleting anything


def test_withdraw_and_restore_leave_every_stored_byte_in_place(ws_root, tmp_path):
    may = fill_return(outbox(ws_root, FINANCE, MAY), tmp_path / "a" / "财政局.xlsx", GOOD)
    tax = fill_return(outbox(ws_root, TAX), tmp_path / "b" / "税务局.xlsx", {"FGF-13": {"完成状态": "序时推进"}})
    collected = run("collect", "-w", ws_root, "-p", "2021-06", may, tax)
    assert "collect-other-period" in collected.output and "2021-05" in collected.output  # said at intake
    folder = ws_root / "source/returns/2021-06"
    before = snapshot(folder)
    ws = load_workspace(ws_root)
    wrong = merge_period(ws, JUNE)
    assert ("财政局.xlsx", "return-wrong-period", None) in {(p.file, p.code, p.unit) for p in wrong.problems}

    withdrawn = run(
        "returns", "withdraw", "-w", ws_root, "-p", "2021-06", "财政局.xlsx", "--why", "报告期有误，应为5月"
    )
    assert withdrawn.exit_code == 0, withdrawn.output
    result = merge_period(ws, JUNE)
    assert {(r.file, r.state, r.unit) for r in result.returns} == {
        ("财政局.xlsx", "withdrawn", FINANCE),
        ("税务局.xlsx", "merged", TAX),
    }
    assert not [p for p in result.problems if p.file == "财政局.xlsx"]  # ignored, not blamed
    assert not [u for u in result.unmerged if u.file == "财政局.xlsx"]  # not opened: the file alone keeps them
    reminded = {m.unit for m in reminder_messages(ws, read_manifest(ws.paths, JUNE), result)[0]}
    assert FINANCE in reminded  # the withdrawn file does not count as a return
    again = run("returns", "withdraw", "-w", ws_root, "-p", "2021-06", "财政局.xlsx", "--why", "再次")
    assert again.exit_code == 1 and "returns-already-withdrawn" in again.output

    assert run("returns", "restore", "-w", ws_root, "-p", "2021-06", "财政局.xlsx").exit_code == 0
    assert merge_period(ws, JUNE).problems == wrong.problems  # as before the withdrawal
    assert snapshot(folder) == before  # every stored file and the receipts, byte for byte
    actions = [json.loads(line)["action"] for line in (folder / "corrections.jsonl").read_text().splitlines()]
    assert actions == ["withdraw", "restore"]


def test_corrections_name_what_cannot_be_done(ws_root, tmp_path):
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)])
    cases = [
        (lambda: withdraw_return(ws, JUNE, "财政.xlsx", "x"), "returns-file-unknown"),
        (lambda: withdraw_return(ws, JUNE, "财政局.xlsx", "  "), "returns-why-missing"),
        (lambda: restore_return(ws, JUNE, "财政局.xlsx"), "returns-not-withdrawn"),
        (lambda: set_received(ws, JUNE, "财政局.xlsx", "7月5日下午三点"), "received-time-invalid"),
        (lambda: assign_unit(ws, JUNE, "财政局.xlsx", "财政"), "unit-option-unknown"),
    ]
    for call, code in cases:
        with pytest.raises(ProblemError) as caught:
            call()
        assert caught.value.code == code
    unknown = run("returns", "restore", "-w", ws_root, "-p", "2021-06", "财政.xlsx")
    assert unknown.exit_code == 1 and "是否是：财政局.xlsx" in unknown.output


def test_a_file_named_with_an_alias_is_that_units(ws_root, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["任务编号", "完成状态", "本月进展"])
    book.active.append(["DQ-59", "序时推进", "清洁取暖排查完成"])
    book.save(tmp_path / "钢城区发改局6月进展.xlsx")  # 发改局: the short name the units file lists
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [tmp_path / "钢城区发改局6月进展.xlsx"])
    result = merge_period(ws, JUNE)
    assert [(e.task_id, e.unit) for e in result.entries] == [("DQ-59", "钢城区发展改革局")]
    codes = [(p.code, p.unit) for p in result.problems if p.code.startswith("return-")]
    assert codes == [("return-no-metadata", "钢城区发展改革局")]


def test_an_unattributed_file_is_assigned_by_alias(ws_root, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["任务编号", "完成状态", "本月进展"])
    book.active.append(["FGF-13", "序时推进", "已完成系统对接"])
    book.save(tmp_path / "新建 Microsoft Excel 工作表.xlsx")
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [tmp_path / "新建 Microsoft Excel 工作表.xlsx"])
    assert "return-unit-unknown" in {p.code for p in merge_period(ws, JUNE).problems}
    assign_unit(ws, JUNE, "新建 Microsoft Excel 工作表.xlsx", "国家税务总局济南市钢城区税务局")  # an alias
    result = merge_period(ws, JUNE)
    assert [(e.task_id, e.unit, e.progress) for e in result.entries] == [("FGF-13", TAX, "已完成系统对接")]
    assert "return-unit-assigned" in {p.code for p in result.problems}
    assert list_returns(ws, JUNE)[0].unit == TAX


# --- intake


def test_period_auto_stores_each_workbook_under_its_own_period(ws_root, tmp_path):
    may = fill_return(outbox(ws_root, FINANCE, MAY), tmp_path / "五月.xlsx", GOOD)
    june = fill_return(outbox(ws_root, TAX), tmp_path / "六月.xlsx", {"FGF-13": {"完成状态": "序时推进"}})
    (tmp_path / "说明.docx").write_bytes(b"PK\x03\x04not a workbook")
    collected = run("collect", "-w", ws_root, "-p", "auto", may, june, tmp_path / "说明.docx")
    assert collected.exit_code == 0, collected.output
    assert "存入2021年5月" in collected.output and "collect-period-unknown" in collected.output
    assert [r.file for r in read_receipts(ws_root / "source/returns/2021-05")] == ["五月.xlsx"]
    assert [r.file for r in read_receipts(ws_root / "source/returns/2021-06")] == ["六月.xlsx"]


def test_merge_and_status_say_when_the_period_was_never_rendered_or_is_far(ws_root):
    merged = run("merge", "-w", ws_root, "-p", "2021-09")
    assert merged.exit_code == 0 and "period-not-rendered" in merged.output
    status = run("status", "-w", ws_root, "-p", "2012-06")
    assert "period-not-rendered" in status.output and "period-far" in status.output
    data = json.loads(run("merge", "-w", ws_root, "-p", "2021-06", "--json").output)
    assert data["notes"] == [] and data["unmerged"] == []


def test_a_round_sent_is_not_said_unrendered_once_build_is_deleted(ws_root):
    """build/ is derived: after it is deleted, the round's record of what was sent still says it was rendered."""
    open_round(load_workspace(ws_root), "2021-06").render()
    shutil.rmtree(ws_root / "build")
    status = json.loads(run("status", "-w", ws_root, "-p", "2021-06", "--json").output)
    assert [n["code"] for n in status["notes"]] == []


# --- the right return wins


def test_saved_time_decides_over_received_time_and_collection_order(ws_root, tmp_path):
    """Two openpyxl files whose core.xml says when each was saved; the earlier-saved one arrives later."""
    final = fill_return(outbox(ws_root, FINANCE), tmp_path / "a" / "定稿.xlsx", GOOD)
    draft = fill_return(outbox(ws_root, FINANCE), tmp_path / "b" / "草稿.xlsx", {"DQ-34": {"本月进展": "初稿"}})
    for path, saved in ((final, "2021-07-05T10:00:00Z"), (draft, "2021-07-04T10:00:00Z")):
        stamp_saved(path, saved)  # as Excel stamps docProps/core.xml on each save
    assert read_return(draft).saved_at < read_return(final).saved_at
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [final], received=datetime(2021, 7, 5, 18, 0, tzinfo=BEIJING))
    collect_returns(ws.paths, JUNE, [draft], received=datetime(2021, 7, 5, 19, 0, tzinfo=BEIJING))
    result = merge_period(ws, JUNE)
    assert [(r.file, r.state) for r in result.returns] == [("定稿.xlsx", "merged"), ("草稿.xlsx", "superseded")]
    superseded = next(p for p in result.problems if p.code == "return-superseded")
    assert "保存时间" in superseded.message


def test_when_nothing_tells_the_problem_says_so(ws_root, tmp_path):
    first = fill_return(outbox(ws_root, FINANCE), tmp_path / "b" / "一.xlsx", {"DQ-34": {"本月进展": "初稿"}})
    second = fill_return(outbox(ws_root, FINANCE), tmp_path / "a" / "二.xlsx", GOOD)
    ws = load_workspace(ws_root)
    same = datetime(2021, 7, 5, 9, 0, tzinfo=BEIJING)
    collect_returns(ws.paths, JUNE, [first, second], received=same)
    result = merge_period(ws, JUNE)
    assert {(r.file, r.state) for r in result.returns} == {("一.xlsx", "superseded"), ("二.xlsx", "merged")}
    assert [(p.file, p.code) for p in result.problems if p.code.startswith("return-")] == [
        ("一.xlsx", "return-order-undecided")
    ]


# --- scans and refused files


def test_a_scan_with_the_workbook_is_evidence_and_a_scan_alone_asks_for_the_workbook(ws_root, tmp_path):
    workbook = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    (tmp_path / "盖章扫描件.pdf").write_bytes(b"%PDF-1.4 scanned page")
    (tmp_path / "现场照片.jpg").write_bytes(b"\xff\xd8\xff\xe0 photo")
    with zipfile.ZipFile(tmp_path / "情况说明.docx", "w") as word:
        word.writestr("word/document.xml", "<w:document/>")
    (tmp_path / "钢城区税务局扫描件.pdf").write_bytes(b"%PDF-1.4 the tax bureau's scan only")
    with_workbook = mail_with(
        tmp_path / "finance.eml",
        FINANCE_MAIL,
        "Mon, 05 Jul 2021 09:30:00 +0800",
        [workbook, tmp_path / "盖章扫描件.pdf", tmp_path / "现场照片.jpg", tmp_path / "情况说明.docx"],
    )
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [with_workbook, tmp_path / "钢城区税务局扫描件.pdf"])
    result = merge_period(ws, JUNE)
    states = {(r.file, r.unit, r.state) for r in result.returns}
    assert states == {
        ("财政局.xlsx", FINANCE, "merged"),
        ("盖章扫描件.pdf", FINANCE, "evidence"),
        ("现场照片.jpg", FINANCE, "evidence"),
        ("情况说明.docx", FINANCE, "evidence"),
        ("钢城区税务局扫描件.pdf", TAX, "refused"),
    }
    assert [(p.file, p.code, p.unit) for p in result.problems if p.code.startswith("return-")] == [
        ("钢城区税务局扫描件.pdf", "return-scan-only", TAX)
    ]
    reminder = next(m for m in reminder_messages(ws, read_manifest(ws.paths, JUNE), result)[0] if m.unit == TAX)
    assert "只报送了扫描件" in reminder.body and ".xlsx" in reminder.body
    assert reminder.attachment is not None  # the workbook again, to fill in


def test_a_file_named_as_a_workbook_beside_the_unit_s_workbook_is_said_unreadable_not_evidence(ws_root, tmp_path):
    """A second table of the unit attached while it was still being saved (0 bytes), or a system's "save as web
    page" named .xls, came in the same mail as a good workbook: both were listed as 佐证材料 and nobody was told
    that what the unit meant to send could not be read."""
    workbook = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    with zipfile.ZipFile(tmp_path / "附件.zip", "w") as packed:  # a mail's empty attachment is said at intake
        packed.writestr("财政局（修改）.xlsx", b"")
    (tmp_path / "附表.xls").write_bytes(b"<html><body><table><tr><td>DQ-34</td></tr></table></body></html>")
    with zipfile.ZipFile(tmp_path / "情况说明.docx", "w") as word:
        word.writestr("word/document.xml", "<w:document/>")
    attachments = [workbook, tmp_path / "附件.zip", tmp_path / "附表.xls", tmp_path / "情况说明.docx"]
    ws = load_workspace(ws_root)
    collect_returns(
        ws.paths, JUNE, [mail_with(tmp_path / "m.eml", FINANCE_MAIL, "Mon, 05 Jul 2021 09:30 +0800", attachments)]
    )
    result = merge_period(ws, JUNE)
    assert {(r.file, r.unit, r.state) for r in result.returns} == {
        ("财政局.xlsx", FINANCE, "merged"),
        ("财政局（修改）.xlsx", FINANCE, "refused"),
        ("附表.xls", FINANCE, "refused"),
        ("情况说明.docx", FINANCE, "evidence"),  # a document beside the workbook is evidence
    }
    assert sorted((p.file, p.code, p.unit) for p in result.problems if p.code.startswith("return-")) == [
        ("财政局（修改）.xlsx", "return-not-workbook", FINANCE),
        ("附表.xls", "return-not-workbook", FINANCE),
    ]


def test_a_refused_file_is_the_senders_unit_with_errors_not_missing(ws_root, tmp_path):
    broken = tmp_path / "报送.xlsx"
    broken.write_bytes(fill_return(outbox(ws_root, FINANCE), tmp_path / "x.xlsx", GOOD).read_bytes()[:2000])
    ws = load_workspace(ws_root)
    collect_returns(
        ws.paths, JUNE, [mail_with(tmp_path / "m.eml", FINANCE_MAIL, "Mon, 05 Jul 2021 09:30 +0800", [broken])]
    )
    result = merge_period(ws, JUNE)
    assert [(r.file, r.unit, r.state) for r in result.returns] == [("报送.xlsx", FINANCE, "refused")]
    assert [(p.code, p.unit) for p in result.problems] == [("return-unreadable", FINANCE)]
    reminder = next(m for m in reminder_messages(ws, read_manifest(ws.paths, JUNE), result)[0] if m.unit == FINANCE)
    assert "报送文件损坏" in reminder.body and ".xlsx" in reminder.body and reminder.attachment is not None


# --- nothing lost


def test_every_typed_value_of_an_unattributed_scratch_file_is_listed(ws_root, tmp_path):
    rows = [
        ["任务编号", "完成状态", "本月进展", "存在问题"],
        ["DQ-34", "序时推进", "第一行的进展", "第一行的问题"],
        ["DQ-59", "已完成", "第二行的进展", ""],
    ]
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    second = book.create_sheet("说明")
    second["B2"] = "另附说明"
    book.save(tmp_path / "工作簿1.xlsx")
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [tmp_path / "工作簿1.xlsx"])
    result = merge_period(ws, JUNE)
    listed = {(u.sheet, u.cell, u.value) for u in result.unmerged}
    typed = {("Sheet", f"{chr(65 + c)}{r + 1}", v) for r, row in enumerate(rows) for c, v in enumerate(row) if v} | {
        ("说明", "B2", "另附说明")
    }
    assert listed == typed
    written = run("merge", "-w", ws_root, "-p", "2021-06", "--json")
    assert {u["cell"] for u in json.loads(written.output)["unmerged"]} == {cell for _, cell, _ in typed}


def test_values_outside_the_table_of_a_merged_return_are_listed(ws_root, tmp_path):
    def edit(book):
        sheet = book["牵头任务"]
        sheet["N3"] = "表格右侧的备注"  # a column with no header
        sheet["N1"] = "填报单位：财政局"  # beside the title
        sheet["A9"], sheet["D9"], sheet["I9"] = "DQ-999", "单位自拟的任务", "已启动"  # an ID nobody gave out
        support = book["配合任务"]
        support["A5"], support["D5"], support["I5"] = "DQ-32", support["D3"].value, "重复的一行"  # a task twice
        label = next(c for row in sheet.iter_rows() for c in row if c.value == "填报人：")
        sheet.cell(label.row, label.column + 1, "张三")
        sheet.cell(label.row, label.column + 3, "2021年7月5日")  # typed on the signature line, beside the name

    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit)
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [path])
    result = merge_period(ws, JUNE)
    signed = next(u.cell for u in result.unmerged if u.value == "2021年7月5日")
    assert {(u.cell, u.value, u.task_id) for u in result.unmerged} == {
        ("N3", "表格右侧的备注", "DQ-34"),
        ("N1", "填报单位：财政局", ""),
        ("A9", "DQ-999", "DQ-999"),
        ("D9", "单位自拟的任务", "DQ-999"),
        ("I9", "已启动", "DQ-999"),
        ("I5", "重复的一行", "DQ-32"),  # the task's own text on the copied row is the office's, not listed
        (signed, "2021年7月5日", ""),
    }
    assert result.returns[0].reporter["填报人"] == "张三"


# --- returns saved by LibreOffice through its own API


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    """A headless LibreOffice listening on 127.0.0.1, with a private profile; yields a function that runs
    steps of tests/uno_edit.py against it with the system Python (the one python3-uno is installed for)."""
    soffice = require_binary("soffice")
    if subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("python3-uno is not installed; scripts/system-packages.sh should install it")
        pytest.skip("python3-uno is not installed")
    port = free_port()
    profile = tmp_path_factory.mktemp("libreoffice-profile")
    office = subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            f"--accept=socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext",
            f"-env:UserInstallation={profile.as_uri()}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def edit(steps: list[dict]) -> None:
        job = json.dumps({"port": port, "steps": steps}, ensure_ascii=False)
        done = subprocess.run(
            [SYSTEM_PYTHON, str(UNO_SCRIPT)], input=job, capture_output=True, text=True, timeout=240, check=False
        )
        assert done.returncode == 0, done.stderr[-2000:]

    yield edit
    office.terminate()
    try:
        office.wait(30)
    except subprocess.TimeoutExpired:
        office.kill()


def lead_entries(result, unit=FINANCE):
    return [
        (e.task_id, e.status, e.progress, e.issues, e.next_steps, e.completed_on)
        for e in result.entries
        if e.unit == unit and e.role == "lead"
    ]


def merged_alone(rendered_root: Path, tmp_path: Path, name: str, file: Path):
    root = tmp_path / name
    shutil.copytree(rendered_root, root)
    ws = load_workspace(root)
    collect_returns(ws.paths, JUNE, [file])
    return merge_period(ws, JUNE)


def test_a_percentage_typed_in_libreoffice_into_a_percent_cell_is_read_in_points(libreoffice, tmp_path):
    """A unit formats 本期完成值 as 0.0% in LibreOffice and types 94.2%: the .xlsx holds 0.942, read as 94.2%."""
    from ledger.history import build_history
    from ledger.render import render_period

    from .test_indicators import indicator_workspace

    root = indicator_workspace(tmp_path / "ws")
    ws = load_workspace(root)
    render_period(ws, JUNE, build_history(ws, JUNE))
    saved = tmp_path / "saved" / "示范区发展改革局.xlsx"
    saved.parent.mkdir()
    libreoffice(
        [
            {
                "open": str(outbox(root, "示范区发展改革局")),
                "formats": [["指标", "G3", "0.0%"]],
                "values": [["指标", "G3", "94.2%"]],
                "save": [[str(saved), "Calc Office Open XML"]],
            }
        ]
    )
    collect_returns(ws.paths, JUNE, [saved])
    result = merge_period(ws, JUNE)
    [value] = result.indicator_values
    assert (value.number, value.percent_cell) == (pytest.approx(0.942), True)
    reading = value.reported(ws.indicators[0]).reading
    assert (reading.value, reading.shown("%")) == (pytest.approx(94.2), "0.942（单元格为百分比格式）→ 94.2%")
    assert not [p.code for p in result.problems if p.code.startswith("value-")]


def test_xlsx_ods_and_csv_saved_by_libreoffice_merge_exactly(libreoffice, rendered, tmp_path):
    saved = tmp_path / "saved"
    saved.mkdir()
    libreoffice(
        [
            {
                "open": str(outbox(rendered, FINANCE)),
                "values": [["牵头任务", cell, value] for cell, value in TYPED.items()],
                "save": [
                    [str(saved / f"{FINANCE}.xlsx"), "Calc Office Open XML"],
                    [str(saved / f"{FINANCE}.ods"), "calc8"],
                    [str(saved / f"{FINANCE}.xls"), "MS Excel 97"],
                ],
            },
            {
                "open": str(saved / f"{FINANCE}.ods"),
                "save": [[str(saved / f"{FINANCE}.csv"), "Text - txt - csv (StarCalc)"]],
                "csv_sheet": "牵头任务",
            },
        ]
    )
    xlsx = merged_alone(rendered, tmp_path, "xlsx", saved / f"{FINANCE}.xlsx")
    expected = [
        ("DQ-34", "序时推进", "已采购新能源车 12 辆", "", "", ""),
        ("DQ-59", "已完成", "资金已拨付", "", "", "2021-06-20"),
        ("DQ-60", "滞后", "资金到位 80%", "配套资金未落实", "", ""),
        ("DQ-74", "", "", "", "", ""),
        ("FGF-12", "", "推进中", "", "", ""),
        ("FGF-13", "", "", "", "", ""),
    ]
    assert lead_entries(xlsx) == expected
    assert ("牵头任务", "H7", "cell-formula") in {(p.sheet, p.cell, p.code) for p in xlsx.problems}
    assert not {p.code for p in xlsx.problems} & {"return-no-metadata", "locked-edited", "date-as-text"}
    ods = merged_alone(rendered, tmp_path, "ods", saved / f"{FINANCE}.ods")
    assert lead_entries(ods) == expected
    assert sorted((p.sheet, p.cell, p.code) for p in ods.problems) == sorted(
        (p.sheet, p.cell, p.code) for p in xlsx.problems
    )
    assert ods.returns[0].saved_at  # LibreOffice's own last-saved time, read from meta.xml
    xls = merged_alone(rendered, tmp_path, "xls", saved / f"{FINANCE}.xls")
    assert lead_entries(xls) == expected
    assert sorted((p.sheet, p.cell, p.code) for p in xls.problems) == sorted(
        (p.sheet, p.cell, p.code) for p in xlsx.problems
    )  # the formula in H7 said, as in the .xlsx
    (exported,) = saved.glob("*.csv")
    assert exported.name == f"{FINANCE}-牵头任务.csv"  # LibreOffice names a one-sheet export after the sheet
    csv = merged_alone(rendered, tmp_path, "csv", exported)
    assert lead_entries(csv) == expected
    assert {p.code for p in csv.problems if p.code.startswith("return-")} == {"return-no-metadata"}
    assert not {p.code for p in csv.problems} & {"locked-edited", "date-as-text", "number-as-text", "sheet-renamed"}
    assert csv.unmerged == []
    assert "cell-formula" not in {p.code for p in csv.problems}  # a .csv keeps the result, not the formula


def test_a_draft_and_its_final_arriving_in_the_same_second_the_final_saved_later_wins(libreoffice, rendered, tmp_path):
    libreoffice(
        [
            {
                "open": str(outbox(rendered, FINANCE)),
                "values": [["牵头任务", "G3", "序时推进"], ["牵头任务", "H3", "草稿：待核实"]],
                "save": [[str(tmp_path / "财政局（草稿）.xlsx"), "Calc Office Open XML"]],
                "pause": 2,
            },
            {
                "open": str(tmp_path / "财政局（草稿）.xlsx"),
                "values": [["牵头任务", "H3", "已采购新能源车 12 辆"]],
                "save": [[str(tmp_path / "财政局（定稿）.xlsx"), "Calc Office Open XML"]],
            },
        ]
    )
    draft, final = tmp_path / "财政局（草稿）.xlsx", tmp_path / "财政局（定稿）.xlsx"
    assert read_return(draft).saved_at < read_return(final).saved_at
    # One message, the final attached first: same received second, and the draft is collected after it.
    now = datetime.now(BEIJING).strftime("%a, %d %b %Y %H:%M:%S %z")
    message = mail_with(tmp_path / "reply.eml", FINANCE_MAIL, now, [final, draft])
    result = merged_alone(rendered, tmp_path, "ws", message)
    assert {(r.file, r.state) for r in result.returns} == {
        ("财政局（定稿）.xlsx", "merged"),
        ("财政局（草稿）.xlsx", "superseded"),
    }
    assert lead_entries(result)[0][2] == "已采购新能源车 12 辆"
    superseded = next(p for p in result.problems if p.code == "return-superseded")
    assert "保存时间" in superseded.message
    assert ("H3", "草稿：待核实") in {(u.cell, u.value) for u in result.unmerged}


def test_values_copied_into_a_new_libreoffice_workbook_with_an_unknown_name_are_all_listed(
    libreoffice, rendered, tmp_path
):
    copy = tmp_path / "工作簿1.xlsx"
    libreoffice(
        [
            {
                "open": str(outbox(rendered, FINANCE)),
                "values": [["牵头任务", cell, value] for cell, value in TYPED.items()],
                "copy": ["牵头任务", "A2:L8"],
                "save": [[str(copy), "Calc Office Open XML"]],
            }
        ]
    )
    result = merged_alone(rendered, tmp_path, "ws", copy)
    assert "return-unit-unknown" in {p.code for p in result.problems}
    sheet = openpyxl.load_workbook(copy).worksheets[0]
    every = {
        (c.coordinate, str(c.value.date() if isinstance(c.value, datetime) else c.value))
        for row in sheet.iter_rows()
        for c in row
        if c.value not in (None, "")
    }
    listed = {(u.cell, u.value) for u in result.unmerged}
    assert every == listed
    # the values the unit typed, moved up one row by the copy, are among them; the date pasted as a value is
    # the serial number LibreOffice keeps for it (2021-06-20)
    typed = {(f"{cell[0]}{int(cell[1:]) - 1}", value) for cell, value in TYPED.items() if cell not in ("K4", "H7")}
    assert typed | {("K3", "44367"), ("H6", "推进中")} <= listed


@pytest.mark.parametrize("command", sorted(main.commands["returns"].commands))
def test_every_returns_command_has_chinese_help(command):
    result = run("returns", command, "--help")
    assert result.exit_code == 0 and "用法：" in result.output and "选项" in result.output
    for word in ("Usage", "Options", "Show this message", "[OPTIONS]", "TEXT", "required"):
        assert word not in result.output, (command, word)


def test_a_csv_saved_by_excel_or_wps_in_gb18030_is_read(ws_root, tmp_path):
    """Excel and WPS save "CSV (逗号分隔)" in the system code page, GB18030 on a Chinese Windows."""
    text = "任务编号,完成状态,本月进展,完成时间\r\nDQ-59,已完成,资金已拨付,2021/6/20\r\n"
    path = tmp_path / "钢城区财政局.csv"
    path.write_bytes(text.encode("gb18030"))
    ws = load_workspace(ws_root)
    collect_returns(ws.paths, JUNE, [path])
    result = merge_period(ws, JUNE)
    assert [(e.task_id, e.status, e.progress, e.completed_on) for e in result.entries] == [
        ("DQ-59", "已完成", "资金已拨付", "2021-06-20")
    ]
    assert result.unmerged == []


def test_an_impossible_received_time_is_refused_and_a_doubtful_one_stays_a_problem_until_corrected(ws_root, tmp_path):
    late = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    mail = mail_with(tmp_path / "a.eml", FINANCE_MAIL, "Fri, 01 Jan 2100 09:00:00 +0800", [late])
    assert run("collect", "-w", ws_root, "-p", "2021-06", mail).exit_code == 0
    ws = load_workspace(ws_root)
    assert [(p.file, p.code) for p in merge_period(ws, JUNE).problems if p.code.startswith("received-")] == [
        ("财政局.xlsx", "received-time-implausible")  # the year 2100 never reaches the report date
    ]
    with pytest.raises(ProblemError) as refused:
        set_received(ws, JUNE, "财政局.xlsx", "9999-12-31 23:59")
    assert refused.value.code == "received-time-outside"
    set_received(ws, JUNE, "财政局.xlsx", "2021-07-05 16:10")
    assert not [p for p in merge_period(ws, JUNE).problems if p.code.startswith("received-")]


def test_metadata_naming_no_real_month_is_a_note_not_a_traceback(ws_root, tmp_path):
    from openpyxl.packaging.custom import StringProperty

    from ledger.layout import META_SHEET

    def thirteenth_month(book):
        for row in book[META_SHEET].iter_rows():
            if row[0].value == "period":
                row[1].value = "2021-13"
        props = book.custom_doc_props
        props.props = [p for p in props.props if p.name != "ledger_period"]
        props.append(StringProperty(name="ledger_period", value="2021-13"))

    odd = fill_return(outbox(ws_root, FINANCE), tmp_path / "十三月.xlsx", GOOD, edit=thirteenth_month)
    auto = run("collect", "-w", ws_root, "-p", "auto", odd)
    assert auto.exit_code == 0 and auto.exception is None, auto.output
    assert "collect-period-invalid" in auto.output and "2021-13" in auto.output
    assert not (ws_root / "source/returns/2021-13").exists() and "共存入0个文件" in auto.output
    given = run("collect", "-w", ws_root, "-p", "2021-06", odd)
    assert given.exit_code == 0 and "collect-period-invalid" in given.output
    assert [r.file for r in read_receipts(ws_root / "source/returns/2021-06")] == ["十三月.xlsx"]


def test_metadata_naming_a_period_of_another_rhythm_is_not_filed_where_no_round_reads_it(ws_root, tmp_path):
    """--period auto on a monthly ledger: a workbook whose metadata was edited to a year or a week would be stored
    under returns/2020 or returns/2021-W26, which no round ever merges, and reported as stored."""
    from openpyxl.packaging.custom import StringProperty

    from ledger.layout import META_SHEET

    def naming(period):
        def edit(book):
            for row in book[META_SHEET].iter_rows():
                if row[0].value == "period":
                    row[1].value = period
            props = book.custom_doc_props
            props.props = [p for p in props.props if p.name != "ledger_period"]
            props.append(StringProperty(name="ledger_period", value=period))

        return edit

    files = [
        fill_return(outbox(ws_root, FINANCE), tmp_path / f"{name}.xlsx", GOOD, edit=naming(period))
        for name, period in (("全年", "2020"), ("第26周", "2021-W26"))
    ]
    auto = run("collect", "-w", ws_root, "-p", "auto", *files)
    assert auto.exit_code == 0 and auto.exception is None, auto.output
    assert auto.output.count("collect-period-invalid") == 2 and "共存入0个文件" in auto.output
    assert not (ws_root / "source/returns").exists()


def test_a_received_time_no_file_can_have_is_refused_and_merge_still_runs(ws_root, tmp_path):
    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    assert run("collect", "-w", ws_root, "-p", "2021-06", path).exit_code == 0
    for typed in ("9999-12-31 23:59", "1970-01-01 08:00", "9999-12-31T23:59-12:00"):
        refused = run("returns", "set-received", "-w", ws_root, "-p", "2021-06", "财政局.xlsx", typed)
        assert refused.exit_code == 1 and isinstance(refused.exception, SystemExit), refused.output
        assert re.search(r"received-time-(outside|invalid)", refused.output)
    future = run("collect", "-w", ws_root, "-p", "2021-06", "--received", "9999-12-31 23:59", path)
    assert future.exit_code == 1 and "received-time-outside" in future.output
    assert not (ws_root / "source/returns/2021-06/corrections.jsonl").exists()
    merged = run("merge", "-w", ws_root, "-p", "2021-06")
    assert merged.exit_code == 0, merged.output
