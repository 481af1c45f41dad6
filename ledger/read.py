"""Read a returned workbook safely and quickly, whatever state it is in.

Values come from python-calamine (fast, never evaluates anything): .xlsx, .xls and .ods (LibreOffice, WPS).
What calamine does not tell — formulas, document properties, the last-saved time — is read from the package
XML with defusedxml. A .csv export of a task sheet is read as one sheet. Files are checked before they are
opened: not a workbook, encrypted, a zip whose content would inflate beyond a cap (zip bomb), a sheet whose
extent (A1 to its last cell: what the reader allocates) is beyond the caps of `[limits]`, or macro-enabled.
Scans (PDF, images) are recognised by their first bytes so merge can keep them as evidence.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import IO, Any, Literal, NamedTuple

import python_calamine
from defusedxml import ElementTree

from .cells import MAX_CELL_TEXT, task_id_of, text_of
from .config import DEFAULT_LIMITS, Limits
from .layout import INSTRUCTIONS_ROLE, INSTRUCTIONS_SHEET, META_SHEET, cell_digest
from .problems import ProblemError, cell_name, problem
from .tables import TableError, text_rows

ZIP_MAGIC = b"PK\x03\x04"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TNEF_MAGIC = b"\x78\x9f\x3e\x22"  # winmail.dat: Outlook's rich-text mail, the workbook packed inside it
ARCHIVES = ((b"Rar!\x1a\x07", "RAR"), (b"7z\xbc\xaf\x27\x1c", "7z"))  # archives no reader here unpacks
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
OUTLOOK_MARK = "__substg1.0_".encode("utf-16-le")  # the streams of a message Outlook saved as .msg
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150
MAX_MEMBERS = 100  # files in one archive a unit sent: more is no unit's return
# What a damaged part makes its reader raise: torn or malformed XML, a DTD defusedxml refuses (a ValueError), a
# bad CRC or a truncated deflate stream.
PART_DAMAGE = (ElementTree.ParseError, ValueError, zipfile.BadZipFile, EOFError, zlib.error)
# A cell element (not self-closing) whose content holds an <f> formula element, and the formula's text. This and
# the patterns of a .csv's fields are compiled (by `re`, once) when a return has a formula or is a .csv: most have
# neither, and compiling them took a millisecond of every merge.
CELL_WITH_FORMULA = rb'(?s)<c r="([A-Z]{1,3}[0-9]+)"[^>]*(?<!/)>(?:(?!</c>).)*?<f(?:\s[^>]*)?(?:/>|>([^<]*)</f>)'
SCANS = (  # first bytes of the scans units send instead of (or beside) a workbook
    (b"%PDF", "PDF"),
    (b"\xff\xd8\xff", "JPEG图片"),
    (b"\x89PNG", "PNG图片"),
    (b"GIF8", "GIF图片"),
    (b"II*\x00", "TIFF图片"),
    (b"MM\x00*", "TIFF图片"),
    (b"BM", "BMP图片"),
)
CSV_INTEGER = r"-?(?:0|[1-9]\d{0,14})"  # no leading zero: 0634… is a phone number, not a number
CSV_DECIMAL = r"-?(?:0|[1-9]\d{0,14})\.\d+"
CSV_DATE = r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
FORMULA_ELEMENT = re.compile(rb"<f[ >/]")
ERROR_VALUE = b' t="e"'  # a cell holding an error value (#N/A typed, #DIV/0! saved), which calamine gives empty
# A cell of an error value and the value: compiled (by `re`) only for a sheet that holds one.
CELL_WITH_ERROR = rb'(?s)<c r="([A-Z]{1,3}[0-9]+)"[^>]*? t="e"[^>]*(?<!/)>(?:(?!</c>).)*?<v>([^<]*)</v>'
# The last-saved time: dcterms:modified in docProps/core.xml, dc:date in an .ods's meta.xml (any prefix).
XLSX_SAVED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?modified(?:\s[^>]*)?>([^<]*)<")
ODS_SAVED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?date(?:\s[^>]*)?>([^<]*)<")
ODS_VALUE_TYPE = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"  # "error"
ODS_ANNOTATION = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation"
ODS_OFFICE_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"  # "percentage"
ODS_PERCENTAGE = b'office:value-type="percentage"'
ODS_PARAGRAPH = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}p"
ODS_SPACE = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}s"
ODS_SPACE_COUNT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}c"
ODS_BREAKS = {
    "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}tab": "\t",
    "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}line-break": "\n",
}
ODS_TIME = b'office:value-type="time"'  # a time typed ("36:00"), which calamine gives as "PT36H00M00S"
ODS_SPACING = (b"<text:tab", b"<text:line-break")  # what calamine drops from a cell's text
ODS_DRAWN = b"<draw:"  # a shape (a text box) drawn on a sheet, whose text calamine does not read
ODS_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
# What the extent of a worksheet part is made of: its rows and cells, with or without a position (r="B7").
SHEET_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
SHEET_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=[\"'](\d+)[\"']")  # XML allows either quote
SHEET_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
SHEET_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=[\"']([A-Z]{1,7})\d")
# The plain form every spreadsheet program writes: <row r="7" …> and <c r="B7" …>, no prefix, a space before r.
PLAIN_ROWS = re.compile(rb' r="[A-Z]*(\d+)"')  # a row's number, or a cell's row
PLAIN_COLUMNS = re.compile(rb' r="([A-Z]+)\d')  # a cell's column letters
# A row or cell tag not in the plain form: without r="…" right after "<c " / "<row " (a tab or a line break before
# r="…" is XML too, and PLAIN_ROWS would not see the position), or with a namespace prefix (any ":c " or ":row>",
# a text's included: it only costs the full count). Three patterns, each found from its literal start, take half
# the time of one alternation that tries every "<".
IRREGULAR_TAGS = (
    re.compile(rb'<c(?:[>/\t\r\n]| (?!r="))'),
    re.compile(rb'<row(?:[>/\t\r\n]| (?!r="))'),
    re.compile(rb":(?:c|row)[\s>/]"),
)
# In the plain form, a position with two column letters or a row number of six digits or more: without one, a
# sheet is within A1:Z99999.
FAR_POSITION = re.compile(rb' r="(?:[A-Z]{2}|[A-Z]?\d{6})')
NEAR_EXTENT = (99_999, 26)  # rows, columns
SCAN_CHUNK = 1 << 20
MAX_COLUMNS = 16384  # XFD, the last column a cell name can have
BIFF_BOF = (0x0009, 0x0209, 0x0409, 0x0809)  # BIFF2, BIFF3, BIFF4, BIFF5 and BIFF8
BIFF_EOF = 0x000A
BIFF_DIMENSIONS = 0x0200  # a sheet's rows and columns, first and last, as the program that saved it declares
XLS_ROWS, XLS_COLUMNS = 65_536, 256  # the most an .xls (BIFF8) sheet has
BIFF_FORMULA = (0x0006, 0x0206, 0x0406)  # BIFF5/8, BIFF3, BIFF4
NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
}
Form = Literal["xlsx", "xls", "ods", "csv"]
PACKAGES = (  # a part of a zip package, and what the package is
    ("word/document.xml", "Word文档"),
    ("ppt/presentation.xml", "PowerPoint演示文稿"),
    ("xl/workbook.bin", "Excel二进制工作簿，即.xlsb格式"),
    ("OFD.xml", "OFD版式文件"),
    (
        "Index/Document.iwa",
        "苹果Numbers表格，本工具不能读取：请该单位在Numbers中“导出为”Excel工作簿（.xlsx）后重新报送",
    ),
)
# WPS's own format: mostly an .xls inside, which is read as one; one the readers give up on is no damaged file
WPS_KIND = "WPS表格文件（.et），本工具不能读取：请该单位在WPS中“另存为”Excel工作簿（.xlsx）后重新报送"
# Names that say a file is a workbook (Excel's, WPS's .et, LibreOffice's .ods, their templates): one that is none is
# a workbook the unit meant to send and that cannot be read, never evidence beside another.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xltx", ".xltm", ".xls", ".xlt", ".et", ".ett", ".ods", ".ots", ".csv")
LITERALS = re.compile(r'"[^"]*"|\\.')  # text in a number format: quoted, or one character escaped
Cells = dict[tuple[int, int], str]  # 0-based (row, column) -> a cell's text: formulas, error values, comments
CELL_REF = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")  # a cell's name as a comments part gives it


class ReturnError(ProblemError):
    """A returned file that cannot be read."""


@dataclass
class ReturnedSheet:
    name: str
    visible: bool
    rows: list[list[object]]  # absolute grid: rows[0][0] is A1
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (r1, c1, r2, c2)
    formulas: Cells = field(default_factory=dict)  # 0-based (row, column) -> formula text
    comments: Cells = field(default_factory=dict)  # 0-based (row, column) -> a comment's text (批注), never a value
    formats: Cells = field(default_factory=dict)  # 0-based (row, column) -> a number format the file states (.ods)
    boxes: Cells = field(default_factory=dict)  # 0-based (row, column) it is drawn at -> a text box's text (文本框)


class MetaRow(NamedTuple):
    """One task row as render wrote it, from the hidden metadata sheet."""

    sheet: str
    row: str
    task_id: str
    role: str
    fingerprint: str
    prefill: str = ""  # layout.prefill_fingerprint of what render prefilled ("" in earlier workbooks)


@dataclass
class Metadata:
    ledger_id: str
    period: str
    unit: str
    rows: list[MetaRow]


@dataclass
class ReturnedBook:
    sheets: list[ReturnedSheet]
    metadata: Metadata | None
    macro: bool
    form: Form = "xlsx"
    saved_at: datetime | None = None  # the workbook's own last-saved time (docProps/core.xml, meta.xml)
    data: bytes = field(default=b"", repr=False, compare=False)  # the file, for `number_format`
    damaged: list[str] = field(default_factory=list)  # what beside the cells could not be read: "批注", "文本框"
    _styled: Any = field(default=None, init=False, repr=False, compare=False)  # its styles' reader, once opened

    def shows_percent(self, sheet: str, row: int, column: int) -> bool | None:
        """Whether a cell (0-based) shows its number as a percentage: 0.8 as 80%. A % sign the format writes as text
        (0"%", 0\\%) shows the number as it is, 80 as 80%. None when the file's formats cannot be read."""
        found = self.number_format(sheet, row, column)
        return None if found is None else "%" in LITERALS.sub("", found)

    def number_format(self, sheet: str, row: int, column: int) -> str | None:
        """The number format of one cell (0-based) of an .xlsx or .xls, such as "0.0%" ("0%" for a percentage cell
        of an .ods); "" for other forms; None when the file's formats cannot be read (styles calamine reads past,
        such as a font numbered "x", which openpyxl refuses: the values are read all the same).
        calamine gives values only, so openpyxl (xlrd for an .xls) opens the workbook for this, once, and only when
        a cell's format is asked for (a number in a % indicator's text cell, or in a text column): most returns
        never need it."""
        if self.form == "ods":  # its percentage cells, found while reading it
            return next((s.formats.get((row, column), "") for s in self.sheets if s.name == sheet), "")
        if not self.data or self.form not in ("xlsx", "xls"):
            return ""
        if self._styled is False:
            return None
        try:  # whatever a hostile file makes either reader raise, opening it or finding the cell: the format is unknown
            if self._styled is None:
                self._styled = False  # until it is open: a file that cannot be opened is tried once
                self._styled = self._open_styled()
            if self.form == "xls":
                return self._xls_format(sheet, row, column)
            if sheet not in self._styled.sheetnames:
                return ""
            return str(self._styled[sheet].cell(row + 1, column + 1).number_format)
        except Exception:
            return None

    def _open_styled(self) -> Any:
        """The workbook opened by a reader that gives formats: xlrd for an .xls, openpyxl for an .xlsx."""
        if self.form == "xls":
            import xlrd  # here: only a return with such a cell needs it

            return xlrd.open_workbook(
                file_contents=self.data, formatting_info=True, on_demand=True, logfile=io.StringIO()
            )
        import openpyxl  # here, as xlrd

        with warnings.catch_warnings():  # its English about what it skips, printed to the clerk's terminal
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(self.data))

    def _xls_format(self, sheet: str, row: int, column: int) -> str:
        book = self._styled
        if sheet not in book.sheet_names():
            return ""
        found = book.sheet_by_name(sheet)
        if row >= found.nrows or column >= found.row_len(row):
            return ""
        xf = book.xf_list[found.cell_xf_index(row, column)]
        return str(book.format_map[xf.format_key].format_str)


