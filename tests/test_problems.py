import json
import re

import pytest

from ledger.model import Period
from ledger.problems import CATALOGUE, cell_name, column_letter, problem

from .conftest import ROOT


def test_every_problem_code_is_documented():
    page = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert [code for code in CATALOGUE if f"`{code}`" not in page] == []


def test_the_page_of_codes_says_what_the_catalogue_says():
    """docs/problems.md's table: each code's name, severity, message and hint as the catalogue has them."""
    rows = {}
    for line in (ROOT / "docs" / "problems.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `"):
            code, *cells = (c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | "))
            rows[code.strip("`")] = cells
    assert rows == {code: [k.title, k.severity, k.template, k.hint] for code, k in CATALOGUE.items()}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_messages_and_hints_are_chinese(code):
    kind = CATALOGUE[code]
    assert kind.severity in ("error", "warning")
    for text in (kind.template, kind.hint):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


# Fields whose value is a command's word, a path, a key or a number: set apart by a space, as a command line is.
# Every other field (a unit, a task's words, a sender) is Chinese text and sits in the sentence without one.
SPACED_FIELDS = {
    *("key", "file", "example", "value", "form", "root", "chars"),
    *("next", "target", "period", "pid", "lock", "host"),
}


def test_chinese_fields_sit_in_the_sentence_without_western_spaces():
    beside = re.compile(r"[\u4e00-\u9fff，。：；（）“”] \{(\w+)\}|\{(\w+)\} [\u4e00-\u9fff，。：；（）“”]")
    spaced = {
        (code, found[1] or found[2])
        for code, kind in CATALOGUE.items()
        for text in (kind.template, kind.hint)
        for found in beside.finditer(text)
    }
    assert {(code, field) for code, field in spaced if field not in SPACED_FIELDS} == set()


# A program's name, an encoding or a date beside Chinese: "用Excel或WPS打开", "写作2021-07-05" (not "用 Excel 或 WPS").
# Lower-case words stay apart: they are keys and command words ("ledger.toml 中的 year"), as are an option's value
# and an environment variable (LEDGER_IMAP_PASSWORD).
NAME_OR_NUMBER = r"[A-Z0-9][A-Za-z0-9.-]*(?![\w-])"
CJK_TEXT = "[\u4e00-\u9fff，。：；（）“”、]"


def test_names_and_numbers_sit_in_the_sentence_without_western_spaces():
    spaced = []
    for code, kind in CATALOGUE.items():
        for text in (kind.template, kind.hint):
            spaced += [(code, m[1]) for m in re.finditer(f"{CJK_TEXT} ({NAME_OR_NUMBER})", text)]
            for m in re.finditer(f"(\\S*) ({NAME_OR_NUMBER}) {CJK_TEXT}", text):
                if not m[1].startswith("--"):  # "--period 2021-06 这样": the option's value
                    spaced.append((code, m[2]))
    assert spaced == []


def test_problem_fills_its_template_with_location_and_fields():
    p = problem("unit-unknown", file="a.xlsx", sheet="表", cell="F3", name="区财务局", suggestion="")
    assert (p.code, p.severity, p.location) == ("unit-unknown", "error", ("a.xlsx", "表", "F3"))
    assert "区财务局" in p.message


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_type_has_a_short_chinese_name_for_problem_tables(code):
    title = CATALOGUE[code].title
    assert 2 <= len(title) <= 16 and any("\u4e00" <= ch <= "\u9fff" for ch in title), (code, title)


def _codes_written_in_the_package():
    """Every string literal passed as the code to problem(), ProblemError() or one of its subclasses, or to a
    `report(code, …)` helper, in every module of the package: (module, line, code)."""
    import ast

    modules = sorted((ROOT / "ledger").rglob("*.py"))
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in modules}
    raisers = {"problem", "ProblemError", "report"}
    grew = True
    while grew:  # subclasses of subclasses
        found = {
            node.name
            for tree in trees.values()
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in raisers for b in node.bases)
        }
        grew = not found <= raisers
        raisers |= found
    written = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in raisers and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    written.append((path.relative_to(ROOT).as_posix(), node.lineno, first.value))
    return written


def test_every_problem_code_written_in_the_package_is_catalogued():
    written = _codes_written_in_the_package()
    assert len({code for *_, code in written}) > 60  # the walk finds the codes (problem, raisers, report helpers)
    assert [w for w in written if w[2] not in CATALOGUE] == []


def test_a_problem_keeps_its_fields_for_json_readers():
    p = problem("task-unknown", file="a.xlsx", sheet="牵头任务", cell="A5", unit="区财政局", task_id="DQ-9")
    data = p.to_dict()
    assert (data["file"], data["unit"], data["task"]) == ("a.xlsx", "区财政局", "DQ-9")
    assert data["values"] == {"task_id": "DQ-9"}
    found = problem("collect-other-period", file="b.xlsx", found="2021-05", period=Period(2021, 6))
    assert found.to_dict()["values"] == {"found": "2021-05", "period": "2021-06"}  # plain JSON values
    assert json.loads(json.dumps(found.to_dict())) == found.to_dict()


def test_cell_names_as_spreadsheets_write_them():
    numbers = (1, 2, 26, 27, 52, 53, 702, 703, 16384)
    assert [column_letter(n) for n in numbers] == ["A", "B", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]
    assert cell_name(3, 2) == "B3" and cell_name(1048576, 16384) == "XFD1048576"
