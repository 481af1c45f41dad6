"""`ledger import` on documents made in the tests: Word, text, Markdown and HTML in the forms plans use."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner

from ledger import import_document, load_workspace
from ledger.cli import main
from ledger.units import split_units

from .conftest import UNITS, make_workspace, write_xlsx

OUTLINE = [
    "示范区2021年重点工作任务分工方案",
    "一、优化营商环境",
    "（一）深化审批改革。",
    "1.全面推行告知承诺制，2021年6月底前完成清单编制。（牵头单位：示范区发展改革局；责任单位：示范区财政局、东街道）",
    "2.优化企业开办流程。〔示范区财政局牵头，示范区税务局、西街道配合〕",
    "3.推进政务数据共享。（示范区发展改革局、示范区工业和信息化局负责）",
    "（二）强化要素保障。",
    "1.保障重点项目用地。（示范区财政局、示范区税务局分别牵头）",
    "2.建立项目调度机制，长期坚持。",
    "牵头单位：示范区工业和信息化局",
    "配合单位：高新区管委会",
    "完成时限：2021年9月底前",
    "二、加强组织领导",
    "各部门要高度重视，认真抓好落实。",
]


def _add_table(document, rows: list[list[str]]):
    """A Word table of `rows` at the end of `document`, each cell's text as given."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    return table


def _docx(path: Path, paragraphs: list[str]) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def _flat(result) -> list[tuple]:
    return [(t.number, tuple(t.lead), tuple(t.support), t.deadline) for t in result.tasks]


def test_outline_forms_in_a_word_document(tmp_path):
    result = import_document(_docx(tmp_path / "plan.docx", OUTLINE))
    assert _flat(result) == [
        ("1", ("示范区发展改革局",), ("示范区财政局", "东街道"), "2021年6月底前"),
        ("2", ("示范区财政局",), ("示范区税务局", "西街道"), ""),
        ("3", ("示范区发展改革局", "示范区工业和信息化局"), (), ""),
        ("4", ("示范区财政局", "示范区税务局"), (), ""),
        ("5", ("示范区工业和信息化局",), ("高新区管委会",), "2021年9月底前"),
    ]
    first = result.tasks[0]
    assert (first.category, first.title, first.source) == ("一、优化营商环境", "深化审批改革", "第4段")
    assert first.measure == "全面推行告知承诺制，2021年6月底前完成清单编制。"
    assert first.annotation == "（牵头单位：示范区发展改革局；责任单位：示范区财政局、东街道）"
    assert result.name == "示范区2021年重点工作任务分工方案"


def test_word_list_numbering_is_read_as_written_on_the_page(tmp_path):
    document = docx.Document()
    document.add_paragraph("推进清洁取暖。（牵头单位：示范区财政局）", style="List Number")
    document.add_paragraph("推进道路保洁。（牵头单位：示范区税务局）", style="List Number")
    document.save(str(tmp_path / "numbered.docx"))
    result = import_document(tmp_path / "numbered.docx")
    assert [(t.measure, t.lead) for t in result.tasks] == [
        ("推进清洁取暖。", ["示范区财政局"]),
        ("推进道路保洁。", ["示范区税务局"]),
    ]


def test_the_documents_own_rule_makes_the_first_unit_lead(tmp_path):
    text = "\n".join(
        [
            "各项任务所列单位中，列第一位的为牵头单位，其他为配合单位。",
            "1.开展专项整治。（示范区财政局、示范区税务局、东街道）",
            "2.完善监测网络。（示范区发展改革局）",
        ]
    )
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    result = import_document(tmp_path / "plan.txt")
    assert _flat(result) == [
        ("1", ("示范区财政局",), ("示范区税务局", "东街道"), ""),
        ("2", ("示范区发展改革局",), (), ""),
    ]


def test_text_copied_from_a_pdf_joins_wrapped_lines_and_drops_page_furniture(tmp_path):
    text = "\n\n".join(
        [
            "1.加强扬尘治理，对施工工地实行",
            "— 3 —",
            " 全覆盖监管，2021 年年底前完成。（牵头单位：示",
            "范区财政局；责任单位：示范区税务局）",
            "2.2021 年起将年产",
            "1.5万吨以上项目全部纳入监管。（示范区发展改革局负责）",
        ]
    )
    (tmp_path / "copied.txt").write_text(text, encoding="gb18030")
    result = import_document(tmp_path / "copied.txt")
    assert _flat(result) == [
        ("1", ("示范区财政局",), ("示范区税务局",), "2021年年底前"),
        ("2", ("示范区发展改革局",), (), ""),
    ]
    assert result.tasks[0].measure == "加强扬尘治理，对施工工地实行全覆盖监管，2021年年底前完成。"
    assert result.tasks[1].measure == "2021年起将年产1.5万吨以上项目全部纳入监管。"


def test_traditional_characters_are_matched_and_kept_as_written(tmp_path):
    paragraphs = [
        "一、強化組織領導",
        "1.建立長效機制，長期堅持。（牽頭單位：示範區發展改革局；責任單位：示範區財政局）",
    ]
    result = import_document(_docx(tmp_path / "trad.docx", paragraphs))
    task = result.tasks[0]
    assert (task.lead, task.support, task.deadline) == (["示范区发展改革局"], ["示范区财政局"], "长期坚持")
    assert task.measure == "建立長效機制，長期堅持。"
    assert task.category == "一、強化組織領導"


