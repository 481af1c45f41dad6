"""What earlier months said, built once per command: last answers, tasks closed earlier, last month's status.

Render prefills last answers and leaves closed tasks out; the report compares with last month. Both take a
`History` from the caller instead of merging earlier months themselves. Earlier periods' merge results are
cached under build/cache/ keyed by everything they were computed from (the stored returns and receipts, the
task lists, the units file, ledger.toml and the code), so an unchanged month is merged once; the cache is
derived, so deleting build/ only costs the time to merge again.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .cells import text_of
from .config import DONE_STATUS
from .entries import MergeResult, ReturnInfo
from .merge import merge_period
from .model import Period, Task
from .problems import ERROR
from .statuses import consolidate, normalise_status
from .workspace import Workspace

HISTORY_MONTHS = 12  # how far back answers are looked for
FILL_FIELDS = {
    "完成状态": "status",
    "本月进展": "progress",
    "存在问题": "issues",
    "下步计划": "next_steps",
}


@dataclass(kw_only=True)
class History:
    """The workspace's history up to (not including) `period`."""

    period: Period
    periods: list[Period] = field(default_factory=list)  # earlier periods with returns, oldest first
    answers: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    closed: frozenset[str] = frozenset()  # tasks every lead reported 已完成 in an earlier period
    previous_status: dict[str, str] = field(default_factory=dict)  # task -> consolidated status last reported
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)  # (task, unit) -> last status, normalised
    previous_returns: list[ReturnInfo] = field(default_factory=list)  # what became of each file last period
    previous_error_units: frozenset[str] = frozenset()  # units with an error in last period's returns
    computed: list[Period] = field(default_factory=list)  # periods merged for this history
    reused: list[Period] = field(default_factory=list)  # periods taken from the cache

    @property
    def previous(self) -> Period | None:
        """The latest earlier period with returns; None in the ledger's first month."""
        return self.periods[-1] if self.periods else None

    def answers_of(self, task_id: str, unit: str) -> Mapping[str, object]:
        return self.answers.get((task_id, unit), {})

    def last_status(self, task_id: str, unit: str) -> str:
        """The unit's last status on the task, normalised: as reported (valid or not), else as prefilled."""
        prefilled = normalise_status(text_of(self.answers_of(task_id, unit).get("完成状态", "")))
        return self.statuses.get((task_id, unit), prefilled)

    def is_closed(self, task: Task) -> bool:
        return task.id in self.closed

    def derive(self, ws: Workspace) -> None:
        """Closed tasks and last statuses, each lead's latest status counting (invalid ones too: they are not
        prefilled, but last month's 状态有误 is still what last month said)."""
        closed = set()
        for task in ws.tasks:
            reported = [self.last_status(task.id, u) for u in task.lead_units]
            if task.lead_units and all(s == DONE_STATUS for s in reported):
                closed.add(task.id)
            if any(reported):
                self.previous_status[task.id] = consolidate(reported, ws.config.statuses)
        self.closed = frozenset(closed)


def answers_of(result: MergeResult, allowed: list[str]) -> dict[tuple[str, str], dict[str, object]]:
    """(task, unit) -> fill-in header -> value, as a unit would see it prefilled next month. The status is
    prefilled normalised ("已完成 " as 已完成) and only when it is one of the list: an invalid status is asked
    again, while the progress and other text are still prefilled."""
    found: dict[tuple[str, str], dict[str, object]] = {}
    for e in result.entries:
        values: dict[str, object] = {h: getattr(e, k) for h, k in FILL_FIELDS.items() if getattr(e, k)}
        status = normalise_status(e.status)
        if status in allowed:
            values["完成状态"] = status
        else:
            values.pop("完成状态", None)
        if e.completed_on:
            try:
                values["完成时间"] = date.fromisoformat(e.completed_on)
            except ValueError:
                values["完成时间"] = e.completed_on
        values.update({k: v for k, v in e.extra.items() if v not in ("", None)})
        found[(e.task_id, e.unit)] = values
    return found


def build_history(ws: Workspace, period: Period, months: int = HISTORY_MONTHS, *, jobs: int = 1) -> History:
    """The history of the `months` periods before `period`, merging each at most once (cached under build/), its
    files read by `jobs` processes."""
    earlier, candidates = period, []
    for _ in range(months):
        earlier = earlier.previous()
        candidates.append(earlier)
    periods = [p for p in reversed(candidates) if ws.paths.returns(p).is_dir()]
    history = History(period=period, periods=periods)
    for p in periods:
        result, from_cache = cached_merge(ws, p, jobs=jobs)
        (history.reused if from_cache else history.computed).append(p)
        history.answers.update(answers_of(result, ws.config.statuses))
        history.statuses.update({(e.task_id, e.unit): normalise_status(e.status) for e in result.entries})
        history.previous_returns = result.returns
        history.previous_error_units = frozenset(p.unit for p in result.problems if p.severity == ERROR and p.unit)
    history.derive(ws)
    return history


@functools.cache
def _code_fingerprint() -> str:
    """The package's own source: a change in how returns are read invalidates every cached merge."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def merge_key(ws: Workspace, period: Period) -> str:
    """A digest of everything a period's merge is computed from."""
    digest = hashlib.sha256(_code_fingerprint().encode())
    inputs = [ws.paths.config, ws.root / ws.config.units_file, *(ws.root / d.file for d in ws.config.documents)]
    folder = ws.paths.returns(period)
    inputs += sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    for path in inputs:
        digest.update(path.name.encode() + b"\x00")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-")
    return digest.hexdigest()[:20]


def cached_merge(ws: Workspace, period: Period, *, jobs: int = 1) -> tuple[MergeResult, bool]:
    """A period's merge result and whether it came from the cache."""
    path = ws.paths.merge_cache(period, merge_key(ws, period))
    if path.is_file():
        return MergeResult.from_dict(json.loads(path.read_text(encoding="utf-8"))), True
    result = merge_period(ws, period, jobs=jobs)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f"{period}-*.json"):
        stale.unlink()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(result.to_dict(), ensure_ascii=False, default=text_of), encoding="utf-8")
    temporary.replace(path)
    return result, False