def scan_kind(data: bytes) -> str | None:
    """What kind of scan a file is (PDF, an image), or None when it is not one."""
    head = data[:16]
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "HEIC图片"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WEBP图片"
    return next((kind for magic, kind in SCANS if head.startswith(magic)), None)


def _check_zip(data: bytes) -> tuple[zipfile.ZipFile, Form]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReturnError("return-unreadable", reason="压缩包结构损坏") from exc
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ReturnError("return-too-large", size=f"{total / 1024 / 1024:.0f} MB")
    names = set(archive.namelist())
    if "xl/workbook.xml" in names:
        return archive, "xlsx"
    if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
        if "META-INF/manifest.xml" in names and b"encryption-data" in archive.read("META-INF/manifest.xml"):
            raise ReturnError("return-encrypted")  # LibreOffice's password: its parts are AES, no XML
        return archive, "ods"
    raise ReturnError("return-not-workbook", kind=_package_kind(names))


def _package_kind(names: set[str]) -> str:
    """What a zip package that is no workbook is, by the parts it holds: a Word file, an .xlsx saved as Excel's
    binary workbook, an OFD (the 版式文件 offices print to), a Mac's Numbers table, or a plain archive."""
    return next((kind for part, kind in PACKAGES if part in names), "压缩文件")


def archive_files(data: bytes) -> list[tuple[str, bytes]]:
    """The files packed in a .zip that is not itself a workbook (units pack a workbook and its signed scan
    together), each with its path inside the archive as its packer wrote it (names from Chinese Windows are GBK
    without the UTF-8 flag, read as such); [] for any other file. The same caps as a workbook's: raises
    ReturnError for an archive that is damaged, encrypted, would inflate beyond them, or holds more than
    MAX_MEMBERS files."""
    if not data.startswith(ZIP_MAGIC):
        return []
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError):
        return []  # damaged: as likely a torn workbook as an archive, and merge says what it is
    if {"[Content_Types].xml", "mimetype"} & {i.filename for i in infos}:
        return []  # a workbook or another document (.xlsx, .ods, .docx), never unpacked
    try:
        _check_zip(data)  # the caps of a workbook's inflation
    except ReturnError as exc:
        if exc.code != "return-not-workbook":
            raise
    if len(infos) > MAX_MEMBERS:
        raise ReturnError("return-too-large", size=f"{len(infos)}个文件")
    if any(i.flag_bits & 0x1 for i in infos):
        raise ReturnError("return-encrypted")
    try:
        return [(_member_name(i), archive.read(i)) for i in infos]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:  # a bad CRC, a method
        raise ReturnError("return-unreadable", reason="压缩包结构损坏") from exc


