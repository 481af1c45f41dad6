"""`ledger units rename` and `ledger units merge` (机构改革): the units file changed and the change recorded.

The successor's row of the units file gets the old names as 曾用名 (a column added when the file has none) and
the old units' e-mail addresses, so their returns are neither unattributed nor held by the sender rule; a merged
unit's row goes (its row is kept in the record). The change is appended to source/unit-changes.jsonl with the
first round it applies to, when, who and why, and the rows it replaced — from which `unit_changes` gives every
round the units of its time.

The order makes the file and the record agree: nothing is written while the units file is open in another
program (a lock file of Excel, WPS or LibreOffice beside it, or the file cannot be opened for writing). The new
file is written aside, the change is left beside the record with the new file's digest
(`unit_changes.mark_pending`), and the file is renamed over the old one: a refused rename removes both and
leaves the old file as it was. Only then is the change appended to the record. A kill between the rename and
the append loses nothing: the waiting change counts as recorded because the file in place is the one it made,
and the next `ledger units` command appends it; a kill before the rename leaves a marker whose file never
arrived, which counts for nothing and is removed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .clock import now
from .faults import crash_point
from .model import Period
from .problems import ProblemError
from .records import current_user, is_temporary, written_aside
from .schedule import period_kind_error, round_after
from .sent import sent_periods
from .unit_changes import (
    ChangeAction,
    UnitChange,
    append_unit_change,
    mark_pending,
    pending_path,
    read_unit_changes,
    settle_pending,
)
from .units import LIST_SPLIT, UNIT_COLUMNS, name_fault, unit_columns
from .workspace import Workspace

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# an edit of the units file's first sheet: (sheet, unit name -> its row, UNIT_COLUMNS key -> 0-based column)
Edit = Callable[["Worksheet", dict[str, int], dict[str, int]], None]

EDITABLE = (".xlsx", ".xlsm")


def rename_unit(ws: Workspace, old: str, new: str, start: Period, why: str = "") -> UnitChange:
    """Rename a unit from round `start` on: its row takes the new name and keeps the old one as 曾用名. Renaming
    back (to a 曾用名 of its own) undoes a rename from then on."""
    settle_pending(ws.paths.unit_changes)
    name, new = _unit(ws, old), _new_name(ws, new)
    taken = ws.registry.lookup(new)
    if taken == name and new == name:
        raise ProblemError("unit-change-same", name=old, new=new)
    if taken is not None and taken != name:
        raise ProblemError("unit-name-taken", name=new, unit=taken)
    change = _change(ws, "rename", [name], new, start, why)

    def edit(sheet: Worksheet, rows: dict[str, int], columns: dict[str, int]) -> None:
        row = rows[name]
        _put(sheet, row, columns["name"], new)
        _add_to(sheet, row, columns["former"], [name], drop=(new,))
        if "aliases" in columns:  # renamed to one of its own aliases: a name once
            _add_to(sheet, row, columns["aliases"], [], drop=(new,))

    _write(ws, change, edit)
    return change


def merge_units(ws: Workspace, olds: list[str], new: str, start: Period, why: str = "") -> UnitChange:
    """Merge units into `new` from round `start` on: an existing unit, or a new one made from the first old
    unit's row. The successor keeps each old unit's names (and aliases) as 曾用名 and takes its addresses."""
    settle_pending(ws.paths.unit_changes)
    names = list(dict.fromkeys(_unit(ws, o) for o in olds))
    into = ws.registry.lookup(new.strip()) or _new_name(ws, new)
    if into in names:
        raise ProblemError("unit-change-same", name=into, new=new)
    change = _change(ws, "merge", names, into, start, why)
    units = ws.units

    def edit(sheet: Worksheet, rows: dict[str, int], columns: dict[str, int]) -> None:
        absorbed = names
        if into in rows:
            row = rows[into]
        else:  # a new unit: the first old unit's row, renamed
            row, absorbed = rows[names[0]], names[1:]
            _put(sheet, row, columns["name"], into)
            _add_to(sheet, row, columns["former"], [names[0]])
        _add_to(sheet, row, columns["former"], [n for a in absorbed for n in (a, *units[a].aliases, *units[a].former)])
        _add_to(sheet, row, columns["emails"], [e for a in absorbed for e in units[a].emails])
        for gone in sorted((rows[a] for a in absorbed), reverse=True):
            sheet.delete_rows(gone)

    _write(ws, change, edit)
    return change


def unit_change_log(ws: Workspace) -> list[UnitChange]:
    """Every rename and merge recorded, in the order made."""
    return read_unit_changes(ws.paths.unit_changes)


def latest_start(ws: Workspace) -> Period:
    """The latest round a unit change can start from: the next round to render (the units file changed now is
    what that render reads); before anything was sent, the ledger's first round, the units file being today's."""
    sent = sent_periods(ws.paths)
    if sent:
        return round_after(ws.config, sent[-1])
    return Period.parse(str(ws.config.year)).rounds(ws.config.rhythm.round)[0]


def _unit(ws: Workspace, name: str) -> str:
    found = ws.registry.lookup(name.strip())
    if found is None:
        close = ws.registry.suggest(name.strip())
        raise ProblemError(
            "unit-change-unknown", name=name, suggestion=f"，是否是：{'、'.join(close)}？" if close else ""
        )
    return found


def _new_name(ws: Workspace, new: str) -> str:
    """The new name as the units file will hold it, refused before anything is written or recorded when the file
    could not read it back as one unit's name (`units.name_fault`): a blank name cell would leave the change's
    successor nowhere in the file and every later command stuck."""
    name = new.strip()
    if why := name_fault(name, ws.registry):
        raise ProblemError("unit-name-invalid", name=new, why=why)
    return name


def _change(ws: Workspace, action: ChangeAction, old: list[str], new: str, start: Period, why: str) -> UnitChange:
    """The change as it will be recorded, once its round is checked: of the ledger's rhythm, not after the next
    round to render (the units file changed now is what that render reads), and not before a recorded change of
    the same units (each undoes into the one before it)."""
    if error := period_kind_error(ws.config, start, summary=False):
        raise error
    upcoming = latest_start(ws)
    if start > upcoming:
        raise ProblemError("unit-change-future", period=start.label, next=upcoming.label)
    for earlier in read_unit_changes(ws.paths.unit_changes):
        if earlier.start > start and earlier.touches([*old, new]):
            what = f"{'、'.join(earlier.old)}→{earlier.new}"
            raise ProblemError(
                "unit-change-order", name="、".join(old), later=earlier.start.label, what=what, period=start.label
            )
    before = [ws.units[n] for n in (*old, new) if n in ws.units]
    return UnitChange(
        action=action,
        old=old,
        new=new,
        start=start,
        at=now(ws.config).isoformat(timespec="seconds"),
        by=current_user(),
        why=why.strip(),
        before=before,
    )


def _write(ws: Workspace, change: UnitChange, edit: Edit) -> None:
    """The units file edited by `edit` and put in place, then the change recorded; nothing at all when the file
    is open elsewhere."""
    path = ws.root / ws.config.units_file
    if path.suffix.lower() not in EDITABLE:
        raise ProblemError("units-file-not-editable", file=ws.config.units_file, kind=path.suffix or "无扩展名")
    _refuse_if_open(path, ws.config.units_file)
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a kill; this command holds the workspace
        if is_temporary(stale.name):
            stale.unlink()
    import openpyxl  # only these commands write the units file

    book = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    sheet = book.worksheets[0]
    header = next(r for r in range(1, sheet.max_row + 1) if any(c.value not in (None, "") for c in sheet[r]))
    columns = unit_columns([str(c.value or "") for c in sheet[header]])
    for key in ("former", "emails"):
        if key not in columns:  # added at the end of the header row
            columns[key] = sheet.max_column
            _put(sheet, header, sheet.max_column, UNIT_COLUMNS[key][0])
    rows: dict[str, int] = {}
    for r in range(header + 1, sheet.max_row + 1):
        value = sheet.cell(r, columns["name"] + 1).value
        if value is not None and str(value).strip():
            rows.setdefault(str(value).strip(), r)
    edit(sheet, rows, columns)
    record = ws.paths.unit_changes
    try:
        with written_aside(path, displace=False) as aside:
            book.save(aside.temporary)
            mark_pending(record, change, path, aside.temporary.read_bytes())
    except PermissionError as exc:
        pending_path(record).unlink(missing_ok=True)
        raise ProblemError("units-file-open", file=ws.config.units_file, how="文件无法替换") from exc
    crash_point("units:record")  # a kill here: the file is in place, the change waits beside its record
    append_unit_change(record, change)
    pending_path(record).unlink()


def _refuse_if_open(path: Path, shown: str) -> None:
    """Excel and WPS leave "~$<name>" beside an open file, LibreOffice ".~lock.<name>#"; on Windows an open file
    also refuses to be opened for writing."""
    for lock in (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#", f".~{path.name}"):
        if (path.parent / lock).exists():
            raise ProblemError("units-file-open", file=shown, how=f"旁边有锁定文件 {lock}")
    try:
        with open(path, "r+b"):
            pass
    except PermissionError as exc:
        raise ProblemError("units-file-open", file=shown, how="文件无法写入") from exc


def _add_to(sheet: Worksheet, row: int, column: int, names: list[str], drop: tuple[str, ...] = ()) -> None:
    """Names appended to a list cell ("A、B"), each once; `drop` taken out. A cell that does not change keeps
    how the office wrote it."""
    present = [n for n in LIST_SPLIT.split(str(sheet.cell(row, column + 1).value or "")) if n]
    wanted = list(dict.fromkeys([*(n for n in present if n not in drop), *names]))
    if wanted != present:
        _put(sheet, row, column, "、".join(wanted) or None)


def _put(sheet: Worksheet, row: int, column: int, value: str | None) -> None:
    """A cell of the units file written as text (0-based `column`): a name openpyxl would otherwise store as a
    formula ("=…") stays the name."""
    cell = sheet.cell(row, column + 1)
    cell.value = value
    if value is not None:
        cell.data_type = "s"
