"""The console (`ledger serve`) driven as a clerk drives it: a real server, headless Chromium through Playwright
(Debian's chromium, no browser downloaded), mail to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from ledger.cli import main
from ledger.console.trust import LOGIN_TRIES, MAX_SESSIONS, Sessions, check_password, set_password
from ledger.model import Period
from ledger.outbox import read_manifest
from ledger.records import read_records
from ledger.rounds import open_round
from ledger.samples import make_sample_returns
from ledger.workspace import LAUNCHER, init_workspace, load_workspace

from .conftest import ROOT, UNITS, UNITS_HEADER, copy_example, make_workspace, require_binary, write_xlsx
from .test_mail import Inbox, dovecot, free_port  # noqa: F401 - dovecot: the IMAP server fixture
from .test_report import CHROMIUM_FLAGS

JUNE = Period(2021, 6)
CLERK = "王敏"
HOSTILE = "<img src=x onerror=alert(1)>局"


def start_console(root: Path, *extra: str, package: Path | None = None) -> tuple[subprocess.Popen[bytes], str]:
    """`ledger serve` on the workspace, as the clerk starts it, once it answers; from the `ledger` package in the
    folder `package` when given (another version of it: `python -m` looks in its working folder first)."""
    port = free_port()
    env = {**os.environ, "LEDGER_USER": CLERK}
    if package is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(package), *filter(None, [os.environ.get("PYTHONPATH")])])
    process = subprocess.Popen(
        [sys.executable, "-m", "ledger", "serve", "--workspace", str(root), "--port", str(port), *extra],
        env=env,
        cwd=package,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(process.communicate()[0].decode("utf-8", "replace"))


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture(scope="module")
def round_workspace(tmp_path_factory, smtp_inbox) -> Path:
    """The shipped example, sending to the SMTP server above."""
    root = copy_example(tmp_path_factory.mktemp("console") / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nhost = "127.0.0.1"\nport = {smtp_inbox[1]}\nsecurity = "none"\nfrom = "office@example.cn"\n'
            "per_minute = 6000\n"
        )
    return root


@pytest.fixture(scope="module")
def console(round_workspace):
    process, base = start_console(round_workspace)
    yield base
    stop(process)


@pytest.fixture(scope="module")
def browser_page():
    """One headless Chromium page for the module (the system's chromium, through Playwright)."""
    binary = require_binary("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=binary, args=CHROMIUM_FLAGS[1:])
        page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
        page.on("dialog", lambda dialog: dialog.accept())  # the send confirmation
        yield page
        browser.close()


def act(page, name: str, timeout: float = 180_000, within=None):
    """Click an action's button (the first on the page, or in `within`) and wait for its job to finish; the
    job's panel."""
    from playwright.sync_api import expect

    jobs = page.locator("#jobs article.job")
    before = jobs.count()
    (within or page).locator(f"button[data-action='{name}']").first.click()
    expect(jobs).to_have_count(before + 1, timeout=30_000)
    job = jobs.first
    expect(job).to_have_class(re.compile(r"\b(done|failed)\b"), timeout=timeout)
    assert "done" in (job.get_attribute("class") or ""), job.inner_text()
    return job


def board_counts(page) -> dict[str, int]:
    return {
        cell.get_attribute("data-count"): int(cell.inner_text()) for cell in page.locator("#board [data-count]").all()
    }


def test_a_round_driven_through_the_page(console, round_workspace, browser_page, smtp_inbox, tmp_path):
    from playwright.sync_api import expect

    page, inbox = browser_page, smtp_inbox[0]
    page.goto(f"{console}/?period={JUNE}")
    assert board_counts(page)["missing"] == 45
    expect(page.locator(".todo")).to_contain_text("生成填报表")

    job = act(page, "render")
    expect(job).to_contain_text("已生成45份填报表")
    ws = load_workspace(round_workspace)
    assert len(read_manifest(ws.paths, JUNE).files) == 45

    job = act(page, "mail-preview")
    messages, _ = open_round(ws, JUNE).workbook_mail()
    expect(job.locator("table.mail tbody tr")).to_have_count(len(messages))
    assert inbox.messages == []  # a preview sends nothing
    send = job.locator("button[data-action='mail-send']")
    expect(send).to_have_text(f"确认发送给{len(messages)}个单位")
    act(page, "mail-send")
    assert sorted(m[2]["To"] for m in inbox.messages) == sorted(", ".join(m.recipients) for m in messages)

    replies = make_sample_returns(ws, read_manifest(ws.paths, JUNE), tmp_path / "inbox")
    page.set_input_files("#return-files", [str(p) for p in replies])
    job = act(page, "collect-files")
    expect(job).to_contain_text("共存入")
    built = open_round(load_workspace(round_workspace), JUNE).report()
    expect(page.locator("#board [data-count='missing']")).to_have_text(str(built.reporting_counts["missing"]))
    assert board_counts(page) == built.reporting_counts
    assert 0 < board_counts(page)["missing"] < 45 and board_counts(page)["held"] > 0

    # a held return accepted on the returns page: it counts for its unit
    page.goto(f"{console}/returns?period={JUNE}")
    held = page.locator("tr:has(button[data-action='accept'])").first
    file = held.get_attribute("data-file")
    act(page, "accept")
    accepted = read_records(ws.paths.corrections(JUNE)).records
    assert [(r["file"], r["action"]) for r in accepted] == [(file, "accept")]
    # a merged return withdrawn with its reason, then restored
    merged = page.locator("tr:has(td:text-is('已汇总'))").first
    file = merged.get_attribute("data-file")
    merged.locator("summary").click()
    merged.locator("form:has(button[data-action='withdraw']) input[name=why]").fill("报告期有误")
    act(page, "withdraw", within=merged)
    page.reload()
    expect(page.locator(f"tr[data-file='{file}'] td[data-label='处理结果']")).to_have_text("已撤回：报告期有误")
    act(page, "restore", within=page.locator(f"tr[data-file='{file}']"))
    corrections = read_records(ws.paths.corrections(JUNE)).records[1:]
    assert [(r["file"], r["action"], r.get("why")) for r in corrections] == [
        (file, "withdraw", "报告期有误"),
        (file, "restore", ""),
    ]

    # 退回重报: a return sent back with its reason; the board counts its unit, and its reminder quotes the reason
    sent_back = page.locator("tr:has(td:text-is('已汇总'))").nth(1)
    file, unit = sent_back.get_attribute("data-file"), sent_back.locator("td[data-label='单位']").inner_text()
    sent_back.locator("summary").click()
    sent_back.locator("form:has(button[data-action='reject']) input[name=why]").fill("牵头任务进展未写明清理项目数量")
    act(page, "reject", within=sent_back)
    assert read_records(ws.paths.corrections(JUNE)).records[-1]["action"] == "reject"

    page.goto(f"{console}/?period={JUNE}")
    assert board_counts(page)["redo"] == 1
    expect(page.locator(f"#units tr[data-unit='{unit}'] .badge")).to_have_text(
        "退回重报（牵头任务进展未写明清理项目数量）"
    )
    job = act(page, "remind-preview")
    reminders, _ = open_round(load_workspace(round_workspace), JUNE).reminder_mail()
    expect(job.locator("table.mail tbody tr")).to_have_count(len(reminders))
    quoted = job.locator(f"table.mail tbody tr:has(td:text-is('{unit}')) pre.body").text_content()
    assert "牵头任务进展未写明清理项目数量" in quoted

    act(page, "merge")
    merged = open_round(load_workspace(round_workspace), JUNE).merge()
    page.goto(f"{console}/problems?period={JUNE}")
    shown = [
        tuple(cell.inner_text() for cell in row.locator("td").all()[:3])
        for row in page.locator("section.unit-problems tbody tr").all()
    ]
    assert sorted(shown) == sorted((p.file or "", p.sheet or "", p.cell or "") for p in merged.problems)

    page.goto(f"{console}/?period={JUNE}")
    act(page, "report")
    with page.context.expect_page() as opened:
        page.locator("#board a[href$='report.html']").click()
    report_page = opened.value
    tasks = str(len(open_round(load_workspace(round_workspace), JUNE).report().tasks))
    expect(report_page.locator("#visible-count")).to_have_text(tasks)
    report_page.select_option("#filter-unit", index=1)  # the report's own script runs in its sandbox
    expect(report_page.locator("#visible-count")).not_to_have_text(tasks)
    report_page.close()
    with page.expect_download() as download:
        page.locator("#board a[href$='通报.docx']").click()
    saved = tmp_path / "通报.docx"
    download.value.save_as(saved)
    assert saved.read_bytes() == (round_workspace / "build" / "2021-06" / "report" / "通报.docx").read_bytes()

    done = read_records(round_workspace / "source" / "console.jsonl").records
    assert [(r["action"], r["outcome"], r["by"]) for r in done] == [
        (name, "done", CLERK)
        for name in (
            "render",
            "mail-preview",
            "mail-send",
            "collect-files",
            "accept",
            "withdraw",
            "restore",
            "reject",
            "remind-preview",
            "merge",
            "report",
        )
    ]


def post(base: str, path: str, data: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(base + path, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def session_of(base: str) -> tuple[str, str]:
    """The session cookie and CSRF token the board hands a visitor on loopback."""
    with urllib.request.urlopen(base + "/setup", timeout=30) as answer:
        cookie = answer.headers["set-cookie"].split(";")[0]
        token = re.search(r'X-CSRF-Token": "([^"]+)"', answer.read().decode("utf-8")).group(1)
    return cookie, token


def test_a_post_without_its_csrf_token_or_from_another_page_is_refused(console, round_workspace):
    cookie, token = session_of(console)
    origin = console
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    before = read_records(round_workspace / "source" / "console.jsonl").records
    assert post(console, "/do/render", b"period=2021-07", {**form, "Origin": origin}) == 403
    assert (
        post(console, "/do/render", f"period=2021-07&csrf={token}".encode(), {**form, "Origin": "http://evil.example"})
        == 403
    )
    assert post(console, "/do/render", f"period=2021-07&csrf={token}".encode(), form) == 403  # no Origin, no Referer
    rebinding = {**form, "Origin": "http://evil.example:80", "Host": "evil.example:80"}
    assert post(console, "/do/render", f"period=2021-07&csrf={token}".encode(), rebinding) == 400
    assert read_records(round_workspace / "source" / "console.jsonl").records == before
    assert not (round_workspace / "build" / "2021-07").exists()


def test_a_non_loopback_host_without_a_password_refuses_to_start(tmp_path):
    root = copy_example(tmp_path / "ws")
    result = CliRunner().invoke(main, ["serve", "--workspace", str(root), "--host", "192.0.2.10"])
    assert result.exit_code == 1
    assert "console-password-missing" in result.output


def test_a_console_whose_port_is_taken_says_so_and_does_not_claim_to_have_started(tmp_path):
    """启动台账.bat double-clicked while a console (of this ledger or another) runs: the port is taken. The window
    says so in Chinese, never prints the address as if this ledger's console were there, and opens no browser
    onto the other console, where the clerk would work on the wrong ledger."""
    root = copy_example(tmp_path / "ws")
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--workspace", str(root), "--port", str(port), "--open"])
    assert result.exit_code == 1
    assert "console-port-in-use" in result.output and f"端口{port}已被占用" in result.output
    assert "台账控制台：" not in result.output


def test_the_password_is_kept_as_a_salted_hash_and_logins_are_rate_limited(tmp_path):
    root = copy_example(tmp_path / "ws")
    result = CliRunner().invoke(
        main, ["serve", "--workspace", str(root), "--set-password"], input="办公室口令2021\n" * 2
    )
    assert result.exit_code == 0, result.output
    kept = (root / ".ledger-console.json").read_text(encoding="utf-8")
    assert "办公室口令2021" not in kept and '"salt"' in kept
    assert check_password(root / ".ledger-console.json", "办公室口令2021")
    assert not check_password(root / ".ledger-console.json", "办公室口令2022")
    set_password(tmp_path / "again.json", "办公室口令2021")
    assert (tmp_path / "again.json").read_text() != kept  # salted: the same password, another hash
    sessions = Sessions()
    for _ in range(LOGIN_TRIES):
        assert sessions.wait_before_login("10.1.2.3") == 0
        sessions.failed_login("10.1.2.3")
    assert sessions.wait_before_login("10.1.2.3") > 0
    assert sessions.wait_before_login("10.1.2.4") == 0


def test_a_hostile_unit_name_shows_as_text(tmp_path, browser_page):
    rows = [
        ["序号", "具体措施", "牵头单位", "配合单位", "完成时限"],
        [1, "建立工作台账", HOSTILE, "", "2021年12月底前"],
        [2, "完善制度", "示范区财政局", "", "2021年12月底前"],
    ]
    root = make_workspace(tmp_path / "ws", rows)
    write_xlsx(
        root / "source" / "units.xlsx", [UNITS_HEADER, *UNITS, [HOSTILE, "", "部门", "", "", "h@example.cn", ""]]
    )
    process, base = start_console(root)
    try:
        browser_page.goto(f"{base}/?period=2021-06")
        cell = browser_page.locator(f"tr[data-unit='{HOSTILE}'] td.unit")
        assert cell.inner_text() == HOSTILE
        assert browser_page.locator("#board table.units img").count() == 0
    finally:
        stop(process)


def test_init_writes_a_launcher_that_starts_the_console_on_windows(tmp_path):
    root = init_workspace(tmp_path / "新台账")
    data = (root / LAUNCHER).read_bytes()
    lines = data.decode("utf-8").split("\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
    assert lines[2] == f'"{sys.executable}" -m ledger serve --workspace "%~dp0." --open'


def get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def test_an_action_waits_while_another_holds_the_workspace(console, round_workspace):
    from ledger.lock import workspace_lock
    from ledger.paths import WorkspacePaths

    cookie, token = session_of(console)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie, "Origin": console}
    with workspace_lock(WorkspacePaths(round_workspace), "ledger collect", 5):
        request = urllib.request.Request(
            console + "/do/merge", data=f"period={JUNE}&csrf={token}".encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            job = re.search(r'id="job-([0-9a-f]+)"', answer.read().decode("utf-8")).group(1)
        deadline = time.monotonic() + 60
        while 'data-state="waiting"' not in (page := get(console, f"/jobs/{job}", {"Cookie": cookie})[1]):
            assert time.monotonic() < deadline and 'data-state="done"' not in page, page
            time.sleep(0.3)
    deadline = time.monotonic() + 120
    while 'data-state="done"' not in (page := get(console, f"/jobs/{job}", {"Cookie": cookie})[1]):
        assert time.monotonic() < deadline and 'data-state="failed"' not in page, page
        time.sleep(0.3)
    assert read_records(round_workspace / "source" / "console.jsonl").records[-1]["action"] == "merge"


def test_only_a_rounds_outputs_are_served_and_a_large_upload_is_refused_unread(console, round_workspace):
    cookie, token = session_of(console)
    for path in ("/files/2021-06/..%2F..%2Fledger.toml", "/files/2021-06/ledger.toml", "/static/..%2Fapp.py"):
        assert get(console, path, {"Cookie": cookie})[0] == 404
    # an address mistyped, or an action's address opened as a page: said in Chinese, as everything the clerk reads
    assert get(console, "/files/..%2F/merged.xlsx") == (404, "没有这个页面：请从控制台的看板进入。")
    assert get(console, "/do/merge") == (405, "这个地址不能直接打开：请回到看板，点页面上的按钮操作。")
    # a folder of more files than one request takes: said in Chinese in the panel, nothing stored
    body, kind = multipart({"csrf": token, "period": "2021-06"}, {f"扫描件{n}.pdf": b"%PDF" for n in range(501)})
    request = urllib.request.Request(
        f"{console}/do/collect-files",
        data=body,
        headers={"Cookie": cookie, "Origin": console, "Content-Type": kind},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 400
    assert "一次最多上传500个文件" in refused.value.read().decode("utf-8")
    host = console.removeprefix("http://")
    with socket.create_connection(("127.0.0.1", int(host.split(":")[1])), timeout=10) as raw:
        raw.sendall(
            (
                f"POST /do/collect-files HTTP/1.1\r\nHost: {host}\r\nOrigin: {console}\r\nCookie: {cookie}\r\n"
                f"X-CSRF-Token: {token}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                "Content-Length: 60000000\r\n\r\n"
            ).encode()
        )
        assert raw.recv(200).split(b"\r\n")[0] == b"HTTP/1.1 413 Request Entity Too Large"


def test_a_console_with_a_password_asks_who_signs_in_and_slows_down_guessing(tmp_path):
    root = copy_example(tmp_path / "ws")
    CliRunner().invoke(main, ["serve", "--workspace", str(root), "--set-password"], input="办公室口令2021\n" * 2)
    process, base = start_console(root)
    try:
        assert get(base, "/")[1].count('name="password"') == 1  # sent to the login page
        form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": base}

        def login(password: str) -> urllib.response.addinfourl | urllib.error.HTTPError:
            data = urllib.parse.urlencode({"name": "李明", "password": password}).encode()
            opener = urllib.request.build_opener(NoRedirect)
            try:
                return opener.open(urllib.request.Request(base + "/login", data=data, headers=form), timeout=30)
            except urllib.error.HTTPError as exc:
                return exc

        signed = login("办公室口令2021")
        assert signed.status == 303
        cookie = signed.headers["set-cookie"].split(";")[0]
        signed_in = get(base, "/setup", {"Cookie": cookie})[1]
        assert "操作人：李明" in signed_in
        token = re.search(r'X-CSRF-Token": "([^"]+)"', signed_in).group(1)
        assert post(base, "/logout", f"csrf={token}".encode(), {**form, "Cookie": cookie}) in (200, 303)
        assert 'name="password"' in get(base, "/setup", {"Cookie": cookie})[1]  # the session is gone
        for _ in range(LOGIN_TRIES):
            assert "姓名或密码不对" in login("猜一猜").read().decode("utf-8")
        assert "尝试次数过多" in login("办公室口令2021").read().decode("utf-8")
    finally:
        stop(process)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


PLAN = "\n".join(
    [
        "各项任务所列单位中，列第一位的为牵头单位，其他为配合单位。",
        "1.推进政务服务一网通办。（钢城区行政审批服务局、钢城区发展改革局，2026年6月底前）",
        "2.开展营商环境专项整治。（钢城区发展改革局，2026年9月底前）",
    ]
)


def test_a_new_ledger_set_up_from_the_page(tmp_path, browser_page):
    from playwright.sync_api import expect

    page, root = browser_page, tmp_path / "新台账"
    root.mkdir()
    process, base = start_console(root)
    try:
        page.goto(base)
        expect(page.locator("h2")).to_have_text("新建台账")
        page.fill("input[name=title]", "钢城区2026年重点任务工作台账")
        act(page, "init")
        assert (root / "ledger.toml").is_file() and (root / LAUNCHER).is_file()

        page.goto(f"{base}/setup")
        units = copy_example(tmp_path / "example") / "source" / "units.xlsx"
        page.locator("form:has(button[data-action='units-preview']) input[type=file]").set_input_files(str(units))
        job = act(page, "units-preview")
        registry = load_workspace(tmp_path / "example").units
        expect(job.locator("table.units-read tbody tr")).to_have_count(len(registry))
        act(page, "units-keep")
        assert (root / "source" / "units.xlsx").read_bytes() == units.read_bytes()

        tables = sorted((root / "source" / "tasks").glob("*.xlsx"))  # the task table template init writes
        (tmp_path / "工作方案.txt").write_text(PLAN, encoding="utf-8")
        page.locator("form:has(button[data-action='import-preview']) input[type=file]").set_input_files(
            str(tmp_path / "工作方案.txt")
        )
        job = act(page, "import-preview")
        rows = [[cell.inner_text() for cell in row.locator("td").all()[:4]] for row in job.locator("tbody tr").all()]
        assert rows == [
            ["1", "推进政务服务一网通办。", "钢城区行政审批服务局", "钢城区发展改革局"],
            ["2", "开展营商环境专项整治。", "钢城区发展改革局", ""],
        ]
        assert sorted((root / "source" / "tasks").glob("*.xlsx")) == tables  # shown, not kept
        act(page, "import-keep")
        ws = load_workspace(root)
        assert [(t.measure, t.lead_units) for t in ws.tasks] == [
            ("推进政务服务一网通办。", ["钢城区行政审批服务局"]),
            ("开展营商环境专项整治。", ["钢城区发展改革局"]),
        ]
        assert [r["action"] for r in read_records(root / "source" / "console.jsonl").records] == [
            "init",
            "units-preview",
            "units-keep",
            "import-preview",
            "import-keep",
        ]
    finally:
        stop(process)


def test_units_renamed_and_merged_from_the_set_up_page(tmp_path, browser_page):
    from playwright.sync_api import expect

    from ledger.reorganise import unit_change_log

    page, root = browser_page, copy_example(tmp_path / "ws")
    process, base = start_console(root)
    try:
        page.goto(f"{base}/setup")
        rename = page.locator("form:has(button[data-action='unit-rename'])")
        rename.locator("input[name=old]").fill("钢城区残联")
        rename.locator("input[name=new]").fill("钢城区残疾人联合会")
        rename.locator("input[name=why]").fill("区级机构改革方案")
        act(page, "unit-rename")
        merge = page.locator("form:has(button[data-action='unit-merge'])")
        merge.locator("select[name=olds]").select_option(["钢城区规划协调服务中心", "钢城区大数据局"])
        merge.locator("input[name=into]").fill("钢城区自然资源局")
        act(page, "unit-merge")
        ws = load_workspace(root)
        assert "钢城区残疾人联合会" in ws.units and "钢城区残联" not in ws.units
        assert "钢城区规划协调服务中心" not in ws.units and "钢城区大数据局" not in ws.units
        changes = [(c.action, c.old, c.new, str(c.start), c.by) for c in unit_change_log(ws)]
        assert changes == [
            ("rename", ["钢城区残联"], "钢城区残疾人联合会", "2021-01", CLERK),
            ("merge", ["钢城区大数据局", "钢城区规划协调服务中心"], "钢城区自然资源局", "2021-01", CLERK),  # as listed
        ]
        page.goto(f"{base}/setup")
        expect(page.locator("table.unit-log tbody tr")).to_have_count(2)
    finally:
        stop(process)


def test_tasks_extended_and_closed_from_the_page(tmp_path, browser_page):
    from playwright.sync_api import expect

    from ledger.task_changes import read_changes

    page, root = browser_page, copy_example(tmp_path / "ws")
    process, base = start_console(root)
    try:
        page.goto(f"{base}/tasks?period={JUNE}")
        first, second = page.locator("tr[data-task]").nth(0), page.locator("tr[data-task]").nth(1)
        first_id, second_id = first.get_attribute("data-task"), second.get_attribute("data-task")
        first.locator("summary").click()
        first.locator("input[name=why]").fill("经区政府同意")
        first.locator("input[name=to]").fill("2022-06-30")  # later than any deadline of the example
        first.locator("select[name=start]").select_option(str(JUNE))
        act(page, "task-extend", within=first)
        second.locator("summary").click()
        second.locator("input[name=why]").fill("已整体完成")
        second.locator("select[name=start]").select_option(str(JUNE))
        act(page, "task-close", within=second)
        changes = [(c.task_id, c.kind, str(c.start), c.by, c.why) for c in read_changes(load_workspace(root).paths)]
        assert changes == [
            (first_id, "extend", str(JUNE), CLERK, "经区政府同意"),
            (second_id, "close", str(JUNE), CLERK, "已整体完成"),
        ]
        page.reload()
        expect(page.locator("table.task-log tbody tr")).to_have_count(2)
    finally:
        stop(process)


def test_a_refused_action_says_why_where_its_outcome_shows(tmp_path, browser_page):
    """延期 clicked without the new date, 接收报送 with no file chosen, or any button of a page left open while the
    console was restarted (its session gone): the refusal is said in the panel where an action's outcome shows.
    Before, htmx dropped every 4xx answer and the click seemed to do nothing at all."""
    from playwright.sync_api import expect

    from ledger.console.trust import Sessions

    page, root = browser_page, copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, console):
        page.goto(f"{base}/tasks?period={JUNE}")
        first = page.locator("tr[data-task]").first
        first.locator("summary").click()
        first.locator("input[name=why]").fill("经区政府同意")
        first.locator("button[data-action='task-extend']").click()
        refused = page.locator("#jobs article.job.failed")
        expect(refused).to_have_count(1)
        expect(refused).to_contain_text("请把表单填写完整")
        page.goto(f"{base}/?period={JUNE}")
        page.locator("button[data-action='collect-files']").click()
        expect(refused).to_contain_text("请把表单填写完整（或选择文件）后再提交")
        console.sessions = Sessions()  # the console started again: the page's session is gone
        page.locator("button[data-action='merge']").click()
        expect(refused.first).to_contain_text("页面已过期")
        expect(page.locator("#jobs article.job")).to_have_count(2)  # the refusals only: nothing ran
    assert not (root / "source" / "task-changes.jsonl").exists()


def test_a_workbook_dropped_on_the_page_arrived_when_it_was_saved_as_ledger_collect_says(tmp_path, browser_page):
    """A clerk saves each unit's reply as it comes and uploads the lot after the due day: like `ledger collect` on
    the same file, the page takes the file's own modification time (which the browser knows), not the moment of the
    upload, so the units that sent in time are not all made late."""
    from datetime import datetime

    from ledger.collect import read_receipts

    root = copy_example(tmp_path / "ws")
    ws = load_workspace(root)
    open_round(ws, JUNE).render()
    saved = tmp_path / "收到" / "艾山街道.xlsx"
    saved.parent.mkdir()
    saved.write_bytes((ws.paths.outbox(JUNE) / "艾山街道.xlsx").read_bytes())
    arrived = datetime.fromisoformat("2021-07-02T10:14:00+08:00")
    os.utime(saved, (arrived.timestamp(), arrived.timestamp()))
    page = browser_page
    with served(root, "127.0.0.1") as (base, _):
        page.goto(f"{base}/?period={JUNE}")
        page.set_input_files("#return-files", [str(saved)])
        act(page, "collect-files")
    [receipt] = read_receipts(ws.paths.returns(JUNE))
    assert (receipt.received_at, receipt.received_how) == (arrived.isoformat(), "mtime")


def test_a_ledger_toml_that_does_not_load_is_said_on_the_set_up_page(tmp_path):
    """A Chinese quote slipped into ledger.toml: the board sends the clerk to 设置, which says what `ledger check`
    says (the line and what to do) instead of showing the upload forms as if nothing were wrong."""
    root = copy_example(tmp_path / "ws")
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('title = "', "title = “", 1), encoding="utf-8")
    with served(root, "127.0.0.1") as (base, _):
        status, page = get(base, "/")
    assert status == 200 and "<h1>设置</h1>" in page
    assert "改正后才能开始工作" in page and "ledger.toml 第4行有中文输入法打出的符号" in page


def open_in_excel(monkeypatch, held: Path) -> None:
    """`held` open in Excel on Windows: replacing it is refused, as Windows refuses it."""
    real = os.replace

    def replace(source, target):
        if Path(target) == held:
            raise PermissionError(13, "另一个程序正在使用此文件", str(target))
        return real(source, target)

    monkeypatch.setattr(os, "replace", replace)


def test_an_output_open_in_excel_is_said_by_the_console_as_by_the_cli(tmp_path, monkeypatch):
    """汇总台账.xlsx left open in Excel (Windows refuses to replace it): the report is written beside it, and the
    panel names both files, as `ledger report` does, instead of saying done and linking to the old file."""
    from ledger.console.actions import ACTIONS, Job

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    dated = {"date": "2021-07-09"}  # the day a leader signs, not years after the example's round
    ACTIONS["report"].run(Job(root=root, period=JUNE, params=dated))
    held = root / "build" / "2021-06" / "report" / "汇总台账.xlsx"
    open_in_excel(monkeypatch, held)
    outcome = ACTIONS["report"].run(Job(root=root, period=JUNE, params=dated))
    beside = held.with_name("汇总台账（新）.xlsx")
    assert beside.is_file()
    assert [(p["code"], p["file"]) for p in outcome.details["problems"]] == [("output-locked", str(held))]
    assert str(beside) in outcome.details["problems"][0]["message"]


def test_the_merge_and_report_panels_say_the_rounds_notes_as_the_cli_prints_them(tmp_path):
    """汇总 on a round never rendered, and 生成通报 months after it was due: `ledger merge` and `ledger report` say
    so (period-not-rendered; report-date-late: the bulletin is dated today); the console's panels said nothing, and
    a leader could sign a bulletin dated years after its round."""
    from ledger.console.actions import ACTIONS, Job
    from ledger.problems import ProblemError

    root = copy_example(tmp_path / "ws")
    merged = ACTIONS["merge"].run(Job(root=root, period=JUNE, params={}))
    assert [p["code"] for p in merged.details["problems"]] == ["period-not-rendered"]
    assert merged.details["problems"][0]["message"].startswith("2021年6月尚未生成填报表")  # not "2021-06尚未…"
    with pytest.raises(ProblemError) as refused:  # no bulletin of a round never run
        ACTIONS["report"].run(Job(root=root, period=JUNE, params={}))
    assert refused.value.code == "round-not-run"
    open_round(load_workspace(root), JUNE).render()
    reported = ACTIONS["report"].run(Job(root=root, period=JUNE, params={}))
    assert [p["code"] for p in reported.details["problems"]] == ["report-date-late"]
    receipts = root / "source" / "returns" / "2021-06" / "receipts.jsonl"
    receipts.parent.mkdir(parents=True)
    receipts.write_bytes(b'{"file": "\xe7\xa4\xba')  # a line a kill tore
    previewed = ACTIONS["remind-preview"].run(Job(root=root, period=JUNE, params={}))
    assert [p["code"] for p in previewed.details["problems"]] == ["record-torn"]


def test_a_report_made_from_the_page_takes_the_date_the_clerk_gives(tmp_path):
    """`ledger report --date` sets the date a leader signs; the console's 生成通报 dated every bulletin the day it
    was clicked, and a report re-made after a late return was dated weeks after its round with no way to say
    otherwise. The step takes a report date (as ISO or as offices write it); one that is no date stops it."""
    import docx

    from ledger.console.actions import ACTIONS, Job
    from ledger.problems import ProblemError

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    done = ACTIONS["report"].run(Job(root=root, period=JUNE, params={"date": "2021年7月9日"}))
    assert [p["code"] for p in done.details["problems"]] == []
    text = "\n".join(p.text for p in docx.Document(root / "build" / "2021-06" / "report" / "通报.docx").paragraphs)
    assert "2021年7月9日" in text
    with pytest.raises(ProblemError) as refused:
        ACTIONS["report"].run(Job(root=root, period=JUNE, params={"date": "下周一"}))
    assert (refused.value.code, refused.value.fields) == ("console-date-invalid", {"text": "下周一"})
    # a day typed without its year is the one nearest the round's due date: December's report in January
    open_round(load_workspace(root), Period(2021, 12)).render()
    ACTIONS["report"].run(Job(root=root, period=Period(2021, 12), params={"date": "1月10日"}))
    text = "\n".join(p.text for p in docx.Document(root / "build" / "2021-12" / "report" / "通报.docx").paragraphs)
    assert "2022年1月10日" in text
    # and its 12月31日 is the day before its January, not the December a year later
    ACTIONS["report"].run(Job(root=root, period=Period(2021, 12), params={"date": "12月31日"}))
    text = "\n".join(p.text for p in docx.Document(root / "build" / "2021-12" / "report" / "通报.docx").paragraphs)
    assert "2021年12月31日" in text and "2022年12月31日" not in text


def test_the_merge_panel_accounts_for_every_file_as_ledger_merge_does(tmp_path):
    """A unit's return and its signed scan: 汇总's panel said 报送文件2个：汇总1个，待确认0个，未汇总0个, and the scan
    kept as evidence was in no count. It now says what `ledger merge` says of the files."""
    from ledger.console.actions import ACTIONS, Job

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    [workbook] = (root / "build" / "2021-06" / "outbox").glob("*钢城区财政局*.xlsx")
    scan = tmp_path / "钢城区财政局盖章.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    runner, where = CliRunner(), ["--workspace", str(root), "--period", "2021-06"]
    collected = runner.invoke(main, ["collect", *where, str(workbook), str(scan)])
    assert collected.exit_code == 0, collected.output
    said = runner.invoke(main, ["merge", *where]).output
    merged = ACTIONS["merge"].run(Job(root=root, period=JUNE, params={}))
    assert "佐证材料1个" in merged.message
    assert merged.message in said


def test_a_units_file_of_another_kind_is_read_but_not_kept_over_the_xlsx(tmp_path):
    """单位名录 exported as .csv (or saved by an old Excel as .xls) reads fine in the preview; kept, its bytes would
    have been written into units.xlsx and every page would say the units file is no workbook. The preview now
    says to save it as .xlsx, and offers no keep."""
    from ledger.console.actions import ACTIONS, Job

    root = copy_example(tmp_path / "ws")
    exported = tmp_path / "单位名录.csv"
    exported.write_text("单位全称,简称/别名\n示范区财政局,区财政局\n", encoding="utf-8-sig")
    preview = ACTIONS["units-preview"].run(Job(root=root, period=None, params={}, files=[exported]))
    assert preview.details["keep"] is None
    assert [(p["code"], p["file"]) for p in preview.details["problems"]] == [("units-file-kind", "单位名录.csv")]


def test_a_task_list_kept_twice_is_not_said_saved_the_second_time(tmp_path):
    """保存任务清单 clicked twice (or from two windows): the second keep found the document's code taken and wrote
    nothing, and its panel still said 已保存任务清单 … 并登记到 ledger.toml. It now stops with the problem."""
    from ledger.console.actions import ACTIONS, Job
    from ledger.problems import ProblemsError

    root = copy_example(tmp_path / "ws")
    plan = tmp_path / "工作方案.txt"
    plan.write_text(PLAN.replace("钢城区行政审批服务局", "钢城区财政局"), encoding="utf-8")
    kept = ACTIONS["import-keep"].run(Job(root=root, period=None, params={}, files=[plan]))
    assert kept.message.startswith("已保存任务清单")
    config = (root / "ledger.toml").read_text(encoding="utf-8")
    with pytest.raises(ProblemsError) as refused:
        ACTIONS["import-keep"].run(Job(root=root, period=None, params={}, files=[plan]))
    assert [p.code for p in refused.value.problems] == ["import-code-taken"]
    assert (root / "ledger.toml").read_text(encoding="utf-8") == config


def test_a_units_file_open_in_excel_is_not_said_saved_when_it_was_not(tmp_path, monkeypatch):
    """units.xlsx open in Excel while the clerk keeps a corrected one: Windows refuses to replace it. The keep
    stopped as the units commands stop (units-file-open), instead of saying 已保存 of a copy put beside it that
    the ledger never reads."""
    from ledger.console.actions import ACTIONS, Job
    from ledger.problems import ProblemError

    root = copy_example(tmp_path / "ws")
    units = root / "source" / "units.xlsx"
    before = units.read_bytes()
    corrected = tmp_path / "单位名录.xlsx"
    corrected.write_bytes(before)
    open_in_excel(monkeypatch, units)
    with pytest.raises(ProblemError) as refused:
        ACTIONS["units-keep"].run(Job(root=root, period=None, params={}, files=[corrected]))
    assert refused.value.code == "units-file-open"
    assert units.read_bytes() == before and sorted(p.name for p in units.parent.glob("units*")) == ["units.xlsx"]


def test_replies_fetched_from_imap_by_the_page(tmp_path, browser_page, dovecot, monkeypatch):  # noqa: F811
    import imaplib
    from datetime import datetime

    from playwright.sync_api import expect

    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        config.write(
            f'\n[mail]\nfrom = "office@example.cn"\n[mail.imap]\nhost = "127.0.0.1"\nport = {dovecot["none"]}\n'
            'security = "none"\nuser = "office"\nfolder = "INBOX"\n'
        )
    monkeypatch.setenv("LEDGER_IMAP_PASSWORD", "imap-pass")  # the console's jobs inherit it
    ws = load_workspace(root)
    open_round(ws, JUNE).render(["钢城区财政局"])
    [outgoing] = open_round(ws, JUNE).workbook_mail(["钢城区财政局"])[0]
    client = imaplib.IMAP4("127.0.0.1", dovecot["none"])
    client.login("office", "imap-pass")
    client.append("INBOX", None, None, outgoing.message(outgoing.recipients[0], datetime(2021, 7, 3, 9)).as_bytes())
    client.logout()
    process, base = start_console(root)
    try:
        browser_page.goto(f"{base}/?period={JUNE}")
        job = act(browser_page, "collect-imap")
        expect(job).to_contain_text("共存入1个文件")
        stored = read_records(root / "source" / "returns" / "2021-06" / "receipts.jsonl").records
        assert [(r["original_name"], r["sender"]) for r in stored] == [
            ("钢城区财政局-2021年6月进展填报表.xlsx", "czj@gangcheng.example.cn")
        ]
    finally:
        stop(process)


@contextmanager
def served(root: Path, host: str, *, need_login: bool = False):
    """The console made for `host` (a wildcard too), in this process, listening on 127.0.0.1 only: a request
    names the address a colleague typed by its Host header. Yields the base URL and the console."""
    import threading

    import uvicorn

    from ledger.console.app import make_app

    port = free_port()
    app = make_app(root, host=host, port=port, need_login=need_login)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive()
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app.state.console
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_console_on_the_loopback_address_says_the_address_it_answers_at(tmp_path):
    root = copy_example(tmp_path / "ws")
    process, base = start_console(root, "--host", "127.0.0.1")
    try:
        assert process.stdout is not None
        assert f"台账控制台：{base}/（" in process.stdout.readline().decode("utf-8")
        assert get(base, "/setup")[0] == 200
        assert get(base, "/setup", {"Host": "192.0.2.10:" + base.rsplit(":", 1)[1]})[0] == 400
    finally:
        stop(process)


def test_a_console_on_every_address_answers_to_the_names_colleagues_type_and_prints_them(tmp_path):
    from ledger.console import console_addresses
    from ledger.console.app import login_needed

    root = copy_example(tmp_path / "ws")
    set_password(root / ".ledger-console.json", "办公室口令2021")
    machine = socket.gethostname().lower()
    resolved = {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
    with served(root, "0.0.0.0", need_login=login_needed(root, "0.0.0.0")) as (base, _):
        port = base.rsplit(":", 1)[1]
        printed = console_addresses("0.0.0.0", int(port))
        assert printed[0] == f"http://127.0.0.1:{port}/" and f"http://{machine}:{port}/" in printed
        assert not [a for a in printed if "0.0.0.0" in a]
        typed = {urllib.parse.urlsplit(a).netloc for a in printed} | {f"{a}:{port}" for a in resolved if "." in a}
        for host in typed | {f"{machine.upper()}:{port}"}:
            assert get(base, "/login", {"Host": host})[0] == 200, host
        for host in (f"evil.example:{port}", f"0.0.0.0:{port}", f"192.0.2.250:{port}", machine):
            assert get(base, "/login", {"Host": host}) == (400, "地址不对：请用控制台启动时显示的地址访问。"), host
        colleague = f"http://{machine}:{port}"
        data = urllib.parse.urlencode({"name": "李明", "password": "办公室口令2021"}).encode()
        headers = {"Host": f"{machine}:{port}", "Origin": colleague}
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(urllib.request.Request(base + "/login", data=data, headers=headers), timeout=30)
        except urllib.error.HTTPError as exc:
            signed = exc
        assert signed.code == 303
        cookie = signed.headers["set-cookie"].split(";")[0]
        assert "操作人：李明" in get(base, "/setup", {"Host": f"{machine}:{port}", "Cookie": cookie})[1]


def test_only_pages_with_forms_open_a_session_and_sessions_stay_bounded(tmp_path):
    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, console):
        form = {"Content-Type": "application/x-www-form-urlencoded", "Origin": base}
        assert get(base, "/static/console.css")[0] == 200
        assert get(base, "/files/2021-06/report.html")[0] == 404
        assert get(base, "/jobs/0123456789abcdef")[0] == 404
        assert post(base, "/do/render", b"period=2021-06&csrf=x", form) == 403  # no session: refused, none opened
        assert post(base, "/logout", b"csrf=x", form) == 403
        assert console.sessions.sessions == {}
        cookie, token = session_of(base)
        assert [s.csrf for s in console.sessions.sessions.values()] == [token]
        assert get(base, "/jobs/0123456789abcdef", {"Cookie": cookie})[0] == 404
        assert len(console.sessions.sessions) == 1  # a request with its cookie opens none

    sessions = Sessions()
    first = sessions.open("王敏")
    stale = sessions.open("李明")
    sessions.sessions[stale].expires = time.time() - 1
    opened = [sessions.open("王敏") for _ in range(MAX_SESSIONS + 5)]
    assert stale not in sessions.sessions  # expired: pruned when another opened, never looked up again
    assert len(sessions.sessions) == MAX_SESSIONS
    assert first not in sessions.sessions and sessions.get(opened[0]) is None  # the oldest dropped
    assert list(sessions.sessions) == opened[-MAX_SESSIONS:]


def test_the_icon_every_browser_asks_for_is_answered_without_an_error(tmp_path):
    """A browser asks /favicon.ico beside every page it opens (the board, report.html): the console answered 404
    and the browser's console showed an error on every page. It is answered with nothing (204), opening no
    session and asking no sign-in."""
    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, console):
        assert get(base, "/favicon.ico") == (204, "")
        assert console.sessions.sessions == {}


def multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body (as a browser posts a form with files) and its Content-Type."""
    boundary = "----ledger-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items()
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, data in files.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def runner(base: str, console):
    """Run an action as the page posts it (a form with files) on a console served in this process: its status
    and, once the job ended, its state."""
    cookie, token = session_of(base)
    headers = {"Cookie": cookie, "Origin": base}

    def run(action: str, fields: dict[str, str], files: dict[str, bytes] | None = None) -> tuple[int, dict]:
        body, kind = multipart({"csrf": token, **fields}, files or {})
        request = urllib.request.Request(
            f"{base}/do/{action}", data=body, headers={**headers, "Content-Type": kind}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                job = re.search(r'id="job-([0-9a-f]+)"', answer.read().decode("utf-8")).group(1)
        except urllib.error.HTTPError as exc:
            return exc.code, {}
        deadline = time.monotonic() + 120
        while (state := console.jobs.state(job))["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
        return 200, state

    return run


def test_excels_lock_files_in_an_uploaded_folder_are_passed_over_as_ledger_collect_does(tmp_path):
    """A folder of returns uploaded while one of them is open in Excel holds Excel's ~$ lock file (and a Mac's
    ._ and .DS_Store files): `ledger collect` passes them over; the console stored them renamed (_~$…), and the
    lock file named after 钢城区残联 made a unit that sent nothing 报送有误."""
    from ledger.collect import read_receipts

    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, console):
        run = runner(base, console)
        lock = b"\x04wangmin" + b"\x00" * 40
        files = {"~$钢城区残联.xlsx": lock, "._钢城区残联.xlsx": b"\x00\x05\x16\x07", ".DS_Store": b"\x00"}
        status, done = run("collect-files", {"period": "2021-06"}, {**files, "示范区财政局.xlsx": b"PK"})
        assert (status, done["state"]) == (200, "done")
        assert "已忽略3个临时或隐藏文件" in done["message"]
    assert [r.original_name for r in read_receipts(root / "source" / "returns" / "2021-06")] == ["示范区财政局.xlsx"]


def test_a_keep_takes_only_the_files_of_a_finished_preview_of_its_kind_that_offered_it(tmp_path):
    root = copy_example(tmp_path / "ws")
    units = root / "source" / "units.xlsx"
    kept = units.read_bytes()
    with served(root, "127.0.0.1") as (base, console):
        run = runner(base, console)
        status, collected = run("collect-files", {"period": "2021-06"}, {"示范区财政局.xlsx": kept})
        assert (status, collected["state"]) == (200, "done")
        status, broken = run("units-preview", {}, {"单位名录.xlsx": b"not a workbook"})
        assert (status, broken["state"], broken["details"]["keep"]) == (200, "done", None)  # errors: nothing offered
        status, unread = run("import-preview", {}, {"方案.docx": b"not a document"})
        assert (status, unread["state"], unread["details"]["keep"]) == (200, "done", None)
        status, failed = run("units-preview", {}, {"单位名录.xlsx": kept, "单位名录（2）.xlsx": kept})  # one file
        assert (status, failed["state"]) == (200, "failed")
        write_xlsx(tmp_path / "units.xlsx", [UNITS_HEADER, *UNITS])
        checked = (tmp_path / "units.xlsx").read_bytes()
        status, offered = run("units-preview", {}, {"单位名录.xlsx": checked})
        assert offered["details"]["keep"] == "units-keep"
        records = read_records(root / "source" / "console.jsonl").records

        crafted = [
            ("units-keep", collected),  # a collect job's files
            ("units-keep", broken),  # a preview that found errors
            ("units-keep", failed),  # a failed preview
            ("import-keep", unread),  # a preview that found errors
            ("import-keep", offered),  # a preview of the other kind
            ("units-keep", {"id": "0123456789abcdef"}),  # no such job
        ]
        for action, job in crafted:
            assert run(action, {"preview": job["id"]}) == (422, {}), (action, job)
        assert units.read_bytes() == kept
        assert read_records(root / "source" / "console.jsonl").records == records
        assert sorted(p.name for p in (root / "source" / "tasks").iterdir()) == sorted(
            p.name for p in (ROOT / "source" / "tasks").iterdir()
        )

        status, done = run("units-keep", {"preview": offered["id"]})
        assert (status, done["state"]) == (200, "done")
        assert units.read_bytes() == checked
        assert read_records(root / "source" / "console.jsonl").records[-1]["action"] == "units-keep"


def test_an_error_nobody_foresaw_is_answered_in_chinese_where_the_outcome_shows(tmp_path, monkeypatch):
    """A page or an action that fails in a way no check foresaw (here the record unreadable): Starlette answered
    "Internal Server Error" in English, and htmx showed nothing at all for a button's 5xx answer. The answer is
    now a panel in Chinese saying it did not happen and what to do, which the page shows where outcomes show."""
    import ledger.console.app as app

    def unreadable(path):
        raise OSError(5, "Input/output error", str(path))

    monkeypatch.setattr(app, "read_records", unreadable)
    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, _):
        status, page = get(base, "/records")
        _, board = get(base, "/")
    assert status == 500 and "Internal Server Error" not in page
    assert "出错了" in page and "未完成" in page
    config = re.search(r'name="htmx-config" content=\'([^\']*)\'', board).group(1)
    assert {"code": "5..", "swap": True, "error": True} in json.loads(config)["responseHandling"]


def test_a_keep_after_build_was_cleared_asks_for_the_file_again(tmp_path):
    """build/ deleted (it is all derivable) between 读取单位名录 and 保存单位名录: the keep ran on a preview whose file
    had gone and failed with the system's English "No such file or directory"; it is refused before it starts,
    asking for the file again, and the units file is left as it was."""
    import shutil

    root = copy_example(tmp_path / "ws")
    units = root / "source" / "units.xlsx"
    before = units.read_bytes()
    write_xlsx(tmp_path / "units.xlsx", [UNITS_HEADER, *UNITS])
    with served(root, "127.0.0.1") as (base, console):
        run = runner(base, console)
        _, offered = run("units-preview", {}, {"单位名录.xlsx": (tmp_path / "units.xlsx").read_bytes()})
        assert offered["details"]["keep"] == "units-keep"
        shutil.rmtree(root / "build" / "console" / "jobs" / offered["id"] / "files")
        assert run("units-keep", {"preview": offered["id"]}) == (422, {})
    assert units.read_bytes() == before


def test_a_ledger_moved_away_while_its_console_runs_is_said_gone_not_offered_anew(tmp_path):
    """The ledger's folder moved (to another drive, or renamed) while its console ran: the board sent the clerk to
    设置, which offered 新建台账 as for a folder that never held one, and a click made an empty ledger where the
    old one had been. The page now says the ledger is no longer there, and no action runs."""
    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, console):
        run = runner(base, console)
        root.rename(tmp_path / "moved")
        status, page = get(base, "/setup")
        assert status == 200 and "台账已不在" in page and 'data-action="init"' not in page
        assert run("init", {"title": "新台账"}) == (409, {})
    assert not root.exists()


def test_a_full_disk_under_an_action_is_said_as_the_cli_says_it(tmp_path, monkeypatch):
    """The disk filled while 汇总 wrote: `ledger merge` says 无法写入…（磁盘已满） naming the folder; the console's
    panel said 出错了：[Errno 28] No space left on device."""
    import dataclasses
    import errno
    import json

    from ledger.console import jobs
    from ledger.console.actions import ACTIONS
    from ledger.paths import WorkspacePaths

    root = copy_example(tmp_path / "ws")
    build = root / "build" / "2021-06"

    def full(job):
        raise OSError(errno.ENOSPC, "No space left on device", str(build / ".merged.xlsx.1.tmp"))

    monkeypatch.setitem(ACTIONS, "merge", dataclasses.replace(ACTIONS["merge"], run=full))
    build.mkdir(parents=True)
    folder = jobs.jobs_folder(WorkspacePaths(root)) / "0123456789abcdef"
    folder.mkdir(parents=True)
    request = {"action": "merge", "period": "2021-06", "params": {}, "files": [], "root": str(root), "by": CLERK}
    (folder / jobs.REQUEST).write_text(json.dumps(request), encoding="utf-8")
    assert jobs.run(folder) == 1
    state = jobs.read_state(folder)
    assert state["state"] == "failed" and state["message"] == f"无法写入{build}（磁盘已满）"
    assert "No space" not in json.dumps(state, ensure_ascii=False)


def test_a_page_asked_for_a_period_that_is_no_round_says_which_round_it_shows(tmp_path):
    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, _):
        for path in ("/?period=2021", "/?period=2021-H1", "/returns?period=2021-13", "/problems?period=2021-W23"):
            status, page = get(base, path)
            asked = path.split("=")[1]
            assert status == 200 and re.search(f"“{asked}”不是本台账的一期，下面显示的是2021年\\d+月。", page), path
        for path in ("/?period=2021-06", "/?period=2021-6", "/returns"):
            status, page = get(base, path)
            assert status == 200 and "不是本台账的一期" not in page, path


def test_every_field_of_every_page_says_what_it_is_for(tmp_path):
    """A field known only by its placeholder loses its name once typed in, and a screen reader may not say it:
    every input and list on the pages has a label (WCAG 1.3.1, 3.3.2); the 报送文件 page's too, with a file on it."""
    import lxml.html

    from ledger.collect import collect_returns

    from .conftest import fill_return

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    filled = fill_return(root / "build" / "2021-06" / "outbox" / "汶源街道.xlsx", tmp_path / "r.xlsx", {})
    collect_returns(load_workspace(root).paths, JUNE, [filled])
    with served(root, "127.0.0.1") as (base, _):
        unnamed = []
        for path in ("/", "/returns", "/problems", "/tasks", "/setup", "/records"):
            status, page = get(base, path)
            assert status == 200, path
            document = lxml.html.fromstring(page)
            targets = {label.get("for") for label in document.iter("label")}
            for field in document.iter("input", "select", "textarea"):
                if field.get("type") in ("hidden", "submit", "button"):
                    continue
                labelled = any(a.tag == "label" for a in field.iterancestors()) or field.get("id") in targets
                if not (labelled or field.get("aria-label") or field.get("aria-labelledby")):
                    unnamed.append((path, field.get("name")))
        assert sorted(set(unnamed)) == []


def test_a_month_run_before_the_ledger_turned_quarterly_stays_in_the_picker_and_opens(tmp_path):
    """Monthly until June, quarterly from July: the console's period picker offered the quarters only (June,
    with its returns, not among them, the second quarter nobody ran in its place), and ?period=2021-06 opened the
    current round instead. June is listed and opens; the second quarter, run as months, is not listed."""
    from starlette.requests import Request

    from ledger.console.app import make_app
    from ledger.console.board import rounds_of

    from .test_rounds import FINANCE, at, ledger_with, send

    root = ledger_with(tmp_path, "")
    send(root, "2021-06", FINANCE, {"T-1": {"完成状态": "序时推进", "本月进展": "推进"}}, at(2021, 7, 2), tmp_path)
    config = root / "ledger.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("year = 2021", 'year = 2021\nround = "quarter"'))
    ws = load_workspace(root)
    listed = [str(p) for p in rounds_of(ws)]
    assert "2021-06" in listed and "2021-Q2" not in listed and "2021-Q3" in listed
    console = make_app(root, host="127.0.0.1", port=8321, need_login=False).state.console
    asked = Request({"type": "http", "method": "GET", "query_string": b"period=2021-06", "headers": []})
    assert console.period_of(asked, ws) == Period.parse("2021-06")


def test_a_send_goes_out_only_as_it_was_previewed(tmp_path, smtp_inbox):
    """预览催报 listed a reminder to 汶源街道 (not yet returned); then 汶源街道 returned and 艾山街道's return came in
    with an error: still one message fewer than units, so the send (which checked the count) went out with an
    更正通知 to 艾山街道 that nobody had previewed. It goes out only if its messages are those previewed."""
    import openpyxl

    from ledger.collect import collect_returns
    from ledger.console.actions import ACTIONS, Job
    from ledger.problems import ProblemError

    from .conftest import fill_return

    root = copy_example(tmp_path / "ws")
    with open(root / "ledger.toml", "a", encoding="utf-8") as config:
        mail = f'host = "127.0.0.1"\nport = {smtp_inbox[1]}\nsecurity = "none"\nfrom = "o@x.cn"\nper_minute = 6000'
        config.write(f"\n[mail]\n{mail}\n")
    open_round(load_workspace(root), JUNE).render()

    def returned(unit: str, status: str, n: int) -> None:
        workbook = root / "build" / "2021-06" / "outbox" / f"{unit}.xlsx"
        tasks = [r[0].value for r in openpyxl.load_workbook(workbook)["牵头任务"].iter_rows(min_row=3) if r[0].value]
        answers = {task: {"完成状态": status, "本月进展": "推进"} for task in tasks}
        filled = fill_return(workbook, tmp_path / f"{unit}{n}.xlsx", answers)
        collect_returns(load_workspace(root).paths, JUNE, [filled])

    def previewed() -> dict[str, str]:
        shown = ACTIONS["remind-preview"].run(Job(root=root, period=JUNE, params={})).details["send"]
        return {"count": str(shown["count"]), "digest": shown["digest"]}

    returned("汶源街道", "序时推进", 1)
    mailed, before = len(smtp_inbox[0].messages), previewed()
    returned("汶源街道", "序时推进", 2)  # the same return again, a copy: what is sent is what was previewed
    assert previewed() == before
    returned("艾山街道", "序时推进", 1)
    returned("汶源街道", "不清楚", 3)  # 报送有误 now
    with pytest.raises(ProblemError) as refused:
        ACTIONS["remind-send"].run(Job(root=root, period=JUNE, params=before))
    assert refused.value.code == "console-send-changed"
    assert refused.value.fields == {"previewed": before["count"], "now": int(before["count"])}
    assert not load_workspace(root).paths.send_log(JUNE).exists() and len(smtp_inbox[0].messages) == mailed
    sent = ACTIONS["remind-send"].run(Job(root=root, period=JUNE, params=(again := previewed())))
    assert sent.message.startswith(f"已发送{again['count']}封")
    assert len(smtp_inbox[0].messages) == mailed + int(again["count"])


def test_the_half_year_and_year_reports_are_made_from_the_board(tmp_path):
    """Leaders ask for 上半年 and 全年: only `ledger report --period 2021-H1` made them, as the console's 生成通报
    refused any period but a round (period-wrong-kind). The board offers the summary periods of the ledger's
    year; the report is the CLI's, and its panel, listed again on a round's board, links the summary's files."""
    import lxml.html

    from ledger.console.actions import ACTIONS, Job
    from ledger.console.board import REPORT_FILES
    from ledger.problems import ProblemError

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    half = Period.parse("2021-H1")
    done = ACTIONS["report"].run(Job(root=root, period=half, params={"date": "2021年7月12日"}))
    assert done.message.startswith("已生成2021年上半年通报：")  # June went out and, past its due day, counts
    assert done.message.endswith("本报告汇总2021年6月共1期调度数据（2021年上半年共6期，2021年1月至5月未开展调度）。")
    assert sorted(p.name for p in (root / "build" / "2021-H1" / "report").iterdir()) == sorted(REPORT_FILES)
    with pytest.raises(ProblemError) as refused:  # the other steps stay with a round
        ACTIONS["merge"].run(Job(root=root, period=half, params={}))
    assert refused.value.code == "period-wrong-kind"
    with served(root, "127.0.0.1") as (base, console):
        status, board = get(base, "/?period=2021-06")
        form = lxml.html.fromstring(board).xpath("//form[@action='/do/report' and .//select[@name='period']]")
        assert status == 200 and len(form) == 1
        assert [o.get("value") for o in form[0].iter("option")] == ["2021-H1", "2021"]
        made = lxml.html.fromstring(board).xpath("//p[@class='downloads' and @data-period='2021-H1']//a/@href")
        assert made == [f"/files/2021-H1/{name}" for name in REPORT_FILES]  # made before: there to open
        status, job = runner(base, console)("report", {"period": "2021", "date": "2022-01-10"})
        assert (status, job["state"]) == (200, "done") and job["message"].startswith("已生成2021年全年通报：")
        assert get(base, "/files/2021/report.html")[0] == 200
        _, board = get(base, "/?period=2021-06")
        panel = lxml.html.fromstring(board).get_element_by_id(f"job-{job['id']}")
        assert [a.get("href") for a in panel.iter("a")] == [f"/files/2021/{name}" for name in REPORT_FILES]


def test_a_slow_page_does_not_hold_up_the_others(tmp_path, monkeypatch):
    """The pages merged and read the workspace inside the server's only event loop: while one clerk's 问题清单 of a
    big month was being read, every other page and every job's progress waited for it. A page that reads slowly
    now holds up no other request."""
    import threading

    import ledger.rounds

    entered, release = threading.Event(), threading.Event()
    real = ledger.rounds.open_round

    def slow(*args, **kwargs):
        entered.set()
        release.wait(timeout=60)
        return real(*args, **kwargs)

    monkeypatch.setattr(ledger.rounds, "open_round", slow)
    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, _):
        answers: list[int] = []
        reading = threading.Thread(target=lambda: answers.append(get(base, "/problems?period=2021-06")[0]))
        reading.start()
        try:
            assert entered.wait(timeout=30)
            for path, status in (("/records", 200), ("/static/console.css", 200), ("/jobs/0123456789abcdef", 404)):
                try:  # answered at once, not once the slow page is done
                    with urllib.request.urlopen(base + path, timeout=5) as answer:
                        assert answer.status == status, path
                except urllib.error.HTTPError as exc:
                    assert exc.code == status, path
        finally:
            release.set()
            reading.join(timeout=60)
        assert answers == [200]


def _one_stored_return(tmp_path):
    """A copy of the example with June rendered and 汶源街道's return (filled with nothing) stored: the workspace
    and the stored file's receipt."""
    from ledger.collect import collect_returns

    from .conftest import fill_return

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    workbook = root / "build" / "2021-06" / "outbox" / "汶源街道.xlsx"
    filled = fill_return(workbook, tmp_path / "汶源街道.xlsx", {})
    [stored] = collect_returns(load_workspace(root).paths, JUNE, [filled]).stored
    return root, stored


def test_the_returns_page_shows_what_a_correction_did_once_it_is_done(tmp_path, browser_page):
    """撤回 clicked on the 报送文件 page: its panel said 已撤回, but the file's row still said 已汇总 and offered
    撤回 again, until the clerk thought to reload. The table is read again once an action is done."""
    from playwright.sync_api import expect

    page = browser_page
    root, stored = _one_stored_return(tmp_path)
    with served(root, "127.0.0.1") as (base, _):
        page.goto(f"{base}/returns?period={JUNE}")
        row = page.locator(f"tr[data-file='{stored.file}']")
        expect(row.locator("td[data-label='处理结果']")).to_have_text("已汇总")
        row.locator("summary").click()
        row.locator("form[action='/do/withdraw'] input[name=why]").fill("重复报送")
        act(page, "withdraw", within=row)
        expect(row.locator("td[data-label='处理结果']")).to_contain_text("已撤回：重复报送")
        expect(row.locator("button[data-action='restore']")).to_have_count(1)


def test_a_corrected_received_time_is_said_as_it_was_recorded(tmp_path):
    """更正收到时间 with a day and no hour, or a time copied with its offset from a mail header: `ledger returns
    set-received` says the time recorded (midnight; the office's time); the console echoed what was typed, and a
    clerk read 10:30 UTC as the office's 10:30."""
    from ledger.collect import collect_returns
    from ledger.console.actions import ACTIONS, Job

    from .conftest import fill_return

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    workbook = root / "build" / "2021-06" / "outbox" / "汶源街道.xlsx"
    filled = fill_return(workbook, tmp_path / "r.xlsx", {})
    [stored] = collect_returns(load_workspace(root).paths, JUNE, [filled]).stored
    where = ["--workspace", str(root), "--period", "2021-06"]
    for typed in ("2021-07-04", "2021-07-04T10:30+00:00"):
        done = ACTIONS["set-received"].run(Job(root=root, period=JUNE, params={"file": stored.file, "when": typed}))
        said = CliRunner().invoke(main, ["returns", "set-received", *where, stored.file, typed]).output.strip()
        assert done.message == said, typed
    assert done.message.endswith("收到时间为2021年7月4日18:30。")


def test_the_record_of_actions_names_each_period_as_offices_write_it(tmp_path):
    """操作记录 listed the period of each action as the program keeps it (2021-06, 2021-H1); it is written as
    every other page writes it (2021年6月, 2021年上半年)."""
    import lxml.html

    from ledger.records import append_record

    root = copy_example(tmp_path / "ws")
    log = root / "source" / "console.jsonl"
    for period in ("2021-06", "2021-H1", None):
        append_record(log, {"at": "2021-07-12T09:00:00+08:00", "by": CLERK, "action": "report", "period": period})
    with served(root, "127.0.0.1") as (base, _):
        _, page = get(base, "/records")
    rows = lxml.html.fromstring(page).xpath("//table[@class='records']/tbody/tr")
    assert [row.xpath("td")[3].text_content() for row in rows] == ["", "2021年上半年", "2021年6月"]


def test_files_of_the_same_name_uploaded_together_keep_their_own_names(tmp_path):
    """A folder of replies saved from the mailbox, one subfolder per unit, each with its 附件.xlsx: the console
    renamed the second 附件（2）.xlsx before collecting it, and its receipt kept that as the name the unit sent."""
    from ledger.collect import read_receipts

    root = copy_example(tmp_path / "ws")
    with served(root, "127.0.0.1") as (base, console):
        files = {"汶源街道/附件.xlsx": b"PK1", "艾山街道/附件.xlsx": b"PK2"}
        status, done = runner(base, console)("collect-files", {"period": "2021-06"}, files)
        assert (status, done["state"]) == (200, "done")
    assert [r.original_name for r in read_receipts(root / "source" / "returns" / "2021-06")] == ["附件.xlsx"] * 2


def test_a_problems_place_on_a_job_panel_is_joined_as_the_cli_joins_it(tmp_path):
    """A return's problem on an action's panel was placed "财政局.xlsx · 牵头任务 · G3", with Western spaces."""
    from ledger.console.app import Console
    from ledger.paths import WorkspacePaths

    console = Console(paths=WorkspacePaths(tmp_path), hosts=set(), need_login=False)
    found = {"file": "财政局.xlsx", "sheet": "牵头任务", "cell": "G3", "message": "完成状态有误", "hint": "请选择"}
    job = {"id": "0123456789abcdef", "state": "done", "title": "汇总", "problems": [found]}
    page = console.templates.get_template("job.html").render(job=job, period="2021-06", csrf="", user="")
    assert "<td>财政局.xlsx；牵头任务；G3</td>" in page and " · " not in page


@pytest.mark.parametrize("how", ["chosen", "dropped"])
def test_two_returns_of_one_name_and_size_in_a_folder_each_keep_the_time_they_came(tmp_path, browser_page, how):
    """A clerk keeps each reply in a folder of the day it came (7月2日/, 7月6日/): 艾山街道 sent its workbook on
    time, then a corrected one after the due day, under the same name and (one character changed) of the same size.
    The page matched each file to its modification time by name and size, so the folder chosen or dropped had both
    taken as arriving on 7月6日, the return sent on time recorded late. Each keeps its own, matched by its path."""
    import hashlib
    from datetime import datetime

    import openpyxl
    from playwright.sync_api import expect

    from ledger.collect import read_receipts

    from .conftest import fill_return

    root = copy_example(tmp_path / "ws")
    ws = load_workspace(root)
    open_round(ws, JUNE).render()
    workbook = ws.paths.outbox(JUNE) / "艾山街道.xlsx"
    task = next(r[0].value for r in openpyxl.load_workbook(workbook)["牵头任务"].iter_rows(min_row=3) if r[0].value)
    folder, name = tmp_path / "各单位报送", "艾山街道-2021年6月进展填报表.xlsx"
    for _ in range(3):  # the corrected return: one character changed, the same size (saved in the same second)
        first = fill_return(workbook, folder / "7月2日" / name, {task: {"本月进展": "已完成第二阶段"}})
        second = fill_return(workbook, folder / "7月6日" / name, {task: {"本月进展": "已完成第三阶段"}})
        if second.stat().st_size == first.stat().st_size:
            break
    assert second.stat().st_size == first.stat().st_size
    times = {}
    for path, when in ((first, "2021-07-02T10:14:00+08:00"), (second, "2021-07-06T16:40:00+08:00")):
        moment = datetime.fromisoformat(when).timestamp()
        os.utime(path, (moment, moment))
        times[hashlib.sha256(path.read_bytes()).hexdigest()] = when
    page = browser_page
    with served(root, "127.0.0.1") as (base, _):
        page.goto(f"{base}/?period={JUNE}")
        if how == "chosen":
            page.set_input_files("input[webkitdirectory]", str(folder))
        else:  # dropped from the Explorer, as Chromium drops a folder: the page walks its entries
            box = page.locator(".dropzone").bounding_box()
            drag = {"x": box["x"] + 20, "y": box["y"] + 20, "data": {"items": [], "files": [str(folder)]}}
            cdp = page.context.new_cdp_session(page)
            for kind in ("dragEnter", "dragOver", "drop"):
                cdp.send(
                    "Input.dispatchDragEvent", {"type": kind, **drag, "data": {**drag["data"], "dragOperationsMask": 1}}
                )
            expect(page.locator(".dropzone")).to_have_attribute("data-count", "2")
        act(page, "collect-files")
    receipts = read_receipts(ws.paths.returns(JUNE))
    assert {r.sha256: r.received_at for r in receipts} == times


def test_a_send_button_of_a_page_opened_before_the_console_was_updated_asks_for_a_preview_again(tmp_path):
    """A page left open since before the console's update: its 确认发送 button posts the count of the messages
    previewed but no digest of them. It was refused as a form not filled in (请把表单填写完整), which the clerk could
    not act on; it is refused saying to preview again, and nothing is sent."""
    from ledger.problems import problem

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    with served(root, "127.0.0.1") as (base, _):
        cookie, token = session_of(base)
        for action in ("mail-send", "remind-send"):
            body, kind = multipart({"csrf": token, "period": "2021-06", "count": "12"}, {})
            headers = {"Cookie": cookie, "Origin": base, "Content-Type": kind}
            request = urllib.request.Request(f"{base}/do/{action}", data=body, headers=headers, method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=30)
            said = problem("console-send-unpreviewed")
            assert refused.value.code == 422
            assert f"{said.message}。{said.hint}" in refused.value.read().decode("utf-8"), action
    assert not load_workspace(root).paths.send_log(JUNE).exists()


def test_the_half_year_reports_links_show_on_the_board_once_it_is_made(tmp_path, browser_page):
    """生成通报 for 2021年上半年 from the board: the panel said 已生成, but the board's 上半年通报 links (查看网页版,
    下载通报.docx …) showed only once the clerk reloaded the page, while a month's links show at once. They are read
    again with the board once the report is made."""
    from playwright.sync_api import expect

    from ledger.console.board import REPORT_FILES

    page, root = browser_page, copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    with served(root, "127.0.0.1") as (base, _):
        page.goto(f"{base}/?period={JUNE}")
        links = page.locator("p.downloads[data-period='2021-H1'] a")
        expect(links).to_have_count(0)
        step = page.locator("form[action='/do/report']", has=page.locator("select[name=period]"))
        step.locator("select[name=period]").select_option("2021-H1")
        act(page, "report", within=step)
        expect(links).to_have_count(len(REPORT_FILES))
        assert [a.get_attribute("href") for a in links.all()] == [f"/files/2021-H1/{name}" for name in REPORT_FILES]


def test_a_button_clicked_twice_runs_its_action_once(tmp_path, browser_page):
    """A clerk double-clicks 退回重报, as buttons on Windows are often given: the file was sent back, and a second
    panel said 未完成：the file had been sent back already, as if the first had failed. A button's form is sent once:
    its buttons rest while the action it started runs, and come back once it is done."""
    from playwright.sync_api import expect

    page = browser_page
    root, stored = _one_stored_return(tmp_path)
    with served(root, "127.0.0.1") as (base, console):
        page.goto(f"{base}/returns?period={JUNE}")
        row = page.locator(f"tr[data-file='{stored.file}']")
        row.locator("summary").click()
        form = row.locator("form[action='/do/reject']")
        form.locator("input[name=why]").fill("牵头任务未填写完成状态")
        button = form.locator("button[data-action='reject']")
        button.click()
        page.wait_for_timeout(250)  # a double click's second click, once the first has been answered
        button.click(force=True)  # on the button as it is then, enabled or not
        job = page.locator("#jobs article.job").first
        expect(job).to_have_class(re.compile(r"\b(done|failed)\b"), timeout=60_000)
        page.wait_for_timeout(1500)
        expect(page.locator("#jobs article.job")).to_have_count(1)
        assert [job.action for job in console.jobs.started.values()] == ["reject"]
        expect(page.locator("button[data-action='restore']")).to_be_enabled()  # the table read again after it
        page.goto(f"{base}/?period={JUNE}")
        button = page.locator("button[data-action='merge']")
        button.dblclick()
        expect(page.locator("#jobs article.job.done")).to_have_count(2, timeout=60_000)  # the reject's, listed again
        expect(button).to_be_enabled()  # back once its job is done, for the next merge
        assert [job.action for job in console.jobs.started.values()] == ["reject", "merge"]


def test_a_folder_uploaded_by_a_page_with_the_script_from_before_the_update_keeps_its_files_times(tmp_path):
    """The browser keeps the console's script for an hour: a page opened just after an update may still name each
    chosen file's time by its name alone, while the folder's files come with their path. They kept no time then, and
    a return saved on time but uploaded after the due day was taken as arriving at the upload, late."""
    from datetime import datetime

    from ledger.collect import read_receipts

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    data = (root / "build" / "2021-06" / "outbox" / "艾山街道.xlsx").read_bytes()
    arrived = datetime.fromisoformat("2021-07-02T10:14:00+08:00")
    times = json.dumps([["艾山街道.xlsx", len(data), arrived.timestamp() * 1000]])
    with served(root, "127.0.0.1") as (base, console):
        run = runner(base, console)
        status, done = run("collect-files", {"period": "2021-06", "modified": times}, {"收到/艾山街道.xlsx": data})
        assert (status, done["state"]) == (200, "done")
    [receipt] = read_receipts(root / "source" / "returns" / "2021-06")
    assert (receipt.received_at, receipt.received_how) == (arrived.isoformat(), "mtime")


def test_a_page_opened_after_an_upgrade_fetches_the_new_script_and_keeps_the_unchanged_style(tmp_path):
    """The browser keeps the console's script and style for an hour: for that hour after the package was upgraded,
    a page ran the old script against the new console (without the guard against a double click, without the
    times of a folder's files). A page names each file by its content, so a changed one is fetched at once and an
    unchanged one is still taken from the browser's cache."""
    import shutil

    root = copy_example(tmp_path / "ws")
    upgraded = tmp_path / "upgraded"
    shutil.copytree(ROOT / "ledger", upgraded / "ledger", ignore=shutil.ignore_patterns("__pycache__"))
    script = upgraded / "ledger" / "console" / "static" / "console.js"
    script.write_bytes(script.read_bytes() + b"// the next version\n")

    def assets(package: Path) -> dict[str, str]:
        """The page's script and style addresses by file name, each checked to serve that package's file."""
        process, base = start_console(root, package=package)
        try:
            found = re.findall(r'(?:src|href)="(/static/[^"]+)"', get(base, "/setup")[1])
            for url in found:
                with urllib.request.urlopen(base + url, timeout=30) as answer:
                    name = urllib.parse.urlsplit(url).path.rsplit("/", 1)[1]
                    assert answer.read() == (package / "ledger" / "console" / "static" / name).read_bytes(), url
        finally:
            stop(process)
        return {urllib.parse.urlsplit(url).path: url for url in found}

    before, after = assets(ROOT), assets(upgraded)
    assert set(before) == set(after) == {"/static/console.css", "/static/htmx.min.js", "/static/console.js"}
    assert before["/static/console.js"] != after["/static/console.js"]
    assert before["/static/console.css"] == after["/static/console.css"]
    assert before["/static/htmx.min.js"] == after["/static/htmx.min.js"]


def test_a_received_time_typed_as_offices_write_it_is_taken_on_the_page_as_by_the_cli(tmp_path):
    """更正收到时间 on the 报送文件 page (the board's 实际收到时间 and `ledger returns set-received` alike): a clerk
    types the time as the office writes it, "2021年7月4日 下午3:30", or "7月4日10:30" with no year, and was told
    无法识别. A half-day word with its hour is taken, a day without a year is of the year nearest the round's due
    date (as the report date is: December's 1月5日 is in the January after, its 12月28日 in its own December); what
    could be two times is refused."""
    from ledger.collect import collect_returns
    from ledger.console.actions import ACTIONS, Job
    from ledger.problems import ProblemError

    from .conftest import fill_return

    root = copy_example(tmp_path / "ws")
    open_round(load_workspace(root), JUNE).render()
    workbook = root / "build" / "2021-06" / "outbox" / "汶源街道.xlsx"
    december = Period(2021, 12)
    stored = {
        period: collect_returns(
            load_workspace(root).paths, period, [fill_return(workbook, tmp_path / f"{period}.xlsx", {})]
        )
        .stored[0]
        .file
        for period in (JUNE, december)
    }
    for period, typed, recorded in (
        (JUNE, "2021年7月4日 下午3:30", "2021年7月4日15:30"),
        (JUNE, "2021年7月4日下午3点半", "2021年7月4日15:30"),
        (JUNE, "7月4日10:30", "2021年7月4日10:30"),
        (JUNE, "7月4日 上午10:30", "2021年7月4日10:30"),
        (JUNE, "2021/7/4 15:30", "2021年7月4日15:30"),
        (december, "1月5日 9:00", "2022年1月5日9:00"),
        (december, "12月28日10:30", "2021年12月28日10:30"),  # not 2022年12月28日, a year after it came
    ):
        params = {"file": stored[period], "when": typed}
        done = ACTIONS["set-received"].run(Job(root=root, period=period, params=params))
        where = ["--workspace", str(root), "--period", str(period)]
        said = CliRunner().invoke(main, ["returns", "set-received", *where, stored[period], typed]).output.strip()
        assert done.message == said and done.message.endswith(f"收到时间为{recorded}。"), typed
    for typed in ("7月4日上午", "2021年7月4日晚上12点", "2021年7月4日上午15:30", "7月5日下午三点"):
        with pytest.raises(ProblemError) as refused:
            ACTIONS["set-received"].run(Job(root=root, period=JUNE, params={"file": stored[JUNE], "when": typed}))
        assert refused.value.code == "received-time-invalid", typed


def test_a_received_time_typed_for_one_upload_is_not_taken_for_the_next(tmp_path, browser_page):
    """接收报送 with 实际收到时间 typed for a return brought in on a USB stick, then the next returns chosen, saved as
    they came: the form still held the first time (and the first files, 已选1个文件), so the next returns were stored
    as received then, a late one counted on time. Once an upload is stored its form is emptied; one that failed
    keeps what the clerk typed and chose, to correct and send again."""
    from datetime import datetime

    from playwright.sync_api import expect

    from ledger.collect import read_receipts

    root = copy_example(tmp_path / "ws")
    ws = load_workspace(root)
    open_round(ws, JUNE).render()
    saved = tmp_path / "收到" / "艾山街道.xlsx"
    saved.parent.mkdir()
    saved.write_bytes((ws.paths.outbox(JUNE) / "艾山街道.xlsx").read_bytes())
    arrived = datetime.fromisoformat("2021-07-08T16:20:00+08:00")  # after the due day: late
    os.utime(saved, (arrived.timestamp(), arrived.timestamp()))
    stick = tmp_path / "U盘" / "汶源街道.xlsx"
    stick.parent.mkdir()
    stick.write_bytes((ws.paths.outbox(JUNE) / "汶源街道.xlsx").read_bytes())
    page = browser_page
    with served(root, "127.0.0.1") as (base, _):
        page.goto(f"{base}/?period={JUNE}")
        form = page.locator("form[action='/do/collect-files']")
        page.set_input_files("#return-files", [str(stick)])
        form.locator("input[name=received]").fill("2021年7月40日10:30")
        page.locator("button[data-action='collect-files']").click()
        expect(page.locator("#jobs article.job.failed")).to_have_count(1, timeout=60_000)
        expect(form.locator("input[name=received]")).to_have_value("2021年7月40日10:30")  # kept, to correct
        assert page.evaluate("document.getElementById('return-files').files.length") == 1
        form.locator("input[name=received]").fill("2021年7月4日10:30")
        act(page, "collect-files")
        expect(form.locator("input[name=received]")).to_have_value("")
        expect(form.locator(".dropzone")).not_to_have_attribute("data-count", re.compile("."))
        assert page.evaluate("document.getElementById('return-files').files.length") == 0
        page.set_input_files("#return-files", [str(saved)])
        act(page, "collect-files")
    receipts = {r.original_name: (r.received_at, r.received_how) for r in read_receipts(ws.paths.returns(JUNE))}
    assert receipts == {
        "汶源街道.xlsx": ("2021-07-04T10:30:00+08:00", "given"),
        "艾山街道.xlsx": (arrived.isoformat(), "mtime"),
    }
