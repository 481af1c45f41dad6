"""The office's clock: every date decision (late or on time, report dates, lights) in the workspace's time zone.

A file stamped 07:30 on the 6th in Beijing is 23:30 on the 5th in UTC; deciding "late" in UTC would call it on
time. So every moment (a mail's Date, a file's modification time, a time the clerk types) is turned into the
office's local time here, in `[ledger] timezone` (default Asia/Shanghai), before a date is taken from it.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .config import DEFAULT_TIMEZONE, Config
from .model import Period

FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９：／－", "0123456789:/-")

__all__ = [
    "DEFAULT_TIMEZONE",
    "from_timestamp",
    "local_date",
    "local_time",
    "nearest_year",
    "now",
    "now_in",
    "office_zone",
    "parse_local",
    "plausible_received",
    "received_window",
    "today",
]

# A received time may run ahead of the office's clock by this much (a server's clock, a zone slip), no more.
CLOCK_SLACK = timedelta(days=1)


def received_window(period: Period, now: datetime) -> tuple[datetime, datetime]:
    """When a return of `period` can have been received, seen at `now` (office time): from the first moment of
    the round to a day after now. The one window for received times, and for the report date that follows
    the last return counted."""
    return datetime.combine(period.start, time(), now.tzinfo), now + CLOCK_SLACK


def plausible_received(moment: datetime, period: Period, now: datetime) -> bool:
    """Whether a received time can be believed (see `received_window`); a naive moment is taken in now's zone."""
    start, limit = received_window(period, now)
    return start <= (moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)) <= limit


def office_zone(config: Config) -> ZoneInfo:
    return config.zone


def now(config: Config) -> datetime:
    """The current time in the office's zone."""
    return datetime.now(config.zone)


def now_in(timezone: str = DEFAULT_TIMEZONE) -> datetime:
    """The current time in a named zone, for when there is no configuration yet (ledger init)."""
    return datetime.now(ZoneInfo(timezone))


def today(config: Config) -> date:
    """Today's date in the office."""
    return now(config).date()


def local_time(moment: datetime, config: Config) -> datetime:
    """A moment in the office's zone. A naive moment is taken as already local, as a clerk types it."""
    zone = config.zone
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def local_date(moment: datetime | str, config: Config) -> date:
    """The office's calendar day of a moment (an ISO string, as receipts keep it, or a datetime)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return local_time(moment, config).date()


def from_timestamp(seconds: float, config: Config) -> datetime:
    """A POSIX timestamp (a file's modification time) in the office's zone."""
    return datetime.fromtimestamp(seconds, UTC).astimezone(config.zone)


# "2021年7月4日 10:30", "2021年7月4日10时30分", "2021.7.4 10:30", "7月4日 下午3点半": as a clerk writes a time in
# Chinese. Compiled (by `re`, once) when a typed time is not ISO: compiling its classes took a millisecond of every
# command's start.
CHINESE_TIME = (
    r"(?:(?P<year>\d{4})\s*[年.\-/／]\s*(?P<month>\d{1,2})\s*[月.\-/／]|(?P<short_month>\d{1,2})\s*月)"
    r"\s*(?P<day>\d{1,2})\s*日?(?:\s*(?P<half>上午|早上|中午|下午|晚上)?\s*(?P<hour>\d{1,2})\s*[:：时点]"
    r"\s*(?:(?P<minute>\d{1,2})\s*分?(?:\s*[:：]\s*(?P<second>\d{1,2})\s*秒?)?|(?P<thirty>半))?)?"
)
# The hours a half-day word can go with, and the hour of the day each is: 下午3点 is 15:00, 下午15点 too; 上午12点
# and 晚上12点 could be noon or midnight and are none.
HALF_DAY_HOURS = {
    "上午": {h: h for h in range(12)},
    "早上": {h: h for h in range(12)},
    "中午": {11: 11, 12: 12, 1: 13, 2: 14},
    "下午": {12: 12} | {h: h + 12 for h in range(1, 12)} | {h: h for h in range(13, 24)},
    "晚上": {h: h + 12 for h in range(1, 12)} | {h: h for h in range(13, 24)},
}


def nearest_year(month: int, day: int, near: date) -> int:
    """The year of a day typed for a round without one ("12月28日10:30", a report date 1月10日, a due date 9月12日):
    the year that puts it nearest `near`, the day the round's returns are due. December's returns are due in
    January: its 12月28日 is of the December before, its 1月10日 of that January. The one rule every year-less day
    typed for a round is read by (the task list's deadlines take the ledger's year instead). Raises ValueError
    for a day no year near has (2月30日)."""
    found = []
    for year in (near.year - 1, near.year, near.year + 1):
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue  # 2月29日 outside a leap year
    if not found:
        raise ValueError(f"{month}月{day}日")
    return min(found, key=lambda d: abs(d - near)).year


def parse_local(text: str, config: Config, near: date | None = None) -> datetime:
    """A time the clerk types ("2021-07-04 10:30", "2021-07-04T10:30:15", "2021/07/04", "2021年7月4日 10:30",
    "2021年7月4日10时30分", "2021年7月4日 下午3:30"), in the office's zone; a day written without its year
    ("7月4日10:30") is of the year nearest `near` (`nearest_year`), and refused without one.

    Raises ValueError with a Chinese message naming the expected form."""
    cleaned = text.strip().translate(FULL_WIDTH_DIGITS)
    try:
        moment = datetime.fromisoformat(cleaned.replace("/", "-"))
    except ValueError:
        try:
            moment = _chinese_time(cleaned, near)
        except ValueError as exc:
            raise ValueError(f"时间“{text}”格式不对，应写作“2021-07-04 10:30”或“2021年7月4日10:30”") from exc
    return local_time(moment, config)


def _chinese_time(cleaned: str, near: date | None) -> datetime:
    match = re.fullmatch(CHINESE_TIME, cleaned)
    if not match:
        raise ValueError(cleaned)
    found = match.groupdict()
    hour = int(found["hour"] or 0)
    if found["half"]:
        hour = HALF_DAY_HOURS[found["half"]].get(hour, -1)  # -1: no hour, refused below
    month, day = int(found["month"] or found["short_month"]), int(found["day"])
    if found["year"]:
        written = int(found["year"])
    elif near is not None:
        written = nearest_year(month, day, near)
    else:
        raise ValueError(cleaned)
    minute = 30 if found["thirty"] else int(found["minute"] or 0)
    return datetime(written, month, day, hour, minute, int(found["second"] or 0))
