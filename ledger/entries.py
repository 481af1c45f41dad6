"""What merging a period produces: entries (who reported what on which task), unmerged values, returns.

Plain records, shared by the stages that make them (merge), keep them (history) and present them (master
ledger, report, reminders). They serialise to JSON and back without losing a type, so an earlier period's result
can be cached under build/.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson

from .cells import text_of
from .frames import Column, Kind, Labels, frame
from .model import Indicator, Period, Task
from .problems import ERROR, Problem, cell_name, problem
from .progress import Reported, read_reported
from .records import json_value, written_aside

if TYPE_CHECKING:
    import pandas as pd

# "group": what a unit that supports many tasks reported for a whole group of them (task_id is the group's id)
Role = Literal["lead", "support", "group"]
ADDED_ROW = "单位新增的行（作为建议保留）"  # the reason of an unmerged value from a row a unit added (a proposal)
# merged: the unit's latest; superseded: an earlier one; refused: unreadable, unattributed or of another
# period; withdrawn: the office took it back (ledger returns withdraw); evidence: a scan beside a workbook;
# held (待确认): mailed by a sender not registered for the unit it names, until the office accepts it;
# rejected (退回重报): the office sent it back to its unit to correct (ledger returns reject).
ReturnState = Literal["merged", "superseded", "refused", "withdrawn", "evidence", "held", "rejected"]


@dataclass(kw_only=True)
class Entry:
    """What one unit reported on one task."""

    task_id: str
    unit: str
    role: Role
    status: str = ""
    progress: str = ""
    issues: str = ""
    next_steps: str = ""
    completed_on: str = ""
    file: str = ""
    sheet: str = ""
    row: int = 0
    extra: dict[str, object] = field(default_factory=dict)
    # fields whose text equals what render prefilled from the round before ("progress", "issues"): shown as
    # （与上期相同）, never as this round's words
    unchanged: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: its deep copy made writing merged.json on 1,000 units take seconds longer.
        return {**vars(self), "extra": dict(self.extra), "unchanged": list(self.unchanged)}


class TaskEntries:
    """A period's entries found by task: its leads', its supporters' and the group answers that stand for its
    supporters, each list in entry order. The master ledger and the report ask this for every task; scanning a
    group's answers per task instead made them quadratic on a large ledger."""

    def __init__(self, entries: Iterable[Entry], group_of: Mapping[str, str]) -> None:
        self.group_of = group_of  # task id -> id of its support group (layout.SupportGroups.ids)
        self.by_task: dict[str, list[Entry]] = defaultdict(list)
        self.by_group: dict[tuple[str, str], list[tuple[int, Entry]]] = defaultdict(list)  # (group, unit)
        for n, e in enumerate(entries):
            if e.role == "group":
                self.by_group[(e.task_id, e.unit)].append((n, e))
            else:
                self.by_task[e.task_id].append(e)

    def leads(self, task: Task) -> list[Entry]:
        return [e for e in self.by_task.get(task.id, ()) if e.role == "lead"]

    def supports(self, task: Task) -> list[Entry]:
        return [e for e in self.by_task.get(task.id, ()) if e.role == "support"]

    def groups(self, task: Task) -> list[Entry]:
        """Answers for the task's whole support group by units that support it."""
        group = self.group_of.get(task.id, "")
        found = [p for unit in dict.fromkeys(task.support_units) for p in self.by_group.get((group, unit), ())]
        return [e for _, e in sorted(found, key=lambda p: p[0])]


@dataclass(kw_only=True)
class IndicatorValue:
    """What one unit reported on one indicator: the 本期完成值 cell as typed (a number when the cell held one),
    its 数据截至, 完成情况说明 and 数据来源, and where it was typed. The reading in the indicator's unit is made
    where it is judged (progress.py), from these, so a cached merge never holds an old reading."""

    indicator_id: str
    unit: str
    typed: str = ""
    number: float | None = None  # the cell held a number (typed in a cell formatted otherwise, or a .csv)
    percent_cell: bool = False  # that number's cell was formatted as a percentage (0.942 shown as 94.2%)
    as_of: str = ""  # ISO date, or the text typed
    note: str = ""
    data_source: str = ""
    file: str = ""
    sheet: str = ""
    cell: str = ""

    def reported(self, indicator: Indicator) -> Reported:
        """The value read in the indicator's unit (a state for a qualitative one), for judging and checking."""
        try:
            as_of: date | None = date.fromisoformat(self.as_of) if self.as_of else None
        except ValueError:
            as_of = None
        typed: object = self.number if self.number is not None else self.typed
        qualitative = indicator.direction == "qualitative"
        reading = None if qualitative else read_reported(indicator, typed, percent_cell=self.percent_cell)
        return Reported(
            unit=self.unit,
            typed=reading.typed if reading is not None else self.typed,
            reading=reading,
            state=self.typed.strip() if reading is None else "",
            as_of=as_of,
            note=self.note,
            data_source=self.data_source,
        )