def _member_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its packer wrote it: UTF-8 when the packer said so, or when the bytes are UTF-8 without
    its saying so (macOS); else GBK (Chinese Windows), read as GB18030. Chinese in GBK is almost never valid
    UTF-8, so trying UTF-8 first mistakes nothing."""
    if info.flag_bits & 0x800:  # the packer said UTF-8
        return info.filename
    try:
        raw = info.filename.encode("cp437")  # zipfile read the bytes as cp437
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package, as calamine finds it: elements and attributes by
    their local names (a Strict Open XML workbook has other namespaces), the path normalised and in lower case
    (calamine finds a part whose name differs in case), so that no sheet it reads escapes the extent check."""
    return _sheet_paths_of(archive, archive.getinfo("xl/workbook.xml"), archive.getinfo("xl/_rels/workbook.xml.rels"))


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Path of a part (`_normalised`) -> the sheet it is, for every workbook part and relationships part a reader
    may take: a package can hold two of either, in other cases or under the same name (calamine takes the last
    that matches in any case, zipfile the last of the exact name), each naming other parts."""
    # normalising only drops "." and ".." folders: a part it makes one of these names has one of them in its own
    named = [i for i in archive.infolist() if "workbook.xml" in i.filename.lower()]
    books = [i for i in named if _normalised(i.filename) == "xl/workbook.xml"]
    rels = [i for i in named if _normalised(i.filename) == "xl/_rels/workbook.xml.rels"]
    return {path: name for book in books for rel in rels for name, path in _sheet_paths_of(archive, book, rel).items()}


def _sheet_paths_of(archive: zipfile.ZipFile, book: zipfile.ZipInfo, rel: zipfile.ZipInfo) -> dict[str, str]:
    """`_sheet_paths` by one workbook part and one relationships part."""
    workbook = ElementTree.fromstring(archive.read(book))
    rels = ElementTree.fromstring(archive.read(rel))
    targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter() if _local(r.tag) == "Relationship"}
    paths = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
        paths[sheet.get("name")] = _normalised(_part_path("xl", targets.get(rid, "")))
    return paths


def _normalised(path: str) -> str:
    """A part's path as the extent check compares it: slashes for backslashes, no "." or ".." folders, lower case.
    calamine reads a part by the name a relationship gives ("xl/" and its target), "xl/../far/sheet1.xml" as
    written; a part so named is checked with the sheet it becomes, whatever the form of its name."""
    return posixpath.normpath(path.replace("\\", "/")).lstrip("/").lower()


def _part_path(folder: str, target: str) -> str:
    """The path inside the package of a relationship's target, absolute or relative to the part's folder."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def _related_parts(archive: zipfile.ZipFile, names: dict[str, str], path: str) -> list[tuple[str, str]]:
    """(kind, part) for each part a sheet part's relationships name that the package holds: the kind is the last
    word of the relationship's type (comments, threadedComment, drawing …), the part its name in the package
    (`names`: lower case -> as stored)."""
    folder, base = posixpath.split(path)
    rels = names.get(f"{folder}/_rels/{base}.rels")
    if rels is None:
        return []
    found = []
    for rel in ElementTree.fromstring(archive.read(rels)).iter():
        part = names.get(_part_path(folder, rel.get("Target") or "").lower())
        if _local(rel.tag) == "Relationship" and part:
            found.append(((rel.get("Type") or "").rpartition("/")[2], part))
    return found


def _xlsx_comments(archive: zipfile.ZipFile, damaged: list[str]) -> dict[str, Cells]:
    """The comments (批注) of each sheet of an .xlsx, found by its part's relationships: Excel's threaded comments
    where a cell has one (the plain comment Excel writes beside it for older programs holds an English notice),
    else the plain comments Excel, WPS and LibreOffice write. {} at once for a workbook without any. A part that
    cannot be read adds "批注" to `damaged` (Excel repairs it and opens the cells, which calamine reads)."""
    names = {name.lower(): name for name in archive.namelist()}
    if not any("comment" in name for name in names):
        return {}
    found = {}
    for sheet, path in _sheet_paths(archive).items():
        plain: Cells = {}
        threaded: Cells = {}
        try:
            for kind, part in _related_parts(archive, names, path):
                if kind in ("comments", "threadedComment"):
                    into = plain if kind == "comments" else threaded
                    with archive.open(part) as stream:
                        for position, text in _comment_cells(stream):
                            into[position] = f"{into[position]}\n{text}" if position in into else text  # replies
        except PART_DAMAGE:
            damaged.append("批注")
        if plain or threaded:
            found[sheet] = plain | threaded
    return found


def _xlsx_text_boxes(archive: zipfile.ZipFile, damaged: list[str]) -> dict[str, Cells]:
    """The text of the text boxes (文本框) and other shapes drawn on each sheet of an .xlsx, by the cell each is
    drawn from: its DrawingML part (xl/drawings/drawingN.xml, found by the sheet's relationships), each anchor's
    <a:t> runs, a paragraph a line. {} at once for a workbook without any drawing. A part that cannot be read
    adds "文本框" to `damaged`."""
    names = {name.lower(): name for name in archive.namelist()}
    if not any(name.startswith("xl/drawings/") and name.endswith(".xml") for name in names):
        return {}
    found = {}
    for sheet, path in _sheet_paths(archive).items():
        boxes: Cells = {}
        try:
            for kind, part in _related_parts(archive, names, path):
                if kind == "drawing":
                    with archive.open(part) as stream:
                        for position, text in _drawn_texts(stream):
                            boxes[position] = f"{boxes[position]}\n{text}" if position in boxes else text
        except PART_DAMAGE:
            damaged.append("文本框")
        if boxes:
            found[sheet] = boxes
    return found


def _drawn_texts(stream: IO[bytes]) -> Iterator[tuple[tuple[int, int], str]]:
    """Each anchor of a DrawingML part that holds text, with the cell it is drawn from (0-based): its paragraphs
    (<a:p>) joined by line breaks. Read as a stream, each anchor let go once read."""
    for _, anchor in ElementTree.iterparse(stream):
        if _local(anchor.tag) not in ("twoCellAnchor", "oneCellAnchor", "absoluteAnchor"):
            continue
        start = next((e for e in anchor if _local(e.tag) == "from"), None)
        where = {_local(e.tag): (e.text or "").strip() for e in start} if start is not None else {}
        lines = [
            "".join(t.text or "" for t in p.iter() if _local(t.tag) == "t")
            for p in anchor.iter()
            if _local(p.tag) == "p"
        ]
        anchor.clear()
        text = "\n".join(lines).strip()
        if text:
            row, column = where.get("row", "0"), where.get("col", "0")
            yield (int(row) if row.isdigit() else 0, int(column) if column.isdigit() else 0), text


