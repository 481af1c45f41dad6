from datetime import date

import pytest

from ledger import parse_deadline
from ledger.deadlines import month_before


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
        # 年中: the middle of the year, by the end of June; 前后/左右 (around it) read as its latest day
        ("年中", "date", None, date(2021, 6, 30)),
        ("年中前完成", "date", None, date(2021, 6, 30)),
        ("2022年年中前", "date", None, date(2022, 6, 30)),
        ("2022年中", "date", None, date(2022, 6, 30)),
        ("9月前后", "date", None, date(2021, 9, 30)),
        ("2022年3月左右完成", "date", None, date(2022, 3, 31)),
        ("年中前后", "date", None, date(2021, 6, 30)),
        ("年中前完成排查，9月前后完成整治", "date", None, date(2021, 9, 30)),
        # the year named relative to the ledger's: 次年/明年 the next, 当年/本年/今年 its own
        ("次年1月底前", "date", None, date(2022, 1, 31)),
        ("明年6月底前", "date", None, date(2022, 6, 30)),
        ("次年第一季度", "range", date(2022, 1, 1), date(2022, 3, 31)),
        ("当年完成", "date", None, date(2021, 12, 31)),
        ("本年度内", "date", None, date(2021, 12, 31)),
        ("本年内", "date", None, date(2021, 12, 31)),
        ("第一季度内", "range", date(2021, 1, 1), date(2021, 3, 31)),
        ("6月底前完成初稿，次年3月底前全面完成", "date", None, date(2022, 3, 31)),
        # a five-year plan's span: 十四五 is 2021–2025 whatever the ledger's year
        ("“十四五”期间", "range", date(2021, 1, 1), date(2025, 12, 31)),
        ("十四五时期", "range", date(2021, 1, 1), date(2025, 12, 31)),
        ("十五五期间", "range", date(2026, 1, 1), date(2030, 12, 31)),
        ("“十四五”末", "date", None, date(2025, 12, 31)),
        ("十四五期末前完成", "date", None, date(2025, 12, 31)),
    ],
)
def test_dated_forms(text, kind, start, due):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.raw, parsed.kind, parsed.start, parsed.due) == (text, kind, start, due)


@pytest.mark.parametrize("text", ["长期坚持", "持续推进", "常态化", "长效推进"])
def test_ongoing(text):
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.due) == ("ongoing", None)


@pytest.mark.parametrize(("text", "every"), [("每月", "month"), ("每季度", "quarter"), ("每年 12 月", "year")])
def test_recurring(text, every):
    parsed = parse_deadline(text)
    assert (parsed.kind, parsed.every, parsed.due) == ("recurring", every, None)


@pytest.mark.parametrize("text", ["尽快", "2021 年 13 月底前", "6 月底前", "次年1月底前"])
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


def test_deadline_state_judges_at_the_close_of_the_rounds_last_day():
    """June's returns say what was done by the end of 30 June: "6月底前" not done then has missed its time."""
    from ledger.deadlines import deadline_state

    june_end = date(2021, 6, 30)
    state = {
        text: deadline_state(parse_deadline(text, 2021), june_end, 10)
        for text in ("2021 年 4 月底前", "2021 年 6 月底前", "2021 年 7 月 14 日前", "2021 年 7 月 15 日前", "长期坚持")
    }
    assert state == {
        "2021 年 4 月底前": "overdue",
        "2021 年 6 月底前": "overdue",
        "2021 年 7 月 14 日前": "soon",
        "2021 年 7 月 15 日前": None,
        "长期坚持": None,
    }


