"""The templates an office edits (templates/ in its workspace, falling back to the packaged defaults)."""

from __future__ import annotations

import functools
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


def visible(value: object) -> object:
    """What a template prints: text with its control and bidirectional characters shown escaped ("\\u202e", see
    `cells.printable`), so text a unit typed can neither reorder nor hide what a leader reads on a page or in a
    mail; markup a step built stays markup."""
    if not isinstance(value, str):
        return value
    from markupsafe import Markup  # jinja2's own dependency, loaded with it

    shown = printable(value)
    return Markup(shown) if isinstance(value, Markup) else shown


@functools.lru_cache(maxsize=32)
def template(root: Path, name: str) -> Template:
    """A jinja2 template from the workspace's templates/, falling back to the packaged default."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined  # only the steps that write text need it

    folders = [str(root / "templates"), str(DEFAULTS / "templates")]
    env = Environment(
        loader=FileSystemLoader(folders), undefined=StrictUndefined, autoescape=is_html, finalize=visible
    )
    return env.get_template(name)