def test_tables_in_word_with_merged_cells(tmp_path):
    document = docx.Document()
    rows = [
        ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
        ["1", "清洁取暖", "完成改造1000户。", "示范区财政局", "2021年10月底前"],
        ["2", "", "巩固改造成果。", "示范区税务局牵头，东街道配合", "长期坚持"],
        ["3", "道路保洁", "提高机扫率。", "示范区发展改革局、示范区财政局分别牵头", "2021年全年"],
    ]
    table = _add_table(document, rows)
    table.cell(1, 1).merge(table.cell(2, 1))
    table.cell(1, 1).text = "清洁取暖"
    document.save(str(tmp_path / "table.docx"))
    result = import_document(tmp_path / "table.docx")
    assert [(t.number, t.title, tuple(t.lead), tuple(t.support), t.deadline) for t in result.tasks] == [
        ("1", "清洁取暖", ("示范区财政局",), (), "2021年10月底前"),
        ("2", "清洁取暖", ("示范区税务局",), ("东街道",), "长期坚持"),
        ("3", "道路保洁", ("示范区发展改革局", "示范区财政局"), (), "2021年全年"),
    ]


def test_a_word_table_row_merged_over_two_rows_and_a_row_without_measure(tmp_path):
    # Task 1's 序号, 工作任务, 牵头单位 and 时间节点 are merged over two rows, the second naming one more supporting
    # unit; task 2 has its number and units but no measure: it is said, not dropped.
    document = docx.Document()
    rows = [
        ["编号", "工作任务", "牵头单位", "配合单位", "时间节点"],
        ["1", "推进一网通办。", "示范区财政局", "东街道", "2021年9月底前"],
        ["", "", "", "西街道", ""],
        ["2", "", "示范区税务局", "", "年底前"],
        ["3", "开展专项整治。", "示范区税务局", "", "年底前"],
    ]
    table = _add_table(document, rows)
    for c in (0, 1, 2, 4):
        table.cell(1, c).merge(table.cell(2, c))
    document.save(str(tmp_path / "merged.docx"))
    result = import_document(tmp_path / "merged.docx")
    assert _flat(result) == [
        ("1", ("示范区财政局",), ("东街道", "西街道"), "2021年9月底前"),
        ("3", ("示范区税务局",), (), "年底前"),
    ]
    assert [(p.code, p.cell) for p in result.problems] == [("import-row-no-measure", "表1第4行")]
    # the note under the table gives every task units: said, as ledger check says it
    document.add_paragraph("注：以上任务均需各街道办事处落实。")
    document.save(str(tmp_path / "merged.docx"))
    noted = import_document(tmp_path / "merged.docx")
    assert [(p.code, p.cell) for p in noted.problems][-1] == ("tasks-note-units", "第1段")
    assert "（2，示范区税务局，年底前）" in result.problems[0].message


def test_a_merged_row_read_back_empty_from_a_pdf_adds_its_one_unit_and_is_no_heading(tmp_path):
    """A PDF gives a merged task's second row with only its own cell ("区司法局" under 配合单位): that unit joins
    the task above, and does not become the 类别 of every later task as a heading row would; nor does a note."""
    md = "| 序号 | 工作任务 | 牵头单位 | 配合单位 | 完成时限 |\n| --- | --- | --- | --- | --- |\n"
    md += "| 一、优化服务 |  |  |  |  |\n"
    md += "| 1 | 推进一网通办 | 示范区财政局 | 东街道 | 2021年9月底前 |\n"
    md += "|  |  |  | 西街道 |  |\n"
    md += "| 注：带★的为省定任务。 |  |  |  |  |\n"
    md += "| 2 | 开展专项整治 | 示范区税务局 |  | 年底前 |\n"
    (tmp_path / "list.md").write_text(md, encoding="utf-8")
    result = import_document(tmp_path / "list.md")
    assert _flat(result) == [
        ("1", ("示范区财政局",), ("东街道", "西街道"), "2021年9月底前"),
        ("2", ("示范区税务局",), (), "年底前"),
    ]
    assert [t.category for t in result.tasks] == ["一、优化服务", "一、优化服务"]


def test_a_table_with_a_task_name_column_before_the_measure(tmp_path):
    md = "| 序号 | 工作任务 | 具体措施 | 牵头单位 |\n| --- | --- | --- | --- |\n"
    md += "| 1 | 优化布局 | 落实“三线一单”。 | 示范区财政局 |\n"
    (tmp_path / "list.md").write_text(md, encoding="utf-8")
    [task] = import_document(tmp_path / "list.md").tasks
    assert (task.title, task.measure, task.extra) == ("优化布局", "落实“三线一单”。", {})


def test_markdown_and_html_tables(tmp_path):
    md = "# 任务清单\n\n| 序号 | 工作任务 | 责任单位 | 完成时限 |\n| --- | --- | --- | --- |\n"
    md += "| 1 | 建设公园 | 示范区财政局、示范区税务局 | 2021年底前 |\n"
    (tmp_path / "list.md").write_text(md, encoding="utf-8")
    html = (
        "<html><body><nav>首页 | 政务公开</nav><table>"
        "<tr><th>序号</th><th>主要任务</th><th>牵头单位</th><th>配合单位</th></tr>"
        "<tr><td>1</td><td>治理河道</td><td rowspan='2'>示范区财政局</td><td>东街道</td></tr>"
        "<tr><td>2</td><td>修复湿地</td><td>西街道</td></tr></table></body></html>"
    )
    (tmp_path / "page.html").write_text(html, encoding="utf-8")
    md_result = import_document(tmp_path / "list.md")
    html_result = import_document(tmp_path / "page.html")
    assert _flat(md_result) == [("1", ("示范区财政局", "示范区税务局"), (), "2021年底前")]
    assert _flat(html_result) == [("1", ("示范区财政局",), ("东街道",), ""), ("2", ("示范区财政局",), ("西街道",), "")]


@pytest.mark.parametrize(
    ("title", "name"),
    [
        # a PDF's text breaks the title over lines, and 《》 come only in the body, over a line end too
        (
            [
                "济南市钢城区人民政府关于印发济南市钢城区",
                "国民经济和社会发展第十四个五年规划和",
                "",
                "2035 年远景目标纲要的通知",
            ],
            "济南市钢城区国民经济和社会发展第十四个五年规划和2035年远景目标纲要",
        ),
        (["示范区管委会关于进一步优化营商环境", "的实施意见"], "关于进一步优化营商环境的实施意见"),
    ],
)
def test_a_title_broken_over_lines_names_the_document_whole(tmp_path, title, name):
    text = "\n".join(
        [
            *title,
            "",
            "示范政发〔2021〕1 号",
            "各街道，区政府各部门：",
            "现将《示范区国民经济和社会发展第十四个五年规划和",
            "2035年远景目标纲要》印发给你们，请认真贯彻实施。",
            "1.完善工作机制。（牵头单位：示范区财政局）",
        ]
    )
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    assert import_document(tmp_path / "plan.txt").name == name


