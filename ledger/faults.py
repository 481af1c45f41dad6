"""Named crash points, so the tests can kill the process exactly where a power cut or kill -9 could.

`LEDGER_CRASH_AT=collect:after-store` makes the process kill itself (SIGKILL: no clean-up, no finally) the
first time it reaches that step; `collect:after-store:3` the third time. Unset, a crash point costs one
dictionary look-up. The steps are named where they are called (collect before and after storing a file and
its receipt, every file written aside before its rename).
"""

from __future__ import annotations

import os
import signal

ENV_CRASH_AT = "LEDGER_CRASH_AT"
_reached: dict[str, int] = {}


def crash_point(step: str) -> None:
    """Kill this process here when LEDGER_CRASH_AT names `step` (and, with ":N", this is its N-th time)."""
    wanted = os.environ.get(ENV_CRASH_AT)
    if not wanted:
        return
    name, _, count = wanted.rpartition(":")
    if not count.isdigit():
        name, count = wanted, "1"
    if name != step:
        return
    _reached[step] = _reached.get(step, 0) + 1
    if _reached[step] == int(count):
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))  # Windows has no SIGKILL
