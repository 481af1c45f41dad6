import json
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from ledger.cells import display_width
from ledger.cli import main

from .conftest import ROOT, fill_return, make_workspace, render, write_xlsx

COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_chinese_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert re.search(r"[\u4e00-\u9fff]", main.commands[command].help or "")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_no_english_left(command):
    result = CliRunner().invoke(main, [command, "--help"] if command else ["--help"])
    assert "用法：" in result.output and "选项" in result.output
    for word in ("Usage", "Options", "Show this message", "[OPTIONS]", "TEXT", "required"):
        assert word not in result.output, (command, word)


def test_errors_are_chinese():
    result = CliRunner().invoke(main, ["render", "--period", "六月"])
    assert result.exit_code == 2 and "错误：" in result.output and "2021-06" in result.output
    assert "没有命令“rendr”。" in CliRunner().invoke(main, ["rendr"]).output  # in Chinese quotes, not 'rendr'
    assert "没有选项“--perod”。" in CliRunner().invoke(main, ["render", "--perod", "2021-06"]).output


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS), ["returns", "withdraw"], ["tasks", "extend"]])
def test_help_is_punctuated_as_chinese_is_written(command):
    """用法：ledger render [选项], 选项：, （必填）, （默认：2；不小于1）: click wrote "用法： ledger", "选项:",
    "[必填]" and "[默认：2; x>=1]"."""
    output = CliRunner().invoke(main, [*command, "--help"], prog_name="ledger", terminal_width=200).output
    assert output.startswith(f"用法：{' '.join(['ledger', *command])} [选项]"), output[:40]
    assert not re.search(r"[\u4e00-\u9fff][:;]", output)
    assert not re.search(r"\[(必填|默认|环境变量)|x[<>]=|[<>]=x", output)


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS), ["returns", "withdraw"], ["tasks", "extend"]])
def test_help_fits_an_80_column_terminal_with_its_columns_aligned(command):
    """A Chinese character takes two columns: help wrapped by counting characters ran to 130 columns, and the
    Windows console broke it mid-column; a 目录 or 期次 metavar pushed its option's help two columns right."""
    output = CliRunner().invoke(main, [*command, "--help"], prog_name="ledger", terminal_width=80).output
    lines = output.splitlines()
    assert max(display_width(line) for line in lines) <= 80, max(lines, key=display_width)
    starts = {
        display_width(found[1])
        for line in lines
        if (found := re.match(r"^(  -\S.*?\s{2,})\S", line)) and not line.startswith(" " * 6)
    }
    assert len(starts) <= 1, starts
    assert not any(line.lstrip().startswith(tuple("，。、；：）”")) for line in lines)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["render", "-p", "2021-06", "--jobs", "0"], "错误：“--jobs”/“-j”的取值无效：0超出范围（不小于1）。"),
        (["render", "-p", "2021-06", "--jobs", "两个"], "错误：“--jobs”/“-j”的取值无效：“两个”不是有效的整数。"),
        (["serve", "--port", "99999"], "错误：“--port”的取值无效：99999超出范围（1至65535）。"),
        (["returns", "withdraw", "--period", "2021-06"], "错误：缺少参数“文件名”。"),
        (["render"], "错误：缺少选项“--period”/“-p”。"),
        (["render", "--perid", "3"], "错误：没有选项“--perid”。是否是“--period”？"),
        (["rendr"], "错误：没有命令“rendr”。（是否是其中之一：“remind”、“render”？）"),
    ],
)
def test_click_s_own_errors_are_punctuated_as_chinese_is_written(args, said):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and said in result.output, result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"ledger {command}" in readme


def test_only_the_cli_imports_click():
    for path in (ROOT / "ledger").glob("*.py"):
        if path.name != "cli.py":
            assert not re.search(r"^\s*(import|from) click", path.read_text(encoding="utf-8"), re.M), path


def test_check_on_the_example_exits_zero_and_prints_the_summary(example_workspace):
    result = CliRunner().invoke(main, ["check", "--workspace", str(example_workspace)])
    assert result.exit_code == 0, result.output
    assert "任务181项" in result.output
    assert "错误0项" in result.output


