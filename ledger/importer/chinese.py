"""Traditional-character documents: matched in simplified form, written back as the document wrote them.

OpenCC converts for matching. Conversion is done character by character where needed so that every simplified
character stands for exactly one original one; the reverse map then restores the document's own text in the
task table (原文 and 具体措施 keep 長期堅持, not 长期坚持).
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable

from .blocks import Block, Line, Table


@functools.lru_cache(maxsize=1)
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def _simplify(text: str) -> str:
    converted: str = _converter().convert(text)  # type: ignore[attr-defined]
    if len(converted) != len(text):  # a phrase changed length: go character by character
        converted = "".join(_converter().convert(c) or c for c in text)  # type: ignore[attr-defined]
    return converted


def simplify_blocks(blocks: list[Block]) -> tuple[list[Block], Callable[[str], str]]:
    """Blocks in simplified characters, and the function that writes a simplified text back as the original."""
    texts = [b.text for b in blocks if isinstance(b, Line)]
    for b in blocks:
        if isinstance(b, Table):
            texts += [c for row in b.rows for c in row]
    sample = "".join(texts)
    if not sample or _simplify(sample) == sample:
        return blocks, _same
    seen: dict[str, Counter[str]] = {}
    out: list[Block] = []

    def convert(text: str) -> str:
        simple = _simplify(text)
        for s, o in zip(simple, text, strict=True):
            seen.setdefault(s, Counter())[o] += 1
        return simple

    for b in blocks:
        if isinstance(b, Line):
            out.append(Line(text=convert(b.text), where=b.where, page_start=b.page_start))
        else:
            out.append(Table(rows=[[convert(c) for c in row] for row in b.rows], where=b.where, row_where=b.row_where))
    reverse = {s: counts.most_common(1)[0][0] for s, counts in seen.items()}

    def restore(text: str) -> str:
        return "".join(reverse.get(c, c) for c in text)

    return out, restore


def _same(text: str) -> str:
    return text
