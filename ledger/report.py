"""The monthly consolidated report (月度调度通报): one computation, three outputs that never disagree.

`build_report` turns the workspace, the merged returns and the history before them into a `MonthlyReport`;
the workbook, the web page and the Word bulletin are all written from that one object, so a figure, a list or
a sentence of explanation is decided here once and only presented by the writers.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeVar

from .clock import local_time, today
from .config import BEHIND_STATUS, DONE_STATUS, Config, Office, WorkCalendar
from .deadlines import NATIONAL, deadline_state, judged_on, overdue_when_said
from .entries import Entry, MergeResult, ReturnInfo, TaskEntries
from .frames import Column, Labels, frame
from .history import History, round_statuses
from .indicator_table import IndicatorTable, indicator_table
from .indicators import indicators_by_unit
from .layout import SupportGroups
from .model import Period, Task
from .problems import ERROR, Problem, problem
from .schedule import resubmit_by, round_after, round_due, still_due
from .sent import list_changes
from .statuses import (
    CANCELLED_STATUS,
    CLOSED_REMARK,
    INVALID_STATUS,
    NOT_REPORTED,
    NOT_STARTED,
    SUSPENDED_STATUS,
    normalise_status,
)
from .task_changes import as_done, leads_when_done, read_changes, round_tasks
from .wording import SAME_AS_BEFORE, chinese, reported_text, supports_text
from .workspace import TASK_FRAME, Workspace, tasks_by_unit

if TYPE_CHECKING:
    import pandas as pd

Light = Literal["green", "yellow", "red", "grey"]
# How a unit reported in a round: exactly one state each, so that the counts add up to the units due.
# 待确认: a return held by the sender rule; 退回重报: the office sent the unit's return back and nothing came after.
Reporting = Literal["on_time", "late", "error", "redo", "held", "missing"]
REPORTING_NAMES: dict[Reporting, str] = {
    "on_time": "按时报送",
    "late": "逾期报送",
    "error": "报送有误",
    "redo": "退回重报",
    "held": "待确认",
    "missing": "未报送",
}
OVERDUE_ON_SCHEDULE = "已超期，单位填报序时推进"
NAME_LENGTH = 18  # characters of a task's content that name it in the bulletin
LATE_REPORT_DAYS = 30  # a report dated later than this after the round's due date is a warning
LIGHT_NAMES: dict[Light, str] = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "未报送"}
FIRST_MONTH = "本期为首次调度，无上期数据。"  # a sentence: the outputs put the next one after it
# How each list of units is chosen, said in every output beside the list.
# Praise is for reporting well and keeping to schedule, not for being done: a unit at 0/2 on schedule earns it,
# and the words say so, lest "选择完成状态" beside "（0/2）" read as "every task chosen 已完成".
GOOD_RULE = (
    "按时报送、报送无误且本期未被退回重报，有牵头（含共同牵头）任务且均按下拉选项填报了完成状态（不要求已完成），"
    "牵头任务中无滞后、逾期、应启动未启动或状态有误，且本期牵头任务未反映进度问题的单位，按完成率、报送时间排序"
)
MISSING_RULE = "截至报告日未报送填报表的单位"
ERROR_RULE = "报送文件未能汇总、填报表未填写（与下发时相同），或填报内容有错误（如完成状态不在可选范围）的单位"
REDO_RULE = "报送的填报表经办公室退回、尚未重新报送的单位，括号内为退回原因"
LATE_RULE = "在报送时限之后报送的单位"
ATTENTION_RULE = "牵头（含共同牵头）任务中有逾期、滞后、应启动未启动或完成状态有误的单位"
COMPLETION_RULE = (
    "完成率为牵头任务（含共同牵头）中综合状态为已完成的比例：共同牵头的任务须各牵头单位均报已完成才计为完成"
)
# 存在问题 that says there is none: 无, 暂无, 没有问题, 无问题和需协调事项, "/", "—" …
_PUNCTUATION = re.compile(r"[\s。．.，,、;；:：!！?？/\\\-—_~～()（）“”\"']+")
_NOTHING = re.compile(
    r"(暂|目前|当前|本月)?(无|没有|未发现|不存在)(明显|任何|其他)?(问题|困难)?"
    r"((和|及|或|、)?(需|需要)?协调(解决)?(的)?(事项|问题))?"
)


@functools.lru_cache(maxsize=4096)  # units write the same few words ("无", "暂无") on most of their rows
def says_nothing(text: str) -> bool:
    """Whether a 存在问题 cell says there is no problem (a "无" variant) rather than naming one."""
    bare = _PUNCTUATION.sub("", text).lower()
    return bare in ("", "否", "na", "none", "null") or _NOTHING.fullmatch(bare) is not None


@dataclass(kw_only=True)
class TaskLine:
    task: Task
    status: str  # consolidated over the leads: a status of the list, NOT_REPORTED or INVALID_STATUS
    light: Light
    reason: str  # why this light, in Chinese
    overdue: bool
    due_soon: bool
    leads: list[Entry] = field(default_factory=list)
    supports: list[Entry] = field(default_factory=list)
    groups: list[Entry] = field(default_factory=list)  # answers for the task's whole support group (role "group")
    previous: str = ""  # consolidated status of the periods before ("" when unknown)
    carried: bool = False  # closed in an earlier period: not asked again this month
    on_schedule_overdue: bool = False  # overdue, and a lead still reported it on schedule (status-overdue-on-schedule)
    new: bool = False  # added to the source list: this is the first round that sends it (新增)
    overdue_before: bool = False  # overdue in the previous round's own report (`overdue_in_previous`)

    @property
    def remark(self) -> str:
        """What every output says beside the status: why its light, and 已超期，单位填报序时推进 where it applies."""
        return OVERDUE_ON_SCHEDULE if self.on_schedule_overdue else self.reason

    @functools.cached_property  # the bulletin names the task on every problem listed, thousands on a large ledger
    def name(self) -> str:
        """The task named by its content, as a bulletin names it: its title, else the measure's first clause."""
        text = self.task.title or re.split(r"[，。；;：:]", self.task.measure.strip(), maxsplit=1)[0]
        return text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1] + "…"

    @functools.cached_property  # the workbook and the page both show it: worded once per line
    def progress_text(self) -> str:
        """The leads' progress, each with its unit when the task has several; stale text marked （与上期相同）."""
        return reported_text(self.leads, "progress", len(self.task.lead_units) == 1)

    @functools.cached_property  # shown by the workbook and the page, whose template may ask more than once a row
    def support_text(self) -> str:
        """What the supporting units reported, a line each, group answers marked (本类综合)."""
        return supports_text(self.supports, self.groups)

    @property
    def deadline_text(self) -> str:
        """The deadline as the task list words it, without Western spaces ("2021 年 4 月底前" → 2021年4月底前);
        an extended one as "原定2021年4月30日，经批准延期至2021年9月30日" (task_changes)."""
        return self.task.deadline.text

    @property
    def closed(self) -> bool:
        """Closed by the office (销号): counted 已完成, shown 已完成（已销号）."""
        return is_closed(self.task)

    @property
    def status_text(self) -> str:
        return status_text(self.task, self.status)

    @property
    def why(self) -> str:
        """The office's reason for closing, suspending or cancelling the task."""
        return self.task.lifecycle.why if self.task.lifecycle else ""

    @property
    def since_label(self) -> str:
        """The round the office's closing, suspending or cancelling applies from, named: 2021年7月."""
        return self.task.lifecycle.since_label if self.task.lifecycle else ""


