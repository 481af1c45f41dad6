"""Chinese deadline expressions ("2021 年年底前", "6 月底前", "2021-2025") turned into dates.

Real documents write them in many ways: Chinese numerals (二〇二一年十二月底前), traditional characters (長期堅持),
上旬/中旬/下旬, "…起" (ongoing from a day), day ranges ("9月15日-25日"), recurring forms ("每季度末月20日前").
What cannot be read comes back as kind "unknown", never as a guessed date.
"""

from __future__ import annotations

import functools
import re
from calendar import monthrange
from datetime import date, datetime, timedelta

import chinese_calendar

from .clock import nearest_year
from .config import Rhythm, WorkCalendar
from .model import Deadline, Period
from .problems import Problem, problem

# A year named relative to the ledger's: "次年1月底前" (an annual plan's report due the January after), "当年完成".
_NEXT_YEAR = re.compile(r"次年|明年|翌年|下一年|下年")
_THIS_YEAR = re.compile(r"(?:当年|(?<!基)本年|今年)(?:度)?(?=内|底|末|年|\d|第|上|下|完成|$)")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－／", "0123456789.-/")
# Traditional forms of the words deadlines are written with (長期堅持, 持續推進, 每個季度, 年內 …).
_TRADITIONAL = str.maketrans("長堅續進態內個週於號開實執", "长坚续进态内个周于号开实执")
_DASHES = re.compile(r"\s*(?:—+|–|－|~|～|至|到)\s*")
_BEFORE = r"(?:前|之前|以前)?"
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_CN_NUMERAL = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Chinese numerals in front of 年/月/日/号: 二〇二一年十二月三十日.
_CN_DATE_NUMBER = re.compile(r"([〇零一二三四五六七八九十]+)(?=[年月日号])")
# Words around a deadline that do not change it: "到2025年底前", "力争6月底前", "于每季度…".
_LEAD_WORDS = re.compile(r"^(?:-|力争|确保|争取|要在|要于|在|于|到|至|截至|截止)")
_MONTH_BEFORE = re.compile(r"(?<![\d.\-/])\d{1,2}月份?(?:之前|以前|前)(?!后)")  # "9月前后" is around it
_STARTS = re.compile(r"启动|开工|动工|开始")
_ENDS = re.compile(r"完成|建成|完工|竣工|到位|办结|结束|投用|投运")
# Words after it that say the work is done by then ("2021年上半年完成"); "…启动" is a start, not an end.
_DONE_WORDS = re.compile(r"(?:完成|建成|完工|到位|办结)$")
# "9月前后", "3月左右": around that time, read as its latest day (no task turns overdue before the time named).
_AROUND = re.compile(r"(?:前后|左右)$")

_ONGOING = re.compile(r"长期坚持|长期推进|持续推进|持续开展|持续|常态化|长期|长效")
_RECURRING = {
    "每个月": "month",
    "每月": "month",
    "每个季度": "quarter",
    "每季度": "quarter",
    "每季": "quarter",
    "每半年": "half-year",
    "每年": "year",
    "每周": "week",
}

