"""Who may send a unit's return: the addresses in the units file, and those the office confirmed later.

A return that comes by mail speaks for the unit its metadata (or file name) names only when its sender is
registered for that unit. A unit that always replies from a personal mailbox would be held every round, so
`ledger returns accept --remember` appends the address to `source/senders.jsonl` (when, why, which file) —
never an edit of units.xlsx, which is the office's own table — and merge reads both.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, fields

from .paths import WorkspacePaths
from .records import append_record, read_records
from .workspace import Workspace


@dataclass(kw_only=True)
class RememberedSender:
    """An address the office confirmed as a unit's, and why."""

    address: str
    unit: str
    at: str  # office time
    why: str = ""  # which file of which period was accepted


def remembered_senders(paths: WorkspacePaths) -> list[RememberedSender]:
    known = {f.name for f in fields(RememberedSender)}
    return [
        RememberedSender(**{k: v for k, v in r.items() if k in known})  # type: ignore[arg-type]
        for r in read_records(paths.senders).records
        if isinstance(r.get("address"), str) and isinstance(r.get("unit"), str)
    ]


def remember_sender(paths: WorkspacePaths, sender: RememberedSender) -> None:
    """Append one confirmed address; the record is only ever appended to."""
    append_record(paths.senders, asdict(sender))


def registered_senders(ws: Workspace) -> dict[str, frozenset[str]]:
    """Address (lower case) -> the units it may send for: the units file's, then those the office confirmed."""
    found: dict[str, set[str]] = defaultdict(set)
    for unit in ws.units.values():
        for address in unit.emails:
            found[address.strip().lower()].add(unit.name)
    for remembered in remembered_senders(ws.paths):
        found[remembered.address.strip().lower()].add(remembered.unit)
    return {address: frozenset(units) for address, units in found.items()}


def office_addresses(ws: Workspace) -> frozenset[str]:
    """The office's own addresses: a return from one of them was forwarded or forged, never the unit's own."""
    found = (ws.config.office.email, ws.config.mail.sender)
    return frozenset(a.strip().lower() for a in found if a.strip())
