"""An indicator ledger over three monthly rounds: the round's table, and the three outputs carrying it alike."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import openpyxl
import pytest

from ledger.collect import collect_returns
from ledger.model import Period
from ledger.rounds import open_round
from ledger.workspace import load_workspace

from .conftest import UNITS, UNITS_HEADER, fill_return, write_config, write_xlsx
from .test_indicators import HEADER, ROWS

# What each unit types, round by round, the ways people type values.
TYPED = {
    "2021-06": {
        "示范区发展改革局": {"ZB-1": {"本期完成值": "92.5%", "完成情况说明": "新建管网12公里"}},
        "示范区财政局": {"ZB-1": {"本期完成值": "92.4"}},
        "市生态环境局示范分局": {"ZB-2": {"本期完成值": "44"}},
        "东街道": {"ZB-3": {"本期完成值": "约300"}},
        "西街道": {"ZB-4": {"本期完成值": "推进中"}},
    },
    "2021-07": {
        "示范区发展改革局": {"ZB-1": {"本期完成值": 93.1, "数据截至": date(2021, 6, 30)}},
        "市生态环境局示范分局": {"ZB-2": {"本期完成值": "46μg/m³"}},
        "东街道": {"ZB-3": {"本期完成值": "400亩"}},
        "西街道": {"ZB-4": {"本期完成值": "推进中"}},
    },
    "2021-08": {
        "示范区发展改革局": {"ZB-1": {"本期完成值": "约93.5", "数据截至": date(2021, 7, 31)}},
        "示范区财政局": {"ZB-1": {"本期完成值": "93.4%"}},
        "市生态环境局示范分局": {"ZB-2": {"本期完成值": "43"}},
        "东街道": {"ZB-3": {"本期完成值": "0.045万亩"}},
        "西街道": {"ZB-4": {"本期完成值": "已达到"}},
    },
}


@pytest.fixture(scope="module")
def three_rounds(tmp_path_factory):
    """A ledger with a task list and the indicator list, run for June, July and August 2021."""
    root = tmp_path_factory.mktemp("indicators") / "ws"
    write_xlsx(root / "source" / "units.xlsx", [UNITS_HEADER, *UNITS])
    tasks = [["序号", "具体措施", "牵头单位", "完成时限"], ["1", "建设管网", "东街道", "2021年12月底前"]]
    write_xlsx(root / "source" / "tasks" / "tasks.xlsx", tasks)
    write_xlsx(root / "source" / "indicators" / "指标.xlsx", [["示范区主要指标"], HEADER, *ROWS])
    write_config(
        root,
        """
[[documents]]
code = "T"
file = "source/tasks/tasks.xlsx"
district = "示范区"

