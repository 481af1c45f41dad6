"""ledger.toml: what an office configures about its ledger, read and checked into plain dataclasses.

People type this file by hand with a Chinese input method. Every slip — Chinese quotes or a full-width ＝, a
year written "2023年", a misspelt key, a due day of 40 — becomes a catalogued problem naming the key (or the
line, for syntax), never a raw TOML or Python error, and never passes silently.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .cells import UNPRINTABLE, printable, tidy
from .problems import ERROR, Problem, problem

CONFIG_NAME = "ledger.toml"
DEFAULT_STATUSES = ["已完成", "序时推进", "滞后", "未启动"]
DONE_STATUS = "已完成"
BEHIND_STATUS = "滞后"
# What only the office decides (ledger tasks close/suspend/cancel), never a status a unit chooses: not in
# [report] statuses, and a unit that types one gets 状态有误.
OFFICE_STATUSES = ("已销号", "销号", "暂缓", "取消", "已取消")
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_SUPPORT_GROUP_THRESHOLD = 30
SMTP_PASSWORD_ENV = "LEDGER_SMTP_PASSWORD"
IMAP_PASSWORD_ENV = "LEDGER_IMAP_PASSWORD"

FillKind = Literal["text", "number", "date", "status"]
FILL_KINDS: tuple[FillKind, ...] = ("text", "number", "date", "status")
DocumentKind = Literal["tasks", "indicators"]
DOCUMENT_KINDS: tuple[DocumentKind, ...] = ("tasks", "indicators")
Security = Literal["ssl", "starttls", "none"]
SECURITIES: tuple[Security, ...] = ("ssl", "starttls", "none")


class ConfigError(Exception):
    """ledger.toml cannot be loaded; `problems` are the catalogued reasons, all of them at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


PLACEHOLDER_CONTACT = "台账联络员"  # what `ledger init` writes, for the office to replace


@dataclass(kw_only=True)
class Office:
    name: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""

    @property
    def placeholder(self) -> bool:
        """Whether the contact line units are given is still the example: the name written by `ledger init`, or
        a phone number of zeros after the area code ("0531-00000000")."""
        number = (re.findall(r"\d+", self.phone) or [""])[-1]
        return self.contact == PLACEHOLDER_CONTACT or (len(number) >= 7 and not number.strip("0"))


@dataclass(kw_only=True)
class FillColumn:
    """A column units fill in; its kind decides validation and format."""

    header: str
    kind: FillKind = "text"
    lead_only: bool = False
    width: float = 14


@dataclass(kw_only=True)
class DocumentConfig:
    code: str
    file: str
    kind: DocumentKind = "tasks"  # "indicators": an indicator list (指标台账), read by indicators.py
    name: str = ""
    sheet: str | None = None
    district: str | None = None
    year: int | None = None
    default_deadline: str = ""
    extra_support: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    fill_columns: list[FillColumn] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The document as outputs name it: its name as Chinese is written ("2021 年…", as a PDF spaced it, is
        2021年…), else its code."""
        return tidy(self.name) or self.code


@dataclass(kw_only=True, frozen=True)
class ImapConfig:
    """[mail.imap]: where replies are fetched from. The password is read from the environment variable."""

    host: str
    user: str
    port: int | None = None  # None: 993 for ssl, else 143
    security: Security = "ssl"
    folder: str = "INBOX"
    password_env: str = IMAP_PASSWORD_ENV
    verify_tls: bool = True


@dataclass(kw_only=True, frozen=True)
class MailConfig:
    """[mail]: how messages are sent. Every key is optional until `--send` needs host and from."""

    sender: str = ""  # "from" in ledger.toml
    host: str = ""
    port: int | None = None  # None: 465 for ssl, 587 for starttls, 25 for none
    security: Security = "starttls"
    user: str = ""
    password_env: str = SMTP_PASSWORD_ENV
    per_minute: float = 30
    retries: int = 3
    timeout: float = 30
    verify_tls: bool = True
    imap: ImapConfig | None = None


UnreportedLight = Literal["grey", "red"]
UNREPORTED_LIGHTS: tuple[UnreportedLight, ...] = ("grey", "red")


@dataclass(kw_only=True, frozen=True)
class ReportOptions:
    """[report] keys on how the monthly report shows tasks: unreported_light "grey" counts tasks whose lead did
    not report apart from the lights; "red" folds them into red (the split is shown either way)."""

    unreported_light: UnreportedLight = "grey"


RoundKind = Literal["week", "month", "quarter", "half"]
ROUND_KINDS: tuple[RoundKind, ...] = ("week", "month", "quarter", "half")
DueIn = Literal["next", "same"]
DUE_INS: tuple[DueIn, ...] = ("next", "same")


@dataclass(kw_only=True, frozen=True)
class Rhythm:
    """[ledger] round, due_day, due_in, due_weekday: how often units report and when a round's returns are due.

    due_in "next": on due_day of the month after the round (on due_weekday of the week after, for weeks);
    "same": within the round's own last month ("每月28日前报送本月进展") or week."""

    round: RoundKind = "month"
    due_day: int = 5
    due_in: DueIn = "next"
    due_weekday: int = 5  # 1 Monday … 7 Sunday


