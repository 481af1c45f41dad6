"""The round's indicator table: every indicator judged from its first lead's value, the other units' values
beside it, last round's value and the change, and what to look at. merged.xlsx, 汇总台账.xlsx, report.html and
the 通报 all show this one table, so they agree."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .config import IndicatorOptions
from .entries import IndicatorValue
from .model import Indicator
from .problems import Problem
from .progress import LIGHT_NAMES, Judgement, Light, Reported, judge, percent_text, value_problems
from .values import number_text
from .wording import chinese_date

LIGHT_ORDER: tuple[Light, ...] = ("green", "yellow", "red", "grey")
HINT_CODES = ("value-worse-than-baseline", "value-jump")
UNASSIGNED = "未分配牵头单位，无人填报"


@dataclass(kw_only=True, frozen=True)
class IndicatorLine:
    """One indicator in the round's table."""

    judgement: Judgement
    lead: str  # the unit whose value counts (牵头汇总): the first lead
    others: tuple[tuple[str, str], ...]  # (unit, what it reported) of the other responsible units that reported
    last: str  # the first lead's value last time it reported, as shown
    last_round: str  # the round of `last`
    change: float | None  # this round's value less `last`, both read in the indicator's unit
    notes: tuple[Problem, ...]  # 提示 where the value was typed: worse than the baseline, a tenfold jump

    @property
    def hints(self) -> tuple[str, ...]:
        return tuple(p.message for p in self.notes)

    @property
    def indicator(self) -> Indicator:
        return self.judgement.indicator

    @property
    def light(self) -> Light:
        return self.judgement.light

    @property
    def unit_text(self) -> str:
        return "%" if self.indicator.unit in ("%", "％") else self.indicator.unit

    @property
    def value_text(self) -> str:
        j = self.judgement
        return j.state or j.shown or (j.reported.typed if j.reported else "")

    @property
    def completion_text(self) -> str:
        return "" if self.judgement.completion is None else percent_text(self.judgement.completion)

    @property
    def schedule_text(self) -> str:
        return "" if self.judgement.schedule is None else percent_text(self.judgement.schedule)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return ""
        return f"{'+' if self.change > 0 else ''}{number_text(self.change)}{self.unit_text}"

    @property
    def as_of_text(self) -> str:
        """数据截至 when the unit gave the date its statistics are of."""
        reported = self.judgement.reported
        return chinese_date(reported.as_of) if reported and reported.as_of else ""

    @property
    def others_text(self) -> str:
        return "；".join(f"{unit}：{value}" for unit, value in self.others)

    @property
    def target_text(self) -> str:
        j = self.judgement
        return f"{j.target}（{j.target_year}年）" if j.target_year else j.target


@dataclass(kw_only=True)
class IndicatorTable:
    lines: list[IndicatorLine]

    def counts(self) -> dict[Light, int]:
        found = Counter(line.light for line in self.lines)
        return {light: found[light] for light in LIGHT_ORDER}

    @property
    def behind(self) -> list[IndicatorLine]:
        """The indicators below 序时进度, the furthest behind first."""
        lines = [line for line in self.lines if line.judgement.behind]
        return sorted(lines, key=lambda line: (line.judgement.completion or 0) - (line.judgement.schedule or 0))

    def counts_text(self) -> str:
        """ "共35项：绿灯20项、黄灯3项、红灯2项、未报送10项" (lights with none left out)."""
        counts = self.counts()
        parts = [f"{LIGHT_NAMES[light]}{n}项" for light, n in counts.items() if n]
        return f"共{len(self.lines)}项" + (f"：{'、'.join(parts)}" if parts else "")

    def behind_text(self) -> str:
        """The indicators behind 序时, named, then any other red one with its reason (a target not met is red
        whatever 序时 says), so that "红灯5项" never stands beside "均不低于序时进度" unexplained."""
        named = [
            f"{line.indicator.name}（完成率{line.completion_text}，序时进度{line.schedule_text}）"
            for line in self.behind
        ]
        red = [line for line in self.lines if line.light == "red" and not line.judgement.behind]
        reasons = "；".join(f"{line.indicator.name}（{line.judgement.reason}）" for line in red)
        if named:
            text = f"低于序时进度的指标{len(named)}项：{'、'.join(named)}。"
            return text + (f"另有{len(red)}项指标亮红灯：{reasons}。" if red else "")
        unreported = self.counts()["grey"]  # 未报送 is no figure: only what was reported keeps up with 序时
        if unreported == len(self.lines):
            return ""
        which = "已报送的指标" if unreported else "各项指标"
        if red:
            return f"{which}均不低于序时进度，但有{len(red)}项指标亮红灯：{reasons}。"
        return f"{which}均不低于序时进度。"

    def jumps(self) -> list[Problem]:
        """The tenfold jumps since last round, where they were typed: problems.xlsx lists them beside the round's
        other problems (the merge alone cannot see them, it knows no earlier round)."""
        return [p for line in self.lines for p in line.notes if p.code == "value-jump"]


def indicator_table(
    indicators: Sequence[Indicator],
    values: Sequence[IndicatorValue],
    last: Mapping[tuple[str, str], tuple[str, IndicatorValue]],
    day: date,
    options: IndicatorOptions,
    first_year: int | None = None,
) -> IndicatorTable:
    """The table at the end of a round (`day`) from the round's values and each unit's last value before it;
    `first_year`, the ledger's first year, starts the 序时 span of an indicator without a baseline year."""
    by_key = {(v.indicator_id, v.unit): v for v in values}
    lines = []
    for indicator in indicators:
        lead = indicator.lead_units[0] if indicator.lead_units else ""
        own = by_key.get((indicator.id, lead))
        reported = own.reported(indicator) if own else None
        judgement = judge(indicator, reported, day, options, first_year)
        if not lead:
            judgement = Judgement(
                indicator=indicator, target_year=judgement.target_year, target=judgement.target, reported=None,
                reason=UNASSIGNED,
            )  # fmt: skip
        previous = last.get((indicator.id, lead))
        last_reported = previous[1].reported(indicator) if previous else None
        last_value = last_reported.reading.value if last_reported and last_reported.reading else None
        others = tuple(
            (unit, _shown(indicator, value.reported(indicator)))
            for unit in (*indicator.lead_units[1:], *indicator.support_units)
            if (value := by_key.get((indicator.id, unit))) is not None
        )
        notes: tuple[Problem, ...] = ()
        if own is not None and reported is not None and judgement.value is not None:
            where = {"file": own.file, "sheet": own.sheet, "cell": own.cell, "unit": lead}
            found = value_problems(indicator, reported, last_value, day, where)
            notes = tuple(p for p in found if p.code in HINT_CODES)
        lines.append(
            IndicatorLine(
                judgement=judgement,
                lead=lead,
                others=others,
                last=_shown(indicator, last_reported) if last_reported else "",
                last_round=previous[0] if previous else "",
                change=None if judgement.value is None or last_value is None else judgement.value - last_value,
                notes=notes,
            )
        )
    return IndicatorTable(lines=lines)


def _shown(indicator: Indicator, reported: Reported) -> str:
    if reported.reading is not None and reported.reading.value is not None:
        return reported.reading.shown(indicator.unit)
    return reported.state or reported.typed
