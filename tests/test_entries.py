"""TaskEntries: a period's entries found by task, as the master ledger and the report ask for them; merged.json."""

import json
import math
from datetime import date

from ledger.deadlines import parse_deadline
from ledger.entries import Entry, MergeResult, TaskEntries, read_json, write_json
from ledger.model import Period, Task


def task(id_, support):
    return Task(
        id=id_,
        document="D",
        number=id_,
        measure="",
        deadline=parse_deadline("全年", 2021),
        lead_units=["甲"],
        support_units=support,
    )


def test_group_answers_go_to_the_tasks_their_units_support_in_entry_order():
    entries = [
        Entry(task_id="D-配1", unit="丙", role="group", progress="丙综合"),
        Entry(task_id="D-1", unit="甲", role="lead", status="序时推进"),
        Entry(task_id="D-1", unit="乙", role="support", progress="乙配合"),
        Entry(task_id="D-配1", unit="乙", role="group", progress="乙综合"),
        Entry(task_id="D-配2", unit="乙", role="group", progress="另一类"),
    ]
    found = TaskEntries(entries, {"D-1": "D-配1", "D-2": "D-配1", "D-3": "D-配2"})
    one, two, three = task("D-1", ["乙", "丙"]), task("D-2", ["乙"]), task("D-3", [])
    assert [(e.unit, e.role) for e in found.leads(one)] == [("甲", "lead")]
    assert [(e.unit, e.role) for e in found.supports(one)] == [("乙", "support")]
    assert [e.progress for e in found.groups(one)] == ["丙综合", "乙综合"]  # entry order, not the task's unit order
    assert [e.progress for e in found.groups(two)] == ["乙综合"]  # 丙 does not support D-2
    assert found.groups(three) == [] and found.leads(two) == []  # 乙 supports no task of D-配2's


def not_json(constant: str) -> None:
    raise ValueError(f"{constant} is no JSON: strict readers refuse it")


def test_merged_json_gives_back_what_units_typed_however_odd_the_value(tmp_path):
    """merged.json (and so the merge cache) is written by orjson; what orjson would say differently from the
    standard encoder (NaN as null, integers beyond 64 bits refused) is written by the standard one, NaN and such
    integers tagged (a bare NaN is no JSON; orjson reads a huge integer back as a float), so the file is JSON any
    program reads and a value read back is the value typed."""
    typed = {"填报日期": date(2021, 6, 30), "非数": float("nan"), "大数": 10**30, "小数": 0.1, "文字": "“引号”\n换行"}
    result = MergeResult(
        period=Period.parse("2021-06"),
        entries=[
            Entry(task_id="D-1", unit="甲", role="lead", status="已完成", extra=typed),
            Entry(task_id="D-2", unit="甲", role="lead", progress="推进中", row=7),
            Entry(task_id="D-3", unit="乙", role="support", extra={"完成时间": date(2021, 6, 3), "编号": 10**40}),
        ],
        problems=[],
        returns=[],
        unmerged=[],
    )
    back = read_json(write_json(tmp_path / "merged.json", result))
    first, second, third = back.entries
    assert math.isnan(first.extra.pop("非数")) and first.extra == {k: v for k, v in typed.items() if k != "非数"}
    assert vars(second) == vars(result.entries[1]) and vars(third) == vars(result.entries[2])
    text = (tmp_path / "merged.json").read_text(encoding="utf-8")
    assert json.loads(text, parse_constant=not_json)["entries"][0]["extra"]["非数"] == {"number": "NaN"}  # no bare NaN
    lines = text.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert sum(line.startswith("    {") for line in lines) == 3  # a record a line
