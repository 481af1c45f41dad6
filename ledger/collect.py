"""Store returned files, byte for byte, under source/returns/<period>/ with a receipt for each.

Returns arrive as workbooks, folders of them, .eml messages and .mbox files. Each file (or attachment) is
stored once however often it arrives, under a sanitised name that never leaves the folder nor overwrites
another file. Stored files are inputs: nothing here or anywhere else edits or deletes them.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import hashlib
import mailbox
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta, tzinfo
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from .clock import DEFAULT_TIMEZONE, parse_local
from .clock import now as office_now
from .config import Config
from .model import Period
from .paths import RECEIPTS, WorkspacePaths, safe_filename
from .problems import Problem, ProblemError, problem
from .read import peek_period
from .records import append_record, read_records

SKIPPED_NAMES = re.compile(r"^(\.|~\$)|^(thumbs\.db|desktop\.ini)$", re.I)

# How a received time was known, from the most to the least certain (collect prints it; returns list shows it).
ReceivedHow = Literal["mail", "given", "corrected", "mtime", "collected", ""]
RECEIVED_HOW_NAMES = {
    "mail": "邮件发送时间",
    "given": "收集时指定的时间",
    "corrected": "更正后的时间",
    "mtime": "文件修改时间",
    "collected": "收集时间",
    "": "",
}


@dataclass(kw_only=True)
class Receipt:
    """Where a stored return came from and when it arrived, in the office's time zone. The tool's own record:
    written once at intake and never rewritten (corrections are appended beside it, see `receipts`)."""

    file: str
    original_name: str
    sha256: str
    size: int
    received_at: str
    collected_at: str
    origin: str  # "file" or "email"
    source_path: str
    sender: str = ""
    subject: str = ""
    message_id: str = ""
    received_how: ReceivedHow = ""  # "" in receipts written before the tool said


@dataclass(kw_only=True)
class CollectResult:
    period: Period | None  # None: each file went to the period its own metadata names (--period auto)
    folder: Path
    stored: list[Receipt]
    duplicates: list[str]  # names of incoming files whose bytes were already stored
    skipped: list[str]  # paths passed over (lock files, hidden files, unreadable mail)
    notes: list[Problem] = field(default_factory=list)  # what intake noticed: a workbook of another period …
    periods: dict[str, str] = field(default_factory=dict)  # stored file -> its period, with --period auto


EARLIEST_RECEIVED = 2000  # the year before which no return of this tool can have arrived


class IntakeError(ProblemError):
    """A time or name given at intake that cannot be understood."""


def parse_received(text: str, config: Config, now: datetime | None = None) -> datetime:
    """A received time the clerk types ("2021-07-04 10:30"), in the office's zone. Raises IntakeError, also for a
    time no file can have arrived at: before EARLIEST_RECEIVED or more than a day from now (9999-12-31 was taken
    and overflowed every later date computation)."""
    try:
        moment = parse_local(text, config)
    except (ValueError, OverflowError) as exc:
        raise IntakeError("received-time-invalid", text=text) from exc
    latest = (now or office_now(config)) + timedelta(days=1)
    if moment.year < EARLIEST_RECEIVED or moment > latest:
        raise IntakeError("received-time-implausible", text=text, earliest=EARLIEST_RECEIVED)
    return moment


def read_receipts(folder: Path) -> list[Receipt]:
    known = {f.name for f in fields(Receipt)}
    return [
        Receipt(**{k: v for k, v in r.items() if k in known})  # type: ignore[arg-type]
        for r in read_records(folder / RECEIPTS).records
        if isinstance(r.get("file"), str)
    ]


def _free_name(folder: Path, name: str) -> str:
    if not (folder / name).exists():
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, "." + suffix) if dot else (name, "")
    n = 2
    while (folder / f"{stem} ({n}){suffix}").exists():
        n += 1
    return f"{stem} ({n}){suffix}"


@dataclass(kw_only=True)
class Incoming:
    """A file on its way in, before it is stored: from a folder, a message or an IMAP folder."""

    name: str
    data: bytes
    received_at: datetime
    received_how: ReceivedHow
    origin: str
    source_path: str
    sender: str = ""
    subject: str = ""
    message_id: str = ""


def attachment_filename(part: email.message.Message) -> str | None:
    """An attachment's name; a name written in raw 8-bit bytes without saying their charset (older Chinese mail
    clients write GBK so) is read as UTF-8 when it is that, else as GB18030, rather than kept as mojibake."""
    name = part.get_filename()
    if not name or "\ufffd" not in name:
        return name
    for key, value in part.raw_items():
        if key.lower() not in ("content-disposition", "content-type") or not isinstance(value, str):
            continue
        raw = value.encode("ascii", "surrogateescape")
        for charset in ("utf-8", "gb18030"):
            try:
                text = raw.decode(charset)
            except UnicodeDecodeError:
                continue
            header = email.message.Message()
            header[key] = text
            found = header.get_filename()
            if found:
                return found
    return name


def attachments_of(message: EmailMessage, source: str) -> Iterator[Incoming]:
    """Every attachment of a reply, with its sender and the date it was sent (which orders returns)."""
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    try:
        sent = parsedate_to_datetime(str(message["Date"])) if message.get("Date") else None
    except (TypeError, ValueError):
        sent = None
    for part in message.iter_attachments():
        name = attachment_filename(part)
        data = part.get_payload(decode=True)
        if not name or not isinstance(data, bytes):
            continue
        yield Incoming(
            name=name,
            data=data,
            received_at=sent or datetime.now(UTC),
            received_how="mail" if sent else "collected",
            origin="email",
            source_path=source,
            sender=sender,
            subject=str(message.get("Subject", "")),
            message_id=str(message.get("Message-ID", "")),
        )


MAIL_HEADERS = ("From", "Date", "Subject", "To", "Message-ID", "Received", "MIME-Version")


def _mail(data: bytes, path: Path, notes: list[Problem]) -> EmailMessage | None:
    """A message read from a file named .eml (or one of an .mbox); None, with a note, when it is not one."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    if any(message.get(name) for name in MAIL_HEADERS):
        return message
    notes.append(problem("collect-not-mail", file=str(path), reason="没有发件人、日期、主题等邮件头"))
    return None


