"""The record of units renamed and merged, and the units and names of any round's time."""

from ledger.model import Deadline, Period, Task, Unit
from ledger.unit_changes import (
    UnitChange,
    append_unit_change,
    read_unit_changes,
    succeed_units,
    successors,
    units_at,
)

JUNE, JULY, AUGUST, SEPTEMBER = (Period.parse(f"2021-{m:02d}") for m in (6, 7, 8, 9))
ENV = Unit(name="区环保局", aliases=["环保局"], emails=["hb@example.cn"], contact="甲")
PLAN = Unit(name="规划协调服务中心", emails=["gh@example.cn"])
LAND = Unit(name="自然资源局", emails=["zy@example.cn"])
FINANCE = Unit(name="财政局")


def rename(old: str, new: str, start: Period, before: list[Unit]) -> UnitChange:
    return UnitChange(action="rename", old=[old], new=new, start=start, before=before)


def test_a_round_before_a_change_has_the_units_of_its_time():
    renamed = Unit(name="生态环境分局", aliases=["环保局"], emails=["hb@example.cn"], contact="甲", former=["区环保局"])
    absorbed = Unit(name="自然资源局", emails=["zy@example.cn", "gh@example.cn"], former=["规划协调服务中心"])
    now = [renamed, FINANCE, absorbed]
    changes = [
        rename("区环保局", "生态环境分局", AUGUST, [ENV]),
        UnitChange(action="merge", old=["规划协调服务中心"], new="自然资源局", start=JULY, before=[PLAN, LAND]),
    ]
    assert units_at(now, changes, SEPTEMBER) == now
    assert units_at(now, changes, JULY) == [ENV, FINANCE, absorbed]
    assert units_at(now, changes, JUNE) == [ENV, FINANCE, PLAN, LAND]
    assert units_at(units_at(now, changes, JUNE), changes, JUNE) == [ENV, FINANCE, PLAN, LAND]


def test_a_merge_into_a_new_unit_is_undone_without_it():
    merged = Unit(name="综合执法局", former=["城管局", "环保局"])
    change = UnitChange(action="merge", old=["城管局", "环保局"], new="综合执法局", start=JULY, before=[ENV, PLAN])
    assert units_at([FINANCE, merged], [change], JUNE) == [FINANCE, ENV, PLAN]


def test_successors_chain_renames_and_a_rename_back_undoes_one():
    changes = [
        rename("A局", "B局", JULY, []),
        rename("B局", "C局", SEPTEMBER, []),
    ]
    assert successors(changes, JUNE) == {}
    assert successors(changes, AUGUST) == {"A局": "B局"}
    assert successors(changes, SEPTEMBER) == {"A局": "C局", "B局": "C局"}
    assert successors(changes, SEPTEMBER, after=AUGUST) == {"B局": "C局"}
    back = [rename("A局", "B局", JULY, []), rename("B局", "A局", SEPTEMBER, [])]
    assert successors(back, SEPTEMBER) == {"B局": "A局"}


def test_tasks_of_old_units_are_their_successors():
    task = Task(
        id="T-1",
        document="T",
        number="1",
        measure="整治扬尘。",
        deadline=Deadline(raw="年底前", kind="date"),
        lead_units=["规划协调服务中心", "自然资源局"],
        support_units=["区环保局", "自然资源局", "财政局"],
    )
    (succeeded,) = succeed_units([task], {"规划协调服务中心": "自然资源局", "区环保局": "生态环境分局"})
    assert (succeeded.lead_units, succeeded.support_units) == (["自然资源局"], ["生态环境分局", "财政局"])
    assert succeed_units([task], {}) == [task]


def test_changes_are_read_back_as_recorded_and_a_torn_line_is_passed_over(tmp_path):
    path = tmp_path / "unit-changes.jsonl"
    change = rename("区环保局", "生态环境分局", AUGUST, [ENV])
    change.at, change.by, change.why = "2021-08-03T09:00:00+08:00", "clerk", "机构改革"
    append_unit_change(path, change)
    with path.open("a", encoding="utf-8") as torn:
        torn.write('{"action": "rename", "old": ["甲"')
    assert read_unit_changes(path) == [change]