_YEAR = r"(?:(\d{4})年?)"
_RANGE = re.compile(rf"^{_YEAR}-{_YEAR}$")
_MONTH_RANGE = re.compile(r"^(\d{4})年(\d{1,2})月?-(?:(\d{4})年)?(\d{1,2})月?(?:底|末)?" + _BEFORE + "$")
_DAY = re.compile(
    rf"^{_YEAR}?(\d{{1,2}})月(\d{{1,2}})[日号]{_BEFORE}$|^(\d{{4}})[.\-/](\d{{1,2}})[.\-/](\d{{1,2}}){_BEFORE}$"
)
# A day as a system export writes it (20210630), and as an English-language Excel does, the year last (30/06/2021
# or 06/30/2021): read only when the day is past 12, so that the order cannot be mistaken.
_COMPACT_DAY = re.compile(rf"^(\d{{4}})(\d{{2}})(\d{{2}}){_BEFORE}$")
_YEAR_LAST_DAY = re.compile(rf"^(\d{{1,2}})([./\-])(\d{{1,2}})\2(\d{{4}}){_BEFORE}$")
# A day as a clerk writes it short, month first and no year ("6.30前", "12/31"): a program writing the day first
# always writes the year too.
_SHORT_DOT_DAY = re.compile(rf"^(\d{{1,2}})[./](\d{{1,2}}){_BEFORE}$")
_TEN_DAYS = re.compile(rf"^{_YEAR}?(\d{{1,2}})月(上|中|下)旬(?:末)?{_BEFORE}$")
_MONTH = re.compile(rf"^{_YEAR}?(\d{{1,2}})月(?:底|末|份)?{_BEFORE}$|^(\d{{4}})[.\-/](\d{{1,2}}){_BEFORE}$")
_YEAR_END = re.compile(rf"^{_YEAR}?(?:年底|年末|底|末|年内|内){_BEFORE}$")
# A five-year plan by its number, 十一五 to 十九五 ("“十四五”期间", "十四五末"): the 3rd plan began in 1966, and
# each after it five years later; "十五" alone (the 10th, 2001–2005) is not read, being also the number 15.
_PLAN = re.compile(r"^[“\"]?十([一二三四五六七八九])五[”\"]?(?:规划)?(?:期间|时期)?(末|期末|末期)?" + _BEFORE + "$")
_MID_YEAR = re.compile(rf"^{_YEAR}?年中{_BEFORE}$")  # "年中", "2022年年中前": by the end of June
_WHOLE_YEAR = re.compile(rf"^{_YEAR}?全年(?:持续推进|持续实施|持续开展)?$")
# A month range written without its year ("6-9月"): the months of the ledger's year, as "6月-9月" is.
_SHORT_MONTH_RANGE = re.compile(r"^\d{1,2}月?-\d{1,2}月")
_HALF = re.compile(rf"^{_YEAR}?(上|下)半年(?:底|末|内)?{_BEFORE}$")
_QUARTER = re.compile(rf"^{_YEAR}?第?([一二三四1-4])季度(?:底|末|内)?{_BEFORE}$")
_YEAR_ONLY = re.compile(rf"^(\d{{4}})年?{_BEFORE}$")
_SINCE = re.compile(r"^(?:自|从)?(.*?)(?:起|开始)(?:实施|执行|施行|长期坚持|持续推进)?$")
# The end of a day range written without its month or year: "9月15日-25日", "2021年3月-6月底".
_SHORT_DAY = re.compile(r"^(\d{1,2})[日号]" + _BEFORE + "$")
_SHORT_MONTH = re.compile(r"^(\d{1,2})月")
_DATES_ONLY = re.compile(r"[\d年月日号底末前上中下旬起即.\-/]+")
# A holiday as the deadline ("国庆节前", "“五一”前", "2022年春节前"): due the day before it. 国庆 (十一, as
# offices write it, but not 十一月 or 第十一), 五一 and 元旦 are fixed days, 清明 a solar term (4 or 5 April,
# computed for any year); 春节, 端午 and 中秋 move with the lunar calendar, and are dated by the national holiday
# calendar (chinesecalendar), which knows their days off, not the festival itself: due the day before the first
# day off.
_FIXED_HOLIDAYS = {"元旦": (1, 1), "五一": (5, 1), "劳动": (5, 1), "国庆": (10, 1), "十一": (10, 1)}
_LUNAR_HOLIDAYS = {
    "春节": chinese_calendar.Holiday.spring_festival,
    "端午": chinese_calendar.Holiday.dragon_boat_festival,
    "中秋": chinese_calendar.Holiday.mid_autumn_festival,
}
# During a holiday ("国庆期间", "2022年春节期间"): its days off, as the national holiday calendar gives them.
_CALENDAR_HOLIDAYS = {
    "元旦": chinese_calendar.Holiday.new_years_day,
    "五一": chinese_calendar.Holiday.labour_day,
    "劳动": chinese_calendar.Holiday.labour_day,
    "国庆": chinese_calendar.Holiday.national_day,
    "十一": chinese_calendar.Holiday.national_day,
    "清明": chinese_calendar.Holiday.tomb_sweeping_day,
    **_LUNAR_HOLIDAYS,
}
_HOLIDAY_NAME = r"元旦|五一|劳动(?=节)|国庆|(?<![第\d〇零一二三四五六七八九十])十一(?![月五])|清明|春节|端午|中秋"
_HOLIDAY_AFTER = r"[”\"]?(?:劳动)?节?(?:假期|放假|长假|黄金周)?"
_HOLIDAY = re.compile(rf"^{_YEAR}?[“\"]?({_HOLIDAY_NAME}){_HOLIDAY_AFTER}(?:前|之前|以前)$")
# Two holidays before one 前 ("中秋国庆前", "“中秋”“国庆”双节前", "2022年元旦春节前"): before the first of them, as
# the work is to be done before the holidays begin; "中秋前排查，国庆前整改" names two times, each with its 前.
_TWO_HOLIDAYS = (
    rf"[“\"]?({_HOLIDAY_NAME}){_HOLIDAY_AFTER}[、和及与]?[“\"]?({_HOLIDAY_NAME}){_HOLIDAY_AFTER}"
    r"(?:[“\"]?[双两]节[”\"]?)?(?:假期|放假)?(?:前|之前|以前)"
)
_JOINT = re.compile(rf"^{_YEAR}?{_TWO_HOLIDAYS}$")
_DURING = rf"[“\"]?({_HOLIDAY_NAME}){_HOLIDAY_AFTER}期间"
_HOLIDAY_DAYS = re.compile(rf"^{_YEAR}?{_DURING}$")
# A holiday the words do not name ("双节前": 中秋 and 国庆, or 元旦 and 春节; "年前": 元旦 or 春节; "节前"), or a time
# around one ("国庆节前后", with no last day): never turned into a date.
_WHICH_HOLIDAY = re.compile(
    r"[双两]节(?=[”\"]?(?:假期)?(?:前|之前|以前))|(?<![\d年〇一二三四五六七八九十两几半全今本当去明每过])年(?=前|之前|以前)"
    r"|(?:(?<![\u4e00-\u9fff”\"])|(?<=确保|力争|争取)|(?<=[在于]))节日?(?=前|之前|以前)"
)
_AROUND_HOLIDAY = re.compile(rf"({_HOLIDAY_NAME}){_HOLIDAY_AFTER}前后")
_WHICH_MEANINGS = {
    "双节": "可指中秋、国庆，也可指元旦、春节",
    "两节": "可指元旦、春节，也可指中秋、国庆",
    "年前": "可指元旦前，也可指春节前",
}
# Words for a time of year whose days each region sets ("汛期前", "入汛前"): never turned into a date.
_SEASON = re.compile(r"汛期|汛前|汛后|入汛")  # not 防汛物资: a thing, not a time
# A year written in a sentence before a time, which holds for the times after it ("2022年年中前排查，年底前整治");
# not one before other words ("巩固2020年成果，6月底前完成").
_WRITTEN_YEAR = re.compile(
    rf"(\d{{4}})年(?=\d|年|底|末|上半|下半|第|[一二三四1-4]季|全年|内|前|度|[“\"]?(?:{_HOLIDAY_NAME}))"
)
# Used to find the dates inside free text such as "6 月底前完成排查，年底前完成整治"; a year written in the
# phrase ("到2025年底前") belongs to the date it precedes; "2021年中秋前" is 中秋, not 年中.
_EMBEDDED = re.compile(
    rf"(?:\d{{4}}年)?{_TWO_HOLIDAYS}(?!后)|(?:\d{{4}}年)?{_DURING}"
    rf"|(?:\d{{4}}年)?[“\"]?(?:{_HOLIDAY_NAME}){_HOLIDAY_AFTER}(?:前|之前|以前)(?!后)"
    r"|\d{4}年(?:\d{1,2}月(?:\d{1,2}[日号]|[上中下]旬|底|末)?|年底|年末|底|末)"
    r"|\d{4}年(?:内|全年)?(?=(?:前|之前)?(?:全部|全面|基本)?(?:完成|建成|完工|到位|办结|实现|投用|投运))"  # 2025年完成
    r"|\d{1,2}月(?:\d{1,2}[日号]|[上中下]旬|底|末)?|年底|年末|年内|全年|[上下]半年|第?[一二三四1-4]季度(?:末|底)?"
    r"|年中(?=前|之前|以前|左右|完成|建成|完工|到位|办结|[^\u4e00-\u9fff]|$)"  # not 2021年中小学, 年中期
)


