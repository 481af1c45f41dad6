"""The console's pages and the requests they make: a small server-rendered app (Starlette, Jinja2, htmx).

Pages read the workspace in the server's process (the board, the stored returns, the problems: what `ledger
status` and `ledger returns list` read, holding no lock), each in a worker thread (plain `def` endpoints, which
Starlette runs in its thread pool), so a slow read never holds up another page; everything that writes is an
action from the registry, run by `jobs` in a fresh process. Every request passes `trust`'s checks first.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..cells import printable
from ..config import ConfigError
from ..model import Period
from ..paths import WorkspacePaths
from ..problems import ERROR, ProblemError, problem
from ..records import current_user, read_records
from ..schedule import period_kind_error
from ..sent import ran_rounds
from ..wording import STATE_NAMES, local_text
from ..workspace import Workspace, load_workspace
from .actions import ACTIONS, SEND_FIELDS, Action
from .board import REPORT_FILES, board_of, current_round, rounds_of, summaries_of
from .jobs import Jobs
from .trust import (
    SESSION_COOKIE,
    Session,
    Sessions,
    check_password,
    listen_names,
    password_set,
    same_origin,
    url_host,
)

HERE = Path(__file__).parent
STATIC = {"htmx.min.js": "text/javascript", "console.css": "text/css", "console.js": "text/javascript"}
LAST_MS = 32503680000000  # the year 3000, in milliseconds: no file was saved later
MAX_UPLOAD = 50 * 1024 * 1024  # one request's files together: a month's returns with their scans
MAX_FILES = 500
DOWNLOADS = {*REPORT_FILES, "merged.xlsx", "problems.xlsx"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
# report.html is the report's own page, with its inline style and filtering script: served sandboxed (an origin of
# its own, so its script reaches neither the console nor its session) and loading nothing from anywhere.
REPORT_PAGE_HEADERS = {
    **SECURITY_HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; sandbox allow-scripts allow-modals allow-popups allow-downloads",
}
STATE_WORDS = {
    "queued": "准备中",
    "waiting": "等待上一项操作完成",
    "running": "进行中",
    "done": "完成",
    "failed": "未完成",
}


def static_addresses() -> dict[str, str]:
    """Each static file's address as pages name it, with a digest of its bytes: the browser keeps a file an hour,
    and a page of an upgraded console names a changed file anew, so it is fetched at once (an unchanged one is not)."""
    return {
        name: f"/static/{name}?v={hashlib.sha256((HERE / 'static' / name).read_bytes()).hexdigest()[:12]}"
        for name in STATIC
    }


def modified_times(text: str) -> dict[tuple[str, int], float]:
    """The chosen files' modification times the page sends beside them (console.js: the name each is uploaded by,
    with its folders when a folder was chosen or dropped, its size and milliseconds since 1970), by that name and
    size, in seconds; whatever is not that shape, or no plausible time, is left out."""
    try:
        found = json.loads(text) if text else []
    except ValueError:
        return {}
    times = {}
    for item in found if isinstance(found, list) else []:
        if isinstance(item, list) and len(item) == 3:
            name, size, ms = item
            if isinstance(name, str) and isinstance(size, int) and isinstance(ms, int | float) and 0 < ms < LAST_MS:
                times[name, size] = ms / 1000
    return times


def period_label(text: str | None) -> str:
    """A period as records keep it (2021-H1), as offices write it (2021年上半年); one that is no period, as kept."""
    try:
        return Period.parse(str(text)).label if text else ""
    except ValueError:
        return str(text)


def wrong_host() -> Response:
    return PlainTextResponse("地址不对：请用控制台启动时显示的地址访问。", status_code=400)


def refusal(message: str, status_code: int) -> Response:
    """An action refused before it started, said as a job that did not run: htmx puts it in the panel where an
    action's outcome shows (base.html lets 4xx and 5xx answers through), a form posted without htmx shows it alone."""
    return HTMLResponse(
        '<article class="job failed"><header><strong>未执行</strong> <span class="state" data-state="failed">'
        f'未完成</span></header><p class="message">{escape(message)}</p></article>',
        status_code=status_code,
        headers=SECURITY_HEADERS,
    )


def expired() -> Response:
    return refusal("拒绝：页面已过期或请求不是从控制台页面发出的，请刷新页面后重试。", 403)


