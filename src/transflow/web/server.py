"""`transflow serve`: the review pages, editable, on a small Starlette app.

Pages are the static review templates rendered with ``editable=True``; every change goes
through the library (``save_sentence``, ``approve``, ``add_term``), so a sentence fixed in the
browser and one fixed in draft.en.md are the same thing. Safety: a token for anything beyond
loopback, a CSRF token and an origin check on every POST, a body size limit, validated slugs,
a strict CSP with a per-response nonce.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from transflow.errors import TransflowError
from transflow.project import RECORD_FILE, Project
from transflow.slugs import slug_problem
from transflow.states import TermStatus

MAX_BODY = 64 * 1024  # one sentence, a glossary term: far below this
LOOPBACK = ("127.0.0.1", "localhost", "::1")
TOKEN_COOKIE = "transflow_token"
# What output/ folder names look like (slugs.py will own this check once it lands).


@dataclass(frozen=True)
class ServerConfig:
    """What the app needs to know about how it is reached."""

    project: Project
    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None  # required on every request when set
    csrf: str = ""


def needs_token(host: str) -> bool:
    """Anything reachable beyond this machine needs a token."""
    return host not in LOOPBACK


def _valid_slug(project: Project, slug: str) -> bool:
    """A slug (the one validator, ``slugs.slug_problem``) whose folder holds a record."""
    if slug_problem(slug) is not None:
        return False
    try:
        folder = project.article_dir(slug)  # refuses a folder that links out of output/
    except TransflowError:
        return False
    return (folder / RECORD_FILE).is_file()


# ---- middleware ---------------------------------------------------------------------------------


class Guard:
    """Token, Host, body size and security headers, before anything else sees the request."""

    def __init__(self, app: ASGIApp, config: ServerConfig) -> None:
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        problem = self._refuse(request)
        if problem is not None:
            await _secured(problem, _nonce())(scope, receive, send)
            return
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            await _secured(_error(413, "request body too large"), _nonce())(scope, receive, send)
            return
        nonce = _nonce()
        scope.setdefault("state", {})["nonce"] = nonce
        # The whole body is read here, within the limit, so a chunked body without a length
        # is refused before any endpoint starts (a response cannot be taken back).
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_BODY:
                await _secured(_error(413, "request body too large"), nonce)(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        async def secure(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.encode(), v.encode()) for k, v in security_headers(nonce).items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, replay, secure)

    def _refuse(self, request: Request) -> Response | None:
        config = self.config
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]")
        if not needs_token(config.host) and host not in LOOPBACK:
            return _error(403, "unknown Host header")  # a DNS-rebinding page cannot reach us
        if config.token is None:
            return None
        given = (
            request.query_params.get("token")
            or request.cookies.get(TOKEN_COOKIE)
            or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        )
        if not given or not hmac.compare_digest(given.encode(), config.token.encode()):
            return _error(401, "a token is required: open the URL transflow serve printed")
        return None


def security_headers(nonce: str) -> dict[str, str]:
    """Headers on every response: a CSP with this response's nonce and no eval, no framing, no sniffing."""
    return {
        "content-security-policy": (
            f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'"
        ),
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "no-referrer",
        "cache-control": "no-store",
    }


def _secured(response: Response, nonce: str) -> Response:
    response.headers.update(security_headers(nonce))
    return response


def _nonce() -> str:
    return secrets.token_urlsafe(16)


def _error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


# ---- the app ------------------------------------------------------------------------------------


