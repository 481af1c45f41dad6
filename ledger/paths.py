"""Every path of a workspace, in one place: inputs under source/, everything derived under build/.

Commands never join folder names by hand; they ask `WorkspacePaths`, so that moving a file is one change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .cells import HIDDEN
from .config import CONFIG_NAME
from .model import Period

RECEIPTS = "receipts.jsonl"
CORRECTIONS = "corrections.jsonl"
RECORDS = (RECEIPTS, CORRECTIONS)  # the tool's own records in a returns folder, never a return
MANIFEST = "manifest.json"
# What a file name may not hold, and the names Windows gives to devices, whatever the extension or case ("CON.xlsx"
# cannot be opened there); compiled (by `re`, once) when a file is first named, not at every command's start.
UNSAFE_CHARACTERS = r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f]'
DEVICE_NAMES = r"(?i)(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)\s*(\..*)?"
MAX_NAME = 120  # characters, for people
MAX_NAME_BYTES = 200  # UTF-8 bytes, for file systems: ext4 allows 255, and " (2)" may still be added


def safe_filename(name: str) -> str:
    """A file name that stays inside its folder on Windows and Linux: no folders, no reserved characters, nothing
    invisible (a bidi override shows "gpj.exe" for "exe.jpg"), no device name, none of the tool's records in any
    case (Windows' names ignore it: "RECEIPTS.JSONL" is receipts.jsonl), not hidden, at most MAX_NAME
    characters and MAX_NAME_BYTES bytes (86 Chinese characters are 258) with its extension kept."""
    name = HIDDEN.sub("", re.split(r"[\\/]", name or "")[-1])
    name = re.sub(UNSAFE_CHARACTERS, "_", name).strip(" .") or "未命名文件"
    if name.lower() in RECORDS or name.startswith("~$") or re.fullmatch(DEVICE_NAMES, name):
        name = "_" + name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    suffix = suffix[:10]
    room = MAX_NAME_BYTES - len(suffix.encode()) - 1
    stem = stem[: MAX_NAME - len(suffix) - 1].encode()[:room].decode(errors="ignore").rstrip(" .") or "未命名文件"
    return f"{stem}.{suffix}" if suffix else stem


def undecodable(name: str) -> bool:
    """Whether a name the file system gave holds bytes that are no UTF-8 (on Linux, a folder unpacked from a
    Chinese Windows zip holds GBK names, which Python gives as surrogates): such a name cannot be written in a
    receipt, a record or on a terminal."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


@dataclass(frozen=True)
class WorkspacePaths:
    """Where each input and each derived file of a workspace lives."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def lock(self) -> Path:
        """Held by the one command that writes in the workspace; beside it, who holds it (`lock_info`)."""
        return self.root / ".ledger.lock"

    @property
    def lock_info(self) -> Path:
        return self.root / ".ledger.lock.json"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    # --- inputs (source/): never derivable, never deleted by the tool

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def returns_folder(self) -> Path:
        return self.source / "returns"

    def returns(self, period: Period) -> Path:
        """Stored returns of a period, byte for byte, with their receipts."""
        return self.returns_folder / str(period)

    def receipts(self, period: Period) -> Path:
        return self.returns(period) / RECEIPTS

    def corrections(self, period: Period) -> Path:
        """The office's corrections to stored returns (withdrawn, received time, unit), appended, never rewritten."""
        return self.returns(period) / CORRECTIONS

    @property
    def send_logs(self) -> Path:
        return self.source / "mail"

    def send_log(self, period: Period) -> Path:
        """What was sent: not derivable, so it lives with the inputs (deleting build/ never sends again)."""
        return self.send_logs / f"{period}.jsonl"

    @property
    def sent_folder(self) -> Path:
        return self.source / "sent"

    def sent(self, period: Period) -> Path:
        """Every task as render sent it in the round, and which unit got which row: not derivable, appended."""
        return self.sent_folder / f"{period}.jsonl"

    @property
    def round_changes(self) -> Path:
        """The office's changes to rounds (a due date moved for a holiday week), appended with when and why."""
        return self.source / "rounds.jsonl"

    @property
    def task_changes(self) -> Path:
        """The office's changes to tasks (延期, 销号, 暂缓, 取消, 调整牵头单位), each from a round on: appended."""
        return self.source / "task-changes.jsonl"

    @property
    def senders(self) -> Path:
        """Addresses the office confirmed as a unit's (`ledger returns accept --remember`): not derivable."""
        return self.source / "senders.jsonl"

    @property
    def unit_changes(self) -> Path:
        """Units renamed and merged (机构改革), each from a round on, with the rows they replaced: appended."""
        return self.source / "unit-changes.jsonl"

    @property
    def console_log(self) -> Path:
        """Every action the console took, with when and for whom: not derivable, appended."""
        return self.source / "console.jsonl"

    @property
    def console_password(self) -> Path:
        """The console's password as a salted hash (`ledger serve --set-password`); never the password itself."""
        return self.root / ".ledger-console.json"

    @property
    def bulletin_numbers(self) -> Path:
        """The 发文字号 given to each period's bulletin: not derivable, so a rebuild keeps every number."""
        return self.source / "bulletins.json"

    # --- derived (build/): delete it and run again to rebuild it byte for byte

    @property
    def build(self) -> Path:
        return self.root / "build"

    def period(self, period: Period) -> Path:
        return self.build / str(period)

    def outbox(self, period: Period) -> Path:
        return self.period(period) / "outbox"

    def manifest(self, period: Period) -> Path:
        return self.outbox(period) / MANIFEST

    def workbook(self, period: Period, unit: str) -> Path:
        return self.outbox(period) / f"{safe_filename(unit)}.xlsx"

    def mail_drafts(self, period: Period) -> Path:
        """Dry-run messages (.eml) for review."""
        return self.period(period) / "mail"

    def merged_xlsx(self, period: Period) -> Path:
        return self.period(period) / "merged.xlsx"

    def problems_xlsx(self, period: Period) -> Path:
        return self.period(period) / "problems.xlsx"

    def merged_json(self, period: Period) -> Path:
        return self.period(period) / "merged.json"

    def report(self, period: Period) -> Path:
        return self.period(period) / "report"

    @property
    def console_work(self) -> Path:
        """The console's jobs (request, progress, outcome) and the files uploaded for them."""
        return self.build / "console"

    @property
    def cache(self) -> Path:
        return self.build / "cache"

    def round_cache(self, period: Period, key: str) -> Path:
        """The ledger's state after a round (history carried round to round)."""
        return self.cache / "rounds" / f"{period}-{key}.json"

    def round_record(self, period: Period, key: str) -> Path:
        """A round's own record, small, beside its state: the year's view reads every round's without the state."""
        return self.cache / "rounds" / f"{period}-{key}.record.json"

    def merge_cache(self, period: Period, key: str) -> Path:
        """An earlier period's merge result, keyed by what it was computed from."""
        return self.cache / "merge" / f"{period}-{key}.json"
