"""The `ledger` command: parses options, calls one library function, prints the result."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import click.core
import click.decorators
import click.exceptions
import click.formatting
import click.parser
import click.types

from . import workspace as ws_module
from .cells import UNPRINTABLE, display_width, printable, quoted
from .clock import office_zone, today
from .config import ConfigError, Limits, load_config
from .lock import lock_wait, workspace_lock
from .model import Period
from .paths import WorkspacePaths
from .problems import CATALOGUE, Problem, ProblemError, ProblemsError, held_open, problem, write_refused
from .rounds import Round, open_round
from .wording import NOT_YET_DUE, STATE_NAMES, chinese, local_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from .outbox import Manifest
    from .span import SpanReport
    from .task_changes import ChangeKind
    from .unit_changes import UnitChange

# The stages only some commands run (intake, the importer, mail, sample returns) are imported inside those commands:
# whatever this module imports, every command, `ledger status` included, waits for.

# Click's own words (usage line, section titles, errors) in Chinese too: users read Simplified Chinese only.
CLICK_WORDS = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "可运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "argument": "参数",
    "option": "选项",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Invalid value: {message}": "取值无效：{message}",
    "No such command {name!r}.": "没有命令“{name}”。",
    "No such option {name!r}.": "没有选项“{name}”。",
    "Option {name!r} requires an argument.": "选项“{name}”需要一个值。",
    "Option {name!r} does not take a value.": "选项“{name}”不接受值。",
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Did you mean {possibility}?": "是否是{possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否是其中之一：{possibilities}？）",
    "Aborted!": "已中止。",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "{name}“{filename}”是文件，应为目录。",
    "{name} {filename!r} is a directory.": "{name}“{filename}”是目录，应为文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入。",
    "{value} is not in the range {range}.": "{value}超出范围（{range}）。",
    "{value!r} is not a valid {number_type}.": "{value!r}不是有效的{number_type}。",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "required": "必填",
}


def echo(text: str) -> None:
    """A line for the clerk's terminal: names and text from outside (files, units, statuses) come escaped."""
    click.echo(printable(text))


def shown(text: object) -> str:
    """Text from outside inside rich markup: terminal escapes shown escaped, markup shown as typed."""
    from rich.markup import escape  # here: a command that prints no table need not load rich

    return escape(printable(str(text)))


def _chinese(message: str) -> str:
    return CLICK_WORDS.get(message, message)


def _chinese_plural(singular: str, plural: str, n: int) -> str:
    return _chinese(singular if n == 1 else plural)


for _module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
    if hasattr(_module, "_"):
        setattr(_module, "_", _chinese)  # noqa: B010 - click keeps its translation hook private
    if hasattr(_module, "ngettext"):
        setattr(_module, "ngettext", _chinese_plural)  # noqa: B010


class ChineseHelpFormatter(click.HelpFormatter):
    """Help punctuated as Chinese is: 用法：ledger render [选项], 选项：, and an option's notes in brackets,
    （必填）, （默认：2；不小于1）. Click puts a space after 用法：, an ASCII colon after a title, notes in [...]."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, CLICK_WORDS["Usage:"] if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("".join(f"{indent}{line}\n" for line in wrapped(text, self.width - self.current_indent)))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        """Options and commands in two columns, measured and wrapped by the columns a terminal gives them."""
        rows = [(term, OPTION_NOTES.sub(lambda m: f"（{m[1].replace('; ', '；')}）", text)) for term, text in rows]
        first = min(max((display_width(term) for term, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            self.write(f"{indent}{term}")
            if display_width(term) > first - col_spacing:
                self.write(f"\n{indent}{' ' * first}")
            else:
                self.write(" " * (first - display_width(term)))
            lines = wrapped(text, max(self.width - first - self.current_indent, 10)) if text else [""]
            self.write(f"\n{indent}{' ' * first}".join(lines) + "\n")


OPTION_NOTES = re.compile(r"\s*\[([^\[\]]+)\]$")  # click's "  [默认：2; x>=1]" after an option's help
NO_LINE_START, NO_LINE_END = "，。、；：？！）》」』”’", "（《「『“‘"  # marks no line starts or ends with (禁则)


def _last_word(line: str) -> tuple[str, str]:
    """The line without its last word (a Latin word or number, else a character), and that word."""
    last = re.findall(r"[!-~]+|\s+|.", line)[-1]
    return line[: -len(last)], last


def wrapped(text: str, width: int) -> list[str]:
    """Text in lines at most `width` terminal columns wide, a Chinese character taking two (click counts it as
    one, and its help ran to twice the width): Chinese breaks between any two characters, Latin at a space, and
    no line starts with a closing mark."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for piece in re.findall(r"[!-~]+|\s+|.", paragraph):  # a Latin word or number, a space, a character
            if piece.isspace():
                line += " " if line else ""
            elif line.strip() and display_width(line + piece) > width:
                carried = ""  # what goes down with the piece: the word before a closing mark, an opening mark
                if piece[0] in NO_LINE_START:
                    line, carried = _last_word(line)
                while line.strip() and line[-1] in NO_LINE_END:
                    line, mark = _last_word(line)
                    carried = mark + carried
                if line.strip():
                    lines.append(line.rstrip())
                line = carried + piece
            else:
                line += piece
        lines.append(line.rstrip())
    return lines


class ChineseContext(click.Context):
    formatter_class = ChineseHelpFormatter


class WholeNumber(click.IntRange):
    """A whole number in a range, described in Chinese: 不小于1, 1至65535 (click writes x>=1, 1<=x<=65535)."""

    name = "整数"

    def _describe_range(self) -> str:
        return f"不小于{self.min}" if self.max is None else f"{self.min}至{self.max}"


def click_message(text: str) -> str:
    """An error message click put together, punctuated as Chinese is: its 'names' in Chinese quotes (“--jobs”/“-j”,
    “remind”、“render”), no space beside Chinese, and a full stop that is one."""
    text = re.sub(r"'([^'\n]*)'", r"“\1”", text).replace("” / “", "”/“").replace("”, “", "”、“")
    text = re.sub(r"(?<=[\u4e00-\u9fff。，：；？）”]) (?=[\u4e00-\u9fff“（])", "", text)
    return re.sub(r"(?<=[\u4e00-\u9fff”）])\.$", "。", text)


class ChineseUsageError(click.UsageError):
    """A usage error of click's with its message punctuated as Chinese is (`click_message`)."""

    def __init__(self, original: click.UsageError) -> None:
        super().__init__(click_message(original.format_message()), original.ctx)


class ChineseGroup(click.Group):
    """A group whose help reads in Chinese, as do the errors of the command line parsed under it."""

    context_class = ChineseContext

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with chinese_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with chinese_errors():
            return super().invoke(ctx)


@contextlib.contextmanager
def chinese_errors() -> Iterator[None]:
    try:
        yield
    except (ChineseUsageError, click.exceptions.NoArgsIsHelpError):  # already said, or help to show
        raise
    except click.UsageError as exc:
        raise ChineseUsageError(exc) from exc


