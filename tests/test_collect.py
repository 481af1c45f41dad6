import json
import mailbox
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from ledger.collect import collect_returns, read_receipts
from ledger.model import Period
from ledger.paths import RECEIPTS, WorkspacePaths, safe_filename

JUNE = Period(2021, 6)


def message(sender: str, attachments: dict[str, bytes], date: str = "Mon, 05 Jul 2021 09:30:00 +0800") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"联络员 <{sender}>"
    msg["To"] = "office@example.cn"
    msg["Subject"] = "报送 6 月进展"
    msg["Date"] = date
    msg["Message-ID"] = f"<{sender}.{len(attachments)}@example.cn>"
    msg.set_content("请查收。")
    for name, data in attachments.items():
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg


def test_files_and_folders_are_stored_byte_for_byte_with_receipts(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "财政局.xlsx").write_bytes(b"PK\x03\x04one")
    (inbox / "sub" / "税务局.xls").write_bytes(b"\xd0\xcf\x11\xe0two")
    (inbox / "~$财政局.xlsx").write_bytes(b"lock file")
    (inbox / "Thumbs.db").write_bytes(b"junk")
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [inbox], now=datetime(2021, 7, 6, tzinfo=UTC))
    folder = tmp_path / "source" / "returns" / "2021-06"
    assert sorted(r.file for r in result.stored) == ["税务局.xls", "财政局.xlsx"]
    assert (folder / "财政局.xlsx").read_bytes() == b"PK\x03\x04one"
    receipts = read_receipts(folder)
    assert {r.origin for r in receipts} == {"file"} and all(len(r.sha256) == 64 for r in receipts)
    assert receipts[0].collected_at == "2021-07-06T08:00:00+08:00"  # the same moment, in the office's zone
    assert len(result.skipped) == 2


def test_the_same_bytes_twice_are_stored_once_and_names_never_overwrite(tmp_path):
    first, second = tmp_path / "a" / "报送.xlsx", tmp_path / "b" / "报送.xlsx"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_bytes(b"PK\x03\x04first")
    second.write_bytes(b"PK\x03\x04second")
    collect_returns(WorkspacePaths(tmp_path), JUNE, [first])
    again = collect_returns(WorkspacePaths(tmp_path), JUNE, [first, second])
    assert again.duplicates == ["报送.xlsx"]
    assert [r.file for r in again.stored] == ["报送 (2).xlsx"]
    folder = tmp_path / "source" / "returns" / "2021-06"
    assert (folder / "报送.xlsx").read_bytes() == b"PK\x03\x04first"
    assert len((folder / RECEIPTS).read_text(encoding="utf-8").splitlines()) == 2


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\evil.xlsx", "evil.xlsx"),
        ("a:b*?.xlsx", "a_b__.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ("", "未命名文件"),
        (RECEIPTS, "_" + RECEIPTS),
        # Windows' file names ignore case: stored as named, the attachment would be the receipts or corrections
        # the tool appends to (forged records: another unit's return withdrawn, a held one accepted)
        ("RECEIPTS.JSONL", "_RECEIPTS.JSONL"),
        ("Corrections.jsonl .", "_Corrections.jsonl"),
        ("x" * 300 + ".xlsx", "x" * 115 + ".xlsx"),
        ("报" * 90 + ".xlsx", "报" * 65 + ".xlsx"),  # 200 bytes in UTF-8, whole characters only
        ("CON.xlsx", "_CON.xlsx"),
        ("nul", "_nul"),
        ("Lpt9.tar.gz", "_Lpt9.tar.gz"),
        ("CONIN$", "_CONIN$"),  # the console's input and output, reserved on Windows as CON is
        ("conout$.xlsx", "_conout$.xlsx"),
        ("aux .txt", "_aux.txt"),
        ("console.xlsx", "console.xlsx"),
        ("财政局\u202exslx.exe", "财政局xslx.exe"),
        ("财政\u200b局\ufeff.xlsx", "财政局.xlsx"),
        ("报送\x9b.xlsx", "报送_.xlsx"),
    ],
)
def test_names_are_sanitised(name, safe):
    assert safe_filename(name) == safe


