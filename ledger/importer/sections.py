"""One document out of a bulletin: from the heading that names it to the next document's title.

The seed files, like the bulletins (公报) offices download, hold many documents one after another. A document
starts at a title line and ends where the next one begins: an issuing organ's "关于印发…的通知", a
"…关于…的通知/意见/决定" title, or a new 附件 heading when the section is itself an attachment.
"""

from __future__ import annotations

import re

from .blocks import Block, Line

_SPACES = re.compile(r"\s+")
_NEXT_DOCUMENT = re.compile(r"关于印发|关于.{2,60}的(?:通知|意见|决定|批复|函|报告)$|^.{2,30}关于$")
_ATTACHMENT = re.compile(r"^附件\s*\d+\s*$|^附件\s*\d+[：:]")
_JOIN = 3  # a heading may be wrapped over this many lines


def _plain(text: str) -> str:
    return _SPACES.sub("", text)


def find_section(blocks: list[Block], heading: str) -> list[Block] | None:
    """The blocks from the first heading containing `heading` to the next document; None when not found."""
    wanted = _plain(heading)
    lines = [(i, b) for i, b in enumerate(blocks) if isinstance(b, Line) and b.text.strip()]
    found: tuple[int, int] | None = None  # (first block, last block) of the heading
    exact: tuple[int, int] | None = None
    for n, (i, _line) in enumerate(lines):
        joined = ""
        first = _plain(lines[n][1].text)
        for last, following in lines[n : n + _JOIN]:
            joined += _plain(following.text)
            if wanted in joined[len(first) :]:
                break  # the heading begins on a later line: it is found from there
            if joined == wanted:  # the heading itself, rather than a mention of it in a list of attachments
                exact = (i, last)
                break
            if wanted in joined and len(joined) <= len(wanted) + 60 and found is None:
                found = (i, last)
                break
        if exact is not None:
            break
    found = exact or found
    if found is None:
        return None
    start, heading_end = found
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
    return blocks[start:end]


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
