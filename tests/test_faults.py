"""Faults a bad day brings — a kill at any step, two clerks at once, a full disk, a read-only folder, an output
held open — each followed by a re-run that completes with nothing lost or duplicated and no traceback.

The kills are placed, not timed: `LEDGER_CRASH_AT` names the step at which the process kills itself
(`faults.crash_point`). Real processes, a real tmpfs where root may mount one (else skipped, saying why)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest

from ledger.faults import ENV_CRASH_AT
from ledger.lock import ENV_LOCK_WAIT
from ledger.paths import RECORDS
from ledger.records import is_temporary

from .conftest import GOOD, fill_return, outbox

pytestmark = pytest.mark.slow
FINANCE, WATER, TAX = "钢城区财政局", "莱芜区水务局", "钢城区税务局"
KILLED = -9


def ledger(*args: object, crash: str | None = None, wait: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, ENV_LOCK_WAIT: str(wait)}
    env.pop(ENV_CRASH_AT, None)
    if crash:
        env[ENV_CRASH_AT] = crash
    command = [sys.executable, "-m", "ledger", *(str(a) for a in args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)


def said_in_chinese(run: subprocess.CompletedProcess[str]) -> bool:
    return "Traceback" not in run.stderr + run.stdout


@pytest.fixture
def inbox(ws_root, tmp_path):
    """Three units' filled workbooks."""
    folder = tmp_path / "inbox"
    for unit in (FINANCE, WATER, TAX):
        fill_return(outbox(ws_root, unit), folder / f"{unit}.xlsx", GOOD)
    return folder


def stored(root: Path) -> dict[str, str]:
    """Stored returns of June by name, with their digests; no temporary and no record."""
    folder = root / "source/returns/2021-06"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.iterdir()
        if p.name not in RECORDS and not is_temporary(p.name)
    }


def receipts(root: Path) -> list[dict]:
    lines = (root / "source/returns/2021-06/receipts.jsonl").read_bytes().split(b"\n")
    found = []
    for line in lines:
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return found


def assert_each_stored_once_with_one_receipt(root: Path, inbox: Path) -> None:
    wanted = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
    files = stored(root)
    assert sorted(files.values()) == sorted(wanted)  # every file once, whole: no fragment, no copy
    assert sorted(r["file"] for r in receipts(root)) == sorted(files)  # one receipt each
    assert {r["sha256"] for r in receipts(root)} == wanted


@pytest.mark.parametrize(
    "step", ["collect:before-store", "collect:writing", "collect:after-store", "collect:after-receipt"]
)
def test_a_kill_at_any_step_of_collect_is_completed_by_the_rerun(ws_root, inbox, step):
    killed = ledger("collect", "-w", ws_root, "-p", "2021-06", inbox, crash=f"{step}:2")
    assert killed.returncode == KILLED, killed.stderr
    rerun = ledger("collect", "-w", ws_root, "-p", "2021-06", inbox)
    assert rerun.returncode == 0 and said_in_chinese(rerun), rerun.stderr
    assert_each_stored_once_with_one_receipt(ws_root, inbox)
    assert not [p for p in (ws_root / "source/returns/2021-06").iterdir() if is_temporary(p.name)]
    assert ("collect-receipt-added" in rerun.stdout + rerun.stderr) == (step == "collect:after-store")
    merged = ledger("merge", "-w", ws_root, "-p", "2021-06", "--json", "--jobs", "1")
    codes = {p["code"] for p in json.loads(merged.stdout)["problems"]}
    assert not codes & {"return-unreadable", "return-read-failed", "return-superseded", "return-order-undecided"}


