"""ledger: run a task ledger (任务台账) from the source task list to the monthly report."""

from .config import Config, ConfigError, DocumentConfig, FillColumn, load_config
from .deadlines import parse_deadline
from .model import Deadline, SourceRef, Task, Unit
from .problems import CATALOGUE, Problem, problem
from .units import Resolution, UnitRegistry
from .workspace import Workspace, find_workspace, init_workspace, load_workspace

__all__ = [
    "CATALOGUE",
    "Config",
    "ConfigError",
    "Deadline",
    "DocumentConfig",
    "FillColumn",
    "Problem",
    "Resolution",
    "SourceRef",
    "Task",
    "Unit",
    "UnitRegistry",
    "Workspace",
    "find_workspace",
    "init_workspace",
    "load_config",
    "load_workspace",
    "parse_deadline",
    "problem",
]
