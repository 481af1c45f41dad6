"""The append-only store: a torn line is listed, never fatal, and the next record starts on a line of its own."""

from ledger.records import append_record, read_records, write_aside


def test_append_then_read_keeps_order(tmp_path):
    path = tmp_path / "log.jsonl"
    append_record(path, {"n": 1, "text": "已完成"})
    append_record(path, {"n": 2})
    assert [r["n"] for r in read_records(path).records] == [1, 2]
    assert read_records(path).torn == []


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
