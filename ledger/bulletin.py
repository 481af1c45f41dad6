"""通报.docx: the monthly report as a 公文 (GB/T 9704-2012), from the office's editable Word template.

The wording lives in the template (templates/通报.docx, made by scripts/make_bulletin_template.py) and in
`[bulletin]` of ledger.toml; this module fills it and applies the placements the standard computes from the
content: the 发文机关标志 shrunk to fit the 版心, the 发文机关署名 and 成文日期 indented relative to each other,
and document properties that name the office. The 发文字号's number comes from `--number` or from a counter kept
in source/bulletins.json, so that a rebuild gives every bulletin its number again.
"""

from __future__ import annotations

import functools
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Emu, Pt, Twips
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from markupsafe import Markup

from .cells import display_width
from .model import Period
from .paths import WorkspacePaths
from .records import write_aside
from .report import MonthlyReport
from .span import SpanReport
from .wording import chinese
from .workspace import DEFAULTS, Workspace
from .xlsx import fixed_package

TEMPLATE = "通报.docx"
TEXT_WIDTH = Pt(442.2)  # the 156 mm 版心
CHARACTER = Twips(315)  # one character of the body, 28 to a line
LINE_CHARACTERS = 28
# 二号 (22 pt) characters a title's line holds: 20 are as wide as the body's 28 三号, less the room Word and
# LibreOffice add between Chinese and digits ("关于2021年第三季度…的通" filled a line in LibreOffice)
TITLE_CHARACTERS = 19
FIELD = re.compile(r"\{(\w+)\}")
# In the template as docxtpl hands it to jinja: a {%tr for %} loop is a {% for %} right before a table row, and
# the for and endfor tags that nest in it; the paragraphs, and what docxtpl turns into line breaks and tabs.
ROW_LOOP = re.compile(r"\{%-?\s*for\s((?:(?!%\}).)+?)\s*-?%\}(?=<w:tr[ >])", re.S)
BLOCK_TAG = re.compile(r"\{%-?\s*(for|endfor|if|endif|else)\b(?:(?!%\}).)*%\}", re.S)
PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.S)
LISTING = "\t\a\n\f"
ROWS_MARK = "<!--ledger-rows-{}-->"
ASIDE = "ledger_rows_aside"


@dataclass(kw_only=True, frozen=True)
class DocumentParts:
    """The 版头, 主体 and 版记 parts an office words its own way, filled in for one bulletin."""

    issuer: str
    number: str
    title: str
    addressee: str
    signature: str
    copy_to: str
    printer: str
    printed: str


def fill(pattern: str, **values: object) -> str:
    """A [bulletin] pattern with {year}, {n}, {period} … filled in; an unknown {name} is left as written."""
    return FIELD.sub(lambda m: str(values.get(m[1], m[0])), pattern)