def test_unit_lists_split_outside_parentheses_and_keep_vague_tails():
    found = split_units("各县（市、区）人民政府、区司法局等有关部门，各成员单位及各工作专班")
    assert found.names == ["各县（市、区）人民政府", "区司法局"]
    assert found.vague == ["等有关部门", "各成员单位", "各工作专班"]


def test_notice_text_is_not_a_task(tmp_path):
    paragraphs = [
        "关于印发《示范区重点任务分工方案》的通知",
        "各街道，区政府各部门：",
        "现印发给你们，请认真组织实施。（此件公开发布）",
        "联系人：张三，电话：0000-00000000",
        "1.完善工作机制。（牵头单位：示范区财政局）",
    ]
    result = import_document(_docx(tmp_path / "notice.docx", paragraphs))
    assert [t.measure for t in result.tasks] == ["完善工作机制。"]
    assert result.name == "示范区重点任务分工方案"


def test_a_group_the_units_file_does_not_have_yet_is_said_and_never_added_as_a_unit(tmp_path):
    """A new office's units file has no 所属分组 yet: "各社区" is a group to fill in there, not a unit named 各社区
    that would get a workbook of its own."""
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    plan = _docx(tmp_path / "plan.docx", [*OUTLINE, "3.建设社区服务站。（牵头单位：示范区新设中心；配合单位：各社区）"])
    runner = CliRunner()
    written = runner.invoke(main, ["import", str(plan), "-w", str(root), "--code", "P", "--add-units", "--json"])
    assert written.exit_code == 0, written.output
    found = [(p["code"], p["values"].get("name")) for p in json.loads(written.output)["problems"]]
    assert found == [("import-group-unknown", "各社区"), ("import-unit-unknown", "示范区新设中心")]
    units = openpyxl.load_workbook(root / "source" / "units.xlsx").worksheets[0]
    assert [row[0] for row in units.iter_rows(min_row=len(UNITS) + 2, values_only=True)] == ["示范区新设中心"]


def test_cli_writes_the_table_and_the_entry_that_ledger_check_reads(tmp_path):
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    comment = "# 用户自己的注释\n"
    (root / "ledger.toml").write_text(comment + (root / "ledger.toml").read_text(encoding="utf-8"), encoding="utf-8")
    plan = _docx(tmp_path / "plan.docx", [*OUTLINE, "3.新增单位任务。（牵头单位：示范区新设中心）"])
    runner = CliRunner()
    dry = runner.invoke(main, ["import", str(plan), "--workspace", str(root), "--code", "P", "--dry-run", "--json"])
    data = json.loads(dry.output)
    assert [t["number"] for t in data["tasks"]] == ["1", "2", "3", "4", "5", "6"]
    assert [p["code"] for p in data["problems"]] == ["import-unit-unknown"]
    assert not (root / "source" / "tasks" / "示范区2021年重点工作任务分工方案.xlsx").exists()

    written = runner.invoke(main, ["import", str(plan), "--workspace", str(root), "--code", "P", "--add-units"])
    assert written.exit_code == 0, written.output
    config = (root / "ledger.toml").read_text(encoding="utf-8")
    assert config.startswith(comment) and config.count('code = "P"') == 1
    units = openpyxl.load_workbook(root / "source" / "units.xlsx").worksheets[0]
    assert [c.value for c in units[units.max_row]][:3] == ["示范区新设中心", None, "中心"]
    ws = load_workspace(root)
    tasks = [t for t in ws.tasks if t.document == "P"]
    assert [(t.id, t.lead_units, t.support_units, t.deadline.due) for t in tasks][:2] == [
        ("P-1", ["示范区发展改革局"], ["示范区财政局", "东街道"], __import__("datetime").date(2021, 6, 30)),
        ("P-2", ["示范区财政局"], ["示范区税务局", "西街道"], None),
    ]
    assert [t.extra["来源"] for t in tasks][:2] == ["第4段", "第5段"]
    # The ID is written out, so a row inserted later and 序号 renumbered below it changes no task's ID.
    table = openpyxl.load_workbook(root / "source" / "tasks" / "示范区2021年重点工作任务分工方案.xlsx").active
    assert [c.value for c in table[2]][:2] == ["任务编号", "序号"]
    assert [r[:2] for r in table.iter_rows(min_row=3, max_row=4, values_only=True)] == [("P-1", "1"), ("P-2", "2")]

    again = runner.invoke(main, ["import", str(plan), "--workspace", str(root), "--code", "P"])
    assert again.exit_code == 1 and "import-code-taken" in again.output


def test_cli_shows_no_empty_title_for_a_document_it_could_not_read(tmp_path):
    (tmp_path / "plan.png").write_bytes(b"x")
    plan = _docx(tmp_path / "plan.docx", OUTLINE)
    runner = CliRunner()
    refused = runner.invoke(main, ["import", str(tmp_path / "plan.png"), "--dry-run"])
    assert refused.exit_code == 1 and "import-format" in refused.output
    assert "《》" not in refused.output and "任务0项" not in refused.output
    read = runner.invoke(main, ["import", str(plan), "--dry-run", "--code", "P"])
    assert "任务5项（文件编号：P）" in read.output


