"""An indicator's value as people type it, read in the indicator's unit.

Units type "94.2%", "94.2", "2.67亿元", "26700万", "1.8万人", "35μg/m³", "约3000" or "≥95". The reading is kept
beside what was typed, so the office sees both; anything that could mean two things is not guessed: the reading
says why it was not read and the caller turns that into a catalogued problem quoting the value.

A small reader rather than a library: the forms are Arabic digits with Chinese magnitude words (万, 亿) and the
office's own units (个, 亩, 万元, μg/m³); pint knows none of 万/亿/亩/个, and cn2an's "smart" mode guesses where
this reader must refuse.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Magnitude words a value or a unit may start with, and what they multiply by.
MAGNITUDES = {"亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
PERCENT_UNITS = ("%", "％", "百分比")
# A number holds fifteen significant digits: a value this large in any unit is no figure (1E+308, or 400 digits
# typed, which is infinity), and is not read, so that no 完成率 or 倍数 is worked out of it.
TOO_LARGE = 1e15
# "5." and ".5" are numbers too: a spreadsheet reads them as 5 and 0.5.
_NUMBER = r"[-+]?(?:\d+(?:,\d{3})*(?:\.\d*)?|\.\d+)"
_VALUE = re.compile(
    rf"^(?:(?:累计)?(?:完成|实现|达到)了?)?(?P<approx>约|大约|近|超过|超|逾)?(?P<bound>≥|≤|≧|≦|>=|<=|>|<|不低于|不少于|不小于|不高于|不超过|不大于)?"
    rf"(?P<approx2>约)?(?P<number>{_NUMBER})(?P<unit>.*?)(?P<approx3>左右|以上|以下|多)?$"
)
# Digits with white space between them: thousands set apart ("1 234 567") are one number, anything else two
# ("95 96", "92.5 93", "2021 3000"), which taking the space out would make into another (9596, 92.593).
_SPACED_DIGITS = re.compile(r"\d\s+\d")
_SPACED_THOUSANDS = re.compile(r"(?<![\d.])\d{1,3}(?:\s\d{3})+(?![\d])")
_ANOTHER_NUMBER = re.compile(r"(?<![A-Za-zμ])\d")  # m3, m2 are units, not numbers
_BOUNDS = {">=": "≥", "≧": "≥", "不低于": "≥", "不少于": "≥", "不小于": "≥", ">": ">"}
_BOUNDS |= {"<=": "≤", "≦": "≤", "不高于": "≤", "不超过": "≤", "不大于": "≤", "<": "<"}


@dataclass(kw_only=True, frozen=True)
class Reading:
    """What was typed and what it was read as: `value` in the indicator's unit, or None with `why` (a problem
    code) when it could not be read without guessing."""

    typed: str
    value: float | None = None
    approximate: bool = False  # 约, 左右 …: read, and said so
    bound: str = ""  # "≥" when typed as a bound ("≥95"): the bound is the value read
    why: str = ""  # "value-unreadable", "value-ambiguous", "value-unit-mismatch" or "value-percent-fraction"
    percent_cell: bool = False  # a number from a cell formatted as a percentage (0.942 shown as 94.2%)

    @property
    def read(self) -> bool:
        return self.value is not None

    def shown(self, unit: str) -> str:
        """The reading in words, for the office beside what was typed: "2.67亿元 → 26700万元"."""
        if self.value is None:
            return ""
        text = f"{'约' if self.approximate else ''}{self.bound}{number_text(self.value)}{_unit_shown(unit)}"
        if self.percent_cell:
            return f"{self.typed}（单元格为百分比格式）→ {text}"
        return text if normalised(text) == normalised(self.typed) else f"{self.typed} → {text}"


def number_text(value: float) -> str:
    """A number as offices write it: no trailing zeros, no exponent (26700, 94.2, 0.05); beyond the fifteen digits
    a number holds, as a spreadsheet shows it (1E+308), not digit by digit."""
    if abs(value) >= TOO_LARGE:
        return f"{value:.15G}"
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _unit_shown(unit: str) -> str:
    return "%" if unit in PERCENT_UNITS else unit


def normalised(text: str) -> str:
    """Full-width digits and signs made plain, spaces and thousands separators' spaces gone; ㎡ and the like kept
    as NFKC writes them (m2), so "35μg/m³" and "35 μg/m3" are the same text."""
    text = unicodedata.normalize("NFKC", text).replace("µ", "μ")
    return re.sub(r"\s+", "", text).replace("³", "3").replace("²", "2")


def split_unit(unit: str) -> tuple[float, str]:
    """An indicator's unit as (scale, base): "万元" -> (1e4, "元"), "%" -> (1, "%"), "亩" -> (1, "亩")."""
    unit = normalised(unit)
    for word, scale in MAGNITUDES.items():
        if unit.startswith(word) and len(unit) > len(word):
            return scale, unit[len(word) :]
    return 1.0, unit