# Piped or redirected output (reports saved to a file, CI logs) gets wide tables instead of 80 columns.
@functools.cache
def _console(stderr: bool) -> Console:
    """The terminal, made when first printed to (rich's console costs a command that prints none of it)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, soft_wrap=False, width=None if stream.isatty() else 160)


def new_table(**options: Any) -> Table:
    from rich.table import Table

    return Table(**options)


def new_grid() -> Table:
    from rich.table import Table

    return Table.grid(padding=(0, 1))


workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=ws_module.ENV_WORKSPACE,
    default=None,
    help="工作目录（含 ledger.toml）；默认为当前目录或其上级中含 ledger.toml 的目录，"
    "也可用环境变量 LEDGER_WORKSPACE 指定。",
)


class PeriodType(click.ParamType):
    """A period in any of its forms: 2021-W23, 2021-06, 2021-Q3, 2021-H1, 2021."""

    name = "期次"

    def convert(self, value, param, ctx):
        if isinstance(value, Period):
            return value
        try:
            return Period.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


period_option = click.option(
    "--period",
    "-p",
    type=PeriodType(),
    required=True,
    metavar="期次",
    help="报告期：周2021-W23、月2021-06、季度2021-Q3、半年2021-H1或全年2021（按 ledger.toml 的 round 调度），"
    "也可写作2021年6月、2021年第三季度。",
)


def jobs_option(work: str):
    """--jobs: how many processes share the command's work (render's workbooks, the returned files to read, the
    files to write); the results are the same as one process's."""
    return click.option(
        "--jobs",
        "-j",
        type=WholeNumber(min=1),
        default=os.cpu_count() or 1,
        show_default=True,
        metavar="进程数",
        help=f"同时{work}的进程数；结果与单进程完全相同。",
    )


def open_workspace(path: Path | None, period: Period | None = None) -> ws_module.Workspace:
    """The workspace, or exit 1 with the configuration's problems when ledger.toml cannot be loaded.

    A period far from the ledger's year (2012-06 typed for 2021-06) is printed as a warning first."""
    try:
        ws = ws_module.load_workspace(path)
    except ConfigError as exc:
        print_problems(exc.problems)
        raise click.ClickException("ledger.toml 有错误，请按上表修正后运行 ledger check。") from exc
    if period is not None and (odd := ws.period_problems(period)):
        _console(True).print(problem_table(odd))  # stderr: output asked for with --json stays clean
    return ws


class PeriodOrAutoType(PeriodType):
    """A period, or "auto": each workbook goes to the period its own metadata names."""

    name = "期次|auto"

    def convert(self, value, param, ctx):
        return None if value == "auto" else super().convert(value, param, ctx)


def load_valid_workspace(path: Path | None, period: Period | None = None) -> ws_module.Workspace:
    """The workspace, or exit 1 with the problem table when its sources have errors."""
    ws = open_workspace(path, period)
    if not ws.valid:
        print_problems([p for p in ws.problems if p.severity == "error"])
        raise click.ClickException("任务清单或单位名录有错误，请先运行 ledger check 并修正。")
    return ws


def round_of(ws: ws_module.Workspace, period: Period, jobs: int = 1, *, summary: bool = False) -> Round:
    """The round the command works on; a period of the wrong length exits 1 naming the right form. Long steps
    show a progress bar on stderr."""
    try:
        opened = open_round(ws, period, jobs=jobs, progress=_progress)
        if not summary:
            opened.require_round()
    except ProblemError as exc:
        raise fail(exc) from exc
    return opened


STEP_NAMES = {"history": "读取往期报送", "render": "生成填报表", "mail": "处理邮件"}
_bars: dict[str, tuple[Progress, TaskID]] = {}


def _progress(step: str, done: int, total: int) -> None:
    """A transient progress bar per step, on stderr so --json output stays clean."""
    if not sys.stderr.isatty():
        return
    if step not in _bars:
        from rich.progress import Progress

        bar = Progress(console=_console(True), transient=True)
        bar.start()
        _bars[step] = (bar, bar.add_task(STEP_NAMES.get(step, step), total=total))
    bar, job = _bars[step]
    bar.update(job, completed=done, total=total)
    if done >= total:
        bar.stop()
        del _bars[step]


def manifest_of(opened: Round) -> Manifest:
    """The round's outbox manifest, or exit 1 saying which command makes it."""
    try:
        return opened.manifest()
    except ProblemError as exc:
        found = problem(exc.code, **exc.fields)
        raise click.ClickException(printable(f"{found.message}（{found.code}）")) from exc


def unit_names(ws: ws_module.Workspace, names: tuple[str, ...]) -> list[str] | None:
    """--unit values as registry names (full names, aliases or groups); an unknown one is a usage error."""
    if not names:
        return None
    try:
        return ws.registry.named(names)
    except ProblemError as exc:
        raise fail(exc) from exc


def fail(exc: ProblemError, option: str = "--unit") -> click.ClickException:
    """A catalogued problem raised by the library, as the error the command exits with; an unknown unit is said
    of the `option` that named it."""
    found = problem(exc.code, **exc.fields)
    if exc.code == "unit-option-unknown":  # a unit named on the command line: a usage error (exit 2)
        stop = "" if found.message.endswith(("？", "。")) else "。"
        return click.BadParameter(printable(f"{found.message}{stop}{found.hint}"), param_hint=option)
    return click.ClickException(printable(f"{found.message}（{found.code}）\n处理办法：{found.hint}"))


def print_notes(notes: list[Problem]) -> None:
    """Warnings about what the command was asked (a period never rendered …), on stderr before its output."""
    if notes:
        _console(True).print(problem_table(notes))


def print_written(paths: list[Path]) -> None:
    """The outputs written; one written beside an output another program holds open is said, naming both."""
    for path in paths:
        echo(f"已生成：{path}")
    print_notes(held_open(paths))


def _print_json(data: object) -> None:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    click.echo(UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))  # the same JSON, safe on a terminal


PLACE_LABELS = ("文件", "工作表", "单元格", "单位")  # where a problem is, as its line names it


def problem_table(problems: list[Problem]) -> Table:
    """Problems one block each: a line with level, type and place, then message and hint wrapped beneath.

    Read at 80 columns the text runs the width of the screen instead of down a column a few characters wide."""
    table = new_grid()
    table.title = f"问题清单（{len(problems)}项）"
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for n, p in enumerate(problems, 1):
        level = "[red]错误[/red]" if p.severity == "error" else "[yellow]提示[/yellow]"
        title = CATALOGUE[p.code].title if p.code in CATALOGUE else ""
        where = zip(PLACE_LABELS, (p.file, p.sheet, p.cell, p.unit), strict=True)
        place = "；".join(f"{label}：{x}" for label, x in where if x)
        lines = [
            f"{level} [bold]{shown(title or p.code)}[/bold]" + (f"（{p.code}）" if title else ""),
            shown(place),
            shown(p.message),
            f"[dim]处理：{shown(p.hint)}[/dim]",
        ]
        table.add_row(f"{n}.", "\n".join(line for line in lines if line))
        if n < len(problems):
            table.add_row("", "")
    return table


def print_problems(problems: list[Problem]) -> None:
    if not problems:
        _console(False).print("[green]未发现问题。[/green]")
        return
    _console(False).print(problem_table(problems))


# The commands that write nothing under source/ and no output: they hold no lock, so a clerk can look at the round
# while a collect runs. status and returns list write only derived caches, each aside and renamed, keyed by what
# they read (a file stored meanwhile changes the key). Every other command holds the workspace while it runs.
READ_ONLY_COMMANDS = ("init", "check", "status", "list", "log", "serve")  # serve: each action locks on its own


