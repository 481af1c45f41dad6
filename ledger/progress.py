"""An indicator judged against time: 完成率 against 序时进度, a light, and the reason in words.

The one definition every output (merged.xlsx, 汇总台账.xlsx, report.html, 通报) shows, so they agree:
- 完成率 is the way from the baseline to the target covered by the value, whichever the direction: (value −
  baseline) / (target − baseline). Without a baseline it is value / target (lower is better: target / value).
  A baseline already at the target (100 → 100), or beyond it (24 against ≥22), is judged met or not met,
  never as a ratio.
- 序时进度 is the share of the target's span elapsed at the round's end (or at the value's 数据截至, when the
  statistics came out late, within the half-year before), counted in months as offices count it
  (November's end is 11/12 = 91.7% of a year). The span runs from the end of the baseline's year to the end of the
  target's year, as 完成率 runs from the baseline (a plan's 2025 target is not started over in 2025); when the
  indicator has a target for every year (the year before the target's has one too), the span is the target's
  own year. Without a baseline year it runs from the start of the ledger's first year (the earliest round's year).
- The light: green when the target is met or 完成率 is at most `yellow_gap` points below 序时进度 (the offices'
  rule: "低于序时进度10~30个百分点…亮黄灯…超过30个百分点…亮红灯"), yellow up to `red_gap`, red beyond it, and red
  for a 约束性 target missed at the end of its year. Qualitative indicators: 已达到 green, 推进中 yellow before the
  end of the target's year and red after it, 未达到 red.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from .config import IndicatorOptions
from .model import Indicator
from .problems import Problem, problem
from .values import PERCENT_UNITS, Reading, number_text, read_value

Light = Literal["green", "yellow", "red", "grey"]
LIGHT_NAMES: dict[Light, str] = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "未报送"}
MET, UNDER_WAY, MISSED = "已达到", "推进中", "未达到"
QUALITATIVE_STATES = (MET, UNDER_WAY, MISSED)
JUMP = 10  # a value more than ten times last round's (or a tenth of it) is a 提示


@dataclass(kw_only=True, frozen=True)
class Reported:
    """What one unit reported for an indicator in a round: a number (`reading`) or a state (qualitative)."""

    unit: str
    typed: str
    reading: Reading | None = None
    state: str = ""  # 已达到 / 推进中 / 未达到
    as_of: date | None = None  # 数据截至: statistics come out late
    note: str = ""  # 完成情况说明
    data_source: str = ""  # 数据来源


AS_OF_REACH = 183  # days: how far before a round's end a 数据截至 is taken as the day its value speaks for


@dataclass(kw_only=True, frozen=True)
class Judgement:
    """One indicator in one round: the value counted, 完成率, 序时进度, the light and why."""

    indicator: Indicator
    target_year: int | None
    target: str  # the target as written
    reported: Reported | None
    value: float | None = None  # in the indicator's unit; None when not reported, not read, or qualitative
    shown: str = ""  # what was reported, as typed, with its reading
    state: str = ""  # the qualitative state, or ""
    completion: float | None = None  # 完成率, in percent
    schedule: float | None = None  # 序时进度, in percent
    light: Light = "grey"
    reason: str = "未报送本期完成值"

    @property
    def behind(self) -> bool:
        """Below 序时进度 (what the 通报 names), whatever the light."""
        return self.completion is not None and self.schedule is not None and self.completion < self.schedule - 1e-9

    @property
    def light_name(self) -> str:
        return LIGHT_NAMES[self.light]


def target_of(indicator: Indicator, day: date) -> tuple[int, str] | None:
    """The target that counts on `day`: this year's when there is one, else the next one, else the last."""
    if not indicator.targets:
        return None
    upcoming = [year for year in indicator.targets if year >= day.year]
    year = min(upcoming) if upcoming else max(indicator.targets)
    return year, indicator.targets[year]


def schedule_of(indicator: Indicator, target_year: int, day: date, first_year: int | None = None) -> float:
    """序时进度 in percent: months elapsed of the target's span at `day` (see the module's docstring). Without a
    baseline year the span starts with the ledger's first year (`first_year`), else it is the target's own year,
    as it is for yearly targets."""
    start = target_year - 1  # the span is the target's own year
    if start not in indicator.targets:  # not one of yearly targets: the span runs from where 完成率 runs from
        if indicator.baseline_year is not None:
            start = min(indicator.baseline_year, start)
        elif first_year is not None:
            start = min(first_year - 1, start)
    months = (target_year - start) * 12
    elapsed = (day.year - start - 1) * 12 + day.month - 1 + day.day / calendar.monthrange(day.year, day.month)[1]
    return round(100 * min(max(elapsed / months, 0.0), 1.0), 6)