# What one unit reported on one task, as analysts see it; columns the office added follow, named as in the workbook.
ENTRY_FRAME: list[Column[Entry]] = [
    Column("task_id", "任务编号", "text", lambda e: e.task_id),
    Column("unit", "单位", "text", lambda e: e.unit),
    Column("role", "角色", "category", lambda e: e.role, ("lead", "support")),
    Column("status", "完成状态", "text", lambda e: e.status),
    Column("progress", "本月进展", "text", lambda e: e.progress),
    Column("issues", "存在问题", "text", lambda e: e.issues),
    Column("next_steps", "下步计划", "text", lambda e: e.next_steps),
    Column("completed_on", "完成时间", "date", lambda e: e.completed_on),  # NaT when blank or not a date
    Column("file", "文件", "text", lambda e: e.file),
    Column("sheet", "工作表", "text", lambda e: e.sheet),
    Column("row", "行号", "int", lambda e: e.row),
]


def _extra_column(header: str, entries: list[Entry]) -> Column[Entry]:
    """A column the office added: numbers or dates when every value typed in it is one, else text as typed."""
    typed = [e.extra[header] for e in entries if header in e.extra]
    kind: Kind = "text"
    if typed and all(isinstance(v, int | float) and not isinstance(v, bool) for v in typed):
        kind = "float"
    elif typed and all(isinstance(v, date) for v in typed):
        kind = "date"

    def value(e: Entry) -> object:
        found = e.extra.get(header)
        if kind == "text":
            return None if found is None else text_of(found)
        return float("nan") if found is None and kind == "float" else found

    return Column(header, header, kind, value)


@dataclass(kw_only=True)
class Unmerged:
    """A value a unit typed that could not go into the master ledger, so that it is never lost."""

    file: str
    sheet: str
    cell: str
    value: str
    reason: str
    unit: str = ""
    task_id: str = ""


# How many values and problems of one file are listed one by one: beyond it they are counted, so that
# merged.json and problems.xlsx stay bounded (Excel shows 1,048,576 rows) whatever a file holds.
LISTED_PER_FILE = 1_000


class UnmergedCells:
    """The unmerged values of one file: listed cell by cell up to LISTED_PER_FILE, the rest counted per sheet and
    reason with the range they span ("A1001:F200000 共199,000个单元格未汇总"), so that every typed value is
    either merged, listed, or in a range whose size is said."""

    def __init__(self, file: str, unit: str) -> None:
        self.file, self.unit = file, unit
        self.listed: list[Unmerged] = []
        self.rest: dict[tuple[str, str], list[int]] = {}  # (sheet, reason) -> [count, r1, c1, r2, c2], 0-based

    def add(self, sheet: str, row: int, col: int, value: str, reason: str, task_id: str = "") -> None:
        if len(self.listed) < LISTED_PER_FILE:
            cell = cell_name(row + 1, col + 1)
            self.listed.append(
                Unmerged(
                    file=self.file, sheet=sheet, cell=cell, value=value, reason=reason, unit=self.unit, task_id=task_id
                )
            )
            return
        span = self.rest.setdefault((sheet, reason), [0, row, col, row, col])
        span[0] += 1
        span[1:] = [min(span[1], row), min(span[2], col), max(span[3], row), max(span[4], col)]

    def values(self) -> list[Unmerged]:
        summaries = [
            Unmerged(
                file=self.file,
                sheet=sheet,
                cell=f"{cell_name(r1 + 1, c1 + 1)}:{cell_name(r2 + 1, c2 + 1)}",
                value=f"共{count:,}个单元格未汇总（未逐个列出，见原文件）",
                reason=reason,
                unit=self.unit,
            )
            for (sheet, reason), (count, r1, c1, r2, c2) in self.rest.items()
        ]
        return self.listed + summaries


