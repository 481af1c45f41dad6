"""E-mail: each unit's workbook out, reminders to the late and the wrong, replies in from an IMAP folder.

Messages are composed from jinja2 templates in templates/. The default is a dry run that writes .eml files to
build/<period>/mail/ for review; sending goes over SMTP and is recorded in a send log kept with the inputs
(source/mail/<period>.jsonl), because what was sent cannot be rebuilt: running again never sends the same
file to the same unit twice, even after build/ is deleted.

Exactly once, or said: the log gets a "sending" record before each message goes out (nothing is sent when it
cannot be written) and its outcome after. A message whose content reached the server but whose acceptance is
unknown — the connection dropped after DATA, a 4xx answer to it, or the process gone between the two records —
is "uncertain" (不确定是否送达): never sent again by itself, only when the clerk names its unit with --resend.
"""

from __future__ import annotations

import base64
import contextlib
import email.policy
import hashlib
import imaplib
import json
import mimetypes
import os
import re
import smtplib
import socket
import ssl
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.parser import BytesHeaderParser
from email.utils import format_datetime, formataddr
from pathlib import Path
from urllib.parse import quote

from .cells import tidy
from .clock import local_date, local_time, office_zone
from .collect import CollectResult, intake_problems, nothing_taken, read_message, store_incoming
from .config import MailConfig
from .entries import MergeResult, ReturnInfo
from .layout import attachment_name
from .model import Period
from .outbox import Manifest
from .paths import safe_filename
from .problems import ERROR, Problem, problem
from .records import append_record, read_records, write_aside
from .report import awaiting_redo, sent_back_returns
from .schedule import resubmit_by, round_due
from .templating import filled
from .wording import chinese, chinese_date
from .workspace import Workspace

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
TAKEN_FLAG = "$LedgerCollected"


class MailError(Exception):
    """Mail settings that cannot work; the message is Chinese and says what to fix."""


@dataclass
class Outgoing:
    unit: str
    recipients: list[str]
    subject: str
    body: str
    attachment: Path | None
    kind: str  # "workbook" or "reminder"
    key: str  # what the send log remembers: the same key is never sent twice
    attachment_name: str = ""  # the name the workbook travels under: unit and period, never just the unit

    def message(self, sender: str, when: datetime, name: str = "") -> Message:
        """The message as sent; `name` is the office's, shown beside the sender's address."""
        message = MIMEMultipart()
        message["From"] = formataddr((name, sender), charset="utf-8") if name else sender
        message["To"] = ", ".join(self.recipients)
        message["Subject"] = Header(self.subject, "utf-8", header_name="Subject").encode()  # no leading space
        message["Date"] = format_datetime(when)
        digest = hashlib.sha256(self.key.encode()).hexdigest()[:24]
        message["Message-ID"] = f"<{digest}.{int(when.timestamp())}@{sender.rpartition('@')[2] or 'ledger'}>"
        message.set_boundary(f"==ledger-{digest}==")  # not random, so a dry run gives the same files again
        message.attach(MIMEText(self.body, "plain", "utf-8"))
        if self.attachment is not None:
            message.attach(attachment(self.attachment.read_bytes(), self.attachment_name or self.attachment.name))
        return message


def fingerprint(messages: list[Outgoing]) -> str:
    """One value for what these messages say and to whom (recipients, subject, body, attachment's name and bytes,
    what the send log remembers), so a send can go out only as a preview showed it."""
    found = hashlib.sha256()
    for m in messages:
        attached = hashlib.sha256(m.attachment.read_bytes()).hexdigest() if m.attachment else ""
        shown = [m.unit, m.recipients, m.subject, m.body, m.attachment_name, attached, m.kind, m.key]
        found.update(json.dumps(shown, ensure_ascii=False).encode("utf-8") + b"\n")
    return found.hexdigest()


def attachment(data: bytes, name: str) -> MIMEBase:
    """A workbook under its Chinese name, readable by Outlook, Foxmail and webmail alike (a unit's own .xls, .ods
    or .csv sent back to it goes under its own type).

    RFC 2231 (filename*) is the standard; older Outlook and many webmail clients only read an RFC 2047 encoded
    word in name/filename, so both are given. Built with the compat32 classes, which write these headers as
    given (the newer policy rewrites them and garbles long content types).
    """
    encoded = Header(name, "utf-8").encode(maxlinelen=10_000)
    other = (mimetypes.guess_type(name)[0] or "application/octet-stream").split("/", 1)
    part = MIMEBase(*(XLSX_TYPE if name.endswith(".xlsx") else other))
    part.set_payload(data)
    encoders.encode_base64(part)
    part.set_param("name", encoded)
    part["Content-Disposition"] = f"attachment; filename=\"{encoded}\"; filename*=utf-8''{quote(name)}"
    return part