def completion_of(indicator: Indicator, value: float, target: float) -> float | None:
    """完成率 in percent; None when the baseline already meets the target (judged met or not met instead)."""
    baseline = baseline_value(indicator)
    if baseline is not None:
        if is_met(indicator, baseline, target):
            return None  # the baseline already at (or beyond) the target: no way left to cover
        return 100 * (value - baseline) / (target - baseline)
    if indicator.direction == "lower":  # a target of 0 (none at all) is met or missed, never a share
        return 100 * target / value if value and target else None
    return 100 * value / target if target else None


def baseline_value(indicator: Indicator) -> float | None:
    """The baseline as a number; a cumulative indicator without one starts from 0."""
    found = read_value(indicator.baseline, indicator.unit).value if indicator.baseline else None
    return 0.0 if found is None and indicator.cumulative else found


def target_value(indicator: Indicator, text: str) -> float | None:
    """A target's number ("≥22" -> 22); None for words or several numbers: such an indicator is judged by state."""
    return read_value(text, indicator.unit).value if text else None


def read_reported(indicator: Indicator, typed: object, *, percent_cell: bool = False) -> Reading:
    """A reported value read in the indicator's unit. A bare number in (0, 1] for a % indicator whose baseline and
    targets are all above 1 (0.942 from a .csv, or a cell whose percentage format was lost) may be 0.942% or the
    fraction 94.2% is held as: not guessed, refused as `value-percent-fraction`, which quotes it."""
    reading = read_value(typed, indicator.unit, percent_cell=percent_cell)
    if reading.value is None or reading.percent_cell or not isinstance(typed, int | float):
        return reading
    if indicator.unit not in PERCENT_UNITS or not 0 < reading.value <= 1:
        return reading
    known = [baseline_value(indicator), *(target_value(indicator, text) for text in indicator.targets.values())]
    numbers = [n for n in known if n is not None]
    if numbers and all(n > 1 for n in numbers):
        return Reading(typed=reading.typed, why="value-percent-fraction")
    return reading


def by_state(indicator: Indicator, day: date) -> bool:
    """Judged by 已达到/推进中/未达到 rather than by a number: a qualitative indicator, or one whose target on
    `day` is words or several values ("≥95；不明显；不降低")."""
    found = target_of(indicator, day)
    return indicator.direction == "qualitative" or found is None or target_value(indicator, found[1]) is None


def is_met(indicator: Indicator, value: float, target: float) -> bool:
    return value <= target if indicator.direction == "lower" else value >= target


def judge(
    indicator: Indicator, reported: Reported | None, day: date, options: IndicatorOptions, first_year: int | None = None
) -> Judgement:
    """The indicator at the end of a round (`day`), from what its first lead reported. `first_year` is the ledger's
    first year, where the 序时 span of an indicator without a baseline year starts; unknown (None), the span is the
    target's own year and the reason says so. A value whose 数据截至 is in the half-year before the round's end
    (statistics come out late) is judged on that day, its target and 序时进度 then: May's figure read in June is
    not behind for June's share, and December's read in January is the year's; an older day is judged at `day`."""
    measured = day
    if reported and reported.as_of and day - timedelta(days=AS_OF_REACH) <= reported.as_of < day:
        measured = reported.as_of
    found = target_of(indicator, measured)
    target_year, target = found if found else (None, "")
    number = target_value(indicator, target)
    year_over = target_year is not None and measured >= date(target_year, 12, 31)
    base = Judgement(indicator=indicator, target_year=target_year, target=target, reported=reported)
    if reported is None:
        return base
    if target_year is None or number is None or by_state(indicator, day):
        state = reported.state or _state_of_text(reported.typed)
        light, reason = _qualitative(state, target_year, year_over)
        return replace(base, shown=reported.typed, state=state, light=light, reason=reason)
    schedule = schedule_of(indicator, target_year, measured, first_year)
    unanchored = indicator.baseline_year is None and first_year is None and target_year > day.year
    span_note = f"；无基期，序时进度按{target_year}年计" if unanchored else ""
    span_note += "；序时进度按数据截至日期计" if measured < day else ""
    value = reported.reading.value if reported.reading else None
    if reported.reading is None or value is None:
        reason = f"完成值“{reported.typed}”无法识别，未计算完成率"
        return replace(base, shown=reported.typed, schedule=schedule, reason=reason)
    completion = completion_of(indicator, value, number)
    light, reason = _numeric_light(indicator, value, number, completion, schedule, target, options)
    if light != "green" and indicator.binding and year_over:
        light, reason = "red", f"约束性指标，{target_year}年末未达到目标值（{target}）"
    shown = reported.reading.shown(indicator.unit)
    reason += span_note
    return replace(base, value=value, shown=shown, completion=completion, schedule=schedule, light=light, reason=reason)