def _incoming(
    path: Path, skipped: list[str], notes: list[Problem], received: datetime | None, zone: tzinfo
) -> Iterator[Incoming]:
    """The files under a path; a plain file arrived when the clerk says (`received`), else when it was last
    modified, taken in the office's zone. A symbolic link is never followed (it may point at any file of the
    machine): it is noted and passed over, and so is whatever lies under a linked folder."""
    if path.is_symlink():
        notes.append(problem("collect-symlink", file=str(path), target=os.readlink(path)))
        return
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if any((path / folder).is_symlink() for folder in child.relative_to(path).parents):
                continue  # under a linked folder, whose link is noted itself
            if child.is_symlink():
                notes.append(problem("collect-symlink", file=str(child), target=os.readlink(child)))
            elif child.is_file():
                yield from _incoming(child, skipped, notes, received, zone)
        return
    if SKIPPED_NAMES.search(path.name):
        skipped.append(str(path))
        return
    suffix = path.suffix.lower()
    if suffix == ".eml":
        message = _mail(path.read_bytes(), path, notes)
        if message is not None:
            yield from attachments_of(message, str(path))
    elif suffix == ".mbox":
        box = mailbox.mbox(str(path), factory=None, create=False)
        keys = list(box.iterkeys())
        if not keys:
            reason = "没有找到任何邮件（邮箱文件中每封邮件以“From ”行开头）"
            notes.append(problem("collect-not-mail", file=str(path), reason=reason))
        for key in keys:
            message = _mail(box.get_bytes(key), path, notes)
            if message is not None:
                yield from attachments_of(message, f"{path}#{key}")
    elif received is not None:
        yield Incoming(
            name=path.name,
            data=path.read_bytes(),
            received_at=received,
            received_how="given",
            origin="file",
            source_path=str(path),
        )
    else:
        modified = datetime.fromtimestamp(path.stat().st_mtime, zone)
        yield Incoming(
            name=path.name,
            data=path.read_bytes(),
            received_at=modified,
            received_how="mtime",
            origin="file",
            source_path=str(path),
        )