def shown_instead(request: Request, period: Period | None) -> str:
    """Why the page shows another round than the one its address asks for (a period that is no round of this
    ledger: a year, a half-year, a typing slip), so a clerk never reads one round's figures as another's."""
    asked = request.query_params.get("period", "").strip()
    if not asked or not isinstance(period, Period):
        return ""
    try:
        if Period.parse(asked) == period:
            return ""
    except ValueError:
        pass
    return f"“{asked}”不是本台账的一期，下面显示的是{period.label}。"


@dataclass(kw_only=True)
class Console:
    """The console of one workspace: who may use it, the jobs it started, its pages."""

    paths: WorkspacePaths
    hosts: set[str]  # Host headers that name this console (127.0.0.1:8321, localhost:8321 …), in lower case
    need_login: bool
    sessions: Sessions = field(default_factory=Sessions)
    jobs: Jobs = field(init=False)
    templates: Environment = field(init=False)
    had_ledger: bool = field(init=False)  # started on a ledger: one missing since was moved away, not never made

    def __post_init__(self) -> None:
        self.jobs = Jobs(paths=self.paths)
        self.had_ledger = self.paths.config.is_file()
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.templates.filters["moment"] = local_text
        self.templates.filters["period_label"] = period_label
        self.templates.globals.update(
            need_login=self.need_login,
            STATE_WORDS=STATE_WORDS,
            STATE_NAMES=STATE_NAMES,
            ACTION_TITLES={a.name: a.title for a in ACTIONS.values()},
            STATIC=static_addresses(),
        )

    # --- trust

    def page(self, name: str, request: Request, session: Session | None, **context: Any) -> HTMLResponse:
        text = self.templates.get_template(name).render(
            csrf=session.csrf if session else "",
            user=session.user if session else "",
            shown_instead=shown_instead(request, context.get("period")),
            **context,
        )
        # control and bidi characters a unit typed shown escaped, as on report.html (templating.pieces)
        return HTMLResponse(printable(text, page=True), headers=SECURITY_HEADERS)

    def gone(self) -> str:
        """What to say when the ledger this console started on is no longer where it was (its folder moved,
        renamed or deleted): nothing is done there, and a new ledger is not offered in its place."""
        if not self.had_ledger or self.paths.config.is_file():
            return ""
        return f"台账已不在 {self.paths.root}（文件夹被移动、改名或删除）：请关闭本控制台，在台账的新位置重新启动。"

    def known_host(self, request: Request) -> bool:
        return request.headers.get("host", "").lower() in self.hosts

    def guard(self, request: Request, *, page: bool = False) -> tuple[Session | None, Response | None]:
        """The request's session, or the answer that refuses it: a foreign Host, a POST from another page or
        without its token, a visitor not signed in. On loopback without a password only a `page` (one with forms)
        opens a session; a file or a job's progress needs none, and a POST without one is refused."""
        host = request.headers.get("host", "")
        if not self.known_host(request):
            return None, wrong_host()
        if request.method == "POST" and not same_origin(
            request.headers.get("origin"), request.headers.get("referer"), host
        ):
            return None, refusal("拒绝：请求不是从控制台页面发出的。", 403)
        token = request.cookies.get(SESSION_COOKIE)
        session = self.sessions.get(token)
        if session is None and not self.need_login and page:  # loopback without a password: the OS user's
            request.state.new_session = self.sessions.open(current_user() or "本机用户")
            return self.sessions.get(request.state.new_session), None
        if session is None and not self.need_login:
            return None, (expired() if request.method == "POST" else None)
        if session is None:
            return None, RedirectResponse("/login", status_code=303)
        return session, None

    def checked(self, request: Request, session: Session, form: dict[str, Any]) -> Response | None:
        """A POST's CSRF token, from the form or htmx's header."""
        given = request.headers.get("x-csrf-token") or str(form.get("csrf", ""))
        if not given or given != session.csrf:
            return expired()
        return None

    def with_cookie(self, response: Response, request: Request) -> Response:
        """The session cookie for a visitor the console opened a session for (loopback without a password)."""
        if token := getattr(request.state, "new_session", None):
            response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict")
        return response

    # --- reading the workspace

    def workspace(self) -> Workspace | None:
        if not self.paths.config.is_file():
            return None
        try:
            return load_workspace(self.paths.root)
        except ConfigError:
            return None

    def period_of(self, request: Request, ws: Workspace) -> Period:
        """The round asked for, or the current one for a period that is none or not a round (2021, 2021-H1)."""
        try:
            found = Period.parse(request.query_params.get("period", ""))
        except ValueError:
            return current_round(ws)
        ran = ran_rounds(ws.paths)  # a month run before the ledger turned quarterly too
        return current_round(ws) if period_kind_error(ws.config, found, summary=False, ran=ran) else found

    def round_page(self, request: Request) -> tuple[Session | None, Workspace, Period] | Response:
        """What a page about one round starts from: its session, the workspace and the round asked for; or the
        answer that refuses the request (see guard), or the set-up page when there is no ledger yet."""
        session, refused = self.guard(request, page=True)
        if refused:
            return refused
        ws = self.workspace()
        if ws is None:
            return RedirectResponse("/setup", status_code=303)
        return session, ws, self.period_of(request, ws)

    # --- pages

    def board(self, request: Request) -> Response:
        opened = self.round_page(request)
        if isinstance(opened, Response):
            return opened
        session, ws, period = opened
        errors = [p for p in ws.problems if p.severity == ERROR]
        board = None if errors else board_of(ws, period)
        name = "board_refresh.html" if request.query_params.get("part") == "refresh" else "board.html"
        response = self.page(
            name,
            request,
            session,
            ws=ws,
            period=period,
            rounds=rounds_of(ws),
            summaries=summaries_of(ws),
            board=board,
            errors=errors,
            jobs=self.jobs.listed(rounds=True),
            actions=ACTIONS,
        )
        return self.with_cookie(response, request)

    def returns(self, request: Request) -> Response:
        opened = self.round_page(request)
        if isinstance(opened, Response):
            return opened
        session, ws, period = opened
        from ..returns import list_returns

        lines = list_returns(ws, period)
        units = sorted(ws.units)
        response = self.page("returns.html", request, session, ws=ws, period=period, lines=lines, units=units)
        return self.with_cookie(response, request)

    def problems(self, request: Request) -> Response:
        opened = self.round_page(request)
        if isinstance(opened, Response):
            return opened
        session, ws, period = opened
        from ..rounds import open_round

        merged = open_round(ws, period).merge()
        by_unit: dict[str, list[Any]] = defaultdict(list)
        for p in merged.problems:
            by_unit[p.unit or "（未确定单位）"].append(p)
        response = self.page("problems.html", request, session, ws=ws, period=period, by_unit=sorted(by_unit.items()))
        return self.with_cookie(response, request)

    def tasks(self, request: Request) -> Response:
        opened = self.round_page(request)
        if isinstance(opened, Response):
            return opened
        session, ws, period = opened
        from ..rounds import open_round
        from ..task_changes import KIND_NAMES, read_changes

        response = self.page(
            "tasks.html",
            request,
            session,
            ws=ws,
            period=period,
            tasks=open_round(ws, period).tasks,
            rounds=rounds_of(ws),
            kinds=KIND_NAMES,
            changes=read_changes(ws.paths),
        )
        return self.with_cookie(response, request)

    def records(self, request: Request) -> Response:
        session, refused = self.guard(request, page=True)
        if refused:
            return refused
        found = read_records(self.paths.console_log).records[-200:]
        response = self.page("records.html", request, session, ws=self.workspace(), records=found[::-1])
        return self.with_cookie(response, request)

    def setup(self, request: Request) -> Response:
        session, refused = self.guard(request, page=True)
        if refused:
            return refused
        exists = self.paths.config.is_file()
        if gone := self.gone():
            return self.with_cookie(self.page("setup.html", request, session, gone=gone, exists=False), request)
        try:  # a ledger.toml that does not load is said here, where the board sends the clerk
            ws = load_workspace(self.paths.root) if exists else None
            problems = ws.problems if ws else []
        except ConfigError as exc:
            ws, problems = None, exc.problems
        summary = ws.summary() if ws is not None else None
        from ..reorganise import latest_start, unit_change_log

        response = self.page(
            "setup.html",
            request,
            session,
            ws=ws,
            exists=exists,
            summary=summary,
            problems=problems,
            rounds=rounds_of(ws) if ws else [],
            latest=latest_start(ws) if ws else None,  # a unit change starts from this round at the latest
            changes=unit_change_log(ws) if ws else [],
            jobs=self.jobs.listed(rounds=False),
        )
        return self.with_cookie(response, request)

    def download(self, request: Request) -> Response:
        """A report or merge output of a round: only those names, only from build/<period>/ of this workspace."""
        _, refused = self.guard(request)
        if refused:
            return refused
        name = request.path_params["name"]
        try:
            period = Period.parse(request.path_params["period"])
        except ValueError:
            return PlainTextResponse("没有这个报告期。", status_code=404)
        if name not in DOWNLOADS:
            return PlainTextResponse("没有这个文件。", status_code=404)
        folder = self.paths.report(period) if name in REPORT_FILES else self.paths.period(period)
        path = (folder / name).resolve()
        if not path.is_file() or not path.is_relative_to(self.paths.root.resolve()):
            return PlainTextResponse("文件还没有生成。", status_code=404)
        if name.endswith(".html"):
            return FileResponse(path, media_type="text/html; charset=utf-8", headers=REPORT_PAGE_HEADERS)
        return FileResponse(path, filename=f"{period}-{name}", headers=SECURITY_HEADERS)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("没有这个文件。", status_code=404)
        return FileResponse(HERE / "static" / name, media_type=STATIC[name], headers={"Cache-Control": "max-age=3600"})

    async def icon(self, request: Request) -> Response:
        """The icon a browser asks for beside every page: nothing (a 404 was an error in its console each time),
        kept a day so it is not asked again on every page."""
        return Response(status_code=204, headers={"Cache-Control": "max-age=86400"})

    # --- sign in

    async def login(self, request: Request) -> Response:
        host = request.headers.get("host", "")
        if not self.known_host(request):
            return wrong_host()
        if request.method == "GET":
            return self.page("login.html", request, None, message="")
        if not same_origin(request.headers.get("origin"), request.headers.get("referer"), host):
            return PlainTextResponse("拒绝：请求不是从控制台页面发出的。", status_code=403)
        address = request.client.host if request.client else ""
        wait = self.sessions.wait_before_login(address)
        if wait:
            return self.page("login.html", request, None, message=f"尝试次数过多，请{wait}秒后再试。")
        form = await request.form(max_files=0, max_fields=5)
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        if not name or not await run_in_threadpool(check_password, self.paths.console_password, password):
            self.sessions.failed_login(address)
            return self.page("login.html", request, None, message="姓名或密码不对。")
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(SESSION_COOKIE, self.sessions.open(name), httponly=True, samesite="strict")
        return response

    async def logout(self, request: Request) -> Response:
        session, refused = self.guard(request)
        if refused or session is None:
            return refused or RedirectResponse("/login", status_code=303)
        form = await request.form(max_files=0, max_fields=5)
        if refused := self.checked(request, session, dict(form)):
            return refused
        self.sessions.close(request.cookies.get(SESSION_COOKIE))
        return RedirectResponse("/login", status_code=303)

    # --- actions

    async def act(self, request: Request) -> Response:
        session, refused = self.guard(request)
        if refused or session is None:
            return refused or RedirectResponse("/login", status_code=303)
        action = ACTIONS.get(request.path_params["name"])
        if action is None:
            return refusal("没有这项操作。", 404)
        if gone := self.gone():
            return refusal(gone, 409)
        size = request.headers.get("content-length")
        if size is None or not size.isdigit():
            return refusal("请求不完整。", 411)
        if int(size) > MAX_UPLOAD:
            return refusal(f"文件太大：一次最多上传{MAX_UPLOAD // 1024 // 1024}MB，请分几次上传。", 413)
        try:
            form = await request.form(max_files=MAX_FILES if action.uploads else 0, max_fields=50)
        except HTTPException:  # more files or fields than a request takes, or a body cut short: Starlette's words
            return refusal(f"上传的内容无法接收：一次最多上传{MAX_FILES}个文件，请分几次上传。", 400)
        if refused := self.checked(request, session, dict(form)):
            return refused
        params = {  # a field given more than once (the units of a merge): one a line
            key: "\n".join(v for v in form.getlist(key) if isinstance(v, str))
            for key in form
            if key not in ("csrf", "period", "preview", "modified") and isinstance(form[key], str)
        }
        modified = modified_times(str(form.get("modified", "")))
        uploads = [  # by the name the file came under; a page whose script is from before an update names it alone
            (name, data, modified.get((name, len(data)), modified.get((re.split(r"[\\/]", name)[-1], len(data)))))
            for f in form.getlist("files")
            if isinstance(f, UploadFile) and (name := f.filename or "") and (data := await f.read())
        ]
        return await run_in_threadpool(self.start, request, session, action, form, params, uploads)

    def start(
        self,
        request: Request,
        session: Session,
        action: Action,
        form: FormData,
        params: dict[str, str],
        uploads: list[tuple[str, bytes, float | None]],
    ) -> Response:
        """An action's form, read: checked, and its job started (files written, a process started: off the loop)."""
        missing = [name for name in action.fields if not params.get(name, "").strip()]
        if set(missing) & set(SEND_FIELDS):  # a send button of a page older than its preview's digest
            found = problem("console-send-unpreviewed")
            return refusal(f"{found.message}。{found.hint}", 422)
        if missing or (action.uploads and not uploads):
            return refusal("请把表单填写完整（或选择文件）后再提交。", 422)
        staged = self.jobs.staged(str(form.get("preview", "")), action.name) if action.keeps else []
        if action.keeps and not staged:
            return refusal("要保存的文件已不在，请重新上传。", 422)
        period = None
        if action.round:
            try:
                period = Period.parse(str(form.get("period", "")))
            except ValueError:
                found = problem("console-period-missing")
                return refusal(f"{found.message}。{found.hint}", 422)
        started = self.jobs.start(action.name, period, params, user=session.user, uploads=uploads, staged=staged)
        state = self.jobs.state(started.id)
        return self.page("job.html", request, session, job=state, period=period)

    def job(self, request: Request) -> Response:
        session, refused = self.guard(request)
        if refused:
            return refused
        state = self.jobs.state(request.path_params["id"])
        if state is None:  # a page polling a job of the console before it was started again
            return refusal("这项操作的进度已无法查看（控制台已重新启动），结果见“操作记录”。", 404)
        period = request.query_params.get("period")
        response = self.page("job.html", request, session, job=state, period=period)
        if state["state"] in ("done", "failed"):
            done = {"value": state["id"], "done": state["state"] == "done"}  # console.js: the form it came from
            response.headers["HX-Trigger"] = json.dumps({"ledger-changed": done})
        return response


