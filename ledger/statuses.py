"""Task statuses: how a typed status is read, and one task's status consolidated over its lead units.

Every stage compares statuses after `normalise_status` (reading a return, history, render's closed tasks, the
report), so "已完成 " or "已 完成" typed by hand means 已完成 everywhere, never in one place only.
"""

from __future__ import annotations

from .cells import INVISIBLE
from .config import BEHIND_STATUS, DONE_STATUS

NOT_REPORTED = "未报送"
NOT_STARTED = "未启动"
INVALID_STATUS = "状态有误（待核实）"
SUSPENDED_STATUS = "暂缓"  # a task the office suspended (ledger tasks suspend): not asked, counted apart
CANCELLED_STATUS = "已取消"  # a task the office cancelled (ledger tasks cancel): out of every count
CLOSED_REMARK = "已销号"  # a task the office closed (ledger tasks close): counted 已完成, shown 已完成（已销号）


def normalise_status(text: str) -> str:
    """A status as typed, without surrounding or inner spaces of any width, zero (a zero-width space or a BOM
    pasted with it) included: `cells.INVISIBLE`, what a task ID is read without."""
    return INVISIBLE.sub("", text)


def consolidate(statuses: list[str], allowed: list[str]) -> str:
    """One status for a task from its leads' statuses: the least advanced wins; NOT_REPORTED when any lead
    gave none, else INVALID_STATUS when any gave one outside the list."""
    given = [normalise_status(s) for s in statuses]
    if not given or not all(given):
        return NOT_REPORTED
    if any(s not in allowed for s in given):
        return INVALID_STATUS
    if all(s == DONE_STATUS for s in given):
        return DONE_STATUS
    for worst in (BEHIND_STATUS, NOT_STARTED):
        if worst in given:
            return worst
    return next(s for s in given if s != DONE_STATUS)