@dataclass(kw_only=True, frozen=True)
class WorkCalendar:
    """[calendar]: local 调休 on top of the national holiday calendar."""

    extra_workdays: frozenset[date] = frozenset()
    extra_holidays: frozenset[date] = frozenset()


@dataclass(kw_only=True, frozen=True)
class BulletinConfig:
    """[bulletin]: what an office words its own way in the 通报 (GB/T 9704-2012 parts). Empty names fall back
    to [office] name; {year}, {n} and {period} are filled in when the bulletin is written."""

    issuer: str = ""  # 发文机关标志, red in the 版头; default "<office name>文件"
    doc_number: str = "〔{year}〕{n}号"  # 发文字号, e.g. "钢环委办〔{year}〕{n}号"
    title: str = "关于{period}重点任务推进情况的通报"
    addressee: str = "各有关单位："  # 主送机关
    signature: str = ""  # 发文机关署名; default the office name
    copy_to: str = ""  # 抄送机关, e.g. "区委办公室，区政府办公室。"
    printer: str = ""  # 印发机关 in the 版记; default the office name


@dataclass(kw_only=True, frozen=True)
class Limits:
    """[limits]: what one returned file may hold before it is refused unread, and how long a command waits for
    another that holds the workspace. A sheet's rows × columns is what the reader allocates, so the caps are
    checked on the sheet's extent (A1 to its last cell) before any cell is read. The defaults hold the largest
    honest return (a unit answering thousands of tasks) with room to spare."""

    max_rows: int = 100_000
    max_columns: int = 1_000
    max_cells: int = 5_000_000
    max_mail_mb: int = 50  # a mail fetched over IMAP, held whole in memory: a larger one is named, left unfetched
    lock_wait: int = 30  # seconds


DEFAULT_LIMITS = Limits()


@dataclass(kw_only=True, frozen=True)
class IndicatorOptions:
    """[indicators]: how far below 序时进度 (in percentage points) an indicator turns yellow, then red."""

    yellow_gap: float = 10
    red_gap: float = 30


@dataclass(kw_only=True)
class Config:
    root: Path
    title: str
    year: int
    office: Office = field(default_factory=Office)
    units_file: str = "source/units.xlsx"
    documents: list[DocumentConfig] = field(default_factory=list)
    rhythm: Rhythm = field(default_factory=Rhythm)
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    due_soon_days: int = 10
    resubmit_days: int = 3  # [ledger]: working days after a 退回 within which a resubmission keeps its timeliness
    statuses: list[str] = field(default_factory=lambda: list(DEFAULT_STATUSES))
    sheet_password: str | None = None
    timezone: str = DEFAULT_TIMEZONE
    support_group_threshold: int = DEFAULT_SUPPORT_GROUP_THRESHOLD  # more support tasks: answered by group
    mail: MailConfig = field(default_factory=MailConfig)
    report: ReportOptions = field(default_factory=ReportOptions)
    bulletin: BulletinConfig = field(default_factory=BulletinConfig)
    notes: list[Problem] = field(default_factory=list)  # warnings that do not stop loading (a key moved …)
    limits: Limits = field(default_factory=Limits)
    indicators: IndicatorOptions = field(default_factory=IndicatorOptions)

    @property
    def zone(self) -> ZoneInfo:
        """The office's time zone: every date decision (late or on time, report dates, lights) is taken in it."""
        return ZoneInfo(self.timezone)


