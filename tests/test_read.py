"""Hostile returned files, each made by hand as a small zip: refused with a catalogued problem before any
reader allocates what they ask for."""

import io
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
import xlwt

from ledger.config import Limits
from ledger.read import ReturnError, peek_period, read_bytes

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
RELATIONSHIPS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="' + RELATIONSHIPS + b'/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="' + RELATIONSHIPS + b'"><sheets>'
    b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/></Relationships>'
)


def sheet_xml(rows: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def hand_made_xlsx(rows: str, extra: dict[str, bytes] | None = None) -> bytes:
    """An .xlsx of one sheet whose <sheetData> is `rows`, written part by part."""
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet_xml(rows),
        **(extra or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def one_cell(ref: str) -> bytes:
    row = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return hand_made_xlsx(f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>')


DEFAULT = Limits()


def packed(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def refused(data: bytes, name: str = "hostile.xlsx", limits: Limits = DEFAULT) -> tuple[str, dict]:
    with pytest.raises(ReturnError) as caught:
        read_bytes(data, name, limits)
    return caught.value.code, caught.value.fields


def test_a_small_honest_sheet_is_read():
    book = read_bytes(one_cell("C3"), "ok.xlsx")
    assert book.sheets[0].rows[2][2] == "x"


@pytest.mark.parametrize(
    ("ref", "key"),
    [("XFD1048576", "max_rows"), ("ZZ200000", "max_rows"), ("XFD1", "max_columns"), ("ALL9000", "max_cells")],
)
def test_a_far_cell_is_refused_before_it_is_read(ref, key):
    started = time.monotonic()
    code, fields = refused(one_cell(ref))
    assert (code, fields["key"], fields["sheet"]) == ("return-sheet-too-large", key, "Sheet1")
    assert time.monotonic() - started < 2  # calamine would allocate rows × columns cells (549 GB for XFD1048576)


@pytest.mark.parametrize(
    ("row", "cell", "key"),
    [
        (9999, '<c\tr="ALL9999">', "max_cells"),
        (9000, '<c\nr="ALL9000">', "max_cells"),
        (1, "<c r='XFD1'>", "max_columns"),
        (9000, '<c s="0" r="ZZ9000">', "max_cells"),
        (1, '<x:c r="XFD1" xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">', "max_columns"),
    ],
    ids=["tab", "line-break", "single-quotes", "position-second", "prefix"],
)
def test_a_far_cell_written_in_any_xml_form_is_refused(row, cell, key):
    end = "</x:c>" if cell.startswith("<x:") else "</c>"
    code, fields = refused(hand_made_xlsx(f'<row r="{row}">{cell}<v>1</v>{end}</row>'))
    assert (code, fields["key"]) == ("return-sheet-too-large", key)


def test_a_million_added_rows_are_refused_without_reading_them():
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 200_002))
    code, fields = refused(hand_made_xlsx(rows))
    assert (code, fields["key"]) == ("return-sheet-too-large", "max_rows")
    assert 100_000 < int(fields["size"].replace(",", "")) <= 200_001  # the scan stops soon after the cap


def test_rows_and_cells_without_positions_are_counted():
    rows = "<row>" + "<c><v>1</v></c>" * 40 + "</row>"
    code, fields = refused(hand_made_xlsx(rows * 3), limits=Limits(max_columns=30))
    assert (code, fields["key"]) == ("return-sheet-too-large", "max_columns")
    assert read_bytes(hand_made_xlsx(rows * 3), "ok.xlsx", Limits(max_columns=40)).sheets[0].rows[2][39] == 1


def test_caps_come_from_the_limits_given():
    code, fields = refused(one_cell("A11"), limits=Limits(max_rows=10))
    assert (code, fields["cap"]) == ("return-sheet-too-large", "10")


@pytest.mark.parametrize(
    "custom",
    [
        b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaa">]><Properties>&a;</Properties>',
        b"<Properties><property",
    ],
    ids=["dtd", "malformed"],
)
def test_bad_custom_properties_make_the_file_unreadable_and_name_no_period(custom):
    data = hand_made_xlsx('<row r="1"><c r="A1"><v>1</v></c></row>', {"docProps/custom.xml": custom})
    assert refused(data)[0] == "return-unreadable"
    assert peek_period(data) is None


def ods(content_rows: str) -> bytes:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{content_rows}</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return buffer.getvalue()


CELL = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


def test_an_ods_with_trailing_empty_repeats_is_read_and_a_repeated_full_row_is_refused():
    empty_tail = (
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    honest = ods(f"<table:table-row>{CELL}</table:table-row>{empty_tail}")
    assert read_bytes(honest, "ok.ods").sheets[0].rows[0][0] == "x"
    hostile = ods(f'<table:table-row table:number-rows-repeated="1000000">{CELL}</table:table-row>')
    code, fields = refused(hostile, "hostile.ods")
    assert (code, fields["key"]) == ("return-sheet-too-large", "max_rows")


def test_an_xls_beyond_the_caps_is_refused(tmp_path):
    book = xlwt.Workbook()
    book.add_sheet("Sheet1").write(60000, 0, "x")
    path = tmp_path / "far.xls"
    book.save(str(path))
    code, fields = refused(path.read_bytes(), "far.xls", Limits(max_rows=50_000))
    assert (code, fields["key"]) == ("return-sheet-too-large", "max_rows")
    assert read_bytes(path.read_bytes(), "far.xls").sheets[0].rows[60000][0] == "x"


SHARED_STRINGS_RELS = WORKBOOK_RELS.replace(
    b"</Relationships>",
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
)
ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&c;</t></si></sst>'
)


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (
            hand_made_xlsx(
                '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
                {"xl/_rels/workbook.xml.rels": SHARED_STRINGS_RELS, "xl/sharedStrings.xml": ENTITY_BOMB},
            ),
            "bomb.xlsx",
            "含不安全的内容（文档类型或实体声明）",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "财政局.xls", "文件内容无法识别，可能已损坏"),
        (hand_made_xlsx('<row r="1"><c r="A1"<v>1</v></c></row>'), "torn.xlsx", "工作表内容损坏"),
        (
            hand_made_xlsx(
                '<row r="1"><c r="A1" t="inlineStr"><is><t>一</t></is></c></row>',
                {
                    "xl/workbook.xml": WORKBOOK.replace(
                        b"</sheets>", b'<sheet name="Sheet1" sheetId="2" r:id="rId2"/></sheets>'
                    ),
                    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace(
                        b"</Relationships>",
                        b'<Relationship Id="rId2" Type="'
                        + RELATIONSHIPS
                        + b'/worksheet" Target="worksheets/sheet2.xml"/>'
                        b"</Relationships>",
                    ),
                    "xl/worksheets/sheet2.xml": sheet_xml(
                        '<row r="1"><c r="A1" t="inlineStr"><is><t>二</t></is></c></row>'
                    ),
                },
            ),
            "财政局.xlsx",
            "有两个工作表同名（“Sheet1”），Excel和WPS也不能正常打开",
        ),
    ],
    ids=["entities-in-shared-strings", "ole-garbage", "torn-sheet-xml", "two-sheets-of-one-name"],
)
def test_a_damaged_file_is_refused_with_a_reason_in_chinese_not_the_readers_english(data, name, reason):
    """The reason a clerk reads is the tool's own words: calamine's and xlrd's messages ("Cannot detect file
    format", 'Expected "little-endian" marker') are English and say nothing an office can act on. Two sheets of
    one name (no spreadsheet program writes them) were read as the first twice: what the second held was lost
    without a word."""
    assert refused(data, name) == ("return-unreadable", {"reason": reason})