@dataclass(kw_only=True)
class Completion:
    """A unit's completion over the tasks it leads, written "3/14": one definition for every output."""

    led: int = 0
    done: int = 0

    @property
    def completion(self) -> float:
        return self.done / self.led if self.led else 0.0

    @property
    def completion_text(self) -> str:
        return f"{self.done}/{self.led}"


@dataclass(kw_only=True)
class UnitLine(Completion):
    """A unit due to report in the round. `done` (from Completion) counts the tasks it leads whose consolidated
    status is 已完成; `own_done` the tasks where its own answer is 已完成; the other task counts are by the
    tasks' consolidated status, co-led ones included."""

    unit: str
    contact: str = ""
    phone: str = ""
    own_done: int = 0  # 本单位已完成: its own answer is 已完成, whatever the co-leads said
    asked: int = 0  # the tasks it leads that this round asks about: neither done in an earlier round nor closed
    unanswered: int = 0  # tasks it leads without a status of the list in its own answer
    delays: int = 0  # 存在问题 of this round naming a problem, on the tasks it leads
    returned: bool = False  # a return of the unit was merged, with something filled in
    empty: bool = False  # its return was merged as it was rendered, or blanked (return-empty): 视为未报送本期进展
    refused: bool = False  # nothing merged, but a file of the unit was refused (wrong period, unreadable …)
    held: bool = False  # nothing merged, but a return naming the unit waits for the office to accept it (待确认)
    sent_back: str = ""  # why the office sent a return of the unit back this round (退回重报), the latest reason
    redo: bool = False  # sent back, and nothing of the unit came after it: 退回重报 still open
    received: datetime | None = None  # when the merged return arrived, in the office's zone
    judged: datetime | None = None  # the received time its lateness is judged by (a first submission's, kept)
    on_time: bool | None = None  # None when nothing was merged
    errors: int = 0  # error-level problems of the unit's files
    on_schedule: int = 0
    behind: int = 0
    not_started: int = 0
    stalled: int = 0  # 未启动 although the task's time has begun
    invalid: int = 0  # status outside the list
    overdue: int = 0
    not_reported: int = 0

    @property
    def late(self) -> bool:
        return self.returned and self.on_time is False

    @property
    def state(self) -> Reporting:
        """The one reporting state of the unit in the round."""
        if self.redo:
            return "redo"
        if self.refused or self.errors:
            return "error"
        if self.held and not self.returned:
            return "held"
        if not self.returned:
            return "missing"
        return "on_time" if self.on_time else "late"

    @property
    def reporting(self) -> str:
        """How the unit reported, in the words of every output: the state, 逾期 beside 报送有误 when late too."""
        name = REPORTING_NAMES[self.state]
        if self.state == "redo":
            return f"{name}（{self.sent_back}）"
        if self.state == "error":
            detail = "文件未汇总" if self.refused else "填报表未填写" if self.empty else "逾期" if self.late else ""
            return f"{name}（{detail}）" if detail else name
        if self.state == "held":
            return f"{name}（发件人未登记）"
        return f"{name}（退回后重报）" if self.sent_back else name

    @property
    def rank(self) -> int:
        """How well the unit reported, for month over month: missing < refused < errors, sent back < late < on
        time."""
        if self.redo:
            return 2
        if self.refused or self.empty:
            return 1
        if not self.returned:
            return 0
        if self.errors:
            return 2
        return 4 if self.on_time else 3

    @property
    def needs_attention(self) -> bool:
        return bool(self.overdue or self.behind or self.stalled or self.invalid)

    @property
    def praised(self) -> bool:
        """表现较好 (GOOD_RULE): on time without errors and never sent back this round; leads a task and answered
        each with a status of the list (done or not); none of its tasks, co-led ones included, behind, overdue,
        stalled or invalid; no problem reported on the tasks it leads (one on a task it supports is the lead's)."""
        return (
            self.state == "on_time"
            and not self.sent_back
            and bool(self.led)
            and not self.unanswered
            and not self.needs_attention
            and not self.delays
        )

    @property
    def concerns(self) -> str:
        """What needs attention in the unit's tasks: "逾期2项、滞后1项"."""
        found = (
            ("逾期", self.overdue),
            ("滞后", self.behind),
            ("应启动未启动", self.stalled),
            ("状态有误", self.invalid),
        )
        return "、".join(f"{label}{chinese(n, '项')}" for label, n in found if n)

    @property
    def contact_text(self) -> str:
        """Who to call about the unit's return, from the units file: "联系人张三，电话0531-1234567"."""
        if Office(contact=self.contact, phone=self.phone).placeholder:
            return ""  # the example's 台账联络员 or a phone of zeros is nobody to call
        parts = (f"联系人{self.contact}" if self.contact else "", f"电话{self.phone}" if self.phone else "")
        return "，".join(p for p in parts if p)


@dataclass(kw_only=True)
class IssueLine:
    """A 存在问题 a unit reported on a task that names a problem (not a "无" variant)."""

    task: TaskLine
    unit: str
    role: str
    text: str
    unchanged: bool = False  # the text prefilled from the round before, left as it was

    @property
    def current(self) -> bool:
        """Whether the bulletin may present it as a problem of this round: typed this round, and, when it is a
        lead's, on a task that is still behind or not done."""
        return not self.unchanged and (self.role != "lead" or self.task.status != DONE_STATUS)

    @property
    def shown(self) -> str:
        return f"{self.text}{SAME_AS_BEFORE}" if self.unchanged else self.text


@dataclass(kw_only=True)
class IssueGroup:
    """Units that reported the same problem: one sentence in the bulletin, the tasks named by their content."""

    text: str
    issues: list[IssueLine] = field(default_factory=list)

    @property
    def units(self) -> list[str]:
        return list(dict.fromkeys(i.unit for i in self.issues))

    @property
    def tasks(self) -> list[TaskLine]:
        return list({i.task.task.id: i.task for i in self.issues}.values())

    def sentence(self, shown: int = 5) -> str:
        """市生态环境局等3个单位5项任务反映：受资金影响，进度滞后。涉及老旧小区改造、……等任务。"""
        units, tasks = self.units, self.tasks
        who = units[0] if len(units) == 1 else f"{units[0]}等{chinese(len(units), '个')}单位"
        named = list(dict.fromkeys(t.name for t in tasks))  # two tasks may share a name: say it once
        names = "、".join(named[:shown])
        if len(tasks) == 1:
            return f"{who}反映{names}：{self.text.rstrip('。')}。"
        more = "等" if len(named) > shown else ""
        return f"{who}{chinese(len(tasks), '项')}任务反映：{self.text.rstrip('。')}。涉及{names}{more}任务。"


