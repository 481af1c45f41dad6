import re
from datetime import date

import pytest
import xlwt

from ledger import ConfigError, load_workspace
from ledger.source import HEADER_SYNONYMS

from .conftest import make_workspace, write_config, write_xlsx

HEADER = ["序号", "类别", "重点任务", "具体措施", "完成时限", "牵头单位", "配合单位"]
ROW = ["1", "一、结构调整", "优化布局", "落实“三线一单”。", "2021 年 6 月底前", "区财政局", "区税务局"]


def located(ws):
    return [(p.cell, p.code) for p in ws.problems]


def test_plain_table_with_title_rows(tmp_path):
    rows = [["附件 2"], ["2021 年测试台账"], HEADER, ROW]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert ws.problems == []
    [task] = ws.tasks
    assert (task.id, task.number, task.category, task.title, task.measure) == (
        "T-1",
        "1",
        "一、结构调整",
        "优化布局",
        "落实“三线一单”。",
    )
    assert (task.deadline.raw, task.deadline.due) == ("2021 年 6 月底前", date(2021, 6, 30))
    assert (task.lead_units, task.support_units) == (["示范区财政局"], ["示范区税务局"])
    assert (task.source.sheet, task.source.row, task.source.cell) == ("Sheet1", 4, "A4")


SYNONYM_CASES = [
    (field, name) for field, names in HEADER_SYNONYMS.items() for name in names if field not in ("id", "responsible")
]


@pytest.mark.parametrize(("field", "synonym"), SYNONYM_CASES)
def test_every_header_synonym(tmp_path, field, synonym):
    canonical = {names[0]: key for key, names in HEADER_SYNONYMS.items()}
    header = [synonym if canonical.get(h, {"配合单位": "support"}.get(h)) == field else h for h in HEADER]
    if field == "title":  # "任务" alone must still not be confused with the other columns
        header[2] = synonym
    ws = load_workspace(make_workspace(tmp_path, [header, ROW]))
    assert ws.problems == []
    task = ws.tasks[0]
    value = {
        "number": task.number,
        "category": task.category,
        "title": task.title,
        "measure": task.measure,
        "deadline": task.deadline.raw,
        "lead": task.lead_units,
        "support": task.support_units,
    }[field]
    expected = {
        "number": "1",
        "category": "一、结构调整",
        "title": "优化布局",
        "measure": "落实“三线一单”。",
        "deadline": "2021 年 6 月底前",
        "lead": ["示范区财政局"],
        "support": ["示范区税务局"],
    }[field]
    assert value == expected


@pytest.mark.parametrize("name", HEADER_SYNONYMS["id"])
def test_explicit_id_column_wins_over_number(tmp_path, name):
    ws = load_workspace(make_workspace(tmp_path, [[name, *HEADER], ["DQ-007", *ROW]]))
    assert [t.id for t in ws.tasks] == ["DQ-007"]


@pytest.mark.parametrize("name", HEADER_SYNONYMS["responsible"])
def test_responsible_column_supports_beside_a_lead_column_and_leads_alone(tmp_path, name):
    beside = load_workspace(
        make_workspace(
            tmp_path / "a", [["序号", "具体措施", "牵头单位", name], ["1", "做事。", "区财政局", "区税务局"]]
        )
    )
    assert (beside.tasks[0].lead_units, beside.tasks[0].support_units) == (["示范区财政局"], ["示范区税务局"])
    alone = load_workspace(make_workspace(tmp_path / "b", [["序号", "具体措施", name], ["1", "做事。", "区税务局"]]))
    assert (alone.tasks[0].lead_units, alone.tasks[0].support_units) == (["示范区税务局"], [])


