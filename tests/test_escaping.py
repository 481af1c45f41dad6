"""Text a unit or the source typed is shown as text everywhere: never run as script in report.html, never
evaluated as a template in the page, the mail bodies or 通报.docx."""

from __future__ import annotations

import email
import email.policy
import re
import zipfile
from datetime import date
from xml.etree import ElementTree

import docx
import pytest

from ledger import load_workspace
from ledger.collect import collect_returns
from ledger.history import build_history
from ledger.mail import deliver, reminder_messages, workbook_messages
from ledger.master import write_merge
from ledger.merge import merge_period
from ledger.model import Period
from ledger.outbox import read_manifest
from ledger.publish import write_report
from ledger.render import render_period
from ledger.report import build_report
from ledger.templating import is_html

from .conftest import UNITS, UNITS_HEADER, fill_return, write_xlsx
from .test_report import chromium_dom

JUNE = Period(2021, 6)
# A script would mark the page's <body>; a template expression would turn 7*7 into 49.
SCRIPT = "<script>document.body.className='pwned'</script>"
IMAGE = "<img src=x onerror=document.body.className=this.tagName>"
TAIL = "</script><!--{{ 7*7 }}"
PLANTED = f"{SCRIPT}{IMAGE}{TAIL}"
EVIL_UNIT = f"示范区{IMAGE}{{{{ 7*7 }}}}局"  # unit names are split at / and ; so they carry the image only
EVIL_CONTACT = f"{SCRIPT}张三"
OFFICE_TAIL = "\\1\\g<0>"  # a replacement template's group references, were the name used as one
# What Excel stores as _x001B_ and calamine reads back as the character: ESC, a colour sequence, a bidi override
# that would show "exe.jpg" as "gpj.exe" backwards; and a line break typed on Windows (_x000D_ then a newline).
STEERING = "计划_x000D_\n_x001B_[31m红字\u202egpj.exe"


def shown(text: str) -> str:
    """Text as Chromium's --dump-dom writes a text node."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A month whose source, units and returns carry markup and template expressions in every field."""
    root = tmp_path_factory.mktemp("hostile") / "ws"
    units = [*UNITS, [EVIL_UNIT, "", "部门", "", EVIL_CONTACT, "evil@example.cn", PLANTED]]
    write_xlsx(root / "source" / "units.xlsx", [UNITS_HEADER, *units])
    write_xlsx(
        root / "source" / "tasks" / "tasks.xlsx",
        [
            ["序号", "类别", "具体措施", "完成时限", "牵头单位", "配合单位"],
            ["1", f"类别{PLANTED}", f"措施{PLANTED}", "2021年5月底前", EVIL_UNIT, "示范区财政局"],
            ["2", "普通类别", "普通措施。", "2021年12月底前", "示范区财政局", EVIL_UNIT],
            ["3", "普通类别", "无人报送的任务。", "2021年5月底前", "示范区税务局", ""],
        ],
    )
    (root / "ledger.toml").write_text(
        f"""
[ledger]
title = "测试台账{PLANTED}"
year = 2021
[office]
name = "测试办公室{IMAGE}{OFFICE_TAIL}"
contact = "联络员{PLANTED}"
phone = "0631-1234567"
email = "office@example.cn"
[[documents]]
code = "T"
name = "测试任务清单{PLANTED}"
file = "source/tasks/tasks.xlsx"
district = "示范区"
""".replace("\\", "\\\\"),
        encoding="utf-8",
    )
    ws = load_workspace(root)
    assert ws.valid, ws.problems
    history = build_history(ws, JUNE)
    render_period(ws, JUNE, history)
    outbox = root / "build" / "2021-06" / "outbox"
    inbox = root / "inbox"
    evil_book = next(p for p in outbox.glob("*.xlsx") if "img" in p.name)
    answer = {"完成状态": f"已完成{PLANTED}", "本月进展": f"进展{PLANTED}", "存在问题": f"问题{PLANTED}"}
    fill_return(evil_book, inbox / f"{IMAGE}{{{{ 7*7 }}}}.xlsx", {"T-1": answer})
    fill_return(
        outbox / "示范区财政局.xlsx",
        inbox / "示范区财政局.xlsx",
        {"T-2": {"完成状态": "序时推进", "本月进展": f"进展{PLANTED}{STEERING}", "存在问题": f"问题{PLANTED}"}},
    )
    collect_returns(ws.paths, JUNE, [inbox])
    merged = merge_period(ws, JUNE)
    write_merge(ws, merged)
    report = build_report(ws, JUNE, merged, history, issued=date(2021, 7, 9))
    paths = write_report(ws, report)
    return ws, merged, paths


