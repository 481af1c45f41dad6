"""How entries, dates and numbers are written out for people, shared by every output (master ledger, report,
mail): Chinese as offices write it, "2021年6月30日", "181项", never a Western space between Chinese and digits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from .deadlines import chinese_date, chinese_moment
from .entries import Entry
from .model import Period

ROLE_NAMES = {"lead": "牵头", "support": "配合", "group": "配合（分类综合）"}
STATE_NAMES = {
    "merged": "已汇总",
    "superseded": "已被更晚的报送取代",
    "refused": "未汇总",
    "withdrawn": "已撤回",
    "evidence": "佐证材料",
    "held": "待确认",
    "rejected": "退回重报",
}


# said beside 未报送 while the round's due day has not passed (today is that day or before): the unit still has time
NOT_YET_DUE = "尚未过报送截止日期"
SAME_AS_BEFORE = "（与上期相同）"  # a text carried over unchanged from what render prefilled


def said(entry: Entry, attribute: str) -> str:
    """A field as the unit reported it, marked （与上期相同） when it is the prefilled text left unchanged."""
    value = getattr(entry, attribute)
    return f"{value}{SAME_AS_BEFORE}" if value and attribute in entry.unchanged else value


def reported_text(entries: list[Entry], attribute: str, single: bool) -> str:
    """One field as reported by the leads: as typed when the task has one lead, else each value with its unit;
    a text left as prefilled is marked （与上期相同）."""
    values = [(e.unit, said(e, attribute)) for e in entries if getattr(e, attribute)]
    if single and len(values) == 1:
        return values[0][1]
    return "\n".join(f"{unit}：{value}" for unit, value in values)


def supports_text(entries: Sequence[Entry], groups: Sequence[Entry] = ()) -> str:
    """What each supporting unit reported, a line per unit that wrote something; status only where chosen
    (it is optional for support). `groups` are answers for the task's whole group (role "group")."""
    found = []
    for e in entries:  # a loop, not a join per entry: the report words this for every task of a large ledger
        progress = said(e, "progress")
        line = f"{e.status}；{progress}" if e.status and progress else e.status or progress
        if line:
            found.append(f"{e.unit}：{line}")
    found += [f"{g.unit}（本类综合）：{said(g, 'progress')}" for g in groups if g.progress]
    return "\n".join(found)


ISO_DAY = r"\b\d{4}-\d{2}-\d{2}\b"  # compiled by re when a day is first worded (see design.md, imports)


def days_in_words(text: str) -> str:
    """A text with each ISO day in it (a 完成时间 read from a date cell, "2021-03-20") as offices write a day,
    2021年3月20日; the rest as typed."""
    return re.sub(ISO_DAY, _day_in_words, text) if "-" in text else text


def _day_in_words(found: re.Match[str]) -> str:
    try:
        return chinese(date.fromisoformat(found[0]))
    except ValueError:  # typed as text, and no day ("2021-02-30")
        return found[0]


def local_text(stamp: str) -> str:
    """An ISO time as offices write it: 2021年7月4日10:30 ("" for none)."""
    return chinese_moment(stamp) if stamp else ""


def chinese(value: date | Period | int | float, unit: str = "") -> str:
    """Any date, month, count or rate as a Chinese office writes it, the one formatting every output uses:
    date → "2021年6月30日", datetime → "2021年7月3日9:05", Period → "2021年6月", int → "181项" (with unit),
    float (a rate between 0 and 1) → "7.2%"."""
    if isinstance(value, datetime):
        return chinese_moment(value)
    if isinstance(value, date):
        return chinese_date(value)
    if isinstance(value, Period):
        return value.label
    if isinstance(value, float):
        return f"{value:.1%}"
    return f"{value}{unit}"
