"""Read .xlsx, .xls and .csv files into plain grids of text, the shape every reader here starts from.

Merged cells are filled with their top-left value, because offices merge a category over a block of rows
and mean it for every row of the block.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cells import text_of
from .problems import ProblemError

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_ENCODINGS = ("utf-8", "gb18030")  # after a byte-order mark's own: UTF-8 is strict, so GB18030 is tried second
BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
DELIMITERS = (",", "\t", ";")
# A note under a table ("注：以上任务均需…", "备注：…"): read by neither a task list nor an indicator list.
NOTE = re.compile(r"^(注|备注|说明)[:：]")
# Why a workbook the readers gave up on cannot be read, in the office's words: the readers' own messages are
# English ("Cannot detect file format", BadZipFile) and name nothing a clerk can act on.
UNREADABLE_WORKBOOK = "不是有效的工作簿：文件可能已损坏、正被其他程序占用，或是改了扩展名的其他文件"


class TableError(ProblemError):
    """A file that cannot be read as a table."""


@dataclass
class Sheet:
    name: str
    rows: list[list[str]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 1-based (r1, c1, r2, c2)


def cell_text(value: object) -> str:
    """One cell of a source table as the text a person sees, without surrounding spaces."""
    return text_of(value).strip()


def read_sheets(path: Path) -> list[Sheet]:
    """All sheets of a table file. Raises TableError for anything that is not a readable table."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError("file-missing", path=str(path))
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(path)
    if suffix == ".xls":
        return _read_xls(path)
    if suffix in {".csv", ".txt"}:
        return [_read_csv(path)]
    raise TableError("file-unreadable", reason=f"不支持的文件类型“{path.suffix}”，请使用 .xlsx、.xls 或 .csv")


def _fill_merged(rows: list[list[str]], merged: list[tuple[int, int, int, int]]) -> None:
    for r1, c1, r2, c2 in merged:
        value = rows[r1 - 1][c1 - 1] if r1 - 1 < len(rows) and c1 - 1 < len(rows[r1 - 1]) else ""
        for r in range(r1, min(r2, len(rows)) + 1):
            row = rows[r - 1]
            row.extend([""] * (c2 - len(row)))
            for c in range(c1, c2 + 1):
                row[c - 1] = value


ERROR_CELL = re.compile(rb'<c [^>]*t="e"')  # a cell holding an Excel error (#N/A, #REF! …)


def _read_xlsx(path: Path) -> list[Sheet]:
    """An .xlsx table read with python-calamine (fast, and no numpy to import for a command that only reads its
    task lists). A workbook holding an error cell (#N/A …) is read with openpyxl instead, which keeps the error's
    text where calamine would give an empty cell: nothing written in a source table is lost."""
    import python_calamine

    try:
        with zipfile.ZipFile(path) as package:
            errors = any(
                ERROR_CELL.search(package.read(name))
                for name in package.namelist()
                if name.startswith("xl/worksheets/") and name.endswith(".xml")
            )
        if errors:
            return _read_xlsx_openpyxl(path)
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue  # a chart sheet holds no table
            sheet = book.get_sheet_by_name(meta.name)
            rows = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
            merged = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []]
            _fill_merged(rows, merged)
            sheets.append(Sheet(meta.name, rows, merged))
        return sheets
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, python_calamine.CalamineError) as exc:
        raise TableError("file-unreadable", reason=UNREADABLE_WORKBOOK) from exc


def _read_xlsx_openpyxl(path: Path) -> list[Sheet]:
    import openpyxl  # here, not above: only a workbook with error cells needs it

    book = openpyxl.load_workbook(path, data_only=True)
    sheets = []
    for ws in book.worksheets:
        rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        _fill_merged(rows, merged)
        sheets.append(Sheet(ws.title, rows, merged))
    return sheets


