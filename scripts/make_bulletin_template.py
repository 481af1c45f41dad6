"""Write templates/通报.docx, the Word template of the monthly bulletin (docxtpl / jinja2 fields), and the same
bytes to ledger/defaults/templates/ (the default a new workspace gets).

Offices edit the result in Word; this script only makes the first version, laid out as a 公文 per GB/T 9704-2012:
A4, 版心 156 mm × 225 mm (天头 37 mm, 订口 28 mm); 版头 with the red 发文机关标志 35 mm below the top of the
版心, the 发文字号 two lines below it and a red separator 4 mm under it; title in 2号方正小标宋简体; body in
3号仿宋_GB2312 on a grid of 22 lines × 28 characters; headings as paragraph styles (一级 黑体, 二级 楷体_GB2312);
发文机关署名 and 成文日期 right of the body (their indents are set by ledger when the bulletin is written, as the
standard counts them from the lengths of the two); the 附件 on a page of its own with a table whose header row
repeats and whose rows never split; page numbers "— 1 —" in 4号半角宋体, odd pages right and even pages left,
7 mm under the 版心; the 版记 (抄送, 印发机关和印发日期) at the foot of the last page. Word substitutes a font a
machine lacks (w:altName).

    python scripts/make_bulletin_template.py
"""

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
BODY, TITLE, HEI, KAI, SONG = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体"
# Word takes w:altName when a machine lacks the font: the GB/T 9704 fonts fall back to ones Windows ships.
FALLBACKS = {TITLE: "宋体", BODY: "仿宋", HEI: "SimHei", KAI: "楷体"}
LINE = 579  # twips: 225 mm / 22 lines
CHAR = 315  # twips: one character of 3号 condensed by 0.25 pt, so that 28 fit the 156 mm line
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"  # Word 2010 shapes
RED = RGBColor(0xFF, 0x00, 0x00)
TABLE_WIDTHS = (Mm(22), Mm(58), Mm(24), Mm(28), Mm(22))  # 154 mm, inside the 156 mm 版心
ISSUE_WIDTHS = (Mm(22), Mm(36), Mm(30), Mm(66))
# The 全年/上半年 附件: every task, its status at the span's end and the round it was done in. 154 mm at 小四: the
# measure takes the width (14 characters a line), a unit name of six and the headers fit whole.
SPAN_HEADS = ("编号", "具体措施", "牵头单位", "完成时限", "{{ end_name }}状态")
SPAN_CELLS = (
    "{{ t.task.id }}",
    "{{ t.task.measure }}",
    "{{ t.task.lead_units|join('、') }}",
    "{{ t.deadline_text }}",
    "{{ t.status }}{% if t.done_in %}（{{ t.done_in }}完成）{% endif %}",
)
SPAN_WIDTHS = (Mm(16), Mm(64), Mm(30), Mm(22), Mm(22))
# Style ids the publisher looks up (ledger/bulletin.py); names are what an office sees in Word. The headings are
# Word's own 标题 1 and 标题 2 (Heading1, Heading2), restyled, so they show in the navigation pane.
BUILT_IN = {"Normal": "Normal", "Heading1": "Heading 1", "Heading2": "Heading 2"}
STYLES = {
    "Issuer": "发文机关标志",
    "DocNumber": "发文字号",
    "DocTitle": "公文标题",
    "Addressee": "主送机关",
    "Signature": "发文机关署名",
    "SignDate": "成文日期",
    "AttachmentNote": "附件说明",
    "AttachmentLabel": "附件标识",
    "AttachmentTitle": "附件标题",
    "TableText": "表格文字",
    "Colophon": "版记",
    "PageNumber": "页码",
}