class _Shelf:
    """One returns folder being filled: the digests already there are read once, each file is written with
    "x" (never overwriting a stored return) and its receipt appended."""

    def __init__(self, folder: Path, zone: tzinfo, now: datetime | None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.zone = folder, zone
        self.known = {r.sha256 for r in read_receipts(folder)}
        self.collected_at = (now or datetime.now(UTC)).astimezone(zone).isoformat(timespec="seconds")

    def put(self, item: Incoming) -> Receipt | None:
        """Store an item and return its receipt; None when the same bytes are already stored."""
        digest = hashlib.sha256(item.data).hexdigest()
        if digest in self.known:
            return None
        name = _free_name(self.folder, safe_filename(item.name))
        with open(self.folder / name, "xb") as handle:
            handle.write(item.data)
        received = item.received_at if item.received_at.tzinfo else item.received_at.replace(tzinfo=self.zone)
        receipt = Receipt(
            file=name,
            original_name=item.name,
            sha256=digest,
            size=len(item.data),
            received_at=received.astimezone(self.zone).isoformat(timespec="seconds"),
            collected_at=self.collected_at,
            origin=item.origin,
            source_path=item.source_path,
            sender=item.sender,
            subject=item.subject,
            message_id=item.message_id,
            received_how=item.received_how,
        )
        append_record(self.folder / RECEIPTS, asdict(receipt))
        self.known.add(digest)
        return receipt


def store_incoming(
    folder: Path, items: Iterator[Incoming], zone: tzinfo, now: datetime | None = None
) -> tuple[list[Receipt], list[str]]:
    """Store each item unless the same bytes are already there; append a receipt for each stored one.
    Times are written in the office's zone, so a date read off a receipt is the office's date."""
    shelf = _Shelf(folder, zone, now)
    stored, duplicates = [], []
    for item in items:
        receipt = shelf.put(item)
        if receipt is None:
            duplicates.append(item.name)
        else:
            stored.append(receipt)
    return stored, duplicates


def _period_text(text: str) -> str | None:
    """A period named in a workbook's metadata, as folders name it ("2021-6" → "2021-06"); None when it is none."""
    try:
        return str(Period.parse(text))
    except ValueError:
        return None


def collect_returns(
    where: WorkspacePaths,
    period: Period | None,
    paths: list[Path],
    *,
    zone: tzinfo | None = None,
    received: datetime | None = None,
    now: datetime | None = None,
) -> CollectResult:
    """Bring files, folders, .eml and .mbox into source/returns/<period>/, one file in memory at a time.

    `zone` is the office's time zone (`clock.office_zone`; Asia/Shanghai when not given); `received` is when
    the clerk says plain files arrived. A workbook whose metadata names another period is stored under
    `period` with a note naming the right one, or under its own period when `period` is None (--period auto;
    a file that names none is then skipped with a note)."""
    office = zone or ZoneInfo(DEFAULT_TIMEZONE)
    skipped: list[str] = []
    notes: list[Problem] = []
    shelves: dict[str, _Shelf] = {}
    stored: list[Receipt] = []
    duplicates: list[str] = []
    filed: dict[str, str] = {}
    for path in paths:
        if not path.exists():
            skipped.append(str(path))
            continue
        for item in _incoming(path, skipped, notes, received, office):
            named = peek_period(item.data)
            found = _period_text(named) if named is not None else None
            if named is not None and found is None:  # metadata edited by hand: "2021-13"
                notes.append(problem("collect-period-invalid", file=item.name, found=named))
                if period is None:
                    skipped.append(item.source_path)
                    continue
            if period is None and found is None:
                notes.append(problem("collect-period-unknown", file=item.name))
                skipped.append(item.source_path)
                continue
            key = found if period is None and found else str(period)
            if key not in shelves:
                shelves[key] = _Shelf(where.returns(Period.parse(key)), office, now)
            receipt = shelves[key].put(item)
            if receipt is None:
                duplicates.append(item.name)
                continue
            stored.append(receipt)
            filed[receipt.file] = key
            if found is not None and found != key:
                notes.append(problem("collect-other-period", file=receipt.file, found=found, period=key))
    folder = where.returns(period) if period else where.source / "returns"
    return CollectResult(
        period=period,
        folder=folder,
        stored=stored,
        duplicates=duplicates,
        skipped=skipped,
        notes=notes,
        periods=filed if period is None else {},
    )
