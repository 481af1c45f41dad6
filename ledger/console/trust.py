"""Who may use the console: the password, sessions, the login rate limit and the checks every request passes.

Any web page the clerk opens can post to 127.0.0.1, so every POST carries the session's CSRF token and an
Origin (or Referer) naming the console itself, and every request a Host naming it (a DNS-rebinding page has
another Host). Listening beyond loopback needs a password, kept as a salted scrypt hash beside ledger.toml,
never the password itself; a login that fails too often from one address waits.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import secrets
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


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


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
    """Sessions kept in the server's memory (a restart signs everyone out), and the failed logins per address."""

    sessions: dict[str, Session] = field(default_factory=dict)
    failures: dict[str, list[float]] = field(default_factory=dict)

    def open(self, user: str) -> str:
        """A new session's token; expired sessions go, and the oldest beyond MAX_SESSIONS (kept in opening order)."""
        now = time.time()
        for token in [t for t, s in self.sessions.items() if s.expires < now]:
            del self.sessions[token]
        while len(self.sessions) >= MAX_SESSIONS:
            del self.sessions[next(iter(self.sessions))]
        token = secrets.token_urlsafe(32)
        self.sessions[token] = Session(user=user, csrf=secrets.token_urlsafe(32), expires=now + SESSION_HOURS * 3600)
        return token

    def get(self, token: str | None) -> Session | None:
        found = self.sessions.get(token or "")
        if found is None or found.expires < time.time():
            self.sessions.pop(token or "", None)
            return None
        return found

    def close(self, token: str | None) -> None:
        self.sessions.pop(token or "", None)

    def wait_before_login(self, address: str) -> int:
        """Seconds this address must wait before trying again (0: it may try now)."""
        now = time.time()
        recent = [t for t in self.failures.get(address, []) if now - t < LOGIN_WINDOW]
        self.failures[address] = recent
        return int(LOGIN_WINDOW - (now - recent[0])) + 1 if len(recent) >= LOGIN_TRIES else 0

    def failed_login(self, address: str) -> None:
        self.failures.setdefault(address, []).append(time.time())


def same_origin(origin: str | None, referer: str | None, host: str) -> bool:
    """A POST comes from the console's own page: its Origin (or, without one, its Referer) names the Host."""
    if origin:
        return origin in (f"http://{host}", f"https://{host}")
    if referer:
        return referer.startswith((f"http://{host}/", f"https://{host}/"))
    return False
