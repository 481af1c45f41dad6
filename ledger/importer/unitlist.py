"""What a unit looks like, for text read before any registry is consulted.

Splitting a list into names has one home, `ledger.units.split_units`, shared with the registry's resolution;
this module says whether a piece of text is shaped like an organisation's name, and what kind a new one is.
"""

from __future__ import annotations

import re

# Endings that make a piece of text the name of an organisation.
UNIT_ENDING = re.compile(
    r"(?:局|办|委|厅|院|所|队|站|部|处|室|科|会|社|团|联|协|中心|政府|机关|公司|集团|银行|分行|支行|街道|办事处|管委会|"
    r"委员会|领导小组|指挥部|工作专班|专班|镇|乡|村|区|县|市|馆|台|校|学校|医院|法院|检察院|海关|单位|部门)"
    r"(?:[（(][^（）()]*[）)])?$"
)


def looks_like_unit(name: str) -> bool:
    """Whether a piece of text reads as an organisation's name (for lists written without any label). A name
    never holds a colon: "省牵头单位：省商务厅" in a city's unit cell says who leads above, and stays a note."""
    return bool(UNIT_ENDING.search(name)) and len(name) <= 30 and ":" not in name and "：" not in name


def guess_kind(name: str) -> str:
    """The kind a new unit probably is, for the clerk to confirm: 街道, 局, 办, 中心 …"""
    for ending, kind in (
        ("街道", "街道"),
        ("办事处", "街道"),
        ("管委会", "功能区"),
        ("镇", "镇"),
        ("分局", "垂直管理部门"),
        ("局", "部门"),
        ("办公室", "办"),
        ("办", "办"),
        ("委", "部门"),
        ("中心", "中心"),
        ("公司", "企业"),
        ("集团", "企业"),
    ):
        if name.endswith(ending) or re.sub(r"[（(][^（）()]*[）)]$", "", name).endswith(ending):
            return kind
    return ""
