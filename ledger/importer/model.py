"""The imported task: one row of the reviewable table, with where it came from and how it was annotated."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(kw_only=True)
class ImportedTask:
    number: str
    measure: str
    lead: list[str] = field(default_factory=list)  # names as written
    support: list[str] = field(default_factory=list)
    vague: list[str] = field(default_factory=list)  # "有关部门" and the like, kept as written
    deadline: str = ""  # the phrase as written
    category: str = ""
    title: str = ""
    source: str = ""  # 第3页第12行, 表1第5行
    annotation: str = ""  # the annotation (or the row) as written
    extra: dict[str, str] = field(default_factory=dict)  # other columns of a table (投资, 备注 …)
    notes: list[str] = field(default_factory=list)  # what the annotation says besides units ("不再做分工")

    def to_json(self) -> dict:
        data = asdict(self)
        keys = ("number", "measure", "lead", "support", "vague", "notes", "deadline", "category", "source")
        return {k: data[k] for k in keys}
