"""完成率 against 序时进度 and the lights, for a ≥ target, a ≤ target, a cumulative and a qualitative indicator."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from ledger.config import IndicatorOptions
from ledger.indicators import direction_of
from ledger.model import Indicator
from ledger.progress import Reported, judge, read_reported, schedule_of, value_problems

OPTIONS = IndicatorOptions()
SEWAGE = Indicator(id="ZB-1", document="ZB", number="1", name="城镇污水处理率", unit="%", requirement="≥95",
                   baseline="90", baseline_year=2020, targets={2021: "≥95", 2025: "≥98"})  # fmt: skip
PM25 = Indicator(id="ZB-2", document="ZB", number="2", name="PM2.5平均浓度", unit="μg/m³", requirement="≤35",
                 direction="lower", binding=True, baseline="45", baseline_year=2020, targets={2025: "≤35"})  # fmt: skip
FOREST = Indicator(id="ZB-3", document="ZB", number="3", name="累计新增造林面积", unit="亩", requirement="≥1000",
                   binding=True, cumulative=True, targets={2021: "1000"})  # fmt: skip
RIVER = Indicator(id="ZB-4", document="ZB", number="4", name="河长制", requirement="全面实施", direction="qualitative",
                  baseline="推进中", baseline_year=2020, targets={2025: "全面实施"})  # fmt: skip
OPEN = Indicator(id="ZB-5", document="ZB", number="5", name="信息公开率", unit="%", requirement="100", binding=True,
                 baseline="100", baseline_year=2020, targets={2025: "100"})  # fmt: skip


def typed(indicator: Indicator, text: str | float, percent_cell: bool = False) -> Reported:
    reading = read_reported(indicator, text, percent_cell=percent_cell)
    return Reported(unit="东街道", typed=reading.typed, reading=reading)


def summary(indicator: Indicator, text: str | float | None, day: date, first_year: int | None = None) -> tuple:
    j = judge(indicator, typed(indicator, text) if text is not None else None, day, OPTIONS, first_year)
    rounded = (
        None if j.completion is None else round(j.completion, 1),
        None if j.schedule is None else round(j.schedule, 1),
    )
    return (*rounded, j.light, j.reason)


def test_schedule_counts_months_of_the_span():
    assert round(schedule_of(SEWAGE, 2021, date(2021, 11, 30)), 1) == 91.7  # this year's target: the year
    assert schedule_of(PM25, 2025, date(2021, 12, 31)) == 20  # 12 of the 60 months from 2020's end to 2025's
    assert schedule_of(PM25, 2025, date(2021, 12, 31), 2018) == 20  # the baseline's year, not the ledger's
    assert schedule_of(PM25, 2025, date(2019, 12, 31)) == 0
    assert schedule_of(PM25, 2025, date(2026, 3, 31)) == 100


def test_a_plans_last_year_keeps_the_span_from_the_baseline():
    """A 2025 target set against 2020 does not start over in 2025: 序时进度 runs on from 2024年12月 (48 of 60
    months) to 2025年1月 (49 of 60), as 完成率 runs on from the baseline; only a target for every year (the year
    before has one too) is judged over its own year."""
    assert schedule_of(PM25, 2025, date(2024, 12, 31)) == 80
    assert round(schedule_of(PM25, 2025, date(2025, 1, 31)), 1) == 81.7
    assert summary(PM25, "40", date(2025, 1, 31)) == (
        50.0, 81.7, "red", "完成率50.0%，低于序时进度（81.7%）31.7个百分点，超过30个百分点"
    )  # fmt: skip
    yearly = Indicator(id="ZB-8", document="ZB", number="8", name="城镇污水处理率", unit="%", requirement="≥95",
                       baseline="90", baseline_year=2020, targets={2021: "≥92", 2022: "≥95"})  # fmt: skip
    assert schedule_of(yearly, 2022, date(2022, 6, 30)) == 50


def test_a_count_to_stay_at_none_is_missed_by_any_event():
    """突发环境事件 0起: two events are not 已达到目标值, and without a baseline there is no 完成率 to show."""
    incidents = Indicator(id="ZB-9", document="ZB", number="9", name="较大及以上突发环境事件", unit="起",
                          requirement="0", direction=direction_of("0"), binding=True, targets={2025: "0"})  # fmt: skip
    assert summary(incidents, "2", date(2021, 6, 30), 2021) == (
        None, 10.0, "red", "完成值2起，未达到目标值（0），无基期值，未计算完成率"
    )  # fmt: skip
    assert summary(incidents, "0", date(2021, 6, 30), 2021)[2:] == ("green", "完成值0起，已达到目标值（0）")


SITES = Indicator(id="ZB-7", document="ZB", number="7", name="新建充电站", unit="个", requirement="≥1000",
                  targets={2025: "≥1000"})  # fmt: skip


def test_without_a_baseline_year_the_span_starts_with_the_ledgers_first_year():
    """A 2025 target judged in 2021 is not at 序时进度 0 for four years: the span runs from the start of the
    ledger's first year (60 months from 2021年1月 to 2025年末)."""
    assert schedule_of(SITES, 2025, date(2021, 6, 30), 2021) == 10
    assert summary(SITES, "300", date(2021, 6, 30), 2021) == (
        30.0, 10.0, "green", "完成率30.0%，不低于序时进度（10.0%）"
    )  # fmt: skip
    assert summary(SITES, "300", date(2022, 12, 31), 2021) == (
        30.0, 40.0, "yellow", "完成率30.0%，低于序时进度（40.0%）10.0个百分点"
    )  # fmt: skip