def default_fill_columns() -> list[FillColumn]:
    return [
        FillColumn(header="完成状态", kind="status", width=9),
        FillColumn(header="本月进展", kind="text", width=30),
        FillColumn(header="存在问题", kind="text", width=18),
        FillColumn(header="下步计划", kind="text", width=18),
        FillColumn(header="完成时间", kind="date", lead_only=True, width=11),
    ]


# --- reading TOML tables with every slip reported

T = TypeVar("T")
_MISSING = object()
TEXT, INTEGER, BOOLEAN = "文字（用英文双引号括起）", "整数（不加引号）", "true 或 false"


def _shown(value: object) -> str:
    """A value as it was written in TOML, for messages."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{…}"
    return str(value)


class _Table:
    """One TOML table being read: each getter checks a key's type and range, and records that the key is known."""

    def __init__(self, data: dict[str, object], path: str, problems: list[Problem]) -> None:
        self.data, self.path, self.problems = data, path, problems
        self.known: list[str] = []

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def report(self, code: str, name: str, **fields: str) -> None:
        self.problems.append(problem(code, file=CONFIG_NAME, cell=self.key(name), key=self.key(name), **fields))

    def _get(self, name: str, kinds: tuple[type, ...], type_name: str, example: str) -> object:
        self.known.append(name)
        if name not in self.data:
            return _MISSING
        value = self.data[name]
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            self.report("config-type", name, expected=type_name, value=_shown(value), example=example)
            return _MISSING
        texts = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        if any(isinstance(text, str) and UNPRINTABLE.search(text) for text in texts):
            # "\u001b" or "\u202e" typed as TOML escapes: they would reach every workbook, mail and terminal
            self.report("config-value", name, value=printable(_shown(value)), allowed="不含控制字符的文字")
            return _MISSING
        return value

    def required_text(self, name: str, example: str) -> str:
        value = self._get(name, (str,), TEXT, example)
        if value is _MISSING and name not in self.data:
            self.report("config-key-missing", name, example=example)
        return value if isinstance(value, str) else ""

    def text(self, name: str, default: str, example: str) -> str:
        value = self._get(name, (str,), TEXT, example)
        return value if isinstance(value, str) else default

    def integer(self, name: str, default: int, example: str, low: int | None = None, high: int | None = None) -> int:
        value = self._get(name, (int,), INTEGER, example)
        if not isinstance(value, int):
            return default
        if (low is not None and value < low) or (high is not None and value > high):
            allowed = f"{low}到{high}之间的整数" if high is not None else f"不小于{low}的整数"
            self.report("config-value", name, value=_shown(value), allowed=allowed)
            return default
        return value

    def number(self, name: str, default: float, example: str, low: float, high: float) -> float:
        """A number from low to high: TOML also writes nan, inf and 1e-300, which no rate or timeout can be."""
        value = self._get(name, (int, float), "数字（不加引号）", example)
        if not isinstance(value, int | float):
            return default
        if not (math.isfinite(value) and low <= value <= high):
            self.report("config-value", name, value=_shown(value), allowed=f"{low:g}到{high:g}之间的数字")
            return default
        return float(value)

    def boolean(self, name: str, default: bool) -> bool:
        value = self._get(name, (bool,), BOOLEAN, f"{name} = true")
        return value if isinstance(value, bool) else default

    def choice(self, name: str, options: tuple[T, ...], default: T) -> T:
        value = self._get(name, (str,), TEXT, f'{name} = "{options[0]}"')
        if value is _MISSING:
            return default
        if value not in options:
            self.report("config-value", name, value=_shown(value), allowed="、".join(map(str, options)) + "之一")
            return default
        return value

    def texts(self, name: str, default: list[str], example: str) -> list[str]:
        value = self._get(name, (list,), "文字列表", example)
        if not isinstance(value, list):
            return list(default)
        if not all(isinstance(v, str) for v in value):
            self.report("config-type", name, expected="文字列表", value=_shown(value), example=example)
            return list(default)
        return list(value)

    def table(self, name: str) -> _Table | None:
        value = self._get(name, (dict,), "表（[" + self.key(name) + "] 一段）", f"[{self.key(name)}]")
        return (
            _Table(cast(dict[str, object], value), self.key(name), self.problems) if isinstance(value, dict) else None
        )

    def tables(self, name: str, example: str) -> list[_Table]:
        value = self._get(name, (list,), f"多段 [[{self.key(name)}]]", example)
        if not isinstance(value, list):
            return []
        found = []
        for i, item in enumerate(value, start=1):
            if isinstance(item, dict):
                found.append(_Table(item, f"{self.key(name)}[{i}]", self.problems))
            else:
                self.report(
                    "config-type", name, expected=f"多段 [[{self.key(name)}]]", value=_shown(item), example=example
                )
        return found

    def unknown(self) -> list[str]:
        return [k for k in self.data if k not in self.known]


