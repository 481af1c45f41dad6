"""ledger: run a task ledger (任务台账) from the source task list to the monthly report."""

from .collect import collect_returns
from .config import Config, ConfigError, DocumentConfig, FillColumn, load_config
from .deadlines import parse_deadline
from .entries import Entry, MergeResult, ReturnInfo, Unmerged
from .history import History, build_history
from .importer import ImportedTask, ImportResult, import_document
from .mail import deliver, fetch_imap, reminder_messages, workbook_messages
from .master import write_merge
from .merge import merge_period
from .model import Deadline, Period, SourceRef, Task, Unit
from .outbox import Manifest, RenderedFile, read_manifest
from .paths import WorkspacePaths
from .problems import CATALOGUE, Problem, problem
from .publish import write_report
from .render import render_period
from .report import MonthlyReport, build_report
from .returns import ReturnLine, assign_unit, list_returns, restore_return, set_received, withdraw_return
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
    "History",
    "ImportResult",
    "ImportedTask",
    "Manifest",
    "MergeResult",
    "MonthlyReport",
    "Period",
    "Problem",
    "RenderedFile",
    "Resolution",
    "ReturnInfo",
    "ReturnLine",
    "SourceRef",
    "Task",
    "Unit",
    "UnitRegistry",
    "Unmerged",
    "Workspace",
    "WorkspacePaths",
    "assign_unit",
    "build_history",
    "build_report",
    "collect_returns",
    "deliver",
    "fetch_imap",
    "find_workspace",
    "import_document",
    "init_workspace",
    "list_returns",
    "load_config",
    "load_workspace",
    "merge_period",
    "parse_deadline",
    "problem",
    "read_manifest",
    "reminder_messages",
    "render_period",
    "restore_return",
    "set_received",
    "withdraw_return",
    "workbook_messages",
    "write_merge",
    "write_report",
]
