"""Derived workbooks: a streamed table holds exactly the cells, values and formats of one written cell by cell, and
rows written whole are, byte for byte, the rows xlsxwriter writes cell by cell."""

from datetime import date, datetime

import openpyxl
import pytest
import python_calamine

from ledger import xlsx
from ledger.cells import display_width
from ledger.xlsx import (
    FittedWorksheet,
    RowsWorksheet,
    keep_together,
    new_workbook,
    print_landscape,
    table_sheet,
    year_apart,
)

from .conftest import libreoffice_pdf

HEADERS = ["编号", "内容", "数量", "日期", "是否", "空"]
ROWS: list[list[object]] = [
    ["B-1", "第一项：推进<甲>&乙", 12, date(2021, 6, 30), True, ""],
    ["B-2", "  前后有空格  ", 1.25, datetime(2021, 7, 1, 9, 30), False, None],
    ["B-3", "控制\x01字符与 _x0041_ 字样\n第二行", -3, "", "=SUM(A1:A2)", "x" * 40000],
    ["B-4", "", 0, None, "", "末行"],
]


def write(path, stream: bool, jobs: int = 1):
    book = new_workbook(path, datetime(2021, 6, 1), "测试", jobs=jobs)
    red = book.add_format({"bg_color": "#FFC7CE", "border": 1})
    table_sheet(book, "表", "测试表", HEADERS, ROWS, [10] * 6, [None, red, None, red], stream=stream)
    table_sheet(book, "第二张", "另一张", ["甲"], [["乙"]], [10], stream=stream)
    book.close()
    return path


def cells(path):
    book = openpyxl.load_workbook(path)
    found = {}
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                found[(sheet.title, cell.coordinate)] = (
                    cell.value,
                    cell.number_format,
                    cell.fill.fgColor.rgb,
                    cell.border.left.style,
                    cell.alignment.wrap_text,
                )
        found[(sheet.title, "filter")] = sheet.auto_filter.ref
        found[(sheet.title, "dimensions")] = sheet.dimensions
    return found


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("xlsx")
    return write(folder / "cells.xlsx", stream=False), write(folder / "streamed.xlsx", stream=True)


def test_streamed_table_has_the_same_cells_values_and_formats(pair):
    plain, streamed = pair
    expected, found = cells(plain), cells(streamed)
    # openpyxl undoes Excel's _xHHHH_ escapes in shared strings only, so B5's text is compared in calamine below
    assert found.pop(("表", "B5"))[1:] == expected.pop(("表", "B5"))[1:]
    assert found == expected
    assert found[("表", "D3")][:2] == (datetime(2021, 6, 30), 'yyyy"年"m"月"d"日"')
    assert found[("表", "D4")][:2] == (datetime(2021, 7, 1, 9, 30), 'yyyy"年"m"月"d"日"h:mm')
    widths = openpyxl.load_workbook(streamed)["表"].column_dimensions
    assert widths["D"].width > xlsx.MOMENT_WIDTH > widths["A"].width  # the column of a time shows it whole
    assert found[("表", "A4")][2] == "FFFFC7CE"  # the row's own format
    assert len(found[("表", "F5")][0]) == 32767  # Excel's limit for a cell


def test_streamed_table_reads_the_same_in_calamine(pair):
    grids = [
        [python_calamine.CalamineWorkbook.from_path(str(p)).get_sheet_by_name(n).to_python() for n in ("表", "第二张")]
        for p in pair
    ]
    assert grids[0] == grids[1]
    assert grids[1][0][4][1] == "控制\x01字符与 _x0041_ 字样\n第二行"


def test_streamed_table_is_deterministic(pair, tmp_path):
    _, streamed = pair
    assert write(tmp_path / "again.xlsx", stream=True).read_bytes() == streamed.read_bytes()


def test_streamed_tables_made_by_several_processes_are_the_same_file(pair, tmp_path, monkeypatch):
    _, streamed = pair

    def table(rows):
        return xlsx._StreamedTable(6, rows, None, *[None] * 3, [10] * 6)

    assert xlsx._pieces({"a": table(ROWS), "b": table(ROWS[:1])}, 2) == []  # too short to share out
    monkeypatch.setattr(xlsx, "ROWS_PER_PROCESS", 1)
    assert xlsx._pieces({"a": table(ROWS), "b": table(ROWS[:1])}, 2) == [  # each table cut for both processes
        ("a", range(0, 2)),
        ("a", range(2, 4)),
        ("b", range(0, 1)),
    ]
    assert write(tmp_path / "two.xlsx", stream=True, jobs=2).read_bytes() == streamed.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["two.xlsx"]  # the rows' files beside it are gone