@dataclass(kw_only=True)
class ReportingChange:
    """A unit whose reporting got better or worse than last period."""

    unit: str
    before: str
    after: str
    better: bool


class LineOfTask(Protocol):
    task: Task
    status: str
    light: Light
    overdue: bool


Line = TypeVar("Line", bound=LineOfTask)


class TaskTotals(Generic[Line]):
    """Figures over a report's task lines, a round's or a half-year's: one definition each, for every output."""

    tasks: list[Line]

    @property
    def done(self) -> int:
        return sum(t.status == DONE_STATUS for t in self.tasks)

    @property
    def completion(self) -> float:
        return self.done / len(self.tasks) if self.tasks else 0.0

    @property
    def closed_tasks(self) -> list[Line]:
        """Tasks the office closed (销号), counted among the done."""
        return [t for t in self.tasks if is_closed(t.task)]

    def done_text(self) -> str:
        """已完成41项（其中已销号1项）: the done with the closed among them, as every output of a round or a span
        says them."""
        closed = f"（其中已销号{chinese(len(self.closed_tasks), '项')}）" if self.closed_tasks else ""
        return f"已完成{chinese(self.done, '项')}{closed}"

    @property
    def counts(self) -> dict[Light, int]:
        found = Counter(t.light for t in self.tasks)
        return {light: found[light] for light in LIGHT_NAMES}

    @property
    def overdue_tasks(self) -> list[Line]:
        return [t for t in self.tasks if t.overdue and t.status != DONE_STATUS]


