"""Correcting stored returns without deleting anything: list, withdraw, send back (退回重报), restore, set the
received time, assign, accept a held return.

The office makes mistakes too: a file collected under the wrong period, a received time nobody knew at
intake, a file whose unit could not be told. And it decides: a return that will not do goes back to its unit
to correct (`reject`). Each correction is appended to the period's corrections record (`receipts`) with when,
who and why, the returned file stays stored byte for byte, and merge, status, report and reminders read the
corrected view. `restore` undoes a withdrawal or a 退回.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from .clock import now as office_now
from .clock import office_zone
from .collect import parse_received
from .entries import ReturnState
from .merge import merge_period
from .model import Period
from .problems import ERROR, Problem, ProblemError
from .receipts import Action, Correction, StoredReturn, add_correction, stored_returns
from .records import current_user
from .schedule import resubmit_due
from .senders import RememberedSender, office_addresses, remember_sender
from .wording import STATE_NAMES
from .workspace import Workspace


class ReturnsError(ProblemError):
    """A correction that cannot be made (unknown file, no reason given …)."""


@dataclass(kw_only=True)
class ReturnLine:
    """One stored file of a period, as `ledger returns list` shows it."""

    file: str
    original_name: str
    unit: str
    received_at: str
    received_how: str
    saved_at: str
    sender: str
    state: ReturnState
    why: str  # why it was withdrawn or sent back
    rejected_at: str  # when it was sent back (退回重报), office time
    problems: int
    errors: int


def list_returns(ws: Workspace, period: Period, *, jobs: int = 1) -> list[ReturnLine]:
    """Every stored file of the period, with its unit, received time, what became of it and its problems (the
    files read by `jobs` processes, as `merge_period` does)."""
    result = merge_period(ws, period, jobs=jobs)
    names = {s.file: s.receipt.original_name for s in stored_returns(ws.paths, period, office_zone(ws.config))}
    by_file: dict[str | None, list[Problem]] = defaultdict(list)
    for p in result.problems:  # grouped once: a loop over problems per return is quadratic on a large ledger
        by_file[p.file].append(p)
    lines = []
    for r in result.returns:
        own = by_file[r.file]
        lines.append(
            ReturnLine(
                file=r.file,
                original_name=names.get(r.file, r.file),
                unit=r.unit,
                received_at=r.received_at,
                received_how=r.received_how,
                saved_at=r.saved_at,
                sender=r.sender,
                state=r.state,
                why=r.why,
                rejected_at=r.rejected_at,
                problems=len(own),
                errors=sum(p.severity == ERROR for p in own),
            )
        )
    return lines


def _stored(ws: Workspace, period: Period, file: str) -> StoredReturn:
    stored = {s.file: s for s in stored_returns(ws.paths, period, office_zone(ws.config))}
    if file in stored:
        return stored[file]
    close = difflib.get_close_matches(file, list(stored), n=3, cutoff=0.4)
    suggestion = f"，是否是：{'、'.join(close)}" if close else ""
    raise ReturnsError("returns-file-unknown", period=str(period), file=file, suggestion=suggestion)


def _stamp(ws: Workspace, now: datetime | None) -> str:
    """When a correction is made, in office time."""
    return (now or office_now(ws.config)).astimezone(office_zone(ws.config)).isoformat(timespec="seconds")


def _record(
    ws: Workspace, period: Period, file: str, action: Action, now: datetime | None, **fields: str
) -> Correction:
    correction = Correction(file=file, action=action, at=_stamp(ws, now), by=current_user(), **fields)
    add_correction(ws.paths.corrections(period), correction)
    return correction


def withdraw_return(ws: Workspace, period: Period, file: str, why: str, now: datetime | None = None) -> Correction:
    """Take a stored return out of merge, status and reminders; the file stays stored."""
    stored = _stored(ws, period, file)
    if not why.strip():
        raise ReturnsError("returns-why-missing", action="撤回", example="报告期有误，应为2021-05")
    if stored.withdrawn:
        raise ReturnsError("returns-already-withdrawn", file=file, why=stored.why)
    return _record(ws, period, file, "withdraw", now, why=why.strip())


def reject_return(ws: Workspace, period: Period, file: str, why: str, now: datetime | None = None) -> Correction:
    """Send a return back to its unit to correct (退回重报): the file stays stored and is not merged; the unit is
    退回重报 until it sends again, and its reminder quotes `why` and carries the file back. A resubmission within
    `[ledger] resubmit_days` working days keeps this file's timeliness (`report.judged_received`)."""
    stored = _stored(ws, period, file)
    if not why.strip():
        raise ReturnsError("returns-why-missing", action="退回", example="牵头任务未填写完成状态，请补填后重新报送")
    if stored.withdrawn:
        raise ReturnsError("returns-already-withdrawn", file=file, why=stored.why)
    if stored.rejected:
        raise ReturnsError("returns-already-rejected", file=file, why=stored.why)
    info = next(r for r in merge_period(ws, period).returns if r.file == file)
    if not info.unit:
        raise ReturnsError("returns-reject-no-unit", file=file)
    now = now or office_now(ws.config)
    by = resubmit_due(ws.config, now.astimezone(office_zone(ws.config)).date()).isoformat()
    return _record(ws, period, file, "reject", now, why=why.strip(), resubmit_by=by)


