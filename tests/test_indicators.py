"""Indicator lists (kind = "indicators") read into Indicators: direction, targets, baseline, units."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

import pytest

from ledger.config import load_config
from ledger.importer import import_document
from ledger.indicators import direction_of
from ledger.model import Period
from ledger.workspace import load_workspace

from .conftest import SEEDS, UNITS, UNITS_HEADER, write_config, write_xlsx

HEADER = ["序号", "指标名称", "单位", "指标要求", "指标属性", "2020年现状值", "2021年目标值", "2025年目标值"]
HEADER += ["牵头单位", "配合单位"]
ROWS = [
    ["1", "城镇污水处理率", "%", "≥95", "约束性", "90", "", "95", "示范区发改局", "示范区财政局"],
    ["2", "PM2.5平均浓度", "μg/m³", "控制在35以内", "约束性", "45", "", "35", "市生态环境局示范分局", ""],
    ["3", "累计新增造林面积", "亩", "≥3000", "预期性", "0", "1000", "3000", "东街道", ""],
    ["4", "河长制", "-", "全面实施", "约束性", "推进中", "", "全面实施", "西街道", ""],
    ["5", "政府信息公开率", "%", "100", "参考性", "100", "", "100", "", ""],
]


def indicator_workspace(root, rows=ROWS, extra=""):
    write_xlsx(root / "source" / "units.xlsx", [UNITS_HEADER, *UNITS])
    write_xlsx(root / "source" / "indicators" / "指标.xlsx", [["示范区主要指标"], HEADER, *rows])
    write_config(
        root,
        """
