"""Text cleaned at the edges: task IDs in one form, text safe to print on a terminal."""

import pytest

from ledger.cells import printable, task_id_of, text_of, tidy


@pytest.mark.parametrize(
    "typed",
    [
        *("DQ-59", "ＤＱ－５９", "dq-59", "DQ-\u200b59", "\ufeffDQ-59", " DQ-59\u00a0"),
        *("DQ—59", "DQ–59", "DQ‐59", "DQ\u202e-59"),
    ],
)
def test_a_task_id_however_typed_has_one_form(typed):
    assert task_id_of(typed) == "DQ-59"


def test_a_support_group_id_keeps_its_chinese():
    assert task_id_of("dq-配２") == "DQ-配2"


def test_terminal_escapes_and_bidi_overrides_are_shown_escaped_and_lines_kept():
    text = "报送\x1b]0;窗口标题\x07文件\x1b[2J\u202egpj.exe\u2066\x9b31m\x7f\r\n第二行\t完"
    assert printable(text) == "报送\\x1b]0;窗口标题\\x07文件\\x1b[2J\\u202egpj.exe\\u2066\\x9b31m\\x7f\\r\n第二行\t完"
    assert printable("钢城区财政局：已完成") == "钢城区财政局：已完成"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (123456789012345.0, "123456789012345"),
        (1e308, "1E+308"),
        (1.2345678901234567e17, "1.23456789012346E+17"),
        (-1e20, "-1E+20"),
        (0.1 + 0.2, "0.3"),  # a formula's result (=0.1+0.2) as Excel saves it: 0.30000000000000004
        (1234.5678, "1234.5678"),
        (2 / 3, "0.666666666666667"),
    ],
)
def test_a_number_beyond_fifteen_digits_is_the_text_a_spreadsheet_shows(value, shown):
    """A number holds fifteen significant digits: 1E+308 typed into a cell was written out as 309 digits (those
    after the fifteenth invented by the conversion) in the ledger's records and in the problem quoting it."""
    assert text_of(value) == shown


def test_a_duration_is_the_hours_a_spreadsheet_shows_not_english():
    """ "36:00" typed becomes a duration ([h]:mm), which calamine gives as a timedelta: its text was
    "1 day, 12:00:00"."""
    from datetime import timedelta

    shown = [text_of(timedelta(hours=36)), text_of(timedelta(minutes=90, seconds=5)), text_of(-timedelta(hours=2))]
    assert shown == ["36:00", "1:30:05", "-2:00"]


@pytest.mark.parametrize(
    ("typed", "tidied"),
    [
        ("2021 年 6 月底前", "2021年6月底前"),
        ("共 2 项", "共2项"),
        ("完成\t率 100%", "完成率100%"),  # a tab, and a run of spaces, are taken out as one
        ("区 住建委  and  区水务局", "区住建委and区水务局"),
        ("（ 1 ）、 2021", "（1）、2021"),  # full-width marks count as Chinese
        ("PM2.5 浓度", "PM2.5浓度"),
        ("2021 2022", "2021 2022"),  # between two numbers or two Latin words a space stays
        ("Excel Word", "Excel Word"),
        ("完成 ,", "完成 ,"),  # next to Western punctuation it stays
        (" 前后 ", " 前后 "),  # at the edges it stays: stripping is not tidying
        ("é 中", "é 中"),  # only ASCII letters and digits count as Western
        ("中\u3000文", "中\u3000文"),  # an ideographic space is not a Western one
    ],
)
def test_tidy_takes_out_only_western_spaces_next_to_chinese(typed: str, tidied: str) -> None:
    assert tidy(typed) == tidied