@pytest.mark.parametrize(
    ("text", "kind", "start", "due"),
    [
        # A year written in the phrase wins over the ledger's year.
        ("到2025年底前", "date", None, date(2025, 12, 31)),
        ("力争2023年6月底前完成", "date", None, date(2023, 6, 30)),
        ("2022年3月底前启动，6月底前完成", "date", None, date(2022, 6, 30)),
        ("巩固2020年成果，6月底前完成", "date", None, date(2021, 6, 30)),
        ("6月上旬", "date", None, date(2021, 6, 10)),
        ("2022年2月中旬前", "date", None, date(2022, 2, 20)),
        ("2月下旬", "date", None, date(2021, 2, 28)),
        ("2021年5月1日起", "ongoing", date(2021, 5, 1), None),
        ("自2021年5月1日起实施", "ongoing", date(2021, 5, 1), None),
        # "…起" starts on the first day of the month, ten days or year written, not on its last.
        ("2022年起", "ongoing", date(2022, 1, 1), None),
        ("6月起", "ongoing", date(2021, 6, 1), None),
        ("2022年7月起", "ongoing", date(2022, 7, 1), None),
        ("6月中旬起", "ongoing", date(2021, 6, 11), None),
        ("2021年下半年起", "ongoing", date(2021, 7, 1), None),
        ("6月底起", "ongoing", date(2021, 6, 30), None),
        # A verb after the time does not change it, whatever form the time has.
        ("2021年上半年完成", "range", date(2021, 1, 1), date(2021, 6, 30)),
        ("2021年三季度末完成", "range", date(2021, 7, 1), date(2021, 9, 30)),
        ("全年完成", "range", date(2021, 1, 1), date(2021, 12, 31)),
        ("2023年底前建成", "date", None, date(2023, 12, 31)),
        ("6月-9月", "range", date(2021, 6, 1), date(2021, 9, 30)),
        ("2022年-2023年6月", "range", date(2022, 1, 1), date(2023, 6, 30)),
        ("9月15日-25日", "range", date(2021, 9, 15), date(2021, 9, 25)),
        ("2021年9月15日至25日", "range", date(2021, 9, 15), date(2021, 9, 25)),
        ("2021年3月至6月底", "range", date(2021, 3, 1), date(2021, 6, 30)),
        ("即日起至6月底", "range", None, date(2021, 6, 30)),
        ("二〇二一年十二月底前", "date", None, date(2021, 12, 31)),
        ("二〇二二年三月二十日前", "date", None, date(2022, 3, 20)),
        ("十月底前", "date", None, date(2021, 10, 31)),
        ("2021年度", "range", date(2021, 1, 1), date(2021, 12, 31)),
        ("2021—2022年度", "range", date(2021, 1, 1), date(2022, 12, 31)),
        ("6-9月", "range", date(2021, 6, 1), date(2021, 9, 30)),
        ("全年持续推进", "range", date(2021, 1, 1), date(2021, 12, 31)),
    ],
)
def test_forms_of_real_documents(text, kind, start, due):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.raw, parsed.kind, parsed.start, parsed.due) == (text, kind, start, due)


@pytest.mark.parametrize("text", ["即日起", "長期堅持", "持續推進", "持续实施", "持续抓好"])
def test_ongoing_forms(text):
    assert parse_deadline(text, year=2021).kind == "ongoing"


@pytest.mark.parametrize(
    ("text", "said"),
    [("2021年6月前", True), ("6月份前完成", True), ("2021年6月底前", False), ("2021年9月前后", False), ("6月", False)],
)
def test_a_month_written_before_without_its_end_is_told_apart(text, said):
    """ "6月前" may mean before 1 June; "6月底前" and "9月前后" (around September) say what they mean."""
    assert month_before(parse_deadline(text, year=2021)) is said


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("每个季度第1个月的20日前", "quarter"),
        ("每季度末月20日前", "quarter"),
        ("每月25日前", "month"),
        ("每週五", "week"),
    ],
)
def test_recurring_forms(text, every):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.kind, parsed.every, parsed.due) == ("recurring", every, None)


@pytest.mark.parametrize("text", ["9月25日-15日", "尽快完成", "适时", "2021年2月30日前"])
def test_never_a_silent_wrong_date(text):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.kind, parsed.due) == ("unknown", None)


@pytest.mark.parametrize(
    "text",
    ["20210630", "30/06/2021", "06/30/2021", "30.06.2021", "30-6-2021"],
)
def test_a_day_as_a_system_or_an_english_excel_writes_it_is_read(text):
    """A unit's English-language Excel writes 30/06/2021 (or 06/30/2021), a system export 20210630: typed into a
    date cell, these were named date-as-text with nothing to suggest."""
    assert (parse_deadline(text, year=2021).kind, parse_deadline(text, year=2021).due) == ("date", date(2021, 6, 30))


@pytest.mark.parametrize(
    ("text", "due"), [("6.30前", date(2021, 6, 30)), ("12.31", date(2021, 12, 31)), ("9/15之前", date(2021, 9, 15))]
)
def test_a_short_day_a_clerk_writes_month_first_is_read(text, due):
    """ "6.30前" in a task list's 完成时限 column was 未能识别, the task then without a deadline."""
    assert (parse_deadline(text, year=2021).kind, parse_deadline(text, year=2021).due) == ("date", due)


