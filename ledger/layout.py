"""The layout of a unit workbook: what render writes and merge reads back, defined once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from .cells import task_id_of
from .config import Config
from .model import Indicator, Period, Task

META_SHEET = "_ledger"
INSTRUCTIONS_SHEET = "填报说明"
INSTRUCTIONS_ROLE: Final = "instructions"  # the role of a line render wrote on 填报说明, in the metadata
LEAD_SHEET = "牵头任务"
SUPPORT_SHEET = "配合任务"
SUPPORT_DETAIL_SHEET = "配合任务明细"  # the tasks of a unit that supports many, one row each, optional to fill
META_FORMAT = "2"
# The office's view of a task (master ledger, report): every source column, every supporting unit by name.
NEW_MARK = "新增"  # a task added to the source list, in the first round that sends it
TASK_COLUMNS = ("任务编号", "序号", "类别", "具体措施", "完成时限", "牵头单位", "配合单位")
# Their widths in the office's tables (汇总台账 of merged.xlsx and of the report): as narrow as their usual text
# needs, so that with the round's columns beside them the tables print at a readable size on A4 landscape, the
# width going to 配合单位反馈, the text that makes a row tall (wider, they printed at 5 to 6 pt).
TASK_WIDTHS = (8, 4, 9, 22, 10, 10, 10)
SUPPORT_FEEDBACK_WIDTH = 32  # 配合单位反馈: every supporting unit's answer, a line or two each
# A unit's view of a task: 序号 is already in 任务编号, categories take one line, whole groups of supporting units
# are written as the group (the full list is in 填报说明), so that the fill-in columns get the width.
WORKBOOK_COLUMNS = ("任务编号", "类别", "具体措施", "完成时限", "牵头单位", "配合单位")
WORKBOOK_WIDTHS = (8, 9, 28, 9, 10, 10)  # widths of WORKBOOK_COLUMNS
# 配合任务 of a unit that supports many holds only 本月配合情况 rows: their text takes the width of the columns that
# are empty there (完成时限, 牵头单位, 配合单位: hidden).
GROUP_WIDTHS = (8, 12, 54, 0, 0, 0)
FROZEN_COLUMNS = 3  # 任务编号, 类别, 具体措施 stay in view while the unit types in the fill-in columns
# Column widths (Excel's units) that fit A4 landscape at 100 %: fit-to-width then keeps the text at full size.
PAGE_WIDTH = 146
MIN_TEXT_WIDTH = 8
# The signature block under each task table, a pair of labels a line, as offices print it.
FOOTER_ROWS = (("填报人：", "联系电话："), ("单位负责人（签字）：", "单位（盖章）："), ("填报日期：",))
FOOTER_LABELS = tuple(label for row in FOOTER_ROWS for label in row)
FORMER_FOOTER_LABELS = ("审核人（签字）：",)  # read from workbooks rendered before the block was completed
HEADER_ROW = 1  # 0-based: row 1 is the title, row 2 the header
FIRST_TASK_ROW = 2
HEADER_SCAN_ROWS = 12  # a returned sheet's header is looked for in its first rows (units insert a few)
GROUP_ROLE: Final = "group"  # the role of a 本月配合情况 row in the metadata
MIN_GROUP_LABEL = 3  # a whole group is written as the group only when that saves naming three units or more


def ledger_id(config: Config) -> str:
    """A stable id for the ledger, so a return from another ledger or office is recognised as such."""
    return hashlib.sha256(f"{config.title}\x1f{config.office.name}".encode()).hexdigest()[:12]


def row_fingerprint(values: Iterable[str]) -> str:
    """Fingerprint of a row's locked cells: merge compares it to tell edited task text."""
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()[:16]


