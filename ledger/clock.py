"""The office's clock: every date decision (late or on time, report dates, lights) in the workspace's time zone.

A file stamped 07:30 on the 6th in Beijing is 23:30 on the 5th in UTC; deciding "late" in UTC would call it on
time. So received times are turned into the office's local time before a date is taken from them.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from .config import Config

DEFAULT_TIMEZONE = "Asia/Shanghai"


def office_zone(config: Config) -> ZoneInfo:
    return ZoneInfo(config.timezone)


def now(config: Config) -> datetime:
    """The current time in the office's zone."""
    return datetime.now(office_zone(config))


def today(config: Config) -> date:
    return now(config).date()


def local_time(moment: datetime, config: Config) -> datetime:
    """A moment in the office's zone; a naive moment is taken as already local."""
    zone = office_zone(config)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def local_date(moment: datetime | str, config: Config) -> date:
    """The office's calendar day of a moment (an ISO string, as receipts keep it, or a datetime)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return local_time(moment, config).date()
