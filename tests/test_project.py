"""Project-level promises: the README's commands, CI and lint."""

import ast
import importlib
import subprocess
import sys

import ledger

from .conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_the_demo_the_tests_and_the_console():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("```bash") < text.index("\n## ")
    demo, _, console = readme_commands()
    assert demo.endswith("bash scripts/demo.sh") and "ledger serve --workspace ." in console


def test_ci_runs_the_readmes_test_command():
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ruff_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_public_name_comes_from_its_module_when_first_used():
    typed = {}  # what the TYPE_CHECKING imports of ledger/__init__.py tell type checkers
    for node in ast.walk(ast.parse((ROOT / "ledger" / "__init__.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            typed.update({alias.name: node.module for alias in node.names})
    assert typed == ledger._HOME_OF and sorted(typed) == sorted(ledger.__all__)
    for name in ledger.__all__:
        assert getattr(ledger, name) is getattr(importlib.import_module(f"ledger.{typed[name]}"), name)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, ledger; print(*sorted(m for m in sys.modules if m.startswith('ledger')))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.split() == ["ledger"]  # `import ledger` alone loads none of the stages
    imported = subprocess.run(
        [sys.executable, "-c", "from ledger import Period, load_workspace; print(load_workspace.__module__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.split() == ["ledger.workspace"]


def test_the_examples_templates_are_the_packaged_defaults():
    """The example is a workspace as `ledger init` writes it: its templates/ (which take precedence over the
    packaged ones) must move with the defaults, or the demo and the tests run last year's page."""
    defaults = ROOT / "ledger" / "defaults" / "templates"
    example = ROOT / "templates"
    assert sorted(p.name for p in example.iterdir()) == sorted(p.name for p in defaults.iterdir())
    assert [p.name for p in example.iterdir() if p.read_bytes() != (defaults / p.name).read_bytes()] == []