def _month_end(year: int, month: int) -> date:
    return date(year, month, monthrange(year, month)[1])


def _arabic(numeral: str) -> str:
    """二〇二一 -> 2021 (digit by digit), 十二 -> 12, 二十五 -> 25."""
    if "十" not in numeral:
        return "".join(str(_CN_NUMERAL[c]) for c in numeral if c in _CN_NUMERAL)
    tens, _, units = numeral.partition("十")
    return str((_CN_NUMERAL.get(tens, 1) if tens else 1) * 10 + (_CN_NUMERAL.get(units, 0) if units else 0))


def _normalise(text: str) -> str:
    text = text.translate(_FULLWIDTH).translate(_TRADITIONAL).replace("\u3000", " ")
    text = _CN_DATE_NUMBER.sub(lambda m: _arabic(m.group(1)), text)
    text = _DASHES.sub("-", text.strip())
    return re.sub(r"\s+", "", text)


def parse_deadline(text: str | None, year: int | None = None) -> Deadline:
    """Read a deadline as offices write it. year fills in expressions without one ("6 月底前").

    A year written in the phrase always wins over `year`. Never raises: text it cannot read comes back as
    kind "unknown" with .raw kept, so the caller can report the cell instead of crashing.
    """
    raw = "" if text is None else str(text).strip()
    if not raw:
        return Deadline(raw, "none")
    s = _normalise(raw)
    if year is not None:  # "次年1月" is January of the year after the ledger's, never of its own
        s = _THIS_YEAR.sub(f"{year}年", _NEXT_YEAR.sub(f"{year + 1}年", s))
    found = _parse(s, raw, year)
    if found is None and not _DATES_ONLY.fullmatch(s):  # "9月25日-15日" is no sentence to search in
        found = _parse_embedded(s, raw, year)
    return found or Deadline(raw, "unknown")


