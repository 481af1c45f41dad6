"""Values as people type them, read in the indicator's unit or refused with the reason."""

from __future__ import annotations

import pytest

from ledger.values import number_text, read_value, split_unit


@pytest.mark.parametrize(
    ("typed", "unit", "value", "shown"),
    [
        ("94.2%", "%", 94.2, "94.2%"),
        ("94.2", "%", 94.2, "94.2 → 94.2%"),
        ("９４．２％", "%", 94.2, "94.2%"),  # full-width: the same text once made plain
        ("2.67亿元", "万元", 26700, "2.67亿元 → 26700万元"),
        ("26700万", "万元", 26700, "26700万 → 26700万元"),
        ("26700万", "亿元", 2.67, "26700万 → 2.67亿元"),
        ("26700万元", "元", 267000000, "26700万元 → 267000000元"),
        ("1.8万人", "人", 18000, "1.8万人 → 18000人"),
        ("1.8万人", "万人", 1.8, "1.8万人"),
        ("35μg/m³", "μg/m³", 35, "35μg/m³"),
        ("35 μg/m3", "μg/m³", 35, "35μg/m³"),
        ("约3000", "亩", 3000, "约3000 → 约3000亩"),
        ("3000左右", "亩", 3000, "3000左右 → 约3000亩"),
        ("≥95", "%", 95, "≥95 → ≥95%"),
        ("不低于95%", "%", 95, "不低于95% → ≥95%"),
        # the bounds as Chinese standards and a traditional-character input method write them
        ("≦35", "μg/m³", 35, "≦35 → ≤35μg/m³"),
        ("≧95%", "%", 95, "≧95% → ≥95%"),
        ("不大于35", "μg/m³", 35, "不大于35 → ≤35μg/m³"),
        ("不小于95%", "%", 95, "不小于95% → ≥95%"),
        ("3,000", "亩", 3000, "3,000 → 3000亩"),
        ("-2.5", "%", -2.5, "-2.5 → -2.5%"),
        # A bare number is in the indicator's unit, magnitude included: 1500 for 万元 is 1500万元, not 1500元.
        ("1500", "万元", 1500, "1500 → 1500万元"),
        ("10", "亿元", 10, "10 → 10亿元"),
        ("≥2000", "万元", 2000, "≥2000 → ≥2000万元"),
        ("1.2", "万人", 1.2, "1.2 → 1.2万人"),
        # a verb before the figure says nothing about it ("增长6.5%" does: its sign is not guessed)
        ("完成1500万元", "万元", 1500, "完成1500万元 → 1500万元"),
        ("累计完成2.3亿元", "万元", 23000, "累计完成2.3亿元 → 23000万元"),
        ("达到96%", "%", 96, "达到96% → 96%"),
        # a unit's Chinese name for the table's symbol, or the other way round, is the same unit
        ("35微克/立方米", "μg/m³", 35, "35微克/立方米 → 35μg/m³"),
        ("35ug/m3", "微克/立方米", 35, "35ug/m3 → 35微克/立方米"),
        ("35微克每立方米", "μg/m³", 35, "35微克每立方米 → 35μg/m³"),
        ("12.5平方公里", "km²", 12.5, "12.5平方公里 → 12.5km²"),
        ("80m³/万元", "立方米/万元", 80, "80m³/万元 → 80立方米/万元"),
        ("1.2万吨", "t", 12000, "1.2万吨 → 12000t"),
        # what a spreadsheet reads as a number is one here too
        ("5.", "%", 5, "5. → 5%"),
        (".5", "万元", 0.5, ".5 → 0.5万元"),
        ("-.5%", "%", -0.5, "-.5% → -0.5%"),
        ("12.万元", "万元", 12, "12.万元 → 12万元"),
    ],
)
def test_typed_values_are_read_in_the_indicators_unit(typed, unit, value, shown):
    reading = read_value(typed, unit)
    assert reading.value == pytest.approx(value)
    assert (reading.why, reading.shown(unit)) == ("", shown)
    assert reading.typed == typed  # kept as typed


