"""Mail goes to a real SMTP server on 127.0.0.1 (aiosmtpd), replies come from a real IMAP server (dovecot)."""

import email
import email.policy
import hashlib
import json
import re
import socket
import subprocess
import time
from datetime import datetime, timedelta
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.mail import (
    INTERRUPTED,
    MailError,
    attachment,
    deliver,
    imap_mailbox,
    read_send_log,
    reminder_messages,
    workbook_messages,
)
from ledger.merge import merge_period
from ledger.model import Period
from ledger.outbox import read_manifest
from ledger.paths import WorkspacePaths
from ledger.records import append_record, read_records

from .conftest import copy_example, fill_return, render, require_binary
from .test_returns import run as run_cli

JUNE = Period(2021, 6)
BEIJING = ZoneInfo("Asia/Shanghai")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what it receives and can refuse, for a while or for good."""

    def __init__(self):
        self.messages = []
        self.temporary_failures = {}  # recipient -> how many times to answer 451
        self.refuse = set()  # recipients answered 550
        self.after_data = ""  # "drop": close the connection once DATA is in; "421": answer it with 421

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if self.temporary_failures.get(address, 0) > 0:
            self.temporary_failures[address] -= 1
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        if self.after_data == "drop":
            server.transport.abort()  # the message is in, the answer never comes
        if self.after_data == "421":
            return "421 4.3.0 service shutting down"
        return "250 Message accepted"


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.password == b"s3cret-pass"
    return AuthResult(success=ok, handled=False)  # a wrong password answered 535, as servers do


@pytest.fixture
def smtp():
    handler = Inbox()
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def ws_root(tmp_path, smtp):
    _, port = smtp
    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nfrom = "office@example.cn"\n'
            'user = "office"\nper_minute = 6000\n'
        )
    render(load_workspace(root), JUNE)
    return root


def june_outbox(ws):
    return read_manifest(ws.paths, JUNE)


def attachment_of(message):
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_payload(decode=True)


def test_send_every_unit_its_workbook_once(ws_root, smtp, monkeypatch):
    handler, _ = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    ws = load_workspace(ws_root)
    messages, no_email = workbook_messages(ws, june_outbox(ws))
    result = deliver(ws, JUNE, messages, send=True)
    manifest = json.loads((ws_root / "build/2021-06/outbox/manifest.json").read_text(encoding="utf-8"))
    expected = {f["unit"]: f for f in manifest["files"] if ws.units[f["unit"]].emails}
    assert sorted(no_email) == sorted(f["unit"] for f in manifest["files"] if not ws.units[f["unit"]].emails)
    assert no_email  # the example has units without an address: they are listed, not skipped silently
    assert len(handler.messages) == len(expected) == len(result.sent)
    for sender, recipients, message in handler.messages:
        unit = next(u for u in expected if f"（{u}）" in message["Subject"])
        assert sender == "office@example.cn"
        assert recipients == ws.units[unit].emails
        assert "2021年重点任务工作台账6月" in message["Subject"] and "2021年7月5日" in message.get_body().get_content()
        name, data = attachment_of(message)
        assert name == f"{unit}-2021年6月进展填报表.xlsx"  # next month's never overwrites it in the downloads
        assert hashlib.sha256(data).hexdigest() == expected[unit]["sha256"]
    log = [json.loads(line) for line in ws.paths.send_log(JUNE).read_text(encoding="utf-8").splitlines()]
    assert sorted(entry["unit"] for entry in log if entry["state"] == "sent") == sorted(expected)
    assert [entry["state"] for entry in log] == ["sending", "sent"] * len(expected)  # before and after each
    again = deliver(ws, JUNE, workbook_messages(ws, june_outbox(ws))[0], send=True)
    assert (len(again.sent), len(again.skipped), len(handler.messages)) == (0, len(expected), len(expected))
    for path in ws_root.rglob("*"):
        if path.is_file():
            assert b"s3cret-pass" not in path.read_bytes(), path  # the password is never written anywhere


def test_temporary_failures_are_retried_and_permanent_ones_reported(ws_root, smtp, monkeypatch):
    handler, _ = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    ws = load_workspace(ws_root)
    messages = workbook_messages(ws, june_outbox(ws), ["钢城区财政局", "钢城区税务局"])[0]
    handler.temporary_failures["czj@gangcheng.example.cn"] = 2
    handler.refuse.add("swju@gangcheng.example.cn")
    waits = []
    result = deliver(ws, JUNE, messages, send=True, sleep=waits.append)
    assert [o.unit for o in result.sent] == ["钢城区财政局"]
    assert [o.unit for o, _ in result.failed] == ["钢城区税务局"]
    assert waits == [1.0, 2.0]  # backed off twice before the third try went through
    log = read_send_log(ws.paths.send_log(JUNE))
    assert log.sent == {result.sent[0].key} and log.uncertain == {}  # a failed one is sent again next run
    assert ("钢城区税务局", "failed") in states_in_log(ws)


def test_rate_limit_spaces_the_messages(ws_root, smtp, monkeypatch):
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    text = (ws_root / "ledger.toml").read_text(encoding="utf-8").replace("per_minute = 6000", "per_minute = 60")
    (ws_root / "ledger.toml").write_text(text, encoding="utf-8")
    ws = load_workspace(ws_root)
    waits = []
    deliver(
        ws,
        JUNE,
        workbook_messages(ws, june_outbox(ws), ["钢城区财政局", "钢城区税务局", "钢城区司法局"])[0],
        send=True,
        sleep=waits.append,
    )
    assert len(waits) == 2 and all(0.9 < w <= 1.0 for w in waits)


def test_missing_password_is_refused_before_anything_is_sent(ws_root, smtp, monkeypatch):
    from ledger.mail import MailError

    monkeypatch.delenv("LEDGER_SMTP_PASSWORD", raising=False)
    ws = load_workspace(ws_root)
    with pytest.raises(MailError, match="LEDGER_SMTP_PASSWORD"):
        deliver(ws, JUNE, workbook_messages(ws, june_outbox(ws))[0], send=True)
    assert smtp[0].messages == []


def test_dry_run_writes_eml_files_for_review(ws_root, smtp):
    ws = load_workspace(ws_root)
    result = deliver(ws, JUNE, workbook_messages(ws, june_outbox(ws), ["钢城区财政局"])[0], send=False)
    [path] = result.written
    raw = path.read_bytes()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name = "钢城区财政局-2021年6月进展填报表.xlsx"
    assert attachment_of(message)[0] == name
    assert f"filename*=utf-8''{quote(name)}".encode() in raw  # RFC 2231
    assert f'filename="{Header(name, "utf-8").encode(maxlinelen=10_000)}"'.encode() in raw  # RFC 2047
    assert message["From"].addresses[0].display_name == "钢城区生态环境委员会办公室"
    assert message["From"].addresses[0].addr_spec == "office@example.cn"
    assert message["Subject"] == "【请于7月5日前报送】钢城区2021年重点任务工作台账6月进展填报表（钢城区财政局）"
    body = message.get_body().get_content()
    steps = [line.strip() for line in body.splitlines() if re.match(r"\s*[123]．", line)]
    assert len(steps) == 3 and all(len(step) <= 40 for step in steps)  # what to do, in three short lines
    assert "盖章页扫描件" in body and not re.search(r"[\u4e00-\u9fff] [0-9]|[0-9] [\u4e00-\u9fff]", body)
    assert smtp[0].messages == [] and not ws.paths.send_log(JUNE).exists()


def test_reminders_go_to_missing_units_and_to_returns_with_errors(ws_root, smtp, monkeypatch, tmp_path):
    handler, _ = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    ws = load_workspace(ws_root)
    outbox = ws_root / "build/2021-06/outbox"
    good = fill_return(
        outbox / "钢城区财政局.xlsx", tmp_path / "a.xlsx", {"DQ-34": {"完成状态": "序时推进", "本月进展": "推进中"}}
    )
    wrong = fill_return(
        outbox / "钢城区税务局.xlsx", tmp_path / "b.xlsx", {"FGF-13": {"完成状态": "差不多", "本月进展": "x"}}
    )
    collect_returns(WorkspacePaths(ws_root), JUNE, [good, wrong])
    messages, _ = reminder_messages(ws, june_outbox(ws), merge_period(ws, JUNE))
    units = {o.unit for o in messages}
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    expected_missing = {f["unit"] for f in manifest["files"] if ws.units[f["unit"]].emails} - {
        "钢城区财政局",
        "钢城区税务局",
    }
    assert units == expected_missing | {"钢城区税务局"}
    deliver(ws, JUNE, messages, send=True)
    by_unit = {next(u for u in units if f"（{u}）" in m["Subject"]): m for _, _, m in handler.messages}
    correction = by_unit["钢城区税务局"]
    assert "更正" in correction["Subject"]
    body = correction.get_body().get_content()
    assert "差不多" in body and "G3" in body and "请从下拉列表中选择完成状态" in body
    chase = by_unit["钢城区司法局"]
    assert "催报" in chase["Subject"] and attachment_of(chase)[0] == "钢城区司法局-2021年6月进展填报表.xlsx"
    assert (
        deliver(ws, JUNE, reminder_messages(ws, june_outbox(ws), merge_period(ws, JUNE))[0], send=True).sent == []
    )  # not twice


def test_mail_numbers_its_steps_as_offices_do_without_western_spaces(ws_root, tmp_path):
    """ "1．在白底列填写…", as the 通报 numbers: not "1. 在…", a Western space before Chinese."""
    import re

    ws = load_workspace(ws_root)
    wrong = fill_return(
        ws_root / "build/2021-06/outbox/钢城区税务局.xlsx", tmp_path / "b.xlsx", {"FGF-13": {"完成状态": "差不多"}}
    )
    collect_returns(WorkspacePaths(ws_root), JUNE, [wrong])
    sent = workbook_messages(ws, june_outbox(ws))[0] + reminder_messages(ws, june_outbox(ws), merge_period(ws, JUNE))[0]
    bodies = {o.body for o in sent}
    assert any("1．在白底列填写" in b for b in bodies) and any("1．“牵头任务”" in b for b in bodies)
    assert [b for b in bodies if re.search(r"[^\x00-\x7f] [^ ]|[^ ] [^\x00-\x7f\u3000]", b)] == []
    assert [b for b in bodies if "\n\n\n" in b] == []  # one blank line between paragraphs, as a letter


def test_a_return_sent_back_is_reminded_with_its_reason_and_its_own_file(ws_root, smtp, monkeypatch, tmp_path):
    handler, _ = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    ws = load_workspace(ws_root)
    outbox = ws_root / "build/2021-06/outbox"
    answer = {"DQ-34": {"完成状态": "序时推进", "本月进展": "推进中"}}
    typed = fill_return(outbox / "钢城区财政局.xlsx", tmp_path / "财政局.xlsx", answer)
    first = datetime(2021, 7, 2, 10, tzinfo=BEIJING)
    [stored] = collect_returns(WorkspacePaths(ws_root), JUNE, [typed], received=first).stored
    why = "“推进中”过于简略，请写明采购数量和资金到位情况"
    rejected = run_cli("returns", "reject", "-w", ws_root, "-p", "2021-06", stored.file, "--why", why)
    assert rejected.exit_code == 0, rejected.output

    messages, _ = reminder_messages(ws, june_outbox(ws), merge_period(ws, JUNE))
    [back] = [m for m in messages if m.unit == "钢城区财政局"]
    deliver(ws, JUNE, [back], send=True)
    [(_, recipients, message)] = handler.messages
    assert recipients == ws.units["钢城区财政局"].emails
    assert "【退回重报】" in message["Subject"]
    body = message.get_body().get_content()
    assert why in body and "尚未收到" not in body
    name, data = attachment_of(message)
    assert name == "钢城区财政局-2021年6月进展填报表（退回修改）.xlsx"
    assert data == (ws.paths.returns(JUNE) / stored.file).read_bytes()  # its own file, not a blank workbook

    # Sent again after the 退回: the unit is no longer reminded.
    answer["DQ-34"]["本月进展"] = "已采购新能源车12辆，资金到位80%"
    again = fill_return(outbox / "钢城区财政局.xlsx", tmp_path / "财政局2.xlsx", answer)
    collect_returns(WorkspacePaths(ws_root), JUNE, [again], received=first + timedelta(days=1))
    later, _ = reminder_messages(ws, june_outbox(ws), merge_period(ws, JUNE))
    assert "钢城区财政局" not in {m.unit for m in later}


def self_signed(tmp_path):
    """A certificate for 127.0.0.1, made with openssl for the test servers."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    command = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"]
    subprocess.run([require_binary("openssl"), *command, "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    return cert, key


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_encrypted_connections(tmp_path, security):
    import ssl

    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    handler, port = Inbox(), free_port()
    if security == "starttls":
        controller = Controller(handler, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    else:
        controller = Controller(handler, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        root = copy_example(tmp_path / "ws")
        with open(root / "ledger.toml", "a", encoding="utf-8") as config:
            config.write(
                f'\n[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\nverify_tls = false\n'
                'from = "office@example.cn"\nper_minute = 6000\n'
            )
        ws = load_workspace(root)
        render(ws, JUNE, ["钢城区财政局"])
        result = deliver(ws, JUNE, workbook_messages(ws, june_outbox(ws), ["钢城区财政局"])[0], send=True)
        assert [o.unit for o in result.sent] == ["钢城区财政局"] and len(handler.messages) == 1
    finally:
        controller.stop()


# --- IMAP: a real dovecot on 127.0.0.1


@pytest.fixture
def dovecot():
    import shutil
    import tempfile
    from pathlib import Path

    binary = require_binary("dovecot")
    # pytest's own temporary folders are private to the user; dovecot's processes run as its own users.
    base = Path(tempfile.mkdtemp(prefix="ledger-dovecot-"))
    base.chmod(0o755)
    (base / "run").mkdir(parents=True)
    (base / "mail").mkdir()
    port, ssl_port = free_port(), free_port()
    (base / "passwd").write_text("office:{PLAIN}imap-pass\n", encoding="utf-8")
    self_signed(base)
    config = base / "dovecot.conf"
    import getpass
    import grp
    import os
    import pwd

    if os.getuid() == 0:  # dovecot will not run its login and mail processes as root: use its own users
        user, login_user = "dovecot", "dovenull"
        mail_user = pwd.getpwnam("dovecot")
        uid, gid, group = mail_user.pw_uid, mail_user.pw_gid, grp.getgrgid(mail_user.pw_gid).gr_name
        for folder in (base / "mail", base / "home"):
            folder.mkdir(exist_ok=True)
            os.chown(folder, uid, gid)
    else:
        user = login_user = getpass.getuser()
        uid, gid, group = os.getuid(), os.getgid(), grp.getgrgid(os.getgid()).gr_name
    config.write_text(
        f"""
protocols = imap
listen = 127.0.0.1
base_dir = {base}/run
log_path = {base}/dovecot.log
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:{base}/mail/%u
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login_user}
passdb {{
  driver = passwd-file
  args = {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen([binary, "-F", "-c", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else process.stdout.read().decode()
        pytest.fail(f"dovecot did not start: {log}")
    yield {"none": port, "ssl": ssl_port}
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(base, ignore_errors=True)


@pytest.mark.parametrize("security", ["none", "ssl"])
def test_collect_from_imap_fetches_each_reply_once(tmp_path, dovecot, monkeypatch, security):
    import imaplib

    from ledger.mail import fetch_imap

    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nfrom = "office@example.cn"\n[mail.imap]\nhost = "127.0.0.1"\nport = {dovecot[security]}\n'
            f'security = "{security}"\nverify_tls = false\nuser = "office"\nfolder = "INBOX"\n'
        )
    monkeypatch.setenv("LEDGER_IMAP_PASSWORD", "imap-pass")
    ws = load_workspace(root)
    render(ws, JUNE, ["钢城区财政局", "钢城区税务局"])
    messages = workbook_messages(ws, june_outbox(ws), ["钢城区财政局", "钢城区税务局"])[0]
    client = imaplib.IMAP4("127.0.0.1", dovecot["none"])
    client.login("office", "imap-pass")
    for outgoing in messages:  # the units' replies land in the office's inbox
        reply = outgoing.message(outgoing.recipients[0], __import__("datetime").datetime(2021, 7, 3, 9, 0))
        client.append("INBOX", None, None, reply.as_bytes())
    client.logout()
    first = fetch_imap(ws, JUNE)
    assert sorted(r.original_name for r in first.stored) == [
        "钢城区税务局-2021年6月进展填报表.xlsx",
        "钢城区财政局-2021年6月进展填报表.xlsx",
    ]
    assert {r.sender for r in first.stored} == {"czj@gangcheng.example.cn", "swju@gangcheng.example.cn"}
    second = fetch_imap(ws, JUNE)
    assert second.stored == [] and second.duplicates == []  # flagged as taken: not even fetched again
    stored = root / "source/returns/2021-06" / "钢城区财政局-2021年6月进展填报表.xlsx"
    assert stored.read_bytes() == (root / "build/2021-06/outbox/钢城区财政局.xlsx").read_bytes()


# --- exactly once, or said


def states_in_log(ws):
    return [(r["unit"], r.get("state")) for r in read_records(ws.paths.send_log(JUNE)).records]


@pytest.mark.parametrize("answer", ["drop", "421"])
def test_a_send_whose_outcome_is_unknown_is_said_and_sent_again_only_when_asked(ws_root, smtp, monkeypatch, answer):
    handler, _ = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    handler.after_data = answer
    first = run_cli("mail", "-w", ws_root, "-p", "2021-06", "--unit", "钢城区财政局", "--send")
    assert first.exit_code == 1 and "不确定是否送达：钢城区财政局" in first.output
    assert "ledger mail --period 2021-06 --unit 钢城区财政局 --send --resend" in first.output
    assert len(handler.messages) == 1  # the content went out once and was not retried
    ws = load_workspace(ws_root)
    assert states_in_log(ws) == [("钢城区财政局", "sending"), ("钢城区财政局", "uncertain")]
    handler.after_data = ""
    again = run_cli("mail", "-w", ws_root, "-p", "2021-06", "--unit", "钢城区财政局", "--send")
    assert again.exit_code == 1 and "不确定是否送达：钢城区财政局" in again.output
    assert len(handler.messages) == 1  # not re-sent by itself
    resent = run_cli("mail", "-w", ws_root, "-p", "2021-06", "--unit", "钢城区财政局", "--send", "--resend")
    assert resent.exit_code == 0 and "已发送1封" in resent.output, resent.output
    assert len(handler.messages) == 2
    after = run_cli("mail", "-w", ws_root, "-p", "2021-06", "--unit", "钢城区财政局", "--send")
    assert after.exit_code == 0 and "此前已发送而跳过1封" in after.output and len(handler.messages) == 2


def test_a_send_cut_off_between_its_two_records_is_not_sent_again(ws_root, smtp, monkeypatch):
    handler, _ = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    ws = load_workspace(ws_root)
    [outgoing] = workbook_messages(ws, june_outbox(ws), ["钢城区财政局"])[0]
    # what a process killed after "sending" leaves behind
    append_record(
        ws.paths.send_log(JUNE), {"key": outgoing.key, "unit": outgoing.unit, "state": "sending", "attempt": "x"}
    )
    result = deliver(ws, JUNE, [outgoing], send=True)
    assert result.sent == [] and [(o.unit, why) for o, why in result.unsure] == [("钢城区财政局", INTERRUPTED)]
    assert handler.messages == []


def test_nothing_is_sent_when_the_send_log_cannot_be_written(ws_root, smtp, monkeypatch):
    handler, _ = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    ws = load_workspace(ws_root)
    ws.paths.send_log(JUNE).mkdir(parents=True)  # in the log's place: no record can be appended (even by root)
    result = deliver(ws, JUNE, workbook_messages(ws, june_outbox(ws))[0], send=True)
    assert result.sent == [] and result.stopped and handler.messages == []
    assert "发送记录" in result.stopped


def test_imap_flags_a_message_only_once_its_files_are_stored_and_lists_what_it_took_nothing_from(
    tmp_path, dovecot, monkeypatch
):
    import imaplib
    from datetime import datetime, timedelta, timezone
    from email.message import EmailMessage

    from ledger.mail import fetch_imap

    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nfrom = "office@example.cn"\n[mail.imap]\nhost = "127.0.0.1"\nport = {dovecot["none"]}\n'
            'security = "none"\nuser = "office"\nfolder = "INBOX"\n'
        )
    monkeypatch.setenv("LEDGER_IMAP_PASSWORD", "imap-pass")
    ws = load_workspace(root)
    render(ws, JUNE, ["钢城区财政局"])
    [outgoing] = workbook_messages(ws, june_outbox(ws), ["钢城区财政局"])[0]
    beijing = timezone(timedelta(hours=8))
    nested = outgoing.message("czj@gangcheng.example.cn", datetime(2021, 7, 1, 9, 0, tzinfo=beijing))
    workbook = nested.get_payload().pop()  # the workbook moves inside a multipart/alternative, name and all
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("见附件", "plain", "utf-8"))
    alternative.attach(workbook)
    nested.attach(alternative)
    text_only = EmailMessage()
    text_only["From"], text_only["Subject"] = "czj@gangcheng.example.cn", "收到"
    text_only.set_content("收到，马上报送。")
    client = imaplib.IMAP4("127.0.0.1", dovecot["none"])
    client.login("office", "imap-pass")
    arrived = datetime(2021, 7, 4, 10, 0, tzinfo=beijing)  # the server's INTERNALDATE, not the Date of the 1st
    client.append("INBOX", None, imaplib.Time2Internaldate(arrived), nested.as_bytes())
    client.append("INBOX", None, imaplib.Time2Internaldate(arrived), bytes(text_only))
    client.logout()
    first = fetch_imap(ws, JUNE)
    [receipt] = first.stored
    assert receipt.original_name == "钢城区财政局-2021年6月进展填报表.xlsx"
    assert (receipt.received_at, receipt.received_how) == ("2021-07-04T10:00:00+08:00", "server")
    assert sorted(p.code for p in first.notes) == ["mail-nothing-taken", "received-date-differs"]
    second = fetch_imap(ws, JUNE)  # the text-only reply was left unflagged: listed again, the other not fetched
    assert second.stored == [] and [p.code for p in second.notes] == ["mail-nothing-taken"]


def test_imap_folder_names_are_modified_utf7_as_rfc_3501_spells_them():
    assert imap_mailbox("~peter/mail/台北/日本語") == '"~peter/mail/&U,BTFw-/&ZeVnLIqe-"'  # RFC 3501 5.1.3
    assert imap_mailbox("回复") == '"&Vt5ZDQ-"'
    assert imap_mailbox('A&B "x"') == '"A&-B \\"x\\""'


def test_replies_in_a_chinese_folder_with_a_long_chinese_attachment_name_are_collected(tmp_path, dovecot, monkeypatch):
    import imaplib
    from datetime import datetime
    from email.message import EmailMessage

    from ledger.mail import fetch_imap
    from ledger.paths import MAX_NAME_BYTES

    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nfrom = "office@example.cn"\n[mail.imap]\nhost = "127.0.0.1"\nport = {dovecot["none"]}\n'
            'security = "none"\nuser = "office"\nfolder = "回复"\n'
        )
    monkeypatch.setenv("LEDGER_IMAP_PASSWORD", "imap-pass")
    ws = load_workspace(root)
    with pytest.raises(MailError, match="没有文件夹“回复”"):
        fetch_imap(ws, JUNE)
    long_name = "钢城区财政局关于" + "重点任务推进情况" * 11 + "的报告.xlsx"
    assert len(long_name) >= 86 and len(long_name.encode()) > 255
    reply = EmailMessage()
    reply["From"], reply["To"], reply["Subject"] = "czj@gangcheng.example.cn", "office@example.cn", "回复"
    reply["Date"] = "Sat, 03 Jul 2021 09:00:00 +0800"
    reply.set_content("见附件")
    reply.add_attachment(b"PK\x03\x04long", maintype="application", subtype="octet-stream", filename=long_name)
    client = imaplib.IMAP4("127.0.0.1", dovecot["none"])
    client.login("office", "imap-pass")
    assert client.create('"&Vt5ZDQ-"')[0] == "OK"  # the folder a Chinese mail client makes for 回复
    arrived = imaplib.Time2Internaldate(datetime(2021, 7, 3, 9, 0).timestamp())
    client.append('"&Vt5ZDQ-"', None, arrived, reply.as_bytes())
    client.logout()
    result = fetch_imap(ws, JUNE)
    assert [r.original_name for r in result.stored] == [long_name]
    stored = root / "source/returns/2021-06" / result.stored[0].file
    assert stored.read_bytes() == b"PK\x03\x04long" and len(stored.name.encode()) <= MAX_NAME_BYTES
    assert stored.name.startswith("钢城区财政局关于重点任务") and stored.name.endswith(".xlsx")


def imap_workspace(tmp_path, port: int, monkeypatch, password: str = "imap-pass"):
    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nfrom = "office@example.cn"\n[mail.imap]\nhost = "127.0.0.1"\nport = {port}\n'
            'security = "none"\nuser = "office"\n'
        )
    monkeypatch.setenv("LEDGER_IMAP_PASSWORD", password)
    return root


def test_a_mail_server_that_does_not_answer_is_said_in_the_office_s_words(tmp_path, monkeypatch):
    """`ledger collect --imap` with the server down said "收取邮件失败：[Errno 111] Connection refused"."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    root = imap_workspace(tmp_path, port, monkeypatch)
    result = run_cli("collect", "-w", root, "-p", "2021-06", "--imap")
    assert result.exit_code == 1
    assert f"无法连接收信服务器127.0.0.1:{port}" in result.output
    assert "Errno" not in result.output and "refused" not in result.output


def test_a_wrong_mail_password_is_said_in_the_office_s_words(tmp_path, dovecot, monkeypatch):
    """A wrong password said "收取邮件失败：b'[AUTHENTICATIONFAILED] Authentication failed.'"."""
    root = imap_workspace(tmp_path, dovecot["none"], monkeypatch, password="wrong")
    result = run_cli("collect", "-w", root, "-p", "2021-06", "--imap")
    assert result.exit_code == 1
    assert "登录收信邮箱失败" in result.output and "b'" not in result.output


ENGLISH = re.compile(r"[A-Za-z]{4,}")  # a word of the system's or the server's, outside what is quoted


def said_outside_the_server_s_answer(reason: str) -> str:
    return re.sub(r"（服务器答复：[^）]*）", "", reason)


def test_a_refused_recipient_is_said_in_the_office_s_words(ws_root, smtp, monkeypatch):
    """A refused address was printed as "{'swju@…': (550, b'5.1.1 mailbox unavailable')}"."""
    handler, port = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    handler.refuse.add("swju@gangcheng.example.cn")
    result = run_cli("mail", "-w", ws_root, "-p", "2021-06", "--unit", "钢城区税务局", "--send")
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if line.startswith("发送失败")]
    reason = line.split("）：", 1)[1]
    assert reason.startswith(f"收件地址swju@gangcheng.example.cn被发信服务器127.0.0.1:{port}拒收")
    assert "（服务器答复：550 5.1.1 mailbox unavailable）" in reason and "b'" not in reason
    assert not ENGLISH.search(said_outside_the_server_s_answer(reason).replace("swju@gangcheng.example.cn", ""))
    ws = load_workspace(ws_root)
    [failed] = [r for r in read_records(ws.paths.send_log(JUNE)).records if r["state"] == "failed"]
    assert failed["reason"] == reason  # the log keeps what the clerk was told


def test_a_wrong_smtp_password_is_said_in_the_office_s_words(ws_root, smtp, monkeypatch):
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "wrong")
    ws = load_workspace(ws_root)
    result = deliver(ws, JUNE, workbook_messages(ws, june_outbox(ws), ["钢城区财政局"])[0], send=True)
    [(_, reason)] = result.failed
    assert reason == (
        "登录发信邮箱失败，请核对 [mail] 的 user 和环境变量中的发信密码（有的邮箱要用授权码）"
        "（服务器答复：535 5.7.8 Authentication credentials invalid）"
    )


def test_a_send_to_a_server_that_does_not_answer_is_said_in_the_office_s_words(ws_root, monkeypatch):
    """ "[Errno 111] Connection refused" for every unit."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    text = (ws_root / "ledger.toml").read_text(encoding="utf-8")
    (ws_root / "ledger.toml").write_text(re.sub(r"port = \d+", f"port = {port}", text), encoding="utf-8")
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    ws = load_workspace(ws_root)
    messages = workbook_messages(ws, june_outbox(ws), ["钢城区财政局"])[0]
    result = deliver(ws, JUNE, messages, send=True, sleep=lambda _: None)
    assert [reason for _, reason in result.failed] == [
        f"无法连接发信服务器127.0.0.1:{port}（对方拒绝连接），请核对 [mail] 的 host、port 和 security"
    ]


def test_a_send_whose_answer_never_came_says_why_in_the_office_s_words(ws_root, smtp, monkeypatch):
    handler, port = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "s3cret-pass")
    handler.after_data = "421"
    ws = load_workspace(ws_root)
    result = deliver(ws, JUNE, workbook_messages(ws, june_outbox(ws), ["钢城区财政局"])[0], send=True)
    [(_, reason)] = result.uncertain
    assert reason == (
        f"邮件内容已交给发信服务器，但没有收到确认：发信服务器127.0.0.1:{port}暂时不能接收"
        "（服务器答复：421 4.3.0 service shutting down）"
    )


@pytest.mark.parametrize("fault", ["password", "server"])
def test_a_fault_every_message_would_meet_stops_the_run_after_the_first(ws_root, smtp, monkeypatch, fault):
    """A wrong password or a server that cannot be reached was tried for every unit, each with its retries: the
    clerk waited minutes (with a firewall's silence, 30 seconds a try), and a server that locks a mailbox after
    failed logins got one per unit. The first such failure stops the run, and the rest are said not sent."""
    _, port = smtp
    monkeypatch.setenv("LEDGER_SMTP_PASSWORD", "wrong" if fault == "password" else "s3cret-pass")
    if fault == "server":
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            port = closed.getsockname()[1]
        text = (ws_root / "ledger.toml").read_text(encoding="utf-8")
        (ws_root / "ledger.toml").write_text(re.sub(r"port = \d+", f"port = {port}", text), encoding="utf-8")
    ws = load_workspace(ws_root)
    messages = workbook_messages(ws, june_outbox(ws), ["钢城区财政局", "钢城区税务局", "钢城区司法局"])[0]
    waits = []
    result = deliver(ws, JUNE, messages, send=True, sleep=waits.append)
    [(first, _)] = result.failed
    assert result.sent == [] and first.unit == messages[0].unit
    assert result.stopped == "以上问题每封邮件都会遇到，其余2封未发送；处理后重新运行即可，已发送的不会重发"
    assert len(waits) == (0 if fault == "password" else 3)  # a refused connection is tried again, a password not
    assert [unit for unit, state in states_in_log(ws) if state == "failed"] == [first.unit]


def test_a_message_beyond_the_size_cap_is_left_on_the_server_unfetched_and_named(tmp_path, dovecot, monkeypatch):
    """Every message was fetched whole into memory, whatever its size: one of gigabytes (a unit's scanned
    archive, or a hostile one) could exhaust the office PC. The size is asked first; a message beyond [limits]
    max_mail_mb is not fetched, but named with its sender, subject and size and left unflagged, so the clerk can
    save it by hand or raise the cap; the other messages are taken as usual."""
    import imaplib
    import os
    from datetime import datetime, timedelta, timezone

    from ledger.mail import fetch_imap

    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nfrom = "office@example.cn"\n[mail.imap]\nhost = "127.0.0.1"\nport = {dovecot["none"]}\n'
            'security = "none"\nuser = "office"\nfolder = "INBOX"\n[limits]\nmax_mail_mb = 1\n'
        )
    monkeypatch.setenv("LEDGER_IMAP_PASSWORD", "imap-pass")
    ws = load_workspace(root)
    assert ws.config.limits.max_mail_mb == 1
    render(ws, JUNE, ["钢城区财政局", "莱芜区水务局"])
    messages = {m.unit: m for m in workbook_messages(ws, june_outbox(ws), ["钢城区财政局", "莱芜区水务局"])[0]}
    beijing = timezone(timedelta(hours=8))
    small = messages["钢城区财政局"].message("czj@gangcheng.example.cn", datetime(2021, 7, 1, 9, 0, tzinfo=beijing))
    large = messages["莱芜区水务局"].message("slj@laiwu.example.cn", datetime(2021, 7, 1, 9, 0, tzinfo=beijing))
    del large["Subject"]
    large["Subject"] = "水务局6月报送（含扫描件）"
    large.attach(attachment(os.urandom(1_200_000), "扫描件.pdf"))
    client = imaplib.IMAP4("127.0.0.1", dovecot["none"])
    client.login("office", "imap-pass")
    for message in (small, large):
        client.append(
            "INBOX", None, imaplib.Time2Internaldate(datetime(2021, 7, 4, 10, 0, tzinfo=beijing)), bytes(message)
        )
    client.logout()
    first = fetch_imap(ws, JUNE)
    assert [r.original_name for r in first.stored] == ["钢城区财政局-2021年6月进展填报表.xlsx"]
    [note] = [p for p in first.notes if p.code == "mail-too-large"]
    assert "slj@laiwu.example.cn" in note.message and "水务局6月报送（含扫描件）" in note.message
    assert re.search(r"1\.\dMB", note.message) and "max_mail_mb" in note.message
    second = fetch_imap(ws, JUNE)  # left unflagged: named again
    assert second.stored == [] and [p.code for p in second.notes] == ["mail-too-large"]
    (root / "ledger.toml").write_text(
        (root / "ledger.toml").read_text(encoding="utf-8").replace("max_mail_mb = 1", "max_mail_mb = 5"),
        encoding="utf-8",
    )
    third = fetch_imap(load_workspace(root), JUNE)  # the cap raised: taken as any other
    assert [r.original_name for r in third.stored] == ["莱芜区水务局-2021年6月进展填报表.xlsx", "扫描件.pdf"]