# Word refuses a document whose property elements are out of the schema's order, so children are placed by it.
PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]
RPR_ORDER = [
    "rStyle",
    "rFonts",
    "b",
    "bCs",
    "i",
    "iCs",
    "caps",
    "smallCaps",
    "strike",
    "dstrike",
    "outline",
    "shadow",
    "emboss",
    "imprint",
    "noProof",
    "snapToGrid",
    "vanish",
    "webHidden",
    "color",
    "spacing",
    "w",
    "kern",
    "position",
    "sz",
    "szCs",
    "highlight",
    "u",
    "effect",
    "bdr",
    "shd",
    "fitText",
    "vertAlign",
    "rtl",
    "cs",
    "em",
    "lang",
    "eastAsianLayout",
    "specVanish",
    "oMath",
]


def place(parent, child, order: list[str]) -> None:
    """Put child into parent before the first sibling that the schema orders after it (replacing its twin)."""
    name = child.tag.split("}")[1]
    old = parent.find(qn(f"w:{name}"))
    if old is not None:
        parent.remove(old)
    rank = order.index(name)
    for i, sibling in enumerate(parent):
        tag = sibling.tag.split("}")[1]
        if tag in order and order.index(tag) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def fonts(element, font: str, latin: str | None = None) -> None:
    """Set a style's or run's fonts: East Asian text in font, Latin text and digits in latin (default the same)."""
    rpr = element.get_or_add_rPr()
    r_fonts = rpr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = OxmlElement("w:rFonts")
        rpr.insert(0, r_fonts)
    for attribute in list(r_fonts.attrib):
        del r_fonts.attrib[attribute]  # theme fonts would win over the names below
    for kind in ("ascii", "hAnsi", "cs"):
        r_fonts.set(qn(f"w:{kind}"), latin or font)
    r_fonts.set(qn("w:eastAsia"), font)


def set_ppr(style, **attributes: dict[str, str]) -> None:
    """Add or replace pPr children of a style or a paragraph: set_ppr(style, ind={"firstLineChars": "200"})."""
    ppr = (style.element if hasattr(style, "element") else style._p).get_or_add_pPr()
    for tag, values in attributes.items():
        child = OxmlElement(f"w:{tag}")
        for key, value in values.items():
            child.set(qn(f"w:{key}"), value)
        place(ppr, child, PPR_ORDER)


def paragraph_style(
    doc,
    style_id: str,
    font: str,
    size: float,
    *,
    align=None,
    indent: int = 0,
    before: int = 0,
    line: int | None = LINE,
    color: RGBColor | None = None,
    outline: int | None = None,
    latin: str | None = None,
):
    """A paragraph style: indent in characters (first line), before in grid lines."""
    if style_id in BUILT_IN:
        style = doc.styles[BUILT_IN[style_id]]
        style.element.remove(style.element.get_or_add_rPr())
        style.element.remove(style.element.get_or_add_pPr())
    else:
        style = doc.styles.add_style(STYLES[style_id], WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = doc.styles["Normal"]
    style.quick_style = True
    fonts(style.element, font, latin)
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.color.rgb = color or RGBColor(0, 0, 0)
    spacing = {"before": str(before * LINE), "after": "0"}
    if line:
        spacing |= {"line": str(line), "lineRule": "exact"}
    set_ppr(style, spacing=spacing)
    set_ppr(style, ind={"firstLineChars": str(indent * 100), "firstLine": str(indent * CHAR)})
    if align is not None:
        style.paragraph_format.alignment = align
    if outline is not None:
        set_ppr(style, outlineLvl={"val": str(outline)})
        style.paragraph_format.keep_with_next = True
    return style


def border(paragraph_or_style, **sides: tuple[int, str, int]) -> None:
    """Paragraph borders: side=(size in eighths of a point, colour, space in points)."""
    ppr = paragraph_or_style.element.get_or_add_pPr() if hasattr(paragraph_or_style, "element") else None
    ppr = ppr if ppr is not None else paragraph_or_style._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    for side, (size, colour, space) in sides.items():
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(size))
        line.set(qn("w:space"), str(space))
        line.set(qn("w:color"), colour)
        bdr.append(line)
    place(ppr, bdr, PPR_ORDER)