@pytest.mark.parametrize("text", ["06/07/2021", "20211331", "32/06/2021", "12345678", "30.6前", "6.31"])
def test_a_day_whose_order_or_digits_cannot_be_told_is_not_guessed(text):
    """06/07/2021 is 6 July in one program and 7 June in another."""
    assert (parse_deadline(text, year=2021).kind, parse_deadline(text, year=2021).due) == ("unknown", None)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        # a fixed holiday: the day before it
        ("国庆前", date(2021, 9, 30)),
        ("国庆节前", date(2021, 9, 30)),
        ("确保“国庆”前完成", date(2021, 9, 30)),
        ("五一前", date(2021, 4, 30)),
        ("五一劳动节前", date(2021, 4, 30)),
        ("劳动节之前", date(2021, 4, 30)),
        # 元旦 in a year's list: the one that closes it (the one opening it is before any of its work)
        ("元旦前", date(2021, 12, 31)),
        ("2022年元旦前", date(2021, 12, 31)),
        # a lunar holiday: the day before its first day off, as the national holiday calendar gives it
        ("端午节前", date(2021, 6, 11)),
        ("中秋前", date(2021, 9, 18)),
        ("2021年中秋前", date(2021, 9, 18)),  # not 年中 (30 June) followed by 秋
        ("2022年春节前", date(2022, 1, 30)),
        ("明年春节前完成", date(2022, 1, 30)),
        ("国庆节前完成主体工程，年底前完工", date(2021, 12, 31)),
        # 清明 is a solar term, on 4 or 5 April: computed for any year
        ("清明节前", date(2021, 4, 3)),
        ("2040年清明前", date(2040, 4, 3)),
        ("2022年春节前完成清欠", date(2022, 1, 30)),
        ("6月底前完成防汛物资储备", date(2021, 6, 30)),  # 防汛 names a thing, no season
        # 十一 is 国庆 as offices write it; 十一月 is November
        ("十一前", date(2021, 9, 30)),
        ("确保“十一”前完成", date(2021, 9, 30)),
        ("十一长假前", date(2021, 9, 30)),
        ("2022年十一前", date(2022, 9, 30)),
        ("十一月前", date(2021, 11, 30)),
        ("十一月底前完成", date(2021, 11, 30)),
        # two holidays before one 前: due before the first of them (中秋 on 21 September 2021, off from the 19th)
        ("中秋国庆前", date(2021, 9, 18)),
        ("国庆中秋前", date(2021, 9, 18)),
        ("中秋、国庆前", date(2021, 9, 18)),
        ("“中秋”“国庆”前", date(2021, 9, 18)),
        ("中秋国庆双节前完成安全检查", date(2021, 9, 18)),
        ("中秋节和国庆节前", date(2021, 9, 18)),
        ("2023年中秋国庆前", date(2023, 9, 28)),  # 中秋 on 29 September, the days off run into 国庆's
        ("2025年中秋国庆双节前", date(2025, 9, 30)),  # 中秋 on 6 October, inside 国庆's days off
        ("2022年元旦春节前", date(2021, 12, 31)),
    ],
)
def test_a_holiday_written_as_the_deadline_is_the_day_before_it(text, due):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.kind, parsed.due) == ("date", due)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("春节前", "deadline-festival-year"),  # 2021's (12 February) or 2022's: the words do not say
        ("确保春节前发放到位", "deadline-festival-year"),
        ("汛期前", "deadline-season"),  # regional: when the flood season begins is the province's to say
        ("入汛前完成", "deadline-season"),
        ("主汛期前", "deadline-season"),
        ("2035年端午节前", "deadline-holiday-beyond"),  # the national calendar has no 2035 days off yet
        ("国庆节后", "deadline-unparsed"),
        ("尽快", "deadline-unparsed"),
        ("2210年清明前", "deadline-unparsed"),  # a slip of the year, beyond the solar terms computed
        # the latest time a sentence names cannot be known when one of them has no day
        ("6月底前完成排查，汛期前完成整改", "deadline-season"),
        ("春节前完成摸底，6月底前完成整治", "deadline-festival-year"),
        # "年中" in 中小学, 中期: no mid-year
        ("2021年中小学校舍改造完成", "deadline-unparsed"),
        ("力争2021年中期评估", "deadline-unparsed"),
        ("第十一节前", "deadline-unparsed"),  # before the eleventh section, no 国庆
        # a holiday the words do not name, or a time around one: no day to go by
        ("双节前", "deadline-holiday-which"),  # 中秋 and 国庆, or 元旦 and 春节
        ("确保“双节”前完成", "deadline-holiday-which"),
        ("两节前", "deadline-holiday-which"),
        ("年前", "deadline-holiday-which"),  # before 元旦, or before 春节
        ("确保年前完成", "deadline-holiday-which"),
        ("节前", "deadline-holiday-which"),
        ("确保节前完成", "deadline-holiday-which"),
        ("6月底前完成排查，双节前完成整改", "deadline-holiday-which"),
        ("国庆节前后", "deadline-holiday-around"),
        ("十一前后完成", "deadline-holiday-around"),
        ("6月底前完成排查，国庆前后完成整改", "deadline-holiday-around"),
        ("元旦春节前", "deadline-festival-year"),  # 2021's 元旦 and 春节, or the next
        ("春节期间", "deadline-festival-year"),
        ("确保春节期间市场供应", "deadline-festival-year"),
        ("6月底前完成排查，春节期间开展巡查", "deadline-festival-year"),
        ("2035年国庆期间", "deadline-holiday-beyond"),  # its days off are not published yet
        ("中秋国庆前完成排查，春节前完成整改", "deadline-festival-year"),
    ],
)
def test_a_holiday_or_season_that_cannot_be_dated_is_said_by_name(text, code):
    from ledger.deadlines import unread

    parsed = parse_deadline(text, year=2021)
    assert (parsed.kind, parsed.due) == ("unknown", None)
    assert unread(parsed, 2021)[0] == code


