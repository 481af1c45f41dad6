import hashlib
import json
import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from ledger import load_workspace
from ledger.deadlines import deadline_state
from ledger.history import History
from ledger.layout import (
    FIRST_TASK_ROW,
    FOOTER_ROWS,
    LEAD_SHEET,
    META_SHEET,
    SUPPORT_DETAIL_SHEET,
    SUPPORT_SHEET,
    WORKBOOK_COLUMNS,
    WORKBOOK_WIDTHS,
    cell_digest,
    fill_widths,
    workbook_cells,
)
from ledger.model import Period
from ledger.render import STATE_COLOURS, fill_columns_for, render_period
from ledger.xlsx import line_count, row_height

from .conftest import copy_example, libreoffice_pdf, make_workspace, render

JUNE = Period(2021, 6)
DEFAULT_FILL = ["完成状态", "本月进展", "存在问题", "下步计划"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = copy_example(tmp_path_factory.mktemp("render") / "ws")
    ws = load_workspace(root)
    return ws, render(ws, JUNE)


def task_ids(sheet):
    ids = []
    for row in sheet.iter_rows(min_row=FIRST_TASK_ROW + 1, max_col=1, values_only=True):
        if row[0] and "-" in str(row[0]):
            ids.append(row[0])
    return ids


def cell_of(sheet, task_id, header):
    headers = [c.value for c in sheet[FIRST_TASK_ROW]]
    for row in sheet.iter_rows(min_row=FIRST_TASK_ROW + 1):
        if row[0].value == task_id:
            return row[headers.index(header)]
    raise KeyError(task_id)


def test_every_unit_gets_exactly_its_tasks(rendered):
    ws, result = rendered
    involved = {u for t in ws.tasks for u in (*t.lead_units, *t.support_units)}
    assert {f.unit for f in result.files} == involved
    for f in result.files:
        book = openpyxl.load_workbook(result.outbox / f.file)
        lead, support = ws.tasks_of(f.unit)
        support_sheet = SUPPORT_DETAIL_SHEET if SUPPORT_DETAIL_SHEET in book.sheetnames else SUPPORT_SHEET
        assert (task_ids(book[LEAD_SHEET]) if lead else []) == [t.id for t in lead], f.unit
        assert (task_ids(book[support_sheet]) if support else []) == [t.id for t in support], f.unit
        assert (LEAD_SHEET in book.sheetnames, SUPPORT_SHEET in book.sheetnames) == (bool(lead), bool(support))


def test_headers_and_per_document_fill_columns(rendered):
    _, result = rendered
    book = openpyxl.load_workbook(result.outbox / "莱芜区水务局.xlsx")
    headers = [c.value for c in book[LEAD_SHEET][FIRST_TASK_ROW]]
    assert headers == [*WORKBOOK_COLUMNS, *DEFAULT_FILL, "完成时间", "累计完成投资（亿元）", "形象进度"]
    support = openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")[SUPPORT_SHEET]
    assert [c.value for c in support[FIRST_TASK_ROW]] == [*WORKBOOK_COLUMNS, *DEFAULT_FILL]
    assert "序号" not in headers  # 任务编号 holds it


def test_source_columns_locked_fill_columns_open_sheet_protected(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "钢城区发展改革局.xlsx")[LEAD_SHEET]
    assert sheet.protection.sheet and sheet.protection.autoFilter is False  # False: filtering allowed
    row = FIRST_TASK_ROW + 1
    n = len(WORKBOOK_COLUMNS)
    assert all(sheet.cell(row, c).protection.locked for c in range(1, n + 1))
    assert not any(sheet.cell(row, c).protection.locked for c in range(n + 1, n + 6))
    assert sheet.cell(row, 1).value == "DQ-3" and sheet.cell(row, 3).value.startswith("严禁新增钢铁")


def test_validation_lists_and_typed_columns(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "莱芜区水务局.xlsx")[LEAD_SHEET]
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    status = rules["G3:G7"]
    # errorStyle absent means "stop", the OOXML default: typed values outside the list are refused
    assert (status.type, status.errorStyle or "stop", status.formula1) == (
        "list",
        "stop",
        '"已完成,序时推进,滞后,未启动"',
    )
    assert status.showErrorMessage
    assert rules["K3:K7"].type == "date"
    assert (rules["L3:L7"].type, rules["L3:L7"].errorStyle or "stop") == ("decimal", "stop")
    assert sheet["L3"].number_format == "0.00"


def test_print_settings(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "钢城区发展改革局.xlsx")[LEAD_SHEET]
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)  # absent width means 1
    assert sheet.print_title_rows in ("2:2", "$2:$2")
    assert sheet["C3"].font.name == "宋体" and sheet["C3"].alignment.wrap_text
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["B"].width
    # each sheet numbers its pages from 1 and names unit, sheet and period at the top of every page
    assert sheet.page_setup.useFirstPageNumber and (sheet.page_setup.firstPageNumber or 1) == 1  # 1: the default
    assert sheet.oddHeader.left.text == "钢城区发展改革局" and sheet.oddHeader.center.text == LEAD_SHEET
    assert sheet.oddHeader.right.text == "2021年6月"