def bounded_problems(problems: list[Problem], file: str, unit: str | None) -> list[Problem]:
    """A file's problems, listed one by one up to LISTED_PER_FILE; the rest counted by code in one more."""
    if len(problems) <= LISTED_PER_FILE:
        return problems
    rest = Counter(p.code for p in problems[LISTED_PER_FILE:])
    codes = "，".join(f"{code} {n:,}个" for code, n in rest.most_common())
    summary = problem("problems-not-listed", file=file, unit=unit, count=f"{sum(rest.values()):,}", codes=codes)
    return [*problems[:LISTED_PER_FILE], summary]


@dataclass(kw_only=True)
class ReturnInfo:
    """One stored return and what became of it."""

    file: str
    unit: str
    received_at: str
    sender: str
    state: ReturnState
    reporter: dict[str, str] = field(default_factory=dict)  # 填报人 / 联系电话 / 审核人 from the footer
    received_how: str = ""  # how the received time is known (collect.RECEIVED_HOW_NAMES)
    saved_at: str = ""  # the workbook's own last-saved time, when plausible (it decides which return is latest)
    why: str = ""  # why it was withdrawn or sent back
    rejected_at: str = ""  # when it was sent back to its unit (退回重报), office time
    resubmit_by: str = ""  # the last day the 退回 gave to send again keeping the first time (ISO; "": the rule's)


@dataclass(kw_only=True)
class MergeResult:
    """A period's returns merged: the master ledger's entries, every problem, what became of each file."""

    period: Period
    entries: list[Entry]
    problems: list[Problem]
    returns: list[ReturnInfo]
    unmerged: list[Unmerged]
    indicator_values: list[IndicatorValue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)

    @property
    def stats(self) -> dict[str, int]:
        states = Counter(r.state for r in self.returns)
        return {
            "files": len(self.returns),
            "merged": states["merged"],
            "superseded": states["superseded"],
            "refused": states["refused"],
            "withdrawn": states["withdrawn"],
            "evidence": states["evidence"],
            "held": states["held"],
            "rejected": states["rejected"],
            "units": len({r.unit for r in self.returns if r.state == "merged"}),
            "entries": len(self.entries),
            "errors": sum(p.severity == ERROR for p in self.problems),
            "warnings": sum(p.severity != ERROR for p in self.problems),
            "unmerged": len(self.unmerged),
        }

    def counts_text(self) -> str:
        """What became of the files and what they gave, every file in a count: what `ledger merge` and the
        console's 汇总 say."""
        s = self.stats
        return (
            f"报送文件{s['files']}个：汇总{s['merged']}个，被取代{s['superseded']}个，未汇总{s['refused']}个，"
            f"已撤回{s['withdrawn']}个，退回重报{s['rejected']}个，佐证材料{s['evidence']}个，待确认{s['held']}个；"
            f"填报{s['entries']}条，错误{s['errors']}项，提示{s['warnings']}项，未汇总内容{s['unmerged']}项。"
        )

    def to_frame(self, labels: Labels = "en") -> pd.DataFrame:
        """The entries, one row per unit and task (columns: ENTRY_FRAME, then the office's own fill-in columns;
        labels="zh" for the Chinese column names)."""
        extra = dict.fromkeys(k for e in self.entries for k in e.extra)
        return frame(self.entries, [*ENTRY_FRAME, *(_extra_column(h, self.entries) for h in extra)], labels)

    def to_dict(self, *, entries_as_records: bool = True) -> dict[str, Any]:
        """Everything, JSON-ready; dates in entries' extra columns are tagged so from_dict gives them back.
        Without `entries_as_records`, the entries are left as they are, for write_json (see `_encoded`)."""
        return {
            "period": str(self.period),
            "stats": self.stats,
            "entries": [_entry_record(e) for e in self.entries] if entries_as_records else self.entries,
            "problems": [p.to_dict() for p in self.problems],
            "returns": [asdict(r) for r in self.returns],
            "unmerged": [dict(vars(u)) for u in self.unmerged],  # flat records: a shallow copy is the whole copy
            "indicator_values": [dict(vars(v)) for v in self.indicator_values],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MergeResult:
        return cls(
            period=Period.parse(data["period"]),
            entries=[
                Entry(**{**e, "extra": {k: untag_value(v) for k, v in e["extra"].items()}}) for e in data["entries"]
            ],
            problems=[Problem(**p) for p in data["problems"]],
            returns=[ReturnInfo(**r) for r in data["returns"]],
            unmerged=[Unmerged(**u) for u in data["unmerged"]],
            indicator_values=[
                IndicatorValue(**{**v, "number": untag_value(v["number"])}) for v in data.get("indicator_values", [])
            ],
        )


def write_json(path: Path, result: MergeResult) -> Path:
    """A merge result as merged.json holds it, which is also the round's merge cache (so the cache just written is
    copied to merged.json, not encoded again): the top-level keys a line each and every record of a list on a
    line of its own, which keeps the file readable (and diffable) record by record.

    Each record is encoded by orjson, a tenth of the time of the standard encoder, which was a second of every
    1,000-unit merge; a record orjson cannot say exactly as the standard encoder would is encoded by that one
    (see `_encoded`)."""
    data = result.to_dict(entries_as_records=False)
    with written_aside(path) as aside, aside.temporary.open("wb") as out:
        for n, (key, value) in enumerate(data.items()):
            out.write(("{\n" if n == 0 else ",\n").encode() + b"  " + _encoded(key) + b":")
            if isinstance(value, list) and value:
                for i, item in enumerate(value):
                    out.write((b"[\n    " if i == 0 else b",\n    ") + _encoded(item))
                out.write(b"\n  ]")
            else:
                out.write(_encoded(value))
        out.write(b"\n}\n")
    assert aside.written is not None
    return aside.written


def read_json(path: Path) -> MergeResult:
    """A merge result from merged.json or a merge cache."""
    data = json_value(path.read_bytes())
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: not a merge result")
    return MergeResult.from_dict(data)


# Values orjson writes natively but the standard encoder hands to `default`: passed to `default` here too.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_NON_STR_KEYS
_ENTRY_OPTIONS = _ORJSON_OPTIONS ^ orjson.OPT_PASSTHROUGH_DATACLASS
# as orjson spaces; NaN and infinity never reach it (see `_finite`), so the file is JSON any program reads
_standard = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=text_of, allow_nan=False).encode