def typed_day(text: str, year: int) -> date | None:
    """One day as a clerk types it: 2021-09-30, or as offices write it (2021年9月30日; `year` for 9月30日); None for
    anything else (a month, a phrase, a slip)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        s = _normalise(text)
        if not any(form.match(s) for form in (_DAY, _COMPACT_DAY, _YEAR_LAST_DAY, _SHORT_DOT_DAY)):
            return None  # "9月底", "国庆节前": a time, read as a day only where a deadline is written
        parsed = parse_deadline(text, year)
        return parsed.due if parsed.kind == "date" else None


def typed_round_day(text: str, near: date) -> date | None:
    """`typed_day` for a day typed for a round (a report date): one without its year is of the year that puts it
    nearest `near`, the day the round's returns are due (`clock.nearest_year`: December's 12月31日 is of the
    December before its January due date), not of the ledger's year as a deadline in the task list is."""
    day = typed_day(text, near.year)
    if day is None or typed_day(text, near.year + 1) == day:  # no day, or one written with its year
        return day
    return day.replace(year=nearest_year(day.month, day.day, near))


def month_before(deadline: Deadline) -> bool:
    """Whether a date was written "6月前": before June, or by its end? It is read as the month's end (no task
    turns overdue a month early), and the reader says so (deadline-month-before) rather than pass it as fact."""
    return deadline.kind == "date" and bool(_MONTH_BEFORE.search(_normalise(deadline.raw)))


def start_only(deadline: Deadline) -> bool:
    """Whether the words only say when the work starts ("2021年底前启动", "…开工建设"): the date is counted as its
    end all the same, and the reader says so (deadline-start-only) rather than pass it as the completion date."""
    text = _normalise(deadline.raw)
    return deadline.kind == "date" and bool(_STARTS.search(text)) and not _ENDS.search(text)


def _year(found: str | None, default: int | None) -> int:
    value = int(found) if found else default
    if value is None:
        raise ValueError("no year")
    return value


def _parse(s: str, raw: str, year: int | None) -> Deadline | None:
    try:
        bare = _AROUND.sub("", _DONE_WORDS.sub("", _LEAD_WORDS.sub("", s)))
        return _parse_whole(s, raw, year) or _parse_whole(bare, raw, year)
    except ValueError:  # no year to go by, or a month 13 / day 32: written, but not a date
        return None