@pytest.mark.parametrize("column", ["牵头单位", "责任单位"])
def test_units_written_as_supporting_inside_the_lead_cell_support(tmp_path, column):
    """ "A牵头，B配合" in one cell: B supports (and reports no lead progress), as the words say."""
    rows = [
        ["序号", "具体措施", column],
        ["1", "做事。", "区财政局牵头，区税务局、区发展改革局配合"],
        ["2", "再做。", "区税务局负责，区财政局协助"],
        ["3", "还做。", "区发展改革局、区财政局（牵头）、区税务局"],
    ]
    first, second, third = load_workspace(make_workspace(tmp_path, rows)).tasks
    assert (first.lead_units, first.support_units) == (["示范区财政局"], ["示范区税务局", "示范区发展改革局"])
    assert (second.lead_units, second.support_units) == (["示范区税务局"], ["示范区财政局"])
    assert (third.lead_units, third.support_units) == (["示范区财政局"], ["示范区发展改革局", "示范区税务局"])
    assert first.lead_text == "区财政局牵头，区税务局、区发展改革局配合"  # kept as written


@pytest.mark.parametrize("general", ["工作任务", "主要任务", "任务内容"])
def test_two_task_text_columns_are_the_title_then_the_measure(tmp_path, general):
    """ "工作任务 | 具体措施": the broader column left is the task's name, the detailed one right its measure."""
    rows = [["序号", general, "具体措施", "牵头单位"], ["1", "优化布局", "落实“三线一单”。", "区财政局"]]
    task = load_workspace(make_workspace(tmp_path, rows)).tasks[0]
    assert (task.title, task.measure, task.extra) == ("优化布局", "落实“三线一单”。", {})


def test_only_responsible_units_written_makes_them_lead(tmp_path):
    rows = [["序号", "具体措施", "牵头单位", "责任单位"], ["1", "做事。", "", "区税务局、区财政局"]]
    task = load_workspace(make_workspace(tmp_path, rows)).tasks[0]
    assert (task.lead_units, task.support_units) == (["示范区税务局", "示范区财政局"], [])


def test_multi_row_header_with_merged_cells_and_units_in_second_row(tmp_path):
    rows = [
        ["2021 年项目清单"],
        ["序号", "领域", "项目名称", "主要建设内容", "责任部门", "投资", "建设期限"],
        [None, None, None, None, None, "（亿元）", "（年）"],
        ["1", "生态安全", "河湖治理", "巡查机制。", "区财政局", 0.1, "2021-2025"],
        ["2", None, "粪污处理", "设施全覆盖。", "区税务局", 7, "2021-2023"],
    ]
    merges = ("A1:G1", "A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:E3", "B4:B5")
    ws = load_workspace(make_workspace(tmp_path, rows, merges=merges))
    assert ws.problems == []
    first, second = ws.tasks
    assert (second.category, second.lead_units) == ("生态安全", ["示范区税务局"])
    assert (first.extra, second.extra) == ({"投资（亿元）": "0.1"}, {"投资（亿元）": "7"})
    assert (second.deadline.start, second.deadline.due) == (date(2021, 1, 1), date(2023, 12, 31))


def test_two_row_header_with_merged_responsibility_over_lead_and_support(tmp_path):
    rows = [
        ["序号", "具体措施", "完成时限", "责任单位", None],
        [None, None, None, "牵头单位", "配合单位"],
        ["1", "做事。", "年底前", "区财政局", "区税务局"],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows, merges=("A1:A2", "B1:B2", "C1:C2", "D1:E1")))
    assert (ws.tasks[0].lead_units, ws.tasks[0].support_units) == (["示范区财政局"], ["示范区税务局"])


def test_two_row_header_with_short_sub_labels_under_responsibility(tmp_path):
    # "责任单位" merged over "牵头 | 配合": the short forms offices print under it.
    rows = [
        ["序号", "具体措施", "责任单位", None, "完成时限"],
        [None, None, "牵头", "配合", None],
        ["1", "做事。", "区财政局", "区税务局", "年底前"],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows, merges=("A1:A2", "B1:B2", "C1:D1", "E1:E2")))
    assert located(ws) == []
    assert (ws.tasks[0].lead_units, ws.tasks[0].support_units) == (["示范区财政局"], ["示范区税务局"])


