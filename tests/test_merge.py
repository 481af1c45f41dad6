"""Returns filled the way real people fill them, each case merged beside good files."""

import io
import json
import os
import re
import zipfile
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import msoffcrypto.format.ooxml
import openpyxl
import pytest
from click.testing import CliRunner

from ledger import load_workspace
from ledger import merge as merge_module
from ledger.cli import main
from ledger.collect import collect_returns
from ledger.entries import LISTED_PER_FILE
from ledger.history import build_history
from ledger.layout import META_SHEET
from ledger.master import write_merge
from ledger.merge import merge_period
from ledger.model import Period
from ledger.paths import WorkspacePaths
from ledger.read import ReturnError, read_return
from ledger.receipts import period_notes
from ledger.report import build_report
from ledger.return_reader import probable_number
from ledger.returns import withdraw_return

from .conftest import GOOD, fill_return, outbox, render

JUNE, MAY = Period(2021, 6), Period(2021, 5)
BEIJING = ZoneInfo("Asia/Shanghai")
FINANCE, WATER, TAX = "钢城区财政局", "莱芜区水务局", "钢城区税务局"


def merged(root, *files):
    collect_returns(WorkspacePaths(root), JUNE, list(files))
    ws = load_workspace(root)
    return ws, merge_period(ws, JUNE)


def located(result, file=None):
    return [(p.sheet, p.cell, p.code) for p in result.problems if file is None or p.file == file]


def entry(result, task_id, unit=FINANCE):
    return next(e for e in result.entries if e.task_id == task_id and e.unit == unit)


def test_a_clean_return_merges_exactly(ws_root, tmp_path):
    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD))
    e = entry(result, "DQ-59")
    assert (e.role, e.status, e.progress, e.completed_on) == ("lead", "已完成", "资金已拨付", "2021-06-20")
    assert entry(result, "DQ-32").role == "support"
    assert {p.code for p in result.problems} == {"status-missing", "progress-empty"}  # the four untouched lead rows
    assert [(r.unit, r.state) for r in result.returns] == [(FINANCE, "merged")]


def test_sorted_filtered_hidden_and_inserted_rows_still_merge_by_task_id(ws_root, tmp_path):
    def shuffle(book):
        sheet = book["牵头任务"]
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3, max_row=8)]
        for r, values in enumerate(reversed(rows), 3):  # sorted descending
            for c, value in enumerate(values, 1):
                sheet.cell(r, c).value = value
        sheet.row_dimensions[4].hidden = True  # a filter hides a row
        sheet.insert_rows(5)  # an empty row inserted in the middle

    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=shuffle)
    _, result = merged(ws_root, path)
    assert entry(result, "DQ-34").progress == "已采购新能源车 12 辆"
    assert entry(result, "DQ-59").completed_on == "2021-06-20"
    assert "task-missing" not in {p.code for p in result.problems}


def test_a_status_only_the_office_decides_is_wrong_with_a_hint(ws_root, tmp_path):
    answers = {
        "DQ-34": {"完成状态": "暂缓", "本月进展": "等待上级政策"},
        "DQ-59": {"完成状态": "已销号", "本月进展": "已验收"},
        "DQ-60": {"完成状态": "取 消", "本月进展": "不再实施"},
    }
    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers)
    ws, result = merged(ws_root, path)
    office_only = [(s, c) for s, c, code in located(result) if code == "status-office-only"]
    assert office_only == [("牵头任务", "G3"), ("牵头任务", "G4"), ("牵头任务", "G5")]
    assert "status-invalid" not in {p.code for p in result.problems}
    hint = next(p.hint for p in result.problems if p.code == "status-office-only")
    assert "牵头办公室" in hint
    assert entry(result, "DQ-34").status == "暂缓"  # kept as typed
    report = build_report(ws, JUNE, result, build_history(ws, JUNE), issued=date(2021, 7, 9))
    assert next(t.status for t in report.tasks if t.task.id == "DQ-34") == "状态有误（待核实）"  # a lead alone
    assert "DQ-34" in report.summary()["invalid_status"]
    # the opening judgement's parts add up to the whole: an overdue task unreported is 欠进度 only (as the lights
    # count it), and the tasks of a wrong status not yet behind are said apart
    total, *parts = map(int, re.findall(r"(\d+)项", report.judgement()))
    assert total == len(report.tasks) == sum(parts) and "完成状态有误、待核实的" in report.judgement()
    # done, 序时推进, 欠进度 (DQ-33, DQ-76 and DQ-79: overdue, unreported), 未报送, DQ-34's wrong status
    assert parts == [0, 0, 3, 177, 1] and [t.task.id for t in report.behind_tasks] == ["DQ-33", "DQ-76", "DQ-79"]
    assert report.suspended == report.cancelled == [] and report.closed_tasks == []  # the unit decides none


def test_an_error_value_a_unit_typed_lands_as_the_text_its_cell_shows(ws_root, tmp_path):
    def edit(book):
        sheet = book["牵头任务"]
        row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "DQ-60")
        column = next(c for c in range(1, sheet.max_column + 1) if sheet.cell(2, c).value == "存在问题")
        typed = sheet.cell(row, column)
        typed.value, typed.data_type = "#N/A", "e"  # Excel and WPS keep a typed #N/A as an error value

    answers = {"DQ-60": {"完成状态": "序时推进", "本月进展": "正在推进。"}}
    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers, edit=edit)
    _, result = merged(ws_root, path)
    assert entry(result, "DQ-60").issues == "#N/A"


def test_a_comment_a_unit_wrote_is_named_and_kept_never_lost(ws_root, tmp_path):
    """A unit explained a late task in a comment (批注) on its 完成状态 cell and on a cell beyond the table: the
    comments were in no output."""
    from openpyxl.comments import Comment

    def edit(book):
        book["牵头任务"]["G3"].comment = Comment("资金未到位，延期至9月", "张三")
        book["牵头任务"]["N20"].comment = Comment("联系人已调整", "张三")

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit))
    assert [(p.sheet, p.cell) for p in result.problems if p.code == "cell-comment"] == [
        ("牵头任务", "G3"),
        ("牵头任务", "N20"),
    ]
    kept = [(u.cell, u.value, u.task_id) for u in result.unmerged if u.reason == "单元格批注"]
    assert kept == [("G3", "资金未到位，延期至9月", "DQ-34"), ("N20", "联系人已调整", "")]
    assert entry(result, "DQ-34").status == "序时推进"  # the cell's own value, not its comment
    # superseded by a later return, its comments are listed with its values
    later = fill_return(outbox(ws_root, FINANCE), tmp_path / "later" / "财政局.xlsx", GOOD)
    os.utime(later, (later.stat().st_mtime + 3600,) * 2)
    _, result = merged(ws_root, later)
    superseded = [(u.cell, u.value) for u in result.unmerged if u.reason == "已被同一单位更晚的报送取代（单元格批注）"]
    assert superseded == [("G3", "资金未到位，延期至9月"), ("N20", "联系人已调整")]


def test_a_task_row_copied_twice_keeps_the_copy_as_a_duplicate_not_as_an_unknown_task(ws_root, tmp_path):
    """A unit copied its lead sheet (WPS's 复制工作表) and wrote in the copy too: each copied row was named
    task-duplicate-row (已采用第一行), but its values were kept as 任务编号无法对应, which sends the clerk looking
    for a wrong ID."""

    def edit(book):
        copy = book.copy_worksheet(book["牵头任务"])
        copy.title = "牵头任务 (2)"
        copy["H3"] = "副本里的进展"

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit))
    assert ("牵头任务 (2)", "A3", "task-duplicate-row") in located(result)
    kept = {(u.sheet, u.cell): u.reason for u in result.unmerged}
    assert kept[("牵头任务 (2)", "H3")] == "任务重复出现，已采用第一行，本行未汇总"


