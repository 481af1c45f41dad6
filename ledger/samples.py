"""Sample returns for the example workspace: units that behave like real ones.

The demo and the tests need a month of returns without waiting for real units. Generated from whatever tasks
the workspace holds, so they follow the example when its tasks change. Most units reply on time by e-mail with
a sensible fill; some are late, some never reply, and some make the mistakes real people make (a pasted
status, edited task text, "2000万" in a number column, a draft sent before the final file, another unit's
address, a reply forwarded from the office's own mailbox, a PDF instead of the workbook). Indicator values are
typed the ways people type them ("94.2%", "约94.2", "≥95", "2.67亿元", and once "94.2%或95%", which is named).
Those two senders, and the stand-in address of a unit with none in the units file, are not registered for the
unit, so their returns wait as 待确认 until the office accepts them. The same workspace and period always give
the same bytes, so running the demo again stores nothing twice.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import openpyxl

from .config import BEHIND_STATUS, DONE_STATUS
from .layout import (
    AS_OF_HEADER,
    DATA_SOURCE_HEADER,
    INDICATOR_SHEET,
    LEAD_SHEET,
    NOTE_HEADER,
    SUPPORT_DETAIL_SHEET,
    SUPPORT_SHEET,
    VALUE_HEADER,
    round_header,
)
from .model import Period
from .outbox import Manifest
from .records import write_aside
from .schedule import round_due
from .workspace import Workspace
from .xlsx import fixed_package

CHINA = timezone(timedelta(hours=8))
PROGRESS = [
    "已制定工作方案，正在组织实施。",
    "按计划推进，已完成阶段目标。",
    "已召开专题会议部署，督导检查2次。",
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


def _fill(path: Path, unit: str, kind: str, seed: int, period: Period) -> bytes:
    done_on = period.last_day
    book = openpyxl.load_workbook(path)
    for sheet_name in (n for n in (LEAD_SHEET, SUPPORT_SHEET, SUPPORT_DETAIL_SHEET) if n in book.sheetnames):
        sheet = book[sheet_name]
        headers = [c.value for c in sheet[2]]
        for n, row in enumerate(sheet.iter_rows(min_row=3)):
            if not (row[0].value and "-" in str(row[0].value)):
                continue
            k = seed + n

            def put(header: str, value: object, row=row, headers=headers) -> None:
                header = round_header(header, period)  # 本月进展 is 本季度进展 or 本周进展 in other rounds
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
    if INDICATOR_SHEET in book.sheetnames:
        _fill_indicators(book[INDICATOR_SHEET], seed, done_on, kind)
    for label_row in book[book.sheetnames[1]].iter_rows():
        for label, value in itertools.pairwise(label_row):
            if label.value == "填报人：":
                value.value = "张三"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# The ways people type a value, by what the indicator counts in: each is read in the indicator's unit (or named
# as a problem quoting it: "94.2%或95%" could be either).
PERCENT_FORMS = ("{:.1f}%", "{:.1f}", "约{:.1f}", "≥{:.0f}", "{:.1f}%", "{:.1f}")
AMBIGUOUS = "{:.1f}%或95%"  # typed by a unit that makes mistakes anyway (kind "invalid-status")
SCALED_FORMS = {"万元": "{:.2f}亿元", "元": "{:.0f}万", "人": "{:.1f}万人", "万人": "{:.1f}万人"}
STATES = ("已达到", "已达到", "推进中", "已达到", "未达到")


def _fill_indicators(sheet, seed: int, done_on: date, kind: str) -> None:
    """本期完成值 typed the ways units type them, near the way from baseline to target; a qualitative one from the
    dropdown; 数据截至 where statistics come out late."""
    headers = [c.value for c in sheet[2]]
    at = {h: headers.index(h) for h in headers if h}
    chosen = {str(cell) for v in sheet.data_validations.dataValidation if v.type == "list" for cell in v.sqref}
    for n, row in enumerate(sheet.iter_rows(min_row=3)):
        if not (row[0].value and "-" in str(row[0].value)):
            continue
        k = seed + n
        unit = str(row[at["计量单位"]].value or "")
        targets = str(row[at["目标值"]].value or "")
        value_cell = row[at[VALUE_HEADER]]
        numbers = re.findall(r"\d+(?:\.\d+)?", targets.split("\n")[0].split("：", 1)[-1])
        # "60（2020年）", its year on a line of its own when the column is narrow ("60\n（2020年）")
        baseline = re.fullmatch(r"(\d+(?:\.\d+)?)\n?(?:（\d{4}年）)?", str(row[at["基期值"]].value or ""))
        if value_cell.coordinate in chosen or len(numbers) != 1:  # judged by state: from the dropdown
            value_cell.value = STATES[k % len(STATES)]
        else:
            target = float(numbers[0])
            start = float(baseline.group(1)) if baseline else 0.9 * target
            if start >= target:  # already there: kept, a little either side
                value = start + (k % 3 - 1) * 0.1 * (start < 100 or k % 3 == 0)
            else:
                value = start + (0.3 + 0.15 * (k % 6)) * (target - start)
            if unit in ("%", "％"):
                form = AMBIGUOUS if kind == "invalid-status" and n == 0 else PERCENT_FORMS[k % len(PERCENT_FORMS)]
                value_cell.value = form.format(value)
            elif unit in SCALED_FORMS:
                value_cell.value = SCALED_FORMS[unit].format(value / (1e4 if unit in ("万元", "人") else 1))
            else:
                value_cell.value = f"{value:.1f}{unit}" if k % 2 else f"约{value:.0f}"
        if k % 4 == 1:  # last month's statistics, the latest out
            row[at[AS_OF_HEADER]].value = datetime.combine(done_on.replace(day=1) - timedelta(days=1), time())
        row[at[NOTE_HEADER]].value = "按统计部门数据填报。" if k % 3 else "数据为初步统计。"
        row[at[DATA_SOURCE_HEADER]].value = "部门统计" if k % 2 else "统计年报"


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
        data = fixed_package(_fill(outbox / f"{stem}.xlsx", unit, behaviour.kind, index, period), created)
        replies = [(sent, name, data, ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"))]
        if behaviour.kind == "twice":  # a draft first, the final file two hours later
            draft = fixed_package(_fill(outbox / f"{stem}.xlsx", unit, "good", index + 3, period), created)
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