def test_import_into_a_workspace_whose_ledger_toml_has_errors_names_them_in_chinese(tmp_path):
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    config = (root / "ledger.toml").read_text(encoding="utf-8").replace("year = 2021", 'year = "2021年"')
    (root / "ledger.toml").write_text(config + "\nmisspelt = 1\n", encoding="utf-8")
    plan = _docx(tmp_path / "plan.docx", OUTLINE)
    runner = CliRunner()
    shown = runner.invoke(main, ["import", str(plan), "--workspace", str(root), "--code", "P"])
    assert shown.exit_code == 1 and isinstance(shown.exception, SystemExit)  # no KeyError: 'config-invalid'
    assert "config-type" in shown.output and "ledger.toml 中 ledger.year 应为整数" in shown.output
    as_json = runner.invoke(main, ["import", str(plan), "--workspace", str(root), "--code", "P", "--json"])
    assert [(p["code"], p["cell"]) for p in json.loads(as_json.output)["problems"]] == [
        ("config-type", "ledger.year"),
        ("config-key-unknown", "documents[1].misspelt"),
    ]


def test_an_outline_with_an_attached_table_keeps_both(tmp_path):
    document = docx.Document()
    document.add_paragraph("1.完善工作机制。（牵头单位：示范区财政局）")
    document.add_paragraph("附件")
    for rows in (
        [["序号", "具体措施", "牵头单位"], ["1", "建设公园。", "示范区税务局"]],
        [["2", "修复湿地。", "示范区发展改革局"]],  # the table continued on the next page, without its header
    ):
        _add_table(document, rows)
        document.add_paragraph("")
    document.save(str(tmp_path / "both.docx"))
    result = import_document(tmp_path / "both.docx")
    assert [(t.number, t.measure, t.lead) for t in result.tasks] == [
        ("1", "完善工作机制。", ["示范区财政局"]),
        ("附1", "建设公园。", ["示范区税务局"]),
        ("附2", "修复湿地。", ["示范区发展改革局"]),
    ]


def test_section_picks_one_document_out_of_a_bulletin(tmp_path):
    bulletin = "\n".join(
        [
            "示范区人民政府办公室关于印发《示范区河道治理方案》的通知",
            "1.清理河道垃圾。（牵头单位：示范区财政局）",
            "示范区人民政府办公室",
            "2021年3月1日",
            " 示范区人民政府办公室关于印发《示范区营商环境任务分工》的通知",
            "1.压减审批时限。（牵头单位：示范区税务局）",
            "2.推行告知承诺。（牵头单位：示范区发展改革局）",
            " 示范区人民政府关于表彰先进集体的决定",
            "1.表彰东街道。（牵头单位：示范区财政局）",
        ]
    )
    (tmp_path / "bulletin.txt").write_text(bulletin, encoding="utf-8")
    result = import_document(tmp_path / "bulletin.txt", section="营商环境任务分工")
    assert (result.name, [t.lead for t in result.tasks]) == (
        "示范区营商环境任务分工",
        [["示范区税务局"], ["示范区发展改革局"]],
    )
    missing = import_document(tmp_path / "bulletin.txt", section="不存在的文件")
    assert [p.code for p in missing.problems] == ["import-section-missing"]


def test_annotation_written_on_as_a_sentence_and_people_read_past(tmp_path):
    paragraphs = [
        "一、重点任务",
        "1）推进清洁取暖改造。牵头单位：示范区财政局；责任单位：东街道。完成时限：2022年10月底前。",
        "2）完善河长制。",
        "牵头领导：张三",
        "牵头单位：示范区税务局",
        "配合单位：西街道、高新区管委会",
    ]
    result = import_document(_docx(tmp_path / "sentences.docx", paragraphs))
    assert [(t.measure, t.lead, t.support, t.deadline) for t in result.tasks] == [
        ("推进清洁取暖改造。", ["示范区财政局"], ["东街道"], "2022年10月底前"),
        ("完善河长制。", ["示范区税务局"], ["西街道", "高新区管委会"], ""),
    ]


def test_a_two_row_header_and_a_table_written_one_row_a_line(tmp_path):
    document = docx.Document()
    rows = [
        ["序号", "工作任务", "责任单位", "责任单位", "完成时限"],
        ["", "", "牵头单位", "配合单位", ""],
        ["1", "建设充电设施。", "示范区发展改革局", "东街道", "2022年6月底前"],
    ]
    _add_table(document, rows)
    document.save(str(tmp_path / "two-rows.docx"))
    text = (
        "序号 工作任务 牵头单位 完成时限\n1 建设充电设施 示范区财政局 2022年6月底前\n2 修复湿地 示范区税务局 长期坚持\n"
    )
    (tmp_path / "rows.txt").write_text(text, encoding="utf-8")
    assert _flat(import_document(tmp_path / "two-rows.docx")) == [
        ("1", ("示范区发展改革局",), ("东街道",), "2022年6月底前")
    ]
    assert _flat(import_document(tmp_path / "rows.txt")) == [
        ("1", ("示范区财政局",), (), "2022年6月底前"),
        ("2", ("示范区税务局",), (), "长期坚持"),
    ]


def test_roles_as_the_last_sentence_of_a_task(tmp_path):
    text = "1.建立河湖长效管护机制。示范区财政局、示范区税务局分别牵头。\n2.开展专项检查。东街道牵头，西街道参与。\n"
    (tmp_path / "sentences.md").write_text(text, encoding="utf-8")
    assert _flat(import_document(tmp_path / "sentences.md")) == [
        ("1", ("示范区财政局", "示范区税务局"), (), ""),
        ("2", ("东街道",), ("西街道",), ""),
    ]


def test_legacy_doc_without_libreoffice_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without LibreOffice on its path
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    result = import_document(tmp_path / "old.doc")
    assert [(p.file, p.code) for p in result.problems] == [("old.doc", "import-doc-needs-libreoffice")]


