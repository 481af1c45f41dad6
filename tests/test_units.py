import pytest

from ledger import Unit, UnitRegistry
from ledger.problems import ProblemError
from ledger.tables import Sheet
from ledger.units import read_registry

from .conftest import UNITS, UNITS_HEADER


@pytest.fixture
def registry():
    return read_registry(Sheet("单位名录", [UNITS_HEADER, *UNITS]), "units.xlsx")[0]


def resolve(registry, text):
    r = registry.resolve(text, district="示范区")
    return r.units, r.vague, r.unknown


def test_registry_reads_every_column(registry):
    unit = registry.units["市生态环境局示范分局"]
    assert (unit.kind, unit.contact, unit.emails) == ("垂直管理部门", "丁", ["sthj@example.cn", "sthj2@example.cn"])
    assert registry.units["示范区发展改革局"].aliases == ["示范区发改局", "示范区地方金融监管局"]
    assert registry.groups["街道"] == ["东街道", "西街道"]


def test_exact_name_and_alias(registry):
    assert resolve(registry, "示范区财政局") == (["示范区财政局"], [], [])
    assert resolve(registry, "示范区发改局") == (["示范区发展改革局"], [], [])


def test_district_prefix_reads_qu_as_the_documents_district(registry):
    assert resolve(registry, "区财政局") == (["示范区财政局"], [], [])
    assert registry.resolve("区财政局").unknown == ["区财政局"]


@pytest.mark.parametrize("separator", ["、", "，", ",", "；"])
def test_lists(registry, separator):
    assert resolve(registry, f"区财政局{separator}区税务局")[0] == ["示范区财政局", "示范区税务局"]


def test_he_joins_two_units_but_never_splits_a_name(registry):
    assert resolve(registry, "区财政局和区税务局")[0] == ["示范区财政局", "示范区税务局"]
    assert resolve(registry, "区工业和信息化局")[0] == ["示范区工业和信息化局"]


def test_parenthetical_alias(registry):
    assert resolve(registry, "区工业和信息化局（区科技局）") == (["示范区工业和信息化局"], [], [])
    assert resolve(registry, "区发展改革局(区地方金融监管局)")[0] == ["示范区发展改革局"]
    # the other brackets documents use, which the list splitter already keeps together
    assert resolve(registry, "区工业和信息化局〔区科技局〕") == (["示范区工业和信息化局"], [], [])
    assert resolve(registry, "区工业和信息化局【区科技局】") == (["示范区工业和信息化局"], [], [])


def test_names_a_single_space_apart_are_two_units_when_both_are_known(registry):
    """ "区财政局 区税务局" as a PDF or a hasty clerk writes a list; a stray space inside one name stays one name."""
    assert resolve(registry, "区财政局 区税务局")[0] == ["示范区财政局", "示范区税务局"]
    assert resolve(registry, "区 财政局")[0] == ["示范区财政局"]


@pytest.mark.parametrize("tail", ["分别牵头", "按职责分工落实", "负责", "牵头", "具体负责"])
def test_trailing_phrases(registry, tail):
    assert resolve(registry, f"区财政局、区税务局{tail}") == (["示范区财政局", "示范区税务局"], [], [])


def test_trailing_deng_youguan_bumen_keeps_the_named_unit_and_the_vague_rest(registry):
    assert resolve(registry, "区财政局等有关部门") == (["示范区财政局"], ["等有关部门"], [])


@pytest.mark.parametrize("text", ["各街道（功能区）", "各街道、功能区", "各街道办事处、功能区管委会落实"])
def test_groups_expand_to_members(registry, text):
    assert resolve(registry, text) == (["东街道", "西街道", "高新区"], [], [])


@pytest.mark.parametrize("text", ["区政府有关部门", "各有关单位", "区直各部门"])
def test_vague_collectives_stay_as_text(registry, text):
    assert resolve(registry, text) == ([], [text], [])


def test_ji_before_a_new_name_separates_two_collectives(registry):
    assert resolve(registry, "各成员单位及各工作专班") == ([], ["各成员单位", "各工作专班"], [])


def test_units_named_in_one_field_as_a_list_are_each_named(registry):
    """The console's 调整后的牵头单位 field (or one --lead) holding "A、B" as the task tables write it: two units,
    not one unknown name; a name that is a unit itself is never split."""
    assert registry.named(["示范区财政局、示范区发改局"]) == ["示范区财政局", "示范区发展改革局"]
    assert registry.named(["示范区工业和信息化局"]) == ["示范区工业和信息化局"]
    with pytest.raises(ProblemError) as unknown:
        registry.named(["示范区财政局、示范区财务局"])
    assert (unknown.value.code, unknown.value.fields["name"]) == ("unit-option-unknown", "示范区财务局")


def test_unknown_name_suggests_close_names(registry):
    assert resolve(registry, "区财政局、区财务局") == (["示范区财政局"], [], ["区财务局"])
    assert registry.suggest("区财务局", "示范区")[0] == "示范区财政局"


def test_a_name_listed_twice_is_reported():
    sheet = Sheet("单位名录", [UNITS_HEADER, ["甲局", "乙局", "", "", "", "", ""], ["乙局", "", "", "", "", "", ""]])
    registry, problems = read_registry(sheet, "units.xlsx")
    assert [(p.code, p.file) for p in problems] == [("unit-duplicate", "units.xlsx")]
    assert registry.lookup("乙局") == "甲局"


def test_units_file_without_name_column_is_an_error():
    _, problems = read_registry(Sheet("x", [["名字", "邮箱"], ["甲", "a@b"]]), "units.xlsx")
    assert [(p.cell, p.code) for p in problems] == [("A1", "units-file-invalid")]


def test_a_group_the_office_defined_wins_over_the_vague_reading():
    registry = UnitRegistry([Unit(name="甲局", groups=["部门"]), Unit(name="乙局", groups=["部门"])])
    assert registry.resolve("各部门").units == ["甲局", "乙局"]
    assert UnitRegistry([Unit(name="甲局")]).resolve("各部门").vague == ["各部门"]