def test_a_task_sheet_whose_header_row_was_deleted_is_named_so_not_as_an_extra_sheet_of_a_unit_that_sent_nothing(
    ws_root, tmp_path
):
    """A unit deleted the header row of its lead sheet (meaning to delete the title) and filled its tasks: the
    sheet was called 多出的工作表, every task row 被删除, and the return 与下发时相同, 视为未报送 — the unit
    counted as not reporting, its values only in 未汇总内容."""

    def edit(book):
        sheet = book["牵头任务"]
        sheet.delete_rows(2)
        sheet["G2"], sheet["H2"] = "序时推进", "已采购新能源车12辆"  # DQ-34, now on row 2

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", {}, edit=edit))
    codes = {code for _, _, code in located(result)}
    assert ("牵头任务", None, "sheet-header-missing") in located(result)
    assert not codes & {"sheet-extra", "task-missing", "return-empty"}
    kept = {(u.sheet, u.cell): (u.value, u.reason) for u in result.unmerged}
    assert kept[("牵头任务", "H2")] == ("已采购新能源车12辆", "表头行被删除，内容未汇总")


def test_value_problems_each_name_their_cell(ws_root, tmp_path):
    answers = {
        "DQ-34": {"完成状态": "完成", "本月进展": "粘贴来的状态"},
        "DQ-59": {"完成状态": "已完成", "本月进展": None, "完成时间": "2021.6.30"},
        "DQ-60": {"完成状态": "序时推进", "本月进展": None},
        "DQ-74": {"完成状态": "序时推进", "本月进展": "=1+1", "存在问题": "@all", "下步计划": "+86 123"},
    }

    def edit(book):
        sheet = book["牵头任务"]
        sheet["H7"] = '=CONCATENATE("推进","中")'  # a formula in 本月进展 of FGF-12

    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers, edit=edit)
    _, result = merged(ws_root, path)
    problems = set(located(result))
    assert ("牵头任务", "G3", "status-invalid") in problems
    assert ("牵头任务", "H4", "done-without-progress") in problems
    assert ("牵头任务", "K4", "date-as-text") in problems
    assert ("牵头任务", "H5", "progress-empty") in problems
    # openpyxl, like any program that does not calculate, saves no result: the formula's text is kept
    assert ("牵头任务", "H7", "cell-formula-uncached") in problems
    assert (
        next(e.progress for e in result.entries if e.row == 7 and e.sheet == "牵头任务") == '=CONCATENATE("推进","中")'
    )
    assert entry(result, "DQ-34").status == "完成"  # kept as typed, flagged as an error
    assert entry(result, "DQ-59").completed_on == "2021.6.30"
    assert "2021-06-30" in next(p.message for p in result.problems if p.code == "date-as-text")
    e = entry(result, "DQ-74")
    assert (e.progress, e.issues, e.next_steps) == ("=1+1", "@all", "+86 123")
    write_merge(load_workspace(ws_root), result)
    detail = openpyxl.load_workbook(ws_root / "build/2021-06/merged.xlsx")["填报明细"]
    cells = {c.value: c.data_type for row in detail.iter_rows(min_row=3) for c in row if c.value in ("=1+1", "@all")}
    assert cells == {"=1+1": "s", "@all": "s"}  # written as text, never as a formula


def test_numbers_typed_as_text_are_reported_with_the_number_they_mean(ws_root, tmp_path):
    answers = {
        "LW-1": {"完成状态": "序时推进", "本月进展": "巡查 3 次", "累计完成投资（亿元）": "2000万"},
        "LW-3": {"完成状态": "序时推进", "本月进展": "施工中", "累计完成投资（亿元）": "约1.5亿"},
        "LW-4": {"完成状态": "序时推进", "本月进展": "施工中", "累计完成投资（亿元）": 0.12},
    }
    _, result = merged(ws_root, fill_return(outbox(ws_root, WATER), tmp_path / "水务局.xlsx", answers))
    messages = {p.cell: p.message for p in result.problems if p.code == "number-as-text"}
    assert set(messages) == {"L3", "L4"}
    assert "推断为0.2" in messages["L3"] and "推断为1.5" in messages["L4"]
    assert entry(result, "LW-1", WATER).extra["累计完成投资（亿元）"] == "2000万"
    assert entry(result, "LW-4", WATER).extra["累计完成投资（亿元）"] == 0.12


def test_days_typed_as_text_are_reported_with_the_day_they_mean(ws_root, tmp_path):
    """A system's 20210630, an English-language Excel's 30/06/2021 and a date serial pasted as text (44377) were
    each named date-as-text with 无法识别 for the day they mean; each is kept as typed, and a day that cannot be told
    is said so (date-unreadable), not "推断为无法识别"."""
    done = {"完成状态": "已完成", "本月进展": "已完成"}
    answers = {
        "DQ-34": {**done, "完成时间": "20210630"},
        "DQ-59": {**done, "完成时间": "30/06/2021"},
        "DQ-60": {**done, "完成时间": "44377"},
        "DQ-74": {**done, "完成时间": "06/07/2021"},  # 6 July or 7 June: not guessed
    }
    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers))
    said = {p.cell: p.values.get("date", p.code) for p in result.problems if p.code.startswith("date-")}
    cells = [f"K{entry(result, t).row}" for t in answers]  # 完成时间
    assert [said.get(cell) for cell in cells] == ["2021-06-30", "2021-06-30", "2021-06-30", "date-unreadable"]
    assert [entry(result, t).completed_on for t in answers] == ["20210630", "30/06/2021", "44377", "06/07/2021"]


def test_a_day_pasted_as_text_in_the_form_asked_for_is_taken_as_a_day_without_a_word(ws_root, tmp_path):
    """A day pasted as text, " 2021-06-30" (from another sheet, a system), was told 日期“2021-06-30”不是日期格式 with
    the hint 请按2021-06-30的格式填写日期: the very form it was in, and what a date cell gives all the same."""
    answers = {"DQ-59": {"完成状态": "已完成", "本月进展": "已完成", "完成时间": " 2021-06-30"}}
    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers))
    assert "date-as-text" not in {p.code for p in result.problems}
    assert entry(result, "DQ-59").completed_on == "2021-06-30"


def test_a_task_done_on_a_day_after_its_return_was_sent_is_named(ws_root, tmp_path):
    """已完成 with a 完成时间 after the day the return came (the deadline typed for the day it was done, or 2012
    typed as 2021's neighbour 2031) went into the ledger as the day the task was done, unremarked."""
    done = {"完成状态": "已完成", "本月进展": "已完成"}
    answers = {
        "DQ-34": {**done, "完成时间": date(2021, 12, 31)},
        "DQ-59": {**done, "完成时间": date(2021, 6, 20)},
        "DQ-60": {**done, "完成时间": "2031年6月30日"},
        "DQ-74": {"完成状态": "序时推进", "本月进展": "推进中", "完成时间": date(2021, 9, 30)},  # a plan, not a fact
    }
    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers)
    stamp = datetime(2021, 7, 5, 9, 30, tzinfo=BEIJING).timestamp()
    os.utime(path, (stamp, stamp))
    _, result = merged(ws_root, path)
    said = [(p.cell, p.values["value"]) for p in result.problems if p.code == "done-after-return"]
    assert said == [("K3", "2021-12-31"), ("K5", "2031年6月30日")]
    assert "2021年7月5日" in next(p.message for p in result.problems if p.code == "done-after-return")
    assert entry(result, "DQ-34").completed_on == "2021-12-31"  # kept as typed


def test_a_percentage_typed_into_a_text_column_is_kept_as_the_unit_saw_it(ws_root, tmp_path):
    """Typed into a cell, "80%" becomes the number 0.8 shown as 80% (Excel and WPS alike): 形象进度 went into the
    ledger as "0.8", a figure the unit never wrote."""

    def edit(book):
        sheet = book["牵头任务"]
        sheet["M3"], sheet["M3"].number_format = 0.8, "0%"  # 形象进度 of LW-1
        sheet["H4"], sheet["H4"].number_format = 0.955, "0.0%"  # 本月进展 of LW-3

        sheet["H5"], sheet["H5"].number_format = 80, '0"%"'  # 本月进展 of LW-4: 80 shown with a % sign
        sheet["M5"], sheet["M5"].number_format = 60, "0\\%"  # 形象进度 of LW-4, the sign escaped

    answers = {"LW-1": {"完成状态": "序时推进", "本月进展": "施工中"}, "LW-3": {"完成状态": "序时推进"}}
    _, result = merged(ws_root, fill_return(outbox(ws_root, WATER), tmp_path / "水务局.xlsx", answers, edit=edit))
    assert entry(result, "LW-1", WATER).extra["形象进度"] == "80%"
    assert entry(result, "LW-3", WATER).progress == "95.5%"
    # a % written as text in the format is no percentage: the number is what the cell holds
    assert (entry(result, "LW-4", WATER).progress, entry(result, "LW-4", WATER).extra["形象进度"]) == ("80", "60")