@dataclass(kw_only=True)
class MonthlyReport(TaskTotals[TaskLine]):
    period: Period
    as_of: date  # the data cut-off and the day lights are judged: the period's last day, or the report's date before it
    issued: date  # the report date: the day it is made, never before the last return counted
    return_deadline: date  # this period's returns were due (moved to a working day)
    next_due: date  # next period's returns are due (moved to a working day)
    next_period: Period  # the round after this one (`schedule.round_after`: of the rhythm, if changed since)
    title: str
    office: str
    tasks: list[TaskLine]
    units: list[UnitLine]
    problems: list[Problem]
    returns: list[ReturnInfo]
    previous: Period | None  # the last earlier period with returns; None in the first month
    unreported_light: Light = "grey"
    soon_days: int = 10  # [report] due_soon_days
    documents: dict[str, str] = field(default_factory=dict)  # document code -> its name
    issues: list[IssueLine] = field(default_factory=list)
    reporting_changes: list[ReportingChange] = field(default_factory=list)
    rhythm: str = "month"  # the ledger's round: week, month, quarter or half
    notes: list[Problem] = field(default_factory=list)  # about the report itself: a report date far after the round
    # Tasks the office suspended (暂缓) or cancelled (已取消): listed apart, in no count of `tasks`.
    suspended: list[TaskLine] = field(default_factory=list)
    cancelled: list[TaskLine] = field(default_factory=list)
    adjusted: list[str] = field(default_factory=list)  # the office's task changes from this round, worded
    removed: list[str] = field(default_factory=list)  # tasks of the last round deleted from the source list
    indicators: IndicatorTable | None = None  # the round's indicator table, when the ledger has indicators

    @property
    def new_tasks(self) -> list[TaskLine]:
        """Tasks added to the list, sent for the first time this round (新增)."""
        return [t for t in self.tasks if t.new]

    def adjustments_text(self) -> str:
        """Tasks added and the office's changes to tasks from this round, said the same in every output:
        本期新增任务1项：T-5。本期任务清单中删去任务1项：T-2。本期经批准调整任务2项：T-1完成时限原定2021年6月20日，经批准延期至2021年9月30日；T-3销号。"""
        text = ""
        if new := [t.task.id for t in self.new_tasks]:
            text += f"本期新增任务{chinese(len(new), '项')}：{'、'.join(new)}。"
        if self.removed:
            text += f"本期任务清单中删去任务{chinese(len(self.removed), '项')}：{'、'.join(self.removed)}。"
        if self.adjusted:
            text += f"本期经批准调整任务{chinese(len(self.adjusted), '项')}：{'；'.join(self.adjusted)}。"
        return text

    # --- lights and the red / 未报送 split

    @property
    def red_overdue(self) -> int:
        return sum(t.light == "red" and t.overdue for t in self.tasks)

    @property
    def unreported(self) -> int:
        """Tasks without a reported status, not counted as overdue (grey, or red when folded in)."""
        return sum(t.status == NOT_REPORTED and not t.overdue for t in self.tasks)

    def light_rule(self) -> str:
        """What each light means, said beside the figures."""
        red = "红灯为已超过完成时限仍未完成"
        unreported = (
            "（牵头单位未报送进展的计入红灯）"
            if self.unreported_light == "red"
            else "；未报送为牵头单位未报送进展，单独统计"
        )
        return (
            f"绿灯为已完成或序时推进；黄灯为{self.soon_days}个工作日内到期、报告滞后、应启动未启动或完成状态有误待核实；"
            f"{red}{unreported}。"
        )

    @property
    def red_tasks(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.light == "red"]

    def lights_text(self) -> str:
        """The lights with the split, as every output words them: 绿灯91项，黄灯44项，红灯2项（逾期2项），未报送44项."""
        c = {light: chinese(n, "项") for light, n in self.counts.items()}
        overdue, unreported = chinese(self.red_overdue, "项"), chinese(self.unreported, "项")
        if self.unreported_light == "red":
            red = f"红灯{c['red']}（逾期{overdue}、未报送{unreported}）"
        else:
            red = f"红灯{c['red']}（逾期{overdue}），未报送{c['grey']}"
        return f"绿灯{c['green']}，黄灯{c['yellow']}，{red}{self.apart_text()}"

    def apart_text(self) -> str:
        """The tasks counted apart, as every output says them after the lights: "；另有暂缓1项、已取消1项，不计入
        以上统计" (empty when there are none)."""
        return apart_text(len(self.suspended), len(self.cancelled), len(self.removed))

    @property
    def due_soon_tasks(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.due_soon and t.status != DONE_STATUS]

    @property
    def on_schedule_overdue_tasks(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.on_schedule_overdue]

    @property
    def current_issues(self) -> list[IssueLine]:
        """The 存在问题 the bulletin may present as this round's: typed this round, on a task not yet done."""
        return [i for i in self.issues if i.current]

    def issue_groups(self) -> list[IssueGroup]:
        """This round's problems grouped by their words (punctuation and spaces aside), the most tasks first."""
        groups: dict[str, IssueGroup] = {}
        for i in self.current_issues:
            key = _PUNCTUATION.sub("", i.text)
            groups.setdefault(key, IssueGroup(text=i.text)).issues.append(i)
        return sorted(groups.values(), key=lambda g: (-len(g.tasks), -len(g.units)))

    @property
    def behind_tasks(self) -> list[TaskLine]:
        """欠进度: behind, overdue or stalled (应启动未启动), not done."""
        stalled = {t.task.id for t in self.tasks if t.status == NOT_STARTED and started(t.task, self.as_of)}
        return [
            t
            for t in self.tasks
            if t.status != DONE_STATUS and (t.overdue or t.status == BEHIND_STATUS or t.task.id in stalled)
        ]

    def judgement(self) -> str:
        """The opening judgement with counts and shares, as an office writes it."""
        total = len(self.tasks) or 1
        # Parts that add up to the whole: an overdue task is 欠进度 even unreported (as the lights count it, see
        # `unreported`), a wrong status not yet behind is said apart, and 序时推进 is the rest of the open tasks.
        behind, missing = len(self.behind_tasks), self.unreported
        counted = {t.task.id for t in self.behind_tasks}
        unclear = sum(t.task.id not in counted for t in self.invalid_tasks)
        on_track = len(self.tasks) - self.done - behind - missing - unclear
        unclear_text = (
            f"；完成状态有误、待核实的{chinese(unclear, '项')}，占{chinese(unclear / total)}" if unclear else ""
        )
        if behind / total <= 0.05:
            overall = "各项任务总体推进顺利"
        elif behind / total <= 0.15:
            overall = "多数任务按序时推进，部分任务进度相对缓慢"
        else:
            overall = "任务推进总体偏慢，欠进度任务较多"
        return (
            f"从总体上看，{overall}。台账共有任务{chinese(len(self.tasks), '项')}，"
            f"{self.done_text()}，占{chinese(self.done / total)}；"
            f"序时推进{chinese(on_track, '项')}，占{chinese(on_track / total)}；"
            f"欠进度（逾期、滞后、应启动未启动）的有{chinese(behind, '项')}，占{chinese(behind / total)}；"
            f"牵头单位未报送进展的{chinese(missing, '项')}，占{chinese(missing / total)}{unclear_text}。"
        )

    def requirements(self) -> list[str]:
        """工作要求, each a sentence the bulletin numbers 一是、二是……: only those this round calls for."""
        found = []
        if self.overdue_tasks or self.behind_tasks:
            found.append(
                f"加快推进欠进度任务。{chinese(len(self.behind_tasks), '项')}欠进度任务的牵头单位要分析原因、明确措施、"
                "限期完成，已超期的要说明完成时间"
            )
        if self.on_schedule_overdue_tasks:
            found.append(
                f"如实填报完成状态。{chinese(len(self.on_schedule_overdue_tasks), '项')}任务已超过完成时限仍填报"
                "“序时推进”，请牵头单位核实，已完成的报已完成，未完成的报滞后并说明原因"
            )
        if self.missing_units or self.error_units or self.redo_units:
            redo = "、退回重报" if self.redo_units else ""
            found.append(f"落实专人负责填报。未报送、报送有误{redo}的单位要按时、准确报送，填报表未填写的视为未报送")
        if any(e.unchanged for t in self.tasks for e in t.leads):
            found.append("每期如实填写本期进展和存在问题，不得照抄上期内容，与上期相同的不作为本期情况统计")
        found.append(f"{chinese(self.next_period)}进展请于{chinese(self.next_due)}前报送")
        return found

    @property
    def invalid_tasks(self) -> list[TaskLine]:
        return [t for t in self.tasks if t.status == INVALID_STATUS]

    # --- units

    @property
    def missing_units(self) -> list[UnitLine]:
        """未报送: nothing of the unit arrived (a refused file counts as 报送有误, a held one as 待确认 instead)."""
        return [u for u in self.units if u.state == "missing"]

    @property
    def held_units(self) -> list[UnitLine]:
        """待确认: nothing merged, but a return naming the unit came from a sender the office has not accepted."""
        return [u for u in self.units if u.state == "held"]

    @property
    def redo_units(self) -> list[UnitLine]:
        """退回重报: the office sent the unit's return back, and no corrected one has come yet."""
        return [u for u in self.units if u.state == "redo"]

    @property
    def returned_units(self) -> list[UnitLine]:
        return [u for u in self.units if u.returned]

    @property
    def late_units(self) -> list[UnitLine]:
        """逾期报送 without errors (a late return with errors is 报送有误, 逾期 shown beside it)."""
        return [u for u in self.units if u.state == "late"]

    @property
    def error_units(self) -> list[UnitLine]:
        """报送有误: a refused file, or errors in the merged one (an untouched workbook among them)."""
        return [u for u in self.units if u.state == "error"]

    @property
    def reporting_counts(self) -> dict[Reporting, int]:
        """Units per reporting state: they add up to the units due."""
        found = Counter(u.state for u in self.units)
        return {state: found[state] for state in REPORTING_NAMES}

    def reporting_text(self) -> str:
        """The reporting line, every unit due accounted for: 应报送单位45个，其中按时报送30个，……"""
        counts = self.reporting_counts
        parts = []
        for state, name in REPORTING_NAMES.items():
            if counts[state] or state in ("on_time", "missing"):
                text = f"{name}{chinese(counts[state], '个')}"
                late = sum(u.late for u in self.error_units)
                if state == "error" and late:
                    text += f"（其中逾期{chinese(late, '个')}）"
                if state == "redo":  # named: the bulletin has no list of its own for them
                    text += f"（{'、'.join(u.unit for u in self.redo_units)}）"
                parts.append(text)
        return f"应报送单位{chinese(len(self.units), '个')}，其中" + "，".join(parts)

    @property
    def good_units(self) -> list[UnitLine]:
        """表现较好 (GOOD_RULE, UnitLine.praised), by completion, then the earliest return."""
        good = [u for u in self.units if u.praised]
        return sorted(good, key=lambda u: (-u.completion, u.received or datetime.max, u.unit))

    @property
    def attention_units(self) -> list[UnitLine]:
        return [u for u in self.units if u.needs_attention]

    @property
    def chart_units(self) -> list[UnitLine]:
        """The completion chart: units that lead a task, by completion rate (best first)."""
        return sorted((u for u in self.units if u.led), key=lambda u: (-u.completion, -u.led, u.unit))

    # --- month over month

    @property
    def first_month(self) -> bool:
        return self.previous is None

    @property
    def newly_done(self) -> list[TaskLine]:
        if self.first_month:
            return []
        return [t for t in self.tasks if not t.carried and t.status == DONE_STATUS and t.previous != DONE_STATUS]

    @property
    def newly_overdue(self) -> list[TaskLine]:
        if self.first_month:
            return []
        # Overdue now and not in the previous round's report: fell due since, or back in the counts (resumed,
        # reopened, new), or its deadline revised to an earlier date.
        return [t for t in self.overdue_tasks if not t.overdue_before]

    @property
    def changed(self) -> list[TaskLine]:
        return [t for t in self.tasks if not t.carried and t.previous and t.previous != t.status]

    @property
    def reporting_better(self) -> list[ReportingChange]:
        return [c for c in self.reporting_changes if c.better]

    @property
    def reporting_worse(self) -> list[ReportingChange]:
        return [c for c in self.reporting_changes if not c.better]

    def month_over_month(self) -> str:
        """The sentence comparing with last period, the same in every output."""
        if self.first_month:
            return FIRST_MONTH
        text = (
            f"与上期（{self.previous.brief_label if self.previous else ''}）相比，"
            f"新完成{chinese(len(self.newly_done), '项')}，"
            f"新逾期{chinese(len(self.newly_overdue), '项')}，状态变化{chinese(len(self.changed), '项')}；"
            f"报送情况好转的单位{chinese(len(self.reporting_better), '个')}，"
            f"变差的单位{chinese(len(self.reporting_worse), '个')}"
        )
        return text + "。"

    def categories(self) -> list[dict]:
        """Per category (in source order), with the document it belongs to."""
        groups: dict[tuple[str, str], list[TaskLine]] = defaultdict(list)
        for t in self.tasks:
            groups[(t.task.document, t.task.category or "（未分类）")].append(t)
        return [
            {
                "document": self.documents.get(document, document),
                "category": name,
                "total": len(lines),
                "done": sum(t.status == DONE_STATUS for t in lines),
                "overdue": sum(t.light == "red" and t.overdue for t in lines),
                **{light: sum(t.light == light for t in lines) for light in LIGHT_NAMES},
            }
            for (document, name), lines in groups.items()
        ]

    @property
    def last_round(self) -> str:
        """How the round before is named: 上月, 上季度, 上周, 上期 (half-years); 上期 too when it was of another
        kind (June before the third quarter of a ledger turned quarterly in July)."""
        if self.previous is not None and self.previous.kind != self.period.kind:
            return "上期"
        return self.period.last_round

    @property
    def previous_header(self) -> str:
        """The label of the status in the round before: 上月状态, 上季度状态, 上周状态, 上期状态."""
        return f"{self.last_round}状态"

    def to_frame(self, labels: Labels = "en") -> pd.DataFrame:
        """Every task with its light and status, one row each (columns: TASK_LINE_FRAME; labels="zh" for the
        Chinese column names, those of the report workbook's 汇总台账 where it has them, the round before named
        as the round is)."""
        columns = [replace(c, zh=self.previous_header) if c.en == "previous" else c for c in TASK_LINE_FRAME]
        return frame(self.tasks, columns, labels)

    def units_frame(self, labels: Labels = "en") -> pd.DataFrame:
        """Every unit with an open task: whether it reported and how its led tasks stand (UNIT_LINE_FRAME)."""
        return frame(self.units, UNIT_LINE_FRAME, labels)

    def summary(self) -> dict:
        """The figures `ledger status --json` prints and the tests check against the three outputs."""
        return {
            "period": str(self.period),
            "as_of": self.as_of.isoformat(),
            "report_date": self.issued.isoformat(),
            "next_due": self.next_due.isoformat(),
            "tasks": len(self.tasks),
            "done": self.done,
            "completion": round(self.completion, 4),
            "lights": self.counts,
            "red": {"overdue": self.red_overdue, "unreported": self.unreported},
            "unreported_light": self.unreported_light,
            "overdue": [t.task.id for t in self.overdue_tasks],
            "due_soon": [t.task.id for t in self.due_soon_tasks],
            "invalid_status": [t.task.id for t in self.invalid_tasks],
            "issues": len(self.issues),
            "issues_unchanged": sum(i.unchanged for i in self.issues),
            "overdue_on_schedule": [t.task.id for t in self.on_schedule_overdue_tasks],
            "closed": [t.task.id for t in self.closed_tasks],
            "suspended": [t.task.id for t in self.suspended],
            "cancelled": [t.task.id for t in self.cancelled],
            "reporting": self.reporting_counts,
            "completion_by_unit": {u.unit: {"led": u.led, "done": u.done, "own_done": u.own_done} for u in self.units},
            "units": {
                "expected": len(self.units),
                "returned": [u.unit for u in self.returned_units],
                "missing": [u.unit for u in self.missing_units],
                "refused": [u.unit for u in self.units if u.refused],
                "held": [u.unit for u in self.held_units],
                "redo": [u.unit for u in self.redo_units],
                "sent_back": {u.unit: u.sent_back for u in self.units if u.sent_back},
                "late": [u.unit for u in self.late_units],
                "with_errors": [u.unit for u in self.error_units],
                "good": [u.unit for u in self.good_units],
            },
            "first_month": self.first_month,
            "newly_done": [t.task.id for t in self.newly_done],
            "newly_overdue": [t.task.id for t in self.newly_overdue],
            "changed": [{"task_id": t.task.id, "from": t.previous, "to": t.status} for t in self.changed],
            "reporting_better": [c.unit for c in self.reporting_better],
            "reporting_worse": [c.unit for c in self.reporting_worse],
            "indicators": None
            if self.indicators is None
            else {
                "lights": self.indicators.counts(),
                "behind": [line.indicator.id for line in self.indicators.behind],
            },
        }