def _unknown_keys(tables: list[_Table], problems: list[Problem]) -> None:
    """Unknown keys, each with the closest known key of its table, or the table where it belongs."""
    import difflib  # here: only a misspelt key needs it, and every command loads ledger.toml

    home = {name: t.path or "顶层" for t in tables for name in t.known}
    for t in tables:
        for name in t.unknown():
            close = difflib.get_close_matches(name, t.known, n=1, cutoff=0.6)
            if close:
                suggestion = f"，是否是 {t.key(close[0])}？"
            elif name in home and t.path.split("[")[0] != home[name].split("[")[0]:
                suggestion = f"，{name} 应写在 [{home[name]}] 下"
            else:
                suggestion = ""
            problems.append(
                problem(
                    "config-key-unknown", file=CONFIG_NAME, cell=t.key(name), key=t.key(name), suggestion=suggestion
                )
            )


# --- syntax

# Input-method symbols typed for TOML's ASCII ones. The patterns of a syntax error are compiled (by `re`, once) when
# a file has one: every command loads ledger.toml, and compiling them took a millisecond of each start.
FULL_WIDTH = r"[“”‘’＝＃［］【】｛｝，：　０-９]"
TOML_REASONS = {
    "Invalid statement": "无法识别的语句",
    "Invalid value": "值的写法不对",
    "Expected '=' after a key in a key/value pair": "键名后应为半角等号 =",
    "Invalid initial character for a key part": "键名中有不允许的字符",
    "Unclosed array": "列表缺少右方括号 ]",
    "Unclosed inline table": "缺少右花括号 }",
    "Unterminated string": "引号没有成对",
    "Illegal character": "文字中有不允许的字符（常见原因：引号没有成对）",
    "Expected newline or end of document after a statement": "一行只能写一项设置",
    "Unescaped '\\' in a string": "文字中的反斜杠 \\ 要写成 \\\\；路径请改用 /，如 source/tasks/任务清单.xlsx",
    "Cannot declare": "同一段或同一项写了两次",
    "Cannot overwrite a value": "同一项设置写了两次",
    "Cannot mutate immutable namespace": "同一项设置写了两次",
}


