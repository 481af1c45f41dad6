"""What was sent: every round's task list as render sent it, and what a task ID has meant from round to round.

Render records under source/sent/<period>.jsonl (not derivable, like the send log) every task as sent in that
round — text, lead and support units, deadline — and which unit got which row. Merge, status and report of a
round read the task list from this record, so a later edit of the source list never changes a past round.

The record is replaced (a new version appended) by rendering again until the round is fixed: once a mail of it
was sent or a return of it collected. After that a render that would change what units received needs a
revision with a reason (`render --revise --why`), appended with when, why and who. Readers take the latest.

Between rounds the record is also what a task ID meant: a source edit that makes an ID point at another task's
text (rows renumbered after an insertion) is an error, `task-renumbered`; a small edit of the text (a typo) keeps
the ID and is a warning, `task-text-changed`; a task of the last round taken out of the list (instead of a recorded
cancellation) is a warning too, `task-removed`, and the next round's report names it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .cells import quoted
from .model import PERIOD_KINDS, Deadline, Indicator, Period, PeriodKind, SourceRef, Task
from .paths import WorkspacePaths
from .problems import Problem, ProblemError, problem
from .processes import collector_paused
from .records import append_record, current_user, read_records

SIMILAR = 0.8  # difflib ratio at or above which an edited text is the same task (a typo, a word changed)
SENT_STATES = (None, "sent", "uncertain")  # send-log states of a message that may have reached its unit


def task_record(task: Task) -> dict[str, Any]:
    """A task as the record keeps it: every field, so that the round's task list reads back the same."""
    d, s = task.deadline, task.source
    return {
        "id": task.id,
        "document": task.document,
        "number": task.number,
        "category": task.category,
        "title": task.title,
        "measure": task.measure,
        "deadline": {
            "raw": d.raw,
            "kind": d.kind,
            "start": d.start.isoformat() if d.start else None,
            "due": d.due.isoformat() if d.due else None,
            "every": d.every,
        },
        "lead": task.lead_units,
        "support": task.support_units,
        "vague": task.vague_units,
        "lead_text": task.lead_text,
        "support_text": task.support_text,
        "extra": task.extra,
        "source": None if s is None else {"file": s.file, "sheet": s.sheet, "row": s.row, "cell": s.cell},
    }


def task_of(data: dict[str, Any]) -> Task:
    d, s = data["deadline"], data.get("source")
    return Task(
        id=data["id"],
        document=data["document"],
        number=data["number"],
        category=data["category"],
        title=data["title"],
        measure=data["measure"],
        deadline=Deadline(
            raw=d["raw"],
            kind=d["kind"],
            start=date.fromisoformat(d["start"]) if d["start"] else None,
            due=date.fromisoformat(d["due"]) if d["due"] else None,
            every=d["every"],
        ),
        lead_units=list(data["lead"]),
        support_units=list(data["support"]),
        vague_units=list(data["vague"]),
        lead_text=data["lead_text"],
        support_text=data["support_text"],
        extra=dict(data["extra"]),
        source=None if s is None else SourceRef(s["file"], s["sheet"], s["row"], s["cell"]),
    )


def indicator_record(indicator: Indicator) -> dict[str, Any]:
    """An indicator as the record keeps it: every field, targets and all, so the round reads back the same."""
    record = dataclasses.asdict(indicator)
    record["targets"] = {str(year): target for year, target in indicator.targets.items()}
    return record


def indicator_of(data: dict[str, Any]) -> Indicator:
    s = data.get("source")
    return Indicator(
        **{k: v for k, v in data.items() if k not in ("targets", "source")},
        targets={int(year): str(target) for year, target in data["targets"].items()},
        source=None if s is None else SourceRef(s["file"], s["sheet"], s["row"], s["cell"]),
    )