def read_value(typed: object, unit: str, *, percent_cell: bool = False) -> Reading:
    """`typed` (a cell's text or number) read in `unit`. The 指标 sheet's 本期完成值 is a text cell, so "94.2%"
    arrives as typed; a number arrives only from a cell whose format a unit changed, or from a .csv. It is a
    number in the unit, except that a cell formatted as a percentage (`percent_cell`: 94.2% shown, 0.942 held)
    is read back ×100 for a % indicator, and the reading says so."""
    if isinstance(typed, bool):
        return Reading(typed=str(typed), why="value-unreadable")
    if isinstance(typed, int | float):
        if not abs(typed) < TOO_LARGE:
            return Reading(typed=number_text(float(typed)), why="value-unreadable")
        if percent_cell and split_unit(unit)[1] in PERCENT_UNITS:
            return Reading(typed=number_text(float(typed)), value=round(float(typed) * 100, 10), percent_cell=True)
        return Reading(typed=number_text(float(typed)), value=float(typed))
    text = str(typed).strip()
    spaced = unicodedata.normalize("NFKC", text)
    if _SPACED_DIGITS.search(_SPACED_THOUSANDS.sub("", spaced)):
        return Reading(typed=text, why="value-ambiguous")
    plain = normalised(text)
    if not plain:
        return Reading(typed=text, why="value-unreadable")
    match = _VALUE.match(plain)
    if match is None:
        return Reading(typed=text, why="value-unreadable")
    typed_unit = match["unit"]
    if _ANOTHER_NUMBER.search(typed_unit) and not _unit_matches(typed_unit, unit):
        return Reading(typed=text, why="value-ambiguous")  # "12-15", "94.2%或95%", "2020年3000"
    approx = bool(match["approx"] or match["approx2"] or match["approx3"] in ("左右", "多"))
    bound = _BOUNDS.get(match["bound"] or "", match["bound"] or "")
    if match["approx3"] in ("以上", "以下") or match["approx"] in ("超过", "超", "逾"):
        bound = bound or ("≤" if match["approx3"] == "以下" else "≥")
        approx = False
    number = float(match["number"].replace(",", ""))
    value = _in_unit(number, typed_unit, unit)
    if value is None:
        return Reading(typed=text, why="value-unit-mismatch")
    if not abs(value) < TOO_LARGE:
        return Reading(typed=text, why="value-unreadable")
    return Reading(typed=text, value=value, approximate=approx, bound=bound)


# A unit's symbol and its Chinese name are the same unit: a table may write μg/m³ and a unit type 微克/立方米.
# Matched part by part between the "/" (每 is a "/"), after `normalised` (m³ is m3, µ is μ), letters in lower case.
UNIT_NAMES = {
    "μg": "微克",
    "mg": "毫克",
    "g": "克",
    "kg": "千克",
    "公斤": "千克",
    "t": "吨",
    "l": "升",
    "m": "米",
    "km": "公里",
    "千米": "公里",
    "m2": "平方米",
    "km2": "平方公里",
    "平方千米": "平方公里",
    "hm2": "公顷",
    "m3": "立方米",
    "kwh": "千瓦时",
}


def unit_key(unit: str) -> str:
    """A unit written one way for all its spellings: "μg/m³", "ug/m3" and "微克每立方米" are "微克/立方米"."""

    def named(part: str) -> str:
        symbol = part.lower()
        symbol = "μ" + symbol[1:] if symbol.startswith("ug") else symbol  # ug: μg typed without the Greek letter
        return UNIT_NAMES.get(symbol, part)

    return "/".join(named(part) for part in normalised(unit).replace("每", "/").split("/"))


def _unit_matches(typed_unit: str, unit: str) -> bool:
    return unit_key(typed_unit) == unit_key(unit)


def _in_unit(number: float, typed_unit: str, unit: str) -> float | None:
    """`number` followed by `typed_unit` in the indicator's `unit`; None when the two units differ in kind. A bare
    number is in the unit as the table writes it: 1500 for 万元 is 1500万元."""
    if not typed_unit:
        return number
    scale, base = split_unit(unit)
    typed_scale = 1.0
    rest = typed_unit
    for word, factor in MAGNITUDES.items():
        if rest.startswith(word):
            typed_scale, rest = factor, rest[len(word) :]
            break
    if rest in PERCENT_UNITS or base in PERCENT_UNITS:
        # Percentage points stay what they are: "94.2%" and "94.2" are 94.2 for a % indicator; a % typed for
        # another unit, or 万 before a %, is not something to convert.
        if base in PERCENT_UNITS and typed_scale == 1 and rest in ("", *PERCENT_UNITS):
            return number
        return None
    if rest and unit_key(rest) != unit_key(base):
        return None
    return round(number * typed_scale / scale, 10)
