"""What the console can do: one entry per action, each one call into the library — the call the CLI makes.

An action runs in a process of its own (`jobs`), holding the workspace, and gives back an `Outcome`: a sentence
for the clerk and what the page shows with it (the messages of a mail preview, the problems of a merge, the
tasks an import understood). Adding a step of the round to the console is adding an `Action` here; the page
offers whatever this registry holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import office_zone
from ..config import ConfigError
from ..model import Period
from ..problems import ERROR, Problem, ProblemError, ProblemsError, held_open, problem
from ..records import written_aside
from ..rounds import Round, open_round
from ..task_changes import KIND_NAMES
from ..wording import chinese, local_text
from ..workspace import Workspace, load_workspace

if TYPE_CHECKING:
    from ..task_changes import ChangeKind
    from ..unit_changes import UnitChange

Report = Callable[[str, int, int], None]  # (step, done, total)


@dataclass(kw_only=True)
class Job:
    """What an action is handed: the workspace folder, the round, the form's fields and the uploaded files."""

    root: Path
    period: Period | None
    params: dict[str, str]
    files: list[Path] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # uploaded files collect passes over (~$ lock files …)
    report: Report | None = None

    @cached_property
    def ws(self) -> Workspace:
        try:
            return load_workspace(self.root)
        except ConfigError as exc:
            raise ProblemsError(exc.problems) from exc

    @cached_property
    def valid_ws(self) -> Workspace:
        """The workspace, refused (as the CLI refuses it) while its task lists or units file have errors."""
        if errors := [p for p in self.ws.problems if p.severity == ERROR]:
            raise ProblemsError(errors)
        return self.ws

    @cached_property
    def opened(self) -> Round:
        """The period asked for as `open_round` opens it: a round, or a summary of rounds (上半年, 全年)."""
        if self.period is None:
            raise ProblemError("console-period-missing")
        return open_round(self.valid_ws, self.period, jobs=os.cpu_count() or 1, progress=self.report)

    @property
    def round(self) -> Round:
        """The round asked for; a summary period refused, as the CLI's steps of one round refuse it."""
        self.opened.require_round()
        return self.opened

    def param(self, name: str) -> str:
        return self.params.get(name, "").strip()


@dataclass(kw_only=True)
class Outcome:
    """What an action did, in a sentence, and what the page shows beside it."""

    message: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Action:
    """One thing the clerk can do from the page."""

    name: str
    title: str  # the button's words
    run: Callable[[Job], Outcome]
    fields: tuple[str, ...] = ()  # form fields it needs, each required
    uploads: bool = False  # takes uploaded files
    round: bool = True  # works on the round chosen on the page (set-up works on the workspace alone)
    keeps: str = ""  # the preview action whose file it keeps (that preview's job named in the form's "preview")


def _problems(found: list[Problem]) -> list[dict[str, Any]]:
    return [p.to_dict() for p in found]


# --- the round


def render(job: Job) -> Outcome:
    result = job.round.render()
    return Outcome(message=f"已生成{len(result.files)}份填报表。下一步：预览并发送邮件。")


def _preview(job: Job, kind: str) -> Outcome:
    from ..mail import fingerprint

    notes = job.round.notes()
    messages, no_email = job.round.workbook_mail() if kind == "mail" else job.round.reminder_mail()
    job.round.deliver(messages, send=False)
    shown = [
        {
            "unit": m.unit,
            "recipients": m.recipients,
            "subject": m.subject,
            "body": m.body,
            "attachment": m.attachment_name or (m.attachment.name if m.attachment else ""),
        }
        for m in messages
    ]
    words = "填报表邮件" if kind == "mail" else "催报和更正通知"
    return Outcome(
        message=f"共{len(messages)}封{words}（未发送），请逐封核对。",
        details={
            "messages": shown,
            "no_email": no_email,
            "send": {"action": f"{kind}-send", "count": len(messages), "digest": fingerprint(messages)},
            "problems": _problems(notes),
        },
    )


