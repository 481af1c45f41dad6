"""The office's changes to tasks during the year — 延期, 销号, 暂缓, 取消, 调整牵头单位 — each from a round on.

A 台账 is managed as it goes: a deadline is extended with approval, a task is closed (验收销号), suspended,
cancelled, or moved to another lead. Each change is appended to source/task-changes.jsonl (never rewritten:
`records.append_record`) with the round it applies from, when, by whom and why; a later change undoes an earlier
one (resume a suspension, reopen a closed or cancelled task, extend again, reassign back).

`round_tasks` is the one rule for a round's task list: the list as sent (`sent.sent_tasks`) with every change
that applies by that round, in the order they were recorded. A change from round R never alters a round before
R, so a past round re-run gives the same figures. What a change does to a task:

- extend: the deadline becomes the new date, worded "原定2021年4月30日，经批准延期至2021年9月30日" wherever a
  deadline is shown; lights follow the new date.
- close (销号): `Task.lifecycle` closed — not sent, counted 已完成, never red.
- suspend (暂缓): suspended — not sent, not red, counted apart; resume undoes it.
- cancel (取消): cancelled — not sent, out of every count, listed as 已取消; reopen undoes close and cancel.
- reassign: new lead (and support) units; the former leads are kept on the task so the new lead is prefilled
  with their last answer. A task its former lead finished stays finished (history keys 已完成 by task).

A change applies from the first round not yet fixed (nothing of it sent or collected, `sent.is_fixed`), or from
`--from PERIOD`. A fixed round may be named: its merge and report then follow the change (an approval that came
while the round was out), while the workbooks already sent stay as they were. A reassignment cannot start in a
fixed round, since the former lead already received and may have answered the task there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from .cells import task_id_of, tidy
from .clock import now, today
from .deadlines import chinese_date, typed_day
from .model import Deadline, Lifecycle, LifecycleState, Period, Task
from .paths import WorkspacePaths
from .problems import ProblemError
from .records import append_record, current_user, read_records
from .schedule import period_kind_error, round_after
from .sent import is_fixed, ran_rounds, read_sent, sent_periods, sent_tasks
from .unit_changes import read_unit_changes, succeed_units, successors
from .workspace import Workspace

ChangeKind = Literal["extend", "close", "suspend", "resume", "cancel", "reopen", "reassign"]
KIND_NAMES: dict[ChangeKind, str] = {
    "extend": "延期",
    "close": "销号",
    "suspend": "暂缓",
    "resume": "恢复（取消暂缓）",
    "cancel": "取消",
    "reopen": "恢复（撤销销号或取消）",
    "reassign": "调整牵头单位",
}
STATE_NAMES = {None: "未销号、未暂缓、未取消", "closed": "已销号", "suspended": "已暂缓", "cancelled": "已取消"}
# The states each kind applies to, and what to do instead when the task is in another.
APPLIES_TO: dict[ChangeKind, tuple[tuple[str | None, ...], str]] = {
    "close": ((None, "suspended"), "已取消的任务先用 ledger tasks reopen 恢复。"),
    "suspend": ((None,), "已销号或已取消的任务先用 ledger tasks reopen 恢复。"),
    "resume": (("suspended",), "resume 只用于恢复暂缓的任务；销号和取消用 ledger tasks reopen 撤销。"),
    "cancel": ((None, "suspended", "closed"), "该任务已取消，无需再取消。"),
    "reopen": (("closed", "cancelled"), "reopen 只撤销销号和取消；暂缓的任务用 ledger tasks resume 恢复。"),
    "extend": ((None, "suspended"), "已销号或已取消的任务先用 ledger tasks reopen 恢复。"),
    "reassign": ((None, "suspended"), "已销号或已取消的任务先用 ledger tasks reopen 恢复。"),
}
STATE_OF: dict[ChangeKind, LifecycleState] = {"close": "closed", "suspend": "suspended", "cancel": "cancelled"}


@dataclass(kw_only=True)
class TaskChange:
    """One change the office made to a task, from a round on."""

    task_id: str
    kind: ChangeKind
    start: Period  # the round it applies from
    why: str
    at: str  # when it was recorded, office time (ISO)
    by: str  # who recorded it (records.current_user)
    to: str = ""  # extend: the new deadline (ISO date)
    lead: list[str] = field(default_factory=list)  # reassign: the new lead units
    support: list[str] | None = None  # reassign: the new support units; None keeps them

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task_id,
            "kind": self.kind,
            "from": str(self.start),
            "to": self.to,
            "lead": self.lead,
            "support": self.support,
            "at": self.at,
            "by": self.by,
            "why": self.why,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TaskChange:
        kind = data["kind"]
        if kind not in KIND_NAMES:
            raise ValueError(kind)
        support = data.get("support")
        return cls(
            task_id=str(data["task"]),
            kind=kind,
            start=Period.parse(str(data["from"])),
            why=str(data["why"]),
            at=str(data["at"]),
            by=str(data.get("by", "")),
            to=str(data.get("to") or ""),
            lead=[str(u) for u in data.get("lead") or []],
            support=None if support is None else [str(u) for u in support],
        )

    @property
    def details(self) -> str:
        """What the change says, in Chinese: 延期至2021年9月30日, 牵头单位改为…"""
        if self.kind == "extend":
            return f"延期至{chinese_date(date.fromisoformat(self.to))}"
        if self.kind == "reassign":
            text = f"牵头单位改为{'、'.join(self.lead)}"
            return text if self.support is None else f"{text}，配合单位改为{'、'.join(self.support) or '无'}"
        return KIND_NAMES[self.kind]


def read_changes(paths: WorkspacePaths) -> list[TaskChange]:
    """Every change recorded, in the order it was recorded (a line this version cannot read is skipped)."""
    found = []
    for record in read_records(paths.task_changes).records:
        try:
            found.append(TaskChange.from_dict(record))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def changes_until(changes: list[TaskChange], period: Period) -> list[TaskChange]:
    """The changes that apply in `period`: from it or an earlier round."""
    return [c for c in changes if c.start.begins_by(period)]


def apply_changes(tasks: list[Task], changes: list[TaskChange]) -> list[Task]:
    """The tasks with the changes applied in the order they were recorded (the later decision wins); a task
    no change names is returned as it is."""
    by_task: dict[str, list[TaskChange]] = {}
    for change in changes:
        by_task.setdefault(change.task_id, []).append(change)
    return [_changed(t, by_task[t.id]) if t.id in by_task else t for t in tasks]


def _changed(task: Task, changes: list[TaskChange]) -> Task:
    original = task.deadline
    for change in changes:
        if change.kind == "extend":
            due = date.fromisoformat(change.to)
            before = tidy(original.raw)
            said = f"原定{before}，经批准延期至{chinese_date(due)}" if before else f"经批准延期至{chinese_date(due)}"
            deadline = Deadline(raw=said, kind="date", start=original.start, due=due)
            task = dataclasses.replace(task, deadline=deadline)
        elif change.kind in STATE_OF:
            lifecycle = Lifecycle(state=STATE_OF[change.kind], since=str(change.start), why=change.why)
            task = dataclasses.replace(task, lifecycle=lifecycle)
        elif change.kind in ("resume", "reopen"):
            task = dataclasses.replace(task, lifecycle=None)
        elif change.kind == "reassign":
            support = task.support_units if change.support is None else change.support
            former = [u for u in [*task.former_leads, *task.lead_units] if u not in change.lead]
            task = dataclasses.replace(
                task,
                lead_units=list(change.lead),
                support_units=[u for u in support if u not in change.lead],
                former_leads=list(dict.fromkeys(former)),
            )
    return task


def with_changes(paths: WorkspacePaths, period: Period, tasks: list[Task]) -> list[Task]:
    """`tasks` with the office's changes that apply by `period` (what render sends from the source list)."""
    return apply_changes(tasks, changes_until(read_changes(paths), period))


