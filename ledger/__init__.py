"""ledger: run a task ledger (任务台账) from the source task list to the monthly report."""

from .collect import collect_returns
from .config import Config, ConfigError, DocumentConfig, FillColumn, load_config
from .deadlines import parse_deadline
from .mail import deliver, fetch_imap, reminder_messages, workbook_messages
from .merge import Entry, MergeResult, merge_period, write_merge
from .model import Deadline, Period, SourceRef, Task, Unit
from .problems import CATALOGUE, Problem, problem
from .publish import write_report
from .render import render_period
from .report import MonthlyReport, build_report
from .units import Resolution, UnitRegistry
from .workspace import Workspace, find_workspace, init_workspace, load_workspace

__all__ = [
    "CATALOGUE",
    "Config",
    "ConfigError",
    "Deadline",
    "DocumentConfig",
    "Entry",
    "FillColumn",
    "MergeResult",
    "MonthlyReport",
    "Period",
    "Problem",
    "Resolution",
    "SourceRef",
    "Task",
    "Unit",
    "UnitRegistry",
    "Workspace",
    "build_report",
    "collect_returns",
    "deliver",
    "fetch_imap",
    "find_workspace",
    "init_workspace",
    "load_config",
    "load_workspace",
    "merge_period",
    "parse_deadline",
    "problem",
    "reminder_messages",
    "render_period",
    "workbook_messages",
    "write_merge",
    "write_report",
]
