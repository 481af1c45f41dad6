"""The monthly consolidated report (月度调度通报): one computation, three outputs that never disagree.

`build_report` turns the workspace and the merged returns into a `MonthlyReport`; the workbook, the web page and
the Word bulletin are all written from that one object.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from .config import BEHIND_STATUS, DONE_STATUS
from .deadlines import deadline_state
from .entries import Entry, MergeResult, ReturnInfo
from .frames import Column, Labels, frame
from .history import History
from .model import Period, Task
from .problems import ERROR, Problem
from .statuses import NOT_REPORTED, NOT_STARTED, consolidate
from .wording import chinese_date, reported_text, supports_text
from .workspace import TASK_FRAME, Workspace, tasks_by_unit

if TYPE_CHECKING:
    import pandas as pd

LIGHT_NAMES = {"green": "绿灯", "yellow": "黄灯", "red": "红灯"}


@dataclass
class TaskLine:
    task: Task
    status: str  # consolidated over the leads; NOT_REPORTED when a lead did not report
    light: str  # "green", "yellow" or "red"
    reason: str  # why this light, in Chinese
    overdue: bool
    due_soon: bool
    leads: list[Entry] = field(default_factory=list)
    supports: list[Entry] = field(default_factory=list)
    previous: str = ""  # consolidated status of the periods before ("" when unknown)
    carried: bool = False  # closed in an earlier period: not asked again this month


@dataclass
class UnitLine:
    unit: str
    returned: bool
    received_at: str
    on_time: bool | None  # None when nothing was returned
    errors: int
    led: int = 0
    done: int = 0
    on_schedule: int = 0
    behind: int = 0
    not_started: int = 0
    overdue: int = 0
    not_reported: int = 0

    @property
    def completion(self) -> float:
        return self.done / self.led if self.led else 0.0


@dataclass
class MonthlyReport:
    period: Period
    as_of: date
    return_deadline: date
    title: str
    office: str
    tasks: list[TaskLine]
    units: list[UnitLine]
    problems: list[Problem]
    returns: list[ReturnInfo]

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(t.light for t in self.tasks)
        return {light: found[light] for light in LIGHT_NAMES}

    @property
    def done(self) -> int:
        return sum(t.status == DONE_STATUS for t in self.tasks)

    @property
    def completion(self) -> float:
        return self.done / len(self.tasks) if self.tasks else 0.0

    @property
    def missing_units(self) -> list[UnitLine]:
        return [u for u in self.units if not u.returned]

    @property
    def late_units(self) -> list[UnitLine]:
        return [u for u in self.units if u.returned and u.on_time is False]

    @property
    def error_units(self) -> list[UnitLine]:
        return [u for u in self.units if u.errors]

    @property
    def good_units(self) -> list[UnitLine]:
        """Units that returned on time without errors and have no task behind or overdue."""
        return [u for u in self.units if u.on_time and not u.errors and u.led and not (u.behind or u.overdue)]

    @property
    def overdue_tasks(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.overdue and t.status != DONE_STATUS]

    @property
    def due_soon_tasks(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.due_soon and t.status != DONE_STATUS]

    @property
    def newly_done(self) -> list[TaskLine]:
        return [t for t in self.tasks if not t.carried and t.status == DONE_STATUS and t.previous != DONE_STATUS]

    @property
    def newly_overdue(self) -> list[TaskLine]:
        previous_end = self.period.previous().last_day
        return [t for t in self.overdue_tasks if t.task.deadline.due and t.task.deadline.due >= previous_end]

    @property
    def changed(self) -> list[TaskLine]:
        return [t for t in self.tasks if not t.carried and t.previous and t.previous != t.status]

    def categories(self) -> list[dict]:
        groups: dict[str, list[TaskLine]] = defaultdict(list)
        for t in self.tasks:
            groups[t.task.category or "（未分类）"].append(t)
        return [
            {
                "category": name,
                "total": len(lines),
                "done": sum(t.status == DONE_STATUS for t in lines),
                **{light: sum(t.light == light for t in lines) for light in LIGHT_NAMES},
            }
            for name, lines in groups.items()
        ]

    def to_frame(self, labels: Labels = "en") -> pd.DataFrame:
        """Every task with its light and status, one row each (columns: TASK_LINE_FRAME; labels="zh" for the
        Chinese column names, those of the report workbook's 汇总台账 where it has them)."""
        return frame(self.tasks, TASK_LINE_FRAME, labels)

    def units_frame(self, labels: Labels = "en") -> pd.DataFrame:
        """Every unit with an open task: whether it reported and how its led tasks stand (UNIT_LINE_FRAME)."""
        return frame(self.units, UNIT_LINE_FRAME, labels)

    def summary(self) -> dict:
        """The figures `ledger status --json` prints and the tests check against the three outputs."""
        return {
            "period": str(self.period),
            "tasks": len(self.tasks),
            "done": self.done,
            "completion": round(self.completion, 4),
            "lights": self.counts,
            "overdue": [t.task.id for t in self.overdue_tasks],
            "due_soon": [t.task.id for t in self.due_soon_tasks],
            "units": {
                "expected": len(self.units),
                "returned": [u.unit for u in self.units if u.returned],
                "missing": [u.unit for u in self.missing_units],
                "late": [u.unit for u in self.late_units],
                "with_errors": [u.unit for u in self.error_units],
            },
            "newly_done": [t.task.id for t in self.newly_done],
            "newly_overdue": [t.task.id for t in self.newly_overdue],
            "changed": [{"task_id": t.task.id, "from": t.previous, "to": t.status} for t in self.changed],
        }


def light_of(task: Task, status: str, as_of: date, soon_days: int) -> tuple[str, str, bool, bool]:
    """(light, reason, overdue, due soon) of a task as of a date."""
    state = deadline_state(task.deadline, as_of, soon_days)
    overdue, due_soon = state == "overdue", state == "soon"
    if status == DONE_STATUS:
        return "green", "已完成", overdue, due_soon
    if overdue:
        return "red", "已超过完成时限", overdue, due_soon
    if status == NOT_REPORTED:
        return "red", "牵头单位未报送", overdue, due_soon
    if status == BEHIND_STATUS:
        return "yellow", "牵头单位报告滞后", overdue, due_soon
    if due_soon:
        return "yellow", f"{soon_days} 个工作日内到期", overdue, due_soon
    started = task.deadline.start is None or task.deadline.start <= as_of
    if status == NOT_STARTED and started:
        return "yellow", "尚未启动", overdue, due_soon
    return "green", "序时推进", overdue, due_soon


def _received_on(info: ReturnInfo) -> date | None:
    try:
        return datetime.fromisoformat(info.received_at).date()
    except ValueError:
        return None


def build_report(ws: Workspace, period: Period, merged: MergeResult, history: History) -> MonthlyReport:
    """Everything the monthly report says, computed once from the source, this period's merged returns and
    the history before it; linear in tasks plus entries plus units."""
    config = ws.config
    as_of = period.last_day
    deadline = period.return_deadline(config.report_due_day)
    entries: dict[str, list[Entry]] = defaultdict(list)
    for e in merged.entries:
        entries[e.task_id].append(e)
    lines = []
    for task in ws.tasks:
        carried = history.is_closed(task)
        leads = [e for e in entries[task.id] if e.role == "lead"]
        if carried:
            status = DONE_STATUS
        else:
            by_unit = {e.unit: e.status.strip() for e in leads}
            status = consolidate([by_unit.get(u, "") for u in task.lead_units], config.statuses)
        light, reason, overdue, due_soon = light_of(task, status, as_of, config.due_soon_days)
        supports = [e for e in entries[task.id] if e.role == "support"]
        previous = history.previous_status.get(task.id, "")
        lines.append(TaskLine(task, status, light, reason, overdue, due_soon, leads, supports, previous, carried))
    received: dict[str, ReturnInfo] = {r.unit: r for r in merged.returns if r.state == "merged"}
    errors = Counter(p.unit for p in merged.problems if p.severity == ERROR and p.unit)
    open_lines = [t for t in lines if not t.carried]
    open_tasks = tasks_by_unit(t.task for t in open_lines)
    led: dict[str, list[TaskLine]] = defaultdict(list)
    for t in open_lines:
        for unit in t.task.lead_units:
            led[unit].append(t)
    units = []
    for unit in sorted(open_tasks, key=lambda u: (-len(open_tasks[u][0]), u)):
        info = received.get(unit)
        on = _received_on(info) if info else None
        line = UnitLine(
            unit,
            info is not None,
            info.received_at if info else "",
            None if info is None else (on is not None and on <= deadline),
            errors[unit],
        )
        for t in led[unit]:
            own = next((e.status.strip() for e in t.leads if e.unit == unit), "")
            line.led += 1
            line.done += own == DONE_STATUS
            line.behind += own == BEHIND_STATUS
            line.not_started += own == NOT_STARTED
            line.not_reported += own not in config.statuses
            line.on_schedule += own in config.statuses and own not in (DONE_STATUS, BEHIND_STATUS, NOT_STARTED)
            line.overdue += t.overdue and own != DONE_STATUS
        units.append(line)
    return MonthlyReport(
        period, as_of, deadline, config.title, config.office.name, lines, units, merged.problems, merged.returns
    )


def report_context(report: MonthlyReport) -> dict:
    """What the HTML page and the Word bulletin are filled with: the same figures for both."""
    return {
        "r": report,
        "title": report.title,
        "office": report.office,
        "period": str(report.period),
        "period_label": report.period.label,
        "as_of": chinese_date(report.as_of),
        "return_deadline": chinese_date(report.return_deadline),
        "counts": report.counts,
        "light_names": LIGHT_NAMES,
        "completion": f"{report.completion:.1%}",
        "summary": report.summary(),
    }


def _of_line(column: Column[Task]) -> Column[TaskLine]:
    return Column(column.en, column.zh, column.kind, lambda t: column.value(t.task), column.categories)


def _lead_text(attribute: str) -> Callable[[TaskLine], str]:
    return lambda t: reported_text(t.leads, attribute, len(t.task.lead_units) == 1)


# What analysts get from a report (`MonthlyReport.to_frame()`, `.units_frame()`).
TASK_LINE_FRAME: list[Column[TaskLine]] = [
    *(_of_line(c) for c in TASK_FRAME),
    Column("light", "灯色", "category", lambda t: t.light, tuple(LIGHT_NAMES)),
    Column("status", "综合状态", "text", lambda t: t.status),
    Column("reason", "原因", "text", lambda t: t.reason),
    Column("overdue", "逾期", "bool", lambda t: t.overdue),
    Column("due_soon", "临期", "bool", lambda t: t.due_soon),
    Column("previous", "上月状态", "text", lambda t: t.previous),
    Column("carried", "往期已完成", "bool", lambda t: t.carried),
    Column("lead_progress", "牵头单位进展", "text", _lead_text("progress")),
    Column("lead_issues", "存在问题", "text", _lead_text("issues")),
    Column("support_reports", "配合单位反馈", "text", lambda t: supports_text(t.supports)),
]
UNIT_LINE_FRAME: list[Column[UnitLine]] = [
    Column("unit", "单位", "text", lambda u: u.unit),
    Column("returned", "已报送", "bool", lambda u: u.returned),
    Column("on_time", "按时报送", "flag", lambda u: u.on_time),  # <NA> when nothing was returned
    Column("received_at", "收到时间", "text", lambda u: u.received_at or None),
    Column("errors", "报送错误", "int", lambda u: u.errors),
    Column("led", "牵头任务", "int", lambda u: u.led),
    Column("done", "已完成", "int", lambda u: u.done),
    Column("on_schedule", "序时推进", "int", lambda u: u.on_schedule),
    Column("behind", "滞后", "int", lambda u: u.behind),
    Column("not_started", "未启动", "int", lambda u: u.not_started),
    Column("overdue", "逾期", "int", lambda u: u.overdue),
    Column("not_reported", "未报送", "int", lambda u: u.not_reported),
    Column("completion", "完成率", "float", lambda u: u.completion),
]