def _parse_whole(s: str, raw: str, year: int | None) -> Deadline | None:
    if not s:
        return None
    if "年度" in s:  # "2021年度": the year as a whole, as 全年; "2021-2022年度": those years
        s = re.sub(r"^(\d{4})年度$", r"\1年全年", s).replace("年度", "年")
    if year is not None and _SHORT_MONTH_RANGE.match(s):
        s = f"{year}年{s}"
    for word, every in _RECURRING.items():
        if s.startswith(word):
            return Deadline(raw, "recurring", every=every)
    if _ONGOING.fullmatch(s) or (_ONGOING.match(s) and not re.search(r"\d", s)):
        return Deadline(raw, "ongoing")
    if m := _RANGE.match(s):
        first, last = int(m[1]), int(m[2])
        return Deadline(raw, "range", date(first, 1, 1), date(last, 12, 31))
    if m := _MONTH_RANGE.match(s):
        first_year = int(m[1])
        last_year = int(m[3]) if m[3] else first_year
        return Deadline(raw, "range", date(first_year, int(m[2]), 1), _month_end(last_year, int(m[4])))
    single = _single(s, raw, year)
    if single is not None:
        return single
    if s in ("即日起", "即日开始", "即日起实施"):
        return Deadline(raw, "ongoing")
    if (m := _SINCE.match(s)) and m[1]:
        since = _beginning(m[1], raw, year)
        return None if since is None else Deadline(raw, "ongoing", start=since)
    if "-" in s:
        return _range(s, raw, year)
    return None


def _single(s: str, raw: str, year: int | None) -> Deadline | None:
    """One point or period in time: a day, a month, a year's end, a half year, a quarter."""
    if m := _DAY.match(s):
        if m[5]:
            return Deadline(raw, "date", due=date(int(m[4]), int(m[5]), int(m[6])))
        return Deadline(raw, "date", due=date(_year(m[1], year), int(m[2]), int(m[3])))
    if m := _COMPACT_DAY.match(s):
        return Deadline(raw, "date", due=date(int(m[1]), int(m[2]), int(m[3])))
    if (m := _YEAR_LAST_DAY.match(s)) and (int(m[1]) > 12) != (int(m[3]) > 12):
        day, month = (int(m[1]), int(m[3])) if int(m[1]) > 12 else (int(m[3]), int(m[1]))
        return Deadline(raw, "date", due=date(int(m[4]), month, day))
    if (m := _SHORT_DOT_DAY.match(s)) and year is not None:
        try:
            return Deadline(raw, "date", due=date(year, int(m[1]), int(m[2])))
        except ValueError:  # 30.6, 6.31: not a day month first
            return None
    if m := _TEN_DAYS.match(s):
        y, month = _year(m[1], year), int(m[2])
        due = {"上": date(y, month, 10), "中": date(y, month, 20)}.get(m[3]) or _month_end(y, month)
        return Deadline(raw, "date", due=due)
    if m := _MONTH.match(s):
        if m[4]:
            return Deadline(raw, "date", due=_month_end(int(m[3]), int(m[4])))
        return Deadline(raw, "date", due=_month_end(_year(m[1], year), int(m[2])))
    if m := _WHOLE_YEAR.match(s):
        y = _year(m[1], year)
        return Deadline(raw, "range", date(y, 1, 1), date(y, 12, 31))
    if m := _YEAR_END.match(s):
        return Deadline(raw, "date", due=date(_year(m[1], year), 12, 31))
    if m := _PLAN.match(s):
        first = 1966 + 5 * (10 + _CN_NUMERAL[m[1]] - 3)
        if m[2]:
            return Deadline(raw, "date", due=date(first + 4, 12, 31))
        return Deadline(raw, "range", date(first, 1, 1), date(first + 4, 12, 31))
    if m := _MID_YEAR.match(s):
        return Deadline(raw, "date", due=date(_year(m[1], year), 6, 30))
    if m := _HALF.match(s):
        y = _year(m[1], year)
        if m[2] == "上":
            return Deadline(raw, "range", date(y, 1, 1), date(y, 6, 30))
        return Deadline(raw, "range", date(y, 7, 1), date(y, 12, 31))
    if m := _QUARTER.match(s):
        y, q = _year(m[1], year), _CN_DIGITS[m[2]]
        return Deadline(raw, "range", date(y, 3 * q - 2, 1), _month_end(y, 3 * q))
    if m := _YEAR_ONLY.match(s):
        return Deadline(raw, "date", due=date(int(m[1]), 12, 31))
    if m := _HOLIDAY.match(s):
        holiday = _holiday_day(m[2], int(m[1]) if m[1] else None, year)
        return None if holiday is None else Deadline(raw, "date", due=holiday - timedelta(days=1))
    if m := _JOINT.match(s):
        both = [found for name in (m[2], m[3]) if (found := _holiday_day(name, int(m[1]) if m[1] else None, year))]
        return Deadline(raw, "date", due=min(both) - timedelta(days=1)) if len(both) == 2 else None
    if m := _HOLIDAY_DAYS.match(s):
        days = _holiday_days_off(m[2], int(m[1]) if m[1] else None, year)
        return Deadline(raw, "range", days[0], days[-1]) if days else None
    return None


