"""Short names a document declares for its units: "区发展和改革委员会（以下简称区发改委）".

The document says whom its short name means, so the rest of it is read with the declaration: the bracket is
cut from the text (it is no annotation and no part of a name), and each task naming the short name names the
unit it stands for, which is the name the units file knows.
"""

from __future__ import annotations

import re

from .blocks import Block, Line, Table
from .unitlist import looks_like_unit

_DECLARED = re.compile(
    r"[（(]\s*(?:以下|下文)(?:简称|称)\s*[：:]?\s*[“\"‘]?(?P<short>[^（）()“”\"‘’]{2,20}?)[”\"’]?\s*[）)]"
)
_BEFORE = re.compile(r"[，。；、：:,;（()）\s“”《》]")
_LEADING = re.compile(r"^(?:由|经|会同|联合|请|对|在|和|与|及)")


def declared_aliases(blocks: list[Block]) -> tuple[list[Block], dict[str, str]]:
    """The blocks without the declarations of units' short names, and each short name -> the unit it means."""
    aliases: dict[str, str] = {}

    def cut(text: str) -> str:
        kept, start = "", 0
        for m in _DECLARED.finditer(text):
            full = _LEADING.sub("", _BEFORE.split(text[: m.start()])[-1])
            if not (looks_like_unit(full) and looks_like_unit(m["short"])):
                continue  # "《实施方案》（以下简称《方案》）" names no unit: left as written
            aliases[m["short"]] = full
            kept += text[start : m.start()]
            start = m.end()
        return kept + text[start:]

    out: list[Block] = []
    for b in blocks:
        if isinstance(b, Line):
            out.append(Line(text=cut(b.text), where=b.where, page_start=b.page_start))
        else:
            out.append(Table(rows=[[cut(c) for c in row] for row in b.rows], where=b.where, row_where=b.row_where))
    return out, aliases


def named_as_declared(names: list[str], aliases: dict[str, str]) -> list[str]:
    """Names with each declared short name written as the unit it stands for, once."""
    return list(dict.fromkeys(aliases.get(n, n) for n in names))
