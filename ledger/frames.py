"""pandas DataFrames where analysts meet the data: one row per record, typed columns, English or Chinese labels.

`Workspace.to_frame()`, `MergeResult.to_frame()` and `MonthlyReport.to_frame()` / `.units_frame()` describe
their columns with `Column`s and call `frame()`. pandas is imported here, and this module only when a frame is
asked for, so that the command line never pays for importing pandas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    import pandas as pd

Labels = Literal["en", "zh"]
Kind = Literal["text", "int", "float", "bool", "flag", "date", "category"]
Record = TypeVar("Record")

# Column dtypes, the same under pandas 2 and 3: text is pandas' "string" (missing is pd.NA), dates are
# datetime64[ns] (missing is NaT); category columns list their categories so that an absent one still counts 0.
DTYPES: dict[Kind, str] = {
    "text": "string",
    "int": "int64",
    "float": "float64",
    "bool": "bool",
    "flag": "boolean",  # yes, no or not known (<NA>)
    "date": "datetime64[ns]",
}


@dataclass(frozen=True)
class Column(Generic[Record]):
    """One column of a frame: its English and Chinese labels, its kind and how a record gives its value."""

    en: str
    zh: str
    kind: Kind
    value: Callable[[Record], object]
    categories: Sequence[str] = ()


def frame(records: Iterable[Record], columns: Sequence[Column[Record]], labels: Labels = "en") -> pd.DataFrame:
    """A DataFrame of `records`, one row each, with `columns` typed as declared."""
    import pandas as pd

    if labels not in ("en", "zh"):
        raise ValueError(f"labels must be 'en' or 'zh', not {labels!r}")
    rows = list(records)
    data: dict[str, Any] = {}
    for column in columns:
        values = [column.value(r) for r in rows]
        name = column.en if labels == "en" else column.zh
        if column.kind == "category":
            data[name] = pd.Categorical(values, categories=list(column.categories))
        elif column.kind == "date":
            data[name] = pd.Series([_day(v) for v in values], dtype=DTYPES["date"])
        else:
            data[name] = pd.Series(values, dtype=DTYPES[column.kind])
    return pd.DataFrame(data, columns=[c.en if labels == "en" else c.zh for c in columns])


def _day(value: object) -> date | None:
    """A date, an ISO date text as merged returns keep it, or None (NaT) for blanks and text that is no date."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def joined(units: Iterable[str]) -> str:
    """Several units in one cell, as the workbooks write them."""
    return "、".join(units)