def chinese_short_help(text: str, limit: int = 56) -> str:
    """The line `ledger --help` lists a command with: its first sentence, cut at a clause when long. (click cuts
    at spaces, and Chinese has none, so it would print a stump ending in "...".)"""
    sentence = text.split("。")[0]
    if len(sentence) <= limit:
        return sentence + "。"
    depth, cuts = 0, []
    for i, c in enumerate(sentence[:limit]):
        depth += {"（": 1, "）": -1}.get(c, 0)
        if depth == 0 and c in "；，：":
            cuts.append(i)
    end = cuts[-1] if cuts else sentence.find("（") if "（" in sentence else limit
    return sentence[:end] + "。"


class ChineseCommand(click.Command):
    """A command whose usage line reads 用法：ledger render [选项]. A command that writes holds the workspace
    while it runs, so that a second one waits (or says who holds it); a write the system refuses (a read-only
    folder, a full disk) is said in Chinese with the folder."""

    context_class = ChineseContext

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or chinese_short_help(self.help or "")

    def invoke(self, ctx: click.Context):
        try:
            if self.name in READ_ONLY_COMMANDS or "workspace" not in ctx.params:
                return super().invoke(ctx)
            root = ws_module.find_workspace(ctx.params["workspace"])
            try:
                configured = load_config(root).limits.lock_wait
            except ConfigError:  # the command itself says what is wrong with ledger.toml
                configured = Limits().lock_wait
            command = " ".join(["ledger", *ctx.command_path.split()[1:]])
            with workspace_lock(WorkspacePaths(root), command, lock_wait(configured)):
                return super().invoke(ctx)
        except ProblemError as exc:
            raise fail(exc) from exc
        except OSError as exc:
            if (refused := write_refused(exc)) is None:
                raise
            raise fail(refused) from exc


@click.group(
    cls=ChineseGroup,
    help="任务台账：生成各单位填报表、收集汇总、生成调度通报。",
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
)
@click.version_option(package_name="ledger", message="ledger %(version)s", help="显示版本号并退出。")
def main() -> None:
    pass


main.command_class = ChineseCommand


@main.command(
    help="新建工作目录：写入本年度的 ledger.toml、模板、单位名录模板 source/units.xlsx（含示例行和“说明”表），"
    "并创建 source/tasks/ 等目录。"
)
@click.argument("directory", metavar="目录", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", metavar="名称", help="台账名称，如“城东区2026年重点任务工作台账”。")
@click.option("--office", metavar="名称", help="牵头汇总的办公室，如“城东区委督查室”。")
@click.option("--district", metavar="区县", help="任务清单所属区县：清单中的“区财政局”即指“<区县>财政局”。")
def init(directory: Path, title: str | None, office: str | None, district: str | None) -> None:
    try:
        root = ws_module.init_workspace(directory, title=title, office=office, district=district)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    echo(f"已创建工作目录：{root}")
    echo("在Windows上双击其中的“启动台账.bat”即可打开台账控制台（也可运行 ledger serve）。")
    echo("下一步：")
    echo("  1. 把任务清单放入 source/tasks/，在 ledger.toml 的 [[documents]] 中写明文件名；")
    echo("  2. 按 source/units.xlsx 的“说明”表填写单位名录（删除示例行）；")
    echo("  3. 运行 ledger check，按问题清单逐项修正。")


@main.command(help="检查任务清单、单位名录与完成时限，打印汇总和问题清单；有错误时退出码为 1。")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="以JSON输出汇总与问题。")
@click.option("--tasks", "show_tasks", is_flag=True, help="逐项列出任务，以及完成时限和牵头、配合单位是如何理解的。")
def check(workspace: Path | None, as_json: bool, show_tasks: bool) -> None:
    try:
        ws = ws_module.load_workspace(workspace)
    except ConfigError as exc:
        if as_json:
            _print_json({"summary": None, "problems": [p.to_dict() for p in exc.problems]})
        else:
            print_problems(exc.problems)
        sys.exit(1)
    summary = ws.summary()
    problems = ws.problems + ws.identity_problems()
    if as_json:
        tasks = {"tasks": ws.task_readings()} if show_tasks else {}
        _print_json({"summary": summary, **tasks, "problems": [p.to_dict() for p in problems]})
    else:
        if show_tasks:
            _print_tasks(ws.task_readings())
        _print_summary(summary)
        print_problems(problems)
    sys.exit(0 if not any(p.severity == "error" for p in problems) else 1)


def _print_tasks(readings: list[dict]) -> None:
    table = new_grid()
    table.title = f"任务清单的理解（{len(readings)}项）"
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for t in readings:
        measure = quoted(t["measure"])
        lines = [
            f"[bold]{shown(measure)}[/bold]",
            f"[dim]{shown(t['where'])}[/dim]",
            f"完成时限：{shown(t['deadline'] or '（空）')} → {t['deadline_read']}",
            f"牵头：{shown(t['lead_text'] or '（空）')} → {shown('、'.join(t['lead']) or '无')}",
        ]
        if t["support_text"] or t["support"]:
            lines.append(f"配合：{shown(t['support_text'] or '（空）')} → {shown('、'.join(t['support']) or '无')}")
        if t["vague"]:
            lines.append(f"[yellow]泛指，未落实到单位：{shown('、'.join(t['vague']))}[/yellow]")
        table.add_row(shown(t["id"]), "\n".join(lines))
    _console(False).print(table)


def _print_summary(summary: dict) -> None:
    _console(False).print(
        f"任务清单{len(summary['documents'])}份，任务{summary['tasks']}项，"
        f"单位{summary['units']}个（承担任务的{summary['units_with_tasks']}个）。"
    )
    docs = new_table(title="任务清单")
    for column in ("代码", "名称", "文件", "任务（指标）数"):
        docs.add_column(column)
    for d in summary["documents"]:
        count = f"指标{d['indicators']}项" if d["kind"] == "indicators" else str(d["tasks"])
        docs.add_row(shown(d["code"]), shown(d["name"]), shown(d["file"]), count)
    _console(False).print(docs)
    units = new_table(title="各单位任务数")
    for column in ("单位", "牵头", "配合"):
        units.add_column(column)
    for row in summary["per_unit"]:
        units.add_row(shown(row["unit"]), str(row["lead"]), str(row["support"]))
    _console(False).print(units)
    months = new_table(title="按完成时限统计")
    months.add_column("月份")
    months.add_column("任务数")
    for month, count in summary["deadlines_by_month"].items():
        months.add_row(month, str(count))
    _console(False).print(months)
    if summary["unresolved"]:
        vague = new_table(title="未落实到具体单位的泛指表述")
        vague.add_column("表述")
        vague.add_column("出现次数")
        for text, count in summary["unresolved"].items():
            vague.add_row(shown(text), str(count))
        _console(False).print(vague)
    _console(False).print(f"错误{summary['errors']}项，提示{summary['warnings']}项。")