def strict(data: bytes) -> bytes:
    """The same package in the namespaces of Strict Open XML (Excel's "Strict Open XML Spreadsheet")."""
    transitional = (
        (
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
            b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        ),
        (RELATIONSHIPS + b'"', b'http://purl.oclc.org/ooxml/officeDocument/relationships"'),
        (RELATIONSHIPS + b"/", b"http://purl.oclc.org/ooxml/officeDocument/relationships/"),
    )
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            part = source.read(info)
            for old, new in transitional:
                part = part.replace(old, new)
            archive.writestr(info.filename, part)
    return buffer.getvalue()


FAR_ROWS = '<row r="1"><c r="A1"><v>1</v></c></row><row r="200000"><c r="B200000"><v>1</v></c></row>'


@pytest.mark.parametrize(
    "data",
    [
        strict(hand_made_xlsx(FAR_ROWS)),
        hand_made_xlsx(
            FAR_ROWS,
            {"xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace(b"worksheets/sheet1.xml", b"Worksheets/Sheet1.xml")},
        ),
        *(
            packed(
                {
                    "[Content_Types].xml": CONTENT_TYPES,
                    "_rels/.rels": RELS,
                    "xl/workbook.xml": WORKBOOK,
                    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace(b"worksheets/sheet1.xml", target.encode()),
                    part: sheet_xml(FAR_ROWS),
                }
            )
            for target, part in (
                ("../far/sheet1.xml", "xl/../far/sheet1.xml"),
                ("worksheets/./s.xml", "xl/worksheets/./s.xml"),
            )
        ),
        hand_made_xlsx(  # two relationships parts, one in capitals: calamine takes the last, zipfile the exact name
            "",
            {
                "XL/_RELS/WORKBOOK.XML.RELS": WORKBOOK_RELS.replace(b"sheet1.xml", b"far.xml"),
                "xl/worksheets/far.xml": sheet_xml(FAR_ROWS),
            },
        ),
        hand_made_xlsx(  # and two workbook parts, naming other relationships
            "",
            {
                "XL/WORKBOOK.XML": WORKBOOK.replace(b'r:id="rId1"', b'r:id="rId7"'),
                "xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId7" Type="' + RELATIONSHIPS + b'/worksheet" Target="worksheets/far.xml"/>'
                    b"</Relationships>",
                ),
                "xl/worksheets/far.xml": sheet_xml(FAR_ROWS),
            },
        ),
    ],
    ids=[
        "strict-open-xml",
        "target-in-other-case",
        "part-named-outside-xl",
        "part-named-with-a-dot-folder",
        "relationships-twice",
        "workbook-twice",
    ],
)
def test_a_sheet_calamine_finds_is_checked_whatever_namespace_or_case_names_it(data):
    """calamine reads a Strict Open XML workbook, and a sheet whose relationship names its part in another case;
    the extent check found neither sheet, so a far cell in one went straight to the reader. Nor did it find a
    part whose name has "../" or "./" in it, which calamine reads by that name as written (ZZ300000 in such a
    part asked for 6.7 GB and aborted the process), nor a sheet named by a second relationships or workbook part
    in capitals, which calamine reads instead of the one in lower case."""
    code, fields = refused(data)
    assert (code, fields["key"]) == ("return-sheet-too-large", "max_rows")


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"", "财政局.xlsx", "空文件，0字节"),
        (b"\r\n  \r\n", "财政局.xlsx", "空白文件"),
        (
            b"\xef\xbb\xbf<html><body><table><tr><td>DQ-1</td></tr></table></body></html>",
            "财政局.xls",
            "网页文件，扩展名为.xls",
        ),
        (
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "财政局.xls",
            "Excel 2003 XML表格，扩展名为.xls",
        ),
        (b"\x00\x01\x02 junk", "财政局.xlsx", "“.xlsx”文件"),
        ("任务编号\t完成状态\r\nDQ-34\t序时推进\r\n".encode("gb18030"), "财政局.xls", "文本文件，扩展名为.xls"),
        (
            b"\x78\x9f\x3e\x22\x01\x00\x01\x06\x90\x08\x00",
            "winmail.dat",
            "Outlook的winmail.dat，附件被Outlook封装在其中，需对方用HTML或纯文本格式重新发送",
        ),
        (
            b"Rar!\x1a\x07\x01\x00\x33\x92\xb5\xe5",
            "钢城区财政局.rar",
            "RAR压缩包，本工具不能解压：请解压后用 ledger collect 存入其中的填报表，或请对方改用.zip或直接发送填报表",
        ),
        (
            b"7z\xbc\xaf\x27\x1c\x00\x04",
            "钢城区财政局.7z",
            "7z压缩包，本工具不能解压：请解压后用 ledger collect 存入其中的填报表，或请对方改用.zip或直接发送填报表",
        ),
        (  # an OLE file, as an .xls is, whose streams are a message's (__substg1.0_…)
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "__substg1.0_0037001F".encode("utf-16-le"),
            "回复：报送.msg",
            "Outlook邮件（.msg），本工具不能取出其中的附件："
            "请在Outlook中打开该邮件，把其中的填报表另存出来，再用 ledger collect 存入",
        ),
        (  # WPS's own format, which no reader here reads: it was said to be a damaged file
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
            "钢城区财政局.et",
            "WPS表格文件（.et），本工具不能读取：请该单位在WPS中“另存为”Excel工作簿（.xlsx）后重新报送",
        ),
        (  # a Mac's Numbers: a zip of .iwa parts and a preview, which was said to be a plain archive
            packed({"Index/Document.iwa": b"\x00", "Metadata/Properties.plist": b"bplist", "preview.jpg": b"\xff\xd8"}),
            "钢城区财政局.numbers",
            "苹果Numbers表格，本工具不能读取：请该单位在Numbers中“导出为”Excel工作簿（.xlsx）后重新报送",
        ),
    ],
    ids=[
        *("zero-bytes", "blank", "html-saved-as-xls", "spreadsheet-xml-2003", "junk", "text-saved-as-xls", "tnef"),
        *("rar", "7z", "outlook-msg", "wps-et", "apple-numbers"),
    ],
)
def test_a_file_named_as_a_workbook_that_is_none_says_what_it_is(data, name, kind):
    """A system export or a "save as web page" named .xls, or a file attached while it was still being saved: the
    problem said "not a workbook (“.xls”文件)" of a file whose name says it is one, and the clerk could not tell
    the unit what to send instead."""
    assert refused(data, name) == ("return-not-workbook", {"kind": kind})