def test_merged_category_applies_to_every_row_of_its_block(tmp_path):
    rows = [
        HEADER,
        ROW,
        ["2", None, None, "再做一件事。", "年底前", "区税务局", ""],
        ["3", "二、其他", "x", "y。", "年底前", "区财政局", ""],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows, merges=("B2:B3", "C2:C3")))
    assert [(t.category, t.title) for t in ws.tasks] == [("一、结构调整", "优化布局")] * 2 + [("二、其他", "x")]


def test_task_spread_over_merged_rows_is_one_task_with_the_units_of_every_row(tmp_path):
    # 序号, 具体措施, 牵头单位 and 完成时限 merged over two rows; the second row names one more supporting unit.
    rows = [
        ["序号", "具体措施", "牵头单位", "配合单位", "完成时限"],
        ["1", "做事。", "区财政局", "区发展改革局", "2021年9月底前"],
        [None, None, None, "区税务局", None],
        ["2", "再做一件事。", "区税务局", None, "年底前"],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows, merges=("A2:A3", "B2:B3", "C2:C3", "E2:E3")))
    assert located(ws) == []
    first, second = ws.tasks
    assert (first.id, first.measure, first.lead_units) == ("T-1", "做事。", ["示范区财政局"])
    assert (first.support_text, first.support_units) == ("区发展改革局、区税务局", ["示范区发展改革局", "示范区税务局"])
    assert first.deadline.due == date(2021, 9, 30)
    assert second.id == "T-2"


def test_a_row_adding_only_a_unit_joins_the_task_above_and_is_no_heading(tmp_path):
    # No merge: the clerk wrote one more supporting unit on the next row. It is not the 类别 of later tasks.
    rows = [
        ["序号", "具体措施", "牵头单位", "配合单位", "完成时限"],
        ["一、结构调整"],
        ["1", "做事。", "区财政局", "区发展改革局", "2021年9月底前"],
        [None, None, None, "区税务局", None],
        ["2", "再做一件事。", "区税务局", None, "年底前"],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == []
    first, second = ws.tasks
    assert first.support_units == ["示范区发展改革局", "示范区税务局"]
    assert [first.category, second.category] == ["一、结构调整", "一、结构调整"]


def test_measures_under_one_merged_number_are_tasks_of_their_own(tmp_path):
    # One 序号 and 重点任务 merged over three 具体措施, each with its own lead and deadline.
    rows = [
        ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
        ["1", "优化布局", "措施甲。", "区财政局", "2021年6月底前"],
        [None, None, "措施乙。", "区税务局", "2021年12月底前"],
        [None, None, "措施丙。", None, None],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows, merges=("A2:A4", "B2:B4", "D3:D4", "E3:E4")))
    assert located(ws) == []
    assert [(t.id, t.number, t.title, t.measure, t.lead_units, t.deadline.due) for t in ws.tasks] == [
        ("T-1-1", "1-1", "优化布局", "措施甲。", ["示范区财政局"], date(2021, 6, 30)),
        ("T-1-2", "1-2", "优化布局", "措施乙。", ["示范区税务局"], date(2021, 12, 31)),
        ("T-1-3", "1-3", "优化布局", "措施丙。", ["示范区税务局"], date(2021, 12, 31)),
    ]


