"""The layout of a unit workbook: what render writes and merge reads back, defined once."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from .config import Config
from .model import Task

META_SHEET = "_ledger"
INSTRUCTIONS_SHEET = "填报说明"
LEAD_SHEET = "牵头任务"
SUPPORT_SHEET = "配合任务"
META_FORMAT = "1"
TASK_COLUMNS = ("任务编号", "序号", "类别", "具体措施", "完成时限", "牵头单位", "配合单位")
FOOTER_LABELS = ("填报人：", "联系电话：", "审核人（签字）：")
TASK_WIDTHS = (9, 5, 14, 40, 11, 14, 16)  # widths of TASK_COLUMNS in a unit workbook
HEADER_ROW = 1  # 0-based: row 1 is the title, row 2 the header
FIRST_TASK_ROW = 2
HEADER_SCAN_ROWS = 12  # a returned sheet's header is looked for in its first rows (units insert a few)
EXCEL_MAX_HEIGHT = 409  # points: Excel's tallest row


def ledger_id(config: Config) -> str:
    """A stable id for the ledger, so a return from another ledger or office is recognised as such."""
    return hashlib.sha256(f"{config.title}\x1f{config.office.name}".encode()).hexdigest()[:12]


def row_fingerprint(values: Iterable[str]) -> str:
    """Fingerprint of a row's locked cells: merge compares it to tell edited task text."""
    return hashlib.sha256("\x1f".join(values).encode("utf-8")).hexdigest()[:16]


def task_cells(task: Task) -> list[str]:
    """The locked source columns of a task row, as shown to the unit."""
    category = "\n".join(x for x in (task.category, task.title) if x)
    support = "、".join([*task.support_units, *task.vague_units])
    return [task.id, task.number, category, task.measure, task.deadline.raw, "、".join(task.lead_units), support]
