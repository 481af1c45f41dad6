"""The outbox manifest: the typed record of what render wrote for a period, read by mail, remind and samples.

Those stages use the workbooks render made; they never make them themselves. A period that was not rendered is
a catalogued problem ("outbox-missing") telling the user which command to run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .model import Period
from .paths import WorkspacePaths
from .problems import ProblemError


@dataclass(kw_only=True)
class RenderedFile:
    """One unit's workbook in the outbox."""

    unit: str
    file: str
    sha256: str
    period: str
    lead_tasks: list[str] = field(default_factory=list)
    support_tasks: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)  # the indicators on its 指标 sheet


@dataclass(kw_only=True)
class Manifest:
    ledger_id: str
    period: Period
    files: list[RenderedFile]

    def to_json(self) -> str:
        data = {"ledger_id": self.ledger_id, "period": str(self.period), "files": [vars(f) for f in self.files]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def read_manifest(paths: WorkspacePaths, period: Period) -> Manifest:
    """The period's manifest. Raises ProblemError("outbox-missing") when the period was not rendered."""
    path = paths.manifest(period)
    if not path.is_file():
        raise ProblemError("outbox-missing", period=str(period))
    data = json.loads(path.read_text(encoding="utf-8"))
    return Manifest(
        ledger_id=data["ledger_id"],
        period=Period.parse(data["period"]),
        files=[RenderedFile(**f) for f in data["files"]],
    )
