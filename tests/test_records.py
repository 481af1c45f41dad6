"""The append-only store: a torn line is listed, never fatal, and the next record starts on a line of its own."""

import getpass
import math
import os
from pathlib import Path

import pytest

from ledger.records import (
    append_record,
    current_user,
    displaced,
    is_temporary,
    read_records,
    temporary_beside,
    write_aside,
    written_aside,
)


def test_append_then_read_keeps_order(tmp_path):
    path = tmp_path / "log.jsonl"
    append_record(path, {"n": 1, "text": "已完成"})
    append_record(path, {"n": 2})
    assert [r["n"] for r in read_records(path).records] == [1, 2]
    assert read_records(path).torn == []


def test_a_record_reads_back_whatever_the_standard_encoder_wrote(tmp_path):
    """Records are read by orjson; what it refuses (NaN, a huge integer) is read by the standard decoder, and a line
    that is not JSON, or not UTF-8, is torn."""
    path = tmp_path / "log.jsonl"
    append_record(path, {"value": float("nan"), "big": 10**30, "text": "“引号”"})
    with open(path, "ab") as handle:
        handle.write(b'{"bad": "\xff"}\n')
    found = read_records(path)
    [record] = found.records
    assert math.isnan(record["value"]) and record["big"] == 10**30 and record["text"] == "“引号”"
    assert [t.line for t in found.torn] == [2]


def test_torn_last_line_is_listed_and_the_next_append_stands_alone(tmp_path):
    path = tmp_path / "receipts.jsonl"
    append_record(path, {"n": 1})
    with open(path, "ab") as handle:
        handle.write(b'{"n": 2, "fi')  # a full disk or a kill in the middle of a line
    found = read_records(path)
    assert [r["n"] for r in found.records] == [1]
    assert [(t.line, t.text) for t in found.torn] == [(2, '{"n": 2, "fi')]
    append_record(path, {"n": 3})
    assert [r["n"] for r in read_records(path).records] == [1, 3]


def test_missing_file_reads_as_no_records(tmp_path):
    found = read_records(tmp_path / "none.jsonl")
    assert found.records == [] and found.torn == []


def test_write_aside_replaces_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "out" / "merged.json"
    write_aside(path, b"old")
    write_aside(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in path.parent.iterdir()] == ["merged.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "merged.json"
    write_aside(path, b"last good")
    with pytest.raises(RuntimeError), written_aside(path) as aside:
        aside.temporary.write_bytes(b"half")
        raise RuntimeError("the disk filled up")
    assert path.read_bytes() == b"last good"
    assert [p.name for p in tmp_path.iterdir()] == ["merged.json"]


def test_temporary_names_are_recognised_and_never_a_workspace_file(tmp_path):
    assert is_temporary(temporary_beside(tmp_path / "财政局.xlsx").name)
    assert not is_temporary("财政局.xlsx") and not is_temporary(".gitignore")


def test_an_output_held_open_elsewhere_is_written_beside_and_named(tmp_path, monkeypatch):
    path = tmp_path / "汇总台账.xlsx"
    write_aside(path, b"open in WPS")
    real = os.replace

    def held_open(source, target):  # WPS on Windows: the open file cannot be replaced
        if Path(target) == path:
            raise PermissionError(13, "另一个程序正在使用此文件", str(target))
        return real(source, target)

    monkeypatch.setattr(os, "replace", held_open)
    written = write_aside(path, b"new")
    assert (written.name, written.read_bytes(), path.read_bytes()) == ("汇总台账（新）.xlsx", b"new", b"open in WPS")
    assert displaced(written) == path and displaced(path) is None
    assert write_aside(path, b"newer").read_bytes() == b"newer"  # （新） replaced in turn


def test_current_user_is_the_named_user_when_a_front_end_sets_one(monkeypatch):
    monkeypatch.setenv("LEDGER_USER", "  督查室张三 ")
    assert current_user() == "督查室张三"
    monkeypatch.delenv("LEDGER_USER")
    assert current_user() == getpass.getuser()