def _comment_cells(stream: IO[bytes]) -> Iterator[tuple[tuple[int, int], str]]:
    """Each comment of a comments part, plain (<comment ref="B2"><text><r><t>…) or threaded (<threadedComment
    ref="B2"><text>…), with its cell; a comment without text or with a cell name that is none is passed over. The
    part is read as a stream, each comment let go once read: the tree of a large one took gigabytes."""
    for _, comment in ElementTree.iterparse(stream):
        kind = _local(comment.tag)
        if kind not in ("comment", "threadedComment"):
            continue
        ref = comment.get("ref") or ""
        if kind == "comment":
            text = "".join(t.text or "" for t in comment.iter() if _local(t.tag) == "t")
        else:
            text = next(("".join(t.itertext()) for t in comment if _local(t.tag) == "text"), "")
        comment.clear()
        if text.strip() and CELL_REF.fullmatch(ref):
            yield _position(ref.encode()), text


def _local(name: str) -> str:
    """An XML tag or attribute name without its namespace."""
    return name.rpartition("}")[2]


def _formula_cells(xml: bytes) -> Cells:
    """Formula cells of a worksheet part and their text ("" for the followers of a shared formula, which carry
    none)."""
    import html  # here: most returns hold no formula, and html.entities is a large table to load

    found = {}
    for match in re.finditer(CELL_WITH_FORMULA, xml):
        text = html.unescape((match.group(2) or b"").decode("utf-8"))  # XML character references
        found[_position(match.group(1))] = text
    return found


def _error_values(xml: bytes) -> Cells:
    """The error values of a worksheet part, each as the text its cell shows."""
    import html  # here, as for formulas: only a sheet with an error value needs it

    return {
        _position(match.group(1)): html.unescape(match.group(2).decode("utf-8"))
        for match in re.finditer(CELL_WITH_ERROR, xml)
    }


def _put_error_values(errors: Cells, rows: list[list[object]]) -> None:
    """Each error value into the grid as the text its cell shows: "#N/A" a unit typed (Excel and WPS keep it as an
    error, not as text; LibreOffice as the formula "=#N/A") or "#DIV/0!" a formula saved. calamine gives such a
    cell empty in every form (.xlsx, .xls, .ods), and what the unit put there would vanish without a word."""
    for (r, c), text in errors.items():
        if r < len(rows) and c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = text


def _position(ref: bytes) -> tuple[int, int]:
    """A cell name ("B7") as 0-based (row, column)."""
    letters = ref.rstrip(b"0123456789")
    return int(ref[len(letters) :]) - 1, _column_number(letters) - 1


def _ods_cells(archive: zipfile.ZipFile) -> dict[str, tuple[Cells, Cells, Cells, Cells, Cells, Cells]]:
    """What calamine does not give of an .ods, per sheet: formula cells ((row, column) -> formula text without
    LibreOffice's "of:=" prefix); the error values among them (LibreOffice keeps a typed #N/A as the formula
    "=#N/A"), each as the text its cell shows; comments (批注, office:annotation); percentage cells ("80%"
    typed is 0.8), as the format "0%"; the text of cells holding a tab or a line break, which calamine drops
    ("1.<tab>完成" read as "1.完成"), or a time, which it gives as "PT36H00M00S" ("36:00"); and the text of
    text boxes (文本框) and other shapes, by the cell they are anchored to (a shape anchored to the page, in
    table:shapes, by A1), which calamine does not read at all. Rows and cells may be repeated
    (table:number-rows-repeated / -columns-repeated), so positions are counted. content.xml is read as a stream,
    each cell let go once looked at: whole, the tree of a sheet within the caps took gigabytes."""
    with archive.open("content.xml") as stream:
        if not _holds_any(
            stream, (b"table:formula=", b"office:annotation", ODS_PERCENTAGE, ODS_TIME, *ODS_SPACING, ODS_DRAWN)
        ):
            return {}
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    tag = {
        name: f"{{{table_ns}}}{name}" for name in ("table", "table-row", "table-cell", "covered-table-cell", "shapes")
    }
    cell_tags = (tag["table-cell"], tag["covered-table-cell"])
    found: dict[str, tuple[Cells, Cells, Cells, Cells, Cells, Cells]] = {}
    cells: Cells = {}
    errors: Cells = {}
    comments: Cells = {}
    formats: Cells = {}
    texts: Cells = {}
    boxes: Cells = {}
    r = c = rows = 0
    depth = 0  # cells open: a cell's own content (an annotation's paragraphs) is no cell of the table
    with archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                if element.tag == tag["table"]:
                    cells, errors, comments, formats, texts, boxes, r = {}, {}, {}, {}, {}, {}, 0
                elif element.tag == tag["table-row"]:
                    rows, c = int(element.get(f"{{{table_ns}}}number-rows-repeated", "1")), 0
                elif element.tag in cell_tags:
                    depth += 1
                continue
            if element.tag in cell_tags:
                depth -= 1
                columns = int(element.get(f"{{{table_ns}}}number-columns-repeated", "1"))
                formula = element.get(f"{{{table_ns}}}formula")
                if formula:
                    text = formula.split(":", 1)[1] if formula.startswith("of:") else formula
                    shown = _paragraphs(element) if element.get(ODS_VALUE_TYPE) == "error" else ""
                    for dr in range(rows):
                        for dc in range(columns):
                            cells[(r + dr, c + dc)] = text.removeprefix("=")
                            if shown:
                                errors[(r + dr, c + dc)] = shown
                comment = next((_paragraphs(a) for a in element if a.tag == ODS_ANNOTATION), "")
                if comment.strip():
                    comments[(r, c)] = comment
                drawn = _drawn_text(element)
                if drawn:
                    boxes[(r, c)] = drawn
                if element.get(ODS_OFFICE_VALUE_TYPE) == "percentage":
                    formats.update(((r + dr, c + dc), "0%") for dr in range(rows) for dc in range(columns))
                text = None
                if element.get(ODS_OFFICE_VALUE_TYPE) == "time":
                    text = _duration(element.get(f"{{{NS['office']}}}time-value", ""))
                elif any(p.tag == ODS_PARAGRAPH and any(x.tag in ODS_BREAKS for x in p.iter()) for p in element):
                    text = _paragraphs(element)
                if text is not None:
                    texts.update(((r + dr, c + dc), text) for dr in range(rows) for dc in range(columns))
                c += columns
                element.clear()
            elif element.tag == tag["table-row"] and not depth:
                r += rows
                element.clear()
            elif element.tag == tag["shapes"]:
                drawn = _drawn_text(element)
                if drawn:
                    boxes[(0, 0)] = drawn
                element.clear()
            elif element.tag == tag["table"]:
                found[element.get(f"{{{table_ns}}}name", "")] = (cells, errors, comments, formats, texts, boxes)
                element.clear()
    return found


def _drawn_text(element: Any) -> str:
    """The text of the shapes (draw:custom-shape, a draw:frame's draw:text-box …) an .ods cell or table:shapes
    holds: each shape's paragraphs, one a line; "" when none."""
    shapes = [e for e in element if e.tag.startswith(ODS_DRAW)]
    return "\n".join(_spoken(p) for shape in shapes for p in shape.iter(ODS_PARAGRAPH)).strip()


