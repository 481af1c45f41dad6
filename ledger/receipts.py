"""A period's stored returns as the office now sees them: receipts as collected, with its corrections applied.

A receipt is written once, when a file is collected. What the office learns later — the file was collected
under the wrong period, it really arrived on another day, it came from this unit — and what it decides — the
file goes back to its unit to correct (退回重报) — is appended to
`corrections.jsonl` beside the receipts instead of rewriting `receipts.jsonl`:

- the intake record stays exactly as it was written (what the tool saw, and when);
- a rewrite interrupted halfway could lose the receipts of files that stay stored; an append cannot;
- every correction keeps what was changed, when and why, so a bulletin's figures can be explained later;
- `restore` is one more line, not an edit to undo (of a withdrawal or of a 退回).

The latest correction of each kind for a file wins. The returned files themselves are never touched. The
history cache keys on the bytes of every file in the folder, so a correction invalidates a cached merge.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Literal

from .collect import Receipt, read_receipts, readable, torn_problems
from .model import Period
from .paths import RECORDS, WorkspacePaths, undecodable
from .problems import Problem, problem
from .records import append_record, is_temporary, read_records

Action = Literal["withdraw", "restore", "set-received", "assign", "accept", "reject"]


@dataclass(kw_only=True)
class Correction:
    """One correction the office made to a stored return."""

    file: str
    action: Action
    at: str  # when it was made, office time
    by: str = ""  # who made it (records.current_user)
    why: str = ""  # withdraw, reject: the reason
    received_at: str = ""  # set-received: the time it really arrived
    unit: str = ""  # assign: the unit it came from; accept: the unit it was accepted for
    resubmit_by: str = ""  # reject: the last day to send again keeping the first time, as the unit was told (ISO)


@dataclass(kw_only=True)
class StoredReturn:
    """A stored return: its receipt (received time as corrected), its place in the order of collection,
    whether it is withdrawn or sent back to its unit (退回重报: when, and why), the unit the office assigned it
    to, and whether the office accepted it from a sender not registered for its unit."""

    receipt: Receipt
    order: int
    withdrawn: bool = False
    rejected: bool = False  # sent back to its unit to correct (ledger returns reject)
    rejected_at: str = ""  # when it was sent back, office time
    resubmit_by: str = ""  # the window the 退回 gave (ISO; "" when recorded before windows were)
    why: str = ""  # why it was withdrawn or sent back
    assigned_unit: str = ""
    accepted: bool = False

    @property
    def file(self) -> str:
        return self.receipt.file


def read_corrections(path: Path) -> list[Correction]:
    known = {f.name for f in fields(Correction)}
    return [
        Correction(**{k: v for k, v in r.items() if k in known})  # type: ignore[arg-type]
        for r in read_records(path).records
        if isinstance(r.get("file"), str) and isinstance(r.get("action"), str)
    ]


def add_correction(path: Path, correction: Correction) -> None:
    """Append one correction; the record is only ever appended to."""
    append_record(path, asdict(correction))


def torn_records(paths: WorkspacePaths, period: Period) -> list[Problem]:
    """The lines of the period's receipts, corrections and send log a full disk or a kill tore: skipped, and
    said. (A torn send-log line is at worst an attempt without its outcome: read as 不确定是否送达, never sent
    again by itself.)"""
    records = (paths.receipts(period), paths.corrections(period), paths.send_log(period))
    torn = [line for path in records for line in read_records(path).torn]
    return torn_problems(paths.root, torn)


def period_notes(paths: WorkspacePaths, period: Period) -> list[Problem]:
    """A period that was never rendered (a typo in --period, or a step skipped), lines of its receipts or
    corrections torn by a full disk or a kill (skipped), and files put in its folder by hand under a name that is
    no text (skipped: `paths.undecodable`). Kept out of the merge result, which is about the
    returns and must not change when build/ is deleted; a period far from the ledger's year is the
    workspace's `period_problems`. The round's record of what was sent says it was rendered when build/ was
    deleted since; the manifest, for rounds rendered before that record existed."""
    rendered = paths.sent(period).is_file() or paths.manifest(period).is_file()
    folder = paths.returns(period)
    names = sorted(p.name for p in folder.iterdir() if undecodable(p.name)) if folder.is_dir() else []
    return [
        *([] if rendered else [problem("period-not-rendered", period=str(period), label=period.label)]),
        *torn_records(paths, period),
        *(problem("return-name-unreadable", file=readable(name)) for name in names),
    ]


def stored_returns(paths: WorkspacePaths, period: Period, zone: tzinfo) -> list[StoredReturn]:
    """The period's stored returns in the order they were collected, corrections applied. A file put in the
    folder by hand gets a receipt from its modification time (office time) and comes after the collected ones."""
    folder = paths.returns(period)
    receipts = read_receipts(folder)
    known = {r.file for r in receipts}
    by_hand = (
        [
            p
            for p in folder.iterdir()
            if p.is_file()
            and p.name not in known
            and p.name not in RECORDS
            and not is_temporary(p.name)
            and not undecodable(p.name)  # said by period_notes
        ]
        if (folder.is_dir())
        else []
    )
    for path in sorted(by_hand, key=lambda p: (p.stat().st_mtime, p.name)):
        stamp = datetime.fromtimestamp(path.stat().st_mtime, zone).isoformat(timespec="seconds")
        receipts.append(
            Receipt(
                file=path.name,
                original_name=path.name,
                sha256="",
                size=path.stat().st_size,
                received_at=stamp,
                collected_at=stamp,
                origin="file",
                source_path=str(path),
                received_how="mtime",
            )
        )
    stored = {r.file: StoredReturn(receipt=r, order=i) for i, r in enumerate(receipts)}
    for c in read_corrections(paths.corrections(period)):
        item = stored.get(c.file)
        if item is None:
            continue
        if c.action in ("withdraw", "reject", "restore"):  # the latest of the three decides; restore undoes both
            item.withdrawn, item.rejected = c.action == "withdraw", c.action == "reject"
            item.why = c.why if c.action != "restore" else ""
            item.rejected_at = c.at if c.action == "reject" else ""
            item.resubmit_by = c.resubmit_by if c.action == "reject" else ""
        elif c.action == "set-received":
            item.receipt = replace(item.receipt, received_at=c.received_at, received_how="corrected")
        elif c.action == "assign":
            item.assigned_unit = c.unit
        elif c.action == "accept":
            item.accepted = True
    return list(stored.values())