def test_names_differing_only_in_case_are_stored_apart_as_windows_tells_them(tmp_path):
    """报送.xlsx and 报送.XLSX from two mails were two files on Linux, and one overwrote the other (or the copy
    failed) when the workspace was copied to Windows, whose names ignore case. The second is stored as a second
    file of one name is, in this run or a later one."""
    first, second, third = (tmp_path / f"{n}.eml" for n in ("one", "two", "three"))
    first.write_bytes(bytes(message("czj@example.cn", {"报送.xlsx": b"PK\x03\x04first"})))
    second.write_bytes(bytes(message("slj@example.cn", {"报送.XLSX": b"PK\x03\x04second"})))
    third.write_bytes(bytes(message("swj@example.cn", {"报送.Xlsx": b"PK\x03\x04third"})))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [first, second])
    assert [r.file for r in result.stored] == ["报送.xlsx", "报送 (2).XLSX"]
    later = collect_returns(WorkspacePaths(tmp_path), JUNE, [third])
    assert [r.file for r in later.stored] == ["报送 (3).Xlsx"]
    folder = tmp_path / "source" / "returns" / "2021-06"
    assert len({p.name.casefold() for p in folder.iterdir()}) == len(list(folder.iterdir()))


def test_eml_attachments_with_chinese_names_and_the_sender(tmp_path):
    eml = tmp_path / "reply.eml"
    eml.write_bytes(
        bytes(message("czj@example.cn", {"钢城区财政局 6 月.xlsx": b"PK\x03\x04xlsx", "说明.docx": b"PK\x03\x04doc"}))
    )
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [eml])
    stored = {r.original_name: r for r in result.stored}
    assert set(stored) == {"钢城区财政局 6 月.xlsx", "说明.docx"}
    receipt = stored["钢城区财政局 6 月.xlsx"]
    assert (receipt.origin, receipt.sender, receipt.received_at) == (
        "email",
        "czj@example.cn",
        "2021-07-05T09:30:00+08:00",
    )
    assert (tmp_path / "source/returns/2021-06" / receipt.file).read_bytes() == b"PK\x03\x04xlsx"


def test_mbox_messages_are_all_read(tmp_path):
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    box.add(message("a@example.cn", {"甲.xlsx": b"PK\x03\x04a"}))
    box.add(message("b@example.cn", {"乙.xlsx": b"PK\x03\x04b"}, date="Tue, 06 Jul 2021 10:00:00 +0800"))
    box.flush()
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "inbox.mbox"])
    assert [(r.original_name, r.sender) for r in result.stored] == [
        ("甲.xlsx", "a@example.cn"),
        ("乙.xlsx", "b@example.cn"),
    ]
    lines = (tmp_path / "source/returns/2021-06" / RECEIPTS).read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[1])["subject"] == "报送 6 月进展"


# --- when a mail was received, and what a mail holds


def located(result):
    return sorted((p.file, p.code) for p in result.notes)


def test_a_mail_was_received_when_the_offices_server_says_not_when_its_date_claims(tmp_path):
    msg = message("czj@example.cn", {"财政局.xlsx": b"PK\x03\x04a"}, date="Thu, 01 Jul 2021 09:00:00 +0800")
    # the topmost Received is the office's own server; the one below was written by the sender's
    msg["Received"] = "from mx.example.cn by mail.office.example.cn; Tue, 06 Jul 2021 10:15:00 +0800"
    msg["Received"] = "from pc by mx.example.cn; Thu, 01 Jul 2021 09:00:01 +0800"
    (tmp_path / "reply.eml").write_bytes(bytes(msg))
    result = collect_returns(
        WorkspacePaths(tmp_path), JUNE, [tmp_path / "reply.eml"], now=datetime(2021, 7, 9, tzinfo=UTC)
    )
    [receipt] = result.stored
    assert (receipt.received_at, receipt.received_how) == ("2021-07-06T10:15:00+08:00", "server")
    assert receipt.sent_at == "2021-07-01T09:00:00+08:00"  # kept beside it, flagged: more than a day apart
    assert located(result) == [("财政局.xlsx", "received-date-differs")]
    # the times as offices write them, with no Western space between the day and the hour
    assert "发送时间2021年7月1日9:00与本单位收信服务器的接收时间2021年7月6日10:15" in result.notes[0].message


