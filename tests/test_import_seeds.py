"""The import read back from the seed documents, compared with the tables shipped in source/tasks/ (which were
transcribed by hand), never with a saved copy of the import's own output."""

from __future__ import annotations

import csv
import io

import pytest

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