def cell_digest(text: str) -> str:
    """A short digest of a fill-in cell's text as a person sees it (spaces at the ends ignored)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:8]


def prefill_fingerprint(cells: Iterable[tuple[str, str]]) -> str:
    """What render prefilled in a row's fill-in cells, (column header, text) pairs, as digests: merge compares
    it to tell a return left untouched and text carried over unchanged from the round before."""
    return "\x1e".join(f"{header}\x1f{cell_digest(text)}" for header, text in cells if text.strip())


def prefilled_digests(fingerprint: str) -> dict[str, str]:
    """column header -> digest of its prefilled text, read back from `prefill_fingerprint`."""
    pairs = (item.split("\x1f", 1) for item in fingerprint.split("\x1e") if "\x1f" in item)
    return dict((header, digest) for header, digest in pairs)


def task_cells(task: Task, *, new: bool = False) -> list[str]:
    """The source columns of a task as the office reads them (TASK_COLUMNS); a task added to the list this
    round (`new`) has 新增 under its 序号, the ID left as it is for look-ups."""
    category = "\n".join(x for x in (task.category, task.title) if x)
    support = "、".join([*task.support_units, *task.vague_units])
    number = f"{task.number}\n{NEW_MARK}" if new else task.number
    return [task.id, number, category, task.measure, task.deadline.text, "、".join(task.lead_units), support]


def compact_category(task: Task) -> str:
    """A two-level category on one line: "一、持续调整优化结构·着力优化产业及空间布局"."""
    return "·".join(x for x in (task.category, task.title) if x)


def group_label(groups: Sequence[str]) -> str:
    """How offices write whole groups of units: "各街道", "各街道（功能区）"."""
    first, *rest = groups
    return f"各{first}" + (f"（{'、'.join(rest)}）" if rest else "")


def compact_units(units: Sequence[str], groups: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, list[str]]]:
    """A list of units with every whole group written as the group, and what each group label stands for.

    Groups come from the unit registry (所属分组); the largest whole groups are taken first and a unit is
    counted in one group only. The label stands where the group's first member stood.
    """
    present = set(units)
    chosen: list[str] = []
    covered: set[str] = set()
    for name, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if members and set(members) <= present and not covered & set(members):
            chosen.append(name)
            covered |= set(members)
    if len(covered) < MIN_GROUP_LABEL:
        return "、".join(units), {}
    label = group_label(chosen)
    written: list[str] = []
    for unit in units:
        if unit not in covered:
            written.append(unit)
        elif label not in written:
            written.append(label)
    return "、".join(written), {label: [u for u in units if u in covered]}


def workbook_cells(task: Task, groups: Mapping[str, Sequence[str]]) -> tuple[list[str], dict[str, list[str]]]:
    """The locked source columns of a task row as a unit sees them (WORKBOOK_COLUMNS), and the group labels used."""
    lead, lead_labels = compact_units(task.lead_units, groups)
    support, labels = compact_units([*task.support_units, *task.vague_units], groups)
    cells = [task.id, compact_category(task), task.measure, task.deadline.text, lead, support]
    return cells, {**lead_labels, **labels}


@dataclass(frozen=True, kw_only=True)
class SupportGroup:
    """A unit's support tasks of one lead document and category, answered together in one 本月配合情况 row."""

    id: str  # "DQ-配3": the document's code and the category's place in the document, the same for every unit
    category: str
    tasks: tuple[str, ...]
    titles: tuple[str, ...]  # the tasks' second-level headings, each once, to remind the unit what the group holds

    def cells(self, period: Period) -> list[str]:
        """The group's locked cells in `period`'s workbook: 本月配合情况 is 本季度配合情况 in a quarterly ledger."""
        span = f"{self.tasks[0]}至{self.tasks[-1]}" if len(self.tasks) > 1 else self.tasks[0]
        measure = f"{period.this_round}配合情况（本类{len(self.tasks)}项任务，{span}，详见“{SUPPORT_DETAIL_SHEET}”表）"
        if self.titles:
            measure += "：" + "；".join(self.titles)
        return [self.id, self.category, measure, "", "", ""]