def _holiday_day(name: str, written: int | None, year: int | None) -> date | None:
    """The day a holiday named in a deadline falls on (a lunar one's first day off), in the year written, else the
    ledger's: 元旦 the one closing the ledger's year (the one opening it is before any of the year's work). None
    for 春节 without a year (the ledger's year has one in its first weeks and the next year's closes its winter) and
    for a lunar holiday beyond the national calendar's years: `unread` says which."""
    if name in _FIXED_HOLIDAYS:
        month, day = _FIXED_HOLIDAYS[name]
        return date(written or _year(None, year) + (name == "元旦"), month, day)
    if name == "清明":
        april = date(written or _year(None, year), 4, 1)
        try:
            terms = chinese_calendar.get_solar_terms(april, april.replace(day=30))
        except NotImplementedError:  # beyond the years it computes (1900 to 2100): a slip of the year
            return None
        return next(day for day, term in terms if term == "清明")
    days = _holiday_days_off(name, written, year)
    return days[0] if days else None


def _holiday_days_off(name: str, written: int | None, year: int | None) -> tuple[date, ...]:
    """A holiday's days off, in the year written, else the ledger's (元旦: the one closing it); none for 春节
    without a year, or a year the national calendar does not cover."""
    if written is None and name == "春节":
        return ()
    return _days_off(written or _year(None, year) + (name == "元旦"), _CALENDAR_HOLIDAYS[name])


@functools.cache
def _days_off(year: int, holiday: chinese_calendar.Holiday) -> tuple[date, ...]:
    """The days off of a year's holiday; 元旦's may begin on the last day of the year before (2023's, 31 December)."""
    new_year = holiday == chinese_calendar.Holiday.new_years_day
    first, last = (date(year - 1, 12, 1), date(year, 1, 31)) if new_year else (date(year, 1, 1), date(year, 12, 31))
    holidays = chinese_calendar.constants.holidays
    return tuple(sorted(day for day, name in holidays.items() if name == holiday.value and first <= day <= last))


def unread(deadline: Deadline, year: int) -> tuple[str, dict[str, object]]:
    """Why a deadline of a ledger of `year` was not read (kind "unknown"): the catalogue's code and its fields
    beside `raw`. A holiday or a season without a day to go by is said by name, never given a guessed date."""
    s = _normalise(deadline.raw)
    if _SEASON.search(s):
        return "deadline-season", {}
    for m in _EMBEDDED.finditer(s):
        found = _HOLIDAY.match(m[0]) or _JOINT.match(m[0]) or _HOLIDAY_DAYS.match(m[0])
        if found is None or _single(m[0], deadline.raw, year) is not None:
            continue
        names = found.groups()[1:]
        if "春节" in names and not found[1]:
            return "deadline-festival-year", {"year": year, "next": year + 1}
        if beyond := next((n for n in names if n in _LUNAR_HOLIDAYS or found.re is _HOLIDAY_DAYS), None):
            return "deadline-holiday-beyond", {"holiday": _holiday_word(beyond), "last": calendar_last_year()}
    if which := _WHICH_HOLIDAY.search(_without_joint(s)):
        word = which[0] if which[0] in _WHICH_MEANINGS else f"{which[0]}前"  # 双节; 年前, 节前
        return "deadline-holiday-which", {"word": word, "meaning": _WHICH_MEANINGS.get(word, "没有写明是哪个节日")}
    if around := _AROUND_HOLIDAY.search(s):
        return "deadline-holiday-around", {"holiday": _holiday_word(around[1])}
    return "deadline-unparsed", {}


