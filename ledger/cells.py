"""The text of a spreadsheet cell, one definition for every reader (source tables and returned workbooks), and
text as Chinese offices write it."""

from __future__ import annotations

import re
from datetime import date, datetime, time

_CJK = "\u2e80-\u9fff\uff00-\uffef"
# a space between a Chinese character and a digit or Latin letter, the way Western typing leaves it
STRAY_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[0-9A-Za-z{_CJK}])|(?<=[0-9A-Za-z])[ \t]+(?=[{_CJK}])")


def text_of(value: object) -> str:
    """A cell value as the text a person sees in it, exactly (no stripping): numbers without a spurious '.0',
    dates as ISO, booleans as 是/否, nothing as ''."""
    if type(value) is str:  # by far the most common case, so tested first
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def tidy(text: str) -> str:
    """Text as Chinese offices write it: no Western spaces next to Chinese characters ("2021 年 6 月底前" →
    "2021年6月底前", "共 2 项" → "共2项"); a space between two numbers or two Latin words stays."""
    return STRAY_SPACE.sub("", text)
