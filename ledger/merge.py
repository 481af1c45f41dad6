"""Merge the returns of a period into the master ledger: the latest return of each unit wins.

Each stored file is read once and on its own (`return_reader`), by `jobs` worker processes when asked; a bad
file is named and never stops the others. Which return of a unit is the latest is decided by the workbook's own
last-saved time when it is there and plausible, then by the received time, then by the order of collection —
never by the file name — and a problem says so when only the order of collection could tell. Withdrawn files,
and files the office sent back to their unit (退回重报), are kept out; scans sent beside a workbook are that
unit's evidence (佐证材料). Every value that is not merged is listed in `unmerged` with its cell.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any

from .clock import local_time, office_zone
from .collect import Receipt, intake_problems, read_failure
from .config import Config
from .entries import Entry, IndicatorValue, MergeResult, ReturnInfo, ReturnState, Unmerged
from .model import Period, Task
from .problems import Problem, problem
from .processes import collector_paused, in_processes
from .read import WORKBOOK_SUFFIXES, ReturnedBook, ReturnError, peek_properties, read_bytes, scan_kind
from .receipts import StoredReturn, stored_returns
from .return_reader import ReadContext, ReturnReader, all_values, held_problem, identify, probable_unit
from .task_changes import round_tasks
from .workspace import Workspace

# A saved time later than the received time by more than this is a wrong clock on the unit's computer.
SAVED_CLOCK_SLACK = timedelta(hours=12)
SUPERSEDED = "已被同一单位更晚的报送取代"
HELD = "发件人不是该单位登记的邮箱，待办公室确认，未汇总"
# Files each reading process should have before another is started: starting one (fork, pool, results sent back)
# costs about what reading 8 returns does, and a clerk's month of 45 returns is read sooner by one process alone.
READS_PER_PROCESS = 32


def merge_period(ws: Workspace, period: Period, *, tasks: list[Task] | None = None, jobs: int = 1) -> MergeResult:
    """Read every stored return of the period; the latest return of each unit wins. Returns are read against
    `tasks`, the round's task list (default: as sent, see `task_changes.round_tasks`). With jobs > 1 the files are read
    and checked by that many processes; the result is the same."""
    # A merge allocates one object per typed row and frees none of them until it ends (a third of the time on a
    # 1,000-unit ledger went to the collector).
    with collector_paused():
        ws = ws.at(period)  # the units of the round's time: a unit renamed later is still itself here
        return _merge(ws, period, round_tasks(ws.paths, period, ws.tasks) if tasks is None else tasks, jobs)


@dataclass(kw_only=True)
class _Read:
    """A readable return attributed to a unit, read and checked, waiting for the unit's latest to be chosen."""

    stored: StoredReturn
    unit: str
    named: str  # the unit the file speaks for: an old unit's name when it came in that name (机构改革)
    entries: list[Entry]
    indicator_values: list[IndicatorValue]
    problems: list[Problem]
    unmerged: list[Unmerged]
    reporter: dict[str, str]
    saved_at: datetime | None  # the workbook's own last-saved time, when plausible
    received_at: datetime


@dataclass(kw_only=True)
class _Outcome:
    """What reading one stored file gave; no workbook in it, so that it comes back from a worker process cheaply."""

    problems: list[Problem] = field(default_factory=list)  # the file's own and its identity's
    info: ReturnInfo | None = None  # what became of it, when reading decided (refused, withdrawn)
    unmerged: list[Unmerged] = field(default_factory=list)  # of a withdrawn or unattributed file
    beside: tuple[str, dict[str, Any]] | None = None  # a scan or document: evidence, else this problem
    read: _Read | None = None  # a readable return of a unit


def _info(
    stored: StoredReturn, unit: str, state: ReturnState, reporter: dict[str, str] | None = None, saved_at: str = ""
) -> ReturnInfo:
    r = stored.receipt
    return ReturnInfo(
        file=r.file,
        unit=unit,
        received_at=r.received_at,
        sender=r.sender,
        state=state,
        reporter=reporter or {},
        received_how=r.received_how,
        saved_at=saved_at,
        why=stored.why,
        rejected_at=stored.rejected_at,
        resubmit_by=stored.resubmit_by,
    )


def plausible_saved_at(book: ReturnedBook, received_at: datetime, period: Period, config: Config) -> datetime | None:
    """The workbook's last-saved time when it can be believed: after render stamped the workbook (the first
    day of the period) and not after the file was received, give or take a wrong clock."""
    if book.saved_at is None:
        return None
    saved = local_time(book.saved_at, config)
    rendered = datetime.combine(period.start, time(), UTC)
    return saved if rendered < saved <= received_at + SAVED_CLOCK_SLACK else None