@main.command(
    "import",
    help="从政策文件（.docx、.doc、.wps、.pdf、.txt、.md、.html，或 .xlsx、.xls 任务表）导入任务清单："
    "写入 source/tasks/<文件名称>.xlsx，并把该文件登记到 ledger.toml。",
)
@workspace_option
@click.argument("file", metavar="文件", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code", metavar="编号", help="文件编号（任务编号的前缀），如FGF；默认自动生成。")
@click.option("--name", metavar="名称", help="文件名称；默认取文件标题。")
@click.option("--section", metavar="标题文字", help="公报中有多份文件时，只导入标题含该文字的一份。")
@click.option("--dry-run", is_flag=True, help="只显示导入结果，不写任何文件。")
@click.option("--add-units", is_flag=True, help="把单位名录中没有的单位追加到单位名录，供补全信息。")
@click.option("--json", "as_json", is_flag=True, help="以JSON输出任务（tasks）与问题（problems）。")
def import_(
    workspace: Path | None,
    file: Path,
    code: str | None,
    name: str | None,
    section: str | None,
    dry_run: bool,
    add_units: bool,
    as_json: bool,
) -> None:
    from .importer import import_document

    result = import_document(
        file,
        workspace=ws_module.find_workspace(workspace),
        code=code,
        name=name,
        section=section,
        dry_run=dry_run,
        add_units=add_units,
    )
    if as_json:
        _print_json(result.to_json())
    elif result.indicators:
        count = len(result.indicators)
        table = new_table(title=f"《{shown(result.name)}》指标{count}项（文件编号：{shown(result.code)}）")
        for column in ("序号", "指标名称", "单位", "指标要求", "属性", "目标值", "来源"):
            table.add_column(column, overflow="fold", no_wrap=column in ("序号", "来源"))
        for i in result.indicators:
            targets = "；".join(f"{year}年{text}" for year, text in i.targets.items())
            table.add_row(*map(shown, (i.number, i.name, i.unit, i.requirement, i.binding, targets, i.source)))
        _console(False).print(table)
        print_problems(result.problems)
        if result.written:
            echo(f"已写入指标表 {result.table_file}，并登记到 ledger.toml；请补填牵头单位后运行 ledger check。")
    elif not result.name:  # the document could not be read (or the section was not found): only why
        print_problems(result.problems)
    else:
        table = new_table(title=f"《{shown(result.name)}》任务{len(result.tasks)}项（文件编号：{shown(result.code)}）")
        for column in ("序号", "具体措施", "牵头单位", "配合单位", "完成时限", "来源"):
            table.add_column(column, overflow="fold", no_wrap=column in ("序号", "来源"))
        for t in result.tasks:
            measure = quoted(t.measure, 40)
            cells = (t.number, measure, t.lead_text, t.support_text, t.deadline, t.source)
            table.add_row(*map(shown, cells))
        _console(False).print(table)
        print_problems(result.problems)
        if result.written:
            echo(f"已写入任务表 {result.table_file}，并登记到 ledger.toml；请逐行核对后运行 ledger check。")
        if result.added_units:
            echo(f"已在单位名录末尾追加{len(result.added_units)}个单位，请补全类别、联系人和邮箱。")
    sys.exit(1 if any(p.severity == "error" for p in result.problems) else 0)


@main.command(help="生成报告期内各单位的填报表（build/<报告期>/outbox/），每个承担未完成任务的单位一份。")
@workspace_option
@period_option
@click.option(
    "--unit",
    "-u",
    "units",
    multiple=True,
    metavar="单位",
    help="只生成该单位的填报表：单位全称、简称/别名或分组（可重复使用）。",
)
@click.option(
    "--revise",
    is_flag=True,
    help="修订已发出（已发邮件或已收到报送）的填报表：改变各单位收到的任务内容时必须加，并用 --why 写明原因。",
)
@click.option("--why", metavar="原因", help="修订的原因，与时间、操作人一并留存。")
@jobs_option("生成填报表（及读取前几个月的报送）")
def render(
    workspace: Path | None, period: Period, units: tuple[str, ...], revise: bool, why: str | None, jobs: int
) -> None:
    if why is not None and not revise:
        raise click.UsageError("--why 只与 --revise 一起使用。")
    ws = load_valid_workspace(workspace, period)
    wanted = unit_names(ws, units)
    try:
        result = round_of(ws, period, jobs).render(wanted, revise=(why or "") if revise else None)
    except ProblemsError as exc:
        print_problems(exc.problems)
        raise click.ClickException("任务编号与已下发的不一致，请按上表修正任务清单后运行 ledger check。") from exc
    except ProblemError as exc:
        raise fail(exc) from exc
    for name in result.unknown_units:
        _console(False).print(f"[yellow]单位“{shown(name)}”没有未完成的任务或不在单位名录中，未生成。[/yellow]")
    echo(f"已生成{len(result.files)}份填报表：{result.outbox}")
    echo(f"清单：{result.manifest_path}")


@main.command(
    help="收集各单位报送的文件（.xlsx/.xls/.ods 工作簿、.csv、扫描件、文件夹、.eml 邮件、.mbox 邮箱），"
    "原样存入 source/returns/<报告期>/，并记录收到时间；"
    "加 --imap 则从 ledger.toml [mail.imap] 指定的邮箱文件夹收取带附件的回复。"
)
@workspace_option
@click.option(
    "--period",
    "-p",
    type=PeriodOrAutoType(),
    metavar="YYYY-MM|auto",
    required=True,
    help="报告期（月份），如2021-06；auto 表示按填报表中标识的报告期分别存入。",
)
@click.option(
    "--received",
    metavar="时间",
    help='普通文件的实际收到时间，如 "2021-07-04 10:30" 或 "2021年7月4日10:30"（本办公室时区）；'
    "不填则按文件修改时间。邮件总按发送时间。",
)
@click.option("--imap", "use_imap", is_flag=True, help="从IMAP邮箱收取回复（已收取的邮件会打上标记，不会重复收取）。")
@click.argument("paths", nargs=-1, metavar="[文件或文件夹]...", type=click.Path(exists=True, path_type=Path))
def collect(
    workspace: Path | None, period: Period | None, received: str | None, use_imap: bool, paths: tuple[Path, ...]
) -> None:
    from .collect import RECEIVED_HOW_NAMES, collect_returns, parse_received

    ws = open_workspace(workspace, period)
    if period is not None:
        round_of(ws, period)
    if not paths and not use_imap:
        raise click.UsageError("请给出要收集的文件或文件夹，或使用 --imap。")
    if use_imap and period is None:
        raise click.UsageError("--imap 需要指定报告期（--period 2021-06）。")
    zone = office_zone(ws.config)
    try:
        given = parse_received(received, ws.config, ws.paths, period) if received else None
    except ProblemError as exc:
        raise fail(exc) from exc
    results = (
        [
            collect_returns(
                ws.paths,
                period,
                list(paths),
                zone=zone,
                received=given,
                limits=ws.config.limits,
                rhythm=ws.config.rhythm.round,
            )
        ]
        if paths
        else []
    )
    if use_imap and period is not None:
        import imaplib

        from .mail import MailError, fetch_imap

        try:
            results.append(fetch_imap(ws, period))
        except (MailError, OSError, imaplib.IMAP4.error) as exc:
            raise click.ClickException(printable(f"收取邮件失败：{exc}")) from exc
    for result in results:
        for receipt in result.stored:
            sender = f"，发件人：{receipt.sender}" if receipt.sender else ""
            filed = result.periods.get(receipt.file)
            where = f"，存入{chinese(Period.parse(filed))}" if filed else ""
            how = RECEIVED_HOW_NAMES[receipt.received_how]
            echo(
                f"已存入：{receipt.file}（原名：{receipt.original_name}{sender}{where}），"
                f"收到时间：{local_text(receipt.received_at)}（按{how}）"
            )
        for name in result.duplicates:
            echo(f"已存在相同文件，跳过：{name}")
        for path in result.skipped:
            echo(f"已忽略：{path}")
        print_notes(result.notes)
    total = sum(len(r.stored) for r in results)
    echo(f"共存入{total}个文件：{ws.paths.returns(period) if period else ws.paths.source / 'returns'}")


@main.command(help="汇总报告期内各单位的报送，生成汇总台账 merged.xlsx 与问题清单 problems.xlsx。")
@workspace_option
@period_option
@click.option("--json", "as_json", is_flag=True, help="以JSON输出填报内容（entries）与问题（problems）。")
@jobs_option("读取报送文件、写出汇总台账和问题清单")
def merge(workspace: Path | None, period: Period, as_json: bool, jobs: int) -> None:
    ws = load_valid_workspace(workspace, period)
    opened = round_of(ws, period, jobs)
    notes = opened.notes()
    paths = opened.write_merge()
    result = opened.merge()
    if as_json:
        _print_json(
            {
                "entries": [e.to_dict() for e in result.entries],
                "problems": [p.to_dict() for p in result.problems],
                "unmerged": [asdict(u) for u in result.unmerged],
                "notes": [p.to_dict() for p in notes],
            }
        )
        return
    print_notes(notes)
    print_problems(result.problems)
    echo(result.counts_text())
    print_written(paths)


@main.command(help="查看报告期报送情况：已报送、未报送、报送有误、逾期报送的单位，以及各灯色任务数。")
@workspace_option
@period_option
@click.option("--json", "as_json", is_flag=True, help="以JSON输出。")
@jobs_option("读取报送文件")
def status(workspace: Path | None, period: Period, as_json: bool, jobs: int) -> None:
    ws = load_valid_workspace(workspace, period)
    opened = round_of(ws, period, jobs, summary=True)
    notes = opened.notes()
    built = opened.report()
    from .report import MonthlyReport  # loaded by the round already
    from .schedule import still_due  # likewise

    if as_json:
        _print_json({"round": opened.info(), **built.summary(), "notes": [p.to_dict() for p in notes]})
        return
    print_notes(notes)
    if not isinstance(built, MonthlyReport):  # a half-year or a year
        _print_span_status(ws, built)
        return
    heading = f"{period.label}（{chinese(period.start)}至{chinese(period.end)}，{chinese(opened.due)}前报送）"
    if not opened.ran:  # nobody was asked yet: no unit is 未报送, no task unreported
        echo(f"{heading}：{period.label}尚未开展调度（未生成填报表，也未收到报送），不统计各单位报送情况。")
        echo(f"任务{len(built.tasks)}项，{built.done_text()}，占{chinese(built.completion)}。")
        return
    echo(f"{heading}：应报送{len(built.units)}个单位，已报送{len(built.returned_units)}个。")
    # before the due day has passed, a unit not yet reported still has time: said, not left to read as late
    pending = f"，{NOT_YET_DUE}，{chinese(opened.due)}前报送" if still_due(today(ws.config), opened.due) else ""
    for label, units, said in (
        ("未报送", built.missing_units, pending),
        ("待确认", built.held_units, ""),
        ("报送有误", built.error_units, ""),
        ("逾期报送", built.late_units, ""),
    ):
        echo(f"{label}（{len(units)}个{said if units else ''}）：{'、'.join(u.unit for u in units) or '无'}")
    if built.redo_units:
        sent_back = "、".join(f"{u.unit}（{u.sent_back}）" for u in built.redo_units)
        echo(f"退回重报（{len(built.redo_units)}个）：{sent_back}")
    echo(f"任务{len(built.tasks)}项，{built.done_text()}，占{chinese(built.completion)}；{built.lights_text()}。")
    if built.indicators is not None:
        echo(f"主要指标{built.indicators.counts_text()}。{built.indicators.behind_text()}")


def _print_span_status(ws: ws_module.Workspace, built: SpanReport) -> None:
    """A half-year or a year: completion, then every unit's reporting record over the rounds; its last round with
    data said still due when its deadline has not passed (its 未报送 so far may still come)."""
    from .schedule import round_due, still_due

    echo(built.coverage_text())
    echo(f"{built.heading}任务{len(built.tasks)}项，{built.done_text()}，占{chinese(built.completion)}。")
    echo(f"{built.reporting_text()}。")
    if built.with_data and still_due(today(ws.config), due := round_due(ws.config, ws.paths, built.with_data[-1])):
        echo(f"{built.with_data[-1].label}{NOT_YET_DUE}（{chinese(due)}前报送），该期未报送的单位仍可报送。")
    table = new_table(title=f"{built.heading}各单位报送情况")
    for column in ("单位", "牵头完成", "应报", "已报", "按时", "逾期", "未报", "待确认", "有误", "报送率", "按时率"):
        table.add_column(column, overflow="fold")
    for u in built.units:
        table.add_row(
            shown(u.unit),
            f"{u.completion_text}（{chinese(u.completion)}）" if u.led else "—",  # leads nothing: no completion
            *(str(n) for n in (u.rounds_due, u.returned, u.on_time, u.late, u.missing, u.held, u.with_errors)),
            *((chinese(u.returned_rate), chinese(u.on_time_rate)) if u.rounds_due else ("—", "—")),  # none due: no rate
        )
    _console(False).print(table)


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"日期“{value}”格式不对，应写作2021-07-09", param, ctx)


