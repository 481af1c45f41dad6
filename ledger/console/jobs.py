"""Actions run in a process of their own, started fresh, while the page stays usable.

The server's threads are never forked: a fork copies whatever lock another thread held at that moment. Each
action starts `python -m ledger.console.jobs FOLDER` (the same interpreter, on Windows and Linux alike), which
reads its request from the folder, waits for the workspace (`lock.workspace_lock`: a second action waits for
the first), runs the action, writes its progress and outcome beside the request (each write aside and renamed,
so the page never reads half of one) and appends what it did to the workspace's console record, with when and
for whom (`LEDGER_USER`, which `records.current_user` reads).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import traceback
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..clock import now_in
from ..collect import passed_over
from ..lock import lock_wait, workspace_lock
from ..model import Period
from ..paths import WorkspacePaths, safe_filename
from ..problems import ProblemError, ProblemsError, problem, write_refused
from ..records import append_record, current_user, write_aside
from .actions import ACTIONS, Job

CONSOLE_LOCK_WAIT = 3600.0  # an action waits for the one before it; the page shows that it waits
REQUEST, STATE, FILES, LOG = "request.json", "state.json", "files", "log.txt"


def jobs_folder(paths: WorkspacePaths) -> Path:
    return paths.console_work / "jobs"


@dataclass(kw_only=True)
class Started:
    """A job the server started: its folder and process."""

    id: str
    action: str
    period: str  # the round (or half-year, year) it works on; "" for set-up
    folder: Path
    process: subprocess.Popen[bytes]


@dataclass(kw_only=True)
class Jobs:
    """The jobs this server started, newest first; the processes are reaped as their state is read."""

    paths: WorkspacePaths
    started: dict[str, Started] = field(default_factory=dict)

    def start(
        self,
        action: str,
        period: Period | None,
        params: dict[str, str],
        *,
        user: str,
        uploads: Sequence[tuple[str, bytes, float | None]] = (),
        staged: Sequence[Path] = (),
    ) -> Started:
        """Write the request (and the uploaded files, each with its modification time when the page gave it, as
        collect reads a plain file's) into a new folder and start the process on it."""
        job_id = uuid.uuid4().hex[:16]
        folder = jobs_folder(self.paths) / job_id
        (folder / FILES).mkdir(parents=True)
        files, ignored = list(staged), []
        for n, (name, data, modified) in enumerate(uploads, 1):
            if passed_over(base := re.split(r"[\\/]", name)[-1]):  # as collect passes them over in a folder
                ignored.append(base)
                continue
            # each in a folder of its own: files of one name from two folders (附件.xlsx) keep the name they came by
            target = folder / FILES / str(n) / (safe_filename(base) or "上传文件")
            target.parent.mkdir()
            write_aside(target, data)
            if modified is not None:
                os.utime(target, (modified, modified))
            files.append(target)
        request = {
            "action": action,
            "period": str(period) if period else None,
            "params": params,
            "files": [str(f) for f in files],
            "ignored": ignored,
            "root": str(self.paths.root),
            "by": user,
        }
        write_aside(folder / REQUEST, json.dumps(request, ensure_ascii=False).encode("utf-8"))
        _write_state(folder, {"state": "queued", "title": ACTIONS[action].title})
        env = {**os.environ, "LEDGER_USER": user, "PYTHONIOENCODING": "utf-8"}
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # Windows: no console window flashes up
        with open(folder / LOG, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "ledger.console.jobs", str(folder)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                creationflags=flags,
            )
        self.started[job_id] = Started(
            id=job_id, action=action, period=str(period or ""), folder=folder, process=process
        )
        return self.started[job_id]

    def state(self, job_id: str) -> dict[str, Any] | None:
        """The job's progress or outcome; a process that ended without saying so is said to have stopped."""
        job = self.started.get(job_id)
        if job is None:
            return None
        found = read_state(job.folder)
        if job.process.poll() is not None and found.get("state") not in ("done", "failed"):
            found = {**found, "state": "failed", "message": "操作意外中止，请重新操作。"}
        return {**found, "id": job_id, "action": job.action, "period": job.period}

    def staged(self, job_id: str, keep: str) -> list[Path]:
        """The files a preview read (a units file or policy document), for the action `keep` keeping them: only
        from a finished preview of the kind that action keeps, which offered it (no errors found), while they are
        still there; else none."""
        job, state = self.started.get(job_id), self.state(job_id)
        if job is None or state is None or job.action != ACTIONS[keep].keeps or state["state"] != "done":
            return []
        if not isinstance(details := state.get("details"), dict) or details.get("keep") != keep:
            return []
        try:  # build/ deleted since (it is all derivable): the file is to be given again
            request = json.loads((job.folder / REQUEST).read_text(encoding="utf-8"))
        except OSError:
            return []
        files = [Path(f) for f in request["files"]]
        return files if all(f.is_file() for f in files) else []

    def listed(self, *, rounds: bool) -> list[dict[str, Any]]:
        """The states of the jobs of the round's steps (or of set-up), newest first."""
        started = list(self.started.values())[::-1]  # as it is now: another request's thread may start one
        found = [self.state(job.id) for job in started if ACTIONS[job.action].round == rounds]
        return [state for state in found if state is not None]


def read_state(folder: Path) -> dict[str, Any]:
    try:
        found = json.loads((folder / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"state": "queued"}
    return found if isinstance(found, dict) else {"state": "queued"}


def _write_state(folder: Path, state: dict[str, Any]) -> None:
    write_aside(folder / STATE, json.dumps(state, ensure_ascii=False, default=str).encode("utf-8"))


def _stamp() -> str:
    return now_in().isoformat(timespec="seconds")


STEP_NAMES = {"history": "读取往期报送", "render": "生成填报表", "mail": "处理邮件"}


def run(folder: Path) -> int:
    """The child's work: wait for the workspace, run the action, say how it went, append the record."""
    request = json.loads((folder / REQUEST).read_text(encoding="utf-8"))
    action = ACTIONS[request["action"]]
    root = Path(request["root"])
    paths = WorkspacePaths(root)
    state: dict[str, Any] = {"title": action.title, "by": current_user()}
    last = 0.0

    def report(step: str, done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last < 0.2 and done < total:
            return
        last = time.monotonic()
        _write_state(
            folder, {**state, "state": "running", "step": STEP_NAMES.get(step, step), "done": done, "total": total}
        )

    _write_state(folder, {**state, "state": "waiting"})
    period = Period.parse(request["period"]) if request["period"] else None
    job = Job(
        root=root,
        period=period,
        params=request["params"],
        files=[Path(f) for f in request["files"]],
        ignored=request.get("ignored", []),
        report=report,
    )
    state["started"] = _stamp()
    outcome: dict[str, Any]
    try:
        with workspace_lock(paths, f"控制台：{action.title}（{state['by']}）", lock_wait(CONSOLE_LOCK_WAIT)):
            _write_state(folder, {**state, "state": "running"})
            done = action.run(job)
            outcome = {"state": "done", "message": done.message, "details": done.details}
            _log(paths, request, state, outcome)
    except ProblemError as exc:
        found = problem(exc.code, **exc.fields)
        outcome = {"state": "failed", "message": found.message, "hint": found.hint}
        _log_if_possible(paths, request, state, outcome)
    except ProblemsError as exc:
        outcome = {"state": "failed", "message": "有错误，未完成：", "problems": [p.to_dict() for p in exc.problems]}
        _log_if_possible(paths, request, state, outcome)
    except Exception as exc:  # said on the page; the traceback stays in the job's log
        traceback.print_exc()
        if isinstance(exc, OSError) and (refused := write_refused(exc)) is not None:  # a full disk …: as the CLI
            found = problem(refused.code, **refused.fields)
            outcome = {"state": "failed", "message": found.message, "hint": found.hint}
        else:
            outcome = {"state": "failed", "message": f"出错了：{exc}", "hint": f"详细情况见 {folder / LOG}。"}
        _log_if_possible(paths, request, state, outcome)
    _write_state(folder, {**state, **outcome, "finished": _stamp()})
    return 0 if outcome["state"] == "done" else 1


def _log(paths: WorkspacePaths, request: dict[str, Any], state: dict[str, Any], outcome: dict[str, Any]) -> None:
    """What the console did, appended to source/console.jsonl: when, for whom, what, and how it went."""
    if not paths.config.is_file():  # no workspace (yet): a failed 新建台账 leaves nothing behind
        return
    append_record(
        paths.console_log,
        {
            "at": state["started"],
            "finished": _stamp(),
            "by": state["by"],
            "action": request["action"],
            "period": request["period"],
            "params": request["params"],
            "files": [Path(f).name for f in request["files"]],
            "outcome": outcome["state"],
            "message": outcome["message"],
        },
    )


def _log_if_possible(
    paths: WorkspacePaths, request: dict[str, Any], state: dict[str, Any], outcome: dict[str, Any]
) -> None:
    try:
        _log(paths, request, state, outcome)
    except OSError:
        traceback.print_exc()


if __name__ == "__main__":
    sys.exit(run(Path(sys.argv[1])))