def test_garbage_and_impossible_dates_never_stop_collect_and_every_message_is_taken_on_its_own(tmp_path):
    box = mailbox.mbox(str(tmp_path / "inbox.mbox"))
    box.add(message("a@example.cn", {"甲.xlsx": b"PK\x03\x04a"}, date="Fri, 31 Dec 9999 23:59:59 -1200"))
    box.add(message("b@example.cn", {"乙.xlsx": b"PK\x03\x04b"}, date="Fri, 01 Jan 2100 09:00:00 +0800"))
    box.add(message("c@example.cn", {"丙.xlsx": b"PK\x03\x04c"}, date="Fri, 01 Jan 2021 09:00:00 +0800"))
    box.add(message("d@example.cn", {"丁.xlsx": b"PK\x03\x04d"}, date="昨天"))
    box.add(message("e@example.cn", {}))  # text only
    box.add(message("f@example.cn", {"戊.xlsx": b"PK\x03\x04f"}))  # good, after the bad ones
    box.flush()
    now = datetime(2021, 7, 9, 8, 0, tzinfo=UTC)
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "inbox.mbox"], now=now)
    received = {r.original_name: (r.received_at, r.received_how, r.claimed_at) for r in result.stored}
    collected = "2021-07-09T16:00:00+08:00"
    assert received == {
        "甲.xlsx": (collected, "collected", ""),  # beyond the calendar: no time at all
        "乙.xlsx": (collected, "collected", "2100-01-01T09:00:00+08:00"),  # in the future
        "丙.xlsx": (collected, "collected", "2021-01-01T09:00:00+08:00"),  # before the round began
        "丁.xlsx": (collected, "collected", ""),
        "戊.xlsx": ("2021-07-05T09:30:00+08:00", "mail", ""),
    }
    assert located(result) == [
        (f"{tmp_path / 'inbox.mbox'}#4", "mail-nothing-taken"),
        ("丙.xlsx", "received-time-implausible"),
        ("乙.xlsx", "received-time-implausible"),
    ]


def test_files_nested_in_multiparts_or_sent_without_a_name_are_found(tmp_path):
    from email.mime.application import MIMEApplication
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    nested = MIMEMultipart("mixed")
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("见附件", "plain", "utf-8"))
    alternative.attach(MIMEApplication(b"PK\x03\x04deep", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    nested.attach(alternative)
    named_in_type = MIMEApplication(b"PK\x03\x04typed", "octet-stream")
    named_in_type.set_param("name", "税务局.xlsx")
    nested.attach(named_in_type)
    nameless = MIMEApplication(b"\x00junk", "octet-stream")
    nameless["Content-Disposition"] = "attachment"
    nested.attach(nameless)
    nested["From"], nested["Date"] = "a@example.cn", "Mon, 05 Jul 2021 09:30:00 +0800"
    (tmp_path / "nested.eml").write_bytes(nested.as_bytes())
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "nested.eml"])
    folder = tmp_path / "source/returns/2021-06"
    assert sorted((r.original_name, (folder / r.file).read_bytes()) for r in result.stored) == [
        ("未命名附件1.xlsx", b"PK\x03\x04deep"),
        ("税务局.xlsx", b"PK\x03\x04typed"),
    ]
    assert result.notes == []  # something was taken: the nameless octet-stream alone is no reason to list it


