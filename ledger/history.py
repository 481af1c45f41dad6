"""What earlier rounds said, carried from round to round: last answers, tasks closed, each round's own record.

History is a cumulative state: the state after a round is the state after the round before plus the round's
own returns. Every round of the ledger's rhythm from the first one with returns is folded in, so a task
finished in any earlier round never comes back, however long ago (there is no horizon), and the cost of one
more round does not grow with the rounds before it: each round's state is cached under build/cache/rounds/,
keyed by the key of the state before it and every byte of the round's own inputs.

Render prefills last answers and leaves closed tasks out; the report compares with the previous round's
record (its consolidated status per task, 未报送 included, and how each unit reported); the year's view reads
the records of every round inside it. The stages take a `History` from the caller instead of merging earlier
rounds themselves. The caches are derived: deleting build/ only costs the time to merge again, and they
survive an upgrade of the package unless RECORD_FORMAT changes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .cells import text_of
from .config import DONE_STATUS
from .entries import Entry, IndicatorValue, MergeResult, ReturnInfo, read_json, tag_value, untag_value, write_json
from .indicators import indicators_by_unit
from .model import Period, Task
from .paths import RECORDS
from .problems import ERROR, Problem, problem
from .processes import collector_paused
from .records import copy_aside, is_temporary, write_aside
from .schedule import round_due
from .sent import fixed_basis, ran_rounds
from .statuses import CANCELLED_STATUS, SUSPENDED_STATUS, consolidate, normalise_status
from .task_changes import ChangeKind, TaskChange, changes_key, round_tasks
from .unit_changes import read_unit_changes, successors
from .workspace import Workspace

RECORD_FORMAT = "14"  # bump when what is cached (merge results, round states) changes shape or meaning
FILL_FIELDS = {
    "完成状态": "status",
    "本月进展": "progress",
    "存在问题": "issues",
    "下步计划": "next_steps",
}
Progress = Callable[[str, int, int], None]  # (step, done, total)


@dataclass(kw_only=True)
class RoundRecord:
    """What one round said, compactly: each task's consolidated status in that round (已完成 for a task closed
    earlier, 未报送 when a lead did not report), what became of each returned file, and the units whose files
    had errors. Round over round and the year's view are computed from these."""

    period: Period
    due: date
    status: dict[str, str] = field(default_factory=dict)
    returns: list[ReturnInfo] = field(default_factory=list)
    error_units: frozenset[str] = frozenset()
    empty_units: frozenset[str] = frozenset()  # units whose workbook came back unfilled (return-empty)
    expected: list[str] = field(default_factory=list)  # units with an open task in the round, due to report

    def to_dict(self) -> dict[str, Any]:
        return {
            "period": str(self.period),
            "due": self.due.isoformat(),
            "status": self.status,
            "returns": [vars(r) for r in self.returns],
            "error_units": sorted(self.error_units),
            "empty_units": sorted(self.empty_units),
            "expected": self.expected,
        }

    def succeeded(self, succession: Mapping[str, str]) -> RoundRecord:
        """The record with units renamed or merged since named as their successors: the round before a change
        compared with the round after it, and a year's reporting record, follow the successor."""
        if not succession:
            return self

        def named(unit: str) -> str:
            return succession.get(unit, unit)

        return replace(
            self,
            returns=[replace(r, unit=named(r.unit)) for r in self.returns],
            error_units=frozenset(map(named, self.error_units)),
            empty_units=frozenset(map(named, self.empty_units)),
            expected=list(dict.fromkeys(map(named, self.expected))),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoundRecord:
        return cls(
            period=Period.parse(data["period"]),
            due=date.fromisoformat(data["due"]),
            status=dict(data["status"]),
            returns=[ReturnInfo(**r) for r in data["returns"]],
            error_units=frozenset(data["error_units"]),
            empty_units=frozenset(data["empty_units"]),
            expected=list(data["expected"]),
        )


@dataclass(kw_only=True)
class Said:
    """A lead's last words on a task: the text and the round it was typed in."""

    period: str
    text: str


@dataclass(kw_only=True)
class History:
    """The workspace's history up to (not including) `period`."""

    period: Period
    rounds: list[Period] = field(default_factory=list)  # earlier rounds folded in, oldest first
    answers: dict[tuple[str, str], dict[str, object]] = field(default_factory=dict)
    statuses: dict[tuple[str, str], str] = field(default_factory=dict)  # (task, unit) -> last status, normalised
    closed: frozenset[str] = frozenset()  # tasks every lead reported 已完成 in an earlier round
    closed_in: dict[str, str] = field(default_factory=dict)  # task -> the round it was first closed in
    progress: dict[tuple[str, str], Said] = field(default_factory=dict)  # (task, lead) -> last progress typed
    completed_on: dict[tuple[str, str], str] = field(default_factory=dict)  # (task, lead) -> 完成时间 typed
    # (indicator, unit) -> the round and the value it last reported: 上期完成值 and round over round
    indicator_values: dict[tuple[str, str], tuple[str, IndicatorValue]] = field(default_factory=dict)
    previous_record: RoundRecord | None = None  # the round just before `period`
    keys: dict[str, str] = field(default_factory=dict)  # round -> the key of its cached state
    succession: dict[str, str] = field(default_factory=dict)  # old unit -> its successor as of `period`
    computed: list[Period] = field(default_factory=list)  # rounds whose returns were merged for this history
    reused: list[Period] = field(default_factory=list)  # rounds whose state or merge came from the cache

    @property
    def previous(self) -> Period | None:
        """The round before `period`; None in the ledger's first round."""
        return self.previous_record.period if self.previous_record else None

    @property
    def previous_status(self) -> dict[str, str]:
        """task -> its consolidated status in the previous round (未报送 included)."""
        return self.previous_record.status if self.previous_record else {}

    @property
    def previous_returns(self) -> list[ReturnInfo]:
        return self.previous_record.returns if self.previous_record else []

    @property
    def previous_error_units(self) -> frozenset[str]:
        return self.previous_record.error_units if self.previous_record else frozenset()

    def answers_of(self, task_id: str, unit: str) -> Mapping[str, object]:
        return self.answers.get((task_id, unit), {})

    def last_status(self, task_id: str, unit: str) -> str:
        """The unit's last status on the task, normalised: as reported (valid or not), else as prefilled."""
        prefilled = normalise_status(text_of(self.answers_of(task_id, unit).get("完成状态", "")))
        return self.statuses.get((task_id, unit), prefilled)

    def last_indicator_value(self, indicator_id: str, unit: str) -> tuple[str, IndicatorValue] | None:
        """The round and the value a unit last reported on an indicator, before this round."""
        return self.indicator_values.get((indicator_id, unit))

    def succeed(self, succession: Mapping[str, str], tasks: Iterable[Task] = ()) -> None:
        """Carry what old units said over to their successors (renamed or merged, 机构改革), so the successor is
        prefilled with the old unit's last answers. Where both said something on a task, the successor's own
        words stand, field by field (its empty support row never blanks the old lead's answer). Co-leads of a
        task (in `tasks`, the list before the change) that one unit now stands for finished it only if each had:
        else the successor carries the status of one that had not, and no 已完成 to prefill, so the task stays
        open until the successor says it is done."""
        if not succession:
            return
        unfinished: dict[tuple[str, str], str] = {}
        for task in tasks:
            leads: dict[str, list[str]] = {}
            for unit in task.lead_units:
                leads.setdefault(succession.get(unit, unit), []).append(unit)
            for successor, group in leads.items():
                said = [self.last_status(task.id, u) for u in group]
                if len(group) > 1 and any(s != DONE_STATUS for s in said):
                    unfinished[task.id, successor] = next(s for s in said if s != DONE_STATUS)

        def moved(found: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
            kept = {(t, u): v for (t, u), v in found.items() if u not in succession}
            for (t, u), old in found.items():
                if u in succession:
                    own = kept.get((t, succession[u]))
                    kept[t, succession[u]] = {**old, **own} if isinstance(old, dict) and own else own or old
            return kept

        self.answers, self.statuses = moved(self.answers), moved(self.statuses)
        self.progress, self.completed_on = moved(self.progress), moved(self.completed_on)
        self.indicator_values = moved(self.indicator_values)
        for key, status in unfinished.items():
            self.statuses[key] = status
            if self.answers.get(key, {}).get("完成状态") == DONE_STATUS:
                self.answers[key] = {k: v for k, v in self.answers[key].items() if k != "完成状态"}

    def is_closed(self, task: Task) -> bool:
        return task.id in self.closed

    def answers_for(self, task: Task, unit: str) -> Mapping[str, object]:
        """What render prefills for the unit on the task: its own last answers; for a lead the task was
        reassigned to, until it answers, the last answers of a former lead."""
        own = self.answers_of(task.id, unit)
        if own or unit not in task.lead_units:
            return own
        return next((found for u in task.former_leads if (found := self.answers_of(task.id, u))), {})

    def record_of(self, ws: Workspace, period: Period, *, succeeded: bool = True) -> RoundRecord | None:
        """The record of an earlier round folded into this history (for the year's view), its units renamed or
        merged since named as their successors (not `succeeded`: as the round named them, each unit's own
        reporting apart, for a successor to add up)."""
        key = self.keys.get(str(period))
        if key is None:
            return None
        path = ws.paths.round_record(period, key)
        record = RoundRecord.from_dict(json.loads(path.read_text(encoding="utf-8")))
        return record.succeeded(self.succession) if succeeded else record

    # --- folding one round in

    def fold(
        self, ws: Workspace, result: MergeResult, tasks: list[Task], kept: Mapping[str, str] | None = None
    ) -> RoundRecord:
        """Add one round's merged returns, against the round's task list; returns the round's own record. `kept`:
        the tasks the round was sent without as finished earlier (`kept_closed`), 已完成 in this round's record
        whatever became of the return that finished them, and not closed by it for the rounds after."""
        allowed = ws.config.statuses
        period = result.period
        this_round: dict[tuple[str, str], str] = {}
        for e in result.entries:
            if e.role != "lead" and (e.task_id, e.unit) in this_round:
                continue  # units merged this round: the one that led the task speaks for it (leads come first)
            this_round[(e.task_id, e.unit)] = normalise_status(e.status)
            if e.role == "lead" and e.progress.strip():
                self.progress[(e.task_id, e.unit)] = Said(period=str(period), text=e.progress.strip())
            if e.role == "lead" and e.completed_on:
                self.completed_on[(e.task_id, e.unit)] = e.completed_on
        self.answers.update(answers_of(result.entries, allowed))
        self.statuses.update(this_round)
        for value in result.indicator_values:
            self.indicator_values[(value.indicator_id, value.unit)] = (str(period), value)
        closed_then = self.closed | frozenset(kept or ())
        status = round_statuses(tasks, this_round, closed_then, allowed)
        asked = [t for t in tasks if t.id not in closed_then and t.lifecycle is None]
        expected = dict.fromkeys(u for t in asked for u in (*t.lead_units, *t.support_units))
        expected.update(dict.fromkeys(indicators_by_unit(ws.round_indicators(period))))  # each on its 指标 sheet
        closed = set(self.closed)
        for task in asked:
            if not task.lead_units:
                continue
            if all(self.last_status(task.id, u) == DONE_STATUS for u in task.lead_units):
                closed.add(task.id)
                self.closed_in[task.id] = str(period)
        self.closed = frozenset(closed)
        self.rounds.append(period)
        return RoundRecord(
            period=period,
            due=round_due(ws.config, ws.paths, period),
            status=status,
            returns=result.returns,
            error_units=frozenset(p.unit for p in result.problems if p.severity == ERROR and p.unit),
            empty_units=frozenset(p.unit for p in result.problems if p.code == "return-empty" and p.unit),
            expected=list(expected),
        )

    # --- the cached state

    def state(self) -> dict[str, Any]:
        return {
            "format": RECORD_FORMAT,
            "rounds": [str(p) for p in self.rounds],
            "answers": [[t, u, {k: tag_value(v) for k, v in a.items()}] for (t, u), a in self.answers.items()],
            "statuses": [[t, u, s] for (t, u), s in self.statuses.items()],
            "closed": sorted(self.closed),
            "closed_in": self.closed_in,
            "progress": [[t, u, s.period, s.text] for (t, u), s in self.progress.items()],
            "completed_on": [[t, u, d] for (t, u), d in self.completed_on.items()],
            "indicator_values": [[p, vars(v)] for p, v in self.indicator_values.values()],
        }

    def load(self, data: dict[str, Any]) -> None:
        self.rounds = [Period.parse(p) for p in data["rounds"]]
        self.answers = {(t, u): {k: untag_value(v) for k, v in a.items()} for t, u, a in data["answers"]}
        self.statuses = {(t, u): s for t, u, s in data["statuses"]}
        self.closed = frozenset(data["closed"])
        self.closed_in = dict(data["closed_in"])
        self.progress = {(t, u): Said(period=p, text=x) for t, u, p, x in data["progress"]}
        self.completed_on = {(t, u): d for t, u, d in data["completed_on"]}
        values = [(p, IndicatorValue(**v)) for p, v in data["indicator_values"]]
        self.indicator_values = {(v.indicator_id, v.unit): (p, v) for p, v in values}


def round_statuses(
    tasks: Iterable[Task], reported: Mapping[tuple[str, str], str], closed: frozenset[str], allowed: list[str]
) -> dict[str, str]:
    """Each task's consolidated status in one round: 已完成 when closed in an earlier round or closed by the
    office (销号), 暂缓 or 已取消 when the office put it so, else over what its leads reported this round (a lead
    who did not report makes it 未报送). The one definition the report, round over round and the year's view
    share."""
    found = {}
    office = {"closed": DONE_STATUS, "suspended": SUSPENDED_STATUS, "cancelled": CANCELLED_STATUS}
    for task in tasks:
        if task.lifecycle is not None:
            found[task.id] = office[task.lifecycle.state]
        elif task.id in closed:
            found[task.id] = DONE_STATUS
        else:
            found[task.id] = consolidate([reported.get((task.id, u), "") for u in task.lead_units], allowed)
    return found


def answers_of(entries: Iterable[Entry], allowed: list[str]) -> dict[tuple[str, str], dict[str, object]]:
    """(task, unit) -> fill-in header -> value, as a unit would see it prefilled next round. The status is
    prefilled normalised ("已完成 " as 已完成) and only when it is one of the list: an invalid status is asked
    again, while the progress and other text are still prefilled."""
    found: dict[tuple[str, str], dict[str, object]] = {}
    for e in entries:
        if e.role != "lead" and (e.task_id, e.unit) in found:
            continue  # units merged this round: the one that led the task speaks for it (leads come first)
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


def ledger_rounds(ws: Workspace, before: Period) -> list[Period]:
    """The rounds the office ran that began before `before` did, each of the kind it was run as
    (`sent.ran_rounds`: months before the rhythm was turned quarterly, the week of 28 June before a July run as a
    month). A round nobody answered counts, the first and the last too: everyone was 未报送 in it, which a summary
    dated before its due day leaves open (`span`); rounds still to come do not, nor a round in between the office
    never rendered or mailed, such as a holiday week skipped: nobody was asked."""
    return [p for p in ran_rounds(ws.paths) if p.start < before.start]


def build_history(ws: Workspace, period: Period, *, jobs: int = 1, progress: Progress | None = None) -> History:
    """The history of every round of the ledger before `period`: the latest cached state is loaded and only the
    rounds after it are folded in, each round's returns merged at most once (cached under build/), read by
    `jobs` processes."""
    rounds = ledger_rounds(ws, period)
    history = History(period=period)
    changes = read_unit_changes(ws.paths.unit_changes)
    keys, key = [], RECORD_FORMAT  # each round's merge key holds the set-up of its time
    for r in rounds:
        key = hashlib.sha256((key + merge_key(ws, r)).encode()).hexdigest()[:20]
        keys.append(key)
    history.keys = {str(r): k for r, k in zip(rounds, keys, strict=True)}
    start = 0
    for i in range(len(rounds) - 1, -1, -1):
        path, record_path = ws.paths.round_cache(rounds[i], keys[i]), ws.paths.round_record(rounds[i], keys[i])
        if path.is_file() and record_path.is_file():
            history.load(json.loads(path.read_text(encoding="utf-8")))
            history.previous_record = RoundRecord.from_dict(json.loads(record_path.read_text(encoding="utf-8")))
            history.reused = rounds[: i + 1]
            start = i + 1
            break
    for i in range(start, len(rounds)):
        if progress:
            progress("history", i, len(rounds))
        succession = successors(changes, rounds[i], after=rounds[i - 1] if i else None)
        history.succeed(succession, round_tasks(ws.paths, rounds[i - 1], ws.tasks) if succession and i else ())
        tasks = round_tasks(ws.paths, rounds[i], ws.tasks)
        result, written = cached_merge(ws, rounds[i], tasks, jobs=jobs)
        (history.reused if written is None else history.computed).append(rounds[i])
        record = history.fold(ws, result, tasks, kept_closed(ws, rounds[i], history))
        history.previous_record = record
        path = ws.paths.round_cache(rounds[i], keys[i])
        for stale in path.parent.glob(f"{rounds[i]}-*.json"):
            stale.unlink()
        write_aside(
            ws.paths.round_record(rounds[i], keys[i]), json.dumps(record.to_dict(), ensure_ascii=False).encode()
        )
        write_aside(path, json.dumps(history.state(), ensure_ascii=False).encode())  # last: it marks the pair whole
    if rounds:  # units renamed or merged after the last round folded in, from `period` or earlier
        succession = successors(changes, period, after=rounds[-1])
        history.succeed(succession, round_tasks(ws.paths, rounds[-1], ws.tasks) if succession else ())
    history.succession = successors(changes, period)
    for task_id, closed_in in kept_closed(ws, period, history).items():  # the round went out without them
        history.closed |= {task_id}
        history.closed_in.setdefault(task_id, closed_in)
    if history.previous_record is not None:
        history.previous_record = history.previous_record.succeeded(history.succession)
    return history


def kept_closed(ws: Workspace, period: Period, history: History) -> dict[str, str]:
    """The tasks a round that went out was sent without as finished earlier and that `history` (the rounds before
    it, as they stand now) no longer closes: a return that finished them sent back (退回重报) or withdrawn after
    the round was sent. The round keeps what it was built on — they stay 已完成 in it, and re-running it gives the
    same figures — and they are asked again from the first round rendered after the change."""
    basis = fixed_basis(ws.paths, period)
    return {t: r for t, r in basis.closed.items() if t not in history.closed} if basis is not None else {}


def _setup_key(ws: Workspace, period: Period) -> str:
    """A digest of the ledger's set-up at a round: the task lists, ledger.toml, and the units of the round's time
    with the renames and merges in force (not the units file's bytes: a unit renamed from a later round leaves
    an earlier round's key, and so its cached merge and state, as they were)."""
    digest = hashlib.sha256()
    for path in [ws.paths.config, *(ws.root / d.file for d in ws.config.documents)]:
        digest.update(path.name.encode() + b"\x00")
        digest.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-")
    units = sorted((vars(u) for u in ws.at(period).units.values()), key=lambda u: u["name"])
    succession = successors(read_unit_changes(ws.paths.unit_changes), period)
    digest.update(json.dumps([units, sorted(succession.items())], ensure_ascii=False).encode())
    return digest.hexdigest()


def merge_key(ws: Workspace, period: Period) -> str:
    """A digest of everything a round's merge is computed from: the set-up, the round's records (receipts and
    corrections) byte for byte, each stored return by name, size and modification time (the tool never
    rewrites one, and hashing every return of every earlier round would make the last round of a year cost
    more than the first), the round's task list as sent, the office's changes to tasks that apply by the round
    (a change from a later round keeps this round's caches), the office's changes to rounds and the senders it
    confirmed."""
    digest = hashlib.sha256((RECORD_FORMAT + _setup_key(ws, period)).encode())
    folder = ws.paths.returns(period)
    stored = [p for p in folder.iterdir() if p.is_file() and not is_temporary(p.name)] if folder.is_dir() else []
    for path in sorted(stored):
        digest.update(os.fsencode(path.name) + b"\x00")  # a GBK name on Linux is no UTF-8
        if path.name in RECORDS:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        else:
            stat = path.stat()
            digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
    # the task list as sent; a confirmed address lets a held return through
    for record in (ws.paths.sent(period), ws.paths.round_changes, ws.paths.senders):
        digest.update(hashlib.sha256(record.read_bytes()).digest() if record.is_file() else b"-")
    digest.update(changes_key(ws.paths, period).encode())
    return digest.hexdigest()[:20]


def cached_merge(ws: Workspace, period: Period, tasks: list[Task], *, jobs: int = 1) -> tuple[MergeResult, Path | None]:
    """A round's merge result, read against its task list `tasks`, and the cache file written for it now (None
    when it came from the cache): merged.json's very bytes (entries.write_json), for write_merge to copy."""
    result, due = unstored_merge(ws, period, tasks, jobs=jobs)
    if due is None:
        return result, None
    with collector_paused():
        return result, store_merge(due, result)


def unstored_merge(
    ws: Workspace, period: Period, tasks: list[Task], *, jobs: int = 1
) -> tuple[MergeResult, Path | None]:
    """A round's merge result as `cached_merge` gives it, a fresh one not yet written: with the cache file it
    belongs in (None when it came from the cache), for the master workbooks' writer to store beside merged.json
    (`store_merge`), in a process of its own while the master ledger is written, instead of before."""
    path = ws.paths.merge_cache(period, merge_key(ws, period))
    if path.is_file():
        with collector_paused():
            return read_json(path), None
    from .merge import merge_period  # here: a round merged before is read back without the readers

    return merge_period(ws, period, tasks=tasks, jobs=jobs), path


def store_merge(path: Path, result: MergeResult, *, copy_of: Path | None = None) -> Path:
    """A merge result written as its round's cache (`path`, from `unstored_merge`), the round's older caches
    removed; `copy_of`: a file that holds it already as write_json writes it (merged.json), copied."""
    for stale in path.parent.glob(f"{result.period}-*.json"):
        stale.unlink()
    if copy_of is None:
        return write_json(path, result)
    return copy_aside(copy_of, path)


# The changes said when the task's leads had already reported it 已完成: recorded all the same (a task found not
# done after all needs them), with a warning naming the round it was done in.
DONE_WARNINGS: dict[ChangeKind, str] = {"extend": "task-extend-done", "suspend": "task-suspend-done"}


def change_notes(ws: Workspace, change: TaskChange) -> list[Problem]:
    """Warnings about a change just recorded: an extension or a suspension of a task every lead reported 已完成 in
    a round before the one it applies from."""
    if change.kind not in DONE_WARNINGS:
        return []
    done_in = build_history(ws, change.start).closed_in.get(change.task_id)
    if done_in is None:
        return []
    return [problem(DONE_WARNINGS[change.kind], task_id=change.task_id, done_in=Period.parse(done_in).label)]