def xls_with_errors(tmp_path) -> bytes:
    """An .xls (BIFF) with #N/A typed in B1 and #DIV/0! saved in C2, beside a value typed in A1."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    sheet.write(0, 0, "已完成")
    sheet.row(0).set_cell_error(1, 0x2A)  # #N/A (xlwt's code for it)
    sheet.row(1).set_cell_error(2, "#DIV/0!")
    path = tmp_path / "errors.xls"
    book.save(str(path))
    return path.read_bytes()


CALC_EXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"


def ods_error(formula: str, shown: str) -> str:
    """A cell of an .ods as LibreOffice saves an error value: a formula (a typed #N/A becomes "=#N/A"), an empty
    string value, and the error as the text the cell shows."""
    return (
        f'<table:table-cell xmlns:calcext="{CALC_EXT}" table:formula="of:={formula}" office:value-type="string" '
        f'office:string-value="" calcext:value-type="error"><text:p>{shown}</text:p></table:table-cell>'
    )


@pytest.mark.parametrize(
    "form",
    ["xlsx", "xls", "ods"],
)
def test_an_error_value_is_read_as_the_text_its_cell_shows_in_every_form(form, tmp_path):
    """calamine gives an error value (#N/A a unit typed, #DIV/0! a formula saved) as an empty cell; only the
    .xlsx parts were looked into, so in a WPS or LibreOffice .xls or .ods what the unit put there vanished."""
    if form == "xlsx":
        data = hand_made_xlsx(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>已完成</t></is></c><c r="B1" t="e"><v>#N/A</v></c></row>'
            '<row r="2"><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        )
    elif form == "xls":
        data = xls_with_errors(tmp_path)
    else:
        data = ods(
            f"<table:table-row>{CELL.replace('>x<', '>已完成<')}{ods_error('#N/A', '#N/A')}</table:table-row>"
            f"<table:table-row><table:table-cell/><table:table-cell/>{ods_error('1/0', '#DIV/0!')}</table:table-row>"
        )
    rows = read_bytes(data, f"errors.{form}").sheets[0].rows
    assert [rows[0][:2], rows[1][2]] == [["已完成", "#N/A"], "#DIV/0!"]


def test_a_cell_s_number_format_is_looked_up_without_openpyxl_s_warnings_on_the_clerk_s_screen(recwarn):
    """openpyxl, opened for a cell's number format, warns in English about what it meets in a workbook an office
    program saved (no default style, a date cell out of range, a validation extension) and Python printed it under
    `ledger merge`'s output."""
    import openpyxl

    typed = openpyxl.Workbook()
    typed.active["A1"], typed.active["B1"] = 0.925, 1e308
    typed.active["A1"].number_format, typed.active["B1"].number_format = "0.0%", "yyyy-mm-dd"  # #### in Excel
    saved = io.BytesIO()
    typed.save(saved)
    book = read_bytes(saved.getvalue(), "percent.xlsx")
    assert book.number_format("Sheet", 0, 0) == "0.0%"
    assert [str(w.message) for w in recwarn] == []


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (packed({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), "Word文档"),
        (packed({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<p/>"}), "PowerPoint演示文稿"),
        (packed({"[Content_Types].xml": b"<T/>", "xl/workbook.bin": b"\x83"}), "Excel二进制工作簿，即.xlsb格式"),
        (packed({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<d/>"}), "OFD版式文件"),
        (packed({"报表.xlsx": b"PK"}), "压缩文件"),
    ],
    ids=["docx", "pptx", "xlsb", "ofd", "zip"],
)
def test_a_package_that_is_no_workbook_says_what_it_is(data, kind):
    """Every zip package was "压缩文件（不是Excel工作簿）", a Word file and an OFD (the 版式文件 offices print to)
    alike, and the message read "报送的不是Excel工作簿（压缩文件（不是Excel工作簿））"."""
    assert refused(data, "财政局.xlsx") == ("return-not-workbook", {"kind": kind})


def xlsx_with_comments() -> bytes:
    """An .xlsx whose B2 holds "b" and a comment (批注), and whose empty C3 holds only a comment."""
    import openpyxl
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet["B2"] = "b"
    sheet["B2"].comment = Comment("资金未到位，延期至9月", "张三")
    sheet["C3"].comment = Comment("空单元格的批注", "李四")
    saved = io.BytesIO()
    book.save(saved)
    return saved.getvalue()


def ods_comment(text: str, value: str = "") -> str:
    """A cell of an .ods with a comment, as LibreOffice saves it: an office:annotation before the cell's text."""
    shown = f"<text:p>{value}</text:p>" if value else ""
    return (
        '<table:table-cell office:value-type="string"><office:annotation '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:date>2021-07-05T00:00:00</dc:date>'
        f"<text:p>{text}</text:p></office:annotation>{shown}</table:table-cell>"
    )


COMMENTS = {(1, 1): "资金未到位，延期至9月", (2, 2): "空单元格的批注"}


@pytest.mark.parametrize("form", ["xlsx", "ods"])
def test_a_comment_a_unit_wrote_on_a_cell_is_read(form):
    """calamine reads no comment (批注): what a unit wrote in one — why a task is late — was lost without a word."""
    if form == "xlsx":
        data = xlsx_with_comments()
    else:
        data = ods(
            f"<table:table-row>{CELL}</table:table-row>"
            f"<table:table-row><table:table-cell/>{ods_comment(COMMENTS[1, 1], 'b')}</table:table-row>"
            f"<table:table-row><table:table-cell/><table:table-cell/>{ods_comment(COMMENTS[2, 2])}</table:table-row>"
        )
    sheet = read_bytes(data, f"comments.{form}").sheets[0]
    assert (sheet.rows[1][1], sheet.comments) == ("b", COMMENTS)


def test_a_comment_in_an_xls_is_read(tmp_path):
    """The same comments in the .xls LibreOffice (and WPS) save."""
    import subprocess

    from .conftest import soffice_command

    (tmp_path / "comments.xlsx").write_bytes(xlsx_with_comments())
    subprocess.run(
        [*soffice_command(tmp_path), "--convert-to", "xls", "--outdir", str(tmp_path), str(tmp_path / "comments.xlsx")],
        capture_output=True,
        timeout=180,
        check=True,
    )
    assert read_bytes((tmp_path / "comments.xls").read_bytes(), "comments.xls").sheets[0].comments == COMMENTS


def test_an_excel_threaded_comment_is_read_with_its_replies_not_the_notice_written_for_older_programs():
    """Excel 365 writes a threaded comment twice: as itself, and as a plain comment holding an English notice
    ("[Threaded comment] Your version of Excel allows you to read …") for older programs."""
    rels = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="' + RELATIONSHIPS + b'/comments" Target="../comments1.xml"/>'
        b'<Relationship Id="rId2" Type="http://schemas.microsoft.com/office/2017/10/relationships/threadedComment" '
        b'Target="../threadedComments/threadedComment1.xml"/></Relationships>'
    )
    plain = (
        b'<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><commentList>'
        b'<comment ref="B1"><text><t>[Threaded comment] Your version of Excel allows you to read this threaded '
        b"comment</t></text></comment></commentList></comments>"
    )
    threaded = (
        '<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        '<threadedComment ref="B1" id="{1}"><text>资金未到位</text></threadedComment>'
        '<threadedComment ref="B1" id="{2}" parentId="{1}"><text>已协调，7月到位</text></threadedComment>'
        "</ThreadedComments>"
    ).encode()
    data = hand_made_xlsx(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>',
        {
            "xl/worksheets/_rels/sheet1.xml.rels": rels,
            "xl/comments1.xml": plain,
            "xl/threadedComments/threadedComment1.xml": threaded,
        },
    )
    assert read_bytes(data, "threaded.xlsx").sheets[0].comments == {(0, 1): "资金未到位\n已协调，7月到位"}


def test_a_cell_s_number_format_is_read_from_an_xls_too(tmp_path):
    """ "80%" typed in a WPS .xls is the number 0.8 shown as 80%: without its format, the ledger wrote 0.8."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    sheet.write(0, 0, 0.8, xlwt.easyxf(num_format_str="0%"))
    sheet.write(0, 1, 0.8)
    path = tmp_path / "percent.xls"
    book.save(str(path))
    read = read_bytes(path.read_bytes(), "percent.xls")
    assert [read.number_format("Sheet1", 0, 0), read.number_format("Sheet1", 0, 1)] == ["0%", "General"]
    assert read.number_format("Sheet1", 5, 5) == read.number_format("其他", 0, 0) == ""


def test_a_percentage_cell_of_an_ods_is_known_by_its_format():
    """ "80%" typed in LibreOffice is the number 0.8 of a percentage cell: without its format, the ledger wrote 0.8."""
    percent = (
        '<table:table-cell office:value-type="percentage" office:value="0.8"><text:p>80%</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="0.8"><text:p>0.8</text:p></table:table-cell>'
    )
    book = read_bytes(ods(f"<table:table-row>{percent}</table:table-row>"), "percent.ods")
    assert book.sheets[0].rows[0] == [0.8, 0.8]
    assert [book.number_format("Sheet1", 0, 0), book.number_format("Sheet1", 0, 1)] == ["0%", ""]


def test_an_xls_formula_is_found_as_in_an_xlsx(tmp_path):
    """The formulas of an .xls (BIFF) were never looked for: a result was taken as typed, and a formula saved
    without one (as xlwt and some systems' exports save it) was an empty cell."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("牵头任务")
    sheet.write(0, 0, "已完成")
    sheet.write(1, 1, xlwt.Formula('CONCATENATE("推进";"中")'))
    sheet.write(2, 2, xlwt.Formula("A1"))
    book.add_sheet("另一表").write(0, 0, xlwt.Formula("1+2"))
    path = tmp_path / "formulas.xls"
    book.save(str(path))
    first, second = read_bytes(path.read_bytes(), "formulas.xls").sheets
    assert first.formulas == {(1, 1): 'CONCATENATE("推进","中")', (2, 2): "A1"}
    assert second.formulas == {(0, 0): "1.0+2.0"}
    assert first.rows[0][0] == "已完成"


@pytest.mark.parametrize("form", ["xlsx", "xls"])
def test_sheets_each_within_the_caps_are_refused_when_together_they_are_beyond(form, tmp_path):
    """The caps held sheet by sheet: a 4 KB .xlsx of ten sheets, each a cell at A1 and one at AX99999 (5 million
    cells each, within max_cells), took 13 seconds and 740 MB to read, forty of them more memory than an office's
    computer has. The cells of the whole workbook are within max_cells."""
    if form == "xlsx":
        book = openpyxl.Workbook()
        for n in range(3):
            sheet = book.active if n == 0 else book.create_sheet()
            sheet.title = f"表{n + 1}"
            sheet["A1"], sheet["T20"] = "甲", "乙"
        book.save(tmp_path / "sheets.xlsx")
    else:
        book = xlwt.Workbook()
        for n in range(3):
            sheet = book.add_sheet(f"表{n + 1}")
            sheet.write(0, 0, "甲")
            sheet.write(19, 19, "乙")
        book.save(str(tmp_path / "sheets.xlsx"))
    data = (tmp_path / "sheets.xlsx").read_bytes()
    assert len(read_bytes(data, f"sheets.{form}", Limits(max_cells=1200)).sheets) == 3  # 400 cells each
    code, fields = refused(data, f"sheets.{form}", Limits(max_cells=1000))
    assert (code, fields["sheet"], fields["size"], fields["cap"], fields["key"]) == (
        "return-sheet-too-large",
        "表3",
        "1,200",
        "1,000",
        "max_cells",
    )


def test_a_csv_beyond_the_caps_is_refused_as_a_workbook_is():
    """A .csv return was read whatever its size: 5 million cells (10 MB) took 12 seconds, and a larger one more
    memory than an office's computer has. It is checked against [limits] as it is read."""
    data = ("任务编号,完成状态\r\n" + "DQ-1,已完成\r\n" * 60).encode("utf-8")
    assert len(read_bytes(data, "财政局.csv", Limits(max_rows=61)).sheets[0].rows) == 61
    code, fields = refused(data, "财政局.csv", Limits(max_rows=50))
    assert (code, fields["sheet"], fields["key"], fields["size"]) == (
        "return-sheet-too-large",
        "财政局",
        "max_rows",
        "51",
    )
    wide = ("," * 40 + "\r\n").encode()
    assert refused(wide, "宽.csv", Limits(max_columns=40))[1]["key"] == "max_columns"


def test_an_ods_cell_s_tabs_line_breaks_and_times_are_kept():
    """calamine drops an .ods cell's text:tab and text:line-break: "1.<tab>完成" typed (or pasted from Word) in
    LibreOffice was merged as "1.完成", two lines as one. A comment's spaces were dropped the same way."""
    cells = (
        '<table:table-cell office:value-type="string"><text:p>1.<text:tab/>完成</text:p></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>甲<text:line-break/>乙<text:s text:c="2"/>丙</text:p>'
        '<office:annotation><text:p>批<text:s text:c="3"/>注</text:p></office:annotation></table:table-cell>'
        '<table:table-cell office:value-type="string"><text:p>一<text:s text:c="3"/>二</text:p></table:table-cell>'
        '<table:table-cell office:value-type="time" office:time-value="PT36H30M00S"><text:p>36:30</text:p>'
        "</table:table-cell>"
    )
    [sheet] = read_bytes(ods(f"<table:table-row>{cells}</table:table-row>"), "t.ods").sheets
    assert sheet.rows[0][:4] == ["1.\t完成", "甲\n乙  丙", "一   二", "36:30"]  # a time as shown, not "PT36H30M00S"
    assert sheet.comments == {(0, 1): "批   注"}


SHARED_STRINGS_TYPE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(root: str, part: str = "xl/sharedStrings.xml") -> bytes:
    """A one-cell .xlsx whose A1 is text from its shared strings part, whose root element is `root`."""
    rels = WORKBOOK_RELS.replace(
        b"</Relationships>",
        b'<Relationship Id="rId2" Type="' + SHARED_STRINGS_TYPE + b'" Target="sharedStrings.xml"/></Relationships>',
    )
    strings = f'<?xml version="1.0" encoding="UTF-8"?>{root}<si><t>已完成</t></si></sst>'
    return hand_made_xlsx(
        '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
        {"xl/_rels/workbook.xml.rels": rels, part: strings.encode()},
    )


SST = '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_a_shared_strings_part_declaring_billions_of_texts_is_refused_before_the_reader_reserves_them(tmp_path):
    """calamine reserves room for as many texts as a workbook's shared strings part declares (uniqueCount) before
    it reads one: a 1 KB return declaring 4,000,000,000 asked for 96 GB and the process aborted, no exception to
    catch, so one such attachment ended `collect` (which peeks at each file's period) or `merge` for the round. It
    is refused as damaged, before the reader opens it; a file declaring as many texts as it could hold is read."""
    assert read_bytes(with_shared_strings(f'{SST} count="1" uniqueCount="1">'), "ok.xlsx").sheets[0].rows == [
        ["已完成"]
    ]
    assert read_bytes(with_shared_strings(f'{SST} uniqueCount="4">'), "ok.xlsx", Limits(max_cells=4)).sheets
    hostile = [
        with_shared_strings(f'{SST} count="1" uniqueCount="4000000000">'),
        with_shared_strings(f"{SST}\n  uniqueCount = '4000000000' >", part="xl/SharedStrings.xml"),
        with_shared_strings(f'{SST} uniqueCount="5">'),
    ]
    for index, data in enumerate(hostile):
        (tmp_path / f"{index}.xlsx").write_bytes(data)
    script = (
        "import sys, pathlib\n"
        "from ledger.config import Limits\n"
        "from ledger.read import ReturnError, read_bytes\n"
        "for path in sorted(pathlib.Path(sys.argv[1]).glob('*.xlsx')):\n"
        "    try:\n"
        "        read_bytes(path.read_bytes(), path.name, Limits(max_cells=4 if path.stem == '2' else 5_000_000))\n"
        "        print('read')\n"
        "    except ReturnError as exc:\n"
        "        print(exc.code, exc.fields['reason'])\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    reason = "文件内部的文本表声明有{}条文本，超出上限{}（ledger.toml [limits] max_cells）"
    assert run.stdout.splitlines() == [
        f"return-unreadable {reason.format('4,000,000,000', '5,000,000')}",
        f"return-unreadable {reason.format('4,000,000,000', '5,000,000')}",
        f"return-unreadable {reason.format('5', '4')}",
    ]


def test_cells_merged_in_an_ods_are_known_as_in_an_xlsx():
    """calamine gives the merged ranges of an .xlsx only: a status merged across three tasks' rows in
    LibreOffice (table:number-rows-spanned) was read with no word of the merge, the covered cells' hidden content
    (LibreOffice keeps it when asked) taken as the other tasks' answers."""
    spanned = (
        '<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="3" office:value-type="string">'
        "<text:p>序时推进</text:p></table:table-cell>"
    )
    covered = '<table:covered-table-cell office:value-type="string"><text:p>旧</text:p></table:covered-table-cell>'
    rows = (
        f"<table:table-row>{CELL}{spanned}<table:covered-table-cell/></table:table-row>"
        f'<table:table-row table:number-rows-repeated="2">{CELL}{covered}<table:covered-table-cell/>'
        f'<table:table-cell table:number-columns-spanned="2"/><table:covered-table-cell/></table:table-row>'
    )
    [sheet] = read_bytes(ods(rows), "merged.ods").sheets
    assert sheet.merged == [(0, 1, 2, 2)]


def test_a_csv_with_a_stray_nul_byte_is_read_as_the_text_it_is():
    """One NUL byte (some systems' exports pad a field with it) made a UTF-8 .csv read as UTF-16 without its mark:
    every value of it became one cell of mojibake. It takes many zero bytes on one side to be UTF-16."""
    data = "任务编号,完成状态,本月进展\r\nDQ-34,序时推进,已采购\x00\r\nDQ-59,已完成,资金已拨付\r\n".encode()
    rows = read_bytes(data, "财政局.csv").sheets[0].rows
    assert [row[:2] for row in rows] == [["任务编号", "完成状态"], ["DQ-34", "序时推进"], ["DQ-59", "已完成"]]
    assert rows[1][2] == "已采购\x00"  # kept as typed


def test_a_text_box_drawn_on_an_ods_sheet_is_read_with_the_cell_it_is_drawn_at():
    """LibreOffice keeps a text box (文本框) anchored to a cell inside that cell (draw:custom-shape, or a
    draw:frame's draw:text-box), and one anchored to the page in table:shapes: calamine reads neither, and what
    the box said was lost without a word, as it was in an .xlsx."""
    shape = (
        '<draw:custom-shape xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" draw:name="TextBox 1">'
        "<text:p>说明：<text:span>资金已全部拨付</text:span></text:p><text:p>下月完工</text:p></draw:custom-shape>"
    )
    frame = (
        '<draw:frame xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"><draw:text-box>'
        "<text:p>页上的说明</text:p></draw:text-box></draw:frame>"
    )
    rows = (
        f"<table:shapes>{frame}</table:shapes>"
        f"<table:table-row>{CELL}<table:table-cell>{shape}</table:table-cell>"
        f'<table:table-cell office:value-type="string"><text:p>已完成</text:p></table:table-cell></table:table-row>'
    )
    [sheet] = read_bytes(ods(rows), "boxes.ods").sheets
    assert sheet.rows[0][:3] == ["x", "", "已完成"]
    assert sheet.boxes == {(0, 0): "页上的说明", (0, 1): "说明：资金已全部拨付\n下月完工"}


def test_an_ods_saved_with_a_password_is_said_to_have_one_not_to_be_damaged():
    """LibreOffice's "save with password" encrypts content.xml and says so in META-INF/manifest.xml: the file was
    refused as damaged (文件内容无法识别), and the clerk asked the unit to check a file that opens fine for it."""
    ns = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
    manifest = (
        f'<manifest:manifest xmlns:manifest="{ns}" manifest:version="1.3">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml" manifest:size="5120">'
        f'<manifest:encryption-data manifest:checksum-type="{ns}#sha256-1k" manifest:checksum="AAAA">'
        '<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" '
        'manifest:initialisation-vector="AAAA"/><manifest:start-key-generation manifest:start-key-generation-name='
        '"http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/><manifest:key-derivation '
        'manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" '
        'manifest:salt="AAAA"/></manifest:encryption-data></manifest:file-entry></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", bytes(range(256)) * 20, zipfile.ZIP_DEFLATED)  # what AES leaves
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    assert refused(buffer.getvalue(), "财政局.ods") == ("return-encrypted", {})


def xls_declaring(first_row: int, last_row: int, tmp_path) -> bytes:
    """A small .xls (xlwt) whose sheet's DIMENSIONS record declares other rows than its cells fill."""
    import struct

    book = xlwt.Workbook()
    sheet = book.add_sheet("财政局")
    for r in range(5):
        sheet.write(r, 0, f"DQ-{r}")
        sheet.write(r, 1, "已完成")
    path = tmp_path / "declared.xls"
    book.save(str(path))
    data = bytearray(path.read_bytes())
    at = data.index(struct.pack("<HHIIHH", 0x0200, 14, 0, 5, 0, 2))
    struct.pack_into("<II", data, at + 4, first_row, last_row)
    return bytes(data)


def test_an_xls_whose_dimensions_record_lies_is_refused_before_the_reader_reserves_its_rows(tmp_path):
    """calamine reserves room for the rows and columns a sheet of an .xls declares (its DIMENSIONS record), the
    first row taken from the last: a first row after the last, or a last row of 1,426,063,360 (xlrd, which counts
    the cells, saw 5 rows), asked for 228 to 687 GB and the process aborted, the round's collect or merge with it.
    Such a sheet is refused as one beyond the caps is; a record that tells the truth is read."""
    honest = xls_declaring(0, 5, tmp_path)
    assert [row[:2] for row in read_bytes(honest, "ok.xls").sheets[0].rows][:2] == [
        ["DQ-0", "已完成"],
        ["DQ-1", "已完成"],
    ]
    for name, (first, last) in {"after.xls": (30976, 5), "far.xls": (0, 0x55000006)}.items():
        (tmp_path / name).write_bytes(xls_declaring(first, last, tmp_path))
    script = (
        "import sys, pathlib\n"
        "from ledger.read import ReturnError, read_bytes\n"
        "for name in ('after.xls', 'far.xls'):\n"
        "    try:\n"
        "        read_bytes((pathlib.Path(sys.argv[1]) / name).read_bytes(), name)\n"
        "        print('read')\n"
        "    except ReturnError as exc:\n"
        "        print(exc.code, exc.fields.get('reason') or exc.fields['size'])\n"
    )
    run = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.splitlines() == [
        "return-unreadable 工作表“财政局”的范围记录损坏（首行在末行之后）",
        "return-unreadable 工作表“财政局”的范围记录损坏（声明有1,426,063,366行，.xls最多65,536行）",
    ]


def test_a_panic_of_the_reader_on_a_damaged_xls_is_a_problem_on_that_file(tmp_path):
    """calamine's Rust code panics on some damaged records (a font record renumbered as a defined name: "range
    start index … out of range for slice of length 21"), which pyo3 raises as PanicException, no Exception: it
    passed every `except Exception`, merge's per-file boundary included, and ended the round. Found by flipping
    bytes of a small .xls; it is return-unreadable like any damage."""
    import struct

    book = xlwt.Workbook()
    book.add_sheet("财政局").write(0, 0, "DQ-34")
    path = tmp_path / "damaged.xls"
    book.save(str(path))
    data = bytearray(path.read_bytes())
    font = data.index(struct.pack("<HH", 0x0031, 21))
    struct.pack_into("<H", data, font, 0x0018)  # a NAME record holding a font's bytes
    assert refused(bytes(data), "财政局.xls") == ("return-unreadable", {"reason": "文件内容无法识别，可能已损坏"})


def test_xlrd_s_english_warnings_never_reach_the_clerk_s_terminal_or_json_output(tmp_path, capsys):
    """xlrd prints its warnings to standard output ("WARNING *** file size (5635) not 512 + multiple of sector
    size (512)", common in .xls files other programs write): English on the clerk's screen, and `ledger merge
    --json` began with it, no JSON any program could read."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("财政局")
    sheet.write(0, 0, 0.8)
    path = tmp_path / "padded.xls"
    book.save(str(path))
    data = path.read_bytes() + b"\0\0\0"  # a size that is no multiple of 512, as many exporters leave it
    returned = read_bytes(data, "财政局.xls")
    assert returned.number_format("财政局", 0, 0) == "General"
    assert capsys.readouterr().out == ""