def test_a_return_whose_formats_cannot_be_read_merges_and_says_which_numbers_may_be_percentages(ws_root, tmp_path):
    """A cell's number format is read with openpyxl, which refuses styles calamine reads past (a font numbered
    "x"): the whole return was refused with openpyxl's English ("Unable to read workbook…"), every value of it
    left out of the round, for a lookup about one cell. It merges, and the numbers whose format mattered are
    listed: 0.8 may be 80% as the unit saw it."""

    def edit(book):
        sheet = book["牵头任务"]
        sheet["H4"], sheet["H4"].number_format = 0.955, "0.0%"  # 本月进展 of LW-3

    answers = {"LW-1": {"完成状态": "序时推进", "本月进展": "施工中"}, "LW-3": {"完成状态": "序时推进"}}
    path = fill_return(outbox(ws_root, WATER), tmp_path / "水务局.xlsx", answers, edit=edit)
    parts = _unzip(path.read_bytes())
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(b'fontId="0"', b'fontId="x"', 1)
    path.write_bytes(_zip(parts))
    _, result = merged(ws_root, path)
    assert "return-read-failed" not in {p.code for p in result.problems}
    assert entry(result, "LW-1", WATER).progress == "施工中"
    assert entry(result, "LW-3", WATER).progress == "0.955"
    [unknown] = [p for p in result.problems if p.code == "cell-format-unread"]
    assert (unknown.file, unknown.sheet, unknown.cell) == ("水务局.xlsx", "牵头任务", "H4")
    assert "0.955" in unknown.message and "95.5%" in unknown.message


def with_text_box(path: Path, sheet: str, anchor: tuple[int, int], text: str) -> Path:
    """A text box (文本框) drawn on a sheet of a workbook, as Excel and WPS store one: a DrawingML part the sheet
    refers to, anchored at a cell (0-based row, column), its paragraphs in <a:p> runs (made by xlsxwriter's
    insert_textbox and moved into the workbook)."""
    import xlsxwriter

    scratch = io.BytesIO()
    book = xlsxwriter.Workbook(scratch)
    book.add_worksheet().insert_textbox(*anchor, text)
    book.close()
    drawing = _unzip(scratch.getvalue())["xl/drawings/drawing1.xml"]
    parts = _unzip(path.read_bytes())
    rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="(rId\d+)"', parts["xl/workbook.xml"].decode())[1]
    relationship = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*>', parts["xl/_rels/workbook.xml.rels"].decode())[0]
    target = re.search(r'Target="/?(?:xl/)?([^"]+)"', relationship)[1]
    folder, name = target.rsplit("/", 1)
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
    rels = f"xl/{folder}/_rels/{name}.rels"
    relationship = f'<Relationship Id="rIdBox" Type="{kind}" Target="../drawings/drawing1.xml"/></Relationships>'
    parts[rels] = parts.get(
        rels,
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>',
    ).replace(b"</Relationships>", relationship.encode())
    parts["xl/drawings/drawing1.xml"] = drawing
    xml = parts[f"xl/{target}"].decode()
    if "xmlns:r=" not in xml[:1000]:
        xml = xml.replace("<worksheet ", f'<worksheet xmlns:r="{kind.rsplit("/", 1)[0]}" ', 1)
    parts[f"xl/{target}"] = xml.replace("</worksheet>", '<drawing r:id="rIdBox"/></worksheet>').encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/drawings/drawing1.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    path.write_bytes(_zip(parts))
    return path


def test_text_a_unit_wrote_in_a_text_box_is_named_and_kept_never_lost(ws_root, tmp_path):
    """Offices often explain a task in a text box (文本框) drawn over the sheet rather than in its cells: calamine
    reads cells only, and what the box said was in no output, with no word of it."""
    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    with_text_box(path, "牵头任务", (3, 8), "说明：DQ-59资金已全部拨付\n下月完工")
    _, result = merged(ws_root, path)
    assert [(p.sheet, p.cell) for p in result.problems if p.code == "cell-text-box"] == [("牵头任务", "I4")]
    kept = [(u.sheet, u.cell, u.value, u.task_id) for u in result.unmerged if u.reason == "文本框"]
    assert kept == [("牵头任务", "I4", "说明：DQ-59资金已全部拨付\n下月完工", "DQ-59")]
    assert entry(result, "DQ-59").progress == "资金已拨付"
    # superseded by a later return, its text boxes are listed with its values
    later = fill_return(outbox(ws_root, FINANCE), tmp_path / "later" / "财政局.xlsx", GOOD)
    os.utime(later, (later.stat().st_mtime + 3600,) * 2)
    _, result = merged(ws_root, later)
    superseded = [(u.cell, u.value) for u in result.unmerged if u.reason == "已被同一单位更晚的报送取代（文本框）"]
    assert superseded == [("I4", "说明：DQ-59资金已全部拨付\n下月完工")]


def test_a_damaged_text_box_or_comment_part_leaves_the_cells_merged_and_is_said(ws_root, tmp_path):
    """Excel repairs a workbook whose drawing or comments part is damaged and opens its cells; calamine reads cells
    only and never looks there. Reading those parts beside it, a torn one refused the whole return, every value
    of it left out of the round. The cells merge, and the part that could not be read is said."""
    from openpyxl.comments import Comment

    def edit(book):
        book["牵头任务"]["G3"].comment = Comment("资金未到位", "张三")

    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit)
    with_text_box(path, "牵头任务", (3, 8), "说明")
    parts = _unzip(path.read_bytes())
    parts["xl/drawings/drawing1.xml"] = parts["xl/drawings/drawing1.xml"][:-40]
    comments = next(name for name in parts if name.startswith("xl/comments"))
    parts[comments] = parts[comments][:-30]
    path.write_bytes(_zip(parts))
    _, result = merged(ws_root, path)
    assert entry(result, "DQ-59").progress == "资金已拨付"
    unread = [p.message for p in result.problems if p.code == "return-part-unreadable"]
    assert unread == [
        "文件中的批注部分损坏，未能读取，其中的内容未汇总",
        "文件中的文本框部分损坏，未能读取，其中的内容未汇总",
    ]


def test_a_long_or_huge_number_typed_is_quoted_and_suggested_whole(ws_root, tmp_path):
    """The text "123,456,789" was suggested as 1.23457e+08 (digits lost, an exponent no clerk writes), "1E+308"
    as 1, and a number 1E+308 in a date cell was quoted as 309 digits."""
    answers = {
        "LW-1": {"完成状态": "序时推进", "本月进展": "施工中", "累计完成投资（亿元）": "123,456,789"},
        "LW-3": {"完成状态": "序时推进", "本月进展": "施工中", "累计完成投资（亿元）": "1E+308"},
        "LW-4": {"完成状态": "已完成", "本月进展": "已完工", "完成时间": 1e308},
    }
    _, result = merged(ws_root, fill_return(outbox(ws_root, WATER), tmp_path / "水务局.xlsx", answers))
    said = {p.cell: p.values for p in result.problems if p.code in ("number-as-text", "date-unreadable")}
    assert [said["L3"]["number"], said["L4"]["number"], said["K5"]["value"]] == ["123456789", "1E+308", "1E+308"]
    assert entry(result, "LW-4", WATER).completed_on == "1E+308"


