"""The clerk's console, `ledger serve`: a local web page for the whole round, on the library the CLI calls.

`serve_console` starts it on a workspace (127.0.0.1 by default; any other address only with a password set by
`set_console_password`). The pages are in `app`, the actions in `actions`, the processes that run them in
`jobs`, who may use it in `trust`, the board in `board`.
"""

from __future__ import annotations

import threading
import webbrowser
from pathlib import Path

from ..paths import WorkspacePaths
from .trust import set_password

DEFAULT_PORT = 8321


def set_console_password(root: Path, password: str) -> Path:
    """Keep the console's password (salted hash) beside ledger.toml; returns where."""
    path = WorkspacePaths(root).console_password
    set_password(path, password)
    return path


def console_address(host: str, port: int) -> str:
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def serve_console(root: Path, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, open_browser: bool = False) -> None:
    """Run the console until interrupted. Raises ProblemError("console-password-missing") before listening
    beyond loopback without a password."""
    import uvicorn

    from .app import login_needed, make_app

    app = make_app(root, host=host, port=port, need_login=login_needed(root, host))
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(console_address(host, port),)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