def is_closed(task: Task) -> bool:
    """Closed by the office (销号) in the round or span the task is taken from."""
    return task.lifecycle is not None and task.lifecycle.state == "closed"


def done_round(task: Task, history: History) -> Period | None:
    """The round a task was first done in: the round every lead first said 已完成, or the round the office's
    close (销号) names when that is earlier; None when neither."""
    found = Period.parse(history.closed_in[task.id]) if history.closed_in.get(task.id) else None
    if is_closed(task) and task.lifecycle is not None:
        since = Period.parse(task.lifecycle.since)  # as periods: a quarter's code sorts after a month's as text
        if found is None or since.start < found.start:
            found = since
    return found


def on_schedule(status: str, allowed: list[str]) -> bool:
    """A status of the office's list saying the task goes as planned (序时推进 …): not 已完成, 滞后 or 未启动.
    Said of a task past its deadline, every output adds 已超期，单位填报序时推进, a round's and a span's."""
    return status in allowed and status not in (DONE_STATUS, BEHIND_STATUS, NOT_STARTED)


def status_text(task: Task, status: str) -> str:
    """The status as every output of a round or a span shows it: 已完成（已销号） for a task the office closed."""
    return f"{status}（{CLOSED_REMARK}）" if is_closed(task) else status


def light_of(
    task: Task,
    status: str,
    as_of: date,
    soon_days: int,
    unreported_light: Light = "grey",
    calendar: WorkCalendar = NATIONAL,
) -> tuple[Light, str, bool, bool]:
    """(light, reason, overdue, due soon) of a task as of a date. A task the office closed (销号) is green; one
    it suspended or cancelled has no light (grey, counted apart by the report), never red."""
    if task.lifecycle is not None and task.lifecycle.state != "closed":
        return "grey", status, False, False
    state = deadline_state(task.deadline, as_of, soon_days, calendar)
    overdue, due_soon = state == "overdue", state == "soon"
    if status == DONE_STATUS:
        return "green", "经批准销号" if task.lifecycle else "已完成", overdue, due_soon
    if overdue:
        return "red", "已超过完成时限", overdue, due_soon
    if status == NOT_REPORTED:
        return unreported_light, "牵头单位未报送", overdue, due_soon
    if status == INVALID_STATUS:
        return "yellow", "完成状态有误，待核实", overdue, due_soon
    if status == BEHIND_STATUS:
        return "yellow", "牵头单位报告滞后", overdue, due_soon
    if due_soon:
        return "yellow", f"{soon_days}个工作日内到期", overdue, due_soon
    if status == NOT_STARTED and started(task, as_of):
        return "yellow", "应启动未启动", overdue, due_soon
    return "green", "序时推进", overdue, due_soon


