"""The bulletin's template filled with the long tables' rows kept aside gives docxtpl's own document."""

import io
import zipfile
from datetime import datetime

import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

from ledger.bulletin import BulletinTemplate, bulletin_number
from ledger.model import Period
from ledger.paths import WorkspacePaths
from ledger.xlsx import fixed_package

ITEMS = [
    {"name": f"任务{n}", "note": note, "flag": n % 2 == 0}
    for n, note in enumerate(["无", "第一行\n第二行", "甲\t乙", "<&>\"'", "{{ 7*7 }}", "末项"], 1)
]


def template_with_row_loops(path):
    """A title, a table whose loop writes two rows per item (numbered with loop.index), and a second table under
    a condition whose rows call a function the context has only when the condition holds."""
    document = Document()
    document.add_paragraph("{{ title }}")
    table = document.add_table(rows=5, cols=3)
    for cell, text in zip(table.rows[0].cells, ["序号", "名称", "说明"], strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for t in items %}"
    for cell, text in zip(table.rows[2].cells, ["{{ loop.index }}", "{{ t.name }}", "{{ t.note }}"], strict=True):
        cell.text = text
    table.rows[3].cells[0].text = "{% if t.flag %}双数{% else %}单数{% endif %}"
    table.rows[4].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p if show %}")
    guarded = document.add_table(rows=3, cols=1)
    guarded.rows[0].cells[0].text = "{%tr for t in items %}"
    guarded.rows[1].cells[0].text = "{{ shown(t) }}"
    guarded.rows[2].cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("共{{ items|length }}项")
    document.save(path)
    return path


def body(template: DocxTemplate) -> bytes:
    buffer = io.BytesIO()
    template.save(buffer)
    edits = {"word/document.xml": template.put_rows} if isinstance(template, BulletinTemplate) else {}
    package = fixed_package(buffer.getvalue(), datetime(2021, 7, 10), edits)
    xml = zipfile.ZipFile(io.BytesIO(package)).read("word/document.xml")
    return etree.tostring(etree.fromstring(xml), method="c14n2")


@pytest.mark.parametrize("show", [True, False])
@pytest.mark.parametrize("items", [ITEMS, ITEMS[:1], []], ids=["six", "one", "none"])
def test_rows_kept_aside_give_docxtpls_own_document(tmp_path, show, items):
    path = template_with_row_loops(tmp_path / "template.docx")
    context = {"title": "通报", "items": items, "show": show}
    if show:  # else undefined: a loop under a false condition must not be rendered
        context["shown"] = lambda t: f"《{t['name']}》"
    documents = [kind(str(path)) for kind in (DocxTemplate, BulletinTemplate)]
    for document in documents:
        document.render(context, autoescape=True)
    plain, aside = (body(d) for d in documents)
    assert aside == plain
    assert len(documents[1].rows) == (len(items) > 1) * (1 + show)  # every item after the first was set aside
    text = "".join(etree.fromstring(aside).itertext())
    assert all(f"{n}{t['name']}" in text for n, t in enumerate(items, 1))  # numbered, in order
    assert text.count("《任务") == len(items) * show


def test_a_bulletin_dated_into_another_year_once_keeps_its_number_in_its_own_year(tmp_path):
    """March's report re-run once without --date (dated today, another year) must not cost March its 〔2021〕3号:
    dated in 2021 again it is No. 3 again, so the rebuilt bulletin is the one issued."""
    paths = WorkspacePaths(tmp_path)
    (tmp_path / "source").mkdir()
    march, april = Period(2021, 3), Period(2021, 4)
    assert [bulletin_number(paths, p, 2021) for p in (Period(2021, 1), Period(2021, 2), march, april)] == [1, 2, 3, 4]
    assert bulletin_number(paths, march, 2026) == 1
    assert bulletin_number(paths, march, 2021) == 3
    assert bulletin_number(paths, Period(2021, 5), 2021) == 5
    assert bulletin_number(paths, march, 2026) == 1