def _duration(value: str) -> str | None:
    """An .ods time ("PT36H00M00S", which calamine gives as that text) as a spreadsheet shows it, "36:00"."""
    found = re.fullmatch(r"(-)?PT(\d+)H(\d+)M(\d+(?:\.\d+)?)S", value)
    if not found:
        return None
    moment = timedelta(hours=int(found[2]), minutes=int(found[3]), seconds=float(found[4]))
    return text_of(-moment if found[1] else moment)


def _holds_any(stream: IO[bytes], marks: tuple[bytes, ...]) -> bool:
    """Whether a part read as a stream holds any of `marks` (a mark split between two chunks found too)."""
    overlap = max(map(len, marks)) - 1
    tail = b""
    while chunk := stream.read(SCAN_CHUNK):
        text = tail + chunk
        if any(mark in text for mark in marks):
            return True
        tail = text[-overlap:]
    return False


def _paragraphs(element: Any) -> str:
    """The text of an .ods cell or comment: its paragraphs (text:p), one a line; a cell's comment is not its text."""
    return "\n".join(_spoken(p) for p in element if p.tag == ODS_PARAGRAPH)


def _spoken(element: Any) -> str:
    """The text of a paragraph or a span as it shows: text:s as its spaces (text:c of them, within a cell's
    limit), text:tab as a tab, text:line-break as a line break."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == ODS_SPACE:
            count = child.get(ODS_SPACE_COUNT, "1")
            parts.append(" " * min(int(count) if count.isdigit() else 1, MAX_CELL_TEXT))
        elif child.tag in ODS_BREAKS:
            parts.append(ODS_BREAKS[child.tag])
        elif child.tag != ODS_ANNOTATION:
            parts.append(_spoken(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _custom_properties(archive: zipfile.ZipFile, form: Form) -> dict[str, str]:
    """The document's custom properties (render writes the ledger's identity there too). A part that is
    damaged, or declares a DTD or entities (defusedxml refuses those), makes the file unreadable."""
    part = "meta.xml" if form == "ods" else "docProps/custom.xml"
    try:
        root = ElementTree.fromstring(archive.read(part))
    except KeyError:
        return {}
    except (ValueError, ElementTree.ParseError, zipfile.BadZipFile, OSError) as exc:  # defusedxml's are ValueErrors
        raise ReturnError("return-unreadable", reason=f"文档属性 {part} 损坏或含不安全的内容") from exc
    if form == "ods":
        fields = root.iterfind("office:meta/meta:user-defined", NS)
        return {p.get(f"{{{NS['meta']}}}name"): "".join(p.itertext()) for p in fields}
    return {p.get("name"): "".join(p.itertext()) for p in root.findall("cp:property", NS)}


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _check_extent(sheet: str, rows: int, columns: int, limits: Limits) -> None:
    """Refuse a sheet whose extent is beyond a cap, before any reader allocates it."""
    for key, size, cap, what in (
        ("max_rows", rows, limits.max_rows, "行数"),
        ("max_columns", columns, limits.max_columns, "列数"),
        ("max_cells", rows * columns, limits.max_cells, "单元格数"),
    ):
        if size > cap:
            raise ReturnError(
                "return-sheet-too-large",
                sheet=sheet,
                extent=f"A1:{cell_name(rows, columns)}" if columns <= MAX_COLUMNS else f"{rows:,}行×{columns:,}列",
                what=what,
                size=f"{size:,}",
                cap=f"{cap:,}",
                key=key,
            )


def _check_total(sheet: str, end: tuple[int, int] | None, before: int, limits: Limits) -> int:
    """The cells of the sheets read so far with this one (A1 to `end`, its last cell, 0-based), refused beyond
    max_cells before its grid is made: each sheet within the caps, ten of them still took gigabytes."""
    rows, columns = (end[0] + 1, end[1] + 1) if end else (0, 0)
    total = before + rows * columns
    if total > limits.max_cells:
        raise ReturnError(
            "return-sheet-too-large",
            sheet=sheet,
            extent=f"A1:{cell_name(rows, columns)}",
            what="连同之前的工作表，单元格数合计",
            size=f"{total:,}",
            cap=f"{limits.max_cells:,}",
            key="max_cells",
        )
    return total


def _beyond(rows: int, columns: int, limits: Limits) -> bool:
    return rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells


def _irregular(text: bytes) -> bool:
    return any(pattern.search(text) for pattern in IRREGULAR_TAGS)


def _plain_extent(text: bytes) -> tuple[int, int, int] | None:
    """The highest row and column of a chunk whose rows and cells are all in the plain form (`<row r="7"`,
    `<c r="B7"`, as Excel, WPS, LibreOffice and xlsxwriter write them), and its rows; None when any row or cell
    tag may not be (a prefix, other white space, a tag without r="…" first), for the full scan. One search for
    an irregular tag and a pass over the positions for their distinct row numbers and column letters, which are
    few: the count of every tag kind cost more than calamine's own read of an ordinary return."""
    if _irregular(text):
        return None
    rows = max(map(int, set(PLAIN_ROWS.findall(text))), default=0)
    columns = max(map(_column_number, set(PLAIN_COLUMNS.findall(text))), default=0)
    return rows, columns, text.count(b"<row ")


def _near_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bool | None:
    """Whether a worksheet part holds a formula or an error value (`_looked_into`), when it is in the plain form
    and within NEAR_EXTENT, which the caps allow; None otherwise, for `_xlsx_extent`'s count. A few searches that
    find nothing in an ordinary return, instead of the position of every cell: the count made the check cost near
    what calamine's read of the whole workbook does."""
    if _beyond(*NEAR_EXTENT, limits):
        return None
    formulas = False
    row_tags = 0
    for text in _tag_chunks(archive, info):
        if _irregular(text) or FAR_POSITION.search(text):
            return None
        formulas = formulas or _looked_into(text)
        row_tags += text.count(b"<row ")
        if row_tags > NEAR_EXTENT[0]:
            return None
    return formulas


def _looked_into(text: bytes) -> bool:
    """Whether a chunk of a worksheet part holds what calamine does not give whole: a formula (calamine gives its
    saved value, not the formula) or an error value (calamine gives an empty cell)."""
    return FORMULA_ELEMENT.search(text) is not None or ERROR_VALUE in text