def test_repeated_headers_notes_and_heading_rows_are_not_tasks(tmp_path):
    rows = [
        ["序号", "具体措施", "牵头单位"],
        ["一、简政放权"],
        ["1", "做事。", "区财政局"],
        ["序号", "具体措施", "牵头单位"],
        ["2", "再做。", "区税务局"],
        ["注：以上任务均需各街道落实。"],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows, doc_extra='default_deadline = "年底前"'))
    assert [(t.id, t.category) for t in ws.tasks] == [("T-1", "一、简政放权"), ("T-2", "一、简政放权")]
    # The note gives every task more units, which extra_support says in ledger.toml: until it does, it is said.
    assert located(ws) == [("A6", "tasks-note-units")]
    assert "各街道" in ws.problems[0].message
    extra = 'default_deadline = "年底前"\nextra_support = ["各街道"]'
    said = load_workspace(make_workspace(tmp_path, rows, doc_extra=extra))
    assert located(said) == []


def test_ids_survive_reordering_and_text_edits(tmp_path):
    rows = [HEADER, ROW, ["2", "x", "y", "第二项。", "年底前", "区税务局", ""]]
    before = {t.id: t.lead_units for t in load_workspace(make_workspace(tmp_path / "a", rows)).tasks}
    edited = [HEADER, ["2", "x", "y", "第二项（已改写）。", "年底前", "区税务局", ""], ROW]
    after = {t.id: t.lead_units for t in load_workspace(make_workspace(tmp_path / "b", edited)).tasks}
    assert before == after


def test_extra_support_and_default_deadline_from_config(tmp_path):
    rows = [["序号", "具体措施", "完成时限", "牵头单位"], ["1", "做事。", "", "各街道"]]
    extra = 'extra_support = ["各街道（功能区）"]\ndefault_deadline = "2021 年年底前"'
    task = load_workspace(make_workspace(tmp_path, rows, doc_extra=extra)).tasks[0]
    assert task.lead_units == ["东街道", "西街道"]
    assert task.support_units == ["高新区"]  # a lead never supports its own task
    assert task.deadline.due == date(2021, 12, 31)


def test_column_override(tmp_path):
    rows = [["序号", "整改措施", "牵头单位"], ["1", "整改。", "区财政局"]]
    ws = load_workspace(
        make_workspace(
            tmp_path, rows, doc_extra='default_deadline = "年底前"\n[documents.columns]\n"整改措施" = "具体措施"'
        )
    )
    assert [t.measure for t in ws.tasks] == ["整改。"]


def test_several_documents_and_sheets(tmp_path):
    make_workspace(tmp_path, [HEADER, ROW])
    book = tmp_path / "source" / "tasks" / "two_sheets.xlsx"
    write_xlsx(book, [HEADER, ROW], title="第一部分")
    import openpyxl

    wb = openpyxl.load_workbook(book)
    second = wb.create_sheet("第二部分")
    second.append(["任务编号", *HEADER])
    second.append(["B-1", *ROW])
    wb.create_sheet("说明").append(["本表说明"])
    wb.save(book)
    write_config(
        tmp_path,
        """
[[documents]]
code = "T"
file = "source/tasks/tasks.xlsx"
district = "示范区"
[[documents]]
code = "S"
file = "source/tasks/two_sheets.xlsx"
district = "示范区"
""",
    )
    ws = load_workspace(tmp_path)
    assert ws.problems == []
    assert [(t.id, t.source.sheet) for t in ws.tasks] == [("T-1", "Sheet1"), ("S-1", "第一部分"), ("B-1", "第二部分")]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    make_workspace(tmp_path, [HEADER])
    text = "测试台账,,,,,,\n" + ",".join(HEADER) + "\n" + ",".join(ROW) + "\n"
    (tmp_path / "source" / "tasks" / "tasks.csv").write_bytes(text.encode(encoding))
    write_config(tmp_path, '[[documents]]\ncode = "T"\nfile = "source/tasks/tasks.csv"\ndistrict = "示范区"')
    ws = load_workspace(tmp_path)
    assert ws.problems == []
    assert [t.measure for t in ws.tasks] == [ROW[3]]


