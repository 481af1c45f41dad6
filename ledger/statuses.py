"""Task statuses: one task's status consolidated over its lead units, the same rule for history and report."""

from __future__ import annotations

from .config import BEHIND_STATUS, DONE_STATUS

NOT_REPORTED = "未报送"
NOT_STARTED = "未启动"


def consolidate(statuses: list[str], allowed: list[str]) -> str:
    """One status for a task from its leads' statuses: the least advanced wins; NOT_REPORTED when any lead
    gave none (or one outside the list)."""
    if not statuses or any(s not in allowed for s in statuses):
        return NOT_REPORTED
    if all(s == DONE_STATUS for s in statuses):
        return DONE_STATUS
    for worst in (BEHIND_STATUS, NOT_STARTED):
        if worst in statuses:
            return worst
    return next(s for s in statuses if s != DONE_STATUS)