@dataclass
class MailResult:
    period: Period
    dry_run: bool
    written: list[Path] = field(default_factory=list)  # .eml files of a dry run
    sent: list[Outgoing] = field(default_factory=list)
    skipped: list[Outgoing] = field(default_factory=list)  # already in the send log
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)  # not delivered: sent again next run
    uncertain: list[tuple[Outgoing, str]] = field(default_factory=list)  # this run: delivery unknown, and why
    unsure: list[tuple[Outgoing, str]] = field(default_factory=list)  # an earlier run left these unknown: not sent
    stopped: str = ""  # why sending stopped before the end (the send log could not be written)
    no_email: list[str] = field(default_factory=list)  # units with nothing to send to

    @property
    def needs_attention(self) -> bool:
        return bool(self.failed or self.uncertain or self.unsure or self.stopped)


def _context(ws: Workspace, period: Period, unit: str) -> dict:
    """What the mail templates are filled with. The short forms keep a subject from naming the year twice:
    "钢城区2021年重点任务工作台账6月进展填报表", "请于7月5日前报送"."""
    deadline = round_due(ws.config, ws.paths, period)
    title = tidy(ws.config.title)
    return {
        "title": title,
        "unit": unit,
        "period": str(period),
        "period_label": period.label,
        "period_short": period.short_label if f"{period.year}年" in title else period.label,
        "this_round": period.this_round,
        "return_deadline": chinese_date(deadline),
        "deadline_short": f"{deadline.month}月{deadline.day}日"
        if deadline.year == period.year
        else chinese_date(deadline),
        "office": ws.config.office,
        "attachment": attachment_name(unit, period.label),
    }


def _render(ws: Workspace, name: str, **values: object) -> str:
    """A mail template filled in, without the Western spaces a title or an address line may bring."""
    return tidy(filled(ws.root, name, **values).strip())


def _recipients(ws: Workspace, unit: str, no_email: list[str]) -> list[str]:
    """The unit's addresses; a unit without one is noted in no_email, never skipped silently."""
    recipients = ws.units[unit].emails if unit in ws.units else []
    if not recipients:
        no_email.append(unit)
    return recipients


def workbook_messages(
    ws: Workspace, manifest: Manifest, units: list[str] | None = None
) -> tuple[list[Outgoing], list[str]]:
    """One message per unit with its workbook from the period's outbox attached."""
    period, outbox = manifest.period, ws.paths.outbox(manifest.period)
    messages: list[Outgoing] = []
    no_email: list[str] = []
    for entry in manifest.files:
        unit = ws.registry.lookup(entry.unit) or entry.unit  # renamed or merged since render: the successor
        if units and unit not in units:
            continue
        recipients = _recipients(ws, unit, no_email)
        if not recipients:
            continue
        values = _context(ws, period, unit) | {
            "lead_count": len(entry.lead_tasks),
            "support_count": len(entry.support_tasks),
        }
        key = f"workbook|{period}|{entry.unit}|{entry.sha256}"
        messages.append(
            Outgoing(
                unit,
                recipients,
                _render(ws, "mail_subject.txt.j2", **values),
                _render(ws, "mail_body.txt.j2", **values),
                outbox / entry.file,
                "workbook",
                key,
                values["attachment"],
            )
        )
    return messages, no_email


