"""The half-year and the year (上半年/全年完成情况): every round inside a longer period, summed up once.

`build_span_report` reads the history carried through the span's last round and each round's record, and
decides every figure the three outputs show: each task's status at the end of the span (the last round's
consolidated status, the one definition the round reports use), the round it was first 已完成 and the 完成时间
typed, each lead's last progress labelled with the round it came from; per unit, completion over every task it
leads (done when all its leads say so) and its reporting record over the rounds; and completion round by round.
Tasks suspended or cancelled at the span's end are listed apart, and the indicator table is the one of the span's
last round with data (`report.round_indicators`), so the span's outputs and that round's say the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime

from .clock import local_time
from .config import DONE_STATUS, Config
from .deadlines import judged_on
from .history import History, RoundRecord, Said, build_history, cached_merge, kept_closed
from .indicator_table import IndicatorTable
from .model import Period, Task
from .problems import Problem
from .report import (
    OVERDUE_ON_SCHEDULE,
    Completion,
    Light,
    TaskTotals,
    UnitLine,
    apart_text,
    before_due,
    done_round,
    light_of,
    on_schedule,
    report_date,
    reporting_lines,
    returns_after,
    round_indicators,
    status_text,
)
from .schedule import round_due, still_due
from .sent import ran_rounds
from .statuses import CANCELLED_STATUS, NOT_REPORTED, SUSPENDED_STATUS
from .task_changes import as_done, leads_when_done, round_tasks
from .unit_changes import succeed_units
from .wording import NOT_YET_DUE, chinese, days_in_words
from .workspace import Workspace


@dataclass(kw_only=True)
class SpanTask:
    task: Task
    status: str  # at the end of the span
    light: Light  # as of the span's last day with data
    overdue: bool
    on_schedule_overdue: bool = False  # overdue, and its status at the span's end says 序时推进 (`on_schedule`)
    done_in: Period | None = None  # the round in which every lead first said 已完成
    completed_on: str = ""  # 完成时间 as the leads typed it, for a task done at the span's end
    progress: list[tuple[str, Said]] = field(default_factory=list)  # (lead, its last progress and round)

    @property
    def status_text(self) -> str:
        """The status as the round's outputs say it: 已完成（已销号）, 序时推进（已超期，单位填报序时推进）."""
        said = status_text(self.task, self.status)
        return f"{said}（{OVERDUE_ON_SCHEDULE}）" if self.on_schedule_overdue else said

    @property
    def completed_text(self) -> str:
        """完成时间 as offices write a day, 2021年3月20日 (a date cell reads 2021-03-20); other text as typed."""
        return days_in_words(self.completed_on)

    @property
    def progress_text(self) -> str:
        """Each lead's last progress, labelled with its round: "（2021年9月）已完成验收。"; with its unit when there
        are several, or when it is a former lead's (the task was reassigned after it)."""
        named = len(self.progress) > 1 or any(unit not in self.task.lead_units for unit, _ in self.progress)
        return "\n".join(
            (f"{unit}：" if named else "") + f"（{chinese(Period.parse(said.period))}）{said.text}"
            for unit, said in self.progress
        )


@dataclass(kw_only=True)
class ReportingRecord:
    """How reporting went over the rounds of a span, for a unit or all units together. Each round due counts once,
    in the one reporting state the round's own report gives the unit (`UnitLine.state`), so that on_time + late +
    with_errors + held + missing = rounds_due, as a round's states add up to its units due. `returned` counts the
    rounds whose return was summed up, errors or not (the round's 已报送). Two rates, kept apart as DHIS2 keeps
    completeness and timeliness: 报送率 = returned ÷ rounds due, 按时报送率 = on time (and without errors, the
    round's 按时报送) ÷ rounds due."""

    rounds_due: int = 0  # rounds in which the unit had an open task
    returned: int = 0  # beside the states: a return summed up, 按时, 逾期 or 报送有误
    on_time: int = 0  # 按时报送: on time, no errors
    late: int = 0  # 逾期报送: late, no errors (a late return with errors is 报送有误)
    missing: int = 0
    held: int = 0  # rounds whose return waited as 待确认 (its sender not registered for the unit)
    with_errors: int = 0  # rounds whose return had errors, was refused, or was sent back and not sent again
    late_with_errors: int = 0  # of with_errors, those whose return was late too: the round's 报送有误（其中逾期）

    @property
    def on_time_rate(self) -> float:
        return self.on_time / self.rounds_due if self.rounds_due else 0.0

    @property
    def returned_rate(self) -> float:
        return self.returned / self.rounds_due if self.rounds_due else 0.0