def started(task: Task, as_of: date) -> bool:
    """Whether the task's time has begun by as_of (a range's start; any other task from the first day)."""
    return task.deadline.start is None or task.deadline.start <= as_of


def reporting_lines(
    units: list[str],
    returns: list[ReturnInfo],
    errors: Mapping[str, int],
    due: date,
    config: Config,
    empty: Collection[str] = (),
) -> dict[str, UnitLine]:
    """How each unit reported in a period: returned, refused (a file of the unit refused, or an error naming it,
    and nothing merged), sent back (退回重报, and whether anything came after), on time, errors; the task figures
    are added by the caller. A unit in `empty` sent its workbook back unfilled (return-empty): merged, but no
    report, so neither returned nor on time."""
    received = {r.unit: r for r in returns if r.state == "merged"}
    refused = {r.unit for r in returns if r.state == "refused" and r.unit} | {u for u, n in errors.items() if n}
    held = {r.unit for r in returns if r.state == "held" and r.unit}
    sent_back = sent_back_returns(returns, config)
    lines = {}
    for unit in units:
        info = received.get(unit)
        back = sent_back.get(unit, [])
        line = UnitLine(
            unit=unit,
            returned=info is not None and unit not in empty,
            empty=info is not None and unit in empty,
            refused=info is None and unit in refused,
            held=info is None and unit in held,
            errors=errors.get(unit, 0),
            sent_back=back[-1].why if back else "",
            redo=awaiting_redo(back, info, config) is not None,
        )
        if info is not None:  # shown even when it came unfilled: when the file came is a fact
            line.received = _moment(info.received_at, config)
        if line.returned and info is not None:
            line.judged = judged_received(info, back, config)
            line.on_time = line.judged.date() <= due
        lines[unit] = line
    return lines


def _moment(iso: str, config: Config) -> datetime:
    return local_time(datetime.fromisoformat(iso), config)


def sent_back_returns(returns: list[ReturnInfo], config: Config) -> dict[str, list[ReturnInfo]]:
    """unit -> its returns the office sent back in the round (退回重报), earliest received first."""
    found: dict[str, list[ReturnInfo]] = defaultdict(list)
    for r in sorted(returns, key=lambda r: _moment(r.received_at, config)):
        if r.state == "rejected" and r.rejected_at and r.unit:  # the workbook, not a scan that came with it
            found[r.unit].append(r)
    return found


def awaiting_redo(sent_back: list[ReturnInfo], merged: ReturnInfo | None, config: Config) -> ReturnInfo | None:
    """The unit's return sent back that still waits for a corrected one: its last 退回, when nothing of the unit
    merged came after it. `sent_back` as `sent_back_returns` gives it."""
    if not sent_back:
        return None
    last = sent_back[-1]
    if merged is None or _moment(merged.received_at, config) <= _moment(last.received_at, config):
        return last
    return None


def judged_received(info: ReturnInfo, sent_back: list[ReturnInfo], config: Config) -> datetime:
    """The received time a return's lateness is judged by: its own; or, when it came after a return of its unit
    was sent back (退回重报) and no later than the window of that 退回 (`schedule.resubmit_by`), the first
    submission's (through every 退回 in between). `sent_back`: the unit's returns sent back in the round,
    earliest received first."""
    own = _moment(info.received_at, config)
    for earlier in sent_back:
        first = _moment(earlier.received_at, config)
        if first < own and own.date() <= resubmit_by(
            config, _moment(earlier.rejected_at, config).date(), earlier.resubmit_by
        ):
            return judged_received(earlier, sent_back, config)
    return own