def reminder_messages(ws: Workspace, manifest: Manifest, merged: MergeResult) -> tuple[list[Outgoing], list[str]]:
    """Reminders to units that have not returned, and to units whose return has errors (quoting them). A unit
    none of whose files could be merged (unreadable, a scan only …) gets its workbook again to fill in. A unit
    whose return the office sent back (退回重报) and that has not sent again is told why, and gets its own file
    back to correct. A unit whose return is held (待确认) is told when and from which address it came, to confirm."""
    period, outbox = manifest.period, ws.paths.outbox(manifest.period)
    returned = {r.unit: r for r in merged.returns if r.state == "merged"}
    held = {r.unit: r for r in sorted(merged.returns, key=lambda r: r.received_at) if r.state == "held"}
    sent_back = sent_back_returns(merged.returns, ws.config)
    errors: dict[str, list] = {}
    for p in merged.problems:
        if p.severity == ERROR and p.unit:
            errors.setdefault(p.unit, []).append(p)
    messages: list[Outgoing] = []
    no_email: list[str] = []
    for entry in manifest.files:
        unit = ws.registry.lookup(entry.unit) or entry.unit  # renamed or merged since render: the successor
        problems = errors.get(unit, [])
        redo = awaiting_redo(sent_back.get(unit, []), returned.get(unit), ws.config)
        if unit in returned and not problems and redo is None:
            continue
        recipients = _recipients(ws, unit, no_email)
        if not recipients:
            continue
        if redo is not None:
            messages.append(_sent_back_message(ws, period, unit, recipients, redo))
            continue
        values = _context(ws, period, unit) | {"problems": problems, "held": None}
        if unit in held and unit not in returned:  # the office has it, from an address not the unit's: 待确认
            info = held[unit]
            values["held"] = {
                "file": info.file,
                "sender": info.sender,
                "received": chinese(local_time(datetime.fromisoformat(info.received_at), ws.config)),
            }
        body = _render(ws, "remind_body.txt.j2", **values)
        key = f"reminder|{period}|{entry.unit}|{hashlib.sha256(body.encode()).hexdigest()[:16]}"
        messages.append(
            Outgoing(
                unit,
                recipients,
                _render(ws, "remind_subject.txt.j2", **values),
                body,
                None if unit in returned else outbox / entry.file,
                "reminder",
                key,
                values["attachment"],
            )
        )
    return messages, no_email


def _sent_back_message(ws: Workspace, period: Period, unit: str, recipients: list[str], back: ReturnInfo) -> Outgoing:
    """退回重报: the reason, the day to send again by (`schedule.resubmit_by`) and the unit's own file, to correct."""
    config = ws.config
    rejected_on = local_date(back.rejected_at, config)
    path = ws.paths.returns(period) / back.file
    name = attachment_name(unit, period.label).removesuffix(".xlsx") + f"（退回修改）{path.suffix.lower()}"
    values = _context(ws, period, unit) | {
        "attachment": name,
        "why": back.why,
        "received": chinese(local_time(datetime.fromisoformat(back.received_at), config)),
        "rejected_on": chinese_date(rejected_on),
        "resubmit_by": chinese_date(resubmit_by(config, rejected_on, back.resubmit_by)),
    }
    body = _render(ws, "reject_body.txt.j2", **values)
    key = f"reminder|{period}|{unit}|{hashlib.sha256(body.encode()).hexdigest()[:16]}"
    subject = _render(ws, "reject_subject.txt.j2", **values)
    return Outgoing(unit, recipients, subject, body, path, "reminder", key, name)


INTERRUPTED = "发送过程中程序中断，未记下结果"
UNWRITABLE = "已发出，但发送记录无法写入"


@dataclass(kw_only=True)
class SendLog:
    """What the send log says of each message key: sent, or of unknown delivery (and why)."""

    sent: set[str] = field(default_factory=set)
    uncertain: dict[str, str] = field(default_factory=dict)


def read_send_log(path: Path) -> SendLog:
    """Sent: a "sent" record (or one written before the log had states). Uncertain: an "uncertain" outcome, or a
    "sending" record whose attempt has no outcome at all (the process died, or the outcome could not be
    written). "failed" attempts were not delivered, so their message goes out again on the next run."""
    records = read_records(path).records
    ended = {r.get("attempt") for r in records if r.get("state") in ("sent", "uncertain", "failed")}
    log = SendLog()
    for r in records:
        key, state = str(r.get("key", "")), r.get("state")
        if not key:
            continue
        if state in (None, "sent"):
            log.sent.add(key)
        elif state == "uncertain":
            log.uncertain[key] = str(r.get("reason", ""))
        elif state == "sending" and r.get("attempt") not in ended:
            log.uncertain[key] = INTERRUPTED
    for key in log.sent:
        log.uncertain.pop(key, None)
    return log


