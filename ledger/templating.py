"""The templates an office edits (templates/ in its workspace, falling back to the packaged defaults)."""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from .workspace import DEFAULTS


@functools.lru_cache(maxsize=32)
def template(root: Path, name: str) -> Template:
    """A jinja2 template from the workspace's templates/, falling back to the packaged default."""
    folders = [str(root / "templates"), str(DEFAULTS / "templates")]
    env = Environment(
        loader=FileSystemLoader(folders), undefined=StrictUndefined, autoescape=select_autoescape(["html", "html.j2"])
    )
    return env.get_template(name)