@pytest.mark.parametrize(
    ("text", "header", "number"),
    [
        ("2000万", "累计完成投资（亿元）", 0.2),
        ("约1.5亿", "投资（亿元）", 1.5),
        ("1.5亿", "投资（万元）", 15000),
        ("3,200", "金额", 3200),
        ("待定", "投资（亿元）", None),
        ("1E+308", "投资（亿元）", 1e308),
        ("5000元", "金额（万元）", 0.5),  # was 5000: 5000万元
        ("1,200万", "投资（亿元）", 0.12),  # was 1200: the thousands separator shifted where 万 was looked for
    ],
)
def test_probable_number(text, header, number):
    assert probable_number(text, header) == number


def test_edited_locked_text_unknown_added_and_deleted_rows(ws_root, tmp_path):
    def edit(book):
        sheet = book["牵头任务"]
        sheet.protection.sheet = False
        sheet["C3"] = "改写后的措施"  # DQ-34's measure
        sheet["A5"] = "DQ-999"  # DQ-60's row now carries an unknown ID
        sheet["G5"] = "序时推进"
        sheet.delete_rows(6)  # DQ-74 deleted
        sheet.insert_rows(4)
        sheet["C4"] = "建议新增：加强资金监管"
        sheet["H4"] = "拟于下月启动"

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit))
    codes = {(p.code, p.cell) for p in result.problems}
    assert ("locked-edited", "C3") in codes
    assert ("row-added", "A4") in codes
    assert ("task-unknown", "A6") in codes
    assert {p.message for p in result.problems if p.code == "task-missing"} >= {
        "任务“DQ-74”的行被删除，未填报",
        "任务“DQ-60”的行被删除，未填报",
    }
    kept = {(u.cell, u.value) for u in result.unmerged}
    assert {("C4", "建议新增：加强资金监管"), ("H4", "拟于下月启动"), ("G6", "序时推进")} <= kept
    assert "改写后的措施" in next(p.message for p in result.problems if p.code == "locked-edited")
    write_merge(load_workspace(ws_root), result)
    proposals = openpyxl.load_workbook(ws_root / "build/2021-06/problems.xlsx")["新增建议"]
    rows = list(proposals.iter_rows(min_row=3, values_only=True))
    assert rows == [("财政局.xlsx", FINANCE, "牵头任务", 4, "建议新增：加强资金监管\n拟于下月启动")]


def test_a_value_a_merge_hides_is_listed_not_read_as_its_task_s_answer(ws_root, tmp_path):
    """LibreOffice asks, when cells are merged, whether to keep the hidden cells' content, and keeps it in the
    .xlsx and .ods it saves; calamine reads it. A status merged from DQ-34's row over DQ-59's showed the unit
    序时推进 for both, while DQ-59 was merged as the 已完成 its hidden cell still held, and cell-merged said only the
    top-left cell was read. What a merge hides is now listed, never taken as an answer nobody sees."""
    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    parts = _unzip(path.read_bytes())
    rid = re.search(r'<sheet [^>]*name="牵头任务"[^>]*r:id="(rId\d+)"', parts["xl/workbook.xml"].decode())[1]
    relationship = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*>', parts["xl/_rels/workbook.xml.rels"].decode())[0]
    sheet = "xl/" + re.search(r'Target="/?(?:xl/)?([^"]+)"', relationship)[1]
    xml = parts[sheet].decode()
    xml = re.sub(r"<mergeCells[^>]*>", lambda m: m[0] + '<mergeCell ref="G3:G4"/>', xml)
    parts[sheet] = xml.replace('<mergeCells count="1">', '<mergeCells count="2">').encode()
    assert b'ref="G3:G4"' in parts[sheet]
    path.write_bytes(_zip(parts))
    _, result = merged(ws_root, path)
    assert ("牵头任务", "G3:G4", "cell-merged") in set(located(result))
    assert (entry(result, "DQ-34").status, entry(result, "DQ-59").status) == ("序时推进", "")
    hidden = [(u.cell, u.value, u.task_id) for u in result.unmerged if u.reason == "被合并单元格遮住，未汇总"]
    assert hidden == [("G4", "已完成", "DQ-59")]


def test_merged_cells_renamed_and_extra_sheets(ws_root, tmp_path):
    def edit(book):
        book["牵头任务"].merge_cells("I3:J3")
        book["配合任务"].title = "配合"
        book.create_sheet("备忘").append(["这里有一句话"])

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit))
    assert {
        ("牵头任务", "I3:J3", "cell-merged"),
        ("配合", None, "sheet-renamed"),
        ("备忘", None, "sheet-extra"),
    } <= set(located(result))
    assert ("备忘", "A1", "这里有一句话") in {(u.sheet, u.cell, u.value) for u in result.unmerged}
    assert entry(result, "DQ-32").sheet == "配合"


@pytest.mark.parametrize("hidden", [True, False], ids=["original-hidden", "original-untouched"])
@pytest.mark.parametrize("first", [True, False], ids=["copy-before", "copy-after"])
def test_a_task_sheet_copied_and_filled_is_what_the_unit_reported(ws_root, tmp_path, first, hidden):
    """A unit copied 牵头任务 (移动或复制 → 建立副本; WPS puts 牵头任务 (2) after it, Excel before) and filled the copy,
    the original hidden or left as it came. The original was read first: every filled row was a duplicate left
    unmerged and the unit was 未报送本期进展 (return-empty), or a copy before it was 多出的工作表. What the unit
    fills is its report: the copy, said to be the renamed sheet; a sheet left as render wrote it gives way."""

    def edit(book):
        copy = book.copy_worksheet(book["牵头任务"])
        copy.title = "牵头任务 (2)"
        if hidden:
            book["牵头任务"].sheet_state = "hidden"
        if first:
            book.move_sheet(copy, offset=-(len(book.sheetnames) - 1))

    book = fill_return(outbox(ws_root, FINANCE), tmp_path / "copied.xlsx", {}, edit=edit)
    _, result = merged(ws_root, fill_return(book, tmp_path / "财政局.xlsx", GOOD, sheet="牵头任务 (2)"))
    assert (entry(result, "DQ-59").sheet, entry(result, "DQ-59").status) == ("牵头任务 (2)", "已完成")
    codes = {code for _, _, code in located(result, "财政局.xlsx")}
    assert "return-empty" not in codes and "sheet-extra" not in codes
    assert ("牵头任务 (2)", None, "sheet-renamed") in located(result)


def test_two_returns_from_one_unit_the_latest_wins(ws_root, tmp_path):
    early = fill_return(outbox(ws_root, FINANCE), tmp_path / "a" / "第一次.xlsx", {"DQ-34": {"本月进展": "初稿"}})
    late = fill_return(outbox(ws_root, FINANCE), tmp_path / "b" / "第二次.xlsx", GOOD)
    os.utime(early, (late.stat().st_mtime - 3600,) * 2)  # saved an hour before the second one
    collect_returns(WorkspacePaths(ws_root), JUNE, [early])
    _, result = merged(ws_root, late)
    assert entry(result, "DQ-34").progress == "已采购新能源车 12 辆"
    assert [(r.file, r.state) for r in result.returns] == [("第一次.xlsx", "superseded"), ("第二次.xlsx", "merged")]
    assert ("第一次.xlsx", "return-superseded") in {(p.file, p.code) for p in result.problems}
    assert ("H3", "初稿") in {(u.cell, u.value) for u in result.unmerged if u.file == "第一次.xlsx"}


def test_wrong_period_and_other_senders_file(ws_root, tmp_path):
    may = fill_return(outbox(ws_root, FINANCE, MAY), tmp_path / "五月.xlsx", GOOD)
    msg = EmailMessage()
    msg["From"] = "swju@gangcheng.example.cn"  # the tax bureau sends the finance bureau's file
    msg["Subject"] = "报送"
    msg["Date"] = "Mon, 05 Jul 2021 09:00:00 +0800"
    msg.set_content("见附件")
    data = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD).read_bytes()
    msg.add_attachment(data, maintype="application", subtype="octet-stream", filename="财政局.xlsx")
    (tmp_path / "reply.eml").write_bytes(bytes(msg))
    _, result = merged(ws_root, may, tmp_path / "reply.eml")
    assert {(p.file, p.code) for p in result.problems if p.code.startswith("return-")} == {
        ("五月.xlsx", "return-wrong-period"),
        ("财政局.xlsx", "return-held"),  # waits for the office to confirm it (tests/test_senders.py)
    }
    assert not any(e.unit == FINANCE for e in result.entries)
    assert any(u.file == "财政局.xlsx" and u.value == "已采购新能源车 12 辆" for u in result.unmerged)
    assert any(u.file == "五月.xlsx" and u.value == "资金已拨付" for u in result.unmerged)