@dataclass
class SmtpSettings:
    host: str
    port: int
    security: str  # "ssl", "starttls" or "none"
    sender: str
    user: str = ""
    password: str = ""
    per_minute: float = 30
    retries: int = 3
    timeout: float = 30
    verify: bool = True

    @classmethod
    def from_config(cls, mail: MailConfig, environ: Mapping[str, str] | None = None) -> SmtpSettings:
        environ = os.environ if environ is None else environ
        if not mail.host or not mail.sender:
            raise MailError("ledger.toml 的 [mail] 需要填写 host（发信服务器）和 from（发件地址）")
        if mail.user and not environ.get(mail.password_env):
            raise MailError(f"请在环境变量 {mail.password_env} 中提供发信密码（密码不写入任何文件）")
        return cls(
            host=mail.host,
            port=mail.port or {"ssl": 465, "starttls": 587, "none": 25}[mail.security],
            security=mail.security,
            sender=mail.sender,
            user=mail.user,
            password=environ.get(mail.password_env, ""),
            per_minute=mail.per_minute,
            retries=mail.retries,
            timeout=mail.timeout,
            verify=mail.verify_tls,
        )


def is_temporary(exc: Exception) -> bool:
    """4xx answers and dropped connections are worth another try; 5xx answers are not."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return 400 <= exc.smtp_code < 500
    return isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | TimeoutError) or not isinstance(
        exc, smtplib.SMTPException
    )


class UncertainDelivery(Exception):
    """The message's content reached the server, but whether the server took it is unknown."""


class _Watched(smtplib.SMTP):
    """An SMTP connection that knows when a message's content has gone out (DATA answered 354): a failure after
    that leaves its delivery unknown, so it must not be retried as if nothing had been sent."""

    content_sent = False
    _awaiting_data = False

    def putcmd(self, cmd: str, args: str = "") -> None:
        self._awaiting_data = cmd.lower() == "data"
        super().putcmd(cmd, args)

    def getreply(self) -> tuple[int, bytes]:
        code, text = super().getreply()
        self.content_sent = self.content_sent or (self._awaiting_data and code == 354)
        self._awaiting_data = False
        return code, text


class _WatchedSSL(_Watched, smtplib.SMTP_SSL):
    pass