def _syntax_problem(text: str, exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    position = re.search(r"\(at line (\d+), column (\d+)\)", message)
    line, column = (int(position[1]), int(position[2])) if position else (max(len(text.splitlines()), 1), 1)
    what = next((zh for en, zh in TOML_REASONS.items() if message.startswith(en)), "无法解析")
    lines = text.splitlines()
    content = re.sub(r"\s{2,}", " ", lines[line - 1].strip()) if 0 < line <= len(lines) else ""
    code = re.sub(r'"[^"]*"|\'[^\']*\'', "", content).split("#", 1)[0]  # symbols inside quotes or comments are fine
    slips = "".join(dict.fromkeys(re.findall(FULL_WIDTH, code)))
    cell = f"第{line}行第{column}列"
    if slips:
        return problem("config-full-width", file=CONFIG_NAME, cell=cell, line=line, text=content, chars=slips)
    return problem("config-syntax", file=CONFIG_NAME, cell=cell, line=line, column=column, text=content, what=what)


# --- the whole file


def load_config(root: Path) -> Config:
    """The configuration of the workspace at root; raises ConfigError listing every problem found."""
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigError([problem("config-not-found", file=CONFIG_NAME, root=str(root))])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError([problem("config-encoding", file=CONFIG_NAME)]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_syntax_problem(text, exc)]) from exc
    problems: list[Problem] = []
    config = _read(root, _Table(data, "", problems), problems)
    if problems:
        raise ConfigError(problems)
    return config


def _read(root: Path, top: _Table, problems: list[Problem]) -> Config:
    seen: list[_Table] = [top]

    def section(name: str) -> _Table:
        table = top.table(name) or _Table({}, name, problems)
        seen.append(table)
        return table

    ledger, office, report, units = section("ledger"), section("office"), section("report"), section("units")
    title = ledger.required_text("title", 'title = "2021年重点任务工作台账"')
    year = ledger.integer("year", 0, "year = 2021（数字不加引号、不带“年”）", low=2000, high=2100)
    if "year" not in ledger.data:
        ledger.report("config-key-missing", "year", example="year = 2021")
    timezone = ledger.text("timezone", DEFAULT_TIMEZONE, f'timezone = "{DEFAULT_TIMEZONE}"')
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        ledger.report("config-value", "timezone", value=_shown(timezone), allowed=f"时区名称，如“{DEFAULT_TIMEZONE}”")
        timezone = DEFAULT_TIMEZONE
    sheet_password = ledger.text("sheet_password", "", 'sheet_password = "123456"') or None
    statuses = report.texts("statuses", DEFAULT_STATUSES, 'statuses = ["已完成", "序时推进", "滞后", "未启动"]')
    if DONE_STATUS not in statuses:
        report.report(
            "config-value", "statuses", value=_shown("、".join(statuses)), allowed=f"包含“{DONE_STATUS}”的列表"
        )
    elif office_only := [x for x in statuses if "".join(x.split()) in OFFICE_STATUSES]:
        report.report("config-status-office", "statuses", value=_shown("、".join(office_only)))
    elif len(",".join(statuses)) > 255 or len(set(statuses)) != len(statuses) or any("," in x for x in statuses):
        report.report(
            "config-value",
            "statuses",
            value=_shown("、".join(statuses)),
            allowed="各项不重复、不含英文逗号、合计不超过255个字符（Excel下拉列表的限制）",
        )
    config = Config(
        root=root,
        title=title,
        year=year,
        office=Office(
            name=office.text("name", "", 'name = "区委督查室"'),
            contact=office.text("contact", "", 'contact = "张三"'),
            phone=office.text("phone", "", 'phone = "0631-1234567"'),
            email=office.text("email", "", 'email = "office@example.cn"'),
        ),
        units_file=units.text("file", "source/units.xlsx", 'file = "source/units.xlsx"'),
        rhythm=_rhythm(ledger, report),
        calendar=_calendar(section("calendar")),
        due_soon_days=report.integer("due_soon_days", 10, "due_soon_days = 10", low=0),
        resubmit_days=ledger.integer("resubmit_days", 3, "resubmit_days = 3", low=0),
        support_group_threshold=report.integer(
            "support_group_threshold",
            DEFAULT_SUPPORT_GROUP_THRESHOLD,
            f"support_group_threshold = {DEFAULT_SUPPORT_GROUP_THRESHOLD}",
            low=0,
        ),
        statuses=statuses,
        sheet_password=sheet_password,
        timezone=timezone,
        mail=_mail(top, seen, problems),
        documents=_documents(top, seen, problems),
        report=ReportOptions(unreported_light=report.choice("unreported_light", UNREPORTED_LIGHTS, "grey")),
        bulletin=_bulletin(section("bulletin")),
        limits=_limits(section("limits")),
        indicators=_indicators(section("indicators")),
    )
    _unknown_keys(seen, problems)
    config.notes = [p for p in problems if p.severity != ERROR]
    problems[:] = [p for p in problems if p.severity == ERROR]
    return config