def test_bad_files_are_named_and_never_stop_the_good_ones(ws_root, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    good = fill_return(outbox(ws_root, FINANCE), bad / "财政局.xlsx", GOOD)
    (bad / "损坏.xlsx").write_bytes(good.read_bytes()[:3000])
    (bad / "扫描件.pdf").write_bytes(b"%PDF-1.4 scanned")
    (bad / "说明.docx").write_bytes(_zip({"word/document.xml": b"<w/>"}))
    encrypted = io.BytesIO()
    with open(outbox(ws_root, TAX), "rb") as plain:
        office = msoffcrypto.format.ooxml.OOXMLFile(plain)
        office.encrypt("secret", encrypted)
    (bad / "加密.xlsx").write_bytes(encrypted.getvalue())
    macro = _zip({**_unzip(outbox(ws_root, WATER).read_bytes()), "xl/vbaProject.bin": b"\x00vba"})
    (bad / "水务局.xlsm").write_bytes(macro)
    _, result = merged(ws_root, bad)
    codes = {(p.file, p.code) for p in result.problems if p.code.startswith("return-")}
    assert codes == {
        ("损坏.xlsx", "return-unreadable"),
        ("扫描件.pdf", "return-scan-only"),  # a scan alone, from nobody known: asks for the workbook
        ("说明.docx", "return-not-workbook"),
        ("加密.xlsx", "return-encrypted"),
        ("水务局.xlsm", "return-macro"),
        ("水务局.xlsm", "return-empty"),  # sent back as rendered: nothing of it is this round's report
    }
    assert entry(result, "DQ-59").progress == "资金已拨付"
    assert {r.unit for r in result.returns if r.state == "merged"} == {FINANCE, WATER}


def test_zip_bombs_are_not_inflated(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(_zip({"xl/workbook.xml": b"<w/>", "xl/big.xml": b"\0" * (12 * 1024 * 1024)}))
    with pytest.raises(ReturnError) as caught:
        read_return(bomb)
    assert caught.value.code == "return-too-large"


def test_a_workbook_typed_from_scratch_is_matched_by_task_id_and_flagged(ws_root, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["任务编号", "具体措施", "完成状态", "本月进展"])
    sheet.append(["DQ-34", "凡是财政资金购买的……", "序时推进", "手工填写的进展"])
    path = tmp_path / "钢城区财政局6月报送.xlsx"
    book.save(path)
    _, result = merged(ws_root, path)
    assert entry(result, "DQ-34").progress == "手工填写的进展"
    assert ("钢城区财政局6月报送.xlsx", "return-no-metadata") in {(p.file, p.code) for p in result.problems}


def test_merge_is_idempotent_and_writes_the_outputs(ws_root, tmp_path):
    collect_returns(
        WorkspacePaths(ws_root), JUNE, [fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)]
    )
    ws = load_workspace(ws_root)
    first = [p.read_bytes() for p in write_merge(ws, merge_period(ws, JUNE))]
    second = [p.read_bytes() for p in write_merge(ws, merge_period(ws, JUNE))]
    in_two = write_merge(ws, merge_period(ws, JUNE), jobs=2)  # the three files written by two processes at once
    assert [p.name for p in in_two] == ["merged.xlsx", "problems.xlsx", "merged.json"]
    assert first == second == [p.read_bytes() for p in in_two]
    master = openpyxl.load_workbook(ws_root / "build/2021-06/merged.xlsx")["汇总台账"]
    rows = {r[0]: r for r in master.iter_rows(min_row=3, values_only=True)}
    assert len(rows) == len(ws.tasks)
    assert rows["DQ-34"][7:9] == ("序时推进", "已采购新能源车 12 辆")  # one lead: its words as they are
    assert rows["DQ-59"][7:9] == ("钢城区财政局：已完成", "钢城区财政局：资金已拨付")  # three leads: each named
    data = json.loads((ws_root / "build/2021-06/merged.json").read_text(encoding="utf-8"))
    assert data["stats"]["merged"] == 1
    problems = openpyxl.load_workbook(ws_root / "build/2021-06/problems.xlsx")["问题清单"]
    assert problems.max_row - 2 == len(data["problems"])
    # a loose printed page of either says whose and which round it is, as the report's workbook does
    for name, what in (("merged.xlsx", "汇总台账"), ("problems.xlsx", "问题清单")):
        book = openpyxl.load_workbook(ws_root / "build/2021-06" / name)
        assert book.properties.title == f"{ws.config.title}2021年6月{what}"  # no Western space in the title
        for sheet in book:
            header = sheet.oddHeader
            assert (header.left.text, header.center.text, header.right.text) == (
                ws.config.office.name,
                f"{ws.config.title}2021年6月{what}",
                "数据截至2021年6月30日",
            ), (name, sheet.title)


def test_reading_in_several_processes_gives_the_same_result(ws_root, tmp_path, monkeypatch):
    """Every kind of file a period holds, merged by one process and by three: the same result, the same files."""
    inbox = tmp_path / "inbox"
    draft = fill_return(outbox(ws_root, FINANCE), inbox / "a" / "初稿.xlsx", {"DQ-34": {"本月进展": "初稿"}})
    answers = {**GOOD, "DQ-60": {"完成状态": "完成", "完成时间": "2021.6.30"}}
    final = fill_return(outbox(ws_root, FINANCE), inbox / "b" / "财政局.xlsx", answers)
    os.utime(draft, (final.stat().st_mtime - 3600,) * 2)  # superseded by the later one
    tax = {"FGF-13": {"完成状态": "序时推进", "本月进展": "已开展培训"}}
    may = fill_return(outbox(ws_root, TAX, MAY), inbox / "c" / "税务局五月.xlsx", tax)
    macro = _zip({**_unzip(outbox(ws_root, WATER).read_bytes()), "xl/vbaProject.bin": b"\x00vba"})
    (inbox / "c" / "水务局.xlsm").write_bytes(macro)
    (inbox / "c" / "损坏.xlsx").write_bytes(final.read_bytes()[:3000])
    (inbox / "c" / "钢城区财政局盖章页.pdf").write_bytes(b"%PDF-1.4 scanned")
    withdrawn = fill_return(outbox(ws_root, TAX), inbox / "d" / "税务局.xlsx", tax)
    collect_returns(WorkspacePaths(ws_root), JUNE, [draft, final, may, inbox / "c", withdrawn])
    ws = load_workspace(ws_root)
    withdraw_return(ws, JUNE, "税务局.xlsx", why="重复报送")
    single = merge_period(ws, JUNE, jobs=1)
    assert {r.state for r in single.returns} == {"merged", "superseded", "refused", "withdrawn", "evidence"}
    assert {u.file for u in single.unmerged} == {"初稿.xlsx", "税务局五月.xlsx"}  # a withdrawn file is not opened
    outputs = [p.read_bytes() for p in write_merge(ws, single)]
    monkeypatch.setattr("ledger.merge.READS_PER_PROCESS", 1)  # these few files shared out all the same
    several = merge_period(ws, JUNE, jobs=3)
    assert several.to_dict() == single.to_dict()
    assert [p.read_bytes() for p in write_merge(ws, several)] == outputs


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_next_render_prefills_last_months_answers_and_drops_closed_tasks(ws_root, tmp_path):
    answers = {
        "DQ-34": {"完成状态": "已完成", "本月进展": "全部采购完毕", "完成时间": date(2021, 6, 28)},
        "DQ-60": {"完成状态": "序时推进", "本月进展": "资金到位 80%", "存在问题": "=未完成部分"},
    }
    collect_returns(
        WorkspacePaths(ws_root), JUNE, [fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers)]
    )
    ws = load_workspace(ws_root)
    july = render(ws, Period(2021, 7), [FINANCE])
    sheet = openpyxl.load_workbook(july.outbox / f"{FINANCE}.xlsx")["牵头任务"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    assert "DQ-34" not in rows  # its only lead reported it done in June
    assert rows["DQ-60"][6:9] == ("序时推进", "资金到位 80%", "=未完成部分")


def test_a_street_answering_by_group_merges_without_noise(ws_root, tmp_path):
    street = "艾山街道"

    def detail(book):
        sheet = book["配合任务明细"]
        for row in sheet.iter_rows(min_row=3):
            if row[0].value == "DQ-12":
                row[7].value = "已督促辖区工地落实扬尘管控"  # 本月进展 of one task, status left empty

    groups = {
        "DQ-配2": {"本月进展": "开展扬尘专项检查6次", "存在问题": "部分工地覆盖不到位"},
        "FGF-配1": {"本月进展": "配合做好审批改革"},
    }
    leads = {
        "FGF-30": {"完成状态": "序时推进", "本月进展": "推进中"},
        "FGF-41": {"完成状态": "序时推进", "本月进展": "推进中"},
    }
    path = fill_return(outbox(ws_root, street), tmp_path / "a.xlsx", groups, sheet="配合任务", edit=detail)
    path = fill_return(path, tmp_path / "艾山街道.xlsx", leads)
    ws, result = merged(ws_root, path)
    lead_ids = {t.id for t in ws.tasks_of(street)[0]}
    assert set(leads) == lead_ids
    assert located(result) == []  # no status-missing, task-missing or row-added for 131 optional support rows
    by_id = {e.task_id: e for e in result.entries if e.unit == street}
    assert (by_id["DQ-配2"].role, by_id["DQ-配2"].progress) == ("group", "开展扬尘专项检查6次")
    assert by_id["DQ-配2"].issues == "部分工地覆盖不到位"
    assert (by_id["DQ-12"].role, by_id["DQ-12"].status, by_id["DQ-12"].progress) == (
        "support",
        "",
        "已督促辖区工地落实扬尘管控",
    )
    write_merge(ws, result)
    ledger = openpyxl.load_workbook(ws_root / "build/2021-06/merged.xlsx")["汇总台账"]
    headers = [c.value for c in ledger[2]]
    feedback = {row[0]: row[headers.index("配合单位反馈")] for row in ledger.iter_rows(min_row=3, values_only=True)}
    assert feedback["DQ-12"] == "艾山街道：已督促辖区工地落实扬尘管控\n艾山街道（本类综合）：开展扬尘专项检查6次"
    assert feedback["DQ-13"] == "艾山街道（本类综合）：开展扬尘专项检查6次"  # the group's answer, said as such
    assert feedback["DQ-1"] is None  # nothing written for it: nothing claimed, no "未选状态"
    # next month the group's answer is prefilled in its row
    july = render(load_workspace(ws_root), Period(2021, 7), [street])
    sheet = openpyxl.load_workbook(july.outbox / f"{street}.xlsx")["配合任务"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    assert rows["DQ-配2"][6:8] == ("开展扬尘专项检查6次", "部分工地覆盖不到位")


def test_problem_list_for_the_office_errors_first_highlighted_named_in_chinese(ws_root, tmp_path):
    early = fill_return(outbox(ws_root, TAX), tmp_path / "a" / "税务局初稿.xlsx", {"FGF-13": {"本月进展": "初稿"}})
    late = fill_return(outbox(ws_root, TAX), tmp_path / "b" / "税务局.xlsx", {"FGF-13": {"本月进展": "推进中"}})
    wrong = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", {"DQ-34": {"完成状态": "差不多"}})
    collect_returns(WorkspacePaths(ws_root), JUNE, [early])
    ws, result = merged(ws_root, late, wrong)
    write_merge(ws, result)
    book = openpyxl.load_workbook(ws_root / "build/2021-06/problems.xlsx")
    sheet = book["问题清单"]
    headers = [c.value for c in sheet[2]]
    assert headers == ["级别", "问题", "单位", "文件", "工作表", "单元格", "说明", "处理办法", "代码"]
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3)]
    levels = [row[0].value for row in rows]
    assert levels == sorted(levels, key=lambda v: v != "错误") and levels[0] == "错误"  # errors first
    for level in ("错误", "提示"):  # then by unit
        units = [row[2].value for row in rows if row[0].value == level]
        assert units == sorted(units)
    first = rows[0]
    assert (first[1].value, first[2].value, first[-1].value) == ("完成状态无效", FINANCE, "status-invalid")
    assert first[0].fill.fgColor.rgb[-6:] == "FFC7CE" and rows[-1][0].fill.fill_type is None  # errors highlighted
    assert all(row[1].value for row in rows)  # every type named in Chinese
    assert sheet.column_dimensions["I"].width < 10  # the stable code: a narrow last column
    merged_book = openpyxl.load_workbook(ws_root / "build/2021-06/merged.xlsx")
    times = [row[2].value for row in merged_book["报送情况"].iter_rows(min_row=3)]
    assert times and all(isinstance(t, datetime) for t in times)  # real date-times, sortable and filterable
    unmerged = book["未汇总内容"]
    assert [c.value for c in unmerged[2]][:2] == ["文件", "原因"]
    files = [row[0] for row in unmerged.iter_rows(min_row=3, values_only=True)]
    assert files == sorted(files) and "税务局初稿.xlsx" in files
    with zipfile.ZipFile(ws_root / "build/2021-06/problems.xlsx") as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    heights = [float(h) for h in re.findall(r'<row r="\d+" ht="([\d.]+)"', xml)]
    assert len(heights) > 3 and "customHeight" not in xml.split("<sheetData>")[1]  # rows fit their text