[[documents]]
code = "ZB"
kind = "indicators"
file = "source/indicators/指标.xlsx"
district = "示范区"
""",
    )
    for period, by_unit in TYPED.items():
        ws = load_workspace(root)
        round_ = open_round(ws, period)
        round_.render()
        inbox = root.parent / "in" / period
        files = [
            fill_return(ws.paths.workbook(round_.period, unit), inbox / f"{unit}.xlsx", typed, "指标")
            for unit, typed in by_unit.items()
        ]
        collect_returns(ws.paths, round_.period, files)
    ws = load_workspace(root)
    august = open_round(ws, "2021-08")
    august.write_merge()
    report, written = august.publish(issued=date(2021, 9, 6))
    return ws, report, {p.suffix: p for p in written}


def line_last(line) -> tuple[str, str]:
    return line.last, line.change_text


def test_the_table_judges_each_indicator_from_its_first_lead(three_rounds):
    _, report, _ = three_rounds
    table = report.indicators
    got = [
        (line.indicator.id, line.value_text, line.completion_text, line.schedule_text, line.light, *line_last(line))
        for line in table.lines
    ]
    assert got == [
        ("ZB-1", "约93.5 → 约93.5%", "70.0%", "11.7%", "green", "93.1 → 93.1%", "+0.4%"),  # as of 31 July
        ("ZB-2", "43 → 43μg/m³", "20.0%", "13.3%", "green", "46μg/m³", "-3μg/m³"),
        ("ZB-3", "0.045万亩 → 450亩", "45.0%", "66.7%", "yellow", "400亩", "+50亩"),
        ("ZB-4", "已达到", "", "", "green", "推进中", ""),
        ("ZB-5", "", "", "", "grey", "", ""),
    ]
    sewage, _, forest, _, unassigned = table.lines
    assert sewage.others == (("示范区财政局", "93.4%"),)  # shown beside, not counted
    assert sewage.as_of_text == "2021年7月31日"
    assert forest.judgement.reason == "完成率45.0%，低于序时进度（66.7%）21.7个百分点"
    assert unassigned.judgement.reason == "未分配牵头单位，无人填报"
    assert table.counts_text() == "共5项：绿灯3项、黄灯1项、未报送1项"
    assert [line.indicator.id for line in table.behind] == ["ZB-3"]
    assert report.summary()["indicators"] == {
        "lights": {"green": 3, "yellow": 1, "red": 0, "grey": 1},
        "behind": ["ZB-3"],
    }  # what ledger status --json prints


def test_a_unit_with_indicators_only_is_due_to_report(three_rounds):
    ws, report, _ = three_rounds
    states = {u.unit: u.state for u in report.units}
    # both returned (collected today, so after the round's due date: late)
    assert (states["市生态环境局示范分局"], states["示范区财政局"]) == ("late", "late")
    july = open_round(ws, "2021-07").report(issued=date(2021, 8, 6))
    assert "示范区财政局" in [u.unit for u in july.missing_units]  # it reported in June and August only


def test_a_value_worse_than_the_baseline_is_a_hint_where_it_was_typed(three_rounds):
    ws, _, _ = three_rounds
    july = open_round(ws, "2021-07").merge()
    assert [(p.unit, p.cell, p.code) for p in july.problems if p.code.startswith("value-")] == [
        ("市生态环境局示范分局", "G3", "value-worse-than-baseline")
    ]


def test_merged_xlsx_holds_the_values_as_numbers(three_rounds):
    ws, _, _ = three_rounds
    sheet = openpyxl.load_workbook(ws.paths.merged_xlsx(open_round(ws, "2021-08").period))["指标"]
    rows = {(r[0], r[3]): r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[("ZB-3", "东街道")][5:7] == ("0.045万亩", 450)
    assert rows[("ZB-1", "示范区财政局")][4:7] == ("配合", "93.4%", 93.4)


def test_the_three_outputs_carry_the_same_indicator_table(three_rounds):
    _, report, written = three_rounds
    lines = report.indicators.lines
    book = openpyxl.load_workbook(written[".xlsx"])
    sheet = book["指标完成情况"]
    xlsx = {r[0]: (r[11], r[9]) for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    html = written[".html"].read_text(encoding="utf-8")
    rows = re.findall(r'data-light="(\w+)" data-unit="[^"]*" data-behind="\d" data-indicator="([^"]+)"', html)
    page = {indicator: light for light, indicator in rows}
    for line in lines:
        completion = None if line.judgement.completion is None else round(line.judgement.completion / 100, 4)
        assert xlsx[line.indicator.id] == (line.judgement.light_name, completion)
        assert page[line.indicator.id] == line.light
    from docx import Document

    text = "\n".join(p.text for p in Document(str(written[".docx"])).paragraphs)
    assert "主要指标共5项：绿灯3项、黄灯1项、未报送1项。" in text  # one colon a sentence
    assert "低于序时进度的指标1项：累计新增造林面积（完成率45.0%，序时进度66.7%）。" in text
    assert "主要指标完成情况" in html and "共5项：绿灯3项、黄灯1项、未报送1项" in html


def test_ledger_status_says_how_the_indicators_stand(three_rounds):
    from click.testing import CliRunner

    from ledger.cli import main

    ws, _, _ = three_rounds
    result = CliRunner().invoke(main, ["status", "--period", "2021-08", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    assert (
        "主要指标共5项：绿灯3项、黄灯1项、未报送1项。低于序时进度的指标1项：累计新增造林面积（完成率45.0%，序时进度66.7%）。"
        in (result.output.replace("\n", ""))
    )


def test_a_red_indicator_not_behind_schedule_is_named_with_its_reason():
    from ledger.config import IndicatorOptions
    from ledger.entries import IndicatorValue
    from ledger.indicator_table import indicator_table

    from .test_progress import FOREST, RIVER

    river, forest = (replace(i, lead_units=("东街道",)) for i in (RIVER, FOREST))
    values = [IndicatorValue(indicator_id="ZB-4", unit="东街道", typed="未达到")]
    table = indicator_table([river], values, {}, date(2021, 6, 30), IndicatorOptions())
    assert table.counts()["red"] == 1
    assert table.behind_text() == "各项指标均不低于序时进度，但有1项指标亮红灯：河长制（未达到）。"
    values.append(IndicatorValue(indicator_id="ZB-3", unit="东街道", typed="100"))
    table = indicator_table([river, forest], values, {}, date(2021, 6, 30), IndicatorOptions())
    assert [line.indicator.id for line in table.behind] == ["ZB-3"]
    assert table.behind_text().startswith("低于序时进度的指标1项：累计新增造林面积（完成率10.0%，序时进度50.0%）。")
    assert table.behind_text().endswith("另有1项指标亮红灯：河长制（未达到）。")


def test_indicators_not_reported_are_not_said_to_keep_up_with_the_schedule():
    """未报送 is no figure: with one, only the reported indicators are said not to be behind 序时进度."""
    from ledger.config import IndicatorOptions
    from ledger.entries import IndicatorValue
    from ledger.indicator_table import indicator_table

    from .test_progress import FOREST, RIVER

    river, forest = (replace(i, lead_units=("东街道",)) for i in (RIVER, FOREST))
    red = [IndicatorValue(indicator_id="ZB-4", unit="东街道", typed="未达到")]
    table = indicator_table([river, forest], red, {}, date(2021, 6, 30), IndicatorOptions())
    assert table.counts()["grey"] == 1
    assert table.behind_text() == "已报送的指标均不低于序时进度，但有1项指标亮红灯：河长制（未达到）。"
    met = [IndicatorValue(indicator_id="ZB-4", unit="东街道", typed="已达到")]
    table = indicator_table([river, forest], met, {}, date(2021, 6, 30), IndicatorOptions())
    assert table.behind_text() == "已报送的指标均不低于序时进度。"
    table = indicator_table([river, forest], [], {}, date(2021, 6, 30), IndicatorOptions())
    assert table.behind_text() == ""  # nothing reported: nothing to say of the schedule


def test_a_tenfold_jump_is_a_hint_in_problems_xlsx_where_it_was_typed(tmp_path):
    """The jump is seen against last round's value (the round's history): problems.xlsx lists it, located, once,
    and the report's table shows the same 提示."""
    from .test_indicators import _round, indicator_workspace

    root = indicator_workspace(tmp_path / "ws")
    _round(root, "2021-06", {"ZB-1": {"本期完成值": "92.5"}})
    ws, july = _round(root, "2021-07", {"ZB-1": {"本期完成值": "9.2"}})  # a slipped decimal point
    assert "value-jump" not in [p.code for p in july.problems]  # the merge alone knows no earlier round
    round_ = open_round(ws, "2021-07")
    round_.write_merge()
    sheet = openpyxl.load_workbook(ws.paths.problems_xlsx(round_.period))["问题清单"]
    listed = [(r[2], r[4], r[5], r[8]) for r in sheet.iter_rows(min_row=3, values_only=True) if r[8]]
    assert [row for row in listed if row[3].startswith("value-")] == [
        ("示范区发展改革局", "指标", "G3", "value-worse-than-baseline"),
        ("示范区发展改革局", "指标", "G3", "value-jump"),
    ]
    [line] = [line for line in round_.report().indicators.lines if line.indicator.id == "ZB-1"]
    assert [p.code for p in line.notes] == ["value-worse-than-baseline", "value-jump"]


