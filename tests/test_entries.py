"""TaskEntries: a period's entries found by task, as the master ledger and the report ask for them."""

from ledger.deadlines import parse_deadline
from ledger.entries import Entry, TaskEntries
from ledger.model import Task


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