def test_check_json(example_workspace):
    result = CliRunner().invoke(main, ["check", "--json", "-w", str(example_workspace)])
    data = json.loads(result.output)
    assert data["summary"]["tasks"] == 181
    # a task list's name as every output writes it (ledger.toml has "2021 年…", as its document spaced it)
    assert data["summary"]["documents"][0]["name"] == "2021年大气污染防治重点任务工作台账"
    # the example ships a real contact line, so that the demo and mail run
    assert {p["code"] for p in data["problems"]} == {"unit-vague"}
    assert all(p["file"] and p["cell"] for p in data["problems"])


def test_check_fails_while_the_contact_line_is_the_placeholder(example_workspace):
    config = example_workspace / "ledger.toml"
    shipped = config.read_text(encoding="utf-8")
    config.write_text(
        re.sub(
            r'phone = "[^"]*"',
            'phone = "0531-00000000"',
            re.sub(r'contact = "[^"]*"', 'contact = "台账联络员"', shipped, count=1),
            count=1,
        ),
        encoding="utf-8",
    )
    failed = CliRunner().invoke(main, ["check", "--json", "-w", str(example_workspace)])
    assert failed.exit_code == 1
    placeholder = json.loads(CliRunner().invoke(main, ["check", "--json", "-w", str(example_workspace)]).output)
    found = [(p["cell"], p["code"]) for p in placeholder["problems"] if p["code"] == "office-contact-placeholder"]
    assert found == [("office.contact", "office-contact-placeholder")]
    text = config.read_text(encoding="utf-8").replace('"台账联络员"', '"王晓明"')
    config.write_text(text.replace('"0531-00000000"', '"0531-76012345"'), encoding="utf-8")
    real = json.loads(CliRunner().invoke(main, ["check", "--json", "-w", str(example_workspace)]).output)
    assert "office-contact-placeholder" not in {p["code"] for p in real["problems"]}
    config.write_text(text, encoding="utf-8")  # a real name, the phone still zeros
    zeros = json.loads(CliRunner().invoke(main, ["check", "--json", "-w", str(example_workspace)]).output)
    assert [p["cell"] for p in zeros["problems"] if p["code"] == "office-contact-placeholder"] == ["office.phone"]


def test_check_with_errors_exits_one_and_names_the_cell(tmp_path):
    make_workspace(tmp_path, [["序号", "具体措施", "完成时限", "牵头单位"], ["1", "做事。", "年底前", "区财务局"]])
    result = CliRunner().invoke(main, ["check", "--json"], env={"LEDGER_WORKSPACE": str(tmp_path)})
    assert result.exit_code == 1
    problems = json.loads(result.output)["problems"]
    assert [(p["cell"], p["code"]) for p in problems] == [("D2", "unit-unknown")]