def restore_return(ws: Workspace, period: Period, file: str, now: datetime | None = None) -> Correction:
    """Undo a withdrawal or a 退回: the file counts again as it came."""
    stored = _stored(ws, period, file)
    if not (stored.withdrawn or stored.rejected):
        raise ReturnsError("returns-not-withdrawn", file=file)
    return _record(ws, period, file, "restore", now)


def set_received(ws: Workspace, period: Period, file: str, when: str, now: datetime | None = None) -> Correction:
    """Correct when a return really arrived ("2021-07-04 10:30", office time)."""
    _stored(ws, period, file)
    received = parse_received(when, ws.config, ws.paths, period, now)
    return _record(ws, period, file, "set-received", now, received_at=received.isoformat(timespec="seconds"))


def assign_unit(ws: Workspace, period: Period, file: str, unit: str, now: datetime | None = None) -> Correction:
    """Say which unit a return came from (a full name or an alias from the units file)."""
    _stored(ws, period, file)
    named = ws.registry.named([unit])  # an unknown name raises unit-option-unknown with the closest names
    if len(named) != 1:
        raise ReturnsError("returns-unit-group", name=unit, members="、".join(named))
    return _record(ws, period, file, "assign", now, unit=named[0])


@dataclass(kw_only=True)
class Accepted:
    """What `ledger returns accept` did: the correction appended (None when the file was accepted before) and
    the address registered for the unit (with --remember)."""

    file: str
    unit: str
    sender: str
    correction: Correction | None
    remembered: RememberedSender | None


def accept_return(
    ws: Workspace, period: Period, file: str, *, remember: bool = False, now: datetime | None = None
) -> Accepted:
    """Let a held return through (待确认 -> merged as the unit it names): the office confirmed with the unit that
    the sender speaks for it. With `remember` the sender's address is registered for the unit as well
    (source/senders.jsonl), so that its returns from that address are not held again."""
    stored = _stored(ws, period, file)
    info = next(r for r in merge_period(ws, period).returns if r.file == file)
    if info.state != "held" and not (remember and stored.accepted):
        raise ReturnsError("returns-not-held", file=file, state=STATE_NAMES[info.state])
    sender = stored.receipt.sender
    if remember and (not sender or sender in office_addresses(ws)):
        why = "本办公室自己的邮箱不能登记为单位的邮箱" if sender else "该文件没有发件人"
        raise ReturnsError("returns-remember-refused", file=file, why=why)
    correction = None if stored.accepted else _record(ws, period, file, "accept", now, unit=info.unit)
    remembered = None
    if remember:
        remembered = RememberedSender(address=sender, unit=info.unit, at=_stamp(ws, now), why=f"{period} {file}")
        remember_sender(ws.paths, remembered)
    return Accepted(file=file, unit=info.unit, sender=sender, correction=correction, remembered=remembered)