def _numeric_light(
    indicator: Indicator,
    value: float,
    target: float,
    completion: float | None,
    schedule: float,
    target_text: str,
    options: IndicatorOptions,
) -> tuple[Light, str]:
    unit = "%" if indicator.unit in ("%", "％") else indicator.unit
    if completion is None and baseline_value(indicator) is not None:  # the baseline already at the target
        if is_met(indicator, value, target):
            return "green", f"基期值已达目标值（{target_text}），本期{number_text(value)}{unit}，保持达标"
        light: Light = "red" if indicator.binding else "yellow"
        return light, f"基期值已达目标值（{target_text}），本期{number_text(value)}{unit}，未保持"
    if is_met(indicator, value, target):
        return "green", f"完成值{number_text(value)}{unit}，已达到目标值（{target_text}）"
    if completion is None:  # no baseline and nothing to divide by (a target of 0, a value of 0): met or not
        missed: Light = "red" if indicator.binding else "yellow"
        return missed, f"完成值{number_text(value)}{unit}，未达到目标值（{target_text}），无基期值，未计算完成率"
    gap = schedule - completion
    said = f"完成率{percent_text(completion)}"
    if gap <= 0:
        return "green", f"{said}，不低于序时进度（{percent_text(schedule)}）"
    behind = f"{said}，低于序时进度（{percent_text(schedule)}）{gap:.1f}个百分点"
    if gap < options.yellow_gap:
        return "green", f"{behind}，在{options.yellow_gap:g}个百分点以内"
    if gap <= options.red_gap:
        return "yellow", behind
    return "red", f"{behind}，超过{options.red_gap:g}个百分点"


def percent_text(value: float) -> str:
    """完成率 or 序时进度 as shown, one decimal: a value rounding to zero is "0.0%", never "-0.0%"."""
    text = f"{value:.1f}"
    return f"{'0.0' if text == '-0.0' else text}%"


def _state_of_text(text: str) -> str:
    plain = "".join(text.split())
    return next((state for state in QUALITATIVE_STATES if state == plain), "")


def _qualitative(state: str, target_year: int | None, year_over: bool) -> tuple[Light, str]:
    if state == MET:
        return "green", MET
    if state == UNDER_WAY:
        if year_over:
            return "red", f"推进中，已过目标年份（{target_year}年）末"
        return "yellow", f"推进中，目标年份{target_year}年" if target_year else UNDER_WAY
    if state == MISSED:
        return "red", MISSED
    return "grey", "完成情况无法识别"


def value_problems(
    indicator: Indicator, reported: Reported, last: float | None, day: date, where: dict[str, str]
) -> list[Problem]:
    """What the office should look at in a value reported for the round ending `day`: not read (an error quoting
    it), or a 提示 when it is worse than the baseline or jumped more than tenfold since last round."""
    fields = {**where, "indicator": indicator.name, "value": reported.typed}
    if by_state(indicator, day) or (reported.reading is None and reported.state):
        if reported.state or _state_of_text(reported.typed):
            return []
        return [problem("qualitative-unknown", **fields)]
    reading = reported.reading
    if reading is None or reading.value is None:
        why = reading.why if reading is not None and reading.why else "value-unreadable"
        return [problem(why, **fields, measure=indicator.unit or "无")]
    value = reading.value
    found = []
    baseline = baseline_value(indicator)
    if baseline is not None and not indicator.cumulative:
        worse = value > baseline if indicator.direction == "lower" else value < baseline
        if worse:
            found.append(problem("value-worse-than-baseline", **fields, baseline=number_text(baseline)))
    if last and value and (abs(value) > JUMP * abs(last) or abs(last) > JUMP * abs(value)):
        times = number_text(round(max(abs(value / last), abs(last / value)), 1))
        found.append(problem("value-jump", **fields, last=number_text(last), times=times))
    return found