def test_the_ledger_entry_says_when_the_document_gives_no_deadlines(tmp_path):
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    plan = _docx(tmp_path / "plan.docx", ["示范区2022年任务分工", "1.完善机制。（牵头单位：示范区财政局）"])
    result = import_document(plan, workspace=root, code="N")
    assert result.written and result.table_file == "source/tasks/示范区2022年任务分工.xlsx"
    config = (root / "ledger.toml").read_text(encoding="utf-8")
    assert '有1项任务原文未写完成时限；如均为年度任务，可加一行 default_deadline = "2022年年底前"' in config


def test_a_table_row_cut_by_a_page_break_is_joined(tmp_path):
    html = (
        "<table><tr><td>序号</td><td>具体措施</td><td>牵头单位</td><td>完成时限</td></tr>"
        "<tr><td>1</td><td>完成河道清淤，</td><td>示范区财政局</td><td>2022年</td></tr>"
        "<tr><td></td><td>建设生态护岸。</td><td></td><td>6月底前</td></tr>"
        "<tr><td>2</td><td>修复湿地。</td><td>示范区税务局</td><td>长期坚持</td></tr></table>"
    )
    (tmp_path / "cut.html").write_text(html, encoding="utf-8")
    result = import_document(tmp_path / "cut.html")
    assert [(t.number, t.measure, t.lead, t.deadline) for t in result.tasks] == [
        ("1", "完成河道清淤，建设生态护岸。", ["示范区财政局"], "2022年6月底前"),
        ("2", "修复湿地。", ["示范区税务局"], "长期坚持"),
    ]


def test_the_documents_rule_in_its_preamble_is_not_a_task(tmp_path):
    paragraphs = [
        "示范区任务分工",
        "为抓好落实，制定本方案。各项任务列第一位的为牵头单位。",
        "1.完善机制。（示范区财政局、东街道）",
    ]
    result = import_document(_docx(tmp_path / "rule.docx", paragraphs))
    assert _flat(result) == [("1", ("示范区财政局",), ("东街道",), "")]


def test_the_dry_run_shows_the_tasks_as_the_ledger_will_store_them(tmp_path):
    # Text copied from a PDF spaces digits apart ("2021 年 6 月底前"); the ledger reads them as offices write
    # them, so the dry run the clerk checks first, the table written and ledger check must all say the same.
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    text = "\n".join(
        [
            "示范区2021年重点工作任务分工方案",
            "一、优化营商环境",
            "1.在 2020 年基础上新增 5 家企业，2021 年 6 月底前完成。"
            "（牵头单位：示范区财政局；完成时限：2021 年 6 月底前）",
        ]
    )
    (tmp_path / "plan.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    args = ["import", str(tmp_path / "plan.txt"), "--workspace", str(root), "--code", "P"]
    shown = runner.invoke(main, [*args, "--dry-run"], terminal_width=200).output
    [dry] = json.loads(runner.invoke(main, [*args, "--dry-run", "--json"]).output)["tasks"]
    assert runner.invoke(main, args).exit_code == 0
    [task] = [t for t in load_workspace(root).tasks if t.document == "P"]
    assert (dry["measure"], dry["deadline"]) == (task.measure, task.deadline.text)
    assert (task.measure, task.deadline.text) == ("在2020年基础上新增5家企业，2021年6月底前完成。", "2021年6月底前")
    assert "2021年6月底前" in shown and "2021 年" not in shown


def test_numbers_a_table_repeats_become_task_ids_that_never_collide(tmp_path):
    """Two measures under one merged 序号, and a table numbering each part from 1 again: the import said 未发现问题
    and wrote a list `ledger check` then refused (task-id-duplicate). Rows under one merged number are 1-1, 1-2,
    as `ledger check` numbers them; a part numbered afresh is 2.1, 2.2 after its place among the parts."""
    document = docx.Document()
    rows = [
        ["序号", "重点任务", "具体措施", "牵头单位", "完成时限"],
        ["一、优化营商环境", "", "", "", ""],
        ["1", "压缩审批时限", "推行告知承诺制。", "示范区财政局", "2021年6月底前"],
        ["1", "压缩审批时限", "推行容缺受理。", "示范区税务局", "2021年9月底前"],
        ["2", "优化纳税服务", "推行非接触式办税。", "示范区税务局", "年底前"],
        ["二、加强招商引资", "", "", "", ""],
        ["1", "精准招商", "编制产业链招商图谱。", "示范区财政局", "长期坚持"],
        ["2", "精准招商", "开展驻点招商。", "示范区财政局", "长期坚持"],
    ]
    table = _add_table(document, rows)
    for c in (0, 1):
        table.cell(2, c).merge(table.cell(3, c)).text = rows[2][c]
    for r in (1, 5):
        table.cell(r, 0).merge(table.cell(r, 4)).text = rows[r][0]
    document.save(str(tmp_path / "parts.docx"))
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "示例", "示范区财政局"]])
    result = import_document(tmp_path / "parts.docx", workspace=root, code="BZ")
    assert [(t.number, t.measure) for t in result.tasks] == [
        ("1.1-1", "推行告知承诺制。"),
        ("1.1-2", "推行容缺受理。"),
        ("1.2", "推行非接触式办税。"),
        ("2.1", "编制产业链招商图谱。"),
        ("2.2", "开展驻点招商。"),
    ]
    assert result.written and result.problems == []
    ids = [t.id for t in load_workspace(root).tasks if t.id.startswith("BZ")]
    assert ids == ["BZ-1.1-1", "BZ-1.1-2", "BZ-1.2", "BZ-2.1", "BZ-2.2"]


