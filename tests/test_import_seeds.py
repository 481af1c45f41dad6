"""The import read back from the seed documents, compared with the tables shipped in source/tasks/ (which were
transcribed by hand), never with a saved copy of the import's own output."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from ledger.deadlines import parse_deadline
from ledger.importer import import_document
from ledger.tables import read_sheets
from ledger.units import UnitRegistry, read_registry

from .conftest import ROOT, SEEDS

BULLETIN = SEEDS / "000_667e483abbbf26c5.txt"
FGF_CSV = ROOT / "source" / "tasks" / "深化放管服改革优化营商环境2021年重点任务分工.csv"

pytestmark = pytest.mark.skipif(not BULLETIN.exists(), reason="the seed documents are not beside the repository")


@pytest.fixture(scope="module")
def registry() -> UnitRegistry:
    found, _ = read_registry(read_sheets(ROOT / "source" / "units.xlsx")[0], "units.xlsx")
    return found


def _units(registry: UnitRegistry, names: list[str] | str, district: str) -> tuple[list[str], list[str]]:
    text = names if isinstance(names, str) else "、".join(names)
    found = registry.resolve(text, district)
    return sorted(found.units), sorted(found.unknown)


def test_fgf_plan_imports_to_the_64_tasks_of_the_shipped_table(registry):
    rows = list(csv.reader(io.StringIO(FGF_CSV.read_bytes().decode("gb18030"))))[2:]
    result = import_document(BULLETIN, section="深化“放管服”改革优化营商环境 2021 年重点任务分工方案")
    assert len(result.tasks) == len(rows) == 64
    assert result.district == "钢城区"
    assert result.name == "深化“放管服”改革优化营商环境2021年重点任务分工方案"
    # A shorter text finds the same document by its title at the top of a page, not a heading of another one.
    short = import_document(BULLETIN, section="放管服")
    assert (short.name, len(short.tasks)) == (result.name, 64)
    mismatches = []
    for task, row in zip(result.tasks, rows, strict=True):
        expected_lead, expected_support = (row[5], row[6]) if row[5] else (row[6], "")
        lead = _units(registry, task.lead, "钢城区")
        support = _units(registry, task.support, "钢城区")
        want_lead = _units(registry, expected_lead, "钢城区")
        want_support = [u for u in _units(registry, expected_support, "钢城区")[0] if u not in want_lead[0]]
        if (lead, support[0], task.measure[:20], task.category) != (
            want_lead,
            want_support,
            row[3][:20],
            row[1],
        ):
            mismatches.append(row[0])
    assert mismatches == []


def test_air_ledger_table_flattened_by_a_pdf_extraction(registry):
    """附件 2: cells one per line, a row's cells continued on the next page, a page number mid-row."""
    book = openpyxl.load_workbook(ROOT / "source" / "tasks" / "2021年大气污染防治重点任务工作台账.xlsx")
    rows = {str(r[2]): r for r in book.active.iter_rows(min_row=4, values_only=True) if r[2]}
    result = import_document(BULLETIN, section="2021 年大气污染防治重点任务工作台账")
    assert [t.number for t in result.tasks] == [str(n) for n in range(1, 101)]
    right = 0
    for task in result.tasks:
        row = rows[task.number]
        want_lead = _units(registry, row[5] or "", "钢城区")
        want_support = [u for u in _units(registry, row[6] or "", "钢城区")[0] if u not in want_lead[0]]
        lead = _units(registry, task.lead, "钢城区")
        support = [u for u in _units(registry, task.support, "钢城区")[0] if u not in lead[0]]
        due = parse_deadline(task.deadline, 2021).due
        right += (lead, support, due) == (want_lead, want_support, parse_deadline(row[4], 2021).due)
    assert right >= 95
    measures = sum(t.measure.replace(" ", "") == rows[t.number][3].replace(" ", "") for t in result.tasks)
    assert measures >= 95
    assert result.district == "钢城区"


def test_laiwu_project_list_imports_to_its_17_projects(registry):
    book = openpyxl.load_workbook(ROOT / "source" / "tasks" / "莱芜区国家级生态文明建设示范区规划工程清单.xlsx")
    rows = [r for r in book.active.iter_rows(min_row=5, values_only=True) if r[0]]
    result = import_document(SEEDS / "004_8fb087523908d1cd.txt", section="莱芜区国家级生态文明建设示范区规划工程清单")
    assert result.district == "莱芜区"
    got = [
        (t.number, t.title, t.measure, _units(registry, t.lead, "莱芜区"), t.deadline, t.extra.get("投资（亿元）"))
        for t in result.tasks
    ]
    want = [(str(r[0]), r[2], r[3], _units(registry, r[4], "莱芜区"), r[6], str(r[5]).removesuffix(".0")) for r in rows]
    assert got == want