def _encoded(value: object) -> bytes:
    """One record as UTF-8 JSON. An entry is written by orjson as the dataclass it is (its record is never
    made): a date or time can only be in its extra columns, where it is tagged as `_entry_record` tags it.
    orjson writes NaN and infinity as null and refuses integers beyond 64 bits and lone surrogates; a record
    whose JSON holds a null or that orjson refuses is encoded by the standard encoder, its NaN and infinities
    tagged (`tag_value`: the standard encoder's NaN and Infinity are no JSON, refused by strict readers), so
    that a value read back is the value read from the cell."""
    try:
        if isinstance(value, Entry):
            encoded = orjson.dumps(value, default=_extra_value, option=_ENTRY_OPTIONS)
        else:
            encoded = orjson.dumps(value, default=text_of, option=_ORJSON_OPTIONS)
        if b"null" not in encoded:
            return encoded
    except orjson.JSONEncodeError:
        pass
    return _standard(_finite(_entry_record(value) if isinstance(value, Entry) else value)).encode("utf-8")


def _finite(value: object) -> object:
    """A record with its NaN and infinities tagged, however deep (a problem's values, an entry's extra columns),
    and its integers beyond 64 bits, which orjson would read back as floats."""
    if type(value) is float:
        if math.isfinite(value):
            return value
        return {"number": "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"}  # as JS says
    if type(value) is int:
        return value if -(2**63) <= value < 2**64 else {"integer": str(value)}
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _extra_value(value: object) -> object:
    return tag_value(value) if isinstance(value, date) else text_of(value)


def _entry_record(entry: Entry) -> dict[str, Any]:
    return {**vars(entry), "extra": {k: tag_value(v) for k, v in entry.extra.items()}}


def tag_value(value: object) -> object:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return value


def untag_value(value: object) -> object:
    """A value as `tag_value` or `_finite` tagged it, given back."""
    if isinstance(value, dict) and len(value) == 1:
        if "date" in value:
            return date.fromisoformat(value["date"])
        if "number" in value:
            return float(value["number"])
        if "integer" in value:
            return int(value["integer"])
    return value