def test_a_two_row_header_printed_again_inside_the_table_is_no_task(tmp_path):
    """A table pasted page by page from a PDF into Word carries its two-row header again where each page began:
    its upper row (序号 | 具体措施 | 责任单位 | 责任单位 | 完成时限) became a task led by "责任单位"."""
    upper = ["序号", "具体措施", "责任单位", "责任单位", "完成时限"]
    lower = ["序号", "具体措施", "牵头单位", "配合单位", "完成时限"]
    document = docx.Document()
    rows = [upper, lower, ["1", "建设充电设施。", "示范区财政局", "东街道", "2022年6月底前"]]
    rows += [upper, lower, ["2", "修复湿地。", "示范区税务局", "", "长期坚持"]]
    table = _add_table(document, rows)
    for top in (0, 3):
        for c in (0, 1, 4):
            table.cell(top, c).merge(table.cell(top + 1, c)).text = upper[c]
        table.cell(top, 2).merge(table.cell(top, 3)).text = "责任单位"
    document.save(str(tmp_path / "pages.docx"))
    result = import_document(tmp_path / "pages.docx")
    assert _flat(result) == [
        ("1", ("示范区财政局",), ("东街道",), "2022年6月底前"),
        ("2", ("示范区税务局",), (), "长期坚持"),
    ]
    assert result.problems == []


