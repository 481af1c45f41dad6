"""机构改革 as a record: units renamed and merged, each from a round on, and the ledger as it was at any round.

`ledger units rename` and `ledger units merge` change the units file (the successor takes the old names as 曾用名
and the old units' addresses) and append a `UnitChange` to source/unit-changes.jsonl with the rows as they were
before. Every round then reads the units of its own time:

- `units_at`: the units file as it was at a round, the later changes undone from the rows they recorded, so a
  round before a change keeps its names, addresses and contacts (and its cached merge and state);
- `successors`: old name -> the name that stands for it from a round on (renames chained, rename-back undone),
  which turns a round's task list, its indicators, returns and carried history over to the successor.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from .model import Indicator, Period, Task, Unit
from .records import append_record, read_records, write_aside

ChangeAction = Literal["rename", "merge"]
Led = TypeVar("Led", Task, Indicator)  # what names lead and support units


@dataclass(kw_only=True)
class UnitChange:
    """One rename or merge: the old names, the successor, the first round it applies to, when, who and why, and
    the rows of the units file it replaced (the old units, and the successor when it was there before)."""

    action: ChangeAction
    old: list[str]
    new: str
    start: Period  # the first round in which the successor stands for the old names
    at: str = ""
    by: str = ""
    why: str = ""
    before: list[Unit] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "old": self.old,
            "new": self.new,
            "from": str(self.start),
            "at": self.at,
            "by": self.by,
            "why": self.why,
            "before": [asdict(u) for u in self.before],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnitChange:
        known = set(Unit.__dataclass_fields__)
        return cls(
            action=data["action"],
            old=list(data["old"]),
            new=data["new"],
            start=Period.parse(data["from"]),
            at=data.get("at", ""),
            by=data.get("by", ""),
            why=data.get("why", ""),
            before=[Unit(**{k: v for k, v in u.items() if k in known}) for u in data.get("before", [])],
        )

    def touches(self, names: Iterable[str]) -> bool:
        return bool({*self.old, self.new} & set(names))


def read_unit_changes(path: Path) -> list[UnitChange]:
    """Every recorded change, in the order made (a line this version cannot read is passed over), and the one
    waiting beside the record when its units file is already in place (see `pending_change`)."""
    found = _recorded(path)
    waiting = pending_change(path, found)
    return [*found, waiting] if waiting else found


def _recorded(path: Path) -> list[UnitChange]:
    found = []
    for data in read_records(path).records:
        try:
            found.append(UnitChange.from_dict(data))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def append_unit_change(path: Path, change: UnitChange) -> None:
    append_record(path, change.to_dict())


def pending_path(path: Path) -> Path:
    """Where a change waits, beside its record, while the units file it made is put in place."""
    return path.with_name(f"{path.stem}.pending.json")


def mark_pending(path: Path, change: UnitChange, units_file: Path, data: bytes) -> None:
    """Say which units file (by its bytes) `change` made, before that file is put in place: a kill after the
    file is in place and before the record is appended then loses nothing (see `pending_change`)."""
    marker = {
        "change": change.to_dict(),
        "units_file": os.path.relpath(units_file, path.parent),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    write_aside(pending_path(path), json.dumps(marker, ensure_ascii=False).encode())


def pending_change(path: Path, recorded: list[UnitChange]) -> UnitChange | None:
    """The change waiting beside the record when the units file in place is the one it made (a kill between
    putting the file in place and appending the record): it counts as recorded, since the file shows it. One
    whose file never reached its place, or that was recorded since, does not."""
    marker = pending_path(path)
    if not marker.is_file():
        return None
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        change = UnitChange.from_dict(data["change"])
        units_file = path.parent / data["units_file"]
        made = units_file.is_file() and hashlib.sha256(units_file.read_bytes()).hexdigest() == data["sha256"]
    except (OSError, KeyError, TypeError, ValueError):
        return None
    return change if made and not (recorded and recorded[-1] == change) else None


def settle_pending(path: Path) -> None:
    """Append the change a kill left waiting, when its units file reached its place, and remove the marker:
    the next `ledger units` command does this before anything else."""
    waiting = pending_change(path, _recorded(path))
    if waiting is not None:
        append_unit_change(path, waiting)
    pending_path(path).unlink(missing_ok=True)


def units_at(units: list[Unit], changes: list[UnitChange], period: Period) -> list[Unit]:
    """The units as they were at `period`: the changes from a later round undone, the last made first. The
    successor's row gives way to the rows the change recorded, in its place (so undoing twice, on units already
    of that time, changes nothing)."""
    found = list(units)
    for change in reversed(changes):
        if change.start.begins_by(period):
            continue
        names = {change.new, *change.old}
        at = next((i for i, u in enumerate(found) if u.name in names), len(found))
        kept = [u for u in found if u.name not in names]
        found = kept[:at] + list(change.before) + kept[at:]
    return found


def successors(changes: list[UnitChange], upto: Period, after: Period | None = None) -> dict[str, str]:
    """Old name -> the unit that stands for it at `upto`, over the changes from a round after `after` (every
    change, without it): renames chained (A→B, B→C: A and B are C), a rename back undone (A→B, B→A: nothing)."""
    found: dict[str, str] = {}
    for change in changes:
        if not change.start.begins_by(upto) or (after is not None and change.start.begins_by(after)):
            continue
        found = {old: change.new if new in change.old else new for old, new in found.items()}
        found.update(dict.fromkeys(change.old, change.new))
    return {old: new for old, new in found.items() if old != new}


def succeed_units(items: list[Led], succession: Mapping[str, str]) -> list[Led]:
    """The tasks (or indicators) with each old unit replaced by its successor (a unit named twice kept once, in
    place): a round's task list and its indicators name the units of the round the same way."""
    if not succession:
        return items

    def named(units: list[str]) -> list[str]:
        return list(dict.fromkeys(succession.get(u, u) for u in units))

    def succeeded(item: Led) -> Led:
        if not any(u in succession for u in [*item.lead_units, *item.support_units]):
            return item
        lead = named(item.lead_units)
        return replace(item, lead_units=lead, support_units=[u for u in named(item.support_units) if u not in lead])

    return [succeeded(item) for item in items]
