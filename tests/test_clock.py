"""The office's clock: dates are taken in the workspace's time zone, not in UTC."""

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ledger.clock import local_date, local_time, parse_local
from ledger.config import Config, Office


def config(timezone: str = "Asia/Shanghai") -> Config:
    return Config(root=Path("."), title="测试台账", year=2021, office=Office(), timezone=timezone)


def test_a_morning_in_beijing_is_that_day_not_the_day_before():
    stamped = datetime(2021, 7, 5, 23, 30, tzinfo=UTC)  # 07:30 on the 6th in Beijing
    assert local_date(stamped, config()) == date(2021, 7, 6)
    assert local_date(stamped.isoformat(), config()) == date(2021, 7, 6)
    assert local_date(stamped, config("UTC")) == date(2021, 7, 5)


def test_a_naive_time_is_taken_as_the_offices_own():
    assert local_time(datetime(2021, 7, 6, 7, 30), config()).utcoffset().total_seconds() == 8 * 3600


def test_a_time_typed_as_a_clerk_writes_it():
    expected = datetime(2021, 7, 4, 10, 30)
    for typed in (
        "2021-07-04 10:30",
        "2021/7/4 10:30",
        "2021年7月4日 10:30",
        "2021年7月4日10时30分",
        "２０２１年７月４日 10：30",
    ):
        assert parse_local(typed, config()).replace(tzinfo=None) == expected, typed
    assert parse_local("2021年7月4日", config()).replace(tzinfo=None) == datetime(2021, 7, 4)
    near = date(2021, 7, 9)  # the day the round's returns are due
    assert parse_local("7月4日 下午3:30", config(), near).replace(tzinfo=None) == datetime(2021, 7, 4, 15, 30)
    for wrong in ("7月4日上午", "2021年13月4日", "昨天", "7月4日10:30"):  # the last: no year to take
        with pytest.raises(ValueError, match="格式不对"):
            parse_local(wrong, config())


def test_a_day_typed_without_its_year_is_the_one_nearest_the_rounds_due_day():
    """December's returns are due in January: its 12月28日 is the December before (the year of the due day made it
    a year late), its 1月4日 the January of the due day; a 2月29日 is of the leap year near it."""
    due = date(2022, 1, 5)
    assert parse_local("12月28日10:30", config(), due).replace(tzinfo=None) == datetime(2021, 12, 28, 10, 30)
    assert parse_local("1月4日 下午3点", config(), due).replace(tzinfo=None) == datetime(2022, 1, 4, 15, 0)
    assert parse_local("2021年12月28日", config(), date(2023, 1, 5)).date() == date(2021, 12, 28)  # written: kept
    assert parse_local("2月29日", config(), date(2024, 3, 5)).date() == date(2024, 2, 29)
    with pytest.raises(ValueError, match="格式不对"):
        parse_local("2月30日", config(), due)