def bulletin_number(paths: WorkspacePaths, period: Period, year: int, requested: int | None = None) -> int:
    """The number n of the period's bulletin in its year: the one asked for, the one given before in that year,
    or the next free one of the year; recorded in source/bulletins.json. A bulletin dated into another year once
    (re-run without --date) keeps the number it had in its own year, so a rebuild gives it back."""
    path = paths.bulletin_numbers
    numbers: dict[str, dict] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    given = _numbers_by_year(numbers[str(period)]) if str(period) in numbers else {}
    if requested is None and str(year) in given:
        return given[str(year)]
    taken = (n for entry in numbers.values() for y, n in _numbers_by_year(entry).items() if y == str(year))
    number = requested or 1 + max(taken, default=0)
    numbers[str(period)] = {"year": year, "number": number, "years": {**given, str(year): number}}
    write_aside(path, (json.dumps(numbers, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return number


def _numbers_by_year(entry: dict) -> dict[str, int]:
    """Every number a period's bulletin was given, by the year of its date ("year" and "number": the latest;
    a file written before the years were kept has that one only)."""
    return entry.get("years") or {str(entry["year"]): entry["number"]}


def document_parts(ws: Workspace, report: MonthlyReport | SpanReport, number: int) -> DocumentParts:
    config, office = ws.config.bulletin, report.office
    period = report.heading if isinstance(report, SpanReport) else chinese(report.period)  # 2021年全年
    values = {"year": report.issued.year, "n": number, "period": period, "title": report.title}
    return DocumentParts(
        issuer=fill(config.issuer, **values) or f"{office}文件",
        number=fill(config.doc_number, **values),
        title=title_lines(fill(config.title, **values), period),
        addressee=config.addressee,
        signature=config.signature or office,
        copy_to=config.copy_to,
        printer=config.printer or office,
        printed=chinese(report.issued),
    )


def title_lines(title: str, period: str) -> str:
    """A title longer than a line, broken after the period it names ("关于2021年第三季度\n重点任务推进情况的通报"):
    GB/T 9704 breaks a title between words, where the typesetter left "报" alone on the second line. A title
    that fits, or whose parts would not fit a line each, is left to the typesetter."""
    head, found, tail = title.partition(period)
    if width(title) <= TITLE_CHARACTERS or not found or not tail.strip():
        return title
    first = head + period
    return f"{first}\n{tail}" if max(width(first), width(tail)) <= TITLE_CHARACTERS else title


def width(text: str) -> float:
    """A text's width in characters of the grid: Chinese one, Latin letters and digits half."""
    return display_width(text) / 2


def styled(document, style: str) -> list[Paragraph]:
    """The body's paragraphs of one style, found by XPath. Not `document.paragraphs` and `paragraph.style`:
    python-docx builds an object for every paragraph and looks each style up in the styles part, seconds on the
    paragraphs of a 1,000-task bulletin."""
    found = document.element.body.xpath(f'./w:p[w:pPr/w:pStyle/@w:val="{style}"]')
    return [Paragraph(p, document._body) for p in found]


def place_signature(document, signature: str, date: str) -> None:
    """发文机关署名 right of the body and 成文日期 under it, the date starting two characters right of where the
    signature starts; whichever is longer stands two characters from the right margin (GB/T 9704 7.3.5.2).

    The longer one is right-aligned and the other placed from the left margin, so that the usual case — a
    signature longer than the date — does not depend on how wide a font sets the date's digits."""
    name, day = width(signature), width(date)
    if name >= day + 2:
        places = {"Signature": ("right", 2.0), "SignDate": ("left", LINE_CHARACTERS - name)}
    else:
        places = {"Signature": ("left", LINE_CHARACTERS - day - 4), "SignDate": ("right", 2.0)}
    for style, (side, characters) in places.items():
        for paragraph in styled(document, style):
            fmt = paragraph.paragraph_format
            fmt.first_line_indent = Emu(0)
            if side == "right":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                fmt.right_indent = Emu(round(characters * CHARACTER))
            else:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                fmt.left_indent = Emu(round(characters * CHARACTER))


def fit_issuer(document, issuer: str) -> None:
    """A long 发文机关标志 is set smaller so that it stays on one line inside the 版心."""
    for paragraph in styled(document, "Issuer"):
        size = (paragraph.style.font.size if paragraph.style else None) or Pt(36)
        fitting = Pt(int(TEXT_WIDTH.pt / max(width(issuer), 1)))
        if fitting < size:
            for run in paragraph.runs:
                run.font.size = fitting


def template_path(ws: Workspace, span: bool) -> Path:
    """The office's template, or the packaged one when the office has none, or — for a half-year or year 通报 —
    when the office's was made before the template had a 全年/上半年 section (it names no `span`)."""
    own = ws.paths.templates / TEMPLATE
    if own.is_file() and (not span or b"span" in zipfile.ZipFile(own).read("word/document.xml")):
        return own
    return DEFAULTS / "templates" / TEMPLATE


class BulletinTemplate(DocxTemplate):
    """docxtpl's template, with the rows of its {%tr for %} tables kept aside.

    docxtpl passes the whole rendered document through regular expressions paragraph by paragraph, then parses it
    and moves the tree into the document: seconds for the thousands of rows of a large ledger's 附件. Here each
    such loop renders its first item's rows in place, as docxtpl would (so its table keeps the shape docxtpl
    gives it), and the rest in the same place and scope into a jinja variable, which leaves a marker comment in
    the document; `put_rows` puts the rows in the marker's place in the saved document.xml. Same document,
    text for text."""

    def render(self, context: dict, jinja_env=None, autoescape: bool = False) -> None:
        self.rows: list[str] = []
        super().render({**context, ASIDE: self.aside}, jinja_env, autoescape)

    def build_xml(self, context: dict, jinja_env=None) -> str:
        """The body as docxtpl builds it (its headers and footers are left as they are)."""
        xml = self.rows_aside(self.patch_xml(self.get_xml()))
        return self.render_xml_part(xml, self.docx._part, context, jinja_env)

    @staticmethod
    def rows_aside(patched: str) -> str:
        """The patched body with each row loop rendering its first item in place and the rest aside."""
        out, at = [], 0
        for loop in ROW_LOOP.finditer(patched):
            if loop.start() < at:
                continue  # inside a loop already set aside
            end = loop_end(patched, loop.start())
            if end is None or not (body := patched[loop.end() : end.start()]).endswith("</w:tr>"):
                continue  # not rows alone, or a for … else: left to docxtpl as it is
            head = loop[1]
            out += [
                patched[at : loop.start()],
                f"{{% for {head} %}}{{% if loop.first %}}{body}{{% endif %}}{{% endfor %}}",
                f"{{% set {ASIDE}_rows %}}{{% for {head} %}}{{% if not loop.first %}}{body}{{% endif %}}{{% endfor %}}",
                f"{{% endset %}}{{{{ {ASIDE}({ASIDE}_rows) }}}}",
            ]
            at = end.end()
        return "".join(out) + patched[at:]

    def aside(self, rows: str) -> Markup:
        """Rows rendered into a variable, finished as docxtpl finishes the document, kept for `put_rows`."""
        if not rows:
            return Markup("")
        # docxtpl's own steps after rendering: the line breaks it put before paragraphs out, {_{ back to {{. Each is
        # a pass over tens of megabytes on a large ledger: str's replace (not a copy to a str first), and the four
        # for {_{ only where there is one.
        rows = str.replace(rows, "\n<w:p>", "<w:p>").replace("\n<w:p ", "<w:p ")
        if "{_" in rows or "_}" in rows:
            rows = rows.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        self.rows.append(self.resolve_listing(rows))
        return Markup(ROWS_MARK.format(len(self.rows) - 1))

    def resolve_listing(self, xml: str) -> str:
        """docxtpl's line breaks, tabs and page breaks, looked for only in the paragraphs that hold one."""
        if not has_listing(xml):
            return xml
        return PARAGRAPH.sub(lambda m: DocxTemplate.resolve_listing(self, m[0]) if has_listing(m[0]) else m[0], xml)

    def put_rows(self, xml: bytes) -> bytes:
        """The saved document.xml with the rows kept aside in their places."""
        rows = {ROWS_MARK.format(n).encode(): part.encode() for n, part in enumerate(self.rows)}
        return re.sub(rb"<!--ledger-rows-\d+-->", lambda m: rows[m[0]], xml) if rows else xml


def has_listing(xml: str) -> bool:
    """Whether the XML holds a character docxtpl turns into a break or a tab: four searches for one character
    are a tenth of a regular expression's time over the tens of megabytes of a large ledger's 附件 rows."""
    return any(c in xml for c in LISTING)


def loop_end(xml: str, start: int) -> re.Match[str] | None:
    """The {% endfor %} of the loop whose {% for %} starts at `start`; None when it has an {% else %} of its own
    (or no end)."""
    open_blocks: list[str] = []
    for tag in BLOCK_TAG.finditer(xml, start):
        if tag[1] in ("for", "if"):
            open_blocks.append(tag[1])
        elif tag[1] == "else" and open_blocks == ["for"]:
            return None
        elif tag[1] != "else":
            open_blocks.pop()
            if not open_blocks:
                return tag
    return None


def write_docx(ws: Workspace, report: MonthlyReport | SpanReport, context: dict, path: Path, number: int) -> Path:
    """Fill the office's template (or the packaged one) and apply the standard's placements."""
    document = BulletinTemplate(str(template_path(ws, isinstance(report, SpanReport))))
    parts = document_parts(ws, report, number)
    document.render({**context, "doc": parts}, autoescape=True)
    fit_issuer(document.docx, parts.issuer)
    place_signature(document.docx, parts.signature, chinese(report.issued))
    properties = document.docx.core_properties
    properties.author = properties.last_modified_by = report.office
    properties.title, properties.subject = parts.title.replace("\n", ""), report.title
    properties.keywords, properties.comments, properties.category = parts.number, "", "通报"
    buffer = io.BytesIO()
    document.save(buffer)
    issued = datetime(report.issued.year, report.issued.month, report.issued.day)
    edits: dict[str, Callable[[bytes], bytes]] = {
        "docProps/app.xml": functools.partial(company, report.office),
        "word/document.xml": document.put_rows,
    }
    return write_aside(path, fixed_package(buffer.getvalue(), issued, edits))


def company(office: str, app: bytes) -> bytes:
    """docProps/app.xml naming the office as the company, not whatever made the template."""
    name = b"<Company>" + office.replace("&", "&amp;").replace("<", "&lt;").encode() + b"</Company>"
    # a function, not a template: "\1" or "\g<0>" in an office's name is text, not a group reference
    app = re.sub(rb"<Company\s*/>|<Company>.*?</Company>", lambda _: name, app)
    return re.sub(rb"<Application>.*?</Application>", b"<Application/>", app)
