"""The import read back from the seed documents, compared with the tables shipped in source/tasks/ (which were
transcribed by hand), never with a saved copy of the import's own output."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from ledger.cells import tidy
from ledger.deadlines import parse_deadline
from ledger.importer import import_document
from ledger.indicators import direction_of
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
            tidy(row[3])[:20],  # the shipped table as the ledger reads it, as the import now writes it
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


# 附件1 of the second seed, transcribed by hand from the printed table: 序号 -> (name, unit, 指标要求, direction,
# 2025 target). Rows holding several sub-indicators (7, 8, 11, 15, 20, 21, 31) keep their names joined, and their
# values apart with ；, as the reviewable table shows them.
ECO_INDICATORS = {
    1: ("生态文明建设规划", "", "制定实施", "qualitative", "实施"),
    2: ("党委政府对生态文明建设重大目标任务部署情况", "", "有效开展", "qualitative", "有效开展"),
    3: ("生态文明建设工作占党政实绩考核的比例", "%", "≥20", "higher", "≥22"),
    4: ("河长制", "", "全面实施", "qualitative", "全面实施"),
    5: ("生态环境信息公开率", "%", "100", "higher", "100"),
    6: ("依法开展规划环境影响评价", "%", "开展", "qualitative", "开展"),
    7: (
        "环境空气质量优良天数比例PM2.5浓度下降幅度",
        "%",
        "完成上级规定的考核任务；保持稳定或持续改善",
        "qualitative",
        "完成上级规定的考核任务；保持稳定或持续改善",
    ),
    8: (
        "水环境质量水质达到或优于Ⅲ类比例提高幅度劣Ⅴ类水体比例下降幅度黑臭水体消除比例",
        "%",
        "完成上级规定的考核任务；保持稳定或持续改善",
        "qualitative",
        "完成上级规定的考核任务；保持稳定或持续改善",
    ),
    9: ("生态环境状况指数（半湿润地区）", "%", "≥55", "higher", "≥60"),
    10: ("林草覆盖率", "%", "40", "higher", "40"),
    11: (
        "生物多样性保护国家重点保护野生动植物保护率外来物种入侵特有性或指示性水生物种保持率",
        "%",
        "≥95；不明显；不降低",
        "higher",
        "≥95；不明显；不降低",
    ),
    12: ("危险废物利用处置率", "%", "100", "higher", "100"),
    13: ("建设用地土壤污染风险管控和修复名录制度", "", "建立", "qualitative", "建立"),
    14: ("突发生态环境事件应急管理机制", "", "建立", "qualitative", "建立"),
    15: (
        "自然生态空间生态保护红线自然保护地",
        "",
        "面积不减少，性质不改变，功能不降低",
        "qualitative",
        "面积不减少，性质不改变，功能不降低",
    ),
    16: ("河湖岸线保护率", "%", "完成上级管控目标", "qualitative", "完成上级管控目标"),
    17: (
        "单位地区生产总值能耗（下降率）",
        "吨标准煤/万元",
        "完成上级规定的目标任务；保持稳定或持续改善",
        "qualitative",
        "完成上级规定的目标任务；保持稳定或持续改善",
    ),
    18: (
        "单位地区生产总值用水量",
        "立方米/万元",
        "完成上级规定的目标任务；保持稳定或持续改善",
        "qualitative",
        "完成上级规定的目标任务；保持稳定或持续改善",
    ),
    19: ("单位国内生产总值建设用地使用面积下降率", "%", "≥4.5", "higher", "≥4.5"),
    20: ("三大粮食作物化肥农药利用率化肥利用率农药利用率", "%", "≥43", "higher", "≥43"),
    21: (
        "农业废弃物综合利用率秸秆综合利用率畜禽粪污综合利用率农膜回收利用率",
        "%",
        "≥90；≥75；≥80",
        "higher",
        "≥98；≥90；≥80",
    ),
    22: (
        "一般工业固体废物综合利用率提高幅度（综合利用率＞60%的地区）",
        "%",
        "保持稳定或持续改善",
        "qualitative",
        "保持稳定或持续改善",
    ),
    23: ("集中式饮用水水源地水质优良比例", "%", "100", "higher", "100"),
    24: ("村镇饮用水卫生合格率", "%", "100", "higher", "100"),
    25: ("城镇污水处理率", "%", "≥85", "higher", "98"),
    26: ("农村生活污水治理率", "%", "≥50", "higher", "≥90"),
    27: ("城镇生活垃圾无害化处理率", "%", "≥80", "higher", "100"),
    28: ("农村生活垃圾无害化处理村占比", "%", "≥80", "higher", "100"),
    29: ("农村无害化卫生厕所普及率", "%", "完成上级规定的目标任务", "qualitative", "完成上级规定的目标任务"),
    30: ("城镇新建绿色建筑比例", "%", "≥50", "higher", "80"),
    31: ("生活废弃物综合利用城镇生活垃圾分类减量化行动农村生活垃圾集中收集储运", "", "实施", "qualitative", "实施"),
    32: ("政府绿色采购比例", "%", "≥80", "higher", "80"),
    33: ("党政领导干部参加生态文明培训的人数比例", "%", "100", "higher", "100"),
    34: ("公众对生态文明建设的满意度", "%", "≥80", "higher", "≥90"),
    35: ("公众对生态文明建设的参与度", "%", "≥80", "higher", "≥90"),
}


def test_eco_indicator_system_imports_all_35_indicators_right():
    """附件1 flattened by a PDF extraction: every row's name, unit, 指标要求, direction and 2025 target."""
    result = import_document(SEEDS / "004_8fb087523908d1cd.txt", section="莱芜区国家生态文明建设示范区指标体系")
    assert result.tasks == []
    got = {
        int(i.number): (i.name, i.unit, i.requirement, direction_of(i.requirement), i.targets.get(2025))
        for i in result.indicators
    }
    assert got == ECO_INDICATORS
    first = result.indicators[0]
    assert (first.category, first.binding, first.baseline) == ("生态制度", "约束性", "正在编制")
    assert first.baseline_year == 2021
    assert sorted({i.category for i in result.indicators}) == sorted(
        {"生态制度", "生态安全", "生态空间", "生态经济", "生态生活", "生态文化"}
    )
    # Nobody is named: every indicator is 未分配 until the office fills 牵头单位.
    unassigned = [(i.source, "indicator-unassigned") for i in result.indicators]
    assert [(p.cell, p.code) for p in result.problems] == unassigned