def test_legacy_xls_with_merged_cells(tmp_path):
    make_workspace(tmp_path, [HEADER])
    book = xlwt.Workbook()
    sheet = book.add_sheet("台账")
    sheet.write_merge(0, 0, 0, 6, "2021 年测试台账")
    for c, value in enumerate(HEADER):
        sheet.write(1, c, value)
    sheet.write_merge(2, 3, 1, 1, "一、结构调整")
    for r, row in ((2, ROW), (3, ["2", None, "x", "第二项。", "年底前", "区税务局", ""])):
        for c, value in enumerate(row):
            if c != 1 and value is not None:
                sheet.write(r, c, value)
    book.save(str(tmp_path / "source" / "tasks" / "tasks.xls"))
    write_config(tmp_path, '[[documents]]\ncode = "T"\nfile = "source/tasks/tasks.xls"\ndistrict = "示范区"')
    ws = load_workspace(tmp_path)
    assert ws.problems == []
    assert [(t.id, t.category, t.source.cell) for t in ws.tasks] == [
        ("T-1", "一、结构调整", "A3"),
        ("T-2", "一、结构调整", "A4"),
    ]


# --- bad inputs: each has its own code and names the cell


def test_unknown_unit_names_the_cell_and_suggests(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, [*ROW[:5], "区财务局", "区税务局"]]))
    assert located(ws) == [("F2", "unit-unknown")]
    assert "示范区财政局" in ws.problems[0].message
    assert not ws.valid


def test_vague_unit_is_a_warning_and_kept_on_the_task(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, [*ROW[:6], "区政府有关部门"]]))
    assert located(ws) == [("G2", "unit-vague")]
    assert ws.valid and ws.tasks[0].vague_units == ["区政府有关部门"]


def test_duplicate_id(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, ROW, ROW]))
    assert located(ws) == [("A3", "task-id-duplicate")]
    assert len(ws.tasks) == 1


def test_empty_measure(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, [*ROW[:3], "", *ROW[4:]]]))
    assert located(ws) == [("D2", "measure-empty")]


def test_missing_number(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, ["", *ROW[1:]]]))
    assert located(ws) == [("A2", "task-id-missing")]