def test_init_scaffolds_a_workspace_that_check_understands(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["init", str(tmp_path / "new")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "ledger.toml").is_file()
    assert (tmp_path / "new" / "source" / "tasks").is_dir()
    assert sorted(p.name for p in (tmp_path / "new" / "templates").iterdir()) == sorted(
        p.name for p in (ROOT / "templates").iterdir()
    )
    # The units file and the task list are templates, whose example rows are left out and pointed at; the
    # contact line is still the example.
    check = runner.invoke(main, ["check", "--json", "-w", str(tmp_path / "new")])
    assert check.exit_code == 1
    assert [(p["code"], p["cell"]) for p in json.loads(check.output)["problems"]] == [
        ("office-contact-placeholder", "office.contact"),
        ("units-example-row", "A2"),
        ("tasks-example-row", "D2"),
    ]
    again = runner.invoke(main, ["init", str(tmp_path / "new")])
    assert again.exit_code == 1 and "已存在" in again.output


def test_console_script_runs():
    result = subprocess.run([sys.executable, "-m", "ledger", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "任务台账" in result.stdout


def test_render_command(example_workspace):
    runner = CliRunner()
    result = runner.invoke(main, ["render", "-w", str(example_workspace), "--period", "2021-06", "-u", "钢城区财政局"])
    assert result.exit_code == 0, result.output
    outbox = example_workspace / "build" / "2021-06" / "outbox"
    assert sorted(p.name for p in outbox.iterdir()) == ["manifest.json", "钢城区财政局.xlsx"]
    bad = runner.invoke(main, ["render", "-w", str(example_workspace), "--period", "2021-6x"])
    assert bad.exit_code == 2 and "2021-06" in bad.output


def test_render_refuses_a_workspace_with_errors(tmp_path):
    make_workspace(tmp_path, [["序号", "具体措施", "完成时限", "牵头单位"], ["1", "做事。", "年底前", "区财务局"]])
    result = CliRunner().invoke(main, ["render", "-w", str(tmp_path), "-p", "2021-06"])
    assert result.exit_code == 1 and "unit-unknown" in result.output
    assert not (tmp_path / "build").exists()


def test_collect_and_merge_commands(example_workspace, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["render", "-w", str(example_workspace), "-p", "2021-06"]).exit_code == 0
    source = example_workspace / "build/2021-06/outbox/钢城区财政局.xlsx"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    book = openpyxl.load_workbook(source)  # one answer typed: an untouched workbook is return-empty
    sheet = book["牵头任务"]
    heads = [c.value for c in sheet[2]]
    sheet.cell(3, heads.index("本月进展") + 1, "已完成资金测算。")
    book.save(inbox / "财政局.xlsx")
    nothing = runner.invoke(main, ["collect", "-w", str(example_workspace), "-p", "2021-06"])
    assert nothing.exit_code == 2
    collected = runner.invoke(main, ["collect", "-w", str(example_workspace), "-p", "2021-06", str(inbox)])
    assert collected.exit_code == 0 and "已存入：财政局.xlsx" in collected.output
    merged = runner.invoke(main, ["merge", "-w", str(example_workspace), "-p", "2021-06", "--json"])
    data = json.loads(merged.output)
    entry_keys = {"task_id", "unit", "role", "status", "progress", "issues", "next_steps", "completed_on", "file"}
    problem_keys = {"code", "severity", "file", "unit", "sheet", "cell", "message"}
    assert data["entries"] and all(entry_keys <= set(e) for e in data["entries"])
    assert data["problems"] and all(problem_keys <= set(p) for p in data["problems"])
    assert {e["role"] for e in data["entries"]} == {"lead", "support"}
    one = runner.invoke(main, ["merge", "-w", str(example_workspace), "-p", "2021-06", "--json", "--jobs", "1"])
    assert one.exit_code == 0 and json.loads(one.output) == data  # by one process or by the default (CPUs)
    table = runner.invoke(main, ["merge", "-w", str(example_workspace), "-p", "2021-06"])
    assert table.exit_code == 0 and "progress-empty" in table.output and "merged.xlsx" in table.output


@pytest.mark.parametrize(
    "command", [["mail"], ["remind"], ["mail", "--send"], ["sample-returns", "inbox"]], ids=lambda c: " ".join(c)
)
def test_commands_that_need_the_outbox_stop_when_the_period_was_never_rendered(example_workspace, command):
    before = sorted(p.relative_to(example_workspace) for p in example_workspace.rglob("*"))
    name, *rest = command
    rest = [str(example_workspace / r) if r == "inbox" else r for r in rest]
    result = CliRunner().invoke(main, [name, "-w", str(example_workspace), "-p", "2021-07", *rest])
    assert result.exit_code == 1
    assert "outbox-missing" in result.output
    assert "2021-07尚未生成填报表，请先运行 ledger render --period 2021-07" in result.output
    after = sorted(p.relative_to(example_workspace) for p in example_workspace.rglob("*"))
    assert [p for p in after if p.name != ".ledger.lock"] == before  # wrote nothing (but held the workspace)


def test_mail_and_remind_dry_runs(example_workspace):
    runner = CliRunner()
    rendered = runner.invoke(main, ["render", "-w", str(example_workspace), "-p", "2021-06"])
    assert rendered.exit_code == 0, rendered.output
    result = runner.invoke(main, ["mail", "-w", str(example_workspace), "-p", "2021-06"])
    assert result.exit_code == 0, result.output
    assert "试运行" in result.output and "山东重工指挥部" in result.output  # listed: no address in the units file
    assert len(list((example_workspace / "build/2021-06/mail").glob("workbook-*.eml"))) == 43
    remind = runner.invoke(main, ["remind", "-w", str(example_workspace), "-p", "2021-06"])
    assert remind.exit_code == 0 and len(list((example_workspace / "build/2021-06/mail").glob("reminder-*.eml"))) == 43
    send = runner.invoke(main, ["mail", "-w", str(example_workspace), "-p", "2021-06", "--send"])
    assert send.exit_code == 1 and "[mail]" in send.output  # no SMTP server configured: said, nothing sent


# --- first month: units on the command line, readable problem tables, tasks as understood


def test_unit_option_takes_aliases_and_groups(tmp_path):
    rows = [
        ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "做事。", "示范区财政局", "各街道", "年底前"],
    ]
    make_workspace(tmp_path, [*rows, ["2", "再做。", "示范区发展改革局", "", "年底前"]])
    runner = CliRunner()
    result = runner.invoke(main, ["render", "-w", str(tmp_path), "-p", "2021-06", "-u", "示范区发改局", "-u", "各街道"])
    assert result.exit_code == 0, result.output
    outbox = tmp_path / "build/2021-06/outbox"
    assert sorted(p.name for p in outbox.glob("*.xlsx")) == ["东街道.xlsx", "示范区发展改革局.xlsx", "西街道.xlsx"]


@pytest.mark.parametrize("command", ["render", "mail"])
def test_an_unknown_unit_is_a_usage_error_with_the_closest_names(tmp_path, command):
    make_workspace(tmp_path, [["序号", "具体措施", "牵头单位"], ["1", "做事。", "示范区财政局"]])
    result = CliRunner().invoke(main, [command, "-w", str(tmp_path), "-p", "2021-06", "-u", "财政局"])
    assert result.exit_code == 2
    assert "“财政局”不在单位名录中" in result.output and "示范区财政局" in result.output
    assert not (tmp_path / "build").exists()


def test_problem_tables_read_at_80_columns():
    from rich.console import Console

    from ledger.cli import problem_table
    from ledger.problems import problem

    problems = [
        problem(
            "unit-unknown",
            file="source/tasks/城东区2021年重点任务.xlsx",
            sheet="Sheet1",
            cell="D12",
            name="区财务局",
            suggestion="，是否是：城东区财政局？",
        ),
        problem(
            "deadline-unparsed",
            file="source/tasks/城东区2021年重点任务.xlsx",
            sheet="Sheet1",
            cell="E3",
            raw="视情况而定",
        ),
    ]
    console = Console(width=80, record=True, force_terminal=False)
    console.print(problem_table(problems))
    lines = console.export_text().splitlines()
    assert max(console.measure(line).maximum for line in lines) <= 80
    text = "".join(line.strip() for line in lines)
    for p in problems:
        assert p.message in text and p.hint in text  # each wraps as one paragraph, not down a narrow column
    assert "单位不在名录中（unit-unknown）" in text and "时限无法识别（deadline-unparsed）" in text
    # where, as Chinese is written: labelled, with Chinese punctuation, not " · " with Western spaces
    assert "文件：source/tasks/城东区2021年重点任务.xlsx；工作表：Sheet1；单元格：D12" in text and "·" not in text
    hint_line = next(line for line in lines if "处理：" in line)
    assert len(hint_line.strip()) > 30


def test_check_tasks_lists_how_each_task_was_understood(tmp_path):
    rows = [
        ["序号", "重点任务", "牵头单位", "责任单位", "完成时限"],
        ["1", "做事。", "示范区发改局", "各街道、区政府有关部门", "6月底前"],
    ]
    make_workspace(tmp_path, rows)
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--tasks", "-w", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "6月底前 → 2021年6月30日前" in result.output and "示范区发改局 → 示范区发展改革局" in result.output
    data = json.loads(runner.invoke(main, ["check", "--tasks", "--json", "-w", str(tmp_path)]).output)
    [task] = data["tasks"]
    assert (task["id"], task["due"], task["lead"], task["support"], task["vague"]) == (
        "T-1",
        "2021-06-30",
        ["示范区发展改革局"],
        ["东街道", "西街道"],
        ["区政府有关部门"],
    )


def test_check_tasks_says_the_day_a_range_from_now_is_due(tmp_path):
    # "即日起至6月底" is judged by 30 June (red in June's report when not done): the reading must say so, not 无期限.
    rows = [["序号", "具体措施", "牵头单位", "完成时限"], ["1", "做事。", "区财政局", "即日起至6月底"]]
    make_workspace(tmp_path, rows)
    data = json.loads(CliRunner().invoke(main, ["check", "--tasks", "--json", "-w", str(tmp_path)]).output)
    [task] = data["tasks"]
    assert (task["due"], task["deadline_read"]) == ("2021-06-30", "2021年6月30日前")


def test_init_in_an_empty_folder_then_check(tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import openpyxl

    from ledger import load_config

    runner = CliRunner()
    target = tmp_path / "城东区台账"
    args = ["init", str(target), "--title", "城东区重点任务台账", "--office", "城东区委督查室", "--district", "城东区"]
    assert runner.invoke(main, args).exit_code == 0
    config = load_config(target)
    assert (config.title, config.office.name, config.documents[0].district) == (
        "城东区重点任务台账",
        "城东区委督查室",
        "城东区",
    )
    assert config.year == datetime.now(ZoneInfo("Asia/Shanghai")).year
    book = openpyxl.load_workbook(target / "source" / "units.xlsx")
    assert book.sheetnames == ["单位名录", "说明"]
    header, example = [[c.value for c in row] for row in book["单位名录"].iter_rows()]
    assert header == ["单位全称", "简称/别名", "类别", "所属分组", "联系人", "电子邮箱", "联系电话"]
    assert example[3] == "街道"
    notes = "".join(str(c.value) for row in book["说明"].iter_rows() for c in row)
    assert "所属分组" in notes and "各街道" in notes and "简称/别名" in notes
    # The office fills in its contact line, its units and its own task table, and check passes.
    toml = (target / "ledger.toml").read_text(encoding="utf-8")
    toml = toml.replace('"台账联络员"', '"张三"').replace('"0000-0000000"', '"0631-5201234"')
    (target / "ledger.toml").write_text(toml, encoding="utf-8")
    sheet = book["单位名录"]
    sheet.delete_rows(2)
    for row in (
        ["城东区财政局", "区财政局", "部门", "", "", "czj@example.cn", ""],
        ["东湖街道办事处", "东湖街道", "街道", "街道"],
    ):
        sheet.append(row)
    book.save(target / "source" / "units.xlsx")
    # The task table comes with an explicit 任务编号, so the ledger never depends on row order.
    tasks = openpyxl.load_workbook(target / "source" / "tasks" / "任务清单.xlsx")
    assert tasks.sheetnames == ["任务清单", "说明"]
    header, example = [[c.value for c in row] for row in tasks["任务清单"].iter_rows()]
    assert header == ["任务编号", "序号", "类别", "具体措施", "完成时限", "牵头单位", "配合单位"]
    assert example[0] == "RW-1"
    sheet = tasks["任务清单"]
    sheet.delete_rows(2)
    sheet.append(["RW-7", "1", "一、重点工作", "做好一件事。", "6月底前", "区财政局", "各街道"])
    tasks.save(target / "source" / "tasks" / "任务清单.xlsx")
    check = runner.invoke(main, ["check", "--json", "-w", str(target), "--tasks"])
    assert check.exit_code == 0, check.output
    data = json.loads(check.output)
    assert data["problems"] == [] and data["summary"]["tasks"] == 1
    assert [t["id"] for t in data["tasks"]] == ["RW-7"]  # the 任务编号 written, not 序号


def test_a_period_far_from_the_ledgers_year_is_a_warning(example_workspace):
    result = CliRunner().invoke(main, ["render", "-w", str(example_workspace), "-p", "2012-06", "-u", "钢城区财政局"])
    assert result.exit_code == 0, result.output
    assert "报告期可疑（period-far）" in result.output and "2012-06" in result.output
    near = CliRunner().invoke(main, ["render", "-w", str(example_workspace), "-p", "2022-01", "-u", "钢城区财政局"])
    assert near.exit_code == 0 and "period-far" not in near.output


def test_returns_assign_with_an_unknown_unit_is_a_usage_error(tmp_path):
    make_workspace(tmp_path, [["序号", "具体措施", "牵头单位"], ["1", "做事。", "示范区财政局"]])
    inbox = write_xlsx(tmp_path / "inbox" / "情况.xlsx", [["任务编号", "本月进展"], ["T-1", "已办。"]])
    runner = CliRunner()
    assert runner.invoke(main, ["collect", "-w", str(tmp_path), "-p", "2021-06", str(inbox)]).exit_code == 0
    result = runner.invoke(
        main, ["returns", "assign", "-w", str(tmp_path), "-p", "2021-06", "情况.xlsx", "-u", "财政局"]
    )
    assert result.exit_code == 2 and "示范区财政局" in result.output
    alias = runner.invoke(
        main, ["returns", "assign", "-w", str(tmp_path), "-p", "2021-06", "情况.xlsx", "-u", "示范区发改局"]
    )
    assert alias.exit_code == 0 and "示范区发展改革局" in alias.output


def test_terminal_escapes_in_file_names_and_statuses_reach_the_terminal_escaped(ws_root, tmp_path):
    status = "\x1b]0;窗口标题\x07已完成\u202e\x9b2J"
    name = "钢城区财政局\x1b[2J\u202egpj.csv"  # a .csv: a workbook cannot hold these characters raw
    (tmp_path / name).write_text(f"任务编号,完成状态,本月进展\nDQ-59,{status},好\n", encoding="utf-8")
    runner = CliRunner()
    collected = runner.invoke(main, ["collect", "-w", str(ws_root), "-p", "2021-06", str(tmp_path / name)])
    merged = runner.invoke(main, ["merge", "-w", str(ws_root), "-p", "2021-06"])
    listed = runner.invoke(main, ["returns", "list", "-w", str(ws_root), "-p", "2021-06"])
    as_json = runner.invoke(main, ["merge", "-w", str(ws_root), "-p", "2021-06", "--json"])
    for result in (collected, merged, listed, as_json):
        assert result.exit_code == 0, result.output
        assert not set(result.output) & {"\x1b", "\x07", "\x9b", "\u202e"}
    assert "status-invalid" in merged.output and "\\x1b]0;窗口标题\\x07已完成\\u202e\\x9b2J" in merged.output
    assert "\\x1b[2J\\u202egpj" in collected.output
    values = [p["message"] for p in json.loads(as_json.output)["problems"] if p["code"] == "status-invalid"]
    assert values and status in values[0]  # the JSON says exactly what was typed, escaped for the terminal


# What a command that only reads must not wait for: the writers, pandas, the importer's readers and mail.
HEAVY = ("openpyxl", "xlsxwriter", "pandas", "numpy", "docx", "docxtpl", "pdfplumber", "bs4", "opencc", "jinja2")
MAIL = ("smtplib", "imaplib")
# What only reading returns needs (intake and merge): a round merged before is read back from its cache.
RETURN_READERS = ("ledger.merge", "ledger.return_reader", "ledger.read", "defusedxml")
# Prints, as it exits, every module the process loaded (on stderr: the command's own output stays as it is).
LOADED = "import atexit, sys; atexit.register(lambda: print(*sorted(sys.modules), file=sys.stderr)); "


def test_importing_the_command_line_loads_no_reader_writer_or_mail_library():
    run = subprocess.run([sys.executable, "-c", LOADED + "import ledger.cli"], capture_output=True, text=True)
    loaded = set(run.stderr.split())
    assert run.returncode == 0 and "ledger.cli" in loaded, run.stderr
    assert [m for m in (*HEAVY, *MAIL, *RETURN_READERS) if m in loaded] == []


@pytest.fixture
def status_command(tmp_path):
    """`ledger status -w … -p 2021-06`, in a process that prints the modules it loaded, on a round with one
    return collected."""
    from ledger import load_workspace
    from ledger.collect import collect_returns
    from ledger.model import Period

    make_workspace(tmp_path, [["序号", "具体措施", "完成时限", "牵头单位"], ["1", "做事。", "年底前", "示范区财政局"]])
    ws = load_workspace(tmp_path)
    rendered = render(ws, Period(2021, 6))
    answered = {"T-1": {"完成状态": "序时推进", "本月进展": "推进中"}}
    filled = fill_return(rendered.outbox / "示范区财政局.xlsx", tmp_path / "returned" / "示范区财政局.xlsx", answered)
    collect_returns(ws.paths, Period(2021, 6), [filled])
    program = LOADED + "from ledger.cli import main; main()"
    return [sys.executable, "-c", program, "status", "-w", str(tmp_path), "-p", "2021-06"]


def test_status_loads_no_writer(status_command):
    run = subprocess.run(status_command, capture_output=True, text=True)
    loaded = set(run.stderr.split())
    assert run.returncode == 0 and "已报送1个" in run.stdout, run.stdout + run.stderr
    assert "ledger.merge" in loaded and "python_calamine" in loaded  # the return was read
    assert [
        m for m in ("openpyxl", "numpy", "xlsxwriter", "docx", "docxtpl", "jinja2", "pandas", *MAIL) if m in loaded
    ] == []


def test_status_of_a_round_merged_before_loads_no_return_reader(status_command):
    merged, cached = (subprocess.run(status_command, capture_output=True, text=True) for _ in range(2))
    assert merged.returncode == cached.returncode == 0 and "已报送1个" in merged.stdout, merged.stdout + merged.stderr
    assert cached.stdout == merged.stdout
    assert "ledger.merge" in set(merged.stderr.split())
    assert [m for m in RETURN_READERS if m in set(cached.stderr.split())] == []


def test_an_output_open_in_another_program_is_written_beside_and_both_are_named(example_workspace, monkeypatch):
    runner = CliRunner()
    assert runner.invoke(main, ["render", "-w", str(example_workspace), "-p", "2021-06"]).exit_code == 0
    first = runner.invoke(main, ["merge", "-w", str(example_workspace), "-p", "2021-06", "--jobs", "1"])
    held = example_workspace / "build/2021-06/merged.xlsx"
    before = held.read_bytes()
    real = os.replace

    def open_in_wps(source, target):  # on Windows WPS locks the file it shows: replacing it is refused
        if Path(target) == held:
            raise PermissionError(13, "另一个程序正在使用此文件", str(target))
        return real(source, target)

    monkeypatch.setattr(os, "replace", open_in_wps)
    again = runner.invoke(main, ["merge", "-w", str(example_workspace), "-p", "2021-06", "--jobs", "1"])
    assert first.exit_code == again.exit_code == 0, again.output
    beside = held.with_name("merged（新）.xlsx")
    assert held.read_bytes() == before and beside.is_file()
    assert "output-locked" in again.output and str(beside) in again.output


@pytest.mark.parametrize("group", [[], ["returns"], ["tasks"], ["units"], ["rounds"]])
def test_help_lists_every_command_with_a_whole_chinese_line(group):
    listed = CliRunner().invoke(main, [*group, "--help"], terminal_width=100).output.split("命令：")[1]
    entries = "".join(line.strip() if line.startswith("   ") else f"\n{line.strip()}" for line in listed.splitlines())
    lines = [line for line in entries.splitlines() if line]  # a command's help continued on the lines below
    assert lines and all(not line.endswith("...") and line.endswith("。") for line in lines), lines


def test_status_of_a_round_not_yet_due_says_its_units_still_have_time(tmp_path):
    """June rendered, its due day moved to ten days from now: the units that have not returned are listed as
    未报送 but with the deadline not passed, in `status` and on the console's board; once the due day is past,
    plain 未报送."""
    from datetime import timedelta

    from ledger import load_workspace
    from ledger.clock import today
    from ledger.console.board import board_of
    from ledger.model import Period
    from ledger.rounds import open_round
    from ledger.wording import chinese

    june = Period(2021, 6)
    make_workspace(tmp_path, [["序号", "具体措施", "完成时限", "牵头单位"], ["1", "做事。", "年底前", "示范区财政局"]])
    render(load_workspace(tmp_path), june)
    past = CliRunner().invoke(main, ["status", "-w", str(tmp_path), "-p", "2021-06"])
    assert past.exit_code == 0 and "未报送（1个）：示范区财政局" in past.output, past.output
    assert "尚未过报送截止日期" not in past.output
    ws = load_workspace(tmp_path)
    due = today(ws.config) + timedelta(days=10)
    open_round(ws, june).set_due(due.isoformat(), "顺延")
    shown = CliRunner().invoke(main, ["status", "-w", str(tmp_path), "-p", "2021-06"])
    assert shown.exit_code == 0, shown.output
    assert f"未报送（1个，尚未过报送截止日期，{chinese(due)}前报送）：示范区财政局" in shown.output
    (row,) = board_of(load_workspace(tmp_path), june).units
    assert (row.state, row.state_name) == ("missing", "未报送（尚未过报送截止日期）")
    open_round(load_workspace(tmp_path), june).set_due(today(ws.config).isoformat(), "今天截止")
    on_the_day = CliRunner().invoke(main, ["status", "-w", str(tmp_path), "-p", "2021-06"]).output
    assert "尚未过报送截止日期" in on_the_day  # a return today is still on time