@main.command(
    help="生成调度通报（每期一份，也可按半年、全年汇总）：汇总台账.xlsx、report.html 和 通报.docx"
    "（build/<报告期>/report/）。"
)
@workspace_option
@period_option
@click.option(
    "--date",
    "issued",
    type=DateType(),
    default=None,
    help="报告日期（成文日期），如2021-07-09；默认为今天（按 ledger.toml 的时区）。晚于本期报送时限30天以上时提醒。",
)
@click.option(
    "--number",
    type=WholeNumber(min=1),
    default=None,
    metavar="序号",
    help="发文字号中的序号（[bulletin] doc_number 的 {n}）；"
    "默认沿用本期已编的号，或取当年下一个号，记在 source/bulletins.json。",
)
@jobs_option("读取报送文件、写出报告")
def report(workspace: Path | None, period: Period, issued: date | None, number: int | None, jobs: int) -> None:
    ws = load_valid_workspace(workspace, period)
    opened = round_of(ws, period, jobs, summary=True)
    print_notes(opened.notes())
    built, paths = opened.publish(issued=issued, number=number)
    from .report import MonthlyReport  # loaded by the round already

    print_notes(built.notes)
    print_written(paths)
    if not isinstance(built, MonthlyReport):  # a half-year or a year
        echo(f"报告日期{chinese(built.issued)}；{built.coverage_text()}")
        return
    echo(
        f"报告日期{chinese(built.issued)}；任务{len(built.tasks)}项：{built.lights_text()}；"
        f"未报送单位{len(built.missing_units)}个，报送有误单位{len(built.error_units)}个。"
    )


@main.command("sample-returns", help="为示例工作目录生成模拟的单位回复邮件（.eml），供演示和测试收集、汇总流程。")
@workspace_option
@period_option
@click.argument("inbox", metavar="目录", type=click.Path(file_okay=False, path_type=Path))
def sample_returns(workspace: Path | None, period: Period, inbox: Path) -> None:
    from .samples import make_sample_returns

    ws = load_valid_workspace(workspace, period)
    written = make_sample_returns(ws, manifest_of(round_of(ws, period)), inbox)
    echo(f"已生成{len(written)}封模拟回复邮件：{inbox}")