def indicator_rows(table) -> list[tuple]:
    return [
        (
            *(line.indicator.id, line.value_text, line.completion_text, line.schedule_text, line.light),
            *(line.last, line.change_text, line.hints, line.judgement.reason),
        )
        for line in table.lines
    ]


def test_the_year_carries_its_last_rounds_indicator_table_in_its_three_outputs(three_rounds):
    """2021 asked for in September: its indicators are August's, the same in every output as August's own, and
    each output says they are August's, not the year-end's."""
    from docx import Document

    from ledger.model import Period

    ws, august, month_files = three_rounds
    year, written = open_round(ws, "2021").publish(issued=date(2021, 9, 6))
    files = {p.suffix: p for p in written}
    assert year.indicators_round == Period(2021, 8)
    assert indicator_rows(year.indicators) == indicator_rows(august.indicators)
    assert year.summary()["indicators"] == {"as_of_round": "2021-08", **august.summary()["indicators"]}
    as_of = "指标完成情况为已有数据的最近一期即2021年8月的调度数据（2021年全年最后一期尚无数据）。"
    assert year.indicators_as_of_text() == as_of

    def sheet_rows(path) -> list[tuple]:
        sheet = openpyxl.load_workbook(path)["指标完成情况"]
        return [r[:16] for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]]

    assert sheet_rows(files[".xlsx"]) == sheet_rows(month_files[".xlsx"])
    book = openpyxl.load_workbook(files[".xlsx"])
    assert book["指标完成情况"]["A1"].value == "截至2021年8月主要指标完成情况"
    assert ["指标数据", as_of] in [list(r[:2]) for r in book["概况"].iter_rows(min_row=3, values_only=True)]

    def page_lights(path) -> list[tuple[str, str]]:
        html = path.read_text(encoding="utf-8")
        return re.findall(r'data-light="(\w+)" data-unit="[^"]*" data-behind="\d" data-indicator="([^"]+)"', html)

    assert page_lights(files[".html"]) == page_lights(month_files[".html"]) != []
    assert f'<p class="note" id="indicators-as-of">{as_of}</p>' in files[".html"].read_text(encoding="utf-8")
    text = "\n".join(p.text for p in Document(str(files[".docx"])).paragraphs)
    assert (
        "主要指标共5项：绿灯3项、黄灯1项、未报送1项。"
        "低于序时进度的指标1项：累计新增造林面积（完成率45.0%，序时进度66.7%）。" + as_of
    ) in text