def _tag_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A part read as a stream (never whole), in chunks that end at a ">": no tag is split between two."""
    rest = b""
    with archive.open(info) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            text = rest + chunk
            cut = text.rfind(b">") + 1
            yield text[:cut]
            rest = text[cut:]
    if rest:
        yield rest


def _xlsx_extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> tuple[int, int, bool]:
    """Rows and columns of a worksheet part from A1 to its last cell, read as a stream (`_tag_chunks`): the
    highest row and column any row or cell names, or their count when they name none (a row's cells without a
    position take the next columns); and whether it holds a formula, found in the same pass. The scan stops as
    soon as the extent is beyond a cap: the rest of a million pasted rows is never looked at."""
    rows = columns = row_tags = 0
    formulas = False
    in_row = 0  # cells of the row still open at the end of the last chunk
    for text in _tag_chunks(archive, info):
        formulas = formulas or _looked_into(text)
        plain = _plain_extent(text)
        if plain is not None:  # every row and cell names its position: one quick pass
            row_tags += plain[2]
            rows, columns = max(rows, row_tags, plain[0]), max(columns, plain[1])
            in_row = 0 if plain[2] else in_row
        else:
            row_tags += len(SHEET_ROW.findall(text))
            rows = max(rows, row_tags, *(int(n) for n in SHEET_ROW_NUMBER.findall(text)))
            letters = SHEET_CELL_COLUMN.findall(text)
            if letters:
                columns = max(columns, *(_column_number(x) for x in set(letters)))
            if len(letters) < len(SHEET_CELL.findall(text)):  # cells without a position: counted row by row
                counts = [len(SHEET_CELL.findall(piece)) for piece in SHEET_ROW.split(text)]
                counts[0] += in_row
                columns, in_row = max(columns, *counts), counts[-1]
            elif SHEET_ROW.search(text):
                in_row = 0
        if _beyond(rows, columns, limits):
            break
    return rows, columns, formulas


OdsSpans = list[tuple[int, int, list[tuple[int, int, int]]]]  # (row, times repeated, [(column, rows, columns)])


def _ods_extent(archive: zipfile.ZipFile) -> dict[str, tuple[int, int, OdsSpans]]:
    """Rows and columns of each table of an .ods up to its last cell with content, read as a stream. Repeated
    rows and cells count as many times as they repeat; trailing empty ones (LibreOffice writes a million) do not,
    as the reader skips them too. Found in the same pass, the cells with content merged over others
    (table:number-rows-spanned, -columns-spanned), which calamine does not give for an .ods: by row, unrolled
    (`_ods_merged`) only once the extent is known to be within the caps."""
    table_ns = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    rows_spanned, columns_spanned = f"{{{table_ns}}}number-rows-spanned", f"{{{table_ns}}}number-columns-spanned"
    table, row_tag, cell_tags = (
        f"{{{table_ns}}}table",
        f"{{{table_ns}}}table-row",
        {
            f"{{{table_ns}}}table-cell",
            f"{{{table_ns}}}covered-table-cell",
        },
    )
    rows_repeated, columns_repeated = f"{{{table_ns}}}number-rows-repeated", f"{{{table_ns}}}number-columns-repeated"
    found: dict[str, tuple[int, int, OdsSpans]] = {}
    r = c = rows = columns = 0
    spans: OdsSpans = []
    in_row: list[tuple[int, int, int]] = []
    with archive.open("content.xml") as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            if event == "start":
                if element.tag == table:
                    r = rows = columns = 0
                    spans = []
                continue
            if element.tag in cell_tags:
                repeat = int(element.get(columns_repeated, "1"))
                if len(element) or element.attrib.keys() - {columns_repeated, f"{{{table_ns}}}style-name"}:
                    columns = max(columns, c + repeat)
                    rows = max(rows, r + 1)
                    down, across = int(element.get(rows_spanned, "1")), int(element.get(columns_spanned, "1"))
                    if len(element) and (down > 1 or across > 1):
                        in_row.append((c, down, across))
                c += repeat
                element.clear()
            elif element.tag == row_tag:
                repeat = int(element.get(rows_repeated, "1"))
                if rows > r:  # the row had content: all its repeats do
                    rows = r + repeat
                if in_row:
                    spans.append((r, repeat, in_row))
                    in_row = []
                r, c = r + repeat, 0
                element.clear()
            elif element.tag == table:
                found[element.get(f"{{{table_ns}}}name", "")] = (rows, columns, spans)
                element.clear()
    return found


def _ods_merged(spans: OdsSpans) -> list[tuple[int, int, int, int]]:
    """The merged ranges (0-based r1, c1, r2, c2) of `_ods_extent`'s spans, each repeat of a row its own."""
    return [
        (r + i, c, r + i + down - 1, c + across - 1)
        for r, repeat, cells in spans
        for i in range(repeat)
        for c, down, across in cells
    ]


def _xls_records(book: Any, index: int) -> tuple[Cells, tuple[int, int, int, int] | None]:
    """The formula cells of a sheet of an .xls and their text ("" when it cannot be told, as for a shared
    formula's followers), and the rows and columns its DIMENSIONS record declares (first, last + 1 of each),
    which calamine reserves room for and xlrd does not tell. xlrd gives a formula's saved result only, as
    calamine does, so the sheet's records are walked for its FORMULA records (BIFF3 to BIFF8) from its BOF to its
    own EOF (a chart inside a sheet has a BOF and EOF of its own)."""
    from xlrd.formula import FMLA_TYPE_CELL, decompile_formula

    mem, position, depth = book.mem, book._sh_abs_posn[index], 0
    found: Cells = {}
    declared = None
    while position + 4 <= len(mem):
        code, length = struct.unpack_from("<HH", mem, position)
        record = mem[position + 4 : position + 4 + length]
        position += 4 + length
        if code in BIFF_BOF:
            depth += 1
        elif code == BIFF_EOF:
            depth -= 1
            if depth <= 0:
                break
        elif code == BIFF_DIMENSIONS and depth == 1 and len(record) >= (12 if book.biff_version >= 80 else 8):
            declared = struct.unpack_from("<IIHH" if book.biff_version >= 80 else "<HHHH", record)
        elif code in BIFF_FORMULA and depth == 1 and len(record) >= 22:
            row, column = struct.unpack_from("<HH", record)
            text = ""
            if book.biff_version >= 80:
                try:  # a courtesy for the clerk: a name or a reference xlrd cannot decompile leaves it untold
                    size = struct.unpack_from("<H", record, 20)[0]
                    text = decompile_formula(book, record[22:], size, FMLA_TYPE_CELL, browx=row, bcolx=column) or ""
                except Exception:
                    text = ""
            found[(row, column)] = text
    return found, declared


def _xls_extent(data: bytes) -> dict[str, tuple[int, int, Cells, Cells, Cells]]:
    """Rows and columns of each sheet of an .xls (at most 65,536 × 256), as xlrd reads them without padding; and
    its error values (`_put_error_values`), comments (批注) and formulas, found in the same pass."""
    import xlrd  # here: only an .xls return needs it

    # logfile: xlrd prints its English warnings ("file size not 512 + multiple of sector size") to standard output,
    # the clerk's terminal and `--json`'s output
    book = xlrd.open_workbook(file_contents=data, on_demand=True, ragged_rows=True, logfile=io.StringIO())
    try:
        found = {}
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            errors = {
                (r, c): xlrd.error_text_from_code.get(sheet.cell_value(r, c), "#错误")  # a code no program writes
                for r in range(sheet.nrows)
                if xlrd.XL_CELL_ERROR in (types := sheet.row_types(r))
                for c, kind in enumerate(types)
                if kind == xlrd.XL_CELL_ERROR
            }
            comments = {at: note.text for at, note in sheet.cell_note_map.items() if note.text.strip()}
            rows, columns = sheet.nrows, max((sheet.row_len(r) for r in range(sheet.nrows)), default=0)
            formulas, declared = _xls_records(book, index)
            if declared:  # calamine reserves room for the last row less the first, the last column less the first
                _check_declared(sheet.name, *declared)
            found[sheet.name] = (rows, columns, errors, comments, formulas)
            book.unload_sheet(index)
        return found
    finally:
        book.release_resources()