def test_without_a_baseline_year_or_a_first_year_the_target_years_span_is_said():
    assert summary(SITES, "300", date(2021, 6, 30)) == (
        30.0, 0.0, "green", "完成率30.0%，不低于序时进度（0.0%）；无基期，序时进度按2025年计"
    )  # fmt: skip
    assert summary(SITES, "300", date(2025, 6, 30))[3] == "完成率30.0%，低于序时进度（50.0%）20.0个百分点"


def test_a_higher_is_better_target_over_three_monthly_rounds():
    assert summary(SEWAGE, "92.5%", date(2021, 9, 30)) == (
        50.0, 75.0, "yellow", "完成率50.0%，低于序时进度（75.0%）25.0个百分点"
    )  # fmt: skip
    assert summary(SEWAGE, "91", date(2021, 10, 31)) == (
        20.0, 83.3, "red", "完成率20.0%，低于序时进度（83.3%）63.3个百分点，超过30个百分点"
    )  # fmt: skip
    assert summary(SEWAGE, "95.2", date(2021, 11, 30)) == (104.0, 91.7, "green", "完成值95.2%，已达到目标值（≥95）")


def test_a_lower_is_better_target():
    assert summary(PM25, "44", date(2021, 12, 31)) == (
        10.0, 20.0, "yellow", "完成率10.0%，低于序时进度（20.0%）10.0个百分点"
    )  # fmt: skip
    assert summary(PM25, "43μg/m³", date(2021, 12, 31))[2:] == ("green", "完成率20.0%，不低于序时进度（20.0%）")
    assert summary(PM25, "41", date(2021, 12, 31))[2] == "green"
    # Within yellow_gap below 序时进度 stays green, the gap said.
    assert summary(PM25, "43.5", date(2021, 12, 31))[2:] == (
        "green", "完成率15.0%，低于序时进度（20.0%）5.0个百分点，在10个百分点以内"
    )  # fmt: skip
    # 约束性 and missed at the end of its target's year: red whatever the gap.
    assert summary(PM25, "36", date(2025, 12, 31))[2:] == ("red", "约束性指标，2025年末未达到目标值（≤35）")
    assert summary(PM25, "35", date(2025, 12, 31))[2] == "green"


def test_a_cumulative_indicator_counts_the_total_to_date_from_zero():
    assert summary(FOREST, "约300", date(2021, 6, 30)) == (
        30.0, 50.0, "yellow", "完成率30.0%，低于序时进度（50.0%）20.0个百分点"
    )  # fmt: skip
    assert summary(FOREST, "600", date(2021, 9, 30))[:3] == (60.0, 75.0, "yellow")
    assert summary(FOREST, "800", date(2021, 12, 31))[2:] == ("red", "约束性指标，2021年末未达到目标值（1000）")


