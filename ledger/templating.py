"""The templates an office edits (templates/ in its workspace, falling back to the packaged defaults)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .cells import printable
from .workspace import DEFAULTS

if TYPE_CHECKING:
    from jinja2 import Template

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".xml")


def is_html(name: str | None) -> bool:
    """Whether a template makes a page: "report.html.j2" as well as "page.htm". Such a template escapes every value
    it is given (text a unit typed is never markup); text templates (mail, 填报说明) keep text as typed."""
    stem = (name or "").lower().removesuffix(".j2").removesuffix(".jinja").removesuffix(".jinja2")
    return stem.endswith(HTML_SUFFIXES)


@functools.lru_cache(maxsize=32)
def template(root: Path, name: str) -> Template:
    """A jinja2 template from the workspace's templates/, falling back to the packaged default."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined  # only the steps that write text need it

    folders = [str(root / "templates"), str(DEFAULTS / "templates")]
    env = Environment(loader=FileSystemLoader(folders), undefined=StrictUndefined, autoescape=is_html)
    return env.get_template(name)


def pieces(root: Path, name: str, **values: object) -> Iterator[str]:
    """What a template writes, a few thousand of its pieces joined at a time (a large page has hundreds of
    thousands: a write each cost more than the joins), with control and bidi characters shown escaped
    (`cells.printable`): ESC or a bidi override a unit typed can neither reorder nor hide what is read on a
    page or in a mail. Escaped on the joined text, not value by value, which doubled the time of a large page."""
    chunks = template(root, name).generate(**values)
    while piece := "".join(itertools.islice(chunks, 4096)):
        yield printable(piece, page=True)


def filled(root: Path, name: str, **values: object) -> str:
    """A template filled in whole (a mail, 填报说明), as `pieces` writes it."""
    return "".join(pieces(root, name, **values))