@dataclass(kw_only=True)
class SpanUnit(Completion, ReportingRecord):
    """A unit over the span: `led` counts the tasks it leads (co-led ones included), `done` those done at the
    end of the span (every lead said 已完成); and its reporting record over the rounds."""

    unit: str
    contact: str = ""
    phone: str = ""


@dataclass(kw_only=True)
class RoundPoint:
    """Completion at the end of one round: tasks done so far out of all."""

    period: Period
    done: int
    total: int

    @property
    def completion(self) -> float:
        return self.done / self.total if self.total else 0.0


@dataclass(kw_only=True)
class SpanReport(TaskTotals[SpanTask]):
    period: Period  # 2021, 2021-H1 …
    rounds: list[Period]  # every round of the rhythm inside the period
    with_data: list[Period]  # those the ledger has a record of (returns stored)
    # rounds before the latest counted that the office never ran (`sent.ran_rounds`): no data is missing there
    # (one before a round still open, rendered ahead, may still go out)
    skipped: list[Period] = field(default_factory=list)
    # rounds that went out with no return back yet, dated before their due day: still open, not counted yet
    still_open: list[Period] = field(default_factory=list)
    as_of: date  # the last day of the last round with data, or the report's date before it (`judged_on`)
    issued: date
    title: str
    office: str
    tasks: list[SpanTask]
    units: list[SpanUnit]
    points: list[RoundPoint]
    documents: dict[str, str] = field(default_factory=dict)
    # Tasks suspended (暂缓) or cancelled (已取消) at the span's end: listed apart, in no count of `tasks`.
    suspended: list[SpanTask] = field(default_factory=list)
    cancelled: list[SpanTask] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # tasks of a round inside deleted from the list by its end
    indicators: IndicatorTable | None = None  # as of `indicators_round`, when the ledger has indicators
    indicators_round: Period | None = None  # the span's last round with data
    notes: list[Problem] = field(default_factory=list)  # about its date: far after, before returns or the last due

    def indicators_as_of_text(self) -> str:
        """Which round the indicator values are of, said beside them in every output: a span's indicators are its
        last round's with data, and a year asked for in September must not read as the year-end's."""
        if self.indicators_round is None:
            return ""
        named = chinese(self.indicators_round)
        if self.indicators_round == self.rounds[-1]:
            return f"指标完成情况为{named}（{self.heading}最后一期）调度数据。"
        return f"指标完成情况为已有数据的最近一期即{named}的调度数据（{self.heading}最后一期尚无数据）。"

    def apart_text(self) -> str:
        """ "；另有暂缓1项、已取消1项，不计入以上统计" after the lights, as a round's outputs say it."""
        return apart_text(len(self.suspended), len(self.cancelled), len(self.removed))

    @property
    def heading(self) -> str:
        """全年 or 上半年 … as the bulletin's title says it: "2021年全年", "2021年上半年"."""
        return f"{self.period.year}年全年" if self.period.kind == "year" else self.period.label

    @property
    def reporting(self) -> ReportingRecord:
        """Every unit's reporting record added up: the rates of the whole span, in the 通报 and `status`."""
        total = ReportingRecord()
        for u in self.units:
            for count in fields(ReportingRecord):
                setattr(total, count.name, getattr(total, count.name) + getattr(u, count.name))
        return total

    def reporting_text(self) -> str:
        """The span's two rates in words, as the 通报 and `ledger status` say them; no rate of nothing."""
        total = self.reporting
        if not total.rounds_due:
            return f"{self.heading}尚无应报送的调度"
        late = f"（其中逾期{chinese(total.late_with_errors, '期次')}）" if total.late_with_errors else ""
        parts = [
            f"{name}{chinese(count, '期次')}{said}"
            for name, count, always, said in (
                ("按时报送", total.on_time, True, ""),
                ("逾期报送", total.late, False, ""),
                ("报送有误", total.with_errors, False, late),
                ("待确认", total.held, False, ""),
                ("未报送", total.missing, True, ""),
            )
            if count or always
        ]
        return (
            f"各单位共应报送{chinese(total.rounds_due, '期次')}，其中{'，'.join(parts)}；"
            f"已报送{chinese(total.returned, '期次')}，报送率{chinese(total.returned_rate)}，"
            f"按时报送率{chinese(total.on_time_rate)}"
        )

    @property
    def run(self) -> list[Period]:
        """The rounds inside the span the office ran or has still to run: all but those it skipped."""
        return [p for p in self.rounds if p not in self.skipped]

    @property
    def complete(self) -> bool:
        """Whether every round inside the span has data, but those the office never ran (a year asked for in June
        is not)."""
        return bool(self.with_data) and self.with_data == self.run

    def coverage_text(self) -> str:
        """Which rounds the figures rest on, said beside them so a partial year never reads as a whole one, and
        which rounds the office never ran."""
        if not self.with_data:
            return f"{self.heading}尚无报送数据"
        first, last = self.with_data[0], self.with_data[-1]
        span = chinese(first) if first == last else f"{chinese(first)}至{chinese(last)}"
        text = f"本报告汇总{span}共{chinese(len(self.with_data), '期')}调度数据"
        said = [f"{'、'.join(_runs(self.skipped))}未开展调度"] if self.skipped else []
        said += [f"{'、'.join(_runs(self.still_open))}{NOT_YET_DUE}，暂不计入"] if self.still_open else []
        said += ["其余各期尚无报送数据"] if set(self.run) - {*self.with_data, *self.still_open} else []
        if said:
            text += f"（{self.heading}共{chinese(len(self.rounds), '期')}，{'，'.join(said)}）"
        return text + "。"

    def summary(self) -> dict:
        """The figures `ledger status --json` prints for a summary period; every output shows the same."""
        return {
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "report_date": self.issued.isoformat(),
            "rounds": [str(p) for p in self.rounds],
            "rounds_with_data": [str(p) for p in self.with_data],
            "rounds_skipped": [str(p) for p in self.skipped],
            "rounds_open": [str(p) for p in self.still_open],
            "tasks": len(self.tasks),
            "done": self.done,
            "closed": [t.task.id for t in self.closed_tasks],
            "completion": round(self.completion, 4),
            "lights": self.counts,
            "overdue": [t.task.id for t in self.overdue_tasks],
            "done_in": {t.task.id: str(t.done_in) for t in self.tasks if t.done_in},
            "completion_by_round": [{"period": str(p.period), "done": p.done, "total": p.total} for p in self.points],
            "reporting": asdict(self.reporting),
            "suspended": [t.task.id for t in self.suspended],
            "cancelled": [t.task.id for t in self.cancelled],
            "removed": self.removed,
            "indicators": None
            if self.indicators is None or self.indicators_round is None
            else {
                "as_of_round": str(self.indicators_round),
                "lights": self.indicators.counts(),
                "behind": [line.indicator.id for line in self.indicators.behind],
            },
            "units": [
                {
                    "unit": u.unit,
                    "led": u.led,
                    "done": u.done,
                    "completion": round(u.completion, 4),
                    "rounds_due": u.rounds_due,
                    "returned": u.returned,
                    "on_time": u.on_time,
                    "late": u.late,
                    "missing": u.missing,
                    "held": u.held,
                    "with_errors": u.with_errors,
                    "late_with_errors": u.late_with_errors,
                }
                for u in self.units
            ],
        }