def test_symbolic_links_are_never_followed_and_are_noted(tmp_path):
    secret = tmp_path / "elsewhere"
    (secret / "deep").mkdir(parents=True)
    (secret / "passwd.xlsx").write_bytes(b"PK\x03\x04secret")
    (secret / "deep" / "more.xlsx").write_bytes(b"PK\x03\x04more")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "财政局.xlsx").write_bytes(b"PK\x03\x04one")
    (inbox / "税务局.xlsx").symlink_to(secret / "passwd.xlsx")
    (inbox / "链接的文件夹").symlink_to(secret, target_is_directory=True)
    given = tmp_path / "直接给出的链接.xlsx"
    given.symlink_to(secret / "passwd.xlsx")
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [inbox, given])
    assert [r.file for r in result.stored] == ["财政局.xlsx"]
    links = [inbox / "税务局.xlsx", inbox / "链接的文件夹", given]
    assert sorted((p.code, p.file) for p in result.notes) == sorted(("collect-symlink", str(p)) for p in links)
    assert "符号链接" in result.notes[0].message
    stored = sorted(p.name for p in (tmp_path / "source" / "returns" / "2021-06").iterdir())
    assert stored == [RECEIPTS, "财政局.xlsx"]


def test_attachment_names_in_raw_gbk_or_utf8_are_read_not_stored_as_mojibake(tmp_path):
    def raw_mail(name: bytes) -> bytes:
        return (
            b"From: czj@example.cn\r\nDate: Mon, 05 Jul 2021 09:30:00 +0800\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
            b'--B\r\nContent-Type: application/octet-stream; name="' + name + b'"\r\n'
            b'Content-Disposition: attachment; filename="' + name + b'"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + __import__("base64").b64encode(name) + b"\r\n--B--\r\n"
        )

    (tmp_path / "gbk.eml").write_bytes(raw_mail("钢城区财政局6月.xlsx".encode("gbk")))
    (tmp_path / "utf8.eml").write_bytes(raw_mail("钢城区税务局6月.xlsx".encode()))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "gbk.eml", tmp_path / "utf8.eml"])
    assert [r.file for r in result.stored] == ["钢城区财政局6月.xlsx", "钢城区税务局6月.xlsx"]


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        # a long GBK name cut into encoded words by bytes, a character split between two: decoded word by word it
        # was "钢城区财��局…", and the repair of raw 8-bit names made it the encoded words' own text
        ('filename="=?GBK?B?{g[:9]}?= =?GBK?B?{g[9:]}?="', "钢城区财政局2021年6月进展填报表.xlsx"),
        # an encoded word without the quotes: the mail's only file was passed over as a file without a name
        ("filename==?UTF-8?B?{u}?=", "钢城区财政局2021年6月进展填报表.xlsx"),
        # RFC 2231, labelled GB2312 but written in GBK (Foxmail and older clients): 喆 is no GB2312 character, and
        # the name was stored as "张��-钢城区财政局…"
        ("filename*=gb2312''{p}", "张喆-钢城区财政局2021年6月进展填报表.xlsx"),
    ],
)
def test_attachment_names_in_encoded_words_as_chinese_mail_clients_write_them(tmp_path, disposition, name):
    import base64

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    g, u = name.encode("gbk"), name.encode()
    header = disposition.replace("{g[:9]}", b64(g[:9])).replace("{g[9:]}", b64(g[9:])).replace("{u}", b64(u))
    header = header.replace("{p}", "".join(f"%{byte:02X}" for byte in g))
    raw = (
        "From: czj@example.cn\r\nDate: Mon, 05 Jul 2021 09:30:00 +0800\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
        f"--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; {header}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nUEsDBHg=\r\n--B--\r\n"
    )
    (tmp_path / "reply.eml").write_bytes(raw.encode())
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "reply.eml"])
    assert [(r.file, r.original_name) for r in result.stored] == [(name, name)]


def test_junk_named_eml_or_mbox_is_a_problem_naming_the_file(tmp_path):
    (tmp_path / "reply.eml").write_bytes(b"\x00\x01binary junk, not a mail at all \xff\xfe")
    (tmp_path / "box.mbox").write_text("这不是邮箱文件\n只是几行文字\n", encoding="utf-8")
    (tmp_path / "good.eml").write_bytes(bytes(message("czj@example.cn", {"财政局.xlsx": b"PK\x03\x04x"})))
    paths = [tmp_path / "reply.eml", tmp_path / "box.mbox", tmp_path / "good.eml"]
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, paths)
    assert [r.file for r in result.stored] == ["财政局.xlsx"]
    assert [(p.code, p.file) for p in result.notes] == [
        ("collect-not-mail", str(tmp_path / "reply.eml")),
        ("collect-not-mail", str(tmp_path / "box.mbox")),
    ]


