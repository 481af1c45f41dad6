"""Plain tables written to .xlsx: the derived workbooks (master ledger, problem list, report) share one look."""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import nullcontext
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .cells import MAX_CELL_TEXT, display_width, too_long
from .processes import in_processes
from .records import put_in_place, temporary_beside

FONT = "宋体"  # SimSun: on every Windows and WPS install
TITLE_FONT = "黑体"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'  # a day as offices write it (wording.chinese): 2021年6月30日
MOMENT_FORMAT = 'yyyy"年"m"月"d"日"h:mm'  # a time received, as deadlines.chinese_moment: 2021年7月4日10:30
# widths that show them whole at their longest (2021年12月31日): a narrower cell prints ### instead of the date
DATE_WIDTH, MOMENT_WIDTH = 15, 20

Cell = str | int | float | date | None
LINE_HEIGHT = 14.5  # points a wrapped line of 10 pt text takes (CJK fonts have tall lines)
MAX_ROW_HEIGHT = 409  # points: Excel's tallest row


@functools.lru_cache(maxsize=65536)
def line_count(text: str, width: float) -> int:
    """Lines a wrapped cell needs; cached because a text appears in many units' workbooks."""
    capacity = max(int((width * 7 + 3) / 6.7), 2)  # a column of width w is 7w+5 pixels; a CJK character about 13
    if "\n" not in text:
        return max(1, -(-display_width(text) // capacity))
    return sum(max(1, -(-display_width(line) // capacity)) for line in text.split("\n"))


def row_height(lines: int) -> float:
    """The height in points of a row showing `lines` wrapped lines of 10 pt text."""
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * max(lines, 1) + 3)


class FittedWorksheet(Worksheet):
    """A worksheet whose row heights are a starting point, not fixed.

    xlsxwriter marks every row given a height as customHeight, and Excel, WPS and LibreOffice never resize such
    a row when text is typed into it. Rows here carry the height their text needs now (LibreOffice prints with
    the stored height) without that mark, so the row grows when a unit types a longer answer.
    """

    def _xml_start_tag_unencoded(self, tag, attributes=None):
        super()._xml_start_tag_unencoded(tag, _without_custom_height(tag, attributes))

    def _write_string(self, row, col, string, cell_format=None):
        """Every text written cell by cell, cut as `excel_text` cuts it, as `write_cells` and streamed tables do."""
        return super()._write_string(row, col, excel_text(string), cell_format)

    def _xml_empty_tag_unencoded(self, tag, attributes=None):
        super()._xml_empty_tag_unencoded(tag, _without_custom_height(tag, attributes))


def _without_custom_height(tag: str, attributes: list | None) -> list:
    if tag == "row" and attributes:
        return [a for a in attributes if a[0] != "customHeight"]
    return attributes or []


class RowsWorksheet(FittedWorksheet):
    """A FittedWorksheet that also takes a row's cells at once (`write_cells`), for the long tables of unit
    workbooks: a few µs a row instead of xlsxwriter's ~17 µs a cell.

    xlsxwriter keeps an object per cell and writes each one's XML through generic helpers at close. Here a row is
    one record — its strings put in the workbook's shared-string table in the order they would have been written
    one by one, each cell's XML but for its style made at once — and its <row> is written as one string in
    xlsxwriter's loop over the rows, with the style indices the formats get at their first use there. The file is
    the one writing the cells one by one gives, byte for byte (tests/test_xlsx.py compares them); everything else
    in the sheet (merged title, header, validations, filter, panes, protection, rows written cell by cell) is
    xlsxwriter's own.
    """

    def __init__(self) -> None:
        super().__init__()
        # row → its first and last column, and each cell's XML after its style with its format (None: no cell)
        self._whole: dict[int, tuple[int, int, list[tuple[str, Any] | None]]] = {}
        self._styles: dict[int, str] = {}  # id of a format → its s="…" attribute, once the format has its index

    def write_cells(self, row: int, cells: Sequence[tuple[Cell | datetime, Any]], height: float | None = None) -> None:
        """Cells from column 0 on, each (value, format): text as a shared string, a number, a date or datetime
        (a serial, shown in the format's number format), None as a blank cell (no cell without a format, as in
        xlsxwriter); the row's height in points."""
        if row in self._whole:
            raise IndexError(f"row {row} is written already")
        if height is not None:
            self.set_row(row, height)
        while len(_COLUMNS) < len(cells):
            _COLUMNS.append(xl_col_to_name(len(_COLUMNS)))
        shared = self.str_table._get_shared_string_index
        longest = self.xls_strmax // 2  # shorter texts are within Excel's limit in any encoding
        record: list[tuple[str, Any] | None] = []
        missing = False  # a blank without a format: no cell
        for value, fmt in cells:
            if isinstance(value, str):
                if len(value) > longest:
                    value = excel_text(value)
                record.append((f' t="s"><v>{shared(value)}</v></c>', fmt))
            elif value is None:
                missing = missing or fmt is None
                record.append(("/>", fmt) if fmt is not None else None)
            elif isinstance(value, datetime | date):
                moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
                record.append((f"><v>{self._convert_date_time(moment):.16G}</v></c>", fmt))
            else:
                record.append((f"><v>{value:.16G}</v></c>", fmt))
        used = [col for col, cell in enumerate(record) if cell is not None] if missing else [0, len(record) - 1]
        if not record or not used:
            return
        if self._check_dimensions(row, used[0]) or self._check_dimensions(row, used[-1]):
            raise IndexError(f"row {row + 1} or column {used[-1] + 1} is outside the worksheet")
        self._whole[row] = (used[0], used[-1], record)

    def _write_rows(self) -> None:
        """xlsxwriter's loop over the rows (Worksheet._write_rows), whole rows among them."""
        self._calculate_spans()
        table, whole, row_info, comments, spans = self.table, self._whole, self.row_info, self.comments, self.row_spans
        write = self.fh.write
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row)
            if row in whole:
                if cells:
                    raise ValueError(f"row {row + 1} was written both whole and cell by cell")
                info, span, start = row_info.get(row), spans.get(row // 16), ""
                if info and (info.row_format or info.hidden or info.level or info.collapsed):
                    self._write_row(row, span, info)
                else:
                    start = self._row_start(row, span, info)
                write(start + self._cells_xml(row, whole[row][2]) + "</row>")
            elif cells:
                self._write_row(row, spans.get(row // 16), row_info.get(row))
                for col in sorted(cells):
                    self._write_cell(row, col, cells[col])
                self._xml_end_tag("row")
            elif row in row_info or row in comments:
                self._write_empty_row(row, spans.get(row // 16), row_info.get(row))

    def _calculate_spans(self) -> None:
        """The spans attribute of each block of 16 rows: the columns its cells take, whole rows counted."""
        used = [(row, first, last) for row, (first, last, _) in self._whole.items()]
        for part in (self.table, self.comments):
            used += [(row, min(cells), max(cells)) for row, cells in part.items() if cells]
        columns: dict[int, tuple[int, int]] = {}
        for row, first, last in used:
            low, high = columns.get(row // 16, (first, last))
            columns[row // 16] = (min(low, first), max(high, last))
        self.row_spans = {block: f"{low + 1}:{high + 1}" for block, (low, high) in columns.items()}

    def _row_start(self, row: int, span: str | None, info: Any) -> str:
        """A plain row's start tag as xlsxwriter's _write_row writes it, less customHeight (see FittedWorksheet)."""
        height = info.height if info else self.default_row_height
        attributes = f' spans="{span}"' if span else ""
        if height != self.original_row_height or height != self.default_row_height:
            attributes += f' ht="{height * 0.75:.16g}"'
        if self.excel_version == 2010:
            attributes += ' x14ac:dyDescent="0.25"'
        return f'<row r="{row + 1}"{attributes}>'

    def _cells_xml(self, row: int, cells: list[tuple[str, Any] | None]) -> str:
        """A whole row's <c> elements as xlsxwriter's _write_cell writes them."""
        number = str(row + 1)
        styles = self._styles
        info = self.row_info.get(row)
        row_format = info.row_format if info else None  # a cell written without a format takes the row's
        out = []
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            content, fmt = cell
            if fmt is None and (fmt := row_format or self._column_format(col)) is None:
                out.append(f'<c r="{_COLUMNS[col]}{number}"{content}')
                continue
            style = styles.get(id(fmt))
            if style is None:  # its first use gives the format its index, as in xlsxwriter
                style = styles[id(fmt)] = f' s="{fmt._get_xf_index()}"'
            out.append(f'<c r="{_COLUMNS[col]}{number}"{style}{content}')
        return "".join(out)

    def _column_format(self, col: int) -> Any:
        info = self.col_info.get(col)
        return info.column_format if info else None


def excel_text(text: str) -> str:
    """A text as a cell can hold it: one beyond Excel's limit cut (a character above U+FFFF never split), with
    CUT_MARK at its end so that nobody takes what is left for the whole (xlsxwriter cuts without a word)."""
    if not too_long(text):
        return text
    room = MAX_CELL_TEXT - len(CUT_MARK)
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > room:
            return text[:index] + CUT_MARK
    return text


_COLUMNS: list[str] = []  # column letters, A, B, …, as far as a row has needed


class _SharedStrings(SharedStrings):
    """xlsxwriter's shared-string part, each string's <si> element made once per process: the texts of tasks
    recur in the workbooks of every unit that has them."""

    def _write_sst_strings(self) -> None:
        self.fh.write("".join(map(_si_xml, self.string_table.string_array)))


_SI_WRITER = SharedStrings()


@functools.lru_cache(maxsize=131072)
def _si_xml(string: str) -> str:
    """A string's <si> element exactly as xlsxwriter writes it (it escapes control characters, &, <, >, and keeps
    leading and trailing spaces)."""
    _SI_WRITER._set_filehandle(io.StringIO())
    _SI_WRITER._write_si(string)
    return _SI_WRITER.fh.getvalue()


class _Packager(Packager):
    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = _SharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


FIXED_ZIP_TIME = (2021, 1, 1, 0, 0, 0)


class Workbook(xlsxwriter.Workbook):
    """xlsxwriter's workbook, plus tables whose rows go straight into the sheet's XML when it closes.

    xlsxwriter spends ~17 µs on every cell (a cell object, the shared-string table, then its XML at close); the
    master ledger and the report write nearly two million cells on a 1,000-unit month, about as many as all the
    units' workbooks. A streamed table (`table_sheet(..., stream=True)`) renders each row's XML once, text as
    inline strings, and `close` writes them into the sheet part xlsxwriter wrote as it copies the package: a few
    times faster, and nothing held in memory but the caller's rows.
    """

    def __init__(self, path: Path, options: dict[str, Any], *, jobs: int = 1) -> None:
        self.temporary = temporary_beside(path)  # written aside, renamed over `path` at close
        super().__init__(str(self.temporary), options)
        self.path = path
        self.written = path  # where the file went: beside `path` when `path` is open in another program
        self.streamed: dict[str, _StreamedTable] = {}  # by sheet name
        self.jobs = jobs  # processes that make the streamed tables' XML, a table each

    def close(self) -> None:
        temporary = self.temporary
        try:
            try:
                super().close()
            except FileCreateError as exc:  # a full disk or a refused folder: the system's own error, said as such
                if exc.args and isinstance(exc.args[0], OSError):
                    raise exc.args[0] from exc
                raise
            if self.streamed:
                _splice_rows(temporary, self.worksheets(), self.streamed, self.jobs)
            self.written = put_in_place(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)

    def _get_packager(self) -> Packager:
        return _Packager()  # shared strings written from a cache (see _SharedStrings)

    def _store_workbook(self) -> None:
        """Assemble the package in memory, then write it in one go: xlsxwriter leaves its zip file open when a
        write to the disk fails (a full disk), and closing it at exit prints a traceback after our message."""
        package = io.BytesIO()
        self.filename: Any = package
        try:
            super()._store_workbook()
        finally:
            self.filename = str(self.temporary)
        try:
            with open(self.temporary, "wb") as out:
                out.write(package.getbuffer())
        except OSError as exc:  # said with the file's name, so the message names its folder
            raise OSError(exc.errno, exc.strerror, str(self.temporary)) from exc


def new_workbook(path: Path, created: datetime, title: str, *, jobs: int = 1) -> Workbook:
    """A workbook that writes text as text (never a formula) and the same bytes for the same content. With
    jobs > 1 its streamed tables are made side by side in that many processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook(
        path,
        # in_memory: assemble the package in memory instead of temporary files, much faster for many workbooks
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False, "in_memory": True},
        jobs=jobs,
    )
    book.set_properties({"title": title, "created": created})
    return book


A4_LANDSCAPE = (841.9, 595.3)  # points
LANDSCAPE_MARGINS = {"left": 0.3, "right": 0.3, "top": 0.7, "bottom": 0.6}  # inches
PAGE_SLACK = 0.06  # the share of a page by which Excel, WPS and LibreOffice may measure rows differently


def print_landscape(sheet, repeat_row: int | None) -> None:
    """A4 landscape, one page wide, the header row (if any) on every page, pages numbered from 1 in each sheet."""
    if repeat_row is not None:
        sheet.repeat_rows(repeat_row)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(**LANDSCAPE_MARGINS)
    sheet.set_start_page(1)
    sheet.set_footer("&C第&P页")  # &N would count the pages of every sheet


def printed_page(widths: Sequence[float]) -> tuple[float, float]:
    """The width and height, in the sheet's own points, of a page printed as print_landscape prints a sheet of
    columns this wide: scaled to fit the columns to the page's width, a page holds more than its 595 points."""
    drawn = sum((int(w * 7 + 0.5) + 5) * 0.75 for w in widths if w)  # a column of width w is 7w+5 pixels
    printable = A4_LANDSCAPE[0] - 72 * (LANDSCAPE_MARGINS["left"] + LANDSCAPE_MARGINS["right"])
    scale = min(1.0, printable / drawn) if drawn else 1.0  # no columns (a sheet of charts): at full size
    return printable / scale, (A4_LANDSCAPE[1] - 72 * (LANDSCAPE_MARGINS["top"] + LANDSCAPE_MARGINS["bottom"])) / scale


def keep_together(sheet, rows: range, widths: Sequence[float], repeat_row: int) -> None:
    """Start a page before `rows` when, printed as print_landscape prints, they could fall across a page break.

    Neither Excel nor LibreOffice keeps rows together, and a signature block signed on two sheets of paper is
    no signature. The pages are laid out here from the stored row heights and the scale that fits the visible
    columns to the page's width; the break is set when the rows end within PAGE_SLACK of a page's foot too."""
    page = printed_page(widths)[1]
    info = sheet.row_info

    def height(r: int) -> float:  # xlsxwriter keeps heights in pixels
        return 0.75 * (info[r].height if r in info and info[r].height is not None else sheet.default_row_height)

    used, start = 0.0, 0.0
    for r in range(rows.stop):
        if used + height(r) > page:  # the row opens a new page below the repeated header
            used = height(repeat_row)
        if r == rows.start:
            start = used
        used += height(r)
    if rows.start > repeat_row + 1 and (used < start or used > page * (1 - PAGE_SLACK)):
        sheet.set_h_pagebreaks([rows.start])


def page_header(sheet, *parts: str) -> None:
    """Who and what a printed page belongs to, at the top of every page: a loose page still says whose it is."""
    left, centre, right = (p.replace("&", "&&") for p in (*parts, "", "")[:3])
    sheet.set_header(f"&L{left}&C{centre}&R{right}")


def table_sheet(
    book: Workbook,
    name: str,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    row_formats: Sequence[object | None] | None = None,
    *,
    stream: bool = False,
):
    """A titled, filterable, print-ready table; text cells are always written as text.

    stream=True, for long tables: the same cells in the same formats, written as XML directly (see `Workbook`).
    Nothing may then be written below the header, and no chart may plot the rows (xlsxwriter keeps a copy of a
    chart's values from the cells it holds, and holds none of these)."""
    sheet = book.add_worksheet(name, worksheet_class=FittedWorksheet)
    base = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top", "border": 1}
    title_format = book.add_format({"font_name": TITLE_FONT, "font_size": 14, "align": "center", "valign": "vcenter"})
    header_format = book.add_format({**base, "bold": True, "align": "center", "bg_color": "#D9D9D9"})
    body = book.add_format(base)
    dates = book.add_format({**base, "num_format": DATE_FORMAT})
    times = book.add_format({**base, "num_format": MOMENT_FORMAT})
    widths = _showing_dates(widths, rows)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    sheet.merge_range(0, 0, 0, max(len(headers) - 1, 1), title, title_format)
    sheet.set_row(0, 28)
    for c, header in enumerate(headers):
        sheet.write_string(1, c, header, header_format)
    height = fitted_height(headers, widths)  # a header wider than its column wraps: its second line is not cut
    if height:
        sheet.set_row(1, height)
    if stream:
        book.streamed[name] = _StreamedTable(len(headers), rows, row_formats, body, dates, times, widths)
    for r, row in enumerate(() if stream else rows, 2):
        fmt = (row_formats[r - 2] if row_formats else None) or body
        height = fitted_height(row, widths)
        if height:
            sheet.set_row(r, height)
        for c, value in enumerate(row):
            if value is None or value == "":
                sheet.write_blank(r, c, None, fmt)
            elif isinstance(value, bool):
                sheet.write_string(r, c, "是" if value else "否", fmt)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value, fmt)
            elif isinstance(value, datetime):
                sheet.write_datetime(r, c, value.replace(tzinfo=None), times)
            elif isinstance(value, date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), dates)
            else:
                sheet.write_string(r, c, str(value), fmt)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(len(rows) + 1, 1), len(headers) - 1)
    print_landscape(sheet, 1)
    return sheet


def _showing_dates(widths: Sequence[float], rows: Sequence[Sequence[object]]) -> list[float]:
    """The columns' widths, a column holding a date or a time made wide enough to show it."""
    wide = list(widths)
    for row in rows:
        for c, value in enumerate(row[: len(wide)]):
            if isinstance(value, date):  # a datetime is a date too
                wide[c] = max(wide[c], MOMENT_WIDTH if isinstance(value, datetime) else DATE_WIDTH)
    return wide


def fitted_height(row: Sequence[object], widths: Sequence[float]) -> float | None:
    """The height a table row needs for its wrapped text; None when one line does (the default height)."""
    lines = max((wrapped_lines(v, w) for v, w in zip(row, widths, strict=False) if isinstance(v, str)), default=1)
    return row_height(lines) if lines > 1 else None


MAY_WRAP = 0.45  # a text longer than this many characters per unit of its column's width may wrap (CJK is two)
SLACK = 0.9  # the share of a table column's width counted on: Latin words and dates break as a whole


def wrapped_lines(text: str, width: float) -> int:
    """Lines a text takes in a table column."""
    if len(text) > width * MAY_WRAP or "\n" in text:
        return line_count(text, width * SLACK)
    return 1


def year_apart(text: str, width: float) -> str:
    """A value with its year, "100（2021年）", as a table column `width` wide shows it: the year on a line of its
    own when the whole does not fit on one. Excel and LibreOffice break Chinese text at any character, and set
    the closing bracket alone on the next line."""
    value, bracket, year = text.rpartition("（")
    if not value or not year.endswith("年）") or wrapped_lines(text, width) == 1:
        return text
    return f"{value}\n{bracket}{year}"


ESCAPED = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
EXCEL_EPOCH = date(1899, 12, 30)
CUT_MARK = "……（超出Excel单元格字数上限，以下未写入）"


@functools.lru_cache(maxsize=65536)  # unit names, statuses, file and sheet names repeat row after row
def _text_xml(text: str) -> str:
    """A string as an inline-string cell's content, escaped as xlsxwriter escapes its shared strings."""
    text = excel_text(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if ESCAPED.search(text):  # control characters as _xHHHH_; a literal _xHHHH_ keeps its underscore
        text = ESCAPED.sub(lambda m: "_x005F" + m[0] if len(m[0]) > 1 else f"_x{ord(m[0]):04X}_", text)
    if text[:1].isspace() or text[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


class _StreamedTable:
    """A table's rows, kept to be written as XML when the workbook closes."""

    def __init__(
        self, columns: int, rows: Sequence[Sequence[object]], row_formats, body, dates, times, widths: Sequence[float]
    ) -> None:
        self.columns, self.rows, self.row_formats, self.body, self.dates = columns, rows, row_formats, body, dates
        self.times, self.widths = times, widths
        # A format gets its style index when first used; fixing them now, in row order, keeps the bytes the same.
        for fmt in (dates, times, body, *(row_formats or ())):
            if fmt is not None:
                fmt._get_xf_index()

    def xml(self, rows: range) -> Iterator[str]:
        """The table's rows in `rows` (its first is sheet row 3) as <row> XML holding the cells table_sheet would
        write one by one, with the height its text needs (not fixed: see FittedWorksheet). The common cells (text,
        blank) are tested first: this loop runs for every cell of the master ledger and the report."""
        date_style = self.dates._get_xf_index()
        time_style = self.times._get_xf_index()
        columns = max((len(row) for row in self.rows), default=0)
        starts = [f'<c r="{xl_col_to_name(c)}' for c in range(columns)]
        # wrapped_lines, inline: the texts of columns without a width do not set the row's height
        limits = [w * MAY_WRAP for w in self.widths] + [math.inf] * max(columns - len(self.widths), 0)
        fits = [w * SLACK for w in self.widths] + [0.0] * max(columns - len(self.widths), 0)
        # each text's content and the lines it takes, by column: texts recur (units, statuses, a task's words)
        known: list[dict[str, tuple[str, int]]] = [{} for _ in range(columns)]
        for r, row in enumerate(self.rows[rows.start : rows.stop], rows.start + 3):
            style = ((self.row_formats[r - 3] if self.row_formats else None) or self.body)._get_xf_index()
            text = f'{r}" s="{style}" t="inlineStr">'
            blank = f'{r}" s="{style}"/>'
            cells = []
            lines = 1
            for c, value in enumerate(row):
                if isinstance(value, str) and value:
                    found = known[c].get(value)
                    if found is None:
                        wraps = len(value) > limits[c] or ("\n" in value and fits[c])
                        found = known[c][value] = (_text_xml(value), line_count(value, fits[c]) if wraps else 1)
                    cells.append(f"{starts[c]}{text}{found[0]}</c>")
                    if found[1] > lines:
                        lines = found[1]
                elif value is None or value == "":
                    cells.append(starts[c] + blank)
                elif isinstance(value, bool):
                    cells.append(f"{starts[c]}{text}{_text_xml('是' if value else '否')}</c>")
                elif isinstance(value, datetime):
                    moment = (value.replace(tzinfo=None) - datetime(1899, 12, 30)) / timedelta(days=1)
                    cells.append(f'{starts[c]}{r}" s="{time_style}"><v>{moment:.16G}</v></c>')
                elif isinstance(value, date):
                    serial = (date(value.year, value.month, value.day) - EXCEL_EPOCH).days
                    cells.append(f'{starts[c]}{r}" s="{date_style}"><v>{serial}</v></c>')
                elif isinstance(value, int | float):
                    cells.append(f'{starts[c]}{r}" s="{style}"><v>{value:.16G}</v></c>')
                else:
                    cells.append(f"{starts[c]}{text}{_text_xml(str(value))}</c>")
            attributes = f' ht="{row_height(lines):g}"' if lines > 1 else ""
            yield f'<row r="{r}"{attributes}>{"".join(cells)}</row>'


# Rows of streamed tables a process should have before another is started (a fork and a file each): a clerk's
# month of 45 units is written sooner by one process alone.
ROWS_PER_PROCESS = 4000


def _splice_rows(path: Path, sheets: list, streamed: dict[str, _StreamedTable], jobs: int) -> None:
    """Copy the package, writing each streamed table's rows into its sheet part below the title and header.

    With jobs > 1 and rows enough, the rows are first written out in pieces (see `_pieces`), by that many
    processes side by side, each piece to a file beside the workbook that is copied in and removed."""
    parts: dict[str, _StreamedTable] = {}
    for position, sheet in enumerate(sheets, 1):  # xlsxwriter names the parts sheet1.xml … in sheet order
        if sheet.name in streamed:
            if any(r > 1 for r in sheet.table):
                raise ValueError(f"a cell was written below the header of the streamed table {sheet.name}")
            parts[f"xl/worksheets/sheet{position}.xml"] = streamed[sheet.name]
    with zipfile.ZipFile(path) as source:
        contents = [(info, source.read(info.filename)) for info in source.infolist()]
    pieces = _pieces(parts, jobs)
    parallel = bool(pieces)
    with tempfile.TemporaryDirectory(prefix=".rows-", dir=path.parent) if parallel else nullcontext("") as folder:
        made: dict[str, list[Path]] = defaultdict(list)
        if parallel:
            calls = []
            for n, (name, rows) in enumerate(pieces):
                made[name].append(Path(folder) / f"{n}.xml")
                calls.append(functools.partial(_write_rows, parts[name], rows, made[name][-1]))
            for _ in in_processes(calls, jobs):
                pass
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info, data in contents:
                table = parts.get(info.filename)
                if table is None:
                    target.writestr(info, data)
                    continue
                last = f"{xl_col_to_name(max(table.columns - 1, 1))}{len(table.rows) + 2}"
                xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', data.decode(), count=1)
                head, tail = xml.split("</sheetData>", 1)
                # The fastest deflate: these parts are most of the package and of the time spent compressing it
                # (level 1 takes a third of the time of the default for a quarter more bytes).
                info._compresslevel = 1  # type: ignore[attr-defined]  # ZipFile.open(ZipInfo) reads no other setting
                with target.open(info, "w") as out:
                    out.write(head.encode())
                    for piece in made.get(info.filename, []):
                        with piece.open("rb") as written:
                            shutil.copyfileobj(written, out, 1 << 20)
                    if info.filename not in made:
                        _copy_rows(table, range(len(table.rows)), out)
                    out.write(("</sheetData>" + tail).encode())


def _pieces(parts: dict[str, _StreamedTable], jobs: int) -> list[tuple[str, range]]:
    """The streamed tables' rows cut into pieces for `jobs` processes, each table in up to `jobs` pieces of about
    the same size and at least ROWS_PER_PROCESS rows: a table's rows cost alike, but one table's many times
    another's (the 汇总台账's long texts, the 填报明细's short ones). Empty when the tables are too short to share
    out: they are written in this process."""
    if jobs <= 1 or sum(len(table.rows) for table in parts.values()) < 2 * ROWS_PER_PROCESS:
        return []
    pieces = []
    for name, table in parts.items():
        rows = len(table.rows)
        size = max(-(-rows // min(jobs, max(1, rows // ROWS_PER_PROCESS))), 1)
        pieces += [(name, range(start, min(start + size, rows))) for start in range(0, rows, size)]
    return pieces


def _copy_rows(table: _StreamedTable, rows: range, out: IO[bytes]) -> None:
    made = table.xml(rows)
    while chunk := "".join(itertools.islice(made, 1000)):
        out.write(chunk.encode())


def _write_rows(table: _StreamedTable, rows: range, path: Path) -> None:
    with path.open("wb") as out:
        _copy_rows(table, rows, out)


def fixed_package(data: bytes, created: datetime, edits: Mapping[str, Callable[[bytes], bytes]] | None = None) -> bytes:
    """An OOXML package (xlsx, docx) with the save time taken out, so the same content gives the same bytes;
    `edits` change named parts on the way, so that the package is written once.

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
            if edits and info.filename in edits:
                content = edits[info.filename](content)
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
