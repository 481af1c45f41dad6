"""Store returned files, byte for byte, under source/returns/<period>/ with a receipt for each.

Returns arrive as workbooks, folders of them, .eml messages and .mbox files. Each file (or attachment) is
stored once however often it arrives, under a sanitised name that never leaves the folder nor overwrites
another file. Stored files are inputs: nothing here or anywhere else edits or deletes them.

A file is stored first (written aside and renamed, so it is whole or absent), then its receipt appended. A
kill between the two leaves a stored file without a receipt: the next collect of the same bytes gives it its
receipt (`collect-receipt-added`) instead of storing a copy, and removes temporary files a kill left behind.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from .clock import DEFAULT_TIMEZONE, parse_local, plausible_received, received_window
from .clock import now as office_now
from .config import DEFAULT_LIMITS, Config, Limits, RoundKind
from .deadlines import chinese_moment
from .faults import crash_point
from .model import Period
from .paths import RECEIPTS, RECORDS, WorkspacePaths, safe_filename, undecodable
from .problems import Problem, ProblemError, problem
from .records import TornLine, append_record, is_temporary, put_in_place, read_records, temporary_beside
from .schedule import RHYTHM_NAMES, round_due
from .sent import ran_rounds

if TYPE_CHECKING:
    import email.message
    from email.message import EmailMessage

# Compiled (by `re`, once) when files are collected, not at the start of every command that reads returns.
SKIPPED_NAMES = r"(?i)^(\.|~\$)|^(thumbs\.db|desktop\.ini)$"

# How a received time was known, from the most to the least certain (collect prints it; returns list shows it).
ReceivedHow = Literal["server", "mail", "given", "corrected", "mtime", "collected", ""]
RECEIVED_HOW_NAMES = {
    "server": "本单位收信服务器的接收时间",
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
    sent_at: str = ""  # the mail's own Date, as the sender's computer claims it ("" when none or garbage)
    claimed_at: str = ""  # a received time outside the plausible window, replaced by collected_at


@dataclass(kw_only=True)
class CollectResult:
    period: Period | None  # None: each file went to the period its own metadata names (--period auto)
    folder: Path
    stored: list[Receipt]
    duplicates: list[str]  # names of incoming files whose bytes were already stored
    skipped: list[str]  # paths passed over (lock files, hidden files, unreadable mail)
    notes: list[Problem] = field(default_factory=list)  # what intake noticed: a workbook of another period …
    periods: dict[str, str] = field(default_factory=dict)  # stored file -> its period, with --period auto


EARLIEST_ROUND = Period(2000, 1, "year")  # a window's start when the round is not known (collect --period auto)


class IntakeError(ProblemError):
    """A time or name given at intake that cannot be understood."""


def parse_received(
    text: str, config: Config, paths: WorkspacePaths, period: Period | None = None, now: datetime | None = None
) -> datetime:
    """A received time the clerk types ("2021-07-04 10:30", "7月4日 下午3:30": a day without its year is of the year
    nearest the round's due date, `clock.nearest_year`; refused when the round is not known), in the office's zone,
    inside the one plausible window (`clock.received_window`: from the round's start, or 2000 when the round is not
    known, to a day after now). Raises IntakeError: 9999-12-31 would date the report 9999."""
    try:
        moment = parse_local(text, config, round_due(config, paths, period) if period else None)
    except (ValueError, OverflowError) as exc:  # OverflowError: 9999-12-31 in a zone east of UTC
        raise IntakeError("received-time-invalid", text=text) from exc
    current = now or office_now(config)
    start, limit = received_window(period or EARLIEST_ROUND, current)
    if not start <= moment <= limit:
        raise IntakeError("received-time-outside", text=text, start=f"{start:%Y-%m-%d}", limit=f"{limit:%Y-%m-%d}")
    return moment


def read_receipts(folder: Path) -> list[Receipt]:
    known = {f.name for f in fields(Receipt)}
    return [
        Receipt(**{k: v for k, v in r.items() if k in known})  # type: ignore[arg-type]
        for r in read_records(folder / RECEIPTS).records
        if isinstance(r.get("file"), str)
    ]


def torn_problems(root: Path, torn: list[TornLine]) -> list[Problem]:
    """Lines of a record torn by a full disk or a kill: skipped, and said (file, line, how it begins)."""
    return [
        problem(
            "record-torn",
            file=str(t.path.relative_to(root) if t.path.is_relative_to(root) else t.path),
            line=t.line,
            text=t.text[:40],
        )
        for t in torn
    ]


def _free_name(taken: set[str], name: str) -> str:
    """`name`, or "name (2)" …, whichever no file in the folder has in any case (`taken`: their names casefolded):
    a workspace copied to Windows, whose names ignore case, keeps 报送.xlsx and 报送.XLSX apart."""
    if name.casefold() not in taken:
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, suffix = (stem, "." + suffix) if dot else (name, "")
    n = 2
    while f"{stem} ({n}){suffix}".casefold() in taken:
        n += 1
    return f"{stem} ({n}){suffix}"


@dataclass(kw_only=True)
class Incoming:
    """A file on its way in, before it is stored: from a folder, a message or an IMAP folder."""

    name: str
    data: bytes
    received_at: datetime | None  # None: not known, the collection time is used
    received_how: ReceivedHow
    origin: str
    source_path: str
    sender: str = ""
    subject: str = ""
    message_id: str = ""
    sent_at: datetime | None = None  # a mail's own Date


# A file sent without a name is still taken when its type says what it is; it is named after the type.
NAMELESS_SUFFIXES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
    "text/csv": ".csv",
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
# A signed mail's signature (S/MIME, PGP): part of the message, as its text is, never a file the unit sent.
SIGNATURES = {"application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-signature"}
SIGNATURE_NAMES = (".p7s", ".asc", ".sig", ".gpg", ".pgp")  # what a signature part is named, when it is
GB_CHARSETS = ("gbk", "gb2312", "x-gbk", "cp936")  # what Chinese mail clients label GBK text, read as GB18030
MAIL_DATE_SLACK = timedelta(days=1)  # a Date further than this from the server's time is flagged


def mail_time(text: object) -> datetime | None:
    """An RFC 5322 date as a moment in UTC; None when absent, garbage or beyond the calendar (9999-12-31 -1200)."""
    from email.utils import parsedate_to_datetime  # mail is parsed by collect only, not by every reader

    if not text:
        return None
    try:
        moment = parsedate_to_datetime(str(text).strip())
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None


def server_received(message: EmailMessage) -> datetime | None:
    """When the office's own server received a message: the date after the last ';' of the topmost Received
    header, which that server wrote (the ones below were written by servers the sender controls)."""
    headers = message.get_all("Received") or []
    return mail_time(str(headers[0]).rpartition(";")[2]) if headers else None


def attachment_filename(part: email.message.Message) -> str | None:
    """An attachment's name. Where the mail library gives none or a damaged one (with \ufffd), the header is read
    again: a name written in raw 8-bit bytes without saying their charset (older Chinese mail clients write GBK
    so) as UTF-8 when it is that, else as GB18030, rather than kept as mojibake; and RFC 2047 encoded words in the
    parameter (`_encoded_words`)."""
    import email.message

    name = part.get_filename()
    if name and "\ufffd" not in name:
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
            found = _rfc2231_gb_name(header, key) or header.get_filename()
            if found:
                return _encoded_words(found) if "=?" in found else found
    return name


def _rfc2231_gb_name(header: email.message.Message, key: str) -> str | None:
    """A name in RFC 2231's form (filename*=gb2312''%D5%C5…) labelled GB2312 or GBK, read as GB18030: Chinese
    clients label GBK text GB2312, and a character GB2312 lacks (喆, 堃, 镕: in people's names) was "��". None for
    a name in any other form or charset."""
    value = header.get_param("filename" if key.lower() == "content-disposition" else "name", header=key)
    if not isinstance(value, tuple) or (value[0] or "").lower() not in GB_CHARSETS:
        return None
    return value[2].encode("latin-1", errors="replace").decode("gb18030", errors="replace")


def _encoded_words(text: str) -> str:
    """A name written as RFC 2047 encoded words inside the parameter, decoded with the words of one charset joined
    first: clients that cut a long name into words by bytes split a character between two, which decoded word by
    word is "财��局"; and one written without quotes is no name at all to the mail library. GBK and GB2312 are
    read as GB18030, which holds both."""
    from email.header import decode_header

    try:
        words = decode_header(text)
    except ValueError:  # a damaged encoded word: the text as it is
        return text
    decoded = []
    for data, charset in words:
        if isinstance(data, str):
            decoded.append(data)
            continue
        charset = "gb18030" if (charset or "").lower() in GB_CHARSETS else charset or "ascii"
        try:
            decoded.append(data.decode(charset, errors="replace"))
        except LookupError:  # a charset Python does not know
            return text
    return "".join(decoded)


def attachments_of(
    message: EmailMessage, source: str, received: datetime | None = None
) -> tuple[list[Incoming], list[str], list[str]]:
    """Every file of a reply, however deep its multiparts nest, with its sender and when the office's server
    received it (`received`: the IMAP INTERNALDATE, else the topmost Received header; the Date header only when
    neither is there). Also why a part that looks like a file was not taken, and the names of the named files
    that were empty or could not be decoded: those are said even when others were taken."""
    from email.utils import parseaddr

    sender = parseaddr(str(message.get("From", "")))[1].lower()
    sent = mail_time(message.get("Date"))
    server = received or server_received(message)
    when, how = (server, "server") if server else (sent, "mail") if sent else (None, "collected")
    items: list[Incoming] = []
    passed: list[str] = []
    lost: list[str] = []
    shown = _body_pictures(message)
    pictures = 0
    for part in message.walk():
        if part.is_multipart():
            continue
        if part in shown:
            pictures += 1
            continue
        kind, name = part.get_content_type(), attachment_filename(part)
        if kind in SIGNATURES and (not name or name.lower().endswith(SIGNATURE_NAMES)):
            continue  # a workbook typed as a signature is still a workbook
        if not name and kind in NAMELESS_SUFFIXES:
            name = f"未命名附件{len(items) + 1}{NAMELESS_SUFFIXES[kind]}"
        if not name:
            if part.get_content_disposition() == "attachment":
                passed.append(f"附件没有文件名（{kind}）")
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            passed.append(f"附件“{name}”{'是空文件（0字节）' if data == b'' else '无法解码'}")
            lost.append(name)
            continue
        items.append(
            Incoming(
                name=name,
                data=data,
                received_at=when,
                received_how=how,  # type: ignore[arg-type]
                origin="email",
                source_path=source,
                sender=sender,
                subject=str(message.get("Subject", "")),
                message_id=str(message.get("Message-ID", "")),
                sent_at=sent,
            )
        )
    if not items and not passed:
        passed.append(f"邮件只有正文（含正文中的{pictures}张图片），没有附件" if pictures else "邮件只有正文，没有附件")
    return items, passed, lost


def _body_pictures(message: EmailMessage) -> list[email.message.Message]:
    """The pictures a message's HTML body shows (<img src="cid:…">), not attached as files: a signature's logo,
    an emoji. They are part of the message, as its text is; a reply "收到" with its sender's logo was stored as a
    scan, and its unit taken for one that sent a scan without its workbook."""
    referenced = set()
    for part in message.walk():
        if part.get_content_type() == "text/html":
            try:
                html = str(part.get_content())
            except (LookupError, ValueError, AssertionError):  # a charset Python does not know, a damaged part
                continue
            referenced |= {cid.lower() for cid in re.findall(r"(?i)cid:([^\"'\s>)]+)", html)}
    if not referenced:
        return []
    return [
        part
        for part in message.walk()
        if part.get_content_maintype() == "image"
        and part.get_content_disposition() != "attachment"
        and str(part.get("Content-ID", "")).strip().strip("<>").lower() in referenced
    ]


def nothing_taken(source: str, passed: list[str]) -> Problem:
    """A message no file was taken from, and why: it is listed, never dropped silently."""
    return problem("mail-nothing-taken", file=source, reason="；".join(passed))


MAIL_HEADERS = ("From", "Date", "Subject", "To", "Message-ID", "Received", "MIME-Version")


def read_message(raw: bytes, source: str, notes: list[Problem], received: datetime | None = None) -> list[Incoming]:
    """The files of one message. Each message is handled on its own: one that cannot be parsed at all is a note,
    never the end of the run; a file with no mail header at all (junk named .eml) is said to be no mail."""
    import email
    import email.policy

    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        if not any(message.get(name) for name in MAIL_HEADERS):
            notes.append(problem("collect-not-mail", file=source, reason="没有发件人、日期、主题等邮件头"))
            return []
        items, passed, lost = attachments_of(message, source, received)
    except Exception:  # the email package raises many kinds of error on hostile headers
        items, passed, lost = [], ["邮件格式损坏，无法解析（请对方重新发送）"], []
    if not items:
        notes.append(nothing_taken(source, passed))
        return []
    return _message_files(items, source, notes, [problem("mail-attachment-empty", file=source, name=n) for n in lost])


def _message_files(items: list[Incoming], source: str, notes: list[Problem], found: list[Problem]) -> list[Incoming]:
    """The files of a message's attachments, unpacked, with `found` and what unpacking says added to `notes`; none
    when they are more files or bytes in all than one archive may hold (`read.MAX_MEMBERS`,
    `read.MAX_UNCOMPRESSED`), which is said instead: 500 attachments were 500 stored files, 500 zips of 100
    files 50,000, all in memory at once. The count stops where the cap is passed."""
    from .read import MAX_MEMBERS, MAX_UNCOMPRESSED  # here: the returns' readers are for intake and merge

    files: list[Incoming] = []
    size = 0
    for item in items:
        for file in _unpacked(item, found):
            files.append(file)
            size += len(file.data)
            if len(files) > MAX_MEMBERS or size > MAX_UNCOMPRESSED:
                beyond = f"{MAX_MEMBERS}个" if len(files) > MAX_MEMBERS else f"{MAX_UNCOMPRESSED // 1024 // 1024} MB"
                notes.append(nothing_taken(source, [f"附件（含压缩包中的文件）超过{beyond}，为安全起见一个也未存入"]))
                return []
    notes += found
    return files


ARCHIVE_DEPTH = 3  # archives inside archives unpacked, at most


def _unpacked(item: Incoming, notes: list[Problem]) -> Iterator[Incoming]:
    """A file, or when it is named .zip (not a workbook) the files packed in it, or when it is named .eml (a mail
    forwarded as an attachment) the files attached to that mail, each stored byte for byte as a file of the same
    arrival (sender, time, message), named as packed, its original name the container's path to it: an archive
    is a container, as a mail is, and the workbook inside is the return. One that cannot be unpacked safely
    (damaged, encrypted, beyond the caps, nested too deep) is stored whole, and said; so is one that unpacks to
    more files or bytes in all, the archives inside it counted, than one archive may hold (`read.MAX_MEMBERS`,
    `read.MAX_UNCOMPRESSED`): each was capped on its own, and 10 zips of 10 zips of 10 files were 1,000."""
    from .read import MAX_MEMBERS, MAX_UNCOMPRESSED, ReturnError  # here: the returns' readers are for intake and merge

    found: list[Problem] = []
    budget = [MAX_MEMBERS, MAX_UNCOMPRESSED]  # files and bytes this attachment may still unpack to
    try:
        files = list(_members(item, found, 0, budget))
    except ReturnError as exc:
        notes.append(problem("collect-archive-kept", file=item.name, reason=problem(exc.code, **exc.fields).message))
        yield item
        return
    notes += found
    yield from files


def _members(item: Incoming, notes: list[Problem], depth: int, budget: list[int]) -> Iterator[Incoming]:
    """`_unpacked` at one depth, each file unpacked taken from `budget`; raises ReturnError beyond it."""
    from .read import MAX_MEMBERS, MAX_UNCOMPRESSED, ReturnError, archive_files

    suffix = item.name.lower().rpartition(".")[2]
    try:
        if suffix == "zip":
            files = archive_files(item.data)
        elif suffix == "eml":
            files = _attached_files(item.data, item.source_path)
        else:
            files = []  # an .ofd, a .docx, a workbook: a file of its own, not a container
        if files and depth >= ARCHIVE_DEPTH:
            raise ReturnError("return-too-large", size=f"{ARCHIVE_DEPTH}层以上的压缩包")
    except ReturnError as exc:
        notes.append(problem("collect-archive-kept", file=item.name, reason=problem(exc.code, **exc.fields).message))
        files = []
    if not files:
        if depth:  # a file unpacked, not the attachment itself
            budget[0] -= 1
            budget[1] -= len(item.data)
            if budget[0] < 0 or budget[1] < 0:
                beyond = f"{MAX_MEMBERS}个文件" if budget[0] < 0 else f"{MAX_UNCOMPRESSED // 1024 // 1024} MB"
                raise ReturnError("return-too-large", size=f"{beyond}以上（含其中压缩包里的文件）")
        yield item
        return
    for name, data in files:
        if not re.search(SKIPPED_NAMES, re.split(r"[\\/]", name)[-1]):
            member = replace(item, name=f"{item.name}/{name}", data=data, source_path=f"{item.source_path}#{name}")
            yield from _members(member, notes, depth + 1, budget)


def _attached_files(data: bytes, source: str) -> list[tuple[str, bytes]]:
    """The files of a mail a unit attached as an .eml, each with its name; [] for one that is no mail or has none
    (it is then stored as it came, and merge says what it is)."""
    import email
    import email.policy

    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        if not any(message.get(name) for name in MAIL_HEADERS):
            return []
        return [(file.name, file.data) for file in attachments_of(message, source)[0]]
    except Exception:  # the email package raises many kinds of error on hostile headers
        return []


def readable(text: str) -> str:
    """A file name or path as text a receipt and a terminal can hold. On Linux, a folder unpacked from a zip made
    on Chinese Windows (or a USB stick mounted without its charset) holds names in GBK bytes, which Python gives
    as undecodable surrogates: those bytes are read as GB18030, as raw 8-bit attachment names are, each folder
    name on its own (the folders above may well be UTF-8)."""
    if undecodable(text):
        return "/".join(_decoded(part) for part in os.fsencode(text).split(b"/"))
    return text


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def _incoming(
    path: Path, skipped: list[str], received: datetime | None, zone: tzinfo, notes: list[Problem]
) -> Iterator[Incoming]:
    """The files under a path; a plain file arrived when the clerk says (`received`), else when it was last
    modified, taken in the office's zone. A message nothing is taken from is noted with the reason. A symbolic
    link is never followed (it may point at any file of the machine): it is noted and passed over, and so is
    whatever lies under a linked folder."""
    shown = readable(str(path))
    if path.is_symlink():
        notes.append(problem("collect-symlink", file=shown, target=readable(os.readlink(path))))
        return
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if any((path / folder).is_symlink() for folder in child.relative_to(path).parents):
                continue  # under a linked folder, whose link is noted itself
            if child.is_symlink():
                link = readable(os.readlink(child))
                notes.append(problem("collect-symlink", file=readable(str(child)), target=link))
            elif child.is_file():
                yield from _incoming(child, skipped, received, zone, notes)
        return
    if passed_over(path.name):
        skipped.append(shown)
        return
    try:
        yield from _file_items(path, shown, received, zone, notes)
    except OSError as exc:  # gone since it was listed, or held by another program (Windows): the others go on
        notes.append(problem("collect-file-unreadable", file=shown, reason=read_failure(exc)))


def passed_over(name: str) -> bool:
    """A file a folder holds beside the returns that no unit sent: Excel's and WPS's ~$ lock files, hidden files
    (a Mac's ._ and .DS_Store), Thumbs.db, desktop.ini."""
    return re.search(SKIPPED_NAMES, name) is not None


def read_failure(exc: OSError) -> str:
    """Why a file could not be read, in the office's words (the system's strerror is English)."""
    if isinstance(exc, FileNotFoundError):
        return "文件已被移走或删除"
    if isinstance(exc, PermissionError):
        return "没有读取权限，或正被其他程序打开"
    return "读取出错，可能是磁盘或网络故障"


def _file_items(
    path: Path, shown: str, received: datetime | None, zone: tzinfo, notes: list[Problem]
) -> Iterator[Incoming]:
    """The files of one file: the attachments of a message or of every message of a mailbox, or itself."""
    suffix = path.suffix.lower()
    if suffix == ".eml":
        yield from read_message(path.read_bytes(), shown, notes)
    elif suffix == ".mbox":
        import mailbox

        box = mailbox.mbox(str(path), factory=None, create=False)
        keys = list(box.iterkeys())
        if not keys:
            reason = "没有找到任何邮件（邮箱文件中每封邮件以“From ”行开头）"
            notes.append(problem("collect-not-mail", file=shown, reason=reason))
        for key in keys:
            yield from read_message(box.get_bytes(key), f"{shown}#{key}", notes)
    else:
        how: ReceivedHow = "given" if received is not None else "mtime"
        if received is None:
            try:
                received = datetime.fromtimestamp(path.stat().st_mtime, zone)
            except (OverflowError, OSError, ValueError):  # a modification time beyond the calendar
                received = datetime(1970, 1, 1, tzinfo=UTC)  # outside every window: the collection time is used
        file = Incoming(
            name=readable(path.name),
            data=path.read_bytes(),
            received_at=received,
            received_how=how,
            origin="file",
            source_path=shown,
        )
        yield from _unpacked(file, notes)


class _Shelf:
    """One returns folder being filled: the digests already there are read once, each file is stored whole
    (written aside and renamed, never over a stored return) and then its receipt appended. Files stored
    without a receipt (a kill came between the two) are known by their digest, so the same bytes arriving
    again get the missing receipt instead of a copy."""

    def __init__(self, folder: Path, zone: tzinfo, now: datetime | None, period: Period) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.zone, self.period = folder, zone, period
        receipts = read_records(folder / RECEIPTS)
        self.torn = receipts.torn
        known = read_receipts(folder)
        self.known = {r.sha256 for r in known}
        self.unreceipted: dict[str, str] = {}  # digest -> name of a stored file that has no receipt
        named = {r.file for r in known}
        for path in folder.iterdir():
            if is_temporary(path.name):
                path.unlink(missing_ok=True)  # left by a kill while it was written: never a return
            elif path.is_file() and path.name not in named and path.name not in RECORDS and not undecodable(path.name):
                self.unreceipted.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path.name)
        self.taken = {path.name.casefold() for path in folder.iterdir()}  # for `_free_name`
        self.completed: list[str] = []  # stored files that got their receipt only now
        self.now = (now or datetime.now(UTC)).astimezone(zone)
        self.collected_at = self.now.isoformat(timespec="seconds")

    def _store(self, name: str, data: bytes) -> None:
        """The file whole under `name`, or not at all."""
        temporary = temporary_beside(self.folder / name)
        try:
            with open(temporary, "xb") as handle:
                handle.write(data)
            crash_point("collect:writing")
            put_in_place(temporary, self.folder / name)
        finally:
            temporary.unlink(missing_ok=True)

    def put(self, item: Incoming) -> Receipt | None:
        """Store an item and return its receipt; None when the same bytes are already stored."""
        digest = hashlib.sha256(item.data).hexdigest()
        if digest in self.known:
            return None
        name = self.unreceipted.pop(digest, "")
        if name:
            self.completed.append(name)
        else:
            name = _free_name(self.taken, safe_filename(item.name))
            crash_point("collect:before-store")
            self._store(name, item.data)
            self.taken.add(name.casefold())
            crash_point("collect:after-store")
        received = item.received_at or self.now
        received = received if received.tzinfo else received.replace(tzinfo=self.zone)
        how, claimed = item.received_how, ""
        if not plausible_received(received, self.period, self.now):  # before the round, or in the future
            how, claimed, received = "collected", _office_iso(received, self.zone), self.now
        receipt = Receipt(
            file=name,
            original_name=item.name,
            sha256=digest,
            size=len(item.data),
            received_at=_office_iso(received, self.zone),
            collected_at=self.collected_at,
            origin=item.origin,
            source_path=item.source_path,
            sender=item.sender,
            subject=item.subject,
            message_id=item.message_id,
            received_how=how,
            sent_at=_office_iso(item.sent_at, self.zone) if item.sent_at else "",
            claimed_at=claimed,
        )
        append_record(self.folder / RECEIPTS, asdict(receipt))
        crash_point("collect:after-receipt")
        self.known.add(digest)
        return receipt

    def notes(self, paths: WorkspacePaths) -> list[Problem]:
        """What this shelf found of an interrupted run: torn receipt lines, receipts written only now."""
        completed = [problem("collect-receipt-added", file=f) for f in self.completed]
        return [*torn_problems(paths.root, self.torn), *completed]


def _office_iso(moment: datetime, zone: tzinfo) -> str:
    """A moment as receipts write it, in the office's zone; one the zone cannot hold (year 9999) stays in UTC."""
    try:
        return moment.astimezone(zone).isoformat(timespec="seconds")
    except OverflowError:
        return moment.isoformat(timespec="seconds")


def intake_problems(receipt: Receipt, period: Period) -> list[Problem]:
    """What a receipt says about its received time: a time outside the plausible window (replaced by the
    collection time), a mail whose Date is far from when the office's server received it. Said at collect
    and again by every merge, until the office corrects the time (ledger returns set-received)."""
    if receipt.received_how == "corrected":
        return []
    found = []
    if receipt.claimed_at:
        start = received_window(period, datetime.fromisoformat(receipt.collected_at))[0]
        found.append(
            problem(
                "received-time-implausible",
                file=receipt.file,
                found=chinese_moment(receipt.claimed_at),
                start=chinese_moment(start),
                used=chinese_moment(receipt.collected_at),
                period=str(period),
            )
        )
    if receipt.received_how == "server" and receipt.sent_at:
        sent, received = datetime.fromisoformat(receipt.sent_at), datetime.fromisoformat(receipt.received_at)
        if abs(sent - received) > MAIL_DATE_SLACK:
            found.append(
                problem(
                    "received-date-differs",
                    file=receipt.file,
                    sent=chinese_moment(receipt.sent_at),
                    received=chinese_moment(receipt.received_at),
                )
            )
    return found


def store_incoming(
    folder: Path, items: Iterator[Incoming], zone: tzinfo, period: Period, now: datetime | None = None
) -> tuple[list[Receipt], list[str]]:
    """Store each item unless the same bytes are already there; append a receipt for each stored one.
    Times are written in the office's zone, so a date read off a receipt is the office's date."""
    shelf = _Shelf(folder, zone, now, period)
    stored, duplicates = [], []
    for item in items:
        receipt = shelf.put(item)
        if receipt is None:
            duplicates.append(item.name)
        else:
            stored.append(receipt)
    return stored, duplicates


def _period_text(text: str, rhythm: RoundKind, ran: list[Period]) -> str | None:
    """A round named in a workbook's metadata, as folders name it ("2021-6" → "2021-06"); None when it is none,
    or a period of another length than the ledger's rounds (a year, a week on a monthly ledger) and no round the
    office ran (`ran`: June, run before the rhythm was turned quarterly, is one): no round would ever read a file
    stored there."""
    try:
        found = Period.parse(text)
    except ValueError:
        return None
    return str(found) if found.kind == rhythm or found in ran else None


def collect_returns(
    where: WorkspacePaths,
    period: Period | None,
    paths: list[Path],
    *,
    zone: tzinfo | None = None,
    received: datetime | None = None,
    now: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
    rhythm: RoundKind = "month",
) -> CollectResult:
    """Bring files, folders, .eml and .mbox into source/returns/<period>/, one file in memory at a time.

    `zone` is the office's time zone (`clock.office_zone`; Asia/Shanghai when not given); `received` is when
    the clerk says plain files arrived. A workbook whose metadata names another period is stored under
    `period` with a note naming the right one, or under its own period when `period` is None (--period auto;
    a file that names none is then skipped with a note). `limits` bound what is read of a file to find its
    period; `rhythm` is the length of the ledger's rounds (`[ledger] round`), the only periods a file is filed
    under."""
    from .read import peek_period  # here: the returns' readers are for intake and merge, not every command

    office = zone or ZoneInfo(DEFAULT_TIMEZONE)
    skipped: list[str] = []
    notes: list[Problem] = []
    shelves: dict[str, _Shelf] = {}
    stored: list[Receipt] = []
    duplicates: list[str] = []
    filed: dict[str, str] = {}
    ran = ran_rounds(where)
    for path in paths:
        if not path.exists():
            skipped.append(readable(str(path)))
            continue
        for item in _incoming(path, skipped, received, office, notes):
            named = peek_period(item.data, limits)
            found = _period_text(named, rhythm, ran) if named is not None else None
            if named is not None and found is None:  # metadata edited by hand: "2021-13", "2020"
                rounds = RHYTHM_NAMES[rhythm]
                notes.append(problem("collect-period-invalid", file=item.name, found=named, rhythm=rounds))
                if period is None:
                    skipped.append(item.source_path)
                    continue
            if period is None and found is None:
                notes.append(problem("collect-period-unknown", file=item.name))
                skipped.append(item.source_path)
                continue
            key = found if period is None and found else str(period)
            if key not in shelves:
                shelves[key] = _Shelf(where.returns(Period.parse(key)), office, now, Period.parse(key))
            receipt = shelves[key].put(item)
            if receipt is None:
                duplicates.append(item.name)
                continue
            stored.append(receipt)
            filed[receipt.file] = key
            notes += intake_problems(receipt, Period.parse(key))
            if found is not None and found != key:
                notes.append(problem("collect-other-period", file=receipt.file, found=found, period=key))
    for shelf in shelves.values():
        notes += shelf.notes(where)
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
