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
    assert parse_local("7月4日 下午3:30", config(), 2021).replace(tzinfo=None) == datetime(2021, 7, 4, 15, 30)
    for wrong in ("7月4日上午", "2021年13月4日", "昨天", "7月4日10:30"):  # the last: no year to take
        with pytest.raises(ValueError, match="格式不对"):
            parse_local(wrong, config())