def _deliver(opened: Round, messages, no_email: list[str], send: bool, resend: bool, command: str) -> None:
    from .mail import MailError, MailResult

    ws, period = opened.ws, opened.period
    if send and ws.config.office.placeholder:  # units would be told to call 台账联络员 at 0000-0000000
        print_problems([p for p in ws.problems if p.code == "office-contact-placeholder"])
        raise click.ClickException("联系人仍是示例，未发送：请先在 ledger.toml 的 [office] 中填写真实的联系人和电话。")
    try:
        result: MailResult = opened.deliver(messages, send=send, resend=resend)
    except MailError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.dry_run:
        echo(f"试运行：已生成{len(result.written)}封邮件供检查（未发送）：{ws.paths.mail_drafts(period)}")
        echo("确认无误后加 --send 发送。")
    else:
        echo(f"已发送{len(result.sent)}封，此前已发送而跳过{len(result.skipped)}封，失败{len(result.failed)}封。")
        for outgoing, reason in result.failed:
            echo(f"发送失败：{outgoing.unit}（{'、'.join(outgoing.recipients)}）：{reason}")
        unknown = result.uncertain + result.unsure
        for outgoing, reason in unknown:
            echo(f"不确定是否送达：{outgoing.unit}（{'、'.join(outgoing.recipients)}）：{reason}。未自动重发。")
        if unknown:
            units = " ".join(f"--unit {quote_argument(o.unit)}" for o, _ in unknown)
            echo(
                "请先向收件单位核实是否收到（或在发信邮箱的“已发送”中查看）；确未收到的，用下面的命令重新发送：\n"
                f"  ledger {command} --period {period} {units} --send --resend"
            )
        if result.stopped:
            echo(result.stopped)
    if no_email:
        echo(f"以下{len(no_email)}个单位在单位名录中没有电子邮箱，未发送：{'、'.join(no_email)}")
    if result.needs_attention:
        sys.exit(1)


resend_option = click.option(
    "--resend",
    is_flag=True,
    help="重新发送 --unit 指定单位的邮件，即使发送记录中已发送或不确定是否送达（先与单位核实确未收到）。",
)


def _check_resend(resend: bool, send: bool, units: tuple[str, ...]) -> None:
    if resend and not (send and units):
        raise click.UsageError("--resend 需要同时使用 --send 和 --unit，只重发指定单位的邮件。")


@main.command(help="把各单位的填报表通过邮件发给单位联系人；默认试运行，只生成 .eml 文件，加 --send 才真正发送。")
@workspace_option
@period_option
@click.option(
    "--unit",
    "-u",
    "units",
    multiple=True,
    metavar="单位",
    help="只发给该单位：单位全称、简称/别名或分组（可重复使用）。",
)
@click.option("--send", is_flag=True, help="通过SMTP真正发送（设置见 ledger.toml [mail]，密码取自环境变量）。")
@resend_option
def mail(workspace: Path | None, period: Period, units: tuple[str, ...], send: bool, resend: bool) -> None:
    _check_resend(resend, send, units)
    ws = load_valid_workspace(workspace, period)
    wanted = unit_names(ws, units)
    opened = round_of(ws, period)
    manifest_of(opened)
    print_notes(opened.notes())
    try:
        messages, no_email = opened.workbook_mail(wanted)
    except ProblemError as exc:
        raise fail(exc) from exc
    _deliver(opened, messages, no_email, send, resend, "mail")


@main.command(
    help="向未报送的单位发催报邮件，向报送有误的单位发更正通知（列出问题和处理办法）；默认试运行，加 --send 发送。"
)
@workspace_option
@period_option
@click.option("--unit", "-u", "units", multiple=True, metavar="单位", help="只发给该单位（可重复使用）。")
@click.option("--send", is_flag=True, help="通过SMTP真正发送。")
@resend_option
@jobs_option("读取报送文件")
def remind(workspace: Path | None, period: Period, units: tuple[str, ...], send: bool, resend: bool, jobs: int) -> None:
    _check_resend(resend, send, units)
    ws = load_valid_workspace(workspace, period)
    wanted = unit_names(ws, units)
    opened = round_of(ws, period, jobs)
    manifest_of(opened)
    print_notes(opened.notes())
    messages, no_email = opened.reminder_mail()
    if wanted:
        messages, no_email = [m for m in messages if m.unit in wanted], [u for u in no_email if u in wanted]
    _deliver(opened, messages, no_email, send, resend, "remind")


def command_group(name: str, help_text: str) -> click.Group:
    """A group of subcommands (ledger returns …, ledger rounds …) whose usage lines read in Chinese too."""
    group = ChineseGroup(
        name,
        help=help_text,
        short_help=chinese_short_help(help_text),
        options_metavar="[选项]",
        subcommand_metavar="命令 [参数]...",
    )
    group.command_class = ChineseCommand
    main.add_command(group)
    return group


returns = command_group(
    "returns",
    "查看和更正已收到的报送文件：撤回、退回重报、恢复、更正收到时间、指定报送单位。文件始终原样保存，更正另行记录。",
)
file_argument = click.argument("file", metavar="文件名")


@returns.command("list", help="列出报告期收到的每个文件：单位、收到时间、处理结果、问题数。")
@workspace_option
@period_option
@click.option("--json", "as_json", is_flag=True, help="以JSON输出。")
@jobs_option("读取报送文件")
def returns_list(workspace: Path | None, period: Period, as_json: bool, jobs: int) -> None:
    ws = load_valid_workspace(workspace, period)
    from .collect import RECEIVED_HOW_NAMES
    from .returns import list_returns

    lines = list_returns(ws, period, jobs=jobs)
    if as_json:
        _print_json([asdict(line) for line in lines])
        return
    print_notes(round_of(ws, period).notes())
    if not lines:
        echo(f"{period.label}尚未收到报送文件。")
        return
    table = new_table(title=f"{period.label}收到的文件（{len(lines)}个）")
    for column in ("文件", "单位", "收到时间", "处理结果", "问题"):
        table.add_column(column, overflow="fold")
    for line in lines:
        how = RECEIVED_HOW_NAMES.get(line.received_how, "")
        state = STATE_NAMES[line.state] + (f"：{line.why}" if line.why else "")
        problems = f"{line.problems}项（错误{line.errors}项）" if line.errors else f"{line.problems}项"
        received = local_text(line.received_at) + (f"\n按{how}" if how else "")
        table.add_row(shown(line.file), shown(line.unit or "（未确定）"), received, shown(state), problems)
    _console(False).print(table)
    held = [line for line in lines if line.state == "held"]
    if held:
        echo(f"待确认{len(held)}个：发件人不是文件所属单位登记的邮箱，未汇总。与该单位核实后确认：")
        for line in held:
            command = f"ledger returns accept --period {period} {quote_argument(line.file)}"
            echo(f"  {command}    （{line.unit}，发件人：{line.sender or '无'}）")
        echo("该单位今后都用这个邮箱报送的，加 --remember 登记；不是该单位报送的，用 ledger returns withdraw 撤回。")


def quote_argument(text: str) -> str:
    """A file name as it is typed on a command line (Windows and Linux alike): quoted when it has spaces."""
    return f'"{text}"' if any(c.isspace() for c in text) else text


