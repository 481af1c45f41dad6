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
    vague_lead: list[str] = field(default_factory=list)  # those of `vague` written in the lead's place
    deadline: str = ""  # the phrase as written
    category: str = ""
    title: str = ""
    source: str = ""  # 第3页第12行, 表1第5行
    annotation: str = ""  # the annotation (or the row) as written
    extra: dict[str, str] = field(default_factory=dict)  # other columns of a table (投资, 备注 …)
    notes: list[str] = field(default_factory=list)  # what the annotation says besides units ("不再做分工")

    @property
    def lead_text(self) -> str:
        """牵头单位 as the table writes it and the import shows it: the names, then the collectives written in
        the lead's place ("区政府有关部门牵头")."""
        return _units_text(self.lead, self.vague_lead)

    @property
    def support_text(self) -> str:
        """配合单位 likewise, with every other collective."""
        return _units_text(self.support, [v for v in self.vague if v not in self.vague_lead])

    def to_json(self) -> dict:
        data = asdict(self)
        keys = ["number", "measure", "lead", "support", "vague", "vague_lead", "notes", "deadline"]
        keys += ["category", "source"]
        return {k: data[k] for k in keys}


def _units_text(names: list[str], vague: list[str]) -> str:
    """ "区司法局等有关部门" written back as one phrase; other collectives after a 、."""
    text = "、".join(names)
    for phrase in vague:
        text += phrase if phrase.startswith("等") and text else ("、" if text else "") + phrase
    return text
