"""The workspace lock: one writing command at a time; the second waits, then says who holds it and since when."""

import os
import threading
import time

import pytest

from ledger.lock import WorkspaceBusy, lock_wait, workspace_lock
from ledger.paths import WorkspacePaths


def test_a_second_holder_is_told_who_holds_the_workspace(tmp_path):
    paths = WorkspacePaths(tmp_path)
    with workspace_lock(paths, "ledger console", 0):
        started = time.monotonic()
        with pytest.raises(WorkspaceBusy) as caught, workspace_lock(paths, "ledger collect", 0.3):
            pass
        assert time.monotonic() - started >= 0.3  # it waited first
    fields = caught.value.fields
    assert (caught.value.code, fields["holder"], fields["pid"]) == ("workspace-busy", "ledger console", os.getpid())
    assert "年" in fields["since"] and "月" in fields["since"]
    assert not paths.lock_info.exists()  # who held it is cleared on release
    with workspace_lock(paths, "ledger collect", 0):
        assert paths.lock_info.is_file()


def test_a_waiting_command_goes_on_when_the_holder_lets_go(tmp_path):
    paths = WorkspacePaths(tmp_path)
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with workspace_lock(paths, "ledger merge", 0):
            held.set()
            time.sleep(0.5)
        done.set()

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    with workspace_lock(paths, "ledger collect", 10):
        assert done.is_set()
    holder.join()


def test_the_wait_comes_from_the_environment_for_tests(monkeypatch):
    monkeypatch.setenv("LEDGER_LOCK_WAIT", "2.5")
    assert lock_wait(30) == 2.5
    monkeypatch.setenv("LEDGER_LOCK_WAIT", "半分钟")
    assert lock_wait(30) == 30
