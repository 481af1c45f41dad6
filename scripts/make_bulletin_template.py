"""Write templates/通报.docx, the Word template of the monthly bulletin (docxtpl / jinja2 fields).

Offices edit the result in Word; this script only makes the first version. GB/T 9704 style: 方正小标宋简体 title,
仿宋_GB2312 body at 三号 (16 pt), 黑体 headings; Word substitutes a font a machine lacks.

    python scripts/make_bulletin_template.py
"""

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
BODY, TITLE, HEADING = "仿宋_GB2312", "方正小标宋简体", "黑体"
# Word takes w:altName when a machine lacks the font: the GB/T 9704 fonts fall back to ones Windows ships.
FALLBACKS = {TITLE: "宋体", BODY: "仿宋", HEADING: "SimHei"}


def styled(run, font: str, size: float, bold: bool = False) -> None:
    run.font.name = font
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), font)


def paragraph(doc, text: str, font: str = BODY, size: float = 16, indent: bool = True, align=None):
    p = doc.add_paragraph()
    p.paragraph_format.line_spacing = Pt(28)
    p.paragraph_format.space_after = Pt(0)
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    styled(p.add_run(text), font, size)
    return p


def main() -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    paragraph(doc, "{{ title }}", TITLE, 22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, "{{ period_label }}调度通报", TITLE, 22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(doc, "")
    paragraph(doc, "{{ office }}对{{ period_label }}各单位任务进展情况进行了调度，现将有关情况通报如下。")
    paragraph(doc, "一、总体进展", HEADING)
    paragraph(
        doc,
        "截至{{ as_of }}，全部 {{ r.tasks|length }} 项任务中，已完成 {{ r.done }} 项，完成率 {{ completion }}；"
        "绿灯 {{ counts.green }} 项，黄灯 {{ counts.yellow }} 项，红灯 {{ counts.red }} 项。"
        "应报送单位 {{ r.units|length }} 个，已报送 {{ summary.units.returned|length }} 个，"
        "未报送 {{ r.missing_units|length }} 个，逾期报送 {{ r.late_units|length }} 个。"
        "与上月相比，新完成 {{ r.newly_done|length }} 项，新逾期 {{ r.newly_overdue|length }} 项，"
        "状态变化 {{ r.changed|length }} 项。",
    )
    paragraph(doc, "二、表现较好的单位", HEADING)
    paragraph(
        doc,
        "{% if r.good_units %}{% for u in r.good_units %}{{ u.unit }}"
        "{% if not loop.last %}、{% endif %}"
        "{% endfor %}按时报送、所牵头任务推进有序，予以通报表扬。{% else %}本月暂无。{% endif %}",
    )
    paragraph(doc, "三、需要关注的单位", HEADING)
    paragraph(
        doc,
        "未按要求报送的单位：{% for u in r.missing_units %}{{ u.unit }}{% if not loop.last %}、{% endif %}"
        "{% else %}无{% endfor %}。",
    )
    paragraph(
        doc,
        "逾期报送的单位：{% for u in r.late_units %}{{ u.unit }}{% if not loop.last %}、{% endif %}"
        "{% else %}无{% endfor %}。",
    )
    paragraph(
        doc,
        "有任务滞后或逾期的单位："
        "{% set behind = r.units|selectattr('behind')|list + r.units|selectattr('overdue')|list %}"
        "{% for u in behind|unique(attribute='unit') %}"
        "{{ u.unit }}（滞后 {{ u.behind }} 项、逾期 {{ u.overdue }} 项）"
        "{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}。",
    )
    paragraph(doc, "四、逾期任务清单", HEADING)
    table = doc.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, ("任务编号", "具体措施", "完成时限", "牵头单位", "状态"), strict=True):
        styled(cell.paragraphs[0].add_run(text), HEADING, 12)
    styled(table.rows[1].cells[0].paragraphs[0].add_run("{%tr for t in r.overdue_tasks %}"), BODY, 12)
    for cell, text in zip(
        table.rows[2].cells,
        (
            "{{ t.task.id }}",
            "{{ t.task.measure }}",
            "{{ t.task.deadline.raw }}",
            "{{ t.task.lead_units|join('、') }}",
            "{{ t.status }}",
        ),
        strict=True,
    ):
        styled(cell.paragraphs[0].add_run(text), BODY, 12)
    styled(table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}"), BODY, 12)
    for row in table.rows:
        for cell, width in zip(row.cells, (Cm(2.2), Cm(7.5), Cm(2.6), Cm(3.0), Cm(1.8)), strict=True):
            cell.width = width
    paragraph(doc, "")
    paragraph(doc, "五、工作要求", HEADING)
    paragraph(
        doc,
        "请各单位对照任务清单加快推进，红灯任务的牵头单位要分析原因、明确措施，"
        "于{{ return_deadline }}前随下月进展一并报送。",
    )
    paragraph(doc, "")
    paragraph(doc, "{{ office }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(doc, "{{ as_of }}", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buffer = io.BytesIO()
    doc.save(buffer)
    data = with_font_fallbacks(buffer.getvalue())
    for target in (ROOT / "templates" / "通报.docx", ROOT / "ledger" / "defaults" / "templates" / "通报.docx"):
        target.write_bytes(data)


def with_font_fallbacks(docx: bytes) -> bytes:
    """Declare each GB/T 9704 font in word/fontTable.xml with the font to use where it is missing."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/><w:family w:val="auto"/>'
        f'<w:pitch w:val="variable"/></w:font>'
        for name, alt in FALLBACKS.items()
    ).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "word/fontTable.xml":
                content = content.replace(b"</w:fonts>", entries + b"</w:fonts>")
            target.writestr(zipfile.ZipInfo(info.filename, (2021, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


if __name__ == "__main__":
    main()
