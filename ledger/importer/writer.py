"""Writing an import: the reviewable task table, the ledger.toml entry, and new units for the clerk.

The table uses the headers `ledger check` reads (source.HEADER_SYNONYMS) plus 来源 and 原文, so the clerk can
review it against the document and the workspace reads it unchanged. ledger.toml is appended to as text so the
user's comments and layout stay exactly as they were.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

from ..cells import display_width, task_id_of
from ..records import write_aside, written_aside
from .indicators import ImportedIndicator
from .model import ImportedTask
from .unitlist import guess_kind

_BORDER = Border(*(Side(style="thin"),) * 4)
# 任务编号 first and written out: a task keeps its ID when the clerk inserts a row and renumbers 序号 below it.
COLUMNS = ["任务编号", "序号", "类别", "重点任务", "具体措施", "完成时限", "牵头单位", "配合单位", "来源", "原文"]
WIDTHS = [10, 6, 14, 16, 50, 12, 20, 24, 12, 30]
SOURCE_COLUMNS = 8  # 任务编号 to 配合单位; the document's own extra columns come after, then 来源 and 原文


def write_task_table(path: Path, title: str, code: str, tasks: list[ImportedTask]) -> None:
    """One row per task, with an explicit 任务编号 (`code`-序号, what the workspace would derive, now written
    so that it no longer depends on row order); unit lists joined with 、 as offices write them."""
    extra_columns = list(dict.fromkeys(k for t in tasks for k in t.extra))
    header = COLUMNS[:SOURCE_COLUMNS] + extra_columns + COLUMNS[SOURCE_COLUMNS:]
    rows = []
    for task in tasks:
        row = [task_id_of(f"{code}-{task.number}"), task.number, task.category, task.title, task.measure]
        row += [task.deadline, task.lead_text, task.support_text]
        row += [task.extra.get(k, "") for k in extra_columns] + [task.source, task.annotation]
        rows.append(row)
    widths = WIDTHS[:SOURCE_COLUMNS] + [14] * len(extra_columns) + WIDTHS[SOURCE_COLUMNS:]
    _write_table(path, title, "任务清单", header, rows, widths)


def write_indicator_table(path: Path, title: str, code: str, indicators: list[ImportedIndicator]) -> None:
    """One row per indicator with an explicit 指标编号, the headers indicators.py reads back; 牵头单位 left for
    the office to fill where the document names nobody (the indicator is 未分配 until then)."""
    years = sorted({year for i in indicators for year in i.targets})
    extra = list(dict.fromkeys(label for i in indicators for label in i.extra))  # "年均增长": kept, read past
    header = ["指标编号", "序号", "领域", "指标名称", "计量单位", "指标要求", "指标属性", "基期值", "基期年份"]
    header += [f"{year}年目标值" for year in years] + extra + ["累计", "牵头单位", "配合单位", "来源"]
    rows = [
        [task_id_of(f"{code}-{i.number}"), i.number, i.category, i.name, i.unit, i.requirement, i.binding]
        + [i.baseline, str(i.baseline_year or "")]
        + [i.targets.get(year, "") for year in years]
        + [i.extra.get(label, "") for label in extra]
        + ["", i.lead, i.support, i.source]
        for i in indicators
    ]
    widths = [10, 5, 10, 30, 10, 16, 8, 14, 8] + [14] * (len(years) + len(extra)) + [6, 18, 18, 12]
    _write_table(path, title, "指标", header, rows, widths)


def _write_table(
    path: Path, title: str, sheet_title: str, header: list[str], rows: list[list[str]], widths: list[int]
) -> None:
    """A reviewable table: the title, a bold header, text cells as text, printable against the document."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=2):
        # Row heights written out: LibreOffice and WPS do not grow rows of a file they did not write themselves.
        lines = max(-(-display_width(str(c.value or "")) // max(widths[c.column - 1] - 3, 1)) for c in row)
        sheet.row_dimensions[row[0].row].height = 15 * max(lines, 1)
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = _BORDER
            if isinstance(cell.value, str):
                cell.data_type = "s"  # "=…" in a document is text, never a formula
    # Printable for review against the document: A4 landscape, all columns on one page width, header repeated.
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    sheet.freeze_panes = "A3"
    with written_aside(path) as aside:
        book.save(aside.temporary)


def toml_entry(
    *,
    code: str,
    name: str,
    file: str,
    district: str | None,
    year: int | None,
    undated: int = 0,
    kind: str = "tasks",
) -> str:
    """The [[documents]] entry for ledger.toml, as text."""
    lines = ["", "[[documents]]", f"code = {_quote(code)}", f"name = {_quote(name)}", f"file = {_quote(file)}"]
    if kind != "tasks":
        lines.append(f"kind = {_quote(kind)}")
    if district:
        lines.append(f"district = {_quote(district)}")
    if year:
        lines.append(f"year = {year}")
    lines.append(f"# 由 ledger import 从原文件导入，请逐行核对{'指标表' if kind == 'indicators' else '任务表'}后使用。")
    if undated:
        example = f"{year}年年底前" if year else "2021年年底前"
        lines.append(f'# 有{undated}项任务原文未写完成时限；如均为年度任务，可加一行 default_deadline = "{example}"。')
    return "\n".join(lines) + "\n"


def append_toml(config: Path, entry: str) -> None:
    text = config.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    write_aside(config, (text + entry).encode("utf-8"))


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def append_units(units_file: Path, names: list[str]) -> None:
    """New names at the end of the units workbook, with a guessed kind, for the clerk to complete."""
    book = openpyxl.load_workbook(units_file)
    sheet = book.worksheets[0]
    header = [str(c.value or "").strip() for c in sheet[1]]
    name_col = _column(header, ("单位全称", "单位名称", "名称", "单位")) or 1
    kind_col = _column(header, ("类别", "类型", "单位类别"))
    for name in names:
        row = sheet.max_row + 1
        sheet.cell(row=row, column=name_col, value=name)
        if kind_col:
            sheet.cell(row=row, column=kind_col, value=guess_kind(name))
    with written_aside(units_file) as aside:
        book.save(aside.temporary)


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    for i, label in enumerate(header, start=1):
        if re.sub(r"\s+", "", label) in names:
            return i
    return None
