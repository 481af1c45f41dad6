"""Reading documents of every format into lines and tables (see blocks.py).

Word (.docx: paragraphs with their list numbering, tables with merged cells), PDF with a text layer (pdfplumber:
ruled tables as tables, the rest as lines, one page at a time), text and Markdown (as copied from a web page or a
PDF, page breaks kept), HTML (a saved web page, menus and scripts dropped), legacy .doc through LibreOffice, and a
task table sent as a workbook (.xlsx, .xls: each sheet a table, its title and notes as lines).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..problems import ProblemError
from ..tables import UNREADABLE_WORKBOOK, Sheet, TableError, read_sheets
from .blocks import Block, Line, Table

ENCODINGS = ("utf-8-sig", "gb18030", "utf-16")
_KINDS = {".docx": "Word", ".doc": "Word", ".wps": "WPS文字", ".pdf": "PDF", ".html": "网页", ".htm": "网页"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SUFFIXES = (".docx", ".doc", ".wps", ".pdf", ".txt", ".md", ".html", ".htm", *WORKBOOK_SUFFIXES)
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Page furniture a PDF copy carries: "— 12 —", "- 3 -", "第 3 页 共 10 页", "12 / 40".
_FURNITURE = re.compile(
    r"^\s*(?:[—\-－–]+\s*\d+\s*[—\-－–]+|第\s*\d+\s*页(?:\s*[，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)\s*$"
)


def read_document(path: Path) -> list[Block]:
    """The lines and tables of a document, in reading order."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ProblemError("import-format", suffix=suffix or "（无扩展名）")
    try:
        if suffix == ".docx":
            return read_docx(path)
        if suffix in (".doc", ".wps"):  # WPS 文字's own .wps is binary Word too
            return _read_doc(path)
        if suffix == ".pdf":
            return read_pdf(path)
        if suffix in WORKBOOK_SUFFIXES:
            return read_workbook(path)
        if suffix in (".html", ".htm"):
            return read_html(_decode(path.read_bytes()))
        return read_text(_decode(path.read_bytes()))
    except ProblemError:
        raise
    except Exception as exc:  # a damaged file of any kind is named, never a traceback nor the reader's English
        raise ProblemError("import-unreadable", reason=f"文件已损坏，或不是{_KINDS.get(suffix, suffix)}文件") from exc


def _decode(data: bytes) -> str:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ProblemError("import-unreadable", reason="编码无法识别")


def read_text(text: str) -> list[Block]:
    """Plain text or Markdown. A form feed, or a single leading space as PDF-to-text tools leave it, starts a page."""
    blocks: list[Block] = []
    page = 1
    pipe_rows: list[list[str]] = []
    pipe_where: list[str] = []
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw in enumerate(raw_lines, start=1):
        page_start = raw.startswith("\f") or (raw.startswith(" ") and not raw.startswith("  ") and raw.strip() != "")
        if page_start and number > 1:
            page += 1
        line = raw.replace("\f", "")
        if _PIPE_ROW.match(line):
            if not _PIPE_RULE.match(line):
                pipe_rows.append([c.strip() for c in line.strip().strip("|").split("|")])
                pipe_where.append(f"第{number}行")
            continue
        if pipe_rows:
            blocks.append(Table(rows=pipe_rows, where=pipe_where[0], row_where=pipe_where))
            pipe_rows, pipe_where = [], []
        stripped = line.strip()
        if _FURNITURE.match(stripped):
            continue
        stripped = re.sub(r"^#{1,6}\s+", "", stripped)  # Markdown headings
        blocks.append(Line(text=stripped, where=f"第{number}行", page_start=page_start))
    if pipe_rows:
        blocks.append(Table(rows=pipe_rows, where=pipe_where[0], row_where=pipe_where))
    return blocks