async def _not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse("没有这个页面：请从控制台的看板进入。", status_code=404, headers=SECURITY_HEADERS)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(
        "这个地址不能直接打开：请回到看板，点页面上的按钮操作。", status_code=405, headers=SECURITY_HEADERS
    )


async def _failed(request: Request, exc: Exception) -> Response:
    """An error no check foresaw, said as an action that did not run (htmx shows a 5xx where outcomes show); the
    traceback goes to the console's window as before."""
    return refusal(
        "出错了：控制台处理这个请求时出错，未完成。请刷新页面后重试；仍出错的，"
        "请把启动控制台的窗口中显示的错误信息告诉技术支持人员。",
        500,
    )


# Starlette's own answers to an address no route has, a route asked the wrong way, or an error are English
NOT_HERE: dict[Any, Any] = {404: _not_found, 405: _not_allowed, 500: _failed}


def make_app(root: Path, *, host: str, port: int, need_login: bool) -> Starlette:
    """The console of the workspace at `root`, answering to the Host names of `host`:`port` (for a wildcard
    host, this machine's names and addresses)."""
    hosts = {f"{url_host(name)}:{port}" for name in listen_names(host)}
    console = Console(paths=WorkspacePaths(root), hosts=hosts, need_login=need_login)
    routes = [
        Route("/", console.board),
        Route("/returns", console.returns),
        Route("/problems", console.problems),
        Route("/records", console.records),
        Route("/tasks", console.tasks),
        Route("/setup", console.setup),
        Route("/login", console.login, methods=["GET", "POST"]),
        Route("/logout", console.logout, methods=["POST"]),
        Route("/do/{name}", console.act, methods=["POST"]),
        Route("/jobs/{id}", console.job),
        Route("/files/{period}/{name}", console.download),
        Route("/static/{name}", console.static),
        Route("/favicon.ico", console.icon),
    ]
    app = Starlette(routes=routes, exception_handlers=NOT_HERE)
    app.state.console = console
    return app


def login_needed(root: Path, host: str) -> bool:
    """A password is needed beyond loopback, and wherever one was set; raises when it is needed and missing."""
    from .trust import is_loopback

    paths = WorkspacePaths(root)
    if password_set(paths.console_password):
        return True
    if not is_loopback(host):
        raise ProblemError("console-password-missing", host=host)
    return False
