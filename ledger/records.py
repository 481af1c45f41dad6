"""The one append-only store for the records under source/: receipts, corrections, send logs, round changes.

Records cannot be rebuilt from anything else, so they are only ever appended to, one JSON object a line, each
line flushed and fsync'ed before the call returns. A line torn by a full disk or a kill (no newline at the end,
or not JSON) never stops a command: `read_records` skips it and says where it was, and the next append starts
on a fresh line so the torn bytes never glue onto a good record. Derived files (outputs, caches) are written
aside and renamed (`write_aside`), so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(kw_only=True)
class TornLine:
    """A line of a record that could not be read: where it is and how it begins."""

    path: Path
    line: int
    text: str


@dataclass(kw_only=True)
class RecordsRead:
    """The records of one file, in the order they were appended, and the lines that could not be read."""

    records: list[dict[str, object]] = field(default_factory=list)
    torn: list[TornLine] = field(default_factory=list)


def read_records(path: Path) -> RecordsRead:
    """Every readable record of `path` (none when it does not exist); unreadable lines are listed, not raised."""
    found = RecordsRead()
    if not path.is_file():
        return found
    data = path.read_bytes()
    for number, raw in enumerate(data.split(b"\n"), 1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            record = None
        if isinstance(record, dict):
            found.records.append(record)
        else:
            found.torn.append(TornLine(path=path, line=number, text=raw[:80].decode("utf-8", "replace")))
    return found


def append_record(path: Path, record: Mapping[str, object]) -> None:
    """Append one record as a line and make it durable. A torn last line left by an earlier crash is closed
    first, so this record stands on a line of its own."""
    line = json.dumps(record, ensure_ascii=False, default=str).encode("utf-8") + b"\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        size = os.fstat(descriptor).st_size
        if size:
            with open(path, "rb") as existing:
                existing.seek(size - 1)
                if existing.read(1) != b"\n":
                    line = b"\n" + line
        os.write(descriptor, line)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_aside(path: Path, data: bytes) -> None:
    """Write `path` whole: into a temporary file beside it, made durable, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