def test_approximate_and_bound_are_kept_with_the_reading():
    assert (read_value("约3000", "亩").approximate, read_value("≥95", "%").bound) == (True, "≥")
    assert read_value("95%以上", "%").bound == "≥"


@pytest.mark.parametrize(
    ("typed", "unit", "why"),
    [
        ("12-15", "%", "value-ambiguous"),
        ("94.2%或95%", "%", "value-ambiguous"),
        ("2020年3000", "亩", "value-ambiguous"),
        ("94.2%", "万元", "value-unit-mismatch"),
        ("35mg/m³", "μg/m³", "value-unit-mismatch"),
        ("1.8万", "%", "value-unit-mismatch"),
        ("3000公顷", "亩", "value-unit-mismatch"),
        ("35毫克/立方米", "μg/m³", "value-unit-mismatch"),  # another unit of the same kind is not converted
        ("基本完成", "%", "value-unreadable"),
        ("95 96", "%", "value-ambiguous"),  # two values a space apart were read as 9596
        ("92.5 93", "%", "value-ambiguous"),  # and as 92.593
        ("2021年 3000", "亩", "value-ambiguous"),
        ("2021 3000", "亩", "value-ambiguous"),  # a year and a value, read as 20213000
        ("", "%", "value-unreadable"),
        ("5..", "%", "value-unit-mismatch"),
        (".", "%", "value-unreadable"),
    ],
)
def test_what_could_mean_two_things_is_not_read(typed, unit, why):
    reading = read_value(typed, unit)
    assert (reading.value, reading.why, reading.typed) == (None, why, typed)


def test_thousands_set_apart_by_spaces_are_read():
    typed = ("3 000", "1 234 567", "1\u3000234.5")
    assert [read_value(text, "个").value for text in typed] == [3000, 1234567, 1234.5]


def test_a_number_cell_is_a_number_in_the_unit():
    """Only a cell whose text format a unit removed (or a .csv) gives a number; it is taken as it stands unless
    the cell is formatted as a percentage (see the next test)."""
    assert (read_value(94.2, "%").value, read_value(94.2, "%").typed) == (pytest.approx(94.2), "94.2")
    assert read_value(3000, "亩").value == 3000
    assert read_value(0.942, "%").value == pytest.approx(0.942)


def test_a_percentage_cell_is_read_back_as_percentage_points_and_says_so():
    """Office software holds 94.2% as 0.942 in a cell formatted 0.0%: read ×100, kept as typed, the reading shown."""
    reading = read_value(0.942, "%", percent_cell=True)
    assert (reading.value, reading.typed, reading.why) == (pytest.approx(94.2), "0.942", "")
    assert reading.shown("%") == "0.942（单元格为百分比格式）→ 94.2%"
    assert read_value(0.942, "％", percent_cell=True).value == pytest.approx(94.2)
    # a percentage format on a cell of an indicator counted in another unit changes nothing
    assert read_value(3000, "亩", percent_cell=True).value == 3000


def test_a_number_beyond_fifteen_digits_is_shown_as_a_spreadsheet_shows_it():
    """1E+308 in a 本期完成值 cell was shown as 309 digits beside the indicator in every output; a number beyond the
    fifteen digits a number holds is not read."""
    assert (number_text(1e308), number_text(-2.5e16), number_text(123456789012345.0)) == (
        "1E+308",
        "-2.5E+16",
        "123456789012345",
    )
    # nor is it a figure to judge an indicator by (its 完成率 was written out digit by digit, or as "inf%")
    for typed in (1e308, "9" * 400, "12345678901234567"):
        assert (read_value(typed, "%").value, read_value(typed, "%").why) == (None, "value-unreadable")
    assert read_value(1e308, "%").typed == "1E+308"


def test_units_split_into_scale_and_base():
    assert [split_unit(u) for u in ("万元", "亿元", "%", "亩", "万人")] == [
        (1e4, "元"),
        (1e8, "元"),
        (1, "%"),
        (1, "亩"),
        (1e4, "人"),
    ]
