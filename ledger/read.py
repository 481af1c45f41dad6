"""Read a returned workbook safely and quickly, whatever state it is in.

Values come from python-calamine (fast, never evaluates anything). What calamine does not tell — formulas,
document properties — is read from the package XML with defusedxml. Files are checked before they are opened:
not a workbook, encrypted, a zip whose content would inflate beyond a cap (zip bomb), or macro-enabled.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import python_calamine
from defusedxml import ElementTree

from .layout import INSTRUCTIONS_SHEET, META_SHEET
from .problems import ProblemError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150
# A cell element (not self-closing) whose content holds an <f> formula element.
CELL_WITH_FORMULA = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"[^>]*(?<!/)>(?:(?!</c>).)*?<f[ >/]', re.S)
FORMULA_ELEMENT = re.compile(rb"<f[ >/]")
NS = {
    "main": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "cp": "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
}


class ReturnError(ProblemError):
    """A returned file that cannot be read."""


@dataclass
class ReturnedSheet:
    name: str
    visible: bool
    rows: list[list[object]]  # absolute grid: rows[0][0] is A1
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based (r1, c1, r2, c2)
    formulas: set[tuple[int, int]] = field(default_factory=set)  # 0-based (row, column)


class MetaRow(NamedTuple):
    """One task row as render wrote it, from the hidden metadata sheet."""

    sheet: str
    row: str
    task_id: str
    role: str
    fingerprint: str


@dataclass
class Metadata:
    ledger_id: str
    period: str
    unit: str
    rows: list[MetaRow]


@dataclass
class ReturnedBook:
    sheets: list[ReturnedSheet]
    metadata: Metadata | None
    macro: bool


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ReturnError("return-unreadable", reason="压缩包结构损坏") from exc
    total = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if total > MAX_UNCOMPRESSED or (total > 10 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise ReturnError("return-too-large", size=f"{total / 1024 / 1024:.0f} MB")
    if "xl/workbook.xml" not in archive.namelist():
        raise ReturnError("return-not-workbook", kind="压缩文件（不是 Excel 工作簿）")
    return archive


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.findall("rel:Relationship", NS)}
    paths = {}
    for sheet in workbook.iterfind("main:sheets/main:sheet", NS):
        target = targets.get(sheet.get(f"{{{NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        paths[sheet.get("name")] = path
    return paths


def _parts_with_formulas(archive: zipfile.ZipFile) -> set[str]:
    """Worksheet parts holding at least one formula; most returns have none (<formula1> of a validation is none)."""
    return {
        name
        for name in archive.namelist()
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and FORMULA_ELEMENT.search(archive.read(name))
    }


def _formula_cells(archive: zipfile.ZipFile, path: str) -> set[tuple[int, int]]:
    xml = archive.read(path)
    found = set()
    for match in CELL_WITH_FORMULA.finditer(xml):
        ref = match.group(1).decode()
        letters = ref.rstrip("0123456789")
        column = 0
        for ch in letters:
            column = column * 26 + ord(ch) - 64
        found.add((int(ref[len(letters) :]) - 1, column - 1))
    return found


def _custom_properties(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        root = ElementTree.fromstring(archive.read("docProps/custom.xml"))
    except KeyError:
        return {}
    return {p.get("name"): "".join(p.itertext()) for p in root.findall("cp:property", NS)}


def _metadata(rows: list[list[object]] | None, properties: dict[str, str]) -> Metadata | None:
    if rows and len(rows) >= 5 and rows[0][:1] == ["ledger_id"]:
        head = {str(r[0]): str(r[1]) for r in rows[:4] if len(r) >= 2}
        items = [MetaRow(*(str(v) for v in r[:5])) for r in rows[5:] if len(r) >= 5 and r[0]]
        return Metadata(head.get("ledger_id", ""), head.get("period", ""), head.get("unit", ""), items)
    if properties.get("ledger_id"):
        return Metadata(
            properties["ledger_id"], properties.get("ledger_period", ""), properties.get("ledger_unit", ""), []
        )
    return None


def _grid(sheet: python_calamine.CalamineSheet) -> list[list[Any]]:
    return sheet.to_python(skip_empty_area=False)


def read_return(path: Path) -> ReturnedBook:
    """Every sheet of a returned workbook, its metadata and its formula cells. Raises ReturnError."""
    data = path.read_bytes()
    archive = None
    if data.startswith(ZIP_MAGIC):
        archive = _check_zip(data)
    elif data.startswith(OLE_MAGIC):
        if ENCRYPTED_MARK in data:
            raise ReturnError("return-encrypted")
    else:
        raise ReturnError("return-not-workbook", kind=f"“{path.suffix or '无扩展名'}”文件")
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))  # the bytes already read
        visibility = {s.name: str(s.visible).endswith(".Visible") for s in book.sheets_metadata}
        sheets = []
        with_formulas = _parts_with_formulas(archive) if archive else set()
        paths = _sheet_paths(archive) if archive and with_formulas else {}
        meta_rows = None
        for name in book.sheet_names:
            if name == INSTRUCTIONS_SHEET:
                continue  # protected, and holds only the office's own text
            sheet = book.get_sheet_by_name(name)
            rows = _grid(sheet)
            if name == META_SHEET:
                meta_rows = rows
                continue
            merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
            formulas = (
                _formula_cells(archive, paths[name])
                if archive and name in paths and name != INSTRUCTIONS_SHEET
                else set()
            )
            sheets.append(ReturnedSheet(name, visibility.get(name, True), rows, merged, formulas))
    except ReturnError:
        raise
    except Exception as exc:  # calamine reports any damage as its own error types
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ReturnError("return-encrypted") from exc
        raise ReturnError("return-unreadable", reason=str(exc)[:120]) from exc
    properties = _custom_properties(archive) if archive and meta_rows is None else {}
    macro = bool(archive and "xl/vbaProject.bin" in archive.namelist()) or path.suffix.lower() == ".xlsm"
    return ReturnedBook(sheets, _metadata(meta_rows, properties), macro)
