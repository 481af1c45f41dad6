"""The clerk's console, `ledger serve`: a local web page for the whole round, on the library the CLI calls.

`serve_console` starts it on a workspace (127.0.0.1 by default; any other address only with a password set by
`set_console_password`). The pages are in `app`, the actions in `actions`, the processes that run them in
`jobs`, who may use it in `trust`, the board in `board`.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..paths import WorkspacePaths
from ..problems import ProblemError
from .trust import WILDCARDS, own_names, set_password, url_host

DEFAULT_PORT = 8321


def set_console_password(root: Path, password: str) -> Path:
    """Keep the console's password (salted hash) beside ledger.toml; returns where."""
    path = WorkspacePaths(root).console_password
    set_password(path, password)
    return path


def console_address(host: str, port: int) -> str:
    """The address to open on this machine: for a wildcard host, loopback (0.0.0.0 is no address to open)."""
    return f"http://{url_host(WILDCARDS.get(host, host))}:{port}/"


def console_addresses(host: str, port: int) -> list[str]:
    """Every address the console can be opened at: this machine's first, then, for a wildcard host, the names
    and addresses colleagues type (the console answers to these Host names only)."""
    others = [f"http://{url_host(name)}:{port}/" for name in own_names(host)] if host in WILDCARDS else []
    return [console_address(host, port), *others]


def port_taken(host: str, port: int) -> bool:
    """Whether a program listens on `port` already: a console started twice, or another ledger's console."""
    try:
        family, kind, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except OSError:
        return False  # a name that does not resolve: the server says so itself
    with socket.socket(family, kind) as probe:
        if os.name != "nt":  # as the server binds; on Windows this option would let it share a port in use
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE or getattr(exc, "winerror", None) == 10048
    return False


def serve_console(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    ready: Callable[[], None] | None = None,
) -> None:
    """Run the console until interrupted; `ready` is called once it is sure to start. Raises ProblemError before
    listening beyond loopback without a password ("console-password-missing"), and when the port is taken
    ("console-port-in-use"), which would open the browser onto whatever console holds it."""
    import uvicorn

    from .app import login_needed, make_app

    app = make_app(root, host=host, port=port, need_login=login_needed(root, host))
    if port_taken(host, port):
        raise ProblemError("console-port-in-use", port=port, next=port + 1)
    if ready:
        ready()
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(console_address(host, port),)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning")
