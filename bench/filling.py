"""What the benchmarks' units type into their workbooks: an answer in every fill-in cell of every task row and
the signature block, written straight into the sheet XML (shared by bench/cycle.py and bench/merge.py)."""

from __future__ import annotations

import functools
import re
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from ledger.layout import HEADER_ROW, LEAD_SHEET, SUPPORT_DETAIL_SHEET, SUPPORT_SHEET

STATUSES = ("序时推进", "序时推进", "滞后", "未启动", "已完成")


def answers(task_id: str, role: str) -> dict[str, object]:
    """What a unit types on a task row: varied by task, a few tasks done (with the date they were done)."""
    n = int(re.sub(r"\D", "", task_id.rpartition("-")[2]) or 0)
    status = STATUSES[n % len(STATUSES)]
    typed: dict[str, object] = {
        "完成状态": status,
        "本月进展": f"第{n}项工作按计划推进，本月召开调度会{n % 4 + 1}次，完成阶段目标。",
        "存在问题": "无" if n % 3 else "资金保障不足，需协调解决。",
        "下步计划": "继续推进，按期完成。",
    }
    if status == "已完成" and role == "lead":
        typed["完成时间"] = date(2021, 6, 1 + n % 28)
    return typed


CELL = re.compile(r'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)')
BLANK_CELL = re.compile(r'<c r="([A-Z]+)(\d+)" s="(\d+)"/>')
EXCEL_EPOCH = date(1899, 12, 30)
FOOTER_VALUES = {
    "填报人：": "张三",
    "联系电话：": "0634-6888888",
    "单位负责人（签字）：": "李四",
    "填报日期：": "2021年7月2日",
}


def _cell_xml(ref: str, style: str, value: object) -> str:
    if isinstance(value, date):
        return f'<c r="{ref}" s="{style}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _typed_cell(typed: dict[str, object], blank: re.Match[str]) -> str:
    ref = blank[1] + blank[2]
    return _cell_xml(ref, blank[3], typed[ref]) if ref in typed else blank[0]


def _next_column(letters: str) -> str:
    return xl_col_to_name(xl_cell_to_rowcol(f"{letters}1")[1] + 1)


def fill(source: Path, target: Path) -> int:
    """Type an answer into every empty fill-in cell of every task row of every task sheet, and the signature
    block under each table, then save; returns how many task rows were answered.

    Rows, headers and labels are found in the sheet XML as render wrote it, and the values go straight into it as
    inline strings (as streaming writers store text), everything else left alone: a unit's typing, at a cost
    that keeps this bench minutes long rather than the half hour openpyxl takes to load and save 1,000
    workbooks. The tests fill with openpyxl and LibreOffice.
    """
    with zipfile.ZipFile(source) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    shared = [
        unescape(re.sub(r"<[^>]+>", "", si))
        for si in re.findall(r"<si>(.*?)</si>", parts["xl/sharedStrings.xml"].decode(), re.S)
    ]
    workbook = parts["xl/workbook.xml"].decode()
    rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]+)"', parts["xl/_rels/workbook.xml.rels"].decode()))
    answered = 0
    for name, rid in re.findall(r'<sheet name="([^"]+)"[^>]*r:id="(rId\d+)"', workbook):
        if name not in (LEAD_SHEET, SUPPORT_SHEET, SUPPORT_DETAIL_SHEET):
            continue
        role = "lead" if name == LEAD_SHEET else "support"
        part = f"xl/{rels[rid]}"
        xml = parts[part].decode()
        headers: dict[str, str] = {}  # column letters -> header
        typed: dict[str, object] = {}
        for letters, row, attributes, body in CELL.findall(xml):
            value = re.search(r"<v>(.*?)</v>", body or "")
            text = shared[int(value[1])] if value and 't="s"' in attributes else None
            if row == str(HEADER_ROW + 1) and text:
                headers[letters] = text
            elif letters == "A" and text and int(row) > HEADER_ROW + 1 and "-" in text:
                typed |= {f"{c}{row}": v for c, h in headers.items() if (v := answers(text, role).get(h)) is not None}
                answered += name != SUPPORT_SHEET or "配" not in text  # a group row answers for its tasks' rows
            elif text in FOOTER_VALUES:
                typed[f"{_next_column(letters)}{row}"] = FOOTER_VALUES[text]
        parts[part] = BLANK_CELL.sub(functools.partial(_typed_cell, typed), xml).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    return answered


def fill_one(work: tuple[Path, Path]) -> int:
    return fill(*work)