def _runs(periods: list[Period]) -> list[str]:
    """Consecutive rounds said as one stretch, a week without its days: "2021年第1周至第9周", not nine names."""
    stretches: list[list[Period]] = []
    for p in periods:
        if stretches and stretches[-1][-1].next() == p:
            stretches[-1].append(p)
        else:
            stretches.append([p])
    return [f"{s[0].year}年{s[0].short_label}" + (f"至{s[-1].short_label}" if s[1:] else "") for s in stretches]


def span_tasks(ws: Workspace, rounds: list[Period], history: History) -> list[Task]:
    """The task list a span's figures are over: that of its last round with data, whose end they are as of (a
    change recorded since from a later round, or a task added to the source list, alters no figure of it), each
    unit named as the history names the rounds' records (a unit renamed or merged since: its successor), so a
    unit's led tasks and its reporting record are one line."""
    with_data = [p for p in rounds if str(p) in history.keys]
    last = with_data[-1] if with_data else rounds[-1]
    return succeed_units(round_tasks(ws.paths, last, ws.tasks), history.succession)


def build_span_report(
    ws: Workspace,
    period: Period,
    rounds: list[Period],
    history: History,
    *,
    tasks: list[Task] | None = None,
    issued: date | None = None,
) -> SpanReport:
    """The span's figures from the history through its last round and each round's record, over `tasks`
    (default: `span_tasks`). A round that went out with no return back is counted once its due day is reached by
    the report's date (every unit due 未报送 in it, as its own report says), and before that left open."""
    config = ws.config
    # dated as a month's report is, against the due day of the span's last round
    issued_on, notes = report_date(issued, round_due(config, ws.paths, rounds[-1] if rounds else period), config)
    held = _records(ws, rounds, history)  # each round's record read once
    still_open = [p for p, _ in held if _still_open(ws, p, issued_on)]
    due_rounds = [p for p in rounds if p not in still_open]
    records = [r for p, r in held if p not in still_open]
    # a round before the latest counted not among them was skipped
    ran = ran_rounds(ws.paths)
    settled = [p for p in ran if not _still_open(ws, p, issued_on)]
    last: RoundRecord | None = records[-1] if records else None
    kept_done = kept_closed(ws, last.period, history) if last else {}  # 已完成 in the last round as it was sent
    as_of = judged_on(last.period.end, issued_on) if last else period.start
    fold: Light = "red" if config.report.unreported_light == "red" else "grey"
    lines = []
    apart: dict[str, list[SpanTask]] = {"suspended": [], "cancelled": []}
    said_by: dict[str, list[str]] = defaultdict(list)  # task -> every unit that typed its progress or 完成时间
    for task_id, unit in dict.fromkeys([*history.progress, *history.completed_on]):
        said_by[task_id].append(unit)
    listed = span_tasks(ws, due_rounds, history) if tasks is None else tasks
    kept = {t.id for t in listed}
    removed = list(dict.fromkeys(task_id for r in records for task_id in r.status if task_id not in kept))
    for task in listed:
        if task.lifecycle is not None and task.lifecycle.state in apart:
            # suspended or cancelled at the span's end (ledger tasks): in no count, listed apart as the round's report
            status = SUSPENDED_STATUS if task.lifecycle.state == "suspended" else CANCELLED_STATUS
            apart[task.lifecycle.state].append(SpanTask(task=task, status=status, light="grey", overdue=False))
            continue
        status = last.status.get(task.id, NOT_REPORTED) if last else NOT_REPORTED
        light, _, overdue, _ = light_of(task, status, as_of, config.due_soon_days, fold, config.calendar)
        # 销号: done from the round the office's close names; a task the last round kept as sent: the round it had
        done_in = done_round(task, history) or (Period.parse(kept_done[task.id]) if kept_done.get(task.id) else None)
        # the leads' own words; for a task reassigned after its former lead said them, that lead's
        leads = [u for u in task.lead_units if (task.id, u) in history.progress] or said_by[task.id]
        typing = [u for u in task.lead_units if (task.id, u) in history.completed_on] or said_by[task.id]
        typed = dict.fromkeys(
            history.completed_on[(task.id, u)] for u in typing if (task.id, u) in history.completed_on
        )
        lines.append(
            SpanTask(
                task=task,
                status=status,
                light=light,
                overdue=overdue,
                on_schedule_overdue=overdue and on_schedule(status, config.statuses),
                done_in=done_in if status == DONE_STATUS else None,
                completed_on="、".join(typed) if status == DONE_STATUS else "",  # a lead's part is not the task
                progress=[(u, history.progress[(task.id, u)]) for u in leads if (task.id, u) in history.progress],
            )
        )
    done = [(t.task, t.done_in) for t in lines]
    done_then = as_done(ws.paths, ws.tasks, done)
    for t in lines:  # done before an extension: shown with the deadline it was done under, not "经批准延期"
        t.task = done_then.get(t.task.id, t.task)
    as_run = [r for _, r in _records(ws, due_rounds, history, succeeded=False)]
    units = _units(ws, lines, as_run, history.succession, leads_when_done(ws.paths, history.period, ws.tasks, done))
    counted = [[s for s in r.status.values() if s not in (SUSPENDED_STATUS, CANCELLED_STATUS)] for r in records]
    points = [
        RoundPoint(period=r.period, done=sum(s == DONE_STATUS for s in statuses), total=len(statuses))
        for r, statuses in zip(records, counted, strict=True)
    ]
    # dated before returns it counts, it says of its date what had not happened yet: warned as a round's report is
    merged = [r for record in records for r in record.returns if r.state == "merged"]
    notes += returns_after(issued_on, [local_time(datetime.fromisoformat(r.received_at), config) for r in merged])
    if last is not None:  # its last round with data still due on that date: its 未报送 so far still had time
        notes += before_due(
            issued_on, last.due, sum(u.state == "missing" for u in _record_lines(last, config).values())
        )
    return SpanReport(
        period=period,
        rounds=rounds,
        with_data=[r.period for r in records],
        skipped=[p for p in rounds if settled and p < settled[-1] and p not in ran],
        still_open=still_open,
        as_of=as_of,
        issued=issued_on,
        notes=notes,
        title=config.title,
        office=config.office.name,
        tasks=lines,
        units=units,
        points=points,
        documents={d.code: d.label for d in config.documents},
        suspended=apart["suspended"],
        cancelled=apart["cancelled"],
        removed=removed,
        indicators=_last_round_indicators(ws, last.period) if last and ws.indicators else None,
        indicators_round=last.period if last and ws.indicators else None,
    )


