"""Write the monthly report three ways — workbook, web page, Word bulletin — from one MonthlyReport.

The page and the bulletin are filled from one context, so that they say the same sentences; the workbook takes
the same figures from the report itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from .bulletin import bulletin_number, write_docx
from .processes import in_processes
from .records import written_aside
from .report import (
    ATTENTION_RULE,
    COMPLETION_RULE,
    ERROR_RULE,
    GOOD_RULE,
    LATE_RULE,
    LIGHT_NAMES,
    MISSING_RULE,
    REDO_RULE,
    REPORTING_NAMES,
    MonthlyReport,
)
from .report_workbook import write_xlsx
from .templating import pieces
from .wording import chinese
from .workspace import Workspace

ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """一, 二 … 十 for 一是、二是; past ten as digits."""
    return ORDINALS[n - 1] if 1 <= n <= len(ORDINALS) else str(n)


def attachments(report: MonthlyReport, overdue_title: str, issues_title: str) -> list[dict[str, str]]:
    """The 附件 of the bulletin: the red tasks, then every 存在问题 task by task; numbered when there are two."""
    found = [
        {"key": key, "title": title}
        for key, title, present in (
            ("overdue", overdue_title, bool(report.red_tasks)),
            ("issues", issues_title, bool(report.issues)),
        )
        if present
    ]
    for n, item in enumerate(found, 1):
        item["number"] = str(n) if len(found) > 1 else ""
        item["label"] = f"{n}．" if len(found) > 1 else ""
    return found


def report_context(report: MonthlyReport) -> dict:
    """What the HTML page and the Word bulletin are filled with: the same figures and sentences for both.
    `cn` is the one Chinese formatting of dates and numbers ({{ cn(r.done, '项') }} → 13项)."""
    folded = report.unreported_light == "red"
    overdue_title = f"{chinese(report.period)}{'红灯任务清单' if folded else '逾期任务清单'}"
    issues_title = f"{chinese(report.period)}存在问题和需协调事项明细"
    listed = attachments(report, overdue_title, issues_title)
    numbers = {a["key"]: a["number"] or " " for a in listed}  # " ": the only attachment, 附件 without a number
    return {
        "r": report,
        "cn": chinese,
        "title": report.title,
        "office": report.office,
        "period": str(report.period),
        "period_label": chinese(report.period),
        "next_label": chinese(report.next_period),
        "as_of": chinese(report.as_of),
        "report_date": chinese(report.issued),
        "return_deadline": chinese(report.return_deadline),
        "next_due": chinese(report.next_due),
        "counts": report.counts,
        "light_names": LIGHT_NAMES,
        "lights_text": report.lights_text(),
        "light_rule": report.light_rule(),
        "completion": chinese(report.completion),
        "month_over_month": report.month_over_month() + report.adjustments_text(),
        "rules": {
            "good": GOOD_RULE,
            "missing": MISSING_RULE,
            "errors": ERROR_RULE,
            "redo": REDO_RULE,
            "late": LATE_RULE,
            "attention": ATTENTION_RULE,
            "completion": COMPLETION_RULE,
        },
        "reporting_names": REPORTING_NAMES,
        "reporting_text": report.reporting_text(),
        "issue_groups": report.issue_groups(),
        "stale_issues": len(report.issues) - len(report.current_issues),
        "requirements": report.requirements(),
        "ordinal": ordinal,
        "attachments": listed,
        "attachment": report.red_tasks,
        "attachment_title": overdue_title,
        "overdue_attachment": numbers.get("overdue", "").strip(),
        "issues_attachment": numbers.get("issues", ""),
        "issues_title": issues_title,
        "summary": report.summary(),
    }


def write_html(ws: Workspace, report: MonthlyReport, path: Path, context: dict | None = None) -> Path:
    """report.html, written as the template produces it: on a large ledger the page is tens of megabytes, and
    holding it whole (then its UTF-8 copy) was most of the report's peak memory. `context`: report_context(report),
    when the caller has it already."""
    # replaced whole: a template that fails leaves the last page
    with written_aside(path) as aside, aside.temporary.open("w", encoding="utf-8") as out:
        out.writelines(pieces(ws.root, "report.html.j2", **(context or report_context(report))))
    assert aside.written is not None
    return aside.written


def write_report(ws: Workspace, report: MonthlyReport, *, number: int | None = None, jobs: int = 1) -> list[Path]:
    """build/<period>/report/汇总台账.xlsx, report.html and 通报.docx. `number` is the n of the bulletin's
    发文字号; without it the number given before (or the next of the year) is used. With jobs > 1 the three
    are written by that many processes at once (the same files), the workbook's long tables in those the page
    and the bulletin leave: sharing out more than the cores can run cost more than it saved."""
    folder = ws.paths.report(report.period)
    folder.mkdir(parents=True, exist_ok=True)
    n = bulletin_number(ws.paths, report.period, report.issued.year, number)  # in this process: it is recorded
    if jobs > 1:  # the texts both the workbook and the page show, worded here once for the processes to share
        for line in report.tasks:
            line.progress_text, line.support_text  # noqa: B018 - cached on the line
    # The page's and the bulletin's context, made where it is first needed and kept: the process that writes the
    # page (while another writes the workbook) goes on to the bulletin, and makes it once, off the path before
    # the writers start.
    context = functools.cache(functools.partial(report_context, report))
    calls: list[Callable[[], Path]] = [
        functools.partial(write_xlsx, report, folder / "汇总台账.xlsx", jobs=max(1, jobs - 2)),
        lambda: write_html(ws, report, folder / "report.html", context()),
        lambda: write_docx(ws, report, context(), folder / "通报.docx", n),
    ]
    return list(in_processes(calls, jobs))
