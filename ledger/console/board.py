"""The board: who has reported in a round, how the round stands, and what to do next, in words.

Read from the round's report (`Round.report`, what `ledger status` prints), never from a copy of its rules: a
unit's state here is the state the bulletin gives it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from ..clock import local_time, today
from ..model import Period
from ..records import read_records
from ..report import LIGHT_NAMES, REPORTING_NAMES, MonthlyReport
from ..rounds import open_round
from ..sent import rounds_within, sent_periods
from ..wording import NOT_YET_DUE, chinese_date
from ..workspace import Workspace

REPORT_FILES = ("report.html", "通报.docx", "汇总台账.xlsx")


@dataclass(kw_only=True)
class UnitRow:
    unit: str
    state: str  # on_time, late, error, held, missing
    state_name: str
    received: str  # "7月2日10:30" (a merged return, or a 待确认 one), or ""
    problems: int
    errors: int


@dataclass(kw_only=True)
class Board:
    period: Period
    due: date
    days_left: int
    tasks: int
    done: int
    completion: float
    counts: list[tuple[str, str, int]]  # (state, name, units)
    lights: list[tuple[str, str, int]]  # (light, name, tasks)
    units: list[UnitRow]
    steps: list[str]  # what to do next, in words
    rendered: bool
    report_ready: bool
    notes: list[str] = field(default_factory=list)

    @property
    def due_text(self) -> str:
        return chinese_date(self.due)

    @property
    def days_text(self) -> str:
        if self.days_left > 0:
            return f"还有{self.days_left}天"
        return "今天截止" if self.days_left == 0 else f"已过{-self.days_left}天"


def rounds_of(ws: Workspace) -> list[Period]:
    """The rounds of the ledger's year (and any other year a round was sent in), for the period picker: each of
    the kind it was run as (`sent.rounds_within`: months until June on a ledger turned quarterly in July)."""
    kind = ws.config.rhythm.round
    found = set(rounds_within(ws.paths, Period.of("year", ws.config.year), kind))
    found.update(p for p in sent_periods(ws.paths) if not p.longer_than(kind))
    return sorted(found)


@dataclass(kw_only=True)
class Summary:
    """A half-year or the year of the ledger, which sums its rounds up (a leader's 上半年, 全年)."""

    period: Period
    name: str  # 2021年上半年, 2021年全年
    ready: bool  # its report made: build/<period>/report/ holds its three files


def summaries_of(ws: Workspace) -> list[Summary]:
    """The half-year and the year of the ledger's year; none that is itself a round of the ledger's rhythm (a
    half-yearly ledger's 上半年)."""
    year = ws.config.year
    found = [(Period.of("half", year), f"{year}年上半年"), (Period.of("year", year), f"{year}年全年")]
    return [
        Summary(period=p, name=name, ready=all((ws.paths.report(p) / f).is_file() for f in REPORT_FILES))
        for p, name in found
        if p.longer_than(ws.config.rhythm.round)
    ]


def current_round(ws: Workspace) -> Period:
    """The round the board opens on: the latest one sent out, else today's round inside the ledger's year."""
    sent = [p for p in sent_periods(ws.paths) if not p.longer_than(ws.config.rhythm.round)]
    if sent:
        return max(sent)
    rounds = rounds_of(ws)
    day = today(ws.config)
    return next((p for p in rounds if p.start <= day <= p.end), rounds[0] if day < rounds[0].start else rounds[-1])


def _mailed(ws: Workspace, period: Period) -> bool:
    return any(r.get("state") == "sent" for r in read_records(ws.paths.send_log(period)).records)


def board_of(ws: Workspace, period: Period) -> Board:
    opened = open_round(ws, period)
    opened.require_round()
    built = opened.report()
    assert isinstance(built, MonthlyReport)  # a round, not a summary
    problems = Counter(p.unit for p in built.problems if p.unit)
    # a 待确认 unit's file came, from an address not the unit's: when, as the returns page and its reminder say
    held = {r.unit: r for r in sorted(built.returns, key=lambda r: r.received_at) if r.state == "held" and r.unit}

    def received(unit: str, merged: datetime | None) -> str:
        if merged is None and unit in held:
            merged = local_time(datetime.fromisoformat(held[unit].received_at), ws.config)
        return f"{merged.month}月{merged.day}日{merged.hour}:{merged.minute:02d}" if merged else ""

    days_left = (opened.due - today(ws.config)).days
    units = [
        UnitRow(
            unit=u.unit,
            state=u.state,
            # not reported while the due day has not passed: the unit still has time, as `ledger status` says
            state_name=f"{u.reporting}（{NOT_YET_DUE}）" if u.state == "missing" and days_left >= 0 else u.reporting,
            received=received(u.unit, u.received),
            problems=problems[u.unit],
            errors=u.errors,
        )
        for u in built.units
    ]
    order = list(REPORTING_NAMES)
    units.sort(key=lambda u: (order.index(u.state) if u.state in order else 0, u.unit))
    counts = built.reporting_counts
    rendered = ws.paths.manifest(period).is_file()
    report_ready = all((ws.paths.report(period) / name).is_file() for name in REPORT_FILES)
    return Board(
        period=period,
        due=opened.due,
        days_left=days_left,
        tasks=len(built.tasks),
        done=built.done,
        completion=built.completion,
        counts=[(state, name, counts[state]) for state, name in REPORTING_NAMES.items()],
        lights=[(light, name, built.counts.get(light, 0)) for light, name in LIGHT_NAMES.items()],
        units=units,
        steps=next_steps(built, rendered=rendered, mailed=_mailed(ws, period), days_left=days_left, ready=report_ready),
        rendered=rendered,
        report_ready=report_ready,
        notes=[p.message for p in opened.notes()],
    )


def next_steps(built: MonthlyReport, *, rendered: bool, mailed: bool, days_left: int, ready: bool) -> list[str]:
    """What the clerk does next, in the order of the round."""
    if not rendered:
        return ["第一步：点“生成填报表”，为每个承担任务的单位生成本期填报表。"]
    missing, held, wrong = len(built.missing_units), len(built.held_units), len(built.error_units)
    if not mailed and missing == len(built.units):  # sent another way (the CLI, by hand) once returns came in
        return ["第二步：点“预览邮件”，核对后发送给各单位。"]
    steps = []
    if held:
        steps.append(f"有{held}个单位的报送待确认（发件邮箱不是该单位登记的）：在“报送文件”中核实后确认。")
    if redo := len(built.redo_units):
        steps.append(f"有{redo}个单位退回重报：点“预览催报”通知其改正（附原表），等待重新报送。")
    if wrong:
        steps.append(f"有{wrong}个单位报送有误：点“汇总”后查看问题，再发更正通知（“预览催报”）。")
    if missing and days_left >= 0:
        when = "今天截止" if days_left == 0 else f"{days_left}天后截止"
        steps.append(f"等待报送：还有{missing}个单位未报送，{when}。收到的文件拖到“接收报送”处。")
    elif missing:
        steps.append(f"已过截止日期，{missing}个单位未报送：点“预览催报”，核对后发送。")
    if not steps or not missing:
        steps.append(
            "点“汇总”，再点“生成通报”。" if not ready else "通报已生成：可查看和下载；有新的报送时重新汇总、生成。"
        )
    return steps
