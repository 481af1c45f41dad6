"""Store returned files, byte for byte, under source/returns/<period>/ with a receipt for each.

Returns arrive as workbooks, folders of them, .eml messages and .mbox files. Each file (or attachment) is
stored once however often it arrives, under a sanitised name that never leaves the folder nor overwrites
another file. Stored files are inputs: nothing here or anywhere else edits or deletes them.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import json
import mailbox
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from .model import Period
from .paths import RECEIPTS, WorkspacePaths, safe_filename

SKIPPED_NAMES = re.compile(r"^(\.|~\$)|^(thumbs\.db|desktop\.ini)$", re.I)


@dataclass
class Receipt:
    """Where a stored return came from. received_at orders returns (the latest from a unit wins)."""

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


@dataclass
class CollectResult:
    period: Period
    folder: Path
    stored: list[Receipt]
    duplicates: list[str]  # names of incoming files whose bytes were already stored
    skipped: list[str]  # paths passed over (lock files, hidden files, unreadable mail)


def read_receipts(folder: Path) -> list[Receipt]:
    path = folder / RECEIPTS
    if not path.is_file():
        return []
    return [Receipt(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _free_name(folder: Path, name: str) -> str:
    if not (folder / name).exists():
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, "." + suffix) if dot else (name, "")
    n = 2
    while (folder / f"{stem} ({n}){suffix}").exists():
        n += 1
    return f"{stem} ({n}){suffix}"


@dataclass
class Incoming:
    """A file on its way in, before it is stored: from a folder, a message or an IMAP folder."""

    name: str
    data: bytes
    received_at: datetime
    origin: str
    source_path: str
    sender: str = ""
    subject: str = ""
    message_id: str = ""


def attachments_of(message: EmailMessage, source: str) -> Iterator[Incoming]:
    """Every attachment of a reply, with its sender and the date it was sent (which orders returns)."""
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    try:
        sent = parsedate_to_datetime(str(message["Date"])) if message.get("Date") else None
    except (TypeError, ValueError):
        sent = None
    received = sent or datetime.now(UTC)
    for part in message.iter_attachments():
        name = part.get_filename()
        data = part.get_payload(decode=True)
        if not name or not isinstance(data, bytes):
            continue
        yield Incoming(
            name,
            data,
            received,
            "email",
            source,
            sender,
            str(message.get("Subject", "")),
            str(message.get("Message-ID", "")),
        )


def _incoming(path: Path, skipped: list[str]) -> Iterator[Incoming]:
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file():
                yield from _incoming(child, skipped)
        return
    if SKIPPED_NAMES.search(path.name):
        skipped.append(str(path))
        return
    suffix = path.suffix.lower()
    if suffix == ".eml":
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        yield from attachments_of(message, str(path))
    elif suffix == ".mbox":
        box = mailbox.mbox(str(path), factory=None, create=False)
        for key in box.iterkeys():
            raw = box.get_bytes(key)
            message = email.message_from_bytes(raw, policy=email.policy.default)
            yield from attachments_of(message, f"{path}#{key}")
    else:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        yield Incoming(path.name, path.read_bytes(), modified, "file", str(path))


def store_incoming(
    folder: Path, items: Iterator[Incoming], now: datetime | None = None
) -> tuple[list[Receipt], list[str]]:
    """Store each item unless the same bytes are already there; append a receipt for each stored one."""
    folder.mkdir(parents=True, exist_ok=True)
    known = {r.sha256 for r in read_receipts(folder)}
    collected_at = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    stored, duplicates = [], []
    for item in items:
        digest = hashlib.sha256(item.data).hexdigest()
        if digest in known:
            duplicates.append(item.name)
            continue
        name = _free_name(folder, safe_filename(item.name))
        with open(folder / name, "xb") as handle:  # "x": never overwrite a stored return
            handle.write(item.data)
        receipt = Receipt(
            name,
            item.name,
            digest,
            len(item.data),
            item.received_at.isoformat(timespec="seconds"),
            collected_at,
            item.origin,
            item.source_path,
            item.sender,
            item.subject,
            item.message_id,
        )
        with open(folder / RECEIPTS, "a", encoding="utf-8") as log:
            log.write(json.dumps(asdict(receipt), ensure_ascii=False) + "\n")
        known.add(digest)
        stored.append(receipt)
    return stored, duplicates


def collect_returns(
    where: WorkspacePaths, period: Period, paths: list[Path], now: datetime | None = None
) -> CollectResult:
    """Bring files, folders, .eml and .mbox into source/returns/<period>/."""
    folder = where.returns(period)
    skipped: list[str] = []

    def all_items() -> Iterator[Incoming]:
        for path in paths:
            if not path.exists():
                skipped.append(str(path))
                continue
            yield from _incoming(path, skipped)

    stored, duplicates = store_incoming(folder, all_items(), now)
    return CollectResult(period, folder, stored, duplicates, skipped)
