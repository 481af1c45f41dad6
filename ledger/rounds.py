"""A round of the ledger as one object: the one way into the pipeline, for the command line and the console.

`open_round(ws, "2021-Q3")` gives a `Round`: its period, due date and history, and every step of the round
(render, merge, status, report, mail, reminders) as one call that hands each stage what the stage before it
made. A period longer than the ledger's rhythm (2021 or 2021-H1 over months, a month over weeks) opens as a
summary of the rounds inside it: it reports and shows status, and the steps that need one round (render, mail,
merge, remind) refuse it with a catalogued problem naming the right form.

The stages are imported where a step needs them, so a command loads only what it uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .clock import now
from .model import Period, Task
from .problems import ERROR, Problem, ProblemError, ProblemsError
from .processes import collector_paused
from .schedule import DueChange, period_kind_error, round_due, schedule_problems, set_due
from .sent import SentRound, check_revision, fixed_basis, ran_rounds, read_sent, record_sent, rounds_within
from .task_changes import KIND_NAMES, changes_since_render, changes_until, read_changes, round_tasks, with_changes
from .unit_changes import read_unit_changes
from .workspace import Workspace

if TYPE_CHECKING:
    from .entries import MergeResult
    from .history import History
    from .mail import MailResult, Outgoing
    from .outbox import Manifest
    from .render import RenderResult
    from .report import MonthlyReport
    from .span import SpanReport

Progress = Callable[[str, int, int], None]  # (step, done, total): long steps report through it


@dataclass(kw_only=True)
class Round:
    """One round of the ledger (or a summary of several), opened on a workspace."""

    ws: Workspace
    period: Period
    jobs: int = 1
    progress: Progress | None = None
    _merged: MergeResult | None = field(default=None, repr=False)
    _encoded: Path | None = field(default=None, repr=False)  # the merge cache written by merge(), as merged.json

    # --- what the round is

    @cached_property
    def ran_rounds(self) -> list[Period]:
        """The rounds the office ran, each of the kind it was run as (`sent.ran_rounds`)."""
        return ran_rounds(self.ws.paths)

    @cached_property
    def run_inside(self) -> list[Period]:
        """The shorter rounds the office ran within this period's days (the months of a quarter, run before the
        ledger turned quarterly; not the last week before a ledger turned monthly, begun in June)."""
        start, end = self.period.start, self.period.end
        return [r for r in self.ran_rounds if self.period.longer_than(r.kind) and start <= r.start and r.end <= end]

    @property
    def is_summary(self) -> bool:
        """A period not run as a round itself that stands for the rounds inside it, summed up: longer than the
        ledger's rhythm (全年, 上半年 …), or of the rhythm over days run as shorter rounds before the rhythm was
        changed (the second quarter of a ledger turned quarterly in July: its months)."""
        if self.period in self.ran_rounds:
            return False
        return self.period.longer_than(self.ws.config.rhythm.round) or bool(self.run_inside)

    @cached_property
    def rounds(self) -> list[Period]:
        """The rounds this period stands for: itself, or for a summary every round inside it, each of the kind it
        was run as (`sent.rounds_within`: a year turned quarterly in July is six months and two quarters)."""
        if not self.is_summary:
            return [self.period]
        return rounds_within(self.ws.paths, self.period, self.ws.config.rhythm.round)

    @cached_property
    def due(self) -> date:
        """When returns are due (the last round's, for a summary), the office's recorded change included."""
        return round_due(self.ws.config, self.ws.paths, self.rounds[-1])

    @cached_property
    def tasks(self) -> list[Task]:
        """The round's task list as render sent it (a summary's: its last round with data's, `span.span_tasks`),
        so later edits of the source list never change a past round; the source's current list for a round not
        yet rendered. With the office's task changes that apply by the round and the units' successors
        (`task_changes.round_tasks`)."""
        if self.is_summary:
            from .span import span_tasks

            return span_tasks(self.ws, self.rounds, self.history)
        return round_tasks(self.ws.paths, self.rounds[-1], self.ws.tasks)

    @cached_property
    def ran(self) -> bool:
        """Whether the office ran the round (for a summary, any round inside it): rendered, mailed or with returns
        stored (`sent.ran_rounds`; the outbox too, for a round rendered before records were kept). A round never
        run asked nobody: no unit is 未报送 in it."""
        return any(r in self.ran_rounds or self.ws.paths.manifest(r).is_file() for r in self.rounds)

    def info(self) -> dict[str, str | bool]:
        """The round as `status --json` carries it."""
        return {
            "period": str(self.period),
            "kind": self.period.kind,
            "label": self.period.label,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "due": self.due.isoformat(),
            "ran": self.ran,
        }

    def notes(self) -> list[Problem]:
        """What to say before the round's output: a period far from the ledger's year, a round never rendered,
        a year the holiday calendar does not cover."""
        from .receipts import period_notes

        found = self.ws.period_problems(self.period) + schedule_problems(self.ws.config, self.rounds[-1])
        return found if self.is_summary else found + period_notes(self.ws.paths, self.period)

    @cached_property
    def run_around(self) -> list[Period]:
        """The longer rounds the office ran that hold this period, when it was not run itself (the third quarter
        around August, run before the ledger turned monthly; a month around a week by its Thursday): its days were
        asked about already."""
        if self.period in self.ran_rounds:
            return []
        return [r for r in self.ran_rounds if r.longer_than(self.period.kind) and r.owns(self.period)]

    def require_round(self) -> None:
        """Steps that work on one round refuse a summary period with a problem naming the right form, or the
        rounds it was run as; and a round not run whose days a longer round already run holds (after the rhythm
        was changed), which the year would count beside that round."""
        if error := period_kind_error(self.ws.config, self.period, summary=False, ran=self.ran_rounds):
            raise error
        if self.is_summary:
            rounds = "、".join(r.label for r in self.run_inside)
            raise ProblemError("round-run-as-shorter", label=self.period.label, rounds=rounds, period=str(self.period))
        self._refuse_run_around()

    def _refuse_run_around(self) -> None:
        """round-run-as-longer, naming them, when a longer round already run holds this one's days."""
        if around := self.run_around:
            rounds = "、".join(r.label for r in around)
            raise ProblemError("round-run-as-longer", label=self.period.label, rounds=rounds, period=str(around[0]))

    def _step(self, name: str) -> Callable[[int, int], None] | None:
        progress = self.progress
        return (lambda done, total: progress(name, done, total)) if progress else None

    # --- the stages, each handed what it needs

    @cached_property
    def history(self) -> History:
        """Every earlier round folded in: before this round, or for a summary through its last round."""
        from .history import build_history

        before = self.rounds[-1].next() if self.is_summary else self.period
        progress = self.progress
        return build_history(
            self.ws,
            before,
            jobs=self.jobs,
            progress=(lambda step, done, total: progress(step, done, total)) if progress else None,
        )

    def render(self, units: list[str] | None = None, *, revise: str | None = None) -> RenderResult:
        """One workbook per unit with open tasks (the office's task changes applied: see task_changes), last
        answers prefilled, closed tasks left out; what was sent recorded under source/sent/ (the source's list:
        the changes are their own record). Raises ProblemsError when task IDs no longer mean what they meant
        when last sent, and ProblemError("sent-fixed") when the round has gone out and this would change what units
        received, unless `revise` says why (the revision is recorded with when, why and who)."""
        from .render import open_rows, render_period

        self.require_round()
        if later := [c for c in read_unit_changes(self.ws.paths.unit_changes) if not c.start.begins_by(self.period)]:
            # the task list names today's units, the round those of its time: rendering it again would mix them
            raise ProblemError("render-before-unit-change", period=self.period.label, start=later[0].start.label)
        if errors := [p for p in self.ws.identity_problems() if p.severity == ERROR]:
            raise ProblemsError(errors)
        paths = self.ws.paths
        previous = read_sent(paths, self.period)
        rows = dict(previous.units) if previous is not None and units is not None else {}
        sending = with_changes(paths, self.period, self.ws.tasks)  # extended, reassigned, closed …
        for unit, (lead, support) in open_rows(sending, self.history).items():
            if units is None or unit in units:
                rows[unit] = {"lead": [t.id for t in lead], "support": [t.id for t in support]}
        history = self.history
        closed = {t.id: history.closed_in.get(t.id, "") for t in sending if history.is_closed(t)}
        # a revision of a round that went out revises its tasks: its indicators stay as sent, as render writes them
        basis = fixed_basis(paths, self.period)
        indicators = self.ws.indicators if basis is None or basis.indicators is None else basis.indicators
        sent = SentRound(
            period=self.period,
            tasks=self.ws.tasks,
            units=dict(sorted(rows.items())),
            closed=closed,
            due=round_due(self.ws.config, paths, self.period).isoformat(),
            indicators=indicators,
            # a render of some units leaves the others' workbooks as they were: the count stands until all are
            changes=len(changes_until(read_changes(paths), self.period))
            if units is None or previous is None
            else previous.changes,
        )
        kind = check_revision(paths, sent, previous, revise)  # before a workbook is written
        result = render_period(
            self.ws,
            self.period,
            self.history,
            units=units,
            jobs=self.jobs,
            progress=self._step("render"),
            tasks=sending,
        )
        record_sent(paths, sent, previous, kind=kind, why=revise, when=now(self.ws.config))
        self.__dict__.pop("tasks", None)
        return result

    def merge(self) -> MergeResult:
        """The round's stored returns merged, once: kept on the object, and cached under build/ by everything it
        depends on, so the next round's history takes it instead of merging this round again."""
        from .history import cached_merge

        self.require_round()
        if self._merged is None:
            self._merged, self._encoded = cached_merge(self.ws, self.period, self.tasks, jobs=self.jobs)
        return self._merged

    def write_merge(self) -> list[Path]:
        """merged.xlsx, problems.xlsx and merged.json of the round (merged.json copied from the merge cache when
        this object just wrote it). Merged here when merge() was not asked before: the merge cache is then
        written as a copy of merged.json, by its writer's process while the master ledger is written."""
        from .history import unstored_merge
        from .master import write_merge
        from .report import round_indicators

        self.require_round()
        cache = None
        if self._merged is None:
            self._merged, cache = unstored_merge(self.ws, self.period, self.tasks, jobs=self.jobs)
        merged = self._merged
        table = round_indicators(self.ws, merged, self.history) if self.ws.indicators else None
        notes = table.jumps() if table else []
        with collector_paused():  # rows by the hundred thousand, all alive until written: see collector_paused
            return write_merge(
                self.ws, merged, tasks=self.tasks, jobs=self.jobs, notes=notes, encoded=self._encoded, cache=cache
            )

    def report(self, issued: date | None = None) -> MonthlyReport | SpanReport:
        """The round's report (or the summary's 全年/上半年完成情况), dated `issued` (default today)."""
        if self.is_summary:
            from .span import build_span_report

            # over the task list of its last round counted by that date (`span.span_tasks`)
            return build_span_report(self.ws, self.period, self.rounds, self.history, issued=issued)
        from .report import build_report

        return build_report(self.ws, self.period, self.merge(), self.history, tasks=self.tasks, issued=issued)

    def status(self) -> dict[str, Any]:
        """What `ledger status --json` prints: the round, then the report's figures."""
        return {"round": self.info(), **self.report().summary()}

    def publish(self, issued: date | None = None, number: int | None = None) -> tuple[Any, list[Path]]:
        """The report and its three outputs under build/<period>/report/. Raises ProblemError("round-not-run") for
        a round never run: nobody was asked, and its 通报 would name every unit 未报送; round-run-as-longer for one
        whose days a longer round already run holds, which is not to be run."""
        if not self.is_summary and not self.ran:
            self._refuse_run_around()
            raise ProblemError("round-not-run", label=self.period.label, period=str(self.period))
        with collector_paused():  # see write_merge
            return self._publish(issued, number)

    def _publish(self, issued: date | None, number: int | None) -> tuple[Any, list[Path]]:
        built = self.report(issued)
        if self.is_summary:
            from .span_outputs import write_span_report

            return built, write_span_report(self.ws, built, number=number, jobs=self.jobs)  # type: ignore[arg-type]
        from .publish import write_report

        return built, write_report(self.ws, built, number=number, jobs=self.jobs)  # type: ignore[arg-type]

    # --- mail

    def manifest(self) -> Manifest:
        """What render sent out this round; ProblemError("outbox-missing") before render."""
        from .outbox import read_manifest

        self.require_round()
        return read_manifest(self.ws.paths, self.period)

    def workbook_mail(self, units: list[str] | None = None) -> tuple[list[Outgoing], list[str]]:
        """One message per unit with its workbook; and the units without an address. Raises
        ProblemError("render-stale") when a task change of the round was recorded after it was rendered."""
        from .mail import workbook_messages

        if later := changes_since_render(self.ws.paths, self.period):
            tasks = "、".join(dict.fromkeys(f"{c.task_id}{KIND_NAMES[c.kind]}" for c in later))
            raise ProblemError("render-stale", label=self.period.label, tasks=tasks, period=str(self.period))

        return workbook_messages(self.ws, self.manifest(), units)

    def reminder_mail(self) -> tuple[list[Outgoing], list[str]]:
        """Reminders to units that did not return and to units whose return has errors."""
        from .mail import reminder_messages

        return reminder_messages(self.ws, self.manifest(), self.merge())

    def deliver(self, messages: list[Outgoing], *, send: bool, resend: bool = False) -> MailResult:
        """Write the messages for review, or send those not sent before (`resend`: these, whatever the log says)."""
        from .mail import deliver

        return deliver(self.ws, self.period, messages, send, self._step("mail"), resend=resend)

    def set_due(self, text: str, why: str) -> DueChange:
        """Move this round's due date (a holiday week); recorded with when and why."""
        self.require_round()
        change = set_due(self.ws.config, self.ws.paths, self.period, text, why)
        self.__dict__.pop("due", None)
        return change


def open_round(ws: Workspace, period: str | Period, *, jobs: int = 1, progress: Progress | None = None) -> Round:
    """The round (or summary) of `period` on a workspace. Raises ValueError for a period that cannot be read
    and ProblemError for one shorter than the ledger's rhythm."""
    found = period if isinstance(period, Period) else Period.parse(period)
    if error := period_kind_error(ws.config, found, summary=True, ran=ran_rounds(ws.paths)):
        raise error
    opened = Round(ws=ws, period=found, jobs=jobs, progress=progress)
    opened.ws = ws.at(opened.rounds[-1])  # the units of the round's time (a unit renamed later is still itself)
    return opened
