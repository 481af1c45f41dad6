"""`ledger import` on PDF and legacy .doc files made by a real LibreOffice from Word documents built here."""

from __future__ import annotations

import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from ledger import import_document

from .conftest import libreoffice_pdf, soffice_command

PLAN = [
    "示范区2022年重点工作任务分工方案",
    "一、推进产业升级",
    "（一）培育新兴产业。",
    "1.建设新能源产业园，2022年9月底前完成主体工程。（牵头单位：示范区发展改革局；责任单位：示范区财政局）",
    "2.完善招商引资政策，长期坚持。（示范区工业和信息化局牵头，东街道、西街道按职责分工负责）",
]
TABLE = [
    ["序号", "重点任务", "具体措施", "牵头单位", "配合单位", "完成时限"],
    ["1", "河道治理", "完成河道清淤20公里，建设生态护岸。", "示范区财政局", "东街道、西街道", "2022年10月底前"],
    ["2", "湿地修复", "修复湿地500亩。", "示范区税务局、示范区财政局分别牵头", "", "2022年全年"],
]


def _word(path: Path, with_table: bool) -> Path:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    for text in PLAN:
        document.add_paragraph(text)
    if with_table:
        table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
        table.style = "Table Grid"
        for r, values in enumerate(TABLE):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
    document.save(str(path))
    return path


def _units(result) -> list[tuple]:
    return [(t.number, tuple(t.lead), tuple(t.support), t.deadline) for t in result.tasks]


def test_outline_in_a_pdf_printed_by_libreoffice(tmp_path):
    pdf = libreoffice_pdf(_word(tmp_path / "plan.docx", with_table=False), tmp_path)
    result = import_document(pdf)
    assert _units(result) == [
        ("1", ("示范区发展改革局",), ("示范区财政局",), "2022年9月底前"),
        ("2", ("示范区工业和信息化局",), ("东街道", "西街道"), "长期坚持"),
    ]
    assert result.tasks[0].source.startswith("第1页")
    assert result.tasks[0].title == "培育新兴产业"


def test_ruled_table_in_a_pdf_is_read_as_a_table(tmp_path):
    pdf = libreoffice_pdf(_word(tmp_path / "table.docx", with_table=True), tmp_path)
    result = import_document(pdf)
    assert _units(result)[2:] == [
        ("附1", ("示范区财政局",), ("东街道", "西街道"), "2022年10月底前"),
        ("附2", ("示范区税务局", "示范区财政局"), (), "2022年全年"),
    ]
    assert result.tasks[2].measure == "完成河道清淤20公里，建设生态护岸。"


def test_legacy_doc_is_read_through_libreoffice(tmp_path):
    source = _word(tmp_path / "plan.docx", with_table=False)
    run = subprocess.run(
        [*soffice_command(tmp_path), "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert run.returncode == 0 and (tmp_path / "plan.doc").is_file()
    result = import_document(tmp_path / "plan.doc")
    assert [t.lead for t in result.tasks] == [["示范区发展改革局"], ["示范区工业和信息化局"]]
    # WPS 文字 saves its own .wps in the same binary Word layout: read the same way, not refused as a format.
    (tmp_path / "plan.wps").write_bytes((tmp_path / "plan.doc").read_bytes())
    wps = import_document(tmp_path / "plan.wps")
    assert ([p.code for p in wps.problems], [t.lead for t in wps.tasks]) == ([], [t.lead for t in result.tasks])


def test_a_pdf_without_a_text_layer_or_a_damaged_file_is_named(tmp_path):
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    result = import_document(tmp_path / "broken.pdf")
    assert [(p.file, p.code) for p in result.problems] == [("broken.pdf", "import-unreadable")]
    # said in the office's words, not the reader's exception name (PdfminerException, PackageNotFoundError)
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    assert [import_document(tmp_path / name).problems[0].message for name in ("broken.pdf", "broken.docx")] == [
        "文件无法读取：文件已损坏，或不是PDF文件",
        "文件无法读取：文件已损坏，或不是Word文件",
    ]


@pytest.mark.parametrize("name", ["plan.ods", "scan.png"])
def test_formats_it_cannot_read_are_named(tmp_path, name):
    (tmp_path / name).write_bytes(b"x")
    result = import_document(tmp_path / name)
    assert [p.code for p in result.problems] == ["import-format"]


def _long_table_pdf(tmp_path, *, header_on_every_page: bool):
    """A table of 18 measures, every fourth three times as long, printed to PDF over pages by LibreOffice (with
    Word's 重复标题行 when asked); the measures, and the PDF."""
    document = docx.Document()
    document.styles["Normal"].font.size = Pt(12)
    measures = [
        f"第{n}项：推进重点项目建设，加快形成实物工作量，确保按期投产达效。" * (3 if n % 4 == 0 else 1)
        for n in range(1, 19)
    ]
    rows = [["序号", "具体措施", "牵头单位", "完成时限"], ["一、项目建设", "", "", ""]]
    rows += [[str(n), text, "示范区财政局", "2022年6月底前"] for n, text in enumerate(measures, start=1)]
    table = document.add_table(rows=len(rows), cols=4)
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(1, 3)).text = "一、项目建设"
    if header_on_every_page:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        table.rows[0]._tr.get_or_add_trPr().append(repeat)
    document.save(str(tmp_path / "long.docx"))
    return measures, libreoffice_pdf(tmp_path / "long.docx", tmp_path)


def test_a_table_row_broken_over_a_page_of_a_pdf_is_one_task_under_its_part(tmp_path):
    """A long table printed to PDF breaks rows over pages: the rest of a measure stands alone at the top of the
    next page's table. It was taken for a heading, the measure kept cut short and the cut-off words made the 类别
    of every later task; the tasks on the next pages also lost the part they belong to."""
    measures, pdf = _long_table_pdf(tmp_path, header_on_every_page=False)
    result = import_document(pdf)
    assert {t.source[:3] for t in result.tasks} > {"第1页", "第2页"}  # the table runs over pages
    assert [t.measure for t in result.tasks] == measures
    assert {t.category for t in result.tasks} == {"一、项目建设"}
    assert result.problems == []


def test_a_table_whose_header_is_printed_on_every_page_goes_on_over_the_pages(tmp_path):
    """Word's 重复标题行 prints the header again at the top of every page of the PDF: the table went on there all
    the same, but the rest of a broken row was taken for a heading and the tasks below it lost their part."""
    measures, pdf = _long_table_pdf(tmp_path, header_on_every_page=True)
    result = import_document(pdf)
    assert {t.source[:3] for t in result.tasks} > {"第1页", "第2页"}
    assert [t.measure for t in result.tasks] == measures
    assert {t.category for t in result.tasks} == {"一、项目建设"}
    assert [t.number for t in result.tasks] == [str(n) for n in range(1, 19)]
    assert result.problems == []