def test_a_torn_receipt_is_said_and_its_file_gets_a_receipt_on_the_next_collect(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "财政局.xlsx").write_bytes(b"PK\x03\x04one")
    (inbox / "税务局.xlsx").write_bytes(b"PK\x03\x04two")
    where = WorkspacePaths(tmp_path)
    collect_returns(where, JUNE, [inbox / "财政局.xlsx"])
    folder = where.returns(JUNE)
    (folder / "税务局.xlsx").write_bytes(b"PK\x03\x04two")  # stored when the disk filled up …
    with open(folder / RECEIPTS, "ab") as handle:
        handle.write(b'{"file": "\xe7\xa8\x8e')  # … in the middle of its receipt
    (folder / ".税务局.xlsx.4242.tmp").write_bytes(b"PK\x03")  # and a kill left a temporary file
    again = collect_returns(where, JUNE, [inbox])
    assert [(p.file, p.code) for p in again.notes] == [
        ("source/returns/2021-06/receipts.jsonl", "record-torn"),
        ("税务局.xlsx", "collect-receipt-added"),
    ]
    assert sorted(p.name for p in folder.iterdir()) == ["receipts.jsonl", "税务局.xlsx", "财政局.xlsx"]
    assert sorted(r.file for r in read_receipts(folder)) == ["税务局.xlsx", "财政局.xlsx"]
    assert again.duplicates == ["财政局.xlsx"]


def test_an_empty_or_undecodable_attachment_beside_good_ones_is_listed_not_dropped(tmp_path):
    """A unit's mail client attached its workbook while it was still being saved (0 bytes) beside a scan: the
    scan is stored, and the empty workbook is said, so the office asks for it again instead of never knowing."""
    mail = message("czj@example.cn", {"财政局.xlsx": b"", "盖章页.pdf": b"%PDF-1.4 scan"})
    (tmp_path / "reply.eml").write_bytes(bytes(mail))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "reply.eml"])
    assert [r.file for r in result.stored] == ["盖章页.pdf"]
    assert [(p.code, p.file) for p in result.notes] == [("mail-attachment-empty", str(tmp_path / "reply.eml"))]
    assert "财政局.xlsx" in result.notes[0].message


def test_file_names_in_gbk_bytes_from_a_chinese_windows_zip_or_usb_stick_are_read_not_a_traceback(tmp_path):
    """A folder unpacked on Linux from a zip made on Chinese Windows holds names in GBK bytes, which Python gives
    as undecodable surrogates: collect stopped with a traceback and stored nothing. They are read as GB18030."""
    import os

    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    (inbox / "税务局.xlsx").write_bytes(b"PK\x03\x04tax")
    gbk = os.fsdecode(os.fsencode(inbox) + b"/" + "钢城区财政局6月.xlsx".encode("gbk"))
    Path(gbk).write_bytes(b"PK\x03\x04finance")
    mail = os.fsdecode(os.fsencode(inbox) + b"/" + "回复：报送.eml".encode("gbk"))
    Path(mail).write_bytes(bytes(message("czj@example.cn", {"财政局.xlsx": b"PK\x03\x04mailed"})))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [inbox])
    assert sorted((r.file, r.original_name) for r in result.stored) == [
        ("税务局.xlsx", "税务局.xlsx"),
        ("财政局.xlsx", "财政局.xlsx"),
        ("钢城区财政局6月.xlsx", "钢城区财政局6月.xlsx"),
    ]
    assert sorted(r.source_path for r in result.stored) == [
        str(inbox / name) for name in ("回复：报送.eml", "税务局.xlsx", "钢城区财政局6月.xlsx")
    ]
    assert all(r.source_path.isprintable() for r in result.stored)  # no surrogate left for a receipt or a terminal