def defaults(doc) -> None:
    """Document defaults of 3号仿宋, so that text without a style of its own is body text."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    r_fonts = OxmlElement("w:rFonts")
    for kind in ("ascii", "hAnsi", "eastAsia", "cs"):
        r_fonts.set(qn(f"w:{kind}"), BODY)
    rpr.append(r_fonts)
    for tag in ("sz", "szCs"):
        size = OxmlElement(f"w:{tag}")
        size.set(qn("w:val"), "32")
        rpr.append(size)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    rpr.append(lang)
    spacing = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    spacing.find(qn("w:spacing")).attrib.update({qn("w:after"): "0", qn("w:line"): "240"})


def styles(doc) -> None:
    defaults(doc)
    normal = doc.styles["Normal"]
    fonts(normal.element, BODY)
    normal.font.size = Pt(16)
    condensed = OxmlElement("w:spacing")
    condensed.set(qn("w:val"), "-5")  # twentieths of a point
    place(normal.element.get_or_add_rPr(), condensed, RPR_ORDER)
    set_ppr(normal, spacing={"before": "0", "after": "0", "line": str(LINE), "lineRule": "exact"})
    set_ppr(normal, ind={"firstLineChars": "200", "firstLine": str(2 * CHAR)})
    # LibreOffice reads overflowPunct="1" as "do not hang punctuation" (it hangs it past the 版心 otherwise);
    # Word reads it as its own default, 允许标点溢出边界.
    set_ppr(normal, overflowPunct={"val": "1"})
    # no extra space between Chinese and digits: "2021年6月30日" reads as offices write it
    set_ppr(normal, autoSpaceDE={"val": "0"}, autoSpaceDN={"val": "0"})
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    center, right, left = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.LEFT
    issuer = paragraph_style(doc, "Issuer", TITLE, 36, align=center, color=RED, line=None)
    set_ppr(issuer, spacing={"before": str(int(Mm(35).twips)), "after": "0", "line": "240", "lineRule": "auto"})
    number = paragraph_style(doc, "DocNumber", BODY, 16, align=center, before=2)
    border(number, bottom=(12, "FF0000", 11))  # the red separator, 4 mm under the 发文字号, as wide as the 版心
    paragraph_style(doc, "DocTitle", TITLE, 22, align=center, before=2, line=LINE + 100)
    paragraph_style(doc, "Addressee", BODY, 16, align=left, before=1)
    paragraph_style(doc, "Heading1", HEI, 16, indent=2, outline=0)
    paragraph_style(doc, "Heading2", KAI, 16, indent=2, outline=1)
    paragraph_style(doc, "AttachmentNote", BODY, 16, indent=2, before=1).paragraph_format.keep_with_next = True
    paragraph_style(doc, "Signature", BODY, 16, align=right, before=1).paragraph_format.keep_with_next = True
    paragraph_style(doc, "SignDate", BODY, 16, align=right)
    label = paragraph_style(doc, "AttachmentLabel", HEI, 16, align=left)
    label.paragraph_format.page_break_before = True
    paragraph_style(doc, "AttachmentTitle", TITLE, 22, align=center, before=1, line=LINE + 100)
    table_text = paragraph_style(doc, "TableText", BODY, 12, align=left, line=None)
    set_ppr(
        table_text, snapToGrid={"val": "0"}, spacing={"before": "0", "after": "0", "line": "300", "lineRule": "exact"}
    )
    colophon = paragraph_style(doc, "Colophon", BODY, 14, align=left, line=None)
    set_ppr(colophon, spacing={"before": "0", "after": "0", "line": str(LINE), "lineRule": "exact"})
    set_ppr(colophon, ind={"left": "280", "right": "280", "firstLine": "0"})  # 左右各空一字
    set_ppr(colophon, tabs={})
    tab = OxmlElement("w:tab")
    tab.set(qn("w:val"), "right")
    tab.set(qn("w:pos"), str(8844 - 280 * 2))
    colophon.element.pPr.find(qn("w:tabs")).append(tab)  # 印发日期 at the right
    page = paragraph_style(doc, "PageNumber", SONG, 14, line=None)
    set_ppr(page, spacing={"before": "0", "after": "0", "line": "280", "lineRule": "exact"}, snapToGrid={"val": "0"})


def section_layout(doc) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(23)  # the number's 一字线 7 mm under the 版心
    grid = section._sectPr.find(qn("w:docGrid"))
    # 22 lines on the grid; 28 characters come from condensing 3号 by 0.25 pt (Normal) rather than from a
    # character grid, which LibreOffice lays out at two cells a character.
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE))
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.style = doc.styles[STYLES["PageNumber"]]
        p.alignment = align
        ind = OxmlElement("w:ind")
        ind.set(qn(f"w:{side}"), "280")  # 单页码居右空一字，双页码居左空一字
        ind.set(qn("w:firstLine"), "0")
        place(p._p.get_or_add_pPr(), ind, PPR_ORDER)
        p.add_run("— ")
        field(p, "PAGE")
        p.add_run(" —")


def field(paragraph, code: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def add(doc, style_id: str, text: str = ""):
    p = doc.add_paragraph(style=doc.styles[BUILT_IN.get(style_id) or STYLES[style_id]])
    if text:
        p.add_run(text)
    return p


def body(doc) -> None:
    add(doc, "Issuer", "{{ doc.issuer }}")
    add(doc, "DocNumber", "{{ doc.number }}")
    add(doc, "DocTitle", "{{ doc.title }}")
    add(doc, "Addressee", "{{ doc.addressee }}")
    add(doc, "Normal", "{%p if span %}")
    span_body(doc)
    add(doc, "Normal", "{%p else %}")
    add(
        doc,
        "Normal",
        "为推动{{ title }}落实，{{ office }}对{{ period_label }}各单位重点任务推进情况进行了调度，数据截至{{ as_of }}。"
        "现将有关情况通报如下。",
    )
    add(doc, "Heading1", "一、总体情况")
    add(doc, "Normal", "{{ r.judgement() }}{{ lights_text }}。")
    add(doc, "Normal", "{{ reporting_text }}。{{ month_over_month }}")
    add(doc, "Normal", "{%p if r.indicators %}")
    add(doc, "Normal", "主要指标{{ r.indicators.counts_text() }}。{{ r.indicators.behind_text() }}")
    add(doc, "Normal", "{%p endif %}")
    add(doc, "Heading1", "二、表现较好的单位")
    add(
        doc,
        "Normal",
        "{% if r.good_units %}{{ rules.good }}：{% for u in r.good_units %}{{ u.unit }}（完成{{ u.completion_text }}）"
        "{% if not loop.last %}、{% endif %}{% endfor %}，予以通报表扬。"
        "{% else %}本期没有同时满足以下条件的单位：{{ rules.good }}。{% endif %}{{ rules.completion }}。",
    )
    add(doc, "Heading1", "三、需要关注的单位")
    add(doc, "Heading2", "（一）未报送的单位")
    add(
        doc,
        "Normal",
        "{{ rules.missing }}{{ cn(r.missing_units|length, '个') }}：{% for u in r.missing_units %}{{ u.unit }}"
        "{% if u.contact_text %}（{{ u.contact_text }}）{% endif %}"
        "{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}。",
    )
    add(doc, "Heading2", "（二）报送有误的单位")
    add(
        doc,
        "Normal",
        "{{ rules.errors }}{{ cn(r.error_units|length, '个') }}：{% for u in r.error_units %}{{ u.unit }}"
        "（{% if u.refused %}报送文件未能汇总{% elif u.empty %}填报表未填写"
        "{% else %}错误{{ cn(u.errors, '处') }}{% endif %}"
        "{% if u.late %}，逾期报送{% endif %}{% if u.contact_text %}，{{ u.contact_text }}{% endif %}）"
        "{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}。",
    )
    add(doc, "Heading2", "（三）逾期报送的单位")
    add(
        doc,
        "Normal",
        "{{ rules.late }}{{ cn(r.late_units|length, '个') }}：{% for u in r.late_units %}{{ u.unit }}"
        "{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}。",
    )
    add(doc, "Heading2", "（四）任务推进需关注的单位")
    add(
        doc,
        "Normal",
        "{{ rules.attention }}{{ cn(r.attention_units|length, '个') }}：{% for u in r.attention_units %}{{ u.unit }}"
        "（{{ u.concerns }}）{% if not loop.last %}、{% endif %}{% else %}无{% endfor %}。",
    )
    add(doc, "Heading1", "四、存在问题和需协调事项")
    add(
        doc,
        "Normal",
        "{% if not issue_groups %}本期各单位未反映新的存在问题和需协调事项。{% else %}"
        "本期各单位反映存在问题和需协调事项{{ cn(r.current_issues|length, '条') }}，归纳如下"
        "{% if issues_attachment %}（逐条见附件{{ issues_attachment|trim }}）{% endif %}：{% endif %}",
    )
    add(doc, "Normal", "{%p for g in issue_groups %}")
    add(doc, "Normal", "{{ loop.index }}．{{ g.sentence() }}")
    add(doc, "Normal", "{%p endfor %}")
    add(doc, "Normal", "{%p if stale_issues %}")
    add(
        doc,
        "Normal",
        "另有{{ cn(stale_issues, '条') }}与上期所填相同、本期未更新，或所在任务已完成，未列入以上情况。",
    )
    add(doc, "Normal", "{%p endif %}")
    add(doc, "Heading1", "五、工作要求")
    add(doc, "Normal", "{%p for x in requirements %}")
    last = add(doc, "Normal", "{{ ordinal(loop.index) }}是{{ x }}。")
    last.paragraph_format.keep_with_next = True  # never a page with only the 署名 and 成文日期
    add(doc, "Normal", "{%p endfor %}")
    add(doc, "Normal", "{%p endif %}")
    add(doc, "Normal", "{%p for a in attachments %}")
    add(doc, "AttachmentNote", "{% if loop.first %}附件：{% else %}　　　{% endif %}{{ a.label }}{{ a.title }}")
    add(doc, "Normal", "{%p endfor %}")
    add(doc, "Signature", "{{ doc.signature }}")
    add(doc, "SignDate", "{{ report_date }}")
    add(doc, "Normal", "{%p if attachment %}")
    add(doc, "AttachmentLabel", "附件{{ overdue_attachment }}")
    add(doc, "AttachmentTitle", "{{ attachment_title }}")
    add(doc, "Normal", "{%p if span %}")
    table(doc, SPAN_HEADS, SPAN_CELLS, "{%tr for t in attachment %}", SPAN_WIDTHS)
    add(doc, "Normal", "{%p else %}")
    table(
        doc,
        ("任务编号", "具体措施", "完成时限", "牵头单位", "状态"),
        (
            "{{ t.task.id }}{% if t.new %}（新增）{% endif %}",
            "{{ t.task.measure }}",
            "{{ t.deadline_text }}",
            "{{ t.task.lead_units|join('、') }}",
            "{{ t.status }}{% if t.on_schedule_overdue %}（{{ t.remark }}）{% endif %}",
        ),
        "{%tr for t in attachment %}",
        TABLE_WIDTHS,
    )
    add(doc, "Normal", "{%p endif %}")
    add(doc, "Normal", "{%p endif %}")
    add(doc, "Normal", "{%p if issues_attachment %}")
    add(doc, "AttachmentLabel", "附件{{ issues_attachment|trim }}")
    add(doc, "AttachmentTitle", "{{ issues_title }}")
    table(
        doc,
        ("任务编号", "任务", "单位", "存在问题"),
        (
            "{{ i.task.task.id }}",
            "{{ i.task.name }}",
            "{{ i.unit }}{% if i.role != 'lead' %}（配合）{% endif %}",
            "{{ i.shown }}",
        ),
        "{%tr for i in r.issues %}",
        ISSUE_WIDTHS,
    )
    add(doc, "Normal", "{%p endif %}")
    colophon(doc)


def span_body(doc) -> None:
    """The 全年 (上半年 …) 通报: what the year came to, unit by unit, and what is left; its 附件 lists every task."""
    add(
        doc,
        "Normal",
        "为全面掌握{{ title }}{{ heading }}落实情况，{{ office }}对各单位重点任务完成情况进行了汇总，"
        "数据截至{{ as_of }}。现将有关情况通报如下。",
    )
    add(doc, "Heading1", "一、总体完成情况")
    add(
        doc,
        "Normal",
        "台账共有任务{{ cn(r.tasks|length, '项') }}，截至{{ as_of }}{{ r.done_text() }}，"
        "完成率{{ completion }}；未完成{{ cn(not_done|length, '项') }}，其中逾期未完成{{ cn(overdue|length, '项') }}；"
        "{{ lights_text }}。{{ coverage }}",
    )
    add(doc, "Normal", "{{ rounds_text }}")
    add(doc, "Normal", "{%p if r.indicators %}")
    add(
        doc,
        "Normal",
        "主要指标{{ r.indicators.counts_text() }}。{{ r.indicators.behind_text() }}{{ indicators_as_of }}",
    )
    add(doc, "Normal", "{%p endif %}")
    add(doc, "Heading1", "二、各单位完成情况")
    add(
        doc,
        "Normal",
        "牵头任务的单位{{ cn(led_units|length, '个') }}，完成率按已完成任务数除以牵头任务数计算。{{ ranking_text }}",
    )
    add(doc, "Normal", "各单位的牵头任务完成情况和各期报送情况见汇总台账“单位完成情况”表。")
    add(doc, "Heading1", "三、各单位报送情况")
    add(doc, "Normal", "{{ reporting_text }}")
    add(doc, "Heading1", "四、未完成的任务")
    add(
        doc,
        "Normal",
        "截至{{ as_of }}，未完成任务{{ cn(not_done|length, '项') }}，其中已超过完成时限的{{ cn(overdue|length, '项') }}"
        "{% if overdue %}：{% else %}。{% endif %}",
    )
    add(doc, "Normal", "{%p for t in overdue %}")
    add(
        doc,
        "Normal",
        "{{ loop.index }}．{{ t.task.measure.rstrip('。；') }}（{{ t.task.id }}；"
        "牵头单位：{{ t.task.lead_units|join('、') }}；完成时限：{{ deadline_text(t) }}；"
        "{{ end_name }}状态：{{ t.status_text }}）。",
    )
    add(doc, "Normal", "{%p endfor %}")
    add(doc, "Normal", "{%p if set_aside %}")
    add(doc, "Normal", "另有{{ set_aside_words }}，由牵头办公室决定，不计入以上统计：")
    add(doc, "Normal", "{%p for t in set_aside %}")
    add(
        doc,
        "Normal",
        "{{ loop.index }}．{{ t.task.measure.rstrip('。；') }}（{{ t.task.id }}；{{ t.status }}，"
        "自{{ t.task.lifecycle.since_label }}起；原因：{{ t.task.lifecycle.why }}）。",
    )
    add(doc, "Normal", "{%p endfor %}")
    add(doc, "Normal", "{%p endif %}")
    add(doc, "Heading1", "五、工作要求")
    last = add(
        doc,
        "Normal",
        "请各单位对照任务清单，对未完成的任务逐项分析原因、明确措施、限期完成；逾期任务的牵头单位要专题研究，"
        "确保按期办结。各单位要落实专人负责填报，按时准确报送进展。",
    )
    last.paragraph_format.keep_with_next = True  # never a page with only the 署名 and 成文日期


def table(doc, heads: tuple[str, ...], cells: tuple[str, ...], loop: str, widths: tuple) -> None:
    grid = doc.add_table(rows=4, cols=len(heads))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    text = doc.styles[STYLES["TableText"]]
    for row, values in ((0, heads), (2, cells)):
        for cell, value in zip(grid.rows[row].cells, values, strict=True):
            cell.paragraphs[0].style = text
            run = cell.paragraphs[0].add_run(value)
            if row == 0:
                fonts(run._r, HEI)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row, value in ((1, loop), (3, "{%tr endfor %}")):
        grid.rows[row].cells[0].paragraphs[0].style = text
        grid.rows[row].cells[0].paragraphs[0].add_run(value)
    for i, row in enumerate(grid.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))  # a row never breaks across pages
        if i == 0:
            trpr.append(OxmlElement("w:tblHeader"))  # the header row repeats on every page
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    columns = grid._tbl.tblGrid.findall(qn("w:gridCol"))
    for column, width in zip(columns, widths, strict=True):
        column.set(qn("w:w"), str(int(width.twips)))


def colophon(doc) -> None:
    """The 版记 at the foot of the last page, in a text box anchored to the bottom of the 版心: inside a text box
    each paragraph keeps its own borders, so the 首条 and 末条分隔线 are thick (0.35 mm) and the line between 抄送
    and 印发 thin (0.25 mm), as GB/T 9704 draws them. (Framed paragraphs cannot: LibreOffice splits paragraphs
    with different borders into frames it no longer anchors at the foot.) 抄送 continues under the first
    character after its colon."""
    thick, thin = (8, "000000", 1), (6, "000000", 1)
    copied = [
        add(doc, "Colophon", "{%p if doc.copy_to %}"),
        add(doc, "Colophon", "抄送：{{ doc.copy_to }}"),
        add(doc, "Colophon", "{{ doc.printer }}\t{{ doc.printed }}印发"),
        add(doc, "Colophon", "{%p else %}"),
        add(doc, "Colophon", "{{ doc.printer }}\t{{ doc.printed }}印发"),
        add(doc, "Colophon", "{%p endif %}"),
    ]
    border(copied[1], top=thick, bottom=thin)
    border(copied[2], bottom=thick)
    border(copied[4], top=thick, bottom=thick)
    label = 3 * 280  # "抄送：" at 4号
    set_ppr(copied[1], ind={"left": str(280 + label), "right": "280", "hanging": str(label)})
    width = 8844 * 635  # the 版心's 156 mm in EMU
    anchor = add(doc, "Colophon")
    set_ppr(anchor, spacing={"before": "0", "after": "0", "line": "20", "lineRule": "exact"})
    box = parse_xml(
        f"<w:r {nsdecls('w', 'wp', 'a')} xmlns:wps=\"{WPS}\"><w:drawing>"
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="2" behindDoc="0"'
        ' locked="1" layoutInCell="1" allowOverlap="0"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="margin"><wp:align>center</wp:align></wp:positionH>'
        '<wp:positionV relativeFrom="margin"><wp:align>bottom</wp:align></wp:positionV>'
        f'<wp:extent cx="{width}" cy="800000"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="1001" name="版记"/><wp:cNvGraphicFramePr/><a:graphic><a:graphicData'
        f' uri="{WPS}"><wps:wsp>'
        '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        f'<a:ext cx="{width}" cy="800000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/>'
        "<a:ln><a:noFill/></a:ln></wps:spPr><wps:txbx><w:txbxContent/></wps:txbx>"
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" anchor="b"'
        ' anchorCtr="0"><a:spAutoFit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic></wp:anchor>'
        "</w:drawing></w:r>"
    )
    content = box.find(".//" + qn("w:txbxContent"))
    for paragraph in copied:
        content.append(paragraph._p)  # moved out of the body into the box
    anchor._p.append(box)


def main() -> None:
    doc = Document()
    doc.core_properties.author = ""
    doc.core_properties.comments = ""
    styles(doc)
    section_layout(doc)
    body(doc)
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
