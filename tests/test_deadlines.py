from datetime import date

import pytest

from ledger import parse_deadline


@pytest.mark.parametrize(
    ("text", "kind", "start", "due"),
    [
        ("2021 年年底前", "date", None, date(2021, 12, 31)),
        ("2021年底前", "date", None, date(2021, 12, 31)),
        ("2021 年全年", "range", date(2021, 1, 1), date(2021, 12, 31)),
        ("2021 年 4 月底前", "date", None, date(2021, 4, 30)),
        ("2021 年 9月底前", "date", None, date(2021, 9, 30)),
        ("2021 年 11 月 15 日前", "date", None, date(2021, 11, 15)),
        ("2021年6月30日", "date", None, date(2021, 6, 30)),
        ("2021.6", "date", None, date(2021, 6, 30)),
        ("2021-06-30", "date", None, date(2021, 6, 30)),
        ("2021/2", "date", None, date(2021, 2, 28)),
        ("6 月底前", "date", None, date(2021, 6, 30)),
        ("上半年", "range", date(2021, 1, 1), date(2021, 6, 30)),
        ("下半年", "range", date(2021, 7, 1), date(2021, 12, 31)),
        ("第三季度", "range", date(2021, 7, 1), date(2021, 9, 30)),
        ("2022 年第一季度末前", "range", date(2022, 1, 1), date(2022, 3, 31)),
        ("年内", "date", None, date(2021, 12, 31)),
        ("年底前", "date", None, date(2021, 12, 31)),
        ("2021-2025", "range", date(2021, 1, 1), date(2025, 12, 31)),
        ("2021—2023 年", "range", date(2021, 1, 1), date(2023, 12, 31)),
        ("2021 年 10 月—2022 年 3 月", "range", date(2021, 10, 1), date(2022, 3, 31)),
        ("２０２１年１２月底前", "date", None, date(2021, 12, 31)),
        ("2022年", "date", None, date(2022, 12, 31)),
        ("6 月底前完成排查，年底前完成整治", "date", None, date(2021, 12, 31)),
    ],
)
def test_dated_forms(text, kind, start, due):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.raw, parsed.kind, parsed.start, parsed.due) == (text, kind, start, due)


@pytest.mark.parametrize("text", ["长期坚持", "持续推进", "常态化"])
def test_ongoing(text):
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due) == ("ongoing", None)


@pytest.mark.parametrize(("text", "every"), [("每月", "month"), ("每季度", "quarter"), ("每年 12 月", "year")])
def test_recurring(text, every):
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.every, parsed.due) == ("recurring", every, None)


@pytest.mark.parametrize("text", ["尽快", "2021 年 13 月底前", "6 月底前"])
def test_unreadable_text_is_unknown_not_an_exception(text):
    # "6 月底前" without a ledger year cannot be dated.
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.raw, parsed.due) == ("unknown", text, None)


def test_empty_is_none():
    assert parse_deadline("  ").kind == "none"
    assert parse_deadline(None).kind == "none"


def test_working_days_follow_the_chinese_holiday_calendar():
    from ledger.deadlines import add_working_days, is_working_day

    assert not is_working_day(date(2021, 10, 1))  # National Day
    assert is_working_day(date(2021, 9, 26))  # a Sunday worked in exchange
    assert add_working_days(date(2021, 9, 30), 1) == date(2021, 10, 8)
    assert add_working_days(date(2031, 1, 3), 1) == date(2031, 1, 6)  # beyond the calendar: Mon-Fri


def test_deadline_state():
    from ledger.deadlines import deadline_state

    june_end = date(2021, 6, 30)
    state = {
        text: deadline_state(parse_deadline(text, 2021), june_end, 10)
        for text in ("2021 年 4 月底前", "2021 年 6 月底前", "2021 年 7 月 14 日前", "2021 年 7 月 15 日前", "长期坚持")
    }
    assert state == {
        "2021 年 4 月底前": "overdue",
        "2021 年 6 月底前": "soon",
        "2021 年 7 月 14 日前": "soon",
        "2021 年 7 月 15 日前": None,
        "长期坚持": None,
    }