def test_a_file_that_cannot_be_read_is_noted_and_the_others_are_stored(tmp_path, monkeypatch):
    """On Windows a workbook held open by WPS, or a file moved away while collect ran, raised out of collect with
    a traceback, and the files after it in the folder were never stored."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("a财政局.xlsx", "b税务局.xlsx", "c水务局.eml"):
        (inbox / name).write_bytes(b"PK\x03\x04" + name.encode())
    read_bytes = Path.read_bytes

    def held_open(path):
        if path.name in ("a财政局.xlsx", "c水务局.eml"):
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", held_open)
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [inbox])
    assert [r.file for r in result.stored] == ["b税务局.xlsx"]
    assert [(p.code, p.file) for p in result.notes] == [
        ("collect-file-unreadable", str(inbox / "a财政局.xlsx")),
        ("collect-file-unreadable", str(inbox / "c水务局.eml")),
    ]
    assert "正被其他程序打开" in result.notes[0].message


def packed(files: dict[str, bytes], utf8_names: bool = False) -> bytes:
    """A .zip as Chinese Windows packs it: names in GBK without the UTF-8 flag, unless `utf8_names`."""
    import io
    import zipfile

    class GbkName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):  # what zipfile calls to write a name: GBK bytes, no UTF-8 flag
            return self.filename.encode("gbk"), self.flag_bits

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr((zipfile.ZipInfo if utf8_names else GbkName)(name), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_a_zip_a_unit_packed_its_return_in_is_unpacked_and_its_files_stored_byte_for_byte(tmp_path):
    """Units often pack the workbook and the signed scan into one .zip: it was stored as it came and merged as
    "not a workbook", and nothing typed in the workbook inside was read or listed."""
    inner = packed({"附件/说明.xlsx": b"PK\x03\x04inner"}, utf8_names=True)
    outer = packed(
        {"报送材料/钢城区财政局6月.xlsx": b"PK\x03\x04finance", "报送材料/盖章页.pdf": b"%PDF-1.4", "补充.zip": inner}
    )
    (tmp_path / "reply.eml").write_bytes(bytes(message("czj@example.cn", {"报送材料.zip": outer})))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "reply.eml"])
    folder = tmp_path / "source/returns/2021-06"
    assert sorted((r.file, r.original_name, r.sender, (folder / r.file).read_bytes()) for r in result.stored) == [
        ("盖章页.pdf", "报送材料.zip/报送材料/盖章页.pdf", "czj@example.cn", b"%PDF-1.4"),
        ("说明.xlsx", "报送材料.zip/补充.zip/附件/说明.xlsx", "czj@example.cn", b"PK\x03\x04inner"),
        ("钢城区财政局6月.xlsx", "报送材料.zip/报送材料/钢城区财政局6月.xlsx", "czj@example.cn", b"PK\x03\x04finance"),
    ]
    assert result.notes == []


def test_a_mail_forwarded_as_an_eml_attachment_gives_its_files(tmp_path):
    """A unit whose mail client forwards "as an attachment" (Foxmail, QQ邮箱) sends its reply as an .eml file: it
    was stored as it came and merged as "not a workbook (text file)", the workbook inside never read."""
    forwarded = bytes(message("czj@example.cn", {"钢城区财政局6月.xlsx": b"PK\x03\x04finance", "盖章页.pdf": b"%PDF"}))
    reply = message("ldy@example.cn", {"回复：报送6月进展.eml": forwarded}, date="Tue, 06 Jul 2021 08:00:00 +0800")
    (tmp_path / "reply.eml").write_bytes(bytes(reply))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "reply.eml"])
    assert sorted((r.file, r.original_name, r.sender, r.received_at[:10]) for r in result.stored) == [
        ("盖章页.pdf", "回复：报送6月进展.eml/盖章页.pdf", "ldy@example.cn", "2021-07-06"),
        ("钢城区财政局6月.xlsx", "回复：报送6月进展.eml/钢城区财政局6月.xlsx", "ldy@example.cn", "2021-07-06"),
    ]
    assert result.notes == []
    folder = tmp_path / "source/returns/2021-06"
    assert (folder / "钢城区财政局6月.xlsx").read_bytes() == b"PK\x03\x04finance"


def test_a_picture_in_a_reply_s_body_is_no_file_the_unit_sent(tmp_path):
    """A reply "收到，稍后报送" from Outlook or Foxmail carries its signature's logo as an inline picture: it was
    stored as a scan, and the unit counted as having sent a scan without its workbook (报送有误) instead of not yet
    having reported. A picture the body shows is part of the message; a file attached beside it is taken."""
    from email.mime.image import MIMEImage
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    def reply(attached: dict[str, bytes]) -> bytes:
        body = MIMEMultipart("related")
        body.attach(MIMEText('<p>收到，稍后报送。</p><img src="cid:image001.png@01D7A1B2">', "html", "utf-8"))
        logo = MIMEImage(b"\x89PNG\r\n\x1a\nlogo", "png")
        logo.add_header("Content-ID", "<image001.png@01D7A1B2>")
        logo.add_header("Content-Disposition", "inline", filename="image001.png")
        body.attach(logo)
        mail = MIMEMultipart("mixed")
        mail["From"], mail["Date"], mail["Subject"] = "swju@example.cn", "Mon, 05 Jul 2021 10:00:00 +0800", "回复"
        mail.attach(body)
        for name, data in attached.items():
            part = MIMEImage(data, "jpeg")
            part.add_header("Content-Disposition", "attachment", filename=name)
            mail.attach(part)
        return mail.as_bytes()

    (tmp_path / "ack.eml").write_bytes(reply({}))
    (tmp_path / "photo.eml").write_bytes(reply({"现场照片.jpg": b"\xff\xd8\xffphoto"}))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "ack.eml", tmp_path / "photo.eml"])
    assert [r.file for r in result.stored] == ["现场照片.jpg"]
    assert [(p.code, p.file, p.values["reason"]) for p in result.notes] == [
        ("mail-nothing-taken", str(tmp_path / "ack.eml"), "邮件只有正文（含正文中的1张图片），没有附件")
    ]


def test_a_signed_mail_s_signature_is_no_file_the_unit_sent(tmp_path):
    """A unit that signs its mail (S/MIME, a 数字证书 many offices hold) sends "smime.p7s" beside its workbook: it
    was stored and listed as the unit's 佐证材料."""
    mail = message("czj@example.cn", {"钢城区财政局6月.xlsx": b"PK\x03\x04finance"})
    mail.add_attachment(b"0\x82\x05signature", maintype="application", subtype="pkcs7-signature", filename="smime.p7s")
    (tmp_path / "signed.eml").write_bytes(bytes(mail))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "signed.eml"])
    assert [r.file for r in result.stored] == ["钢城区财政局6月.xlsx"] and result.notes == []