def build_report(
    ws: Workspace,
    period: Period,
    merged: MergeResult,
    history: History,
    *,
    tasks: list[Task] | None = None,
    issued: date | None = None,
) -> MonthlyReport:
    """Everything the monthly report says, computed once from the round's task list (`tasks`, default: as sent,
    see `task_changes.round_tasks`), this period's merged returns and the history before it; linear in tasks plus
    entries plus units. `issued` is the report date (default today in the office's zone, see `report_date`)."""
    config = ws.config
    deadline = round_due(config, ws.paths, period)
    issued_on, notes = report_date(issued, deadline, config)
    as_of = judged_on(period.last_day, issued_on)
    fold: Light = "red" if config.report.unreported_light == "red" else "grey"
    received = {r.file: datetime.fromisoformat(r.received_at).date() for r in merged.returns if r.received_at}
    listed = round_tasks(ws.paths, period, ws.tasks) if tasks is None else tasks
    done_then = as_done(ws.paths, ws.tasks, [(t, done_round(t, history)) for t in listed if history.is_closed(t)])
    listed = [done_then.get(t.id, t) for t in listed]  # done before an extension: not shown extended
    changed = list_changes(ws.paths, period, listed)
    found = TaskEntries(merged.entries, SupportGroups(listed).ids)
    reported = {(e.task_id, e.unit): e.status for e in merged.entries if e.role == "lead"}
    statuses = round_statuses(listed, reported, history.closed, config.statuses)
    lines = []
    for task in listed:
        carried = history.is_closed(task)
        leads = found.leads(task)
        status = statuses[task.id]
        light, reason, overdue, due_soon = light_of(task, status, as_of, config.due_soon_days, fold, config.calendar)
        kept_on = overdue and any(
            on_schedule(normalise_status(e.status), config.statuses)
            and overdue_when_said(task.deadline, as_of, received.get(e.file, as_of + timedelta(days=1)))
            for e in leads
        )
        lines.append(
            TaskLine(
                task=task,
                status=status,
                light=light,
                reason=reason,
                overdue=overdue,
                due_soon=due_soon,
                leads=leads,
                supports=found.supports(task),
                groups=found.groups(task),
                previous=history.previous_status.get(task.id, ""),
                carried=carried,
                on_schedule_overdue=kept_on and status != DONE_STATUS,
                new=task.id in changed.new,
            )
        )
    if history.previous_record and any(t.overdue and t.status != DONE_STATUS for t in lines):
        before = overdue_in_previous(ws, history)  # the previous round's list is read only when it can matter
        for t in lines:
            t.overdue_before = t.task.id in before
    apart: dict[str, list[TaskLine]] = {"suspended": [], "cancelled": []}
    for t in lines:
        if t.task.lifecycle is not None and t.task.lifecycle.state in apart:
            apart[t.task.lifecycle.state].append(t)
    lines = [t for t in lines if t.task.lifecycle is None or t.closed]
    errors = Counter(p.unit for p in merged.problems if p.severity == ERROR and p.unit)
    empty = {p.unit for p in merged.problems if p.code == "return-empty" and p.unit}
    open_lines = [t for t in lines if not t.carried and not t.closed]
    open_tasks = tasks_by_unit(t.task for t in open_lines)
    expected = sorted(open_tasks, key=lambda u: (-len(open_tasks[u][0]), u))
    indicators = ws.round_indicators(period)
    expected += sorted(u for u in indicators_by_unit(indicators) if u not in open_tasks)  # indicators only
    units = reporting_lines(expected, merged.returns, errors, deadline, config, empty)
    led: dict[str, list[TaskLine]] = defaultdict(list)
    done = [(t.task, done_round(t.task, history)) for t in lines if t.carried or t.closed]
    credited = leads_when_done(ws.paths, period, ws.tasks, done)
    for t in lines:  # done in an earlier round or closed too: a unit's completion is over every task it leads
        for unit in credited.get(t.task.id, t.task.lead_units):
            led[unit].append(t)
    for unit, line in units.items():
        known = ws.units.get(unit)
        line.contact, line.phone = (known.contact, known.phone) if known else ("", "")
        for t in led[unit]:
            add_led_task(line, t, as_of, config.statuses)
    notes += returns_after(issued_on, [u.received for u in units.values() if u.received is not None])
    notes += before_due(issued_on, deadline, sum(u.state == "missing" for u in units.values()))
    return MonthlyReport(
        adjusted=adjustments(ws, period, listed),
        removed=changed.removed,
        period=period,
        as_of=as_of,
        issued=issued_on,
        notes=notes,
        return_deadline=deadline,
        next_due=round_due(config, ws.paths, round_after(config, period)),
        next_period=round_after(config, period),
        title=config.title,
        office=config.office.name,
        tasks=lines,
        units=list(units.values()),
        problems=merged.problems,
        returns=merged.returns,
        previous=history.previous,
        unreported_light=fold,
        soon_days=config.due_soon_days,
        documents={d.code: d.label for d in config.documents},
        issues=issues_of(lines),
        reporting_changes=_reporting_changes(list(units.values()), history, config),
        rhythm=config.rhythm.round,
        suspended=apart["suspended"],
        cancelled=apart["cancelled"],
        indicators=round_indicators(ws, merged, history),
    )


def overdue_in_previous(ws: Workspace, history: History) -> frozenset[str]:
    """The tasks overdue in the previous round (上期), as its own report judged them: its task list (deadlines as
    extended by then, tasks suspended or cancelled then left out) and its statuses, at its last day. What 新逾期
    is measured against: a deadline alone cannot say it for a task resumed, reopened, or extended again to an
    earlier date."""
    previous = history.previous_record
    if previous is None:
        return frozenset()
    config = ws.config
    fold: Light = "red" if config.report.unreported_light == "red" else "grey"
    found = set()
    for task in round_tasks(ws.paths, previous.period, ws.tasks):
        status = previous.status.get(task.id)
        if status is None or status == DONE_STATUS or task.lifecycle is not None:  # 销号 is done, the rest apart
            continue
        _, _, overdue, _ = light_of(task, status, previous.period.last_day, config.due_soon_days, fold, config.calendar)
        if overdue:
            found.add(task.id)
    return frozenset(found)


def apart_words(suspended: int, cancelled: int, removed: int = 0) -> str:
    """The tasks counted apart, each kind named: "暂缓1项、已取消1项" (empty when there are none); tasks deleted
    from the source list since the last round (a span: within it) among them, "从任务清单删去1项"."""
    counted = ((SUSPENDED_STATUS, suspended), (CANCELLED_STATUS, cancelled), ("从任务清单删去", removed))
    return "、".join(f"{name}{chinese(n, '项')}" for name, n in counted if n)


def apart_text(suspended: int, cancelled: int, removed: int) -> str:
    """The tasks counted apart, after the lights of a round's or a span's outputs: "；另有暂缓1项、已取消1项，不计入
    以上统计" (empty when there are none)."""
    words = apart_words(suspended, cancelled, removed)
    return f"；另有{words}，不计入以上统计" if words else ""


def round_indicators(ws: Workspace, merged: MergeResult, history: History) -> IndicatorTable | None:
    """The round's indicator table (None when the ledger has no indicators): its values against each unit's last
    before it (`history`, up to the round), at the round's last day. The round's report, its problems.xlsx (the
    tenfold jumps) and the half-year's and year's outputs (as of their last round) all take it from here."""
    indicators = ws.round_indicators(merged.period)
    if not indicators:
        return None
    values, last = merged.indicator_values, history.indicator_values
    first_year = (history.rounds[0] if history.rounds else merged.period).year  # starts a span without a base
    return indicator_table(indicators, values, last, merged.period.last_day, ws.config.indicators, first_year)


def adjustments(ws: Workspace, period: Period, tasks: list[Task]) -> list[str]:
    """Each task the office changed from this round, with what it did (the latest change of a kind wins): the
    changes that apply in it and not in the round before (a change recorded from July is the third quarter's)."""
    by_id = {t.id: t for t in tasks}
    found: dict[tuple[str, str], str] = {}
    for change in read_changes(ws.paths):
        task = by_id.get(change.task_id)
        if not change.start.begins_by(period) or change.start.begins_by(period.previous()) or task is None:
            continue
        if change.kind == "extend" and task.deadline.due != date.fromisoformat(change.to):
            continue  # the task was done before it (`as_done`): not shown extended, nor said
        what = f"完成时限{task.deadline.text}" if change.kind == "extend" else change.details
        found[(change.task_id, change.kind)] = f"{change.task_id}{what}"
    return list(found.values())