def read_html(html: str) -> list[Block]:
    """A saved web page: its tables, and the text of its body without menus, scripts and styles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript", "iframe", "form"]):
        tag.decompose()
    blocks: list[Block] = []
    body = soup.body or soup
    count = 0
    for element in body.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "table", "br", "td"]):
        if element.find_parent("table") is not None and element.name != "table":
            continue
        if element.name == "table":
            if element.find_parent("table") is not None:
                continue
            count += 1
            blocks.append(_html_table(element, count))
            continue
        if element.name == "div" and element.find(["p", "div", "table", "li", "h1", "h2", "h3", "h4"]):
            continue
        for text in element.get_text("\n").split("\n"):
            if text.strip():
                blocks.append(Line(text=text.strip(), where=f"第{len(blocks) + 1}段"))
    return blocks


def _html_table(table: object, count: int) -> Table:
    """Rows of an HTML table with rowspan/colspan spread over the cells they cover."""
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(table.find_all("tr")):  # type: ignore[attr-defined]
        row: list[str] = []
        c = 0
        for cell in tr.find_all(["td", "th"]):
            while (r, c) in pending:
                row.append(pending.pop((r, c)))
                c += 1
            text = re.sub(r"\s+", " ", cell.get_text(" ")).strip()
            span_r, span_c = int(cell.get("rowspan", 1) or 1), int(cell.get("colspan", 1) or 1)
            for dc in range(span_c):
                row.append(text)
                for dr in range(1, span_r):
                    pending[(r + dr, c + dc)] = text
            c += span_c
        while (r, c) in pending:
            row.append(pending.pop((r, c)))
            c += 1
        rows.append(row)
    return _table(rows, f"表{count}")


def _table(rows: list[list[str]], where: str) -> Table:
    return Table(rows=rows, where=where, row_where=[f"{where}第{i + 1}行" for i in range(len(rows))])


def read_docx(path: Path) -> list[Block]:
    """Paragraphs with their automatic list numbers written out, and tables, in body order."""
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    numbering = _Numbering(document)
    blocks: list[Block] = []
    paragraphs = tables = 0
    for child in _body_items(document.element.body):
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraphs += 1
            paragraph = Paragraph(child, document)
            text = numbering.label(paragraph) + _text(child).replace("\n", "")  # a manual line break
            blocks.append(Line(text=text.strip(), where=f"第{paragraphs}段"))
        elif tag == "tbl":
            tables += 1
            table = DocxTable(child, document)
            rows = [
                ["\n".join(_text(p._p) for p in cell.paragraphs).strip() for cell in row.cells] for row in table.rows
            ]
            blocks.append(_table(rows, f"表{tables}"))
    return blocks


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _body_items(body: Any) -> Iterator[Any]:
    """The body's paragraphs and tables in order, those inside content controls (w:sdt, as 公文 templates hold
    their text) and custom XML too."""
    for child in body.iterchildren():
        if child.tag == f"{_W}sdt":
            for content in child.iterchildren(f"{_W}sdtContent"):
                yield from _body_items(content)
        elif child.tag == f"{_W}customXml":
            yield from _body_items(child)
        else:
            yield child


_PAGE_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n"}
_NOT_HERE = {f"{_W}moveFrom", f"{_W}txbxContent", f"{_W}del"}  # moved away, a text box of its own, deleted


def _text(paragraph: object) -> str:
    """A paragraph's text as the page shows it with its revisions accepted: text inserted in 修订 mode
    (w:ins, w:moveTo) counts, which python-docx's .text leaves out; deleted and moved-away text does not."""
    parts = []
    for node in paragraph.iter(*_PAGE_TEXT):  # type: ignore[attr-defined]
        if any(above.tag in _NOT_HERE for above in node.iterancestors()):
            continue
        parts.append(_PAGE_TEXT[node.tag] or node.text or "")
    return "".join(parts)


class _Numbering:
    """Word's automatic list numbers ("一、", "（一）", "1.") as the reader sees them on the page."""

    def __init__(self, document: object) -> None:
        self.formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[tuple[str, int], int] = {}
        try:
            part = document.part.numbering_part  # type: ignore[attr-defined]
        except (AttributeError, NotImplementedError, KeyError):
            return
        ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in part.element.findall(f"{ns}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{ns}lvl"):
                fmt = lvl.find(f"{ns}numFmt")
                text = lvl.find(f"{ns}lvlText")
                start = lvl.find(f"{ns}start")
                levels[int(lvl.get(f"{ns}ilvl"))] = (
                    fmt.get(f"{ns}val") if fmt is not None else "decimal",
                    text.get(f"{ns}val") if text is not None else "",
                    int(start.get(f"{ns}val")) if start is not None else 1,
                )
            abstract[node.get(f"{ns}abstractNumId")] = levels
        for num in part.element.findall(f"{ns}num"):
            ref = num.find(f"{ns}abstractNumId")
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(f"{ns}val"), {}).items():
                self.formats[(num.get(f"{ns}numId"), ilvl)] = spec

    def label(self, paragraph: object) -> str:
        ppr = paragraph._p.pPr  # type: ignore[attr-defined]
        if ppr is None or ppr.numPr is None or ppr.numPr.numId is None:
            return ""
        num_id = str(ppr.numPr.numId.val)
        ilvl = int(ppr.numPr.ilvl.val) if ppr.numPr.ilvl is not None else 0
        spec = self.formats.get((num_id, ilvl))
        if spec is None:
            return ""
        fmt, text, start = spec
        key = (num_id, ilvl)
        self.counters[key] = self.counters.get(key, start - 1) + 1
        for deeper in [k for k in self.counters if k[0] == num_id and k[1] > ilvl]:
            del self.counters[deeper]
        label = text
        for level in range(ilvl + 1):
            value = self.counters.get((num_id, level), 1)
            level_fmt = self.formats.get((num_id, level), (fmt, "", 1))[0]
            label = label.replace(f"%{level + 1}", _format_number(value, level_fmt))
        return label


