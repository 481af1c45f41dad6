import json
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ledger.cli import main

from .conftest import ROOT, make_workspace

COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_chinese_help(command):
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert re.search(r"[\u4e00-\u9fff]", main.commands[command].help or "")


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
    assert "任务 181 项" in result.output
    assert "错误 0 项" in result.output


def test_check_json(example_workspace):
    result = CliRunner().invoke(main, ["check", "--json", "-w", str(example_workspace)])
    data = json.loads(result.output)
    assert data["summary"]["tasks"] == 181
    assert {p["code"] for p in data["problems"]} == {"unit-vague"}
    assert all(p["file"] and p["cell"] for p in data["problems"])


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
    # The default configuration points at a task list that is not there yet: check says so, by file.
    check = runner.invoke(main, ["check", "--json", "-w", str(tmp_path / "new")])
    assert check.exit_code == 1
    assert [p["code"] for p in json.loads(check.output)["problems"]] == ["file-missing", "file-missing"]
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
