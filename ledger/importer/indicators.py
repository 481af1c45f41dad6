"""Indicator tables (指标体系, 主要指标) read from a document: real tables, or tables a PDF extraction flattened.

A flattened indicator table comes as lines: the header repeated on every page, the 领域 column printed one
character a line ("生/态/安/全") before its 任务 heading "（三）…", then each row from its 序号: the name (wrapped),
the unit (even "吨标/准煤//万元" over three lines), 指标要求, 指标属性, 现状值, 达标分析 and the targets of each
year. The row is cut at 指标属性 (约束性/参考性/预期性), which every row has; the unit is the first run of pieces
that reads as a unit; the targets of two years are split where the two halves read the same, else in half.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..indicators import find_indicator_header
from ..tables import NOTE
from .blocks import Line, Table
from .roles import verb_roles

_ROW_START = re.compile(r"^\s*(\d{1,3})(?:\s+(.*))?$")
_HEADER_PIECE = re.compile(r"^(领|域|领域|\d{4}\s*年|现状值|基期值|达标|分析|达标分析|规划值|目标值|（[近中远期]+）)$")
_TASK_HEADING = re.compile(r"^（[一二三四五六七八九十]+）")
_SHORT = re.compile(r"^[\u4e00-\u9fff]{1,2}$")
_BINDING = ("约束性", "参考性", "预期性")
_ASSESSMENTS = ("已达", "可达", "未达", "已达标", "未达标", "完成上级目标任务", "完成上级任务目标")
_VALUE_PIECE = re.compile(r"^[≥≤><]?\d+(?:\.\d+)?%?$")
_UNITS = frozenset(
    """% ‰ - － — 个 亩 万亩 公顷 万元 亿元 元 吨 万吨 人 万人 人次 万人次 天 千米 公里 米 平方米 万平方米 平方公里
    立方米 万立方米 户 家 项 座 处 所 辆 台 张 件 次 分贝 μg/m³ mg/L 年 岁 千瓦 万千瓦 千瓦时""".split()  # noqa: SIM905
)
_ATTACHMENT = re.compile(r"^\s*附件\s*\d+\s*$|^\s*注\s*[:：]")


@dataclass(kw_only=True)
class ImportedIndicator:
    """One indicator row as the document wrote it; the reviewable table holds exactly these texts."""

    number: str
    name: str
    unit: str = ""
    requirement: str = ""
    binding: str = ""  # 约束性 / 参考性 / 预期性 as written
    category: str = ""
    baseline: str = ""
    baseline_year: int | None = None
    targets: dict[int, str] = field(default_factory=dict)
    lead: str = ""
    support: str = ""
    source: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # columns the ledger has no field for (年均增长 …)

    def to_json(self) -> dict:
        keys = ("number", "name", "unit", "requirement", "binding", "category", "baseline", "baseline_year")
        return {k: getattr(self, k) for k in keys} | {"targets": {str(y): t for y, t in self.targets.items()}}


def is_indicator_header(text: str) -> bool:
    """指标名称 with 指标要求, 目标值, 规划值 or a year ("2020年 | 2025年", as a 纲要's 主要指标 table heads its
    columns, which ledger check reads too): what makes a table an indicator table rather than a task list."""
    plain = re.sub(r"\s+", "", text)
    return "指标名称" in plain and (
        any(w in plain for w in ("指标要求", "目标值", "规划值")) or re.search(r"(?:19|20)\d{2}年", plain) is not None
    )


def grid_indicators(table: Table) -> list[ImportedIndicator]:
    """The indicators of a real table whose header reads as an indicator header."""
    header = find_indicator_header(table.rows)
    if header is None:
        return []
    cols = header.columns
    found: list[ImportedIndicator] = []
    category = ""
    extra = _other_columns(table, header.row, set(cols.values()) | set(header.targets.values()))
    for r in range(header.row + 1, len(table.rows)):
        row = table.rows[r]
        values = {re.sub(r"\s+", "", c) for c in row if c.strip()}
        if len(values) == 1:  # a heading or a note across the table (Word repeats a merged cell's text)
            text = values.pop()
            if not NOTE.match(text):
                category = text
            continue

        def at(key: str, row: list[str] = row) -> str:
            c = cols.get(key)
            return re.sub(r"\s+", "", row[c]) if c is not None and c < len(row) else ""

        if not at("name"):
            continue
        lead, support = _lead_and_support(at("lead"), at("support"))
        found.append(
            ImportedIndicator(
                number=at("number") or str(len(found) + 1),
                name=at("name"),
                unit="" if at("unit") in ("-", "－", "—", "/") else at("unit"),
                requirement=at("requirement"),
                binding=at("binding"),
                category=at("category") or category,
                baseline=at("baseline"),
                baseline_year=header.baseline_year,
                targets={y: re.sub(r"\s+", "", row[c]) for y, c in header.targets.items() if c < len(row) and row[c]},
                lead=lead,
                support=support,
                source=table.row_where[r] if r < len(table.row_where) else table.where,
                extra={label: re.sub(r"\s+", "", row[c]) for label, c in extra.items() if c < len(row) and row[c]},
            )
        )
    return found


def _other_columns(table: Table, header_row: int, used: set[int]) -> dict[str, int]:
    """The header's columns that no field reads ("年均增长", "备注"): label -> column, the label from the header's
    last row or, in a two-row header, the row above."""
    found: dict[str, int] = {}
    for c in range(len(table.rows[header_row])):
        rows = [table.rows[r] for r in (header_row, header_row - 1) if r >= 0]
        label = next((x for row in rows if c < len(row) and (x := re.sub(r"\s+", "", row[c]))), "")
        if c not in used and label and label not in found:
            found[label] = c
    return found


def _lead_and_support(lead: str, support: str) -> tuple[str, str]:
    """ "区财政局牵头，区税务局配合" in one unit cell: who leads and who supports, written apart as the 牵头单位
    and 配合单位 columns hold them."""
    if not re.search(r"牵头|配合|协助|参与|协办", lead):
        return lead, support
    roles = verb_roles(lead, first_is_lead=False, default="lead")
    supporting = roles.support + [v for v in roles.vague if v not in roles.vague_lead]
    return "、".join(roles.lead + roles.vague_lead), "、".join(filter(None, [*supporting, support]))


@dataclass(kw_only=True)
class _Layout:
    baseline_year: int | None
    target_years: list[int]
    assessed: bool  # a 达标分析 column between the baseline and the targets


def flat_indicators(lines: list[Line]) -> list[ImportedIndicator]:
    """The indicators of an indicator table flattened into lines (see the module's docstring)."""
    start = next((i for i, line in enumerate(lines) if "指标名称" in line.text), None)
    if start is None:
        return []
    header_lines = []
    for line in lines[start : start + 30]:
        if _ROW_START.match(line.text.strip()):
            break
        header_lines.append(re.sub(r"\s+", "", line.text))
    header_text = "".join(header_lines)
    layout = _layout(header_text)
    if not layout.target_years and "指标要求" not in header_text:
        return []
    rows: list[tuple[int, list[str], str, str]] = []  # (序号, pieces, category, where)
    current: list[str | None] = []  # None: a page's header was here, a barrier for the 领域 column
    where, category, row_category, expected = "", "", "", 1
    in_heading = False
    for line in lines[start:]:
        text = line.text.strip()
        if not text:
            continue
        if _ATTACHMENT.match(text):
            break
        if "指标名称" in text:
            while current and current[-1] in ("领", "域", "领域"):
                current.pop()
            current.append(None)
            continue
        if _HEADER_PIECE.match(re.sub(r"\s+", "", text)):
            continue
        row_start = _ROW_START.match(text)
        if row_start and int(row_start.group(1)) == expected:
            _close(rows, expected - 1, current, row_category, where)
            current, where, in_heading, row_category = [row_start.group(2) or ""], line.where, False, category
            expected += 1
            continue
        if _TASK_HEADING.match(text):
            field_chars: list[str] = []
            while current and isinstance(current[-1], str) and _SHORT.match(current[-1]):
                field_chars.insert(0, str(current.pop()))
            if field_chars:
                category = "".join(field_chars)
            in_heading = True
            continue
        if not in_heading:
            current.append(text)
    _close(rows, expected - 1, current, row_category, where)
    return [indicator for indicator in (_row(*row, layout) for row in rows) if indicator is not None]


def _layout(header: str) -> _Layout:
    baseline = re.search(r"(\d{4})年(?:现状值|基期值)", header)
    after = re.split(r"规划值|目标值", header, maxsplit=1)
    years = [int(y) for y in re.findall(r"(\d{4})年", after[1])] if len(after) == 2 else []
    return _Layout(
        baseline_year=int(baseline.group(1)) if baseline else None, target_years=years, assessed="达标分析" in header
    )


def _close(
    rows: list[tuple[int, list[str], str, str]], number: int, current: list[str | None], category: str, where: str
) -> None:
    if where:
        rows.append((number, [p for text in current if text for p in text.split()], category, where))


def _row(number: int, pieces: list[str], category: str, where: str, layout: _Layout) -> ImportedIndicator | None:
    cut = next((i for i, p in enumerate(pieces) if p in _BINDING), None)
    if cut is None or cut < 2:
        return None
    before, after = pieces[:cut], pieces[cut + 1 :]
    unit_at, unit_len = _unit_at(before)
    if unit_at is None:
        return None
    name = "".join(before[:unit_at])
    units = ["".join(before[unit_at : unit_at + unit_len])]
    rest = before[unit_at + unit_len :]
    while rest and _unit_length(rest):
        n = _unit_length(rest)
        units.append("".join(rest[:n]))
        rest = rest[n:]
    several_units = len(units) > 1
    compound = several_units or sum(bool(_VALUE_PIECE.match(p)) for p in rest) > 1
    shown_units = [u for u in dict.fromkeys(units) if u not in ("-", "－", "—")]
    baseline_pieces, targets_pieces = after, []
    if layout.assessed:
        found = _assessment(after)
        if found is not None:
            baseline_pieces, targets_pieces = after[: found[0]], after[found[0] + found[1] :]
    elif after:
        baseline_pieces, targets_pieces = after[:1], after[1:]
    targets = _split_targets(targets_pieces, len(layout.target_years))
    return ImportedIndicator(
        number=str(number),
        name=name,
        unit="、".join(shown_units),
        requirement=_join(rest, compound, several_units),
        binding=pieces[cut],
        category=category,
        baseline=_join(baseline_pieces, compound, several_units),
        baseline_year=layout.baseline_year,
        targets={
            year: _join(part, compound, several_units) for year, part in zip(layout.target_years, targets, strict=False)
        },
        source=where,
    )


def _unit_length(pieces: list[str]) -> int:
    """How many pieces from the first make a unit (a unit may be wrapped over three), 0 when they do not."""
    for k in (3, 2, 1):
        if len(pieces) >= k and _is_unit("".join(pieces[:k])):
            return k
    return 0


def _unit_at(pieces: list[str]) -> tuple[int | None, int]:
    for i in range(1, len(pieces)):
        n = _unit_length(pieces[i:])
        if n:
            return i, n
    return None, 0


def _is_unit(text: str) -> bool:
    if text in _UNITS:
        return True
    return bool(re.fullmatch(r"[\u4e00-\u9fffA-Za-zμ³²]{1,6}/[\u4e00-\u9fffA-Za-zμ³²]{1,4}", text))


def _assessment(pieces: list[str]) -> tuple[int, int] | None:
    for j in range(1, len(pieces)):
        for k in (4, 3, 2, 1):
            if "".join(pieces[j : j + k]) in _ASSESSMENTS:
                return j, k
    return None


def _split_targets(pieces: list[str], years: int) -> list[list[str]]:
    if years <= 1 or not pieces:
        return [pieces] if years else []
    if years == 2:
        for k in range(1, len(pieces)):
            if "".join(pieces[:k]) == "".join(pieces[k:]):
                return [pieces[:k], pieces[k:]]
        half = (len(pieces) + 1) // 2
        return [pieces[:half], pieces[half:]]
    if len(pieces) == years:
        return [[p] for p in pieces]
    return [pieces]


def _join(pieces: list[str], compound: bool, several_units: bool) -> str:
    """Pieces of one cell: wrapped text joined as it was; the values of a compound row kept apart with ；."""
    text = ""
    for i, piece in enumerate(pieces):
        apart = compound and (several_units or _VALUE_PIECE.match(piece) or _VALUE_PIECE.match(pieces[i - 1]))
        text += ("；" if i and apart else "") + piece
    return text
