"""The text of a spreadsheet cell, one definition for every reader (source tables and returned workbooks)."""

from __future__ import annotations

from datetime import date, datetime, time


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