def _still_open(ws: Workspace, period: Period, issued: date) -> bool:
    """Whether a round run is still open on the day `issued`: no return back and its due day not reached yet (its
    returns may all still come); counted, every unit due 未报送 in it, from its due day."""
    return not ws.paths.returns(period).is_dir() and still_due(issued, round_due(ws.config, ws.paths, period))


def _records(
    ws: Workspace, rounds: list[Period], history: History, *, succeeded: bool = True
) -> list[tuple[Period, RoundRecord]]:
    """The records of the rounds the history holds (`History.record_of`), each with its round."""
    return [(p, r) for p in rounds if (r := history.record_of(ws, p, succeeded=succeeded)) is not None]


def _record_lines(record: RoundRecord, config: Config) -> dict[str, UnitLine]:
    """How each unit due reported in a round of the span, by the round reports' own rule (`reporting_lines`)."""
    errors = dict.fromkeys(record.error_units, 1)
    return reporting_lines(record.expected, record.returns, errors, record.due, config, record.empty_units)


def _last_round_indicators(ws: Workspace, period: Period) -> IndicatorTable | None:
    """The indicator table of the span's last round with data, built as that round's report builds it (its
    merge and the history before it, both cached by then): one definition, the same figures."""
    merged, _ = cached_merge(ws, period, round_tasks(ws.paths, period, ws.tasks))
    return round_indicators(ws, merged, build_history(ws, period))


