from datetime import date

import pytest

from ledger.config import Rhythm
from ledger.deadlines import scheduled_due
from ledger.model import Period


def test_period_parsing_and_arithmetic():
    june = Period.parse("2021-06")
    assert (str(june), june.label, june.last_day) == ("2021-06", "2021年6月", date(2021, 6, 30))
    assert (str(june.previous()), str(Period(2021, 1).previous()), str(Period(2021, 12).next())) == (
        "2021-05",
        "2020-12",
        "2022-01",
    )
    assert scheduled_due(june, Rhythm(due_day=5)) == date(2021, 7, 5)
    assert scheduled_due(Period(2021, 1), Rhythm(due_day=31)) == date(2021, 2, 28)


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2021年6月", "2021-06"),
        ("2021年06月份", "2021-06"),
        ("２０２１－０６", "2021-06"),  # full-width, from a Chinese input method
        ("2021年第三季度", "2021-Q3"),
        ("2021年3季度", "2021-Q3"),
        ("2021年上半年", "2021-H1"),
        ("2021年下半年", "2021-H2"),
        ("2021年", "2021"),
        ("2021年全年", "2021"),
        ("2021年第23周（6月7日至6月13日）", "2021-W23"),
        ("2021年 第23周", "2021-W23"),
    ],
)
def test_a_period_copied_the_chinese_way_from_an_output_is_read(text, period):
    assert str(Period.parse(text)) == period
    assert Period.parse(Period.parse(text).label) == Period.parse(text)  # every label reads back


@pytest.mark.parametrize(
    "text",
    [
        "2021年13月",
        "2021年第五季度",
        "2021年中半年",
        "2021年第53周",
        "2021-13",
        "2021/06",
        "六月",
        "",
        "0201-06",
        "2201-06",
        "9999-12",
        "2021-W53",
    ],
)
def test_bad_period(text):
    with pytest.raises(ValueError, match="2021-06"):
        Period.parse(text)