@dataclass(kw_only=True)
class SentRound:
    """One version of a round's record: the task list as sent and each unit's rows."""

    period: Period
    tasks: list[Task]
    units: dict[str, dict[str, list[str]]]  # unit -> {"lead": [task IDs], "support": [task IDs]}
    # What the round was built on, kept once it is fixed: the tasks left out as finished in an earlier round (task
    # -> that round), so a 退回 or withdrawal of that round's return recorded later reopens them from the next
    # round rendered, never in this one; and the due date the units were told (ISO; "" in older records).
    closed: dict[str, str] = field(default_factory=dict)
    due: str = ""
    # The indicators as sent (targets, baseline, units), so a target edited in the list later leaves the round's
    # 完成率 and light as they were; None in older records (the list as it stands is read).
    indicators: list[Indicator] | None = None
    # How many of the office's task changes applied to the round when its workbooks were rendered: the changes
    # are append-only, so they are the first of those that apply now (None in older records).
    changes: int | None = None
    kind: str = "render"  # "render", or "revision" once the round was fixed
    when: str = ""
    who: str = ""
    why: str = ""
    format: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "period": str(self.period),
            "kind": self.kind,
            "when": self.when,
            "who": self.who,
            "why": self.why,
            "units": self.units,
            "closed": self.closed,
            "due": self.due,
            "tasks": [task_record(t) for t in self.tasks],
            **({} if self.indicators is None else {"indicators": [indicator_record(i) for i in self.indicators]}),
            **({} if self.changes is None else {"changes": self.changes}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentRound:
        return cls(
            period=Period.parse(data["period"]),
            tasks=[task_of(t) for t in data["tasks"]],
            units={u: {"lead": list(r["lead"]), "support": list(r["support"])} for u, r in data["units"].items()},
            closed=dict(data.get("closed", {})),
            due=str(data.get("due", "")),
            indicators=None if "indicators" not in data else [indicator_of(i) for i in data["indicators"]],
            changes=None if data.get("changes") is None else int(data["changes"]),
            kind=data["kind"],
            when=data["when"],
            who=data["who"],
            why=data["why"],
            format=data["format"],
        )

    def received(self) -> dict[str, list[tuple[str, ...]]]:
        """What each unit received: its rows, each with the task's text, units and deadline as written."""
        by_id = {t.id: t for t in self.tasks}
        return {
            unit: [(role, *_content(by_id[i])) for role in ("lead", "support") for i in rows[role] if i in by_id]
            for unit, rows in sorted(self.units.items())
        }


def _content(task: Task) -> tuple[str, ...]:
    return (task.id, task.measure, "、".join(task.lead_units), "、".join(task.support_units), task.deadline.raw)


def read_sent(paths: WorkspacePaths, period: Period) -> SentRound | None:
    """The latest version of the round's record; None for a round rendered before records were kept, or never.

    The collector is paused while it is read: the record holds the round's whole task list, thousands of objects
    that all live on, and rescanning them as they are made was half the time on a 20,000-task ledger."""
    with collector_paused():
        for data in reversed(read_records(paths.sent(period)).records):
            try:
                return SentRound.from_dict(data)
            except (KeyError, TypeError, ValueError):
                continue  # a record this version cannot read: the one before it stands
        return None


def sent_tasks(paths: WorkspacePaths, period: Period, current: list[Task]) -> list[Task]:
    """The task list of a round as sent, when it was rendered with a record, else the source's current one;
    `task_changes.round_tasks` adds the office's changes to tasks and names each unit renamed or merged by the
    round as its successor."""
    sent = read_sent(paths, period)
    return sent.tasks if sent is not None else current


def ran_rounds(paths: WorkspacePaths) -> list[Period]:
    """The rounds the office ran, in order, each of the kind it was run as: rendered (a record of what was sent),
    mailed (a send log) or with returns stored. Of the ledger's rhythm (`[ledger] round`), and of the rhythm
    before it was changed (months until June, quarters from July; the last week before a ledger turned monthly
    beside July, which holds its Thursday). A round before the latest of them that is not one was skipped (a
    holiday week): nobody was asked."""
    found: set[Period] = set()
    for folder in (paths.sent_folder, paths.returns_folder, paths.send_logs):
        for path in folder.iterdir() if folder.is_dir() else ():
            if (period := Period.named(path.name.removesuffix(".jsonl"))) is not None and period.kind != "year":
                found.add(period)
    return sorted(found)


def rounds_within(paths: WorkspacePaths, period: Period, kind: PeriodKind) -> list[Period]:
    """The rounds a period longer than the rhythm `kind` stands for (a year, a half-year): each round of the rhythm
    inside it, and the rounds of another kind the office ran inside it before the rhythm was changed
    (`ran_rounds`); a round of the rhythm not run over their days is of their kind: a year turned quarterly in
    July is its first quarter (nothing ran in it), April, May and June (run as months, April or not) and its
    third and fourth quarters."""
    ran = [p for p in ran_rounds(paths) if period.owns(p)]
    other = [p for p in ran if p.kind != kind]
    found = set(other)
    for own in period.rounds(kind):
        over = [o for o in other if _overlap(own, o)]
        if own in ran or not over:
            found.add(own)
        elif shorter := [o for o in over if own.longer_than(o.kind)]:  # else longer rounds stand for its days
            found.update(own.rounds(min(shorter, key=lambda o: PERIOD_KINDS.index(o.kind)).kind))
    return sorted(found)


def _overlap(one: Period, other: Period) -> bool:
    return one.start <= other.end and other.start <= one.end


@dataclass(frozen=True, kw_only=True)
class Basis:
    """What a round that went out was built on and told its units (`SentRound.closed`, `.due`)."""

    closed: dict[str, str]
    due: str
    indicators: list[Indicator] | None


def fixed_basis(paths: WorkspacePaths, period: Period) -> Basis | None:
    """What the round was built on once it is fixed (`is_fixed`), which a later change of an earlier round or of
    the rhythm leaves as it was; None before (a render may still replace the record) or without a record. Read
    once per version of the record in a process: history, the due date and the report all ask it."""
    path = paths.sent(period)
    if not is_fixed(paths, period) or not path.is_file():
        return None
    stat = path.stat()
    return _basis(paths, period, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _basis(paths: WorkspacePaths, period: Period, size: int, modified: int) -> Basis | None:
    """`fixed_basis` of one version of the record (`size`, `modified`: the file as it stands)."""
    sent = read_sent(paths, period)
    return None if sent is None else Basis(closed=sent.closed, due=sent.due, indicators=sent.indicators)


def sent_periods(paths: WorkspacePaths) -> list[Period]:
    """The rounds with a record, in order."""
    named = (
        (Period.named(path.stem) for path in paths.sent_folder.glob("*.jsonl")) if paths.sent_folder.is_dir() else ()
    )
    return sorted(p for p in named if p is not None)


@dataclass(frozen=True, kw_only=True)
class ListChanges:
    """How a round's task list differs from the rounds before it, from their records."""

    new: frozenset[str]  # tasks no earlier round's record holds: added to the source list (新增)
    removed: list[str]  # tasks of the latest earlier round this round's list no longer holds, in that round's order


def list_changes(paths: WorkspacePaths, period: Period, tasks: Iterable[Task]) -> ListChanges:
    """The tasks added and deleted since the rounds before `period`; neither in the first recorded round. Records
    are read from the latest back, and only until every task is found: a round's cost does not grow with the
    rounds before it (each record holds the whole list of its round), and the latest is read once for both."""
    wanted = {t.id for t in tasks}
    known: set[str] = set()
    removed: list[str] = []
    for n, earlier in enumerate(reversed([p for p in sent_periods(paths) if p < period])):
        sent = read_sent(paths, earlier)
        if sent is None:
            continue
        if n == 0:
            removed = [t.id for t in sent.tasks if t.id not in wanted]
        known |= {t.id for t in sent.tasks}
        if wanted <= known:
            break
    return ListChanges(new=frozenset(wanted - known) if known else frozenset(), removed=removed)


def is_fixed(paths: WorkspacePaths, period: Period) -> bool:
    """Something of the round has gone out or come back: a mail that may have reached its unit, or a return
    collected. From then on what the units received can only be revised, with a reason."""
    if any(r.get("state") in SENT_STATES for r in read_records(paths.send_log(period)).records):
        return True
    return bool(read_records(paths.receipts(period)).records)


def record_sent(
    paths: WorkspacePaths, sent: SentRound, previous: SentRound | None, *, kind: str, why: str | None, when: datetime
) -> bool:
    """Append `sent` as the round's record (`kind` as `check_revision` decided it, before anything was written)
    when it differs from `previous`, the latest; whether it was appended. A fixed round whose units received
    the same as before keeps its record as it was."""
    if previous is not None and _built_on(previous) == _built_on(sent):
        return False
    if kind == "render" and previous is not None and is_fixed(paths, sent.period):
        return False
    sent.kind, sent.why = kind, (why or "").strip()
    sent.when, sent.who = when.isoformat(timespec="seconds"), current_user()
    append_record(paths.sent(sent.period), sent.to_dict())
    return True


def _built_on(sent: SentRound) -> tuple[object, ...]:
    """What a version of the record says, without when and by whom it was written."""
    record = sent.to_dict()
    return record["tasks"], sent.units, sent.closed, sent.due, record.get("indicators"), sent.changes


def check_revision(paths: WorkspacePaths, sent: SentRound, previous: SentRound | None, revise: str | None) -> str:
    """ "render" or "revision": what appending `sent` would be. Raises ProblemError("sent-fixed") when the round is
    fixed, what units received changes and no reason was given, and ("revise-why-missing") for `revise` = ""."""
    if revise is not None and not revise.strip():
        raise ProblemError("revise-why-missing", period=str(sent.period))
    if previous is None or not is_fixed(paths, sent.period):
        return "render"
    changed = _changed_units(previous, sent)
    if not changed:
        return "render"
    if revise is None:
        shown = "、".join(changed[:5]) + (f"等{len(changed)}个单位" if len(changed) > 5 else "")
        raise ProblemError("sent-fixed", period=str(sent.period), label=sent.period.label, units=shown)
    return "revision"


def _changed_units(before: SentRound, after: SentRound) -> list[str]:
    old, new = before.received(), after.received()
    return sorted(u for u in {*old, *new} if old.get(u) != new.get(u))


# --- what each task ID has meant


@dataclass(kw_only=True)
class Meaning:
    """What a task ID meant in the last round that sent it."""

    period: Period
    task: Task


def known_meanings(paths: WorkspacePaths, wanted: set[str]) -> dict[str, Meaning]:
    """Task ID -> its text and units in the last recorded round that held it, for the IDs `wanted` and whatever
    else the records read hold. Records are read from the latest back, and only until every wanted ID is found:
    usually the last round alone."""
    found: dict[str, Meaning] = {}
    for period in reversed(sent_periods(paths)):
        sent = read_sent(paths, period)
        for task in sent.tasks if sent else ():
            found.setdefault(task.id, Meaning(period=period, task=task))
        if wanted <= found.keys():
            break
    return found


def _text(task: Task) -> str:
    return "".join(task.measure.split())


def similar(a: str, b: str) -> bool:
    """The same task after an edit: a typo or a word changed, not another task."""
    from difflib import SequenceMatcher  # here: only an edited task list needs it

    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= SIMILAR


def identity_problems(paths: WorkspacePaths, tasks: list[Task]) -> list[Problem]:
    """The source list against what each ID meant when last sent: `task-renumbered` (an error) for each task
    whose text now stands under another ID or whose ID now holds another task's text, `task-text-changed`
    (a warning) for a small edit of a task's text under its own ID."""
    known = known_meanings(paths, {t.id for t in tasks})
    if not known:
        return []
    last = max(sent_periods(paths))
    current = {t.id: t for t in tasks}
    now_at = {_text(t): t for t in reversed(tasks)}  # text -> the (first) task that holds it now
    old_texts = {_text(m.task) for m in known.values()}
    found: list[Problem] = []
    for task_id, meaning in known.items():
        task = current.get(task_id)
        old = _text(meaning.task)
        if task is None:  # taken out of the list: said while the last round still sent it
            if meaning.period == last:
                where = meaning.task.source or SourceRef("")  # its file; the row it had holds another task now
                fields = {"task_id": task_id, "text": quoted(meaning.task.measure, 40), "period": last.label}
                found.append(problem("task-removed", file=where.file or None, sheet=where.sheet, **fields))
            continue
        if _text(task) == old:
            continue
        moved = now_at.get(old)
        if moved is None and _text(task) not in old_texts and similar(old, _text(task)):
            fields = {"old": quoted(meaning.task.measure, 40), "new": quoted(task.measure, 40)}
            found.append(_located("task-text-changed", task, task_id=task_id, period=meaning.period.label, **fields))
            continue
        found.append(
            _located(
                "task-renumbered",
                moved or task,
                task_id=task_id,
                new_id=moved.id if moved else "",
                text=quoted(meaning.task.measure, 40),
                now=quoted(task.measure, 40),
                moved=f"原任务现在的编号是{moved.id}" if moved else "任务清单中已找不到原任务",
                period=meaning.period.label,
            )
        )
    return found


def _located(code: str, task: Task, **fields: str) -> Problem:
    """The problem at the task's row of its source list."""
    where = task.source or SourceRef("")
    return problem(code, file=where.file or None, sheet=where.sheet, cell=where.cell, **fields)