def _units(
    ws: Workspace,
    tasks: list[SpanTask],
    records: list[RoundRecord],
    succession: Mapping[str, str],
    credited: dict[str, list[str]],
) -> list[SpanUnit]:
    """Per unit: completion over the tasks it leads (a task done counted for the leads of the round it was done
    in, `credited`), and how it reported round by round (the round reports' own rule: `reporting_lines`, over
    `records` as each round named its units). A round before a merge counts once for the successor, as the
    least well of the units it stands for reported (`UnitLine.rank`): a merged unit's missing round is not
    covered by its successor's return."""
    found: dict[str, SpanUnit] = {}

    def line(unit: str) -> SpanUnit:
        if unit not in found:
            known = ws.units.get(unit)
            found[unit] = SpanUnit(
                unit=unit, contact=known.contact if known else "", phone=known.phone if known else ""
            )
        return found[unit]

    for t in tasks:
        for unit in credited.get(t.task.id, t.task.lead_units):
            line(unit).led += 1
            line(unit).done += t.status == DONE_STATUS
    for record in records:
        worst: dict[str, UnitLine] = {}
        for unit, how in _record_lines(record, ws.config).items():
            name = succession.get(unit, unit)
            if name not in worst or (how.rank, how.held) < (worst[name].rank, worst[name].held):
                worst[name] = how
        for unit, how in worst.items():
            u = line(unit)
            u.rounds_due += 1
            u.returned += how.returned
            # the round's own one state: 按时 or 逾期 with errors is 报送有误 only, 待确认 is not 未报送, 退回重报
            # with nothing after it is 报送有误
            u.on_time += how.state == "on_time"
            u.late += how.state == "late"
            u.missing += how.state == "missing"
            u.held += how.state == "held"
            u.with_errors += how.state in ("error", "redo")
            u.late_with_errors += how.state == "error" and how.late  # as the round says 报送有误（其中逾期）
    return sorted(found.values(), key=lambda u: (-u.completion, -u.led, u.unit))