def test_the_half_year_takes_the_indicators_of_its_own_last_round(three_rounds):
    ws, _, _ = three_rounds
    half = open_round(ws, "2021-H1").report(issued=date(2021, 7, 6))
    june = open_round(ws, "2021-06").report(issued=date(2021, 7, 6))
    assert str(half.indicators_round) == "2021-06"
    assert indicator_rows(half.indicators) == indicator_rows(june.indicators)
    assert half.indicators_as_of_text() == "指标完成情况为2021年6月（2021年上半年最后一期）调度数据。"


def test_the_ledgers_first_year_starts_the_span_of_an_indicator_without_a_baseline_year():
    from ledger.config import IndicatorOptions
    from ledger.entries import IndicatorValue
    from ledger.indicator_table import indicator_table

    from .test_progress import SITES

    sites = replace(SITES, lead_units=["东街道"])
    values = [IndicatorValue(indicator_id="ZB-7", unit="东街道", typed="300")]
    [line] = indicator_table([sites], values, {}, date(2022, 12, 31), IndicatorOptions(), 2021).lines
    assert (line.schedule_text, line.light) == ("40.0%", "yellow")
    [line] = indicator_table([sites], values, {}, date(2022, 12, 31), IndicatorOptions()).lines
    assert (line.schedule_text, line.light) == ("0.0%", "green")
    assert line.judgement.reason.endswith("；无基期，序时进度按2025年计")


def test_a_target_changed_in_the_list_leaves_the_rounds_that_went_out_as_they_were(three_rounds, tmp_path):
    # In September the office types the revised 2025 target into the indicator list (≥95 becomes ≥90). July's
    # report written again the same day showed ZB-1 judged against the new target: a past round's 完成率 moved.
    import shutil

    root = shutil.copytree(three_rounds[0].root, tmp_path / "ws")
    july = indicator_rows(open_round(load_workspace(root), "2021-07").report(issued=date(2021, 8, 6)).indicators)
    book = openpyxl.load_workbook(root / "source" / "indicators" / "指标.xlsx")
    book.active["H3"] = "90"
    book.save(root / "source" / "indicators" / "指标.xlsx")
    ws = load_workspace(root)
    again = indicator_rows(open_round(ws, "2021-07").report(issued=date(2021, 8, 6)).indicators)
    assert again == july
    september = open_round(ws, "2021-09")
    september.render()
    [target] = [i.targets for i in ws.round_indicators(september.period) if i.id == "ZB-1"]
    assert target == {2025: "90"}  # the round rendered after the edit sends the new target
    # July's task text corrected and its workbooks revised (render --revise): the revision is of the tasks; its
    # indicators stay as July's went out, in the workbooks and in July's figures alike.
    tasks = openpyxl.load_workbook(root / "source" / "tasks" / "tasks.xlsx")
    tasks.active["B2"] = "建设污水管网"
    tasks.save(root / "source" / "tasks" / "tasks.xlsx")
    ws = load_workspace(root)
    open_round(ws, "2021-07").render(revise="更正任务内容")
    sheet = openpyxl.load_workbook(ws.paths.workbook(Period.parse("2021-07"), "示范区发展改革局"))["指标"]
    assert "95" in str(sheet["D3"].value) and "90" not in str(sheet["D3"].value)
    assert indicator_rows(open_round(ws, "2021-07").report(issued=date(2021, 8, 6)).indicators) == july