def test_every_problem_row_names_the_unit_its_file_came_from():
    from ledger.entries import MergeResult, ReturnInfo
    from ledger.master import sorted_problems
    from ledger.problems import problem

    found = [
        problem("return-macro", file="回复.xlsm"),  # raised before the file's unit was known
        problem("cell-merged", file="财政局.xlsx", sheet="牵头任务", cell="I3:J3", unit=FINANCE),
        problem("status-invalid", file="税务局.xlsx", unit=TAX, value="差不多", statuses="已完成"),
        problem("file-missing", path="source/units.xlsx"),  # no file of a unit: stays without one
    ]
    returns = [ReturnInfo(file="回复.xlsm", unit=WATER, received_at="", sender="", state="merged")]
    result = MergeResult(period=JUNE, entries=[], problems=found, returns=returns, unmerged=[])
    listed = [(p.code, p.unit) for p in sorted_problems(result)]
    assert listed == [
        ("status-invalid", TAX),  # errors first, by unit; one that names no unit last among them
        ("file-missing", None),
        ("return-macro", WATER),  # then the warnings by unit; the file was merged as 莱芜区水务局's
        ("cell-merged", FINANCE),
    ]


def test_task_ids_typed_full_width_lower_case_or_with_invisible_characters_merge(ws_root, tmp_path):
    typed = {"DQ-34": "ＤＱ－３４", "DQ-59": "dq-59", "DQ-60": "DQ-\u200b60\u00a0"}
    answers = {
        "DQ-34": {"完成状态": "序时推进", "本月进展": "全角编号"},
        "DQ-59": {"完成状态": "已完成", "本月进展": "小写编号"},
        "DQ-60": {"完成状态": "滞后", "本月进展": "零宽空格"},
    }

    def retype(book):
        for row in book["牵头任务"].iter_rows(min_row=3):
            row[0].value = typed.get(row[0].value, row[0].value)

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers, edit=retype))
    assert [entry(result, t).progress for t in typed] == ["全角编号", "小写编号", "零宽空格"]
    assert not {"task-unknown", "task-missing", "locked-edited"} & {p.code for p in result.problems}


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-16", "\t"), ("utf-16-be", ";"), ("utf-16-le", "\t"), ("gb18030", ";"), ("utf-8-sig", "\t")],
)
def test_a_text_export_in_any_encoding_or_delimiter_merges_and_reads_as_a_source_table(
    ws_root, tmp_path, encoding, delimiter
):
    """Excel's "Unicode text" (UTF-16, tabs), a semicolon export, GB18030: one reader for returns and sources."""
    from ledger.config import DocumentConfig
    from ledger.source import find_header, read_document_sheet
    from ledger.tables import read_sheets

    sheet = openpyxl.load_workbook(outbox(ws_root, FINANCE))["牵头任务"]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[1]
    for row in rows[2:]:
        if row[0] == "DQ-59":
            row[header.index("完成状态")], row[header.index("本月进展")] = "已完成", "资金已拨付；另见附件"
    text = "\r\n".join(delimiter.join(f'"{v}"' if delimiter in v else v for v in row) for row in rows) + "\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # with its byte-order mark; utf-16-le is written without one
    path = tmp_path / f"{FINANCE}.csv"
    path.write_bytes(data)
    ws, result = merged(ws_root, path)
    assert entry(result, "DQ-59").progress == "资金已拨付；另见附件"
    assert [r.state for r in result.returns] == ["merged"]
    table = read_sheets(path)[0]
    found = find_header(table.rows, {})
    assert found is not None
    tasks = read_document_sheet(table, found, DocumentConfig(code="EX", file=path.name), path.name, ws.registry, 2021)
    assert [t.id for t in tasks.tasks] == [row[0] for row in rows[2:] if re.fullmatch(r"[A-Z]+-\d+", row[0])]