[[documents]]
code = "ZB"
kind = "indicators"
file = "source/indicators/指标.xlsx"
district = "示范区"
""",
        extra,
    )
    return root


@pytest.mark.parametrize(
    ("requirement", "direction"),
    [
        ("≥20", "higher"),
        ("增长5%", "higher"),
        ("不低于90", "higher"),
        ("100", "higher"),
        ("≤35", "lower"),
        ("下降10%", "lower"),
        ("不高于0.5", "lower"),
        ("控制在35以内", "lower"),
        # 逆向指标 as Chinese standards write them, and a traditional-character input method's ≦
        ("≦35", "lower"),
        ("≯35", "lower"),
        ("不大于35", "lower"),
        ("小于0.5", "lower"),
        ("低于5‰", "lower"),
        ("最多3", "lower"),
        ("≧95", "higher"),
        ("≮95%", "higher"),
        ("不小于95", "higher"),
        ("大于60%", "higher"),
        # the first word that says it counts: the 以上 after it bounds the fall, not the level
        ("≤1.2，且较2020年下降5%以上", "lower"),
        ("下降4.5%以上", "lower"),
        ("下降率≥4.5%", "higher"),  # the requirement names the rate of the fall
        ("≥95；不明显；不降低", "higher"),
        # a count that is to stay at none (突发环境事件 0起): nothing is below 0, so 0 is a ceiling
        ("0", "lower"),
        ("0起", "lower"),
        ("制定实施", "qualitative"),
        ("全面实施", "qualitative"),
        ("有效开展", "qualitative"),
    ],
)
def test_direction_is_read_from_the_requirement(requirement, direction):
    assert direction_of(requirement) == direction


@pytest.mark.parametrize(
    ("name", "requirement", "direction"),
    [
        ("单位地区生产总值能耗下降率", "下降3%", "higher"),
        ("主要污染物排放总量减少率", "下降10%", "higher"),
        ("PM2.5浓度下降幅度", "下降5%", "higher"),
        ("单位地区生产总值能耗", "下降3%", "lower"),
        ("单位地区生产总值能耗下降率", "≤3", "lower"),
        ("单位国内生产总值建设用地使用面积下降率", "下降4.5%以上", "higher"),
    ],
)
def test_an_indicator_named_as_a_rate_of_decrease_is_better_higher(name, requirement, direction):
    """ "能耗下降率 下降3%": the unit reports how much it fell (3.5 is more than asked), not a level to keep low."""
    assert direction_of(requirement, name=name) == direction


def test_indicator_document_is_read_with_targets_baseline_and_units(tmp_path):
    ws = load_workspace(indicator_workspace(tmp_path))
    assert ws.tasks == []
    by_number = {i.number: i for i in ws.indicators}
    water, pm, forest, river, open_rate = (by_number[n] for n in "12345")
    assert (water.id, water.unit, water.direction, water.binding, water.baseline, water.baseline_year) == (
        "ZB-1",
        "%",
        "higher",
        True,
        "90",
        2020,
    )
    assert water.targets == {2025: "95"}
    assert (water.lead_units, water.support_units) == (["示范区发展改革局"], ["示范区财政局"])
    assert (pm.direction, pm.unit) == ("lower", "μg/m³")
    assert (forest.cumulative, forest.targets, forest.binding) == (True, {2021: "1000", 2025: "3000"}, False)
    assert (river.direction, river.unit) == ("qualitative", "")
    assert open_rate.lead_units == []
    assert [(p.cell, p.code) for p in ws.problems] == [("A7", "indicator-unassigned")]


def test_headings_and_notes_merged_across_an_indicator_table_are_no_indicators(tmp_path):
    rows = [["一、经济发展"], *ROWS[:2], ["二、生态环境"], ROWS[2], ["注：带*的为约束性指标。"]]
    root = indicator_workspace(tmp_path, rows)
    # under the title and the header: headings on rows 3 and 6, the note on row 8, each merged across the table
    write_xlsx(
        root / "source" / "indicators" / "指标.xlsx",
        [["示范区主要指标"], HEADER, *rows],
        merges=("A3:J3", "A6:J6", "A8:J8"),
    )
    ws = load_workspace(root)
    assert [(p.cell, p.code) for p in ws.problems] == []
    assert [(i.number, i.name, i.category) for i in ws.indicators] == [
        ("1", "城镇污水处理率", "一、经济发展"),
        ("2", "PM2.5平均浓度", "一、经济发展"),
        ("3", "累计新增造林面积", "二、生态环境"),
    ]


def test_a_document_that_is_no_indicator_table_is_named(tmp_path):
    indicator_workspace(tmp_path)
    write_xlsx(
        tmp_path / "source" / "indicators" / "指标.xlsx", [["序号", "具体措施", "牵头单位"], ["1", "做事", "东街道"]]
    )
    ws = load_workspace(tmp_path)
    assert [(p.file, p.code) for p in ws.problems] == [("source/indicators/指标.xlsx", "indicator-header-missing")]


def test_indicator_gaps_are_configured_and_checked(tmp_path):
    indicator_workspace(tmp_path, extra="[indicators]\nyellow_gap = 5\nred_gap = 20\n")
    config = load_config(tmp_path)
    assert (config.indicators.yellow_gap, config.indicators.red_gap) == (5, 20)
    assert config.documents[0].kind == "indicators"


def test_a_markdown_indicator_table_is_imported_as_indicators(tmp_path):
    doc = tmp_path / "规划.md"
    doc.write_text(
        "# 示范区“十四五”主要指标\n\n"
        "| 序号 | 指标名称 | 单位 | 2020年 | 2025年目标值 | 指标属性 | 牵头单位 |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        "| 1 | 城镇新增就业 | 万人 | 1.8 | 2.0 | 预期性 | 示范区发改局 |\n"
        "| 2 | 城镇调查失业率 | % | 5.2 | ≤5.5 | 预期性 | 示范区财政局 |\n",
        encoding="utf-8",
    )
    result = import_document(doc)
    assert [(i.name, i.unit, i.baseline, i.baseline_year, i.targets, i.lead) for i in result.indicators] == [
        ("城镇新增就业", "万人", "1.8", 2020, {2025: "2.0"}, "示范区发改局"),
        ("城镇调查失业率", "%", "5.2", 2020, {2025: "≤5.5"}, "示范区财政局"),
    ]
    assert result.problems == []


def test_a_word_indicator_table_headed_by_years_with_merged_headings_and_a_note(tmp_path):
    """The 纲要's 主要指标 as Word writes it: "2020年 | 2025年" (no 目标值 word), headings merged across the table
    (their text in every cell), a note under it. Read like ledger check reads the same table."""
    import docx

    rows = [
        ["序号", "指标名称", "单位", "2020年", "2025年", "指标属性", "牵头单位"],
        ["一、经济发展", *[""] * 6],
        ["1", "城镇新增就业", "万人", "1.8", "2.0", "预期性", "示范区发改局"],
        ["二、民生福祉", *[""] * 6],
        ["2", "城镇调查失业率", "%", "5.2", "≤5.5", "预期性", "示范区财政局"],
        ["注：[ ]内为五年累计数。", *[""] * 6],
    ]
    document = docx.Document()
    document.add_paragraph("附件1")
    document.add_paragraph("示范区“十四五”主要指标")
    table = document.add_table(rows=len(rows), cols=7)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    for r in (1, 3, 5):
        table.cell(r, 0).merge(table.cell(r, 6))
    document.save(str(tmp_path / "纲要.docx"))
    result = import_document(tmp_path / "纲要.docx")
    assert result.name == "示范区“十四五”主要指标"  # not "附件1", the line above it
    assert [(i.number, i.name, i.category, i.baseline_year, i.targets) for i in result.indicators] == [
        ("1", "城镇新增就业", "一、经济发展", 2020, {2025: "2.0"}),
        ("2", "城镇调查失业率", "二、民生福祉", 2020, {2025: "≤5.5"}),
    ]
    assert result.problems == []


def test_cli_imports_an_indicator_table_that_ledger_check_reads(tmp_path):
    from click.testing import CliRunner

    from ledger.cli import main

    root = indicator_workspace(tmp_path / "ws")
    doc = tmp_path / "规划.md"
    doc.write_text(
        "# 示范区“十四五”就业指标\n\n| 序号 | 指标名称 | 单位 | 指标要求 | 2025年目标值 |\n"
        "| --- | --- | --- | --- | --- |\n| 1 | 城镇调查失业率 | % | 控制在5.5%以内 | ≤5.5 |\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["import", str(doc), "--workspace", str(root), "--code", "JY"])
    assert result.exit_code == 0, result.output
    assert "指标1项" in result.output and "已写入指标表" in result.output
    [imported] = [i for i in load_workspace(root).indicators if i.document == "JY"]
    assert (imported.id, imported.unit, imported.direction, imported.targets) == ("JY-1", "%", "lower", {2025: "≤5.5"})


@pytest.mark.skipif(not (SEEDS / "004_8fb087523908d1cd.txt").exists(), reason="the seed documents are not beside")
def test_the_seeds_indicator_system_imported_into_a_workspace_is_read_back(tmp_path):
    indicator_workspace(tmp_path)
    seed = SEEDS / "004_8fb087523908d1cd.txt"
    result = import_document(seed, workspace=tmp_path, section="莱芜区国家生态文明建设示范区指标体系", code="STZB")
    assert result.written and result.table_file == "source/indicators/莱芜区国家生态文明建设示范区指标体系.xlsx"
    assert 'kind = "indicators"' in (tmp_path / "ledger.toml").read_text(encoding="utf-8")
    ws = load_workspace(tmp_path)
    imported = [i for i in ws.indicators if i.document == "STZB"]
    assert len(imported) == 35
    assert imported[2].targets == {2025: "≥22", 2030: "≥25"} and imported[2].baseline_year == 2021
    unassigned = [p.cell for p in ws.problems if p.code == "indicator-unassigned" and p.file == result.table_file]
    assert len(unassigned) == 35


def _round(root, period, answers, unit="示范区发展改革局", percent=None, edit=None):
    """Render a round, fill the unit's 指标 sheet as typed, store it and merge; `percent` names cells typed as
    numbers with a percent format, the way office software stores "94.2%" typed in a number cell; `edit` changes
    the filled workbook further (openpyxl) before it is stored."""
    from ledger.collect import collect_returns
    from ledger.history import build_history
    from ledger.merge import merge_period
    from ledger.model import Period
    from ledger.paths import WorkspacePaths
    from ledger.render import render_period

    from .conftest import fill_return

    ws = load_workspace(root)
    month = Period.parse(period)
    render_period(ws, month, build_history(ws, month))
    src = root / "build" / period / "outbox" / f"{unit}.xlsx"

    def formatted(book):
        for cell in percent or ():
            book["指标"][cell].number_format = "0.0%"
        if edit:
            edit(book)

    filled = fill_return(src, root.parent / "in" / period / f"{unit}.xlsx", answers, "指标", formatted)
    collect_returns(WorkspacePaths(root), month, [filled])
    return ws, merge_period(ws, month)


def test_the_indicator_sheet_is_rendered_for_each_responsible_unit(tmp_path):
    import openpyxl

    from ledger.history import build_history
    from ledger.model import Period
    from ledger.render import render_period

    root = indicator_workspace(tmp_path / "ws")
    ws = load_workspace(root)
    result = render_period(ws, Period(2021, 6), build_history(ws, Period(2021, 6)))
    by_unit = {f.unit: f.indicators for f in result.files}
    assert by_unit == {
        "示范区发展改革局": ["ZB-1"],
        "示范区财政局": ["ZB-1"],
        "市生态环境局示范分局": ["ZB-2"],
        "东街道": ["ZB-3"],
        "西街道": ["ZB-4"],
    }
    book = openpyxl.load_workbook(root / "build" / "2021-06" / "outbox" / "西街道.xlsx")
    sheet = book["指标"]
    assert [c.value for c in sheet[2]] == [
        *("指标编号", "指标名称", "计量单位", "目标值", "基期值", "上期完成值"),
        *("本期完成值", "数据截至", "完成情况说明", "数据来源"),
    ]
    assert [c.value for c in sheet[3]][:5] == ["ZB-4", "河长制", "—", "2025年：全面实施", "推进中\n（2020年）"]
    assert sheet.protection.sheet and sheet["A3"].protection.locked and not sheet["G3"].protection.locked
    assert sheet["G3"].number_format == "@"  # typed text arrives as typed
    dropdowns = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert [(str(v.sqref), v.formula1) for v in dropdowns] == [("G3", '"已达到,推进中,未达到"')]


def test_a_baseline_too_wide_for_its_column_prints_its_year_on_a_line_of_its_own(tmp_path):
    """A unit's 指标 sheet printed "推进中（2020" with "年）" on the next line: LibreOffice and Excel break Chinese
    text at any character. The year goes to a line of its own when the whole does not fit, as in 汇总台账."""
    import openpyxl

    from ledger.history import build_history
    from ledger.render import render_period

    root = indicator_workspace(tmp_path / "ws")
    ws = load_workspace(root)
    render_period(ws, Period(2021, 6), build_history(ws, Period(2021, 6)))
    outbox = root / "build" / "2021-06" / "outbox"
    assert openpyxl.load_workbook(outbox / "西街道.xlsx")["指标"]["E3"].value == "推进中\n（2020年）"
    assert openpyxl.load_workbook(outbox / "东街道.xlsx")["指标"]["E3"].value == "0（2020年）"  # it fits


def test_values_typed_the_ways_people_type_them_are_merged_over_three_rounds(tmp_path):
    root = indicator_workspace(tmp_path / "ws")
    ws, june = _round(
        root, "2021-06", {"ZB-1": {"本期完成值": "92.5%", "完成情况说明": "新建管网", "数据来源": "住建统计"}}
    )
    [value] = june.indicator_values
    assert (value.indicator_id, value.typed, value.sheet, value.cell) == ("ZB-1", "92.5%", "指标", "G3")
    assert value.reported(ws.indicators[0]).reading.value == 92.5
    assert (value.note, value.data_source) == ("新建管网", "住建统计")
    # July: typed into a number cell by someone who cleared the text format: 93.1 arrives as a number
    _, july = _round(root, "2021-07", {"ZB-1": {"本期完成值": 93.1, "数据截至": date(2021, 6, 30)}})
    [value] = july.indicator_values
    assert (value.number, value.as_of) == (93.1, "2021-06-30")
    # August: something that cannot be read is named with the cell, and kept as typed
    _, august = _round(root, "2021-08", {"ZB-1": {"本期完成值": "93至94"}})
    assert [(p.sheet, p.cell, p.code) for p in august.problems] == [("指标", "G3", "value-ambiguous")]
    assert august.indicator_values[0].typed == "93至94"
    # the last value is carried: September's workbook shows August's as 上期完成值
    import openpyxl

    from ledger.history import build_history
    from ledger.model import Period
    from ledger.render import render_period

    ws = load_workspace(root)
    render_period(ws, Period(2021, 9), build_history(ws, Period(2021, 9)))
    sheet = openpyxl.load_workbook(root / "build" / "2021-09" / "outbox" / "示范区发展改革局.xlsx")["指标"]
    assert sheet["F3"].value == "93至94"


def test_a_number_in_a_cell_formatted_as_a_percentage_is_read_back_in_points(tmp_path):
    """A unit that reformatted 本期完成值 as 0.0% and typed 92.5% sends 0.925: read as 92.5%, the reading said. The
    same fraction in a cell without the format (as a .csv gives it) is not guessed but named, quoted."""
    root = indicator_workspace(tmp_path / "ws")
    ws, june = _round(root, "2021-06", {"ZB-1": {"本期完成值": 0.925}}, percent=["G3"])
    [value] = june.indicator_values
    assert (value.number, value.percent_cell, value.cell) == (0.925, True, "G3")
    reading = value.reported(ws.indicators[0]).reading
    assert (reading.value, reading.shown("%")) == (92.5, "0.925（单元格为百分比格式）→ 92.5%")
    assert [p.code for p in june.problems if p.code.startswith("value-")] == []
    _, july = _round(root, "2021-07", {"ZB-1": {"本期完成值": 0.931}})
    assert july.indicator_values[0].percent_cell is False
    assert [(p.cell, p.code) for p in july.problems] == [("G3", "value-percent-fraction")]
    assert "“0.931”" in july.problems[0].message


def test_nothing_a_unit_typed_on_the_indicator_sheet_is_lost(tmp_path):
    root = indicator_workspace(tmp_path / "ws")

    def edit(book):
        sheet = book["指标"]
        sheet["K3"] = "另附说明"  # beside the table
        sheet["A4"] = "ZB-9"  # a row of its own
        sheet["G4"] = "12"
        sheet.insert_rows(5)
        sheet["A5"] = "ZB-3"  # the unit's row copied below
        sheet["G5"] = "310"

    from ledger.collect import collect_returns
    from ledger.history import build_history
    from ledger.model import Period
    from ledger.paths import WorkspacePaths
    from ledger.render import render_period

    from .conftest import fill_return

    ws = load_workspace(root)
    june = Period(2021, 6)
    render_period(ws, june, build_history(ws, june))
    src = root / "build" / "2021-06" / "outbox" / "东街道.xlsx"
    filled = fill_return(src, tmp_path / "in" / "东街道.xlsx", {"ZB-3": {"本期完成值": "约300"}}, "指标", edit)
    collect_returns(WorkspacePaths(root), june, [filled])
    from ledger.merge import merge_period

    result = merge_period(ws, june)
    assert [(v.indicator_id, v.typed) for v in result.indicator_values] == [("ZB-3", "约300")]
    assert sorted((u.sheet, u.cell, u.value) for u in result.unmerged) == [
        ("指标", "G4", "12"),
        ("指标", "G5", "310"),
        ("指标", "K3", "另附说明"),
    ]
    rows = [(p.sheet, p.cell, p.code) for p in result.problems if p.code.startswith(("indicator-", "task-"))]
    assert rows == [("指标", "A4", "indicator-unknown"), ("指标", "A5", "indicator-duplicate-row")]
    assert all("指标" in p.message for p in result.problems if p.code.startswith("indicator-"))


def test_a_formula_typed_as_a_value_is_named_and_kept(tmp_path):
    """A 本期完成值 typed as a formula and saved by a program that does not calculate (no result in the file) was
    dropped without a word; one with its result was taken without saying it was a formula."""
    root = indicator_workspace(tmp_path / "ws")

    def formula(book):
        book["指标"]["G3"] = "=90+2.5"  # openpyxl saves no result, as WPS's and others' exports may not

    ws, june = _round(root, "2021-06", {}, edit=formula)
    assert [(v.indicator_id, v.typed) for v in june.indicator_values] == [("ZB-1", "=90+2.5")]
    assert [(p.sheet, p.cell, p.code) for p in june.problems] == [
        ("指标", "G3", "cell-formula-uncached"),
        ("指标", "G3", "value-unreadable"),
    ]
    saved = root.parent / "saved.xlsx"  # the same formula with the result Excel saves beside it
    with zipfile.ZipFile(ws.paths.returns(Period(2021, 6)) / "示范区发展改革局.xlsx") as stored:
        parts = {i.filename: stored.read(i) for i in stored.infolist()}
    sheet = next(name for name, xml in parts.items() if b"<f>90+2.5</f>" in xml)
    parts[sheet] = re.sub(rb"<f>90\+2\.5</f><v\s*/?>(?:</v>)?", b"<f>90+2.5</f><v>92.5</v>", parts[sheet])
    with zipfile.ZipFile(saved, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    from ledger.collect import collect_returns
    from ledger.merge import merge_period

    collect_returns(ws.paths, Period(2021, 6), [saved])  # sent again: the later return wins
    again = merge_period(ws, Period(2021, 6))
    assert [(v.indicator_id, v.number) for v in again.indicator_values] == [("ZB-1", 92.5)]
    assert [(p.sheet, p.cell, p.code) for p in again.problems if p.code.startswith("cell-")] == [
        ("指标", "G3", "cell-formula")
    ]


def test_a_data_date_typed_with_a_time_or_as_text_is_read_as_its_day_or_named(tmp_path):
    """数据截至 typed with a time of day was kept as "2021-06-30T10:30:00" (an ISO "T" in merged.xlsx) and typed as
    text ("2021年6月30日", what a .csv or a program without the sheet's date check gives) was blank in the indicator
    table without a word: neither could be read as a date there."""
    root = indicator_workspace(tmp_path / "ws")
    ws, june = _round(root, "2021-06", {"ZB-1": {"本期完成值": "92.5%", "数据截至": datetime(2021, 6, 30, 10, 30)}})
    assert [v.as_of for v in june.indicator_values] == ["2021-06-30"]
    assert [p.code for p in june.problems] == []
    _, july = _round(root, "2021-07", {"ZB-1": {"本期完成值": "93%", "数据截至": "2021年7月20日"}})
    assert [v.as_of for v in july.indicator_values] == ["2021-07-20"]
    assert [(p.sheet, p.cell, p.code) for p in july.problems] == [("指标", "H3", "date-as-text")]
    _, august = _round(root, "2021-08", {"ZB-1": {"本期完成值": "94%", "数据截至": "待统计局发布"}})
    assert [v.as_of for v in august.indicator_values] == ["待统计局发布"]  # kept as typed, and named
    assert [(p.cell, p.code, p.message) for p in august.problems] == [
        ("H3", "date-unreadable", "“待统计局发布”不是日期，无法识别，已按原样保存")
    ]
    assert july.indicator_values[0].reported(ws.indicators[0]).as_of == date(2021, 7, 20)  # 数据截至 in the table


def test_a_deleted_indicator_row_is_named_as_an_indicator(tmp_path):
    root = indicator_workspace(tmp_path / "ws")
    from ledger.collect import collect_returns
    from ledger.history import build_history
    from ledger.merge import merge_period
    from ledger.model import Period
    from ledger.render import render_period

    from .conftest import fill_return

    ws = load_workspace(root)
    june = Period(2021, 6)
    render_period(ws, june, build_history(ws, june))
    src = root / "build" / "2021-06" / "outbox" / "东街道.xlsx"
    filled = fill_return(src, tmp_path / "in" / "东街道.xlsx", {}, "指标", lambda book: book["指标"].delete_rows(3))
    collect_returns(ws.paths, june, [filled])
    result = merge_period(ws, june)
    found = [(p.sheet, p.cell, p.code) for p in result.problems if p.code.startswith(("indicator-", "task-"))]
    assert found == [("指标", "A3", "indicator-missing")]
    [missing] = [p for p in result.problems if p.code == "indicator-missing"]
    assert "指标" in missing.message and "任务" not in missing.message