def _read_xls(path: Path) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, logfile=io.StringIO())  # its English warnings
    except (xlrd.XLRDError, OSError, ValueError, AssertionError) as exc:
        raise TableError("file-unreadable", reason=UNREADABLE_WORKBOOK) from exc
    sheets = []
    for ws in book.sheets():
        rows = []
        for r in range(ws.nrows):
            row = []
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                row.append(cell_text(value))
            rows.append(row)
        merged = [(r1 + 1, c1 + 1, r2, c2) for r1, r2, c1, c2 in ws.merged_cells]
        _fill_merged(rows, merged)
        sheets.append(Sheet(ws.name, rows, merged))
    return sheets


def _read_csv(path: Path) -> Sheet:
    return Sheet(path.stem, [[cell.strip() for cell in row] for row in text_rows(path.read_bytes())])


def _decode(data: bytes) -> str:
    """A text table's bytes as text: by its byte-order mark (UTF-8, UTF-16 LE or BE: Excel's "Unicode text"), as
    UTF-16 when its zero bytes (the high bytes of ASCII characters) all fall on one side, else UTF-8, else GB18030
    (Excel and WPS on Chinese Windows). A stray zero byte or two (an export padding a field) make no UTF-16: one
    read a UTF-8 table as a single cell of mojibake."""
    encoding = next((name for mark, name in BYTE_ORDER_MARKS if data.startswith(mark)), None)
    head = data[:8192]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if encoding is None and odd + even >= max(3, len(head) // 100):  # UTF-16's commas and line ends are more
        if odd > 8 * even:
            encoding = "utf-16-le"
        elif even > 8 * odd:
            encoding = "utf-16-be"
        else:
            raise TableError("file-unreadable", reason="文件含二进制内容，不是文本表格")
    for name in (encoding,) if encoding else TEXT_ENCODINGS:
        try:
            return data.decode(name)
        except UnicodeDecodeError:
            continue
    raise TableError("file-encoding")


def _delimiter(text: str) -> str:
    """The delimiter a header line uses most, outside quotes: a comma, a tab or a semicolon."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    bare = re.sub(r'"[^"]*"', "", line)
    return max(DELIMITERS, key=bare.count)  # a tie (none at all) keeps the comma, the first


def text_rows(data: bytes) -> Iterator[list[str]]:
    """The rows of a delimited text table (.csv, .txt), the one reader of source tables and returns alike: every
    encoding offices' programs write, comma, tab or semicolon. One at a time, so that a return's reader can stop
    at its caps. Raises TableError."""
    import csv  # here: most tables are workbooks

    text = _decode(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    except csv.Error as exc:
        raise TableError("file-unreadable", reason="文本表格格式有误（如引号不成对，或一格内容过长）") from exc


def write_template(
    path: Path,
    *,
    title: str,
    rows: list[list[str]],
    widths: tuple[float, ...],
    notes: list[tuple[str, str]],
    label_width: float,
) -> Path:
    """A source table a new workspace starts from (the units file, a task list): a bold header and its example
    rows under a frozen header, and a 说明 sheet of (label, text) rows, both printed on A4 landscape one page wide.
    Written aside and renamed."""
    import openpyxl  # only `ledger init` writes one
    from openpyxl.styles import Alignment, Font

    from .records import written_aside

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in enumerate(widths, 1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    explained = book.create_sheet("说明")
    for note in notes:
        explained.append(list(note))
    explained["A1"].font = Font(bold=True, size=14)
    explained.column_dimensions["A"].width = label_width
    explained.column_dimensions["B"].width = 90
    for row in explained.iter_rows(min_row=2):
        row[0].font = Font(bold=True)
        row[0].alignment = Alignment(vertical="top")
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
        # Rows are given their height: not every spreadsheet program grows a wrapped row when it opens the file.
        explained.row_dimensions[row[0].row].height = 16 * (1 + len(str(row[1].value or "")) // 44)
    for page in (sheet, explained):
        page.page_setup.orientation = "landscape"
        page.page_setup.paperSize = page.PAPERSIZE_A4
        page.page_setup.fitToWidth, page.page_setup.fitToHeight = 1, 0
        page.sheet_properties.pageSetUpPr.fitToPage = True
    with written_aside(path) as aside:
        book.save(aside.temporary)
    return path
