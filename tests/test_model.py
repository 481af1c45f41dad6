from datetime import date

import pytest

from ledger.config import Rhythm
from ledger.deadlines import scheduled_due
from ledger.model import Period


def test_period_parsing_and_arithmetic():
    june = Period.parse("2021-06")
    assert (str(june), june.label, june.last_day) == ("2021-06", "2021年6月", date(2021, 6, 30))
    assert (str(june.previous()), str(Period(2021, 1).previous()), str(Period(2021, 12).next())) == (
        "2021-05",
        "2020-12",
        "2022-01",
    )
    assert scheduled_due(june, Rhythm(due_day=5)) == date(2021, 7, 5)
    assert scheduled_due(Period(2021, 1), Rhythm(due_day=31)) == date(2021, 2, 28)


@pytest.mark.parametrize("text", ["2021-13", "2021/06", "六月", "", "0201-06", "2201-06", "9999-12", "2021-W53"])
def test_bad_period(text):
    with pytest.raises(ValueError, match="2021-06"):
        Period.parse(text)