class SupportGroups:
    """Which group each task's support answers belong to; numbered over the whole ledger, so ids are stable."""

    def __init__(self, tasks: Iterable[Task]) -> None:
        self.ids: dict[str, str] = {}
        numbers: dict[tuple[str, str], int] = {}
        per_document: dict[str, int] = {}
        for task in tasks:
            key = (task.document, task.category)
            if key not in numbers:
                per_document[task.document] = numbers[key] = per_document.get(task.document, 0) + 1
            self.ids[task.id] = task_id_of(f"{task.document}-配{numbers[key]}")

    def of(self, tasks: Sequence[Task]) -> list[SupportGroup]:
        """The groups of a unit's support tasks, in task order."""
        grouped: dict[str, list[Task]] = {}
        for task in tasks:
            grouped.setdefault(self.ids[task.id], []).append(task)
        return [
            SupportGroup(
                id=gid,
                category=members[0].category or members[0].document,
                tasks=tuple(t.id for t in members),
                titles=tuple(dict.fromkeys(t.title for t in members if t.title)),
            )
            for gid, members in grouped.items()
        ]


def fill_widths(columns: Sequence[tuple[str, float]]) -> list[float]:
    """Widths of the fill-in columns (kind, configured width): text columns share what the page has left."""
    budget = PAGE_WIDTH - sum(WORKBOOK_WIDTHS)
    fixed = sum(w for kind, w in columns if kind != "text")
    text = sum(w for kind, w in columns if kind == "text")
    if not text or fixed + text <= budget:
        return [w for _, w in columns]
    scale = max(budget - fixed, 0) / text
    return [w if kind != "text" else max(MIN_TEXT_WIDTH, round(w * scale, 1)) for kind, w in columns]


ROUND_PREFIXES = ("本周", "本季度", "本半年", "本年度")  # what 本月 becomes in rounds of other lengths


def round_header(header: str, period: Period) -> str:
    """A column label for the round: 本月进展 is 本季度进展 in a quarterly ledger, 本周进展 in a weekly one."""
    return period.this_round + header.removeprefix("本月") if header.startswith("本月") else header


def canonical_header(label: str, known: Iterable[str]) -> str:
    """A returned column's label as the office's own column: 本周进展, 本季度进展 … are 本月进展 (workbooks sent
    before rounds had lengths say 本月进展 themselves). Only when that column is known, so an office's own
    column such as 本期实际值 keeps its name."""
    for prefix in ROUND_PREFIXES:
        if label.startswith(prefix) and (monthly := "本月" + label.removeprefix(prefix)) in known:
            return monthly
    return label


# The 指标 sheet of a unit responsible for indicators: locked rows, then what the unit fills in. 本期完成值 is a
# text-formatted column: what is typed ("94.2%", "2.67亿元", "约3000") arrives as typed, and values.read_value
# reads it in the indicator's unit (see docs/design.md, "Reading 94.2%").
INDICATOR_SHEET = "指标"
INDICATOR_ROLE: Final = "indicator"  # the role of an indicator row in the metadata
INDICATOR_COLUMNS = ("指标编号", "指标名称", "计量单位", "目标值", "基期值", "上期完成值")
INDICATOR_WIDTHS = (9, 26, 8, 20, 14, 10)  # with INDICATOR_FILL's: A4 landscape at 100 % (PAGE_WIDTH)
VALUE_HEADER, AS_OF_HEADER, NOTE_HEADER, DATA_SOURCE_HEADER = "本期完成值", "数据截至", "完成情况说明", "数据来源"
INDICATOR_FILL = ((VALUE_HEADER, 11), (AS_OF_HEADER, 10), (NOTE_HEADER, 24), (DATA_SOURCE_HEADER, 12))


def indicator_cells(indicator: Indicator, last: str) -> list[str]:
    """The locked cells of an indicator row as a unit sees them (INDICATOR_COLUMNS): every target by year."""
    targets = "\n".join(f"{year}年：{text}" for year, text in sorted(indicator.targets.items()))
    return [indicator.id, indicator.name, indicator.unit or "—", targets, indicator.baseline_text, last]


def attachment_name(unit: str, period_label: str) -> str:
    """The name a unit's workbook travels under: unit and period, so next month's never overwrites it."""
    return f"{unit}-{period_label}进展填报表.xlsx"