def _format_number(value: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "chineseLegalSimplified"):
        digits = "零一二三四五六七八九"
        if value < 10:
            return digits[value]
        tens, units = divmod(value, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[units] if units else "")
    if fmt == "decimalEnclosedCircle" and 1 <= value <= 20:
        return "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[value - 1]
    return str(value)


def read_pdf(path: Path) -> list[Block]:
    """Each page's ruled tables as tables and the rest of its text as lines; the first line starts a page."""
    import pdfplumber

    blocks: list[Block] = []
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            found = page.find_tables() if (page.rects or page.lines) else []
            tables = [t for t in found if len(t.rows) > 1]
            rest = page
            for t in tables:
                rest = rest.outside_bbox(t.bbox)
            text = rest.extract_text() or ""
            first = True
            for n, raw in enumerate(text.split("\n"), start=1):
                stripped = raw.strip()
                if not stripped or _FURNITURE.match(stripped):
                    continue
                blocks.append(Line(text=stripped, where=f"第{number}页第{n}行", page_start=first))
                first = False
            for k, t in enumerate(tables, start=1):
                rows = [[(c or "").replace("\n", "") for c in row] for row in t.extract()]
                blocks.append(_table(rows, f"第{number}页表{k}"))
    return blocks


def read_workbook(path: Path) -> list[Block]:
    """Each sheet of a workbook as a table, its merged cells spread; the rows above its first row of several
    values (the title) and below its last (注：…) as lines, as they stand outside a Word table; a sheet without
    such a row is all lines."""
    try:
        sheets = read_sheets(path)
    except TableError as exc:
        raise ProblemError("import-unreadable", reason=exc.fields.get("reason", UNREADABLE_WORKBOOK)) from exc
    blocks: list[Block] = []
    for sheet in sheets:

        def lines(numbers: range, sheet: Sheet = sheet) -> list[Block]:
            texts = ((r, next((c for c in sheet.rows[r] if c), "")) for r in numbers)
            return [Line(text=text, where=f"{sheet.name}第{r + 1}行") for r, text in texts if text]

        body = [r for r, row in enumerate(sheet.rows) if len({c for c in row if c}) > 1]
        if not body:  # no table: the plan's text pasted a line a row
            blocks += lines(range(len(sheet.rows)))
            continue
        top, bottom = body[0], body[-1] + 1
        blocks += lines(range(top))
        row_where = [f"{sheet.name}第{r + 1}行" for r in range(top, bottom)]
        blocks.append(Table(rows=sheet.rows[top:bottom], where=sheet.name, row_where=row_where))
        blocks += lines(range(bottom, len(sheet.rows)))
    return blocks


def _read_doc(path: Path) -> list[Block]:
    """Legacy Word (.doc, and WPS 文字's .wps): LibreOffice converts it to .docx first."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ProblemError("import-doc-needs-libreoffice", suffix=path.suffix.lower())
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "document.doc"
        copy.write_bytes(path.read_bytes())
        # A private profile: with the user's own LibreOffice open, the shared one makes the conversion fail
        # silently (the request goes to the running instance, or the profile is locked).
        profile = f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}"
        subprocess.run(
            [soffice, profile, "--headless", "--convert-to", "docx", "--outdir", tmp, str(copy)],
            capture_output=True,
            timeout=180,
            check=False,
        )
        converted = Path(tmp) / "document.docx"
        if not converted.exists():
            raise ProblemError("import-unreadable", reason=f"LibreOffice 无法转换该{path.suffix.lower()}文件")
        return read_docx(converted)
