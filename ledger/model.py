"""Plain data shared by every stage: deadlines, units and tasks."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from .cells import tidy

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

    @property
    def text(self) -> str:
        """The deadline as every output writes it: the source's words without the Western spaces offices do not
        write ("2021 年 4 月底前" → "2021年4月底前"); `raw` stays as the source has it."""
        return tidy(self.raw)


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
    former: list[str] = field(default_factory=list)  # 曾用名: names it had before a rename or merge


@dataclass(frozen=True)
class SourceRef:
    """Where a value came from, so every problem can name file, sheet and cell."""

    file: str
    sheet: str | None = None
    row: int | None = None
    cell: str | None = None  # the cell holding the task's 序号 or 任务编号


LifecycleState = Literal["closed", "suspended", "cancelled"]


@dataclass(frozen=True)
class Lifecycle:
    """Where the office has put a task (ledger tasks close/suspend/cancel), from a round on, and why."""

    state: LifecycleState  # closed: 已销号 (counted done); suspended: 暂缓; cancelled: 已取消
    since: str  # the round it applies from, e.g. "2021-07"
    why: str

    @property
    def since_label(self) -> str:
        """The round it applies from, named as every output names it: 2021年7月."""
        return Period.parse(self.since).label


@dataclass(kw_only=True)
class Task:
    """One row of a source task list, with its units resolved; in a round, with the office's changes applied
    (`lifecycle`, a deadline extended, a lead reassigned: see task_changes)."""

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
    lifecycle: Lifecycle | None = None  # closed, suspended or cancelled by the office; None while open
    former_leads: list[str] = field(default_factory=list)  # the leads before a reassignment, for prefill


Direction = Literal["higher", "lower", "qualitative"]


@dataclass(kw_only=True)
class Indicator:
    """One row of an indicator list (指标台账): what is measured, where it started and where it must get to.

    Targets are kept as written ("≥22", "实施") by year; `target_value` reads the number of one, when it has
    exactly one. `cumulative` indicators report the total to date (累计), the others the current level."""

    id: str
    document: str
    number: str
    name: str
    unit: str = ""  # the measurement unit (%, 万元, 个 …); "" when the table says "-"
    category: str = ""
    requirement: str = ""  # 指标要求 as written
    direction: Direction = "higher"
    binding: bool = False  # 约束性 (else 预期性/参考性)
    cumulative: bool = False
    baseline: str = ""  # 基期值 as written
    baseline_year: int | None = None
    targets: dict[int, str] = field(default_factory=dict)  # year -> target as written
    lead_units: list[str] = field(default_factory=list)
    support_units: list[str] = field(default_factory=list)
    lead_text: str = ""
    support_text: str = ""
    source: SourceRef | None = None

    @property
    def baseline_text(self) -> str:
        """基期值 as every output writes it: 100（2021年）, with its year when the table gives one."""
        if self.baseline and self.baseline_year:
            return f"{self.baseline}（{self.baseline_year}年）"
        return self.baseline


PeriodKind = Literal["week", "month", "quarter", "half", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("week", "month", "quarter", "half", "year")  # shortest first
_CN_NUMBERS = "一二三四"
# How each kind of round is named in a column label or a sentence: 本周进展, 本季度进展 …
THIS_ROUND: dict[PeriodKind, str] = {
    "week": "本周",
    "month": "本月",
    "quarter": "本季度",
    "half": "本半年",
    "year": "本年度",
}
LAST_ROUND: dict[PeriodKind, str] = {
    "week": "上周",
    "month": "上月",
    "quarter": "上季度",
    "half": "上期",
    "year": "上年度",
}
PERIOD_FORMS: dict[PeriodKind, str] = {
    "week": "2021-W23",
    "month": "2021-06",
    "quarter": "2021-Q3",
    "half": "2021-H1",
    "year": "2021",
}
# The years a round may be of: a period outside is a slip of the keyboard ("0201-06", "2201-06"), and a year
# before 1000 would not even be written back in four digits.
YEARS = (1900, 2199)
_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("week", re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)),
    ("month", re.compile(r"(\d{4})-(\d{1,2})")),
    ("quarter", re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)),
    ("half", re.compile(r"(\d{4})-?[HS]([12])", re.IGNORECASE)),
    ("year", re.compile(r"(\d{4})()")),
    # the Chinese way, as every output names a period (a clerk copies it from the bulletin or the workbook)
    ("week", re.compile(r"(\d{4})年第(\d{1,2})周(?:\([^()]*\))?")),  # its dates in brackets, NFKC's ( )
    ("month", re.compile(r"(\d{4})年(\d{1,2})月份?")),
    ("quarter", re.compile(r"(\d{4})年第?([一二三四1-4])季度")),
    ("half", re.compile(r"(\d{4})年([上下])半年")),
    ("year", re.compile(r"(\d{4})年(?:全年|度)?()")),
)
_NUMBER_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2}


@dataclass(frozen=True)
class Period:
    """A reporting round or a span of rounds: an ISO week ("2021-W23"), a month ("2021-06"), a quarter
    ("2021-Q3"), a half-year ("2021-H1") or a year ("2021"). Units report in a round on what they did during it;
    a longer period over a ledger of shorter rounds is a summary of the rounds inside it.

    A week's `year` is its ISO year. Periods sort by their first day, the longer first."""

    year: int
    number: int  # the ISO week, month, quarter or half within `year`; 1 for a year
    kind: PeriodKind = "month"

    def __post_init__(self) -> None:
        limit = {"week": date(self.year, 12, 28).isocalendar()[1], "month": 12, "quarter": 4, "half": 2, "year": 1}
        if self.kind not in limit or not 1 <= self.number <= limit[self.kind] or not YEARS[0] <= self.year <= YEARS[1]:
            raise ValueError(f"报告期“{self.year}-{self.kind}-{self.number}”不存在")

    @classmethod
    def of(cls, kind: PeriodKind, year: int, number: int = 1) -> Period:
        return cls(year, number, kind)

    @classmethod
    def parse(cls, text: str) -> Period:
        """A period as written on the command line or in a workbook's metadata, or the Chinese way its label
        writes it ("2021年第三季度"); full-width digits and letters from an input method read as their ASCII
        twins. Raises ValueError in Chinese."""
        bare = "".join(unicodedata.normalize("NFKC", text or "").split())
        for kind, pattern in _PATTERNS:
            m = pattern.fullmatch(bare)
            if m:
                try:
                    return cls.of(kind, int(m[1]), _NUMBER_WORDS.get(m[2]) or int(m[2] or 1))
                except ValueError:
                    break
        forms = "、".join(PERIOD_FORMS.values())
        raise ValueError(f"报告期“{text}”格式不对，应写作 {forms} 之一（周、月、季度、半年、全年）")

    @classmethod
    def named(cls, name: str) -> Period | None:
        """The period a folder or a record file of the tool is named after ("2021-06", as `str` writes it); None
        for any other name, a clerk's folder "2021年6月" or "2021-6" included: its files are not the round's."""
        try:
            found = cls.parse(name)
        except ValueError:
            return None
        return found if str(found) == name else None

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        """The period of a kind that holds a day (a week by its ISO year and number)."""
        if kind == "week":
            iso = day.isocalendar()
            return cls.of("week", iso[0], iso[1])
        number = {"month": day.month, "quarter": (day.month - 1) // 3 + 1, "half": (day.month - 1) // 6 + 1}
        return cls.of(kind, day.year, number.get(kind, 1))

    def __str__(self) -> str:
        if self.kind == "week":
            return f"{self.year}-W{self.number:02d}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "half":
            return f"{self.year}-H{self.number}"
        return f"{self.year}"

    def __repr__(self) -> str:
        return f"Period('{self}')"

    def _key(self) -> tuple[date, int]:
        return self.start, -PERIOD_KINDS.index(self.kind)

    def __lt__(self, other: Period) -> bool:
        return self._key() < other._key()

    def __le__(self, other: Period) -> bool:
        return self._key() <= other._key()

    def __gt__(self, other: Period) -> bool:
        return self._key() > other._key()

    def __ge__(self, other: Period) -> bool:
        return self._key() >= other._key()

    @property
    def start(self) -> date:
        """The period's first day."""
        if self.kind == "week":
            return date.fromisocalendar(self.year, self.number, 1)
        first_month = {"month": self.number, "quarter": 3 * self.number - 2, "half": 6 * self.number - 5, "year": 1}
        return date(self.year, first_month[self.kind], 1)

    @property
    def end(self) -> date:
        """The period's last day."""
        if self.kind == "week":
            return date.fromisocalendar(self.year, self.number, 7)
        last_month = {"month": self.number, "quarter": 3 * self.number, "half": 6 * self.number, "year": 12}
        month = last_month[self.kind]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def last_day(self) -> date:
        return self.end

    @property
    def label(self) -> str:
        """The period the Chinese way: 2021年6月, 2021年第三季度, 2021年上半年, 2021年第23周（6月7日至6月13日）."""
        if self.kind == "week":
            start, end = self.start, self.end
            to = f"{end.year}年{end.month}月{end.day}日" if end.year != start.year else f"{end.month}月{end.day}日"
            first = (
                f"{start.year}年{start.month}月{start.day}日"
                if start.year != self.year
                else (f"{start.month}月{start.day}日")
            )
            return f"{self.year}年第{self.number}周（{first}至{to}）"
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{_CN_NUMBERS[self.number - 1]}季度"
        if self.kind == "half":
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        return f"{self.year}年"

    @property
    def brief_label(self) -> str:
        """The label without a week's dates, for a name already inside brackets ("与上期（2021年第23周）相比", not
        brackets in brackets); every other period as `label`."""
        return f"{self.year}年第{self.number}周" if self.kind == "week" else self.label

    @property
    def short_label(self) -> str:
        """The period without its year, for text that already names the year: 6月, 第三季度, 上半年, 第23周."""
        if self.kind == "week":
            return f"第{self.number}周"
        return self.label.removeprefix(f"{self.year}年") or "全年"

    @property
    def this_round(self) -> str:
        """本周, 本月, 本季度, 本半年 or 本年度: how a workbook's column names the round."""
        return THIS_ROUND[self.kind]

    @property
    def last_round(self) -> str:
        """上周, 上月, 上季度 …: how a column names the round before (上期 for half-years, 上半年 being a name)."""
        return LAST_ROUND[self.kind]

    def previous(self) -> Period:
        """The period of the same kind just before."""
        return Period.containing(self.kind, self.start - timedelta(days=1))

    def next(self) -> Period:
        """The period of the same kind just after."""
        return Period.containing(self.kind, self.end + timedelta(days=1))

    def begins_by(self, other: Period) -> bool:
        """Whether this period has begun by the day `other` begins: a change recorded from it applies in `other`.
        By the first day, not by the order of periods (in which the third quarter comes before July, its first
        month): a change recorded from July, before the ledger turned quarterly, applies from the third quarter."""
        return self.start <= other.start

    def longer_than(self, kind: PeriodKind) -> bool:
        return PERIOD_KINDS.index(self.kind) > PERIOD_KINDS.index(kind)

    def owns(self, other: Period) -> bool:
        """Whether `other` counts as inside this period: a week by its Thursday (the ISO rule that also gives a
        week its year), any other period by being within it."""
        if other.kind == "week" and self.kind != "week":
            thursday = other.start + timedelta(days=3)
            return self.start <= thursday <= self.end
        return self.start <= other.start and other.end <= self.end

    def rounds(self, kind: PeriodKind) -> list[Period]:
        """The periods of a (shorter or equal) kind inside this one, in order."""
        first = Period.containing(kind, self.start)
        if not self.owns(first):
            first = first.next()
        found = []
        while self.owns(first):
            found.append(first)
            first = first.next()
        return found

    def months_after(self, months: int) -> date:
        """The first day of the month `months` after the period's last month (1: the month after it)."""
        index = self.end.year * 12 + self.end.month - 1 + months
        return date(index // 12, index % 12 + 1, 1)
