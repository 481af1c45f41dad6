"""The one append-only store for the records under source/: receipts, corrections, send logs, round changes.

Records cannot be rebuilt from anything else, so they are only ever appended to, one JSON object a line, each
line flushed and fsync'ed before the call returns. A line torn by a full disk or a kill (no newline at the end,
or not JSON) never stops a command: `read_records` skips it and says where it was, and the next append starts
on a fresh line so the torn bytes never glue onto a good record. Every other file the tool writes — stored
returns, outputs, caches — is written aside and renamed (`written_aside`, `write_aside`), so a reader sees the
old file or the new one, never half of one; the temporary name beside it (`is_temporary`) is never taken for a
file of the workspace. An output another program holds open (WPS locks it on Windows, and the rename is
refused) is not lost either: the new file goes beside it under a name that says so (`displaced` tells which).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from .faults import crash_point

TEMPORARY = re.compile(r"^\..+\.\d+\.tmp$")
BESIDE = re.compile(r"^(?P<stem>.*)（新(?P<n>\d*)）(?P<suffix>\.[^.]*)?$")


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
        record = _record(raw)
        if isinstance(record, dict):
            found.records.append(record)
        else:
            found.torn.append(TornLine(path=path, line=number, text=raw[:80].decode("utf-8", "replace")))
    return found


def _record(raw: bytes) -> object:
    """A line's JSON value, None when it cannot be read."""
    try:
        return json_value(raw)
    except ValueError:
        return None


def json_value(raw: bytes) -> object:
    """The JSON value of UTF-8 bytes, read by orjson (a round's record of what was sent is a line of megabytes,
    read by every step of a large round; a merge cache tens of megabytes); what orjson refuses and the standard
    decoder reads (NaN, a huge integer, as the standard encoder writes them) by the standard decoder. Raises
    ValueError (UnicodeDecodeError among them) when neither can."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw.decode("utf-8"))


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


def current_user() -> str:
    """Who is making a change, for the "by" of a record: `LEDGER_USER` when a front end (the console) acts for
    someone it signed in, else the operating-system user; empty when neither can be told."""
    named = os.environ.get("LEDGER_USER", "").strip()
    if named:
        return named
    import getpass  # here: only a command that records a change asks who made it

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def is_temporary(name: str) -> bool:
    """A file being written aside (or left by a kill while it was): never a return, an output or a record."""
    return bool(TEMPORARY.match(name))


def temporary_beside(path: Path) -> Path:
    """The name a file is written under before it is renamed to `path`: hidden, in the same folder (so the
    rename is atomic), and this process's own."""
    return path.with_name(f".{path.name}.{os.getpid()}.tmp")


def durable(path: Path) -> None:
    """Flush a written file to the disk, so a rename after it never exposes an empty or half file."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _beside_name(path: Path, n: int) -> Path:
    return path.with_name(f"{path.stem}（新{n if n > 1 else ''}）{path.suffix}")


def displaced(path: Path) -> Path | None:
    """The output a file written beside stands for (汇总台账（新）.xlsx → 汇总台账.xlsx), else None."""
    found = BESIDE.match(path.name)
    return path.with_name(found["stem"] + (found["suffix"] or "")) if found else None


def put_in_place(temporary: Path, path: Path, *, displace: bool = True) -> Path:
    """Make a file written at `temporary` durable and rename it to `path`; returns where it now is. When `path`
    is open in another program that forbids replacing it (WPS, Excel on Windows), the file is put beside it as
    "<name>（新）" (then （新2）…), and that path is returned; without `displace` (an input such as the units file,
    which must be replaced or left alone) the PermissionError is raised."""
    durable(temporary)
    crash_point(f"write:{path.name}")  # a kill here: the new file is complete beside, the old one intact
    try:
        os.replace(temporary, path)
        return path
    except PermissionError:
        if not path.exists() or not displace:
            raise
        for n in range(1, 100):
            beside = _beside_name(path, n)
            try:
                os.replace(temporary, beside)
                return beside
            except PermissionError:
                continue
        raise


@dataclass(kw_only=True)
class Aside:
    """A file being written aside: write to `temporary`; after the block, `written` is where it went."""

    path: Path
    temporary: Path
    written: Path | None = None


@contextmanager
def written_aside(path: Path, *, displace: bool = True) -> Iterator[Aside]:
    """Write `path` whole through a temporary file beside it (any library can write to `aside.temporary`),
    made durable and renamed over `path` when the block ends without an error. A failure or a kill leaves the
    old `path` as it was; the temporary file is removed (or, after a kill, ignored and cleaned up later).
    `displace`: see `put_in_place`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = Aside(path=path, temporary=temporary_beside(path))
    try:
        yield aside
        aside.written = put_in_place(aside.temporary, path, displace=displace)
    finally:
        aside.temporary.unlink(missing_ok=True)


def copy_aside(source: Path, path: Path) -> Path:
    """Copy `source` to `path` as `write_aside` writes (the copy never read into memory). Returns where it went."""
    with written_aside(path) as aside:
        shutil.copyfile(source, aside.temporary)
    assert aside.written is not None
    return aside.written


def write_aside(path: Path, data: bytes) -> Path:
    """Write `path` whole: into a temporary file beside it, made durable, then renamed over it. Returns where
    the file went (beside `path` when `path` is held open elsewhere)."""
    with written_aside(path) as aside:
        aside.temporary.write_bytes(data)
    assert aside.written is not None
    return aside.written