@returns.command(
    "withdraw", help="撤回一个报送文件：文件仍原样保存，但汇总、报送情况和催报都不再计入；可用 restore 恢复。"
)
@workspace_option
@period_option
@file_argument
@click.option("--why", required=True, metavar="原因", help="撤回的原因，如“报告期有误，应为2021-05”。")
def returns_withdraw(workspace: Path | None, period: Period, file: str, why: str) -> None:
    ws = load_valid_workspace(workspace, period)
    try:
        from .returns import withdraw_return

        withdraw_return(ws, period, file, why)
    except ProblemError as exc:
        raise fail(exc) from exc
    echo(f"已撤回：{file}（原因：{why.strip()}）。文件仍保存在 {ws.paths.returns(period)}。")


@returns.command(
    "reject",
    help="把一个报送文件退回单位重新报送（退回重报）：文件仍原样保存，不计入汇总；催报时写明退回原因并附上单位的原表。",
)
@workspace_option
@period_option
@file_argument
@click.option("--why", required=True, metavar="原因", help="退回的原因，会写进催报邮件，如“牵头任务未填写完成状态”。")
def returns_reject(workspace: Path | None, period: Period, file: str, why: str) -> None:
    ws = load_valid_workspace(workspace, period)
    try:
        from .returns import reject_return

        correction = reject_return(ws, period, file, why)
    except ProblemError as exc:
        raise fail(exc) from exc
    by = date.fromisoformat(correction.resubmit_by)
    echo(f"已退回：{file}（原因：{correction.why}）。文件仍保存在 {ws.paths.returns(period)}，不计入汇总。")
    echo(
        f"用 ledger remind --period {period} 通知该单位（附原表）；{chinese(by)}前重新报送的，仍按首次报送的时间"
        "认定是否按时报送。退回错了的，用 ledger returns restore 撤销。"
    )


@returns.command("restore", help="恢复一个已撤回或已退回的报送文件，重新计入汇总。")
@workspace_option
@period_option
@file_argument
def returns_restore(workspace: Path | None, period: Period, file: str) -> None:
    ws = load_valid_workspace(workspace, period)
    try:
        from .returns import restore_return

        restore_return(ws, period, file)
    except ProblemError as exc:
        raise fail(exc) from exc
    echo(f"已恢复：{file}，重新计入汇总。")


@returns.command(
    "set-received", help='更正一个报送文件的收到时间，如 "2021-07-04 10:30"（本办公室时区），无需重新收集。'
)
@workspace_option
@period_option
@file_argument
@click.argument("when", metavar="时间")
def returns_set_received(workspace: Path | None, period: Period, file: str, when: str) -> None:
    ws = load_valid_workspace(workspace, period)
    try:
        from .returns import set_received

        correction = set_received(ws, period, file, when)
    except ProblemError as exc:
        raise fail(exc) from exc
    echo(f"已更正：{file} 的收到时间为{local_text(correction.received_at)}。")


@returns.command("assign", help="指定一个无法确定报送单位的文件属于哪个单位（单位全称或简称）。")
@workspace_option
@period_option
@file_argument
@click.option("--unit", "-u", required=True, metavar="单位", help="单位名录中的单位全称或简称/别名。")
def returns_assign(workspace: Path | None, period: Period, file: str, unit: str) -> None:
    ws = load_valid_workspace(workspace, period)
    try:
        from .returns import assign_unit

        correction = assign_unit(ws, period, file, unit)
    except ProblemError as exc:
        raise fail(exc) from exc
    echo(f"已指定：{file} 为{correction.unit}的报送。")


rounds = command_group("rounds", "调度期次的设置：更改某一期的报送截止日期（如遇节假日），更改另行记录，不改写原设置。")


@rounds.command(
    "set-due", help="更改某一期的报送截止日期，如 ledger rounds set-due 2021-09 2021-10-11 --why 国庆假期顺延。"
)
@workspace_option
@click.argument("period", metavar="期次", type=PeriodType())
@click.argument("due", metavar="日期")
@click.option("--why", required=True, metavar="原因", help="更改的原因，如“国庆假期顺延”。")
def rounds_set_due(workspace: Path | None, period: Period, due: str, why: str) -> None:
    ws = load_valid_workspace(workspace, period)
    try:
        change = round_of(ws, period).set_due(due, why)
    except ProblemError as exc:
        raise fail(exc) from exc
    echo(f"已更改：{period.label}的报送截止日期为{chinese(date.fromisoformat(change.due))}（原因：{change.why}）。")
    echo("催报、是否逾期和填报说明都按新日期计算；已生成的填报表请重新生成后再发送。")


@returns.command(
    "accept",
    help="确认一个待确认的报送文件（发件人不是该单位登记的邮箱）确属该单位，计入汇总；"
    "加 --remember 同时登记该邮箱，今后不再待确认。",
)
@workspace_option
@period_option
@file_argument
@click.option("--remember", is_flag=True, help="把发件邮箱登记为该单位的邮箱（记在 source/senders.jsonl）。")
def returns_accept(workspace: Path | None, period: Period, file: str, remember: bool) -> None:
    ws = load_valid_workspace(workspace, period)
    try:
        from .returns import accept_return

        accepted = accept_return(ws, period, file, remember=remember)
    except ProblemError as exc:
        raise fail(exc) from exc
    echo(f"已确认：{file} 为{accepted.unit}的报送（发件人：{accepted.sender or '无'}），重新计入汇总。")
    if accepted.remembered is not None:
        echo(f"已登记：{accepted.sender} 为{accepted.unit}的邮箱，今后从该邮箱报送的文件不再待确认。")


units = command_group(
    "units",
    "机构改革：单位更名、合并，自某一期起生效；单位名录随之更新（曾用名、邮箱），更改另行记录，往期不受影响。",
)
from_option = click.option(
    "--from", "start", required=True, metavar="期次", type=PeriodType(), help="自哪一期起生效，如2021-07。"
)
why_option = click.option("--why", default="", metavar="原因", help="更改的原因，如“区政府机构改革方案”。")


def _changed(change: UnitChange, verb: str) -> None:
    echo(f"已{verb}：{'、'.join(change.old)} → {change.new}，自{change.start.label}起生效。")
    echo(
        f"单位名录已更新：{change.new}的曾用名含{'、'.join(change.old)}，原邮箱转入{change.new}；往期报告仍用当时的名称。"
    )


@units.command(
    "rename", help="单位更名，如 ledger units rename 区环保局 市生态环境局钢城分局 --from 2021-07；改回原名即撤销。"
)
@workspace_option
@click.argument("old", metavar="原名称")
@click.argument("new", metavar="新名称")
@from_option
@why_option
def units_rename(workspace: Path | None, old: str, new: str, start: Period, why: str) -> None:
    ws = load_valid_workspace(workspace, start)
    from .reorganise import rename_unit

    try:
        change = rename_unit(ws, old, new, start, why)
    except ProblemError as exc:
        raise fail(exc) from exc
    _changed(change, "更名")


@units.command(
    "merge", help="单位合并，如 ledger units merge 规划协调服务中心 --into 自然资源局 --from 2021-07（可并入新单位）。"
)
@workspace_option
@click.argument("olds", metavar="被合并单位...", nargs=-1, required=True)
@click.option("--into", "new", required=True, metavar="单位", help="并入的单位（名录中已有的单位，或新单位的全称）。")
@from_option
@why_option
def units_merge(workspace: Path | None, olds: tuple[str, ...], new: str, start: Period, why: str) -> None:
    ws = load_valid_workspace(workspace, start)
    from .reorganise import merge_units

    try:
        change = merge_units(ws, list(olds), new, start, why)
    except ProblemError as exc:
        raise fail(exc) from exc
    _changed(change, "合并")