def test_overdue_and_due_soon_tasks_are_highlighted(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "市生态环境局钢城分局.xlsx")[LEAD_SHEET]
    fill = {tid: cell_of(sheet, tid, "完成时限").fill.fgColor.rgb[-6:] for tid in ("DQ-76", "DQ-1")}
    assert fill == {"DQ-76": "FFC7CE", "DQ-1": "F2F2F2"}  # due 2021-04-30: overdue; 全年: not yet
    # the mark is on the task ID and on the status cell the unit fills in, not only on the task text
    assert cell_of(sheet, "DQ-76", "任务编号").fill.fgColor.rgb[-6:] == "FFC7CE"
    status = cell_of(sheet, "DQ-76", "完成状态")
    assert status.fill.fgColor.rgb[-6:] == "FFC7CE" and not status.protection.locked
    assert cell_of(sheet, "DQ-1", "完成状态").fill.fill_type is None  # white: a cell to fill in
    dev = openpyxl.load_workbook(result.outbox / "钢城区发展改革局.xlsx")[LEAD_SHEET]
    assert cell_of(dev, "DQ-33", "完成时限").fill.fgColor.rgb[-6:] == "FFC7CE"  # due 2021-06-30: the round's last day


def test_a_deadline_the_document_wrote_with_western_spaces_is_written_as_offices_write_it(rendered):
    """The example's air-quality list has "2021 年 4 月底前" as its document did: a unit's workbook shows
    "2021年4月底前", and its return reads back as untouched."""
    ws, result = rendered
    task = next(t for t in ws.tasks if t.id == "DQ-76")
    assert task.deadline.raw == "2021 年 4 月底前"  # the source keeps its words
    sheet = openpyxl.load_workbook(result.outbox / "市生态环境局钢城分局.xlsx")[LEAD_SHEET]
    assert cell_of(sheet, "DQ-76", "完成时限").value == "2021年4月底前"
    assert workbook_cells(task, ws.registry.groups)[0][WORKBOOK_COLUMNS.index("完成时限")] == "2021年4月底前"


def instructions(path) -> str:
    return "\n".join(str(c.value) for c in openpyxl.load_workbook(path)["填报说明"]["A"] if c.value)


def test_instructions_sheet(rendered):
    _, result = rendered
    text = instructions(result.outbox / "钢城区财政局.xlsx")
    assert "钢城区2021年重点任务工作台账" in text and "钢城区财政局" in text  # no Western spaces around digits
    assert "请于2021年7月5日前" in text and "钢城区生态环境委员会办公室" in text
    assert "已完成、序时推进、滞后、未启动" in text
    assert "盖章页扫描件" in text and "作为附件一并发回" in text
    assert "王敏，电话0531-76128035" in text  # the contact line from ledger.toml
    # red is due by the round's end, true whether the workbook goes out before the month ends or after
    assert "标为红色的任务完成时限在本期末（2021年6月30日）前，到期未完成即为逾期" in text
    assert "预先填入" not in text  # the first month: nothing was prefilled
    assert "“各街道（功能区）”指艾山街道、汶源街道、里辛街道、颜庄街道、辛庄街道、钢城经济开发区" in text
    assert not re.search(r"[\u4e00-\u9fff] [0-9]|[0-9] [\u4e00-\u9fff]", text)


def test_no_empty_sheets(rendered):
    _, result = rendered
    support_only = openpyxl.load_workbook(result.outbox / "钢城区规划协调服务中心.xlsx")
    assert LEAD_SHEET not in support_only.sheetnames and SUPPORT_SHEET in support_only.sheetnames
    assert "本月无牵头任务" in instructions(result.outbox / "钢城区规划协调服务中心.xlsx")
    lead_only = openpyxl.load_workbook(result.outbox / "莱芜区水务局.xlsx")
    assert SUPPORT_SHEET not in lead_only.sheetnames and LEAD_SHEET in lead_only.sheetnames
    assert "本月无配合任务" in instructions(result.outbox / "莱芜区水务局.xlsx")