def _check_declared(sheet: str, first_row: int, last_row: int, first_column: int, last_column: int) -> None:
    """Refuse a sheet of an .xls whose DIMENSIONS record declares rows or columns no .xls can have (a first after
    its last, more than 65,536 rows or 256 columns): calamine reserves room for them before it reads a cell, and
    such a record asked for 228 to 687 GB and aborted the process. Within those, the most it reserves is what an
    honest .xls may declare."""
    if first_row > last_row or first_column > last_column:
        which = "行" if first_row > last_row else "列"
        raise ReturnError("return-unreadable", reason=f"工作表“{sheet}”的范围记录损坏（首{which}在末{which}之后）")
    for size, cap, which in ((last_row, XLS_ROWS, "行"), (last_column, XLS_COLUMNS, "列")):
        if size > cap:
            reason = f"工作表“{sheet}”的范围记录损坏（声明有{size:,}{which}，.xls最多{cap:,}{which}）"
            raise ReturnError("return-unreadable", reason=reason)


def check_extent(
    data: bytes, archive: zipfile.ZipFile | None, form: Form, limits: Limits
) -> tuple[dict[str, str], dict[str, tuple[Cells, Cells, Cells]], dict[str, list[tuple[int, int, int, int]]]]:
    """Every sheet of a workbook within the caps, checked before it is read; found in the same pass, the sheets of
    an .xlsx that hold a formula or an error value (name -> part: most returns have neither; an <formula1> of a
    validation is none), the error values, comments and formulas of an .xls (name -> cells), and the merged
    ranges of an .ods (name -> ranges). Raises ReturnError."""
    if form == "xlsx" and archive is not None:
        _check_shared_strings(archive, limits)
        paths = _sheet_parts(archive)
        looked_into = {}
        for info in archive.infolist():
            name = paths.get(_normalised(info.filename))  # every part of that name, whatever its case or form
            if name is not None:
                formulas = _near_part(archive, info, limits)
                if formulas is None:  # beyond A1:Z99999, or not in the plain form: the extent counted
                    rows, columns, formulas = _xlsx_extent(archive, info, limits)
                    _check_extent(name, rows, columns, limits)
                if formulas:
                    looked_into[name] = info.filename
        return looked_into, {}, {}
    if form == "ods" and archive is not None:
        extents = _ods_extent(archive)
        for name, (rows, columns, _) in extents.items():
            _check_extent(name, rows, columns, limits)
        return {}, {}, {name: _ods_merged(spans) for name, (_, _, spans) in extents.items() if spans}
    found = {}
    for name, (rows, columns, errors, comments, in_sheet) in _xls_extent(data).items():
        _check_extent(name, rows, columns, limits)
        found[name] = (errors, comments, in_sheet)
    return {}, found, {}


