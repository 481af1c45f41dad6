"""One document out of a bulletin: from the heading that names it to the next document's title.

The seed files, like the bulletins (公报) offices download, hold many documents one after another. A document
starts at a title line and ends where the next one begins: an issuing organ's "关于印发…的通知", a
"…关于…的通知/意见/决定" title, or a new 附件 heading when the section is itself an attachment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import Block, Line

_SPACES = re.compile(r"\s+")
_NEXT_DOCUMENT = re.compile(r"关于印发|关于.{2,60}的(?:通知|意见|决定|批复|函|报告)$|^.{2,30}关于$")
_ATTACHMENT = re.compile(r"^附件\s*\d+\s*$|^附件\s*\d+[：:]")
_JOIN = 3  # a heading may be wrapped over this many lines


def _plain(text: str) -> str:
    return _SPACES.sub("", text)


@dataclass(kw_only=True)
class Section:
    blocks: list[Block]
    heading: str  # the heading lines joined: the document's name as printed


def find_section(blocks: list[Block], heading: str) -> Section | None:
    """The blocks from the first heading containing `heading` to the next document; None when not found."""
    wanted = _plain(heading)
    lines = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Line) and b.text.strip()]
    # Every heading that contains the text, scored: the heading itself (3), a title at the top of a page (2),
    # and a mention elsewhere, such as a numbered heading inside another document (1).
    best: tuple[int, int, int] | None = None  # (score, first block, last block)
    for n, (i, line) in enumerate(lines):
        joined = ""
        first = _plain(line.text)
        for last, following in lines[n : n + _JOIN]:
            joined += _plain(following.text)
            if wanted in joined[len(first) :]:
                break  # the heading begins on a later line: it is found from there
            if wanted in joined and len(joined) <= len(wanted) + 60:
                above = lines[n - 1][1] if n else None  # a title's first line, at the top of the page
                top = line.page_start or bool(
                    above and above.page_start and len(above.text) < 40 and not _ATTACHMENT.match(_plain(above.text))
                )
                score = 3 if joined == wanted else 2 if top else 1
                if best is None or score > best[0]:
                    best = (score, lines[n - 1][0] if top and not line.page_start else i, last)
                break
        if best is not None and best[0] == 3:
            break
    if best is None:
        return None
    _, start, heading_end = best
    in_attachment = any(_ATTACHMENT.match(_plain(b.text)) for _, b in lines if start - 6 <= _ < start)
    end = len(blocks)
    for i, line in lines:
        if i <= heading_end:
            continue
        text = _plain(line.text)
        if _NEXT_DOCUMENT.search(text) and (line.page_start or _is_title_start(blocks, i)):
            end = _page_top(blocks, i, heading_end)
            break
        if in_attachment and _ATTACHMENT.match(text):
            end = i
            break
    heading = ""
    for k, line in lines:
        if k >= start and (k <= heading_end or heading.count("《") > heading.count("》")):
            heading += _plain(line.text)
        elif k > heading_end:
            break
    return Section(blocks=blocks[start:end], heading=heading)


def _page_top(blocks: list[Block], i: int, heading_end: int) -> int:
    """A title's issuing organ may stand above it at the top of the page ("莱芜区人力资源和社会保障局")."""
    title = blocks[i]
    if isinstance(title, Line) and title.page_start:
        return i
    for k in range(i - 1, max(heading_end, i - 4), -1):
        block = blocks[k]
        if isinstance(block, Line) and block.page_start:
            return k
    return i


def _is_title_start(blocks: list[Block], i: int) -> bool:
    """A title starts a document: the text before it ended a paragraph or a page, or it follows a page's first line."""
    before = [b for b in blocks[max(0, i - 4) : i] if isinstance(b, Line) and b.text.strip()]
    if any(b.page_start for b in before[-2:]):
        return True
    for block in reversed(blocks[max(0, i - 3) : i]):
        if isinstance(block, Line) and block.text.strip():
            return block.text.rstrip().endswith(("。", "！", "日", "）", "〕")) or len(block.text.strip()) < 12
    return True