def _rhythm(ledger: _Table, report: _Table) -> Rhythm:
    """The rhythm's keys live in [ledger]; a due_day still written under [report] (where it used to live) is
    taken, with a hint to move it."""
    due_day = ledger.integer("due_day", 5, "due_day = 5", low=1, high=31)
    report.known.append("due_day")  # its old home: still read, and a slip such as due_dya still finds it
    if "due_day" in report.data:
        old = report.integer("due_day", 5, "due_day = 5", low=1, high=31)
        if "due_day" not in ledger.data:
            due_day = old
            report.report("config-key-moved", "due_day", section="ledger")
    return Rhythm(
        round=ledger.choice("round", ROUND_KINDS, "month"),
        due_day=due_day,
        due_in=ledger.choice("due_in", DUE_INS, "next"),
        due_weekday=ledger.integer("due_weekday", 5, "due_weekday = 5", low=1, high=7),
    )


def _calendar(table: _Table) -> WorkCalendar:
    def days(name: str) -> frozenset[date]:
        found = set()
        for text in table.texts(name, [], f'{name} = ["2021-09-18"]'):
            try:
                found.add(date.fromisoformat(text.strip()))
            except ValueError:
                table.report("config-value", name, value=_shown(text), allowed="日期，写作“2021-09-18”")
        return frozenset(found)

    return WorkCalendar(extra_workdays=days("extra_workdays"), extra_holidays=days("extra_holidays"))


def _limits(table: _Table) -> Limits:
    default = Limits()
    return Limits(
        max_rows=table.integer("max_rows", default.max_rows, f"max_rows = {default.max_rows}", low=1),
        max_columns=table.integer("max_columns", default.max_columns, f"max_columns = {default.max_columns}", low=1),
        max_cells=table.integer("max_cells", default.max_cells, f"max_cells = {default.max_cells}", low=1),
        max_mail_mb=table.integer("max_mail_mb", default.max_mail_mb, f"max_mail_mb = {default.max_mail_mb}", low=1),
        lock_wait=table.integer("lock_wait", default.lock_wait, f"lock_wait = {default.lock_wait}", low=0),
    )


def _indicators(table: _Table) -> IndicatorOptions:
    yellow = table.number("yellow_gap", 10, "yellow_gap = 10", low=0, high=100)
    red = table.number("red_gap", 30, "red_gap = 30", low=0, high=100)
    if red < yellow:
        table.report("config-value", "red_gap", value=_shown(red), allowed=f"不小于 yellow_gap（{yellow:g}）的数")
        red = yellow
    return IndicatorOptions(yellow_gap=yellow, red_gap=red)


def _bulletin(table: _Table) -> BulletinConfig:
    default = BulletinConfig()
    return BulletinConfig(
        issuer=table.text("issuer", default.issuer, 'issuer = "钢城区生态环境委员会办公室文件"'),
        doc_number=table.text("doc_number", default.doc_number, 'doc_number = "钢环委办〔{year}〕{n}号"'),
        title=table.text("title", default.title, f'title = "{default.title}"'),
        addressee=table.text("addressee", default.addressee, f'addressee = "{default.addressee}"'),
        signature=table.text("signature", default.signature, 'signature = "钢城区生态环境委员会办公室"'),
        copy_to=table.text("copy_to", default.copy_to, 'copy_to = "区委办公室，区政府办公室。"'),
        printer=table.text("printer", default.printer, 'printer = "钢城区生态环境委员会办公室"'),
    )


