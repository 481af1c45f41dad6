"""The catalogue of problems every command reports.

Each problem type has a stable code (what tests and scripts match on), a severity, a Chinese message
template filled with the problem's fields, and a hint telling the user what to do. Commands never write
free-form problem prose: they call `problem(code, ...)`, so the wording lives in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from openpyxl.utils import get_column_letter

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class ProblemType:
    code: str
    severity: str
    template: str
    hint: str


_TYPES = [
    # --- workspace and configuration
    ProblemType("config-invalid", ERROR, "配置文件 ledger.toml 有误：{reason}", "按提示修改 ledger.toml 后重新运行。"),
    ProblemType(
        "file-missing", ERROR, "找不到文件：{path}", "检查 ledger.toml 中的文件路径，或把文件放到 source/ 下。"
    ),
    # --- reading tables
    ProblemType(
        "file-unreadable", ERROR, "文件无法读取：{reason}", "用 Excel 或 WPS 打开确认文件完好，另存为 .xlsx 后重试。"
    ),
    ProblemType(
        "file-encoding",
        ERROR,
        "文本文件编码无法识别（已尝试 UTF-8、GB18030）",
        "用 Excel 或 WPS 另存为“CSV UTF-8”或 .xlsx 后重试。",
    ),
    ProblemType(
        "sheet-missing",
        ERROR,
        "文件中没有名为“{sheet}”的工作表",
        "检查 ledger.toml 中的 sheet 设置是否与工作表名称一致。",
    ),
    ProblemType(
        "header-missing",
        ERROR,
        "未找到任务表的表头（需要“具体措施”等列名）",
        "确认这是任务清单表格，表头包含“序号”“具体措施”“牵头单位”等列；必要时在 ledger.toml 的 columns 中指定列名。",
    ),
    ProblemType(
        "column-missing",
        ERROR,
        "表头中缺少“{column}”列",
        "补上该列，或在 ledger.toml 的 columns 中把现有列名对应到“{column}”。",
    ),
    # --- tasks
    ProblemType("task-id-missing", ERROR, "该行没有序号或任务编号，无法生成稳定的任务编号", "补填序号（或任务编号）。"),
    ProblemType(
        "task-id-duplicate",
        ERROR,
        "任务编号“{task_id}”重复，已在 {first} 出现",
        "修改其中一行的序号或任务编号，使其唯一。",
    ),
    ProblemType("measure-empty", ERROR, "任务“{task_id}”的具体措施为空", "补填具体措施，或删除该空行。"),
    ProblemType("lead-missing", WARNING, "任务“{task_id}”没有牵头单位，无人负责填报进展", "在牵头单位列写明牵头单位。"),
    # --- units
    ProblemType(
        "units-file-invalid",
        ERROR,
        "单位名录缺少“{column}”列",
        "单位名录至少需要“单位全称”列，可选“简称/别名”“类别”“所属分组”“联系人”“电子邮箱”“联系电话”。",
    ),
    ProblemType(
        "unit-duplicate",
        ERROR,
        "单位名称或别名“{name}”在单位名录中出现多次",
        "每个名称只能指向一个单位，删除或改正重复项。",
    ),
    ProblemType(
        "unit-unknown",
        ERROR,
        "单位“{name}”不在单位名录中{suggestion}",
        "改正任务表中的单位名称，或把该单位（或别名）加入单位名录。",
    ),
    ProblemType(
        "unit-vague",
        WARNING,
        "“{name}”是泛指，无法对应到具体单位，已作为文字保留在任务上",
        "如需这些单位填报，请在任务表中写明具体单位名称。",
    ),
    # --- deadlines
    ProblemType(
        "deadline-unparsed",
        WARNING,
        "完成时限“{raw}”无法识别为日期，按无期限处理",
        "改写为“2021 年 6 月底前”“2021 年年底前”“2021-2025”等形式。",
    ),
    ProblemType(
        "deadline-missing",
        WARNING,
        "任务“{task_id}”没有完成时限",
        "补填完成时限，或在 ledger.toml 中为该文件设置 default_deadline。",
    ),
]

CATALOGUE: dict[str, ProblemType] = {t.code: t for t in _TYPES}


@dataclass(frozen=True)
class Problem:
    """One named problem, located as precisely as it can be."""

    code: str
    severity: str
    message: str
    hint: str
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    unit: str | None = None

    @property
    def location(self) -> tuple[str | None, str | None, str | None]:
        return (self.file, self.sheet, self.cell)

    def to_dict(self) -> dict:
        return asdict(self)


def problem(
    code: str,
    *,
    file: str | None = None,
    sheet: str | None = None,
    cell: str | None = None,
    unit: str | None = None,
    **fields: object,
) -> Problem:
    """Build a problem of a catalogued type; an unknown code is a programming error."""
    kind = CATALOGUE[code]
    values = {"file": file, "sheet": sheet, "cell": cell, "unit": unit, **fields}
    return Problem(
        code=code,
        severity=kind.severity,
        message=kind.template.format(**values),
        hint=kind.hint.format(**values),
        file=file,
        sheet=sheet,
        cell=cell,
        unit=unit,
    )


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == ERROR for p in problems)


def cell_name(row: int, column: int) -> str:
    """Spreadsheet cell name from 1-based row and column: (3, 2) -> 'B3'."""
    return f"{get_column_letter(column)}{row}"