def _compare(a: _Read, b: _Read) -> tuple[int, str]:
    """Which of two returns of a unit is later (-1, 0 never, 1) and what decided it."""
    if a.saved_at and b.saved_at and a.saved_at != b.saved_at:
        return (1 if a.saved_at > b.saved_at else -1), "保存时间"
    if a.received_at != b.received_at:
        return (1 if a.received_at > b.received_at else -1), "收到时间"
    return (1 if a.stored.order > b.stored.order else -1), ""


def _later(a: _Read, b: _Read) -> int:
    return _compare(a, b)[0]


def _read_stored(context: ReadContext, stored: StoredReturn) -> _Outcome:
    """One stored file read and checked on its own: a bad file is named and never stops the others. Whatever
    goes wrong while reading it — a damage no check foresaw included — is a problem on that file; a withdrawn
    file, or one sent back to its unit, is not opened at all."""
    receipt = stored.receipt
    if stored.withdrawn or stored.rejected:  # its unit from the properties alone (a small part): no sheet is read
        named = peek_properties(_stored_bytes(context, receipt)).get("ledger_unit", "")
        owner = stored.assigned_unit or named or probable_unit(context, receipt)[0] or ""
        return _Outcome(info=_info(stored, owner, "withdrawn" if stored.withdrawn else "rejected"))
    try:
        return _read_one(context, stored)
    except Exception as exc:  # the boundary of one file: the round goes on without it
        owner = stored.assigned_unit or probable_unit(context, receipt)[0] or ""
        error = f"{type(exc).__name__}: {str(exc)[:120]}"
        return _Outcome(
            problems=[problem("return-read-failed", file=receipt.file, unit=owner or None, error=error)],
            info=_info(stored, owner, "refused"),
        )


def _stored_bytes(context: ReadContext, receipt: Receipt) -> bytes:
    try:
        return (context.ws.paths.returns(context.period) / receipt.file).read_bytes()
    except OSError:
        return b""


def _read_one(context: ReadContext, stored: StoredReturn) -> _Outcome:
    ws, period, receipt = context.ws, context.period, stored.receipt
    outcome = _Outcome()
    try:
        data = (ws.paths.returns(period) / receipt.file).read_bytes()
    except FileNotFoundError:  # listed in receipts.jsonl but gone from the folder: the office's copy, not the unit's
        outcome.problems.append(problem("return-file-missing", file=receipt.file, period=str(period)))
        outcome.info = _info(stored, "", "refused")
        return outcome
    except OSError as exc:  # held by another program, a disk's fault
        outcome.problems.append(problem("return-unreadable", file=receipt.file, reason=read_failure(exc)))
        outcome.info = _info(stored, "", "refused")
        return outcome
    kind = scan_kind(data)
    if kind:
        outcome.beside = ("return-scan-only", {"kind": kind})
        return outcome
    try:
        book = read_bytes(data, receipt.file, ws.config.limits)
    except ReturnError as exc:
        if exc.code == "return-not-workbook" and not receipt.file.lower().endswith(WORKBOOK_SUFFIXES):
            outcome.beside = (exc.code, exc.fields)  # a Word file beside the workbook is evidence too
            return outcome
        owner = stored.assigned_unit or probable_unit(context, receipt)[0] or ""
        outcome.problems.append(problem(exc.code, file=receipt.file, unit=owner or None, **exc.fields))
        outcome.info = _info(stored, owner, "refused")
        return outcome
    unit, named, outcome.problems = identify(context, receipt, book, stored.assigned_unit)
    if receipt.sha256 and receipt.size != len(data):  # the tool never rewrites one: saved over by a program
        changed = problem("return-changed", file=receipt.file, unit=unit, size=receipt.size, now=len(data))
        outcome.problems.append(changed)
    if unit is None:
        outcome.info = _info(stored, "", "refused")
        outcome.unmerged = all_values(context, book, receipt, "", "文件身份不符，未汇总")
        return outcome
    held = None if stored.accepted or stored.assigned_unit else held_problem(context, receipt, unit)
    if held is not None:  # never read as the unit's, so it can neither supersede its return nor blame it
        outcome.problems.append(held)
        outcome.info = _info(stored, unit, "held")
        outcome.unmerged = all_values(context, book, receipt, unit, HELD)
        return outcome
    if book.macro:
        outcome.problems.append(problem("return-macro", file=receipt.file, unit=unit))
    reader = ReturnReader(context, receipt, book, unit)
    reader.read()
    received = local_time(datetime.fromisoformat(receipt.received_at), ws.config)
    outcome.read = _Read(
        stored=stored,
        unit=unit,
        named=named,
        entries=reader.entries,
        indicator_values=reader.indicator_values,
        problems=reader.problems,
        unmerged=reader.unmerged,
        reporter=reader.reporter,
        saved_at=plausible_saved_at(book, received, period, ws.config),
        received_at=received,
    )
    return outcome


