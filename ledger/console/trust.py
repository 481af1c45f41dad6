"""Who may use the console: the password, sessions, the login rate limit and the checks every request passes.

Any web page the clerk opens can post to 127.0.0.1, so every POST carries the session's CSRF token and an
Origin (or Referer) naming the console itself, and every request a Host naming it (a DNS-rebinding page has
another Host). Listening beyond loopback needs a password, kept as a salted scrypt hash beside ledger.toml,
never the password itself; a login that fails too often from one address waits.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..records import write_aside

SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # stdlib scrypt, ~16 MiB and a few hundredths of a second a try
SESSION_HOURS = 12
LOGIN_TRIES = 5  # failed logins from one address within LOGIN_WINDOW seconds, then it waits
LOGIN_WINDOW = 300.0
SESSION_COOKIE = "ledger_session"
MAX_SESSIONS = 100  # beyond it the oldest is dropped: on loopback without a password any page opens one
WILDCARDS = {"0.0.0.0": "127.0.0.1", "::": "::1"}  # listen on every address of the machine; its loopback
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def url_host(host: str) -> str:
    """An address as it stands in a URL and a Host header: an IPv6 one in brackets."""
    return f"[{host}]" if ":" in host else host


def own_names(wildcard: str) -> list[str]:
    """What colleagues may type to reach this machine listening on `wildcard`: its name, what that name resolves
    to (on Windows every address of the PC) and the address its traffic leaves from (a UDP socket's route: no
    packet is sent); IPv4 addresses only for 0.0.0.0, which listens on no IPv6 one."""
    name = socket.gethostname()
    found = [name.lower()]
    with contextlib.suppress(OSError):  # a name that resolves to nothing
        found += [str(info[4][0]).split("%")[0] for info in socket.getaddrinfo(name, None)]
    for family, probe in ((socket.AF_INET, "192.0.2.1"), (socket.AF_INET6, "2001:db8::1")):
        with contextlib.suppress(OSError), socket.socket(family, socket.SOCK_DGRAM) as route:  # OSError: no route
            route.connect((probe, 9))
            found.append(str(route.getsockname()[0]).split("%")[0])
    return [
        n
        for n in dict.fromkeys(found)
        if not is_loopback(n) and n not in WILDCARDS and not (wildcard == "0.0.0.0" and ":" in n)
    ]


def listen_names(host: str) -> list[str]:
    """The names the console answers to when listening on `host`: loopback always, and for a wildcard this
    machine's own (a browser on another PC sends the address it typed, never 0.0.0.0)."""
    own = own_names(host) if host in WILDCARDS else [host.lower()]
    return list(dict.fromkeys([*LOOPBACK_NAMES, *own]))


def _hash(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def set_password(path: Path, password: str) -> None:
    """Keep a salted hash of the password (and the scrypt settings it was made with)."""
    salt = secrets.token_bytes(16)
    record = {"scheme": "scrypt", **SCRYPT, "salt": salt.hex(), "hash": _hash(password, salt, **SCRYPT).hex()}
    write_aside(path, json.dumps(record).encode("utf-8"))


def password_set(path: Path) -> bool:
    return path.is_file()


def check_password(path: Path, password: str) -> bool:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        found = _hash(password, bytes.fromhex(record["salt"]), record["n"], record["r"], record["p"])
        return hmac.compare_digest(found, bytes.fromhex(record["hash"]))
    except (OSError, ValueError, KeyError, TypeError):
        return False


@dataclass(kw_only=True)
class Session:
    user: str
    csrf: str
    expires: float


@dataclass(kw_only=True)
class Sessions:
    """Sessions kept in the server's memory (a restart signs everyone out), and the failed logins per address;
    pages run in worker threads, so each change is made holding `lock`."""

    sessions: dict[str, Session] = field(default_factory=dict)
    failures: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def open(self, user: str) -> str:
        """A new session's token; expired sessions go, and the oldest beyond MAX_SESSIONS (kept in opening order)."""
        now = time.time()
        token = secrets.token_urlsafe(32)
        opened = Session(user=user, csrf=secrets.token_urlsafe(32), expires=now + SESSION_HOURS * 3600)
        with self.lock:
            for old in [t for t, s in self.sessions.items() if s.expires < now]:
                del self.sessions[old]
            while len(self.sessions) >= MAX_SESSIONS:
                del self.sessions[next(iter(self.sessions))]
            self.sessions[token] = opened
        return token

    def get(self, token: str | None) -> Session | None:
        with self.lock:
            found = self.sessions.get(token or "")
            if found is None or found.expires < time.time():
                self.sessions.pop(token or "", None)
                return None
            return found

    def close(self, token: str | None) -> None:
        with self.lock:
            self.sessions.pop(token or "", None)

    def wait_before_login(self, address: str) -> int:
        """Seconds this address must wait before trying again (0: it may try now)."""
        now = time.time()
        with self.lock:
            recent = [t for t in self.failures.get(address, []) if now - t < LOGIN_WINDOW]
            self.failures[address] = recent
        return int(LOGIN_WINDOW - (now - recent[0])) + 1 if len(recent) >= LOGIN_TRIES else 0

    def failed_login(self, address: str) -> None:
        with self.lock:
            self.failures.setdefault(address, []).append(time.time())


def same_origin(origin: str | None, referer: str | None, host: str) -> bool:
    """A POST comes from the console's own page: its Origin (or, without one, its Referer) names the Host."""
    if origin:
        return origin in (f"http://{host}", f"https://{host}")
    if referer:
        return referer.startswith((f"http://{host}/", f"https://{host}/"))
    return False