def test_unparsed_and_missing_deadlines_are_warnings(tmp_path):
    rows = [HEADER, [*ROW[:4], "尽快", *ROW[5:]], ["2", *ROW[1:4], "", *ROW[5:]]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == [("E2", "deadline-unparsed"), ("E3", "deadline-missing")]
    assert ws.valid and ws.tasks[0].deadline.raw == "尽快"


def test_a_month_written_without_its_end_is_read_as_the_months_end_and_said(tmp_path):
    # "2021年6月前" may mean before 1 June or by the end of June: the ledger takes the end and says so.
    rows = [HEADER, [*ROW[:4], "2021年6月前", *ROW[5:]], ["2", *ROW[1:4], "2021年6月底前", *ROW[5:]]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == [("E2", "deadline-month-before")]
    assert [t.deadline.due for t in ws.tasks] == [date(2021, 6, 30)] * 2
    assert "2021年6月30日" in ws.problems[0].message


def test_a_deadline_that_only_says_when_to_start_is_read_as_the_end_and_said(tmp_path):
    # "2021年底前启动" gives no completion date: 2021年12月31日 is counted, and the office is told.
    rows = [
        HEADER,
        [*ROW[:4], "2021年底前启动", *ROW[5:]],
        ["2", *ROW[1:4], "2021年6月底前启动，12月底前完成", *ROW[5:]],
        ["3", *ROW[1:4], "2021年底前开工建设", *ROW[5:]],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == [("E2", "deadline-start-only"), ("E4", "deadline-start-only")]
    assert [t.deadline.due for t in ws.tasks] == [date(2021, 12, 31)] * 3


def test_a_deadline_before_the_documents_year_is_said_as_a_slip_of_the_year(tmp_path):
    # "2012年6月底前" in a 2021 list (the digits swapped): the task would be red from its first round, unsaid.
    rows = [HEADER, [*ROW[:4], "2012年6月底前", *ROW[5:]], ["2", *ROW[1:4], "2021年6月底前", *ROW[5:]]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == [("E2", "deadline-before-year")]
    assert "2012年6月30日" in ws.problems[0].message and "2021年" in ws.problems[0].message


def test_missing_lead(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, [*ROW[:5], "", "区税务局"]]))
    assert located(ws) == [("F2", "lead-missing")]


def test_corrupt_workbook(tmp_path):
    make_workspace(tmp_path, [HEADER, ROW])
    (tmp_path / "source" / "tasks" / "tasks.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    ws = load_workspace(tmp_path)
    assert [(p.file, p.code) for p in ws.problems] == [("source/tasks/tasks.xlsx", "file-unreadable")]
    assert not re.search("[A-Za-z]", ws.problems[0].message), ws.problems[0].message  # not the reader's English


def test_workbook_without_a_task_table(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [["会议纪要"], ["一、会议议定事项如下"]]))
    assert [(p.file, p.code) for p in ws.problems] == [("source/tasks/tasks.xlsx", "header-missing")]


def test_text_file_in_an_unknown_encoding(tmp_path):
    make_workspace(tmp_path, [HEADER])
    (tmp_path / "source" / "tasks" / "tasks.csv").write_bytes(b"\x80\x80\xff\xfe,\xff\n")
    write_config(tmp_path, '[[documents]]\ncode = "T"\nfile = "source/tasks/tasks.csv"')
    assert [p.code for p in load_workspace(tmp_path).problems] == ["file-encoding"]


def test_unsupported_file_type_and_missing_file(tmp_path):
    make_workspace(tmp_path, [HEADER])
    (tmp_path / "source" / "tasks" / "tasks.docx").write_bytes(b"PK\x03\x04")
    write_config(
        tmp_path,
        '[[documents]]\ncode = "T"\nfile = "source/tasks/tasks.docx"\n'
        '[[documents]]\ncode = "U"\nfile = "source/tasks/none.xlsx"',
    )
    assert [p.code for p in load_workspace(tmp_path).problems] == ["file-unreadable", "file-missing"]


def test_missing_sheet(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, ROW], doc_extra='sheet = "第二页"'))
    assert [(p.sheet, p.code) for p in ws.problems] == [("第二页", "sheet-missing")]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("not toml [", [("第1行第5列", "config-syntax")]),
        ("[ledger]\ntitle = 'x'\n", [("ledger.year", "config-key-missing"), ("documents", "config-key-missing")]),
        ("[ledger]\ntitle = 'x'\nyear = 2021\n", [("documents", "config-key-missing")]),
    ],
)
def test_invalid_configuration(tmp_path, text, found):
    (tmp_path / "ledger.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_workspace(tmp_path)
    assert [(p.file, p.cell, p.code) for p in raised.value.problems] == [("ledger.toml", *f) for f in found]
    assert all(p.severity == "error" for p in raised.value.problems)


# --- task tables as offices write them (first month)

OFFICE_HEADER = ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"]


def test_a_table_whose_only_task_text_is_zhongdian_renwu_takes_it_as_the_measure(tmp_path):
    rows = [
        ["城东区2021年重点工作任务分解表"],
        OFFICE_HEADER,
        ["1", "推进老旧小区改造，完成12个小区。", "示范区财政局", "东街道、西街道", "6月底前"],
        ["2", "建成区内餐饮油烟治理全覆盖。", "示范区税务局", "各街道", "2021年全年"],
    ]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == []
    assert [(t.id, t.measure, t.title) for t in ws.tasks] == [
        ("T-1", "推进老旧小区改造，完成12个小区。", ""),
        ("T-2", "建成区内餐饮油烟治理全覆盖。", ""),
    ]
    assert ws.tasks[0].lead_units == ["示范区财政局"] and ws.tasks[0].support_units == ["东街道", "西街道"]
    assert ws.tasks[0].deadline.due == date(2021, 6, 30)


@pytest.mark.parametrize("label", ["重点任务", "工作任务", "任务内容", "工作内容", "主要任务"])
def test_every_task_text_column_alone_is_the_measure(tmp_path, label):
    rows = [["序号", label, "牵头单位", "完成时限"], ["1", "做好一件事。", "示范区财政局", "年底前"]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == [] and ws.tasks[0].measure == "做好一件事。"


def test_beside_a_measure_column_zhongdian_renwu_stays_the_title(tmp_path):
    ws = load_workspace(make_workspace(tmp_path, [HEADER, ROW]))
    assert (ws.tasks[0].title, ws.tasks[0].measure) == ("优化布局", "落实“三线一单”。")


def test_header_missing_shows_the_rows_looked_at_and_how_each_column_was_read(tmp_path):
    rows = [["城东区重点任务"], ["序号", "事项", "牵头单位", "办结时间"], ["1", "做事。", "示范区财政局", "6月底前"]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert [(p.file, p.sheet, p.cell, p.code) for p in ws.problems] == [
        ("source/tasks/tasks.xlsx", "Sheet1", "A2", "header-missing")
    ]
    message = ws.problems[0].message
    assert "前3行" in message and "第2行" in message
    assert "A“序号”=序号" in message and "B“事项”=未识别" in message and "C“牵头单位”=牵头单位" in message


def test_a_missing_units_file_is_one_error_not_one_per_task(tmp_path):
    rows = [OFFICE_HEADER, *[[str(i), f"任务{i}。", "区财政局", "各街道", "年底前"] for i in range(1, 9)]]
    make_workspace(tmp_path, rows)
    (tmp_path / "source" / "units.xlsx").unlink()
    ws = load_workspace(tmp_path)
    assert [(p.file, p.code) for p in ws.problems] == [("source/units.xlsx", "file-missing")]
    assert len(ws.tasks) == 8


def test_a_group_like_unknown_name_points_at_the_group_column(tmp_path):
    rows = [OFFICE_HEADER, ["1", "做事。", "示范区财政局", "各社区", "年底前"]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert located(ws) == [("D2", "unit-group-unknown")]
    assert "所属分组" in ws.problems[0].message and "“社区”" in ws.problems[0].hint


def test_a_column_mapping_to_no_known_column_is_reported(tmp_path):
    rows = [["序号", "整改措施", "牵头单位"], ["1", "整改。", "区财政局"]]
    extra = '[documents.columns]\n"整改措施" = "措施"'
    ws = load_workspace(make_workspace(tmp_path, rows, doc_extra=extra))
    assert [(p.file, p.cell, p.code) for p in ws.problems] == [
        ("ledger.toml", "documents[1].columns.整改措施", "config-value"),
        ("source/tasks/tasks.xlsx", "A1", "header-missing"),
    ]
    assert "具体措施" in ws.problems[0].message


def test_task_ids_of_the_source_are_read_in_their_one_form(tmp_path):
    rows = [["任务编号", "具体措施", "牵头单位"], ["ｔｚ－１", "做事。", "示范区财政局"]]
    rows.append(["tz\u200b-2", "再做。", "示范区财政局"])
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert [t.id for t in ws.tasks] == ["TZ-1", "TZ-2"]


def test_an_error_cell_in_a_source_table_keeps_its_text(tmp_path):
    """calamine reads a source table fast but gives an error cell (#N/A) as empty; such a workbook is read with
    openpyxl, so the text is kept."""
    import openpyxl

    from ledger.tables import read_sheets

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "具体措施", "完成时限"])
    sheet.append([1, "清理拖欠。", "#N/A"])
    sheet["C2"].data_type = "e"
    path = tmp_path / "tasks.xlsx"
    book.save(path)
    assert read_sheets(path)[0].rows[1] == ["1", "清理拖欠。", "#N/A"]


def test_task_text_spaced_as_a_pdfs_text_layer_reads_as_an_office_writes_it(tmp_path):
    """ "在 2020 年排查基础上" (a PDF copied into the list) is 在2020年排查基础上 in every output; a space between
    two numbers or two Latin words stays."""
    rows = [
        ["序号", "类别", "重点任务", "具体措施", "完成时限", "牵头单位"],
        [
            "1",
            "一、 调整 结构",
            "着力 优化 布局",
            "在 2020 年排查基础上，使用低 VOCs 含量的原料，每年 3 2 次",
            "年底前",
            "区财政局",
        ],
    ]
    [task] = load_workspace(make_workspace(tmp_path / "ws", rows)).tasks
    assert task.measure == "在2020年排查基础上，使用低VOCs含量的原料，每年3 2次"
    assert (task.category, task.title) == ("一、调整结构", "着力优化布局")


def test_a_holiday_deadline_is_dated_and_one_that_cannot_be_is_named(tmp_path):
    # Offices write "国庆节前", "2022年春节前", "汛期前": the first two have a day; "春节前" in a year's list may be
    # the 春节 in it or the one after, and when 汛期 begins is the province's to say.
    deadlines = ["国庆节前", "2022年春节前", "春节前", "汛期前", "2035年中秋节前"]
    rows = [HEADER, *[[str(n), *ROW[1:4], text, *ROW[5:]] for n, text in enumerate(deadlines, 1)]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert [t.deadline.due for t in ws.tasks] == [date(2021, 9, 30), date(2022, 1, 30), None, None, None]
    assert located(ws) == [
        ("E4", "deadline-festival-year"),
        ("E5", "deadline-season"),
        ("E6", "deadline-holiday-beyond"),
    ]
    festival, season, beyond = (p.message for p in ws.problems)
    assert "“春节前”" in festival and "2021年春节" in festival and "2022年春节" in festival
    assert "“汛期前”" in season
    assert "“2035年中秋节前”" in beyond and "2026年" in beyond


def test_holidays_written_together_or_loosely_are_dated_or_named(tmp_path):
    # "十一前" is 国庆 as offices write it; "中秋国庆前" is before the first of the two (中秋's days off from
    # 19 September 2021); "双节前" may be 中秋 and 国庆 or 元旦 and 春节, and "国庆节前后" has no last day.
    deadlines = ["十一前", "中秋国庆前", "双节前", "国庆节前后", "年前"]
    rows = [HEADER, *[[str(n), *ROW[1:4], text, *ROW[5:]] for n, text in enumerate(deadlines, 1)]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert [t.deadline.due for t in ws.tasks] == [date(2021, 9, 30), date(2021, 9, 18), None, None, None]
    assert located(ws) == [
        ("E4", "deadline-holiday-which"),
        ("E5", "deadline-holiday-around"),
        ("E6", "deadline-holiday-which"),
    ]
    which, around, year_end = (p.message for p in ws.problems)
    assert "“双节”可指中秋、国庆，也可指元旦、春节" in which
    assert "国庆前后" in around and "没有截止日期" in around
    assert "“年前”可指元旦前，也可指春节前" in year_end


def test_a_task_during_a_holiday_runs_over_its_days_off(tmp_path):
    # "国庆期间开展巡查": 1 to 7 October 2021, the days off; "春节期间" in a year's list, which 春节?
    rows = [HEADER, *[[str(n), *ROW[1:4], text, *ROW[5:]] for n, text in enumerate(["国庆期间", "春节期间"], 1)]]
    ws = load_workspace(make_workspace(tmp_path, rows))
    assert [(t.deadline.start, t.deadline.due) for t in ws.tasks] == [
        (date(2021, 10, 1), date(2021, 10, 7)),
        (None, None),
    ]
    assert located(ws) == [("E3", "deadline-festival-year")]
