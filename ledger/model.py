"""Plain data shared by every stage: deadlines, units and tasks."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

DeadlineKind = Literal["date", "range", "ongoing", "recurring", "none", "unknown"]


@dataclass(frozen=True)
class Deadline:
    """A deadline as written in the source, with what it means in dates.

    kind is one of: "date" (due on .due), "range" (from .start to .due),
    "ongoing" (长期坚持 and the like, never overdue), "recurring" (每月 …, .every says how often),
    "none" (nothing written) and "unknown" (written but not understood; .raw keeps the text).
    """

    raw: str
    kind: DeadlineKind
    start: date | None = None
    due: date | None = None
    every: str | None = None


@dataclass(kw_only=True)
class Unit:
    """One organisation that leads or supports tasks and reports on them."""

    name: str
    aliases: list[str] = field(default_factory=list)
    kind: str = ""
    groups: list[str] = field(default_factory=list)
    contact: str = ""
    emails: list[str] = field(default_factory=list)
    phone: str = ""


@dataclass(frozen=True)
class SourceRef:
    """Where a value came from, so every problem can name file, sheet and cell."""

    file: str
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None  # the cell holding the task's 序号 or 任务编号


@dataclass(kw_only=True)
class Task:
    """One row of a source task list, with its units resolved."""

    id: str
    document: str
    number: str
    measure: str
    deadline: Deadline
    category: str = ""
    title: str = ""
    lead_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    vague_units: list[str] = field(default_factory=list)
    lead_text: str = ""
    support_text: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    source: SourceRef | None = None


@dataclass(frozen=True, order=True)
class Period:
    """A reporting month, written "2021-06": units report in it on what they did during that month."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", text or "")
        if not m or not 1 <= int(m[2]) <= 12:
            raise ValueError(f"报告期“{text}”格式不对，应写作 2021-06")
        return cls(int(m[1]), int(m[2]))

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def start(self) -> date:
        """The round's first day."""
        return date(self.year, self.month, 1)

    @property
    def end(self) -> date:
        """The round's last day."""
        return self.last_day

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def return_deadline(self, due_day: int) -> date:
        """Returns for a month are due on due_day of the following month ("每月 5 日前")."""
        following = self.next()
        return date(following.year, following.month, min(due_day, following.last_day.day))
