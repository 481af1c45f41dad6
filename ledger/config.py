"""ledger.toml: what an office configures about its ledger, read into plain dataclasses."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_NAME = "ledger.toml"
DEFAULT_STATUSES = ["已完成", "序时推进", "滞后", "未启动"]
DONE_STATUS = "已完成"
BEHIND_STATUS = "滞后"


class ConfigError(Exception):
    """ledger.toml is missing or wrong; the message is Chinese and says what to fix."""


@dataclass
class Office:
    name: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class FillColumn:
    """A column units fill in. kind "text", "number", "date" or "status" decides validation and format."""

    header: str
    kind: str = "text"
    lead_only: bool = False
    width: float = 14


@dataclass
class DocumentConfig:
    code: str
    file: str
    name: str = ""
    sheet: str | None = None
    district: str | None = None
    year: int | None = None
    default_deadline: str = ""
    extra_support: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    fill_columns: list[FillColumn] = field(default_factory=list)


@dataclass
class Config:
    root: Path
    title: str
    year: int
    office: Office
    units_file: str = "source/units.xlsx"
    documents: list[DocumentConfig] = field(default_factory=list)
    report_due_day: int = 5
    due_soon_days: int = 10
    statuses: list[str] = field(default_factory=lambda: list(DEFAULT_STATUSES))
    sheet_password: str | None = None
    mail: dict = field(default_factory=dict)
    timezone: str = "Asia/Shanghai"  # the office's clock (ledger.clock); [ledger] timezone


def default_fill_columns() -> list[FillColumn]:
    return [
        FillColumn("完成状态", "status", width=10),
        FillColumn("本月进展", "text", width=30),
        FillColumn("存在问题", "text", width=18),
        FillColumn("下步计划", "text", width=18),
        FillColumn("完成时间", "date", lead_only=True, width=11),
    ]


def _fill_columns(raw: list[dict] | None) -> list[FillColumn]:
    columns = default_fill_columns()
    for item in raw or []:
        if not isinstance(item, dict) or "header" not in item:
            raise ConfigError("fill_columns 的每一项都需要 header（列名）")
        if item.get("kind", "text") not in {"text", "number", "date", "status"}:
            raise ConfigError(f"fill_columns 中“{item['header']}”的 kind 只能是 text、number、date 或 status")
        columns.append(FillColumn(**{k: item[k] for k in ("header", "kind", "lead_only", "width") if k in item}))
    return columns


def load_config(root: Path) -> Config:
    path = root / CONFIG_NAME
    if not path.is_file():
        raise ConfigError(f"工作目录 {root} 中没有 {CONFIG_NAME}，可用 ledger init 创建")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_NAME} 格式错误：{exc}") from exc
    try:
        ledger = data.get("ledger", {})
        report = data.get("report", {})
        documents = [
            DocumentConfig(
                code=str(doc["code"]),
                file=str(doc["file"]),
                name=doc.get("name", ""),
                sheet=doc.get("sheet"),
                district=doc.get("district"),
                year=doc.get("year"),
                default_deadline=doc.get("default_deadline", ""),
                extra_support=list(doc.get("extra_support", [])),
                columns=dict(doc.get("columns", {})),
                fill_columns=_fill_columns(doc.get("fill_columns")),
            )
            for doc in data.get("documents", [])
        ]
        config = Config(
            root=root,
            title=str(ledger["title"]),
            year=int(ledger["year"]),
            office=Office(**data.get("office", {})),
            units_file=str(data.get("units", {}).get("file", "source/units.xlsx")),
            documents=documents,
            report_due_day=int(report.get("due_day", 5)),
            due_soon_days=int(report.get("due_soon_days", 10)),
            statuses=list(report.get("statuses", DEFAULT_STATUSES)),
            sheet_password=ledger.get("sheet_password") or None,
            timezone=str(ledger.get("timezone", "Asia/Shanghai")),
            mail=dict(data.get("mail", {})),
        )
    except KeyError as exc:
        raise ConfigError(f"{CONFIG_NAME} 缺少必填项 {exc.args[0]}") from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{CONFIG_NAME} 中有取值不正确：{exc}") from exc
    if not documents:
        raise ConfigError(f"{CONFIG_NAME} 中没有 [[documents]]（任务清单文件）")
    codes = [d.code for d in documents]
    if len(set(codes)) != len(codes):
        raise ConfigError(f"{CONFIG_NAME} 中 documents 的 code 重复：{codes}")
    if len(",".join(config.statuses)) > 255:
        raise ConfigError("report.statuses 合计不能超过 255 个字符（Excel 下拉列表的上限）")
    if DONE_STATUS not in config.statuses:
        raise ConfigError(f"report.statuses 必须包含“{DONE_STATUS}”")
    return config