def _mail(top: _Table, seen: list[_Table], problems: list[Problem]) -> MailConfig:
    mail = top.table("mail")
    if mail is None:
        return MailConfig()
    seen.append(mail)
    imap_table = mail.table("imap")
    imap = None
    if imap_table is not None:
        seen.append(imap_table)
        imap = ImapConfig(
            host=imap_table.required_text("host", 'host = "imap.example.cn"'),
            user=imap_table.required_text("user", 'user = "office@example.cn"'),
            port=_port(imap_table),
            security=imap_table.choice("security", SECURITIES, "ssl"),
            folder=imap_table.text("folder", "INBOX", 'folder = "INBOX"'),
            password_env=imap_table.text("password_env", IMAP_PASSWORD_ENV, f'password_env = "{IMAP_PASSWORD_ENV}"'),
            verify_tls=imap_table.boolean("verify_tls", True),
        )
    return MailConfig(
        sender=mail.text("from", "", 'from = "office@example.cn"'),
        host=mail.text("host", "", 'host = "smtp.example.cn"'),
        port=_port(mail),
        security=mail.choice("security", SECURITIES, "starttls"),
        user=mail.text("user", "", 'user = "office@example.cn"'),
        password_env=mail.text("password_env", SMTP_PASSWORD_ENV, f'password_env = "{SMTP_PASSWORD_ENV}"'),
        per_minute=mail.number("per_minute", 30, "per_minute = 30", low=0.1, high=6000),
        retries=mail.integer("retries", 3, "retries = 3", low=0),
        timeout=mail.number("timeout", 30, "timeout = 30", low=1, high=600),
        verify_tls=mail.boolean("verify_tls", True),
        imap=imap,
    )


def _port(table: _Table) -> int | None:
    port = table.integer("port", 0, "port = 465", low=1, high=65535)
    return port or None


def _documents(top: _Table, seen: list[_Table], problems: list[Problem]) -> list[DocumentConfig]:
    example = '[[documents]]\ncode = "RW"\nfile = "source/tasks/任务清单.xlsx"'
    documents = []
    for doc in top.tables("documents", example):
        seen.append(doc)
        columns_table = doc.table("columns")
        columns: dict[str, str] = {}
        if columns_table is not None:
            for label, target in columns_table.data.items():
                columns_table.known.append(label)
                if isinstance(target, str):
                    columns[label] = target
                else:
                    columns_table.report(
                        "config-type",
                        label,
                        expected=TEXT,
                        value=_shown(target),
                        example=f'"{label}" = "具体措施"',
                    )
        documents.append(
            DocumentConfig(
                code=doc.required_text("code", 'code = "RW"'),
                file=doc.required_text("file", 'file = "source/tasks/任务清单.xlsx"'),
                kind=doc.choice("kind", DOCUMENT_KINDS, "tasks"),
                name=doc.text("name", "", 'name = "重点任务清单"'),
                sheet=doc.text("sheet", "", 'sheet = "Sheet1"') or None,
                district=doc.text("district", "", 'district = "城东区"') or None,
                year=doc.integer("year", 0, "year = 2021", low=2000, high=2100) or None,
                default_deadline=doc.text("default_deadline", "", 'default_deadline = "2021年年底前"'),
                extra_support=doc.texts("extra_support", [], 'extra_support = ["各街道"]'),
                columns=columns,
                fill_columns=default_fill_columns() + [_fill_column(t, seen) for t in doc.tables("fill_columns", "")],
            )
        )
    if not documents and "documents" not in top.data:
        top.report("config-key-missing", "documents", example=example.replace("\n", " "))
    codes = [d.code for d in documents]
    for i, code in enumerate(codes):
        if code and code in codes[:i]:
            problems.append(
                problem(
                    "config-value",
                    file=CONFIG_NAME,
                    cell=f"documents[{i + 1}].code",
                    key=f"documents[{i + 1}].code",
                    value=_shown(code),
                    allowed="与其他 [[documents]] 不同的代码",
                )
            )
    return documents


def _fill_column(table: _Table, seen: list[_Table]) -> FillColumn:
    seen.append(table)
    return FillColumn(
        header=table.required_text("header", 'header = "累计完成投资（亿元）"'),
        kind=table.choice("kind", FILL_KINDS, "text"),
        lead_only=table.boolean("lead_only", False),
        width=table.number("width", 14, "width = 14", low=1, high=255),
    )
