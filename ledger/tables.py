"""Read .xlsx, .xls and .csv files into plain grids of text, the shape every reader here starts from.

Merged cells are filled with their top-left value, because offices merge a category over a block of rows
and mean it for every row of the block.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import xlrd
from openpyxl.utils.exceptions import InvalidFileException

from .cells import text_of
from .problems import ProblemError

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


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


def _read_xlsx(path: Path) -> list[Sheet]:
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError("file-unreadable", reason=f"不是有效的 Excel 工作簿（{type(exc).__name__}）") from exc
    sheets = []
    for ws in book.worksheets:
        rows = [[cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        merged = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
        _fill_merged(rows, merged)
        sheets.append(Sheet(ws.title, rows, merged))
    return sheets


def _read_xls(path: Path) -> list[Sheet]:
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError) as exc:
        raise TableError("file-unreadable", reason=f"不是有效的 .xls 工作簿（{exc}）") from exc
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
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" export
        data = data.decode("utf-16").encode("utf-8")
    if b"\x00" in data:
        raise TableError("file-unreadable", reason="文件含二进制内容，不是文本表格")
    for encoding in TEXT_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        first_line = text.split("\n", 1)[0]
        delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
        return Sheet(path.stem, rows)
    raise TableError("file-encoding")
