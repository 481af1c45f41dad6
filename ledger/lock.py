"""One command that writes at a time in a workspace.

Two `collect` runs at once stored the same files twice; a `merge` beside a `collect` could read a folder half
filled. Every command that writes (the CLI's, the console's) runs inside `workspace_lock`: a second one waits up
to `wait` seconds, then stops with a catalogued problem saying which command holds the workspace, its process
and since when. The lock itself is `filelock`'s (fcntl on Linux, msvcrt on Windows), which the system releases
when its process ends however it ends, so a kill or a power cut never leaves the workspace locked; who holds
it is written beside, in a small JSON file.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from .deadlines import chinese_moment
from .paths import WorkspacePaths
from .problems import ProblemError
from .records import write_aside

ENV_LOCK_WAIT = "LEDGER_LOCK_WAIT"  # seconds, overriding [limits] lock_wait (tests use a short one)


class WorkspaceBusy(ProblemError):
    """Another command holds the workspace and did not let go in time."""


def lock_wait(configured: float) -> float:
    """How long to wait for the workspace: $LEDGER_LOCK_WAIT when set, else the configured time."""
    try:
        return max(float(os.environ[ENV_LOCK_WAIT]), 0.0)
    except (KeyError, ValueError):
        return configured


@contextmanager
def workspace_lock(paths: WorkspacePaths, command: str, wait: float) -> Iterator[None]:
    """Hold the workspace for `command` while the block runs; raises WorkspaceBusy after `wait` seconds."""
    import filelock  # here: it costs a command that holds no lock (status) a tenth of its start

    paths.root.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(paths.lock, timeout=wait, is_singleton=False)
    started = time.monotonic()
    try:
        lock.acquire()
    except filelock.Timeout as exc:
        holder = _holder(paths)
        raise WorkspaceBusy(
            "workspace-busy",
            holder=holder.get("command", "另一条命令"),
            pid=holder.get("pid", "未知"),
            since=holder.get("since", "未知时间"),
            waited=f"{time.monotonic() - started:.0f}",
            lock=str(paths.lock),
        ) from exc
    try:
        now = datetime.now()
        since = chinese_moment(now)
        holder = {"pid": os.getpid(), "command": command, "since": since}
        write_aside(paths.lock_info, json.dumps(holder, ensure_ascii=False).encode("utf-8"))
        yield
    finally:
        paths.lock_info.unlink(missing_ok=True)
        lock.release()


def _holder(paths: WorkspacePaths) -> dict[str, object]:
    try:
        found = json.loads(paths.lock_info.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}