def round_tasks(paths: WorkspacePaths, period: Period, current: list[Task]) -> list[Task]:
    """The task list of a round: as sent (else the source's current list), with the office's changes to tasks
    that apply by the round, then each unit renamed or merged from this round or earlier named as its successor
    (last, so a lead a task was reassigned to and later renamed is the new name too). The one rule merge,
    history, the report, the master workbook and the span share."""
    tasks = with_changes(paths, period, sent_tasks(paths, period, current))
    return succeed_units(tasks, successors(read_unit_changes(paths.unit_changes), period))


def as_done(paths: WorkspacePaths, current: list[Task], done: list[tuple[Task, Period | None]]) -> dict[str, Task]:
    """task -> the task with the deadline it had in the round it was done in, for each (task, round it was done
    in) extended from a later round: an approval that came after the task was finished is kept in the log (a task
    found not done after all needs it), and no output presents a done task as "经批准延期"."""
    extended = {c.task_id for c in read_changes(paths) if c.kind == "extend"}
    rounds: dict[Period, dict[str, Task]] = {}
    found: dict[str, Task] = {}
    for task, when in done:
        if when is None or task.id not in extended:
            continue
        if when not in rounds:
            rounds[when] = {t.id: t for t in round_tasks(paths, when, current)}
        then = rounds[when].get(task.id)
        if then is not None and then.deadline != task.deadline:
            found[task.id] = dataclasses.replace(task, deadline=then.deadline)
    return found


def leads_when_done(
    paths: WorkspacePaths, period: Period, current: list[Task], done: list[tuple[Task, Period | None]]
) -> dict[str, list[str]]:
    """task -> the leads credited with its completion in `period`'s figures, for each (task, round it was done
    in) reassigned at some time: the leads of that round (a task its former lead finished before a reassignment
    is that lead's work, not the new lead's), each unit renamed or merged since named as its successor at
    `period`. Only a reassignment moves a task's leads, so only those tasks' rounds are read."""
    done_in = {task.id: when for task, when in done if when is not None and task.former_leads}
    later = read_unit_changes(paths.unit_changes) if done_in else []
    found: dict[str, list[str]] = {}
    for when in sorted(set(done_in.values())):
        succession = successors(later, period, after=when)
        for task in round_tasks(paths, when, current):
            if done_in.get(task.id) == when:
                found[task.id] = list(dict.fromkeys(succession.get(u, u) for u in task.lead_units))
    return found


