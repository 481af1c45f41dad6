"""The shipped example in source/ loads cleanly and says what the seed documents say."""

import re
from datetime import date

import pytest

from ledger import load_workspace

from .conftest import ROOT, SEEDS


@pytest.fixture(scope="module")
def example():
    return load_workspace(ROOT)


def test_example_loads_without_errors(example):
    assert example.valid, [p for p in example.problems if p.severity == "error"]
    counts = {d["code"]: (d["tasks"], d["indicators"]) for d in example.summary()["documents"]}
    assert counts == {"DQ": (100, 0), "FGF": (64, 0), "LW": (17, 0), "STZB": (0, 35)}
    assert all(i.lead_units for i in example.indicators)  # the office named who reports on each indicator


def test_only_vague_collectives_are_warned_about(example):
    assert {p.code for p in example.problems} == {"unit-vague"}  # the example's contact line is a real one


@pytest.mark.parametrize(
    ("task_id", "deadline", "leads", "supports"),
    [
        (
            "DQ-1",
            date(2021, 12, 31),
            ["市生态环境局钢城分局"],
            ["钢城区发展改革局", "钢城区自然资源局", "钢城区行政审批服务局", "钢城区规划协调服务中心"],
        ),
        ("DQ-10", date(2021, 11, 15), ["钢城区发展改革局"], ["钢城区住房城乡建设局"]),
        ("DQ-49", date(2021, 12, 31), ["钢城区住房城乡建设局", "钢城区交通运输局", "钢城区农业农村局"], []),
        (
            "DQ-71",
            date(2021, 12, 31),
            ["钢城区工业和信息化局", "市生态环境局钢城分局"],
            ["钢城区交通运输局", "钢城区文化和旅游局"],
        ),
        ("DQ-76", date(2021, 4, 30), ["市生态环境局钢城分局"], []),
        ("FGF-24", date(2021, 12, 31), ["钢城区工业和信息化局", "钢城区文化和旅游局", "钢城区卫生健康局"], []),
        (
            "FGF-63",
            date(2021, 12, 31),
            ["钢城区推进政府职能转变和“放管服”改革协调小组办公室"],
            ["钢城区行政审批服务局", "钢城区大数据局", "钢城区市场监管局"],
        ),
        ("LW-8", date(2025, 12, 31), ["山东重工指挥部"], []),
    ],
)
def test_tasks_match_the_seed(example, task_id, deadline, leads, supports):
    task = next(t for t in example.tasks if t.id == task_id)
    streets = ["艾山街道", "汶源街道", "里辛街道", "颜庄街道", "辛庄街道", "钢城经济开发区"]
    assert task.deadline.due == deadline
    assert task.lead_units == leads
    assert [u for u in task.support_units if u not in streets] == supports


def test_air_ledger_footnote_gives_every_task_to_the_streets_and_functional_areas(example):
    streets = {"艾山街道", "汶源街道", "里辛街道", "颜庄街道", "辛庄街道", "钢城经济开发区"}
    for task in (t for t in example.tasks if t.document == "DQ"):
        assert streets <= set(task.support_units) | set(task.lead_units)


def test_laiwu_projects_keep_investment(example):
    assert next(t for t in example.tasks if t.id == "LW-8").extra == {"投资（亿元）": "1535"}


def _pieces(text: str, seed: str) -> list[str]:
    """Split text into the fewest runs that each stand verbatim in seed (greedy, longest run first)."""
    pieces = []
    while text:
        low, high = 0, len(text)  # text[:low] is in seed; find the longest such prefix
        while low < high:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if text[:mid] in seed else (low, mid - 1)
        if low == 0:
            return [*pieces, text]  # a character the seed never has
        pieces.append(text[:low])
        text = text[low:]
    return pieces


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not beside this checkout")
def test_every_measure_text_stands_in_the_seed(example):
    seed = "".join(re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt"))
    for task in example.tasks:
        # The PDF text breaks a cell where a page ends, so a measure may stand in the seed in two runs.
        pieces = _pieces(re.sub(r"\s+", "", task.measure), seed)
        assert len(pieces) <= 2 and all(len(p) >= 8 for p in pieces), (task.id, pieces)


@pytest.mark.skipif(not (SEEDS / "004_8fb087523908d1cd.txt").exists(), reason="the seed documents are not beside")
def test_the_indicator_table_is_the_seeds_import_with_the_offices_units(example):
    """source/indicators/ holds what `ledger import` read from 附件1; the office added only 牵头单位/配合单位."""
    from ledger.importer import import_document

    seed = import_document(SEEDS / "004_8fb087523908d1cd.txt", section="莱芜区国家生态文明建设示范区指标体系")
    shipped = [i for i in example.indicators if i.document == "STZB"]
    imported = [(i.number, i.name, i.unit, i.requirement, i.targets, i.baseline) for i in seed.indicators]
    assert [
        (i.number, i.name, i.unit, i.requirement, {y: t for y, t in i.targets.items()}, i.baseline) for i in shipped
    ] == [(n, name, unit, requirement, targets, baseline) for n, name, unit, requirement, targets, baseline in imported]