def test_writing_below_a_streamed_table_is_refused(tmp_path):
    book = new_workbook(tmp_path / "bad.xlsx", datetime(2021, 6, 1), "测试")
    sheet = table_sheet(book, "表", "测试表", HEADERS, ROWS, [10] * 6, stream=True)
    sheet.write_string(3, 0, "覆盖")
    with pytest.raises(ValueError):
        book.close()


def test_libreoffice_opens_a_streamed_table(pair, tmp_path):
    _, streamed = pair
    assert libreoffice_pdf(streamed, tmp_path).stat().st_size > 0


# Rows a unit workbook writes whole: texts that need escaping, an empty text (a string, not a blank), blanks,
# numbers, dates, a cell without a format under a formatted column, a text beyond Excel's limit, heights.
WHOLE_ROWS: list[tuple[int, list[object], float | None]] = [
    (2, ["编号", "内容", "", None, 12, 1.25], 17.5),
    (3, [" 前后空格 ", "控制\x01与 _x0041_\n第二行<甲>&乙", None, None, date(2021, 6, 30), datetime(2021, 7, 1)], 47),
    (4, ["末行", "𠀀" * 20000, -3, True], None),  # characters above U+FFFF count twice against the limit
    *((r, [f"第{r}行", "内容"], 15 + r) for r in range(5, 40)),  # several blocks of 16 rows (spans)
    (40, ["隐藏行的单元格"], None),  # the row's format and hidden flag are set before
]


def write_rows(path, whole: bool):
    """The same rows written whole (RowsWorksheet.write_cells) or by xlsxwriter cell by cell."""
    book = new_workbook(path, datetime(2021, 6, 1), "测试")
    plain = book.add_format({"border": 1, "text_wrap": True})
    red = book.add_format({"bg_color": "#FFC7CE", "border": 1})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    column = book.add_format({"italic": True})
    sheet = book.add_worksheet("表", worksheet_class=RowsWorksheet if whole else FittedWorksheet)
    sheet.set_column(3, 3, 12, column)
    sheet.merge_range(0, 0, 0, 5, "标题", plain)
    sheet.write_string(1, 1, "表头")
    sheet.set_row(40, None, red, {"hidden": True})
    for row, values, height in WHOLE_ROWS:
        formats = [plain, red, plain, None, dates, red]
        cells = list(zip(values, formats, strict=False))
        if whole:
            sheet.write_cells(row, cells, height)
            continue
        if height is not None:
            sheet.set_row(row, height)
        for col, (value, fmt) in enumerate(cells):
            if value is None:
                sheet.write_blank(row, col, None, fmt)
            elif isinstance(value, str):
                sheet.write_string(row, col, value, fmt)
            elif isinstance(value, date):
                moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
                sheet.write_datetime(row, col, moment, fmt)
            else:
                sheet.write_number(row, col, value, fmt)
    sheet.write_string(42, 2, "签字：", red)  # below the rows, in the last block
    sheet.autofilter(1, 0, 40, 5)
    sheet.freeze_panes(2, 1)
    meta = book.add_worksheet("元数据", worksheet_class=RowsWorksheet if whole else FittedWorksheet)
    for row in range(3):
        if whole:
            meta.write_cells(row, [(f"值{row}", None), ("共享", None)])
        else:
            meta.write_string(row, 0, f"值{row}")
            meta.write_string(row, 1, "共享")
    book.close()
    return path


@pytest.mark.parametrize("stream", [False, True])
def test_a_header_wider_than_its_column_gets_the_lines_it_needs(tmp_path, stream):
    """本单位已完成 in a column of 8 wraps: its header row is as tall as two lines, or the second is cut off."""
    book = new_workbook(tmp_path / "h.xlsx", datetime(2021, 6, 1), "测试")
    table_sheet(book, "表", "测试表", ["单位", "本单位已完成"], [["甲", 1]], [10, 8], stream=stream)
    book.close()
    sheet = openpyxl.load_workbook(tmp_path / "h.xlsx")["表"]
    assert sheet.row_dimensions[2].height >= xlsx.row_height(2) > xlsx.row_height(1)