def test_a_workbook_sent_under_a_signature_s_type_is_taken_not_passed_over(tmp_path):
    """A part typed as a signature was passed over whatever its name: a workbook a client (or a sender) typed
    application/pkcs7-signature was dropped without a word, and a mail holding only it said "邮件只有正文，没有附件",
    which was false. Only a part named as a signature is (smime.p7s, .asc, .sig) or without a name is one."""
    mail = message("czj@example.cn", {})
    mail.add_attachment(b"PK\x03\x04finance", maintype="application", subtype="pkcs7-signature", filename="财政局.xlsx")
    (tmp_path / "typed.eml").write_bytes(bytes(mail))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "typed.eml"])
    assert [r.file for r in result.stored] == ["财政局.xlsx"] and result.notes == []


def test_archives_nested_in_archives_unpack_to_at_most_as_many_files_as_one_archive_may_hold(tmp_path):
    """Each archive was capped on its own (100 files, 200 MB), but not the archives inside it: a 40 KB
    attachment of 10 zips of 10 zips of 10 files stored 1,000 files (100 MB) in the round's folder, every one
    kept for good, held in memory at once when it came by mail, and read by every merge; 30 of each are 27,000.
    An attachment unpacks to at most 100 files in all, else it is stored whole, and said; a zip holding a zip of
    the workbook and its scan unpacks as before."""

    def nest(depth: int, path: str) -> bytes:
        if depth == 3:
            return f"{path} ".encode() + bytes(20_000)
        return packed(
            {f"{path}{n}{'.zip' if depth < 2 else '.xlsx'}": nest(depth + 1, f"{path}{n}-") for n in range(5)}
        )

    (tmp_path / "reply.eml").write_bytes(bytes(message("czj@example.cn", {"报送材料.zip": nest(0, "")})))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "reply.eml"])
    assert [r.file for r in result.stored] == ["报送材料.zip"]  # 5 × 5 × 5 = 125 files
    [note] = result.notes
    assert (note.code, note.file) == ("collect-archive-kept", "报送材料.zip")
    assert "100个文件以上（含其中压缩包里的文件）" in note.message