def test_page_templates_escape_whatever_their_name_and_text_templates_do_not():
    assert [is_html(n) for n in ("report.html.j2", "page.htm", "a.HTML", "x.xhtml.jinja")] == [True] * 4
    assert [is_html(n) for n in ("mail_body.txt.j2", "instructions.txt.j2", None)] == [False] * 3


def test_nothing_planted_runs_in_the_report_page_and_all_of_it_is_shown(hostile):
    _, merged, paths = hostile
    assert any(e.progress.startswith("进展<script>") for e in merged.entries)  # the planted text was merged
    dom = chromium_dom(paths[1])
    assert "<body>" in dom and "pwned" not in re.search(r"<body[^>]*>", dom).group(0)
    assert dom.count("<script") == 1 and "<img" not in dom  # the page's own script only, no planted element
    assert re.search(r"<title>(.*?)</title>", dom, re.S).group(1).startswith(shown(f"测试台账{PLANTED}"))
    for text in (f"措施{PLANTED}", f"类别{PLANTED}", f"进展{PLANTED}", f"问题{PLANTED}", EVIL_UNIT, EVIL_CONTACT):
        assert shown(text) in dom, text
    assert shown("{{ 7*7 }}") in dom and "49" not in dom


def test_control_and_bidi_characters_a_unit_typed_are_shown_escaped_on_the_page(hostile):
    _, merged, paths = hostile
    assert any(e.progress.endswith("计划\r\n\x1b[31m红字\u202egpj.exe") for e in merged.entries)  # merged as typed
    page = paths[1].read_bytes().decode("utf-8")  # as written: no newline translation
    assert "\x1b" not in page and "\u202e" not in page
    assert "计划\r\n\\x1b[31m红字\\u202egpj.exe" in page  # the line break stays white space on a page


def test_template_expressions_typed_by_units_are_not_evaluated_in_the_bulletin(hostile):
    *_, paths = hostile
    document = docx.Document(str(paths[2]))
    text = "\n".join(p.text for p in document.paragraphs) + "".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    assert EVIL_UNIT in text and f"测试办公室{IMAGE}{OFFICE_TAIL}" in text
    app = ElementTree.fromstring(zipfile.ZipFile(paths[2]).read("docProps/app.xml"))
    company = next(e.text for e in app if e.tag.endswith("}Company"))
    assert company == f"测试办公室{IMAGE}{OFFICE_TAIL}"  # as typed: no group of the pattern put in its place
    assert "{{ 7*7 }}" in text and "49" not in text


def test_template_expressions_in_names_and_problems_are_not_evaluated_in_mail(hostile):
    ws, merged, _ = hostile
    manifest = read_manifest(ws.paths, JUNE)
    sent, _ = workbook_messages(ws, manifest, None)
    reminders, _ = reminder_messages(ws, manifest, merged)
    deliver(ws, JUNE, [*sent, *reminders], False, lambda n, total: None)
    bodies = []
    for path in sorted(ws.paths.mail_drafts(JUNE).glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        bodies.append(str(message["Subject"]) + message.get_body(("plain",)).get_content())
    evil = [b for b in bodies if EVIL_UNIT in b]
    assert len(evil) >= 1 and all("49" not in b for b in bodies)
    assert any("{{ 7*7 }}" in b and f"联络员{PLANTED}" in b for b in evil)
