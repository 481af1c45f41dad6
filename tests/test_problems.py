import pytest

from ledger.problems import CATALOGUE, problem

from .conftest import ROOT


def test_every_problem_code_is_documented():
    page = (ROOT / "docs" / "problems.md").read_text(encoding="utf-8")
    assert [code for code in CATALOGUE if f"`{code}`" not in page] == []


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_messages_and_hints_are_chinese(code):
    kind = CATALOGUE[code]
    assert kind.severity in ("error", "warning")
    for text in (kind.template, kind.hint):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_problem_fills_its_template_with_location_and_fields():
    p = problem("unit-unknown", file="a.xlsx", sheet="表", cell="F3", name="区财务局", suggestion="")
    assert (p.code, p.severity, p.location) == ("unit-unknown", "error", ("a.xlsx", "表", "F3"))
    assert "区财务局" in p.message


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_type_has_a_short_chinese_name_for_problem_tables(code):
    title = CATALOGUE[code].title
    assert 2 <= len(title) <= 16 and any("\u4e00" <= ch <= "\u9fff" for ch in title), (code, title)