def test_a_mail_of_more_files_than_one_archive_may_hold_is_listed_and_nothing_of_it_is_stored(tmp_path):
    """A message's attachments were taken however many: 500 stored 500 files from one mail, and 500 zips of 100
    files each would be 50,000, all held in memory at once. A message gives at most 100 files in all (its zips'
    files counted), as one archive may hold; one beyond is listed and nothing of it stored (over IMAP it stays
    unflagged), for the clerk to open; a unit's reply of a few files is taken as before."""
    many = {f"附件{n}.pdf": b"%PDF-1.4 " + str(n).encode() for n in range(101)}
    zips = {
        f"第{n}批.zip": packed({f"{n}-{k}.pdf": b"%PDF-1.4 " + f"{n}-{k}".encode() for k in range(40)})
        for n in range(3)
    }
    (tmp_path / "many.eml").write_bytes(bytes(message("czj@example.cn", many)))
    (tmp_path / "zips.eml").write_bytes(bytes(message("swj@example.cn", zips)))
    (tmp_path / "reply.eml").write_bytes(bytes(message("czj@example.cn", {"财政局.xlsx": b"PK\x03\x04f"})))
    paths = [tmp_path / "many.eml", tmp_path / "zips.eml", tmp_path / "reply.eml"]
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, paths)
    assert [r.file for r in result.stored] == ["财政局.xlsx"]
    assert [(p.code, p.file) for p in result.notes] == [
        ("mail-nothing-taken", str(tmp_path / "many.eml")),
        ("mail-nothing-taken", str(tmp_path / "zips.eml")),
    ]
    assert "100个" in result.notes[0].message and "100个" in result.notes[1].message


def test_a_zip_made_on_a_mac_names_its_files_in_utf8_without_saying_so(tmp_path):
    """macOS's 压缩 writes names in UTF-8 without the zip's UTF-8 flag: read as GBK they were stored as
    "閽㈠煄鍖鸿储鏀垮眬6鏈?xlsx"."""
    import io
    import zipfile

    class MacName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self):
            return self.filename.encode("utf-8"), self.flag_bits  # no 0x800

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(MacName("报送/钢城区财政局6月.xlsx"), b"PK\x03\x04finance")
    (tmp_path / "reply.eml").write_bytes(bytes(message("czj@example.cn", {"报送.zip": buffer.getvalue()})))
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [tmp_path / "reply.eml"])
    assert [(r.file, r.original_name) for r in result.stored] == [
        ("钢城区财政局6月.xlsx", "报送.zip/报送/钢城区财政局6月.xlsx")
    ]


def test_an_archive_that_cannot_be_unpacked_safely_is_stored_whole_and_said(tmp_path):
    import io
    import zipfile

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("财政局.xlsx", bytes(300 * 1024 * 1024))
    (inbox / "炸弹.zip").write_bytes(bomb.getvalue())
    (inbox / "整个文件夹.zip").write_bytes(packed({f"照片{n}.jpg": b"\xff\xd8\xff%d" % n for n in range(101)}))
    (inbox / "损坏.zip").write_bytes(packed({"税务局.xlsx": b"PK\x03\x04tax"})[:-30])  # merge says what it is
    result = collect_returns(WorkspacePaths(tmp_path), JUNE, [inbox])
    assert sorted(r.file for r in result.stored) == ["损坏.zip", "整个文件夹.zip", "炸弹.zip"]
    assert sorted((p.code, p.file) for p in result.notes) == [
        ("collect-archive-kept", "整个文件夹.zip"),
        ("collect-archive-kept", "炸弹.zip"),
    ]
