"""Plain tables written to .xlsx: the derived workbooks (master ledger, problem list, report) share one look."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

FONT = "宋体"  # SimSun: on every Windows and WPS install
TITLE_FONT = "黑体"

Cell = str | int | float | date | None
FIXED_ZIP_TIME = (2021, 1, 1, 0, 0, 0)


def new_workbook(path: Path, created: datetime, title: str) -> xlsxwriter.Workbook:
    """A workbook that writes text as text (never a formula) and the same bytes for the same content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(
        str(path),
        # in_memory: assemble the package in memory instead of temporary files, much faster for many workbooks
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True},
    )
    book.set_properties({"title": title, "created": created})
    return book


def print_landscape(sheet, repeat_row: int) -> None:
    sheet.repeat_rows(repeat_row)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def table_sheet(
    book: xlsxwriter.Workbook,
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    row_formats: Sequence[object | None] | None = None,
):
    """A titled, filterable, print-ready table; text cells are always written as text."""
    sheet = book.add_worksheet(name)
    base = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
    title_format = book.add_format({"font_name": TITLE_FONT, "font_size": 14, "align": "center", "valign": "vcenter"})
    header_format = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9D9D9"})
    body = book.add_format(base)
    dates = book.add_format({**base, "num_format": "yyyy-mm-dd"})
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.merge_range(0, 0, 0, max(len(headers) - 1, 1), title, title_format)
    sheet.set_row(0, 28)
    for c, header in enumerate(headers):
        sheet.write_string(1, c, header, header_format)
    for r, row in enumerate(rows, 2):
        fmt = (row_formats[r - 2] if row_formats else None) or body
        for c, value in enumerate(row):
            if value is None or value == "":
                sheet.write_blank(r, c, None, fmt)
            elif isinstance(value, bool):
                sheet.write_string(r, c, "是" if value else "否", fmt)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value, fmt)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
            else:
                sheet.write_string(r, c, str(value), fmt)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(len(rows) + 1, 1), len(headers) - 1)
    print_landscape(sheet, 1)
    return sheet


def fixed_package(data: bytes, created: datetime) -> bytes:
    """An OOXML package (xlsx, docx) with the save time taken out, so the same content gives the same bytes.

    openpyxl and python-docx stamp the current time into the zip entries and docProps/core.xml.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _replace_times(content, stamp)
            target.writestr(zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _replace_times(core: bytes, stamp: bytes) -> bytes:
    for tag in (b"dcterms:created", b"dcterms:modified"):
        start = core.find(b"<" + tag)
        if start < 0:
            continue
        open_end = core.find(b">", start) + 1
        close = core.find(b"</" + tag, open_end)
        core = core[:open_end] + stamp + core[close:]
    return core