def add_led_task(line: UnitLine, t: TaskLine, as_of: date, allowed: list[str]) -> None:
    """Count one task the unit leads into its line: completion and the concerns by the task's consolidated
    status (a co-led task is done only when every lead says so, and behind when any says so), 本单位已完成 and
    what it answered by its own entry. A task done in an earlier round (every lead said so then) or closed by the
    office counts in completion, as in the report's total and the year's; it was not asked this round, so it
    has no answer to judge."""
    status = t.status
    line.led += 1
    line.done += status == DONE_STATUS
    if t.carried or t.closed:
        line.own_done += t.carried
        return
    line.asked += 1
    own_entry = next((e for e in t.leads if e.unit == line.unit), None)
    own = normalise_status(own_entry.status) if own_entry else ""
    line.own_done += own == DONE_STATUS
    line.unanswered += own not in allowed
    line.delays += own_entry is not None and not says_nothing(own_entry.issues)
    line.behind += BEHIND_STATUS in (status, own)
    line.not_started += status == NOT_STARTED
    line.stalled += NOT_STARTED in (status, own) and started(t.task, as_of)
    line.invalid += status == INVALID_STATUS
    line.not_reported += status == NOT_REPORTED
    line.on_schedule += on_schedule(status, allowed)
    line.overdue += t.overdue and status != DONE_STATUS


def returns_after(day: date, received: list[datetime]) -> list[Problem]:
    """A report dated before returns it counts says, of that day, what had not happened yet (逾期报送 from a
    return that came later, 未报送 for units still within their time): a warning naming the latest return."""
    later = [r for r in received if r.date() > day]
    if not later:
        return []
    latest = max(later)
    return [
        problem(
            "report-date-before-returns",
            report_date=chinese(day),
            count=len(later),
            latest=chinese(latest),
            latest_iso=latest.date().isoformat(),
        )
    ]


def before_due(day: date, due: date, missing: int) -> list[Problem]:
    """A report dated before its round's due day names as 未报送 units that still had time: a warning naming both
    dates and how many, when it names any."""
    if not still_due(day, due) or not missing:
        return []
    return [
        problem(
            "report-date-before-due", report_date=chinese(day), due=chinese(due), count=missing, due_iso=due.isoformat()
        )
    ]


def report_date(issued: date | None, due: date, config: Config) -> tuple[date, list[Problem]]:
    """The report date and what to say about it: `--date` when given, else today in the office's zone. No
    received time moves it (a forged mail Date once dated a bulletin 2100); a date more than LATE_REPORT_DAYS
    after the round's due date is a warning naming both, so a leader never signs a bulletin dated years off."""
    day = issued or today(config)
    late = (day - due).days
    if late <= LATE_REPORT_DAYS:
        return day, []
    warning = problem(
        "report-date-late", report_date=chinese(day), due=chinese(due), days=late, due_iso=due.isoformat()
    )
    return day, [warning]


def issues_of(lines: list[TaskLine]) -> list[IssueLine]:
    """Every 存在问题 that names a problem, per task (source order) and unit, leads first; an answer for a whole
    support group is listed once, at the group's first task. A text left as prefilled is marked."""
    found, seen = [], set()
    for t in lines:
        for e in (*t.leads, *t.supports, *t.groups):
            if says_nothing(e.issues) or (e.task_id, e.unit) in seen:
                continue
            seen.add((e.task_id, e.unit))
            found.append(
                IssueLine(task=t, unit=e.unit, role=e.role, text=e.issues.strip(), unchanged="issues" in e.unchanged)
            )
    return found


def _reporting_changes(units: list[UnitLine], history: History, config: Config) -> list[ReportingChange]:
    """Units whose reporting got better or worse than in the previous period with returns; of the units due in
    both (a unit not due then, its tasks suspended or none yet, was never 未报送 in it)."""
    if history.previous_record is None:
        return []
    due = history.previous_record.due
    errors = dict.fromkeys(history.previous_error_units, 1)
    empty = history.previous_record.empty_units
    both = [u for u in units if u.unit in history.previous_record.expected]
    before = reporting_lines([u.unit for u in both], history.previous_returns, errors, due, config, empty)
    return [
        ReportingChange(
            unit=u.unit, before=before[u.unit].reporting, after=u.reporting, better=u.rank > before[u.unit].rank
        )
        for u in both
        if u.rank != before[u.unit].rank
    ]


def _of_line(column: Column[Task]) -> Column[TaskLine]:
    return Column(column.en, column.zh, column.kind, lambda t: column.value(t.task), column.categories)


def _lead_text(attribute: str) -> Callable[[TaskLine], str]:
    return lambda t: reported_text(t.leads, attribute, len(t.task.lead_units) == 1)


# What analysts get from a report (`MonthlyReport.to_frame()`, `.units_frame()`).
TASK_LINE_FRAME: list[Column[TaskLine]] = [
    *(_of_line(c) for c in TASK_FRAME),
    Column("light", "灯色", "category", lambda t: t.light, tuple(LIGHT_NAMES)),
    Column("status", "综合状态", "text", lambda t: t.status),
    Column("reason", "原因", "text", lambda t: t.remark),
    Column("overdue", "逾期", "bool", lambda t: t.overdue),
    Column("due_soon", "临期", "bool", lambda t: t.due_soon),
    Column("previous", "上期状态", "text", lambda t: t.previous),  # named as the round is: previous_header
    Column("carried", "往期已完成", "bool", lambda t: t.carried),
    Column("lead_progress", "牵头单位进展", "text", lambda t: t.progress_text),
    Column("lead_issues", "存在问题", "text", _lead_text("issues")),
    Column("support_reports", "配合单位反馈", "text", lambda t: t.support_text),
]
UNIT_LINE_FRAME: list[Column[UnitLine]] = [
    Column("unit", "单位", "text", lambda u: u.unit),
    Column("returned", "已报送", "bool", lambda u: u.returned),
    Column("refused", "报送文件未汇总", "bool", lambda u: u.refused),
    Column("on_time", "按时报送", "flag", lambda u: u.on_time),  # <NA> when nothing was returned
    Column("received_at", "收到时间", "text", lambda u: u.received.isoformat() if u.received else None),
    Column("state", "报送状态", "category", lambda u: REPORTING_NAMES[u.state], tuple(REPORTING_NAMES.values())),
    Column("reporting", "报送情况", "text", lambda u: u.reporting),
    Column("errors", "报送错误", "int", lambda u: u.errors),
    Column("led", "牵头任务", "int", lambda u: u.led),
    Column("done", "已完成", "int", lambda u: u.done),
    Column("own_done", "本单位已完成", "int", lambda u: u.own_done),
    Column("on_schedule", "序时推进", "int", lambda u: u.on_schedule),
    Column("behind", "滞后", "int", lambda u: u.behind),
    Column("not_started", "未启动", "int", lambda u: u.not_started),
    Column("stalled", "应启动未启动", "int", lambda u: u.stalled),
    Column("invalid", "状态有误", "int", lambda u: u.invalid),
    Column("overdue", "逾期", "int", lambda u: u.overdue),
    Column("not_reported", "未报送", "int", lambda u: u.not_reported),
    Column("completion", "完成率", "float", lambda u: u.completion),
    Column("contact", "联系人", "text", lambda u: u.contact),
    Column("phone", "联系电话", "text", lambda u: u.phone),
]