def _send(job: Job, kind: str) -> Outcome:
    """The messages previewed, sent: refused when what would go out is not exactly what the preview showed (a unit
    returned and another's return has errors since: the same count, other messages)."""
    from ..mail import fingerprint

    ws = job.valid_ws
    if ws.config.office.placeholder:  # units would be told to call 台账联络员 at 0000-0000000
        raise ProblemsError([p for p in ws.problems if p.code == "office-contact-placeholder"])
    messages, no_email = job.round.workbook_mail() if kind == "mail" else job.round.reminder_mail()
    if fingerprint(messages) != job.param("digest"):
        raise ProblemError("console-send-changed", previewed=job.param("count"), now=len(messages))
    result = job.round.deliver(messages, send=True)
    lines = [f"已发送{len(result.sent)}封，此前已发送而跳过{len(result.skipped)}封，失败{len(result.failed)}封。"]
    lines += [f"发送失败：{o.unit}：{why}" for o, why in result.failed]
    lines += [
        f"不确定是否送达：{o.unit}：{why}。未自动重发，请向该单位核实。" for o, why in result.uncertain + result.unsure
    ]
    if result.stopped:
        lines.append(result.stopped)
    if no_email:
        lines.append(f"以下{len(no_email)}个单位没有电子邮箱，未发送：{'、'.join(no_email)}")
    return Outcome(message="\n".join(lines))


def _collected(results: list[Any], ignored: list[str]) -> Outcome:
    stored = [r for result in results for r in result.stored]
    duplicates = [name for result in results for name in result.duplicates]
    notes = [p for result in results for p in result.notes]
    message = f"共存入{len(stored)}个文件" + (f"，{len(duplicates)}个已存在而跳过" if duplicates else "") + "。"
    if ignored:
        message += f"已忽略{len(ignored)}个临时或隐藏文件（不是报送）：{'、'.join(ignored)}。"
    return Outcome(
        message=message,
        details={"stored": [{"file": r.file, "sender": r.sender} for r in stored], "problems": _problems(notes)},
    )


def collect_files(job: Job) -> Outcome:
    from ..collect import collect_returns, parse_received

    ws, period = job.ws, job.round.period
    given = parse_received(job.param("received"), ws.config, ws.paths, period) if job.param("received") else None
    return _collected(
        [
            collect_returns(
                ws.paths,
                period,
                job.files,
                zone=office_zone(ws.config),
                received=given,
                limits=ws.config.limits,
                rhythm=ws.config.rhythm.round,
            )
        ],
        job.ignored,
    )


def collect_imap(job: Job) -> Outcome:
    import imaplib

    from ..mail import MailError, fetch_imap

    try:
        return _collected([fetch_imap(job.ws, job.round.period)], [])
    except (MailError, OSError, imaplib.IMAP4.error) as exc:
        raise ProblemError("console-imap-failed", reason=str(exc)) from exc


def merge(job: Job) -> Outcome:
    notes = job.round.notes()  # what `ledger merge` prints first: a round never rendered, torn records …
    written = job.round.write_merge()
    return Outcome(
        message=job.round.merge().counts_text(),
        details={"problems_link": True, "problems": _problems(notes + held_open(written))},
    )


def report(job: Job) -> Outcome:
    """The bulletin of a round, or of a half-year or a year (its rounds summed up), as `ledger report` makes it."""
    from ..deadlines import typed_round_day
    from ..report import MonthlyReport
    from ..schedule import round_due
    from ..span_outputs import lights_text

    opened = job.opened
    text = job.param("date")  # the date a leader signs, as `ledger report --date` gives it; else today
    due = round_due(opened.ws.config, opened.ws.paths, opened.rounds[-1])  # a summary's: its last round's
    issued = typed_round_day(text, due) if text else None
    if text and issued is None:
        raise ProblemError("console-date-invalid", text=text)
    notes = opened.notes()
    built, written = opened.publish(issued=issued)
    if isinstance(built, MonthlyReport):
        said = f"已生成通报：任务{len(built.tasks)}项，{built.lights_text()}。"
    else:
        covered = built.coverage_text().removesuffix("。")  # which rounds the figures rest on
        said = f"已生成{built.heading}通报：任务{len(built.tasks)}项，{lights_text(built)}。{covered}。"
    return Outcome(
        message=said,
        details={"report_link": True, "problems": _problems(notes + built.notes + held_open(written))},
    )


# --- corrections of stored returns (ledger returns …)


def withdraw(job: Job) -> Outcome:
    from ..returns import withdraw_return

    withdraw_return(job.valid_ws, job.round.period, job.param("file"), job.param("why"))
    return Outcome(message=f"已撤回：{job.param('file')}。文件仍原样保存，可恢复。")


def restore(job: Job) -> Outcome:
    from ..returns import restore_return

    restore_return(job.valid_ws, job.round.period, job.param("file"))
    return Outcome(message=f"已恢复：{job.param('file')}，重新计入汇总。")


