"""How entries and dates are written out for people, shared by every output (master ledger, report, mail)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .entries import Entry

ROLE_NAMES = {"lead": "牵头", "support": "配合", "group": "配合（分类综合）"}
STATE_NAMES = {
    "merged": "已汇总",
    "superseded": "已被更晚的报送取代",
    "rejected": "未汇总",
    "withdrawn": "已撤回",
    "evidence": "佐证材料",
}


def reported_text(entries: list[Entry], attribute: str, single: bool) -> str:
    """One field as reported by the leads: as typed when the task has one lead, else each value with its unit."""
    values = [(e.unit, getattr(e, attribute)) for e in entries if getattr(e, attribute)]
    if single and len(values) == 1:
        return values[0][1]
    return "\n".join(f"{unit}：{value}" for unit, value in values)


def supports_text(entries: Sequence[Entry], groups: Sequence[Entry] = ()) -> str:
    """What each supporting unit reported, a line per unit that wrote something; status only where chosen
    (it is optional for support). `groups` are answers for the task's whole group (role "group")."""
    lines = ["；".join(x for x in (e.status, e.progress) if x) for e in entries]
    found = [f"{e.unit}：{line}" for e, line in zip(entries, lines, strict=True) if line]
    found += [f"{g.unit}（本类综合）：{g.progress}" for g in groups if g.progress]
    return "\n".join(found)


def chinese_date(day: date) -> str:
    """A date as Chinese offices write it: 2021年6月30日."""
    return f"{day.year}年{day.month}月{day.day}日"