def test_freeze_panes_keep_task_id_and_text_in_view(rendered):
    _, result = rendered
    book = openpyxl.load_workbook(result.outbox / "艾山街道.xlsx")
    for name in (LEAD_SHEET, SUPPORT_SHEET, SUPPORT_DETAIL_SHEET):
        sheet = book[name]
        assert sheet.freeze_panes == "D3", name  # rows above 3 and columns 任务编号, 类别, 具体措施
        assert [c.value for c in sheet[FIRST_TASK_ROW]][:3] == ["任务编号", "类别", "具体措施"]


def row_attributes(path, sheet_index: int) -> dict[int, dict[str, str]]:
    """The <row> attributes of a sheet as stored in the package."""
    with zipfile.ZipFile(path) as package:
        xml = package.read(f"xl/worksheets/sheet{sheet_index}.xml").decode()
    rows = {}
    for attributes in re.findall(r"<row ([^>]*)>", xml):
        found = dict(re.findall(r'(\w+)="([^"]*)"', attributes))
        rows[int(found["r"])] = found
    return rows


def test_rows_are_sized_to_their_text_and_free_to_grow(rendered):
    _, result = rendered
    rows = row_attributes(result.outbox / "市生态环境局钢城分局.xlsx", 2)  # 牵头任务
    tasks = [rows[r] for r in range(FIRST_TASK_ROW + 1, FIRST_TASK_ROW + 10)]
    # a height for what is there now (LibreOffice prints with it), never fixed: Excel, WPS and LibreOffice grow
    # a row without customHeight when the unit types a longer answer
    assert all("customHeight" not in row and float(row["ht"]) > 15 for row in tasks)
    assert len({row["ht"] for row in tasks}) > 1