DTD_PROPERTIES = b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "x">]><Properties>&a;</Properties>'


def test_no_file_stops_a_round(ws_root, tmp_path):
    """Hostile files beside a good one: each refused with a problem on it, the good one merged."""
    inbox = tmp_path / "inbox"
    fill_return(outbox(ws_root, FINANCE), inbox / "财政局.xlsx", GOOD)

    def without_metadata(book):
        del book[META_SHEET]

    stripped = fill_return(outbox(ws_root, TAX), tmp_path / "税务局.xlsx", GOOD, edit=without_metadata)
    (inbox / "钢城区税务局.xlsx").write_bytes(
        _zip({**_unzip(stripped.read_bytes()), "docProps/custom.xml": DTD_PROPERTIES})
    )
    far = {**_unzip(outbox(ws_root, WATER).read_bytes())}
    far["xl/worksheets/sheet1.xml"] = far["xl/worksheets/sheet1.xml"].replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    )
    (inbox / "莱芜区水务局.xlsx").write_bytes(_zip(far))
    ws, result = merged(ws_root, inbox)
    assert sorted((p.file, p.code) for p in result.problems if p.code.startswith("return-")) == [
        ("莱芜区水务局.xlsx", "return-sheet-too-large"),
        ("钢城区税务局.xlsx", "return-unreadable"),
    ]
    assert {(r.file, r.unit, r.state) for r in result.returns} == {
        ("财政局.xlsx", FINANCE, "merged"),
        ("钢城区税务局.xlsx", TAX, "refused"),
        ("莱芜区水务局.xlsx", WATER, "refused"),
    }
    withdraw_return(ws, JUNE, "莱芜区水务局.xlsx", why="异常文件")
    assert "return-sheet-too-large" not in {p.code for p in merge_period(ws, JUNE).problems}  # not opened


def test_a_failure_no_check_foresaw_is_a_problem_on_that_file(ws_root, tmp_path, monkeypatch):
    good = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    other = fill_return(outbox(ws_root, TAX), tmp_path / "税务局.xlsx", GOOD)
    collect_returns(WorkspacePaths(ws_root), JUNE, [good, other])
    ws = load_workspace(ws_root)
    assert "return-read-failed" not in {p.code for p in merge_period(ws, JUNE).problems}
    real = merge_module.read_bytes

    def failing(data, name, limits):
        if name == "税务局.xlsx":
            raise MemoryError("out of memory")
        return real(data, name, limits)

    monkeypatch.setattr(merge_module, "read_bytes", failing)
    result = merge_period(ws, JUNE)
    assert [(p.file, p.code) for p in result.problems if p.code.startswith("return-")] == [
        ("税务局.xlsx", "return-read-failed")
    ]
    assert entry(result, "DQ-59").progress == "资金已拨付"


def test_a_file_of_many_added_rows_is_listed_up_to_a_cap_and_summarised_beyond(ws_root, tmp_path):
    def add_rows(book):
        sheet = book["牵头任务"]
        for r in range(40, 40 + 3000):
            sheet.cell(r, 2).value = f"新增{r}"
            sheet.cell(r, 4).value = "说明"

    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=add_rows)
    ws, result = merged(ws_root, path)
    mine = [u for u in result.unmerged if u.file == "财政局.xlsx"]
    listed = [u for u in mine if ":" not in u.cell]
    summaries = [u for u in mine if ":" in u.cell]
    assert len(listed) == LISTED_PER_FILE
    assert len(summaries) == 1 and summaries[0].cell.endswith("D3039")
    count = int(re.search(r"共([\d,]+)个", summaries[0].value)[1].replace(",", ""))
    assert len(listed) + count == 6000  # every typed value listed or counted
    assert len(result.problems) <= LISTED_PER_FILE + 1
    assert result.problems[-1].code == "problems-not-listed"
    paths = write_merge(ws, result)
    assert all(p.stat().st_size < 5_000_000 for p in paths)


def test_a_torn_record_line_is_a_warning_not_a_stop(ws_root, tmp_path):
    good = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)
    collect_returns(WorkspacePaths(ws_root), JUNE, [good])
    with open(WorkspacePaths(ws_root).corrections(JUNE), "ab") as handle:
        handle.write(b'{"file": "\xe8\xb4\xa2\xe6\x94\xbf')  # a withdrawal torn by a full disk
    send_log = WorkspacePaths(ws_root).send_log(JUNE)
    send_log.parent.mkdir(parents=True, exist_ok=True)
    send_log.write_bytes(b'{"key": "workbook:')  # a send record torn by a kill
    ws = load_workspace(ws_root)
    result = merge_period(ws, JUNE)
    assert [(p.file, p.code) for p in period_notes(ws.paths, JUNE)] == [
        ("source/returns/2021-06/corrections.jsonl", "record-torn"),
        ("source/mail/2021-06.jsonl", "record-torn"),
    ]
    assert entry(result, "DQ-59").progress == "资金已拨付"
    for command in (["status", "--jobs", "1"], ["mail"], ["returns", "list"]):
        said = CliRunner().invoke(main, [*command, "-w", str(ws_root), "-p", "2021-06"])
        assert said.exit_code == 0 and "record-torn" in said.output, (command, said.output)


def test_a_return_whose_task_id_column_was_deleted_is_an_error_not_a_report_on_time(ws_root, tmp_path):
    """A unit deleted the 任务编号 column of both task sheets: not one row could be read, every task stayed 未报送,
    and yet the unit counted as 按时报送, with only warnings on its file."""

    def edit(book):
        for name in ("牵头任务", "配合任务"):
            book[name].protection.sheet = False
            book[name].delete_cols(1)

    ws, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit))
    assert [(p.file, p.code) for p in result.problems if p.severity == "error"] == [
        ("财政局.xlsx", "return-tasks-unread")
    ]
    assert ("牵头任务", "G3", "已采购新能源车 12 辆") in {(u.sheet, u.cell, u.value) for u in result.unmerged}
    report = build_report(ws, JUNE, result, build_history(ws, JUNE), issued=date(2021, 7, 9))
    assert FINANCE in [u.unit for u in report.units if u.state == "error"]


def test_a_file_put_in_the_returns_folder_by_hand_with_a_gbk_name_stops_no_command(ws_root, tmp_path):
    """On a Chinese Linux desktop (UOS, Kylin) a clerk unzips a unit's Windows zip straight into the returns folder:
    the GBK name stopped merge, status and report with a traceback (the name cannot be written as text). It is
    said, with what to do, and the round goes on."""
    from ledger.history import merge_key

    collect_returns(
        WorkspacePaths(ws_root), JUNE, [fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD)]
    )
    folder = WorkspacePaths(ws_root).returns(JUNE)
    gbk = os.fsdecode(os.fsencode(folder) + b"/" + "钢城区税务局6月.xlsx".encode("gbk"))
    fill_return(outbox(ws_root, TAX), Path(gbk), GOOD)
    ws = load_workspace(ws_root)
    result = merge_period(ws, JUNE)
    assert [(r.file, r.state) for r in result.returns] == [("财政局.xlsx", "merged")]
    assert merge_key(ws, JUNE)
    assert [(p.code, p.file) for p in period_notes(ws.paths, JUNE)] == [
        ("return-name-unreadable", "钢城区税务局6月.xlsx")
    ]
    run = CliRunner().invoke(main, ["status", "-w", str(ws_root), "-p", "2021-06"])
    assert run.exit_code == 0 and run.exception is None, run.output