def create_app(config: ServerConfig) -> ASGIApp:
    """The ASGI app for one project."""
    from transflow.pages.review import jinja_environment
    from transflow.settings import load_settings

    if not config.csrf:
        config = ServerConfig(
            config.project, config.host, config.port, config.token, secrets.token_urlsafe(24)
        )
    project = config.project
    load_settings(project.root)  # a mistake in transflow.toml stops the server before it starts
    env = jinja_environment()

    def page(request: Request, template: str, **context: Any) -> HTMLResponse:
        html = env.get_template(template).render(
            editable=True,
            nonce=request.scope["state"]["nonce"],
            csrf=config.csrf,
            settings=load_settings(project.root),
            **context,
        )
        response = HTMLResponse(html)
        if config.token and request.query_params.get("token") == config.token:
            response.set_cookie(TOKEN_COOKIE, config.token, httponly=True, samesite="strict")
        return response

    def index(request: Request) -> Response:
        from transflow.work.workflow import index_rows

        return page(request, "index.html", rows=index_rows(project))

    def review(request: Request) -> Response:
        from transflow.pages.review import build_review_page

        slug = request.path_params["slug"]
        if not _valid_slug(project, slug):
            return _error(404, "no such article")
        try:
            built = build_review_page(project, slug)
        except TransflowError as e:  # a damaged record: status and translate say what to do
            return _error(404, e.message)
        return page(request, "review.html", page=built, edit=edit_state(project, slug))

    def folder(request: Request) -> Response:
        slug = request.path_params["slug"]
        if not _valid_slug(project, slug):
            return _error(404, "no such article")
        return RedirectResponse(f"/{slug}/review.html")

    def state(request: Request) -> Response:
        slug = request.path_params["slug"]
        if not _valid_slug(project, slug):
            return _error(404, "no such article")
        return JSONResponse(edit_state(project, slug))

    async def article_post(request: Request) -> tuple[str, dict[str, Any]] | Response:
        """A POST about one article: refused (token, CSRF, origin), 404, or its slug and JSON body."""
        refused = _check_post(request, config)
        if refused:
            return refused
        slug = request.path_params["slug"]
        if not _valid_slug(project, slug):
            return _error(404, "no such article")
        data = await _json(request)
        return data if isinstance(data, Response) else (slug, data)

    async def save(request: Request) -> Response:
        """A save of one unit's English: ``/sentences/5`` (sentence 5) or ``/units/5`` (its unit id)."""
        from starlette.concurrency import run_in_threadpool

        from transflow.actions.sentences import save_unit

        posted = await article_post(request)
        if isinstance(posted, Response):
            return posted
        slug, data = posted
        unit = str(request.path_params.get("number", request.path_params.get("unit", "")))
        english, version = data.get("english"), data.get("version")
        if not isinstance(english, str) or not isinstance(version, str) or len(english) > 5000:
            return _error(400, "expected english and version")
        result = await run_in_threadpool(save_unit, project, slug, unit, english, version)
        body = {
            "saved": result.saved,
            "number": result.number,
            "english": result.english,
            "version": result.version,
            "draft": result.draft_sha256,
            "file_edits": result.file_edits,
        }
        return JSONResponse(body, status_code=200 if result.saved else 409)

    async def approve(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        from transflow.actions.approval import approve as approve_article

        posted = await article_post(request)
        if isinstance(posted, Response):
            return posted
        slug, data = posted
        version = data.get("version")
        if not isinstance(version, str) or not version:
            return _error(400, "expected the version the page shows: reload the page")
        # A changed article is ArticleChanged: a 409 with one line, through ``_broken``.
        result = await run_in_threadpool(approve_article, project, slug, data.get("force") is True, version)
        return JSONResponse({"approved": True, "forced": result.forced, "version": result.version})

    async def add_glossary(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        refused = _check_post(request, config)
        if refused:
            return refused
        data = await _json(request)
        if isinstance(data, Response):
            return data
        de, en, note = data.get("de"), data.get("en"), data.get("note") or None
        if not (isinstance(de, str) and isinstance(en, str) and de.strip() and en.strip()):
            return _error(400, "expected German and English")
        if note is not None and not isinstance(note, str):
            return _error(400, "the note must be text")
        await run_in_threadpool(add_to_glossary, project, de, en, note)
        return JSONResponse({"added": de.strip()})

    routes = [
        Route("/", index),
        Route("/index.html", index),
        Route("/favicon.ico", lambda r: Response(status_code=204)),
        Route("/glossary", add_glossary, methods=["POST"]),
        Route("/{slug}/", folder),
        Route("/{slug}/review.html", review),
        Route("/{slug}/state.json", state),
        Route("/{slug}/sentences/{number:int}", save, methods=["POST"]),
        Route("/{slug}/units/{unit}", save, methods=["POST"]),
        Route("/{slug}/approve", approve, methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={TransflowError: _broken})
    return Guard(app, config)


def _check_post(request: Request, config: ServerConfig) -> Response | None:
    """A state change must come from our own page: same origin and our CSRF token."""
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
        return _error(403, "cross-origin request refused")
    if request.headers.get("sec-fetch-site") not in (None, "same-origin", "none"):
        return _error(403, "cross-site request refused")
    given = request.headers.get("x-csrf-token", "")
    if not hmac.compare_digest(given.encode(), config.csrf.encode()):
        return _error(403, "missing or wrong CSRF token: reload the page")
    return None


async def _json(request: Request) -> dict[str, Any] | Response:
    """The body's JSON object, or a 400 for anything else (malformed, or nested too deep to parse)."""
    import json

    try:
        data = json.loads(await request.body() or b"{}")
    except (ValueError, RecursionError):  # 60 KB of "[" is a RecursionError, not a ValueError
        return _error(400, "the body is not a JSON object")
    return data if isinstance(data, dict) else _error(400, "the body is not a JSON object")


def _broken(request: Request, exc: Exception) -> Response:
    """Every error of ours as an answer: JSON with its ``http_status`` to the page's script,
    a page saying what to fix (a mistake in transflow.toml) to a browser; never a traceback."""
    from html import escape

    assert isinstance(exc, TransflowError)
    text = exc.message + (f"\n{exc.hint}" if exc.hint else "")
    if request.method != "GET":
        return JSONResponse({"error": exc.message, "hint": exc.hint}, status_code=exc.http_status)
    body = (
        "<!doctype html><title>transflow: error</title>"
        f"<h1>transflow cannot show this page</h1><pre>{escape(text)}</pre>"
    )
    return HTMLResponse(body, status_code=500)


def edit_state(project: Project, slug: str) -> dict[str, Any]:
    """What the page's script needs: each sentence's English, version and flags, the draft's hash."""
    from transflow.actions.sentences import sentence_version
    from transflow.work.workflow import approval_notes, article_state, article_version, try_glossary

    state = article_state(project, slug, try_glossary(project))
    record = state.record
    sentences: list[dict[str, Any]] = []
    for number, s in enumerate(record.sentences if record else (), start=1):
        sentences.append(
            {
                "number": number,
                "english": s.english,
                "version": sentence_version(s),
                "edited": s.edited,
                "warnings": len(s.findings),
                "missing": sum(t.status == TermStatus.MISSING for t in s.terms),
                "changed": s.conflict,
            }
        )
    notes = approval_notes(record) if record else None
    blockers = list(notes.blockers) if notes else []
    return {
        "slug": slug,
        "state": state.state,
        "version": article_version(record) if record else "",
        "draft": _draft_hash(project, slug),
        "sentences": sentences,
        "blocked": "; ".join(blockers),
        "blockers": blockers,
        "warnings": list(notes.warnings) if notes else [],
    }


def _draft_hash(project: Project, slug: str) -> str:
    from transflow.work.drafts import read_draft

    found = read_draft(project.article_dir(slug))
    return found[1] if found else ""


def add_to_glossary(project: Project, de: str, en: str, note: str | None) -> None:
    """Add a term to glossary.yml (comments kept), under the run lock like any other write."""
    from transflow.terms.glossary import add_term, edit_glossary_file

    edit_glossary_file(project.glossary, lambda text: add_term(text, de, en, note))
