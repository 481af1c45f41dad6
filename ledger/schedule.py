"""When a round's returns are due, in one place: the ledger's rhythm, the working-day calendar and the office's
recorded changes (`ledger rounds set-due`).

Lateness, reminders, the workbook's instructions and the report's "下期请于…前报送" all ask `round_due`, so
a holiday week moved by the office moves every one of them. A return sent back (退回重报) has its own window,
`resubmit_due`, the one rule lateness and the reminder share. A change is appended to `source/rounds.jsonl`
(with when and why), never written over: a past round re-run gives the same due date.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from .clock import now, parse_local
from .config import Config
from .deadlines import add_working_days, calendar_problems, chinese_date, next_working_day, scheduled_due
from .model import PERIOD_FORMS, Period
from .paths import WorkspacePaths
from .problems import Problem, ProblemError
from .records import append_record, read_records
from .sent import fixed_basis

RHYTHM_NAMES = {"week": "周", "month": "月", "quarter": "季度", "half": "半年", "year": "年"}


@dataclass(kw_only=True)
class DueChange:
    """The office moved one round's due date (a holiday week)."""

    period: str
    due: str  # ISO date
    why: str
    at: str  # when the change was made, office time


def due_changes(paths: WorkspacePaths) -> dict[str, DueChange]:
    """period -> the latest due-date change recorded for it."""
    found: dict[str, DueChange] = {}
    for record in read_records(paths.round_changes).records:
        if record.get("action") == "set-due" and isinstance(record.get("period"), str):
            found[str(record["period"])] = DueChange(
                period=str(record["period"]),
                due=str(record.get("due", "")),
                why=str(record.get("why", "")),
                at=str(record.get("at", "")),
            )
    return found


def round_due(config: Config, paths: WorkspacePaths, period: Period) -> date:
    """The day a round's returns are due: the office's recorded change if any; else, once the round went out, the
    day its units were told (`sent.fixed_basis`: a `due_day` changed later in the year moves no past round's
    lateness); else the rhythm's day moved to the next working day."""
    recorded = _changed_due(paths, period) or _sent_due(paths, period)
    if recorded is not None:
        return recorded
    return next_working_day(scheduled_due(period, config.rhythm), config.calendar)


def _changed_due(paths: WorkspacePaths, period: Period) -> date | None:
    change = due_changes(paths).get(str(period))
    return _iso_date(change.due) if change is not None else None


def _sent_due(paths: WorkspacePaths, period: Period) -> date | None:
    basis = fixed_basis(paths, period)
    return _iso_date(basis.due) if basis is not None else None


def _iso_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def resubmit_due(config: Config, rejected_on: date) -> date:
    """The last day a return sent back on `rejected_on` can come back and keep the first submission's timeliness:
    `[ledger] resubmit_days` working days later, on the ledger's calendar (调休 included)."""
    return add_working_days(rejected_on, config.resubmit_days, config.calendar)


def still_due(day: date, due: date) -> bool:
    """Whether a round's returns can still come on time on `day`: up to and including its due day, as a return
    received on the due day is on time. The one rule for 尚未过报送截止日期, a report's before-due warning and
    whether a round with nothing back counts yet."""
    return day <= due


def resubmit_by(config: Config, rejected_on: date, recorded: str) -> date:
    """The window of one 退回: the day recorded with it (as the unit was told; a `resubmit_days` changed later
    moves no past 退回), else `resubmit_due` of its day."""
    return _iso_date(recorded) or resubmit_due(config, rejected_on)


def set_due(config: Config, paths: WorkspacePaths, period: Period, text: str, why: str) -> DueChange:
    """Record a new due date for one round ("2021-10-11", "2021年10月11日", "10月11日"). Raises ProblemError for
    an unreadable date, a date before the round began (a slip of the month that would make every return late) or
    a missing reason."""
    if not why.strip():
        raise ProblemError("round-why-missing")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        try:
            # a day typed without its year ("9月12日") is the one nearest the day the rhythm set (not a due date
            # recorded before, which may be the slip being corrected)
            scheduled = next_working_day(scheduled_due(period, config.rhythm), config.calendar)
            day = parse_local(text, config, scheduled).date()
        except ValueError as exc:
            raise ProblemError("round-due-invalid", text=text) from exc
    if day < period.start:
        start = chinese_date(period.start)
        raise ProblemError("round-due-before-start", due=chinese_date(day), period=period.label, start=start)
    change = DueChange(
        period=str(period), due=day.isoformat(), why=why.strip(), at=now(config).isoformat(timespec="seconds")
    )
    append_record(paths.round_changes, {"action": "set-due", **asdict(change)})
    return change


def rhythm_name(config: Config) -> str:
    return RHYTHM_NAMES[config.rhythm.round]


def period_kind_error(
    config: Config, period: Period, *, summary: bool, ran: Collection[Period] = ()
) -> ProblemError | None:
    """Whether `period` can be asked for: a round of the ledger's rhythm, or one of `ran` (`sent.ran_rounds`: a
    month run before the rhythm was turned quarterly), always; with `summary`, any longer period too (a year over
    months). A shorter one, or a longer one where a round is expected, is an error naming the right form."""
    rhythm = config.rhythm.round
    if period.kind == rhythm or period in ran or (summary and period.longer_than(rhythm)):
        return None
    form = {"week": "年-W周", "month": "年-月", "quarter": "年-Q季度", "half": "年-H半年"}[rhythm]
    code = "period-shorter-than-round" if summary else "period-wrong-kind"
    return ProblemError(code, rhythm=rhythm_name(config), period=str(period), form=form, example=PERIOD_FORMS[rhythm])


def round_after(config: Config, period: Period) -> Period:
    """The round of the ledger's rhythm after `period`, which may be of another kind (June, run before the
    rhythm was turned quarterly, is followed by the third quarter)."""
    return Period.containing(config.rhythm.round, period.end + timedelta(days=1))


def schedule_problems(config: Config, period: Period) -> list[Problem]:
    """Warnings about the calendar a round's dates are decided on (a year beyond the holiday calendar)."""
    return calendar_problems(period.start, period.end, scheduled_due(period, config.rhythm))
