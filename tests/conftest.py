"""Helpers that write small real workbooks and workspaces for the tests."""

from __future__ import annotations

import inspect
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
# What makes a test slow: a real LibreOffice, Chromium or IMAP server behind a fixture or a helper it calls. Such
# tests are marked `slow` here, by what they use, so none is forgotten; `pytest -m "not slow"` is the quick run.
SLOW_FIXTURES = {"bulletin_pdf", "browser_page", "dovecot", "libreoffice", "workbook_pdf"}
SLOW_CALLS = ("libreoffice_pdf(", "require_binary(", "soffice_command(", "UNO_SCRIPT", "chromium")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        function = getattr(item, "function", None)
        source = inspect.getsource(function) if function is not None else ""
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())) or any(call in source for call in SLOW_CALLS):
            item.add_marker(pytest.mark.slow)


SEEDS = ROOT.parent / "shared" / "seeds"

UNITS_HEADER = ["单位全称", "简称/别名", "类别", "所属分组", "联系人", "电子邮箱", "联系电话"]
UNITS = [
    ["示范区发展改革局", "示范区发改局、示范区地方金融监管局", "部门", "", "甲", "fgj@example.cn", ""],
    ["示范区工业和信息化局", "示范区科技局", "部门", "", "乙", "gxj@example.cn", ""],
    ["示范区财政局", "", "部门", "", "丙", "czj@example.cn", ""],
    ["示范区税务局", "", "部门", "", "", "", ""],
    ["市生态环境局示范分局", "", "垂直管理部门", "", "丁", "sthj@example.cn;sthj2@example.cn", ""],
    ["东街道", "东街道办事处", "街道", "街道", "", "east@example.cn", ""],
    ["西街道", "", "街道", "街道", "", "west@example.cn", ""],
    ["高新区", "高新区管委会", "功能区", "功能区", "", "gx@example.cn", ""],
]


def write_xlsx(path: Path, rows: list[list[object]], merges: tuple[str, ...] = (), title: str = "Sheet1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # formula-like text stays text, as a unit typing it would see it
    for cells in merges:
        sheet.merge_cells(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_config(root: Path, documents: str, extra: str = "") -> None:
    (root / "ledger.toml").write_text(
        f"""
[ledger]
title = "测试台账"
year = 2021
[office]
name = "测试办公室"
contact = "联络员"
email = "office@example.cn"
{extra}
{documents}
""",
        encoding="utf-8",
    )


def make_workspace(root: Path, task_rows: list[list[object]], *, merges=(), name="tasks.xlsx", doc_extra="") -> Path:
    """A workspace with the test units and one task document written from rows."""
    write_xlsx(root / "source" / "units.xlsx", [UNITS_HEADER, *UNITS])
    write_xlsx(root / "source" / "tasks" / name, task_rows, merges)
    write_config(
        root,
        f"""
[[documents]]
code = "T"
name = "测试任务清单"
file = "source/tasks/{name}"
district = "示范区"
{doc_extra}
""",
    )
    return root


@pytest.fixture
def example_workspace(tmp_path: Path) -> Path:
    """A copy of the shipped example (ledger.toml, source/, templates/) to run commands on."""
    target = tmp_path / "example"
    target.mkdir()
    shutil.copy(ROOT / "ledger.toml", target / "ledger.toml")
    return copy_example(target)


def require_binary(name: str) -> str:
    """A system program a test needs: in CI its absence fails the test, elsewhere it skips it."""
    import os

    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")  # dovecot lives in sbin
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed; .ci/run should install it")
    pytest.skip(f"{name} is not installed")


def copy_example(target: Path) -> Path:
    """The shipped example's configuration, task lists, units and templates — not returns a local demo stored."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "ledger.toml", target / "ledger.toml")
    shutil.copytree(ROOT / "source", target / "source", ignore=shutil.ignore_patterns("returns"))
    shutil.copytree(ROOT / "templates", target / "templates")
    return target


def fill_return(
    src: Path, dst: Path, answers: dict[str, dict[str, object]], sheet: str = "牵头任务", edit=None
) -> Path:
    """Fill a rendered workbook as a person would in Excel: by task row, in the fill-in columns."""
    book = openpyxl.load_workbook(src)
    ws = book[sheet]
    headers = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        values = answers.get(row[0].value)
        for header, value in (values or {}).items():
            cell = row[headers.index(header)]
            cell.value = value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed text, not a formula (Excel would store it as text when quoted)
    if edit:
        edit(book)
    dst.parent.mkdir(parents=True, exist_ok=True)
    book.save(dst)
    return dst


def soffice_command(workdir: Path) -> list[str]:
    """A headless LibreOffice with a profile of its own under workdir: the shared profile makes a conversion
    fail now and then (exit 1, no message) while another LibreOffice runs, as it does under a parallel load."""
    soffice = require_binary("soffice")
    return [soffice, f"-env:UserInstallation={(workdir / 'lo-profile').resolve().as_uri()}", "--headless"]


def libreoffice_pdf(source: Path, outdir: Path) -> Path:
    """Open a document in a real LibreOffice and print it to PDF: the proof it opens without repair."""
    import subprocess

    copy = outdir / f"document{source.suffix}"  # an ASCII name keeps the converter's output name predictable
    copy.write_bytes(source.read_bytes())
    run = subprocess.run(
        [*soffice_command(outdir), "--convert-to", "pdf", "--outdir", str(outdir), str(copy)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = outdir / "document.pdf"
    assert run.returncode == 0 and pdf.is_file(), run.stdout + run.stderr
    return pdf


def render(ws, period, units=None):
    """Render a period the way `ledger render` does: history first, handed down."""
    from ledger.history import build_history
    from ledger.render import render_period

    return render_period(ws, period, build_history(ws, period), units=units)


# The shipped example rendered for June and May, shared by the merge and returns tests: a fresh copy per test.
GOOD = {
    "DQ-34": {"完成状态": "序时推进", "本月进展": "已采购新能源车 12 辆"},
    "DQ-59": {"完成状态": "已完成", "本月进展": "资金已拨付", "完成时间": date(2021, 6, 20)},
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The example workspace with June's and May's workbooks rendered, once per test module."""
    from ledger import load_workspace
    from ledger.model import Period

    root = copy_example(tmp_path_factory.mktemp("example") / "ws")
    ws = load_workspace(root)
    render(ws, Period(2021, 6))
    render(ws, Period(2021, 5))
    return root


@pytest.fixture
def ws_root(rendered, tmp_path):
    """A copy of the rendered example a test may change."""
    root = tmp_path / "ws"
    shutil.copytree(rendered, root)
    return root


def outbox(root, unit, period="2021-06"):
    return root / "build" / str(period) / "outbox" / f"{unit}.xlsx"