@pytest.mark.parametrize(
    ("text", "due"),
    [
        # A year written before 年中, a quarter or a half-year holds for the times after it in the sentence.
        ("2022年年中前完成排查，年底前完成整治", date(2022, 12, 31)),
        ("2022年第一季度完成排查，年底前完成整治", date(2022, 12, 31)),
        ("2023年上半年完成排查，下半年完成整治", date(2023, 12, 31)),
        ("上半年完成排查，三季度末完成整治", date(2021, 9, 30)),
        ("上半年前完成排查，年底前完成整治", date(2021, 12, 31)),  # 上半年前 is no 年前
        ("2022年春节前完成摸底，年底前完成整治", date(2022, 12, 31)),
        # 2022's 元旦 is due 2021年12月31日, and the 整治 after the 排查: 2022's 年底, not the same day as 元旦前
        ("2022年元旦前完成排查，年底前完成整治", date(2022, 12, 31)),
        ("2022年元旦前完成排查，6月底前完成整治", date(2022, 6, 30)),
    ],
)
def test_a_sentence_keeps_the_year_written_for_the_times_after_it(text, due):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.kind, parsed.due) == ("date", due)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        # The time the work is to be done by is the latest; 全年, 年内 and a year alone are times too, not only
        # months: "6月底前启动，年内完成" was due in June, red half a year early.
        ("6月底前启动，年内完成", date(2021, 12, 31)),
        ("一季度启动，全年完成", date(2021, 12, 31)),
        ("上半年完成50%，年内全部完成", date(2021, 12, 31)),
        ("6月启动，2025年完成", date(2025, 12, 31)),
        ("6月启动，2025年底前全面完成", date(2025, 12, 31)),
        # a year named for something else is no time
        ("对照2035年远景目标，年底前完成", date(2021, 12, 31)),
    ],
)
def test_a_sentence_is_due_by_its_latest_time_whatever_form_it_has(text, due):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.kind, parsed.due) == ("date", due)


@pytest.mark.parametrize(
    ("text", "start", "due"),
    [
        # during a holiday: its days off, as the national holiday calendar gives them, due by the last
        ("国庆期间", date(2021, 10, 1), date(2021, 10, 7)),
        ("“十一”假期期间", date(2021, 10, 1), date(2021, 10, 7)),
        ("五一期间", date(2021, 5, 1), date(2021, 5, 5)),
        ("2022年春节期间", date(2022, 1, 31), date(2022, 2, 6)),
        ("元旦期间", date(2022, 1, 1), date(2022, 1, 3)),  # the 元旦 closing the ledger's year, as 元旦前
        ("2023年元旦期间", date(2022, 12, 31), date(2023, 1, 2)),  # its days off began on the last day of 2022
    ],
)
def test_a_holiday_written_as_a_time_during_it_is_its_days_off(text, start, due):
    parsed = parse_deadline(text, year=2021)
    assert (parsed.kind, parsed.start, parsed.due) == ("range", start, due)