def test_a_qualitative_indicator_is_judged_by_its_state():
    river = lambda state, day: judge(RIVER, Reported(unit="西街道", typed=state, state=state), day, OPTIONS)  # noqa: E731
    assert [(j.light, j.reason) for j in (river("已达到", date(2021, 6, 30)), river("推进中", date(2021, 6, 30)))] == [
        ("green", "已达到"),
        ("yellow", "推进中，目标年份2025年"),
    ]
    assert (river("推进中", date(2025, 12, 31)).light, river("未达到", date(2021, 6, 30)).light) == ("red", "red")
    assert river("推进中", date(2021, 6, 30)).completion is None


def test_a_baseline_already_at_the_target_is_met_or_not():
    assert summary(OPEN, "100%", date(2021, 6, 30)) == (
        None,
        10.0,
        "green",
        "基期值已达目标值（100），本期100%，保持达标",
    )
    assert summary(OPEN, "99.5", date(2021, 6, 30))[2:] == ("red", "基期值已达目标值（100），本期99.5%，未保持")


def test_a_baseline_beyond_the_target_is_met_or_not_never_a_ratio():
    share = Indicator(id="ZB-6", document="ZB", number="6", name="考核占比", unit="%", requirement="≥20",
                      baseline="24", baseline_year=2021, targets={2025: "≥22"})  # fmt: skip
    assert summary(share, "23", date(2022, 6, 30))[::2] == (None, "green")
    assert summary(share, "21", date(2022, 6, 30))[2:] == ("yellow", "基期值已达目标值（≥22），本期21%，未保持")


def test_without_a_baseline_a_met_target_says_so_not_the_baseline():
    """No baseline and a value meeting a ≤ target (0 against ≤35) or a target of 0: nothing to divide, judged met
    or not, and the reason names no baseline that does not exist."""
    dust = Indicator(id="ZB-8", document="ZB", number="8", name="重污染天数", unit="μg/m³", requirement="≤35",
                     direction="lower", targets={2021: "≤35"})  # fmt: skip
    assert summary(dust, "0", date(2021, 6, 30))[2:] == ("green", "完成值0μg/m³，已达到目标值（≤35）")
    growth = Indicator(id="ZB-9", document="ZB", number="9", name="亏损企业减少率", unit="%", requirement="≥0",
                       targets={2021: "≥0"})  # fmt: skip
    assert summary(growth, "0", date(2021, 6, 30))[2:] == ("green", "完成值0%，已达到目标值（≥0）")
    assert summary(growth, "-1.5", date(2021, 6, 30)) == (
        None, 50.0, "yellow", "完成值-1.5%，未达到目标值（≥0），无基期值，未计算完成率"
    )  # fmt: skip


def test_a_percentage_cell_is_judged_in_points_and_a_bare_fraction_is_not_guessed():
    j = judge(SEWAGE, typed(SEWAGE, 0.952, percent_cell=True), date(2021, 11, 30), OPTIONS)  # 0.952 shown 95.2%
    assert (j.value, j.shown, j.light) == (pytest.approx(95.2), "0.952（单元格为百分比格式）→ 95.2%", "green")
    assert typed(SEWAGE, 0.952).reading.why == "value-percent-fraction"
    assert summary(SEWAGE, 0.942, date(2021, 11, 30))[2:] == ("grey", "完成值“0.942”无法识别，未计算完成率")
    # a % indicator whose baseline or targets are fractions themselves, and 0, are read as they stand
    small = Indicator(id="ZB-10", document="ZB", number="10", name="占比", unit="%", requirement="≥1",
                      baseline="0.5", baseline_year=2020, targets={2025: "≥1"})  # fmt: skip
    assert typed(small, 0.8).reading.value == 0.8
    assert typed(SEWAGE, 0).reading.value == 0


def test_nothing_reported_or_not_read_is_grey_and_said():
    assert summary(SEWAGE, None, date(2021, 6, 30))[2:] == ("grey", "未报送本期完成值")
    assert summary(SEWAGE, "12-15", date(2021, 6, 30))[2:] == ("grey", "完成值“12-15”无法识别，未计算完成率")


