"""Work shared out to forked processes, for the stages that write many files or several large ones.

Forked, not spawned: a child starts with the parent's memory (the workspace, the merge result, the report), so
only what each call returns crosses between processes. The calls run at most `jobs` at a time and their results
come back in order, so a file written by a child is the file the parent would have written.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar, cast

T = TypeVar("T")

# The calls of the current run, found by their place in a child (a closure cannot be pickled; its place can).
_calls: Sequence[Callable[[], object]] = ()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a large result is built that lives on (a merge, its cache read or
    written): it would rescan the growing heap again and again and free nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _call(n: int) -> object:
    return _calls[n]()


def _can_fork() -> bool:
    import multiprocessing  # here: a run in one process (a clerk's `ledger status`) need not load it

    return "fork" in multiprocessing.get_all_start_methods()


def in_processes(calls: Sequence[Callable[[], T]], jobs: int, *, chunksize: int = 1) -> Iterator[T]:
    """Each call's result, in order; with jobs > 1 the calls run in that many forked processes (one process,
    this one, otherwise or where fork is not available).

    A call may share its own work out again (a workbook's long tables, inside a worker writing that workbook):
    its processes are its own, and this run's calls are in place again when they are done."""
    global _calls
    if jobs <= 1 or len(calls) <= 1 or not _can_fork():
        yield from (call() for call in calls)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    outer, _calls = _calls, calls
    # What is alive now lives for the whole run: freezing it keeps the collector from touching (and so copying)
    # the parent's objects in every child. Left to whoever froze it first (render does, for its own reasons).
    freezing = gc.get_freeze_count() == 0
    if freezing:
        gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=min(jobs, len(calls)), mp_context=context) as pool:
            yield from cast(Iterator[T], pool.map(_call, range(len(calls)), chunksize=chunksize))
    finally:
        if freezing:
            gc.unfreeze()
        _calls = outer