def set_received(job: Job) -> Outcome:
    from ..returns import set_received as correct

    correction = correct(job.valid_ws, job.round.period, job.param("file"), job.param("when"))
    return Outcome(message=f"已更正：{job.param('file')} 的收到时间为{local_text(correction.received_at)}。")


def assign(job: Job) -> Outcome:
    from ..returns import assign_unit

    correction = assign_unit(job.valid_ws, job.round.period, job.param("file"), job.param("unit"))
    return Outcome(message=f"已指定：{job.param('file')} 为{correction.unit}的报送。")


def accept(job: Job) -> Outcome:
    from ..returns import accept_return

    remember = job.param("remember") == "1"
    accepted = accept_return(job.valid_ws, job.round.period, job.param("file"), remember=remember)
    remembered = f"；已登记 {accepted.sender} 为该单位的邮箱" if accepted.remembered is not None else ""
    return Outcome(message=f"已确认：{job.param('file')} 为{accepted.unit}的报送{remembered}。")


def reject(job: Job) -> Outcome:
    from ..returns import reject_return

    correction = reject_return(job.valid_ws, job.round.period, job.param("file"), job.param("why"))
    by = date.fromisoformat(correction.resubmit_by)
    return Outcome(
        message=f"已退回：{job.param('file')}（原因：{correction.why}）。文件仍原样保存，不计入汇总。"
        f"点“预览催报”通知该单位（附原表）；{chinese(by)}前重新报送的，仍按首次报送的时间认定是否按时。"
    )


# --- 机构改革 (ledger units …)


def _start(job: Job) -> Period:
    try:
        return Period.parse(job.param("start"))
    except ValueError as exc:
        raise ProblemError("console-period-missing") from exc


def _unit_changed(change: UnitChange, verb: str) -> Outcome:
    return Outcome(
        message=f"已{verb}：{'、'.join(change.old)} → {change.new}，自{change.start.label}起生效。"
        f"单位名录已更新：{change.new}的曾用名含{'、'.join(change.old)}，原邮箱转入{change.new}；往期报告仍用当时的名称。"
    )


def unit_rename(job: Job) -> Outcome:
    from ..reorganise import rename_unit

    change = rename_unit(job.valid_ws, job.param("old"), job.param("new"), _start(job), job.param("why"))
    return _unit_changed(change, "更名")


def unit_merge(job: Job) -> Outcome:
    from ..reorganise import merge_units

    olds = [name for name in job.param("olds").splitlines() if name.strip()]
    change = merge_units(job.valid_ws, olds, job.param("into"), _start(job), job.param("why"))
    return _unit_changed(change, "合并")


# --- the task lifecycle (ledger tasks …)


def _task_change(kind: ChangeKind) -> Callable[[Job], Outcome]:
    def run(job: Job) -> Outcome:
        from ..history import change_notes
        from ..task_changes import change_task, what_follows

        start = _start(job) if job.param("start") else None
        options: dict[str, Any] = {"start": start}
        if kind == "extend":
            options["to"] = job.param("to")
        if kind == "reassign":
            options["lead"] = job.param("lead").split()
            options["support"] = job.param("support").split() or None
        change = change_task(job.valid_ws, kind, job.param("task"), job.param("why"), **options)
        return Outcome(
            message=f"已记录：{change.task_id}{change.details}，自{change.start.label}起生效（原因：{change.why}）。"
            + what_follows(job.valid_ws, change),
            details={"problems": _problems(change_notes(job.valid_ws, change))},
        )

    return run


# --- set-up


def init(job: Job) -> Outcome:
    from ..workspace import init_workspace

    init_workspace(
        job.root,
        title=job.param("title") or None,
        office=job.param("office") or None,
        district=job.param("district") or None,
    )
    return Outcome(message="已新建台账。下一步：上传单位名录，再导入任务清单。")


def units_preview(job: Job) -> Outcome:
    from ..tables import TableError, read_sheets
    from ..units import read_registry

    (staged,) = job.files
    try:
        registry, found = read_registry(read_sheets(staged)[0], staged.name)
    except TableError as exc:
        found, registry = [problem(exc.code, file=staged.name, **exc.fields)], None
    kept_as = job.ws.config.units_file
    if staged.suffix.lower() != Path(kept_as).suffix.lower():  # its bytes written into units.xlsx read as no workbook
        found.append(problem("units-file-kind", file=staged.name, kind=staged.suffix or "无扩展名", units=kept_as))
    units = [
        {"name": u.name, "aliases": "、".join(u.aliases), "groups": "、".join(u.groups), "emails": "；".join(u.emails)}
        for u in (registry.units.values() if registry else [])
    ]
    errors = sum(p.severity == ERROR for p in found)
    return Outcome(
        message=f"读到{len(units)}个单位，错误{errors}项。核对无误后点“保存单位名录”。",
        details={"units": units, "problems": _problems(found), "keep": None if errors else "units-keep"},
    )


