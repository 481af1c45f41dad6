"""Derived workbooks: a streamed table holds exactly the cells, values and formats of one written cell by cell."""

from datetime import date, datetime

import openpyxl
import pytest
import python_calamine

from ledger.xlsx import new_workbook, table_sheet

from .conftest import libreoffice_pdf

HEADERS = ["编号", "内容", "数量", "日期", "是否", "空"]
ROWS: list[list[object]] = [
    ["B-1", "第一项：推进<甲>&乙", 12, date(2021, 6, 30), True, ""],
    ["B-2", "  前后有空格  ", 1.25, datetime(2021, 7, 1, 9, 30), False, None],
    ["B-3", "控制\x01字符与 _x0041_ 字样\n第二行", -3, "", "=SUM(A1:A2)", "x" * 40000],
    ["B-4", "", 0, None, "", "末行"],
]


def write(path, stream: bool):
    book = new_workbook(path, datetime(2021, 6, 1), "测试")
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
    assert found[("表", "D3")][:2] == (datetime(2021, 6, 30), "yyyy-mm-dd")
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


def test_writing_below_a_streamed_table_is_refused(tmp_path):
    book = new_workbook(tmp_path / "bad.xlsx", datetime(2021, 6, 1), "测试")
    sheet = table_sheet(book, "表", "测试表", HEADERS, ROWS, [10] * 6, stream=True)
    sheet.write_string(3, 0, "覆盖")
    with pytest.raises(ValueError):
        book.close()


def test_libreoffice_opens_a_streamed_table(pair, tmp_path):
    _, streamed = pair
    assert libreoffice_pdf(streamed, tmp_path).stat().st_size > 0
