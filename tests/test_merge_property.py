"""Whatever text a unit types comes back exactly, and every problem has its code and its place."""

import shutil

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.merge import merge_period
from ledger.model import Period
from ledger.paths import WorkspacePaths

from .conftest import copy_example, render

JUNE = Period(2021, 6)
UNIT = "钢城区税务局"
FIELDS = {"本月进展": "progress", "存在问题": "issues", "下步计划": "next_steps"}

# What people paste into cells: CJK, emoji, newlines, full-width spaces, formula-like and very long text.
# (XML cannot hold control characters, and Excel keeps at most 32,767 characters in a cell.)
typed = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
        min_size=1,
        max_size=60,
    ),
    st.sampled_from(["=1+1", "+86 531", "-5%", "@所有人", "\u3000全角空格\u3000", "完成✅🎉", "a\nb\n\nc"]),
    st.text(alphabet="进展。，😀 ", min_size=1, max_size=8).map(lambda s: s * 1000),  # long, cheap to draw
).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(typed, min_size=12, max_size=12))
def test_typed_text_round_trips_and_problems_are_located(tmp_path_factory, values):
    root = tmp_path_factory.mktemp("prop")
    base = _rendered(root.parent)
    shutil.copytree(base, root / "ws")
    ws_root = root / "ws"
    book = openpyxl.load_workbook(ws_root / "build/2021-06/outbox" / f"{UNIT}.xlsx")
    sheet = book["牵头任务"]
    headers = [c.value for c in sheet[2]]
    expected = {}
    pool = iter(values)
    for row in sheet.iter_rows(min_row=3):
        if not (row[0].value and "-" in str(row[0].value)):
            continue
        for header in FIELDS:
            cell = row[headers.index(header)]
            cell.value = next(pool)
            cell.data_type = "s"
            expected[(row[0].value, FIELDS[header])] = cell.value
    book.save(root / "return.xlsx")
    collect_returns(WorkspacePaths(ws_root), JUNE, [root / "return.xlsx"])
    result = merge_period(load_workspace(ws_root), JUNE)
    got = {(e.task_id, key): getattr(e, key) for e in result.entries if e.unit == UNIT for key in FIELDS.values()}
    assert {k: got[k] for k in expected} == expected
    assert all(p.code and p.file and (p.cell or p.code.startswith("return-")) for p in result.problems)


_CACHE = {}


def _rendered(base):
    if "root" not in _CACHE:
        root = copy_example(base / "rendered")
        render(load_workspace(root), JUNE, [UNIT])
        _CACHE["root"] = root
    return _CACHE["root"]
