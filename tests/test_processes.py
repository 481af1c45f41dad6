"""in_processes: calls shared out to forked processes, results in order, the same as in one process."""

import functools
import os

from ledger.processes import in_processes


def square_and_pid(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def test_results_come_back_in_order_from_other_processes():
    calls = [functools.partial(square_and_pid, n) for n in range(7)]
    results = list(in_processes(calls, 2))
    assert [r for r, _ in results] == [n * n for n in range(7)]
    pids = {pid for _, pid in results}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_one_job_runs_in_this_process():
    assert [pid for _, pid in in_processes([functools.partial(square_and_pid, 3)] * 2, 1)] == [os.getpid()] * 2


def test_closures_run_too_since_only_their_place_is_sent():
    base = 10
    assert list(in_processes([lambda: base + 1, lambda: base + 2], 2)) == [11, 12]