def test_two_collects_at_once_store_each_file_once(ws_root, tmp_path):
    folder = tmp_path / "ten"
    folder.mkdir()
    for n in range(10):
        (folder / f"报送{n}.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(2048))
    command = [sys.executable, "-m", "ledger", "collect", "-w", str(ws_root), "-p", "2021-06", str(folder)]
    env = {**os.environ, ENV_LOCK_WAIT: "120"}
    both = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    assert [p.wait(timeout=300) for p in both] == [0, 0]
    assert_each_stored_once_with_one_receipt(ws_root, folder)


@pytest.mark.parametrize(("command", "output"), [("merge", "merged.xlsx"), ("report", "report/汇总台账.xlsx")])
def test_a_kill_while_an_output_is_written_leaves_the_last_good_one(ws_root, inbox, command, output):
    ledger("collect", "-w", ws_root, "-p", "2021-06", inbox / f"{FINANCE}.xlsx")
    assert ledger(command, "-w", ws_root, "-p", "2021-06", "--jobs", "1").returncode == 0
    path = ws_root / "build/2021-06" / output
    good = path.read_bytes()
    ledger("collect", "-w", ws_root, "-p", "2021-06", inbox)
    killed = ledger(command, "-w", ws_root, "-p", "2021-06", "--jobs", "1", crash=f"write:{path.name}")
    assert killed.returncode == KILLED
    assert path.read_bytes() == good
    openpyxl.load_workbook(path)  # whole, and still opens
    again = ledger(command, "-w", ws_root, "-p", "2021-06", "--jobs", "1")
    assert again.returncode == 0 and path.read_bytes() != good


def test_a_second_command_waits_then_says_who_holds_the_workspace(ws_root, inbox):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(ws_root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        busy = ledger("collect", "-w", ws_root, "-p", "2021-06", inbox, wait=1)
        assert busy.returncode == 1 and said_in_chinese(busy)
        assert "workspace-busy" in busy.stdout + busy.stderr
        assert "ledger console" in busy.stdout + busy.stderr and str(holder.pid) in busy.stdout + busy.stderr
        assert not (ws_root / "source/returns/2021-06").exists()  # nothing stored while it waited
    finally:
        holder.kill()
        holder.wait()
    after = ledger("collect", "-w", ws_root, "-p", "2021-06", inbox, wait=1)  # the kill released it
    assert after.returncode == 0
    assert_each_stored_once_with_one_receipt(ws_root, inbox)


HOLD = """
import sys, time
from ledger.lock import workspace_lock
from ledger.paths import WorkspacePaths
with workspace_lock(WorkspacePaths(__import__("pathlib").Path(sys.argv[1])), "ledger console", 0):
    print("held", flush=True)
    time.sleep(120)
"""


# --- the disk and the folder


def _may_mount() -> str | None:
    """Why a tmpfs cannot be mounted here, or None when it can."""
    if os.name != "posix" or os.geteuid() != 0:
        return "需要 root 才能挂载 tmpfs"
    if shutil.which("mount") is None:
        return "没有 mount 命令"
    return None


@contextmanager
def small_disk(folder: Path, size: int):
    """`folder` on a tmpfs of `size` bytes (its content kept); `grow` frees space as a clerk would."""
    reason = _may_mount()
    if reason:
        pytest.skip(reason)
    kept = folder.with_name(folder.name + ".kept")
    shutil.copytree(folder, kept) if folder.exists() else kept.mkdir(parents=True)
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"无法挂载 tmpfs：{mounted.stderr.decode(errors='replace').strip()}")
    try:
        shutil.copytree(kept, folder, dirs_exist_ok=True)

        def grow() -> None:
            subprocess.run(["mount", "-o", "remount,size=64m", str(folder)], check=True)

        yield grow
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def test_a_full_disk_while_collecting_is_said_and_the_rerun_completes(ws_root, inbox):
    folder = ws_root / "source/returns/2021-06"
    largest = max(p.stat().st_size for p in inbox.iterdir())
    with small_disk(folder, 4096 * (largest // 4096 + 2)) as grow:
        full = ledger("collect", "-w", ws_root, "-p", "2021-06", inbox)
        assert full.returncode == 1 and said_in_chinese(full), full.stderr
        assert "磁盘已满" in full.stdout + full.stderr and "folder-not-writable" in full.stdout + full.stderr
        grow()
        rerun = ledger("collect", "-w", ws_root, "-p", "2021-06", inbox)
        assert rerun.returncode == 0 and said_in_chinese(rerun), rerun.stderr
        assert_each_stored_once_with_one_receipt(ws_root, inbox)


def test_a_full_disk_while_merging_keeps_the_last_good_outputs(ws_root, inbox):
    ledger("collect", "-w", ws_root, "-p", "2021-06", inbox / f"{FINANCE}.xlsx")
    assert ledger("merge", "-w", ws_root, "-p", "2021-06", "--jobs", "1").returncode == 0
    build = ws_root / "build/2021-06"
    good = {name: (build / name).read_bytes() for name in ("merged.xlsx", "problems.xlsx", "merged.json")}
    used = sum(4096 * (p.stat().st_size // 4096 + 1) for p in build.rglob("*") if p.is_file())
    ledger("collect", "-w", ws_root, "-p", "2021-06", inbox)
    with small_disk(build, used + 8192) as grow:
        full = ledger("merge", "-w", ws_root, "-p", "2021-06", "--jobs", "1")
        assert full.returncode == 1 and said_in_chinese(full), full.stderr
        assert "磁盘已满" in full.stdout + full.stderr
        assert {name: (build / name).read_bytes() for name in good} == good
        grow()
        again = ledger("merge", "-w", ws_root, "-p", "2021-06", "--jobs", "1", "--json")
        assert again.returncode == 0
        written = json.loads((build / "merged.json").read_text(encoding="utf-8"))
        assert sorted(r["unit"] for r in written["returns"]) == sorted([FINANCE, WATER, TAX])
        assert not [p for p in build.iterdir() if is_temporary(p.name)]


@contextmanager
def read_only(folder: Path):
    """`folder` read-only: by its mode, or for root (whom modes do not stop) by a read-only bind mount."""
    if os.name == "posix" and os.geteuid() == 0:
        if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode != 0:
            pytest.skip("无法只读挂载该文件夹")
        try:
            subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True)
            yield
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        return
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
    for p in modes:
        p.chmod(0o555)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


def test_a_read_only_source_folder_is_said_in_chinese(ws_root, inbox):
    ledger("collect", "-w", ws_root, "-p", "2021-06", inbox / f"{FINANCE}.xlsx")
    with read_only(ws_root / "source"):
        for args in (
            ["collect", "-p", "2021-06", inbox],
            ["returns", "withdraw", "-p", "2021-06", f"{FINANCE}.xlsx", "--why", "重复"],
            ["report", "-p", "2021-06", "--jobs", "1"],
        ):
            refused = ledger(*args, "-w", ws_root)
            assert refused.returncode == 1 and said_in_chinese(refused), (args, refused.stderr)
            assert "folder-not-writable" in refused.stdout + refused.stderr and "source" in refused.stderr
