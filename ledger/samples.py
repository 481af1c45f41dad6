"""Sample returns for the example workspace: units that behave like real ones.

The demo and the tests need a month of returns without waiting for real units. Generated from whatever tasks
the workspace holds, so they follow the example when its tasks change. Most units reply on time by e-mail with
a sensible fill; some are late, some never reply, and some make the mistakes real people make (a pasted
status, edited task text, "2000万" in a number column, a draft sent before the final file, another unit's
address, a reply forwarded from the office's own mailbox, a PDF instead of the workbook). Those two senders,
and the stand-in address of a unit with none in the units file, are not registered for the unit, so their
returns wait as 待确认 until the office accepts them. The same workspace and period always give the same
bytes, so running the demo again stores nothing twice.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import openpyxl

from .config import BEHIND_STATUS, DONE_STATUS
from .layout import LEAD_SHEET, SUPPORT_DETAIL_SHEET, SUPPORT_SHEET
from .outbox import Manifest
from .records import write_aside
from .schedule import round_due
from .workspace import Workspace
from .xlsx import fixed_package

CHINA = timezone(timedelta(hours=8))
PROGRESS = [
    "已制定工作方案，正在组织实施。",
    "按计划推进，本月完成阶段目标。",
    "已召开专题会议部署，督导检查 2 次。",
    "已完成现场排查，正在整改。",
    "资金已落实，项目施工中。",
]


@dataclass(frozen=True)
class Behaviour:
    """How one sample unit replies."""

    # "good", "late", "missing", "invalid-status", "edited-text", "twice", "other-sender", "office-sender" or "pdf"
    kind: str
    days: int  # when the mail arrives, in days after the round's due date (negative: before it)


def behaviour_of(index: int) -> Behaviour:
    """A fixed mix over the units in order: mostly good, some late or silent, a few with mistakes."""
    pattern = [
        "good",
        "good",
        "late",
        "good",
        "invalid-status",
        "good",
        "missing",
        "office-sender",
        "edited-text",
        "good",
        "good",
        "twice",
        "good",
        "missing",
        "other-sender",
        "good",
        "pdf",
        "good",
        "late",
        "good",
    ]
    kind = pattern[index % len(pattern)]
    return Behaviour(kind, 3 if kind == "late" else -1 - index % 3)


def _fill(path: Path, unit: str, kind: str, seed: int, done_on: date) -> bytes:
    book = openpyxl.load_workbook(path)
    for sheet_name in (n for n in (LEAD_SHEET, SUPPORT_SHEET, SUPPORT_DETAIL_SHEET) if n in book.sheetnames):
        sheet = book[sheet_name]
        headers = [c.value for c in sheet[2]]
        for n, row in enumerate(sheet.iter_rows(min_row=3)):
            if not (row[0].value and "-" in str(row[0].value)):
                continue
            k = seed + n

            def put(header: str, value: object, row=row, headers=headers) -> None:
                if header in headers and row[headers.index(header)].value != "—":
                    row[headers.index(header)].value = value

            if sheet_name == SUPPORT_DETAIL_SHEET:  # optional one by one: a few are written
                if k % 10 == 0:
                    put("本月进展", f"已配合牵头单位开展工作（{unit}）。")
                continue
            if sheet_name == SUPPORT_SHEET:  # a task, or a whole group for a unit that supports many
                put("本月进展", f"已配合牵头单位开展工作（{unit}）。")
                continue
            status = [DONE_STATUS, "序时推进", "序时推进", BEHIND_STATUS, "序时推进", "未启动", "序时推进"][k % 7]
            put("完成状态", status)
            put("本月进展", PROGRESS[k % len(PROGRESS)] if status != "未启动" else "正在开展前期准备。" * (k % 3 > 0))
            if status == BEHIND_STATUS:
                put("存在问题", "受资金和审批进度影响，进度滞后。")
            put("下步计划", "加快推进，确保按期完成。")
            if status == DONE_STATUS:
                put("完成时间", datetime(done_on.year, done_on.month, min(28, 10 + k % 15)))
            put("累计完成投资（亿元）", round(0.05 * (1 + k % 9), 2))
            put("形象进度", f"完成计划的{10 * (1 + k % 9)}%")
        if sheet_name == LEAD_SHEET and kind == "invalid-status" and sheet.max_row > 2:
            sheet.cell(3, headers.index("完成状态") + 1).value = "基本完成"  # pasted over the dropdown
        if sheet_name == LEAD_SHEET and kind == "edited-text" and sheet.max_row > 2:
            sheet.cell(3, 4).value = str(sheet.cell(3, 4).value) + "（本单位认为应调整）"
        investment = "累计完成投资（亿元）"
        if sheet_name == LEAD_SHEET and investment in headers and seed % 2 == 0 and sheet.max_row > 2:
            sheet.cell(3, headers.index(investment) + 1).value = "2000万"  # a number typed with its unit
    for label_row in book[book.sheetnames[1]].iter_rows():
        for label, value in itertools.pairwise(label_row):
            if label.value == "填报人：":
                value.value = "张三"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _mail(sender: str, subject: str, sent: datetime, name: str, data: bytes, mime: tuple[str, str]) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "office@example.cn"
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    digest = hashlib.sha256(f"{sender}|{subject}|{sent.isoformat()}|{name}".encode()).hexdigest()[:16]
    message["Message-ID"] = f"<{digest}.sample@example.cn>"
    message.set_content("附件为本单位填报表，请查收。")
    message.add_attachment(data, maintype=mime[0], subtype=mime[1], filename=name)
    message.set_boundary(f"==sample-{digest}==")  # the default boundary is random
    return bytes(message)


def make_sample_returns(ws: Workspace, manifest: Manifest, inbox: Path) -> list[Path]:
    """Write one .eml per reply into inbox, from the workbooks of the period's outbox."""
    period, outbox = manifest.period, ws.paths.outbox(manifest.period)
    inbox.mkdir(parents=True, exist_ok=True)
    rendered = sorted(manifest.files, key=lambda f: Path(f.file).stem)
    units = [Path(f.file).stem for f in rendered]
    created = datetime.combine(period.next().start, time())
    due = datetime.combine(round_due(ws.config, ws.paths, period), time(9, 30), CHINA)
    written = []
    for index, stem in enumerate(units):
        unit = rendered[index].unit
        behaviour = behaviour_of(index)
        if behaviour.kind == "missing":
            continue
        emails = ws.units[unit].emails if unit in ws.units else []
        sender = emails[0] if emails else "office-staff@example.cn"
        if behaviour.kind == "other-sender":
            other = rendered[(index + 1) % len(rendered)].unit
            sender = next(iter(ws.units[other].emails), sender) if other in ws.units else sender
        if behaviour.kind == "office-sender":  # the unit's reply, forwarded by a colleague from the office's mailbox
            sender = ws.config.office.email or ws.config.mail.sender or sender
        sent = due + timedelta(days=behaviour.days, minutes=index)
        name = f"{stem} {period.label}填报.xlsx"
        data = fixed_package(_fill(outbox / f"{stem}.xlsx", unit, behaviour.kind, index, period.last_day), created)
        replies = [(sent, name, data, ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"))]
        if behaviour.kind == "twice":  # a draft first, the final file two hours later
            draft = fixed_package(_fill(outbox / f"{stem}.xlsx", unit, "good", index + 3, period.last_day), created)
            replies.insert(0, (sent - timedelta(hours=2), f"{stem}（初稿）.xlsx", draft, replies[0][3]))
        if behaviour.kind == "pdf":
            scan = f"%PDF-1.4\n% scan of {stem}\n".encode()
            replies = [(sent, f"{stem} 扫描件.pdf", scan, ("application", "pdf"))]
        for n, (when, file_name, content, mime) in enumerate(replies):
            path = inbox / f"{index:03d}-{n}.eml"
            written.append(
                write_aside(path, _mail(sender, f"{unit}报送{period.label}进展", when, file_name, content, mime))
            )
    return written
