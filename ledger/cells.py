"""The text of a spreadsheet cell, one definition for every reader (source tables and returned workbooks), text
as Chinese offices write it, and text cleaned at the edges: task IDs in their one form, text safe on a terminal."""

from __future__ import annotations

import functools
import re
import unicodedata
from datetime import date, datetime, time, timedelta

# East Asian wide and full-width ranges: these characters take two columns on screen.
# Also the symbols Chinese fonts (宋体, 仿宋) set full width though Unicode leaves them "ambiguous": quotes “”,
# dashes ——, …, ‰, ℃, Ⅰ, arrows, ①, box drawing, ■▲, ★, and the private-use characters offices use for rare
# characters in names.
_WIDE_RANGES = (
    "\u1100-\u115f\u2010-\u2027\u2030-\u203e\u2100-\u21ff\u2460-\u26ff\u2e80-\u303e\u3041-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\ue000-\ufaff\ufe30-\ufe4f\uff00-\uff60"
    "\uffe0-\uffe6\U00020000-\U0003fffd"
)


@functools.cache
def _narrow_runs() -> re.Pattern[str]:
    """Compiled on first need: the wide ranges take about 3 ms to compile, and a clerk's `ledger status` measures
    no text."""
    return re.compile(f"[^{_WIDE_RANGES}]+")


def display_width(text: str) -> int:
    """Columns a text takes on screen: CJK and full-width characters count double.

    Counted from the runs of narrow characters, which are few in Chinese text: a match per wide character cost
    the master ledger and the report seconds on a large ledger."""
    if text.isascii():
        return len(text)
    return 2 * len(text) - sum(map(len, _narrow_runs().findall(text)))


# Western spaces typed in a run, found plainly: whether one is stray is decided by its neighbours (`_stray`). A
# pattern with the CJK classes in look-arounds said the same but took longer to compile (about 5 ms, in every
# command that tidies a text) than a command spends tidying.
_SPACE_RUN = re.compile(r"[ \t]+")


# What steers a terminal or reorders text on it: C0 controls but tab and newline, DEL, C1 controls (CSI, OSC …),
# and the bidirectional marks, embeddings, overrides and isolates.
_STEERING = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNPRINTABLE = re.compile(f"[\r{_STEERING}]")
# The same on a page or in a mail, where a carriage return (a line break typed on Windows arrives as "\r\n") is
# white space, not a cursor sent back over the line.
UNSEEN = re.compile(f"[{_STEERING}]")
# Characters that show nothing yet change text: soft hyphens, zero-width characters, the byte-order mark, the
# bidirectional marks, embeddings, overrides and isolates ("gpj.exe" shown reversed).
HIDDEN = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# What a task ID may carry unseen: those, every kind of space and every control character.
INVISIBLE = re.compile(f"{HIDDEN.pattern}|[\\s\x00-\x1f\x7f-\x9f]")
DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-"))


def text_of(value: object) -> str:
    """A cell value as the text a person sees in it, exactly (no stripping): numbers without a spurious '.0' (and
    beyond fifteen digits as 1E+308), dates as ISO, booleans as 是/否, nothing as ''."""
    if type(value) is str:  # by far the most common case, so tested first
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        # a number holds 15 significant digits: beyond them, the form a spreadsheet shows (1E+308), not the
        # digits the conversion to an integer would invent
        return str(int(value)) if abs(value) < 1e15 else f"{value:.15G}"
    if isinstance(value, float):  # at most the 15 significant digits a spreadsheet keeps (0.1+0.2 shows 0.3)
        text = repr(value)
        return f"{value:.15G}" if "e" not in text and len(text.strip("-0.").replace(".", "")) > 15 else text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, timedelta):  # a duration ("36:00" typed): hours as a spreadsheet shows them, not "1 day, …"
        sign, seconds = "-" if value < timedelta() else "", round(abs(value.total_seconds()))
        hours, minutes, seconds = seconds // 3600, seconds // 60 % 60, seconds % 60
        return f"{sign}{hours}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")
    return str(value)


MAX_CELL_TEXT = 32767  # UTF-16 units: Excel's limit for a cell


def too_long(text: str) -> bool:
    """Whether a text is beyond Excel's limit for a cell, 32,767 UTF-16 units (a character above U+FFFF takes
    two): what an .ods, a .csv or another program's .xlsx may hold, and no Excel cell can."""
    return len(text) > MAX_CELL_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) // 2 > MAX_CELL_TEXT


def tidy(text: str) -> str:
    """Text as Chinese offices write it: no Western spaces next to Chinese characters ("2021 年 6 月底前" →
    "2021年6月底前", "共 2 项" → "共2项"); a space between two numbers or two Latin words stays."""
    if " " not in text and "\t" not in text:  # nothing to take out
        return text
    return _SPACE_RUN.sub(_stray, text)


def _stray(found: re.Match[str]) -> str:
    """A run of spaces taken out when it stands between Chinese and Chinese, a Chinese character and an ASCII
    letter or digit, or the other way round; kept otherwise."""
    text, start, end = found.string, found.start(), found.end()
    if start == 0 or end == len(text):
        return found.group()
    before, after = text[start - 1], text[end]
    if (_chinese(before) and (_chinese(after) or _western(after))) or (_western(before) and _chinese(after)):
        return ""
    return found.group()


def _chinese(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef"


def _western(char: str) -> bool:
    return char.isascii() and char.isalnum()


def quoted(text: str, limit: int = 60) -> str:
    """A text as a message or a summary quotes it: whole up to `limit` characters, else its start and "…" (the
    whole stays where it is: a unit's typing in the merge, a task in its list)."""
    return text if len(text) <= limit else text[:limit] + "…"


def printable(text: str, *, page: bool = False) -> str:
    """Text safe to print on a terminal (or, with `page`, on a page or in a mail): what would move the cursor,
    retitle the window, hide or reorder text (ESC, OSC, CSI, bidi overrides …) is shown escaped (\\x1b, \\u202e),
    so the clerk sees something was there."""
    return (UNSEEN if page else UNPRINTABLE).sub(_escaped, text)


def _escaped(found: re.Match[str]) -> str:
    return ascii(found.group())[1:-1]


def task_id_of(text: str) -> str:
    """A task ID as typed anywhere (source table, a return's 任务编号 column, metadata) in its one form: NFKC
    (full-width ＤＱ－５９ → DQ-59), every dash a hyphen, nothing invisible (zero-width space, BOM, NBSP, any
    space), upper case. So "ＤＱ－５９", "dq-59" and "DQ-\\u200b59" are the same task."""
    if text.isascii() and text.isprintable() and " " not in text:  # the common case, decided in C
        return text.upper()
    return INVISIBLE.sub("", unicodedata.normalize("NFKC", text).translate(DASHES)).upper()
