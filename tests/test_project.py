"""Project-level promises: the README's commands, CI and lint."""

import subprocess
import sys

from .conftest import ROOT


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("```bash") < text.index("\n## ")
    assert len(readme_commands()) == 2


def test_ci_runs_the_readmes_test_command():
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_ruff_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", str(ROOT)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