def changes_since_render(paths: WorkspacePaths, period: Period) -> list[TaskChange]:
    """The changes that apply to a round not yet fixed and were recorded after its workbooks were rendered (a
    workbook of the round would send a task closed, suspended or moved since, or its old deadline); none once
    the round went out, whose workbooks stay as sent, or for a record that did not count them."""
    sent = read_sent(paths, period)
    if sent is None or sent.changes is None or is_fixed(paths, period):
        return []
    return changes_until(read_changes(paths), period)[sent.changes :]


def changes_key(paths: WorkspacePaths, period: Period) -> str:
    """A digest of the changes that apply in `period`, for the cache keys: a change from a later round leaves
    this round's caches as they are."""
    applied = [c.to_dict() for c in changes_until(read_changes(paths), period)]
    return hashlib.sha256(json.dumps(applied, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:20]


def first_open_round(ws: Workspace) -> Period:
    """The first round nothing of which has been sent or collected: after the latest fixed round; else the
    first round rendered; else the round holding today."""
    paths, kind = ws.paths, ws.config.rhythm.round
    rounds = ran_rounds(paths)
    fixed = [p for p in rounds if is_fixed(paths, p)]
    if fixed:
        return round_after(ws.config, fixed[-1])
    return rounds[0] if rounds else Period.containing(kind, today(ws.config))


def change_task(
    ws: Workspace,
    kind: ChangeKind,
    task_id: str,
    why: str,
    *,
    start: Period | None = None,
    to: str | None = None,
    lead: list[str] | None = None,
    support: list[str] | None = None,
) -> TaskChange:
    """Record one change to a task, from `start` (default: the first round not yet fixed). Raises ProblemError
    for an unknown task, a missing reason, a period of the wrong kind, a change that does not fit the task's
    state in that round, an unreadable date, an unknown unit, or a reassignment from a fixed round."""
    if not why.strip():
        raise ProblemError("task-change-why-missing")
    wanted = task_id_of(task_id)
    tasks = {t.id: t for t in ws.tasks}
    if wanted not in tasks:
        from difflib import get_close_matches  # here: only a mistyped task ID needs it

        close = get_close_matches(wanted, list(tasks), n=3)
        suggestion = f"，是否是：{'、'.join(close)}？" if close else ""
        raise ProblemError("task-change-unknown", task_id=task_id, suggestion=suggestion)
    if start is not None and (error := period_kind_error(ws.config, start, summary=False)):
        raise error
    start = start or first_open_round(ws)
    changes = read_changes(ws.paths)
    base = {t.id: t for t in sent_tasks(ws.paths, start, ws.tasks)}.get(wanted, tasks[wanted])
    [task] = apply_changes([base], changes_until(changes, start))
    state = task.lifecycle.state if task.lifecycle else None
    states, hint = APPLIES_TO[kind]
    if state not in states:
        raise ProblemError(
            "task-change-not-applicable",
            task_id=wanted,
            period=start.label,
            state=STATE_NAMES[state],
            action=KIND_NAMES[kind],
            hint=hint,
        )
    change = TaskChange(
        task_id=wanted,
        kind=kind,
        start=start,
        why=why.strip(),
        at=now(ws.config).isoformat(timespec="seconds"),
        by=current_user(),
    )
    if kind == "extend":
        new = _new_deadline(to or "", ws.config.year)
        # Against the deadline as sent, not as extended: a later approval may set an earlier date than an
        # earlier one (the later decision wins), and an edit of the task list would lose to the extension.
        original = base.deadline.due
        if original is not None and new <= original:  # not an extension: a slip, or 提前
            raise ProblemError(
                "task-extend-not-later", task_id=wanted, to=chinese_date(new), due=chinese_date(original)
            )
        change.to = new.isoformat()
    elif kind == "reassign":
        if not lead:
            raise ProblemError("task-change-lead-missing")
        if is_fixed(ws.paths, start):
            raise ProblemError("task-change-fixed", label=start.label, next=str(start.next()))
        change.lead = ws.registry.named(lead)
        change.support = None if support is None else ws.registry.named(support)
    append_record(ws.paths.task_changes, change.to_dict())
    return change


def what_follows(ws: Workspace, change: TaskChange) -> str:
    """What the office is to do after a change, in Chinese: a round already out keeps its workbooks, a round
    rendered and not yet out is rendered again."""
    label, period = change.start.label, str(change.start)
    if is_fixed(ws.paths, change.start):
        return f"{label}的填报表已发出：该期的汇总、状态和通报按本次调整计算，已发出的填报表不变。"
    if change.start in sent_periods(ws.paths):
        return f"{label}的填报表已生成尚未发出，请重新生成：ledger render --period {period}"
    return f"自{label}起生成的填报表、汇总和通报按本次调整办理。"


def _new_deadline(text: str, year: int) -> date:
    if (day := typed_day(text, year)) is None:
        raise ProblemError("task-change-date-invalid", text=text)
    return day
