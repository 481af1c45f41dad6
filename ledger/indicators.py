"""Indicator lists (指标台账) as offices keep them: 指标名称, 单位, 指标要求, 指标属性, a baseline and targets by year.

A document configured with `kind = "indicators"` is read here into `Indicator`s, the indicator counterpart of
source.py's task rows. The direction (higher or lower is better, or qualitative) is read from 指标要求 the way a
clerk reads it, so the judgement of progress never has to be told separately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .cells import task_id_of
from .config import DocumentConfig
from .model import Direction, Indicator, SourceRef
from .problems import Problem, cell_name, problem
from .tables import NOTE, Sheet
from .units import Resolution, UnitRegistry, resolution_problems

# The first of these a requirement holds says it: a bound (≥, ≧, 不低于, 不小于, 大于, 以上 / ≤, ≦, 不高于, 不大于,
# 小于, 控制在…以内), or a trend word before any bound ("下降4.5%以上": the 以上 bounds the fall).
_HIGHER_BOUND = re.compile(r"≥|≧|≮|>=|>|＞|不低于|不少于|不小于|(?<!不)(?:大于|高于|多于)|以上|至少")
_LOWER_BOUND = re.compile(r"≤|≦|≯|<=|<|＜|不高于|不超过|不大于|不多于|(?<!不)(?:小于|低于|少于)|以内|以下|至多|最多")
_LOWER_TREND = re.compile(r"(?:下降|降低|减少|压减)(?!率|幅度|比例)")  # "下降率≥4.5%" names the rate: no trend
# An indicator that is itself how much something fell ("能耗下降率", "PM2.5浓度下降幅度"): more is better.
_DECREASE_RATE = re.compile(r"(?:下降|降低|减少|削减|压减)(?:率|幅度|比例)[）)]?$")
_NUMBER = re.compile(r"\d")
_NONE = re.compile(r"0+(?:\.0+)?\D*")  # a bare 0 ("0", "0起"): a count to stay at none
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年?")

# Field -> header labels that mean it in an indicator table. 单位 alone is the measurement unit here; the
# responsible units are 牵头单位/责任单位.
INDICATOR_HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("指标编号",),
    "number": ("序号", "编号"),
    "category": ("领域", "类别", "指标类别", "分类"),
    "name": ("指标名称", "指标", "主要指标"),
    "unit": ("计量单位", "单位"),
    "requirement": ("指标要求", "目标要求", "要求"),
    "binding": ("指标属性", "属性", "指标性质", "指标类型"),
    "baseline": ("基期值", "现状值", "基准值", "基数"),
    "baseline_year": ("基期年份", "基期年"),
    "cumulative": ("累计", "是否累计"),
    "lead": ("牵头单位", "牵头部门", "责任单位", "责任部门"),
    "support": ("配合单位", "配合部门"),
}
_FIELDS = {name: key for key, names in INDICATOR_HEADERS.items() for name in names}
_TARGET_WORDS = ("目标值", "规划值", "目标")
HEADER_SCAN_ROWS = 20


def direction_of(requirement: str, target: str = "", name: str = "") -> Direction:
    """Higher is better (≥, 增长, 不低于), lower (≤, 下降, 不高于, 控制在…以内), or qualitative (制定实施,
    全面实施, 有效开展 …) when the requirement holds no number. A bare number ("100") is a level to reach, but a bare
    0 ("0起") is a ceiling. For an
    indicator named as a rate of decrease ("能耗下降率") 下降 in the requirement repeats the name: more is better."""
    text = re.sub(r"\s+", "", requirement) or re.sub(r"\s+", "", target)
    if not _NUMBER.search(text):
        return "qualitative"
    trend = None if _DECREASE_RATE.search(re.sub(r"\s+", "", name)) else _LOWER_TREND.search(text)
    found: tuple[tuple[re.Match[str] | None, Direction], ...] = (
        (_HIGHER_BOUND.search(text), "higher"),
        (_LOWER_BOUND.search(text), "lower"),
        (trend, "lower"),
    )
    said = [(match.start(), way) for match, way in found if match]
    if said:
        return min(said)[1]
    return "lower" if _NONE.fullmatch(text) else "higher"  # 0起: nothing is below none, so 0 is a ceiling


def is_binding(text: str) -> bool:
    return "约束" in text


def is_cumulative(name: str, flag: str = "") -> bool:
    """累计 in the name ("累计新增造林面积") or a 累计 column saying so (是, √, 累计)."""
    return "累计" in name or flag.strip() in ("是", "√", "✓", "累计", "Y", "y", "1")


@dataclass(kw_only=True)
class IndicatorHeader:
    row: int
    columns: dict[str, int]
    targets: dict[int, int]  # target year -> column
    baseline_year: int | None


def find_indicator_header(rows: list[list[str]]) -> IndicatorHeader | None:
    """The header row of an indicator table: 指标名称 with 指标要求 or a target column. A year written over
    two rows (规划值 above 2025年) is read from the row below."""
    for r, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        labels = [re.sub(r"\s+", "", c) for c in row]
        below = [re.sub(r"\s+", "", c) for c in rows[r + 1]] if r + 1 < len(rows) else []
        columns: dict[str, int] = {}
        targets: dict[int, int] = {}
        baseline_year = None
        for c, label in enumerate(labels):
            under = below[c] if c < len(below) else ""
            year = _YEAR.match(label) or (_YEAR.match(under) if not label or label in _TARGET_WORDS else None)
            rest = _YEAR.sub("", label)
            if (year and any(w in rest for w in ("现状", "基期", "基准"))) or rest in INDICATOR_HEADERS["baseline"]:
                columns.setdefault("baseline", c)
                baseline_year = int(year.group(1)) if year else baseline_year
            elif year and (not rest or any(w in rest or w in label for w in _TARGET_WORDS) or label in _TARGET_WORDS):
                targets[int(year.group(1))] = c
            elif label in _FIELDS:
                columns.setdefault(_FIELDS[label], c)
        if "name" in columns and ("requirement" in columns or targets):
            if "baseline" not in columns and len(targets) > 1 and "requirement" in columns:
                pass  # every year column is a target when 指标要求 stands beside them
            elif "baseline" not in columns and len(targets) > 1:
                first = min(targets)  # "2020年 | 2025年": the first year is where it started
                columns["baseline"], baseline_year = targets.pop(first), first
            last = (
                r + 1 if below and any(_YEAR.match(b) for b in below) and not any(_YEAR.match(x) for x in labels) else r
            )
            return IndicatorHeader(row=last, columns=columns, targets=targets, baseline_year=baseline_year)
    return None


def read_indicator_sheet(
    sheet: Sheet,
    header: IndicatorHeader,
    doc: DocumentConfig,
    file: str,
    registry: UnitRegistry,
    *,
    check_units: bool = True,
) -> tuple[list[Indicator], list[Problem]]:
    """The indicators of one sheet; an indicator nobody leads is kept (未分配) with a problem."""
    cols = header.columns
    found: list[Indicator] = []
    problems: list[Problem] = []
    category = ""

    def at(r: int, key: str | None) -> str:
        c = cols.get(key) if key else None
        return sheet.rows[r][c].strip() if c is not None and c < len(sheet.rows[r]) else ""

    for r in range(header.row + 1, len(sheet.rows)):
        row = sheet.rows[r]
        values = {v.strip() for v in row if v.strip()}  # a row merged across the table holds its text in every cell
        if not values:
            continue
        name = at(r, "name")
        if len(values) == 1 and (not name or name in values):
            text = values.pop()
            if not NOTE.match(text):
                category = text  # a heading row spanning the table; a note ("注：…") is none
            continue
        if not name or name == sheet.rows[header.row][cols["name"]].strip():
            continue
        number = at(r, "number")
        where = {"file": file, "sheet": sheet.name, "cell": cell_name(r + 1, cols.get("number", cols["name"]) + 1)}
        indicator_id = task_id_of(at(r, "id") or f"{doc.code}-{number or r + 1}")
        unit = at(r, "unit")
        unit = "" if unit in ("-", "—", "/", "－") else unit
        targets = {year: row[c].strip() for year, c in header.targets.items() if c < len(row) and row[c].strip()}
        requirement = at(r, "requirement")
        base_year_text = at(r, "baseline_year")
        lead, support = _resolve(registry, at(r, "lead"), at(r, "support"), doc.district)
        if check_units:
            for named in (lead, support):
                problems += resolution_problems(named, registry, doc.district, where)
            if not lead.units:
                problems.append(problem("indicator-unassigned", **where, indicator=name))
        found.append(
            Indicator(
                id=indicator_id,
                document=doc.code,
                number=number,
                name=name,
                unit=unit,
                category=at(r, "category") or category,
                requirement=requirement,
                direction=direction_of(requirement, targets.get(max(targets), "") if targets else "", name),
                binding=is_binding(at(r, "binding")),
                cumulative=is_cumulative(name, at(r, "cumulative")),
                baseline=at(r, "baseline"),
                baseline_year=int(base_year_text) if base_year_text.isdigit() else header.baseline_year,
                targets=targets,
                lead_units=lead.units,
                support_units=support.units,
                lead_text=at(r, "lead"),
                support_text=at(r, "support"),
                source=SourceRef(file, sheet.name, r + 1, where["cell"]),
            )
        )
    return found, problems


def _resolve(
    registry: UnitRegistry, lead_text: str, support_text: str, district: str | None
) -> tuple[Resolution, Resolution]:
    """The 牵头 and 配合 cells resolved; a unit that leads is not also counted as supporting."""
    lead = registry.resolve(lead_text, district)
    support = registry.resolve(support_text, district)
    support.units = [u for u in support.units if u not in lead.units]
    return lead, support


def read_units_with(indicator: Indicator, registry: UnitRegistry, district: str | None) -> Indicator:
    """The indicator with its unit cells read by `registry` (the units of a round's time, see
    `Workspace.round_indicators`)."""
    lead, support = _resolve(registry, indicator.lead_text, indicator.support_text, district)
    return replace(indicator, lead_units=lead.units, support_units=support.units)


def indicators_by_unit(indicators: list[Indicator]) -> dict[str, frozenset[str]]:
    """unit -> ids of the indicators it leads or supports: each of them reports on its 指标 sheet."""
    found: dict[str, set[str]] = {}
    for indicator in indicators:
        for unit in (*indicator.lead_units, *indicator.support_units):
            found.setdefault(unit, set()).add(indicator.id)
    return {unit: frozenset(ids) for unit, ids in found.items()}
