"""in_processes: calls shared out to forked processes, results in order, the same as in one process; the collector
paused while a large result is built."""

import functools
import gc
import os
import time

import pytest

from ledger.processes import collector_paused, in_processes


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


def nested_then_done() -> str:
    """Shares its own work out, as a worker writing a workbook shares out the workbook's long tables."""
    return "".join(in_processes([lambda: "甲", lambda: "乙"], 2))


def slow(text: str) -> str:
    time.sleep(0.5)
    return text


def test_a_call_that_shares_its_work_out_again_leaves_the_others_in_place():
    # Two workers, three calls: the nested call finishes first, so its worker takes the third call too, which
    # it can only find if the nested run put this run's calls back.
    calls = [nested_then_done, functools.partial(slow, "丙"), lambda: "丁"]
    assert list(in_processes(calls, 2)) == ["甲乙", "丙", "丁"]


def test_an_error_in_a_child_reaches_the_caller_and_the_next_run_works():
    def fails() -> int:
        raise ValueError("坏")

    with pytest.raises(ValueError, match="坏"):
        list(in_processes([lambda: 1, fails], 2))
    assert list(in_processes([lambda: 1, lambda: 2], 2)) == [1, 2]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_while_building_and_left_as_it_was_even_after_an_error(enabled):
    (gc.enable if enabled else gc.disable)()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert gc.isenabled() == enabled
        with pytest.raises(ValueError), collector_paused():
            raise ValueError
        assert gc.isenabled() == enabled
    finally:
        gc.enable()
