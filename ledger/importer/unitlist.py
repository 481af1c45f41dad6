"""Splitting a written list of units into names.

Lists are written "A、B，C及各街道" and names hold their own separators inside parentheses
("各县（市、区）人民政府"), so the split is done by hand outside brackets. A trailing 等/等有关部门 says "and
others nobody named": it is cut from the name and kept as a vague collective rather than dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPEN, _CLOSE = "（(〔【[", "）)〕】]"
_SEPARATORS = "、，,；;"
# 及 separates two units only when a new unit name follows it ("各成员单位及各工作专班").
_AND_NEXT = re.compile(r"及(?=各|区|市|县|省|州|镇|乡|街道|中共|共青团)")
VAGUE_TAIL = re.compile(r"等(?:有关|相关|其他)?(?:部门|单位|成员单位|部门和单位|部门（单位）)?$")
VAGUE_NAME = re.compile(r"^(?:其他|各)?(?:有关|相关)?(?:部门|单位|成员单位|部门（单位）)$|有关部门|相关部门|有关单位")


@dataclass(kw_only=True)
class UnitList:
    """Names as written, and the vague collectives the list also names."""

    names: list[str] = field(default_factory=list)
    vague: list[str] = field(default_factory=list)


def split_units(text: str) -> UnitList:
    """ "区发展改革局、区财政局等有关部门，各县（市、区）人民政府" -> names and vague collectives."""
    result = UnitList()
    for piece in _pieces(_AND_NEXT.sub("、", re.sub(r"\s+", "", text))):
        tail = VAGUE_TAIL.search(piece)
        if tail and tail.start() > 0:
            result.vague.append(tail.group(0))
            piece = piece[: tail.start()]
        if not piece:
            continue
        if VAGUE_NAME.search(piece):
            result.vague.append(piece)
        else:
            result.names.append(piece)
    return result


def _pieces(text: str) -> list[str]:
    pieces: list[str] = []
    depth, start = 0, 0
    for i, char in enumerate(text):
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif char in _SEPARATORS and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    return [p.strip("。 ") for p in pieces if p.strip("。 ")]


# Endings that make a piece of text the name of an organisation.
UNIT_ENDING = re.compile(
    r"(?:局|办|委|厅|院|所|队|站|部|处|室|科|会|社|团|中心|政府|机关|公司|集团|银行|分行|支行|街道|办事处|管委会|"
    r"委员会|领导小组|指挥部|工作专班|专班|镇|乡|村|区|县|市|馆|台|校|学校|医院|法院|检察院|海关|单位|部门)"
    r"(?:[（(][^（）()]*[）)])?$"
)


def looks_like_unit(name: str) -> bool:
    """Whether a piece of text reads as an organisation's name (for lists written without any label)."""
    return bool(UNIT_ENDING.search(name)) and len(name) <= 30


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