def _holiday_word(name: str) -> str:
    return "劳动节" if name == "劳动" else name


def _without_joint(s: str) -> str:
    """The text without its two holidays before one 前, whose 双节 names them ("中秋国庆双节前")."""
    return re.sub(_TWO_HOLIDAYS, "", s)


def _beginning(s: str, raw: str, year: int | None) -> date | None:
    """The first day of the time written, where a task begins: "2022年起" from 1 January, "6月-9月" from 1 June,
    "6月中旬起" from the 11th; a day, or a month's or year's end ("6月底起"), is that day."""
    found = _single(s, raw, year)
    if found is None or found.start is not None:
        return None if found is None else found.start
    due = found.due
    if due is None or s.endswith(("底", "末", "前")) or _DAY.match(s):
        return due
    if m := _TEN_DAYS.match(s):
        return due.replace(day={"上": 1, "中": 11}.get(m[3], 21))
    if _MONTH.match(s):
        return due.replace(day=1)
    if _YEAR_ONLY.match(s):
        return due.replace(month=1, day=1)
    return due


def _range(s: str, raw: str, year: int | None) -> Deadline | None:
    """A range such as "9月15日-25日", "即日起-6月底" or "2021年3月1日-2021年6月30日" is due at its end."""
    first, _, last = s.partition("-")
    if not first:  # "到2025年底前": "到" means until, handled with the other lead words
        return None
    start: date | None = None
    if first not in ("即日起", "即日"):
        start = _beginning(_SINCE.sub(r"\1", first) or first, raw, year)
        if start is None:
            return None
    end_year = start.year if start else year
    if start and (m := _SHORT_DAY.match(last)):
        due = date(start.year, start.month, int(m[1]))
    else:
        if start and _SHORT_MONTH.match(last):
            last = f"{start.year}年{last}"
        ended = _single(last, raw, end_year)
        if ended is None or ended.due is None:
            return None
        due = ended.due
    if start and due < start:
        return None
    return Deadline(raw, "range", start, due)


def _parse_embedded(s: str, raw: str, year: int | None) -> Deadline | None:
    """A deadline inside a sentence: the latest date mentioned is when the task is due; none when one of the times
    it names has no day (a season, a holiday `unread` names), as the latest cannot then be known.

    A date without a year takes the year last written before it in the same text ("2022年3月底前启动，6月底前完成").
    """
    if _SEASON.search(s):  # "6月底前排查，汛期前整改": its latest time has no day
        return None
    if _WHICH_HOLIDAY.search(_without_joint(s)) or _AROUND_HOLIDAY.search(s):  # "…，双节前整改", "…，国庆前后整改"
        return None
    dues = []
    years = [(m.start(), int(m[1])) for m in _WRITTEN_YEAR.finditer(s)]
    for m in _EMBEDDED.finditer(s):
        current = next((y for at, y in reversed(years) if at <= m.start()), year)
        found = _parse(m.group(0), raw, current)
        if found is not None and found.due is not None:
            dues.append(found.due)
        elif _HOLIDAY.match(m[0]) or _JOINT.match(m[0]) or _HOLIDAY_DAYS.match(m[0]):
            return None  # "春节前摸底，6月底前整治": 春节 of which year, before or after June?
    if not dues:
        return None
    return Deadline(raw, "date", due=max(dues))


NATIONAL = WorkCalendar()


@functools.cache
def calendar_last_year() -> int:
    """The last year the national holiday calendar (chinesecalendar) knows."""
    return max(day.year for day in chinese_calendar.constants.holidays)


def is_working_day(day: date, calendar: WorkCalendar = NATIONAL) -> bool:
    """Chinese official working day (holidays and swapped weekend days included), with the office's own 调休
    from [calendar]; Monday to Friday beyond the national calendar's years (`calendar_problems` says so)."""
    if day in calendar.extra_holidays:
        return False
    if day in calendar.extra_workdays:
        return True
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def next_working_day(day: date, calendar: WorkCalendar = NATIONAL) -> date:
    """day itself when it is a working day, else the first working day after it (a deadline on a holiday)."""
    while not is_working_day(day, calendar):
        day += timedelta(days=1)
    return day