@units.command("log", help="列出历次单位更名与合并：何时、何人、自哪一期起、原因。")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="以JSON输出。")
def units_log(workspace: Path | None, as_json: bool) -> None:
    ws = open_workspace(workspace)
    from .reorganise import unit_change_log

    changes = unit_change_log(ws)
    if as_json:
        _print_json([c.to_dict() for c in changes])
        return
    if not changes:
        echo("尚无单位更名或合并的记录。")
        return
    table = new_table(title=f"单位更名与合并（{len(changes)}项）")
    for column in ("时间", "操作人", "类型", "原单位", "现单位", "起始期次", "原因"):
        table.add_column(column, overflow="fold")
    for c in changes:
        kind = "更名" if c.action == "rename" else "合并"
        table.add_row(
            local_text(c.at), shown(c.by), kind, shown("、".join(c.old)), shown(c.new), c.start.label, shown(c.why)
        )
    _console(False).print(table)


tasks_group = command_group(
    "tasks",
    "任务调整：延期、销号、暂缓、取消、调整牵头单位，自某一期起生效；每次调整连同时间、原因和操作人另行记录"
    "（source/task-changes.jsonl），不改写任务清单，也不改变以前各期。",
)
task_argument = click.argument("task_id", metavar="任务编号")
task_why = click.option("--why", required=True, metavar="原因", help="调整的原因或依据，如“经区政府同意”。")
task_from = click.option(
    "--from",
    "start",
    type=PeriodType(),
    metavar="期次",
    help="自哪一期起生效（如2021-07）；不写则自尚未下发的第一期起。",
)


def _change(workspace: Path | None, kind: ChangeKind, task_id: str, why: str, **options: Any) -> None:
    """Record one task change and say what it did and what follows."""
    from .history import change_notes
    from .task_changes import change_task, what_follows

    ws = load_valid_workspace(workspace, options.get("start"))  # a --from years away is said, as --period is
    try:
        change = change_task(ws, kind, task_id, why, **options)
    except ProblemError as exc:  # an unknown unit is one of reassign's --lead or --support
        raise fail(exc, "--support" if exc.fields.get("name") in (options.get("support") or ()) else "--lead") from exc
    echo(f"已记录：{change.task_id}{change.details}，自{change.start.label}起生效（原因：{change.why}）。")
    echo(what_follows(ws, change))
    print_notes(change_notes(ws, change))


@tasks_group.command("extend", help="任务延期：灯色按新的完成时限计算，各输出写明“原定……，经批准延期至……”。")
@workspace_option
@task_argument
@click.option("--to", "to", required=True, metavar="日期", help="新的完成时限，如2021-09-30。")
@task_why
@task_from
def tasks_extend(workspace: Path | None, task_id: str, to: str, why: str, start: Period | None) -> None:
    _change(workspace, "extend", task_id, why, to=to, start=start)


def _lifecycle_command(kind: ChangeKind, help: str) -> None:
    """`ledger tasks <kind>`: a change that takes only the task, its reason and the round it starts from."""

    @tasks_group.command(kind, help=help)
    @workspace_option
    @task_argument
    @task_why
    @task_from
    def command(workspace: Path | None, task_id: str, why: str, start: Period | None) -> None:
        _change(workspace, kind, task_id, why, start=start)


LIFECYCLE_COMMANDS: tuple[tuple[ChangeKind, str], ...] = (
    ("close", "任务销号：不再下发，计为已完成（已销号），不会标红。"),
    ("suspend", "任务暂缓：不再下发，不标红，单独统计（暂缓N项）；用 resume 恢复。"),
    ("resume", "恢复暂缓的任务，自该期起重新下发和统计。"),
    ("cancel", "取消任务：自该期起不下发、不计入任何统计，通报中列为已取消；用 reopen 恢复。"),
    ("reopen", "撤销销号或取消，任务自该期起重新下发和统计。"),
)
for _kind, _help in LIFECYCLE_COMMANDS:
    _lifecycle_command(_kind, _help)


@tasks_group.command(
    "reassign",
    help="调整牵头单位（及配合单位）：自该期起由新牵头单位填报，并预填原牵头单位上期所填；以前各期不变。",
)
@workspace_option
@task_argument
@click.option("--lead", "lead", required=True, multiple=True, metavar="单位", help="新的牵头单位（全称或简称）。")
@click.option("--support", "support", multiple=True, metavar="单位", help="新的配合单位；不写则配合单位不变。")
@click.option("--from", "start", required=True, type=PeriodType(), metavar="期次", help="自哪一期起生效，如2021-07。")
@task_why
def tasks_reassign(
    workspace: Path | None, task_id: str, lead: tuple[str, ...], support: tuple[str, ...], start: Period, why: str
) -> None:
    _change(workspace, "reassign", task_id, why, lead=list(lead), support=list(support) or None, start=start)


@tasks_group.command("log", help="列出每一次任务调整：任务编号、调整、生效期次、内容、时间、操作人、原因。")
@workspace_option
@click.option("--json", "as_json", is_flag=True, help="以JSON输出。")
def tasks_log(workspace: Path | None, as_json: bool) -> None:
    from .task_changes import KIND_NAMES, read_changes

    ws = load_valid_workspace(workspace)
    changes = read_changes(ws.paths)
    if as_json:
        _print_json([{**c.to_dict(), "details": c.details} for c in changes])
        return
    if not changes:
        echo("尚无任务调整的记录。")
        return
    table = new_table(title=f"任务调整记录（{len(changes)}次）")
    for column in ("任务编号", "调整", "生效期次", "内容", "时间", "操作人", "原因"):
        table.add_column(column, overflow="fold")
    for c in changes:
        table.add_row(
            c.task_id, KIND_NAMES[c.kind], c.start.label, shown(c.details), local_text(c.at), shown(c.by), shown(c.why)
        )
    _console(False).print(table)


@main.command(
    help="打开台账控制台：在浏览器中查看报送情况、生成填报表、发邮件、接收报送、汇总和生成通报。"
    "默认只供本机访问（127.0.0.1）；供其他电脑访问须先用 --set-password 设置密码。"
)
@workspace_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, metavar="地址", help="监听的地址；非本机地址须先设置密码。"
)
@click.option("--port", default=8321, show_default=True, type=WholeNumber(1, 65535), metavar="端口", help="端口。")
@click.option("--open", "open_browser", is_flag=True, help="启动后打开浏览器。")
@click.option(
    "--set-password", "set_password", is_flag=True, help="设置控制台的登录密码（只保存加盐的散列值），然后退出。"
)
def serve(workspace: Path | None, host: str, port: int, open_browser: bool, set_password: bool) -> None:
    from .console import console_addresses, serve_console, set_console_password

    root = ws_module.find_workspace(workspace)
    if set_password:
        password = click.prompt("新密码", hide_input=True, confirmation_prompt="再输入一次")
        if len(password) < 8:
            raise click.ClickException("密码至少8位。")
        echo(f"已设置控制台密码（加盐散列）：{set_console_password(root, password)}")
        return
    started = f"台账控制台：{'、'.join(console_addresses(host, port))}（工作目录：{root}；按Ctrl+C停止）"
    serve_console(root, host=host, port=port, open_browser=open_browser, ready=lambda: echo(started))