def _merge(ws: Workspace, period: Period, tasks: list[Task], jobs: int) -> MergeResult:
    problems: list[Problem] = []
    unmerged: list[Unmerged] = []
    returns: list[ReturnInfo] = []
    # (unit, the name it came in): two returns of units merged into one this round are both merged
    reads: dict[tuple[str, str], list[_Read]] = defaultdict(list)
    beside: list[tuple[StoredReturn, str, dict[str, Any]]] = []  # scans and documents: evidence or a problem
    waiting: dict[str, ReturnInfo] = {}  # message id -> a held or sent-back workbook of that message
    context = ReadContext.of(ws, period, tasks)
    stored = stored_returns(ws.paths, period, office_zone(ws.config))
    # Each file on its own, in forked processes with jobs: the context is built before, only outcomes come back.
    calls = [functools.partial(_read_stored, context, item) for item in stored]
    jobs = max(1, min(jobs, len(calls) // READS_PER_PROCESS))
    for item, outcome in zip(stored, in_processes(calls, jobs, chunksize=4), strict=True):
        problems += [] if item.withdrawn or item.rejected else intake_problems(item.receipt, period)
        problems += outcome.problems
        unmerged += outcome.unmerged
        if outcome.info is not None:
            returns.append(outcome.info)
            if outcome.info.state in ("held", "rejected") and item.receipt.message_id:
                waiting[item.receipt.message_id] = outcome.info
        if outcome.beside is not None:
            beside.append((item, *outcome.beside))
        if outcome.read is not None:
            reads[outcome.read.unit, outcome.read.named].append(outcome.read)
    entries: list[Entry] = []
    indicator_values: list[IndicatorValue] = []
    for (unit, _), items in reads.items():
        order = sorted(items, key=functools.cmp_to_key(_later))
        *older, latest = order
        for old in older:
            _, by = _compare(latest, old)
            file = old.stored.file
            if by:
                problems.append(problem("return-superseded", file=file, unit=unit, newer=latest.stored.file, by=by))
            else:
                problems.append(problem("return-order-undecided", file=file, unit=unit, newer=latest.stored.file))
            # read again: a superseded file is rare, and keeping every workbook for it would hold them all
            book = read_bytes((ws.paths.returns(period) / file).read_bytes(), file, ws.config.limits)
            unmerged += all_values(context, book, old.stored.receipt, unit, SUPERSEDED)
            returns.append(_info(old.stored, unit, "superseded", reporter=old.reporter, saved_at=_iso(old)))
        entries += latest.entries
        indicator_values += latest.indicator_values
        problems += latest.problems
        unmerged += latest.unmerged
        returns.append(_info(latest.stored, unit, "merged", reporter=latest.reporter, saved_at=_iso(latest)))
    returns += _evidence(context, beside, reads, problems, waiting)
    order_of = {t.id: i for i, t in enumerate(tasks)}
    entries.sort(key=lambda e: (order_of.get(e.task_id, len(order_of)), e.role != "lead", e.unit))
    returns.sort(key=lambda r: (r.received_at, r.file))
    indicator_order = {i.id: n for n, i in enumerate(ws.indicators)}
    indicator_values.sort(key=lambda v: (indicator_order.get(v.indicator_id, len(indicator_order)), v.unit))
    return MergeResult(
        period=period,
        entries=entries,
        problems=problems,
        returns=returns,
        unmerged=unmerged,
        indicator_values=indicator_values,
    )


def _iso(read: _Read) -> str:
    return read.saved_at.isoformat(timespec="seconds") if read.saved_at else ""


def _evidence(
    context: ReadContext,
    beside: list[tuple[StoredReturn, str, dict[str, Any]]],
    reads: dict[tuple[str, str], list[_Read]],
    problems: list[Problem],
    waiting: dict[str, ReturnInfo],
) -> list[ReturnInfo]:
    """Scans (PDF, images) and other documents: evidence (佐证材料) of the unit whose workbook came with them (the
    same message, else the same sender or a unit named in the file name). From a unit that sent no workbook,
    they are its problem (a scan alone: `return-scan-only`), so it is asked for the workbook. Beside a held
    workbook, or one sent back to its unit, they share its state (`waiting`: message id -> that workbook)."""
    by_message = {
        r.stored.receipt.message_id: r.unit for items in reads.values() for r in items if r.stored.receipt.message_id
    }
    returned = {unit for unit, _ in reads}
    infos = []
    for stored, code, fields in beside:
        receipt = stored.receipt
        if not stored.assigned_unit and receipt.message_id in waiting:
            infos.append(_info(stored, waiting[receipt.message_id].unit, waiting[receipt.message_id].state))
            continue
        unit = stored.assigned_unit or by_message.get(receipt.message_id) or probable_unit(context, receipt)[0] or ""
        if unit and unit in returned:
            infos.append(_info(stored, unit, "evidence"))
            continue
        problems.append(problem(code, file=receipt.file, unit=unit or None, **fields))
        infos.append(_info(stored, unit, "refused"))
    return infos
