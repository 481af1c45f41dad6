"""ledger: run a task ledger (任务台账) from the source task list to the monthly report."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .collect import collect_returns
    from .config import Config, ConfigError, DocumentConfig, FillColumn, load_config
    from .console import serve_console, set_console_password
    from .deadlines import parse_deadline
    from .entries import Entry, IndicatorValue, MergeResult, ReturnInfo, Unmerged
    from .history import History, build_history
    from .importer import ImportedTask, ImportResult, import_document
    from .mail import deliver, fetch_imap, reminder_messages, workbook_messages
    from .master import write_merge
    from .merge import merge_period
    from .model import Deadline, Indicator, Period, SourceRef, Task, Unit
    from .outbox import Manifest, RenderedFile, read_manifest
    from .paths import WorkspacePaths
    from .problems import CATALOGUE, Problem, problem
    from .progress import Judgement, judge
    from .publish import write_report
    from .render import render_period
    from .reorganise import merge_units, rename_unit, unit_change_log
    from .report import MonthlyReport, build_report
    from .returns import (
        ReturnLine,
        accept_return,
        assign_unit,
        list_returns,
        reject_return,
        restore_return,
        set_received,
        withdraw_return,
    )
    from .rounds import Round, open_round
    from .span import SpanReport
    from .task_changes import TaskChange, change_task, read_changes, round_tasks
    from .unit_changes import UnitChange
    from .units import Resolution, UnitRegistry
    from .values import Reading, read_value
    from .workspace import Workspace, find_workspace, init_workspace, load_workspace

# The public names by the module that defines them, each imported on first use: every command imports this package
# first, and a command should load only the stages it runs, not the writers, the mail and the importer with them.
# The imports above say the same for type checkers; tests/test_project.py holds the two lists together.
_HOMES: dict[str, tuple[str, ...]] = {
    "collect": ("collect_returns",),
    "config": ("Config", "ConfigError", "DocumentConfig", "FillColumn", "load_config"),
    "console": ("serve_console", "set_console_password"),
    "deadlines": ("parse_deadline",),
    "entries": ("Entry", "IndicatorValue", "MergeResult", "ReturnInfo", "Unmerged"),
    "history": ("History", "build_history"),
    "importer": ("ImportedTask", "ImportResult", "import_document"),
    "mail": ("deliver", "fetch_imap", "reminder_messages", "workbook_messages"),
    "master": ("write_merge",),
    "merge": ("merge_period",),
    "model": ("Deadline", "Indicator", "Period", "SourceRef", "Task", "Unit"),
    "outbox": ("Manifest", "RenderedFile", "read_manifest"),
    "paths": ("WorkspacePaths",),
    "problems": ("CATALOGUE", "Problem", "problem"),
    "progress": ("Judgement", "judge"),
    "publish": ("write_report",),
    "render": ("render_period",),
    "reorganise": ("merge_units", "rename_unit", "unit_change_log"),
    "report": ("MonthlyReport", "build_report"),
    "returns": (
        "ReturnLine",
        "accept_return",
        "accept_return",
        "assign_unit",
        "list_returns",
        "reject_return",
        "restore_return",
        "set_received",
        "withdraw_return",
    ),
    "rounds": ("Round", "open_round"),
    "span": ("SpanReport",),
    "task_changes": ("TaskChange", "change_task", "read_changes", "round_tasks"),
    "unit_changes": ("UnitChange",),
    "units": ("Resolution", "UnitRegistry"),
    "values": ("Reading", "read_value"),
    "workspace": ("Workspace", "find_workspace", "init_workspace", "load_workspace"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _HOME_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_HOME_OF[name]}", __name__), name)
    globals()[name] = value  # found once: later uses are plain attribute reads
    return value


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
    "Indicator",
    "IndicatorValue",
    "Judgement",
    "Manifest",
    "MergeResult",
    "MonthlyReport",
    "Period",
    "Problem",
    "Reading",
    "RenderedFile",
    "Resolution",
    "ReturnInfo",
    "ReturnLine",
    "Round",
    "SourceRef",
    "SpanReport",
    "Task",
    "TaskChange",
    "Unit",
    "UnitChange",
    "UnitRegistry",
    "Unmerged",
    "Workspace",
    "WorkspacePaths",
    "accept_return",
    "assign_unit",
    "build_history",
    "build_report",
    "change_task",
    "collect_returns",
    "deliver",
    "fetch_imap",
    "find_workspace",
    "import_document",
    "init_workspace",
    "judge",
    "list_returns",
    "load_config",
    "load_workspace",
    "merge_period",
    "merge_units",
    "open_round",
    "parse_deadline",
    "problem",
    "read_changes",
    "read_manifest",
    "read_value",
    "reject_return",
    "reminder_messages",
    "rename_unit",
    "render_period",
    "restore_return",
    "round_tasks",
    "serve_console",
    "set_console_password",
    "set_received",
    "unit_change_log",
    "withdraw_return",
    "workbook_messages",
    "write_merge",
    "write_report",
]