def units_keep(job: Job) -> Outcome:
    (staged,) = job.files
    target = job.root / job.ws.config.units_file
    try:  # an input: replaced or left alone, never put beside where the ledger would not read it
        with written_aside(target, displace=False) as aside:
            aside.temporary.write_bytes(staged.read_bytes())
    except PermissionError as exc:
        raise ProblemError("units-file-open", file=job.ws.config.units_file, how="文件无法替换") from exc
    return Outcome(message=f"已保存单位名录：{job.ws.config.units_file}。")


def _import(job: Job, dry_run: bool) -> Outcome:
    from ..importer import import_document

    (staged,) = job.files
    result = import_document(staged, workspace=job.root, dry_run=dry_run)
    tasks = [
        {
            "number": t.number,
            "measure": t.measure,
            "lead": "、".join(t.lead),
            "support": "、".join(t.support + t.vague),
            "deadline": t.deadline,
            "source": t.source,
        }
        for t in result.tasks
    ]
    errors = sum(p.severity == ERROR for p in result.problems)
    if not dry_run and not result.written:  # what changed since the preview (kept twice …) stopped it: said, not 已保存
        raise ProblemsError([p for p in result.problems if p.severity == ERROR])
    if dry_run:
        message = f"《{result.name}》读到任务{len(tasks)}项。逐项核对后点“保存任务清单”。"
    else:
        message = f"已保存任务清单 {result.table_file}（任务{len(tasks)}项），并登记到 ledger.toml。"
    keep = "import-keep" if dry_run and tasks and not errors else None
    return Outcome(message=message, details={"tasks": tasks, "problems": _problems(result.problems), "keep": keep})


SEND_FIELDS = ("count", "digest")  # what the preview showed: how many messages, and which
TASK_FIELDS: dict[str, tuple[str, ...]] = {"extend": ("to",), "reassign": ("lead",)}  # beside task and why
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(name="render", title="生成填报表", run=render),
        Action(name="mail-preview", title="预览邮件", run=lambda job: _preview(job, "mail")),
        Action(name="mail-send", title="发送邮件", run=lambda job: _send(job, "mail"), fields=SEND_FIELDS),
        Action(name="collect-files", title="接收报送文件", run=collect_files, uploads=True),
        Action(name="collect-imap", title="从邮箱收取", run=collect_imap),
        Action(name="remind-preview", title="预览催报", run=lambda job: _preview(job, "remind")),
        Action(name="remind-send", title="发送催报", run=lambda job: _send(job, "remind"), fields=SEND_FIELDS),
        Action(name="merge", title="汇总", run=merge),
        Action(name="report", title="生成通报", run=report),
        Action(name="withdraw", title="撤回", run=withdraw, fields=("file", "why")),
        Action(name="restore", title="恢复", run=restore, fields=("file",)),
        Action(name="set-received", title="更正收到时间", run=set_received, fields=("file", "when")),
        Action(name="assign", title="指定单位", run=assign, fields=("file", "unit")),
        Action(name="accept", title="确认", run=accept, fields=("file",)),
        Action(name="reject", title="退回重报", run=reject, fields=("file", "why")),
        Action(name="unit-rename", title="单位更名", run=unit_rename, fields=("old", "new", "start"), round=False),
        Action(name="unit-merge", title="单位合并", run=unit_merge, fields=("olds", "into", "start"), round=False),
        *(
            Action(
                name=f"task-{kind}",
                title=KIND_NAMES[kind],
                run=_task_change(kind),
                fields=("task", "why", *TASK_FIELDS.get(kind, ())),
                round=False,
            )
            for kind in KIND_NAMES
        ),
        Action(name="init", title="新建台账", run=init, round=False),
        Action(name="units-preview", title="读取单位名录", run=units_preview, uploads=True, round=False),
        Action(name="units-keep", title="保存单位名录", run=units_keep, round=False, keeps="units-preview"),
        Action(
            name="import-preview", title="读取政策文件", run=lambda job: _import(job, True), uploads=True, round=False
        ),
        Action(
            name="import-keep",
            title="保存任务清单",
            run=lambda job: _import(job, False),
            round=False,
            keeps="import-preview",
        ),
    )
}
