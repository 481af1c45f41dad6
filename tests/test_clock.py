"""The office's clock: dates are taken in the workspace's time zone, not in UTC."""

from datetime import UTC, date, datetime
from pathlib import Path

from ledger.clock import local_date, local_time
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