def test_rows_written_whole_are_byte_for_byte_the_cells_written_one_by_one(tmp_path):
    whole = write_rows(tmp_path / "whole.xlsx", whole=True).read_bytes()
    cells = write_rows(tmp_path / "cells.xlsx", whole=False).read_bytes()
    assert whole == cells
    sheet = openpyxl.load_workbook(tmp_path / "whole.xlsx")["表"]
    assert sheet["C3"].value == "" and sheet["D3"].value is None  # "" stays a string, as xlsxwriter writes it
    assert sheet["E4"].value == datetime(2021, 6, 30) and sheet["E4"].number_format == "yyyy-mm-dd"
    kept = sheet["B5"].value.removesuffix(xlsx.CUT_MARK)  # 32,767 UTF-16 units: one above U+FFFF takes two
    assert kept != sheet["B5"].value and len(kept) == (32767 - len(xlsx.CUT_MARK)) // 2 and set(kept) == {"𠀀"}


def test_a_row_written_whole_takes_no_other_cells(tmp_path):
    book = new_workbook(tmp_path / "bad.xlsx", datetime(2021, 6, 1), "测试")
    sheet = book.add_worksheet("表", worksheet_class=RowsWorksheet)
    sheet.write_cells(2, [("甲", None), ("乙", None)])
    with pytest.raises(IndexError):
        sheet.write_cells(2, [("丙", None)])
    sheet.write_string(2, 3, "覆盖")
    with pytest.raises(ValueError):
        book.close()


@pytest.mark.parametrize(
    "tasks, breaks",
    [
        # a page holds 501.7 points of rows; title 32, header 30, tasks of 50, a blank row of 15, a block of 96
        (5, []),  # 423 points: all on one page
        (6, [7]),  # 473 points: on one page, but within 6% of its foot, where another program may break
        (7, [8]),  # 523 points: the block falls across the break; the last task row goes with it
        (9, []),  # the ninth task opens the second page, the block below it
    ],
)
def test_rows_kept_together_start_a_page_when_they_would_fall_across_a_break(tmp_path, tasks, breaks):
    book = new_workbook(tmp_path / "block.xlsx", datetime(2021, 6, 1), "测试")
    sheet = book.add_worksheet("表", worksheet_class=RowsWorksheet)
    widths = [10, 40, 0, 30]  # 0: a hidden column takes no width
    sheet.set_row(0, 32)
    sheet.set_row(1, 30)
    for r in range(2, 2 + tasks):
        sheet.set_row(r, 50)
    last = 1 + tasks
    for r, height in zip(range(last + 2, last + 5), (24, 48, 24), strict=True):
        sheet.set_row(r, height)
    print_landscape(sheet, 1)
    keep_together(sheet, range(last, last + 5), widths, 1)
    assert sheet.hbreaks == breaks
    book.close()


@pytest.mark.parametrize(
    "text, width",
    [
        ("abc 123", 7),
        ("第一项", 6),
        ("“放管服”改革——①②③", 24),  # quotes, dashes and circled numbers are full width in Chinese fonts
        ("温度≤30℃，Ⅱ类", 15),  # ≤ stays narrow
        ("\ue000家庄", 6),  # a rare character of a place name, in the private-use area
    ],
)
def test_display_width_counts_what_chinese_fonts_set_full_width_as_two(text, width):
    assert display_width(text) == width


@pytest.mark.parametrize("stream", [False, True])
def test_a_text_beyond_what_a_cell_holds_is_cut_with_a_mark_not_silently(tmp_path, stream):
    """A 40,000-character answer (an .ods or a .csv holds one) ended mid-sentence in merged.xlsx, nothing said."""
    whole = "甲" * 32767
    book = new_workbook(tmp_path / "long.xlsx", datetime(2021, 6, 1), "测试")
    table_sheet(book, "表", "测试表", ["长", "满"], [["乙" * 40000, whole]], [10, 10], stream=stream)
    book.close()
    sheet = openpyxl.load_workbook(tmp_path / "long.xlsx")["表"]
    assert sheet["A3"].value == "乙" * (32767 - len(xlsx.CUT_MARK)) + xlsx.CUT_MARK
    assert sheet["B3"].value == whole  # what a cell holds is written whole


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("100（2021年）", 13, "100\n（2021年）"),  # the "）" printed alone on a second line
        ("≥22（2025年）", 13, "≥22\n（2025年）"),
        ("24（2021年）", 13, "24（2021年）"),  # fits on one line
        ("100（2021年）", 16, "100（2021年）"),
        ("完成上级规定的考核任务（2021年）", 13, "完成上级规定的考核任务\n（2021年）"),
        ("开展（试点）", 5, "开展（试点）"),  # not a year
        ("实施", 13, "实施"),
    ],
)
def test_a_value_s_year_goes_to_a_line_of_its_own_when_both_do_not_fit(text, width, shown):
    assert year_apart(text, width) == shown