def test_prefilled_answers_are_given_room_and_mentioned(tmp_path):
    rows = [["序号", "具体措施", "完成时限", "牵头单位", "配合单位"], ["1", "做事。", "年底前", "区财政局", ""]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    long_answer = "本月完成了大量工作，" * 30
    history = History(period=JUNE, answers={("T-1", "示范区财政局"): {"本月进展": long_answer}})
    result = render_period(ws, JUNE, history)
    path = result.outbox / "示范区财政局.xlsx"
    assert "上次报送的内容已预先填入" in instructions(path)
    assert float(row_attributes(path, 2)[FIRST_TASK_ROW + 1]["ht"]) > 100  # 300 characters in a 本月进展 cell
    first_month = render(ws, JUNE)
    assert "预先填入" not in instructions(first_month.outbox / "示范区财政局.xlsx")


def test_task_rows_hold_what_the_unit_sees_cell_by_cell(tmp_path):
    """Every cell of every task row, read back: the locked task text, "—" where a column does not apply, last
    month's answers typed as their columns take them, the colours, the locks and the height of each row."""
    root = copy_example(tmp_path / "ws")
    config = (root / "ledger.toml").read_text(encoding="utf-8")
    extra = '\n[[documents.fill_columns]]\nheader = "办理时限（天）"\nkind = "number"\nlead_only = true\n'
    config = config.replace('default_deadline = "2021 年年底前"\n', 'default_deadline = "2021 年年底前"\n' + extra, 1)
    (root / "ledger.toml").write_text(config, encoding="utf-8")
    ws = load_workspace(root)
    unit = "钢城区发展改革局"  # leads tasks of DQ and of FGF, which alone has 办理时限（天）
    lead, _ = ws.tasks_of(unit)
    dq, fgf = [t for t in lead if t.document == "DQ"], [t for t in lead if t.document == "FGF"]
    answers = {
        (dq[0].id, unit): {"完成状态": "序时推进", "本月进展": "已完成 3 处", "完成时间": date(2021, 6, 20)},
        (fgf[0].id, unit): {"本月进展": "推进中" * 40, "办理时限（天）": 1.25, "存在问题": ""},
        (fgf[1].id, unit): {"办理时限（天）": "20个工作日"},  # not a number: kept as typed, as text
    }
    history = History(period=JUNE, answers=answers)
    path = render_period(ws, JUNE, history).outbox / f"{unit}.xlsx"
    sheet = openpyxl.load_workbook(path)[LEAD_SHEET]
    heights = row_attributes(path, 2)
    fill = fill_columns_for(ws, lead, "lead")
    assert [c.header for c in fill][-1] == "办理时限（天）"
    widths = fill_widths([(c.kind, c.width) for c in fill])
    by_code = {d.code: {c.header for c in d.fill_columns} for d in ws.config.documents}
    for r, task in enumerate(lead, FIRST_TASK_ROW + 1):
        locked, _ = workbook_cells(task, ws.registry.groups)
        previous = answers.get((task.id, unit), {})
        typed = [previous.get(c.header) or None if c.header in by_code[task.document] else "—" for c in fill]
        row = next(sheet.iter_rows(min_row=r, max_row=r, max_col=len(locked) + len(fill)))
        expected = [*locked, *(datetime(v.year, v.month, v.day) if isinstance(v, date) else v for v in typed)]
        assert [c.value for c in row] == expected, task.id
        colour = STATE_COLOURS[deadline_state(task.deadline, JUNE.last_day, ws.config.due_soon_days)][0][1:]
        assert [c.fill.fgColor.rgb[-6:] for c in row[: len(locked)]] == [colour] * len(locked), task.id
        assert all(c.protection.locked for c in row[: len(locked)]), task.id
        assert [c.protection.locked for c in row[len(locked) :]] == [v == "—" for v in typed], task.id
        lines = max(line_count(v, w) for v, w in zip(locked, WORKBOOK_WIDTHS, strict=True))
        answer = max((line_count(str(v), w) for v, w in zip(typed, widths, strict=True) if v and v != "—"), default=1)
        assert float(heights[r]["ht"]) == pytest.approx(row_height(max(lines, answer)), abs=0.75), task.id
        assert "customHeight" not in heights[r]
    assert cell_of(sheet, dq[0].id, "完成时间").number_format == "yyyy-mm-dd"
    assert cell_of(sheet, dq[0].id, "办理时限（天）").value == "—"
    assert cell_of(sheet, fgf[0].id, "办理时限（天）").data_type == "n"
    assert cell_of(sheet, fgf[1].id, "办理时限（天）").data_type == "s"


def test_a_unit_that_supports_many_answers_by_group(rendered):
    ws, result = rendered
    book = openpyxl.load_workbook(result.outbox / "艾山街道.xlsx")
    groups = book[SUPPORT_SHEET]
    headers = [c.value for c in groups[FIRST_TASK_ROW]]
    assert headers == [*WORKBOOK_COLUMNS, "本月进展", "存在问题", "下步计划"]  # no status to choose for a group
    ids = task_ids(groups)
    assert ids[:2] == ["DQ-配1", "DQ-配2"] and ids[-1] == "FGF-配4" and len(ids) == 12
    assert groups["C3"].value.startswith("本月配合情况（本类11项任务，DQ-1至DQ-11")
    hidden = groups.column_dimensions["D"]  # 完成时限, 牵头单位, 配合单位: empty for a group, its text gets the width
    assert hidden.hidden and (hidden.min, hidden.max) == (4, 6)
    _, support = ws.tasks_of("艾山街道")
    assert task_ids(book[SUPPORT_DETAIL_SHEET]) == [t.id for t in support]
    text = instructions(result.outbox / "艾山街道.xlsx")
    assert "已按类别分为12组" in text and "可选填" in text and "无需打印" in text
    few = openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")  # supports a few: one row per task
    assert SUPPORT_DETAIL_SHEET not in few.sheetnames
    assert "本月配合情况" not in str([c.value for c in few[SUPPORT_SHEET]["C"]])


def test_support_group_threshold_is_configurable(tmp_path):
    root = copy_example(tmp_path / "ws")
    config = (root / "ledger.toml").read_text(encoding="utf-8")
    (root / "ledger.toml").write_text(
        config.replace("support_group_threshold = 30", "support_group_threshold = 200"), encoding="utf-8"
    )
    ws = load_workspace(root)
    assert ws.config.support_group_threshold == 200
    result = render(ws, JUNE, ["艾山街道"])
    book = openpyxl.load_workbook(result.outbox / "艾山街道.xlsx")
    assert SUPPORT_DETAIL_SHEET not in book.sheetnames and len(task_ids(book[SUPPORT_SHEET])) == 131


def test_whole_groups_of_supporting_units_are_written_as_the_group(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "市生态环境局钢城分局.xlsx")[LEAD_SHEET]
    assert cell_of(sheet, "DQ-2", "配合单位").value == "各街道（功能区）"
    assert cell_of(sheet, "DQ-1", "配合单位").value.endswith("钢城区规划协调服务中心、各街道（功能区）")
    assert cell_of(sheet, "DQ-1", "类别").value == "一、持续调整优化结构·着力优化产业及空间布局"


def test_footer_block_for_signatures(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")[LEAD_SHEET]
    rows = [[c for c in row if isinstance(c.value, str) and c.value.endswith("：")] for row in sheet.iter_rows()]
    block = [[c.value for c in row] for row in rows if row and row[0].value == "填报人："]
    first = next(i for i, row in enumerate(rows) if row and row[0].value == "填报人：")
    assert [[c.value for c in row] for row in rows[first : first + 3]] == [list(r) for r in FOOTER_ROWS]
    assert block == [["填报人：", "联系电话："]]
    for label in (c for row in rows[first : first + 3] for c in row):
        assert not sheet.cell(label.row, label.column + 1).protection.locked  # where the answer goes


def test_hidden_metadata(rendered):
    ws, result = rendered
    book = openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")
    meta = book[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    rows = [[c.value for c in row] for row in meta.iter_rows()]
    assert rows[1:3] == [["period", "2021-06", *[None] * 4], ["unit", "钢城区财政局", *[None] * 4]]
    assert rows[4] == ["sheet", "row", "task_id", "role", "fingerprint", "prefill"]
    # first a digest of each line of 填报说明, so that merge tells the office's text from what a unit wrote there
    text = [c.value or "" for c in book["填报说明"]["A"]]
    lines = [r for r in rows[5:] if r[3] == "instructions"]
    assert lines == [["填报说明", str(n + 1), "", "instructions", cell_digest(t), ""] for n, t in enumerate(text)]
    listed = [(r[0], r[2], r[3]) for r in rows[5 + len(lines) :]]
    lead, support = ws.tasks_of("钢城区财政局")
    indicators = [i for i in ws.indicators if "钢城区财政局" in (*i.lead_units, *i.support_units)]
    assert indicators  # the example's 政府绿色采购比例
    assert listed == [
        *((LEAD_SHEET, t.id, "lead") for t in lead),
        *((SUPPORT_SHEET, t.id, "support") for t in support),
        *(("指标", i.id, "indicator") for i in indicators),
    ]
    props = {p.name: p.value for p in book.custom_doc_props}
    assert props["ledger_period"] == "2021-06" and props["ledger_unit"] == "钢城区财政局"
    assert props["ledger_id"] == rows[0][1]


def test_manifest(rendered):
    _, result = rendered
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    entry = next(f for f in manifest["files"] if f["unit"] == "钢城区财政局")
    assert entry["sha256"] == hashlib.sha256((result.outbox / entry["file"]).read_bytes()).hexdigest()
    assert entry["period"] == "2021-06" and "DQ-34" in entry["lead_tasks"] and "DQ-32" in entry["support_tasks"]
    assert len(manifest["files"]) == len(result.files)


def test_rendering_is_deterministic(rendered, tmp_path):
    ws, result = rendered
    again = render(ws, JUNE, ["钢城区财政局"])
    before = next(f for f in result.files if f.unit == "钢城区财政局")
    assert again.files[0].sha256 == before.sha256


def test_render_selected_units_keeps_the_rest_of_the_manifest(tmp_path):
    root = make_workspace(
        tmp_path,
        [["序号", "具体措施", "完成时限", "牵头单位", "配合单位"], ["1", "做事。", "年底前", "区财政局", "区税务局"]],
    )
    ws = load_workspace(root)
    render(ws, JUNE)
    result = render(ws, JUNE, ["示范区税务局", "不存在的单位"])
    assert [f.unit for f in result.files] == ["示范区税务局"] and result.unknown_units == ["不存在的单位"]
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    assert [f["unit"] for f in manifest["files"]] == ["示范区税务局", "示范区财政局"]


def test_prefill_and_closed_tasks(tmp_path):
    rows = [
        ["序号", "具体措施", "完成时限", "牵头单位", "配合单位"],
        ["1", "做事。", "年底前", "区财政局", "区税务局"],
        ["2", "=1+1", "年底前", "区财政局", ""],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows))
    answers = {
        ("T-1", "示范区财政局"): {"完成状态": "已完成", "本月进展": "已办结"},
        ("T-2", "示范区财政局"): {"完成状态": "序时推进", "本月进展": "@推进中", "存在问题": "=SUM(A1)"},
    }
    history = History(period=JUNE, answers=answers, closed=frozenset({"T-1"}))  # every lead said 已完成
    result = render_period(ws, JUNE, history)
    assert [f.unit for f in result.files] == ["示范区财政局"]  # T-1 is closed; 税务局 supported only T-1
    sheet = openpyxl.load_workbook(result.outbox / "示范区财政局.xlsx")[LEAD_SHEET]
    assert task_ids(sheet) == ["T-2"]
    values = [sheet.cell(FIRST_TASK_ROW + 1, c).value for c in (3, 7, 8, 9)]
    assert values == ["=1+1", "序时推进", "@推进中", "=SUM(A1)"]
    assert all(sheet.cell(FIRST_TASK_ROW + 1, c).data_type == "s" for c in (3, 8, 9))  # text, never formulas


@pytest.mark.parametrize("unit", ["市生态环境局钢城分局", "艾山街道"])  # the most lead tasks; 131 support tasks
def test_printed_workbooks_are_legible_and_say_whose_they_are(rendered, tmp_path, unit):
    import pdfplumber

    _, result = rendered
    path = result.outbox / f"{unit}.xlsx"
    book = openpyxl.load_workbook(path)
    visible = [s.title for s in book.worksheets if s.sheet_state == "visible"]
    printed: dict[str, list[str]] = {}
    with pdfplumber.open(libreoffice_pdf(path, tmp_path)) as pdf:
        for page in pdf.pages:
            assert min(c["size"] for c in page.chars) >= 9, (unit, page.page_number)  # A4, as printed
            head, _, text = page.extract_text().partition("\n")
            owner, sheet, period = head.split()
            assert (owner, period) == (unit, "2021年6月"), page.page_number  # a loose page says whose it is
            printed.setdefault(sheet, []).append(text)
    assert list(printed) == visible  # every sheet printed, in order
    for sheet in visible[1:]:
        assert re.search(r"\b(?:DQ|FGF|LW|STZB)-", "".join(printed[sheet])), sheet  # none without tasks or indicators
    assert "填报人" in "".join(printed[LEAD_SHEET]) and "单位（盖章）" in "".join(printed[LEAD_SHEET])
    for sheet in (LEAD_SHEET, SUPPORT_SHEET):
        signed = [page for page in printed.get(sheet, []) if re.search("填报人|单位负责人|盖章|填报日期", page)]
        assert len(signed) == 1, sheet  # the signature block on one sheet of paper
        assert all(label.rstrip("：") in signed[0] for row in FOOTER_ROWS for label in row), sheet
        assert re.search(r"\b(?:DQ|FGF|LW)-", signed[0]), sheet  # with a task above it, not a page of its own


@pytest.mark.parametrize("unit", ["汶源街道", "钢城区工业和信息化局", "钢城区金融发展服务中心"])
def test_a_signature_block_is_never_split_across_pages(rendered, tmp_path, unit):
    """These units' blocks fell across a page break before render set one ahead of the block."""
    import pdfplumber

    _, result = rendered
    pages: dict[str, list[int]] = {}
    with pdfplumber.open(libreoffice_pdf(result.outbox / f"{unit}.xlsx", tmp_path)) as pdf:
        for page in pdf.pages:
            head, _, text = page.extract_text().partition("\n")
            for label in (label.rstrip("：") for row in FOOTER_ROWS for label in row):
                if label in text:
                    pages.setdefault(head.split()[1], []).append(page.page_number)
    assert pages and all(len(set(numbers)) == 1 for numbers in pages.values()), pages


def test_workbooks_open_in_libreoffice(rendered, tmp_path):
    _, result = rendered
    assert libreoffice_pdf(result.outbox / "莱芜区水务局.xlsx", tmp_path).stat().st_size > 10_000


def test_the_return_deadline_moves_past_a_holiday_in_the_workbook_and_the_mail(tmp_path):
    from ledger.mail import workbook_messages
    from ledger.outbox import read_manifest

    rows = [["序号", "具体措施", "完成时限", "牵头单位", "配合单位"], ["1", "做事。", "年底前", "区财政局", ""]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    september = Period(2021, 9)  # due on 5 October, inside the National Day holiday: the next working day is the 8th
    result = render(ws, september)
    assert "2021年10月8日" in instructions(result.outbox / "示范区财政局.xlsx")
    [message], _ = workbook_messages(ws, read_manifest(ws.paths, september))
    assert "10月8日" in message.subject and "10月5日" not in message.subject + message.body