class SmtpSender:
    """One SMTP connection, reopened when the server drops it; temporary failures before the message's content
    went out are retried, any failure after it raises UncertainDelivery unless the server refused it (5xx)."""

    def __init__(self, settings: SmtpSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.sleep = sleep
        self.connection: _Watched | None = None
        self.last_sent = 0.0

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.settings.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def _connect(self) -> _Watched:
        s = self.settings
        if s.security == "ssl":
            connection: _Watched = _WatchedSSL(s.host, s.port, timeout=s.timeout, context=self._context())
        else:
            connection = _Watched(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                connection.starttls(context=self._context())
        if s.user:
            connection.login(s.user, s.password)
        return connection

    def send(self, message: Message, recipients: list[str]) -> None:
        wait = 60 / self.settings.per_minute - (time.monotonic() - self.last_sent)
        if wait > 0:
            self.sleep(wait)
        for attempt in range(self.settings.retries + 1):
            try:
                if self.connection is None:
                    self.connection = self._connect()
                self.connection.content_sent = False
                self.connection.send_message(message, to_addrs=recipients)
                self.last_sent = time.monotonic()
                return
            except (smtplib.SMTPException, OSError) as exc:
                content_sent = self.connection is not None and self.connection.content_sent
                self.close()
                refused = isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500
                if content_sent and not refused:
                    raise UncertainDelivery(smtp_failure(self.settings, exc)) from exc
                if not is_temporary(exc) or attempt == self.settings.retries:
                    raise
            self.sleep(min(60.0, 2.0**attempt))

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def deliver(
    ws: Workspace,
    period: Period,
    messages: list[Outgoing],
    send: bool,
    progress: Callable[[int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    *,
    resend: bool = False,
) -> MailResult:
    """Write the messages as .eml for review, or send those the send log has neither as sent nor as uncertain,
    recording each before and after it goes out. `resend` sends the given messages whatever the log says: the
    clerk checked that an uncertain one did not arrive, or wants one again."""
    result = MailResult(period, dry_run=not send)
    sender_address = ws.config.mail.sender or ws.config.office.email or "ledger@localhost"
    # A dry run is dated when the period's workbooks go out, so the same inputs give the same .eml files.
    dated = datetime.combine(period.next().start, datetime.min.time(), UTC)
    if not send:
        folder = ws.paths.mail_drafts(period)
        folder.mkdir(parents=True, exist_ok=True)
        for n, outgoing in enumerate(messages, 1):
            path = folder / f"{outgoing.kind}-{safe_filename(outgoing.unit)}.eml"
            draft = outgoing.message(sender_address, dated, ws.config.office.name).as_bytes()
            result.written.append(write_aside(path, draft))
            if progress:
                progress(n, len(messages))
        return result
    settings = SmtpSettings.from_config(ws.config.mail)
    path = ws.paths.send_log(period)
    log = read_send_log(path)
    smtp = SmtpSender(settings, sleep)
    try:
        for n, outgoing in enumerate(messages, 1):
            if progress:
                progress(n, len(messages))
            if outgoing.key in log.uncertain and not resend:
                result.unsure.append((outgoing, log.uncertain[outgoing.key]))
                continue
            if outgoing.key in log.sent and not resend:
                result.skipped.append(outgoing)
                continue
            if not _send_logged(smtp, settings, ws, outgoing, path, result):
                if not result.stopped:
                    rest = len(messages) - n
                    result.stopped = (
                        f"以上问题每封邮件都会遇到，其余{rest}封未发送；处理后重新运行即可，已发送的不会重发"
                    )
                break
    finally:
        smtp.close()
    return result


def _send_logged(
    smtp: SmtpSender, settings: SmtpSettings, ws: Workspace, outgoing: Outgoing, path: Path, result: MailResult
) -> bool:
    """Send one message between its two log records and file it in `result`; False when nothing more may be
    sent: the log cannot be written (`result.stopped` says so), or the failure is one every message would meet."""
    attempt = uuid.uuid4().hex[:16]
    record = {
        "key": outgoing.key,
        "unit": outgoing.unit,
        "kind": outgoing.kind,
        "recipients": outgoing.recipients,
        "subject": outgoing.subject,
        "attachment": outgoing.attachment_name if outgoing.attachment else "",
        "attempt": attempt,
    }

    def log(state: str, reason: str = "") -> None:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        append_record(path, {**record, "state": state, "at": stamp, **({"reason": reason} if reason else {})})

    try:
        log("sending")
    except OSError as exc:
        result.stopped = f"发送记录 {path} 无法写入（{exc.strerror or exc}），为免重复发送，未发送"
        return False
    every = False  # a failure every message would meet
    try:
        smtp.send(outgoing.message(settings.sender, datetime.now(UTC), ws.config.office.name), outgoing.recipients)
    except UncertainDelivery as exc:
        state, reason = "uncertain", f"邮件内容已交给发信服务器，但没有收到确认：{exc}"
        result.uncertain.append((outgoing, reason))
    except (smtplib.SMTPException, OSError) as exc:
        state, reason = "failed", smtp_failure(settings, exc)
        result.failed.append((outgoing, reason))
        every = _every_message_fails(exc)
    else:
        state, reason = "sent", ""
        result.sent.append(outgoing)
    try:
        log(state, reason)
    except OSError as exc:
        if state == "sent":  # the "sending" record without an outcome marks it uncertain for the next run
            result.sent.pop()
            result.uncertain.append((outgoing, UNWRITABLE))
        result.stopped = f"发送记录 {path} 无法写入（{exc.strerror or exc}），为免重复发送，已停止"
        return False
    return not every


def _every_message_fails(exc: BaseException) -> bool:
    """Whether a failure is the server's or the settings', not the message's: a wrong password, a sender refused, a
    server that cannot be reached. Trying the next unit would meet it again, with its retries (minutes behind a
    firewall that never answers), and a server that locks a mailbox after failed logins would get one per unit."""
    if isinstance(exc, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused | smtplib.SMTPNotSupportedError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)  # no connection at all


def imap_mailbox(name: str) -> str:
    """A folder name as IMAP names it (RFC 3501 5.1.3, modified UTF-7), quoted: "回复" is "&Vt5ZDQ-"; printable
    ASCII stands for itself, "&" is "&-", anything else is UTF-16 in base64 with "," for "/" between & and -."""
    encoded: list[str] = []
    pending: list[str] = []

    def shift() -> None:
        if pending:
            data = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            encoded.append("&" + data.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if " " <= ch <= "~":
            shift()
            encoded.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    shift()
    return '"' + "".join(encoded).replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class ImapSettings:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    security: str = "ssl"  # "ssl", "starttls" or "none"
    verify: bool = True

    @classmethod
    def from_config(cls, mail: MailConfig, environ: Mapping[str, str] | None = None) -> ImapSettings:
        environ = os.environ if environ is None else environ
        imap = mail.imap
        if imap is None:
            raise MailError("ledger.toml 中没有 [mail.imap]，需要填写 host 和 user")
        password = environ.get(imap.password_env)
        if not password:
            raise MailError(f"请在环境变量 {imap.password_env} 中提供收信密码（密码不写入任何文件）")
        return cls(
            host=imap.host,
            port=imap.port or (993 if imap.security == "ssl" else 143),
            user=imap.user,
            password=password,
            folder=imap.folder,
            security=imap.security,
            verify=imap.verify_tls,
        )


def _internal_date(response: bytes) -> datetime | None:
    """The INTERNALDATE of a FETCH response: when the office's own server received the message."""
    found = imaplib.Internaldate2tuple(response)
    try:
        return datetime.fromtimestamp(time.mktime(found), UTC) if found else None
    except (OverflowError, OSError, ValueError):
        return None


MB = 1024 * 1024


def _size(client: imaplib.IMAP4, uid: str) -> int | None:
    """A message's size as the server tells it (RFC822.SIZE), before anything of it is fetched."""
    _, answer = client.uid("FETCH", uid, "(RFC822.SIZE)")
    found = re.search(rb"RFC822\.SIZE (\d+)", b" ".join(a for a in answer if isinstance(a, bytes)))
    return int(found[1]) if found else None


def _too_large(client: imaplib.IMAP4, uid: str, source: str, size: int, cap: int) -> Problem:
    """A message too large to fetch, named by its sender and subject (only those two headers are fetched)."""
    _, answer = client.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)])")
    part = next((a for a in answer if isinstance(a, tuple)), None)
    headers = BytesHeaderParser(policy=email.policy.default).parsebytes(part[1] if part else b"")
    try:
        sender, subject = str(headers.get("From", "")), str(headers.get("Subject", ""))
    except Exception:  # the email package raises many kinds of error on hostile headers
        sender, subject = "", "（邮件头无法解析）"
    size_text, cap_text = f"{size / MB:.1f}MB", f"{cap // MB}MB"
    return problem(
        "mail-too-large", file=source, size=size_text, cap=cap_text, sender=sender or "（无）", subject=subject
    )


def fetch_imap(ws: Workspace, period: Period, settings: ImapSettings | None = None) -> CollectResult:
    """Store the files of replies in the IMAP folder, received when the server says (INTERNALDATE). A message
    is flagged as taken — so it is never fetched again (a server without custom keywords gets it marked as
    read instead) — only once every file of it is stored; one nothing was taken from is listed with the reason
    and left unflagged, for the clerk to look at."""
    settings = settings or ImapSettings.from_config(ws.config.mail)
    context = ssl.create_default_context()
    if not settings.verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    try:
        if settings.security == "ssl":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(settings.host, settings.port, ssl_context=context)
        else:
            client = imaplib.IMAP4(settings.host, settings.port)
            if settings.security == "starttls":
                client.starttls(ssl_context=context)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailError(imap_failure(settings, exc)) from exc
    folder, zone = ws.paths.returns(period), office_zone(ws.config)
    result = CollectResult(period=period, folder=folder, stored=[], duplicates=[], skipped=[])
    try:
        try:
            client.login(settings.user, settings.password)
        except imaplib.IMAP4.error as exc:
            raise MailError(
                f"登录收信邮箱失败，请核对 [mail.imap] 的 user 和环境变量中的收信密码（有的邮箱要用授权码）"
                f"{_server_said(exc)}"
            ) from exc
        status, _ = client.select(imap_mailbox(settings.folder))
        if status != "OK":
            raise MailError(f"收信邮箱中没有文件夹“{settings.folder}”，请核对 ledger.toml 中 [mail.imap] 的 folder")
        flags = client.response("PERMANENTFLAGS")[1]
        keywords = bool(flags and flags[0] and b"\\*" in flags[0])
        flag = TAKEN_FLAG if keywords else "\\Seen"
        _, data = client.uid("SEARCH", f"UNKEYWORD {TAKEN_FLAG}" if keywords else "UNSEEN")
        cap = ws.config.limits.max_mail_mb * MB
        for uid in data[0].split() if data and data[0] else []:
            source = f"imap://{settings.host}/{settings.folder}#{uid.decode()}"
            size = _size(client, uid.decode())
            if size is not None and size > cap:  # never held in memory; left unflagged for the clerk
                result.notes.append(_too_large(client, uid.decode(), source, size, cap))
                continue
            _, fetched = client.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
            part = next((p for p in fetched if isinstance(p, tuple)), None)
            if part is None:
                result.notes.append(nothing_taken(source, ["邮件无法取回"]))
                continue
            items = read_message(part[1], source, result.notes, _internal_date(part[0]))
            if not items:
                continue  # listed with the reason, left unflagged
            stored, duplicates = store_incoming(folder, iter(items), zone, period)
            result.stored += stored
            result.duplicates += duplicates
            result.notes += [p for r in stored for p in intake_problems(r, period)]
            client.uid("STORE", uid, "+FLAGS", f"({flag})")  # only now: every file of it is stored
        return result
    except (ConnectionError, TimeoutError, ssl.SSLError, imaplib.IMAP4.abort) as exc:
        # the connection lost midway: what was stored stays stored (a disk that cannot take a file is no mail
        # server's failure, and is raised as it is)
        raise MailError(f"{imap_failure(settings, exc)}；已存入的文件不受影响，重新收取即可") from exc
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()


def imap_failure(settings: ImapSettings, exc: BaseException) -> str:
    """Why the mail server could not be reached, in the office's words (the system's and the server's are
    English), with what to check."""
    where = f"收信服务器{settings.host}:{settings.port}"
    if isinstance(exc, imaplib.IMAP4.error):
        return f"{where}的答复无法处理{_server_said(exc)}"
    return _unreachable("收信服务器", "mail.imap", settings.host, settings.port, exc)


def smtp_failure(settings: SmtpSettings, exc: BaseException) -> str:
    """Why a message could not be sent, in the office's words, as `imap_failure` says it for receiving: the
    system's and the server's own are English ("[Errno 111] Connection refused", "(550, b'5.1.1 …')"), so the
    server's answer is only quoted, for whoever looks after the mailbox."""
    where = f"发信服务器{settings.host}:{settings.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"登录发信邮箱失败，请核对 [mail] 的 user 和环境变量中的发信密码（有的邮箱要用授权码）{_smtp_said(exc)}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = "、".join(exc.recipients)
        said = next((_smtp_said(smtplib.SMTPResponseException(*r)) for r in exc.recipients.values()), "")
        return f"收件地址{refused}被{where}拒收，请核对单位名录中的电子邮箱{said}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"发件地址{settings.sender}被{where}拒绝，请核对 [mail] 的 from{_smtp_said(exc)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        refusal = "拒收了这封邮件" if exc.smtp_code >= 500 else "暂时不能接收"
        return f"{where}{refusal}{_smtp_said(exc)}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{where}不支持所要求的功能（如STARTTLS加密或登录），请核对 [mail] 的 port、security 和 user"
    return _unreachable("发信服务器", "mail", settings.host, settings.port, exc)


def _unreachable(server: str, section: str, host: str, port: int, exc: BaseException) -> str:
    """Why a mail server could not be reached or the connection to it was lost, with the settings to check."""
    where = f"{server}{host}:{port}"
    if isinstance(exc, socket.gaierror):
        return f"找不到{server}“{host}”，请核对 [{section}] 的 host 和本机网络"
    if isinstance(exc, ssl.SSLError):
        return f"与{where}的加密连接失败，请核对 [{section}] 的 port、security 和 verify_tls"
    if isinstance(exc, TimeoutError):
        return f"连接{where}超时，请检查网络，或核对 [{section}] 的 host 和 port"
    if isinstance(exc, ConnectionRefusedError):
        return f"无法连接{where}（对方拒绝连接），请核对 [{section}] 的 host、port 和 security"
    return f"与{where}的连接出错（网络中断或被对方断开）"


def _smtp_said(exc: smtplib.SMTPResponseException) -> str:
    """An SMTP server's answer (its code and words), quoted as `_server_said` quotes an IMAP server's."""
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"（服务器答复：{exc.smtp_code} {text}）" if text.strip() else f"（服务器答复：{exc.smtp_code}）"


def _server_said(exc: BaseException) -> str:
    """The server's own words, quoted for whoever looks after the mailbox: imaplib gives them as bytes' repr."""
    text = str(exc.args[0] if exc.args else exc)
    if text.startswith(("b'", 'b"')):
        text = text[2:-1]
    return f"（服务器答复：{text}）" if text.strip() else ""