def _check_shared_strings(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an .xlsx whose shared strings part declares more texts (uniqueCount) than max_cells: calamine
    reserves room for every one before it reads any, and 4,000,000,000 declared in a 1 KB file asked for 96 GB
    and aborted the process (no exception). An honest file holds at most one text per cell. Only the part's
    root element is parsed."""
    for info in archive.infolist():
        if not info.filename.lower().endswith("sharedstrings.xml"):
            continue
        with archive.open(info) as stream:
            _, root = next(iter(ElementTree.iterparse(stream, events=("start",))))
        declared = next((v for k, v in root.attrib.items() if _local(k) == "uniqueCount"), "")
        try:
            count = int(declared)
        except ValueError:
            continue  # none the reader can take either
        if count > limits.max_cells:
            cap = f"{limits.max_cells:,}（ledger.toml [limits] max_cells）"
            raise ReturnError("return-unreadable", reason=f"文件内部的文本表声明有{count:,}条文本，超出上限{cap}")


def _saved_at(archive: zipfile.ZipFile, form: Form) -> datetime | None:
    """When the workbook was last saved, by the program that saved it (Excel, WPS, LibreOffice all write it).
    A time without a zone (LibreOffice's meta.xml) is naive: the reader takes it as office time. The one element
    is found by its name (core.xml and meta.xml hold one each), without parsing the whole part."""
    try:
        xml = archive.read("meta.xml" if form == "ods" else "docProps/core.xml")
    except KeyError:
        return None
    found = (ODS_SAVED if form == "ods" else XLSX_SAVED).search(xml)
    try:
        return datetime.fromisoformat(found[1].decode().strip()) if found else None
    except (ValueError, UnicodeDecodeError):
        return None


def _metadata(rows: list[list[object]] | None, properties: dict[str, str]) -> Metadata | None:
    if rows and len(rows) >= 5 and rows[0][:1] == ["ledger_id"]:
        head = {str(r[0]): str(r[1]) for r in rows[:4] if len(r) >= 2}
        items = [
            MetaRow(
                str(r[0]), str(r[1]), task_id_of(str(r[2])), str(r[3]), str(r[4]), str(r[5] or "") if len(r) > 5 else ""
            )
            for r in rows[5:]
            if len(r) >= 5 and r[0]
        ]
        return Metadata(head.get("ledger_id", ""), head.get("period", ""), head.get("unit", ""), items)
    if properties.get("ledger_id"):
        return Metadata(
            properties["ledger_id"], properties.get("ledger_period", ""), properties.get("ledger_unit", ""), []
        )
    return None


def _grid(sheet: python_calamine.CalamineSheet) -> list[list[Any]]:
    return sheet.to_python(skip_empty_area=False)


def _csv_value(text: str) -> object:
    """A field of a .csv export as the cell it came from: plain numbers and ISO dates get their type back."""
    if re.fullmatch(CSV_INTEGER, text):
        return int(text)
    if re.fullmatch(CSV_DECIMAL, text):
        return float(text)
    day = re.fullmatch(CSV_DATE, text)
    if day:
        try:
            return date(int(day[1]), int(day[2]), int(day[3]))
        except ValueError:
            return text
    return text


def _read_csv(data: bytes, name: str, limits: Limits) -> ReturnedBook:
    """A task sheet exported as .csv, read as source tables are (`tables.text_rows`: any encoding or delimiter
    offices' programs write), within the caps of a workbook's sheet, checked row by row as it is read."""
    rows: list[list[object]] = []
    width = 0
    try:
        for row in text_rows(data):
            width = max(width, len(row))
            _check_extent(name, len(rows) + 1, width, limits)
            rows.append([_csv_value(v.strip()) for v in row])
    except TableError as exc:
        raise ReturnError("return-unreadable", reason=problem(exc.code, **exc.fields).message) from exc
    grid: list[list[object]] = [r + [""] * (width - len(r)) for r in rows]
    return ReturnedBook([ReturnedSheet(name, True, grid)], None, False, "csv")


def peek_properties(data: bytes) -> dict[str, str]:
    """The custom properties of an .xlsx or .ods (render writes the ledger, period and unit there), read without
    opening any sheet; empty for any other file or one that cannot be read."""
    if not data.startswith(ZIP_MAGIC):
        return {}
    try:
        return _custom_properties(*_check_zip(data))
    except ReturnError:
        return {}


def peek_period(data: bytes, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """The period a returned workbook's metadata names, read at intake; None when it names none. An .xlsx
    carries it in its custom properties (a small part, read without opening the sheets); other forms are read
    whole."""
    if scan_kind(data) or not (data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC)):
        return None
    found = peek_properties(data).get("ledger_period")
    if found:
        return found
    try:
        book = read_bytes(data, "", limits)
    except Exception:  # an unreadable file names no period; merge says what is wrong with it
        return None
    return book.metadata.period if book.metadata and book.metadata.period else None


def _damage(archive: zipfile.ZipFile | None, exc: BaseException) -> str:
    """Why a file the readers gave up on cannot be read, in the office's words: calamine's and xlrd's own
    messages are English and name nothing a clerk can act on. A part declaring a DTD or entities (an entity
    bomb, which calamine refuses) is told apart; it is looked for only here, once reading has failed."""
    if archive is not None:
        for info in archive.infolist():
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as stream:
                    if b"<!DOCTYPE" in stream.read(SCAN_CHUNK):
                        return "含不安全的内容（文档类型或实体声明）"
    if isinstance(exc, python_calamine.XmlError):
        return "工作表内容损坏"
    if isinstance(exc, python_calamine.ZipError | zipfile.BadZipFile):
        return "压缩包结构损坏"
    return "文件内容无法识别，可能已损坏"


def _not_a_workbook(data: bytes, suffix: str) -> str:
    """What a file that no reader knows is, for the problem on it: a file attached while it was still being saved
    is empty; a web page or an Excel 2003 XML table (system exports, "save as web page") is often named .xls."""
    if not data:
        return "空文件，0字节"
    if not data.strip():
        return "空白文件"
    if data.startswith(TNEF_MAGIC):
        return "Outlook的winmail.dat，附件被Outlook封装在其中，需对方用HTML或纯文本格式重新发送"
    packed = next((kind for magic, kind in ARCHIVES if data.startswith(magic)), None)
    if packed:  # units pack with WinRAR or 7-Zip as often as with .zip: the workbook is inside
        how = "请解压后用 ledger collect 存入其中的填报表，或请对方改用.zip或直接发送填报表"
        return f"{packed}压缩包，本工具不能解压：{how}"
    head = data[:4096].lower()
    named = f"，扩展名为{suffix}" if suffix else ""
    if b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        return f"Excel 2003 XML表格{named}"
    if re.search(rb"<(html|table|!doctype html)[\s>]", head):
        return f"网页文件{named}"
    if not re.search(rb"[\x00-\x08\x0e-\x1f]", head) and _decodes(data[:4096]):  # tab-separated "Excel" exports
        return f"文本文件{named}"
    return f"“{suffix or '无扩展名'}”文件"


def _decodes(head: bytes) -> bool:
    """Whether the first bytes of a file are text in an encoding offices' programs write (a character cut at the
    end of the sample aside)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 3:
                return True
    return False


def read_return(path: Path, limits: Limits = DEFAULT_LIMITS) -> ReturnedBook:
    """Every sheet of a returned workbook, its metadata and its formula cells. Raises ReturnError."""
    return read_bytes(path.read_bytes(), path.name, limits)


def read_bytes(data: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> ReturnedBook:
    """`read_return` on a file's bytes; `name` tells a .csv (whose bytes say nothing) and an .xlsm."""
    suffix = PurePosixPath(name).suffix.lower()
    archive = None
    form: Form = "xls"
    if data.startswith(ZIP_MAGIC):
        archive, form = _check_zip(data)
    elif data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise ReturnError("return-encrypted")
        if OUTLOOK_MARK in data:  # a message Outlook saved (dragged to a folder), an OLE file as an .xls is
            how = "请在Outlook中打开该邮件，把其中的填报表另存出来，再用 ledger collect 存入"
            raise ReturnError("return-not-workbook", kind=f"Outlook邮件（.msg），本工具不能取出其中的附件：{how}")
    elif suffix == ".csv":
        return _read_csv(data, PurePosixPath(name).stem, limits)
    else:
        raise ReturnError("return-not-workbook", kind=_not_a_workbook(data, suffix))
    try:
        looked_into, xls_cells, ods_merged = check_extent(data, archive, form, limits)
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))  # the bytes already read
        names = book.sheet_names
        if len(set(names)) < len(names):  # read by name, the second would be the first again, what it holds lost
            twice = next(name for index, name in enumerate(names) if name in names[:index])
            raise ReturnError("return-unreadable", reason=f"有两个工作表同名（“{twice}”），Excel和WPS也不能正常打开")
        visibility = {s.name: str(s.visible).endswith(".Visible") for s in book.sheets_metadata}
        sheets = []
        ods_cells = _ods_cells(archive) if archive and form == "ods" else {}
        damaged: list[str] = []  # parts beside the cells that could not be read
        xlsx_comments = _xlsx_comments(archive, damaged) if archive and form == "xlsx" else {}
        text_boxes = _xlsx_text_boxes(archive, damaged) if archive and form == "xlsx" else {}
        meta_rows = None
        instructions: tuple[list[list[Any]], set[tuple[int, int]]] | None = None
        cells = 0  # of the sheets read so far: their grids stay in memory together
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            cells = _check_total(name, sheet.end, cells, limits)
            rows = _grid(sheet)
            if name == META_SHEET:
                meta_rows = rows
                continue
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])] or ods_merged.get(name, [])
            part = looked_into.get(name)
            formulas: Cells = {}
            errors: Cells = {}
            formats: Cells = {}
            comments = xlsx_comments.get(name, {})
            boxes = text_boxes.get(name, {})
            if archive and part:  # read once for both
                xml = archive.read(part)
                formulas, errors = _formula_cells(xml), _error_values(xml)
            elif name in ods_cells:
                formulas, errors, comments, formats, texts, boxes = ods_cells[name]
                for (r, c), text in texts.items():  # a cell's text with the tabs and line breaks calamine drops
                    if r < len(rows) and c < len(rows[r]) and isinstance(rows[r][c], str):
                        rows[r][c] = text
            elif name in xls_cells:
                errors, comments, formulas = xls_cells[name]
            if name == INSTRUCTIONS_SHEET:
                instructions = (rows, {*formulas, *errors})  # their cells are the unit's, whatever they show
            _put_error_values(errors, rows)
            sheets.append(
                ReturnedSheet(name, visibility.get(name, True), rows, merged, formulas, comments, formats, boxes)
            )
    except ReturnError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # calamine reports damage as its own error types, or panics: pyo3's PanicException
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ReturnError("return-encrypted") from exc
        if form == "xls" and suffix in (".et", ".ett"):
            raise ReturnError("return-not-workbook", kind=WPS_KIND) from exc
        raise ReturnError("return-unreadable", reason=_damage(archive, exc)) from exc
    properties = _custom_properties(archive, form) if archive and meta_rows is None else {}
    macro = bool(archive and "xl/vbaProject.bin" in archive.namelist()) or suffix == ".xlsm"
    saved_at = _saved_at(archive, form) if archive else None
    styled = data if archive or form == "xls" else b""  # for `number_format`
    metadata = _metadata(meta_rows, properties)
    if instructions:
        _office_text_out(*instructions, metadata)
    return ReturnedBook(sheets, metadata, macro, form, saved_at, styled, sorted(set(damaged)))


def _office_text_out(rows: list[list[Any]], typed: set[tuple[int, int]], metadata: Metadata | None) -> None:
    """填报说明 without the lines render wrote in column A, so that what is left is the unit's: a line one of the
    digests in the metadata matches, on whatever row (a row the unit inserted moves the text down); on a workbook
    rendered before the digests were kept, any text in column A."""
    lines = {r.fingerprint for r in metadata.rows if r.role == INSTRUCTIONS_ROLE} if metadata else set()
    for r, row in enumerate(rows):
        if row and type(row[0]) is str and (r, 0) not in typed and (not lines or cell_digest(row[0]) in lines):
            row[0] = ""