@pytest.mark.parametrize(
    ("indicator", "text", "last", "codes"),
    [
        (SEWAGE, "89", None, ["value-worse-than-baseline"]),
        (SEWAGE, 0.942, 92.5, ["value-percent-fraction"]),  # 94.2% or 0.942%: a number cell without its format
        (PM25, "46", None, ["value-worse-than-baseline"]),
        (SEWAGE, "95", 9.4, ["value-jump"]),  # 0.942 read as a fraction last round
        (SEWAGE, "95", 9.5, []),  # exactly tenfold is not more than ten times
        (FOREST, "30000", 600, ["value-jump"]),
        (FOREST, "600", 300, []),
        (SEWAGE, "94.2%或95%", None, ["value-ambiguous"]),
        (SEWAGE, "2.6亿元", None, ["value-unit-mismatch"]),
        (SEWAGE, "基本完成", None, ["value-unreadable"]),
    ],
)
def test_values_to_look_at_are_named(indicator, text, last, codes):
    found = value_problems(indicator, typed(indicator, text), last, date(2021, 6, 30), {"cell": "G4"})
    assert [(p.cell, p.code) for p in found] == [("G4", code) for code in codes]
    assert all(str(text) in p.message for p in found)


def test_a_qualitative_value_outside_the_dropdown_is_named():
    found = value_problems(RIVER, Reported(unit="西街道", typed="差不多"), None, date(2021, 6, 30), {"cell": "G5"})
    assert [(p.cell, p.code) for p in found] == [("G5", "qualitative-unknown")]


REVENUE = Indicator(id="ZB-8", document="ZB", number="8", name="研发经费投入", unit="万元", requirement="≥2000",
                    targets={2021: "2000"})  # fmt: skip


def test_a_target_written_as_a_bare_number_is_in_the_unit_of_the_table():
    """目标值 2000 under 计量单位 万元 is 2000万元: 1500万元 reported is 75% of it, not "已达到" a target of 0.2万元."""
    assert summary(REVENUE, "1500万元", date(2021, 12, 31)) == (
        75.0, 100.0, "yellow", "完成率75.0%，低于序时进度（100.0%）25.0个百分点"
    )  # fmt: skip


def test_a_value_at_its_baseline_is_shown_as_zero_percent_not_minus_zero():
    """PM2.5 still at its baseline 45 (target ≤35): 完成率 is (45 − 45) ÷ (35 − 45), a negative zero in floats."""
    reason = summary(PM25, "45", date(2021, 12, 31))[3]
    assert reason == "完成率0.0%，低于序时进度（20.0%）20.0个百分点"


def test_a_value_as_of_an_earlier_day_is_judged_against_the_schedule_of_that_day():
    """May's figure (数据截至 31 May) read in the June round is judged against 5/12 of the year, not 6/12;
    December's read in January is judged against the year's target at the year's end; a day years back is not
    taken (judged at the round's end, as a value without one)."""
    forest = FOREST  # 1000 亩 in 2021, counted from nothing
    may = Reported(unit="东街道", typed="380", reading=read_reported(forest, "380"), as_of=date(2021, 5, 31))
    june = judge(forest, may, date(2021, 6, 30), OPTIONS, 2021)
    assert (round(june.schedule, 1), june.light) == (41.7, "green")
    assert june.reason.endswith("；序时进度按数据截至日期计")
    plain = judge(forest, replace(may, as_of=None), date(2021, 6, 30), OPTIONS, 2021)
    assert (plain.schedule, plain.light) == (50.0, "yellow")
    december = replace(may, typed="900", reading=read_reported(forest, "900"), as_of=date(2021, 12, 31))
    january = judge(forest, december, date(2022, 1, 31), OPTIONS, 2021)
    assert (january.target_year, january.schedule, january.light) == (2021, 100.0, "red")  # 约束性, year over
    typo = judge(forest, replace(may, as_of=date(2019, 5, 31)), date(2021, 6, 30), OPTIONS, 2021)
    assert typo.schedule == 50.0
