import hashlib
import json

import openpyxl
import pytest

from ledger import load_workspace
from ledger.history import History
from ledger.layout import FIRST_TASK_ROW, LEAD_SHEET, META_SHEET, SUPPORT_SHEET, TASK_COLUMNS
from ledger.model import Period
from ledger.render import render_period

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
        assert task_ids(book[LEAD_SHEET]) == [t.id for t in lead], f.unit
        assert task_ids(book[SUPPORT_SHEET]) == [t.id for t in support], f.unit


def test_headers_and_per_document_fill_columns(rendered):
    _, result = rendered
    book = openpyxl.load_workbook(result.outbox / "莱芜区水务局.xlsx")
    headers = [c.value for c in book[LEAD_SHEET][FIRST_TASK_ROW]]
    assert headers == [*TASK_COLUMNS, *DEFAULT_FILL, "完成时间", "累计完成投资（亿元）", "形象进度"]
    support = openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")[SUPPORT_SHEET]
    assert [c.value for c in support[FIRST_TASK_ROW]] == [*TASK_COLUMNS, *DEFAULT_FILL]


def test_source_columns_locked_fill_columns_open_sheet_protected(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "钢城区发展改革局.xlsx")[LEAD_SHEET]
    assert sheet.protection.sheet and sheet.protection.autoFilter is False  # False: filtering allowed
    row = FIRST_TASK_ROW + 1
    assert all(sheet.cell(row, c).protection.locked for c in range(1, len(TASK_COLUMNS) + 1))
    assert not any(sheet.cell(row, c).protection.locked for c in range(len(TASK_COLUMNS) + 1, len(TASK_COLUMNS) + 6))
    assert sheet.cell(row, 1).value == "DQ-3" and sheet.cell(row, 4).value.startswith("严禁新增钢铁")


def test_validation_lists_and_typed_columns(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "莱芜区水务局.xlsx")[LEAD_SHEET]
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    status = rules["H3:H7"]
    # errorStyle absent means "stop", the OOXML default: typed values outside the list are refused
    assert (status.type, status.errorStyle or "stop", status.formula1) == (
        "list",
        "stop",
        '"已完成,序时推进,滞后,未启动"',
    )
    assert status.showErrorMessage
    assert rules["L3:L7"].type == "date"
    assert (rules["M3:M7"].type, rules["M3:M7"].errorStyle or "stop") == ("decimal", "stop")
    assert sheet["M3"].number_format == "0.00"


def test_print_settings(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "钢城区发展改革局.xlsx")[LEAD_SHEET]
    assert (sheet.page_setup.orientation, sheet.page_setup.paperSize) == ("landscape", 9)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)  # absent width means 1
    assert sheet.print_title_rows in ("2:2", "$2:$2")
    assert sheet.freeze_panes == "A3"
    assert sheet["D3"].font.name == "宋体" and sheet["D3"].alignment.wrap_text
    assert sheet.column_dimensions["D"].width > sheet.column_dimensions["B"].width


def test_overdue_and_due_soon_tasks_are_highlighted(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "市生态环境局钢城分局.xlsx")[LEAD_SHEET]
    fill = {tid: cell_of(sheet, tid, "完成时限").fill.fgColor.rgb[-6:] for tid in ("DQ-76", "DQ-1")}
    assert fill == {"DQ-76": "FFC7CE", "DQ-1": "F2F2F2"}  # due 2021-04-30: overdue; 全年: not yet
    dev = openpyxl.load_workbook(result.outbox / "钢城区发展改革局.xlsx")[LEAD_SHEET]
    assert cell_of(dev, "DQ-33", "完成时限").fill.fgColor.rgb[-6:] == "FFEB9C"  # due 2021-06-30


def test_instructions_sheet(rendered):
    _, result = rendered
    text = "\n".join(str(c.value) for c in openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")["填报说明"]["A"])
    assert "钢城区 2021 年重点任务工作台账" in text and "钢城区财政局" in text
    assert "2021年7月5日" in text and "钢城区生态环境委员会办公室" in text
    assert "已完成、序时推进、滞后、未启动" in text


def test_footer_block_for_signatures(rendered):
    _, result = rendered
    sheet = openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")[LEAD_SHEET]
    labels = [sheet.cell(r, 3).value for r in range(1, sheet.max_row + 1)]
    footer = labels.index("填报人：") + 1
    assert labels[footer - 1 : footer + 2] == ["填报人：", "联系电话：", "审核人（签字）："]
    assert not sheet.cell(footer, 4).protection.locked


def test_hidden_metadata(rendered):
    ws, result = rendered
    book = openpyxl.load_workbook(result.outbox / "钢城区财政局.xlsx")
    meta = book[META_SHEET]
    assert meta.sheet_state == "veryHidden"
    rows = [[c.value for c in row] for row in meta.iter_rows()]
    assert rows[1:3] == [["period", "2021-06", None, None, None], ["unit", "钢城区财政局", None, None, None]]
    listed = [(r[0], r[2], r[3]) for r in rows[5:]]
    lead, support = ws.tasks_of("钢城区财政局")
    assert listed == [(LEAD_SHEET, t.id, "lead") for t in lead] + [(SUPPORT_SHEET, t.id, "support") for t in support]
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
    history = History(period=JUNE, answers=answers)
    history.derive(ws)
    result = render_period(ws, JUNE, history)
    assert [f.unit for f in result.files] == ["示范区财政局"]  # T-1 is closed; 税务局 supported only T-1
    sheet = openpyxl.load_workbook(result.outbox / "示范区财政局.xlsx")[LEAD_SHEET]
    assert task_ids(sheet) == ["T-2"]
    values = [sheet.cell(FIRST_TASK_ROW + 1, c).value for c in (4, 8, 9, 10)]
    assert values == ["=1+1", "序时推进", "@推进中", "=SUM(A1)"]
    assert all(sheet.cell(FIRST_TASK_ROW + 1, c).data_type == "s" for c in (4, 9, 10))  # text, never formulas


def test_workbooks_open_in_libreoffice(rendered, tmp_path):
    _, result = rendered
    assert libreoffice_pdf(result.outbox / "莱芜区水务局.xlsx", tmp_path).stat().st_size > 10_000