def calendar_problems(*days: date) -> list[Problem]:
    """A warning for each year among `days` that the national holiday calendar does not cover."""
    last = calendar_last_year()
    years = sorted({d.year for d in days if d.year > last})
    return [problem("calendar-beyond", last=last, year=year) for year in years]


def scheduled_due(period: Period, rhythm: Rhythm) -> date:
    """When a round's returns are due by the ledger's rhythm, before moving off a holiday.

    Months, quarters and half-years: due_day of the month after the round ("每月5日前报送上月进展"), or of the
    round's own last month with due_in "same" ("每月28日前报送本月进展"). Weeks: due_weekday of the week after,
    or of the round's own week."""
    if period.kind == "week":
        week = period.next() if rhythm.due_in == "next" else period
        return week.start + timedelta(days=rhythm.due_weekday - 1)
    month = period.months_after(1 if rhythm.due_in == "next" else 0)
    last = monthrange(month.year, month.month)[1]
    return month.replace(day=min(rhythm.due_day, last))


@functools.lru_cache(maxsize=256)
def add_working_days(start: date, days: int, calendar: WorkCalendar = NATIONAL) -> date:
    """The date that is `days` working days after start."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_working_day(day, calendar)
    return day


def deadline_state(deadline: Deadline, as_of: date, soon_days: int, calendar: WorkCalendar = NATIONAL) -> str | None:
    """ "overdue" when the due date is as_of or before, "soon" when it falls within soon_days working days after.
    as_of is a round's last day, judged at its close, as the returns describe it: a task due that day and not
    done by its end has missed its time ("6月底前" not done in June's returns is 逾期 in June's report)."""
    if deadline.due is None:
        return None
    if deadline.due <= as_of:
        return "overdue"
    if deadline.due <= add_working_days(as_of, soon_days, calendar):
        return "soon"
    return None


def judged_on(last_day: date, issued: date) -> date:
    """The day a report judges its tasks' deadlines (its 数据截至): the round's last day, as the returns describe
    the round at its close; or the report's own date when that comes first (a ledger due within its round, its
    通报 signed on the 29th: a task due on the 30th has not missed its time on the day the leader signs)."""
    return min(last_day, issued)


def overdue_when_said(deadline: Deadline, last_day: date, received_on: date) -> bool:
    """Whether a task's time was up when its unit wrote a status: judged on the round's last day, or on the day
    before the return came when it came earlier (a ledger due within its own round: a task due on the 30th said
    序时推进 on the 28th had not missed its time when it was said). The merge's status-overdue-on-schedule and
    the report's remark both ask this."""
    return deadline_state(deadline, min(last_day, received_on - timedelta(days=1)), 0) == "overdue"


EVERY_NAMES = {"month": "每月", "quarter": "每季度", "half-year": "每半年", "year": "每年"}


def chinese_date(day: date) -> str:
    """A date as Chinese offices write it: 2021年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def chinese_moment(moment: datetime | str) -> str:
    """A time (or an ISO time) as Chinese offices write it, without a Western space: 2021年7月4日10:30."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return f"{chinese_date(moment)}{moment.hour}:{moment.minute:02d}"


def describe(deadline: Deadline) -> str:
    """How a deadline was understood, in the words `ledger check --tasks` shows the office."""
    day = chinese_date
    if deadline.kind in ("date", "range") and deadline.due and not deadline.start:  # "即日起至6月底": from now
        return f"{day(deadline.due)}前"
    if deadline.kind == "range" and deadline.start and deadline.due:
        return f"{day(deadline.start)}至{day(deadline.due)}，按{day(deadline.due)}计"
    if deadline.kind == "recurring":
        return f"定期（{EVERY_NAMES.get(deadline.every or '', deadline.every)}），不计逾期"
    if deadline.kind == "ongoing":
        return "长期，不计逾期"
    if deadline.kind == "unknown":
        return "未能识别，按无期限处理"
    return "无期限"