def test_a_stored_return_edited_or_deleted_after_collection_is_said_in_chinese(ws_root, tmp_path):
    """A clerk opens a stored return in WPS and saves it, or deletes one: merge read the edited file as the unit's
    without a word, and a deleted one was refused with the system's English "No such file or directory" — then as
    报送文件损坏, asking the unit to open its sound file and send it again. It is the office's copy that went."""
    collect_returns(
        WorkspacePaths(ws_root),
        JUNE,
        [
            fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD),
            fill_return(outbox(ws_root, TAX), tmp_path / "税务局.xlsx", GOOD),
        ],
    )
    folder = WorkspacePaths(ws_root).returns(JUNE)
    book = openpyxl.load_workbook(folder / "财政局.xlsx")
    book["牵头任务"]["H3"] = "办公室改过的进展"
    book.save(folder / "财政局.xlsx")
    (folder / "税务局.xlsx").unlink()
    result = merge_period(load_workspace(ws_root), JUNE)
    assert sorted((p.file, p.code) for p in result.problems if p.code.startswith("return-")) == [
        ("税务局.xlsx", "return-file-missing"),
        ("财政局.xlsx", "return-changed"),
    ]
    gone = next(p for p in result.problems if p.code == "return-file-missing")
    assert "source/returns/2021-06" in gone.message and "放回" in gone.hint and gone.unit is None
    assert entry(result, "DQ-34").progress == "办公室改过的进展"  # read as it now is, and said


def test_a_text_beyond_what_an_excel_cell_holds_is_named_and_kept_whole(ws_root, tmp_path):
    """A 40,000-character 本月进展 (a .csv or an .ods holds one; Excel cannot) was cut in merged.xlsx and 汇总台账.xlsx
    without a word. Its cell is named, merged.json keeps it whole, and the workbook says where it was cut."""
    from ledger.xlsx import CUT_MARK

    sheet = openpyxl.load_workbook(outbox(ws_root, FINANCE))["牵头任务"]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    header = rows[1]
    long_text = "资金已拨付，" + "详细情况" * 10_000
    for row in rows[2:]:
        if row[0] == "DQ-59":
            row[header.index("完成状态")], row[header.index("本月进展")] = "已完成", long_text
    path = tmp_path / f"{FINANCE}.csv"
    path.write_text("\r\n".join(",".join(row) for row in rows) + "\r\n", encoding="utf-8-sig")
    ws, result = merged(ws_root, path)
    cell = f"{chr(ord('A') + header.index('本月进展'))}{next(r for r, row in enumerate(rows, 1) if row[0] == 'DQ-59')}"
    assert (FINANCE, cell, "cell-text-too-long") in located(result)
    assert entry(result, "DQ-59").progress == long_text
    write_merge(ws, result)
    saved = json.loads((ws_root / "build/2021-06/merged.json").read_text(encoding="utf-8"))
    assert long_text in json.dumps(saved, ensure_ascii=False)
    detail = openpyxl.load_workbook(ws_root / "build/2021-06/merged.xlsx")["填报明细"]
    [written] = [c.value for row in detail.iter_rows() for c in row if str(c.value).startswith("资金已拨付，详细")]
    assert written.endswith(CUT_MARK) and long_text.startswith(written.removesuffix(CUT_MARK))


def test_a_paragraph_pasted_into_a_status_cell_is_quoted_briefly_in_its_problem(ws_root, tmp_path):
    """A report pasted whole into 完成状态: the problem names the cell and quotes the start of what is there, so the
    reminder mail and problems.xlsx stay readable; the whole text is still merged as typed."""
    pasted = "本单位高度重视，召开专题会议研究部署，" * 20
    answers = {"DQ-34": {"完成状态": pasted, "本月进展": "推进中"}}
    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", answers))
    [invalid] = [p for p in result.problems if p.code == "status-invalid"]
    assert f"“{pasted[:60]}…”" in invalid.message and len(invalid.message) < 160
    assert [e.status for e in result.entries if e.task_id == "DQ-34" and e.unit == FINANCE] == [pasted]


def test_what_a_unit_types_on_the_instructions_sheet_is_named_and_kept_never_lost(ws_root, tmp_path):
    """填报说明 is protected without a password: a unit that unprotects it and writes its answer there (beside the
    text, over it, below it, in a comment) had it dropped without a word. The hidden metadata holds a digest of
    each line render wrote in column A: a line as written is the office's and is not listed; everything else on
    the sheet is named and kept."""

    def edit(book):
        sheet = book["填报说明"]
        rendered = sheet.max_row
        sheet["C2"] = "DQ-59已完成，请查收"
        sheet["A3"] = "本单位意见：DQ-59资金已拨付"  # a line of the office's text written over
        sheet.cell(rendered + 1, 1).value = "补充：DQ-60下月完工"  # right below the office's text
        sheet.cell(rendered + 3, 1).value = 1250
        sheet.cell(rendered + 4, 1).value = '="合计"&"1250"'  # a formula: openpyxl stores no value for it
        sheet["B1"].comment = openpyxl.comments.Comment("见附件", "张三")

    rendered = openpyxl.load_workbook(outbox(ws_root, FINANCE))["填报说明"].max_row
    path = fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit)
    _, result = merged(ws_root, path)
    kept = {(u.sheet, u.cell, u.value) for u in result.unmerged if u.sheet == "填报说明"}
    assert kept == {
        ("填报说明", "C2", "DQ-59已完成，请查收"),
        ("填报说明", "A3", "本单位意见：DQ-59资金已拨付"),
        ("填报说明", f"A{rendered + 1}", "补充：DQ-60下月完工"),
        ("填报说明", f"A{rendered + 3}", "1250"),
        ("填报说明", f"A{rendered + 4}", '="合计"&"1250"'),
        ("填报说明", "B1", "见附件"),
    }
    assert ("填报说明", None, "instructions-typed") in set(located(result))
    assert entry(result, "DQ-59").status == "已完成"  # the return itself merges as ever


def test_a_row_a_unit_inserts_above_the_instructions_leaves_the_office_s_text_unlisted(ws_root, tmp_path):
    """A line of the office's text moved down by a row the unit inserted is still the office's: only what the
    unit wrote in the new row is listed."""

    def edit(book):
        book["填报说明"].insert_rows(1)
        book["填报说明"]["A1"] = "本单位说明：见牵头任务表"

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit))
    kept = {(u.sheet, u.cell, u.value) for u in result.unmerged if u.sheet == "填报说明"}
    assert kept == {("填报说明", "A1", "本单位说明：见牵头任务表")}


def test_on_a_workbook_rendered_before_the_instructions_were_digested_what_is_beside_the_text_is_kept(
    ws_root, tmp_path
):
    """Workbooks mailed before the metadata held 填报说明's lines: any text in column A is taken as the office's
    (a line written over is not told apart), everything else on the sheet is the unit's, as ever."""

    def edit(book):
        meta = book[META_SHEET]
        for r in range(meta.max_row, 0, -1):
            if meta.cell(r, 4).value == "instructions":
                meta.delete_rows(r)
        book["填报说明"]["A3"] = "本单位意见：DQ-59资金已拨付"
        book["填报说明"]["C2"] = "DQ-59已完成，请查收"

    _, result = merged(ws_root, fill_return(outbox(ws_root, FINANCE), tmp_path / "财政局.xlsx", GOOD, edit=edit))
    kept = {(u.sheet, u.cell, u.value) for u in result.unmerged if u.sheet == "填报说明"}
    assert kept == {("填报说明", "C2", "DQ-59已完成，请查收")}
    assert entry(result, "DQ-59").status == "已完成"