def test_a_task_table_sent_as_an_excel_workbook_is_imported(tmp_path):
    """Plans often come with their 任务分解表 as an .xlsx attachment: the import refused it as a format and asked
    for Word or PDF. It is read as the tables of a Word file are: the title above, a two-row header, merged
    cells, a cell naming lead and support, a note below; each row's 来源 is its sheet and row."""
    rows = [
        ["示范区2021年优化营商环境重点任务分解表", "", "", "", ""],
        ["序号", "具体措施", "责任单位", "", "完成时限"],
        ["", "", "牵头单位", "配合单位", ""],
        ["一、政务服务", "", "", "", ""],
        [1, "推行告知承诺制。", "示范区财政局", "东街道、西街道", "2021年6月底前"],
        [2, "推行容缺受理。", "示范区税务局牵头，示范区财政局配合", "", "每年12月底前"],
        ["注：以上任务均需各街道落实。", "", "", "", ""],
    ]
    merges = ("A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "A4:E4", "A7:E7")
    write_xlsx(tmp_path / "分解表.xlsx", rows, merges, title="任务分解")
    result = import_document(tmp_path / "分解表.xlsx")
    assert _flat(result) == [
        ("1", ("示范区财政局",), ("东街道", "西街道"), "2021年6月底前"),
        ("2", ("示范区税务局",), ("示范区财政局",), "每年12月底前"),
    ]
    assert [(t.category, t.source) for t in result.tasks] == [
        ("一、政务服务", "任务分解第5行"),
        ("一、政务服务", "任务分解第6行"),
    ]
    assert result.name == "示范区2021年优化营商环境重点任务分解表"
    assert [p.code for p in result.problems] == ["tasks-note-units"]


def test_a_sentence_giving_every_task_its_units_is_a_note_not_a_task(tmp_path):
    """ "各重点任务由区有关部门单位牵头负责，各街道、功能区负责落实。" above a task table (the seed's 大气污染防治
    方案) was imported as a task led by nobody, and, being a task among the document's parts, made every other
    part of the bulletin a line said to name nobody. It is the note `ledger check` says of a table."""
    document = docx.Document()
    for text in [
        "示范区2021年大气污染防治工作方案",
        "一、总体要求",
        "坚持精准治污、科学治污。",
        "二、重点任务",
        "全面落实大气污染治理重点任务。各重点任务由区有关部门单位牵头负责，各街道、功能区负责落实。",
        "三、保障措施",
        "加强组织领导。",
    ]:
        document.add_paragraph(text)
    _add_table(
        document,
        [["序号", "具体措施", "牵头部门", "完成时限"], ["1", "淘汰燃煤锅炉。", "示范区财政局", "2021年全年"]],
    )
    document.save(str(tmp_path / "air.docx"))
    result = import_document(tmp_path / "air.docx")
    assert [(t.measure, t.lead) for t in result.tasks] == [("淘汰燃煤锅炉。", ["示范区财政局"])]
    assert [(p.code, p.values["text"]) for p in result.problems] == [
        ("tasks-note-units", "各重点任务由区有关部门单位牵头负责，各街道、功能区负责落实。")
    ]


def test_a_unit_marked_as_leading_in_brackets_leads_and_the_others_support(tmp_path):
    """ "区发改委（牵头），区财政局" in a lone 责任单位 column (and in an annotation) made "示范区财政局（牵头）" a
    unit of that name and every unit a lead; `ledger check` reads the mark: the unit marked leads, the rest
    support."""
    document = docx.Document()
    document.add_paragraph("1.推行告知承诺制。（示范区税务局（牵头）、示范区财政局）")
    rows = [
        ["序号", "工作任务", "责任单位", "完成时限"],
        ["1", "推行容缺受理。", "示范区财政局（牵头），示范区税务局", "2021年6月底前"],
        ["2", "推行帮办代办。", "示范区税务局(牵头)\n东街道\n西街道", "持续推进"],
    ]
    table = _add_table(document, rows)
    table.cell(2, 2).text = "示范区税务局(牵头)"
    for name in ("东街道", "西街道"):
        table.cell(2, 2).add_paragraph(name)
    document.save(str(tmp_path / "marked.docx"))
    result = import_document(tmp_path / "marked.docx")
    assert _flat(result) == [
        ("1", ("示范区税务局",), ("示范区财政局",), ""),
        ("附1", ("示范区财政局",), ("示范区税务局",), "2021年6月底前"),
        ("附2", ("示范区税务局",), ("东街道", "西街道"), "持续推进"),
    ]


@pytest.mark.parametrize(
    ("measure", "deadline"), [("工作举措", "时间安排"), ("具体举措", "进度安排"), ("主要举措", "计划完成时间")]
)
def test_a_table_headed_with_other_words_for_measure_and_deadline(tmp_path, measure, deadline):
    """ "工作举措 | 责任领导 | 责任单位（牵头 | 配合） | 时间安排": no task was found in the table at all
    (import-no-tasks), and "进度安排" left every task undated."""
    document = docx.Document()
    rows = [
        ["序号", "目标任务", measure, "责任领导", "责任单位", "责任单位", deadline],
        ["序号", "目标任务", measure, "责任领导", "牵头", "配合", deadline],
        ["1", "优化营商环境", "推行告知承诺制。", "张三", "示范区财政局", "示范区税务局", "2021年6月底前"],
    ]
    _add_table(document, rows)
    document.save(str(tmp_path / "plan.docx"))
    result = import_document(tmp_path / "plan.docx")
    assert _flat(result) == [("1", ("示范区财政局",), ("示范区税务局",), "2021年6月底前")]
    assert (result.tasks[0].title, result.tasks[0].measure) == ("优化营商环境", "推行告知承诺制。")


def test_text_inserted_with_track_changes_on_is_read(tmp_path):
    """A draft passed between offices in 修订 mode: text typed as a tracked insertion was not read (python-docx's
    text leaves it out), so a supporting unit and a table's lead were lost; text tracked as deleted stays out."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    mark = 'w:author="办公室" w:date="2021-03-01T00:00:00Z"'
    document = docx.Document()
    paragraph = document.add_paragraph("1.推进改革。（示范区财政局牵头")
    paragraph._p.append(parse_xml(f'<w:ins {w} w:id="1" {mark}><w:r><w:t>，示范区税务局配合</w:t></w:r></w:ins>'))
    paragraph._p.append(parse_xml(f'<w:del {w} w:id="2" {mark}><w:r><w:delText>，东街道配合</w:delText></w:r></w:del>'))
    paragraph.add_run("）")
    table = _add_table(document, [["序号", "具体措施", "牵头单位"], ["1", "加强监管。", ""]])
    cell = table.cell(1, 2).paragraphs[0]._p
    cell.append(parse_xml(f'<w:ins {w} w:id="3" {mark}><w:r><w:t>示范区税务局</w:t></w:r></w:ins>'))
    document.save(str(tmp_path / "draft.docx"))
    result = import_document(tmp_path / "draft.docx")
    assert _flat(result) == [("1", ("示范区财政局",), ("示范区税务局",), ""), ("附1", ("示范区税务局",), (), "")]


def test_an_indicator_whose_unit_cell_says_who_leads_and_who_supports(tmp_path):
    """ "区财政局牵头，区税务局配合" in an indicator table's 责任单位 cell was written whole under 牵头单位, which
    the ledger then read as two units unknown by those names; the lead and the support are written apart."""
    document = docx.Document()
    rows = [
        ["序号", "指标名称", "单位", "2020年", "2025年目标", "属性", "责任单位"],
        ["1", "一般公共预算收入", "亿元", "12.5", "16", "预期性", "示范区财政局牵头，示范区税务局配合"],
        ["2", "地区生产总值增长", "%", "3.6", "6左右", "预期性", "示范区发展改革局"],
    ]
    _add_table(document, rows)
    document.save(str(tmp_path / "indicators.docx"))
    result = import_document(tmp_path / "indicators.docx")
    assert [(i.name, i.lead, i.support) for i in result.indicators] == [
        ("一般公共预算收入", "示范区财政局", "示范区税务局"),
        ("地区生产总值增长", "示范区发展改革局", ""),
    ]


def test_paragraphs_inside_a_content_control_are_read(tmp_path):
    """A document made from a 公文 template holds its body in content controls (w:sdt): the paragraphs there were
    not read at all, the tasks in them lost and the next item's number taken for text."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    document.add_paragraph("一、重点任务")
    paragraphs = "".join(
        f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
        for text in ("1.推进改革。（示范区财政局牵头）", "2.加强监管。（示范区税务局牵头）")
    )
    body = document.element.body
    body.insert(len(body) - 1, parse_xml(f"<w:sdt {w}><w:sdtPr/><w:sdtContent>{paragraphs}</w:sdtContent></w:sdt>"))
    document.add_paragraph("3.优化服务。（示范区财政局牵头）")
    document.save(str(tmp_path / "template.docx"))
    result = import_document(tmp_path / "template.docx")
    assert [(t.number, t.measure, t.lead) for t in result.tasks] == [
        ("1", "推进改革。", ["示范区财政局"]),
        ("2", "加强监管。", ["示范区税务局"]),
        ("3", "优化服务。", ["示范区财政局"]),
    ]


def test_a_table_without_a_deadline_column_takes_the_deadline_its_measure_writes(tmp_path):
    """A table with no 完成时限 column whose measures say when ("2021年6月底前完成清单编制"): the outline form read
    that deadline, the table form left every task undated."""
    document = docx.Document()
    rows = [
        ["序号", "工作任务", "牵头单位", "配合单位"],
        ["1", "全面推行告知承诺制，2021年6月底前完成清单编制。", "示范区财政局", "示范区税务局"],
        ["2", "建立2000年底前建成的老旧小区台账。", "示范区税务局", ""],
    ]
    _add_table(document, rows)
    document.save(str(tmp_path / "undated.docx"))
    result = import_document(tmp_path / "undated.docx")
    assert _flat(result) == [
        ("1", ("示范区财政局",), ("示范区税务局",), "2021年6月底前"),
        ("2", ("示范区税务局",), (), ""),
    ]


def test_a_workbook_holding_the_plan_as_one_column_of_text_is_read_as_an_outline(tmp_path):
    """A sheet with the plan pasted into one column, a line a row: no row has two values, and the sheet was
    passed over whole (import-no-tasks)."""
    rows = [
        ["一、重点任务"],
        ["1.推进改革。（示范区财政局牵头，示范区税务局配合）"],
        ["2.加强监管。（示范区税务局牵头）"],
    ]
    write_xlsx(tmp_path / "plan.xlsx", rows)
    result = import_document(tmp_path / "plan.xlsx")
    assert _flat(result) == [("1", ("示范区财政局",), ("示范区税务局",), ""), ("2", ("示范区税务局",), (), "")]
    assert result.tasks[0].source == "Sheet1第2行"


def test_an_annotation_written_before_the_measure_names_who_does_it(tmp_path):
    """ "1.【区发改委牵头】推进改革…" writes its units first: the item was said to name nobody (here no task was
    found at all), though the document named its lead plainly."""
    paragraphs = [
        "示范区2021年工作方案",
        "一、深化改革",
        "1.【示范区发展改革局牵头】推进改革，完善机制。",
        "2.【示范区财政局牵头，示范区税务局配合】优化企业开办流程，2021年6月底前完成。",
        "3.（示范区财政局牵头）推进政务数据共享。",
    ]
    result = import_document(_docx(tmp_path / "plan.docx", paragraphs))
    assert [(t.measure, t.lead, t.support, t.deadline) for t in result.tasks] == [
        ("推进改革，完善机制。", ["示范区发展改革局"], [], ""),
        ("优化企业开办流程，2021年6月底前完成。", ["示范区财政局"], ["示范区税务局"], "2021年6月底前"),
        ("推进政务数据共享。", ["示范区财政局"], [], ""),
    ]
    assert result.problems == []


def test_units_that_support_in_the_words_offices_use_for_it_support(tmp_path):
    """ "区财政局保障资金", "区财政局做好经费保障", "区税务局支持": the unit went into the notes as a phrase, and the
    task had no 配合单位. A role clause naming a unit and a support word is support; a measure that speaks of
    保障 is no unit."""
    paragraphs = [
        "示范区2021年工作方案",
        "一、深化改革",
        "1.推进改革。（示范区发展改革局牵头，示范区财政局保障资金）",
        "2.优化流程。（示范区发展改革局牵头，示范区财政局做好经费保障）",
        "3.推进共享。（示范区发展改革局牵头，示范区财政局协助，示范区税务局支持）",
        "4.加强要素保障。（示范区财政局牵头，加强资金保障）",
    ]
    result = import_document(_docx(tmp_path / "plan.docx", paragraphs))
    assert [(t.lead, t.support, t.notes) for t in result.tasks] == [
        (["示范区发展改革局"], ["示范区财政局"], []),
        (["示范区发展改革局"], ["示范区财政局"], []),
        (["示范区发展改革局"], ["示范区财政局", "示范区税务局"], []),
        (["示范区财政局"], [], ["加强资金保障"]),
    ]


def test_units_written_after_each_clause_make_a_task_of_each_clause(tmp_path):
    """ "推进改革（区发改委）、加强监管（区市场监管局）。": one task was made, led by the last unit only, and the
    first clause's unit was lost. Each clause is a task of its unit; a bracket that explains a term is not."""
    paragraphs = [
        "示范区2021年工作方案",
        "一、深化改革",
        "1.推进改革（示范区发展改革局）、加强监管（示范区财政局）。",
        "2.推行“一网通办”（网上办理），优化流程（示范区税务局）。",
        "3.用好社区综合文化服务中心（站、室）、文化广场等阵地。（示范区财政局）",
    ]
    result = import_document(_docx(tmp_path / "plan.docx", paragraphs))
    assert [(t.measure, t.lead) for t in result.tasks] == [
        ("推进改革", ["示范区发展改革局"]),
        ("加强监管", ["示范区财政局"]),
        ("推行“一网通办”（网上办理），优化流程", ["示范区税务局"]),
        ("用好社区综合文化服务中心（站、室）、文化广场等阵地。", ["示范区财政局"]),
    ]


def test_a_short_name_the_document_declares_is_read_as_the_unit_it_stands_for(tmp_path):
    """ "示范区税务局（以下简称区税务局）" and then "区税务局牵头": the short name was said to be a unit missing from
    the units file (import-unit-unknown), though the document itself says whom it means."""
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    paragraphs = [
        "示范区2021年工作方案",
        "为推进改革，由示范区税务局（以下简称区税务局）会同有关部门制定本方案。",
        "一、深化改革",
        "1.推行告知承诺制。（牵头单位：示范区工业和信息化局（以下简称工信局）；责任单位：区税务局）",
        "2.优化流程。（工信局牵头，区税务局、示范区财政局配合）",
    ]
    result = import_document(_docx(tmp_path / "plan.docx", paragraphs), workspace=root, dry_run=True)
    assert [(t.lead, t.support) for t in result.tasks] == [
        (["示范区工业和信息化局"], ["示范区税务局"]),
        (["示范区工业和信息化局"], ["示范区税务局", "示范区财政局"]),
    ]
    assert [p.code for p in result.problems] == []


def test_an_indicator_tables_other_columns_are_kept_in_the_table_written(tmp_path):
    """A 纲要's 主要指标 table with a 年均增长 column: the column was dropped without a word. It is written beside
    the indicator in the reviewable table, under its own header, which the ledger reads past."""
    root = make_workspace(tmp_path / "ws", [["序号", "具体措施", "牵头单位"], ["1", "已有任务", "示范区财政局"]])
    document = docx.Document()
    rows = [
        ["序号", "指标名称", "单位", "2020年", "2025年", "年均增长", "属性", "牵头单位"],
        ["1", "一般公共预算收入", "亿元", "12.5", "16", "5%", "预期性", "示范区财政局"],
        ["2", "地区生产总值", "亿元", "300", "400", "6%左右", "预期性", "示范区发展改革局"],
    ]
    _add_table(document, rows)
    document.save(str(tmp_path / "indicators.docx"))
    result = import_document(tmp_path / "indicators.docx", workspace=root, code="Z")
    assert [(i.name, i.extra) for i in result.indicators] == [
        ("一般公共预算收入", {"年均增长": "5%"}),
        ("地区生产总值", {"年均增长": "6%左右"}),
    ]
    sheet = openpyxl.load_workbook(root / result.table_file).active
    header = [c.value for c in sheet[2]]
    assert [row[header.index("年均增长")].value for row in sheet.iter_rows(min_row=3)] == ["5%", "6%左右"]
    indicators = [i for i in load_workspace(root).indicators if i.document == "Z"]
    assert [(i.name, i.targets) for i in indicators] == [
        ("一般公共预算收入", {2025: "16"}),
        ("地区生产总值", {2025: "400"}),
    ]
